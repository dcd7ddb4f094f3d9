package ec2

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// RDSSubnet returns the VPC and Availability Zone of the subnet id in the
// request's scope, or EC2's not-found error. RDS's DB subnet groups use it.
func (s *Service) RDSSubnet(ctx context.Context, id string) (vpc, zone string, err error) {
	return s.subnetVPCZone(ctx, id)
}

// RDSDefaultNetwork returns the scope's default VPC and its subnets (id →
// Availability Zone), where RDS places a DB instance created without a DB
// subnet group; vpc is "" when the scope has no default VPC.
func (s *Service) RDSDefaultNetwork(ctx context.Context) (vpc string, subnets map[string]string, err error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", nil, err
	}
	id, ok := s.defaultVPCID(sc)
	if !ok {
		return "", nil, nil
	}
	subnets = map[string]string{}
	err = s.db.View(func(tx *state.Tx) error {
		s.subnets.Ascend(tx, sc, "", func(sid string, r subnetRec) bool {
			if ptr.Val(r.VpcId) == id {
				subnets[sid] = r.zone()
			}
			return true
		})
		return nil
	})
	return id, subnets, err
}

// RDSDefaultSecurityGroup returns the id of the default security group of
// VPC vpc, which RDS gives a DB instance created without security groups.
func (s *Service) RDSDefaultSecurityGroup(ctx context.Context, vpc string) (string, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return "", err
	}
	var id string
	err = s.db.View(func(tx *state.Tx) error {
		v, err := s.getVPC(tx, sc, vpc)
		if err != nil {
			return err
		}
		id = v.DefaultSG
		return nil
	})
	return id, err
}
