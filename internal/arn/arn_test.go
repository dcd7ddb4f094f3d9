package arn

import "testing"

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		in    string
		ok    bool
		parts ARN
	}{
		{"arn:aws:iam::123456789012:role/app/x", true, ARN{"aws", "iam", "", "123456789012", "role/app/x"}},
		{"arn:aws:sqs:ap-northeast-2:000000000000:q:with:colons", true, ARN{"aws", "sqs", "ap-northeast-2", "000000000000", "q:with:colons"}},
		{"arn:aws:iam", false, ARN{}},
		{"nope:aws:iam::1:x", false, ARN{}},
	}
	for _, c := range cases {
		a, err := Parse(c.in)
		if (err == nil) != c.ok {
			t.Fatalf("%s: err %v", c.in, err)
		}
		if c.ok && (a != c.parts || a.String() != c.in) {
			t.Errorf("%s → %+v (%s)", c.in, a, a)
		}
	}
	if got := New("s3", "cn-north-1", "1", "b"); got != "arn:aws-cn:s3:cn-north-1:1:b" {
		t.Error(got)
	}
}
