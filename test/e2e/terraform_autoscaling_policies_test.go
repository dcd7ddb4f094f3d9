package e2e

import (
	"strings"
	"testing"
)

// TestTerraformAutoScalingPolicies applies seed 003's scaling setup: a
// target tracking policy (with the two alarms AWS creates for it), a step
// scaling policy behind a CPU alarm, and a recurring schedule; a second plan
// has nothing to change, and destroy removes the target tracking alarms.
func TestTerraformAutoScalingPolicies(t *testing.T) {
	t.Parallel()
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "asg_scaling")
	tf.applyReplan()

	var pols struct {
		ScalingPolicies []struct {
			PolicyName, PolicyType, PolicyARN string
			Alarms                            []struct{ AlarmName string }
		}
	}
	if err := awsJSON(t, h, &pols, "autoscaling", "describe-policies", "--auto-scaling-group-name", "app"); err != nil {
		t.Fatal(err)
	}
	if len(pols.ScalingPolicies) != 2 {
		t.Fatalf("policies %+v", pols)
	}
	var tracking []string
	for _, p := range pols.ScalingPolicies {
		if p.PolicyType == "TargetTrackingScaling" {
			for _, a := range p.Alarms {
				tracking = append(tracking, a.AlarmName)
			}
		}
	}
	if len(tracking) != 2 || !strings.HasPrefix(tracking[0], "TargetTracking-app-Alarm") {
		t.Errorf("target tracking alarms %v", tracking)
	}
	var alarms struct{ MetricAlarms []struct{ AlarmName string } }
	if err := awsJSON(t, h, &alarms, "cloudwatch", "describe-alarms", "--alarm-name-prefix", "TargetTracking-app-"); err != nil {
		t.Fatal(err)
	}
	if len(alarms.MetricAlarms) != 2 {
		t.Errorf("CloudWatch has %d target tracking alarms", len(alarms.MetricAlarms))
	}
	var sched struct {
		ScheduledUpdateGroupActions []struct{ ScheduledActionName, Recurrence, TimeZone string }
	}
	if err := awsJSON(t, h, &sched, "autoscaling", "describe-scheduled-actions", "--auto-scaling-group-name", "app"); err != nil {
		t.Fatal(err)
	}
	if a := sched.ScheduledUpdateGroupActions; len(a) != 1 || a[0].Recurrence != "0 22 * * *" || a[0].TimeZone != "Asia/Seoul" {
		t.Errorf("scheduled actions %+v", sched)
	}

	tf.destroy()
	if err := awsJSON(t, h, &alarms, "cloudwatch", "describe-alarms"); err != nil {
		t.Fatal(err)
	}
	if len(alarms.MetricAlarms) != 0 {
		t.Errorf("alarms left after destroy: %+v", alarms.MetricAlarms)
	}
}
