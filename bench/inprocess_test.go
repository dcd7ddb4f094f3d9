package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"haneul/test/testutil"
)

// BenchmarkInProcessGetCallerIdentity measures the whole request path in one
// process: aws-sdk-go-v2 client → loopback listener → gateway → codec → STS
// GetCallerIdentity → response. It reports req/s and the p99 latency in
// microseconds as custom metrics. Run it with -cpuprofile to see where the
// time goes:
//
//	go test ./bench -run '^$' -bench InProcess -cpuprofile cpu.out
func BenchmarkInProcessGetCallerIdentity(b *testing.B) {
	cfg, _ := testutil.NewServer(b)
	// Our own HTTP client, so its idle connections can be closed before the
	// server shuts down: a connection the transport dialled but never used
	// would otherwise hold the server's graceful shutdown past its deadline.
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	cfg.HTTPClient = &http.Client{Transport: tr}
	b.Cleanup(tr.CloseIdleConnections)
	client := sts.NewFromConfig(cfg)
	parallelLatency(b, func(ctx context.Context) error {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	})
}
