package autoscaling_test

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

// client signs raw query requests (go.mod has no aws-sdk-go-v2/service/autoscaling).
type client struct {
	t   *testing.T
	cfg aws.Config
	url string
	ec2 *ec2.Client
	clk *clock.Fake
}

func (c *client) call(service, version, action string, params map[string]string) (string, string) {
	c.t.Helper()
	v := url.Values{"Action": {action}, "Version": {version}}
	for k, x := range params {
		v.Set(k, x)
	}
	body := v.Encode()
	req, _ := http.NewRequest(http.MethodPost, c.url+"/", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds, _ := c.cfg.Credentials.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, c.cfg.Region, time.Now()); err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		if code := first(string(b), "Code"); code != "" {
			return string(b), code
		}
		c.t.Fatalf("%s: %d %s", action, resp.StatusCode, b)
	}
	return string(b), ""
}

func (c *client) as(action string, p map[string]string) (string, string) {
	c.t.Helper()
	return c.call("autoscaling", "2011-01-01", action, p)
}

func (c *client) must(action string, p map[string]string) string {
	c.t.Helper()
	b, code := c.as(action, p)
	if code != "" {
		c.t.Fatalf("%s: %s", action, b)
	}
	return b
}

func (c *client) elb(action string, p map[string]string) string {
	c.t.Helper()
	b, code := c.call("elasticloadbalancing", "2015-12-01", action, p)
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

// running returns the ids of the group's running instances as EC2 sees them, sorted.
func (c *client) running(group string) []string {
	out, err := c.ec2.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:aws:autoscaling:groupName"), Values: []string{group}},
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running"}},
	}})
	if err != nil {
		c.t.Fatal(err)
	}
	var ids []string
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			ids = append(ids, *i.InstanceId)
		}
	}
	sort.Strings(ids)
	return ids
}

// waitFor polls cond (the controller runs on a real one-second ticker) for at most 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestGroupLifecycle(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	c := &client{t: t, cfg: cfg, url: srv.URL, ec2: ec2.NewFromConfig(cfg), clk: clk}
	ctx := context.Background()

	imgs, err := c.ec2.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("images: %v", err)
	}
	sn, err := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var subnets []string
	for _, s := range sn.Subnets {
		subnets = append(subnets, *s.SubnetId)
	}
	sort.Strings(subnets)
	vpc := *sn.Subnets[0].VpcId

	// Launch configurations.
	if _, code := c.as("CreateLaunchConfiguration", map[string]string{"LaunchConfigurationName": "bad", "ImageId": "ami-0000000000000dead", "InstanceType": "t3.micro"}); code != "ValidationError" {
		t.Errorf("unknown image: %q", code)
	}
	lc := map[string]string{"LaunchConfigurationName": "web", "ImageId": *imgs.Images[0].ImageId, "InstanceType": "t3.micro", "UserData": "IyEvYmluL3NoCmVjaG8gaGk=", "SecurityGroups.member.1": "default"}
	c.must("CreateLaunchConfiguration", lc)
	if _, code := c.as("CreateLaunchConfiguration", lc); code != "AlreadyExists" {
		t.Errorf("duplicate: %q", code)
	}
	if got := first(c.must("DescribeLaunchConfigurations", map[string]string{"LaunchConfigurationNames.member.1": "web"}), "UserData"); got != lc["UserData"] {
		t.Errorf("user data %q", got)
	}

	// A target group behind a listener, so targets get healthy.
	lb := first(c.elb("CreateLoadBalancer", map[string]string{"Name": "app", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}), "LoadBalancerArn")
	tg := first(c.elb("CreateTargetGroup", map[string]string{"Name": "web", "Protocol": "HTTP", "Port": "80", "VpcId": vpc}), "TargetGroupArn")
	c.elb("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTP", "Port": "80", "DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg})

	grp := map[string]string{"AutoScalingGroupName": "web", "LaunchConfigurationName": "web", "MinSize": "1", "MaxSize": "4", "DesiredCapacity": "5",
		"VPCZoneIdentifier": subnets[0] + "," + subnets[1], "TargetGroupARNs.member.1": tg, "HealthCheckType": "ELB", "HealthCheckGracePeriod": "60",
		"TerminationPolicies.member.1": "OldestInstance", "Tags.member.1.Key": "Name", "Tags.member.1.Value": "web", "Tags.member.1.PropagateAtLaunch": "true"}
	if b, code := c.as("CreateAutoScalingGroup", grp); code != "ValidationError" || !strings.Contains(b, "Desired capacity:5 must be between the specified min size:1 and max size:4") {
		t.Errorf("desired above max: %q %s", code, b)
	}
	grp["DesiredCapacity"] = "2"
	c.must("CreateAutoScalingGroup", grp)
	if _, code := c.as("DeleteLaunchConfiguration", map[string]string{"LaunchConfigurationName": "web"}); code != "ResourceInUse" {
		t.Errorf("delete used configuration: %q", code)
	}

	// The controller launches two instances, one per zone, tagged and registered.
	waitFor(t, "two instances", func() bool { return len(c.running("web")) == 2 })
	first2 := c.running("web")
	out, _ := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: first2})
	zones := map[string]bool{}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			zones[*i.Placement.AvailabilityZone] = true
			var name bool
			for _, tag := range i.Tags {
				name = name || (*tag.Key == "Name" && *tag.Value == "web")
			}
			if !name {
				t.Errorf("%s lacks the propagated Name tag", *i.InstanceId)
			}
		}
	}
	if len(zones) != 2 {
		t.Errorf("instances in zones %v, want two zones", zones)
	}
	if got := all(c.elb("DescribeTargetHealth", map[string]string{"TargetGroupArn": tg}), "Id"); len(got) != 2 {
		t.Errorf("registered targets %v", got)
	}

	// ELB health checks: past the grace period and the thresholds, no churn.
	clk.Advance(10 * time.Minute)
	waitFor(t, "healthy targets", func() bool {
		return strings.Count(c.elb("DescribeTargetHealth", map[string]string{"TargetGroupArn": tg}), "<State>healthy</State>") == 2
	})
	for range 3 {
		clk.Advance(time.Minute)
		time.Sleep(1100 * time.Millisecond) // let the controller tick with the new time
		if got := c.running("web"); strings.Join(got, ",") != strings.Join(first2, ",") {
			t.Fatalf("ELB health churned the group: %v, was %v", got, first2)
		}
	}

	// A stopped instance is replaced (EC2 health).
	if _, err := c.ec2.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: first2[:1]}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	waitFor(t, "a replacement", func() bool {
		r := c.running("web")
		return len(r) == 2 && r[0] != first2[0] && r[1] != first2[0]
	})

	// Scale out then in: OldestInstance terminates the instance made first.
	acts := all(c.must("DescribeScalingActivities", map[string]string{"AutoScalingGroupName": "web"}), "Description")
	if len(acts) < 3 {
		t.Errorf("activities %v", acts)
	}
	if _, code := c.as("SetDesiredCapacity", map[string]string{"AutoScalingGroupName": "web", "DesiredCapacity": "9"}); code != "ValidationError" {
		t.Errorf("above max: %q", code)
	}
	b := c.must("DescribeAutoScalingGroups", map[string]string{"AutoScalingGroupNames.member.1": "web"})
	ids := all(b, "InstanceId") // launch order
	oldest := ids[0]
	c.must("SetDesiredCapacity", map[string]string{"AutoScalingGroupName": "web", "DesiredCapacity": "1"})
	waitFor(t, "scale in", func() bool { return len(c.running("web")) == 1 })
	if got := c.running("web"); got[0] == oldest {
		t.Errorf("OldestInstance kept the oldest instance %s", oldest)
	}

	// Tags and filters.
	c.must("CreateOrUpdateTags", map[string]string{"Tags.member.1.ResourceId": "web", "Tags.member.1.ResourceType": "auto-scaling-group", "Tags.member.1.Key": "env", "Tags.member.1.Value": "prod"})
	if got := all(c.must("DescribeAutoScalingGroups", map[string]string{"Filters.member.1.Name": "tag-key", "Filters.member.1.Values.member.1": "env"}), "AutoScalingGroupName"); len(got) != 1 {
		t.Errorf("tag filter: %v", got)
	}
	if got := all(c.must("DescribeTags", map[string]string{"Filters.member.1.Name": "key", "Filters.member.1.Values.member.1": "env"}), "Value"); len(got) != 1 || got[0] != "prod" {
		t.Errorf("DescribeTags: %v", got)
	}

	// Deletion: instances left block it; ForceDelete terminates them.
	if _, code := c.as("DeleteAutoScalingGroup", map[string]string{"AutoScalingGroupName": "web"}); code != "ResourceInUse" {
		t.Errorf("delete with instances: %q", code)
	}
	c.must("DeleteAutoScalingGroup", map[string]string{"AutoScalingGroupName": "web", "ForceDelete": "true"})
	if got := c.running("web"); len(got) != 0 {
		t.Errorf("instances left after ForceDelete: %v", got)
	}
	c.must("DeleteLaunchConfiguration", map[string]string{"LaunchConfigurationName": "web"})
}
