package ec2

import (
	"context"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/network"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// TestReachabilityFromEC2State builds the coupon network through the
// handlers and explains paths over the snapshot EC2 hands the model.
func TestReachabilityFromEC2State(t *testing.T) {
	store := state.New(state.Options{})
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	s := New(service.Deps{Store: store, Clock: clk, Region: "ap-northeast-2"})
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := reqctx.With(context.Background(), &reqctx.Info{Account: identity.DefaultAccount, Region: "ap-northeast-2"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	vpc, err := s.CreateVpc(ctx, &CreateVpcRequest{CidrBlock: ptr.To("10.0.0.0/16")})
	must(err)
	vid := vpc.Vpc.VpcId
	sub := func(cidr string) *string {
		out, err := s.CreateSubnet(ctx, &CreateSubnetRequest{VpcId: vid, CidrBlock: ptr.To(cidr)})
		must(err)
		return out.Subnet.SubnetId
	}
	public, private := sub("10.0.0.0/24"), sub("10.0.1.0/24")
	_, err = s.ModifySubnetAttribute(ctx, &ModifySubnetAttributeRequest{SubnetId: public, MapPublicIpOnLaunch: &AttributeBooleanValue{Value: ptr.To(true)}})
	must(err)
	igw, err := s.CreateInternetGateway(ctx, &CreateInternetGatewayRequest{})
	must(err)
	_, err = s.AttachInternetGateway(ctx, &AttachInternetGatewayRequest{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: vid})
	must(err)
	rt, err := s.CreateRouteTable(ctx, &CreateRouteTableRequest{VpcId: vid})
	must(err)
	_, err = s.CreateRoute(ctx, &CreateRouteRequest{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: ptr.To("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId})
	must(err)
	_, err = s.AssociateRouteTable(ctx, &AssociateRouteTableRequest{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: public})
	must(err)
	sg, err := s.CreateSecurityGroup(ctx, &CreateSecurityGroupRequest{GroupName: ptr.To("api"), Description: ptr.To("api"), VpcId: vid})
	must(err)
	_, err = s.AuthorizeSecurityGroupIngress(ctx, &AuthorizeSecurityGroupIngressRequest{GroupId: sg.GroupId, IpProtocol: ptr.To("tcp"), FromPort: ptr.To(int64(8080)), ToPort: ptr.To(int64(8080)), CidrIp: ptr.To("0.0.0.0/0")})
	must(err)
	var ami string
	for _, im := range regionImages("ap-northeast-2") {
		if im.Architecture == "x86_64" {
			ami = im.AMI
		}
	}
	run := func(subnet *string) string {
		out, err := s.RunInstances(ctx, &RunInstancesRequest{ImageId: ptr.To(ami), InstanceType: ptr.To("t3.micro"), MinCount: ptr.To(int64(1)), MaxCount: ptr.To(int64(1)),
			SubnetId: subnet, SecurityGroupIds: []string{*sg.GroupId}})
		must(err)
		return *out.Instances[0].InstanceId
	}
	api, worker := run(public), run(private)
	clk.Advance(5 * time.Second)
	cases := []struct {
		from, to string
		port     int
		ok       bool
		stop     string
	}{
		{"internet", api, 8080, true, ""},
		{"internet", api, 22, false, "security-group-ingress"},
		{"internet", worker, 8080, false, "public-ip"},
		{worker, "internet", 443, false, "route-table"}, // no NAT gateway: the private subnet uses the main table
		{api, worker, 8080, true, ""},
	}
	for _, c := range cases {
		from, _ := network.ParsePoint(c.from)
		to, _ := network.ParsePoint(c.to)
		v, err := network.ExplainFrom(ctx, s, identity.DefaultAccount, "ap-northeast-2", network.Query{From: from, To: to, Protocol: "tcp", Port: c.port})
		must(err)
		if v.Reachable != c.ok || (!c.ok && v.Hops[len(v.Hops)-1].Kind != c.stop) {
			t.Errorf("%s → %s:%d = %v (%s), want %v at %s", c.from, c.to, c.port, v.Reachable, v.Reason, c.ok, c.stop)
		}
	}
}
