package e2e

import (
	"strings"
	"testing"
)

// TestTerraformQvic applies qvic's production tier (seed 001): a Classic
// Load Balancer on port 80 → 3000 in front of an Auto Scaling group built
// from a launch configuration with user data, with termination policies, a
// simple scaling policy and a CPU alarm. It checks that a second plan has
// nothing to change, that the group's instances are registered with the load
// balancer (aws elb describe-instance-health), and destroys it all.
func TestTerraformQvic(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "qvic")
	tf.applyReplan()

	var groups struct {
		AutoScalingGroups []struct {
			Instances           []struct{ InstanceId string }
			LoadBalancerNames   []string
			TerminationPolicies []string
		}
	}
	if err := awsJSON(t, h, &groups, "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", "qvic-prod"); err != nil {
		t.Fatal(err)
	}
	if len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("groups: %+v", groups)
	}
	g := groups.AutoScalingGroups[0]
	if len(g.Instances) != 2 || len(g.LoadBalancerNames) != 1 || g.LoadBalancerNames[0] != "qvic-prod" || strings.Join(g.TerminationPolicies, ",") != "OldestLaunchConfiguration,OldestInstance,Default" {
		t.Errorf("group %+v", g)
	}

	var health struct {
		InstanceStates []struct{ InstanceId, State, ReasonCode string }
	}
	if err := awsJSON(t, h, &health, "elb", "describe-instance-health", "--load-balancer-name", "qvic-prod"); err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, s := range health.InstanceStates {
		registered[s.InstanceId] = true
		if s.State != "InService" && s.State != "OutOfService" {
			t.Errorf("instance state %+v", s)
		}
	}
	for _, i := range g.Instances {
		if !registered[i.InstanceId] {
			t.Errorf("group instance %s is not registered with the load balancer (%+v)", i.InstanceId, health.InstanceStates)
		}
	}
	if len(health.InstanceStates) != len(g.Instances) {
		t.Errorf("registered %d, group has %d", len(health.InstanceStates), len(g.Instances))
	}

	var lbs struct {
		LoadBalancerDescriptions []struct {
			DNSName     string
			HealthCheck struct{ Target string }
		}
	}
	if err := awsJSON(t, h, &lbs, "elb", "describe-load-balancers", "--load-balancer-names", "qvic-prod"); err != nil {
		t.Fatal(err)
	}
	if d := lbs.LoadBalancerDescriptions; len(d) != 1 || !strings.HasPrefix(d[0].DNSName, "qvic-prod-") || d[0].HealthCheck.Target != "HTTP:3000/" {
		t.Errorf("load balancer %+v", lbs)
	}

	tf.destroy()
	var after struct {
		LoadBalancerDescriptions []struct{ LoadBalancerName string }
	}
	if err := awsJSON(t, h, &after, "elb", "describe-load-balancers"); err != nil {
		t.Fatal(err)
	}
	var left struct {
		AutoScalingGroups []struct{ AutoScalingGroupName string }
	}
	if err := awsJSON(t, h, &left, "autoscaling", "describe-auto-scaling-groups"); err != nil {
		t.Fatal(err)
	}
	if len(after.LoadBalancerDescriptions) != 0 || len(left.AutoScalingGroups) != 0 {
		t.Errorf("left after destroy: %+v %+v", after, left)
	}
}
