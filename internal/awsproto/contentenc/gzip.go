// Package contentenc undoes the content encodings AWS clients apply to
// request bodies: gzip (the requestCompression trait) and aws-chunked
// (streaming uploads with chunk signatures and trailing checksums).
package contentenc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"

	"haneul/internal/awsproto/awserr"
)

// MaxDecompressed bounds a decompressed request body.
const MaxDecompressed = 20 << 20

// Has reports whether the Content-Encoding header lists enc.
func Has(h http.Header, enc string) bool {
	for _, v := range h.Values("Content-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), enc) {
				return true
			}
		}
	}
	return false
}

// Gunzip returns body decompressed when the Content-Encoding header says
// gzip, else body itself. A decompressed body over MaxDecompressed bytes is
// a 413 error; corrupt data is a SerializationException.
//
// AWS: clients gzip large bodies of operations with the requestCompression
// trait (CloudWatch PutMetricData) and say so in Content-Encoding.
func Gunzip(h http.Header, body []byte) ([]byte, error) {
	if !Has(h, "gzip") || len(body) == 0 {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, awserr.Serialization("cannot decompress the gzip request body: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxDecompressed+1))
	if err != nil {
		return nil, awserr.Serialization("cannot decompress the gzip request body: %v", err)
	}
	if len(out) > MaxDecompressed {
		return nil, awserr.New("RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "%s", fmt.Sprintf("the decompressed request body exceeds %d bytes", MaxDecompressed))
	}
	return out, nil
}
