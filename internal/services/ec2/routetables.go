package ec2

import (
	"context"
	"net/netip"
	"slices"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// rtbRec is a route table with its routes and associations.
type rtbRec struct{ RouteTable }

func (r rtbRec) id() string { return *r.RouteTableId }

// isMain reports whether the table is its VPC's main table.
func (r rtbRec) isMain() bool {
	return slices.ContainsFunc(r.Associations, func(a RouteTableAssociation) bool { return ptr.Val(a.Main) })
}

// dropSubnet removes the table's association with a subnet, reporting whether it had one.
func (r *rtbRec) dropSubnet(subnetID string) bool {
	i := slices.IndexFunc(r.Associations, func(a RouteTableAssociation) bool { return ptr.Val(a.SubnetId) == subnetID })
	if i < 0 {
		return false
	}
	r.Associations = slices.Delete(slices.Clone(r.Associations), i, i+1)
	return true
}

func localRoute(cidr string) Route {
	return Route{DestinationCidrBlock: ptr.To(cidr), GatewayId: ptr.To("local"), Origin: ptr.To("CreateRouteTable"), State: ptr.To("active")}
}

// newRouteTable creates a route table with the local routes of its VPC.
// During CreateVpc the VPC record is not written yet; its block is the table's
// first local route then, set by the caller through the VPC's cidrs.
func (s *Service) newRouteTable(tx *state.Tx, sc state.Scope, vpcID string, main bool) rtbRec {
	id := ids.Hex("rtb", 17)
	r := rtbRec{RouteTable{RouteTableId: ptr.To(id), VpcId: ptr.To(vpcID), OwnerId: ptr.To(sc.Account), PropagatingVgws: []PropagatingVgw{}}}
	if v, ok := s.vpcs.Get(tx, sc, vpcID); ok {
		for _, c := range v.cidrs() {
			r.Routes = append(r.Routes, localRoute(c.String()))
		}
	}
	if main {
		r.Associations = []RouteTableAssociation{{
			Main: ptr.To(true), RouteTableAssociationId: ptr.To(ids.Hex("rtbassoc", 17)), RouteTableId: ptr.To(id),
			AssociationState: &RouteTableAssociationState{State: ptr.To("associated")},
		}}
	}
	s.rtbs.Put(tx, sc, id, r)
	return r
}

func (s *Service) rtbKind() *kind[rtbRec] {
	assoc := func(f func(RouteTableAssociation) string) func(rtbRec) []string {
		return func(r rtbRec) []string {
			var out []string
			for _, a := range r.Associations {
				if v := f(a); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	route := func(f func(Route) string) func(rtbRec) []string {
		return func(r rtbRec) []string {
			var out []string
			for _, rt := range r.Routes {
				if v := f(rt); v != "" {
					out = append(out, v)
				}
			}
			return out
		}
	}
	return &kind[rtbRec]{
		table: s.rtbs, prefix: "rtb", id: rtbRec.id, notFound: notFoundIDs,
		filters: map[string]func(rtbRec) []string{
			"route-table-id": func(r rtbRec) []string { return []string{r.id()} },
			"vpc-id":         func(r rtbRec) []string { return []string{*r.VpcId} },
			"owner-id":       func(r rtbRec) []string { return []string{*r.OwnerId} },
			"association.main": func(r rtbRec) []string {
				return []string{strconv.FormatBool(r.isMain())}
			},
			"association.subnet-id":                  assoc(func(a RouteTableAssociation) string { return ptr.Val(a.SubnetId) }),
			"association.gateway-id":                 assoc(func(a RouteTableAssociation) string { return ptr.Val(a.GatewayId) }),
			"association.route-table-association-id": assoc(func(a RouteTableAssociation) string { return ptr.Val(a.RouteTableAssociationId) }),
			"association.route-table-id":             assoc(func(a RouteTableAssociation) string { return ptr.Val(a.RouteTableId) }),
			"route.destination-cidr-block":           route(func(r Route) string { return ptr.Val(r.DestinationCidrBlock) }),
			"route.destination-prefix-list-id":       route(func(r Route) string { return ptr.Val(r.DestinationPrefixListId) }),
			"route.gateway-id":                       route(func(r Route) string { return ptr.Val(r.GatewayId) }),
			"route.nat-gateway-id":                   route(func(r Route) string { return ptr.Val(r.NatGatewayId) }),
			"route.instance-id":                      route(func(r Route) string { return ptr.Val(r.InstanceId) }),
			"route.vpc-peering-connection-id":        route(func(r Route) string { return ptr.Val(r.VpcPeeringConnectionId) }),
			"route.origin":                           route(func(r Route) string { return ptr.Val(r.Origin) }),
			"route.state":                            route(func(r Route) string { return ptr.Val(r.State) }),
		},
	}
}

// routeState is "active", or "blackhole" when the route's target is gone.
func (s *Service) routeState(tx *state.Tx, sc state.Scope, vpcID string, r Route) string {
	switch {
	case r.NatGatewayId != nil:
		n, ok := s.nats.Get(tx, sc, *r.NatGatewayId)
		if !ok || ptr.Val(s.settleNAT(n).State) != "available" && ptr.Val(s.settleNAT(n).State) != "pending" {
			return "blackhole"
		}
	case r.GatewayId != nil && idPrefix(*r.GatewayId) == "igw":
		g, ok := s.igws.Get(tx, sc, *r.GatewayId)
		if !ok || g.attachedTo() != vpcID {
			return "blackhole"
		}
	case r.InstanceId != nil:
		i, ok := s.instances.Get(tx, sc, *r.InstanceId)
		if !ok || s.settleInstance(i).stateName() != "running" {
			return "blackhole"
		}
	case r.VpcPeeringConnectionId != nil:
		// AWS: a route to a peering connection is a blackhole until it is active, and again once deleted.
		p, ok := s.peerings.Get(tx, sc, *r.VpcPeeringConnectionId)
		if !ok || !s.settlePeering(p).active() {
			return "blackhole"
		}
	}
	return "active"
}

func (s *Service) rtbOut(tx *state.Tx, sc state.Scope, r rtbRec) RouteTable {
	out := r.RouteTable
	out.Routes = make([]Route, len(r.Routes))
	for i, rt := range r.Routes {
		rt.State = ptr.To(s.routeState(tx, sc, *r.VpcId, rt))
		out.Routes[i] = rt
	}
	if out.Associations == nil {
		out.Associations = []RouteTableAssociation{}
	}
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

func (s *Service) getRTB(tx *state.Tx, sc state.Scope, id string) (rtbRec, error) {
	r, ok := s.rtbs.Get(tx, sc, id)
	if !ok {
		return r, notFoundFor(id)
	}
	return r, nil
}

// CreateRouteTable creates a route table holding its VPC's local routes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRouteTable.html
func (s *Service) CreateRouteTable(ctx context.Context, in *CreateRouteTableRequest) (*CreateRouteTableResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "route-table")
	if err != nil {
		return nil, err
	}
	out := &CreateRouteTableResult{ClientToken: in.ClientToken}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getVPC(tx, sc, *in.VpcId); err != nil {
			return err
		}
		r := s.newRouteTable(tx, sc, *in.VpcId, false)
		s.setTags(tx, sc, r.id(), tags)
		o := s.rtbOut(tx, sc, r)
		out.RouteTable = &o
		return nil
	})
	return out, err
}

// DescribeRouteTables lists route tables.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRouteTables.html
func (s *Service) DescribeRouteTables(ctx context.Context, in *DescribeRouteTablesRequest) (*DescribeRouteTablesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeRouteTablesResult{RouteTables: []RouteTable{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.rtb, query{in.RouteTableIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.RouteTables = append(out.RouteTables, s.rtbOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteRouteTable deletes a route table that is neither main nor associated.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRouteTable.html
func (s *Service) DeleteRouteTable(ctx context.Context, in *DeleteRouteTableRequest) (*DeleteRouteTableOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteRouteTableOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getRTB(tx, sc, *in.RouteTableId)
		if err != nil {
			return err
		}
		if len(r.Associations) > 0 {
			return awserr.New("DependencyViolation", 400, "The routeTable '%s' has dependencies and cannot be deleted.", r.id())
		}
		s.rtbs.Delete(tx, sc, r.id())
		s.dropTags(tx, sc, r.id())
		return nil
	})
}

// routeInput is the destination and target shared by CreateRoute and ReplaceRoute.
type routeInput struct {
	RouteTableId, DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId *string
	GatewayId, NatGatewayId, InstanceId, NetworkInterfaceId, VpcPeeringConnectionId       *string
	VpcEndpointId, TransitGatewayId, EgressOnlyInternetGatewayId, CarrierGatewayId        *string
	LocalGatewayId, CoreNetworkArn                                                        *string
}

// dest returns the route's destination key and whether one was given.
func (in routeInput) dest() (string, error) {
	switch {
	case in.DestinationCidrBlock != nil:
		p, err := parseCIDR("destinationCidrBlock", *in.DestinationCidrBlock)
		if err != nil {
			return "", err
		}
		return p.String(), nil
	case in.DestinationIpv6CidrBlock != nil:
		p, err := netip.ParsePrefix(*in.DestinationIpv6CidrBlock)
		if err != nil {
			return "", awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter destinationIpv6CidrBlock is invalid.", *in.DestinationIpv6CidrBlock)
		}
		return p.Masked().String(), nil
	case in.DestinationPrefixListId != nil:
		return *in.DestinationPrefixListId, nil
	}
	return "", awserr.New("MissingParameter", 400, "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")
}

func routeDest(r Route) string {
	switch {
	case r.DestinationCidrBlock != nil:
		return *r.DestinationCidrBlock
	case r.DestinationIpv6CidrBlock != nil:
		return *r.DestinationIpv6CidrBlock
	}
	return ptr.Val(r.DestinationPrefixListId)
}

// buildRoute checks a route's target and returns the route.
//
// AWS: exactly one target; it must exist and belong to the table's VPC.
func (s *Service) buildRoute(tx *state.Tx, sc state.Scope, rt rtbRec, in routeInput, dest string) (Route, error) {
	r := Route{Origin: ptr.To("CreateRoute"), State: ptr.To("active")}
	switch {
	case in.DestinationCidrBlock != nil:
		r.DestinationCidrBlock = ptr.To(dest)
	case in.DestinationIpv6CidrBlock != nil:
		r.DestinationIpv6CidrBlock = ptr.To(dest)
	default:
		r.DestinationPrefixListId = ptr.To(dest)
	}
	n := 0
	for _, t := range []*string{in.GatewayId, in.NatGatewayId, in.InstanceId, in.NetworkInterfaceId, in.VpcPeeringConnectionId,
		in.VpcEndpointId, in.TransitGatewayId, in.EgressOnlyInternetGatewayId, in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn} {
		if t != nil {
			n++
		}
	}
	if n != 1 {
		return r, awserr.New("InvalidParameterCombination", 400, "The parameter combination is not valid: exactly one route target must be specified.")
	}
	vpc := *rt.VpcId
	switch {
	case in.GatewayId != nil:
		g := *in.GatewayId
		switch idPrefix(g) {
		case "igw":
			igw, ok := s.igws.Get(tx, sc, g)
			if !ok {
				return r, awserr.New("InvalidGatewayID.NotFound", 400, "The gateway ID '%s' does not exist", g)
			}
			if igw.attachedTo() != vpc {
				return r, awserr.New("InvalidParameterValue", 400, "route table %s and network gateway %s belong to different networks", rt.id(), g)
			}
		case "vpce":
			if _, ok := s.vpces.Get(tx, sc, g); !ok {
				return r, notFoundFor(g)
			}
		case "vgw":
		default:
			return r, awserr.New("InvalidGatewayID.NotFound", 400, "The gateway ID '%s' does not exist", g)
		}
		r.GatewayId = in.GatewayId
	case in.NatGatewayId != nil:
		nat, ok := s.nats.Get(tx, sc, *in.NatGatewayId)
		if !ok || ptr.Val(s.settleNAT(nat).State) == "deleted" {
			return r, notFoundFor(*in.NatGatewayId)
		}
		if *nat.VpcId != vpc {
			return r, awserr.New("InvalidParameterValue", 400, "route table %s and NAT gateway %s belong to different networks", rt.id(), *in.NatGatewayId)
		}
		r.NatGatewayId = in.NatGatewayId
	case in.InstanceId != nil, in.NetworkInterfaceId != nil:
		var inst instanceRec
		var ok bool
		if in.InstanceId != nil {
			inst, ok = s.instances.Get(tx, sc, *in.InstanceId)
			if !ok {
				return r, notFoundFor(*in.InstanceId)
			}
		} else if inst, ok = s.instanceByENI(tx, sc, *in.NetworkInterfaceId); !ok {
			return r, notFoundFor(*in.NetworkInterfaceId)
		}
		if ptr.Val(inst.VpcId) != vpc {
			return r, awserr.New("InvalidParameterValue", 400, "route table %s and interface %s belong to different networks", rt.id(), inst.ENI)
		}
		r.InstanceId, r.InstanceOwnerId, r.NetworkInterfaceId = inst.InstanceId, ptr.To(sc.Account), ptr.To(inst.ENI)
	case in.VpcEndpointId != nil:
		if _, ok := s.vpces.Get(tx, sc, *in.VpcEndpointId); !ok {
			return r, notFoundFor(*in.VpcEndpointId)
		}
		r.GatewayId = in.VpcEndpointId
	case in.VpcPeeringConnectionId != nil:
		// AWS: the connection must exist, be live, and join the table's VPC to another.
		pcx, err := s.getPeering(tx, sc, *in.VpcPeeringConnectionId)
		if err != nil {
			return r, err
		}
		if pcx.ended() {
			return r, awserr.New("InvalidVpcPeeringConnectionID.NotFound", 400, "The vpcPeeringConnection ID '%s' does not exist", pcx.id())
		}
		if pcx.peerOf(vpc) == "" {
			return r, awserr.New("InvalidParameterValue", 400, "route table %s and VPC peering connection %s belong to different networks", rt.id(), pcx.id())
		}
		r.VpcPeeringConnectionId = in.VpcPeeringConnectionId
	default:
		r.TransitGatewayId = in.TransitGatewayId
		r.EgressOnlyInternetGatewayId, r.CarrierGatewayId = in.EgressOnlyInternetGatewayId, in.CarrierGatewayId
		r.LocalGatewayId, r.CoreNetworkArn = in.LocalGatewayId, in.CoreNetworkArn
	}
	return r, nil
}

// CreateRoute adds a route to a route table.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html
func (s *Service) CreateRoute(ctx context.Context, in *CreateRouteRequest) (*CreateRouteResult, error) {
	ri := routeInput{in.RouteTableId, in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId,
		in.GatewayId, in.NatGatewayId, in.InstanceId, in.NetworkInterfaceId, in.VpcPeeringConnectionId,
		in.VpcEndpointId, in.TransitGatewayId, in.EgressOnlyInternetGatewayId, in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn}
	return &CreateRouteResult{Return: ptr.To(true)}, s.putRoute(ctx, ri, false)
}

// ReplaceRoute changes the target of an existing route.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRoute.html
func (s *Service) ReplaceRoute(ctx context.Context, in *ReplaceRouteRequest) (*ReplaceRouteOutput, error) {
	ri := routeInput{in.RouteTableId, in.DestinationCidrBlock, in.DestinationIpv6CidrBlock, in.DestinationPrefixListId,
		in.GatewayId, in.NatGatewayId, in.InstanceId, in.NetworkInterfaceId, in.VpcPeeringConnectionId,
		in.VpcEndpointId, in.TransitGatewayId, in.EgressOnlyInternetGatewayId, in.CarrierGatewayId, in.LocalGatewayId, in.CoreNetworkArn}
	return &ReplaceRouteOutput{}, s.putRoute(ctx, ri, true)
}

func (s *Service) putRoute(ctx context.Context, in routeInput, replace bool) error {
	sc, err := s.scope(ctx)
	if err != nil {
		return err
	}
	dest, err := in.dest()
	if err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		rt, err := s.getRTB(tx, sc, *in.RouteTableId)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rt.Routes, func(r Route) bool { return routeDest(r) == dest })
		switch {
		case replace && i < 0:
			return awserr.New("InvalidRoute.NotFound", 400, "There is no route defined for '%s' in the route table. Use CreateRoute instead.", dest)
		case !replace && i >= 0:
			// AWS: one route per destination.
			return awserr.New("RouteAlreadyExists", 400, "The route identified by %s already exists.", dest)
		case replace && ptr.Val(rt.Routes[i].GatewayId) == "local":
			return awserr.New("InvalidParameterValue", 400, "cannot replace local route %s in route table %s", dest, rt.id())
		}
		r, err := s.buildRoute(tx, sc, rt, in, dest)
		if err != nil {
			return err
		}
		routes := slices.Clone(rt.Routes)
		if i >= 0 {
			routes[i] = r
		} else {
			routes = append(routes, r)
		}
		rt.Routes = routes
		s.rtbs.Put(tx, sc, rt.id(), rt)
		return nil
	})
}

// DeleteRoute removes a route from a route table.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteRoute.html
func (s *Service) DeleteRoute(ctx context.Context, in *DeleteRouteRequest) (*DeleteRouteOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	dest, err := routeInput{DestinationCidrBlock: in.DestinationCidrBlock, DestinationIpv6CidrBlock: in.DestinationIpv6CidrBlock, DestinationPrefixListId: in.DestinationPrefixListId}.dest()
	if err != nil {
		return nil, err
	}
	return &DeleteRouteOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		rt, err := s.getRTB(tx, sc, *in.RouteTableId)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rt.Routes, func(r Route) bool { return routeDest(r) == dest })
		if i < 0 {
			return awserr.New("InvalidRoute.NotFound", 400, "no route with destination-cidr-block %s in route table %s", dest, rt.id())
		}
		if ptr.Val(rt.Routes[i].GatewayId) == "local" {
			return awserr.New("InvalidParameterValue", 400, "cannot remove local route %s in route table %s", dest, rt.id())
		}
		rt.Routes = slices.Delete(slices.Clone(rt.Routes), i, i+1)
		s.rtbs.Put(tx, sc, rt.id(), rt)
		return nil
	})
}

// AssociateRouteTable associates a route table with a subnet (or an edge gateway).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html
func (s *Service) AssociateRouteTable(ctx context.Context, in *AssociateRouteTableRequest) (*AssociateRouteTableResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &AssociateRouteTableResult{AssociationState: &RouteTableAssociationState{State: ptr.To("associated")}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		rt, err := s.getRTB(tx, sc, *in.RouteTableId)
		if err != nil {
			return err
		}
		a := RouteTableAssociation{
			Main: ptr.To(false), RouteTableAssociationId: ptr.To(ids.Hex("rtbassoc", 17)), RouteTableId: rt.RouteTableId,
			AssociationState: &RouteTableAssociationState{State: ptr.To("associated")},
		}
		switch {
		case in.SubnetId != nil:
			sub, err := s.getSubnet(tx, sc, *in.SubnetId)
			if err != nil {
				return err
			}
			if *sub.VpcId != *rt.VpcId {
				return awserr.New("InvalidParameterValue", 400, "Route table %s and subnet %s belong to different networks", rt.id(), sub.id())
			}
			// AWS: a subnet has one explicit association.
			if cur, _, ok := s.subnetRTB(tx, sc, sub.id()); ok {
				return awserr.New("Resource.AlreadyAssociated", 400, "the specified association for route table %s conflicts with an existing association", cur)
			}
			a.SubnetId = in.SubnetId
		case in.GatewayId != nil:
			a.GatewayId = in.GatewayId
		default:
			return awserr.New("MissingParameter", 400, "Either subnet id or gateway id must be specified")
		}
		rt.Associations = append(slices.Clone(rt.Associations), a)
		s.rtbs.Put(tx, sc, rt.id(), rt)
		out.AssociationId = a.RouteTableAssociationId
		return nil
	})
	return out, err
}

// subnetRTB returns the table explicitly associated with a subnet, and the association id.
func (s *Service) subnetRTB(tx *state.Tx, sc state.Scope, subnetID string) (rtb, assoc string, ok bool) {
	s.rtbs.Ascend(tx, sc, "", func(id string, r rtbRec) bool {
		for _, a := range r.Associations {
			if ptr.Val(a.SubnetId) == subnetID {
				rtb, assoc, ok = id, *a.RouteTableAssociationId, true
				return false
			}
		}
		return true
	})
	return
}

// findAssociation returns the route table holding an association.
func (s *Service) findAssociation(tx *state.Tx, sc state.Scope, assocID string) (rtbRec, int, error) {
	var found rtbRec
	idx := -1
	s.rtbs.Ascend(tx, sc, "", func(_ string, r rtbRec) bool {
		if i := slices.IndexFunc(r.Associations, func(a RouteTableAssociation) bool { return *a.RouteTableAssociationId == assocID }); i >= 0 {
			found, idx = r, i
			return false
		}
		return true
	})
	if idx < 0 {
		return found, -1, awserr.New("InvalidAssociationID.NotFound", 400, "The association ID '%s' does not exist", assocID)
	}
	return found, idx, nil
}

// ReplaceRouteTableAssociation moves an association (explicit or main) to another table.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReplaceRouteTableAssociation.html
func (s *Service) ReplaceRouteTableAssociation(ctx context.Context, in *ReplaceRouteTableAssociationRequest) (*ReplaceRouteTableAssociationResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &ReplaceRouteTableAssociationResult{AssociationState: &RouteTableAssociationState{State: ptr.To("associated")}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		old, i, err := s.findAssociation(tx, sc, *in.AssociationId)
		if err != nil {
			return err
		}
		to, err := s.getRTB(tx, sc, *in.RouteTableId)
		if err != nil {
			return err
		}
		if *to.VpcId != *old.VpcId {
			return awserr.New("InvalidParameterValue", 400, "Route table %s and association %s belong to different networks", to.id(), *in.AssociationId)
		}
		a := old.Associations[i]
		old.Associations = slices.Delete(slices.Clone(old.Associations), i, i+1)
		s.rtbs.Put(tx, sc, old.id(), old)
		if to.id() == old.id() {
			to = old
		}
		a.RouteTableAssociationId, a.RouteTableId = ptr.To(ids.Hex("rtbassoc", 17)), to.RouteTableId
		to.Associations = append(slices.Clone(to.Associations), a)
		s.rtbs.Put(tx, sc, to.id(), to)
		if ptr.Val(a.Main) {
			if v, ok := s.vpcs.Get(tx, sc, *to.VpcId); ok {
				v.MainRouteTable = to.id()
				s.vpcs.Put(tx, sc, v.id(), v)
			}
		}
		out.NewAssociationId = a.RouteTableAssociationId
		return nil
	})
	return out, err
}

// DisassociateRouteTable removes an explicit association; the subnet falls back to the main table.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateRouteTable.html
func (s *Service) DisassociateRouteTable(ctx context.Context, in *DisassociateRouteTableRequest) (*DisassociateRouteTableOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DisassociateRouteTableOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		rt, i, err := s.findAssociation(tx, sc, *in.AssociationId)
		if err != nil {
			return err
		}
		if ptr.Val(rt.Associations[i].Main) {
			return awserr.New("InvalidParameterValue", 400, "cannot disassociate the main route table association %s", *in.AssociationId)
		}
		rt.Associations = slices.Delete(slices.Clone(rt.Associations), i, i+1)
		s.rtbs.Put(tx, sc, rt.id(), rt)
		return nil
	})
}
