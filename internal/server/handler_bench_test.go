package server

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"haneul/internal/config"
)

// BenchmarkGetCallerIdentityHandler measures haneul's own cost of one STS
// GetCallerIdentity, from the parsed HTTP request to the written response:
// gateway, query codec, handler. Network and client costs are left out
// (bench/ measures those, side by side with moto_server).
func BenchmarkGetCallerIdentityHandler(b *testing.B) {
	srv, err := New(config.Default(), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	const body = "Action=GetCallerIdentity&Version=2011-06-15"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 200 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
