package sqs

import "testing"

// Digests published with AWS's documentation and checked by SDKs that verify
// MD5OfMessageAttributes (Java, .NET, JavaScript).
func TestMD5Attributes(t *testing.T) {
	cases := []struct {
		name  string
		attrs []attrValue
		want  string
	}{
		{"none", nil, ""},
		{"one string", []attrValue{{Name: "SellerName", DataType: "String", String: "Example Store"}}, "cd28f3b68aeee4b2eac9c66f2f694b58"},
		{"one number", []attrValue{{Name: "timestamp", DataType: "Number", String: "1493147359900"}}, "235c5c510d26fb653d073faed50ae77c"},
		{"sorted by name", []attrValue{{Name: "ordinal", DataType: "Number", String: "1"}, {Name: "category", DataType: "String", String: "test"}}, "d21ae90c49061e927f57df5f5d72be1f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := md5Attributes(c.attrs); got != c.want {
				t.Errorf("md5Attributes = %q, want %q", got, c.want)
			}
		})
	}
}

func TestValidBody(t *testing.T) {
	cases := map[string]bool{"hello": true, "tab\tnew\nline\r": true, "한글 🙂": true, "\x00": false, "\x1f": false, "\xff": false, "\uFFFE": false}
	for body, want := range cases {
		if got := validBody(body); got != want {
			t.Errorf("validBody(%q) = %v, want %v", body, got, want)
		}
	}
}

func TestReceiptHandleRoundTrip(t *testing.T) {
	h := receiptHandle{seq: 0x1234, receives: 3, id: "5fea7756-0ea4-451a-a703-a558b933e274"}
	got, ok := parseHandle(h.String())
	if !ok || got != h {
		t.Fatalf("parseHandle(%q) = %+v, %v", h.String(), got, ok)
	}
	if _, ok := parseHandle("not-a-handle"); ok {
		t.Error("garbage parsed as a receipt handle")
	}
}
