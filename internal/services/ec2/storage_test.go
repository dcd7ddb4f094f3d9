package ec2_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"haneul/internal/clock"
)

// baseAMI returns the catalog's Amazon Linux 2 image id.
func baseAMI(t *testing.T, c *ec2.Client) string {
	t.Helper()
	imgs := must(c.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"amazon"},
		Filters: []types.Filter{filter("name", "amzn2-ami-hvm-*-x86_64-gp2")}}))
	if len(imgs.Images) != 1 {
		t.Fatalf("amzn2 images: %d", len(imgs.Images))
	}
	return *imgs.Images[0].ImageId
}

// runOne launches one t3.micro of image in the default subnet of zone a and lets it start.
func runOne(t *testing.T, c *ec2.Client, clk *clock.Fake, image string) types.Instance {
	t.Helper()
	res := must(c.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String(image), InstanceType: types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), Placement: &types.Placement{AvailabilityZone: aws.String("ap-northeast-2a")}}))
	clk.Advance(3 * time.Second)
	return res.Instances[0]
}

func TestVolumesAndSnapshots(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	inst := runOne(t, c, clk, baseAMI(t, c))
	id := *inst.InstanceId

	// The root volume: 8 GiB gp2, attached at /dev/xvda, deleted with the instance.
	root := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{filter("attachment.instance-id", id)}}))
	if len(root.Volumes) != 1 || *root.Volumes[0].Size != 8 || root.Volumes[0].VolumeType != types.VolumeTypeGp2 ||
		*root.Volumes[0].Attachments[0].Device != "/dev/xvda" || !*root.Volumes[0].Attachments[0].DeleteOnTermination {
		t.Fatalf("root volume: %+v", root.Volumes)
	}
	rootID := *root.Volumes[0].VolumeId

	vol := must(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2a"), Size: aws.Int32(20), VolumeType: types.VolumeTypeGp3,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVolume, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}}}}))
	if *vol.Iops != 3000 || *vol.Throughput != 125 || vol.State != types.VolumeStateAvailable {
		t.Fatalf("gp3 volume: %+v", vol)
	}
	other := must(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2c"), Size: aws.Int32(1)}))

	errCases := []struct {
		name string
		call func() error
		code string
	}{
		{"create without size", func() error {
			_, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2a")})
			return err
		}, "MissingParameter"},
		{"create from unknown snapshot", func() error {
			_, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2a"), SnapshotId: aws.String("snap-0123456789abcdef0")})
			return err
		}, "InvalidSnapshot.NotFound"},
		{"attach across zones", func() error {
			_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: other.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/sdg")})
			return err
		}, "InvalidVolume.ZoneMismatch"},
		{"attach at the root device", func() error {
			_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/xvda")})
			return err
		}, "InvalidParameterValue"},
		{"attach to unknown instance", func() error {
			_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String("i-0123456789abcdef0"), Device: aws.String("/dev/sdf")})
			return err
		}, "InvalidInstanceID.NotFound"},
		{"detach an available volume", func() error {
			_, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: vol.VolumeId})
			return err
		}, "IncorrectState"},
		{"detach the running root volume", func() error {
			_, err := c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: aws.String(rootID)})
			return err
		}, "IncorrectState"},
		{"delete the attached root volume", func() error {
			_, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(rootID)})
			return err
		}, "VolumeInUse"},
		{"shrink a volume", func() error {
			_, err := c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: vol.VolumeId, Size: aws.Int32(10)})
			return err
		}, "InvalidParameterValue"},
		{"modifications of a volume never modified", func() error {
			_, err := c.DescribeVolumesModifications(ctx, &ec2.DescribeVolumesModificationsInput{VolumeIds: []string{*vol.VolumeId}})
			return err
		}, "InvalidVolumeModification.NotFound"},
		{"snapshot of unknown volume", func() error {
			_, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String("vol-0123456789abcdef0")})
			return err
		}, "InvalidVolume.NotFound"},
		{"delete unknown snapshot", func() error {
			_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String("snap-0123456789abcdef0")})
			return err
		}, "InvalidSnapshot.NotFound"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}

	att := must(c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/sdf")}))
	if att.State != types.VolumeAttachmentStateAttaching {
		t.Errorf("attach answers %s", att.State)
	}
	_, err := c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/sdg")})
	wantCode(t, err, "VolumeInUse")
	_, err = c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: vol.VolumeId})
	wantCode(t, err, "VolumeInUse")
	got := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{*vol.VolumeId}})).Volumes[0]
	if got.State != types.VolumeStateInUse || got.Attachments[0].State != types.VolumeAttachmentStateAttached || *got.Attachments[0].DeleteOnTermination {
		t.Errorf("attached volume: %+v", got)
	}
	di := must(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})).Reservations[0].Instances[0]
	if len(di.BlockDeviceMappings) != 2 || *di.BlockDeviceMappings[1].DeviceName != "/dev/sdf" {
		t.Errorf("instance mappings: %+v", di.BlockDeviceMappings)
	}

	mod := must(c.ModifyVolume(ctx, &ec2.ModifyVolumeInput{VolumeId: vol.VolumeId, Size: aws.Int32(30), Iops: aws.Int32(4000)}))
	if mod.VolumeModification.ModificationState != types.VolumeModificationStateModifying || *mod.VolumeModification.TargetSize != 30 || *mod.VolumeModification.OriginalSize != 20 {
		t.Errorf("modification: %+v", mod.VolumeModification)
	}
	mods := must(c.DescribeVolumesModifications(ctx, &ec2.DescribeVolumesModificationsInput{VolumeIds: []string{*vol.VolumeId}}))
	if len(mods.VolumesModifications) != 1 || mods.VolumesModifications[0].ModificationState != types.VolumeModificationStateCompleted {
		t.Errorf("modifications: %+v", mods.VolumesModifications)
	}
	if v := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{*vol.VolumeId}})).Volumes[0]; *v.Size != 30 || *v.Iops != 4000 {
		t.Errorf("modified volume: size %d iops %d", *v.Size, *v.Iops)
	}

	snap := must(c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: vol.VolumeId, Description: aws.String("nightly")}))
	if snap.State != types.SnapshotStatePending || *snap.VolumeSize != 30 || *snap.OwnerId == "" {
		t.Errorf("snapshot: %+v", snap)
	}
	clk.Advance(3 * time.Second)
	snaps := must(c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, Filters: []types.Filter{filter("volume-id", *vol.VolumeId)}}))
	if len(snaps.Snapshots) != 1 || snaps.Snapshots[0].State != types.SnapshotStateCompleted || *snaps.Snapshots[0].Progress != "100%" {
		t.Errorf("snapshots: %+v", snaps.Snapshots)
	}
	if n := len(must(c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"099720109477"}})).Snapshots); n != 0 {
		t.Errorf("snapshots of another owner: %d", n)
	}
	restored := must(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2a"), SnapshotId: snap.SnapshotId}))
	if *restored.Size != 30 || *restored.SnapshotId != *snap.SnapshotId {
		t.Errorf("restored volume: %+v", restored)
	}

	det := must(c.DetachVolume(ctx, &ec2.DetachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String(id)}))
	if det.State != types.VolumeAttachmentStateDetaching {
		t.Errorf("detach answers %s", det.State)
	}
	if v := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{*vol.VolumeId}})).Volumes[0]; v.State != types.VolumeStateAvailable || len(v.Attachments) != 0 {
		t.Errorf("detached volume: %+v", v)
	}

	// A volume attached after launch outlives the instance; the root volume does not.
	must(c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: vol.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/sdf")}))
	must(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}))
	vols := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{*vol.VolumeId}}))
	if vols.Volumes[0].State != types.VolumeStateAvailable {
		t.Errorf("data volume after terminate: %s", vols.Volumes[0].State)
	}
	_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{rootID}})
	wantCode(t, err, "InvalidVolume.NotFound")
	must(c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: vol.VolumeId}))
	must(c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: snap.SnapshotId}))
}

func TestImages(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	base := baseAMI(t, c)
	inst := runOne(t, c, clk, base)
	id := *inst.InstanceId
	data := must(c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("ap-northeast-2a"), Size: aws.Int32(20)}))
	must(c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: data.VolumeId, InstanceId: aws.String(id), Device: aws.String("/dev/sdf")}))

	img := must(c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("qvic-dev-v1"), Description: aws.String("dev server"),
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeImage, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}}}))
	ami := *img.ImageId
	got := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ami}})).Images[0]
	if got.State != types.ImageStatePending || *got.Public || *got.SourceInstanceId != id || *got.RootDeviceName != "/dev/xvda" ||
		len(got.BlockDeviceMappings) != 2 || len(got.Tags) != 1 {
		t.Fatalf("new image: %+v", got)
	}
	clk.Advance(3 * time.Second)
	self := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}}))
	if len(self.Images) != 1 || self.Images[0].State != types.ImageStateAvailable {
		t.Fatalf("own images: %+v", self.Images)
	}
	var snaps []string
	for _, m := range self.Images[0].BlockDeviceMappings {
		snaps = append(snaps, *m.Ebs.SnapshotId)
		if m.Ebs.VolumeSize == nil || !strings.HasPrefix(*m.Ebs.SnapshotId, "snap-") {
			t.Errorf("mapping %+v", m)
		}
	}
	desc := must(c.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{SnapshotIds: snaps[:1]})).Snapshots[0]
	if !strings.HasPrefix(*desc.Description, "Created by CreateImage("+id+") for "+ami) {
		t.Errorf("snapshot description %q", *desc.Description)
	}
	// The catalog still answers data "aws_ami" lookups, beside the account's images.
	if n := len(must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})).Images); n < 4 {
		t.Errorf("amazon images: %d", n)
	}
	byTag := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{filter("tag:env", "dev")}}))
	if len(byTag.Images) != 1 || *byTag.Images[0].ImageId != ami {
		t.Errorf("by tag: %+v", byTag.Images)
	}

	errCases := []struct {
		name string
		call func() error
		code string
	}{
		{"duplicate name", func() error {
			_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("qvic-dev-v1")})
			return err
		}, "InvalidAMIName.Duplicate"},
		{"malformed name", func() error {
			_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String(id), Name: aws.String("bad!name")})
			return err
		}, "InvalidAMIName.Malformed"},
		{"unknown instance", func() error {
			_, err := c.CreateImage(ctx, &ec2.CreateImageInput{InstanceId: aws.String("i-0123456789abcdef0"), Name: aws.String("nope")})
			return err
		}, "InvalidInstanceID.NotFound"},
		{"describe unknown image", func() error {
			_, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"ami-0123456789abcdef0"}})
			return err
		}, "InvalidAMIID.NotFound"},
		{"describe malformed id", func() error {
			_, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{"img-1"}})
			return err
		}, "InvalidAMIID.Malformed"},
		{"deregister a public image", func() error {
			_, err := c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(base)})
			return err
		}, "AuthFailure"},
		{"delete a snapshot in use", func() error {
			_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snaps[0])})
			return err
		}, "InvalidSnapshot.InUse"},
		{"register from unknown snapshot", func() error {
			_, err := c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("reg"), RootDeviceName: aws.String("/dev/xvda"),
				BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String("snap-0123456789abcdef0")}}}})
			return err
		}, "InvalidSnapshot.NotFound"},
		{"launch permission for a malformed account", func() error {
			_, err := c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami),
				LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String("abc")}}}})
			return err
		}, "InvalidAMIAttributeItemValue"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}

	// Launch permissions: share with an account, then make public.
	must(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{UserId: aws.String("111122223333")}, {Group: types.PermissionGroupAll}}}}))
	perms := must(c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(ami), Attribute: types.ImageAttributeNameLaunchPermission}))
	if len(perms.LaunchPermissions) != 2 {
		t.Errorf("launch permissions: %+v", perms.LaunchPermissions)
	}
	if !*must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ami}})).Images[0].Public {
		t.Error("image shared with all is not public")
	}
	must(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami),
		LaunchPermission: &types.LaunchPermissionModifications{Remove: []types.LaunchPermission{{Group: types.PermissionGroupAll}}}}))
	if *must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ami}})).Images[0].Public {
		t.Error("image still public")
	}
	must(c.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{ImageId: aws.String(ami), Description: &types.AttributeValue{Value: aws.String("v1")}}))
	if d := must(c.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: aws.String(ami), Attribute: types.ImageAttributeNameDescription})); *d.Description.Value != "v1" {
		t.Errorf("description %q", *d.Description.Value)
	}

	// An instance launched from the image gets volumes from its snapshots.
	again := runOne(t, c, clk, ami)
	vols := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{filter("attachment.instance-id", *again.InstanceId)}}))
	if len(vols.Volumes) != 2 {
		t.Fatalf("volumes of the new instance: %d", len(vols.Volumes))
	}
	for _, v := range vols.Volumes {
		if *v.SnapshotId != snaps[0] && *v.SnapshotId != snaps[1] {
			t.Errorf("volume %s from %s, want one of %v", *v.VolumeId, *v.SnapshotId, snaps)
		}
	}

	// Copy into another region, then register an image from a snapshot.
	cp := must(c.CopyImage(ctx, &ec2.CopyImageInput{Name: aws.String("qvic-dev-v1-copy"), SourceImageId: aws.String(ami), SourceRegion: aws.String("ap-northeast-2")},
		func(o *ec2.Options) { o.Region = "us-east-1" }))
	copied := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{*cp.ImageId}}, func(o *ec2.Options) { o.Region = "us-east-1" })).Images[0]
	if *copied.SourceImageId != ami || *copied.BlockDeviceMappings[0].Ebs.SnapshotId == snaps[0] {
		t.Errorf("copy: %+v", copied)
	}
	reg := must(c.RegisterImage(ctx, &ec2.RegisterImageInput{Name: aws.String("registered"), RootDeviceName: aws.String("/dev/xvda"), Architecture: types.ArchitectureValuesX8664,
		BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/xvda"), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snaps[0])}}}}))
	if im := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{*reg.ImageId}})).Images[0]; im.State != types.ImageStateAvailable || *im.BlockDeviceMappings[0].Ebs.VolumeSize != 8 {
		t.Errorf("registered: %+v", im)
	}

	// Deregistering frees the snapshots once no image uses them.
	must(c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(ami)}))
	_, err := c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snaps[0])})
	wantCode(t, err, "InvalidSnapshot.InUse") // still the registered image's
	must(c.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(snaps[1])}))
	out := must(c.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: reg.ImageId, DeleteAssociatedSnapshots: aws.Bool(true)}))
	if len(out.DeleteSnapshotResults) != 1 || out.DeleteSnapshotResults[0].ReturnCode != types.SnapshotReturnCodesSuccess {
		t.Errorf("deregister results: %+v", out.DeleteSnapshotResults)
	}
	if n := len(must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}})).Images); n != 0 {
		t.Errorf("own images left: %d", n)
	}
	_, err = c.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{ami}})
	wantCode(t, err, "InvalidAMIID.NotFound")
}
