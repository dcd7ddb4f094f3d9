package identity

import "testing"

type fixed map[string]Principal

func (f fixed) Resolve(k string) (Principal, bool) { p, ok := f[k]; return p, ok }

func TestResolve(t *testing.T) {
	d := NewDirectory("")
	d.Add(fixed{"AKIAISSUED0000000001": {Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice"}})
	cases := []struct{ key, account, arn string }{
		{"", DefaultAccount, "arn:aws:iam::000000000000:root"},
		{"test", DefaultAccount, "arn:aws:iam::000000000000:root"},
		{"123456789012", "123456789012", "arn:aws:iam::123456789012:root"},
		{"12345678901", DefaultAccount, "arn:aws:iam::000000000000:root"},
		{"AKIAISSUED0000000001", "111111111111", "arn:aws:iam::111111111111:user/alice"},
	}
	for _, c := range cases {
		p := d.Resolve(c.key)
		if p.Account != c.account || p.ARN != c.arn {
			t.Errorf("%q → %+v, want %s %s", c.key, p, c.account, c.arn)
		}
	}
	if got := NewDirectory("123456789012").Resolve("x").Account; got != "123456789012" {
		t.Errorf("default account override: %s", got)
	}
}
