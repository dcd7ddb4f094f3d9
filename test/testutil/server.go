// Package testutil starts real haneul servers for tests.
package testutil

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"haneul/internal/config"
	"haneul/internal/server"
)

// Server is a haneul running in the test process on a loopback port.
type Server struct {
	*server.Server
	// URL is the AWS endpoint, http://127.0.0.1:<port>.
	URL string
	cfg config.Config
}

// Option changes the configuration of a test server.
type Option func(*config.Config, *[]server.Option)

// WithConfig edits the server configuration.
func WithConfig(f func(*config.Config)) Option {
	return func(c *config.Config, _ *[]server.Option) { f(c) }
}

// WithServerOption passes a server option (a fake clock, say).
func WithServerOption(o server.Option) Option {
	return func(_ *config.Config, opts *[]server.Option) { *opts = append(*opts, o) }
}

// NewServer starts haneul on 127.0.0.1:0 and stops it when the test ends.
// The returned aws.Config points every aws-sdk-go-v2 client at it with
// static test credentials in ap-northeast-2, and the SDK's default retries:
// under load the SDK's client occasionally loses a response to its own
// connection race (aws/aws-sdk-go-v2 issue 2737), which it retries.
func NewServer(t testing.TB, opts ...Option) (aws.Config, *Server) {
	t.Helper()
	cfg := config.Default()
	cfg.Listen = "127.0.0.1:0"
	cfg.DNSListen = "" // tests that need the DNS server choose its port
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(&testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	sopts := []server.Option{server.WithLogger(logger)}
	for _, o := range opts {
		o(&cfg, &sopts)
	}
	srv, err := server.New(cfg, sopts...)
	if err != nil {
		t.Fatalf("testutil: new server: %v", err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		t.Fatalf("testutil: listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("testutil: server stopped with %v", err)
		}
	})
	url := "http://" + ln.Addr().String()
	return AWSConfig(url, "test"), &Server{Server: srv, URL: url, cfg: cfg}
}

// AWSConfig is an aws.Config for the endpoint, signing with accessKey.
func AWSConfig(url, accessKey string) aws.Config {
	return aws.Config{
		Region:       "ap-northeast-2",
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, "test", ""),
		BaseEndpoint: aws.String(url),
	}
}

type testWriter struct{ t testing.TB }

func (w *testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
