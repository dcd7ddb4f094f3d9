package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// cannedServer serves cannedGCI from a bare net/http server on loopback: the
// floor under any Go server on this machine.
func cannedServer(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listen: %v", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, cannedGCI)
	})}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// BenchmarkBaselineSDKToCanned is BenchmarkInProcessGetCallerIdentity with
// haneul replaced by a canned answer: what the aws-sdk-go-v2 client and
// loopback HTTP cost alone. The gap to the in-process benchmark is haneul's.
func BenchmarkBaselineSDKToCanned(b *testing.B) {
	cfg, err := clientConfig(cannedServer(b), 64)
	if err != nil {
		b.Fatal(err)
	}
	client := sts.NewFromConfig(cfg)
	parallelLatency(b, func(ctx context.Context) error {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	})
}

// BenchmarkBaselineHTTPToCanned posts a GetCallerIdentity form with a bare
// net/http client to the canned server: the floor of one loopback HTTP round
// trip on this machine, with no AWS client or server work at all.
func BenchmarkBaselineHTTPToCanned(b *testing.B) {
	u := cannedServer(b)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	form := url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}.Encode()
	parallelLatency(b, func(ctx context.Context) error {
		resp, err := hc.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	})
}

// parallelLatency runs call from GOMAXPROCS goroutines and reports req/s
// and p99 in microseconds.
func parallelLatency(b *testing.B, call func(context.Context) error) {
	ctx := context.Background()
	if err := call(ctx); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	var (
		mu  sync.Mutex
		lat []time.Duration
	)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			t0 := time.Now()
			if err := call(ctx); err != nil {
				b.Errorf("call: %v", err)
				return
			}
			local = append(local, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(percentile(lat, 99))/float64(time.Microsecond), "p99-µs")
}
