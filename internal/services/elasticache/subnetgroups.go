package elasticache

import (
	"context"
	"regexp"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

func errSubnetGroupNotFound(name string) error {
	return awserr.New("CacheSubnetGroupNotFoundFault", 0, "Cache subnet group '%s' does not exist.", name)
}

// groupName is AWS's rule for subnet group names: up to 255 letters, digits
// or hyphens, stored in lowercase.
var groupName = regexp.MustCompile(`^[a-z0-9-]{1,255}$`)

// subnets resolves subnet ids to a group's subnets, all in one VPC.
func (s *Service) subnets(ctx context.Context, ids []string) (string, []Subnet, error) {
	if len(ids) == 0 {
		return "", nil, invalidValue("The parameter SubnetIds must be provided.")
	}
	var vpc string
	var out []Subnet
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		v, zone, err := s.ec2.CacheSubnet(ctx, id)
		if err != nil {
			return "", nil, awserr.New("InvalidSubnet", 0, "The subnet ID %s does not exist", id)
		}
		if vpc != "" && v != vpc {
			// AWS: a cache subnet group's subnets are all in one VPC.
			return "", nil, awserr.New("InvalidSubnet", 0, "Subnets %s and %s are not in the same VPC.", *out[0].SubnetIdentifier, id)
		}
		vpc = v
		out = append(out, Subnet{
			SubnetIdentifier:       ptr.To(id),
			SubnetAvailabilityZone: &AvailabilityZone{Name: ptr.To(zone)},
			SupportedNetworkTypes:  []string{"ipv4"},
		})
	}
	return vpc, out, nil
}

// CreateCacheSubnetGroup creates a cache subnet group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html
func (s *Service) CreateCacheSubnetGroup(ctx context.Context, in *CreateCacheSubnetGroupMessage) (*CreateCacheSubnetGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(*in.CacheSubnetGroupName)
	if !groupName.MatchString(name) || name == "default" {
		return nil, invalidValue("The parameter CacheSubnetGroupName is not a valid identifier: %s", *in.CacheSubnetGroupName)
	}
	vpc, subnets, err := s.subnets(ctx, in.SubnetIds)
	if err != nil {
		return nil, err
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	g := CacheSubnetGroup{
		ARN:                         ptr.To(arn.New("elasticache", sc.Region, sc.Account, "subnetgroup:"+name)),
		CacheSubnetGroupName:        ptr.To(name),
		CacheSubnetGroupDescription: in.CacheSubnetGroupDescription,
		VpcId:                       ptr.To(vpc),
		Subnets:                     subnets,
		SupportedNetworkTypes:       []string{"ipv4"},
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.subnetGroups.Get(tx, sc, name); ok {
			return awserr.New("CacheSubnetGroupAlreadyExists", 0, "Cache subnet group %s already exists.", name)
		}
		s.subnetGroups.Put(tx, sc, name, g)
		s.setTags(tx, sc, *g.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateCacheSubnetGroupResult{CacheSubnetGroup: &g}, nil
}

// DescribeCacheSubnetGroups lists cache subnet groups.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheSubnetGroups.html
func (s *Service) DescribeCacheSubnetGroups(ctx context.Context, in *DescribeCacheSubnetGroupsMessage) (*CacheSubnetGroupMessage, error) {
	sc := s.scope(ctx)
	var all []CacheSubnetGroup
	err := s.db.View(func(tx *state.Tx) error {
		if n := ptr.Val(in.CacheSubnetGroupName); n != "" {
			g, ok := s.subnetGroups.Get(tx, sc, strings.ToLower(n))
			if !ok {
				return errSubnetGroupNotFound(n)
			}
			all = append(all, g)
			return nil
		}
		s.subnetGroups.Ascend(tx, sc, "", func(_ string, g CacheSubnetGroup) bool {
			all = append(all, g)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &CacheSubnetGroupMessage{CacheSubnetGroups: items, Marker: next}, nil
}

// ModifyCacheSubnetGroup changes a subnet group's description or subnets.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheSubnetGroup.html
func (s *Service) ModifyCacheSubnetGroup(ctx context.Context, in *ModifyCacheSubnetGroupMessage) (*ModifyCacheSubnetGroupResult, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(*in.CacheSubnetGroupName)
	var vpc string
	var subnets []Subnet
	if len(in.SubnetIds) > 0 {
		var err error
		if vpc, subnets, err = s.subnets(ctx, in.SubnetIds); err != nil {
			return nil, err
		}
	}
	var g CacheSubnetGroup
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if g, ok = s.subnetGroups.Get(tx, sc, name); !ok {
			return errSubnetGroupNotFound(name)
		}
		if in.CacheSubnetGroupDescription != nil {
			g.CacheSubnetGroupDescription = in.CacheSubnetGroupDescription
		}
		if subnets != nil {
			if vpc != *g.VpcId && s.inUse(tx, sc, "sg:"+name) {
				// AWS: a group in use cannot move to another VPC.
				return awserr.New("InvalidSubnet", 0, "The new subnets are not in the same VPC as the cache subnet group's clusters.")
			}
			g.VpcId, g.Subnets = &vpc, subnets
		}
		s.subnetGroups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyCacheSubnetGroupResult{CacheSubnetGroup: &g}, nil
}

// DeleteCacheSubnetGroup deletes a cache subnet group no cluster uses.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html
func (s *Service) DeleteCacheSubnetGroup(ctx context.Context, in *DeleteCacheSubnetGroupMessage) (*DeleteCacheSubnetGroupOutput, error) {
	sc := s.scope(ctx)
	name := strings.ToLower(*in.CacheSubnetGroupName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.subnetGroups.Get(tx, sc, name)
		if !ok {
			return errSubnetGroupNotFound(name)
		}
		if s.inUse(tx, sc, "sg:"+name) {
			// AWS: a subnet group with clusters in it cannot be deleted.
			return awserr.New("CacheSubnetGroupInUse", 0, "Cache subnet group %s is currently in use by a cache cluster.", name)
		}
		s.subnetGroups.Delete(tx, sc, name)
		s.tags.Delete(tx, sc, *g.ARN)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteCacheSubnetGroupOutput{}, nil
}

// inUse reports whether a group ("sg:name" or "pg:name") has a cluster.
func (s *Service) inUse(tx *state.Tx, sc state.Scope, group string) bool {
	used := false
	s.groupUse.AscendPrefix(tx, sc, group+"\x00", func(string, bool) bool {
		used = true
		return false
	})
	return used
}

// use records (or with on false, forgets) that cluster id uses group.
func (s *Service) use(tx *state.Tx, sc state.Scope, group, id string, on bool) {
	if on {
		s.groupUse.Put(tx, sc, group+"\x00"+id, true)
	} else {
		s.groupUse.Delete(tx, sc, group+"\x00"+id)
	}
}
