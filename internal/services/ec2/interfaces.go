package ec2

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// networkInterfaces lists the scope's interfaces: those made by
// CreateNetworkInterface (a table of their own, see enis.go), and those that
// belong to an instance (its primary interface) or a NAT gateway and live as
// long as their owner.
func (s *Service) networkInterfaces(tx *state.Tx, sc state.Scope) []NetworkInterface {
	var out []NetworkInterface
	s.instances.Ascend(tx, sc, "", func(id string, r instanceRec) bool {
		r = s.settleInstance(r)
		if r.stateName() == "terminated" || len(r.NetworkInterfaces) == 0 {
			return true
		}
		ni := r.NetworkInterfaces[0]
		sub, _ := s.subnets.Get(tx, sc, ptr.Val(r.SubnetId))
		eni := NetworkInterface{
			NetworkInterfaceId: ni.NetworkInterfaceId, SubnetId: ni.SubnetId, VpcId: ni.VpcId, OwnerId: ni.OwnerId,
			AvailabilityZone: sub.AvailabilityZone, AvailabilityZoneId: sub.AvailabilityZoneId, Description: ptr.To(""),
			Groups: r.SecurityGroups, InterfaceType: ptr.To("interface"), MacAddress: ni.MacAddress, PrivateIpAddress: ni.PrivateIpAddress,
			PrivateDnsName: ni.PrivateDnsName, SourceDestCheck: r.SourceDestCheck, Status: ptr.To("in-use"), RequesterManaged: ptr.To(false),
			Ipv6Addresses: []NetworkInterfaceIpv6Address{}, TagSet: s.tagList(tx, sc, r.ENI),
			PrivateIpAddresses: []NetworkInterfacePrivateIpAddress{{Primary: ptr.To(true), PrivateIpAddress: ni.PrivateIpAddress, PrivateDnsName: ni.PrivateDnsName}},
			Attachment: &NetworkInterfaceAttachment{
				AttachmentId: ni.Attachment.AttachmentId, AttachTime: ni.Attachment.AttachTime, DeleteOnTermination: ptr.To(true),
				DeviceIndex: ptr.To(int64(0)), NetworkCardIndex: ptr.To(int64(0)), InstanceId: ptr.To(id), InstanceOwnerId: ptr.To(sc.Account), Status: ptr.To("attached"),
			},
		}
		if ip := ptr.Val(r.PublicIpAddress); ip != "" {
			eni.Association = &NetworkInterfaceAssociation{PublicIp: r.PublicIpAddress, PublicDnsName: r.PublicDnsName, IpOwnerId: ptr.To("amazon")}
			eni.PrivateIpAddresses[0].Association = eni.Association
		}
		out = append(out, eni)
		return true
	})
	s.nats.Ascend(tx, sc, "", func(id string, r natRec) bool {
		r = s.settleNAT(r)
		if *r.State == "deleted" || *r.State == "deleting" || len(r.NatGatewayAddresses) == 0 {
			return true
		}
		a := r.NatGatewayAddresses[0]
		sub, _ := s.subnets.Get(tx, sc, *r.SubnetId)
		eni := NetworkInterface{
			NetworkInterfaceId: a.NetworkInterfaceId, SubnetId: r.SubnetId, VpcId: r.VpcId, OwnerId: ptr.To(sc.Account),
			AvailabilityZone: sub.AvailabilityZone, AvailabilityZoneId: sub.AvailabilityZoneId,
			Description: ptr.To("Interface for NAT Gateway " + id), InterfaceType: ptr.To("nat_gateway"), Groups: []GroupIdentifier{},
			PrivateIpAddress: a.PrivateIp, Status: ptr.To("in-use"), RequesterManaged: ptr.To(true), RequesterId: ptr.To("AWS"),
			SourceDestCheck: ptr.To(false), Ipv6Addresses: []NetworkInterfaceIpv6Address{}, TagSet: []Tag{},
			PrivateIpAddresses: []NetworkInterfacePrivateIpAddress{{Primary: ptr.To(true), PrivateIpAddress: a.PrivateIp}},
		}
		if a.PublicIp != nil {
			eni.Association = &NetworkInterfaceAssociation{PublicIp: a.PublicIp, AllocationId: a.AllocationId, AssociationId: a.AssociationId, IpOwnerId: ptr.To(sc.Account)}
		}
		out = append(out, eni)
		return true
	})
	s.enis.Ascend(tx, sc, "", func(id string, r eniRec) bool {
		n := r.NetworkInterface
		n.TagSet = s.tagList(tx, sc, id)
		out = append(out, n)
		return true
	})
	slices.SortFunc(out, func(a, b NetworkInterface) int { return strings.Compare(*a.NetworkInterfaceId, *b.NetworkInterfaceId) })
	return out
}

// DescribeNetworkInterfaces lists network interfaces: those made by
// CreateNetworkInterface, instances' primary interfaces and NAT gateways'.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaces.html
func (s *Service) DescribeNetworkInterfaces(ctx context.Context, in *DescribeNetworkInterfacesRequest) (*DescribeNetworkInterfacesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var all []NetworkInterface
	_ = s.db.View(func(tx *state.Tx) error { all = s.networkInterfaces(tx, sc); return nil })
	for _, id := range in.NetworkInterfaceIds {
		if !slices.ContainsFunc(all, func(n NetworkInterface) bool { return *n.NetworkInterfaceId == id }) {
			return nil, notFoundFor(id)
		}
	}
	if len(in.NetworkInterfaceIds) > 0 {
		all = slices.DeleteFunc(all, func(n NetworkInterface) bool { return !slices.Contains(in.NetworkInterfaceIds, *n.NetworkInterfaceId) })
	}
	one := func(f func(NetworkInterface) *string) func(NetworkInterface) []string {
		return func(n NetworkInterface) []string {
			if v := f(n); v != nil {
				return []string{*v}
			}
			return nil
		}
	}
	att := func(f func(*NetworkInterfaceAttachment) *string) func(NetworkInterface) []string {
		return one(func(n NetworkInterface) *string {
			if n.Attachment == nil {
				return nil
			}
			return f(n.Attachment)
		})
	}
	groups := func(f func(GroupIdentifier) *string) func(NetworkInterface) []string {
		return func(n NetworkInterface) []string {
			var out []string
			for _, g := range n.Groups {
				out = append(out, ptr.Val(f(g)))
			}
			return out
		}
	}
	all, err = filterSlice(all, in.Filters, map[string]func(NetworkInterface) []string{
		"network-interface-id":         one(func(n NetworkInterface) *string { return n.NetworkInterfaceId }),
		"subnet-id":                    one(func(n NetworkInterface) *string { return n.SubnetId }),
		"vpc-id":                       one(func(n NetworkInterface) *string { return n.VpcId }),
		"status":                       one(func(n NetworkInterface) *string { return n.Status }),
		"description":                  one(func(n NetworkInterface) *string { return n.Description }),
		"interface-type":               one(func(n NetworkInterface) *string { return n.InterfaceType }),
		"availability-zone":            one(func(n NetworkInterface) *string { return n.AvailabilityZone }),
		"owner-id":                     one(func(n NetworkInterface) *string { return n.OwnerId }),
		"private-ip-address":           one(func(n NetworkInterface) *string { return n.PrivateIpAddress }),
		"addresses.private-ip-address": one(func(n NetworkInterface) *string { return n.PrivateIpAddress }),
		"requester-managed":            func(n NetworkInterface) []string { return []string{strconv.FormatBool(*n.RequesterManaged)} },
		"attachment.instance-id":       att(func(a *NetworkInterfaceAttachment) *string { return a.InstanceId }),
		"attachment.status":            att(func(a *NetworkInterfaceAttachment) *string { return a.Status }),
		"attachment.attachment-id":     att(func(a *NetworkInterfaceAttachment) *string { return a.AttachmentId }),
		"group-id":                     groups(func(g GroupIdentifier) *string { return g.GroupId }),
		"group-name":                   groups(func(g GroupIdentifier) *string { return g.GroupName }),
		"association.public-ip": one(func(n NetworkInterface) *string {
			if n.Association == nil {
				return nil
			}
			return n.Association.PublicIp
		}),
	})
	if err != nil {
		return nil, err
	}
	nis, next, err := page(all, func(n NetworkInterface) string { return *n.NetworkInterfaceId }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &DescribeNetworkInterfacesResult{NetworkInterfaces: nis, NextToken: next}, nil
}
