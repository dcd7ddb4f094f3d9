package contentenc

import (
	"io"
	"strings"
	"testing"
)

func TestChunkedReader(t *testing.T) {
	for _, tc := range []struct{ name, in, want, crc string }{
		{"signed", "5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\n\r\n", "hello world", ""},
		{"trailer", "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n", "abc", "NSRBwg=="},
		{"no final crlf", "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n", "abc", "NSRBwg=="},
	} {
		cr := NewChunkedReader(strings.NewReader(tc.in))
		got, err := io.ReadAll(cr)
		if err != nil || string(got) != tc.want || cr.Trailer().Get("X-Amz-Checksum-Crc32") != tc.crc {
			t.Errorf("%s: %q %v trailer %v", tc.name, got, err, cr.Trailer())
		}
	}
	for _, bad := range []string{"zz\r\nabc", "5\r\nab", "3\r\nabcdef\r\n0\r\n\r\n", strings.Repeat("1", 5000)} {
		if _, err := io.ReadAll(NewChunkedReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
