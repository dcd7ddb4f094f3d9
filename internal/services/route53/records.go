package route53

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/dataplane/dns"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// recordKey is the key of a record set: zone, name with its labels
// reversed, type, set identifier.
func recordKey(zoneID string, rs ResourceRecordSet) string {
	return zoneID + sep + reversed(ptr.Val(rs.Name)) + sep + ptr.Val(rs.Type) + sep + ptr.Val(rs.SetIdentifier)
}

// putRecord stores a record set (its name already canonical).
func (s *Service) putRecord(tx *state.Tx, sc state.Scope, zoneID string, rs ResourceRecordSet) {
	s.records.Put(tx, sc, recordKey(zoneID, rs), rs)
}

// describe names a record set in Route 53's messages:
// [name='www.example.com.', type='A'] or with set-identifier='…'.
func describe(rs ResourceRecordSet) string {
	if rs.SetIdentifier != nil {
		return fmt.Sprintf("[name='%s', type='%s', set-identifier='%s']", ptr.Val(rs.Name), ptr.Val(rs.Type), *rs.SetIdentifier)
	}
	return fmt.Sprintf("[name='%s', type='%s']", ptr.Val(rs.Name), ptr.Val(rs.Type))
}

// changeDesc names a change in Route 53's InvalidInput messages.
func changeDesc(action string, rs ResourceRecordSet) string {
	id := "null"
	if rs.SetIdentifier != nil {
		id = *rs.SetIdentifier
	}
	return fmt.Sprintf("[Action=%s, Name=%s, Type=%s, SetIdentifier=%s]", action, ptr.Val(rs.Name), ptr.Val(rs.Type), id)
}

// normalize returns rs with its name, and its alias target's name, in
// canonical form, and checks its shape (AWS answers InvalidInput for these).
func normalize(action string, in ResourceRecordSet) (ResourceRecordSet, error) {
	rs := in
	rs.Name = ptr.To(canonical(ptr.Val(in.Name)))
	rs.Type = ptr.To(strings.ToUpper(ptr.Val(in.Type)))
	if in.AliasTarget != nil {
		a := *in.AliasTarget
		a.DNSName = ptr.To(canonical(ptr.Val(a.DNSName)))
		a.HostedZoneId = ptr.To(trimID(ptr.Val(a.HostedZoneId), "hostedzone"))
		rs.AliasTarget = &a
	}
	rs.ResourceRecords = append([]ResourceRecord(nil), in.ResourceRecords...)
	desc := changeDesc(action, rs)
	hasValues := rs.TTL != nil || len(rs.ResourceRecords) > 0
	switch {
	case rs.AliasTarget != nil && hasValues, rs.AliasTarget != nil && rs.TrafficPolicyInstanceId != nil:
		// AWS: an alias has no TTL and no values of its own.
		return rs, invalidInput("Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found more than one in Change with %s", desc)
	case rs.AliasTarget == nil && rs.TrafficPolicyInstanceId == nil && (rs.TTL == nil || len(rs.ResourceRecords) == 0):
		return rs, invalidInput("Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with %s", desc)
	}
	policy := rs.Weight != nil || rs.Failover != nil || rs.Region != nil || rs.GeoLocation != nil ||
		rs.MultiValueAnswer != nil || rs.CidrRoutingConfig != nil || rs.GeoProximityLocation != nil
	switch {
	case policy && rs.SetIdentifier == nil:
		return rs, invalidInput("Invalid request: Missing field 'SetIdentifier' in Change with %s", desc)
	case !policy && rs.SetIdentifier != nil:
		return rs, invalidInput("Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig], but found none in Change with %s", desc)
	}
	return rs, nil
}

// sameSet reports whether a DELETE's record set matches the stored one
// (AWS: a DELETE must give the record set's current values exactly).
func sameSet(a, b ResourceRecordSet) bool {
	if ptr.Val(a.TTL) != ptr.Val(b.TTL) || (a.AliasTarget == nil) != (b.AliasTarget == nil) {
		return false
	}
	if a.AliasTarget != nil {
		if ptr.Val(a.AliasTarget.DNSName) != ptr.Val(b.AliasTarget.DNSName) || !strings.EqualFold(ptr.Val(a.AliasTarget.HostedZoneId), ptr.Val(b.AliasTarget.HostedZoneId)) {
			return false
		}
	}
	if ptr.Val(a.Weight) != ptr.Val(b.Weight) || ptr.Val(a.Failover) != ptr.Val(b.Failover) || ptr.Val(a.Region) != ptr.Val(b.Region) {
		return false
	}
	va, vb := values(a), values(b)
	slices.Sort(va)
	slices.Sort(vb)
	return slices.Equal(va, vb)
}

func values(rs ResourceRecordSet) []string {
	out := make([]string, len(rs.ResourceRecords))
	for i, r := range rs.ResourceRecords {
		out[i] = ptr.Val(r.Value)
	}
	return out
}

// ChangeResourceRecordSets creates, deletes and upserts record sets in one
// atomic batch: every change is validated against the zone as the earlier
// changes of the batch leave it, and if any fails, none is applied and the
// problems come back together in InvalidChangeBatch.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
func (s *Service) ChangeResourceRecordSets(ctx context.Context, in *ChangeResourceRecordSetsRequest) (*ChangeResourceRecordSetsResponse, error) {
	id := trimID(*in.HostedZoneId, "hostedzone")
	sc := scope(ctx)
	changes := in.ChangeBatch.Changes
	sets := make([]ResourceRecordSet, len(changes))
	for i, c := range changes {
		rs, err := normalize(ptr.Val(c.Action), ptr.Val(c.ResourceRecordSet))
		if err != nil {
			return nil, err
		}
		sets[i] = rs
	}
	var out *ChangeResourceRecordSetsResponse
	errInvalid := errors.New("invalid change batch")
	var msgs []string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		z, err := s.zone(tx, sc, id)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, c := range changes {
			rs := sets[i]
			action := ptr.Val(c.Action)
			k := recordKey(z.ID, rs)
			if seen[k] {
				// AWS: one batch may change a record set once.
				msgs = append(msgs, fmt.Sprintf("The request contains an invalid set of changes for a resource record set '%s %s'", *rs.Type, *rs.Name))
				continue
			}
			seen[k] = true
			if m := s.checkSet(tx, sc, z, action, rs); len(m) > 0 {
				msgs = append(msgs, m...)
				continue
			}
			old, exists := s.records.Get(tx, sc, k)
			switch action {
			case "CREATE":
				if exists {
					msgs = append(msgs, fmt.Sprintf("Tried to create resource record set %s but it already exists", describe(rs)))
					continue
				}
			case "DELETE":
				switch {
				case !exists:
					msgs = append(msgs, fmt.Sprintf("Tried to delete resource record set %s but it was not found", describe(rs)))
				case !sameSet(old, rs):
					msgs = append(msgs, fmt.Sprintf("Tried to delete resource record set %s but the values provided do not match the current values", describe(rs)))
				case isDefault(z, old) && old.Type != nil && *old.Type == "SOA":
					msgs = append(msgs, "A HostedZone must contain exactly one SOA record.")
				case isDefault(z, old):
					msgs = append(msgs, "A HostedZone must contain at least one NS record for the zone itself.")
				default:
					s.records.Delete(tx, sc, k)
					z.Records--
				}
				continue
			}
			if !exists {
				z.Records++
				if z.Records > maxRRSetsPerZone {
					return awserr.New("InvalidChangeBatch", 0, "The number of resource record sets in the hosted zone would exceed %d.", maxRRSetsPerZone)
				}
			}
			s.records.Put(tx, sc, k, rs)
		}
		if len(msgs) > 0 {
			return errInvalid
		}
		s.zones.Put(tx, sc, z.ID, z)
		out = &ChangeResourceRecordSetsResponse{ChangeInfo: s.newChange(tx, sc, ptr.Val(in.ChangeBatch.Comment))}
		return nil
	})
	if errors.Is(err, errInvalid) {
		return nil, awserr.New("InvalidChangeBatch", 0, "[%s]", strings.Join(msgs, ", ")).WithField("messages", msgs)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkSet validates a record set to create, upsert or delete in z: the name
// lies in the zone, the values parse for the type, and the CNAME rules hold.
func (s *Service) checkSet(tx *state.Tx, sc state.Scope, z zoneRec, action string, rs ResourceRecordSet) []string {
	name, typ := *rs.Name, *rs.Type
	if !dns.IsSubdomain(name, z.Name) {
		return []string{fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", name, z.Name)}
	}
	var msgs []string
	seen := map[string]bool{}
	for _, v := range values(rs) {
		if err := dns.CheckValue(typ, v); err != nil {
			msgs = append(msgs, fmt.Sprintf("Invalid Resource Record: '%s'", err.Error()))
		}
		if seen[v] {
			msgs = append(msgs, fmt.Sprintf("Duplicate Resource Record: '%s'", v))
		}
		seen[v] = true
	}
	if len(msgs) > 0 || action == "DELETE" {
		return msgs
	}
	if typ == "CNAME" && len(rs.ResourceRecords) > 1 {
		return []string{fmt.Sprintf("RRSet of type CNAME with DNS name %s has more than one resource record.", name)}
	}
	if typ == "CNAME" && name == z.Name {
		// AWS: a CNAME cannot sit at the apex, beside the zone's NS and SOA.
		return []string{fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s", name, z.Name)}
	}
	if (typ == "NS" || typ == "SOA") && name == z.Name && rs.SetIdentifier != nil {
		return []string{fmt.Sprintf("RRSet of type %s with DNS name %s is not permitted as a routing policy record in zone %s", typ, name, z.Name)}
	}
	// AWS: a CNAME is the only record set at its name (RFC 1034 §3.6.2).
	prefix := z.ID + sep + reversed(name) + sep
	s.records.AscendPrefix(tx, sc, prefix, func(_ string, other ResourceRecordSet) bool {
		ot := ptr.Val(other.Type)
		if (typ == "CNAME") != (ot == "CNAME") {
			msgs = append(msgs, fmt.Sprintf("RRSet of type %s with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone %s", typ, name, z.Name))
			return false
		}
		if ot == typ && (other.SetIdentifier == nil) != (rs.SetIdentifier == nil) {
			msgs = append(msgs, fmt.Sprintf("RRSet with DNS name %s, type %s cannot be created as a non-weighted set exists with the same name and type.", name, typ))
			return false
		}
		return true
	})
	if len(msgs) > 0 {
		return msgs
	}
	if a := rs.AliasTarget; a != nil {
		if tz, ok := s.zones.Get(tx, sc, *a.HostedZoneId); ok {
			target := *a.DNSName
			if !dns.IsSubdomain(target, tz.Name) {
				return []string{fmt.Sprintf("Tried to create an alias that targets %s, type %s in zone %s, but the alias target name does not lie within the target zone", target, typ, tz.ID)}
			}
			found := false
			s.records.AscendPrefix(tx, sc, tz.ID+sep+reversed(target)+sep, func(_ string, t ResourceRecordSet) bool {
				if ptr.Val(t.Type) == typ || ptr.Val(t.Type) == "CNAME" {
					found = true
					return false
				}
				return true
			})
			if !found {
				return []string{fmt.Sprintf("Tried to create an alias that targets %s, type %s in zone %s, but that target was not found", target, typ, tz.ID)}
			}
		}
	}
	return nil
}

// ListResourceRecordSets lists a zone's record sets in Route 53's order
// (names with their labels reversed, then type, then set identifier),
// starting at StartRecordName/Type/Identifier, MaxItems (default and at
// most 300) at a time.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html
func (s *Service) ListResourceRecordSets(ctx context.Context, in *ListResourceRecordSetsRequest) (*ListResourceRecordSetsResponse, error) {
	n, err := maxItems(in.MaxItems, 300, 300)
	if err != nil {
		return nil, err
	}
	if in.StartRecordType != nil && in.StartRecordName == nil {
		return nil, invalidInput("The input is not valid: StartRecordType requires StartRecordName.")
	}
	if in.StartRecordIdentifier != nil && in.StartRecordType == nil {
		return nil, invalidInput("The input is not valid: StartRecordIdentifier requires StartRecordType.")
	}
	id := trimID(*in.HostedZoneId, "hostedzone")
	sc := scope(ctx)
	prefix := id + sep
	from := prefix
	if in.StartRecordName != nil {
		from += reversed(canonical(*in.StartRecordName))
		if in.StartRecordType != nil {
			from += sep + *in.StartRecordType
			if in.StartRecordIdentifier != nil {
				from += sep + *in.StartRecordIdentifier
			}
		}
	}
	out := &ListResourceRecordSetsResponse{ResourceRecordSets: []ResourceRecordSet{}, IsTruncated: ptr.To(false), MaxItems: ptr.To(strconv.Itoa(n))}
	err = s.db.View(func(tx *state.Tx) error {
		if _, err := s.zone(tx, sc, id); err != nil {
			return err
		}
		s.records.Ascend(tx, sc, from, func(k string, rs ResourceRecordSet) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if len(out.ResourceRecordSets) == n {
				out.IsTruncated = ptr.To(true)
				out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier = rs.Name, rs.Type, rs.SetIdentifier
				return false
			}
			out.ResourceRecordSets = append(out.ResourceRecordSets, rs)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
