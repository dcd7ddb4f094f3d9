package sns_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// posted is one request an HTTP subscriber received.
type posted struct {
	header http.Header
	body   map[string]any
}

// TestHTTPDelivery subscribes a real HTTP endpoint: it receives the
// SubscriptionConfirmation, confirms with its token, then receives the
// Notification, both with SNS's headers.
func TestHTTPDelivery(t *testing.T) {
	got := make(chan posted, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		got <- posted{r.Header, body}
	}))
	defer hook.Close()
	c, _ := clients(t)
	ctx := context.Background()
	topic, _ := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("hooks")})
	out, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(hook.URL + "/sns")})
	if err != nil || aws.ToString(out.SubscriptionArn) != "pending confirmation" {
		t.Fatalf("subscribe %v %v", out, err)
	}
	wait := func() posted {
		t.Helper()
		select {
		case p := <-got:
			return p
		case <-time.After(30 * time.Second): // a bound on a wait, not a timed assertion
			t.Fatal("no POST arrived")
		}
		return posted{}
	}
	conf := wait()
	if conf.header.Get("x-amz-sns-message-type") != "SubscriptionConfirmation" || conf.body["Type"] != "SubscriptionConfirmation" || conf.body["SubscribeURL"] == "" {
		t.Fatalf("confirmation %v %v", conf.header, conf.body)
	}
	confirmed, err := c.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: topic.TopicArn, Token: aws.String(conf.body["Token"].(string))})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("ping"), Subject: aws.String("s")})
	if err != nil {
		t.Fatal(err)
	}
	n := wait()
	if n.header.Get("x-amz-sns-message-type") != "Notification" || n.header.Get("x-amz-sns-subscription-arn") != aws.ToString(confirmed.SubscriptionArn) ||
		n.header.Get("x-amz-sns-topic-arn") != aws.ToString(topic.TopicArn) || n.body["Message"] != "ping" || n.body["MessageId"] != aws.ToString(pub.MessageId) {
		t.Fatalf("notification %v %v", n.header, n.body)
	}
}
