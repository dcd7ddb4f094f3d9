package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"haneul/internal/config"
)

// FuzzGateway sends arbitrary requests through the whole HTTP surface: any
// input must be answered with an AWS error or a result, never a 5xx other
// than 501 (which names an operation haneul lacks), and never a panic.
func FuzzGateway(f *testing.F) {
	seeds := []struct {
		method, path, target, ctype, auth, body string
	}{
		{"POST", "/", "", "application/x-www-form-urlencoded", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/sts/aws4_request, Signature=x", "Action=GetCallerIdentity&Version=2011-06-15"},
		{"POST", "/", "", "application/x-www-form-urlencoded", "", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/x&RoleSessionName=abc&Tags.member.1.Key=k"},
		{"POST", "/", "AmazonSQS.SendMessage", "application/x-amz-json-1.0", "", `{"QueueUrl":"x","MessageBody":"y"}`},
		{"POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", "", "application/cbor", "", "\xa0"},
		{"PUT", "/bucket/a//b/../c", "", "text/plain", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/s3/aws4_request, Signature=x", "hello"},
		{"GET", "/2015-03-31/functions/f", "", "", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/lambda/aws4_request, Signature=x", ""},
		{"POST", "/", "", "application/x-www-form-urlencoded", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/ec2/aws4_request, Signature=x", "Action=RunInstances&Version=2016-11-15&MinCount=1&MaxCount=99999999999999999999"},
		{"POST", "/", "", "application/x-www-form-urlencoded", "AWS4-HMAC-SHA256 garbage", "Action=%zz"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.target, s.ctype, s.auth, []byte(s.body))
	}
	cfg := config.Default()
	srv, err := New(cfg, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, method, path, target, ctype, auth string, body []byte) {
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			method = "POST"
		}
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/_haneul") || strings.HasPrefix(path, "/moto-api") {
			path = "/" + strings.TrimLeft(path, "/_")
		}
		r, err := http.NewRequest(method, "http://127.0.0.1:4566/", bytes.NewReader(body))
		if err != nil {
			return
		}
		r.URL.Path = path
		r.URL.RawPath = ""
		for k, v := range map[string]string{"X-Amz-Target": target, "Content-Type": ctype, "Authorization": auth} {
			if v != "" && !strings.ContainsAny(v, "\r\n\x00") {
				r.Header.Set(k, v)
			}
		}
		if strings.HasPrefix(path, "/service/") {
			r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s target=%q ctype=%q auth=%q body=%q → %d %s", method, path, target, ctype, auth, body, w.Code, w.Body)
		}
	})
}
