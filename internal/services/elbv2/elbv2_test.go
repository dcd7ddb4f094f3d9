package elbv2_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// client speaks the query protocol (2015-12-01) to ELBv2, signed with
// aws-sdk-go-v2's SigV4 signer as the SDK's elasticloadbalancingv2 client
// does (go.mod has no aws-sdk-go-v2/service/elasticloadbalancingv2).
type client struct {
	t   *testing.T
	cfg aws.Config
	url string
	ec2 *ec2.Client
	clk *clock.Fake
}

func newClient(t *testing.T) *client {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	return &client{t: t, cfg: cfg, url: srv.URL, ec2: ec2.NewFromConfig(cfg), clk: clk}
}

// call runs action with params; it returns the body and the error code ("" on success).
func (c *client) call(action string, params map[string]string) (string, string) {
	c.t.Helper()
	v := url.Values{"Action": {action}, "Version": {"2015-12-01"}}
	for k, x := range params {
		v.Set(k, x)
	}
	body := v.Encode()
	req, _ := http.NewRequest(http.MethodPost, c.url+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds, _ := c.cfg.Credentials.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "elasticloadbalancing", c.cfg.Region, time.Now()); err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		code := first(string(b), "Code")
		if code == "" {
			c.t.Fatalf("%s: %d %s", action, resp.StatusCode, b)
		}
		return string(b), code
	}
	return string(b), ""
}

func (c *client) must(action string, params map[string]string) string {
	c.t.Helper()
	b, code := c.call(action, params)
	if code != "" {
		c.t.Fatalf("%s: %s", action, b)
	}
	return b
}

func all(body, tag string) []string {
	var out []string
	for _, m := range regexp.MustCompile("<"+tag+">([^<]*)</"+tag+">").FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func first(body, tag string) string {
	if v := all(body, tag); len(v) > 0 {
		return v[0]
	}
	return ""
}

// subnets returns the default VPC's id and its subnets, one per zone.
func (c *client) subnets() (string, []string) {
	out, err := c.ec2.DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		c.t.Fatal(err)
	}
	var ids []string
	for _, s := range out.Subnets {
		ids = append(ids, *s.SubnetId)
	}
	sort.Strings(ids)
	return *out.Subnets[0].VpcId, ids
}

func TestLoadBalancerLifecycle(t *testing.T) {
	c := newClient(t)
	vpc, subnets := c.subnets()
	if len(subnets) < 2 {
		t.Fatalf("default VPC has %d subnets", len(subnets))
	}

	// An ALB in one zone is refused, as AWS does.
	if _, code := c.call("CreateLoadBalancer", map[string]string{"Name": "one", "Subnets.member.1": subnets[0]}); code != "ValidationError" {
		t.Fatalf("one-zone ALB: code %q, want ValidationError", code)
	}
	b := c.must("CreateLoadBalancer", map[string]string{"Name": "web", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1], "Tags.member.1.Key": "env", "Tags.member.1.Value": "test"})
	lb := first(b, "LoadBalancerArn")
	if got := first(b, "Code"); got != "provisioning" {
		t.Errorf("state %q, want provisioning", got)
	}
	if got := first(b, "CanonicalHostedZoneId"); got != "ZWKZPGTI48KDX" && c.cfg.Region == "ap-northeast-2" {
		t.Errorf("zone %q", got)
	}
	dns := first(b, "DNSName")
	if !regexp.MustCompile(`^web-\d+\.` + c.cfg.Region + `\.elb\.localhost$`).MatchString(dns) {
		t.Errorf("DNS name %q", dns)
	}
	if first(b, "VpcId") != vpc {
		t.Errorf("vpc %q, want %q", first(b, "VpcId"), vpc)
	}
	if _, code := c.call("CreateLoadBalancer", map[string]string{"Name": "web", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}); code != "DuplicateLoadBalancerName" {
		t.Errorf("duplicate: %q", code)
	}
	c.clk.Advance(5 * time.Second)
	if got := first(c.must("DescribeLoadBalancers", map[string]string{"Names.member.1": "web"}), "Code"); got != "active" {
		t.Errorf("state after provisioning %q, want active", got)
	}

	// Attributes: AWS's defaults, then deletion protection blocks deletion.
	attrs := c.must("DescribeLoadBalancerAttributes", map[string]string{"LoadBalancerArn": lb})
	keys, vals := all(attrs, "Key"), all(attrs, "Value")
	got := map[string]string{}
	for i := range keys {
		got[keys[i]] = vals[i]
	}
	for k, v := range map[string]string{"idle_timeout.timeout_seconds": "60", "deletion_protection.enabled": "false", "access_logs.s3.enabled": "false", "routing.http2.enabled": "true"} {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, got[k], v)
		}
	}
	if _, code := c.call("ModifyLoadBalancerAttributes", map[string]string{"LoadBalancerArn": lb, "Attributes.member.1.Key": "nope", "Attributes.member.1.Value": "1"}); code != "ValidationError" {
		t.Errorf("unknown attribute: %q", code)
	}
	c.must("ModifyLoadBalancerAttributes", map[string]string{"LoadBalancerArn": lb, "Attributes.member.1.Key": "deletion_protection.enabled", "Attributes.member.1.Value": "true"})
	if _, code := c.call("DeleteLoadBalancer", map[string]string{"LoadBalancerArn": lb}); code != "OperationNotPermitted" {
		t.Errorf("protected delete: %q", code)
	}
	tags := c.must("DescribeTags", map[string]string{"ResourceArns.member.1": lb})
	if first(tags, "Key") != "env" || first(tags, "Value") != "test" {
		t.Errorf("tags: %s", tags)
	}
	c.must("ModifyLoadBalancerAttributes", map[string]string{"LoadBalancerArn": lb, "Attributes.member.1.Key": "deletion_protection.enabled", "Attributes.member.1.Value": "false"})
	c.must("DeleteLoadBalancer", map[string]string{"LoadBalancerArn": lb})
	if _, code := c.call("DescribeLoadBalancers", map[string]string{"Names.member.1": "web"}); code != "LoadBalancerNotFound" {
		t.Errorf("after delete: %q", code)
	}
}

func TestTargetsListenersRules(t *testing.T) {
	c := newClient(t)
	vpc, subnets := c.subnets()
	lb := first(c.must("CreateLoadBalancer", map[string]string{"Name": "app", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}), "LoadBalancerArn")
	tgBody := c.must("CreateTargetGroup", map[string]string{"Name": "web", "Protocol": "HTTP", "Port": "80", "VpcId": vpc})
	tg := first(tgBody, "TargetGroupArn")
	// AWS's health-check defaults for an HTTP target group.
	for tag, want := range map[string]string{"HealthCheckIntervalSeconds": "30", "HealthCheckTimeoutSeconds": "5", "HealthyThresholdCount": "5", "UnhealthyThresholdCount": "2", "HealthCheckPath": "/", "HttpCode": "200", "HealthCheckPort": "traffic-port", "HealthCheckProtocol": "HTTP"} {
		if got := first(tgBody, tag); got != want {
			t.Errorf("%s = %q, want %q", tag, got, want)
		}
	}
	if a := c.must("DescribeTargetGroupAttributes", map[string]string{"TargetGroupArn": tg}); !regexp.MustCompile(`deregistration_delay.timeout_seconds</Key>\s*<Value>300<`).MatchString(a) {
		t.Errorf("deregistration delay default missing: %s", a)
	}

	run, err := c.ec2.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String(amiID(t, c)), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro, SubnetId: aws.String(subnets[0])})
	if err != nil {
		t.Fatal(err)
	}
	inst := *run.Instances[0].InstanceId
	c.must("RegisterTargets", map[string]string{"TargetGroupArn": tg, "Targets.member.1.Id": inst})
	health := func() (string, string) {
		b := c.must("DescribeTargetHealth", map[string]string{"TargetGroupArn": tg})
		return first(b, "State"), first(b, "Reason")
	}
	if st, reason := health(); st != "unused" || reason != "Target.NotInUse" {
		t.Errorf("before listener: %s %s", st, reason)
	}

	// Listener: HTTPS needs a certificate; HTTP forward.
	if _, code := c.call("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTPS", "Port": "443", "DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg}); code != "ValidationError" {
		t.Errorf("HTTPS without certificate: %q", code)
	}
	https := c.must("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTPS", "Port": "443", "Certificates.member.1.CertificateArn": "arn:aws:acm:ap-northeast-2:000000000000:certificate/x", "DefaultActions.member.1.Type": "fixed-response", "DefaultActions.member.1.FixedResponseConfig.StatusCode": "404"})
	if got := first(https, "SslPolicy"); got != "ELBSecurityPolicy-2016-08" {
		t.Errorf("default SSL policy %q", got)
	}
	l := first(c.must("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTP", "Port": "80", "DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg}), "ListenerArn")
	if _, code := c.call("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTP", "Port": "80", "DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg}); code != "DuplicateListener" {
		t.Errorf("duplicate listener: %q", code)
	}
	if !strings.Contains(c.must("DescribeTargetGroups", map[string]string{"TargetGroupArns.member.1": tg}), lb) {
		t.Errorf("target group does not list its load balancer")
	}

	// Health: initial until HealthyThresholdCount × interval, then healthy (instance running).
	c.clk.Advance(3 * time.Second)
	if st, reason := health(); st != "initial" || reason != "Elb.InitialHealthChecking" {
		t.Errorf("right after registration: %s %s", st, reason)
	}
	c.clk.Advance(150 * time.Second)
	if st, _ := health(); st != "healthy" {
		t.Errorf("after thresholds: %s", st)
	}
	if _, err := c.ec2.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{inst}}); err != nil {
		t.Fatal(err)
	}
	c.clk.Advance(5 * time.Second)
	if st, reason := health(); st != "unused" || reason != "Target.InvalidState" {
		t.Errorf("stopped instance: %s %s", st, reason)
	}

	// Rules: priorities unique, default rule last.
	rule := map[string]string{"ListenerArn": l, "Priority": "10", "Conditions.member.1.Field": "path-pattern", "Conditions.member.1.Values.member.1": "/api/*", "Actions.member.1.Type": "redirect", "Actions.member.1.RedirectConfig.StatusCode": "HTTP_301", "Actions.member.1.RedirectConfig.Protocol": "HTTPS", "Actions.member.1.RedirectConfig.Port": "443"}
	r1 := c.must("CreateRule", rule)
	if first(r1, "Host") != "#{host}" {
		t.Errorf("redirect defaults: %s", r1)
	}
	if _, code := c.call("CreateRule", rule); code != "PriorityInUse" {
		t.Errorf("same priority: %q", code)
	}
	c.must("CreateRule", map[string]string{"ListenerArn": l, "Priority": "5", "Conditions.member.1.Field": "host-header", "Conditions.member.1.HostHeaderConfig.Values.member.1": "api.example.com", "Actions.member.1.Type": "forward", "Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn": tg, "Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight": "3"})
	rules := c.must("DescribeRules", map[string]string{"ListenerArn": l})
	if got := all(rules, "Priority"); strings.Join(got, ",") != "5,10,default" {
		t.Errorf("priorities %v", got)
	}
	if _, code := c.call("DeleteTargetGroup", map[string]string{"TargetGroupArn": tg}); code != "ResourceInUse" {
		t.Errorf("delete used target group: %q", code)
	}

	// Deregistration drains for the delay, then the target is gone.
	c.must("DeregisterTargets", map[string]string{"TargetGroupArn": tg, "Targets.member.1.Id": inst})
	if st, _ := health(); st != "draining" {
		t.Errorf("after deregistration: %s", st)
	}
	c.clk.Advance(301 * time.Second)
	if st, _ := health(); st != "" {
		t.Errorf("after the delay: %q", st)
	}

	c.must("DeleteLoadBalancer", map[string]string{"LoadBalancerArn": lb})
	c.must("DeleteTargetGroup", map[string]string{"TargetGroupArn": tg})
	if got := c.must("DescribeSSLPolicies", map[string]string{"Names.member.1": "ELBSecurityPolicy-2016-08"}); !strings.Contains(got, "<Name>ELBSecurityPolicy-2016-08</Name>") || !strings.Contains(got, "TLSv1.2") {
		t.Errorf("SSL policy: %s", got)
	}
	if got := all(c.must("DescribeAccountLimits", nil), "Name"); len(got) == 0 {
		t.Error("no account limits")
	}
}

func amiID(t *testing.T, c *client) string {
	out, err := c.ec2.DescribeImages(context.Background(), &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}}})
	if err != nil || len(out.Images) == 0 {
		t.Fatalf("no images: %v", err)
	}
	return *out.Images[0].ImageId
}
