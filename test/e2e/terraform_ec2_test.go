package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTerraformEC2Coupon applies the coupon system's network (seed 002),
// checks that a second plan has nothing to change, reads it back with the
// AWS CLI, and destroys it, leaving nothing behind but the default VPC.
func TestTerraformEC2Coupon(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "ec2_coupon")
	tf.applyReplan()

	var out struct {
		Reservations []struct {
			Instances []struct {
				InstanceId, PrivateIpAddress, PublicIpAddress string
				State                                         struct{ Name string }
			}
		}
	}
	if err := awsJSON(t, h, &out, "ec2", "describe-instances", "--filters", "Name=tag:Name,Values=coupon-*", "Name=instance-state-name,Values=running"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			n++
			if !strings.HasPrefix(i.PrivateIpAddress, "10.0.0.") || i.PublicIpAddress == "" {
				t.Errorf("instance %+v", i)
			}
		}
	}
	if n != 2 {
		t.Errorf("coupon instances: %d", n)
	}

	tf.destroy()
	var vpcs struct{ Vpcs []struct{ VpcId string } }
	if err := awsJSON(t, h, &vpcs, "ec2", "describe-vpcs", "--filters", "Name=is-default,Values=false"); err != nil {
		t.Fatal(err)
	}
	var live struct{ Reservations []json.RawMessage }
	if err := awsJSON(t, h, &live, "ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=pending,running,stopping,stopped"); err != nil {
		t.Fatal(err)
	}
	var eips struct{ Addresses []json.RawMessage }
	if err := awsJSON(t, h, &eips, "ec2", "describe-addresses"); err != nil {
		t.Fatal(err)
	}
	if len(vpcs.Vpcs) != 0 || len(live.Reservations) != 0 || len(eips.Addresses) != 0 {
		t.Errorf("left after destroy: vpcs %v, instances %d, addresses %d", vpcs.Vpcs, len(live.Reservations), len(eips.Addresses))
	}
}
