package sns_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"haneul/test/testutil"
)

func clients(t *testing.T) (*sns.Client, *sqs.Client) {
	t.Helper()
	cfg, _ := testutil.NewServer(t)
	return sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
}

// wantCode checks that err is an API error with the code (and message prefix, when given).
func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || !strings.HasPrefix(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func TestTopics(t *testing.T) {
	c, _ := clients(t)
	ctx := context.Background()
	out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders"), Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.TopicArn)
	if arn != "arn:aws:sns:us-east-1:000000000000:orders" && !strings.HasSuffix(arn, ":000000000000:orders") {
		t.Fatalf("arn %s", arn)
	}
	again, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	if err != nil || aws.ToString(again.TopicArn) != arn {
		t.Fatalf("idempotent create: %v %v", again, err)
	}
	fifo, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("o.fifo"), Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	errCases := []struct {
		name      string
		in        *sns.CreateTopicInput
		code, msg string
	}{
		{"bad name", &sns.CreateTopicInput{Name: aws.String("a b")}, "InvalidParameter", "Invalid parameter: Topic Name"},
		{"fifo without suffix", &sns.CreateTopicInput{Name: aws.String("x"), Attributes: map[string]string{"FifoTopic": "true"}}, "InvalidParameter", "Invalid parameter: Fifo Topic names"},
		{"different attributes", &sns.CreateTopicInput{Name: aws.String("orders"), Attributes: map[string]string{"DisplayName": "x"}}, "InvalidParameter", "Invalid parameter: Attributes Reason: Topic already exists with different attributes"},
		{"unknown attribute", &sns.CreateTopicInput{Name: aws.String("y"), Attributes: map[string]string{"Nope": "x"}}, "InvalidParameter", "Invalid parameter: AttributeName"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateTopic(ctx, tc.in)
			wantCode(t, err, tc.code, tc.msg)
		})
	}
	attrs, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"TopicArn": arn, "Owner": "000000000000", "SubscriptionsConfirmed": "0", "SubscriptionsPending": "0", "SubscriptionsDeleted": "0", "DisplayName": ""} {
		if attrs.Attributes[k] != v {
			t.Errorf("%s = %q, want %q", k, attrs.Attributes[k], v)
		}
	}
	if !json.Valid([]byte(attrs.Attributes["Policy"])) || !json.Valid([]byte(attrs.Attributes["EffectiveDeliveryPolicy"])) {
		t.Errorf("policies: %v", attrs.Attributes)
	}
	if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(arn), AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("Orders")}); err != nil {
		t.Fatal(err)
	}
	attrs, _ = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if attrs.Attributes["DisplayName"] != "Orders" {
		t.Errorf("DisplayName %q", attrs.Attributes["DisplayName"])
	}
	fattrs, _ := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: fifo.TopicArn})
	if fattrs.Attributes["FifoTopic"] != "true" || fattrs.Attributes["ContentBasedDeduplication"] != "true" {
		t.Errorf("fifo attrs %v", fattrs.Attributes)
	}
	// Tags.
	if _, err := c.TagResource(ctx, &sns.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Fatalf("tags %v %v", tags, err)
	}
	dpp := `{"Name":"p","Description":"","Version":"2021-06-01","Statement":[]}`
	if _, err := c.PutDataProtectionPolicy(ctx, &sns.PutDataProtectionPolicyInput{ResourceArn: aws.String(arn), DataProtectionPolicy: aws.String(dpp)}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetDataProtectionPolicy(ctx, &sns.GetDataProtectionPolicyInput{ResourceArn: aws.String(arn)}); err != nil || aws.ToString(got.DataProtectionPolicy) != dpp {
		t.Fatalf("data protection policy %v %v", got, err)
	}
	// Not found.
	missing := strings.Replace(arn, "orders", "missing", 1)
	_, err = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(missing)})
	wantCode(t, err, "NotFound", "Topic does not exist")
	_, err = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("nope")})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: TopicArn")
	// Paging: 150 topics → pages of 100.
	for i := range 148 {
		if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("t%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tp := range page.Topics {
			all = append(all, aws.ToString(tp.TopicArn))
		}
	}
	if len(all) != 150 || pages != 2 {
		t.Fatalf("listed %d topics in %d pages", len(all), pages)
	}
	if _, err := c.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	wantCode(t, err, "NotFound", "Topic does not exist")
}

func TestSubscriptions(t *testing.T) {
	c, _ := clients(t)
	ctx := context.Background()
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		protocol, endpoint string
		attrs              map[string]string
		code, msg          string
		pending            bool
	}{
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q", nil, "", "", false},
		{"sqs", "not-an-arn", nil, "InvalidParameter", "Invalid parameter: Invalid SQS endpoint ARN", false},
		{"https", "https://example.com/hook", nil, "", "", true},
		{"http", "https://example.com/hook", nil, "InvalidParameter", "Invalid parameter: Endpoint", false},
		{"email", "a@example.com", nil, "", "", true},
		{"email", "nobody", nil, "InvalidParameter", "Invalid parameter: Email address", false},
		{"sms", "+821012345678", nil, "", "", false},
		{"sms", "call me", nil, "InvalidParameter", "Invalid parameter: Invalid SMS endpoint", false},
		{"lambda", "arn:aws:lambda:us-east-1:000000000000:function:f", nil, "", "", false},
		{"firehose", "arn:aws:firehose:us-east-1:000000000000:deliverystream/s", nil, "InvalidParameter", "Invalid parameter: Attributes Reason: SubscriptionRoleArn", false},
		{"pigeon", "x", nil, "InvalidParameter", "Invalid parameter: Amazon SNS does not support this protocol string: pigeon", false},
		{"email", "b@example.com", map[string]string{"RawMessageDelivery": "true"}, "InvalidParameter", "Invalid parameter: Attributes Reason: Delivery protocol [email] does not support raw message delivery.", false},
		{"sqs", "arn:aws:sqs:us-east-1:000000000000:q2", map[string]string{"FilterPolicy": "{bad"}, "InvalidParameter", "Invalid parameter: Attributes Reason: FilterPolicy", false},
	}
	for _, tc := range cases {
		t.Run(tc.protocol+" "+tc.endpoint, func(t *testing.T) {
			out, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String(tc.protocol), Endpoint: aws.String(tc.endpoint), Attributes: tc.attrs})
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.SubscriptionArn); (got == "pending confirmation") != tc.pending {
				t.Fatalf("arn %q, pending %v", got, tc.pending)
			}
		})
	}
	attrs, _ := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: topic.TopicArn})
	if attrs.Attributes["SubscriptionsConfirmed"] != "3" || attrs.Attributes["SubscriptionsPending"] != "2" {
		t.Fatalf("counts %v", attrs.Attributes)
	}
	list, err := c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: topic.TopicArn})
	if err != nil || len(list.Subscriptions) != 5 {
		t.Fatalf("list %v %v", list, err)
	}
	all, err := c.ListSubscriptions(ctx, &sns.ListSubscriptionsInput{})
	if err != nil || len(all.Subscriptions) != 5 {
		t.Fatalf("list all %v %v", all, err)
	}
	// ReturnSubscriptionArn gives the ARN of a pending subscription; subscribing again is idempotent.
	out, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("https"), Endpoint: aws.String("https://example.com/hook"), ReturnSubscriptionArn: true})
	if err != nil {
		t.Fatal(err)
	}
	subARN := aws.ToString(out.SubscriptionArn)
	sa, err := c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subARN)})
	if err != nil || sa.Attributes["PendingConfirmation"] != "true" {
		t.Fatalf("attrs %v %v", sa, err)
	}
	_, err = c.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: topic.TopicArn, Token: aws.String("wrong")})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Token")
	// Set/Get attributes on an SQS subscription.
	sqsSub := ""
	for _, s := range list.Subscriptions {
		if aws.ToString(s.Protocol) == "sqs" {
			sqsSub = aws.ToString(s.SubscriptionArn)
		}
	}
	for name, value := range map[string]string{"RawMessageDelivery": "true", "FilterPolicy": `{"a":["b"]}`, "RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"}`} {
		if _, err := c.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(sqsSub), AttributeName: aws.String(name), AttributeValue: aws.String(value)}); err != nil {
			t.Fatal(name, err)
		}
	}
	sa, _ = c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sqsSub)})
	if sa.Attributes["RawMessageDelivery"] != "true" || sa.Attributes["FilterPolicyScope"] != "MessageAttributes" || sa.Attributes["Protocol"] != "sqs" {
		t.Fatalf("attrs %v", sa.Attributes)
	}
	_, err = c.SetSubscriptionAttributes(ctx, &sns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(sqsSub), AttributeName: aws.String("FilterPolicyScope"), AttributeValue: aws.String("Everything")})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: FilterPolicyScope")
	if _, err := c.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(sqsSub)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sqsSub)})
	wantCode(t, err, "NotFound", "Subscription does not exist")
}

// receiveAll reads what is waiting in a queue.
func receiveAll(t *testing.T, q *sqs.Client, url string) []sqstypes.Message {
	t.Helper()
	out, err := q.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Messages
}

func TestFanOutToSQS(t *testing.T) {
	c, q := clients(t)
	ctx := context.Background()
	topic, _ := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("events")})
	queue := func(name string) (string, string) {
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
		return aws.ToString(out.QueueUrl), a.Attributes["QueueArn"]
	}
	envURL, envARN := queue("envelope")
	rawURL, rawARN := queue("raw")
	filtURL, filtARN := queue("filtered")
	bodyURL, bodyARN := queue("body")
	sub := func(arn string, attrs map[string]string) {
		if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(arn), Attributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}
	sub(envARN, nil)
	sub(rawARN, map[string]string{"RawMessageDelivery": "true"})
	sub(filtARN, map[string]string{"FilterPolicy": `{"color":["red",{"prefix":"bl"}],"price":[{"numeric":[">",100]}]}`})
	sub(bodyARN, map[string]string{"FilterPolicy": `{"order":{"kind":["big"]}}`, "FilterPolicyScope": "MessageBody"})
	dlqURL, dlqARN := queue("dlq")
	sub(strings.Replace(envARN, "envelope", "missing-queue", 1), map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `"}`})

	pub, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("hi"), Message: aws.String(`{"order":{"kind":"big"}}`),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"color": {DataType: aws.String("String"), StringValue: aws.String("blue")},
			"price": {DataType: aws.String("Number"), StringValue: aws.String("150")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("plain"),
		MessageAttributes: map[string]types.MessageAttributeValue{"color": {DataType: aws.String("String"), StringValue: aws.String("green")}}})
	if err != nil {
		t.Fatal(err)
	}

	env := receiveAll(t, q, envURL)
	if len(env) != 2 {
		t.Fatalf("envelope queue got %d", len(env))
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(env[0].Body)), &e); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"} {
		if _, ok := e[k]; !ok {
			t.Errorf("envelope lacks %s: %v", k, e)
		}
	}
	if e["Type"] != "Notification" || e["MessageId"] != aws.ToString(pub.MessageId) || e["Message"] != `{"order":{"kind":"big"}}` || e["TopicArn"] != aws.ToString(topic.TopicArn) {
		t.Errorf("envelope %v", e)
	}
	if ma := e["MessageAttributes"].(map[string]any)["price"].(map[string]any); ma["Type"] != "Number" || ma["Value"] != "150" {
		t.Errorf("attribute %v", ma)
	}
	raw := receiveAll(t, q, rawURL)
	if len(raw) != 2 {
		t.Fatalf("raw queue got %d", len(raw))
	}
	for _, m := range raw {
		if b := aws.ToString(m.Body); b != "plain" && b != `{"order":{"kind":"big"}}` {
			t.Errorf("raw body %q", b)
		}
		if aws.ToString(m.MessageAttributes["color"].StringValue) == "" {
			t.Errorf("raw attributes %v", m.MessageAttributes)
		}
	}
	if f := receiveAll(t, q, filtURL); len(f) != 1 {
		t.Errorf("filtered queue got %d, want 1 (blue, 150)", len(f))
	}
	if f := receiveAll(t, q, dlqURL); len(f) != 2 {
		t.Errorf("dead-letter queue got %d, want the 2 undeliverable messages", len(f))
	}
	if f := receiveAll(t, q, bodyURL); len(f) != 1 {
		t.Errorf("body-filtered queue got %d, want 1", len(f))
	}
}

func TestPublishErrors(t *testing.T) {
	c, _ := clients(t)
	ctx := context.Background()
	topic, _ := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("p")})
	fifo, _ := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("p.fifo"), Attributes: map[string]string{"FifoTopic": "true"}})
	missing := strings.Replace(aws.ToString(topic.TopicArn), ":p", ":gone", 1)
	cases := []struct {
		name      string
		in        *sns.PublishInput
		code, msg string
	}{
		{"too long", &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(strings.Repeat("x", 262145))}, "InvalidParameter", "Invalid parameter: Message too long"},
		{"no default", &sns.PublishInput{TopicArn: topic.TopicArn, MessageStructure: aws.String("json"), Message: aws.String(`{"sqs":"x"}`)}, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body"},
		{"bad json", &sns.PublishInput{TopicArn: topic.TopicArn, MessageStructure: aws.String("json"), Message: aws.String(`{`)}, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse"},
		{"missing topic", &sns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("x")}, "NotFound", "Topic does not exist"},
		{"fifo without group", &sns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("x")}, "InvalidParameter", "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"},
		{"fifo without dedup", &sns.PublishInput{TopicArn: fifo.TopicArn, Message: aws.String("x"), MessageGroupId: aws.String("g")}, "InvalidParameter", "Invalid parameter: The topic should either have ContentBasedDeduplication enabled"},
		{"bad number", &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"n": {DataType: aws.String("Number"), StringValue: aws.String("abc")}}}, "InvalidParameter", "Invalid parameter: Could not cast"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Publish(ctx, tc.in)
			wantCode(t, err, tc.code, tc.msg)
		})
	}
	// 256 KB exactly is accepted.
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(strings.Repeat("x", 262144))}); err != nil {
		t.Fatal(err)
	}
	// SMS is recorded.
	if _, err := c.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+821012345678"), Message: aws.String("code 1234")}); err != nil {
		t.Fatal(err)
	}
}

func TestFifoFanOut(t *testing.T) {
	c, q := clients(t)
	ctx := context.Background()
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("f.fifo"), Attributes: map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	qu, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("f.fifo"), Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	qa, _ := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qu.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qa.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("email"), Endpoint: aws.String("a@b.c")})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Invalid protocol type: email")
	var seqs []string
	for _, body := range []string{"one", "two", "one"} {
		out, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(body), MessageGroupId: aws.String("g")})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, aws.ToString(out.SequenceNumber))
	}
	if seqs[0] == "" || seqs[0] >= seqs[1] || seqs[2] != seqs[0] {
		t.Fatalf("sequence numbers %v", seqs)
	}
	batch, err := c.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: topic.TopicArn, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("three"), MessageGroupId: aws.String("g")},
		{Id: aws.String("b"), Message: aws.String("four")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Successful) != 1 || len(batch.Failed) != 1 || aws.ToString(batch.Failed[0].Id) != "b" {
		t.Fatalf("batch %+v", batch)
	}
	var got []string
	for range 3 {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qu.QueueUrl, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			got = append(got, aws.ToString(m.Body))
			q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: qu.QueueUrl, ReceiptHandle: m.ReceiptHandle})
		}
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Fatalf("fifo queue got %v", got)
	}
}

func TestPlatformApplications(t *testing.T) {
	c, _ := clients(t)
	ctx := context.Background()
	_, err := c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{Name: aws.String("a"), Platform: aws.String("GCM"), Attributes: map[string]string{"PlatformPrincipal": "x"}})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Attributes Reason: PlatformCredential attribute is required")
	_, err = c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{Name: aws.String("a"), Platform: aws.String("NOKIA"), Attributes: map[string]string{"PlatformCredential": "k"}})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Platform")
	app, err := c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{Name: aws.String("chat"), Platform: aws.String("GCM"), Attributes: map[string]string{"PlatformCredential": "server-key"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(app.PlatformApplicationArn), ":app/GCM/chat") {
		t.Fatalf("arn %s", aws.ToString(app.PlatformApplicationArn))
	}
	if _, err := c.CreatePlatformApplication(ctx, &sns.CreatePlatformApplicationInput{Name: aws.String("ios"), Platform: aws.String("APNS"), Attributes: map[string]string{"PlatformCredential": "key", "PlatformPrincipal": "cert"}}); err != nil {
		t.Fatal(err)
	}
	pa, err := c.GetPlatformApplicationAttributes(ctx, &sns.GetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn})
	if err != nil || pa.Attributes["Enabled"] != "true" || pa.Attributes["PlatformCredential"] != "" {
		t.Fatalf("app attrs %v %v", pa, err)
	}
	if _, err := c.SetSMSAttributes(ctx, &sns.SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Transactional"}}); err != nil {
		t.Fatal(err)
	}
	sms, err := c.GetSMSAttributes(ctx, &sns.GetSMSAttributesInput{})
	if err != nil || sms.Attributes["DefaultSMSType"] != "Transactional" {
		t.Fatalf("sms attributes %v %v", sms, err)
	}
	_, err = c.SetSMSAttributes(ctx, &sns.SetSMSAttributesInput{Attributes: map[string]string{"DefaultSMSType": "Loud"}})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: DefaultSMSType")
	apps, err := c.ListPlatformApplications(ctx, &sns.ListPlatformApplicationsInput{})
	if err != nil || len(apps.PlatformApplications) != 2 {
		t.Fatalf("apps %v %v", apps, err)
	}
	ep, err := c.CreatePlatformEndpoint(ctx, &sns.CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: aws.String("device-1"), CustomUserData: aws.String("user 7")})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreatePlatformEndpoint(ctx, &sns.CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: aws.String("device-1"), CustomUserData: aws.String("user 7")})
	if err != nil || aws.ToString(again.EndpointArn) != aws.ToString(ep.EndpointArn) {
		t.Fatalf("idempotent endpoint %v %v", again, err)
	}
	_, err = c.CreatePlatformEndpoint(ctx, &sns.CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: aws.String("device-1"), CustomUserData: aws.String("user 8")})
	wantCode(t, err, "InvalidParameter", "Invalid parameter: Token Reason: Endpoint")
	ea, err := c.GetEndpointAttributes(ctx, &sns.GetEndpointAttributesInput{EndpointArn: ep.EndpointArn})
	if err != nil || ea.Attributes["Token"] != "device-1" || ea.Attributes["Enabled"] != "true" || ea.Attributes["CustomUserData"] != "user 7" {
		t.Fatalf("endpoint attrs %v %v", ea, err)
	}
	if _, err := c.Publish(ctx, &sns.PublishInput{TargetArn: ep.EndpointArn, MessageStructure: aws.String("json"), Message: aws.String(`{"default":"hi","GCM":"{\"notification\":{\"body\":\"hi\"}}"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetEndpointAttributes(ctx, &sns.SetEndpointAttributesInput{EndpointArn: ep.EndpointArn, Attributes: map[string]string{"Enabled": "false"}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Publish(ctx, &sns.PublishInput{TargetArn: ep.EndpointArn, Message: aws.String("hi")})
	wantCode(t, err, "EndpointDisabled", "Endpoint is disabled")
	eps, err := c.ListEndpointsByPlatformApplication(ctx, &sns.ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})
	if err != nil || len(eps.Endpoints) != 1 {
		t.Fatalf("endpoints %v %v", eps, err)
	}
	if _, err := c.DeletePlatformApplication(ctx, &sns.DeletePlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetEndpointAttributes(ctx, &sns.GetEndpointAttributesInput{EndpointArn: ep.EndpointArn})
	wantCode(t, err, "NotFound", "Endpoint does not exist")
	_, err = c.GetPlatformApplicationAttributes(ctx, &sns.GetPlatformApplicationAttributesInput{PlatformApplicationArn: app.PlatformApplicationArn})
	wantCode(t, err, "NotFound", "PlatformApplication does not exist")
}
