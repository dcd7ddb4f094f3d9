package ec2_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestNetworkInterfaces(t *testing.T) {
	c, clk := newClient(t)
	ctx := context.Background()
	vpc := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc
	sub := must(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.1.1.0/24"), AvailabilityZone: aws.String("ap-northeast-2a")})).Subnet
	sub2 := must(c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.VpcId, CidrBlock: aws.String("10.1.2.0/24"), AvailabilityZone: aws.String("ap-northeast-2c")})).Subnet
	sg := must(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpc.VpcId, GroupName: aws.String("app"), Description: aws.String("app")}))
	other := must(c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("elsewhere"), Description: aws.String("default vpc")}))

	eni := must(c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, Description: aws.String("floating"), Groups: []string{*sg.GroupId},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeNetworkInterface, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("float")}}}}})).NetworkInterface
	if *eni.PrivateIpAddress != "10.1.1.4" || eni.Status != types.NetworkInterfaceStatusAvailable || *eni.Groups[0].GroupId != *sg.GroupId || *eni.VpcId != *vpc.VpcId {
		t.Fatalf("eni: %+v", eni)
	}
	fixed := must(c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, PrivateIpAddress: aws.String("10.1.1.50")})).NetworkInterface
	if len(fixed.Groups) != 1 || *fixed.Groups[0].GroupName != "default" {
		t.Errorf("default group: %+v", fixed.Groups)
	}
	if s := must(c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{*sub.SubnetId}})).Subnets[0]; *s.AvailableIpAddressCount != 249 {
		t.Errorf("free addresses: %d", *s.AvailableIpAddressCount)
	}

	res := must(c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(baseAMI(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: sub.SubnetId}))
	inst := res.Instances[0]
	clk.Advance(3 * time.Second)
	primary := *inst.NetworkInterfaces[0].NetworkInterfaceId

	errCases := []struct {
		name string
		call func() error
		code string
	}{
		{"address in use", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, PrivateIpAddress: aws.String("10.1.1.50")})
			return err
		}, "InvalidIPAddress.InUse"},
		{"address outside the subnet", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, PrivateIpAddress: aws.String("10.1.2.9")})
			return err
		}, "InvalidParameterValue"},
		{"group of another VPC", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub.SubnetId, Groups: []string{*other.GroupId}})
			return err
		}, "InvalidParameter"},
		{"unknown subnet", func() error {
			_, err := c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: aws.String("subnet-0123456789abcdef0")})
			return err
		}, "InvalidSubnetID.NotFound"},
		{"attach at the primary's index", func() error {
			_, err := c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: aws.Int32(0)})
			return err
		}, "InvalidParameterValue"},
		{"delete a primary interface", func() error {
			_, err := c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(primary)})
			return err
		}, "InvalidNetworkInterface.InUse"},
		{"detach unknown attachment", func() error {
			_, err := c.DetachNetworkInterface(ctx, &ec2.DetachNetworkInterfaceInput{AttachmentId: aws.String("eni-attach-0123456789abcdef0")})
			return err
		}, "InvalidAttachmentID.NotFound"},
		{"delete a group an interface uses", func() error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId})
			return err
		}, "DependencyViolation"},
		{"delete unknown interface", func() error {
			_, err := c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String("eni-0123456789abcdef0")})
			return err
		}, "InvalidNetworkInterfaceID.NotFound"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
	// An interface in another zone cannot join the instance.
	far := must(c.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{SubnetId: sub2.SubnetId})).NetworkInterface
	_, err := c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: far.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: aws.Int32(1)})
	wantCode(t, err, "InvalidParameterCombination")

	att := must(c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: aws.Int32(1)}))
	if !strings.HasPrefix(*att.AttachmentId, "eni-attach-") {
		t.Errorf("attachment id %s", *att.AttachmentId)
	}
	_, err = c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: eni.NetworkInterfaceId})
	wantCode(t, err, "InvalidNetworkInterface.InUse")
	byInst := must(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("attachment.instance-id", *inst.InstanceId)}}))
	if len(byInst.NetworkInterfaces) != 2 {
		t.Errorf("interfaces of the instance: %d", len(byInst.NetworkInterfaces))
	}
	di := must(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{*inst.InstanceId}})).Reservations[0].Instances[0]
	if len(di.NetworkInterfaces) != 2 || *di.NetworkInterfaces[1].Attachment.DeviceIndex != 1 {
		t.Errorf("instance interfaces: %+v", di.NetworkInterfaces)
	}
	tagged := must(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{filter("status", "in-use"), filter("group-id", *sg.GroupId)}}))
	if len(tagged.NetworkInterfaces) != 1 || *tagged.NetworkInterfaces[0].TagSet[0].Value != "float" {
		t.Errorf("filtered: %+v", tagged.NetworkInterfaces)
	}

	must(c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: eni.NetworkInterfaceId, SourceDestCheck: &types.AttributeBooleanValue{Value: aws.Bool(false)}}))
	must(c.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(primary), Groups: []string{*sg.GroupId}}))
	di = must(c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{*inst.InstanceId}})).Reservations[0].Instances[0]
	if *di.SecurityGroups[0].GroupId != *sg.GroupId || *di.NetworkInterfaces[1].SourceDestCheck {
		t.Errorf("modified: groups %+v, secondary %+v", di.SecurityGroups, di.NetworkInterfaces[1])
	}
	sdc := must(c.DescribeNetworkInterfaceAttribute(ctx, &ec2.DescribeNetworkInterfaceAttributeInput{NetworkInterfaceId: eni.NetworkInterfaceId, Attribute: types.NetworkInterfaceAttributeSourceDestCheck}))
	if *sdc.SourceDestCheck.Value {
		t.Error("source/dest check still on")
	}

	must(c.DetachNetworkInterface(ctx, &ec2.DetachNetworkInterfaceInput{AttachmentId: att.AttachmentId}))
	if n := must(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{*eni.NetworkInterfaceId}})).NetworkInterfaces[0]; n.Status != types.NetworkInterfaceStatusAvailable || n.Attachment != nil {
		t.Errorf("detached: %+v", n)
	}
	// Attached again, it is detached (not deleted) when the instance terminates.
	must(c.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: inst.InstanceId, DeviceIndex: aws.Int32(1)}))
	must(c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{*inst.InstanceId}}))
	if n := must(c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{*eni.NetworkInterfaceId}})).NetworkInterfaces[0]; n.Status != types.NetworkInterfaceStatusAvailable {
		t.Errorf("after terminate: %s", n.Status)
	}
	for _, id := range []*string{eni.NetworkInterfaceId, fixed.NetworkInterfaceId, far.NetworkInterfaceId} {
		must(c.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: id}))
	}
	clk.Advance(3 * time.Second)
	must(c.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: sub.SubnetId}))
}

func TestVpcPeering(t *testing.T) {
	c, _ := newClient(t)
	ctx := context.Background()
	a := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})).Vpc
	b := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc
	clash := must(c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.128.0/17")})).Vpc
	rtA := must(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: a.VpcId})).RouteTable
	rtClash := must(c.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{VpcId: clash.VpcId})).RouteTable

	pcx := must(c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: a.VpcId, PeerVpcId: b.VpcId,
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeVpcPeeringConnection, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String("a-b")}}}}})).VpcPeeringConnection
	if pcx.Status.Code != types.VpcPeeringConnectionStateReasonCodeInitiatingRequest || *pcx.RequesterVpcInfo.CidrBlock != "10.0.0.0/16" || *pcx.AccepterVpcInfo.VpcId != *b.VpcId {
		t.Fatalf("created: %+v", pcx)
	}
	id := *pcx.VpcPeeringConnectionId
	got := must(c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{Filters: []types.Filter{filter("tag:Name", "a-b")}}))
	if len(got.VpcPeeringConnections) != 1 || got.VpcPeeringConnections[0].Status.Code != types.VpcPeeringConnectionStateReasonCodePendingAcceptance {
		t.Fatalf("pending: %+v", got.VpcPeeringConnections)
	}
	// A route to a pending connection is a blackhole until it is accepted.
	must(c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtA.RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(id)}))
	routeState := func() types.RouteState {
		rt := must(c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{*rtA.RouteTableId}})).RouteTables[0]
		for _, r := range rt.Routes {
			if aws.ToString(r.VpcPeeringConnectionId) == id {
				return r.State
			}
		}
		return ""
	}
	if s := routeState(); s != types.RouteStateBlackhole {
		t.Errorf("route to a pending connection: %s", s)
	}

	failed := must(c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: a.VpcId, PeerVpcId: clash.VpcId})).VpcPeeringConnection

	errCases := []struct {
		name string
		call func() error
		code string
	}{
		{"unknown peer VPC", func() error {
			_, err := c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: a.VpcId, PeerVpcId: aws.String("vpc-0123456789abcdef0")})
			return err
		}, "InvalidVpcID.NotFound"},
		{"accept unknown connection", func() error {
			_, err := c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String("pcx-0123456789abcdef0")})
			return err
		}, "InvalidVpcPeeringConnectionID.NotFound"},
		{"accept a failed connection", func() error {
			_, err := c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: failed.VpcPeeringConnectionId})
			return err
		}, "InvalidStateTransition"},
		{"route from a VPC not in the connection", func() error {
			_, err := c.CreateRoute(ctx, &ec2.CreateRouteInput{RouteTableId: rtClash.RouteTableId, DestinationCidrBlock: aws.String("10.1.0.0/16"), VpcPeeringConnectionId: aws.String(id)})
			return err
		}, "InvalidParameterValue"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
	}
	// AWS: overlapping CIDR blocks cannot be peered.
	if f := must(c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{*failed.VpcPeeringConnectionId}})).VpcPeeringConnections[0]; f.Status.Code != types.VpcPeeringConnectionStateReasonCodeFailed {
		t.Errorf("overlapping: %+v", f.Status)
	}

	acc := must(c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(id)})).VpcPeeringConnection
	if acc.Status.Code != types.VpcPeeringConnectionStateReasonCodeActive || *acc.AccepterVpcInfo.CidrBlock != "10.1.0.0/16" {
		t.Errorf("accepted: %+v", acc)
	}
	if s := routeState(); s != types.RouteStateActive {
		t.Errorf("route to an active connection: %s", s)
	}
	_, err := c.AcceptVpcPeeringConnection(ctx, &ec2.AcceptVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(id)})
	wantCode(t, err, "InvalidStateTransition")
	active := must(c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{Filters: []types.Filter{filter("status-code", "active"), filter("accepter-vpc-info.vpc-id", *b.VpcId)}}))
	if len(active.VpcPeeringConnections) != 1 {
		t.Errorf("active: %d", len(active.VpcPeeringConnections))
	}

	other := must(c.CreateVpcPeeringConnection(ctx, &ec2.CreateVpcPeeringConnectionInput{VpcId: b.VpcId, PeerVpcId: clash.VpcId})).VpcPeeringConnection
	must(c.RejectVpcPeeringConnection(ctx, &ec2.RejectVpcPeeringConnectionInput{VpcPeeringConnectionId: other.VpcPeeringConnectionId}))
	if r := must(c.DescribeVpcPeeringConnections(ctx, &ec2.DescribeVpcPeeringConnectionsInput{VpcPeeringConnectionIds: []string{*other.VpcPeeringConnectionId}})).VpcPeeringConnections[0]; r.Status.Code != types.VpcPeeringConnectionStateReasonCodeRejected {
		t.Errorf("rejected: %+v", r.Status)
	}

	must(c.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(id)}))
	if s := routeState(); s != types.RouteStateBlackhole {
		t.Errorf("route to a deleted connection: %s", s)
	}
	_, err = c.DeleteVpcPeeringConnection(ctx, &ec2.DeleteVpcPeeringConnectionInput{VpcPeeringConnectionId: aws.String(id)})
	wantCode(t, err, "InvalidStateTransition")
}
