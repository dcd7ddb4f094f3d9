package ids

import (
	"regexp"
	"testing"
)

func TestShapes(t *testing.T) {
	cases := []struct {
		got string
		re  string
	}{
		{Unique("AROA", 17), `^AROA[A-Z2-7]{17}$`},
		{Unique("AKIA", 16), `^AKIA[A-Z2-7]{16}$`},
		{Hex("vpc", 17), `^vpc-[0-9a-f]{17}$`},
		{Secret(), `^[A-Za-z0-9+/]{40}$`},
		{UUID(), `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`},
	}
	for _, c := range cases {
		if !regexp.MustCompile(c.re).MatchString(c.got) {
			t.Errorf("%q does not match %s", c.got, c.re)
		}
	}
	if Unique("AKIA", 16) == Unique("AKIA", 16) {
		t.Error("ids repeat")
	}
}
