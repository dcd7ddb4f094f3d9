package autoscaling

import (
	"context"
	"slices"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// ClassicELB is what Auto Scaling needs from Classic Load Balancing (the elb
// service implements it): the same operations as ELB, by load balancer name.
// InstanceHealth answers in ELBv2's target-health words ("healthy",
// "initial", "unhealthy", or "" when not registered).
type ClassicELB interface {
	LoadBalancerExists(ctx context.Context, name string) bool
	RegisterInstance(ctx context.Context, lbName, id string) error
	DeregisterInstance(ctx context.Context, lbName, id string) error
	InstanceHealth(ctx context.Context, lbName, id string) string
}

// SetClassicELB connects Classic Load Balancing: groups' LoadBalancerNames
// then register their instances there. Call it before the server starts.
func (s *Service) SetClassicELB(c ClassicELB) { s.classic = c }

// checkLoadBalancers verifies that the named Classic Load Balancers exist.
func (s *Service) checkLoadBalancers(ctx context.Context, names []string) error {
	for _, n := range names {
		if s.classic == nil || !s.classic.LoadBalancerExists(ctx, n) {
			// AWS: the message Auto Scaling gives for a load balancer that does not exist.
			return validation("Provided Load Balancers may not be valid. Please ensure they exist and try again.")
		}
	}
	return nil
}

// trafficSources lists a group's load balancers as AWS does: ELBv2 target
// groups as type "elbv2", Classic Load Balancers as type "elb".
func trafficSources(g groupRec) []TrafficSourceIdentifier {
	out := []TrafficSourceIdentifier{}
	for _, a := range g.TargetGroupARNs {
		out = append(out, TrafficSourceIdentifier{Identifier: ptr.To(a), Type: ptr.To("elbv2")})
	}
	for _, n := range g.LoadBalancerNames {
		out = append(out, TrafficSourceIdentifier{Identifier: ptr.To(n), Type: ptr.To("elb")})
	}
	return out
}

// registerClassic registers a new instance with the group's Classic Load Balancers.
func (s *Service) registerClassic(ctx context.Context, g groupRec, id string) {
	if s.classic == nil {
		return
	}
	for _, n := range g.LoadBalancerNames {
		if err := s.classic.RegisterInstance(ctx, n, id); err != nil {
			s.log.Warn("autoscaling: register with classic load balancer", "group", ptr.Val(g.AutoScalingGroupName), "loadBalancer", n, "instance", id, "err", err)
		}
	}
}

// deregisterClassic deregisters an instance from the group's Classic Load Balancers.
func (s *Service) deregisterClassic(ctx context.Context, g groupRec, id string) {
	if s.classic == nil {
		return
	}
	for _, n := range g.LoadBalancerNames {
		_ = s.classic.DeregisterInstance(ctx, n, id)
	}
}

// classicUnhealthy reports whether a Classic Load Balancer of the group
// finds the instance unhealthy (for groups with ELB health checks).
func (s *Service) classicUnhealthy(ctx context.Context, g groupRec, id string) bool {
	if s.classic == nil {
		return false
	}
	for _, n := range g.LoadBalancerNames {
		if s.classic.InstanceHealth(ctx, n, id) == "unhealthy" {
			return true
		}
	}
	return false
}

// changeLoadBalancers applies fn to a group's load balancer names and
// returns the group as it was and as it is.
func (s *Service) changeLoadBalancers(ctx context.Context, name string, fn func([]string) []string) (before, after groupRec, err error) {
	sc := s.scope(ctx)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.getGroup(tx, sc, name)
		if err != nil {
			return err
		}
		before = g
		g.LoadBalancerNames = fn(slices.Clone(g.LoadBalancerNames))
		g.TrafficSources = trafficSources(g)
		s.groups.Put(tx, sc, name, g)
		after = g
		return nil
	})
	return before, after, err
}

// AttachLoadBalancers attaches Classic Load Balancers; the group's instances are registered.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AttachLoadBalancers.html
func (s *Service) AttachLoadBalancers(ctx context.Context, in *AttachLoadBalancersType) (*AttachLoadBalancersResultType, error) {
	if err := s.checkLoadBalancers(ctx, in.LoadBalancerNames); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, g, err := s.changeLoadBalancers(ctx, *in.AutoScalingGroupName, func(cur []string) []string {
		for _, n := range in.LoadBalancerNames {
			if !slices.Contains(cur, n) {
				cur = append(cur, n)
			}
		}
		return cur
	})
	if err != nil {
		return nil, err
	}
	var insts []instRec
	sc := s.scope(ctx)
	_ = s.db.View(func(tx *state.Tx) error { insts = s.groupInstances(tx, sc, *in.AutoScalingGroupName); return nil })
	g.LoadBalancerNames = in.LoadBalancerNames
	for _, r := range insts {
		s.registerClassic(ctx, g, r.ID)
	}
	return &AttachLoadBalancersResultType{}, nil
}

// DetachLoadBalancers detaches Classic Load Balancers; the group's instances are deregistered.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DetachLoadBalancers.html
func (s *Service) DetachLoadBalancers(ctx context.Context, in *DetachLoadBalancersType) (*DetachLoadBalancersResultType, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, g, err := s.changeLoadBalancers(ctx, *in.AutoScalingGroupName, func(cur []string) []string {
		return slices.DeleteFunc(cur, func(n string) bool { return slices.Contains(in.LoadBalancerNames, n) })
	})
	if err != nil {
		return nil, err
	}
	var insts []instRec
	sc := s.scope(ctx)
	_ = s.db.View(func(tx *state.Tx) error { insts = s.groupInstances(tx, sc, *in.AutoScalingGroupName); return nil })
	g.LoadBalancerNames = in.LoadBalancerNames
	for _, r := range insts {
		s.deregisterClassic(ctx, g, r.ID)
	}
	return &DetachLoadBalancersResultType{}, nil
}

// DescribeLoadBalancers lists the Classic Load Balancers attached to a group.
// AWS: an attached load balancer whose instances are registered is "InService".
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLoadBalancers.html
func (s *Service) DescribeLoadBalancers(ctx context.Context, in *DescribeLoadBalancersRequest) (*DescribeLoadBalancersResponse, error) {
	sc := s.scope(ctx)
	var g groupRec
	if err := s.db.View(func(tx *state.Tx) (err error) { g, err = s.getGroup(tx, sc, *in.AutoScalingGroupName); return err }); err != nil {
		return nil, err
	}
	out := []LoadBalancerState{}
	for _, n := range g.LoadBalancerNames {
		out = append(out, LoadBalancerState{LoadBalancerName: ptr.To(n), State: ptr.To("InService")})
	}
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeLoadBalancersResponse{LoadBalancers: nonNil(items), NextToken: next}, nil
}
