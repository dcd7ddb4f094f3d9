package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func init() {
	register(Workload{
		Name:  "sqs-roundtrip",
		Title: "SQS send+receive+delete, 1 message",
		Order: 300,
		Setup: func(ctx context.Context, cfg aws.Config, _ Scale) (Op, error) {
			c := sqs.NewFromConfig(cfg)
			url, err := benchQueue(ctx, c, "bench-roundtrip")
			if err != nil {
				return nil, err
			}
			return func(ctx context.Context, _ int) error {
				if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("bench message")}); err != nil {
					return err
				}
				return receiveAndDelete(ctx, c, url, 1)
			}, nil
		},
	})
	register(Workload{
		Name:  "sqs-roundtrip-batch",
		Title: "SQS send+receive+delete, batches of 10 (op = 10 messages)",
		Order: 310,
		Setup: func(ctx context.Context, cfg aws.Config, _ Scale) (Op, error) {
			c := sqs.NewFromConfig(cfg)
			// One queue per worker: workers that each wait for ten messages
			// on a shared queue can starve one another.
			var queues sync.Map // worker → *string
			entries := make([]types.SendMessageBatchRequestEntry, 10)
			for i := range entries {
				entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String("bench message " + strconv.Itoa(i))}
			}
			return func(ctx context.Context, worker int) error {
				u, ok := queues.Load(worker)
				if !ok {
					url, err := benchQueue(ctx, c, "bench-batch-"+strconv.Itoa(worker))
					if err != nil {
						return err
					}
					u, _ = queues.LoadOrStore(worker, url)
				}
				url := u.(*string)
				out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
				if err != nil {
					return err
				}
				if len(out.Failed) > 0 {
					return fmt.Errorf("send batch: %d failed", len(out.Failed))
				}
				return receiveAndDelete(ctx, c, url, 10)
			}, nil
		},
	})
	register(Workload{
		Name:  "sqs-receive-deep",
		Title: "SQS receive+delete+send, 10k messages waiting",
		Order: 320,
		Setup: func(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
			c := sqs.NewFromConfig(cfg)
			url, err := benchQueue(ctx, c, "bench-deep")
			if err != nil {
				return nil, err
			}
			if err := fillQueue(ctx, c, url, 10*s.Fixtures); err != nil {
				return nil, err
			}
			return func(ctx context.Context, _ int) error {
				// The depth stays constant: one out, one in.
				if err := receiveAndDelete(ctx, c, url, 1); err != nil {
					return err
				}
				_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("refill")})
				return err
			}, nil
		},
	})
}

// benchQueue creates (or empties) a queue for a workload.
func benchQueue(ctx context.Context, c *sqs.Client, name string) (*string, error) {
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("create queue %s: %w", name, err)
	}
	if _, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: out.QueueUrl}); err != nil {
		return nil, fmt.Errorf("purge queue %s: %w", name, err)
	}
	return out.QueueUrl, nil
}

// receiveAndDelete receives n messages (other workers' messages count too)
// and deletes them in one batch.
func receiveAndDelete(ctx context.Context, c *sqs.Client, url *string, n int) error {
	var got []types.Message
	for tries := 0; len(got) < n; tries++ {
		if tries == 20 {
			return errors.New("receive: queue stayed empty")
		}
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: int32(n - len(got)), WaitTimeSeconds: 1})
		if err != nil {
			return err
		}
		got = append(got, out.Messages...)
	}
	if n == 1 {
		_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: got[0].ReceiptHandle})
		return err
	}
	entries := make([]types.DeleteMessageBatchRequestEntry, len(got))
	for i, m := range got {
		entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
	}
	out, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: entries})
	if err == nil && len(out.Failed) > 0 {
		err = fmt.Errorf("delete batch: %d failed", len(out.Failed))
	}
	return err
}

// fillQueue sends n messages in batches of ten from a few goroutines.
func fillQueue(ctx context.Context, c *sqs.Client, url *string, n int) error {
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w * 10; i < n; i += workers * 10 {
				var entries []types.SendMessageBatchRequestEntry
				for j := i; j < i+10 && j < n; j++ {
					entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(j - i)), MessageBody: aws.String("fixture " + strconv.Itoa(j))})
				}
				if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func init() {
	registerCurve(Curve{
		Name:    "sqs-receive",
		Title:   "SQS receive+delete+send of 1 message",
		Size:    "messages waiting in the queue",
		Order:   300,
		Sizes:   []int{1_000, 10_000, 100_000, 1_000_000},
		MotoMax: 10_000,
		Fixture: func(ctx context.Context, cfg aws.Config) (func(context.Context, int) (Op, error), error) {
			c := sqs.NewFromConfig(cfg)
			url, err := benchQueue(ctx, c, "bench-curve")
			if err != nil {
				return nil, err
			}
			have := 0
			return func(ctx context.Context, n int) (Op, error) {
				if err := fillQueue(ctx, c, url, n-have); err != nil {
					return nil, err
				}
				have = n
				return func(ctx context.Context, _ int) error {
					// The depth stays constant: one out, one in.
					if err := receiveAndDelete(ctx, c, url, 1); err != nil {
						return err
					}
					_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("refill")})
					return err
				}, nil
			}, nil
		},
	})
}
