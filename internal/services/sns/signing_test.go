package sns_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// verify checks an SNS message the way AWS tells subscribers to: build the
// string to sign from the message's fields, fetch the certificate at
// SigningCertURL, and check Signature with it (SHA1 for SignatureVersion 1,
// SHA256 for 2).
func verify(t *testing.T, msg map[string]any) {
	t.Helper()
	str := func(k string) string { s, _ := msg[k].(string); return s }
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if str("Type") != "Notification" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var b strings.Builder
	for _, k := range keys {
		if _, ok := msg[k]; !ok && k == "Subject" {
			continue
		}
		b.WriteString(k + "\n" + str(k) + "\n")
	}
	resp, err := http.Get(str("SigningCertURL"))
	if err != nil {
		t.Fatalf("fetch signing certificate: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	block, _ := pem.Decode(body)
	if resp.StatusCode != http.StatusOK || block == nil {
		t.Fatalf("signing certificate: %d %q", resp.StatusCode, body)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := base64.StdEncoding.DecodeString(str("Signature"))
	if err != nil {
		t.Fatalf("signature %q: %v", str("Signature"), err)
	}
	alg := x509.SHA1WithRSA
	if str("SignatureVersion") == "2" {
		alg = x509.SHA256WithRSA
	} else if str("SignatureVersion") != "1" {
		t.Fatalf("SignatureVersion %q", str("SignatureVersion"))
	}
	if err := cert.CheckSignature(alg, []byte(b.String()), sig); err != nil {
		t.Errorf("%s message does not verify: %v", str("Type"), err)
	}
	// A changed message must not verify.
	if err := cert.CheckSignature(alg, []byte(b.String()+"x"), sig); err == nil {
		t.Error("a tampered message verifies")
	}
}

// TestSignaturesVerify checks that the notifications delivered to SQS (on a
// topic with the default SignatureVersion 1, with and without a subject)
// and the confirmation and notification POSTed to an HTTP endpoint (on a
// topic with SignatureVersion 2) verify against haneul's signing certificate.
func TestSignaturesVerify(t *testing.T) {
	c, q := clients(t)
	ctx := context.Background()

	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("signed")})
	if err != nil {
		t.Fatal(err)
	}
	qu, _ := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("signed")})
	qa, _ := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qu.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qa.Attributes["QueueArn"])}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*sns.PublishInput{
		{TopicArn: topic.TopicArn, Message: aws.String("no subject")},
		{TopicArn: topic.TopicArn, Message: aws.String("line one\nline two"), Subject: aws.String("with subject")},
	} {
		if _, err := c.Publish(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	msgs := receiveAll(t, q, aws.ToString(qu.QueueUrl))
	if len(msgs) != 2 {
		t.Fatalf("queue got %d messages", len(msgs))
	}
	for _, m := range msgs {
		var env map[string]any
		if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
			t.Fatal(err)
		}
		verify(t, env)
	}

	got := make(chan map[string]any, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body
	}))
	defer hook.Close()
	v2, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("signed-v2"), Attributes: map[string]string{"SignatureVersion": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: v2.TopicArn, Protocol: aws.String("http"), Endpoint: aws.String(hook.URL)}); err != nil {
		t.Fatal(err)
	}
	wait := func() map[string]any {
		t.Helper()
		select {
		case m := <-got:
			return m
		case <-time.After(30 * time.Second): // a bound on a wait, not a timed assertion
			t.Fatal("no POST arrived")
		}
		return nil
	}
	conf := wait()
	if conf["SignatureVersion"] != "2" {
		t.Errorf("confirmation SignatureVersion %v", conf["SignatureVersion"])
	}
	verify(t, conf)
	if _, err := c.ConfirmSubscription(ctx, &sns.ConfirmSubscriptionInput{TopicArn: v2.TopicArn, Token: aws.String(conf["Token"].(string))}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: v2.TopicArn, Message: aws.String("over http"), Subject: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	verify(t, wait())
}
