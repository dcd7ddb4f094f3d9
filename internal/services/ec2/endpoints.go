package ec2

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// managedList is an AWS-managed prefix list: the public address ranges of a
// service in a region, which gateway endpoints route to.
type managedList struct {
	ID, Name string
	Service  string // s3 or dynamodb
	CIDRs    []string
}

// managedLists returns the region's AWS-managed prefix lists.
//
// AWS: com.amazonaws.<region>.s3 and com.amazonaws.<region>.dynamodb, with
// ids fixed per region. The ranges here are stand-ins of AWS's shape.
func managedLists(region string) []managedList {
	mk := func(svc string, cidrs ...string) managedList {
		h := sha256.Sum256([]byte(region + "/" + svc))
		return managedList{ID: "pl-" + hex.EncodeToString(h[:4]), Name: "com.amazonaws." + region + "." + svc, Service: svc, CIDRs: cidrs}
	}
	return []managedList{
		mk("s3", "52.219.56.0/22", "52.219.60.0/23", "3.5.140.0/22"),
		mk("dynamodb", "52.94.0.0/22", "52.94.8.0/24"),
	}
}

// ManagedLists is the region's AWS-managed prefix lists, by id, for the network model.
func (s *Service) managedList(region, id string) (managedList, bool) {
	for _, l := range managedLists(region) {
		if l.ID == id {
			return l, true
		}
	}
	return managedList{}, false
}

// DescribePrefixLists lists the AWS-managed prefix lists.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribePrefixLists.html
func (s *Service) DescribePrefixLists(ctx context.Context, in *DescribePrefixListsRequest) (*DescribePrefixListsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var all []PrefixList
	for _, l := range managedLists(sc.Region) {
		if len(in.PrefixListIds) == 0 || slices.Contains(in.PrefixListIds, l.ID) {
			all = append(all, PrefixList{PrefixListId: ptr.To(l.ID), PrefixListName: ptr.To(l.Name), Cidrs: l.CIDRs})
		}
	}
	for _, id := range in.PrefixListIds {
		if _, ok := s.managedList(sc.Region, id); !ok {
			return nil, notFoundFor(id)
		}
	}
	all, err = filterSlice(all, in.Filters, map[string]func(PrefixList) []string{
		"prefix-list-id":   func(p PrefixList) []string { return []string{*p.PrefixListId} },
		"prefix-list-name": func(p PrefixList) []string { return []string{*p.PrefixListName} },
	})
	if err != nil {
		return nil, err
	}
	return &DescribePrefixListsResult{PrefixLists: all}, nil
}

// DescribeManagedPrefixLists lists the AWS-managed prefix lists in their managed form.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html
func (s *Service) DescribeManagedPrefixLists(ctx context.Context, in *DescribeManagedPrefixListsRequest) (*DescribeManagedPrefixListsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var all []ManagedPrefixList
	for _, l := range managedLists(sc.Region) {
		if len(in.PrefixListIds) == 0 || slices.Contains(in.PrefixListIds, l.ID) {
			all = append(all, ManagedPrefixList{
				PrefixListId: ptr.To(l.ID), PrefixListName: ptr.To(l.Name), AddressFamily: ptr.To("IPv4"), State: ptr.To("create-complete"),
				OwnerId: ptr.To("AWS"), Version: ptr.To(int64(1)), Tags: []Tag{},
				PrefixListArn: ptr.To("arn:aws:ec2:" + sc.Region + ":aws:prefix-list/" + l.ID),
			})
		}
	}
	all, err = filterSlice(all, in.Filters, map[string]func(ManagedPrefixList) []string{
		"prefix-list-id":   func(p ManagedPrefixList) []string { return []string{*p.PrefixListId} },
		"prefix-list-name": func(p ManagedPrefixList) []string { return []string{*p.PrefixListName} },
		"owner-id":         func(p ManagedPrefixList) []string { return []string{*p.OwnerId} },
	})
	if err != nil {
		return nil, err
	}
	return &DescribeManagedPrefixListsResult{PrefixLists: all}, nil
}

// GetManagedPrefixListEntries lists a managed prefix list's CIDR blocks.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html
func (s *Service) GetManagedPrefixListEntries(ctx context.Context, in *GetManagedPrefixListEntriesRequest) (*GetManagedPrefixListEntriesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	l, ok := s.managedList(sc.Region, *in.PrefixListId)
	if !ok {
		return nil, notFoundFor(*in.PrefixListId)
	}
	out := &GetManagedPrefixListEntriesResult{}
	for _, c := range l.CIDRs {
		out.Entries = append(out.Entries, PrefixListEntry{Cidr: ptr.To(c)})
	}
	return out, nil
}

// vpceRec is a VPC endpoint.
type vpceRec struct{ VpcEndpoint }

func (e vpceRec) id() string { return *e.VpcEndpointId }

func (s *Service) vpceKind() *kind[vpceRec] {
	return &kind[vpceRec]{
		table: s.vpces, prefix: "vpce", id: vpceRec.id, notFound: notFoundIDs,
		filters: map[string]func(vpceRec) []string{
			"vpc-endpoint-id":    func(e vpceRec) []string { return []string{e.id()} },
			"vpc-id":             func(e vpceRec) []string { return []string{*e.VpcId} },
			"service-name":       func(e vpceRec) []string { return []string{*e.ServiceName} },
			"vpc-endpoint-state": func(e vpceRec) []string { return []string{*e.State} },
			"vpc-endpoint-type":  func(e vpceRec) []string { return []string{*e.VpcEndpointType} },
		},
	}
}

const defaultEndpointPolicy = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// setEndpointRoutes adds (or removes) a gateway endpoint's prefix-list route in route tables.
//
// AWS: a gateway endpoint adds a route destination pl-… → vpce-… to each of its route tables.
func (s *Service) setEndpointRoutes(tx *state.Tx, sc state.Scope, e vpceRec, tables []string, add bool) error {
	l, ok := s.endpointList(sc.Region, *e.ServiceName)
	if !ok {
		return nil
	}
	for _, id := range tables {
		rt, err := s.getRTB(tx, sc, id)
		if err != nil {
			return err
		}
		routes := slices.DeleteFunc(slices.Clone(rt.Routes), func(r Route) bool {
			return ptr.Val(r.DestinationPrefixListId) == l.ID && ptr.Val(r.GatewayId) == e.id()
		})
		if add {
			routes = append(routes, Route{DestinationPrefixListId: ptr.To(l.ID), GatewayId: e.VpcEndpointId, Origin: ptr.To("CreateRoute"), State: ptr.To("active")})
		}
		rt.Routes = routes
		s.rtbs.Put(tx, sc, id, rt)
	}
	return nil
}

// endpointList returns the managed prefix list of a gateway endpoint's service.
func (s *Service) endpointList(region, serviceName string) (managedList, bool) {
	for _, l := range managedLists(region) {
		if l.Name == serviceName {
			return l, true
		}
	}
	return managedList{}, false
}

// CreateVpcEndpoint creates a gateway endpoint (S3, DynamoDB) or an interface endpoint.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
func (s *Service) CreateVpcEndpoint(ctx context.Context, in *CreateVpcEndpointRequest) (*CreateVpcEndpointResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	typ := ptr.Val(in.VpcEndpointType)
	if typ == "" {
		typ = "Gateway"
	}
	name := ptr.Val(in.ServiceName)
	prefix := "com.amazonaws." + sc.Region + "."
	// AWS: gateway endpoints exist for S3 and DynamoDB only.
	if !strings.HasPrefix(name, prefix) || (typ == "Gateway" && name != prefix+"s3" && name != prefix+"dynamodb") {
		return nil, awserr.New("InvalidServiceName", 400, "The Vpc Endpoint Service '%s' does not exist", name)
	}
	tags, err := specTags(in.TagSpecifications, "vpc-endpoint")
	if err != nil {
		return nil, err
	}
	out := &CreateVpcEndpointResult{ClientToken: in.ClientToken}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getVPC(tx, sc, *in.VpcId); err != nil {
			return err
		}
		id := ids.Hex("vpce", 17)
		policy := ptr.Val(in.PolicyDocument)
		if policy == "" {
			policy = defaultEndpointPolicy
		}
		e := vpceRec{VpcEndpoint{
			VpcEndpointId: ptr.To(id), VpcId: in.VpcId, ServiceName: ptr.To(name), VpcEndpointType: ptr.To(typ),
			State: ptr.To("available"), CreationTimestamp: ptr.To(s.now()), OwnerId: ptr.To(sc.Account),
			PolicyDocument: ptr.To(policy), RequesterManaged: ptr.To(false), PrivateDnsEnabled: ptr.To(ptr.Val(in.PrivateDnsEnabled)),
			RouteTableIds: []string{}, SubnetIds: []string{}, NetworkInterfaceIds: []string{}, Groups: []SecurityGroupIdentifier{}, DnsEntries: []DnsEntry{},
			IpAddressType: ptr.To("ipv4"),
		}}
		if typ == "Gateway" {
			e.RouteTableIds = slices.Clone(in.RouteTableIds)
			s.vpces.Put(tx, sc, id, e)
			if err := s.setEndpointRoutes(tx, sc, e, in.RouteTableIds, true); err != nil {
				return err
			}
		} else {
			for _, sub := range in.SubnetIds {
				eni := ids.Hex("eni", 17)
				if _, err := s.allocIP(tx, sc, sub, id, "", nil); err != nil {
					return err
				}
				e.SubnetIds = append(e.SubnetIds, sub)
				e.NetworkInterfaceIds = append(e.NetworkInterfaceIds, eni)
			}
			for _, g := range in.SecurityGroupIds {
				if _, err := s.groupByRef(tx, sc, ptr.To(g), nil, nil); err != nil {
					return err
				}
				e.Groups = append(e.Groups, SecurityGroupIdentifier{GroupId: ptr.To(g)})
			}
			e.DnsEntries = []DnsEntry{{DnsName: ptr.To(id + "." + strings.TrimPrefix(name, prefix) + "." + sc.Region + ".vpce.amazonaws.com"), HostedZoneId: ptr.To("Z1HUB23UULQXV")}}
			s.vpces.Put(tx, sc, id, e)
		}
		s.setTags(tx, sc, id, tags)
		o := e.VpcEndpoint
		o.Tags = s.tagList(tx, sc, id)
		out.VpcEndpoint = &o
		return nil
	})
	return out, err
}

// DescribeVpcEndpoints lists VPC endpoints.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html
func (s *Service) DescribeVpcEndpoints(ctx context.Context, in *DescribeVpcEndpointsRequest) (*DescribeVpcEndpointsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcEndpointsResult{VpcEndpoints: []VpcEndpoint{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.vpce, query{in.VpcEndpointIds, in.Filters, in.MaxResults, in.NextToken})
		for _, e := range recs {
			o := e.VpcEndpoint
			o.Tags = s.tagList(tx, sc, e.id())
			out.VpcEndpoints = append(out.VpcEndpoints, o)
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// ModifyVpcEndpoint changes an endpoint's route tables, subnets, groups or policy.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html
func (s *Service) ModifyVpcEndpoint(ctx context.Context, in *ModifyVpcEndpointRequest) (*ModifyVpcEndpointResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &ModifyVpcEndpointResult{Return: ptr.To(true)}, s.db.Update(ctx, func(tx *state.Tx) error {
		e, ok := s.vpces.Get(tx, sc, *in.VpcEndpointId)
		if !ok {
			return notFoundFor(*in.VpcEndpointId)
		}
		if err := s.setEndpointRoutes(tx, sc, e, in.RemoveRouteTableIds, false); err != nil {
			return err
		}
		if err := s.setEndpointRoutes(tx, sc, e, in.AddRouteTableIds, true); err != nil {
			return err
		}
		rts := slices.DeleteFunc(slices.Clone(e.RouteTableIds), func(id string) bool { return slices.Contains(in.RemoveRouteTableIds, id) })
		e.RouteTableIds = append(rts, in.AddRouteTableIds...)
		subs := slices.DeleteFunc(slices.Clone(e.SubnetIds), func(id string) bool { return slices.Contains(in.RemoveSubnetIds, id) })
		e.SubnetIds = append(subs, in.AddSubnetIds...)
		gs := slices.DeleteFunc(slices.Clone(e.Groups), func(g SecurityGroupIdentifier) bool { return slices.Contains(in.RemoveSecurityGroupIds, *g.GroupId) })
		for _, g := range in.AddSecurityGroupIds {
			gs = append(gs, SecurityGroupIdentifier{GroupId: ptr.To(g)})
		}
		e.Groups = gs
		if in.PolicyDocument != nil {
			e.PolicyDocument = in.PolicyDocument
		}
		if ptr.Val(in.ResetPolicy) {
			e.PolicyDocument = ptr.To(defaultEndpointPolicy)
		}
		if in.PrivateDnsEnabled != nil {
			e.PrivateDnsEnabled = in.PrivateDnsEnabled
		}
		s.vpces.Put(tx, sc, e.id(), e)
		return nil
	})
}

// DeleteVpcEndpoints deletes endpoints; their routes go with them.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html
func (s *Service) DeleteVpcEndpoints(ctx context.Context, in *DeleteVpcEndpointsRequest) (*DeleteVpcEndpointsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DeleteVpcEndpointsResult{Unsuccessful: []UnsuccessfulItem{}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		for _, id := range in.VpcEndpointIds {
			e, ok := s.vpces.Get(tx, sc, id)
			if !ok {
				// AWS: missing endpoints are reported per item, not as a failed call.
				out.Unsuccessful = append(out.Unsuccessful, UnsuccessfulItem{ResourceId: ptr.To(id), Error: &UnsuccessfulItemError{
					Code: ptr.To("InvalidVpcEndpoint.NotFound"), Message: ptr.To("The VPC endpoint '" + id + "' does not exist"),
				}})
				continue
			}
			if err := s.setEndpointRoutes(tx, sc, e, e.RouteTableIds, false); err != nil {
				return err
			}
			for _, sub := range e.SubnetIds {
				s.ips.AscendPrefix(tx, sc, sub+"\x00", func(k, holder string) bool {
					if holder == id {
						defer s.freeIP(tx, sc, sub, strings.TrimPrefix(k, sub+"\x00"))
					}
					return true
				})
			}
			s.vpces.Delete(tx, sc, id)
			s.dropTags(tx, sc, id)
		}
		return nil
	})
	return out, err
}
