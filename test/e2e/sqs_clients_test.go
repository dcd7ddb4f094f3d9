package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// boto3 drives SQS end to end: messages, attributes and their MD5s, FIFO,
// batches and the query-compatible error codes.
func TestSQSBoto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/sqs_boto3.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 SQS checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// aws-cli drives SQS: each command in order, against one haneul.
func TestSQSAWSCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	q := h.URL + "/000000000000/cli-q"
	steps := []struct {
		args string
		ok   bool
		want []string
	}{
		{"sqs create-queue --queue-name cli-q --attributes VisibilityTimeout=40", true, []string{`"QueueUrl": "` + q + `"`}},
		{"sqs list-queues --queue-name-prefix cli", true, []string{q}},
		{"sqs send-message --queue-url " + q + " --message-body hello", true, []string{`"MD5OfMessageBody": "5d41402abc4b2a76b9719d911017c592"`, `"MessageId"`}},
		{"sqs receive-message --queue-url " + q + " --attribute-names All --wait-time-seconds 1", true, []string{`"Body": "hello"`, `"ApproximateReceiveCount": "1"`}},
		{"sqs get-queue-attributes --queue-url " + q + " --attribute-names VisibilityTimeout ApproximateNumberOfMessagesNotVisible", true, []string{`"VisibilityTimeout": "40"`, `"ApproximateNumberOfMessagesNotVisible": "1"`}},
		{"sqs set-queue-attributes --queue-url " + q + " --attributes VisibilityTimeout=99999", false, []string{"InvalidAttributeValue"}},
		{"sqs get-queue-url --queue-name nope", false, []string{"NonExistentQueue"}},
		{"sqs purge-queue --queue-url " + q, true, nil},
		{"sqs delete-queue --queue-url " + q, true, nil},
	}
	for _, s := range steps {
		// aws-cli v1 resolves SQS to its legacy queue.amazonaws.com endpoint
		// whatever AWS_ENDPOINT_URL says, so the endpoint is passed explicitly.
		cmd := exec.Command("aws", append([]string{"--endpoint-url", h.URL}, strings.Fields(s.args)...)...)
		cmd.Env = h.env()
		out, err := cmd.CombinedOutput()
		if (err == nil) != s.ok {
			t.Fatalf("aws %s: err=%v\n%s", s.args, err, out)
		}
		for _, w := range s.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("aws %s: output lacks %q:\n%s", s.args, w, out)
			}
		}
	}
}
