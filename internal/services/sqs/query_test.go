package sqs_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Old query clients post form parameters to the queue URL itself, without a
// QueueUrl parameter, and read XML back.
func TestQueryProtocol(t *testing.T) {
	c, srv := newClient(t, nil)
	qurl := createQueue(t, c, "legacy", nil)
	post := func(target string, form url.Values) (int, string) {
		t.Helper()
		resp, err := http.Post(target, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name   string
		target string
		form   url.Values
		status int
		want   []string
	}{
		{"send to the queue path", srv.URL + "/000000000000/legacy", url.Values{"Action": {"SendMessage"}, "MessageBody": {"x"},
			"MessageAttribute.1.Name": {"colour"}, "MessageAttribute.1.Value.DataType": {"String"}, "MessageAttribute.1.Value.StringValue": {"blue"}},
			200, []string{"<SendMessageResponse", "<MD5OfMessageBody>9dd4e461268c8034f5c8564e155c67a6</MD5OfMessageBody>", "<MessageId>", "<MD5OfMessageAttributes>"}},
		{"receive with attributes", srv.URL + "/000000000000/legacy", url.Values{"Action": {"ReceiveMessage"}, "AttributeName.1": {"All"}, "MessageAttributeName.1": {"All"}, "Version": {"2012-11-05"}},
			200, []string{"<ReceiveMessageResponse", "<Message>", "<Body>x</Body>", "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>",
				"<MessageAttribute><Name>colour</Name><Value><DataType>String</DataType><StringValue>blue</StringValue></Value></MessageAttribute>"}},
		{"queue url parameter", srv.URL + "/", url.Values{"Action": {"GetQueueAttributes"}, "QueueUrl": {qurl}, "AttributeName.1": {"VisibilityTimeout"}},
			200, []string{"<GetQueueAttributesResponse", "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>"}},
		{"list queues", srv.URL + "/", url.Values{"Action": {"ListQueues"}},
			200, []string{"<ListQueuesResult><QueueUrl>" + qurl + "</QueueUrl></ListQueuesResult>"}},
		{"missing queue", srv.URL + "/000000000000/nope", url.Values{"Action": {"SendMessage"}, "MessageBody": {"x"}},
			400, []string{"<Code>AWS.SimpleQueueService.NonExistentQueue</Code>", "<Type>Sender</Type>"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(tc.target, tc.form)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("response lacks %s:\n%s", w, body)
				}
			}
		})
	}
}
