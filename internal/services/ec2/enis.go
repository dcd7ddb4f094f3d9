package ec2

import (
	"context"
	"slices"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// eniRec is a network interface made by CreateNetworkInterface. (Instances'
// primary interfaces and NAT gateways' live with their owners: see
// networkInterfaces.)
type eniRec struct{ NetworkInterface }

func (r eniRec) id() string { return *r.NetworkInterfaceId }

// attachKey is the meta table's key of an attachment id, naming its interface.
func attachKey(attachmentID string) string { return "eni-attach/" + attachmentID }

// CreateNetworkInterface makes an interface in a subnet: its private address
// comes from the subnet, its groups default to the VPC's default group.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html
func (s *Service) CreateNetworkInterface(ctx context.Context, in *CreateNetworkInterfaceRequest) (*CreateNetworkInterfaceResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "network-interface")
	if err != nil {
		return nil, err
	}
	var out NetworkInterface
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		sub, err := s.getSubnet(tx, sc, ptr.Val(in.SubnetId))
		if err != nil {
			return err
		}
		var groups []GroupIdentifier
		for _, id := range in.Groups {
			g, err := s.groupByRef(tx, sc, ptr.To(id), nil, nil)
			if err != nil {
				return err
			}
			if *g.VpcId != *sub.VpcId {
				return awserr.New("InvalidParameter", 400, "Security group %s and subnet %s belong to different networks.", id, sub.id())
			}
			groups = append(groups, GroupIdentifier{GroupId: g.GroupId, GroupName: g.GroupName})
		}
		if len(groups) == 0 {
			vpc, _ := s.vpcs.Get(tx, sc, *sub.VpcId)
			g, _ := s.sgs.Get(tx, sc, vpc.DefaultSG)
			groups = []GroupIdentifier{{GroupId: g.GroupId, GroupName: g.GroupName}}
		}
		id := ids.Hex("eni", 17)
		want := ptr.Val(in.PrivateIpAddress)
		for _, p := range in.PrivateIpAddresses {
			if ptr.Val(p.Primary) {
				want = ptr.Val(p.PrivateIpAddress)
			}
		}
		ip, err := s.allocIP(tx, sc, sub.id(), id, want, nil)
		if err != nil {
			return err
		}
		dns := privateDNS(ip, sc.Region)
		typ := ptr.Val(in.InterfaceType)
		if typ == "" {
			typ = "interface"
		}
		r := eniRec{NetworkInterface{
			NetworkInterfaceId: ptr.To(id), SubnetId: sub.SubnetId, VpcId: sub.VpcId, OwnerId: ptr.To(sc.Account),
			AvailabilityZone: sub.AvailabilityZone, AvailabilityZoneId: sub.AvailabilityZoneId, Description: ptr.To(ptr.Val(in.Description)),
			Groups: groups, InterfaceType: ptr.To(typ), MacAddress: ptr.To(mac(id)), PrivateIpAddress: ptr.To(ip), PrivateDnsName: ptr.To(dns),
			SourceDestCheck: ptr.To(true), Status: ptr.To("available"), RequesterManaged: ptr.To(false), Ipv6Addresses: []NetworkInterfaceIpv6Address{},
			PrivateIpAddresses: []NetworkInterfacePrivateIpAddress{{Primary: ptr.To(true), PrivateIpAddress: ptr.To(ip), PrivateDnsName: ptr.To(dns)}},
		}}
		s.enis.Put(tx, sc, id, r)
		s.setTags(tx, sc, id, tags)
		out = r.NetworkInterface
		out.TagSet = s.tagList(tx, sc, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateNetworkInterfaceResult{NetworkInterface: &out, ClientToken: in.ClientToken}, nil
}

// instanceENI is how an attached interface shows among its instance's interfaces.
func instanceENI(n NetworkInterface) InstanceNetworkInterface {
	out := InstanceNetworkInterface{
		NetworkInterfaceId: n.NetworkInterfaceId, SubnetId: n.SubnetId, VpcId: n.VpcId, OwnerId: n.OwnerId, Status: ptr.To("in-use"),
		PrivateIpAddress: n.PrivateIpAddress, PrivateDnsName: n.PrivateDnsName, SourceDestCheck: n.SourceDestCheck,
		InterfaceType: n.InterfaceType, Groups: n.Groups, Description: n.Description, MacAddress: n.MacAddress,
		Ipv6Addresses:      []InstanceIpv6Address{},
		PrivateIpAddresses: []InstancePrivateIpAddress{{Primary: ptr.To(true), PrivateIpAddress: n.PrivateIpAddress, PrivateDnsName: n.PrivateDnsName}},
	}
	if a := n.Attachment; a != nil {
		out.Attachment = &InstanceNetworkInterfaceAttachment{AttachmentId: a.AttachmentId, AttachTime: a.AttachTime, DeleteOnTermination: a.DeleteOnTermination,
			DeviceIndex: a.DeviceIndex, NetworkCardIndex: a.NetworkCardIndex, Status: a.Status}
	}
	return out
}

// syncInstanceENI writes an attached interface's view into its instance (or, with gone, removes it).
func (s *Service) syncInstanceENI(tx *state.Tx, sc state.Scope, instID string, n NetworkInterface, gone bool) {
	inst, ok := s.instances.Get(tx, sc, instID)
	if !ok {
		return
	}
	nis := slices.DeleteFunc(slices.Clone(inst.NetworkInterfaces), func(x InstanceNetworkInterface) bool {
		return ptr.Val(x.NetworkInterfaceId) == *n.NetworkInterfaceId
	})
	if !gone {
		nis = append(nis, instanceENI(n))
	}
	inst.NetworkInterfaces = nis
	s.instances.Put(tx, sc, instID, inst)
}

// AttachNetworkInterface attaches an available interface to an instance of
// the same zone at a free device index.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachNetworkInterface.html
func (s *Service) AttachNetworkInterface(ctx context.Context, in *AttachNetworkInterfaceRequest) (*AttachNetworkInterfaceResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out AttachNetworkInterfaceResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.enis.Get(tx, sc, ptr.Val(in.NetworkInterfaceId))
		if !ok {
			return notFoundFor(ptr.Val(in.NetworkInterfaceId))
		}
		inst, err := s.getInstance(tx, sc, ptr.Val(in.InstanceId))
		if err != nil {
			return err
		}
		if r.Attachment != nil {
			return awserr.New("InvalidNetworkInterface.InUse", 400, "Interface: [%s] in use.", r.id())
		}
		if st := inst.stateName(); st != "running" && st != "stopped" && st != "pending" {
			return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in a valid state for this operation.", inst.id())
		}
		// AWS: interface and instance share a zone (and so a VPC).
		if ptr.Val(r.AvailabilityZone) != ptr.Val(inst.Placement.AvailabilityZone) || ptr.Val(r.VpcId) != ptr.Val(inst.VpcId) {
			return awserr.New("InvalidParameterCombination", 400, "You may not attach a network interface to an instance if they are not in the same availability zone")
		}
		idx := ptr.Val(in.DeviceIndex)
		if slices.ContainsFunc(inst.NetworkInterfaces, func(x InstanceNetworkInterface) bool {
			return x.Attachment != nil && ptr.Val(x.Attachment.DeviceIndex) == idx
		}) {
			return awserr.New("InvalidParameterValue", 400, "Instance '%s' already has an interface attached at device index '%d'.", inst.id(), idx)
		}
		att := ids.Hex("eni-attach", 17)
		r.Attachment = &NetworkInterfaceAttachment{
			AttachmentId: ptr.To(att), AttachTime: ptr.To(s.now()), DeleteOnTermination: ptr.To(false), DeviceIndex: ptr.To(idx),
			NetworkCardIndex: ptr.To(ptr.Val(in.NetworkCardIndex)), InstanceId: inst.InstanceId, InstanceOwnerId: ptr.To(sc.Account), Status: ptr.To("attached"),
		}
		r.Status = ptr.To("in-use")
		s.enis.Put(tx, sc, r.id(), r)
		s.meta.Put(tx, sc, attachKey(att), r.id())
		s.syncInstanceENI(tx, sc, inst.id(), r.NetworkInterface, false)
		out = AttachNetworkInterfaceResult{AttachmentId: ptr.To(att), NetworkCardIndex: r.Attachment.NetworkCardIndex}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// detachENI detaches an interface from its instance (the instance is left as is when fromInstance).
func (s *Service) detachENI(tx *state.Tx, sc state.Scope, r eniRec, fromInstance bool) {
	a := r.Attachment
	s.meta.Delete(tx, sc, attachKey(ptr.Val(a.AttachmentId)))
	if fromInstance {
		s.syncInstanceENI(tx, sc, ptr.Val(a.InstanceId), r.NetworkInterface, true)
	}
	r.Attachment, r.Status = nil, ptr.To("available")
	s.enis.Put(tx, sc, r.id(), r)
}

// DetachNetworkInterface detaches an interface by its attachment id.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachNetworkInterface.html
func (s *Service) DetachNetworkInterface(ctx context.Context, in *DetachNetworkInterfaceRequest) (*DetachNetworkInterfaceOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DetachNetworkInterfaceOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		id, ok := s.meta.Get(tx, sc, attachKey(ptr.Val(in.AttachmentId)))
		r, found := s.enis.Get(tx, sc, id)
		if !ok || !found || r.Attachment == nil {
			return awserr.New("InvalidAttachmentID.NotFound", 400, "Interface attachment ID '%s' does not exist", ptr.Val(in.AttachmentId))
		}
		s.detachENI(tx, sc, r, true)
		return nil
	})
}

// DeleteNetworkInterface deletes a detached interface.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkInterface.html
func (s *Service) DeleteNetworkInterface(ctx context.Context, in *DeleteNetworkInterfaceRequest) (*DeleteNetworkInterfaceOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	id := ptr.Val(in.NetworkInterfaceId)
	return &DeleteNetworkInterfaceOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.enis.Get(tx, sc, id)
		if !ok {
			// AWS: an instance's primary interface (or a NAT gateway's) is in use while its owner lives.
			if slices.ContainsFunc(s.networkInterfaces(tx, sc), func(n NetworkInterface) bool { return *n.NetworkInterfaceId == id }) {
				return awserr.New("InvalidNetworkInterface.InUse", 400, "The network interface '%s' is currently in use.", id)
			}
			return notFoundFor(id)
		}
		if r.Attachment != nil {
			return awserr.New("InvalidNetworkInterface.InUse", 400, "The network interface '%s' is currently in use.", id)
		}
		s.freeIP(tx, sc, *r.SubnetId, *r.PrivateIpAddress)
		s.enis.Delete(tx, sc, id)
		s.dropTags(tx, sc, id)
		return nil
	})
}

// ModifyNetworkInterfaceAttribute changes an interface's description, groups,
// source/destination check, or its attachment's delete-on-termination. An
// instance's primary interface takes groups and source/destination check,
// which are then the instance's.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyNetworkInterfaceAttribute.html
func (s *Service) ModifyNetworkInterfaceAttribute(ctx context.Context, in *ModifyNetworkInterfaceAttributeRequest) (*ModifyNetworkInterfaceAttributeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	id := ptr.Val(in.NetworkInterfaceId)
	return &ModifyNetworkInterfaceAttributeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		var groups []GroupIdentifier
		for _, g := range in.Groups {
			sg, err := s.groupByRef(tx, sc, ptr.To(g), nil, nil)
			if err != nil {
				return err
			}
			groups = append(groups, GroupIdentifier{GroupId: sg.GroupId, GroupName: sg.GroupName})
		}
		r, ok := s.enis.Get(tx, sc, id)
		if !ok {
			inst, ok := s.instanceByENI(tx, sc, id)
			if !ok {
				return notFoundFor(id)
			}
			return s.modifyPrimaryENI(tx, sc, inst, in, groups)
		}
		switch {
		case in.Description != nil:
			r.Description = ptr.To(ptr.Val(in.Description.Value))
		case in.SourceDestCheck != nil:
			r.SourceDestCheck = ptr.To(ptr.Val(in.SourceDestCheck.Value))
		case len(in.Groups) > 0:
			for _, g := range groups {
				if sg, _ := s.sgs.Get(tx, sc, *g.GroupId); ptr.Val(sg.VpcId) != ptr.Val(r.VpcId) {
					return awserr.New("InvalidParameter", 400, "Security group %s and interface %s belong to different networks.", *g.GroupId, id)
				}
			}
			r.Groups = groups
		case in.Attachment != nil:
			if r.Attachment == nil || ptr.Val(r.Attachment.AttachmentId) != ptr.Val(in.Attachment.AttachmentId) {
				return awserr.New("InvalidAttachmentID.NotFound", 400, "Interface attachment ID '%s' does not exist", ptr.Val(in.Attachment.AttachmentId))
			}
			a := *r.Attachment
			if in.Attachment.DeleteOnTermination != nil {
				a.DeleteOnTermination = in.Attachment.DeleteOnTermination
			}
			r.Attachment = &a
		default:
			return awserr.New("InvalidParameterCombination", 400, "No attributes specified.")
		}
		s.enis.Put(tx, sc, id, r)
		if r.Attachment != nil {
			s.syncInstanceENI(tx, sc, ptr.Val(r.Attachment.InstanceId), r.NetworkInterface, false)
		}
		return nil
	})
}

func (s *Service) modifyPrimaryENI(tx *state.Tx, sc state.Scope, inst instanceRec, in *ModifyNetworkInterfaceAttributeRequest, groups []GroupIdentifier) error {
	nis := slices.Clone(inst.NetworkInterfaces)
	switch {
	case len(groups) > 0:
		inst.SecurityGroups = groups
		nis[0].Groups = groups
	case in.SourceDestCheck != nil:
		inst.SourceDestCheck = ptr.To(ptr.Val(in.SourceDestCheck.Value))
		nis[0].SourceDestCheck = inst.SourceDestCheck
	case in.Description != nil:
		nis[0].Description = ptr.To(ptr.Val(in.Description.Value))
	case in.Attachment != nil:
		a := *nis[0].Attachment
		if in.Attachment.DeleteOnTermination != nil {
			a.DeleteOnTermination = in.Attachment.DeleteOnTermination
		}
		nis[0].Attachment = &a
	default:
		return awserr.New("InvalidParameterCombination", 400, "No attributes specified.")
	}
	inst.NetworkInterfaces = nis
	s.instances.Put(tx, sc, inst.id(), inst)
	return nil
}

// DescribeNetworkInterfaceAttribute reports one attribute of an interface.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInterfaceAttribute.html
func (s *Service) DescribeNetworkInterfaceAttribute(ctx context.Context, in *DescribeNetworkInterfaceAttributeRequest) (*DescribeNetworkInterfaceAttributeResult, error) {
	res, err := s.DescribeNetworkInterfaces(ctx, &DescribeNetworkInterfacesRequest{NetworkInterfaceIds: []string{ptr.Val(in.NetworkInterfaceId)}})
	if err != nil {
		return nil, err
	}
	n := res.NetworkInterfaces[0]
	out := &DescribeNetworkInterfaceAttributeResult{NetworkInterfaceId: n.NetworkInterfaceId}
	switch ptr.Val(in.Attribute) {
	case "description":
		out.Description = &AttributeValue{Value: n.Description}
	case "groupSet":
		out.Groups = n.Groups
	case "sourceDestCheck":
		out.SourceDestCheck = &AttributeBooleanValue{Value: n.SourceDestCheck}
	case "attachment":
		out.Attachment = n.Attachment
	case "associatePublicIpAddress":
		out.AssociatePublicIpAddress = ptr.To(n.Association != nil)
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", ptr.Val(in.Attribute))
	}
	return out, nil
}

// releaseENIs handles a terminating instance's attached interfaces: deleted
// if their attachment says so, detached otherwise.
func (s *Service) releaseENIs(tx *state.Tx, sc state.Scope, r *instanceRec) {
	for _, ni := range r.NetworkInterfaces {
		e, ok := s.enis.Get(tx, sc, ptr.Val(ni.NetworkInterfaceId))
		if !ok || e.Attachment == nil {
			continue
		}
		if ptr.Val(e.Attachment.DeleteOnTermination) {
			s.meta.Delete(tx, sc, attachKey(ptr.Val(e.Attachment.AttachmentId)))
			s.freeIP(tx, sc, *e.SubnetId, *e.PrivateIpAddress)
			s.enis.Delete(tx, sc, e.id())
			s.dropTags(tx, sc, e.id())
			continue
		}
		s.detachENI(tx, sc, e, false)
	}
	if len(r.NetworkInterfaces) > 1 {
		r.NetworkInterfaces = r.NetworkInterfaces[:1]
	}
}
