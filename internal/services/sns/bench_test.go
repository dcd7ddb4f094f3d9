package sns_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/test/testutil"
)

// BenchmarkPublishFanOut publishes through aws-sdk-go-v2 to a topic with two
// SQS subscriptions, one of them filtered out: each Publish answers once the
// message is in the matching queue.
func BenchmarkPublishFanOut(b *testing.B) {
	cfg, _ := testutil.NewServer(b)
	c, q := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	ctx := context.Background()
	topic, _ := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench")})
	for i, policy := range []string{`{"kind":["a"]}`, `{"kind":["b"]}`} {
		name := []string{"qa", "qb"}[i]
		u, _ := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		a, _ := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
		if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(a.Attributes["QueueArn"]), Attributes: map[string]string{"FilterPolicy": policy}}); err != nil {
			b.Fatal(err)
		}
	}
	in := &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("hello"),
		MessageAttributes: map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("a")}}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Publish(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
