package rest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
)

type jsonFormat struct{}

func (jsonFormat) ContentType() string { return "application/json" }
func (jsonFormat) DecodeDocument(b []byte, ref *model.ShapeRef) (map[string]any, error) {
	return jsonshape.Decode(b, ref.Shape)
}
func (jsonFormat) EncodeDocument(ref *model.ShapeRef, v map[string]any) ([]byte, error) {
	return jsonshape.Encode(ref.Shape, v)
}

// FuzzRouteAndBind routes arbitrary methods, paths, queries and headers
// through the S3 and Lambda routers and decodes the bindings and body.
func FuzzRouteAndBind(f *testing.F) {
	loader := model.NewLoader()
	s3, _ := loader.Load("s3")
	lambda, _ := loader.Load("lambda")
	f.Add("PUT", "/b/k%2F..//x", "partNumber=1&uploadId=u", "x-amz-copy-source", "a/b", []byte("body"))
	f.Add("GET", "/b", "list-type=2&max-keys=x", "Range", "bytes=0-1", []byte(nil))
	f.Add("POST", "/2015-03-31/functions/f/invocations", "", "X-Amz-Client-Context", "e30=", []byte(`{}`))
	f.Add("PUT", "/b/k", "", "Content-Encoding", "aws-chunked", []byte("5;chunk-signature=x\r\nhello\r\n0\r\nx-amz-checksum-crc32:AA==\r\n\r\n"))
	f.Fuzz(func(t *testing.T, method, path, query, hk, hv string, body []byte) {
		for _, svc := range []*model.Service{s3, lambda} {
			u := &url.URL{Path: "/", RawPath: "", RawQuery: query}
			if p, err := url.PathUnescape(path); err == nil {
				u.Path, u.RawPath = p, path
			}
			h := http.Header{}
			h.Set(hk, hv)
			r := &http.Request{Method: method, URL: u, Header: h, Body: io.NopCloser(bytes.NewReader(body))}
			req := &awsproto.Request{HTTP: r, Service: svc}
			op, err := Operation(req)
			if err != nil {
				continue
			}
			in, err := Decode(req, op, jsonFormat{})
			if err != nil {
				if _, ok := awserr.As(err); !ok {
					t.Fatalf("non-AWS error %T: %v", err, err)
				}
				continue
			}
			for _, v := range in {
				if rd, ok := v.(io.Reader); ok {
					_, _ = io.Copy(io.Discard, rd)
				}
			}
		}
	})
}
