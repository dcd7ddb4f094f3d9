package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func init() {
	register(Workload{
		Name:  "sts-get-caller-identity",
		Title: "STS GetCallerIdentity",
		Order: 10,
		Setup: func(_ context.Context, cfg aws.Config, _ Scale) (Op, error) {
			c := sts.NewFromConfig(cfg)
			return func(ctx context.Context, _ int) error {
				_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				return err
			}, nil
		},
	})
	register(Workload{
		Name:  "sts-assume-role",
		Title: "STS AssumeRole",
		Order: 20,
		Setup: setupAssumeRole,
	})
}

// benchRole is the role AssumeRole assumes.
const benchRole = "haneul-bench-assume"

// setupAssumeRole makes sure the role exists where the server checks (a
// server without IAM accepts any role ARN) and returns an Op that assumes it.
func setupAssumeRole(ctx context.Context, cfg aws.Config, _ Scale) (Op, error) {
	c := sts.NewFromConfig(cfg)
	who, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("get caller identity: %w", err)
	}
	// Best effort: the role may exist already, or IAM may not be served.
	_, _ = iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(benchRole),
		AssumeRolePolicyDocument: aws.String(trustAnyone),
	})
	roleARN := fmt.Sprintf("arn:aws:iam::%s:role/%s", aws.ToString(who.Account), benchRole)
	op := func(ctx context.Context, _ int) error {
		_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("bench")})
		return err
	}
	if err := op(ctx, 0); err != nil {
		return nil, fmt.Errorf("assume %s: %w", roleARN, err)
	}
	return op, nil
}

// trustAnyone is a trust policy that lets every principal assume a role.
const trustAnyone = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
