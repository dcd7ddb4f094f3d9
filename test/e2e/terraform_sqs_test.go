package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/test/testutil"
)

// TestTerraformSQS applies queues with a redrive policy, a FIFO queue, an
// encrypted queue and a queue policy, checks that a second plan has nothing
// to change, destroys them and checks that no queue is left.
func TestTerraformSQS(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	h := start(t)
	tf := newTerraform(t, h, "sqs")
	tf.applyReplan()

	c := sqs.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	ctx := context.Background()
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("haneul-orders")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []types.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.Attributes["RedrivePolicy"], "haneul-orders-dlq") || !strings.Contains(a.Attributes["Policy"], "AllowSend") || a.Attributes["VisibilityTimeout"] != "60" {
		t.Errorf("orders attributes %v", a.Attributes)
	}

	tf.destroy()
	left, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.QueueUrls) != 0 {
		t.Errorf("queues left after destroy: %v", left.QueueUrls)
	}
}
