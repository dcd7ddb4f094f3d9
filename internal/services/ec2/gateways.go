package ec2

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"net/netip"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// Internet gateways, Elastic IPs and NAT gateways.

type igwRec struct{ InternetGateway }

func (r igwRec) id() string { return *r.InternetGatewayId }

// attachedTo returns the VPC the gateway is attached to, or "".
func (r igwRec) attachedTo() string {
	for _, a := range r.Attachments {
		return ptr.Val(a.VpcId)
	}
	return ""
}

func (s *Service) newIGW(tx *state.Tx, sc state.Scope) igwRec {
	id := ids.Hex("igw", 17)
	r := igwRec{InternetGateway{InternetGatewayId: ptr.To(id), OwnerId: ptr.To(sc.Account)}}
	s.igws.Put(tx, sc, id, r)
	return r
}

func (s *Service) igwKind() *kind[igwRec] {
	return &kind[igwRec]{
		table: s.igws, prefix: "igw", id: igwRec.id, notFound: notFoundIDs,
		filters: map[string]func(igwRec) []string{
			"internet-gateway-id": func(r igwRec) []string { return []string{r.id()} },
			"owner-id":            func(r igwRec) []string { return []string{*r.OwnerId} },
			"attachment.vpc-id":   func(r igwRec) []string { return []string{r.attachedTo()} },
			"attachment.state": func(r igwRec) []string {
				if r.attachedTo() == "" {
					return nil
				}
				return []string{"available"}
			},
		},
	}
}

func (s *Service) igwOut(tx *state.Tx, sc state.Scope, r igwRec) InternetGateway {
	out := r.InternetGateway
	if out.Attachments == nil {
		out.Attachments = []InternetGatewayAttachment{}
	}
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

// CreateInternetGateway creates an internet gateway, not yet attached.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateInternetGateway.html
func (s *Service) CreateInternetGateway(ctx context.Context, in *CreateInternetGatewayRequest) (*CreateInternetGatewayResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "internet-gateway")
	if err != nil {
		return nil, err
	}
	out := &CreateInternetGatewayResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r := s.newIGW(tx, sc)
		s.setTags(tx, sc, r.id(), tags)
		o := s.igwOut(tx, sc, r)
		out.InternetGateway = &o
		return nil
	})
	return out, err
}

// DescribeInternetGateways lists internet gateways.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInternetGateways.html
func (s *Service) DescribeInternetGateways(ctx context.Context, in *DescribeInternetGatewaysRequest) (*DescribeInternetGatewaysResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeInternetGatewaysResult{InternetGateways: []InternetGateway{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.igw, query{in.InternetGatewayIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.InternetGateways = append(out.InternetGateways, s.igwOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// AttachInternetGateway attaches a gateway to a VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html
func (s *Service) AttachInternetGateway(ctx context.Context, in *AttachInternetGatewayRequest) (*AttachInternetGatewayOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &AttachInternetGatewayOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.igws.Get(tx, sc, *in.InternetGatewayId)
		if !ok {
			return notFoundFor(*in.InternetGatewayId)
		}
		if _, err := s.getVPC(tx, sc, *in.VpcId); err != nil {
			return err
		}
		// AWS: a gateway attaches to one VPC, and a VPC takes one gateway.
		if v := r.attachedTo(); v != "" {
			return awserr.New("Resource.AlreadyAssociated", 400, "resource %s is already attached to network %s", r.id(), v)
		}
		if other := s.vpcIGW(tx, sc, *in.VpcId); other != "" {
			return awserr.New("Resource.AlreadyAssociated", 400, "resource %s is already attached to network %s", other, *in.VpcId)
		}
		r.Attachments = []InternetGatewayAttachment{{State: ptr.To("available"), VpcId: in.VpcId}}
		s.igws.Put(tx, sc, r.id(), r)
		return nil
	})
}

// vpcIGW returns the internet gateway attached to a VPC, or "".
func (s *Service) vpcIGW(tx *state.Tx, sc state.Scope, vpcID string) string {
	var id string
	s.igws.Ascend(tx, sc, "", func(k string, r igwRec) bool {
		if r.attachedTo() == vpcID {
			id = k
			return false
		}
		return true
	})
	return id
}

// DetachInternetGateway detaches a gateway from its VPC.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachInternetGateway.html
func (s *Service) DetachInternetGateway(ctx context.Context, in *DetachInternetGatewayRequest) (*DetachInternetGatewayOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DetachInternetGatewayOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.igws.Get(tx, sc, *in.InternetGatewayId)
		if !ok {
			return notFoundFor(*in.InternetGatewayId)
		}
		if r.attachedTo() != *in.VpcId {
			return awserr.New("Gateway.NotAttached", 400, "resource %s is not attached to network %s", r.id(), *in.VpcId)
		}
		// AWS: while anything in the VPC holds a public address the gateway stays.
		if s.vpcHasPublicIPs(tx, sc, *in.VpcId) {
			return awserr.New("DependencyViolation", 400, "Network %s has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.", *in.VpcId)
		}
		r.Attachments = nil
		s.igws.Put(tx, sc, r.id(), r)
		return nil
	})
}

// vpcHasPublicIPs reports whether an instance or NAT gateway of the VPC holds a public address.
func (s *Service) vpcHasPublicIPs(tx *state.Tx, sc state.Scope, vpcID string) bool {
	found := false
	s.instances.Ascend(tx, sc, "", func(_ string, r instanceRec) bool {
		r = s.settleInstance(r)
		found = ptr.Val(r.VpcId) == vpcID && ptr.Val(r.PublicIpAddress) != "" && r.stateName() != "terminated"
		return !found
	})
	if found {
		return true
	}
	s.nats.Ascend(tx, sc, "", func(_ string, r natRec) bool {
		r = s.settleNAT(r)
		found = ptr.Val(r.VpcId) == vpcID && (*r.State == "available" || *r.State == "pending") && ptr.Val(r.ConnectivityType) == "public"
		return !found
	})
	return found
}

// DeleteInternetGateway deletes a detached gateway.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteInternetGateway.html
func (s *Service) DeleteInternetGateway(ctx context.Context, in *DeleteInternetGatewayRequest) (*DeleteInternetGatewayOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteInternetGatewayOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.igws.Get(tx, sc, *in.InternetGatewayId)
		if !ok {
			return notFoundFor(*in.InternetGatewayId)
		}
		if r.attachedTo() != "" {
			return awserr.New("DependencyViolation", 400, "The internetGateway '%s' has dependencies and cannot be deleted.", r.id())
		}
		s.igws.Delete(tx, sc, r.id())
		s.dropTags(tx, sc, r.id())
		return nil
	})
}

// publicPool is where haneul's public addresses come from: 198.18.0.0/15,
// the block RFC 2544 sets aside for benchmarks, so no real host is ever named.
var publicPool = netip.MustParsePrefix("198.18.0.0/15")

// allocPublicIP takes a free public address for holder.
func (s *Service) allocPublicIP(tx *state.Tx, sc state.Scope, holder string) (string, error) {
	for range 64 {
		var b [4]byte
		_, _ = rand.Read(b[:])
		n := int64(binary.BigEndian.Uint32(b[:]) % uint32(size(publicPool)))
		ip := nth(publicPool, n)
		last := ip.As4()[3]
		if last == 0 || last == 255 {
			continue
		}
		if _, used := s.publicIPs.Get(tx, sc, ip.String()); !used {
			s.publicIPs.Put(tx, sc, ip.String(), holder)
			return ip.String(), nil
		}
	}
	return "", awserr.New("AddressLimitExceeded", 400, "The maximum number of addresses has been reached.")
}

func (s *Service) freePublicIP(tx *state.Tx, sc state.Scope, ip string) {
	if ip != "" {
		s.publicIPs.Delete(tx, sc, ip)
	}
}

// eipRec is an Elastic IP address.
type eipRec struct{ Address }

func (r eipRec) id() string { return *r.AllocationId }

func (s *Service) eipKind() *kind[eipRec] {
	one := func(f func(eipRec) *string) func(eipRec) []string {
		return func(r eipRec) []string {
			if v := f(r); v != nil {
				return []string{*v}
			}
			return nil
		}
	}
	return &kind[eipRec]{
		table: s.eips, prefix: "eipalloc", id: eipRec.id, notFound: notFoundIDs,
		filters: map[string]func(eipRec) []string{
			"allocation-id":              one(func(r eipRec) *string { return r.AllocationId }),
			"association-id":             one(func(r eipRec) *string { return r.AssociationId }),
			"domain":                     one(func(r eipRec) *string { return r.Domain }),
			"instance-id":                one(func(r eipRec) *string { return r.InstanceId }),
			"network-interface-id":       one(func(r eipRec) *string { return r.NetworkInterfaceId }),
			"network-interface-owner-id": one(func(r eipRec) *string { return r.NetworkInterfaceOwnerId }),
			"private-ip-address":         one(func(r eipRec) *string { return r.PrivateIpAddress }),
			"public-ip":                  one(func(r eipRec) *string { return r.PublicIp }),
			"network-border-group":       one(func(r eipRec) *string { return r.NetworkBorderGroup }),
		},
	}
}

func (s *Service) eipOut(tx *state.Tx, sc state.Scope, r eipRec) Address {
	out := r.Address
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

// AllocateAddress allocates an Elastic IP address.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AllocateAddress.html
func (s *Service) AllocateAddress(ctx context.Context, in *AllocateAddressRequest) (*AllocateAddressResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "elastic-ip")
	if err != nil {
		return nil, err
	}
	out := &AllocateAddressResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		id := ids.Hex("eipalloc", 17)
		var ip string
		if in.Address != nil {
			// AWS: a specific address comes from a BYOIP pool; here it must be free in the pool.
			a, err := netip.ParseAddr(*in.Address)
			if err != nil || !publicPool.Contains(a) {
				return awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for Address", *in.Address)
			}
			if _, used := s.publicIPs.Get(tx, sc, a.String()); used {
				return awserr.New("InvalidAddress.InUse", 400, "Address %s is in use.", *in.Address)
			}
			ip = a.String()
			s.publicIPs.Put(tx, sc, ip, id)
		} else {
			var err error
			if ip, err = s.allocPublicIP(tx, sc, id); err != nil {
				return err
			}
		}
		r := eipRec{Address{
			AllocationId: ptr.To(id), PublicIp: ptr.To(ip), Domain: ptr.To("vpc"),
			PublicIpv4Pool: ptr.To("amazon"), NetworkBorderGroup: ptr.To(sc.Region),
		}}
		s.eips.Put(tx, sc, id, r)
		s.setTags(tx, sc, id, tags)
		out.AllocationId, out.PublicIp, out.Domain = r.AllocationId, r.PublicIp, r.Domain
		out.PublicIpv4Pool, out.NetworkBorderGroup = r.PublicIpv4Pool, r.NetworkBorderGroup
		return nil
	})
	return out, err
}

// DescribeAddresses lists Elastic IP addresses.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAddresses.html
func (s *Service) DescribeAddresses(ctx context.Context, in *DescribeAddressesRequest) (*DescribeAddressesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeAddressesResult{Addresses: []Address{}}
	err = s.db.View(func(tx *state.Tx) error {
		filters := in.Filters
		if len(in.PublicIps) > 0 {
			// AWS: every public IP asked for must exist.
			for _, ip := range in.PublicIps {
				if h, ok := s.publicIPs.Get(tx, sc, ip); !ok || idPrefix(h) != "eipalloc" {
					return awserr.New("InvalidAddress.NotFound", 400, "Address '%s' not found.", ip)
				}
			}
			filters = append(append([]Filter(nil), filters...), Filter{Name: ptr.To("public-ip"), Values: in.PublicIps})
		}
		recs, _, err := describe(s, tx, sc, s.kinds.eip, query{IDs: in.AllocationIds, Filters: filters})
		for _, r := range recs {
			out.Addresses = append(out.Addresses, s.eipOut(tx, sc, r))
		}
		return err
	})
	return out, err
}

// eipByRef finds an address by allocation id or public IP.
func (s *Service) eipByRef(tx *state.Tx, sc state.Scope, alloc, publicIP *string) (eipRec, error) {
	if alloc != nil {
		r, ok := s.eips.Get(tx, sc, *alloc)
		if !ok {
			return r, notFoundFor(*alloc)
		}
		return r, nil
	}
	if publicIP != nil {
		if h, ok := s.publicIPs.Get(tx, sc, *publicIP); ok {
			if r, ok := s.eips.Get(tx, sc, h); ok {
				return r, nil
			}
		}
		return eipRec{}, awserr.New("InvalidAddress.NotFound", 400, "Address '%s' not found.", *publicIP)
	}
	return eipRec{}, awserr.New("MissingParameter", 400, "Either public IP or allocation id must be specified")
}

// AssociateAddress associates an Elastic IP with an instance or a network interface.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html
func (s *Service) AssociateAddress(ctx context.Context, in *AssociateAddressRequest) (*AssociateAddressResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &AssociateAddressResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.eipByRef(tx, sc, in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		var inst instanceRec
		switch {
		case in.InstanceId != nil:
			var ok bool
			if inst, ok = s.instances.Get(tx, sc, *in.InstanceId); !ok {
				return notFoundFor(*in.InstanceId)
			}
		case in.NetworkInterfaceId != nil:
			var ok bool
			if inst, ok = s.instanceByENI(tx, sc, *in.NetworkInterfaceId); !ok {
				return notFoundFor(*in.NetworkInterfaceId)
			}
		default:
			return awserr.New("MissingParameter", 400, "Either instance ID or network interface id must be specified")
		}
		inst = s.settleInstance(inst)
		if n := inst.stateName(); n != "running" && n != "stopped" && n != "pending" {
			return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in a valid state for this operation.", inst.id())
		}
		if r.AssociationId != nil {
			// AWS: moving an associated address needs AllowReassociation.
			if !ptr.Val(in.AllowReassociation) && ptr.Val(r.InstanceId) != inst.id() {
				return awserr.New("Resource.AlreadyAssociated", 400, "Elastic IP address [%s] is already associated", r.id())
			}
			s.unassociateEIP(tx, sc, &r)
		}
		// An instance already holding another Elastic IP gives it up.
		s.eips.Ascend(tx, sc, "", func(_ string, o eipRec) bool {
			if o.id() != r.id() && ptr.Val(o.InstanceId) == inst.id() {
				s.unassociateEIP(tx, sc, &o)
				s.eips.Put(tx, sc, o.id(), o)
			}
			return true
		})
		inst, _ = s.instances.Get(tx, sc, inst.id())
		s.freePublicIP(tx, sc, inst.AutoPublicIP)
		inst.AutoPublicIP = ""
		inst.setPublicIP(*r.PublicIp)
		s.instances.Put(tx, sc, inst.id(), inst)
		r.AssociationId = ptr.To(ids.Hex("eipassoc", 17))
		r.InstanceId, r.NetworkInterfaceId = inst.InstanceId, ptr.To(inst.ENI)
		r.NetworkInterfaceOwnerId, r.PrivateIpAddress = ptr.To(sc.Account), inst.PrivateIpAddress
		s.eips.Put(tx, sc, r.id(), r)
		out.AssociationId = r.AssociationId
		return nil
	})
	return out, err
}

// unassociateEIP detaches an address from whatever holds it (the caller puts r).
func (s *Service) unassociateEIP(tx *state.Tx, sc state.Scope, r *eipRec) {
	if id := ptr.Val(r.InstanceId); id != "" {
		if inst, ok := s.instances.Get(tx, sc, id); ok && ptr.Val(inst.PublicIpAddress) == *r.PublicIp {
			inst.setPublicIP("")
			s.instances.Put(tx, sc, id, inst)
		}
	}
	r.AssociationId, r.InstanceId, r.NetworkInterfaceId, r.NetworkInterfaceOwnerId, r.PrivateIpAddress = nil, nil, nil, nil, nil
}

// DisassociateAddress disassociates an Elastic IP.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DisassociateAddress.html
func (s *Service) DisassociateAddress(ctx context.Context, in *DisassociateAddressRequest) (*DisassociateAddressOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DisassociateAddressOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		var r eipRec
		if in.AssociationId != nil {
			found := false
			s.eips.Ascend(tx, sc, "", func(_ string, o eipRec) bool {
				if ptr.Val(o.AssociationId) == *in.AssociationId {
					r, found = o, true
				}
				return !found
			})
			if !found {
				return awserr.New("InvalidAssociationID.NotFound", 400, "The association ID '%s' does not exist", *in.AssociationId)
			}
		} else {
			var err error
			if r, err = s.eipByRef(tx, sc, nil, in.PublicIp); err != nil {
				return err
			}
		}
		// AWS: a NAT gateway's address cannot be taken away from it.
		if ptr.Val(r.NetworkInterfaceId) != "" && ptr.Val(r.InstanceId) == "" {
			return awserr.New("InvalidIPAddress.InUse", 400, "Address %s is in use by a NAT gateway.", *r.PublicIp)
		}
		s.unassociateEIP(tx, sc, &r)
		s.eips.Put(tx, sc, r.id(), r)
		return nil
	})
}

// ReleaseAddress releases an Elastic IP that nothing holds.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ReleaseAddress.html
func (s *Service) ReleaseAddress(ctx context.Context, in *ReleaseAddressRequest) (*ReleaseAddressOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &ReleaseAddressOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.eipByRef(tx, sc, in.AllocationId, in.PublicIp)
		if err != nil {
			return err
		}
		if r.AssociationId != nil {
			return awserr.New("InvalidIPAddress.InUse", 400, "Address %s is in use.", *r.PublicIp)
		}
		s.freePublicIP(tx, sc, *r.PublicIp)
		s.eips.Delete(tx, sc, r.id())
		s.dropTags(tx, sc, r.id())
		return nil
	})
}

// natRec is a NAT gateway and the time of its last state change.
type natRec struct {
	NatGateway
	Changed time.Time
}

func (r natRec) id() string { return *r.NatGatewayId }

// settleNAT returns the gateway as of now.
//
// AWS: a NAT gateway is pending for a while, then available; deleting, then deleted.
func (s *Service) settleNAT(r natRec) natRec {
	now := s.clock.Now()
	next := func(to string, d time.Duration) {
		if !now.Before(r.Changed.Add(d)) {
			r.State = ptr.To(to)
			r.Changed = r.Changed.Add(d)
		}
	}
	switch ptr.Val(r.State) {
	case "pending":
		next("available", pendingDelay)
	case "deleting":
		next("deleted", stopDelay)
	}
	return r
}

func (s *Service) natKind() *kind[natRec] {
	one := func(f func(natRec) *string) func(natRec) []string {
		return func(r natRec) []string { return []string{ptr.Val(f(r))} }
	}
	return &kind[natRec]{
		table: s.nats, prefix: "nat", id: natRec.id, notFound: notFoundIDs, settle: s.settleNAT,
		hidden: func(r natRec) bool {
			return *r.State == "deleted" && s.clock.Now().After(r.Changed.Add(goneAfter))
		},
		filters: map[string]func(natRec) []string{
			"nat-gateway-id": one(func(r natRec) *string { return r.NatGatewayId }),
			"state":          one(func(r natRec) *string { return r.State }),
			"subnet-id":      one(func(r natRec) *string { return r.SubnetId }),
			"vpc-id":         one(func(r natRec) *string { return r.VpcId }),
		},
	}
}

func (s *Service) natOut(tx *state.Tx, sc state.Scope, r natRec) NatGateway {
	out := r.NatGateway
	out.Tags = s.tagList(tx, sc, r.id())
	if *r.State == "deleted" {
		out.DeleteTime = ptr.To(r.Changed)
	}
	return out
}

// CreateNatGateway creates a NAT gateway in a subnet, public ones with an Elastic IP.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html
func (s *Service) CreateNatGateway(ctx context.Context, in *CreateNatGatewayRequest) (*CreateNatGatewayResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "natgateway")
	if err != nil {
		return nil, err
	}
	conn := ptr.Val(in.ConnectivityType)
	if conn == "" {
		conn = "public"
	}
	if in.SubnetId == nil {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter SubnetId")
	}
	out := &CreateNatGatewayResult{ClientToken: in.ClientToken}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		sub, err := s.getSubnet(tx, sc, *in.SubnetId)
		if err != nil {
			return err
		}
		id := ids.Hex("nat", 17)
		eni := ids.Hex("eni", 17)
		addr := NatGatewayAddress{NetworkInterfaceId: ptr.To(eni), IsPrimary: ptr.To(true), Status: ptr.To("succeeded")}
		if conn == "public" {
			// AWS: a public NAT gateway needs an Elastic IP nobody holds.
			if in.AllocationId == nil {
				return awserr.New("MissingParameter", 400, "The request must contain the parameter AllocationId")
			}
			eip, ok := s.eips.Get(tx, sc, *in.AllocationId)
			if !ok {
				return notFoundFor(*in.AllocationId)
			}
			if eip.AssociationId != nil {
				return awserr.New("Resource.AlreadyAssociated", 400, "Elastic IP address [%s] is already associated", eip.id())
			}
			eip.AssociationId = ptr.To(ids.Hex("eipassoc", 17))
			eip.NetworkInterfaceId, eip.NetworkInterfaceOwnerId = ptr.To(eni), ptr.To(sc.Account)
			addr.AllocationId, addr.PublicIp, addr.AssociationId = eip.AllocationId, eip.PublicIp, eip.AssociationId
			defer func() {
				eip.PrivateIpAddress = addr.PrivateIp
				s.eips.Put(tx, sc, eip.id(), eip)
			}()
		}
		ip, err := s.allocIP(tx, sc, sub.id(), id, ptr.Val(in.PrivateIpAddress), nil)
		if err != nil {
			return err
		}
		addr.PrivateIp = ptr.To(ip)
		now := s.now()
		r := natRec{NatGateway: NatGateway{
			NatGatewayId: ptr.To(id), SubnetId: sub.SubnetId, VpcId: sub.VpcId, State: ptr.To("pending"),
			ConnectivityType: ptr.To(conn), CreateTime: ptr.To(now), NatGatewayAddresses: []NatGatewayAddress{addr},
			AvailabilityMode: ptr.To("zonal"),
		}, Changed: now}
		s.nats.Put(tx, sc, id, r)
		s.setTags(tx, sc, id, tags)
		o := s.natOut(tx, sc, r)
		out.NatGateway = &o
		return nil
	})
	return out, err
}

// DescribeNatGateways lists NAT gateways, deleted ones for an hour after.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNatGateways.html
func (s *Service) DescribeNatGateways(ctx context.Context, in *DescribeNatGatewaysRequest) (*DescribeNatGatewaysResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeNatGatewaysResult{NatGateways: []NatGateway{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.nat, query{in.NatGatewayIds, in.Filter, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.NatGateways = append(out.NatGateways, s.natOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteNatGateway deletes a NAT gateway: it is deleting, then deleted; its
// Elastic IP and private address are given back.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNatGateway.html
func (s *Service) DeleteNatGateway(ctx context.Context, in *DeleteNatGatewayRequest) (*DeleteNatGatewayResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteNatGatewayResult{NatGatewayId: in.NatGatewayId}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.nats.Get(tx, sc, *in.NatGatewayId)
		if !ok {
			return notFoundFor(*in.NatGatewayId)
		}
		r = s.settleNAT(r)
		if st := *r.State; st == "deleting" || st == "deleted" {
			return nil
		}
		for _, a := range r.NatGatewayAddresses {
			if a.AllocationId != nil {
				if eip, ok := s.eips.Get(tx, sc, *a.AllocationId); ok {
					eip.AssociationId, eip.NetworkInterfaceId, eip.NetworkInterfaceOwnerId, eip.PrivateIpAddress = nil, nil, nil, nil
					s.eips.Put(tx, sc, eip.id(), eip)
				}
			}
			s.freeIP(tx, sc, *r.SubnetId, ptr.Val(a.PrivateIp))
		}
		r.State, r.Changed = ptr.To("deleting"), s.now()
		s.nats.Put(tx, sc, r.id(), r)
		return nil
	})
}

// DescribeAddressesAttribute reports Elastic IPs' reverse DNS (PTR) records.
//
// AWS: an address without a custom PTR record reports none.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAddressesAttribute.html
func (s *Service) DescribeAddressesAttribute(ctx context.Context, in *DescribeAddressesAttributeRequest) (*DescribeAddressesAttributeResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeAddressesAttributeResult{Addresses: []AddressAttribute{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.eip, query{in.AllocationIds, nil, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.Addresses = append(out.Addresses, AddressAttribute{AllocationId: r.AllocationId, PublicIp: r.PublicIp})
		}
		out.NextToken = next
		return err
	})
	return out, err
}
