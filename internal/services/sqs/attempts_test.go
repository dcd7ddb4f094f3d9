package sqs_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/internal/clock"
)

// TestReceiveRequestAttemptId checks FIFO receive retries: a repeat of an
// attempt returns the same messages and receipt handles and restarts their
// visibility; a delete, a visibility change or the end of the five-minute
// interval makes the id a new receive; standard queues ignore it.
func TestReceiveRequestAttemptId(t *testing.T) {
	fake := clock.NewFake(t0)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	url := createQueue(t, c, "attempts.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "60"})
	for _, b := range []string{"a1", "a2", "a3"} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b), MessageGroupId: aws.String("a")}); err != nil {
			t.Fatal(err)
		}
	}
	recv := func(attempt string) []types.Message {
		t.Helper()
		in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 2}
		if attempt != "" {
			in.ReceiveRequestAttemptId = aws.String(attempt)
		}
		out, err := c.ReceiveMessage(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	handles := func(ms []types.Message) []string {
		var hs []string
		for _, m := range ms {
			hs = append(hs, aws.ToString(m.Body)+"|"+aws.ToString(m.ReceiptHandle))
		}
		return hs
	}

	first := recv("try-1")
	if len(first) != 2 || aws.ToString(first[0].Body) != "a1" || aws.ToString(first[1].Body) != "a2" {
		t.Fatalf("first receive %v", handles(first))
	}
	// The group is in flight: a new attempt gets nothing; the retry gets the same answer.
	if other := recv("try-2"); len(other) != 0 {
		t.Fatalf("a new attempt got %v while the group is in flight", handles(other))
	}
	fake.Advance(50 * time.Second)
	again := recv("try-1")
	if got, want := handles(again), handles(first); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("retry got %v, want %v", got, want)
	}
	// The retry restarted the 60 s visibility: 50 s later the messages are still in flight.
	fake.Advance(50 * time.Second)
	if other := recv(""); len(other) != 0 {
		t.Fatalf("messages visible %v after the retry restarted their timeout", handles(other))
	}

	// A visibility change ends the attempt: the same id is then a new receive.
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[1].ReceiptHandle, VisibilityTimeout: 120}); err != nil {
		t.Fatal(err)
	}
	if got := recv("try-1"); len(got) != 0 {
		t.Fatalf("retry after a visibility change got %v", handles(got))
	}

	// After the five-minute interval an id is new again.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: first[1].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	third := recv("try-3")
	if len(third) != 1 || aws.ToString(third[0].Body) != "a3" {
		t.Fatalf("after deletes: %v", handles(third))
	}
	fake.Advance(6 * time.Minute) // past the visibility timeout and the deduplication interval
	if got := recv("try-3"); len(got) != 1 || aws.ToString(got[0].ReceiptHandle) == aws.ToString(third[0].ReceiptHandle) {
		t.Fatalf("an expired attempt id answered %v, want a new receive of a3", handles(got))
	}

	// Standard queues ignore the id: each call is a receive of its own.
	std := createQueue(t, c, "attempts-std", nil)
	send(t, c, std, "s1")
	send(t, c, std, "s2")
	for i := range 2 {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(std), ReceiveRequestAttemptId: aws.String("same")})
		if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != []string{"s1", "s2"}[i] {
			t.Fatalf("standard receive %d: %v %v", i, out, err)
		}
	}
}
