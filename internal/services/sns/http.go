package sns

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"haneul/internal/reqctx"
)

// httpAttempts is how often an HTTP/S delivery is tried.
// AWS: the default HTTP delivery policy retries 3 times, 20 s apart; haneul
// tries 3 times, a second apart, so that a local endpoint that is slow to
// start still gets its message.
const httpAttempts = 3

// post delivers d.Message to an HTTP/S endpoint in the background, as SNS
// does: a POST with the x-amz-sns-* headers and a text/plain body (the
// JSON envelope, or the raw message with raw delivery), retried on failure.
// The delivery is recorded with its outcome.
func (s *Service) post(ctx context.Context, d Delivery, raw bool) {
	info := *reqctx.From(ctx)
	bg := reqctx.With(s.background(), &info) // keeps the scope for record
	go func() {
		var err error
		for attempt := range httpAttempts {
			if attempt > 0 {
				select {
				case <-bg.Done():
					return
				case <-time.After(time.Second):
				}
			}
			if err = s.postOnce(bg, d, raw); err == nil {
				break
			}
		}
		if err != nil {
			d.Error = err.Error()
			s.log.Warn("sns: HTTP delivery failed", "endpoint", d.Endpoint, "subscription", d.SubscriptionArn, "err", err)
		}
		s.record(bg, d)
	}()
}

func (s *Service) postOnce(ctx context.Context, d Delivery, raw bool) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Endpoint, bytes.NewBufferString(d.Message))
	if err != nil {
		return fmt.Errorf("sns: delivery request: %w", err)
	}
	// AWS: the headers SNS sends with every HTTP/S message.
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
	req.Header.Set("x-amz-sns-message-type", d.Type)
	req.Header.Set("x-amz-sns-message-id", d.MessageId)
	req.Header.Set("x-amz-sns-topic-arn", d.TopicArn)
	if d.Type == "Notification" {
		req.Header.Set("x-amz-sns-subscription-arn", d.SubscriptionArn)
	}
	if raw {
		req.Header.Set("x-amz-sns-rawdelivery", "true")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("sns: post to %s: %w", d.Endpoint, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	// AWS: a 2xx answer is a delivery; anything else is retried.
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sns: post to %s: status %d", d.Endpoint, resp.StatusCode)
	}
	return nil
}
