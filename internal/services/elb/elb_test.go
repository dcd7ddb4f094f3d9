package elb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

type env struct {
	region string
	elb    *elb.Client
	ec2    *ec2.Client
	as     *autoscaling.Client
	clk    *clock.Fake
}

func newEnv(t *testing.T) *env {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	return &env{region: cfg.Region, elb: elb.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg), as: autoscaling.NewFromConfig(cfg), clk: clk}
}

// code is the AWS error code of err ("" for nil).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func (e *env) defaultSubnets(t *testing.T) (ids, zones []string, vpc string) {
	t.Helper()
	out, err := e.ec2.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil || len(out.Subnets) < 2 {
		t.Fatalf("default subnets: %v", err)
	}
	slices.SortFunc(out.Subnets, func(a, b ec2types.Subnet) int { return strings.Compare(*a.AvailabilityZone, *b.AvailabilityZone) })
	for _, s := range out.Subnets {
		ids, zones = append(ids, *s.SubnetId), append(zones, *s.AvailabilityZone)
	}
	return ids, zones, *out.Subnets[0].VpcId
}

// ami is an x86_64 image of the catalog.
func (e *env) ami(t *testing.T) *string {
	t.Helper()
	imgs, err := e.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("images: %v", err)
	}
	return imgs.Images[0].ImageId
}

func (e *env) instance(t *testing.T, subnet string) string {
	t.Helper()
	ctx := context.Background()
	run, err := e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: e.ami(t), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro, SubnetId: aws.String(subnet)})
	if err != nil {
		t.Fatal(err)
	}
	return *run.Instances[0].InstanceId
}

func http3000() []types.Listener {
	return []types.Listener{{Protocol: aws.String("http"), LoadBalancerPort: 80, InstancePort: aws.Int32(3000)}}
}

func TestLoadBalancerLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subnets, zones, vpc := e.defaultSubnets(t)

	// Availability Zones place the load balancer in the default VPC's default subnets.
	out, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("qvic"), Listeners: http3000(),
		AvailabilityZones: zones[:2], Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(*out.DNSName, "qvic-") || !strings.HasSuffix(*out.DNSName, "."+e.region+".elb.localhost") {
		t.Errorf("DNS name %q", *out.DNSName)
	}
	// The same request again answers the same load balancer; another configuration is a duplicate.
	again, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("qvic"), Listeners: http3000(), AvailabilityZones: zones[:2]})
	if err != nil || *again.DNSName != *out.DNSName {
		t.Errorf("idempotent create: %v %v", err, again)
	}
	_, err = e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("qvic"), Listeners: []types.Listener{{Protocol: aws.String("TCP"), LoadBalancerPort: 22, InstancePort: aws.Int32(22)}}, AvailabilityZones: zones[:1]})
	if code(err) != "DuplicateLoadBalancerName" {
		t.Errorf("duplicate: %v", err)
	}

	d, err := e.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"qvic"}})
	if err != nil {
		t.Fatal(err)
	}
	lb := d.LoadBalancerDescriptions[0]
	if *lb.VPCId != vpc || !slices.Equal(lb.Subnets, subnets[:2]) || !slices.Equal(lb.AvailabilityZones, zones[:2]) {
		t.Errorf("placement: %v %v %v", *lb.VPCId, lb.Subnets, lb.AvailabilityZones)
	}
	// AWS: Classic Load Balancers in ap-northeast-2 are in hosted zone ZWKZPGTI48KDX.
	if e.region != "ap-northeast-2" || *lb.CanonicalHostedZoneNameID != "ZWKZPGTI48KDX" || *lb.Scheme != "internet-facing" || *lb.CanonicalHostedZoneName != *out.DNSName {
		t.Errorf("zone/scheme: %v %v", *lb.CanonicalHostedZoneNameID, *lb.Scheme)
	}
	l := lb.ListenerDescriptions[0].Listener
	if *l.Protocol != "HTTP" || *l.InstanceProtocol != "HTTP" || l.LoadBalancerPort != 80 || *l.InstancePort != 3000 {
		t.Errorf("listener %+v", *l)
	}
	hc := lb.HealthCheck
	if *hc.Target != "TCP:3000" || *hc.Interval != 30 || *hc.Timeout != 5 || *hc.HealthyThreshold != 10 || *hc.UnhealthyThreshold != 2 {
		t.Errorf("default health check %+v", *hc)
	}
	if len(lb.SecurityGroups) != 1 || lb.SourceSecurityGroup == nil || *lb.SourceSecurityGroup.GroupName != "default" {
		t.Errorf("security groups %v %+v", lb.SecurityGroups, lb.SourceSecurityGroup)
	}

	// Unknown names.
	_, err = e.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"nope"}})
	var nf *types.AccessPointNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "There is no ACTIVE Load Balancer named 'nope'") {
		t.Errorf("not found: %v", err)
	}

	// Listeners.
	_, err = e.elb.CreateLoadBalancerListeners(ctx, &elb.CreateLoadBalancerListenersInput{LoadBalancerName: aws.String("qvic"), Listeners: []types.Listener{{Protocol: aws.String("HTTP"), LoadBalancerPort: 80, InstancePort: aws.Int32(8080)}}})
	if code(err) != "DuplicateListener" {
		t.Errorf("duplicate listener: %v", err)
	}
	if _, err := e.elb.CreateLoadBalancerListeners(ctx, &elb.CreateLoadBalancerListenersInput{LoadBalancerName: aws.String("qvic"), Listeners: []types.Listener{{Protocol: aws.String("TCP"), LoadBalancerPort: 8443, InstancePort: aws.Int32(3000)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.DeleteLoadBalancerListeners(ctx, &elb.DeleteLoadBalancerListenersInput{LoadBalancerName: aws.String("qvic"), LoadBalancerPorts: []int32{8443, 9999}}); err != nil {
		t.Fatal(err)
	}

	// Health check syntax.
	for _, c := range []struct {
		target string
		ok     bool
	}{
		{"HTTP:3000/health", true}, {"TCP:3000", true}, {"HTTP:3000", false}, {"TCP:3000/x", false}, {"UDP:53", false}, {"HTTP:70000/", false},
	} {
		_, err := e.elb.ConfigureHealthCheck(ctx, &elb.ConfigureHealthCheckInput{LoadBalancerName: aws.String("qvic"), HealthCheck: &types.HealthCheck{
			Target: aws.String(c.target), Interval: aws.Int32(10), Timeout: aws.Int32(5), HealthyThreshold: aws.Int32(2), UnhealthyThreshold: aws.Int32(2)}})
		if (err == nil) != c.ok {
			t.Errorf("target %q: %v", c.target, err)
		}
	}
	_, err = e.elb.ConfigureHealthCheck(ctx, &elb.ConfigureHealthCheckInput{LoadBalancerName: aws.String("qvic"), HealthCheck: &types.HealthCheck{
		Target: aws.String("TCP:1"), Interval: aws.Int32(5), Timeout: aws.Int32(5), HealthyThreshold: aws.Int32(2), UnhealthyThreshold: aws.Int32(2)}})
	if code(err) != "ValidationError" {
		t.Errorf("timeout ≥ interval: %v", err)
	}

	// Attributes: API defaults, and a draining change without a timeout keeps the timeout.
	a, err := e.elb.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("qvic")})
	if err != nil {
		t.Fatal(err)
	}
	at := a.LoadBalancerAttributes
	if at.CrossZoneLoadBalancing.Enabled || at.ConnectionDraining.Enabled || *at.ConnectionDraining.Timeout != 300 || at.ConnectionSettings.IdleTimeout == nil || *at.ConnectionSettings.IdleTimeout != 60 || at.AccessLog.Enabled {
		t.Errorf("default attributes %+v", at)
	}
	_, err = e.elb.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerName: aws.String("qvic"), LoadBalancerAttributes: &types.LoadBalancerAttributes{
		CrossZoneLoadBalancing: &types.CrossZoneLoadBalancing{Enabled: true}, ConnectionDraining: &types.ConnectionDraining{Enabled: true, Timeout: aws.Int32(120)},
		ConnectionSettings: &types.ConnectionSettings{IdleTimeout: aws.Int32(400)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerName: aws.String("qvic"), LoadBalancerAttributes: &types.LoadBalancerAttributes{
		ConnectionDraining: &types.ConnectionDraining{Enabled: false}}}); err != nil {
		t.Fatal(err)
	}
	a, _ = e.elb.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String("qvic")})
	at = a.LoadBalancerAttributes
	if !at.CrossZoneLoadBalancing.Enabled || at.ConnectionDraining.Enabled || *at.ConnectionDraining.Timeout != 120 || *at.ConnectionSettings.IdleTimeout != 400 {
		t.Errorf("modified attributes %+v %+v", *at.ConnectionDraining, *at.ConnectionSettings)
	}
	_, err = e.elb.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerName: aws.String("qvic"), LoadBalancerAttributes: &types.LoadBalancerAttributes{
		AccessLog: &types.AccessLog{Enabled: true}}})
	if code(err) != "ValidationError" {
		t.Errorf("access log without bucket: %v", err)
	}

	// Tags.
	if _, err := e.elb.AddTags(ctx, &elb.AddTagsInput{LoadBalancerNames: []string{"qvic"}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.RemoveTags(ctx, &elb.RemoveTagsInput{LoadBalancerNames: []string{"qvic"}, Tags: []types.TagKeyOnly{{Key: aws.String("env")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.elb.DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: []string{"qvic"}})
	if err != nil || len(tags.TagDescriptions[0].Tags) != 1 || *tags.TagDescriptions[0].Tags[0].Key != "team" {
		t.Errorf("tags: %v %+v", err, tags)
	}

	// Zones: disable one, enable it again; the last cannot go.
	if _, err := e.elb.DisableAvailabilityZonesForLoadBalancer(ctx, &elb.DisableAvailabilityZonesForLoadBalancerInput{LoadBalancerName: aws.String("qvic"), AvailabilityZones: zones[1:2]}); err != nil {
		t.Fatal(err)
	}
	_, err = e.elb.DisableAvailabilityZonesForLoadBalancer(ctx, &elb.DisableAvailabilityZonesForLoadBalancerInput{LoadBalancerName: aws.String("qvic"), AvailabilityZones: zones[:1]})
	if code(err) != "InvalidConfigurationRequest" {
		t.Errorf("remove last zone: %v", err)
	}
	en, err := e.elb.EnableAvailabilityZonesForLoadBalancer(ctx, &elb.EnableAvailabilityZonesForLoadBalancerInput{LoadBalancerName: aws.String("qvic"), AvailabilityZones: zones[1:2]})
	if err != nil || !slices.Equal(en.AvailabilityZones, zones[:2]) {
		t.Errorf("enable zone: %v %v", err, en)
	}

	// Delete, twice: AWS answers success for a load balancer that is gone.
	for range 2 {
		if _, err := e.elb.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerName: aws.String("qvic")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"qvic"}}); code(err) != "LoadBalancerNotFound" {
		t.Errorf("after delete: %v", err)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subnets, zones, _ := e.defaultSubnets(t)
	vpc, err := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.9.1.0/24"), AvailabilityZone: aws.String(zones[0])})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		in   elb.CreateLoadBalancerInput
		code string
	}{
		{"no placement", elb.CreateLoadBalancerInput{Listeners: http3000()}, "ValidationError"},
		{"both placements", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: subnets[:1], AvailabilityZones: zones[:1]}, "ValidationError"},
		{"bad name", elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("-x"), Listeners: http3000(), Subnets: subnets[:1]}, "ValidationError"},
		{"bad protocol", elb.CreateLoadBalancerInput{Listeners: []types.Listener{{Protocol: aws.String("UDP"), LoadBalancerPort: 53, InstancePort: aws.Int32(53)}}, Subnets: subnets[:1]}, "ValidationError"},
		{"https without certificate", elb.CreateLoadBalancerInput{Listeners: []types.Listener{{Protocol: aws.String("HTTPS"), LoadBalancerPort: 443, InstancePort: aws.Int32(3000)}}, Subnets: subnets[:1]}, "ValidationError"},
		{"unknown subnet", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: []string{"subnet-0123456789abcdef0"}}, "SubnetNotFound"},
		{"two VPCs", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: []string{subnets[1], *other.Subnet.SubnetId}}, "InvalidConfigurationRequest"},
		{"one zone twice", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: []string{subnets[0], subnets[0]}}, ""},
		{"unknown security group", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: subnets[:1], SecurityGroups: []string{"sg-0123456789abcdef0"}}, "InvalidSecurityGroup"},
		{"bad scheme", elb.CreateLoadBalancerInput{Listeners: http3000(), Subnets: subnets[:1], Scheme: aws.String("public")}, "InvalidScheme"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			if in.LoadBalancerName == nil {
				in.LoadBalancerName = aws.String("v" + fmt.Sprint(len(c.name)))
			}
			_, err := e.elb.CreateLoadBalancer(ctx, &in)
			if code(err) != c.code {
				t.Errorf("got %v, want %s", err, c.code)
			}
		})
	}

	// An internal load balancer's DNS name starts with "internal-".
	out, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("inner"), Listeners: http3000(), Subnets: subnets[:2], Scheme: aws.String("internal")})
	if err != nil || !strings.HasPrefix(*out.DNSName, "internal-inner-") {
		t.Errorf("internal: %v %v", err, out)
	}
	// Subnets in the same zone as an attached one are refused.
	_, err = e.elb.AttachLoadBalancerToSubnets(ctx, &elb.AttachLoadBalancerToSubnetsInput{LoadBalancerName: aws.String("inner"), Subnets: []string{*other.Subnet.SubnetId}})
	if code(err) != "InvalidSubnet" && code(err) != "InvalidConfigurationRequest" {
		t.Errorf("attach subnet of another VPC: %v", err)
	}
}

func TestDescribePagination(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subnets, _, _ := e.defaultSubnets(t)
	for i := range 5 {
		if _, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String(fmt.Sprintf("lb-%d", i)), Listeners: http3000(), Subnets: subnets[:1]}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := elb.NewDescribeLoadBalancersPaginator(e.elb, &elb.DescribeLoadBalancersInput{PageSize: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range out.LoadBalancerDescriptions {
			names = append(names, *d.LoadBalancerName)
		}
	}
	if pages != 3 || !slices.Equal(names, []string{"lb-0", "lb-1", "lb-2", "lb-3", "lb-4"}) {
		t.Errorf("%d pages: %v", pages, names)
	}
}

func TestInstancesAndHealth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subnets, _, _ := e.defaultSubnets(t)
	if _, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("web"), Listeners: http3000(), Subnets: subnets[:2]}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.ConfigureHealthCheck(ctx, &elb.ConfigureHealthCheckInput{LoadBalancerName: aws.String("web"), HealthCheck: &types.HealthCheck{
		Target: aws.String("HTTP:3000/health"), Interval: aws.Int32(10), Timeout: aws.Int32(5), HealthyThreshold: aws.Int32(3), UnhealthyThreshold: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	_, err := e.elb.RegisterInstancesWithLoadBalancer(ctx, &elb.RegisterInstancesWithLoadBalancerInput{LoadBalancerName: aws.String("web"), Instances: []types.Instance{{InstanceId: aws.String("i-0123456789abcdef0")}}})
	var inv *types.InvalidEndPointException
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), "Could not find EC2 instance i-0123456789abcdef0.") {
		t.Errorf("unknown instance: %v", err)
	}
	a, b := e.instance(t, subnets[0]), e.instance(t, subnets[1])
	e.clk.Advance(time.Minute) // both running
	reg, err := e.elb.RegisterInstancesWithLoadBalancer(ctx, &elb.RegisterInstancesWithLoadBalancerInput{LoadBalancerName: aws.String("web"), Instances: []types.Instance{{InstanceId: aws.String(a)}}})
	if err != nil || len(reg.Instances) != 1 {
		t.Fatalf("register: %v %v", err, reg)
	}

	health := func(ids ...string) []types.InstanceState {
		t.Helper()
		in := &elb.DescribeInstanceHealthInput{LoadBalancerName: aws.String("web")}
		for _, id := range ids {
			in.Instances = append(in.Instances, types.Instance{InstanceId: aws.String(id)})
		}
		out, err := e.elb.DescribeInstanceHealth(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.InstanceStates
	}
	if h := health(); len(h) != 1 || *h[0].State != "OutOfService" || *h[0].ReasonCode != "ELB" || *h[0].Description != "Instance registration is still in progress." {
		t.Errorf("just registered: %+v", h)
	}
	e.clk.Advance(30 * time.Second) // HealthyThreshold × Interval
	if h := health(); *h[0].State != "InService" || *h[0].ReasonCode != "N/A" {
		t.Errorf("after the thresholds: %+v", h)
	}
	if h := health(b); *h[0].State != "OutOfService" || *h[0].Description != "Instance is not currently registered with the LoadBalancer." {
		t.Errorf("unregistered: %+v", h)
	}
	if _, err := e.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{a}}); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Minute)
	if h := health(a); *h[0].State != "OutOfService" || *h[0].ReasonCode != "Instance" {
		t.Errorf("stopped: %+v", h)
	}
	d, _ := e.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"web"}})
	if len(d.LoadBalancerDescriptions[0].Instances) != 1 || *d.LoadBalancerDescriptions[0].Instances[0].InstanceId != a {
		t.Errorf("described instances %+v", d.LoadBalancerDescriptions[0].Instances)
	}
	dr, err := e.elb.DeregisterInstancesFromLoadBalancer(ctx, &elb.DeregisterInstancesFromLoadBalancerInput{LoadBalancerName: aws.String("web"), Instances: []types.Instance{{InstanceId: aws.String(a)}, {InstanceId: aws.String(b)}}})
	if err != nil || len(dr.Instances) != 0 {
		t.Errorf("deregister: %v %v", err, dr)
	}

	// An instance of another VPC cannot be registered.
	vpc, _ := e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.8.0.0/16")})
	sn, _ := e.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.8.1.0/24")})
	c := e.instance(t, *sn.Subnet.SubnetId)
	if _, err := e.elb.RegisterInstancesWithLoadBalancer(ctx, &elb.RegisterInstancesWithLoadBalancerInput{LoadBalancerName: aws.String("web"), Instances: []types.Instance{{InstanceId: aws.String(c)}}}); code(err) != "InvalidInstance" {
		t.Errorf("other VPC: %v", err)
	}
}

func TestPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	subnets, _, _ := e.defaultSubnets(t)
	if _, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("p"), Listeners: http3000(), Subnets: subnets[:1]}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.elb.CreateLBCookieStickinessPolicy(ctx, &elb.CreateLBCookieStickinessPolicyInput{LoadBalancerName: aws.String("p"), PolicyName: aws.String("sticky"), CookieExpirationPeriod: aws.Int64(60)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.elb.CreateLBCookieStickinessPolicy(ctx, &elb.CreateLBCookieStickinessPolicyInput{LoadBalancerName: aws.String("p"), PolicyName: aws.String("sticky")})
	if code(err) != "DuplicatePolicyName" {
		t.Errorf("duplicate policy: %v", err)
	}
	if _, err := e.elb.SetLoadBalancerPoliciesOfListener(ctx, &elb.SetLoadBalancerPoliciesOfListenerInput{LoadBalancerName: aws.String("p"), LoadBalancerPort: 80, PolicyNames: []string{"sticky"}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.elb.SetLoadBalancerPoliciesOfListener(ctx, &elb.SetLoadBalancerPoliciesOfListenerInput{LoadBalancerName: aws.String("p"), LoadBalancerPort: 81, PolicyNames: []string{"sticky"}})
	if code(err) != "ListenerNotFound" {
		t.Errorf("no listener: %v", err)
	}
	_, err = e.elb.SetLoadBalancerPoliciesOfListener(ctx, &elb.SetLoadBalancerPoliciesOfListenerInput{LoadBalancerName: aws.String("p"), LoadBalancerPort: 80, PolicyNames: []string{"nope"}})
	if code(err) != "PolicyNotFound" {
		t.Errorf("no policy: %v", err)
	}
	d, _ := e.elb.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerNames: []string{"p"}})
	lb := d.LoadBalancerDescriptions[0]
	if !slices.Equal(lb.ListenerDescriptions[0].PolicyNames, []string{"sticky"}) || len(lb.Policies.LBCookieStickinessPolicies) != 1 || *lb.Policies.LBCookieStickinessPolicies[0].CookieExpirationPeriod != 60 {
		t.Errorf("policies %+v %+v", lb.ListenerDescriptions[0], lb.Policies)
	}
	if _, err := e.elb.DeleteLoadBalancerPolicy(ctx, &elb.DeleteLoadBalancerPolicyInput{LoadBalancerName: aws.String("p"), PolicyName: aws.String("sticky")}); code(err) != "InvalidConfigurationRequest" {
		t.Errorf("delete policy in use: %v", err)
	}
	pol, err := e.elb.DescribeLoadBalancerPolicies(ctx, &elb.DescribeLoadBalancerPoliciesInput{LoadBalancerName: aws.String("p")})
	if err != nil || len(pol.PolicyDescriptions) != 1 || *pol.PolicyDescriptions[0].PolicyTypeName != "LBCookieStickinessPolicyType" {
		t.Errorf("describe policies: %v %+v", err, pol)
	}
}

// TestAutoScalingGroup: a group with LoadBalancerNames registers its
// instances with the Classic Load Balancer and deregisters them when they go.
func TestAutoScalingGroup(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, zones, _ := e.defaultSubnets(t)
	if _, err := e.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String("qvic"), Listeners: http3000(), AvailabilityZones: zones[:2]}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.as.CreateLaunchConfiguration(ctx, &autoscaling.CreateLaunchConfigurationInput{LaunchConfigurationName: aws.String("qvic"),
		ImageId: e.ami(t), InstanceType: aws.String("t3.micro"), UserData: aws.String("L2hvbWUvdWJ1bnR1L2F1dG9fc3RhcnQuc2g=")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("bad"), LaunchConfigurationName: aws.String("qvic"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(2), AvailabilityZones: zones[:2], LoadBalancerNames: []string{"nope"}})
	if code(err) != "ValidationError" {
		t.Errorf("unknown load balancer: %v", err)
	}
	if _, err := e.as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("qvic"), LaunchConfigurationName: aws.String("qvic"),
		MinSize: aws.Int32(2), MaxSize: aws.Int32(4), AvailabilityZones: zones[:2], LoadBalancerNames: []string{"qvic"}, HealthCheckType: aws.String("ELB"),
		TerminationPolicies: []string{"OldestInstance", "Default"}}); err != nil {
		t.Fatal(err)
	}
	registered := func() []string {
		out, err := e.elb.DescribeInstanceHealth(ctx, &elb.DescribeInstanceHealthInput{LoadBalancerName: aws.String("qvic")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range out.InstanceStates {
			ids = append(ids, *s.InstanceId)
		}
		slices.Sort(ids)
		return ids
	}
	waitFor(t, "two registered instances", func() bool { return len(registered()) == 2 })
	lbs, err := e.as.DescribeLoadBalancers(ctx, &autoscaling.DescribeLoadBalancersInput{AutoScalingGroupName: aws.String("qvic")})
	if err != nil || len(lbs.LoadBalancers) != 1 || *lbs.LoadBalancers[0].LoadBalancerName != "qvic" {
		t.Errorf("group's load balancers: %v %+v", err, lbs)
	}
	g, _ := e.as.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"qvic"}})
	if ts := g.AutoScalingGroups[0].TrafficSources; len(ts) != 1 || *ts[0].Type != "elb" || *ts[0].Identifier != "qvic" {
		t.Errorf("traffic sources %+v", ts)
	}

	// An instance taken out of the group leaves the load balancer; its replacement joins.
	before := registered()
	if _, err := e.as.TerminateInstanceInAutoScalingGroup(ctx, &autoscaling.TerminateInstanceInAutoScalingGroupInput{InstanceId: aws.String(before[0]), ShouldDecrementDesiredCapacity: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replacement registered", func() bool { r := registered(); return len(r) == 2 && !slices.Contains(r, before[0]) })

	// Detaching deregisters every instance; attaching registers them again.
	if _, err := e.as.DetachLoadBalancers(ctx, &autoscaling.DetachLoadBalancersInput{AutoScalingGroupName: aws.String("qvic"), LoadBalancerNames: []string{"qvic"}}); err != nil {
		t.Fatal(err)
	}
	if r := registered(); len(r) != 0 {
		t.Errorf("after detach: %v", r)
	}
	if _, err := e.as.AttachLoadBalancers(ctx, &autoscaling.AttachLoadBalancersInput{AutoScalingGroupName: aws.String("qvic"), LoadBalancerNames: []string{"qvic"}}); err != nil {
		t.Fatal(err)
	}
	if r := registered(); len(r) != 2 {
		t.Errorf("after attach: %v", r)
	}

	// Scaling the group to zero deregisters everything.
	if _, err := e.as.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("qvic"), MinSize: aws.Int32(0), DesiredCapacity: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "empty load balancer", func() bool { return len(registered()) == 0 })
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
