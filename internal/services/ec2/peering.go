package ec2

import (
	"context"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// peeringRec is a VPC peering connection between two VPCs of the scope.
type peeringRec struct {
	VpcPeeringConnection
	Changed time.Time
}

func (r peeringRec) id() string   { return *r.VpcPeeringConnectionId }
func (r peeringRec) code() string { return *r.Status.Code }
func (r peeringRec) active() bool { return r.code() == "active" }
func (r peeringRec) ended() bool {
	return r.code() == "deleted" || r.code() == "rejected" || r.code() == "failed" || r.code() == "expired"
}
func (r peeringRec) vpcs() [2]string {
	return [2]string{ptr.Val(r.RequesterVpcInfo.VpcId), ptr.Val(r.AccepterVpcInfo.VpcId)}
}

// peerOf returns the other VPC of the connection, or "" if vpc is not one of its two.
func (r peeringRec) peerOf(vpc string) string {
	switch v := r.vpcs(); vpc {
	case v[0]:
		return v[1]
	case v[1]:
		return v[0]
	}
	return ""
}

// AWS: a pending request expires after 7 days; ended connections stay visible for a while (2 hours here, as for deleted).
const (
	peeringExpiry = 7 * 24 * time.Hour
	peeringGone   = 2 * time.Hour
)

func (s *Service) settlePeering(r peeringRec) peeringRec {
	if r.code() == "pending-acceptance" && !s.clock.Now().Before(r.Changed.Add(peeringExpiry)) {
		r.Status = &VpcPeeringConnectionStateReason{Code: ptr.To("expired"), Message: ptr.To("Expired")}
		r.Changed = r.Changed.Add(peeringExpiry)
	}
	return r
}

func (s *Service) peeringKind() *kind[peeringRec] {
	info := func(f func(peeringRec) *VpcPeeringConnectionVpcInfo, g func(*VpcPeeringConnectionVpcInfo) *string) func(peeringRec) []string {
		return func(r peeringRec) []string { return []string{ptr.Val(g(f(r)))} }
	}
	req := func(r peeringRec) *VpcPeeringConnectionVpcInfo { return r.RequesterVpcInfo }
	acc := func(r peeringRec) *VpcPeeringConnectionVpcInfo { return r.AccepterVpcInfo }
	vpcID := func(i *VpcPeeringConnectionVpcInfo) *string { return i.VpcId }
	owner := func(i *VpcPeeringConnectionVpcInfo) *string { return i.OwnerId }
	cidr := func(i *VpcPeeringConnectionVpcInfo) *string { return i.CidrBlock }
	region := func(i *VpcPeeringConnectionVpcInfo) *string { return i.Region }
	return &kind[peeringRec]{
		table: s.peerings, prefix: "pcx", id: peeringRec.id, notFound: notFoundIDs, settle: s.settlePeering,
		hidden: func(r peeringRec) bool { return r.ended() && s.clock.Now().After(r.Changed.Add(peeringGone)) },
		filters: map[string]func(peeringRec) []string{
			"vpc-peering-connection-id":     func(r peeringRec) []string { return []string{r.id()} },
			"status-code":                   func(r peeringRec) []string { return []string{r.code()} },
			"status-message":                func(r peeringRec) []string { return []string{ptr.Val(r.Status.Message)} },
			"requester-vpc-info.vpc-id":     info(req, vpcID),
			"requester-vpc-info.owner-id":   info(req, owner),
			"requester-vpc-info.cidr-block": info(req, cidr),
			"requester-vpc-info.region":     info(req, region),
			"accepter-vpc-info.vpc-id":      info(acc, vpcID),
			"accepter-vpc-info.owner-id":    info(acc, owner),
			"accepter-vpc-info.cidr-block":  info(acc, cidr),
			"accepter-vpc-info.region":      info(acc, region),
			"expiration-time": func(r peeringRec) []string {
				if r.ExpirationTime == nil {
					return nil
				}
				return []string{r.ExpirationTime.UTC().Format(time.RFC3339)}
			},
		},
	}
}

func (s *Service) peeringOut(tx *state.Tx, sc state.Scope, r peeringRec) VpcPeeringConnection {
	out := s.settlePeering(r).VpcPeeringConnection
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

func vpcInfo(sc state.Scope, v vpcRec) *VpcPeeringConnectionVpcInfo {
	info := &VpcPeeringConnectionVpcInfo{VpcId: v.VpcId, OwnerId: ptr.To(sc.Account), Region: ptr.To(sc.Region), CidrBlock: v.CidrBlock}
	for _, p := range v.cidrs() {
		info.CidrBlockSet = append(info.CidrBlockSet, CidrBlock{CidrBlock: ptr.To(p.String())})
	}
	return info
}

func (s *Service) getPeering(tx *state.Tx, sc state.Scope, id string) (peeringRec, error) {
	r, ok := s.peerings.Get(tx, sc, id)
	if !ok {
		return r, notFoundFor(id)
	}
	r = s.settlePeering(r)
	if r.ended() && s.clock.Now().After(r.Changed.Add(peeringGone)) {
		return r, notFoundFor(id)
	}
	return r, nil
}

// CreateVpcPeeringConnection requests a peering connection between two VPCs
// of the account in the request's region.
//
// AWS: the request waits in pending-acceptance for the accepter; VPCs whose
// CIDR blocks overlap cannot be peered and the request fails at once.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html
func (s *Service) CreateVpcPeeringConnection(ctx context.Context, in *CreateVpcPeeringConnectionRequest) (*CreateVpcPeeringConnectionResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if o := ptr.Val(in.PeerOwnerId); o != "" && o != sc.Account {
		return nil, awserr.New("InvalidParameterValue", 400, "Peering with VPCs of another account (%s) is not supported by haneul.", o)
	}
	if r := ptr.Val(in.PeerRegion); r != "" && r != sc.Region {
		return nil, awserr.New("InvalidParameterValue", 400, "Peering with VPCs of another region (%s) is not supported by haneul.", r)
	}
	if in.PeerVpcId == nil {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter peerVpcId")
	}
	tags, err := specTags(in.TagSpecifications, "vpc-peering-connection")
	if err != nil {
		return nil, err
	}
	var out VpcPeeringConnection
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		a, err := s.getVPC(tx, sc, ptr.Val(in.VpcId))
		if err != nil {
			return err
		}
		b, err := s.getVPC(tx, sc, *in.PeerVpcId)
		if err != nil {
			return err
		}
		if a.id() == b.id() {
			return awserr.New("InvalidParameterValue", 400, "The requester and accepter VPCs of a peering connection must differ: %s", a.id())
		}
		now := s.now()
		r := peeringRec{Changed: now, VpcPeeringConnection: VpcPeeringConnection{
			VpcPeeringConnectionId: ptr.To(ids.Hex("pcx", 17)), RequesterVpcInfo: vpcInfo(sc, a), AccepterVpcInfo: vpcInfo(sc, b),
			Status:         &VpcPeeringConnectionStateReason{Code: ptr.To("pending-acceptance"), Message: ptr.To("Pending Acceptance by " + sc.Account)},
			ExpirationTime: ptr.To(now.Add(peeringExpiry)),
		}}
		r.AccepterVpcInfo.CidrBlock, r.AccepterVpcInfo.CidrBlockSet = nil, nil // AWS: shown once accepted
	overlap:
		for _, p := range a.cidrs() {
			for _, q := range b.cidrs() {
				if overlaps(p, q) {
					r.Status = &VpcPeeringConnectionStateReason{Code: ptr.To("failed"), Message: ptr.To("Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range.")}
					r.ExpirationTime = nil
					break overlap
				}
			}
		}
		s.peerings.Put(tx, sc, r.id(), r)
		s.setTags(tx, sc, r.id(), tags)
		out = s.peeringOut(tx, sc, r)
		// AWS: the create call itself answers initiating-request.
		if r.code() == "pending-acceptance" {
			out.Status = &VpcPeeringConnectionStateReason{Code: ptr.To("initiating-request"), Message: ptr.To("Initiating Request to " + sc.Account)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateVpcPeeringConnectionResult{VpcPeeringConnection: &out}, nil
}

// peeringTransition moves a connection from pending-acceptance (or, for
// delete, from any live state) to state to.
func (s *Service) peeringTransition(ctx context.Context, id, to string, from ...string) (VpcPeeringConnection, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return VpcPeeringConnection{}, err
	}
	var out VpcPeeringConnection
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getPeering(tx, sc, id)
		if err != nil {
			return err
		}
		ok := false
		for _, f := range from {
			ok = ok || r.code() == f
		}
		if !ok {
			return awserr.New("InvalidStateTransition", 400, "Invalid state transition for %s, attempted to transition from %s to %s", id, r.code(), to)
		}
		msgs := map[string]string{"active": "Active", "rejected": "Rejected by " + sc.Account, "deleted": "Deleted by " + sc.Account}
		r.Status = &VpcPeeringConnectionStateReason{Code: ptr.To(to), Message: ptr.To(msgs[to])}
		r.Changed, r.ExpirationTime = s.now(), nil
		if to == "active" {
			if v, ok := s.vpcs.Get(tx, sc, ptr.Val(r.AccepterVpcInfo.VpcId)); ok {
				r.AccepterVpcInfo = vpcInfo(sc, v)
			}
			opts := func() *VpcPeeringConnectionOptionsDescription {
				return &VpcPeeringConnectionOptionsDescription{AllowDnsResolutionFromRemoteVpc: ptr.To(false),
					AllowEgressFromLocalClassicLinkToRemoteVpc: ptr.To(false), AllowEgressFromLocalVpcToRemoteClassicLink: ptr.To(false)}
			}
			r.RequesterVpcInfo.PeeringOptions, r.AccepterVpcInfo.PeeringOptions = opts(), opts()
		}
		s.peerings.Put(tx, sc, id, r)
		out = s.peeringOut(tx, sc, r)
		return nil
	})
	return out, err
}

// AcceptVpcPeeringConnection accepts a pending request: the connection becomes active.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html
func (s *Service) AcceptVpcPeeringConnection(ctx context.Context, in *AcceptVpcPeeringConnectionRequest) (*AcceptVpcPeeringConnectionResult, error) {
	out, err := s.peeringTransition(ctx, ptr.Val(in.VpcPeeringConnectionId), "active", "pending-acceptance")
	if err != nil {
		return nil, err
	}
	return &AcceptVpcPeeringConnectionResult{VpcPeeringConnection: &out}, nil
}

// RejectVpcPeeringConnection rejects a pending request.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RejectVpcPeeringConnection.html
func (s *Service) RejectVpcPeeringConnection(ctx context.Context, in *RejectVpcPeeringConnectionRequest) (*RejectVpcPeeringConnectionResult, error) {
	if _, err := s.peeringTransition(ctx, ptr.Val(in.VpcPeeringConnectionId), "rejected", "pending-acceptance"); err != nil {
		return nil, err
	}
	return &RejectVpcPeeringConnectionResult{Return: ptr.To(true)}, nil
}

// DeleteVpcPeeringConnection deletes a pending or active connection.
// Routes to it become blackholes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcPeeringConnection.html
func (s *Service) DeleteVpcPeeringConnection(ctx context.Context, in *DeleteVpcPeeringConnectionRequest) (*DeleteVpcPeeringConnectionResult, error) {
	if _, err := s.peeringTransition(ctx, ptr.Val(in.VpcPeeringConnectionId), "deleted", "pending-acceptance", "active"); err != nil {
		return nil, err
	}
	return &DeleteVpcPeeringConnectionResult{Return: ptr.To(true)}, nil
}

// DescribeVpcPeeringConnections lists peering connections.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcPeeringConnections.html
func (s *Service) DescribeVpcPeeringConnections(ctx context.Context, in *DescribeVpcPeeringConnectionsRequest) (*DescribeVpcPeeringConnectionsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcPeeringConnectionsResult{VpcPeeringConnections: []VpcPeeringConnection{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.peering, query{in.VpcPeeringConnectionIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.VpcPeeringConnections = append(out.VpcPeeringConnections, s.peeringOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// ModifyVpcPeeringConnectionOptions sets an active connection's DNS resolution options.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html
func (s *Service) ModifyVpcPeeringConnectionOptions(ctx context.Context, in *ModifyVpcPeeringConnectionOptionsRequest) (*ModifyVpcPeeringConnectionOptionsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &ModifyVpcPeeringConnectionOptionsResult{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getPeering(tx, sc, ptr.Val(in.VpcPeeringConnectionId))
		if err != nil {
			return err
		}
		if !r.active() {
			return awserr.New("OperationNotPermitted", 400, "Peering connection %s is not active.", r.id())
		}
		apply := func(info *VpcPeeringConnectionVpcInfo, o *PeeringConnectionOptionsRequest) *PeeringConnectionOptions {
			if o == nil {
				return nil
			}
			p := *info.PeeringOptions
			if o.AllowDnsResolutionFromRemoteVpc != nil {
				p.AllowDnsResolutionFromRemoteVpc = o.AllowDnsResolutionFromRemoteVpc
			}
			i := *info
			i.PeeringOptions = &p
			*info = i
			return &PeeringConnectionOptions{AllowDnsResolutionFromRemoteVpc: p.AllowDnsResolutionFromRemoteVpc,
				AllowEgressFromLocalClassicLinkToRemoteVpc: p.AllowEgressFromLocalClassicLinkToRemoteVpc, AllowEgressFromLocalVpcToRemoteClassicLink: p.AllowEgressFromLocalVpcToRemoteClassicLink}
		}
		req, acc := *r.RequesterVpcInfo, *r.AccepterVpcInfo
		out.RequesterPeeringConnectionOptions = apply(&req, in.RequesterPeeringConnectionOptions)
		out.AccepterPeeringConnectionOptions = apply(&acc, in.AccepterPeeringConnectionOptions)
		r.RequesterVpcInfo, r.AccepterVpcInfo = &req, &acc
		s.peerings.Put(tx, sc, r.id(), r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
