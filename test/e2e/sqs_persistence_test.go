package e2e

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/test/testutil"
)

// A message whose SendMessage returned survives kill -9, and so does the
// receive count of a message handed out before the kill. Senders keep
// sending while the process is killed; every acknowledged message must be
// there after a restart on the same data directory.
func TestSQSKill9KeepsAcknowledgedMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped in -short mode")
	}
	dir := t.TempDir()
	h := start(t, "--data-dir", dir)
	ctx := context.Background()
	c := sqs.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("durable"), Attributes: map[string]string{"VisibilityTimeout": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	url := out.QueueUrl

	// Receive counts: ten messages received twice before the kill.
	for i := range 10 {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(fmt.Sprintf("counted-%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	counted := map[string]bool{}
	for len(counted) < 10 {
		r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Messages {
			if m.Attributes["ApproximateReceiveCount"] == "2" {
				counted[aws.ToString(m.Body)] = true
			}
		}
	}

	const senders, target = 4, 400
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				body := fmt.Sprintf("m-%d-%d", s, i)
				if i%2 == 0 {
					if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String(body)}); err != nil {
						return // the process is gone
					}
					mu.Lock()
					acked[body] = true
					mu.Unlock()
					continue
				}
				var entries []types.SendMessageBatchRequestEntry
				for j := range 5 {
					entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String(body + "-" + strconv.Itoa(j))})
				}
				r, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
				if err != nil {
					return
				}
				mu.Lock()
				for _, e := range r.Successful {
					j, _ := strconv.Atoi(aws.ToString(e.Id))
					acked[aws.ToString(entries[j].MessageBody)] = true
				}
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= target {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.kill()
	close(done)
	wg.Wait()

	h2 := startAt(t, h.Addr, "--data-dir", dir)
	c2 := sqs.NewFromConfig(testutil.AWSConfig(h2.URL, "test"))
	got := map[string]string{}
	deadline := time.Now().Add(60 * time.Second)
	for {
		missing := 0
		for b := range acked {
			if _, ok := got[b]; !ok {
				missing++
			}
		}
		for b := range counted {
			if _, ok := got[b]; !ok {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d acknowledged messages missing after kill -9 (%d acknowledged, %d received)", missing, len(acked), len(got))
		}
		r, err := c2.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 600,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.Messages {
			got[aws.ToString(m.Body)] = m.Attributes["ApproximateReceiveCount"]
		}
	}
	for b := range counted {
		if n, _ := strconv.Atoi(got[b]); n < 3 {
			t.Errorf("%s: receive count %s after restart, want 3 (two before the kill)", b, got[b])
		}
	}
	t.Logf("%d messages acknowledged before kill -9, all received after restart", len(acked))
}
