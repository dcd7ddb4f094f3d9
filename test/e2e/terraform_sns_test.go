package e2e

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"haneul/test/testutil"
)

// TestTerraformSNS applies a topic, a FIFO topic, a queue with its policy and
// a raw, filtered SQS subscription; checks that a second plan has nothing to
// change and that a publish reaches the queue only when the filter matches;
// then destroys everything.
func TestTerraformSNS(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	h := start(t)
	tf := newTerraform(t, h, "sns")
	tf.applyReplan()

	cfg := testutil.AWSConfig(h.URL, "test")
	cfg.Region = "ap-northeast-2"
	c, q := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	ctx := context.Background()
	topic := aws.String("arn:aws:sns:ap-northeast-2:000000000000:haneul-events")
	for _, kind := range []string{"sms", "push"} {
		if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic, Message: aws.String("hello " + kind),
			MessageAttributes: map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String(kind)}}}); err != nil {
			t.Fatal(err)
		}
	}
	u, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("haneul-notify")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: u.QueueUrl, MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "hello push" {
		t.Errorf("queue got %d messages, want the raw push only: %+v", len(out.Messages), out.Messages)
	}

	tf.destroy()
	left, err := c.ListTopics(ctx, &sns.ListTopicsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Topics) != 0 {
		t.Errorf("topics left after destroy: %v", left.Topics)
	}
}
