package route53

import (
	"strings"

	"haneul/internal/dataplane/dns"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// source is Route 53's state as the DNS server reads it (dns.Source). It
// answers for the zones of every account: haneul's DNS server stands for
// the whole of Route 53.
type source struct{ s *Service }

var _ dns.Source = source{}

func zoneView(account string, z zoneRec) dns.Zone {
	return dns.Zone{Account: account, ID: z.ID, Name: z.Name, Private: z.Private}
}

// Zone returns the zone with the longest name that is name or an ancestor
// of it. Of zones with the same name, a public one wins over a private one,
// then the oldest.
func (src source) Zone(name string) (dns.Zone, bool) {
	s := src.s
	var best dns.Zone
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		scopes := s.zones.Scopes(tx)
		for cur, ok := name, true; ok && !found; cur, ok = dns.Parent(cur) {
			var bestRec zoneRec
			for _, sc := range scopes {
				s.zoneNames.AscendPrefix(tx, sc, reversed(cur)+sep, func(_ string, id string) bool {
					z, ok := s.zones.Get(tx, sc, id)
					if !ok {
						return true
					}
					if !found || better(z, bestRec) {
						best, bestRec, found = zoneView(sc.Account, z), z, true
					}
					return true
				})
			}
			if cur == "." {
				break
			}
		}
		return nil
	})
	return best, found
}

// better orders zones of the same name: public first, then oldest.
func better(a, b zoneRec) bool {
	if a.Private != b.Private {
		return !a.Private
	}
	return a.Created.Before(b.Created)
}

// ZoneByID returns a zone of the account.
func (src source) ZoneByID(account, id string) (dns.Zone, bool) {
	var z zoneRec
	var ok bool
	_ = src.s.db.View(func(tx *state.Tx) error {
		z, ok = src.s.zones.Get(tx, state.Scope{Account: account}, trimID(id, "hostedzone"))
		return nil
	})
	return zoneView(account, z), ok
}

// RecordSets returns the record sets named name in z.
func (src source) RecordSets(z dns.Zone, name string) []dns.RecordSet {
	var out []dns.RecordSet
	_ = src.s.db.View(func(tx *state.Tx) error {
		src.s.records.AscendPrefix(tx, state.Scope{Account: z.Account}, z.ID+sep+reversed(name)+sep, func(_ string, rs ResourceRecordSet) bool {
			out = append(out, recordView(rs))
			return true
		})
		return nil
	})
	return out
}

// HasDescendants reports whether z has a record set below name.
func (src source) HasDescendants(z dns.Zone, name string) bool {
	found := false
	prefix := z.ID + sep + reversed(name)
	_ = src.s.db.View(func(tx *state.Tx) error {
		src.s.records.AscendPrefix(tx, state.Scope{Account: z.Account}, prefix, func(k string, _ ResourceRecordSet) bool {
			if !strings.HasPrefix(k[len(prefix):], sep) {
				found = true
				return false
			}
			return true
		})
		return nil
	})
	return found
}

// Walk calls fn for every record set of every zone.
func (src source) Walk(fn func(z dns.Zone, rs dns.RecordSet)) {
	s := src.s
	type item struct {
		z  dns.Zone
		rs dns.RecordSet
	}
	var items []item
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.zones.Scopes(tx) {
			s.zones.Ascend(tx, sc, "", func(id string, z zoneRec) bool {
				zv := zoneView(sc.Account, z)
				s.records.AscendPrefix(tx, sc, id+sep, func(_ string, rs ResourceRecordSet) bool {
					items = append(items, item{zv, recordView(rs)})
					return true
				})
				return true
			})
		}
		return nil
	})
	// fn runs outside the transaction: it may read the state again.
	for _, it := range items {
		fn(it.z, it.rs)
	}
}

func recordView(rs ResourceRecordSet) dns.RecordSet {
	v := dns.RecordSet{
		Name:          ptr.Val(rs.Name),
		Type:          ptr.Val(rs.Type),
		TTL:           uint32(min(ptr.Val(rs.TTL), 1<<31-1)),
		Values:        values(rs),
		SetIdentifier: ptr.Val(rs.SetIdentifier),
		Weight:        rs.Weight,
		Failover:      ptr.Val(rs.Failover),
		MultiValue:    ptr.Val(rs.MultiValueAnswer),
	}
	if a := rs.AliasTarget; a != nil {
		v.Alias = &dns.Alias{ZoneID: ptr.Val(a.HostedZoneId), DNSName: ptr.Val(a.DNSName)}
	}
	return v
}

// CNAME returns the target of the CNAME record set at name in the hosted
// zone that answers for it, in any account: what ACM's DNS validation looks
// for, as a resolver on the internet would.
func (s *Service) CNAME(name string) (string, bool) {
	name = canonical(name)
	src := source{s}
	z, ok := src.Zone(name)
	if !ok {
		return "", false
	}
	for _, rs := range src.RecordSets(z, name) {
		if rs.Type == "CNAME" && len(rs.Values) > 0 {
			return canonical(rs.Values[0]), true
		}
	}
	return "", false
}
