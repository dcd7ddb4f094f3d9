package ec2

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// SubnetPlacement is where a subnet is: its VPC and Availability Zone.
type SubnetPlacement struct {
	VpcID, Zone, ZoneID string
}

// SubnetPlacement returns the VPC and zone of the subnet id in the request's
// scope, or EC2's not-found error. Load balancers and Auto Scaling use it.
func (s *Service) SubnetPlacement(ctx context.Context, id string) (SubnetPlacement, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return SubnetPlacement{}, err
	}
	var p SubnetPlacement
	err = s.db.View(func(tx *state.Tx) error {
		r, err := s.getSubnet(tx, sc, id)
		if err != nil {
			return err
		}
		p = SubnetPlacement{VpcID: ptr.Val(r.VpcId), Zone: ptr.Val(r.AvailabilityZone), ZoneID: ptr.Val(r.AvailabilityZoneId)}
		return nil
	})
	return p, err
}

// SecurityGroupVPC returns the VPC of the security group id, or EC2's not-found error.
func (s *Service) SecurityGroupVPC(ctx context.Context, id string) (string, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", err
	}
	var vpc string
	err = s.db.View(func(tx *state.Tx) error {
		g, ok := s.sgs.Get(tx, sc, id)
		if !ok {
			return notFoundFor(id)
		}
		vpc = ptr.Val(g.VpcId)
		return nil
	})
	return vpc, err
}

// InstanceState returns the state name of the instance id ("running",
// "terminated", …) and its VPC; ok is false when there is no such instance.
func (s *Service) InstanceState(ctx context.Context, id string) (stateName, vpc string, ok bool) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", "", false
	}
	_ = s.db.View(func(tx *state.Tx) error {
		r, err := s.getInstance(tx, sc, id)
		if err != nil {
			return nil
		}
		stateName, vpc, ok = r.stateName(), ptr.Val(r.VpcId), true
		return nil
	})
	return stateName, vpc, ok
}
