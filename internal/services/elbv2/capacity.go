package elbv2

import (
	"context"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a load balancer's minimum capacity can be lowered this many times a
// day; haneul never counts down, as nothing consumes capacity here.
const capacityDecreasesPerDay = 4

// capacityOutput describes r's capacity reservation: per zone of the load
// balancer, what it reserved (provisioned at once; there is no fleet to grow).
func capacityOutput(r lbRec) *DescribeCapacityReservationOutput {
	out := &DescribeCapacityReservationOutput{
		CapacityReservationState:  []ZonalCapacityReservationState{},
		DecreaseRequestsRemaining: ptr.To(int64(capacityDecreasesPerDay)),
		LastModifiedTime:          r.CapacityModified,
	}
	if r.CapacityUnits == 0 {
		return out
	}
	out.MinimumLoadBalancerCapacity = &MinimumLoadBalancerCapacity{CapacityUnits: ptr.To(r.CapacityUnits)}
	perZone := float64(r.CapacityUnits) / float64(max(len(r.AvailabilityZones), 1))
	for _, z := range r.AvailabilityZones {
		out.CapacityReservationState = append(out.CapacityReservationState, ZonalCapacityReservationState{
			AvailabilityZone: z.ZoneName, EffectiveCapacityUnits: ptr.To(perZone),
			State: &CapacityReservationStatus{Code: ptr.To("provisioned")},
		})
	}
	return out
}

// DescribeCapacityReservation describes a load balancer's capacity
// reservation (Terraform's aws_lb reads it on every refresh).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeCapacityReservation.html
func (s *Service) DescribeCapacityReservation(ctx context.Context, in *DescribeCapacityReservationInput) (*DescribeCapacityReservationOutput, error) {
	var r lbRec
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		r, err = s.getLB(tx, s.scope(ctx), ptr.Val(in.LoadBalancerArn))
		return err
	})
	if err != nil {
		return nil, err
	}
	return capacityOutput(r), nil
}

// ModifyCapacityReservation sets or resets a load balancer's minimum capacity.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyCapacityReservation.html
func (s *Service) ModifyCapacityReservation(ctx context.Context, in *ModifyCapacityReservationInput) (*ModifyCapacityReservationOutput, error) {
	reset := ptr.Val(in.ResetCapacityReservation)
	if reset == (in.MinimumLoadBalancerCapacity != nil) {
		// AWS: exactly one of the two is given.
		return nil, awserr.New("ValidationError", 400, "Exactly one of MinimumLoadBalancerCapacity or ResetCapacityReservation must be specified")
	}
	var r lbRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc := s.scope(ctx)
		var err error
		if r, err = s.getLB(tx, sc, ptr.Val(in.LoadBalancerArn)); err != nil {
			return err
		}
		if reset {
			r.CapacityUnits = 0
		} else {
			units := ptr.Val(in.MinimumLoadBalancerCapacity.CapacityUnits)
			if units < 1 {
				return awserr.New("ValidationError", 400, "CapacityUnits must be a positive number")
			}
			r.CapacityUnits = units
		}
		r.CapacityModified = ptr.To(s.clock.Now().UTC())
		s.lbs.Put(tx, sc, ptr.Val(in.LoadBalancerArn), r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	o := capacityOutput(r)
	return &ModifyCapacityReservationOutput{CapacityReservationState: o.CapacityReservationState, DecreaseRequestsRemaining: o.DecreaseRequestsRemaining,
		LastModifiedTime: o.LastModifiedTime, MinimumLoadBalancerCapacity: o.MinimumLoadBalancerCapacity}, nil
}
