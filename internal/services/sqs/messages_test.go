package sqs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/internal/clock"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func receive(t *testing.T, c *sqs.Client, url string, max int32) []types.Message {
	t.Helper()
	out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{"All"}, MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	return out.Messages
}

func send(t *testing.T, c *sqs.Client, url, body string) string {
	t.Helper()
	out, err := c.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	return aws.ToString(out.MessageId)
}

func TestSendReceiveDelete(t *testing.T) {
	fake := clock.NewFake(t0)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	url := createQueue(t, c, "work", nil)
	out, err := c.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(url), MessageBody: aws.String("hello 하늘"),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"SellerName": {DataType: aws.String("String"), StringValue: aws.String("Example Store")},
			"Blob":       {DataType: aws.String("Binary.gz"), BinaryValue: []byte{1, 2, 3}},
			"Count":      {DataType: aws.String("Number"), StringValue: aws.String("12")},
		},
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.MD5OfMessageAttributes == nil || out.MD5OfMessageSystemAttributes == nil || out.SequenceNumber != nil {
		t.Errorf("send result %+v", out)
	}
	msgs := receive(t, c, url, 10)
	if len(msgs) != 1 {
		t.Fatalf("received %d", len(msgs))
	}
	m := msgs[0]
	if aws.ToString(m.Body) != "hello 하늘" || aws.ToString(m.MessageId) != aws.ToString(out.MessageId) {
		t.Errorf("message %+v", m)
	}
	if aws.ToString(m.MD5OfMessageAttributes) != aws.ToString(out.MD5OfMessageAttributes) {
		t.Errorf("receive MD5OfMessageAttributes %s, send %s", aws.ToString(m.MD5OfMessageAttributes), aws.ToString(out.MD5OfMessageAttributes))
	}
	if string(m.MessageAttributes["Blob"].BinaryValue) != "\x01\x02\x03" || aws.ToString(m.MessageAttributes["Count"].StringValue) != "12" {
		t.Errorf("attributes %+v", m.MessageAttributes)
	}
	a := m.Attributes
	if a["ApproximateReceiveCount"] != "1" || a["SentTimestamp"] != fmt.Sprint(t0.UnixMilli()) || a["ApproximateFirstReceiveTimestamp"] != fmt.Sprint(t0.UnixMilli()) ||
		a["SenderId"] != "000000000000" || !strings.HasPrefix(a["AWSTraceHeader"], "Root=") {
		t.Errorf("system attributes %v", a)
	}
	if n := queueAttrs(t, c, url)["ApproximateNumberOfMessagesNotVisible"]; n != "1" {
		t.Errorf("not visible %s", n)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	// Deleting again succeeds, as on AWS.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
		t.Errorf("second delete: %v", err)
	}
	fake.Advance(time.Minute)
	if got := receive(t, c, url, 10); len(got) != 0 {
		t.Errorf("deleted message came back: %v", got)
	}
	// A filter on attribute names returns only those, with the digest of what is returned.
	send(t, c, url, "x")
	r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MessageAttributeNames: []string{"Nope"}, AttributeNames: []types.QueueAttributeName{"ApproximateReceiveCount"}})
	if err != nil || len(r.Messages) != 1 || r.Messages[0].MD5OfMessageAttributes != nil || r.Messages[0].Attributes["ApproximateReceiveCount"] != "1" || len(r.Messages[0].Attributes) != 1 {
		t.Errorf("filtered receive %+v %v", r, err)
	}
}

func TestVisibilityTimeoutAndDeadLetterQueue(t *testing.T) {
	fake := clock.NewFake(t0)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	dlq := createQueue(t, c, "dead", nil)
	url := createQueue(t, c, "live", map[string]string{"VisibilityTimeout": "30",
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:dead","maxReceiveCount":2}`})
	id := send(t, c, url, "poison")
	for i := 1; i <= 2; i++ {
		msgs := receive(t, c, url, 1)
		if len(msgs) != 1 || msgs[0].Attributes["ApproximateReceiveCount"] != fmt.Sprint(i) {
			t.Fatalf("receive %d: %+v", i, msgs)
		}
		if got := receive(t, c, url, 1); len(got) != 0 {
			t.Fatalf("in-flight message received again")
		}
		fake.Advance(29 * time.Second)
		if got := receive(t, c, url, 1); len(got) != 0 {
			t.Fatalf("visible before the timeout")
		}
		fake.Advance(time.Second)
	}
	// The third receive would exceed maxReceiveCount: the message moves to the DLQ.
	if got := receive(t, c, url, 1); len(got) != 0 {
		t.Fatalf("received past maxReceiveCount: %+v", got)
	}
	msgs := receive(t, c, dlq, 1)
	if len(msgs) != 1 || aws.ToString(msgs[0].MessageId) != id || msgs[0].Attributes["DeadLetterQueueSourceArn"] != "arn:aws:sqs:ap-northeast-2:000000000000:live" {
		t.Fatalf("dead letter %+v", msgs)
	}

	// ChangeMessageVisibility: extend, then release at once.
	send(t, c, url, "again")
	m := receive(t, c, url, 1)[0]
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 120}); err != nil {
		t.Fatal(err)
	}
	fake.Advance(60 * time.Second)
	if got := receive(t, c, url, 1); len(got) != 0 {
		t.Fatal("visible before the extended timeout")
	}
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	m2 := receive(t, c, url, 1)
	if len(m2) != 1 || m2[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("after release: %+v", m2)
	}
	// Not in flight any more once the timeout passes.
	fake.Advance(31 * time.Second)
	_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m2[0].ReceiptHandle, VisibilityTimeout: 10})
	var nif *types.MessageNotInflight
	if !errors.As(err, &nif) {
		t.Errorf("change visibility of a visible message: %v", err)
	}

	// Redrive the DLQ back to its source.
	dlqArn := queueAttrs(t, c, dlq)["QueueArn"]
	send(t, c, dlq, "manual")
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(dlq), ReceiptHandle: msgs[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	liveArn := queueAttrs(t, c, url)["QueueArn"]
	task, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), DestinationArn: aws.String(liveArn)})
	if err != nil {
		t.Fatal(err)
	}
	if task.TaskHandle == nil {
		t.Fatal("no task handle")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		l, err := c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqArn)})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Results) == 1 && aws.ToString(l.Results[0].Status) == "COMPLETED" {
			if l.Results[0].ApproximateNumberOfMessagesMoved != 1 {
				t.Errorf("moved %d", l.Results[0].ApproximateNumberOfMessagesMoved)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("move task did not complete: %+v", l.Results)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err = c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(liveArn)})
	if errCode(err) != "InvalidParameterValue" {
		t.Errorf("move from a queue that is no DLQ: %v", err)
	}
}

func TestDelayAndRetention(t *testing.T) {
	fake := clock.NewFake(t0)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	url := createQueue(t, c, "slow", map[string]string{"DelaySeconds": "10", "MessageRetentionPeriod": "60"})
	send(t, c, url, "queue delay")
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("own delay"), DelaySeconds: 2}); err != nil {
		t.Fatal(err)
	}
	a := queueAttrs(t, c, url)
	if a["ApproximateNumberOfMessagesDelayed"] != "2" || a["ApproximateNumberOfMessages"] != "0" {
		t.Errorf("counts %v", a)
	}
	if got := receive(t, c, url, 10); len(got) != 0 {
		t.Fatalf("before any delay passed: %v", bodies(got))
	}
	fake.Advance(2 * time.Second)
	got := receive(t, c, url, 10)
	if len(got) != 1 || aws.ToString(got[0].Body) != "own delay" {
		t.Fatalf("after the message's delay: %+v", bodies(got))
	}
	fake.Advance(8 * time.Second)
	got = receive(t, c, url, 10)
	if len(got) != 1 || aws.ToString(got[0].Body) != "queue delay" {
		t.Fatalf("after the delay: %+v", got)
	}
	fake.Advance(60 * time.Second)
	if a := queueAttrs(t, c, url); a["ApproximateNumberOfMessages"] != "0" || a["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Errorf("after retention %v", a)
	}
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), DelaySeconds: 901})
	if errCode(err) != "InvalidParameterValue" {
		t.Errorf("delay 901: %v", err)
	}
}

func TestFifoOrderingAndDeduplication(t *testing.T) {
	fake := clock.NewFake(t0)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	url := createQueue(t, c, "orders.fifo", map[string]string{"FifoQueue": "true", "VisibilityTimeout": "30"})
	sendF := func(group, dedup, body string) *sqs.SendMessageOutput {
		t.Helper()
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body), MessageGroupId: aws.String(group), MessageDeduplicationId: aws.String(dedup)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := sendF("a", "1", "a1")
	sendF("a", "2", "a2")
	sendF("b", "3", "b1")
	sendF("a", "4", "a3")
	dup := sendF("a", "1", "a1 again")
	if aws.ToString(dup.MessageId) != aws.ToString(first.MessageId) || aws.ToString(dup.SequenceNumber) != aws.ToString(first.SequenceNumber) {
		t.Errorf("duplicate got a new message: %+v vs %+v", dup, first)
	}
	if a := queueAttrs(t, c, url); a["ApproximateNumberOfMessages"] != "4" {
		t.Errorf("messages %s", a["ApproximateNumberOfMessages"])
	}
	// One receive of two: the head of group a, in order; group a is then blocked.
	got := receive(t, c, url, 2)
	if len(got) != 2 || aws.ToString(got[0].Body) != "a1" || aws.ToString(got[1].Body) != "a2" || got[0].Attributes["MessageGroupId"] != "a" || got[0].Attributes["SequenceNumber"] == "" {
		t.Fatalf("first receive %v", bodies(got))
	}
	more := receive(t, c, url, 10)
	if len(more) != 1 || aws.ToString(more[0].Body) != "b1" {
		t.Fatalf("while a is in flight: %v", bodies(more))
	}
	// Group a stays blocked until its in-flight messages are deleted.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: got[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if x := receive(t, c, url, 10); len(x) != 0 {
		t.Fatalf("group a delivered while a2 in flight: %v", bodies(x))
	}
	// Visibility expiry: a2 comes back before a3 (and b1 comes back too).
	fake.Advance(30 * time.Second)
	x := receive(t, c, url, 10)
	if len(x) != 3 || aws.ToString(x[0].Body) != "a2" || aws.ToString(x[1].Body) != "a3" || x[0].Attributes["ApproximateReceiveCount"] != "2" || aws.ToString(x[2].Body) != "b1" {
		t.Fatalf("after expiry: %v", bodies(x))
	}
	// An expired receipt handle of a FIFO queue is refused.
	_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: got[1].ReceiptHandle})
	if errCode(err) != "InvalidParameterValue" {
		t.Errorf("stale handle: %v", err)
	}
	// The deduplication window is five minutes.
	fake.Advance(5 * time.Minute)
	again := sendF("a", "1", "a1 later")
	if aws.ToString(again.MessageId) == aws.ToString(first.MessageId) {
		t.Error("deduplicated after the window")
	}

	// FIFO-specific send errors.
	cases := []struct {
		name string
		in   *sqs.SendMessageInput
		code string
	}{
		{"no group", &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")}, "MissingParameter"},
		{"no dedup id", &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("g")}, "InvalidParameterValue"},
		{"per-message delay", &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d"), DelaySeconds: 5}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := c.SendMessage(ctx, tc.in); errCode(err) != tc.code {
				t.Errorf("got %v, want %s", err, tc.code)
			}
		})
	}

	// Content-based deduplication.
	cb := createQueue(t, c, "cb.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	for range 3 {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(cb), MessageBody: aws.String("same"), MessageGroupId: aws.String("g")}); err != nil {
			t.Fatal(err)
		}
	}
	if n := queueAttrs(t, c, cb)["ApproximateNumberOfMessages"]; n != "1" {
		t.Errorf("content-based dedup kept %s", n)
	}
}

func bodies(ms []types.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}

func TestMessageErrors(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	url := createQueue(t, c, "errs", map[string]string{"MaximumMessageSize": "1024"})
	big := createQueue(t, c, "big", nil)
	q := aws.String(url)
	tooMany := make([]types.SendMessageBatchRequestEntry, 11)
	for i := range tooMany {
		tooMany[i] = types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String("x")}
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"body too long", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String(strings.Repeat("x", 1025))})
			return err
		}, "InvalidParameterValue"},
		{"invalid characters", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("bad \x01")})
			return err
		}, "InvalidMessageContents"},
		{"empty body", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("")})
			return err
		}, "MissingParameter"},
		{"attribute without value", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String")}}})
			return err
		}, "InvalidParameterValue"},
		{"attribute bad type", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("Text"), StringValue: aws.String("v")}}})
			return err
		}, "InvalidParameterValue"},
		{"attribute reserved name", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"AWS.x": {DataType: aws.String("String"), StringValue: aws.String("v")}}})
			return err
		}, "InvalidParameterValue"},
		{"dedup id on standard", func() error {
			_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q, MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("d")})
			return err
		}, "InvalidParameterValue"},
		{"receive eleven", func() error {
			_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, MaxNumberOfMessages: 11})
			return err
		}, "InvalidParameterValue"},
		{"wait 21", func() error {
			_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q, WaitTimeSeconds: 21})
			return err
		}, "InvalidParameterValue"},
		{"bad receipt handle", func() error {
			_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q, ReceiptHandle: aws.String("garbage")})
			return err
		}, "ReceiptHandleIsInvalid"},
		{"change visibility bad handle", func() error {
			_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: q, ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 5})
			return err
		}, "ReceiptHandleIsInvalid"},
		{"empty batch", func() error {
			_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: []types.SendMessageBatchRequestEntry{}})
			return err
		}, "AWS.SimpleQueueService.EmptyBatchRequest"},
		{"eleven in a batch", func() error {
			_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q, Entries: tooMany})
			return err
		}, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
		{"repeated ids", func() error {
			_, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: q, Entries: []types.DeleteMessageBatchRequestEntry{
				{Id: aws.String("a"), ReceiptHandle: aws.String("h")}, {Id: aws.String("a"), ReceiptHandle: aws.String("h")}}})
			return err
		}, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
		{"bad batch id", func() error {
			_, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: q, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
				{Id: aws.String("a b"), ReceiptHandle: aws.String("h")}}})
			return err
		}, "AWS.SimpleQueueService.InvalidBatchEntryId"},
		{"batch too long", func() error {
			_, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(big), Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("a"), MessageBody: aws.String(strings.Repeat("x", 600<<10))}, {Id: aws.String("b"), MessageBody: aws.String(strings.Repeat("y", 600<<10))}}})
			return err
		}, "AWS.SimpleQueueService.BatchRequestTooLong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := errCode(tc.call()); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}

	// A message of exactly 1 MiB fits the default queue.
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(big), MessageBody: aws.String(strings.Repeat("z", 1<<20))}); err != nil {
		t.Errorf("1 MiB message: %v", err)
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(big), MessageBody: aws.String(strings.Repeat("z", 1<<20+1))}); errCode(err) != "InvalidParameterValue" {
		t.Errorf("1 MiB + 1 message: %v", err)
	}
}

func TestBatches(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	url := aws.String(createQueue(t, c, "batch", map[string]string{"MaximumMessageSize": "1024"}))
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: url, Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("ok1"), MessageBody: aws.String("one")},
		{Id: aws.String("big"), MessageBody: aws.String(strings.Repeat("x", 2000))},
		{Id: aws.String("ok2"), MessageBody: aws.String("two"), DelaySeconds: 0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "big" || aws.ToString(out.Failed[0].Code) != "InvalidParameterValue" || !out.Failed[0].SenderFault {
		t.Fatalf("batch result %+v", out)
	}
	msgs := receive(t, c, *url, 10)
	if len(msgs) != 2 {
		t.Fatalf("received %d", len(msgs))
	}
	cv, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: url, Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 100},
		{Id: aws.String("b"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 100},
	}})
	if err != nil || len(cv.Successful) != 1 || len(cv.Failed) != 1 || aws.ToString(cv.Failed[0].Code) != "ReceiptHandleIsInvalid" {
		t.Fatalf("change visibility batch %+v %v", cv, err)
	}
	del, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle},
		{Id: aws.String("b"), ReceiptHandle: msgs[1].ReceiptHandle},
	}})
	if err != nil || len(del.Successful) != 2 {
		t.Fatalf("delete batch %+v %v", del, err)
	}
	if _, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: url}); err != nil {
		t.Fatal(err)
	}
}

// Long polling answers as soon as a message arrives, however long it was asked to wait.
func TestLongPollingReturnsOnSend(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	url := createQueue(t, c, "poll", nil)
	got := make(chan []types.Message, 1)
	errc := make(chan error, 1)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		if err != nil {
			errc <- err
			return
		}
		got <- out.Messages
	}()
	// Send until the poller has it: the first send may precede the poll.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	send(t, c, url, "wake up")
	for {
		select {
		case msgs := <-got:
			if len(msgs) != 1 || aws.ToString(msgs[0].Body) != "wake up" {
				t.Fatalf("long poll got %v", bodies(msgs))
			}
			return
		case err := <-errc:
			t.Fatal(err)
		case <-deadline:
			t.Fatal("long poll did not answer after a send")
		case <-tick.C:
		}
	}
}

// A long poll ends when the client gives up.
func TestLongPollingHonoursCancellation(t *testing.T) {
	c, _ := newClient(t, nil)
	url := createQueue(t, c, "cancel", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("cancelled receive returned no error")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("cancelled long poll did not return")
	}
}
