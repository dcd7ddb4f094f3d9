package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register(Workload{
		Name:  "ec2-describe-instances-tag",
		Title: "EC2 DescribeInstances tag:Name filter (1 of 1k)",
		Order: 300,
		Setup: setupDescribeInstancesTag,
	})
}

// benchAMI finds an x86_64 Ubuntu image the server knows (haneul's catalog,
// moto's own list).
func benchAMI(ctx context.Context, c *ec2.Client) (string, error) {
	out, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Filters: []types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}}})
	if err != nil {
		return "", fmt.Errorf("describe images: %w", err)
	}
	if len(out.Images) == 0 {
		return "", fmt.Errorf("no x86_64 image")
	}
	return aws.ToString(out.Images[0].ImageId), nil
}

// setupDescribeInstancesTag launches s.Fixtures instances in the default VPC
// (one RunInstances call per 500) tagged as a haystack, plus one tagged
// Name=needle, and returns an Op that finds the needle by tag. haneul answers
// it from its tag index (type × key × value → ids): one range walk, not a
// scan of the instances.
func setupDescribeInstancesTag(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
	c := ec2.NewFromConfig(cfg)
	ami, err := benchAMI(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := runTagged(ctx, c, ami, "haystack", s.Fixtures); err != nil {
		return nil, err
	}
	if err := runTagged(ctx, c, ami, "needle", 1); err != nil {
		return nil, err
	}
	op := findNeedle(c)
	return op, op(ctx, 0)
}

// runTagged launches n t3.micro instances tagged Name=name, 500 per call,
// spread over subnets in turn (the default subnet when there are none: a
// default /20 holds 4,091 instances).
func runTagged(ctx context.Context, c *ec2.Client, ami, name string, n int, subnets ...string) error {
	tags := []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}
	for call, left := 0, n; left > 0; call, left = call+1, left-500 {
		k := int32(min(left, 500))
		in := &ec2.RunInstancesInput{
			ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(k), MaxCount: aws.Int32(k),
			TagSpecifications: tags,
		}
		if len(subnets) > 0 {
			in.SubnetId = aws.String(subnets[call%len(subnets)])
		}
		if _, err := c.RunInstances(ctx, in); err != nil {
			return fmt.Errorf("run %s instances: %w", name, err)
		}
	}
	return nil
}

// findNeedle is an Op finding the one instance tagged Name=needle.
func findNeedle(c *ec2.Client) Op {
	in := &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"needle"}}}}
	return func(ctx context.Context, _ int) error {
		out, err := c.DescribeInstances(ctx, in)
		if err != nil {
			return err
		}
		if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
			return fmt.Errorf("found %d reservations, want 1", len(out.Reservations))
		}
		return nil
	}
}

func init() {
	registerCurve(Curve{
		Name:    "ec2-describe",
		Title:   "EC2 DescribeInstances by tag, 1 match",
		Size:    "instances in the region",
		Order:   400,
		Sizes:   []int{100, 1_000, 10_000},
		MotoMax: 1_000,
		Fixture: func(ctx context.Context, cfg aws.Config) (func(context.Context, int) (Op, error), error) {
			c := ec2.NewFromConfig(cfg)
			ami, err := benchAMI(ctx, c)
			if err != nil {
				return nil, err
			}
			out, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
			if err != nil {
				return nil, fmt.Errorf("default subnets: %w", err)
			}
			var subnets []string
			for _, sn := range out.Subnets {
				subnets = append(subnets, aws.ToString(sn.SubnetId))
			}
			if err := runTagged(ctx, c, ami, "needle", 1); err != nil {
				return nil, err
			}
			have := 1
			return func(ctx context.Context, n int) (Op, error) {
				if err := runTagged(ctx, c, ami, "haystack", n-have, subnets...); err != nil {
					return nil, err
				}
				have = n
				return findNeedle(c), nil
			}, nil
		},
	})
}
