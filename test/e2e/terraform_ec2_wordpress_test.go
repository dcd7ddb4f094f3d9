package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTerraformEC2WordPress applies the WordPress HA network (seed 003: two
// zones, public and private subnets, one NAT gateway, a bastion), bakes the
// WordPress instance into an AMI and launches it again (seed 001's
// aws_ami_from_instance), attaches an EBS volume, checks that a second plan
// has nothing to change, reads the result back with the AWS CLI, and
// destroys it all, leaving no VPC, instance, address, image, snapshot or
// volume behind.
func TestTerraformEC2WordPress(t *testing.T) {
	t.Parallel()
	need(t, "aws")
	h := start(t)
	tf := newTerraform(t, h, "ec2_wordpress")
	tf.applyReplan()

	var subnets struct {
		Subnets []struct {
			AvailabilityZone, CidrBlock string
			MapPublicIpOnLaunch         bool
		}
	}
	if err := awsJSON(t, h, &subnets, "ec2", "describe-subnets", "--filters", "Name=tag:Name,Values=sw-vpc-1-*"); err != nil {
		t.Fatal(err)
	}
	zones := map[string]int{}
	for _, s := range subnets.Subnets {
		zones[s.AvailabilityZone]++
	}
	if len(subnets.Subnets) != 4 || zones["ap-northeast-2a"] != 2 || zones["ap-northeast-2c"] != 2 {
		t.Errorf("subnets: %+v", subnets.Subnets)
	}

	var images struct {
		Images []struct {
			ImageId, Name, State, SourceInstanceId string
			BlockDeviceMappings                    []struct {
				DeviceName string
				Ebs        struct {
					SnapshotId string
					VolumeSize int
				}
			}
		}
	}
	if err := awsJSON(t, h, &images, "ec2", "describe-images", "--owners", "self"); err != nil {
		t.Fatal(err)
	}
	if len(images.Images) != 1 || images.Images[0].Name != "wordpress-ami-v1" || images.Images[0].State != "available" ||
		len(images.Images[0].BlockDeviceMappings) != 1 || images.Images[0].BlockDeviceMappings[0].Ebs.VolumeSize != 8 {
		t.Fatalf("own images: %+v", images.Images)
	}
	ami := images.Images[0]
	snap := ami.BlockDeviceMappings[0].Ebs.SnapshotId

	var snaps struct {
		Snapshots []struct{ SnapshotId, State string }
	}
	if err := awsJSON(t, h, &snaps, "ec2", "describe-snapshots", "--owner-ids", "self"); err != nil {
		t.Fatal(err)
	}
	if len(snaps.Snapshots) != 1 || snaps.Snapshots[0].SnapshotId != snap {
		t.Errorf("snapshots: %+v, image's %s", snaps.Snapshots, snap)
	}

	var res struct {
		Reservations []struct {
			Instances []struct {
				InstanceId, ImageId, PrivateIpAddress, PublicIpAddress string
				Tags                                                   []struct{ Key, Value string }
				BlockDeviceMappings                                    []struct {
					DeviceName string
					Ebs        struct{ VolumeId string }
				}
			}
		}
	}
	if err := awsJSON(t, h, &res, "ec2", "describe-instances", "--filters", "Name=vpc-id,Values="+vpcOf(t, h, "sw-vpc-1"), "Name=instance-state-name,Values=running"); err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for _, r := range res.Reservations {
		for _, i := range r.Instances {
			name := ""
			for _, tg := range i.Tags {
				if tg.Key == "Name" {
					name = tg.Value
				}
			}
			byName[name]++
			switch name {
			case "Bastion Host":
				if i.PublicIpAddress == "" || !strings.HasPrefix(i.PrivateIpAddress, "10.0.0.") {
					t.Errorf("bastion: %+v", i)
				}
			case "wordpress-1":
				if i.PublicIpAddress != "" || !strings.HasPrefix(i.PrivateIpAddress, "10.0.128.") || len(i.BlockDeviceMappings) != 2 {
					t.Errorf("wordpress-1 (want private, root + /dev/sdf): %+v", i)
				}
			case "wordpress-2":
				if i.ImageId != ami.ImageId || !strings.HasPrefix(i.PrivateIpAddress, "10.0.129.") {
					t.Errorf("wordpress-2 (want from %s): %+v", ami.ImageId, i)
				}
			}
		}
	}
	if byName["Bastion Host"] != 1 || byName["wordpress-1"] != 1 || byName["wordpress-2"] != 1 {
		t.Errorf("instances by name: %v", byName)
	}

	var vols struct {
		Volumes []struct {
			Size        int
			State       string
			Attachments []struct{ Device, State string }
		}
	}
	if err := awsJSON(t, h, &vols, "ec2", "describe-volumes", "--filters", "Name=tag:Name,Values=wordpress-uploads"); err != nil {
		t.Fatal(err)
	}
	if len(vols.Volumes) != 1 || vols.Volumes[0].State != "in-use" || len(vols.Volumes[0].Attachments) != 1 ||
		vols.Volumes[0].Attachments[0].Device != "/dev/sdf" || vols.Volumes[0].Attachments[0].State != "attached" {
		t.Errorf("uploads volume: %+v", vols.Volumes)
	}

	tf.destroy()
	left := map[string]int{}
	count := func(key string, args ...string) {
		var out map[string][]json.RawMessage
		if err := awsJSON(t, h, &out, append([]string{"ec2"}, args...)...); err != nil {
			t.Fatal(err)
		}
		left[key] = len(out[key])
	}
	count("Vpcs", "describe-vpcs", "--filters", "Name=is-default,Values=false")
	count("Reservations", "describe-instances", "--filters", "Name=instance-state-name,Values=pending,running,stopping,stopped")
	count("Addresses", "describe-addresses")
	count("Images", "describe-images", "--owners", "self")
	count("Snapshots", "describe-snapshots", "--owner-ids", "self")
	count("Volumes", "describe-volumes")
	count("NatGateways", "describe-nat-gateways", "--filter", "Name=state,Values=pending,available")
	for k, n := range left {
		if n != 0 {
			t.Errorf("left after destroy: %d %s", n, k)
		}
	}
}

// vpcOf returns the id of the VPC tagged Name=name.
func vpcOf(t *testing.T, h *haneul, name string) string {
	t.Helper()
	var out struct{ Vpcs []struct{ VpcId string } }
	if err := awsJSON(t, h, &out, "ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values="+name); err != nil {
		t.Fatal(err)
	}
	if len(out.Vpcs) != 1 {
		t.Fatalf("vpcs named %s: %+v", name, out.Vpcs)
	}
	return out.Vpcs[0].VpcId
}
