package rds

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// subnetGroupName is what AWS accepts as a DB subnet group name.
var subnetGroupName = regexp.MustCompile(`^[a-zA-Z0-9._ -]{1,255}$`)

// buildSubnetGroup resolves subnet ids through EC2 into a subnet group's
// VPC and subnets.
//
// AWS: every subnet must exist and lie in one VPC, and together they must
// cover at least two Availability Zones.
func (s *Service) buildSubnetGroup(ctx context.Context, name, desc string, ids []string) (DBSubnetGroup, error) {
	if len(ids) == 0 {
		return DBSubnetGroup{}, invalidValue("The parameter SubnetIds must be provided.")
	}
	var vpc string
	var zones []string
	var subnets []Subnet
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		v, z, err := s.ec2.RDSSubnet(ctx, id)
		if err != nil {
			return DBSubnetGroup{}, awserr.New("InvalidSubnet", 0, "Some input subnets in :[%s] are invalid.", strings.Join(ids, ", "))
		}
		if vpc != "" && v != vpc {
			return DBSubnetGroup{}, awserr.New("InvalidParameterValue", 400, "The subnets in a DB subnet group must all be in the same VPC: %s is in %s, not %s.", id, v, vpc)
		}
		vpc = v
		if !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
		subnets = append(subnets, Subnet{
			SubnetIdentifier:       ptr.To(id),
			SubnetAvailabilityZone: &AvailabilityZone{Name: ptr.To(z)},
			SubnetStatus:           ptr.To("Active"),
		})
	}
	if len(zones) < 2 {
		slices.Sort(zones)
		return DBSubnetGroup{}, awserr.New("DBSubnetGroupDoesNotCoverEnoughAZs", 0,
			"The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: %s. Add subnets to cover at least 2 AZs.", strings.Join(zones, ", "))
	}
	return DBSubnetGroup{
		DBSubnetGroupName:        ptr.To(name),
		DBSubnetGroupDescription: ptr.To(desc),
		VpcId:                    ptr.To(vpc),
		SubnetGroupStatus:        ptr.To("Complete"),
		Subnets:                  subnets,
		SupportedNetworkTypes:    []string{"IPV4"},
	}, nil
}

// CreateDBSubnetGroup creates a DB subnet group.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html
func (s *Service) CreateDBSubnetGroup(ctx context.Context, in *CreateDBSubnetGroupMessage) (*CreateDBSubnetGroupResult, error) {
	sc := s.scope(ctx)
	// AWS: names are stored in lower case; "default" is reserved.
	name := strings.ToLower(ptr.Val(in.DBSubnetGroupName))
	if !subnetGroupName.MatchString(name) || name == "default" {
		return nil, invalidValue("The parameter DBSubnetGroupName is not a valid identifier. Identifiers must contain only letters, digits, periods, underscores, spaces or hyphens, and must not be \"default\".")
	}
	g, err := s.buildSubnetGroup(ctx, name, ptr.Val(in.DBSubnetGroupDescription), in.SubnetIds)
	if err != nil {
		return nil, err
	}
	g.DBSubnetGroupArn = ptr.To(arnOf(sc, "subgrp", name))
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.subnetGroups.Get(tx, sc, name); ok {
			return awserr.New("DBSubnetGroupAlreadyExistsFault", 0, "The DB subnet group '%s' already exists.", name)
		}
		m, err := tagMap(nil, in.Tags)
		if err != nil {
			return err
		}
		s.subnetGroups.Put(tx, sc, name, g)
		s.setTags(tx, sc, *g.DBSubnetGroupArn, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateDBSubnetGroupResult{DBSubnetGroup: &g}, nil
}

// ModifyDBSubnetGroup changes a DB subnet group's description and subnets.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBSubnetGroup.html
func (s *Service) ModifyDBSubnetGroup(ctx context.Context, in *ModifyDBSubnetGroupMessage) (*ModifyDBSubnetGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.DBSubnetGroupName))
	var old DBSubnetGroup
	err := s.db.View(func(tx *state.Tx) error {
		var ok bool
		if old, ok = s.subnetGroups.Get(tx, sc, name); !ok {
			return errSubnetGroupNotFound(name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	desc := ptr.Val(old.DBSubnetGroupDescription)
	if in.DBSubnetGroupDescription != nil {
		desc = *in.DBSubnetGroupDescription
	}
	g, err := s.buildSubnetGroup(ctx, name, desc, in.SubnetIds)
	if err != nil {
		return nil, err
	}
	g.DBSubnetGroupArn = old.DBSubnetGroupArn
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		cur, ok := s.subnetGroups.Get(tx, sc, name)
		if !ok {
			return errSubnetGroupNotFound(name)
		}
		// AWS: a group in use cannot move to another VPC.
		if s.inUse(tx, sc, "subgrp", name) != "" && ptr.Val(cur.VpcId) != ptr.Val(g.VpcId) {
			return awserr.New("InvalidDBSubnetGroupStateFault", 0, "The DB subnet group '%s' is in use and cannot be moved to another VPC.", name)
		}
		s.subnetGroups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyDBSubnetGroupResult{DBSubnetGroup: &g}, nil
}

// DescribeDBSubnetGroups lists DB subnet groups, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBSubnetGroups.html
func (s *Service) DescribeDBSubnetGroups(ctx context.Context, in *DescribeDBSubnetGroupsMessage) (*DBSubnetGroupMessage, error) {
	sc := s.scope(ctx)
	var out []DBSubnetGroup
	err := s.db.View(func(tx *state.Tx) error {
		if in.DBSubnetGroupName != nil {
			name := strings.ToLower(*in.DBSubnetGroupName)
			g, ok := s.subnetGroups.Get(tx, sc, name)
			if !ok {
				return errSubnetGroupNotFound(name)
			}
			out = append(out, g)
			return nil
		}
		s.subnetGroups.Ascend(tx, sc, "", func(_ string, g DBSubnetGroup) bool {
			out = append(out, g)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBSubnetGroupMessage{DBSubnetGroups: items, Marker: next}, nil
}

// DeleteDBSubnetGroup deletes a DB subnet group no instance uses.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSubnetGroup.html
func (s *Service) DeleteDBSubnetGroup(ctx context.Context, in *DeleteDBSubnetGroupMessage) (*DeleteDBSubnetGroupOutput, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(ptr.Val(in.DBSubnetGroupName))
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.subnetGroups.Get(tx, sc, name)
		if !ok {
			return errSubnetGroupNotFound(name)
		}
		if user := s.inUse(tx, sc, "subgrp", name); user != "" {
			return awserr.New("InvalidDBSubnetGroupStateFault", 0, "Cannot delete the subnet group '%s' because at least one database instance: %s is still using it.", name, user)
		}
		s.subnetGroups.Delete(tx, sc, name)
		s.tags.Delete(tx, sc, ptr.Val(g.DBSubnetGroupArn))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteDBSubnetGroupOutput{}, nil
}

// inUse returns the id of one instance or cluster using a group of kind
// ("subgrp", "pg", "og"), or "".
func (s *Service) inUse(tx *state.Tx, sc state.Scope, kind, name string) string {
	user := ""
	s.groupUse.AscendPrefix(tx, sc, kind+"\x00"+name+"\x00", func(k string, _ bool) bool {
		user = k[strings.LastIndexByte(k, 0)+1:]
		return false
	})
	return user
}

// use records (or, with on false, forgets) that user uses a group.
func (s *Service) use(tx *state.Tx, sc state.Scope, kind, name, user string, on bool) {
	if name == "" {
		return
	}
	k := kind + "\x00" + name + "\x00" + user
	if on {
		s.groupUse.Put(tx, sc, k, true)
	} else {
		s.groupUse.Delete(tx, sc, k)
	}
}
