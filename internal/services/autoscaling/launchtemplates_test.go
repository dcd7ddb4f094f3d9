package autoscaling_test

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// TestGroupsFromLaunchTemplates runs the wordpress-ha tier's group (seed
// 003): a launch template with user data, a group launching from it into
// two subnets behind a target group, a new template version under
// $Latest, OldestLaunchTemplate on scale in, and a mixed instances policy.
func TestGroupsFromLaunchTemplates(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	c := &client{t: t, cfg: cfg, url: srv.URL, ec2: ec2.NewFromConfig(cfg), clk: clk}
	as := autoscaling.NewFromConfig(cfg)
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
	sg, err := c.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("wordpress-allow"), Description: aws.String("web"), VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatal(err)
	}
	ud := base64.StdEncoding.EncodeToString([]byte("#cloud-config\nruncmd:\n- systemctl start httpd\n"))
	lt, err := c.ec2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("wordpress"), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
		ImageId: imgs.Images[0].ImageId, InstanceType: ec2types.InstanceTypeT3Micro, UserData: aws.String(ud), SecurityGroupIds: []string{*sg.GroupId},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ltID := *lt.LaunchTemplate.LaunchTemplateId

	lb := first(c.elb("CreateLoadBalancer", map[string]string{"Name": "wp", "Subnets.member.1": subnets[0], "Subnets.member.2": subnets[1]}), "LoadBalancerArn")
	tg := first(c.elb("CreateTargetGroup", map[string]string{"Name": "wp", "Protocol": "HTTP", "Port": "80", "VpcId": vpc}), "TargetGroupArn")
	c.elb("CreateListener", map[string]string{"LoadBalancerArn": lb, "Protocol": "HTTP", "Port": "80", "DefaultActions.member.1.Type": "forward", "DefaultActions.member.1.TargetGroupArn": tg})

	base := func(name string) *autoscaling.CreateAutoScalingGroupInput {
		return &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(1), MaxSize: aws.Int32(4),
			DesiredCapacity: aws.Int32(2), VPCZoneIdentifier: aws.String(subnets[0] + "," + subnets[1])}
	}
	errCases := []struct {
		name string
		in   func(*autoscaling.CreateAutoScalingGroupInput)
	}{
		{"unknown template", func(in *autoscaling.CreateAutoScalingGroupInput) {
			in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("nope")}
		}},
		{"unknown version", func(in *autoscaling.CreateAutoScalingGroupInput) {
			in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(ltID), Version: aws.String("5")}
		}},
		{"template and configuration", func(in *autoscaling.CreateAutoScalingGroupInput) {
			in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(ltID)}
			in.LaunchConfigurationName = aws.String("web")
		}},
		{"no source", func(*autoscaling.CreateAutoScalingGroupInput) {}},
	}
	for _, tc := range errCases {
		in := base("bad")
		tc.in(in)
		var ae smithy.APIError
		if _, err := as.CreateAutoScalingGroup(ctx, in); !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	in := base("wordpress")
	in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String("wordpress"), Version: aws.String("$Latest")}
	in.TargetGroupARNs = []string{tg}
	in.TerminationPolicies = []string{"OldestLaunchTemplate"}
	if _, err := as.CreateAutoScalingGroup(ctx, in); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two instances", func() bool { return len(c.running("wordpress")) == 2 })
	group := func() astypes.AutoScalingGroup {
		t.Helper()
		out, err := as.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"wordpress"}})
		if err != nil || len(out.AutoScalingGroups) != 1 {
			t.Fatalf("describe: %v", err)
		}
		return out.AutoScalingGroups[0]
	}
	g := group()
	if s := g.LaunchTemplate; s == nil || *s.LaunchTemplateId != ltID || *s.LaunchTemplateName != "wordpress" || *s.Version != "$Latest" || g.LaunchConfigurationName != nil {
		t.Errorf("group launch template %+v", g.LaunchTemplate)
	}
	for _, i := range g.Instances {
		if i.LaunchTemplate == nil || *i.LaunchTemplate.Version != "1" || *i.InstanceType != "t3.micro" || i.LaunchConfigurationName != nil {
			t.Errorf("instance %+v", i)
		}
	}
	// EC2 sees the template's data and both services' tags; the target group has them.
	desc, err := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: c.running("wordpress")})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range desc.Reservations {
		for _, i := range r.Instances {
			tags := map[string]string{}
			for _, tg := range i.Tags {
				tags[*tg.Key] = *tg.Value
			}
			if i.InstanceType != ec2types.InstanceTypeT3Micro || *i.SecurityGroups[0].GroupId != *sg.GroupId ||
				tags["aws:autoscaling:groupName"] != "wordpress" || tags["aws:ec2launchtemplate:id"] != ltID {
				t.Errorf("instance %s: type %s groups %+v tags %v", *i.InstanceId, i.InstanceType, i.SecurityGroups, tags)
			}
		}
	}
	if got := all(c.elb("DescribeTargetHealth", map[string]string{"TargetGroupArn": tg}), "Id"); len(got) != 2 {
		t.Errorf("registered targets %v", got)
	}

	// A new version under $Latest: the next instance launches from it.
	if _, err := c.ec2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(ltID), SourceVersion: aws.String("1"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{InstanceType: ec2types.InstanceTypeT3Small}}); err != nil {
		t.Fatal(err)
	}
	if _, err := as.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("wordpress"), DesiredCapacity: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three instances", func() bool { return len(c.running("wordpress")) == 3 })
	var newest string
	for _, i := range group().Instances {
		if *i.LaunchTemplate.Version == "2" {
			newest = *i.InstanceId
			if *i.InstanceType != "t3.small" {
				t.Errorf("version 2 instance type %s", *i.InstanceType)
			}
		}
	}
	if newest == "" {
		t.Fatal("no instance launched from version 2")
	}
	// OldestLaunchTemplate: scaling in removes a version 1 instance, never the version 2 one.
	if _, err := as.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{AutoScalingGroupName: aws.String("wordpress"), DesiredCapacity: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "scale in", func() bool { return len(c.running("wordpress")) == 2 })
	if !slices.Contains(c.running("wordpress"), newest) {
		t.Errorf("OldestLaunchTemplate terminated the version 2 instance %s", newest)
	}

	// Switching the group to a launch configuration clears the template.
	if _, err := as.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("wordpress"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(ltID), Version: aws.String("1")}}); err != nil {
		t.Fatal(err)
	}
	if v := *group().LaunchTemplate.Version; v != "1" {
		t.Errorf("updated version %s", v)
	}

	// A mixed instances policy launches the first override's type, on demand.
	mixed := base("mixed")
	mixed.DesiredCapacity = aws.Int32(1)
	mixed.MixedInstancesPolicy = &astypes.MixedInstancesPolicy{LaunchTemplate: &astypes.LaunchTemplate{
		LaunchTemplateSpecification: &astypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(ltID)},
		Overrides:                   []astypes.LaunchTemplateOverrides{{InstanceType: aws.String("t3.large")}, {InstanceType: aws.String("t3.medium")}},
	}}
	if _, err := as.CreateAutoScalingGroup(ctx, mixed); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a mixed instance", func() bool { return len(c.running("mixed")) == 1 })
	out, err := as.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"mixed"}})
	if err != nil {
		t.Fatal(err)
	}
	mg := out.AutoScalingGroups[0]
	if p := mg.MixedInstancesPolicy; p == nil || *p.InstancesDistribution.OnDemandPercentageAboveBaseCapacity != 100 ||
		*p.InstancesDistribution.OnDemandAllocationStrategy != "prioritized" || *p.LaunchTemplate.LaunchTemplateSpecification.Version != "$Default" ||
		*mg.Instances[0].InstanceType != "t3.large" || mg.LaunchTemplate != nil {
		t.Errorf("mixed group %+v", mg)
	}

	for _, name := range []string{"wordpress", "mixed"} {
		if _, err := as.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String(name), ForceDelete: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if got := c.running(name); len(got) != 0 {
			t.Errorf("%s: instances left %v", name, got)
		}
	}
}
