package ec2

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// CacheSubnet returns the VPC and Availability Zone of the subnet id in the
// request's scope, or EC2's not-found error. ElastiCache's subnet groups use it.
func (s *Service) CacheSubnet(ctx context.Context, id string) (vpc, zone string, err error) {
	return s.subnetVPCZone(ctx, id)
}

// subnetVPCZone is a subnet's VPC and zone, for the services that place
// resources in subnets (RDS, ElastiCache).
func (s *Service) subnetVPCZone(ctx context.Context, id string) (vpc, zone string, err error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", "", err
	}
	err = s.db.View(func(tx *state.Tx) error {
		r, err := s.getSubnet(tx, sc, id)
		if err != nil {
			return err
		}
		vpc, zone = ptr.Val(r.VpcId), ptr.Val(r.AvailabilityZone)
		return nil
	})
	return vpc, zone, err
}
