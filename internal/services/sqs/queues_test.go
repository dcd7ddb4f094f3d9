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
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// newClient starts a haneul (with a fake clock when c is not nil) and returns an SQS client for it.
func newClient(t *testing.T, c *clock.Fake) (*sqs.Client, *testutil.Server) {
	t.Helper()
	var opts []testutil.Option
	if c != nil {
		opts = append(opts, testutil.WithServerOption(server.WithClock(c)))
	}
	cfg, srv := testutil.NewServer(t, opts...)
	return sqs.NewFromConfig(cfg), srv
}

func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func queueAttrs(t *testing.T, c *sqs.Client, url string) map[string]string {
	t.Helper()
	out, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatalf("get attributes of %s: %v", url, err)
	}
	return out.Attributes
}

// errCode is the error code a client sees for err ("" for nil).
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func TestQueueLifecycle(t *testing.T) {
	c, srv := newClient(t, nil)
	ctx := context.Background()
	url := createQueue(t, c, "orders", map[string]string{"VisibilityTimeout": "45", "DelaySeconds": "0"})
	host := strings.TrimPrefix(srv.URL, "http://")
	if want := "http://" + host + "/000000000000/orders"; url != want {
		t.Fatalf("queue url %s, want %s", url, want)
	}
	a := queueAttrs(t, c, url)
	want := map[string]string{
		"VisibilityTimeout": "45", "DelaySeconds": "0", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
		"ReceiveMessageWaitTimeSeconds": "0", "QueueArn": "arn:aws:sqs:ap-northeast-2:000000000000:orders",
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
		"SqsManagedSseEnabled": "true",
	}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, a[k], v)
		}
	}
	if a["CreatedTimestamp"] == "" || a["LastModifiedTimestamp"] == "" {
		t.Errorf("timestamps missing: %v", a)
	}
	if _, ok := a["FifoQueue"]; ok {
		t.Error("a standard queue reports FifoQueue")
	}

	// Same attributes: the same queue. A different value: QueueAlreadyExists.
	if again := createQueue(t, c, "orders", map[string]string{"VisibilityTimeout": "45"}); again != url {
		t.Errorf("re-create returned %s", again)
	}
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders"), Attributes: map[string]string{"VisibilityTimeout": "46"}})
	var exists *types.QueueNameExists
	if !errors.As(err, &exists) || errCode(err) != "QueueAlreadyExists" {
		t.Errorf("re-create with another value: %v (code %s)", err, errCode(err))
	}

	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if err != nil || aws.ToString(got.QueueUrl) != url {
		t.Fatalf("GetQueueUrl: %v %v", got, err)
	}
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"DelaySeconds": "5", "Policy": `{"Version":"2012-10-17","Statement":[]}`}}); err != nil {
		t.Fatal(err)
	}
	if a := queueAttrs(t, c, url); a["DelaySeconds"] != "5" || a["Policy"] == "" {
		t.Errorf("after set: %v", a)
	}
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	var dne *types.QueueDoesNotExist
	if !errors.As(err, &dne) {
		t.Errorf("after delete: %v", err)
	}
}

func TestQueueErrors(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	url := createQueue(t, c, "std", nil)
	fifo := createQueue(t, c, "f.fifo", map[string]string{"FifoQueue": "true"})
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"bad name", func() error {
			_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad name")})
			return err
		}, "InvalidParameterValue"},
		{"fifo name without FifoQueue", func() error {
			_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("x.fifo"), Attributes: map[string]string{"FifoQueue": "false"}})
			return err
		}, "InvalidParameterValue"},
		{"FifoQueue on a standard name", func() error {
			_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("plain"), Attributes: map[string]string{"FifoQueue": "true"}})
			return err
		}, "InvalidParameterValue"},
		{"unknown attribute", func() error {
			_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q1"), Attributes: map[string]string{"Colour": "blue"}})
			return err
		}, "InvalidAttributeName"},
		{"fifo attribute on standard", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"ContentBasedDeduplication": "true"}})
			return err
		}, "InvalidAttributeName"},
		{"visibility out of range", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"VisibilityTimeout": "43201"}})
			return err
		}, "InvalidAttributeValue"},
		{"message size below minimum", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"MaximumMessageSize": "1023"}})
			return err
		}, "InvalidAttributeValue"},
		{"message size above 1 MiB", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"MaximumMessageSize": "1048577"}})
			return err
		}, "InvalidAttributeValue"},
		{"retention not a number", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"MessageRetentionPeriod": "soon"}})
			return err
		}, "InvalidAttributeValue"},
		{"redrive to a missing queue", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:nope","maxReceiveCount":3}`}})
			return err
		}, "InvalidParameterValue"},
		{"redrive count out of range", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:std","maxReceiveCount":0}`}})
			return err
		}, "InvalidParameterValue"},
		{"redrive to another queue type", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(fifo), Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:std","maxReceiveCount":3}`}})
			return err
		}, "InvalidParameterValue"},
		{"throughput per group needs dedup per group", func() error {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(fifo), Attributes: map[string]string{"FifoThroughputLimit": "perMessageGroupId"}})
			return err
		}, "InvalidParameterValue"},
		{"queue does not exist", func() error {
			_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url + "-missing")})
			return err
		}, "AWS.SimpleQueueService.NonExistentQueue"},
		{"url names no queue", func() error {
			_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String("nonsense")})
			return err
		}, "InvalidAddress"},
		{"list page size", func() error {
			_, err := c.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
			return err
		}, "InvalidParameterValue"},
		{"remove unknown permission", func() error {
			_, err := c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("nope")})
			return err
		}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := errCode(tc.call()); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
}

func TestFifoQueueAttributes(t *testing.T) {
	c, _ := newClient(t, nil)
	url := createQueue(t, c, "jobs.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
	a := queueAttrs(t, c, url)
	for k, v := range map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"} {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
	// The name alone does not make a FIFO queue; the attribute does, and
	// then the name must end in .fifo.
	kms := createQueue(t, c, "sealed", map[string]string{"KmsMasterKeyId": "alias/aws/sqs", "KmsDataKeyReusePeriodSeconds": "600"})
	a = queueAttrs(t, c, kms)
	if a["KmsMasterKeyId"] != "alias/aws/sqs" || a["KmsDataKeyReusePeriodSeconds"] != "600" || a["SqsManagedSseEnabled"] != "false" {
		t.Errorf("kms attributes %v", a)
	}
}

func TestListQueuesPaging(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	for i := range 7 {
		createQueue(t, c, fmt.Sprintf("app-%d", i), nil)
	}
	createQueue(t, c, "other", nil)
	var urls []string
	var token *string
	pages := 0
	for {
		out, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("app-"), MaxResults: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		urls = append(urls, out.QueueUrls...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(urls) != 7 || pages != 3 {
		t.Errorf("%d urls in %d pages: %v", len(urls), pages, urls)
	}
	all, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil || len(all.QueueUrls) != 8 || all.NextToken != nil {
		t.Errorf("all queues: %v %v", all, err)
	}
}

func TestTagsAndPermissions(t *testing.T) {
	c, _ := newClient(t, nil)
	ctx := context.Background()
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("tagged"), Tags: map[string]string{"team": "chat", "env": "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	url := out.QueueUrl
	if _, err := c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"env": "prod", "cost": "42"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: url})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 2 || tags.Tags["env"] != "prod" || tags.Tags["cost"] != "42" {
		t.Errorf("tags %v", tags.Tags)
	}

	if _, err := c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: url, Label: aws.String("senders"), AWSAccountIds: []string{"111122223333"}, Actions: []string{"SendMessage"}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: url, Label: aws.String("senders"), AWSAccountIds: []string{"111122223333"}, Actions: []string{"SendMessage"}})
	if errCode(err) != "InvalidParameterValue" {
		t.Errorf("duplicate label: %v", err)
	}
	p := queueAttrs(t, c, *url)["Policy"]
	if !strings.Contains(p, `"Sid":"senders"`) || !strings.Contains(p, "arn:aws:iam::111122223333:root") || !strings.Contains(p, "SQS:SendMessage") {
		t.Errorf("policy %s", p)
	}
	if _, err := c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: url, Label: aws.String("senders")}); err != nil {
		t.Fatal(err)
	}
	if p, ok := queueAttrs(t, c, *url)["Policy"]; ok {
		t.Errorf("policy left after removing the last permission: %s", p)
	}
}

func TestDeadLetterSourceQueuesAndAccounts(t *testing.T) {
	c, srv := newClient(t, nil)
	ctx := context.Background()
	dlq := createQueue(t, c, "dlq", nil)
	redrive := `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:dlq","maxReceiveCount":"4"}`
	src := createQueue(t, c, "src", map[string]string{"RedrivePolicy": redrive})
	if got := queueAttrs(t, c, src)["RedrivePolicy"]; got != `{"deadLetterTargetArn":"arn:aws:sqs:ap-northeast-2:000000000000:dlq","maxReceiveCount":4}` {
		t.Errorf("redrive policy read back as %s", got)
	}
	out, err := c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	if err != nil || len(out.QueueUrls) != 1 || out.QueueUrls[0] != src {
		t.Errorf("dead letter sources %v %v", out, err)
	}
	// Removing the policy with an empty value.
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := queueAttrs(t, c, src)["RedrivePolicy"]; ok {
		t.Error("redrive policy not removed")
	}

	// Another account's queue, reached through its URL and GetQueueUrl.
	other := sqs.NewFromConfig(testutil.AWSConfig(srv.URL, "111122223333"))
	theirs := createQueue(t, other, "theirs", nil)
	if !strings.Contains(theirs, "/111122223333/theirs") {
		t.Fatalf("other account's url %s", theirs)
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(theirs), MessageBody: aws.String("hi")}); err != nil {
		t.Fatalf("send to another account's queue: %v", err)
	}
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("theirs"), QueueOwnerAWSAccountId: aws.String("111122223333")})
	if err != nil || aws.ToString(u.QueueUrl) != theirs {
		t.Errorf("GetQueueUrl with owner: %v %v", u, err)
	}
	if n := queueAttrs(t, other, theirs)["ApproximateNumberOfMessages"]; n != "1" {
		t.Errorf("messages in the other account's queue: %s", n)
	}
	// A queue URL with another host form reaches the same queue.
	alt := "https://sqs.ap-northeast-2.amazonaws.com/000000000000/dlq"
	if _, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(alt)}); err != nil {
		t.Errorf("AWS-style url: %v", err)
	}
	_ = time.Second
}
