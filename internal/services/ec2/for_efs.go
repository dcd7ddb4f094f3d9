package ec2

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// MountTargetSubnet returns the VPC, Availability Zone and zone id of the
// subnet id in the request's scope, or EC2's not-found error. EFS mount
// targets use it.
func (s *Service) MountTargetSubnet(ctx context.Context, id string) (vpc, zone, zoneID string, err error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", "", "", err
	}
	err = s.db.View(func(tx *state.Tx) error {
		r, err := s.getSubnet(tx, sc, id)
		if err != nil {
			return err
		}
		vpc, zone, zoneID = ptr.Val(r.VpcId), ptr.Val(r.AvailabilityZone), ptr.Val(r.AvailabilityZoneId)
		return nil
	})
	return vpc, zone, zoneID, err
}

// ReserveSubnetAddress takes a private address of the subnet for holder (an
// EFS mount target id): want if given, else the lowest free one. It answers
// EC2's errors: InvalidIPAddress.InUse, InsufficientFreeAddressesInSubnet,
// InvalidParameterValue (want outside the subnet).
func (s *Service) ReserveSubnetAddress(ctx context.Context, subnetID, holder, want string) (string, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", err
	}
	var ip string
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		ip, err = s.allocIP(tx, sc, subnetID, holder, want, nil)
		return err
	})
	return ip, err
}

// ReleaseSubnetAddress gives back an address ReserveSubnetAddress took.
func (s *Service) ReleaseSubnetAddress(ctx context.Context, subnetID, ip string) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		s.freeIP(tx, sc, subnetID, ip)
		return nil
	})
}
