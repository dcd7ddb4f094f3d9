package sqs_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Many producers and consumers share a queue with a dead-letter queue.
// Consumers "crash" on some receives (they never delete; the message comes
// back when its visibility timeout, shortened to one second, ends) and
// never delete poison messages. Every message must be delivered, none
// lost, and exactly the poison ones must reach the dead-letter queue.
func TestConcurrentProducersAndCrashingConsumers(t *testing.T) {
	const (
		producers  = 4
		perProd    = 750
		consumers  = 8
		maxReceive = 3
	)
	if testing.Short() {
		t.Skip("concurrency test skipped in -short mode")
	}
	c, _ := newClient(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dlq := createQueue(t, c, "conc-dlq", nil)
	url := createQueue(t, c, "conc", map[string]string{"VisibilityTimeout": "60",
		"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:conc-dlq","maxReceiveCount":%d}`, maxReceive)})

	total := producers * perProd
	poison := func(i int) bool { return i%50 == 7 }
	crashFirst := func(i int) bool { return i%4 == 1 } // crash on the first receive, delete on the second

	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perProd; i += 10 {
				var entries []types.SendMessageBatchRequestEntry
				for j := i; j < i+10 && j < perProd; j++ {
					n := p*perProd + j
					entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j)), MessageBody: aws.String(strconv.Itoa(n))})
				}
				out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
				if err != nil || len(out.Failed) > 0 {
					t.Errorf("send batch: %v %+v", err, out)
					return
				}
			}
		}()
	}

	var mu sync.Mutex
	deleted := map[int]int{} // body → deletions acknowledged
	wantDeleted := 0
	for i := range total {
		if !poison(i) {
			wantDeleted++
		}
	}
	stop := make(chan struct{})
	var cwg sync.WaitGroup
	for range consumers {
		cwg.Add(1)
		go func() {
			defer cwg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
					MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("receive: %v", err)
					}
					return
				}
				var del []types.DeleteMessageBatchRequestEntry
				for k, m := range out.Messages {
					n, _ := strconv.Atoi(aws.ToString(m.Body))
					count, _ := strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
					if count > maxReceive {
						t.Errorf("message %d received %d times, past maxReceiveCount", n, count)
					}
					if poison(n) || crashFirst(n) && count == 1 {
						// Crash: never delete. The message returns after a one-second timeout.
						if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 1}); err != nil {
							t.Errorf("crash %d: %v", n, err)
						}
						continue
					}
					del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(k)), ReceiptHandle: m.ReceiptHandle})
				}
				if len(del) == 0 {
					continue
				}
				res, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: del})
				if err != nil || len(res.Failed) > 0 {
					t.Errorf("delete: %v %+v", err, res)
					return
				}
				mu.Lock()
				for _, e := range del {
					k, _ := strconv.Atoi(aws.ToString(e.Id))
					n, _ := strconv.Atoi(aws.ToString(out.Messages[k].Body))
					deleted[n]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	wantPoison := 0
	for i := range total {
		if poison(i) {
			wantPoison++
		}
	}
	for {
		mu.Lock()
		done := len(deleted)
		mu.Unlock()
		inDLQ, _ := strconv.Atoi(queueAttrs(t, c, dlq)["ApproximateNumberOfMessages"])
		if done == wantDeleted && inDLQ == wantPoison {
			break
		}
		if ctx.Err() != nil || t.Failed() {
			close(stop)
			cwg.Wait()
			t.Fatalf("gave up: %d of %d deleted, %d of %d in the DLQ", done, wantDeleted, inDLQ, wantPoison)
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	cwg.Wait()

	for i := range total {
		if !poison(i) && deleted[i] == 0 {
			t.Errorf("message %d lost", i)
		}
	}
	a := queueAttrs(t, c, url)
	if a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "0" || a["ApproximateNumberOfMessagesDelayed"] != "0" {
		t.Errorf("source queue not empty: %v", a)
	}
	var dead []string
	for {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq), MaxNumberOfMessages: 10, VisibilityTimeout: 600,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			n, _ := strconv.Atoi(aws.ToString(m.Body))
			if !poison(n) {
				t.Errorf("message %d reached the DLQ", n)
			}
			if m.Attributes["ApproximateReceiveCount"] != strconv.Itoa(maxReceive+1) {
				t.Errorf("dead letter %d: receive count %s", n, m.Attributes["ApproximateReceiveCount"])
			}
			dead = append(dead, aws.ToString(m.Body))
		}
	}
	if len(dead) != wantPoison {
		t.Errorf("%d messages in the DLQ, want %d: %s", len(dead), wantPoison, strings.Join(dead, ","))
	}
}
