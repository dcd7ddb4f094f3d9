package autoscaling

import (
	"cmp"
	"context"
	"slices"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// Lifecycle hooks are stored and described as AWS does; the controller
// does not pause instances in Pending:Wait or Terminating:Wait for them yet.

var lifecycleTransitions = []string{"autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"}

// PutLifecycleHook creates or updates a lifecycle hook of a group.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html
func (s *Service) PutLifecycleHook(ctx context.Context, in *PutLifecycleHookType) (*PutLifecycleHookAnswer, error) {
	sc := s.scope(ctx)
	group, name := ptr.Val(in.AutoScalingGroupName), ptr.Val(in.LifecycleHookName)
	if t := in.LifecycleTransition; t != nil && !slices.Contains(lifecycleTransitions, *t) {
		return nil, validation("Invalid Lifecycle Transition: %s", *t)
	}
	if r := in.DefaultResult; r != nil && *r != "CONTINUE" && *r != "ABANDON" {
		return nil, validation("Invalid default result: %s", *r)
	}
	// AWS: the heartbeat timeout is 30 to 7200 seconds.
	if h := in.HeartbeatTimeout; h != nil && (*h < 30 || *h > 7200) {
		return nil, validation("Heartbeat timeout must be between 30 and 7200 seconds")
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getGroup(tx, sc, group); err != nil {
			return err
		}
		h, had := s.hooks.Get(tx, sc, policyKey(group, name))
		if !had {
			if in.LifecycleTransition == nil {
				return validation("LifecycleTransition is required when creating a lifecycle hook")
			}
			n := 0
			s.hooks.AscendPrefix(tx, sc, group+"\x00", func(string, LifecycleHook) bool { n++; return true })
			// AWS: at most 50 lifecycle hooks per group.
			if n >= 50 {
				return awserr.New("LimitExceeded", 0, "Exceeded the maximum of 50 lifecycle hooks for group %s", group)
			}
			h = LifecycleHook{AutoScalingGroupName: ptr.To(group), LifecycleHookName: ptr.To(name),
				DefaultResult: ptr.To("ABANDON"), HeartbeatTimeout: ptr.To(int64(3600))}
		}
		h.LifecycleTransition = cmp.Or(in.LifecycleTransition, h.LifecycleTransition)
		h.DefaultResult = cmp.Or(in.DefaultResult, h.DefaultResult)
		h.HeartbeatTimeout = cmp.Or(in.HeartbeatTimeout, h.HeartbeatTimeout)
		h.NotificationMetadata = cmp.Or(in.NotificationMetadata, h.NotificationMetadata)
		h.NotificationTargetARN = cmp.Or(in.NotificationTargetARN, h.NotificationTargetARN)
		h.RoleARN = cmp.Or(in.RoleARN, h.RoleARN)
		// AWS: the global timeout is 100 heartbeats or 48 hours, the smaller.
		h.GlobalTimeout = ptr.To(min(100**h.HeartbeatTimeout, 172800))
		s.hooks.Put(tx, sc, policyKey(group, name), h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutLifecycleHookAnswer{}, nil
}

// DescribeLifecycleHooks lists a group's lifecycle hooks, in name order.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLifecycleHooks.html
func (s *Service) DescribeLifecycleHooks(ctx context.Context, in *DescribeLifecycleHooksType) (*DescribeLifecycleHooksAnswer, error) {
	sc := s.scope(ctx)
	out := []LifecycleHook{}
	err := s.db.View(func(tx *state.Tx) error {
		if _, err := s.getGroup(tx, sc, ptr.Val(in.AutoScalingGroupName)); err != nil {
			return err
		}
		s.hooks.AscendPrefix(tx, sc, ptr.Val(in.AutoScalingGroupName)+"\x00", func(_ string, h LifecycleHook) bool {
			if len(in.LifecycleHookNames) == 0 || slices.Contains(in.LifecycleHookNames, *h.LifecycleHookName) {
				out = append(out, h)
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeLifecycleHooksAnswer{LifecycleHooks: out}, nil
}

// DeleteLifecycleHook deletes a lifecycle hook.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteLifecycleHook.html
func (s *Service) DeleteLifecycleHook(ctx context.Context, in *DeleteLifecycleHookType) (*DeleteLifecycleHookAnswer, error) {
	sc := s.scope(ctx)
	group, name := ptr.Val(in.AutoScalingGroupName), ptr.Val(in.LifecycleHookName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getGroup(tx, sc, group); err != nil {
			return err
		}
		if _, ok := s.hooks.Get(tx, sc, policyKey(group, name)); !ok {
			return validation("No Lifecycle Hook found for Hook Name: %s", name)
		}
		s.hooks.Delete(tx, sc, policyKey(group, name))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteLifecycleHookAnswer{}, nil
}

// DescribeLifecycleHookTypes lists the lifecycle transitions hooks can wait on.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLifecycleHookTypes.html
func (s *Service) DescribeLifecycleHookTypes(ctx context.Context, in *DescribeLifecycleHookTypesInput) (*DescribeLifecycleHookTypesAnswer, error) {
	return &DescribeLifecycleHookTypesAnswer{LifecycleHookTypes: slices.Clone(lifecycleTransitions)}, nil
}
