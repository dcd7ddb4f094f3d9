package e2e

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"haneul/test/testutil"
)

// TestCloudWatchCLI drives CloudWatch (JSON 1.0 in query-compatible mode,
// as botocore speaks it) and CloudWatch Logs (JSON 1.1) with aws-cli.
func TestCloudWatchCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	now := time.Now().UTC()
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	cases := []struct {
		args []string
		ok   bool
		want []string
	}{
		{[]string{"cloudwatch", "put-metric-data", "--namespace", "App", "--metric-name", "Latency", "--value", "12", "--unit", "Milliseconds", "--dimensions", "Host=a"}, true, nil},
		{[]string{"cloudwatch", "put-metric-data", "--namespace", "App", "--metric-data", `[{"MetricName":"Latency","Values":[20,30],"Counts":[1,3],"Unit":"Milliseconds","Dimensions":[{"Name":"Host","Value":"a"}]}]`}, true, nil},
		{[]string{"cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Latency", "--dimensions", "Name=Host,Value=a",
			"--start-time", ts(-10 * time.Minute), "--end-time", ts(time.Minute), "--period", "3600", "--statistics", "Sum", "SampleCount", "Maximum"},
			true, []string{`"Sum": 122`, `"SampleCount": 5`, `"Maximum": 30`, `"Unit": "Milliseconds"`}},
		{[]string{"cloudwatch", "list-metrics", "--namespace", "App"}, true, []string{`"MetricName": "Latency"`, `"Value": "a"`}},
		{[]string{"cloudwatch", "put-metric-data", "--namespace", "AWS/EC2", "--metric-name", "x", "--value", "1"}, false, []string{"InvalidParameterValue", "The value AWS/EC2 for parameter Namespace is invalid."}},
		{[]string{"cloudwatch", "put-metric-alarm", "--alarm-name", "latency-high", "--namespace", "App", "--metric-name", "Latency", "--dimensions", "Name=Host,Value=a",
			"--statistic", "Average", "--period", "60", "--evaluation-periods", "2", "--threshold", "100", "--comparison-operator", "GreaterThanThreshold",
			"--alarm-actions", "arn:aws:sns:ap-northeast-2:000000000000:ops"}, true, nil},
		{[]string{"cloudwatch", "describe-alarms", "--alarm-names", "latency-high"}, true, []string{`"AlarmName": "latency-high"`, `"StateValue": "`, `"Threshold": 100`, `"arn:aws:sns:ap-northeast-2:000000000000:ops"`}},
		{[]string{"cloudwatch", "set-alarm-state", "--alarm-name", "latency-high", "--state-value", "ALARM", "--state-reason", "cli"}, true, nil},
		{[]string{"cloudwatch", "describe-alarm-history", "--alarm-name", "latency-high", "--history-item-type", "StateUpdate"}, true, []string{" to ALARM"}},
		{[]string{"cloudwatch", "set-alarm-state", "--alarm-name", "nope", "--state-value", "OK", "--state-reason", "cli"}, false, []string{"(ResourceNotFound)"}},
		{[]string{"cloudwatch", "put-dashboard", "--dashboard-name", "main", "--dashboard-body", `{"widgets":[]}`}, true, []string{`"DashboardValidationMessages": []`}},
		{[]string{"cloudwatch", "put-dashboard", "--dashboard-name", "bad", "--dashboard-body", `{"widgets":`}, false, []string{"(InvalidParameterInput)"}},
		{[]string{"cloudwatch", "get-dashboard", "--dashboard-name", "nope"}, false, []string{"(ResourceNotFound)", "Dashboard nope does not exist"}},
		{[]string{"logs", "create-log-group", "--log-group-name", "/app/web"}, true, nil},
		{[]string{"logs", "create-log-group", "--log-group-name", "/app/web"}, false, []string{"(ResourceAlreadyExistsException)"}},
		{[]string{"logs", "put-retention-policy", "--log-group-name", "/app/web", "--retention-in-days", "30"}, true, nil},
		{[]string{"logs", "create-log-stream", "--log-group-name", "/app/web", "--log-stream-name", "i-1"}, true, nil},
		{[]string{"logs", "put-log-events", "--log-group-name", "/app/web", "--log-stream-name", "i-1", "--log-events",
			"timestamp=" + epochMS(now.Add(-time.Minute)) + ",message=GET /index 200", "timestamp=" + epochMS(now) + ",message=ERROR db timeout"}, true, []string{`"nextSequenceToken"`}},
		{[]string{"logs", "get-log-events", "--log-group-name", "/app/web", "--log-stream-name", "i-1", "--start-from-head"}, true, []string{`"message": "GET /index 200"`, `"message": "ERROR db timeout"`, `"nextForwardToken": "f/`}},
		{[]string{"logs", "filter-log-events", "--log-group-name", "/app/web", "--filter-pattern", "ERROR"}, true, []string{`"message": "ERROR db timeout"`, `"logStreamName": "i-1"`}},
		{[]string{"logs", "describe-log-groups", "--log-group-name-prefix", "/app"}, true, []string{`"retentionInDays": 30`, `"arn": "arn:aws:logs:ap-northeast-2:000000000000:log-group:/app/web:*"`}},
		{[]string{"logs", "put-log-events", "--log-group-name", "/app/web", "--log-stream-name", "nope", "--log-events", "timestamp=1,message=x"}, false, []string{"(ResourceNotFoundException)", "The specified log stream does not exist."}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			cmd := exec.Command("aws", c.args...)
			cmd.Env = h.env()
			out, err := cmd.CombinedOutput()
			if (err == nil) != c.ok {
				t.Fatalf("aws %s: err=%v\n%s", strings.Join(c.args, " "), err, out)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("aws %s: output lacks %q:\n%s", strings.Join(c.args, " "), w, out)
				}
			}
		})
	}
}

// epochMS is t in milliseconds since the epoch, as log events carry it.
func epochMS(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// TestCloudWatchBoto3 runs testdata/cloudwatch_boto3.py: boto3 raises the
// modelled exception classes for CloudWatch's query-compatible errors and
// for CloudWatch Logs.
func TestCloudWatchBoto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/cloudwatch_boto3.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestTerraformCloudWatch applies alarms (seed 001's billing alarm in
// us-east-1, a metric alarm, a metric-math alarm), a log group with
// retention, a log stream, a metric filter and a dashboard; re-plans clean;
// destroys.
func TestTerraformCloudWatch(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	h := start(t)
	tf := newTerraform(t, h, "cloudwatch")
	tf.applyReplan()

	cfg := testutil.AWSConfig(h.URL, "test")
	cfg.Region = "us-east-1"
	client := cloudwatch.NewFromConfig(cfg)
	ctx := context.Background()
	out, err := client.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"billing-over-10-usd"}})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("billing alarm: %+v %v", out, err)
	}
	if a := out.MetricAlarms[0]; aws.ToString(a.Namespace) != "AWS/Billing" || aws.ToInt32(a.Period) != 21600 {
		t.Errorf("billing alarm: %+v", a)
	}

	tf.destroy()
	out, err = client.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil || len(out.MetricAlarms) != 0 {
		t.Errorf("alarms left after destroy: %+v %v", out, err)
	}
}

// TestCloudWatchKill9 checks that acknowledged datapoints, alarms and log
// events survive kill -9, and that the evaluator picks the alarms up again.
func TestCloudWatchKill9(t *testing.T) {
	need(t, "aws")
	dir := t.TempDir()
	h := start(t, "--data-dir", dir)
	run := func(h *haneul, args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", args...)
		cmd.Env = h.env()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	now := time.Now().UTC()
	for _, v := range []string{"1", "2", "3"} {
		run(h, "cloudwatch", "put-metric-data", "--namespace", "App", "--metric-name", "Hits", "--value", v)
	}
	run(h, "cloudwatch", "put-metric-alarm", "--alarm-name", "hits", "--namespace", "App", "--metric-name", "Hits", "--statistic", "Sum",
		"--period", "60", "--evaluation-periods", "1", "--threshold", "100", "--comparison-operator", "GreaterThanThreshold", "--treat-missing-data", "notBreaching")
	run(h, "logs", "create-log-group", "--log-group-name", "/k9")
	run(h, "logs", "create-log-stream", "--log-group-name", "/k9", "--log-stream-name", "s")
	run(h, "logs", "put-log-events", "--log-group-name", "/k9", "--log-stream-name", "s", "--log-events", "timestamp="+epochMS(now)+",message=survivor")
	h.kill()

	h2 := startAt(t, h.Addr, "--data-dir", dir)
	out := run(h2, "cloudwatch", "get-metric-statistics", "--namespace", "App", "--metric-name", "Hits",
		"--start-time", now.Add(-10*time.Minute).Format(time.RFC3339), "--end-time", now.Add(time.Minute).Format(time.RFC3339), "--period", "3600", "--statistics", "Sum")
	if !strings.Contains(out, `"Sum": 6`) {
		t.Errorf("datapoints after kill -9:\n%s", out)
	}
	if out := run(h2, "logs", "get-log-events", "--log-group-name", "/k9", "--log-stream-name", "s"); !strings.Contains(out, "survivor") {
		t.Errorf("log events after kill -9:\n%s", out)
	}
	// notBreaching with a sum under the threshold: the restarted evaluator moves the alarm to OK.
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := run(h2, "cloudwatch", "describe-alarms", "--alarm-names", "hits", "--query", "MetricAlarms[0].StateValue")
		if strings.Contains(out, "OK") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("alarm state after restart: %s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
