package elb

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// LoadBalancerExists reports whether a Classic Load Balancer of that name
// exists in the request's scope.
func (s *Service) LoadBalancerExists(ctx context.Context, name string) bool {
	sc := s.scope(ctx)
	return s.db.View(func(tx *state.Tx) error { _, err := s.getLB(tx, sc, name); return err }) == nil
}

// RegisterInstance registers instance id with the load balancer, as
// RegisterInstancesWithLoadBalancer does. Auto Scaling uses it for its groups' instances.
func (s *Service) RegisterInstance(ctx context.Context, lbName, id string) error {
	_, err := s.RegisterInstancesWithLoadBalancer(ctx, &RegisterEndPointsInput{LoadBalancerName: ptr.To(lbName), Instances: []Instance{{InstanceId: ptr.To(id)}}})
	return err
}

// DeregisterInstance deregisters instance id from the load balancer; an
// instance that is not registered, or a load balancer that is gone, is not an error.
func (s *Service) DeregisterInstance(ctx context.Context, lbName, id string) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		s.instances.Delete(tx, sc, instKey(lbName, id))
		return nil
	})
}

// InstanceHealth returns the health of instance id in the load balancer in
// ELBv2's target-health words, so Auto Scaling treats both kinds alike:
// "healthy" (InService), "initial" (registration in progress), "unhealthy"
// (OutOfService for the instance's sake), or "" when it is not registered.
func (s *Service) InstanceHealth(ctx context.Context, lbName, id string) string {
	sc := s.scope(ctx)
	var r lbRec
	var i instRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		var err error
		if r, err = s.getLB(tx, sc, lbName); err != nil {
			return err
		}
		i, ok = s.instances.Get(tx, sc, instKey(lbName, id))
		return nil
	})
	if !ok {
		return ""
	}
	h := s.health(ctx, r, i)
	switch {
	case *h.State == "InService":
		return "healthy"
	case *h.ReasonCode == "ELB":
		return "initial"
	default:
		return "unhealthy"
	}
}
