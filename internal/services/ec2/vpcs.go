package ec2

import (
	"context"
	"net/netip"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// vpcRec is a VPC and the attributes and defaults AWS keeps beside it.
type vpcRec struct {
	Vpc
	EnableDNSSupport   bool
	EnableDNSHostnames bool
	EnableNAUMetrics   bool
	MainRouteTable     string
	DefaultSG          string
	DefaultNACL        string
}

// cidrs returns the VPC's associated IPv4 blocks.
func (v vpcRec) cidrs() []netip.Prefix {
	var out []netip.Prefix
	for _, a := range v.CidrBlockAssociationSet {
		if a.CidrBlockState != nil && ptr.Val(a.CidrBlockState.State) == "associated" {
			if p, err := netip.ParsePrefix(ptr.Val(a.CidrBlock)); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// dhcpOptionsID is the id of the default DHCP options set every VPC uses.
const dhcpOptionsID = "dopt-0a1b2c3d4e5f60718"

// checkVPCBlock applies AWS's size rule for VPC blocks.
//
// AWS: an IPv4 VPC block is between /16 and /28, else InvalidVpc.Range.
func checkVPCBlock(p netip.Prefix, raw string) error {
	if p.Bits() < 16 || p.Bits() > 28 {
		return awserr.New("InvalidVpc.Range", 400, "The CIDR '%s' is invalid.", raw)
	}
	return nil
}

// newVPC creates a VPC with its main route table, default security group and
// default network ACL, as CreateVpc and the default VPC do.
func (s *Service) newVPC(tx *state.Tx, sc state.Scope, cidr netip.Prefix, isDefault bool, tenancy string) vpcRec {
	id := ids.Hex("vpc", 17)
	if tenancy == "" {
		tenancy = "default"
	}
	v := vpcRec{
		Vpc: Vpc{
			VpcId: ptr.To(id), CidrBlock: ptr.To(cidr.String()), State: ptr.To("available"),
			DhcpOptionsId: ptr.To(dhcpOptionsID), InstanceTenancy: ptr.To(tenancy), IsDefault: ptr.To(isDefault),
			OwnerId: ptr.To(sc.Account),
			CidrBlockAssociationSet: []VpcCidrBlockAssociation{{
				AssociationId: ptr.To(ids.Hex("vpc-cidr-assoc", 17)), CidrBlock: ptr.To(cidr.String()),
				CidrBlockState: &VpcCidrBlockState{State: ptr.To("associated")},
			}},
		},
		// AWS: DNS support is on for every VPC; DNS hostnames only for the default VPC.
		EnableDNSSupport:   true,
		EnableDNSHostnames: isDefault,
	}
	s.vpcs.Put(tx, sc, id, v) // first, so the main table gets the VPC's local route
	v.MainRouteTable = s.newRouteTable(tx, sc, id, true).id()
	v.DefaultSG = s.newSecurityGroup(tx, sc, id, "default", "default VPC security group", true, true).id()
	v.DefaultNACL = s.newNetworkACL(tx, sc, id, true).id()
	s.vpcs.Put(tx, sc, id, v)
	return v
}

func (v vpcRec) id() string { return *v.VpcId }

func (s *Service) vpcKind() *kind[vpcRec] {
	return &kind[vpcRec]{
		table: s.vpcs, prefix: "vpc", id: vpcRec.id, notFound: notFoundIDs,
		filters: map[string]func(vpcRec) []string{
			"vpc-id":     func(v vpcRec) []string { return []string{*v.VpcId} },
			"cidr":       func(v vpcRec) []string { return []string{*v.CidrBlock} },
			"cidr-block": func(v vpcRec) []string { return []string{*v.CidrBlock} },
			"state":      func(v vpcRec) []string { return []string{*v.State} },
			"is-default": func(v vpcRec) []string { return []string{strconv.FormatBool(*v.IsDefault)} },
			// AWS: "isDefault" is accepted too; Terraform's data "aws_vpc" { default = true } sends it.
			"isDefault":        func(v vpcRec) []string { return []string{strconv.FormatBool(*v.IsDefault)} },
			"owner-id":         func(v vpcRec) []string { return []string{*v.OwnerId} },
			"dhcp-options-id":  func(v vpcRec) []string { return []string{*v.DhcpOptionsId} },
			"instance-tenancy": func(v vpcRec) []string { return []string{*v.InstanceTenancy} },
			"cidr-block-association.cidr-block": func(v vpcRec) []string {
				var out []string
				for _, a := range v.CidrBlockAssociationSet {
					out = append(out, *a.CidrBlock)
				}
				return out
			},
			"cidr-block-association.association-id": func(v vpcRec) []string {
				var out []string
				for _, a := range v.CidrBlockAssociationSet {
					out = append(out, *a.AssociationId)
				}
				return out
			},
			"cidr-block-association.state": func(v vpcRec) []string {
				var out []string
				for _, a := range v.CidrBlockAssociationSet {
					out = append(out, *a.CidrBlockState.State)
				}
				return out
			},
		},
	}
}

func (s *Service) vpcOut(tx *state.Tx, sc state.Scope, v vpcRec) Vpc {
	out := v.Vpc
	out.Tags = s.tagList(tx, sc, v.id())
	return out
}

// getVPC returns a VPC or InvalidVpcID.NotFound.
func (s *Service) getVPC(tx *state.Tx, sc state.Scope, id string) (vpcRec, error) {
	v, ok := s.vpcs.Get(tx, sc, id)
	if !ok {
		return v, notFoundFor(id)
	}
	return v, nil
}

// CreateVpc creates a VPC with its main route table, default security group and default network ACL.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html
func (s *Service) CreateVpc(ctx context.Context, in *CreateVpcRequest) (*CreateVpcResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if in.CidrBlock == nil {
		return nil, awserr.New("MissingParameter", 400, "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.")
	}
	p, err := parseCIDR("cidrBlock", *in.CidrBlock)
	if err != nil {
		return nil, err
	}
	if err := checkVPCBlock(p, *in.CidrBlock); err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "vpc")
	if err != nil {
		return nil, err
	}
	out := &CreateVpcResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v := s.newVPC(tx, sc, p, false, ptr.Val(in.InstanceTenancy))
		s.setTags(tx, sc, v.id(), tags)
		vo := s.vpcOut(tx, sc, v)
		// AWS: CreateVpc answers with the VPC pending; it is available at once after.
		vo.State = ptr.To("pending")
		out.Vpc = &vo
		return nil
	})
	return out, err
}

// DescribeVpcs lists VPCs.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html
func (s *Service) DescribeVpcs(ctx context.Context, in *DescribeVpcsRequest) (*DescribeVpcsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcsResult{Vpcs: []Vpc{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.vpc, query{in.VpcIds, in.Filters, in.MaxResults, in.NextToken})
		for _, v := range recs {
			out.Vpcs = append(out.Vpcs, s.vpcOut(tx, sc, v))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteVpc deletes a VPC with nothing left in it; its main route table,
// default security group and default network ACL go with it.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html
func (s *Service) DeleteVpc(ctx context.Context, in *DeleteVpcRequest) (*DeleteVpcOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteVpcOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		v, err := s.getVPC(tx, sc, *in.VpcId)
		if err != nil {
			return err
		}
		// AWS: anything left in the VPC (subnets, an attached gateway,
		// non-default groups, tables and ACLs, endpoints) is DependencyViolation.
		dep := awserr.New("DependencyViolation", 400, "The vpc '%s' has dependencies and cannot be deleted.", v.id())
		busy := false
		s.subnets.Ascend(tx, sc, "", func(_ string, r subnetRec) bool { busy = busy || *r.VpcId == v.id(); return !busy })
		s.igws.Ascend(tx, sc, "", func(_ string, r igwRec) bool { busy = busy || r.attachedTo() == v.id(); return !busy })
		s.sgs.Ascend(tx, sc, "", func(id string, r sgRec) bool { busy = busy || (*r.VpcId == v.id() && id != v.DefaultSG); return !busy })
		s.rtbs.Ascend(tx, sc, "", func(id string, r rtbRec) bool {
			busy = busy || (*r.VpcId == v.id() && id != v.MainRouteTable)
			return !busy
		})
		s.nacls.Ascend(tx, sc, "", func(id string, r naclRec) bool {
			busy = busy || (*r.VpcId == v.id() && id != v.DefaultNACL)
			return !busy
		})
		s.vpces.Ascend(tx, sc, "", func(_ string, r vpceRec) bool {
			busy = busy || (*r.VpcId == v.id() && ptr.Val(r.State) != "deleted")
			return !busy
		})
		if busy {
			return dep
		}
		for _, id := range []string{v.MainRouteTable, v.DefaultSG, v.DefaultNACL} {
			s.rtbs.Delete(tx, sc, id)
			s.sgs.Delete(tx, sc, id)
			s.nacls.Delete(tx, sc, id)
			s.dropTags(tx, sc, id)
		}
		s.vpcs.Delete(tx, sc, v.id())
		s.dropTags(tx, sc, v.id())
		if ptr.Val(v.IsDefault) {
			s.meta.Put(tx, sc, "defaults", "none")
		}
		return nil
	})
}

// DescribeVpcAttribute reports one of a VPC's DNS attributes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcAttribute.html
func (s *Service) DescribeVpcAttribute(ctx context.Context, in *DescribeVpcAttributeRequest) (*DescribeVpcAttributeResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var v vpcRec
	if err := s.db.View(func(tx *state.Tx) error { v, err = s.getVPC(tx, sc, *in.VpcId); return err }); err != nil {
		return nil, err
	}
	out := &DescribeVpcAttributeResult{VpcId: v.VpcId}
	val := func(b bool) *AttributeBooleanValue { return &AttributeBooleanValue{Value: ptr.To(b)} }
	switch *in.Attribute {
	case "enableDnsSupport":
		out.EnableDnsSupport = val(v.EnableDNSSupport)
	case "enableDnsHostnames":
		out.EnableDnsHostnames = val(v.EnableDNSHostnames)
	case "enableNetworkAddressUsageMetrics":
		out.EnableNetworkAddressUsageMetrics = val(v.EnableNAUMetrics)
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", *in.Attribute)
	}
	return out, nil
}

// ModifyVpcAttribute changes one DNS attribute of a VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcAttribute.html
func (s *Service) ModifyVpcAttribute(ctx context.Context, in *ModifyVpcAttributeRequest) (*ModifyVpcAttributeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, a := range []*AttributeBooleanValue{in.EnableDnsSupport, in.EnableDnsHostnames, in.EnableNetworkAddressUsageMetrics} {
		if a != nil {
			n++
		}
	}
	// AWS: exactly one attribute per call.
	if n != 1 {
		return nil, awserr.New("InvalidParameterCombination", 400, "Fields for multiple attribute types specified: enableDnsHostnames, enableDnsSupport")
	}
	return &ModifyVpcAttributeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		v, err := s.getVPC(tx, sc, *in.VpcId)
		if err != nil {
			return err
		}
		if a := in.EnableDnsSupport; a != nil {
			v.EnableDNSSupport = ptr.Val(a.Value)
		}
		if a := in.EnableDnsHostnames; a != nil {
			v.EnableDNSHostnames = ptr.Val(a.Value)
		}
		if a := in.EnableNetworkAddressUsageMetrics; a != nil {
			v.EnableNAUMetrics = ptr.Val(a.Value)
		}
		s.vpcs.Put(tx, sc, v.id(), v)
		return nil
	})
}

// AssociateVpcCidrBlock adds a secondary IPv4 block to a VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html
func (s *Service) AssociateVpcCidrBlock(ctx context.Context, in *AssociateVpcCidrBlockRequest) (*AssociateVpcCidrBlockResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if in.CidrBlock == nil {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter cidrBlock")
	}
	p, err := parseCIDR("cidrBlock", *in.CidrBlock)
	if err != nil {
		return nil, err
	}
	if err := checkVPCBlock(p, *in.CidrBlock); err != nil {
		return nil, err
	}
	out := &AssociateVpcCidrBlockResult{VpcId: in.VpcId}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, err := s.getVPC(tx, sc, *in.VpcId)
		if err != nil {
			return err
		}
		cur := v.cidrs()
		// AWS: at most 5 IPv4 blocks per VPC, none overlapping.
		if len(cur) >= 5 {
			return awserr.New("CidrLimitExceeded", 400, "This network '%s' has met its maximum number of allowed CIDRs: 5", v.id())
		}
		for _, c := range cur {
			if overlaps(c, p) {
				return awserr.New("InvalidVpc.Range", 400, "The CIDR '%s' is invalid.", *in.CidrBlock)
			}
		}
		a := VpcCidrBlockAssociation{
			AssociationId: ptr.To(ids.Hex("vpc-cidr-assoc", 17)), CidrBlock: ptr.To(p.String()),
			CidrBlockState: &VpcCidrBlockState{State: ptr.To("associated")},
		}
		v.CidrBlockAssociationSet = append(append([]VpcCidrBlockAssociation(nil), v.CidrBlockAssociationSet...), a)
		s.vpcs.Put(tx, sc, v.id(), v)
		// AWS: each new block gets a local route in every route table of the VPC.
		s.rtbs.Ascend(tx, sc, "", func(id string, r rtbRec) bool {
			if *r.VpcId == v.id() {
				r.Routes = append([]Route{localRoute(p.String())}, r.Routes...)
				s.rtbs.Put(tx, sc, id, r)
			}
			return true
		})
		a.CidrBlockState = &VpcCidrBlockState{State: ptr.To("associating")}
		out.CidrBlockAssociation = &a
		return nil
	})
	return out, err
}

// DisassociateVpcCidrBlock removes a secondary IPv4 block from a VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateVpcCidrBlock.html
func (s *Service) DisassociateVpcCidrBlock(ctx context.Context, in *DisassociateVpcCidrBlockRequest) (*DisassociateVpcCidrBlockResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DisassociateVpcCidrBlockResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var found *vpcRec
		var idx int
		s.vpcs.Ascend(tx, sc, "", func(_ string, v vpcRec) bool {
			for i, a := range v.CidrBlockAssociationSet {
				if *a.AssociationId == *in.AssociationId {
					found, idx = &v, i
					return false
				}
			}
			return true
		})
		if found == nil {
			return awserr.New("InvalidVpcCidrBlockAssociationID.NotFound", 400, "The vpc CIDR block association ID '%s' does not exist", *in.AssociationId)
		}
		v := *found
		a := v.CidrBlockAssociationSet[idx]
		// AWS: the primary block cannot be removed, nor a block subnets use.
		if idx == 0 {
			return awserr.New("OperationNotPermitted", 400, "The vpc CIDR block with association ID %s may not be disassociated. It is the primary IPv4 CIDR block of the VPC", *in.AssociationId)
		}
		p := netip.MustParsePrefix(*a.CidrBlock)
		var inUse bool
		s.subnets.Ascend(tx, sc, "", func(_ string, r subnetRec) bool {
			inUse = inUse || (*r.VpcId == v.id() && contains(p, r.prefix()))
			return !inUse
		})
		if inUse {
			return awserr.New("InvalidCidrBlock.InUse", 400, "The vpc %s currently has a subnet within CIDR block %s", v.id(), *a.CidrBlock)
		}
		v.CidrBlockAssociationSet = append(append([]VpcCidrBlockAssociation(nil), v.CidrBlockAssociationSet[:idx]...), v.CidrBlockAssociationSet[idx+1:]...)
		s.vpcs.Put(tx, sc, v.id(), v)
		s.rtbs.Ascend(tx, sc, "", func(id string, r rtbRec) bool {
			if *r.VpcId == v.id() {
				var routes []Route
				for _, rt := range r.Routes {
					if !(ptr.Val(rt.GatewayId) == "local" && ptr.Val(rt.DestinationCidrBlock) == *a.CidrBlock) {
						routes = append(routes, rt)
					}
				}
				r.Routes = routes
				s.rtbs.Put(tx, sc, id, r)
			}
			return true
		})
		a.CidrBlockState = &VpcCidrBlockState{State: ptr.To("disassociating")}
		out.CidrBlockAssociation, out.VpcId = &a, v.VpcId
		return nil
	})
	return out, err
}

// ensureDefaults creates the scope's default VPC on its first use.
//
// AWS: every account has, in every region, a default VPC 172.31.0.0/16 with a
// default /20 subnet per zone (public IPs on launch), an attached internet
// gateway and a main route table sending 0.0.0.0/0 to it.
func (s *Service) ensureDefaults(ctx context.Context, sc state.Scope) error {
	done := false
	_ = s.db.View(func(tx *state.Tx) error { _, done = s.meta.Get(tx, sc, "defaults"); return nil })
	if done {
		return nil
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.meta.Get(tx, sc, "defaults"); ok {
			return nil
		}
		v := s.createDefaultVPC(tx, sc)
		s.meta.Put(tx, sc, "defaults", v.id())
		return nil
	})
}

func (s *Service) createDefaultVPC(tx *state.Tx, sc state.Scope) vpcRec {
	block := netip.MustParsePrefix("172.31.0.0/16")
	v := s.newVPC(tx, sc, block, true, "")
	for i, z := range zones(sc.Region) {
		p := netip.PrefixFrom(nth(block, int64(i)*4096), 20)
		s.newSubnet(tx, sc, v.id(), p, z, true, true)
	}
	igw := s.newIGW(tx, sc)
	igw.Attachments = []InternetGatewayAttachment{{State: ptr.To("available"), VpcId: v.VpcId}}
	s.igws.Put(tx, sc, igw.id(), igw)
	rt, _ := s.rtbs.Get(tx, sc, v.MainRouteTable)
	rt.Routes = append(rt.Routes, Route{
		DestinationCidrBlock: ptr.To("0.0.0.0/0"), GatewayId: igw.InternetGatewayId,
		Origin: ptr.To("CreateRoute"), State: ptr.To("active"),
	})
	s.rtbs.Put(tx, sc, rt.id(), rt)
	return v
}

// defaultVPCID returns the id of the scope's default VPC, if it has one.
func (s *Service) defaultVPCID(sc state.Scope) (string, bool) {
	var id string
	_ = s.db.View(func(tx *state.Tx) error { id, _ = s.meta.Get(tx, sc, "defaults"); return nil })
	return id, id != "" && id != "none"
}

// CreateDefaultVpc makes a new default VPC when the scope has none.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultVpc.html
func (s *Service) CreateDefaultVpc(ctx context.Context, in *CreateDefaultVpcRequest) (*CreateDefaultVpcResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &CreateDefaultVpcResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if id, _ := s.meta.Get(tx, sc, "defaults"); id != "none" {
			return awserr.New("DefaultVpcAlreadyExists", 400, "A Default VPC already exists for this account in this region.")
		}
		v := s.createDefaultVPC(tx, sc)
		s.meta.Put(tx, sc, "defaults", v.id())
		vo := s.vpcOut(tx, sc, v)
		out.Vpc = &vo
		return nil
	})
	return out, err
}
