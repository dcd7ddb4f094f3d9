package main

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// clientConfig is the aws.Config every benchmark client uses: static
// credentials "test", region us-east-1, no retries, the endpoint at
// endpoint, and enough idle connections that conns goroutines never churn
// TCP connections. It refuses any endpoint that is not on 127.0.0.1 so load
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
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
		Retryer:          func() aws.Retryer { return aws.NopRetryer{} },
	}, nil
}
