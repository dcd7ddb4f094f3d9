package main

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// clientConfig is the aws.Config every benchmark client uses: static
// credentials "test", region us-east-1, retries of connection errors only,
// the endpoint at endpoint, and enough idle connections that conns
// goroutines never churn TCP connections. It refuses any endpoint that is not on 127.0.0.1 so load
// never leaves the machine.
func clientConfig(endpoint string, conns int) (aws.Config, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return aws.Config{}, fmt.Errorf("parse endpoint: %w", err)
	}
	if u.Hostname() != "127.0.0.1" {
		return aws.Config{}, fmt.Errorf("endpoint %s is not on 127.0.0.1", endpoint)
	}
	hc := awshttp.NewBuildableClient().
		WithTimeout(30 * time.Second).
		WithTransportOptions(func(t *http.Transport) {
			t.Proxy = nil // straight to loopback, whatever HTTP_PROXY says
			t.MaxIdleConns = 2*conns + 4
			t.MaxIdleConnsPerHost = 2*conns + 4
		})
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
		HTTPClient:   hc,
		Retryer:      connectionRetryer,
	}, nil
}

// connectionRetryer retries only what the SDK calls connection errors, at
// once and at most twice. Under load the SDK's own client sometimes loses a
// response it was reading to a race between its goroutines
// (aws/aws-sdk-go-v2#2737) and classifies that as a connection error; every
// other error (throttling, 5xx) still counts against the server measured.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}
