package typed

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type tag struct {
	Key   *string `aws:"Key"`
	Value *string `aws:"Value"`
}

type role struct {
	RoleName   *string           `aws:"RoleName"`
	MaxSession *int64            `aws:"MaxSessionDuration"`
	Created    *time.Time        `aws:"CreateDate"`
	Tags       []tag             `aws:"Tags"`
	Names      []string          `aws:"Names"`
	Attrs      map[string]string `aws:"Attributes"`
	Last       *tag              `aws:"Last"`
	Blob       []byte            `aws:"Blob"`
	Ratio      *float64          `aws:"Ratio"`
	Enabled    *bool             `aws:"Enabled"`
	Doc        any               `aws:"Doc"`
	untagged   string
}

func s(v string) *string { return &v }

func TestRoundTrip(t *testing.T) {
	when := time.Date(2026, 11, 22, 1, 2, 3, 0, time.UTC)
	in := map[string]any{
		"RoleName":           "app",
		"MaxSessionDuration": int64(3600),
		"CreateDate":         when,
		"Tags":               []any{map[string]any{"Key": "env", "Value": "dev"}},
		"Names":              []any{"a", "b"},
		"Attributes":         map[string]any{"x": "1"},
		"Last":               map[string]any{"Key": "k"},
		"Blob":               []byte{1, 2},
		"Ratio":              0.5,
		"Enabled":            false,
		"Doc":                map[string]any{"any": []any{1.0}},
		"Unknown":            "ignored",
	}
	var r role
	if err := Decode(in, &r); err != nil {
		t.Fatal(err)
	}
	if *r.RoleName != "app" || *r.MaxSession != 3600 || !r.Created.Equal(when) || *r.Tags[0].Value != "dev" ||
		r.Names[1] != "b" || r.Attrs["x"] != "1" || *r.Last.Key != "k" || r.Last.Value != nil || *r.Ratio != 0.5 || *r.Enabled {
		t.Fatalf("decoded %+v", r)
	}
	out := Encode(&r)
	delete(in, "Unknown")
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got %#v\nwant %#v", out, in)
	}
}

func TestEncodeOmitsAbsentKeepsEmpty(t *testing.T) {
	out := Encode(role{RoleName: s("x"), Tags: []tag{}})
	want := map[string]any{"RoleName": "x", "Tags": []any{}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %#v want %#v", out, want)
	}
	if Encode((*role)(nil)) != nil {
		t.Error("nil pointer should encode as nil")
	}
}

func TestDecodeMismatch(t *testing.T) {
	cases := []map[string]any{
		{"RoleName": int64(1)},
		{"Tags": "nope"},
		{"Tags": []any{"nope"}},
		{"CreateDate": "yesterday"},
		{"Enabled": "true"},
		{"Attributes": map[string]any{"x": int64(1)}},
	}
	for _, c := range cases {
		var r role
		if err := Decode(c, &r); err == nil || !strings.HasPrefix(err.Error(), "typed: ") {
			t.Errorf("%v: err = %v", c, err)
		}
	}
	if err := Decode(nil, role{}); err == nil {
		t.Error("decode into a non-pointer must fail")
	}
}
