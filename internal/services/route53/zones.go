package route53

import (
	"context"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// nameServers are the four name servers of every hosted zone: haneul's DNS
// server, under names that resolve to loopback (AWS gives each zone four
// awsdns servers in .com, .net, .org and .co.uk).
var nameServers = [4]string{"ns-1.haneul.localhost", "ns-2.haneul.localhost", "ns-3.haneul.localhost", "ns-4.haneul.localhost"}

// AWS: the default NS record set has a TTL of 172800 and the SOA 900; the
// SOA's values are "<ns>. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400".
const (
	nsTTL  = 172800
	soaTTL = 900
	soa    = "ns-1.haneul.localhost. hostmaster.haneul.localhost. 1 7200 900 1209600 86400"
)

// AWS limits.
const (
	maxHostedZones   = 500
	maxHealthChecks  = 200
	maxRRSetsPerZone = 10000
	maxVPCsPerZone   = 300
)

// zoneOut is a zone as HostedZone shapes carry it.
func zoneOut(z zoneRec) HostedZone {
	h := HostedZone{
		Id:                     ptr.To("/hostedzone/" + z.ID),
		Name:                   ptr.To(z.Name),
		CallerReference:        ptr.To(z.CallerReference),
		Config:                 &HostedZoneConfig{PrivateZone: ptr.To(z.Private)},
		ResourceRecordSetCount: ptr.To(z.Records),
	}
	if z.HasComment {
		h.Config.Comment = ptr.To(z.Comment)
	}
	return h
}

func delegationSet() *DelegationSet {
	return &DelegationSet{NameServers: append([]string(nil), nameServers[:]...)}
}

// zone reads a hosted zone of the caller's account.
func (s *Service) zone(tx *state.Tx, sc state.Scope, id string) (zoneRec, error) {
	z, ok := s.zones.Get(tx, sc, id)
	if !ok {
		return z, errNoSuchHostedZone(id)
	}
	return z, nil
}

// CreateHostedZone creates a public hosted zone, or a private one associated
// with a VPC, with its NS and SOA record sets.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html
func (s *Service) CreateHostedZone(ctx context.Context, in *CreateHostedZoneRequest) (*CreateHostedZoneResponse, error) {
	if !validDomain(*in.Name) {
		return nil, awserr.New("InvalidDomainName", 0, "%s is not a valid domain name.", *in.Name)
	}
	name := canonical(*in.Name)
	private := in.VPC != nil
	if in.HostedZoneConfig != nil && ptr.Val(in.HostedZoneConfig.PrivateZone) && in.VPC == nil {
		// AWS: a private zone needs a VPC at creation.
		return nil, invalidInput("When you're creating a private hosted zone (when you specify true for PrivateZone), you must also specify values for VPCId and VPCRegion.")
	}
	var vpc *VPC
	if in.VPC != nil {
		v, err := s.vpc(in.VPC)
		if err != nil {
			return nil, err
		}
		vpc = &v
	}
	if in.DelegationSetId != nil {
		return nil, awserr.New("NoSuchDelegationSet", 0, "A reusable delegation set with the specified ID does not exist.")
	}
	sc := scope(ctx)
	var out *CreateHostedZoneResponse
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if id, ok := s.zoneRefs.Get(tx, sc, *in.CallerReference); ok {
			z, _ := s.zones.Get(tx, sc, id)
			// AWS: the caller reference lets a failed request be retried
			// safely; the same reference for a different zone is rejected.
			if z.Name != name || z.Private != private {
				return awserr.New("HostedZoneAlreadyExists", 0, "A hosted zone has already been created with the specified caller reference.")
			}
			out = s.createdZone(z, s.newChange(tx, sc, ""), vpc)
			return nil
		}
		if s.zones.Len(tx, sc) >= maxHostedZones {
			return awserr.New("TooManyHostedZones", 0, "This operation would exceed the limit of %d hosted zones for the account.", maxHostedZones)
		}
		z := zoneRec{
			ID:              newID("Z"),
			Name:            name,
			CallerReference: *in.CallerReference,
			Private:         private,
			Created:         s.clock.Now().UTC(),
		}
		if in.HostedZoneConfig != nil && in.HostedZoneConfig.Comment != nil {
			z.Comment, z.HasComment = *in.HostedZoneConfig.Comment, true
		}
		if vpc != nil {
			z.VPCs = []VPC{*vpc}
		}
		ns := make([]ResourceRecord, len(nameServers))
		for i, n := range nameServers {
			ns[i] = ResourceRecord{Value: ptr.To(n + ".")}
		}
		s.putRecord(tx, sc, z.ID, ResourceRecordSet{Name: ptr.To(name), Type: ptr.To("NS"), TTL: ptr.To(int64(nsTTL)), ResourceRecords: ns})
		s.putRecord(tx, sc, z.ID, ResourceRecordSet{Name: ptr.To(name), Type: ptr.To("SOA"), TTL: ptr.To(int64(soaTTL)), ResourceRecords: []ResourceRecord{{Value: ptr.To(soa)}}})
		z.Records = 2
		s.zones.Put(tx, sc, z.ID, z)
		s.zoneNames.Put(tx, sc, reversed(name)+sep+z.ID, z.ID)
		s.zoneRefs.Put(tx, sc, z.CallerReference, z.ID)
		out = s.createdZone(z, s.newChange(tx, sc, ""), vpc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) createdZone(z zoneRec, ci *ChangeInfo, vpc *VPC) *CreateHostedZoneResponse {
	h := zoneOut(z)
	return &CreateHostedZoneResponse{
		HostedZone:    &h,
		ChangeInfo:    ci,
		DelegationSet: delegationSet(),
		Location:      ptr.To("https://route53.amazonaws.com/2013-04-01/hostedzone/" + z.ID),
		VPC:           vpc,
	}
}

// vpc checks a VPC of a request and fills in its region.
func (s *Service) vpc(v *VPC) (VPC, error) {
	if v.VPCId == nil || *v.VPCId == "" {
		return VPC{}, awserr.New("InvalidVPCId", 0, "The VPC ID that you specified either isn't a valid ID or the current account is not authorized to access this VPC.")
	}
	out := VPC{VPCId: v.VPCId, VPCRegion: v.VPCRegion}
	if out.VPCRegion == nil || *out.VPCRegion == "" {
		out.VPCRegion = ptr.To(s.region)
	}
	return out, nil
}

// GetHostedZone returns a hosted zone, its name servers (public zones) or
// its VPCs (private zones).
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html
func (s *Service) GetHostedZone(ctx context.Context, in *GetHostedZoneRequest) (*GetHostedZoneResponse, error) {
	id := trimID(*in.Id, "hostedzone")
	var z zoneRec
	err := s.db.View(func(tx *state.Tx) (err error) {
		z, err = s.zone(tx, scope(ctx), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	h := zoneOut(z)
	out := &GetHostedZoneResponse{HostedZone: &h}
	if z.Private {
		// AWS: private zones have no delegation set; their VPCs are listed instead.
		out.VPCs = append([]VPC(nil), z.VPCs...)
	} else {
		out.DelegationSet = delegationSet()
	}
	return out, nil
}

// maxItems parses a MaxItems parameter (a string in Route 53's API).
func maxItems(v *string, def, limit int) (int, error) {
	if v == nil || *v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(*v)
	if err != nil || n < 1 {
		return 0, invalidInput("Invalid value for MaxItems: %s", *v)
	}
	return min(n, limit), nil
}

// ListHostedZones lists the account's hosted zones in id order, MaxItems
// (default and at most 100) at a time.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZones.html
func (s *Service) ListHostedZones(ctx context.Context, in *ListHostedZonesRequest) (*ListHostedZonesResponse, error) {
	n, err := maxItems(in.MaxItems, 100, 100)
	if err != nil {
		return nil, err
	}
	marker := ptr.Val(in.Marker)
	privateOnly := ptr.Val(in.HostedZoneType) == "PrivateHostedZone"
	out := &ListHostedZonesResponse{HostedZones: []HostedZone{}, IsTruncated: ptr.To(false), Marker: ptr.To(marker), MaxItems: ptr.To(strconv.Itoa(n))}
	_ = s.db.View(func(tx *state.Tx) error {
		s.zones.Ascend(tx, scope(ctx), trimID(marker, "hostedzone"), func(id string, z zoneRec) bool {
			if privateOnly && !z.Private {
				return true
			}
			if len(out.HostedZones) == n {
				out.IsTruncated, out.NextMarker = ptr.To(true), ptr.To(id)
				return false
			}
			out.HostedZones = append(out.HostedZones, zoneOut(z))
			return true
		})
		return nil
	})
	return out, nil
}

// ListHostedZonesByName lists hosted zones in the order of their names with
// the labels reversed, starting at DNSName (and HostedZoneId among zones of
// that name).
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByName.html
func (s *Service) ListHostedZonesByName(ctx context.Context, in *ListHostedZonesByNameRequest) (*ListHostedZonesByNameResponse, error) {
	n, err := maxItems(in.MaxItems, 100, 100)
	if err != nil {
		return nil, err
	}
	if in.HostedZoneId != nil && in.DNSName == nil {
		// AWS: HostedZoneId is only meaningful with DNSName.
		return nil, invalidInput("The input is not valid: If you specify HostedZoneId, you must also specify DNSName.")
	}
	from := ""
	out := &ListHostedZonesByNameResponse{HostedZones: []HostedZone{}, IsTruncated: ptr.To(false), MaxItems: ptr.To(strconv.Itoa(n)), DNSName: in.DNSName, HostedZoneId: in.HostedZoneId}
	if in.DNSName != nil {
		from = reversed(canonical(*in.DNSName))
		if in.HostedZoneId != nil {
			from += sep + trimID(*in.HostedZoneId, "hostedzone")
		}
	}
	_ = s.db.View(func(tx *state.Tx) error {
		sc := scope(ctx)
		s.zoneNames.Ascend(tx, sc, from, func(_ string, id string) bool {
			z, ok := s.zones.Get(tx, sc, id)
			if !ok {
				return true
			}
			if len(out.HostedZones) == n {
				out.IsTruncated = ptr.To(true)
				out.NextDNSName, out.NextHostedZoneId = ptr.To(z.Name), ptr.To(z.ID)
				return false
			}
			out.HostedZones = append(out.HostedZones, zoneOut(z))
			return true
		})
		return nil
	})
	return out, nil
}

// ListHostedZonesByVPC lists the private hosted zones associated with a VPC.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListHostedZonesByVPC.html
func (s *Service) ListHostedZonesByVPC(ctx context.Context, in *ListHostedZonesByVPCRequest) (*ListHostedZonesByVPCResponse, error) {
	n, err := maxItems(in.MaxItems, 100, 100)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListHostedZonesByVPCResponse{HostedZoneSummaries: []HostedZoneSummary{}, MaxItems: ptr.To(strconv.Itoa(n))}
	from := ptr.Val(in.NextToken)
	_ = s.db.View(func(tx *state.Tx) error {
		s.zones.Ascend(tx, sc, from, func(id string, z zoneRec) bool {
			if !z.hasVPC(*in.VPCId, *in.VPCRegion) {
				return true
			}
			if len(out.HostedZoneSummaries) == n {
				out.NextToken = ptr.To(id)
				return false
			}
			out.HostedZoneSummaries = append(out.HostedZoneSummaries, HostedZoneSummary{
				HostedZoneId: ptr.To(z.ID), Name: ptr.To(z.Name), Owner: &HostedZoneOwner{OwningAccount: ptr.To(sc.Account)},
			})
			return true
		})
		return nil
	})
	return out, nil
}

func (z zoneRec) hasVPC(id, region string) bool {
	for _, v := range z.VPCs {
		if ptr.Val(v.VPCId) == id && (region == "" || ptr.Val(v.VPCRegion) == region) {
			return true
		}
	}
	return false
}

// DeleteHostedZone deletes a hosted zone that holds only its NS and SOA
// record sets.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHostedZone.html
func (s *Service) DeleteHostedZone(ctx context.Context, in *DeleteHostedZoneRequest) (*DeleteHostedZoneResponse, error) {
	id := trimID(*in.Id, "hostedzone")
	sc := scope(ctx)
	var out *DeleteHostedZoneResponse
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		z, err := s.zone(tx, sc, id)
		if err != nil {
			return err
		}
		var keys []string
		notEmpty := false
		s.records.AscendPrefix(tx, sc, z.ID+sep, func(k string, rs ResourceRecordSet) bool {
			if !isDefault(z, rs) {
				notEmpty = true
				return false
			}
			keys = append(keys, k)
			return true
		})
		if notEmpty {
			return awserr.New("HostedZoneNotEmpty", 0, "The specified hosted zone contains non-required resource record sets and so cannot be deleted.")
		}
		for _, k := range keys {
			s.records.Delete(tx, sc, k)
		}
		s.zones.Delete(tx, sc, z.ID)
		s.zoneNames.Delete(tx, sc, reversed(z.Name)+sep+z.ID)
		s.zoneRefs.Delete(tx, sc, z.CallerReference)
		s.tags.Delete(tx, sc, "hostedzone/"+z.ID)
		out = &DeleteHostedZoneResponse{ChangeInfo: s.newChange(tx, sc, "")}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isDefault reports whether rs is one of the record sets a zone must have:
// the NS and SOA at its apex.
func isDefault(z zoneRec, rs ResourceRecordSet) bool {
	t := ptr.Val(rs.Type)
	return ptr.Val(rs.Name) == z.Name && (t == "NS" || t == "SOA") && rs.SetIdentifier == nil
}

// UpdateHostedZoneComment changes (or, given none, clears) a zone's comment.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHostedZoneComment.html
func (s *Service) UpdateHostedZoneComment(ctx context.Context, in *UpdateHostedZoneCommentRequest) (*UpdateHostedZoneCommentResponse, error) {
	id := trimID(*in.Id, "hostedzone")
	sc := scope(ctx)
	var z zoneRec
	err := s.db.Update(ctx, func(tx *state.Tx) (err error) {
		if z, err = s.zone(tx, sc, id); err != nil {
			return err
		}
		z.Comment, z.HasComment = ptr.Val(in.Comment), in.Comment != nil
		s.zones.Put(tx, sc, z.ID, z)
		return nil
	})
	if err != nil {
		return nil, err
	}
	h := zoneOut(z)
	return &UpdateHostedZoneCommentResponse{HostedZone: &h}, nil
}

// GetHostedZoneCount returns the number of the account's hosted zones.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZoneCount.html
func (s *Service) GetHostedZoneCount(ctx context.Context, _ *GetHostedZoneCountRequest) (*GetHostedZoneCountResponse, error) {
	var n int
	_ = s.db.View(func(tx *state.Tx) error {
		n = s.zones.Len(tx, scope(ctx))
		return nil
	})
	return &GetHostedZoneCountResponse{HostedZoneCount: ptr.To(int64(n))}, nil
}

// AssociateVPCWithHostedZone associates another VPC with a private zone.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_AssociateVPCWithHostedZone.html
func (s *Service) AssociateVPCWithHostedZone(ctx context.Context, in *AssociateVPCWithHostedZoneRequest) (*AssociateVPCWithHostedZoneResponse, error) {
	return s.changeVPCs(ctx, in.HostedZoneId, in.VPC, in.Comment, true)
}

// DisassociateVPCFromHostedZone removes a VPC from a private zone; the last
// one cannot be removed.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_DisassociateVPCFromHostedZone.html
func (s *Service) DisassociateVPCFromHostedZone(ctx context.Context, in *DisassociateVPCFromHostedZoneRequest) (*DisassociateVPCFromHostedZoneResponse, error) {
	out, err := s.changeVPCs(ctx, in.HostedZoneId, in.VPC, in.Comment, false)
	if err != nil {
		return nil, err
	}
	return &DisassociateVPCFromHostedZoneResponse{ChangeInfo: out.ChangeInfo}, nil
}

func (s *Service) changeVPCs(ctx context.Context, zoneID *string, v *VPC, comment *string, add bool) (*AssociateVPCWithHostedZoneResponse, error) {
	vpc, err := s.vpc(v)
	if err != nil {
		return nil, err
	}
	id := trimID(*zoneID, "hostedzone")
	sc := scope(ctx)
	var out *AssociateVPCWithHostedZoneResponse
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		z, err := s.zone(tx, sc, id)
		if err != nil {
			return err
		}
		if !z.Private {
			return awserr.New("PublicZoneVPCAssociation", 0, "You're trying to associate a VPC with a public hosted zone. Amazon Route 53 doesn't support associating a VPC with a public hosted zone.")
		}
		has := z.hasVPC(*vpc.VPCId, *vpc.VPCRegion)
		switch {
		case add && has:
			return awserr.New("ConflictingDomainExists", 400, "The VPC %s is already associated with the hosted zone %s.", *vpc.VPCId, z.ID)
		case add:
			if len(z.VPCs) >= maxVPCsPerZone {
				return awserr.New("LimitsExceeded", 400, "The hosted zone is already associated with the maximum number of VPCs.")
			}
			z.VPCs = append(append([]VPC(nil), z.VPCs...), vpc)
		case !has:
			return awserr.New("VPCAssociationNotFound", 0, "The specified VPC and hosted zone are not currently associated.")
		case len(z.VPCs) == 1:
			return awserr.New("LastVPCAssociation", 0, "The VPC that you're trying to disassociate from the private hosted zone is the last VPC that is associated with the hosted zone. Amazon Route 53 doesn't support disassociating the last VPC from a hosted zone.")
		default:
			var keep []VPC
			for _, x := range z.VPCs {
				if !(ptr.Val(x.VPCId) == *vpc.VPCId && ptr.Val(x.VPCRegion) == *vpc.VPCRegion) {
					keep = append(keep, x)
				}
			}
			z.VPCs = keep
		}
		s.zones.Put(tx, sc, z.ID, z)
		out = &AssociateVPCWithHostedZoneResponse{ChangeInfo: s.newChange(tx, sc, strings.TrimSpace(ptr.Val(comment)))}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
