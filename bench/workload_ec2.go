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
	tags := func(k, v string) []types.TagSpecification {
		return []types.TagSpecification{{ResourceType: types.ResourceTypeInstance, Tags: []types.Tag{{Key: aws.String(k), Value: aws.String(v)}}}}
	}
	for left := s.Fixtures; left > 0; left -= 500 {
		n := int32(min(left, 500))
		if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(n), MaxCount: aws.Int32(n),
			TagSpecifications: tags("Name", "haystack"),
		}); err != nil {
			return nil, fmt.Errorf("run instances: %w", err)
		}
	}
	if _, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String(ami), InstanceType: types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		TagSpecifications: tags("Name", "needle"),
	}); err != nil {
		return nil, fmt.Errorf("run needle: %w", err)
	}
	in := &ec2.DescribeInstancesInput{Filters: []types.Filter{{Name: aws.String("tag:Name"), Values: []string{"needle"}}}}
	op := func(ctx context.Context, _ int) error {
		out, err := c.DescribeInstances(ctx, in)
		if err != nil {
			return err
		}
		if len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1 {
			return fmt.Errorf("found %d reservations, want 1", len(out.Reservations))
		}
		return nil
	}
	return op, op(ctx, 0)
}
