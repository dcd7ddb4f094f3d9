package ec2_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

func newClient(t *testing.T) (*ec2.Client, *clock.Fake) {
	t.Helper()
	c := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(c)))
	return ec2.NewFromConfig(cfg), c
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// must returns v, failing the test (by panicking, which the test reports) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func filter(name string, values ...string) types.Filter {
	return types.Filter{Name: aws.String(name), Values: values}
}

func TestRegionsZonesAndDefaultVPC(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	azs := must(c.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{}))
	var names, zids []string
	for _, z := range azs.AvailabilityZones {
		names, zids = append(names, *z.ZoneName), append(zids, *z.ZoneId)
	}
	if strings.Join(names, ",") != "ap-northeast-2a,ap-northeast-2b,ap-northeast-2c,ap-northeast-2d" || zids[0] != "apne2-az1" {
		t.Fatalf("zones %v %v", names, zids)
	}
	regs := must(c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{Filters: []types.Filter{filter("region-name", "us-east-*")}}))
	if len(regs.Regions) != 2 {
		t.Errorf("regions %d", len(regs.Regions))
	}
	attrs := must(c.DescribeAccountAttributes(ctx, &ec2.DescribeAccountAttributesInput{AttributeNames: []types.AccountAttributeName{"default-vpc"}}))
	defVPC := *attrs.AccountAttributes[0].AttributeValues[0].AttributeValue
	vpcs := must(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("is-default", "true")}}))
	if alias := must(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("isDefault", "true")}})); len(alias.Vpcs) != len(vpcs.Vpcs) {
		t.Errorf("isDefault filter found %d VPCs, is-default %d", len(alias.Vpcs), len(vpcs.Vpcs))
	}
	if len(vpcs.Vpcs) != 1 || *vpcs.Vpcs[0].VpcId != defVPC || *vpcs.Vpcs[0].CidrBlock != "172.31.0.0/16" {
		t.Fatalf("default vpc %+v", vpcs.Vpcs)
	}
	subs := must(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("vpc-id", defVPC), filter("default-for-az", "true")}}))
	if len(subs.Subnets) != 4 {
		t.Fatalf("default subnets %d", len(subs.Subnets))
	}
	for _, s := range subs.Subnets {
		if !*s.MapPublicIpOnLaunch || *s.AvailableIpAddressCount != 4091 || !strings.HasSuffix(*s.CidrBlock, "/20") {
			t.Errorf("subnet %s %v %d", *s.CidrBlock, *s.MapPublicIpOnLaunch, *s.AvailableIpAddressCount)
		}
	}
	rts := must(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("vpc-id", defVPC), filter("association.main", "true")}}))
	if len(rts.RouteTables) != 1 || len(rts.RouteTables[0].Routes) != 2 || !strings.HasPrefix(*rts.RouteTables[0].Routes[1].GatewayId, "igw-") {
		t.Fatalf("main route table %+v", rts.RouteTables)
	}
	sgs := must(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{filter("vpc-id", defVPC), filter("group-name", "default")}}))
	if len(sgs.SecurityGroups) != 1 || len(sgs.SecurityGroups[0].IpPermissions) != 1 || len(sgs.SecurityGroups[0].IpPermissionsEgress) != 1 ||
		*sgs.SecurityGroups[0].IpPermissions[0].UserIdGroupPairs[0].GroupId != *sgs.SecurityGroups[0].GroupId {
		t.Fatalf("default sg %+v", sgs.SecurityGroups)
	}
	acls := must(c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: []types.Filter{filter("default", "true"), filter("vpc-id", defVPC)}}))
	if len(acls.NetworkAcls) != 1 || len(acls.NetworkAcls[0].Associations) != 4 || len(acls.NetworkAcls[0].Entries) != 4 {
		t.Fatalf("default acl %+v", acls.NetworkAcls)
	}
	_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("no-such-filter", "x")}})
	wantCode(t, err, "InvalidParameterValue")
}

func TestVPCAndSubnetRules(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	cases := []struct {
		name, cidr, code string
	}{
		{"too big", "10.0.0.0/15", "InvalidVpc.Range"},
		{"too small", "10.0.0.0/29", "InvalidVpc.Range"},
		{"not a cidr", "10.0.0.0", "InvalidParameterValue"},
		{"ok", "10.0.0.0/16", ""},
	}
	var vpcID string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(tc.cidr), TagSpecifications: []types.TagSpecification{{
				ResourceType: types.ResourceTypeVpc, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("hello-vpc")}},
			}}})
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			vpcID = *out.Vpc.VpcId
		})
	}
	subnets := []struct {
		name, cidr, az, code string
	}{
		{"public", "10.0.0.0/24", "ap-northeast-2a", ""},
		{"private", "10.0.1.0/24", "ap-northeast-2a", ""},
		{"db", "10.0.2.0/24", "ap-northeast-2c", ""},
		{"overlaps public", "10.0.0.128/25", "ap-northeast-2a", "InvalidSubnet.Conflict"},
		{"outside the vpc", "10.1.0.0/24", "ap-northeast-2a", "InvalidSubnet.Range"},
		{"bad zone", "10.0.9.0/24", "us-east-1a", "InvalidParameterValue"},
	}
	ids := map[string]string{}
	for _, tc := range subnets {
		t.Run("subnet "+tc.name, func(t *testing.T) {
			out, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(tc.cidr), AvailabilityZone: aws.String(tc.az)})
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// 2^8 - 5 addresses: network, router, DNS, reserved, broadcast.
			if *out.Subnet.AvailableIpAddressCount != 251 {
				t.Errorf("available %d", *out.Subnet.AvailableIpAddressCount)
			}
			ids[tc.name] = *out.Subnet.SubnetId
		})
	}
	// Secondary CIDRs.
	assoc := must(c.AssociateVpcCidrBlock(ctx, &ec2.AssociateVpcCidrBlockInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.1.0.0/16")}))
	must(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.1.0.0/24")}))
	_, err := c.DisassociateVpcCidrBlock(ctx, &ec2.DisassociateVpcCidrBlockInput{AssociationId: assoc.CidrBlockAssociation.AssociationId})
	wantCode(t, err, "InvalidCidrBlock.InUse")
	// DNS attributes.
	must(c.ModifyVpcAttribute(ctx, &ec2.ModifyVpcAttributeInput{VpcId: aws.String(vpcID), EnableDnsHostnames: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	a := must(c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: types.VpcAttributeNameEnableDnsHostnames}))
	if !*a.EnableDnsHostnames.Value {
		t.Error("dns hostnames not enabled")
	}
	must(c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(ids["public"]), MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	got := must(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{filter("map-public-ip-on-launch", "true"), filter("vpc-id", vpcID)}}))
	if len(got.Subnets) != 1 || *got.Subnets[0].SubnetId != ids["public"] {
		t.Errorf("public subnets %+v", got.Subnets)
	}
	// Tags: filter by tag, wildcard, and the tag index.
	vp := must(c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{filter("tag:Name", "hello-*")}}))
	if len(vp.Vpcs) != 1 || *vp.Vpcs[0].VpcId != vpcID {
		t.Errorf("tag filter %+v", vp.Vpcs)
	}
	_, err = c.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
	wantCode(t, err, "DependencyViolation")
	_, err = c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0000000000000000f"}})
	wantCode(t, err, "InvalidVpcID.NotFound")
}

// couponNetwork builds the coupon system's network (seed 002): a VPC with
// public, private and db subnets, an internet gateway, a NAT gateway with an
// Elastic IP and three route tables.
type couponNet struct {
	vpc, public, private, db, igw, eip, nat, rtPublic, rtPrivate, rtDB string
}

func buildCoupon(t *testing.T, c *ec2.Client, clk *clock.Fake) couponNet {
	ctx := context.Background()
	var n couponNet
	n.vpc = *must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc.VpcId
	sub := func(cidr string) string {
		return *must(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(n.vpc), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String("ap-northeast-2a")})).Subnet.SubnetId
	}
	n.public, n.private, n.db = sub("10.0.0.0/24"), sub("10.0.1.0/24"), sub("10.0.2.0/24")
	must(c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(n.public), MapPublicIpOnLaunch: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	n.igw = *must(c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{})).InternetGateway.InternetGatewayId
	must(c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: aws.String(n.igw), VpcId: aws.String(n.vpc)}))
	n.eip = *must(c.AllocateAddress(ctx, &ec2.AllocateAddressInput{Domain: types.DomainTypeVpc})).AllocationId
	n.nat = *must(c.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{SubnetId: aws.String(n.public), AllocationId: aws.String(n.eip)})).NatGateway.NatGatewayId
	clk.Advance(5 * time.Second)
	rt := func() string {
		return *must(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(n.vpc)})).RouteTable.RouteTableId
	}
	n.rtPublic, n.rtPrivate, n.rtDB = rt(), rt(), rt()
	must(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.rtPublic), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igw)}))
	must(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.rtPrivate), DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String(n.nat)}))
	for sub, rt := range map[string]string{n.public: n.rtPublic, n.private: n.rtPrivate, n.db: n.rtDB} {
		must(c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(rt), SubnetId: aws.String(sub)}))
	}
	return n
}

func TestGatewaysAndRoutes(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	n := buildCoupon(t, c, clk)
	nat := must(c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{n.nat}}))
	if nat.NatGateways[0].State != types.NatGatewayStateAvailable || *nat.NatGateways[0].NatGatewayAddresses[0].PrivateIp != "10.0.0.4" {
		t.Fatalf("nat %+v", nat.NatGateways[0])
	}
	addr := must(c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{AllocationIds: []string{n.eip}}))
	if addr.Addresses[0].AssociationId == nil || addr.Addresses[0].NetworkInterfaceId == nil {
		t.Errorf("eip not associated with the nat: %+v", addr.Addresses[0])
	}
	errs := []struct {
		name string
		call func() error
		code string
	}{
		{"second igw on the vpc", func() error {
			g := must(c.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{}))
			_, err := c.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: g.InternetGateway.InternetGatewayId, VpcId: aws.String(n.vpc)})
			return err
		}, "Resource.AlreadyAssociated"},
		{"duplicate route", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: aws.String(n.rtPublic), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igw)})
			return err
		}, "RouteAlreadyExists"},
		{"replace a missing route", func() error {
			_, err := c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(n.rtDB), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igw)})
			return err
		}, "InvalidRoute.NotFound"},
		{"delete the local route", func() error {
			_, err := c.DeleteRoute(ctx, &ec2.DeleteRouteInput{RouteTableId: aws.String(n.rtDB), DestinationCidrBlock: aws.String("10.0.0.0/16")})
			return err
		}, "InvalidParameterValue"},
		{"second association for a subnet", func() error {
			_, err := c.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{RouteTableId: aws.String(n.rtDB), SubnetId: aws.String(n.public)})
			return err
		}, "Resource.AlreadyAssociated"},
		{"release an address in use", func() error {
			_, err := c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(n.eip)})
			return err
		}, "InvalidIPAddress.InUse"},
		{"detach the igw with public addresses mapped", func() error {
			_, err := c.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: aws.String(n.igw), VpcId: aws.String(n.vpc)})
			return err
		}, "DependencyViolation"},
		{"delete an associated route table", func() error {
			_, err := c.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: aws.String(n.rtDB)})
			return err
		}, "DependencyViolation"},
		{"unknown nat", func() error {
			_, err := c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{"nat-0123456789abcdef0"}})
			return err
		}, "NatGatewayNotFound"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
	// ReplaceRoute and the db subnet's explicit association.
	rts := must(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{filter("association.subnet-id", n.db)}}))
	if len(rts.RouteTables) != 1 || *rts.RouteTables[0].RouteTableId != n.rtDB {
		t.Fatalf("db route table %+v", rts.RouteTables)
	}
	must(c.ReplaceRoute(ctx, &ec2.ReplaceRouteInput{RouteTableId: aws.String(n.rtPrivate), DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: aws.String(n.igw)}))
	// NAT deletion: deleting, then deleted; its address comes back.
	must(c.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: aws.String(n.nat)}))
	nat = must(c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{n.nat}}))
	if nat.NatGateways[0].State != types.NatGatewayStateDeleting {
		t.Errorf("state %s", nat.NatGateways[0].State)
	}
	clk.Advance(5 * time.Second)
	nat = must(c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: []types.Filter{filter("state", "deleted")}}))
	if len(nat.NatGateways) != 1 {
		t.Errorf("deleted nat not listed")
	}
	must(c.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: aws.String(n.eip)}))
}

func TestSecurityGroups(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	n := buildCoupon(t, c, clk)
	sg := must(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("coupon-api"), Description: aws.String("api"), VpcId: aws.String(n.vpc)}))
	bastion := must(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ssh-allow"), Description: aws.String("ssh"), VpcId: aws.String(n.vpc)}))
	perm := func(port int32, cidr string) types.IpPermission {
		return types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), IpRanges: []types.IpRange{{CidrIp: aws.String(cidr)}}}
	}
	in := must(c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{
		perm(8080, "203.0.113.7/32"), perm(8081, "203.0.113.7/32"),
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: bastion.GroupId}}},
	}}))
	if len(in.SecurityGroupRules) != 3 || !strings.HasPrefix(*in.SecurityGroupRules[0].SecurityGroupRuleId, "sgr-") {
		t.Fatalf("rules %+v", in.SecurityGroupRules)
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"duplicate", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm(8080, "203.0.113.7/32")}})
			return err
		}, "InvalidPermission.Duplicate"},
		{"unknown referenced group", func() error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{{
				IpProtocol: aws.String("tcp"), FromPort: aws.Int32(1), ToPort: aws.Int32(1), UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-0000000000000000f")}},
			}}})
			return err
		}, "InvalidGroup.NotFound"},
		{"duplicate name", func() error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("coupon-api"), Description: aws.String("x"), VpcId: aws.String(n.vpc)})
			return err
		}, "InvalidGroup.Duplicate"},
		{"delete a referenced group", func() error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: bastion.GroupId})
			return err
		}, "DependencyViolation"},
		{"revoke a missing rule", func() error {
			_, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{perm(9999, "0.0.0.0/0")}})
			return err
		}, "InvalidPermission.NotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
	rules := must(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{filter("group-id", *sg.GroupId)}}))
	if len(rules.SecurityGroupRules) != 4 { // 3 ingress + the default egress
		t.Fatalf("rules %d", len(rules.SecurityGroupRules))
	}
	one := must(c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{SecurityGroupRuleIds: []string{*in.SecurityGroupRules[1].SecurityGroupRuleId}}))
	if len(one.SecurityGroupRules) != 1 || *one.SecurityGroupRules[0].FromPort != 8081 {
		t.Fatalf("rule by id %+v", one.SecurityGroupRules)
	}
	must(c.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: sg.GroupId, IpPermissions: []types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	g := must(c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{*sg.GroupId}}))
	if len(g.SecurityGroups[0].IpPermissionsEgress) != 0 || len(g.SecurityGroups[0].IpPermissions) != 3 {
		t.Errorf("group %+v", g.SecurityGroups[0])
	}
}

func TestInstancesLifecycle(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	n := buildCoupon(t, c, clk)
	key := must(c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("helloAWS")}))
	if !strings.HasPrefix(*key.KeyMaterial, "-----BEGIN RSA PRIVATE KEY-----") || strings.Count(*key.KeyFingerprint, ":") != 19 {
		t.Fatalf("key %s %s", (*key.KeyMaterial)[:40], *key.KeyFingerprint)
	}
	ed := must(c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("ed"), KeyType: types.KeyTypeEd25519}))
	if !strings.HasPrefix(*ed.KeyMaterial, "-----BEGIN OPENSSH PRIVATE KEY-----") {
		t.Fatalf("ed25519 key %s", *ed.KeyMaterial)
	}
	_, err := c.CreateKeyPair(ctx, &ec2.CreateKeyPairInput{KeyName: aws.String("helloAWS")})
	wantCode(t, err, "InvalidKeyPair.Duplicate")
	imgs := must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"099720109477"}, Filters: []types.Filter{
		filter("name", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"), filter("virtualization-type", "hvm"),
	}}))
	if len(imgs.Images) == 0 {
		t.Fatal("no ubuntu image")
	}
	ami := *imgs.Images[0].ImageId
	run := func(in *ec2.RunInstancesInput) (*ec2.RunInstancesOutput, error) {
		in.ImageId = aws.String(ami)
		if in.MinCount == nil {
			in.MinCount, in.MaxCount = aws.Int32(1), aws.Int32(1)
		}
		return c.RunInstances(ctx, in)
	}
	errCases := []struct {
		name string
		in   *ec2.RunInstancesInput
		code string
	}{
		{"unknown type", &ec2.RunInstancesInput{InstanceType: "x9.huge"}, "InvalidParameterValue"},
		{"unknown key", &ec2.RunInstancesInput{InstanceType: "t2.micro", KeyName: aws.String("nope")}, "InvalidKeyPair.NotFound"},
		{"unknown subnet", &ec2.RunInstancesInput{InstanceType: "t2.micro", SubnetId: aws.String("subnet-0000000000000000f")}, "InvalidSubnetID.NotFound"},
		{"arm type on x86 image", &ec2.RunInstancesInput{InstanceType: "t4g.micro"}, "InvalidParameterValue"},
		{"min above max", &ec2.RunInstancesInput{InstanceType: "t2.micro", MinCount: aws.Int32(3), MaxCount: aws.Int32(2)}, "InvalidParameterValue"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(tc.in)
			wantCode(t, err, tc.code)
		})
	}
	userData := "IyEvYmluL2Jhc2gKZWNobyBoaQo="
	api := must(run(&ec2.RunInstancesInput{
		InstanceType: types.InstanceTypeT2Medium, SubnetId: aws.String(n.public), KeyName: aws.String("helloAWS"), UserData: aws.String(userData),
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		IamInstanceProfile: &types.IamInstanceProfileSpecification{Name: aws.String("coupon-role")},
		TagSpecifications:  []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("coupon-api")}}}},
	}))
	if len(api.Instances) != 2 {
		t.Fatalf("instances %d", len(api.Instances))
	}
	i0 := api.Instances[0]
	if i0.State.Name != types.InstanceStateNamePending || *i0.PrivateIpAddress != "10.0.0.5" || i0.PublicIpAddress == nil ||
		!strings.HasSuffix(*i0.IamInstanceProfile.Arn, ":instance-profile/coupon-role") {
		t.Fatalf("instance %+v", i0)
	}
	bastion := must(run(&ec2.RunInstancesInput{InstanceType: types.InstanceTypeT2Micro, SubnetId: aws.String(n.private)})).Instances[0]
	if bastion.PublicIpAddress != nil || *bastion.PrivateIpAddress != "10.0.1.4" {
		t.Fatalf("private instance %v %v", bastion.PublicIpAddress, *bastion.PrivateIpAddress)
	}
	clk.Advance(3 * time.Second)
	desc := must(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("tag:Name", "coupon-api"), filter("instance-state-name", "running")}}))
	if len(desc.Reservations) != 1 || len(desc.Reservations[0].Instances) != 2 {
		t.Fatalf("reservations %+v", desc.Reservations)
	}
	ud := must(c.DescribeInstanceAttribute(ctx, &ec2.DescribeInstanceAttributeInput{InstanceId: i0.InstanceId, Attribute: types.InstanceAttributeNameUserData}))
	if *ud.UserData.Value != userData {
		t.Errorf("user data %q", *ud.UserData.Value)
	}
	vols := must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []types.Filter{filter("attachment.instance-id", *i0.InstanceId)}}))
	if len(vols.Volumes) != 1 || *vols.Volumes[0].Size != 8 {
		t.Fatalf("root volume %+v", vols.Volumes)
	}
	subs := must(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{n.public}}))
	if *subs.Subnets[0].AvailableIpAddressCount != 251-3 { // the NAT gateway and two instances
		t.Errorf("available %d", *subs.Subnets[0].AvailableIpAddressCount)
	}
	must(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: i0.InstanceId, DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(true)}}))
	_, err = c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{*i0.InstanceId}})
	wantCode(t, err, "OperationNotPermitted")
	must(c.ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: i0.InstanceId, DisableApiTermination: &types.AttributeBooleanValue{Value: aws.Bool(false)}}))
	stop := must(c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{*i0.InstanceId}}))
	if stop.StoppingInstances[0].CurrentState.Name != types.InstanceStateNameStopping {
		t.Errorf("stopping %v", stop.StoppingInstances[0].CurrentState.Name)
	}
	clk.Advance(3 * time.Second)
	must(c.StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{*i0.InstanceId}}))
	_, err = c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: aws.String(n.public)})
	wantCode(t, err, "DependencyViolation")
	must(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{*i0.InstanceId, *api.Instances[1].InstanceId, *bastion.InstanceId}}))
	clk.Advance(3 * time.Second)
	desc = must(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("instance-state-name", "terminated")}}))
	if len(desc.Reservations) != 2 {
		t.Errorf("terminated reservations %d", len(desc.Reservations))
	}
	vols = must(c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}))
	if len(vols.Volumes) != 0 {
		t.Errorf("volumes left %d", len(vols.Volumes))
	}
	// Default VPC placement: no subnet → the default subnet, with a public address.
	def := must(run(&ec2.RunInstancesInput{InstanceType: types.InstanceTypeT3Micro})).Instances[0]
	if !strings.HasPrefix(*def.PrivateIpAddress, "172.31.") || def.PublicIpAddress == nil {
		t.Errorf("default placement %s %v", *def.PrivateIpAddress, def.PublicIpAddress)
	}
}

func TestPaginationAndTags(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	ami := *must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})).Images[0].ImageId
	_ = ami
	for i := range 7 {
		v := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")}))
		must(c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{*v.Vpc.VpcId}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String([]string{"a", "b"}[i%2])}}}))
	}
	var seen int
	p := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(5), Filters: []types.Filter{filter("tag-key", "team")}})
	pages := 0
	for p.HasMorePages() {
		out := must(p.NextPage(ctx))
		seen += len(out.Vpcs)
		pages++
	}
	if seen != 7 || pages != 2 {
		t.Errorf("seen %d in %d pages", seen, pages)
	}
	tags := must(c.DescribeTags(ctx, &ec2.DescribeTagsInput{Filters: []types.Filter{filter("resource-type", "vpc"), filter("value", "a")}}))
	if len(tags.Tags) != 4 {
		t.Errorf("tags %d", len(tags.Tags))
	}
	_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vpc-0000000000000000f"}, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidVpcID.NotFound")
	_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vpc-0000000000000000f"}, Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantCode(t, err, "InvalidParameterValue")
}

// BenchmarkDescribeInstancesTagFilter finds one instance by tag among 1,000
// (launched in one RunInstances call): the tag index answers it without
// visiting the other instances.
func BenchmarkDescribeInstancesTagFilter(b *testing.B) {
	cfg, _ := testutil.NewServer(b)
	// Our own transport, so idle connections close before the server stops;
	// responses are read whole before the SDK decodes them: with the SDK
	// reading the body as it decodes, about 3% of >4 KiB responses fail with
	// "use of closed network connection" (reported to the lead; not EC2's).
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	cfg.HTTPClient = &http.Client{Transport: buffered{tr}}
	b.Cleanup(tr.CloseIdleConnections)
	c := ec2.NewFromConfig(cfg)
	ctx := context.Background()
	ami := ""
	for _, im := range must(c.DescribeImages(ctx, &ec2.DescribeImagesInput{})).Images {
		if im.Architecture == types.ArchitectureValuesX8664 {
			ami = *im.ImageId
		}
	}
	tag := func(v string) []types.TagSpecification {
		return []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(v)}}}}
	}
	must(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(1000), MaxCount: aws.Int32(1000), TagSpecifications: tag("haystack")}))
	must(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1), TagSpecifications: tag("needle")}))
	in := &ec2.DescribeInstancesInput{Filters: []types.Filter{filter("tag:Name", "needle")}}
	tr.CloseIdleConnections()
	b.ResetTimer()
	for b.Loop() {
		out, err := c.DescribeInstances(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Reservations) != 1 {
			b.Fatalf("reservations %d", len(out.Reservations))
		}
	}
}

// buffered reads each response body whole before handing it on.
type buffered struct{ rt http.RoundTripper }

func (b buffered) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := b.rt.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
