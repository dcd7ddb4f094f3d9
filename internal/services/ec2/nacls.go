package ec2

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// naclRec is a network ACL with its entries and subnet associations.
type naclRec struct{ NetworkAcl }

func (n naclRec) id() string { return *n.NetworkAclId }

// dropSubnet removes the ACL's association with a subnet, reporting whether it had one.
func (n *naclRec) dropSubnet(subnetID string) bool {
	i := slices.IndexFunc(n.Associations, func(a NetworkAclAssociation) bool { return *a.SubnetId == subnetID })
	if i < 0 {
		return false
	}
	n.Associations = slices.Delete(slices.Clone(n.Associations), i, i+1)
	return true
}

// lastRule is the number of the catch-all deny entry every ACL ends with.
const lastRule = 32767

func aclEntry(num int64, egress bool, action string) NetworkAclEntry {
	return NetworkAclEntry{RuleNumber: ptr.To(num), Egress: ptr.To(egress), Protocol: ptr.To("-1"), RuleAction: ptr.To(action), CidrBlock: ptr.To("0.0.0.0/0")}
}

// newNetworkACL creates an ACL.
//
// AWS: the default ACL allows all traffic both ways (rule 100); a new ACL
// denies everything until entries are added; both end with rule * (32767) deny.
func (s *Service) newNetworkACL(tx *state.Tx, sc state.Scope, vpcID string, isDefault bool) naclRec {
	id := ids.Hex("acl", 17)
	n := naclRec{NetworkAcl{NetworkAclId: ptr.To(id), VpcId: ptr.To(vpcID), OwnerId: ptr.To(sc.Account), IsDefault: ptr.To(isDefault)}}
	if isDefault {
		n.Entries = append(n.Entries, aclEntry(100, false, "allow"), aclEntry(100, true, "allow"))
	}
	n.Entries = append(n.Entries, aclEntry(lastRule, false, "deny"), aclEntry(lastRule, true, "deny"))
	sortEntries(n.Entries)
	s.nacls.Put(tx, sc, id, n)
	return n
}

func sortEntries(es []NetworkAclEntry) {
	slices.SortFunc(es, func(a, b NetworkAclEntry) int {
		if c := cmp.Compare(strconv.FormatBool(*a.Egress), strconv.FormatBool(*b.Egress)); c != 0 {
			return -c // egress entries first, as AWS lists them
		}
		return cmp.Compare(*a.RuleNumber, *b.RuleNumber)
	})
}

// associateNACL moves a subnet to an ACL, from whichever ACL held it.
func (s *Service) associateNACL(tx *state.Tx, sc state.Scope, aclID, subnetID string) string {
	s.nacls.Ascend(tx, sc, "", func(id string, n naclRec) bool {
		if n.dropSubnet(subnetID) {
			s.nacls.Put(tx, sc, id, n)
		}
		return true
	})
	n, _ := s.nacls.Get(tx, sc, aclID)
	assoc := ids.Hex("aclassoc", 17)
	n.Associations = append(slices.Clone(n.Associations), NetworkAclAssociation{
		NetworkAclAssociationId: ptr.To(assoc), NetworkAclId: ptr.To(aclID), SubnetId: ptr.To(subnetID),
	})
	s.nacls.Put(tx, sc, aclID, n)
	return assoc
}

func (s *Service) naclKind() *kind[naclRec] {
	entry := func(egressOnly *bool, f func(NetworkAclEntry) string) func(naclRec) []string {
		return func(n naclRec) []string {
			var out []string
			for _, e := range n.Entries {
				if egressOnly == nil || *egressOnly == *e.Egress {
					if v := f(e); v != "" {
						out = append(out, v)
					}
				}
			}
			return out
		}
	}
	return &kind[naclRec]{
		table: s.nacls, prefix: "acl", id: naclRec.id, notFound: notFoundIDs,
		filters: map[string]func(naclRec) []string{
			"network-acl-id": func(n naclRec) []string { return []string{n.id()} },
			"vpc-id":         func(n naclRec) []string { return []string{*n.VpcId} },
			"owner-id":       func(n naclRec) []string { return []string{*n.OwnerId} },
			"default":        func(n naclRec) []string { return []string{strconv.FormatBool(*n.IsDefault)} },
			"association.subnet-id": func(n naclRec) []string {
				var out []string
				for _, a := range n.Associations {
					out = append(out, *a.SubnetId)
				}
				return out
			},
			"association.association-id": func(n naclRec) []string {
				var out []string
				for _, a := range n.Associations {
					out = append(out, *a.NetworkAclAssociationId)
				}
				return out
			},
			"association.network-acl-id": func(n naclRec) []string { return []string{n.id()} },
			"entry.cidr":                 entry(nil, func(e NetworkAclEntry) string { return ptr.Val(e.CidrBlock) }),
			"entry.egress":               entry(nil, func(e NetworkAclEntry) string { return strconv.FormatBool(*e.Egress) }),
			"entry.protocol":             entry(nil, func(e NetworkAclEntry) string { return *e.Protocol }),
			"entry.rule-action":          entry(nil, func(e NetworkAclEntry) string { return *e.RuleAction }),
			"entry.rule-number":          entry(nil, func(e NetworkAclEntry) string { return strconv.FormatInt(*e.RuleNumber, 10) }),
		},
	}
}

func (s *Service) naclOut(tx *state.Tx, sc state.Scope, n naclRec) NetworkAcl {
	out := n.NetworkAcl
	if out.Associations == nil {
		out.Associations = []NetworkAclAssociation{}
	}
	out.Tags = s.tagList(tx, sc, n.id())
	return out
}

func (s *Service) getNACL(tx *state.Tx, sc state.Scope, id string) (naclRec, error) {
	n, ok := s.nacls.Get(tx, sc, id)
	if !ok {
		return n, notFoundFor(id)
	}
	return n, nil
}

// CreateNetworkAcl creates a network ACL that denies all traffic.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAcl.html
func (s *Service) CreateNetworkAcl(ctx context.Context, in *CreateNetworkAclRequest) (*CreateNetworkAclResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "network-acl")
	if err != nil {
		return nil, err
	}
	out := &CreateNetworkAclResult{ClientToken: in.ClientToken}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getVPC(tx, sc, *in.VpcId); err != nil {
			return err
		}
		n := s.newNetworkACL(tx, sc, *in.VpcId, false)
		s.setTags(tx, sc, n.id(), tags)
		o := s.naclOut(tx, sc, n)
		out.NetworkAcl = &o
		return nil
	})
	return out, err
}

// DescribeNetworkAcls lists network ACLs.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkAcls.html
func (s *Service) DescribeNetworkAcls(ctx context.Context, in *DescribeNetworkAclsRequest) (*DescribeNetworkAclsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeNetworkAclsResult{NetworkAcls: []NetworkAcl{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.nacl, query{in.NetworkAclIds, in.Filters, in.MaxResults, in.NextToken})
		for _, n := range recs {
			out.NetworkAcls = append(out.NetworkAcls, s.naclOut(tx, sc, n))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteNetworkAcl deletes a non-default ACL no subnet uses.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkAcl.html
func (s *Service) DeleteNetworkAcl(ctx context.Context, in *DeleteNetworkAclRequest) (*DeleteNetworkAclOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteNetworkAclOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		n, err := s.getNACL(tx, sc, *in.NetworkAclId)
		if err != nil {
			return err
		}
		if ptr.Val(n.IsDefault) {
			return awserr.New("InvalidParameterValue", 400, "cannot delete default network ACL %s", n.id())
		}
		if len(n.Associations) > 0 {
			return awserr.New("DependencyViolation", 400, "The networkAcl '%s' has dependencies and cannot be deleted.", n.id())
		}
		s.nacls.Delete(tx, sc, n.id())
		s.dropTags(tx, sc, n.id())
		return nil
	})
}

// aclProtocol normalises an ACL entry's protocol to its number.
func aclProtocol(p string) string {
	switch strings.ToLower(p) {
	case "tcp":
		return "6"
	case "udp":
		return "17"
	case "icmp":
		return "1"
	case "all", "-1":
		return "-1"
	}
	return p
}

// entryInput is an ACL entry as CreateNetworkAclEntry and ReplaceNetworkAclEntry take it.
type entryInput struct {
	NetworkAclId  *string
	RuleNumber    *int64
	Egress        *bool
	Protocol      *string
	RuleAction    *string
	CidrBlock     *string
	Ipv6CidrBlock *string
	PortRange     *PortRange
	IcmpTypeCode  *IcmpTypeCode
}

func (s *Service) putEntry(ctx context.Context, in entryInput, replace bool) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	// AWS: rule numbers are 1–32766.
	if n := *in.RuleNumber; n < 1 || n > 32766 {
		return awserr.New("InvalidParameterValue", 400, "Invalid value for parameter ruleNumber: %d", n)
	}
	e := NetworkAclEntry{
		RuleNumber: in.RuleNumber, Egress: in.Egress, Protocol: ptr.To(aclProtocol(*in.Protocol)), RuleAction: in.RuleAction,
	}
	switch {
	case in.CidrBlock != nil:
		p, err := parseCIDR("cidrBlock", *in.CidrBlock)
		if err != nil {
			return err
		}
		e.CidrBlock = ptr.To(p.String())
	case in.Ipv6CidrBlock != nil:
		e.Ipv6CidrBlock = in.Ipv6CidrBlock
	default:
		return awserr.New("MissingParameter", 400, "The request must contain the parameter cidrBlock or ipv6CidrBlock")
	}
	switch *e.Protocol {
	case "6", "17":
		// AWS: TCP and UDP entries need a port range.
		if in.PortRange == nil {
			return awserr.New("InvalidParameterValue", 400, "TCP/UDP protocol requires port range")
		}
		e.PortRange = in.PortRange
	case "1":
		e.IcmpTypeCode = in.IcmpTypeCode
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		n, err := s.getNACL(tx, sc, *in.NetworkAclId)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(n.Entries, func(x NetworkAclEntry) bool { return *x.RuleNumber == *e.RuleNumber && *x.Egress == *e.Egress })
		switch {
		case !replace && i >= 0:
			return awserr.New("NetworkAclEntryAlreadyExists", 400, "The network acl entry identified by %d already exists.", *e.RuleNumber)
		case replace && i < 0:
			return awserr.New("InvalidNetworkAclEntry.NotFound", 400, "The specified rule does not exist in this network acl.")
		}
		entries := slices.Clone(n.Entries)
		if i >= 0 {
			entries[i] = e
		} else {
			entries = append(entries, e)
		}
		sortEntries(entries)
		n.Entries = entries
		s.nacls.Put(tx, sc, n.id(), n)
		return nil
	})
}

// CreateNetworkAclEntry adds a numbered entry to an ACL.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html
func (s *Service) CreateNetworkAclEntry(ctx context.Context, in *CreateNetworkAclEntryRequest) (*CreateNetworkAclEntryOutput, error) {
	return &CreateNetworkAclEntryOutput{}, s.putEntry(ctx, entryInput{in.NetworkAclId, in.RuleNumber, in.Egress, in.Protocol, in.RuleAction, in.CidrBlock, in.Ipv6CidrBlock, in.PortRange, in.IcmpTypeCode}, false)
}

// ReplaceNetworkAclEntry replaces a numbered entry of an ACL.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclEntry.html
func (s *Service) ReplaceNetworkAclEntry(ctx context.Context, in *ReplaceNetworkAclEntryRequest) (*ReplaceNetworkAclEntryOutput, error) {
	return &ReplaceNetworkAclEntryOutput{}, s.putEntry(ctx, entryInput{in.NetworkAclId, in.RuleNumber, in.Egress, in.Protocol, in.RuleAction, in.CidrBlock, in.Ipv6CidrBlock, in.PortRange, in.IcmpTypeCode}, true)
}

// DeleteNetworkAclEntry removes a numbered entry from an ACL.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkAclEntry.html
func (s *Service) DeleteNetworkAclEntry(ctx context.Context, in *DeleteNetworkAclEntryRequest) (*DeleteNetworkAclEntryOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteNetworkAclEntryOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		n, err := s.getNACL(tx, sc, *in.NetworkAclId)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(n.Entries, func(x NetworkAclEntry) bool { return *x.RuleNumber == *in.RuleNumber && *x.Egress == *in.Egress })
		if i < 0 || *in.RuleNumber == lastRule {
			return awserr.New("InvalidNetworkAclEntry.NotFound", 400, "The specified rule does not exist in this network acl.")
		}
		n.Entries = slices.Delete(slices.Clone(n.Entries), i, i+1)
		s.nacls.Put(tx, sc, n.id(), n)
		return nil
	})
}

// ReplaceNetworkAclAssociation moves a subnet to another ACL.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceNetworkAclAssociation.html
func (s *Service) ReplaceNetworkAclAssociation(ctx context.Context, in *ReplaceNetworkAclAssociationRequest) (*ReplaceNetworkAclAssociationResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &ReplaceNetworkAclAssociationResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		to, err := s.getNACL(tx, sc, *in.NetworkAclId)
		if err != nil {
			return err
		}
		var subnet, vpc string
		s.nacls.Ascend(tx, sc, "", func(_ string, n naclRec) bool {
			for _, a := range n.Associations {
				if *a.NetworkAclAssociationId == *in.AssociationId {
					subnet, vpc = *a.SubnetId, *n.VpcId
				}
			}
			return subnet == ""
		})
		if subnet == "" {
			return awserr.New("InvalidAssociationID.NotFound", 400, "The association ID '%s' does not exist", *in.AssociationId)
		}
		if vpc != *to.VpcId {
			return awserr.New("InvalidParameterValue", 400, "Network ACL %s and subnet %s belong to different networks", to.id(), subnet)
		}
		out.NewAssociationId = ptr.To(s.associateNACL(tx, sc, to.id(), subnet))
		return nil
	})
	return out, err
}
