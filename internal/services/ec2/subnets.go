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

// subnetRec is a subnet and the number of its addresses in use.
type subnetRec struct {
	Subnet
	Used int64
}

func (r subnetRec) id() string           { return *r.SubnetId }
func (r subnetRec) prefix() netip.Prefix { return netip.MustParsePrefix(*r.CidrBlock) }
func (r subnetRec) available() int64     { return size(r.prefix()) - 5 - r.Used }
func (r subnetRec) zone() string         { return ptr.Val(r.AvailabilityZone) }
func (r subnetRec) mapPublic() bool      { return ptr.Val(r.MapPublicIpOnLaunch) }

// newSubnet creates a subnet associated with its VPC's default network ACL.
func (s *Service) newSubnet(tx *state.Tx, sc state.Scope, vpcID string, p netip.Prefix, z zone, defaultForAz, mapPublic bool) subnetRec {
	id := ids.Hex("subnet", 17)
	r := subnetRec{Subnet: Subnet{
		SubnetId: ptr.To(id), VpcId: ptr.To(vpcID), CidrBlock: ptr.To(p.String()),
		AvailabilityZone: ptr.To(z.Name), AvailabilityZoneId: ptr.To(z.ID),
		DefaultForAz: ptr.To(defaultForAz), MapPublicIpOnLaunch: ptr.To(mapPublic),
		State: ptr.To("available"), OwnerId: ptr.To(sc.Account),
		SubnetArn:                   ptr.To("arn:aws:ec2:" + sc.Region + ":" + sc.Account + ":subnet/" + id),
		AssignIpv6AddressOnCreation: ptr.To(false), MapCustomerOwnedIpOnLaunch: ptr.To(false),
		EnableDns64: ptr.To(false), Ipv6Native: ptr.To(false),
		PrivateDnsNameOptionsOnLaunch: &PrivateDnsNameOptionsOnLaunch{
			HostnameType: ptr.To("ip-name"), EnableResourceNameDnsARecord: ptr.To(false), EnableResourceNameDnsAAAARecord: ptr.To(false),
		},
	}}
	s.subnets.Put(tx, sc, id, r)
	if v, ok := s.vpcs.Get(tx, sc, vpcID); ok && v.DefaultNACL != "" {
		s.associateNACL(tx, sc, v.DefaultNACL, id)
	}
	return r
}

func (s *Service) subnetKind() *kind[subnetRec] {
	one := func(f func(subnetRec) string) func(subnetRec) []string {
		return func(r subnetRec) []string { return []string{f(r)} }
	}
	return &kind[subnetRec]{
		table: s.subnets, prefix: "subnet", id: subnetRec.id, notFound: notFoundIDs,
		filters: map[string]func(subnetRec) []string{
			"subnet-id":                  one(subnetRec.id),
			"vpc-id":                     one(func(r subnetRec) string { return *r.VpcId }),
			"cidr":                       one(func(r subnetRec) string { return *r.CidrBlock }),
			"cidr-block":                 one(func(r subnetRec) string { return *r.CidrBlock }),
			"cidrBlock":                  one(func(r subnetRec) string { return *r.CidrBlock }),
			"availability-zone":          one(subnetRec.zone),
			"availabilityZone":           one(subnetRec.zone),
			"availability-zone-id":       one(func(r subnetRec) string { return *r.AvailabilityZoneId }),
			"default-for-az":             one(func(r subnetRec) string { return strconv.FormatBool(*r.DefaultForAz) }),
			"defaultForAz":               one(func(r subnetRec) string { return strconv.FormatBool(*r.DefaultForAz) }),
			"map-public-ip-on-launch":    one(func(r subnetRec) string { return strconv.FormatBool(r.mapPublic()) }),
			"state":                      one(func(r subnetRec) string { return *r.State }),
			"owner-id":                   one(func(r subnetRec) string { return *r.OwnerId }),
			"subnet-arn":                 one(func(r subnetRec) string { return *r.SubnetArn }),
			"available-ip-address-count": one(func(r subnetRec) string { return strconv.FormatInt(r.available(), 10) }),
		},
	}
}

func (s *Service) subnetOut(tx *state.Tx, sc state.Scope, r subnetRec) Subnet {
	out := r.Subnet
	out.AvailableIpAddressCount = ptr.To(r.available())
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

func (s *Service) getSubnet(tx *state.Tx, sc state.Scope, id string) (subnetRec, error) {
	r, ok := s.subnets.Get(tx, sc, id)
	if !ok {
		return r, notFoundFor(id)
	}
	return r, nil
}

// CreateSubnet creates a subnet in a VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html
func (s *Service) CreateSubnet(ctx context.Context, in *CreateSubnetRequest) (*CreateSubnetResult, error) {
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
	z := zones(sc.Region)[0]
	if n := ptr.Val(in.AvailabilityZone) + ptr.Val(in.AvailabilityZoneId); n != "" {
		var ok bool
		if z, ok = zoneByName(sc.Region, n); !ok {
			return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", n, zoneList(sc.Region))
		}
	}
	tags, err := specTags(in.TagSpecifications, "subnet")
	if err != nil {
		return nil, err
	}
	out := &CreateSubnetResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, err := s.getVPC(tx, sc, *in.VpcId)
		if err != nil {
			return err
		}
		// AWS: the block is /16–/28 and inside one of the VPC's blocks
		// (InvalidSubnet.Range), and overlaps no other subnet (InvalidSubnet.Conflict).
		inside := false
		for _, c := range v.cidrs() {
			inside = inside || contains(c, p)
		}
		if !inside || p.Bits() < 16 || p.Bits() > 28 {
			return awserr.New("InvalidSubnet.Range", 400, "The CIDR '%s' is invalid.", *in.CidrBlock)
		}
		var conflict error
		s.subnets.Ascend(tx, sc, "", func(_ string, r subnetRec) bool {
			if *r.VpcId == v.id() && overlaps(r.prefix(), p) {
				conflict = awserr.New("InvalidSubnet.Conflict", 400, "The CIDR '%s' conflicts with another subnet", *in.CidrBlock)
			}
			return conflict == nil
		})
		if conflict != nil {
			return conflict
		}
		r := s.newSubnet(tx, sc, v.id(), p, z, false, false)
		s.setTags(tx, sc, r.id(), tags)
		so := s.subnetOut(tx, sc, r)
		out.Subnet = &so
		return nil
	})
	return out, err
}

func zoneList(region string) string {
	var out string
	for i, z := range zones(region) {
		if i > 0 {
			out += ", "
		}
		out += z.Name
	}
	return out
}

// DescribeSubnets lists subnets.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
func (s *Service) DescribeSubnets(ctx context.Context, in *DescribeSubnetsRequest) (*DescribeSubnetsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeSubnetsResult{Subnets: []Subnet{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.subnet, query{in.SubnetIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.Subnets = append(out.Subnets, s.subnetOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteSubnet deletes a subnet nothing uses; its route table and network
// ACL associations go with it.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html
func (s *Service) DeleteSubnet(ctx context.Context, in *DeleteSubnetRequest) (*DeleteSubnetOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteSubnetOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getSubnet(tx, sc, *in.SubnetId)
		if err != nil {
			return err
		}
		// AWS: a subnet holding instances, interfaces or NAT gateways is DependencyViolation.
		if r.Used > 0 {
			return awserr.New("DependencyViolation", 400, "The subnet '%s' has dependencies and cannot be deleted.", r.id())
		}
		s.rtbs.Ascend(tx, sc, "", func(id string, rt rtbRec) bool {
			if rt.dropSubnet(r.id()) {
				s.rtbs.Put(tx, sc, id, rt)
			}
			return true
		})
		s.nacls.Ascend(tx, sc, "", func(id string, n naclRec) bool {
			if n.dropSubnet(r.id()) {
				s.nacls.Put(tx, sc, id, n)
			}
			return true
		})
		s.subnets.Delete(tx, sc, r.id())
		s.dropTags(tx, sc, r.id())
		return nil
	})
}

// ModifySubnetAttribute changes a subnet's launch attributes (public IPs on launch, DNS names).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html
func (s *Service) ModifySubnetAttribute(ctx context.Context, in *ModifySubnetAttributeRequest) (*ModifySubnetAttributeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &ModifySubnetAttributeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getSubnet(tx, sc, *in.SubnetId)
		if err != nil {
			return err
		}
		if a := in.MapPublicIpOnLaunch; a != nil {
			r.MapPublicIpOnLaunch = ptr.To(ptr.Val(a.Value))
		}
		if a := in.AssignIpv6AddressOnCreation; a != nil {
			r.AssignIpv6AddressOnCreation = ptr.To(ptr.Val(a.Value))
		}
		if a := in.MapCustomerOwnedIpOnLaunch; a != nil {
			r.MapCustomerOwnedIpOnLaunch = ptr.To(ptr.Val(a.Value))
		}
		if a := in.EnableDns64; a != nil {
			r.EnableDns64 = ptr.To(ptr.Val(a.Value))
		}
		o := *r.PrivateDnsNameOptionsOnLaunch
		if a := in.EnableResourceNameDnsARecordOnLaunch; a != nil {
			o.EnableResourceNameDnsARecord = ptr.To(ptr.Val(a.Value))
		}
		if a := in.EnableResourceNameDnsAAAARecordOnLaunch; a != nil {
			o.EnableResourceNameDnsAAAARecord = ptr.To(ptr.Val(a.Value))
		}
		if in.PrivateDnsHostnameTypeOnLaunch != nil {
			o.HostnameType = in.PrivateDnsHostnameTypeOnLaunch
		}
		r.PrivateDnsNameOptionsOnLaunch = &o
		s.subnets.Put(tx, sc, r.id(), r)
		return nil
	})
}

// allocIP takes a free private address of a subnet for holder: want if given,
// else the lowest free one at or after *hint (advanced past the address taken).
//
// AWS: the five reserved addresses are never assigned; a full subnet is
// InsufficientFreeAddressesInSubnet; a taken address is InvalidIPAddress.InUse.
func (s *Service) allocIP(tx *state.Tx, sc state.Scope, subnetID, holder, want string, hint *int64) (string, error) {
	r, err := s.getSubnet(tx, sc, subnetID)
	if err != nil {
		return "", err
	}
	p := r.prefix()
	key := func(ip netip.Addr) string { return subnetID + "\x00" + ip.String() }
	take := func(ip netip.Addr) string {
		s.ips.Put(tx, sc, key(ip), holder)
		r.Used++
		s.subnets.Put(tx, sc, subnetID, r)
		return ip.String()
	}
	if want != "" {
		ip, err := netip.ParseAddr(want)
		if err != nil || !p.Contains(ip) || reserved(p, ip) {
			return "", awserr.New("InvalidParameterValue", 400, "Address %s does not fall within the subnet's address range", want)
		}
		if _, used := s.ips.Get(tx, sc, key(ip)); used {
			return "", awserr.New("InvalidIPAddress.InUse", 400, "Address %s is in use.", want)
		}
		return take(ip), nil
	}
	if r.available() <= 0 {
		return "", awserr.New("InsufficientFreeAddressesInSubnet", 400, "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", subnetID)
	}
	n := int64(4)
	if hint != nil && *hint > n {
		n = *hint
	}
	for ; n < size(p)-1; n++ {
		ip := nth(p, n)
		if _, used := s.ips.Get(tx, sc, key(ip)); !used {
			if hint != nil {
				*hint = n + 1
			}
			return take(ip), nil
		}
	}
	if hint != nil && *hint > 4 {
		*hint = 4
		return s.allocIP(tx, sc, subnetID, holder, "", hint)
	}
	return "", awserr.New("InsufficientFreeAddressesInSubnet", 400, "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", subnetID)
}

// freeIP releases a private address.
func (s *Service) freeIP(tx *state.Tx, sc state.Scope, subnetID, ip string) {
	if ip == "" || !s.ips.Delete(tx, sc, subnetID+"\x00"+ip) {
		return
	}
	if r, ok := s.subnets.Get(tx, sc, subnetID); ok {
		r.Used--
		s.subnets.Put(tx, sc, subnetID, r)
	}
}
