package elbv2

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// TargetGroupExists reports whether the target group ARN exists in the request's scope.
func (s *Service) TargetGroupExists(ctx context.Context, arn string) bool {
	sc := s.scope(ctx)
	return s.db.View(func(tx *state.Tx) error { _, err := s.getTG(tx, sc, arn); return err }) == nil
}

// RegisterInstance registers instance id with the target group on its port,
// as RegisterTargets does. Auto Scaling uses it for its groups' instances.
func (s *Service) RegisterInstance(ctx context.Context, tgARN, id string) error {
	_, err := s.RegisterTargets(ctx, &RegisterTargetsInput{TargetGroupArn: ptr.To(tgARN), Targets: []TargetDescription{{Id: ptr.To(id)}}})
	return err
}

// DeregisterInstance deregisters instance id from the target group; a target
// that is not registered is not an error.
func (s *Service) DeregisterInstance(ctx context.Context, tgARN, id string) error {
	// An error means the target is not registered or the group is gone: nothing to do.
	_, _ = s.DeregisterTargets(ctx, &DeregisterTargetsInput{TargetGroupArn: ptr.To(tgARN), Targets: []TargetDescription{{Id: ptr.To(id)}}})
	return nil
}

// InstanceHealth returns the target health state of instance id in the
// target group ("initial", "healthy", "unhealthy", "unused", "draining", …),
// or "" when it is not registered there.
func (s *Service) InstanceHealth(ctx context.Context, tgARN, id string) string {
	out, err := s.DescribeTargetHealth(ctx, &DescribeTargetHealthInput{TargetGroupArn: ptr.To(tgARN), Targets: []TargetDescription{{Id: ptr.To(id)}}})
	if err != nil || len(out.TargetHealthDescriptions) == 0 {
		return ""
	}
	h := out.TargetHealthDescriptions[0].TargetHealth
	if ptr.Val(h.Reason) == "Target.NotRegistered" {
		return ""
	}
	return ptr.Val(h.State)
}
