package efs_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

type env struct {
	efs *efs.Client
	ec2 *ec2.Client
	clk *clock.Fake
	vpc string
	sub []string // 10.0.3.0/24 in zone a, 10.0.4.0/24 in zone c, 10.0.5.0/24 in zone a
	sg  string
}

func setup(t *testing.T) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	e := &env{efs: efs.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), clk: clk}
	ctx := context.Background()
	v, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	e.vpc = *v.Vpc.VpcId
	for i, z := range []string{"ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2a"} {
		s, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: &e.vpc, CidrBlock: aws.String([]string{"10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"}[i]), AvailabilityZone: aws.String(z)})
		if err != nil {
			t.Fatal(err)
		}
		e.sub = append(e.sub, *s.Subnet.SubnetId)
	}
	g, err := e.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("nfs"), Description: aws.String("nfs"), VpcId: &e.vpc})
	if err != nil {
		t.Fatal(err)
	}
	e.sg = *g.GroupId
	return e
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// fs creates a file system and waits it available.
func (e *env) fs(t *testing.T, token string) string {
	t.Helper()
	out, err := e.efs.CreateFileSystem(context.Background(), &efs.CreateFileSystemInput{
		CreationToken: &token, Encrypted: aws.Bool(true), PerformanceMode: types.PerformanceModeGeneralPurpose,
		ThroughputMode: types.ThroughputModeElastic, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("wordpress")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.LifeCycleState != types.LifeCycleStateCreating || *out.Name != "wordpress" || out.KmsKeyId == nil {
		t.Errorf("created %+v", out)
	}
	e.clk.Advance(3 * time.Second)
	return *out.FileSystemId
}

func TestFileSystem(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	id := e.fs(t, "wp-token")
	d, err := e.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: &id})
	if err != nil {
		t.Fatal(err)
	}
	f := d.FileSystems[0]
	if f.LifeCycleState != types.LifeCycleStateAvailable || f.ThroughputMode != types.ThroughputModeElastic || !*f.Encrypted || f.NumberOfMountTargets != 0 || f.SizeInBytes.Value != 6144 {
		t.Errorf("file system %+v", f)
	}
	// AWS: a creation token used again is FileSystemAlreadyExists naming the file system.
	_, err = e.efs.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("wp-token")})
	var exists *types.FileSystemAlreadyExists
	if !errors.As(err, &exists) || *exists.FileSystemId != id {
		t.Errorf("same token: %v", err)
	}
	byToken, err := e.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{CreationToken: aws.String("wp-token")})
	if err != nil || len(byToken.FileSystems) != 1 || *byToken.FileSystems[0].FileSystemId != id {
		t.Errorf("by token %+v %v", byToken, err)
	}

	// Lifecycle, backup and resource policies.
	if _, err := e.efs.PutLifecycleConfiguration(ctx, &efs.PutLifecycleConfigurationInput{FileSystemId: &id, LifecyclePolicies: []types.LifecyclePolicy{{TransitionToIA: types.TransitionToIARulesAfter30Days}}}); err != nil {
		t.Fatal(err)
	}
	lc, err := e.efs.DescribeLifecycleConfiguration(ctx, &efs.DescribeLifecycleConfigurationInput{FileSystemId: &id})
	if err != nil || len(lc.LifecyclePolicies) != 1 || lc.LifecyclePolicies[0].TransitionToIA != types.TransitionToIARulesAfter30Days {
		t.Errorf("lifecycle %+v %v", lc, err)
	}
	if _, err := e.efs.PutBackupPolicy(ctx, &efs.PutBackupPolicyInput{FileSystemId: &id, BackupPolicy: &types.BackupPolicy{Status: types.StatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if bp, err := e.efs.DescribeBackupPolicy(ctx, &efs.DescribeBackupPolicyInput{FileSystemId: &id}); err != nil || bp.BackupPolicy.Status != types.StatusEnabled {
		t.Errorf("backup %+v %v", bp, err)
	}
	if _, err := e.efs.DescribeFileSystemPolicy(ctx, &efs.DescribeFileSystemPolicyInput{FileSystemId: &id}); code(err) != "PolicyNotFound" {
		t.Errorf("no policy: %v", err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"elasticfilesystem:ClientMount"}]}`
	if _, err := e.efs.PutFileSystemPolicy(ctx, &efs.PutFileSystemPolicyInput{FileSystemId: &id, Policy: &pol}); err != nil {
		t.Fatal(err)
	}
	if p, err := e.efs.DescribeFileSystemPolicy(ctx, &efs.DescribeFileSystemPolicyInput{FileSystemId: &id}); err != nil || *p.Policy != pol {
		t.Errorf("policy %+v %v", p, err)
	}

	// Tags: the newer and the older API see the same tags.
	if _, err := e.efs.TagResource(ctx, &efs.TagResourceInput{ResourceId: &id, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.efs.DeleteTags(ctx, &efs.DeleteTagsInput{FileSystemId: &id, TagKeys: []string{"Name"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.efs.DescribeTags(ctx, &efs.DescribeTagsInput{FileSystemId: &id})
	if err != nil || len(tags.Tags) != 1 || *tags.Tags[0].Key != "env" {
		t.Errorf("tags %+v %v", tags, err)
	}

	for _, c := range []struct {
		name string
		in   efs.CreateFileSystemInput
		want string
	}{
		{"provisioned without rate", efs.CreateFileSystemInput{CreationToken: aws.String("a"), ThroughputMode: types.ThroughputModeProvisioned}, "BadRequest"},
		{"maxIO elastic", efs.CreateFileSystemInput{CreationToken: aws.String("b"), ThroughputMode: types.ThroughputModeElastic, PerformanceMode: types.PerformanceModeMaxIo}, "BadRequest"},
		{"kms unencrypted", efs.CreateFileSystemInput{CreationToken: aws.String("c"), KmsKeyId: aws.String("alias/wordpress")}, "BadRequest"},
	} {
		_, err := e.efs.CreateFileSystem(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := e.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-0123456789abcdef0")}); code(err) != "FileSystemNotFound" {
		t.Errorf("missing: %v", err)
	}
}

func TestMountTargets(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	id := e.fs(t, "wp")
	mt, err := e.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: &id, SubnetId: &e.sub[0], SecurityGroups: []string{e.sg}})
	if err != nil {
		t.Fatal(err)
	}
	ip := netip.MustParseAddr(*mt.IpAddress)
	// AWS: the address comes from the subnet, past its four reserved first addresses.
	if !netip.MustParsePrefix("10.0.3.0/24").Contains(ip) || ip.As4()[3] < 4 || *mt.AvailabilityZoneName != "ap-northeast-2a" || *mt.VpcId != e.vpc || mt.LifeCycleState != types.LifeCycleStateCreating {
		t.Errorf("mount target %+v", mt)
	}
	// The address is the subnet's: EC2 counts it.
	sn, err := e.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{e.sub[0]}})
	if err != nil || *sn.Subnets[0].AvailableIpAddressCount != 250 {
		t.Errorf("subnet free addresses %+v %v", sn.Subnets[0].AvailableIpAddressCount, err)
	}
	if _, err := e.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: &id, SubnetId: &e.sub[1], IpAddress: aws.String("10.0.4.20")}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(3 * time.Second)
	for _, c := range []struct {
		name string
		in   efs.CreateMountTargetInput
		want string
	}{
		{"same zone", efs.CreateMountTargetInput{FileSystemId: &id, SubnetId: &e.sub[2]}, "MountTargetConflict"},
		{"unknown subnet", efs.CreateMountTargetInput{FileSystemId: &id, SubnetId: aws.String("subnet-0123456789abcdef0")}, "SubnetNotFound"},
		{"unknown file system", efs.CreateMountTargetInput{FileSystemId: aws.String("fs-0123456789abcdef0"), SubnetId: &e.sub[0]}, "FileSystemNotFound"},
		{"unknown security group", efs.CreateMountTargetInput{FileSystemId: &id, SubnetId: &e.sub[2], SecurityGroups: []string{"sg-0123456789abcdef0"}}, "SecurityGroupNotFound"},
	} {
		_, err := e.efs.CreateMountTarget(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	other := e.fs(t, "other")
	if _, err := e.efs.CreateMountTarget(ctx, &efs.CreateMountTargetInput{FileSystemId: &other, SubnetId: &e.sub[1], IpAddress: aws.String("10.0.4.20")}); code(err) != "IpAddressInUse" {
		t.Errorf("address in use: %v", err)
	}

	list, err := e.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: &id})
	if err != nil || len(list.MountTargets) != 2 || list.MountTargets[0].LifeCycleState != types.LifeCycleStateAvailable {
		t.Fatalf("list %+v %v", list, err)
	}
	if _, err := e.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{}); code(err) != "BadRequest" {
		t.Errorf("no selector: %v", err)
	}
	if _, err := e.efs.ModifyMountTargetSecurityGroups(ctx, &efs.ModifyMountTargetSecurityGroupsInput{MountTargetId: mt.MountTargetId, SecurityGroups: []string{}}); err != nil {
		t.Fatal(err)
	}
	if sgs, err := e.efs.DescribeMountTargetSecurityGroups(ctx, &efs.DescribeMountTargetSecurityGroupsInput{MountTargetId: mt.MountTargetId}); err != nil || len(sgs.SecurityGroups) != 0 {
		t.Errorf("security groups %+v %v", sgs, err)
	}
	fs, _ := e.efs.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: &id})
	if fs.FileSystems[0].NumberOfMountTargets != 2 {
		t.Errorf("mount targets counted: %d", fs.FileSystems[0].NumberOfMountTargets)
	}
	// AWS: a file system with mount targets cannot be deleted.
	if _, err := e.efs.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: &id}); code(err) != "FileSystemInUse" {
		t.Errorf("delete in use: %v", err)
	}
	for _, m := range list.MountTargets {
		if _, err := e.efs.DeleteMountTarget(ctx, &efs.DeleteMountTargetInput{MountTargetId: m.MountTargetId}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.efs.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{MountTargetId: mt.MountTargetId}); code(err) != "MountTargetNotFound" {
		t.Errorf("deleted mount target: %v", err)
	}
	if _, err := e.efs.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: &id}); err != nil {
		t.Fatal(err)
	}
	// The subnets' addresses are back, so the subnets can go.
	for _, s := range e.sub {
		if _, err := e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &s}); err != nil {
			t.Errorf("delete subnet %s: %v", s, err)
		}
	}
}

func TestAccessPoints(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	id := e.fs(t, "wp")
	in := &efs.CreateAccessPointInput{
		ClientToken: aws.String("ap-1"), FileSystemId: &id,
		PosixUser: &types.PosixUser{Uid: aws.Int64(48), Gid: aws.Int64(48)},
		RootDirectory: &types.RootDirectory{Path: aws.String("/wordpress"), CreationInfo: &types.CreationInfo{
			OwnerUid: aws.Int64(48), OwnerGid: aws.Int64(48), Permissions: aws.String("0755"),
		}},
		Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("wp")}},
	}
	ap, err := e.efs.CreateAccessPoint(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if *ap.PosixUser.Uid != 48 || *ap.RootDirectory.Path != "/wordpress" || *ap.Name != "wp" || ap.LifeCycleState != types.LifeCycleStateCreating {
		t.Errorf("access point %+v", ap)
	}
	// AWS: the same client token returns the same access point.
	again, err := e.efs.CreateAccessPoint(ctx, in)
	if err != nil || *again.AccessPointId != *ap.AccessPointId {
		t.Errorf("idempotent create %+v %v", again, err)
	}
	e.clk.Advance(3 * time.Second)
	list, err := e.efs.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{FileSystemId: &id})
	if err != nil || len(list.AccessPoints) != 1 || list.AccessPoints[0].LifeCycleState != types.LifeCycleStateAvailable {
		t.Errorf("list %+v %v", list, err)
	}
	if lt, err := e.efs.ListTagsForResource(ctx, &efs.ListTagsForResourceInput{ResourceId: ap.AccessPointId}); err != nil || len(lt.Tags) != 1 {
		t.Errorf("access point tags %+v %v", lt, err)
	}
	for _, c := range []struct {
		name string
		in   efs.CreateAccessPointInput
		want string
	}{
		{"relative path", efs.CreateAccessPointInput{ClientToken: aws.String("x"), FileSystemId: &id, RootDirectory: &types.RootDirectory{Path: aws.String("wordpress")}}, "BadRequest"},
		{"unknown file system", efs.CreateAccessPointInput{ClientToken: aws.String("y"), FileSystemId: aws.String("fs-0123456789abcdef0")}, "FileSystemNotFound"},
	} {
		_, err := e.efs.CreateAccessPoint(ctx, &c.in)
		if code(err) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := e.efs.DeleteAccessPoint(ctx, &efs.DeleteAccessPointInput{AccessPointId: ap.AccessPointId}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.efs.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{AccessPointId: ap.AccessPointId}); code(err) != "AccessPointNotFound" {
		t.Errorf("deleted: %v", err)
	}
}
