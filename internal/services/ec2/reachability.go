package ec2

import (
	"context"
	"net/netip"

	"haneul/internal/network"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// NetworkSnapshot implements network.Source: the scope's VPC network as the
// reachability model reads it, taken in one consistent read.
func (s *Service) NetworkSnapshot(ctx context.Context, account, region string) (*network.Snapshot, error) {
	if region == "" {
		region = s.region
	}
	sc := state.Scope{Account: account, Region: region}
	if err := s.ensureDefaults(ctx, sc); err != nil {
		return nil, err
	}
	n := &network.Snapshot{
		VPCs: map[string]network.VPC{}, Subnets: map[string]network.Subnet{}, RouteTables: map[string]network.RouteTable{},
		NACLs: map[string]network.NACL{}, Groups: map[string]network.SecurityGroup{}, Interfaces: map[string]network.Interface{},
		NATGateways: map[string]network.NATGateway{}, InternetGateways: map[string]network.InternetGateway{},
		PrefixLists: map[string]network.PrefixList{}, Endpoints: map[string]network.Endpoint{},
		Peerings: map[string]network.Peering{},
	}
	prefix := func(s string) netip.Prefix { p, _ := netip.ParsePrefix(s); return p }
	addr := func(s string) netip.Addr { a, _ := netip.ParseAddr(s); return a }
	err := s.db.View(func(tx *state.Tx) error {
		mains := map[string]string{}
		s.vpcs.Ascend(tx, sc, "", func(id string, v vpcRec) bool {
			n.VPCs[id] = network.VPC{ID: id, CIDRs: v.cidrs()}
			mains[id] = v.MainRouteTable
			return true
		})
		explicit := map[string]string{}
		s.rtbs.Ascend(tx, sc, "", func(id string, r rtbRec) bool {
			rt := network.RouteTable{ID: id}
			for _, route := range r.Routes {
				if s.routeState(tx, sc, *r.VpcId, route) != "active" {
					continue // a blackhole route drops traffic: as if absent, but it still wins the match in AWS; kept simple
				}
				target := ptr.Val(route.GatewayId)
				for _, t := range []*string{route.NatGatewayId, route.NetworkInterfaceId, route.VpcPeeringConnectionId, route.TransitGatewayId} {
					if t != nil {
						target = *t
					}
				}
				rt.Routes = append(rt.Routes, network.Route{Dest: prefix(ptr.Val(route.DestinationCidrBlock)), PrefixList: ptr.Val(route.DestinationPrefixListId), Target: target})
			}
			n.RouteTables[id] = rt
			for _, a := range r.Associations {
				if a.SubnetId != nil {
					explicit[*a.SubnetId] = id
				}
			}
			return true
		})
		aclOf := map[string]string{}
		s.nacls.Ascend(tx, sc, "", func(id string, a naclRec) bool {
			acl := network.NACL{ID: id}
			for _, e := range a.Entries {
				if e.CidrBlock == nil {
					continue
				}
				ne := network.NACLEntry{Rule: int(*e.RuleNumber), Egress: *e.Egress, Protocol: *e.Protocol, CIDR: prefix(*e.CidrBlock), Allow: *e.RuleAction == "allow"}
				if e.PortRange != nil {
					ne.From, ne.To = int(ptr.Val(e.PortRange.From)), int(ptr.Val(e.PortRange.To))
				}
				acl.Entries = append(acl.Entries, ne)
			}
			n.NACLs[id] = acl
			for _, as := range a.Associations {
				aclOf[*as.SubnetId] = id
			}
			return true
		})
		s.subnets.Ascend(tx, sc, "", func(id string, r subnetRec) bool {
			rt := explicit[id]
			if rt == "" {
				rt = mains[*r.VpcId]
			}
			n.Subnets[id] = network.Subnet{ID: id, VPC: *r.VpcId, Zone: r.zone(), CIDR: r.prefix(), RouteTable: rt, NACL: aclOf[id]}
			return true
		})
		s.sgs.Ascend(tx, sc, "", func(id string, g sgRec) bool {
			sg := network.SecurityGroup{ID: id}
			for _, r := range g.Rules {
				sg.Rules = append(sg.Rules, network.SGRule{Egress: r.Egress, Protocol: r.Protocol, From: int(r.From), To: int(r.To),
					CIDR: prefix(r.CIDR), Group: r.Group, PrefixList: r.PrefixList})
			}
			n.Groups[id] = sg
			return true
		})
		s.instances.Ascend(tx, sc, "", func(id string, r instanceRec) bool {
			r = s.settleInstance(r)
			if r.stateName() != "running" {
				return true
			}
			var groups []string
			for _, g := range r.SecurityGroups {
				groups = append(groups, *g.GroupId)
			}
			n.Interfaces[r.ENI] = network.Interface{ID: r.ENI, Owner: id, Subnet: ptr.Val(r.SubnetId),
				PrivateIP: addr(ptr.Val(r.PrivateIpAddress)), PublicIP: addr(ptr.Val(r.PublicIpAddress)), Groups: groups}
			return true
		})
		s.nats.Ascend(tx, sc, "", func(id string, r natRec) bool {
			r = s.settleNAT(r)
			nat := network.NATGateway{ID: id, Subnet: *r.SubnetId, Available: *r.State == "available"}
			if len(r.NatGatewayAddresses) > 0 {
				nat.PrivateIP, nat.PublicIP = addr(ptr.Val(r.NatGatewayAddresses[0].PrivateIp)), addr(ptr.Val(r.NatGatewayAddresses[0].PublicIp))
			}
			n.NATGateways[id] = nat
			return true
		})
		s.igws.Ascend(tx, sc, "", func(id string, g igwRec) bool {
			n.InternetGateways[id] = network.InternetGateway{ID: id, VPC: g.attachedTo()}
			return true
		})
		for _, l := range managedLists(sc.Region) {
			pl := network.PrefixList{ID: l.ID, Name: l.Name}
			for _, c := range l.CIDRs {
				pl.CIDRs = append(pl.CIDRs, prefix(c))
			}
			n.PrefixLists[l.ID] = pl
		}
		s.peerings.Ascend(tx, sc, "", func(id string, p peeringRec) bool {
			if s.settlePeering(p).active() {
				n.Peerings[id] = network.Peering{ID: id, VPCs: p.vpcs()}
			}
			return true
		})
		s.vpces.Ascend(tx, sc, "", func(id string, e vpceRec) bool {
			if *e.VpcEndpointType == "Gateway" {
				l, _ := s.endpointList(sc.Region, *e.ServiceName)
				n.Endpoints[id] = network.Endpoint{ID: id, VPC: *e.VpcId, Service: *e.ServiceName, PrefixList: l.ID}
			}
			return true
		})
		return nil
	})
	return n, err
}

var _ network.Source = (*Service)(nil)
