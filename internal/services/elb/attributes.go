package elb

import (
	"context"
	"slices"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// DescribeLoadBalancerAttributes reports cross-zone load balancing,
// connection draining, the idle timeout, access logs and desync mitigation.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeLoadBalancerAttributes.html
func (s *Service) DescribeLoadBalancerAttributes(ctx context.Context, in *DescribeLoadBalancerAttributesInput) (*DescribeLoadBalancerAttributesOutput, error) {
	sc := s.scope(ctx)
	var r lbRec
	if err := s.db.View(func(tx *state.Tx) (err error) { r, err = s.getLB(tx, sc, *in.LoadBalancerName); return err }); err != nil {
		return nil, err
	}
	a := r.Attrs
	return &DescribeLoadBalancerAttributesOutput{LoadBalancerAttributes: &a}, nil
}

// ModifyLoadBalancerAttributes changes the attributes given; those left out keep their values.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_ModifyLoadBalancerAttributes.html
func (s *Service) ModifyLoadBalancerAttributes(ctx context.Context, in *ModifyLoadBalancerAttributesInput) (*ModifyLoadBalancerAttributesOutput, error) {
	in2 := in.LoadBalancerAttributes
	if l := in2.AccessLog; l != nil {
		if ptr.Val(l.Enabled) && ptr.Val(l.S3BucketName) == "" {
			// AWS: enabled access logs need a bucket.
			return nil, validation("S3BucketName is required when access logs are enabled")
		}
		if l.EmitInterval != nil && *l.EmitInterval != 5 && *l.EmitInterval != 60 {
			// AWS: logs are published every 5 or 60 minutes.
			return nil, validation("EmitInterval must be 5 or 60 (minutes)")
		}
	}
	if d := in2.ConnectionDraining; d != nil && d.Timeout != nil && (*d.Timeout < 1 || *d.Timeout > 3600) {
		// AWS: the draining timeout is 1–3600 seconds.
		return nil, validation("ConnectionDraining Timeout must be between 1 and 3600 seconds")
	}
	if c := in2.ConnectionSettings; c != nil && (ptr.Val(c.IdleTimeout) < 1 || ptr.Val(c.IdleTimeout) > 4000) {
		// AWS: the idle timeout is 1–4000 seconds.
		return nil, validation("ConnectionSettings IdleTimeout must be between 1 and 4000 seconds")
	}
	for _, x := range in2.AdditionalAttributes {
		if ptr.Val(x.Key) != desyncKey {
			return nil, validation("Unknown additional attribute '%s'", ptr.Val(x.Key))
		}
		if !slices.Contains([]string{"monitor", "defensive", "strictest"}, ptr.Val(x.Value)) {
			return nil, validation("Invalid value '%s' for %s: it must be monitor, defensive or strictest", ptr.Val(x.Value), desyncKey)
		}
	}
	r, err := s.update(ctx, *in.LoadBalancerName, func(_ *state.Tx, r *lbRec) error {
		a := &r.Attrs
		if l := in2.AccessLog; l != nil {
			n := AccessLog{Enabled: l.Enabled}
			if *l.Enabled {
				n.S3BucketName, n.S3BucketPrefix = l.S3BucketName, ptr.To(ptr.Val(l.S3BucketPrefix))
				n.EmitInterval = ptr.To(ptr.Val(l.EmitInterval))
				if *n.EmitInterval == 0 {
					n.EmitInterval = ptr.To[int64](60) // AWS: the default interval is 60 minutes
				}
			}
			a.AccessLog = &n
		}
		if d := in2.ConnectionDraining; d != nil {
			// AWS: a request without Timeout keeps the current one (Terraform relies on it).
			a.ConnectionDraining.Enabled = d.Enabled
			if d.Timeout != nil {
				a.ConnectionDraining.Timeout = d.Timeout
			}
		}
		if c := in2.ConnectionSettings; c != nil {
			a.ConnectionSettings = &ConnectionSettings{IdleTimeout: c.IdleTimeout}
		}
		if z := in2.CrossZoneLoadBalancing; z != nil {
			a.CrossZoneLoadBalancing = &CrossZoneLoadBalancing{Enabled: z.Enabled}
		}
		for _, x := range in2.AdditionalAttributes {
			a.AdditionalAttributes = []AdditionalAttribute{{Key: x.Key, Value: x.Value}}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyLoadBalancerAttributesOutput{LoadBalancerName: in.LoadBalancerName, LoadBalancerAttributes: &r.Attrs}, nil
}
