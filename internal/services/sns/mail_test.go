package sns_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"haneul/test/testutil"
)

type inboxMessage struct {
	Id, Source, From, Subject, Text string
	To                              []string
}

// inbox reads haneul's mail for one address, newest first.
func inbox(t *testing.T, base, to string) []inboxMessage {
	t.Helper()
	resp, err := http.Get(base + "/_haneul/mail?to=" + url.QueryEscape(to))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Messages []inboxMessage }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("inbox: %d %v", resp.StatusCode, err)
	}
	return out.Messages
}

// TestEmailSubscriptionsUseTheInbox subscribes e-mail addresses: the
// confirmation lands in haneul's inbox, its link (opened like a browser
// would, unsigned) confirms, and notifications arrive as text (email) and
// as the JSON envelope (email-json).
func TestEmailSubscriptionsUseTheInbox(t *testing.T) {
	cfg, srv := testutil.NewServer(t)
	c := sns.NewFromConfig(cfg)
	ctx := context.Background()
	topic, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts"), Attributes: map[string]string{"DisplayName": "Chat Alerts"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []struct{ protocol, addr string }{{"email", "ops@example.com"}, {"email-json", "robot@example.com"}} {
		if _, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String(sub.protocol), Endpoint: aws.String(sub.addr)}); err != nil {
			t.Fatal(err)
		}
		got := inbox(t, srv.URL, sub.addr)
		if len(got) != 1 || got[0].Subject != "AWS Notification - Subscription Confirmation" || got[0].From != "Chat Alerts <no-reply@sns.localhost>" || got[0].Source != "sns" {
			t.Fatalf("%s confirmation: %+v", sub.protocol, got)
		}
		link := ""
		for _, line := range strings.Split(got[0].Text, "\n") {
			if strings.Contains(line, "Action=ConfirmSubscription") {
				link = line
			}
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "SubscriptionArn") {
			t.Fatalf("confirm link %s: %d %s", link, resp.StatusCode, body)
		}
	}
	if _, err := c.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Subject: aws.String("CPU high"), Message: aws.String("cpu at 93%")}); err != nil {
		t.Fatal(err)
	}
	ops := inbox(t, srv.URL, "ops@example.com")
	if len(ops) != 2 || ops[0].Subject != "CPU high" || !strings.HasPrefix(ops[0].Text, "cpu at 93%\n") || !strings.Contains(ops[0].Text, "Action=Unsubscribe") {
		t.Fatalf("email notification: %+v", ops)
	}
	robot := inbox(t, srv.URL, "robot@example.com")
	var env map[string]any
	if len(robot) != 2 || json.Unmarshal([]byte(robot[0].Text), &env) != nil || env["Message"] != "cpu at 93%" || env["Type"] != "Notification" {
		t.Fatalf("email-json notification: %+v", robot)
	}
	verify(t, env)

	// One message by id, then an empty inbox.
	resp, err := http.Get(srv.URL + "/_haneul/mail/" + ops[0].Id)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get message: %v %v", resp, err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/_haneul/mail", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("clear: %v %v", resp, err)
	}
	if got := inbox(t, srv.URL, "ops@example.com"); len(got) != 0 {
		t.Fatalf("after clear: %+v", got)
	}
}
