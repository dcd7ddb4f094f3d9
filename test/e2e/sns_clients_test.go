package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// boto3 drives SNS end to end: topics, filtered fan-out to SQS, raw
// delivery, batches, FIFO deduplication and errors.
func TestSNSBoto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/sns_boto3.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 SNS checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// aws-cli drives SNS: each command in order, against one haneul.
func TestSNSAWSCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	topic := "arn:aws:sns:ap-northeast-2:000000000000:cli-t"
	steps := []struct {
		args string
		ok   bool
		want []string
	}{
		{"sns create-topic --name cli-t", true, []string{`"TopicArn": "` + topic + `"`}},
		{"sns list-topics", true, []string{topic}},
		{"sns set-topic-attributes --topic-arn " + topic + " --attribute-name DisplayName --attribute-value CLI", true, nil},
		{"sns get-topic-attributes --topic-arn " + topic, true, []string{`"DisplayName": "CLI"`, `"SubscriptionsConfirmed": "0"`}},
		{"sns subscribe --topic-arn " + topic + " --protocol email --notification-endpoint a@example.com", true, []string{`"SubscriptionArn": "pending confirmation"`}},
		{"sns subscribe --topic-arn " + topic + " --protocol sms --notification-endpoint nope", false, []string{"InvalidParameter"}},
		{"sns publish --topic-arn " + topic + " --message hello", true, []string{`"MessageId"`}},
		{"sns publish --phone-number +821012345678 --message code", true, []string{`"MessageId"`}},
		{"sns get-topic-attributes --topic-arn " + topic + "-gone", false, []string{"NotFound", "Topic does not exist"}},
		{"sns delete-topic --topic-arn " + topic, true, nil},
	}
	for _, s := range steps {
		cmd := exec.Command("aws", strings.Fields(s.args)...)
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
