package ec2

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// resourceTypes maps an id prefix to the resource type AWS reports for it
// (DescribeTags, TagSpecifications).
var resourceTypes = map[string]string{
	"vpc": "vpc", "subnet": "subnet", "igw": "internet-gateway", "rtb": "route-table",
	"sg": "security-group", "sgr": "security-group-rule", "acl": "network-acl", "eipalloc": "elastic-ip",
	"nat": "natgateway", "vpce": "vpc-endpoint", "key": "key-pair", "i": "instance", "vol": "volume",
	"eni": "network-interface", "ami": "image", "dopt": "dhcp-options", "pl": "prefix-list", "snap": "snapshot",
	"pcx": "vpc-peering-connection", "lt": "launch-template",
}

// idPrefix returns the part of a resource id before its first '-'.
func idPrefix(id string) string {
	p, _, _ := strings.Cut(id, "-")
	return p
}

func tagIndexKey(id, key, value string) string {
	return idPrefix(id) + "\x00" + key + "\x00" + value + "\x00" + id
}

// tagCandidates answers the first tag:Key filter from the tag index: the ids
// of prefix's resources holding Key with a value that may match one of the
// filter's patterns (those sharing its literal prefix), sorted. indexed is
// false when no filter can use the index.
func (s *Service) tagCandidates(tx *state.Tx, sc state.Scope, prefix string, filters []Filter) (ids []string, indexed bool) {
	if prefix == "" {
		return nil, false
	}
	for _, f := range filters {
		name := ptr.Val(f.Name)
		if !strings.HasPrefix(name, "tag:") {
			continue
		}
		key := name[len("tag:"):]
		for _, p := range f.Values {
			lit := literalPrefix(p)
			exact := lit == p && !strings.Contains(p, "\\")
			from := prefix + "\x00" + key + "\x00" + lit
			s.tagIndex.AscendPrefix(tx, sc, from, func(k string, _ bool) bool {
				rest := k[len(prefix)+len(key)+2:] // value\x00id
				i := strings.LastIndexByte(rest, 0)
				if exact && rest[:i] != p {
					return true
				}
				ids = append(ids, rest[i+1:])
				return true
			})
		}
		sort.Strings(ids)
		return dedupe(ids), true
	}
	return nil, false
}

// tagList returns a resource's tags in key order, as Describe calls show them.
func (s *Service) tagList(tx *state.Tx, sc state.Scope, id string) []Tag {
	m, _ := s.tags.Get(tx, sc, id)
	if len(m) == 0 {
		return nil
	}
	out := make([]Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}

// setTags adds or replaces tags of resource id.
func (s *Service) setTags(tx *state.Tx, sc state.Scope, id string, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	old, _ := s.tags.Get(tx, sc, id)
	m := maps.Clone(old)
	if m == nil {
		m = map[string]string{}
	}
	for k, v := range tags {
		if ov, had := m[k]; had {
			s.tagIndex.Delete(tx, sc, tagIndexKey(id, k, ov))
		}
		m[k] = v
		s.tagIndex.Put(tx, sc, tagIndexKey(id, k, v), true)
	}
	s.tags.Put(tx, sc, id, m)
}

// dropTags removes every tag of resource id (it is being deleted).
func (s *Service) dropTags(tx *state.Tx, sc state.Scope, id string) {
	old, ok := s.tags.Get(tx, sc, id)
	if !ok {
		return
	}
	for k, v := range old {
		s.tagIndex.Delete(tx, sc, tagIndexKey(id, k, v))
	}
	s.tags.Delete(tx, sc, id)
}

// checkTags validates tags as CreateTags and TagSpecifications do.
//
// AWS: keys starting with "aws:" are reserved; at most 50 tags per resource.
func checkTags(tags []Tag) (map[string]string, error) {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, awserr.New("InvalidParameterValue", 400, "Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", k)
		}
		if k == "" {
			return nil, awserr.New("InvalidParameterValue", 400, "Tag key must not be empty")
		}
		m[k] = ptr.Val(t.Value)
	}
	if len(m) > 50 {
		return nil, awserr.New("TagLimitExceeded", 400, "The maximum number of Tags for a resource has been reached.")
	}
	return m, nil
}

// specTags returns the tags TagSpecifications give resources of type rtype.
//
// AWS: a specification for a type the call does not create is
// InvalidParameterValue; allowed lists the types the call creates.
func specTags(specs []TagSpecification, rtype string, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, sp := range specs {
		t := ptr.Val(sp.ResourceType)
		if t != rtype && !slices.Contains(allowed, t) {
			return nil, awserr.New("InvalidParameterValue", 400, "'%s' is not a valid taggable resource type for this operation.", t)
		}
		if t != rtype {
			continue
		}
		m, err := checkTags(sp.Tags)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, m)
	}
	return out, nil
}

// exists reports whether resource id exists in sc, for CreateTags and DeleteTags.
func (s *Service) exists(tx *state.Tx, sc state.Scope, id string) bool {
	switch idPrefix(id) {
	case "vpc":
		_, ok := s.vpcs.Get(tx, sc, id)
		return ok
	case "subnet":
		_, ok := s.subnets.Get(tx, sc, id)
		return ok
	case "igw":
		_, ok := s.igws.Get(tx, sc, id)
		return ok
	case "rtb":
		_, ok := s.rtbs.Get(tx, sc, id)
		return ok
	case "sg":
		_, ok := s.sgs.Get(tx, sc, id)
		return ok
	case "sgr":
		_, _, ok := s.findRule(tx, sc, id)
		return ok
	case "acl":
		_, ok := s.nacls.Get(tx, sc, id)
		return ok
	case "eipalloc":
		_, ok := s.eips.Get(tx, sc, id)
		return ok
	case "nat":
		_, ok := s.nats.Get(tx, sc, id)
		return ok
	case "vpce":
		_, ok := s.vpces.Get(tx, sc, id)
		return ok
	case "i":
		_, ok := s.instances.Get(tx, sc, id)
		return ok
	case "vol":
		_, ok := s.volumes.Get(tx, sc, id)
		return ok
	case "key":
		_, ok := s.keyByID(tx, sc, id)
		return ok
	case "snap":
		_, ok := s.snapshots.Get(tx, sc, id)
		return ok
	case "pcx":
		_, ok := s.peerings.Get(tx, sc, id)
		return ok
	case "lt":
		_, ok := s.lt.byID.Get(tx, sc, id)
		return ok
	case "eni", "ami", "dopt", "pl":
		return true // derived or catalog resources: tags are kept as given
	}
	return false
}

// CreateTags adds or overwrites tags of one or more resources.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html
func (s *Service) CreateTags(ctx context.Context, in *CreateTagsRequest) (*CreateTagsOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	m, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	return &CreateTagsOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		for _, id := range in.Resources {
			if !s.exists(tx, sc, id) {
				return notFoundFor(id)
			}
			s.setTags(tx, sc, id, m)
		}
		return nil
	})
}

// DeleteTags removes tags (by key, or by key and value) from resources; no
// tags given removes them all.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTags.html
func (s *Service) DeleteTags(ctx context.Context, in *DeleteTagsRequest) (*DeleteTagsOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteTagsOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		for _, id := range in.Resources {
			old, ok := s.tags.Get(tx, sc, id)
			if !ok {
				continue
			}
			m := maps.Clone(old)
			for k, v := range old {
				drop := len(in.Tags) == 0
				for _, t := range in.Tags {
					// AWS: a tag given with a value is deleted only if the value matches.
					if ptr.Val(t.Key) == k && (t.Value == nil || *t.Value == v) {
						drop = true
					}
				}
				if drop {
					delete(m, k)
					s.tagIndex.Delete(tx, sc, tagIndexKey(id, k, v))
				}
			}
			if len(m) == 0 {
				s.tags.Delete(tx, sc, id)
			} else {
				s.tags.Put(tx, sc, id, m)
			}
		}
		return nil
	})
}

// DescribeTags lists tags of every resource, filtered by key, value,
// resource-id and resource-type.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html
func (s *Service) DescribeTags(ctx context.Context, in *DescribeTagsRequest) (*DescribeTagsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	filters := map[string]func(TagDescription) []string{
		"key":           func(t TagDescription) []string { return []string{*t.Key} },
		"value":         func(t TagDescription) []string { return []string{*t.Value} },
		"resource-id":   func(t TagDescription) []string { return []string{*t.ResourceId} },
		"resource-type": func(t TagDescription) []string { return []string{*t.ResourceType} },
	}
	for _, f := range in.Filters {
		if _, ok := filters[ptr.Val(f.Name)]; !ok {
			return nil, awserr.New("InvalidParameterValue", 400, "The filter '%s' is invalid", ptr.Val(f.Name))
		}
	}
	var all []TagDescription
	err = s.db.View(func(tx *state.Tx) error {
		from, ids := "", []string(nil)
		for _, f := range in.Filters {
			if ptr.Val(f.Name) == "resource-id" {
				ids = f.Values
			}
		}
		visit := func(id string, m map[string]string) {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				td := TagDescription{Key: ptr.To(k), Value: ptr.To(m[k]), ResourceId: ptr.To(id), ResourceType: ptr.To(resourceTypes[idPrefix(id)])}
				ok := true
				for _, f := range in.Filters {
					if !anyMatch(filters[*f.Name](td), f.Values) {
						ok = false
					}
				}
				if ok {
					all = append(all, td)
				}
			}
		}
		if len(ids) > 0 && !slices.ContainsFunc(ids, func(v string) bool { return literalPrefix(v) != v }) {
			for _, id := range dedupe(slices.Sorted(slices.Values(ids))) {
				if m, ok := s.tags.Get(tx, sc, id); ok {
					visit(id, m)
				}
			}
			return nil
		}
		s.tags.Ascend(tx, sc, from, func(id string, m map[string]string) bool {
			visit(id, m)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	tags, next, err := page(all, func(t TagDescription) string { return *t.ResourceId + "\x00" + *t.Key }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &DescribeTagsResult{Tags: tags, NextToken: next}, nil
}

// notFoundFor is the NotFound error AWS gives for an id of the resource type its prefix names.
func notFoundFor(id string) error {
	switch idPrefix(id) {
	case "vpc":
		return errNotFound("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	case "subnet":
		return errNotFound("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
	case "igw":
		return errNotFound("InvalidInternetGatewayID.NotFound", "The internetGateway ID '%s' does not exist", id)
	case "rtb":
		return errNotFound("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist", id)
	case "sg":
		return errNotFound("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	case "sgr":
		return errNotFound("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
	case "acl":
		return errNotFound("InvalidNetworkAclID.NotFound", "The networkAcl ID '%s' does not exist", id)
	case "eipalloc":
		return errNotFound("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", id)
	case "nat":
		return errNotFound("NatGatewayNotFound", "The Nat Gateway %s was not found", id)
	case "vpce":
		return errNotFound("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
	case "i":
		return errNotFound("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
	case "vol":
		return errNotFound("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	case "key":
		return errNotFound("InvalidKeyPair.NotFound", "The key pair '%s' does not exist", id)
	case "ami":
		return errNotFound("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id)
	case "eni":
		return errNotFound("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
	case "pl":
		return errNotFound("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", id)
	case "snap":
		return errNotFound("InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
	case "pcx":
		return errNotFound("InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '%s' does not exist", id)
	}
	return awserr.New("InvalidID", 400, "The ID '%s' is not valid", id)
}

func errNotFound(code, format, id string) error { return awserr.New(code, 400, format, id) }

// notFoundIDs builds a kind's notFound from the single-id error of its prefix.
//
// AWS: several missing ids are listed together, comma-separated.
func notFoundIDs(ids []string) error {
	return notFoundFor(strings.Join(ids, ", "))
}

func mapKeys(m map[string]string) []string   { return slices.Collect(maps.Keys(m)) }
func mapValues(m map[string]string) []string { return slices.Collect(maps.Values(m)) }
