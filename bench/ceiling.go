package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// cannedGCI is a GetCallerIdentity answer as a server with no work to do
// would send it.
const cannedGCI = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`

// startCanned serves cannedGCI to every request from a bare net/http server
// on a loopback port, and returns its URL and a function that stops it.
func startCanned() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("canned server: listen: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = io.WriteString(w, cannedGCI)
	})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logf("canned server: %v", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close(); <-done }, nil
}

// measureCeiling runs the GetCallerIdentity client against the canned server
// at each client count: the most any server can show with this client on
// this machine, since the answer costs nothing to make. It returns the
// median round per client count.
func measureCeiling(ctx context.Context, clients []int, rounds int, d time.Duration) (map[int]Result, error) {
	url, stop, err := startCanned()
	if err != nil {
		return nil, err
	}
	defer stop()
	maxClients := 0
	for _, c := range clients {
		maxClients = max(maxClients, c)
	}
	cfg, err := clientConfig(url, maxClients)
	if err != nil {
		return nil, err
	}
	client := sts.NewFromConfig(cfg)
	op := func(ctx context.Context, _ int) error {
		_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return err
	}
	if err := warm(ctx, op, 20); err != nil {
		return nil, fmt.Errorf("canned server: %w", err)
	}
	out := map[int]Result{}
	for _, c := range clients {
		var rs []Result
		for range rounds {
			rs = append(rs, measure(ctx, op, c, d, -1))
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[c] = medianRound(rs)
		logf("ceiling (canned answer, same client) c=%-3d %9.0f ops/s  p50 %8s  p99 %8s", c, out[c].Rate(), ms(out[c].P50), ms(out[c].P99))
	}
	return out, nil
}
