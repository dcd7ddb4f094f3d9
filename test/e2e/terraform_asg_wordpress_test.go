package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTerraformASGWordpress applies the wordpress-ha tier (seed 003): a
// launch template with user data, an Auto Scaling group in the private
// subnets launching from it, and an internet-facing ALB in the public
// subnets. It checks with the AWS CLI that the group's instances run, carry
// the aws:autoscaling:groupName tag and are registered in the target group,
// that a second plan is clean, and that destroy leaves no instances.
func TestTerraformASGWordpress(t *testing.T) {
	t.Parallel()
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "asg_wordpress")
	tf.stop = 4 * time.Minute // a hung wait fails with Terraform's output instead of the test's deadline
	tf.applyReplan()
	group := strings.TrimSpace(tf.must("output", "-raw", "group"))
	tg := strings.TrimSpace(tf.must("output", "-raw", "target_group"))

	var groups struct {
		AutoScalingGroups []struct {
			LaunchTemplate struct{ LaunchTemplateId, LaunchTemplateName, Version string }
			Instances      []struct{ InstanceId, LifecycleState string }
		}
	}
	if err := awsJSON(t, h, &groups, "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", group); err != nil {
		t.Fatal(err)
	}
	if len(groups.AutoScalingGroups) != 1 {
		t.Fatalf("groups %+v", groups)
	}
	g := groups.AutoScalingGroups[0]
	if g.LaunchTemplate.LaunchTemplateName != "wordpress" || g.LaunchTemplate.Version != "$Latest" || len(g.Instances) != 2 {
		t.Errorf("group %+v", g)
	}

	var res struct {
		Reservations []struct {
			Instances []struct {
				InstanceId, PrivateIpAddress, PublicIpAddress string
				State                                         struct{ Name string }
				Tags                                          []struct{ Key, Value string }
			}
		}
	}
	if err := awsJSON(t, h, &res, "ec2", "describe-instances", "--filters", "Name=tag:aws:autoscaling:groupName,Values="+group, "Name=instance-state-name,Values=pending,running"); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range res.Reservations {
		for _, i := range r.Instances {
			ids = append(ids, i.InstanceId)
			// Private subnets: 10.0.2.0/24 and 10.0.3.0/24, no public address.
			if !strings.HasPrefix(i.PrivateIpAddress, "10.0.2.") && !strings.HasPrefix(i.PrivateIpAddress, "10.0.3.") || i.PublicIpAddress != "" {
				t.Errorf("instance %s at %s / %q", i.InstanceId, i.PrivateIpAddress, i.PublicIpAddress)
			}
		}
	}
	if len(ids) != 2 {
		t.Fatalf("group instances running: %v", ids)
	}

	var health struct {
		TargetHealthDescriptions []struct{ Target struct{ Id string } }
	}
	if err := awsJSON(t, h, &health, "elbv2", "describe-target-health", "--target-group-arn", tg); err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, d := range health.TargetHealthDescriptions {
		targets = append(targets, d.Target.Id)
	}
	slices.Sort(ids)
	slices.Sort(targets)
	if !slices.Equal(ids, targets) {
		t.Errorf("targets %v, group instances %v", targets, ids)
	}

	tf.destroy()
	var live struct{ Reservations []json.RawMessage }
	if err := awsJSON(t, h, &live, "ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=pending,running,stopping,stopped"); err != nil {
		t.Fatal(err)
	}
	var lts struct{ LaunchTemplates []json.RawMessage }
	if err := awsJSON(t, h, &lts, "ec2", "describe-launch-templates"); err != nil {
		t.Fatal(err)
	}
	if len(live.Reservations) != 0 || len(lts.LaunchTemplates) != 0 {
		t.Errorf("left after destroy: instances %d, launch templates %d", len(live.Reservations), len(lts.LaunchTemplates))
	}
}
