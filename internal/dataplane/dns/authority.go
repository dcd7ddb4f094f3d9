package dns

import (
	"math/rand/v2"
	"net/netip"
	"sort"
	"strings"
)

// Zone is a hosted zone as the DNS server sees it.
type Zone struct {
	Account string
	ID      string // the zone id without "/hostedzone/"
	Name    string // canonical, with the trailing dot
	Private bool
}

// RecordSet is a Route 53 record set as the DNS server sees it.
type RecordSet struct {
	Name          string // canonical
	Type          string // "A", "CNAME", …
	TTL           uint32
	Values        []string // Route 53's text form
	Alias         *Alias
	SetIdentifier string
	Weight        *int64
	Failover      string // PRIMARY or SECONDARY
	MultiValue    bool
}

// Alias is an alias record's target.
type Alias struct {
	ZoneID  string // hosted zone id of the target (a Route 53 zone or an AWS service's zone)
	DNSName string
}

// Source is where the Authority reads hosted zones and their records:
// Route 53's state.
type Source interface {
	// Zone returns the hosted zone that answers for name: the one with the
	// longest name that is name or an ancestor of it, across all accounts.
	Zone(name string) (Zone, bool)
	// ZoneByID returns a hosted zone of the account by id.
	ZoneByID(account, id string) (Zone, bool)
	// RecordSets returns the record sets named name in z.
	RecordSets(z Zone, name string) []RecordSet
	// HasDescendants reports whether z has a record set named below name.
	HasDescendants(z Zone, name string) bool
	// Walk calls fn for every record set of every zone.
	Walk(fn func(z Zone, rs RecordSet))
}

// Authority decides the answer to a question from Route 53's record sets
// and the names other services register.
type Authority struct {
	src   Source
	names *Registry
}

// NewAuthority returns an Authority over src and names (names may be nil).
func NewAuthority(src Source, names *Registry) *Authority {
	if names == nil {
		names = NewRegistry()
	}
	return &Authority{src: src, names: names}
}

// Names is the registry of haneul's own names.
func (a *Authority) Names() *Registry { return a.names }

// maxChain bounds CNAME and alias chains.
const maxChain = 8

// aliasTTL is the TTL of answers synthesised for names haneul's services own
// (AWS: alias records to load balancers answer with a 60-second TTL).
const aliasTTL = 60

// Answer is what the server says to a question.
type Answer struct {
	// Authoritative is false for names haneul does not answer for (REFUSED).
	Authoritative bool
	Rcode         int
	Answer        []RR
	Authority     []RR
}

// Answer answers q.
func (a *Authority) Answer(q Question) Answer {
	name := Canonical(q.Name)
	if z, ok := a.src.Zone(name); ok {
		return a.inZone(z, name, q.Type, 0)
	}
	if addrs, ok := a.names.Resolve(name); ok {
		return Answer{Authoritative: true, Answer: addrRRs(name, q.Type, addrs, aliasTTL)}
	}
	return Answer{Rcode: RcodeRefused}
}

// inZone answers name/qtype from zone z.
func (a *Authority) inZone(z Zone, name string, qtype uint16, depth int) Answer {
	out := Answer{Authoritative: true}
	sets := a.src.RecordSets(z, name)
	if len(sets) == 0 && !a.src.HasDescendants(z, name) {
		sets = a.wildcard(z, name)
		if len(sets) == 0 {
			out.Rcode = RcodeNXDomain
			out.Authority = a.soa(z)
			return out
		}
	}
	sets = pick(sets)
	if qtype != TypeCNAME && qtype != TypeANY {
		for _, rs := range sets {
			if rs.Type != "CNAME" {
				continue
			}
			rrs := a.records(z, rs, name, TypeCNAME, depth)
			out.Answer = append(out.Answer, rrs...)
			if len(rrs) == 0 || depth >= maxChain {
				return out
			}
			target := rrs[0].Data.(nameData).name
			next := a.follow(target, qtype, depth+1)
			out.Answer = append(out.Answer, next.Answer...)
			if next.Rcode == RcodeNXDomain {
				out.Rcode = RcodeNXDomain
			}
			return out
		}
	}
	for _, rs := range sets {
		t, _ := TypeNumber(rs.Type)
		if qtype == TypeANY || t == qtype {
			out.Answer = append(out.Answer, a.records(z, rs, name, t, depth)...)
		}
	}
	if len(out.Answer) == 0 {
		out.Authority = a.soa(z)
	}
	return out
}

// follow resolves a CNAME target: in the zone that holds it, else among
// haneul's names; nothing otherwise (the client's resolver carries on).
func (a *Authority) follow(name string, qtype uint16, depth int) Answer {
	if z, ok := a.src.Zone(name); ok {
		return a.inZone(z, name, qtype, depth)
	}
	if addrs, ok := a.names.Resolve(name); ok {
		return Answer{Authoritative: true, Answer: addrRRs(name, qtype, addrs, aliasTTL)}
	}
	return Answer{}
}

// records turns a record set into answer records owned by name (which
// differs from rs.Name for wildcard matches).
func (a *Authority) records(z Zone, rs RecordSet, name string, t uint16, depth int) []RR {
	if rs.Alias != nil {
		return a.alias(z, rs, name, t, depth)
	}
	var out []RR
	for _, v := range rs.Values {
		d, err := parseRData(rs.Type, v)
		if err != nil || d == nil {
			continue
		}
		out = append(out, RR{Name: name, Type: t, TTL: rs.TTL, Data: d})
	}
	return out
}

// alias resolves an alias record to its target's records of type t, renamed
// to the alias's name, as Route 53 answers (no CNAME in the answer).
func (a *Authority) alias(z Zone, rs RecordSet, name string, t uint16, depth int) []RR {
	if depth >= maxChain {
		return nil
	}
	target := Canonical(rs.Alias.DNSName)
	// AWS: "dualstack." prefixes a load balancer's name in alias targets.
	target = strings.TrimPrefix(target, "dualstack.")
	var got []RR
	if tz, ok := a.src.ZoneByID(z.Account, rs.Alias.ZoneID); ok && IsSubdomain(target, tz.Name) {
		got = a.inZone(tz, target, t, depth+1).Answer
	} else if addrs, ok := a.names.Resolve(target); ok {
		got = addrRRs(target, t, addrs, aliasTTL)
	}
	var out []RR
	for _, rr := range got {
		if rr.Type == t {
			rr.Name = name
			out = append(out, rr)
		}
	}
	return out
}

// wildcard finds the record sets of the wildcard at name's closest encloser
// (RFC 4592): the nearest ancestor that exists in the zone.
func (a *Authority) wildcard(z Zone, name string) []RecordSet {
	for cur := name; ; {
		parent, ok := Parent(cur)
		if !ok || !IsSubdomain(parent, z.Name) {
			return nil
		}
		if parent == z.Name || len(a.src.RecordSets(z, parent)) > 0 || a.src.HasDescendants(z, parent) {
			// parent exists: it is the closest encloser.
			return a.src.RecordSets(z, `\052.`+parent)
		}
		cur = parent
	}
}

// soa is the zone's SOA record for the authority section of negative answers.
func (a *Authority) soa(z Zone) []RR {
	for _, rs := range a.src.RecordSets(z, z.Name) {
		if rs.Type == "SOA" && len(rs.Values) > 0 {
			d, err := parseRData("SOA", rs.Values[0])
			if err != nil {
				return nil
			}
			ttl := rs.TTL
			// RFC 2308: the negative TTL is the smaller of the SOA's TTL and its minimum.
			if m := d.(soaData).minimum; m < ttl {
				ttl = m
			}
			return []RR{{Name: z.Name, Type: TypeSOA, TTL: ttl, Data: d}}
		}
	}
	return nil
}

// pick applies routing policies: of record sets of one type that carry set
// identifiers, failover answers with the primary, multivalue with all, and
// weighted with one chosen in proportion to its weight; others answer with
// the first.
func pick(sets []RecordSet) []RecordSet {
	byType := map[string][]RecordSet{}
	var order []string
	for _, rs := range sets {
		if _, ok := byType[rs.Type]; !ok {
			order = append(order, rs.Type)
		}
		byType[rs.Type] = append(byType[rs.Type], rs)
	}
	var out []RecordSet
	for _, t := range order {
		group := byType[t]
		if len(group) == 1 || group[0].SetIdentifier == "" {
			out = append(out, group[0])
			continue
		}
		sort.Slice(group, func(i, j int) bool { return group[i].SetIdentifier < group[j].SetIdentifier })
		switch {
		case group[0].Failover != "":
			chosen := group[0]
			for _, rs := range group {
				if rs.Failover == "PRIMARY" {
					chosen = rs
				}
			}
			out = append(out, chosen)
		case group[0].MultiValue:
			out = append(out, group...)
		case group[0].Weight != nil:
			out = append(out, weighted(group))
		default:
			out = append(out, group[0])
		}
	}
	return out
}

// weighted picks a record set with probability weight/sum (AWS: when every
// weight is 0, each is equally likely).
func weighted(group []RecordSet) RecordSet {
	var sum int64
	for _, rs := range group {
		if rs.Weight != nil {
			sum += *rs.Weight
		}
	}
	if sum == 0 {
		return group[rand.IntN(len(group))]
	}
	n := rand.Int64N(sum)
	for _, rs := range group {
		if rs.Weight == nil {
			continue
		}
		if n < *rs.Weight {
			return rs
		}
		n -= *rs.Weight
	}
	return group[0]
}

// addrRRs makes A or AAAA records for addrs, as the question's type asks.
func addrRRs(name string, qtype uint16, addrs []netip.Addr, ttl uint32) []RR {
	var out []RR
	for _, ip := range addrs {
		switch {
		case ip.Is4() && (qtype == TypeA || qtype == TypeANY):
			b := ip.As4()
			out = append(out, RR{Name: name, Type: TypeA, TTL: ttl, Data: rawData(b[:])})
		case ip.Is6() && !ip.Is4In6() && (qtype == TypeAAAA || qtype == TypeANY):
			b := ip.As16()
			out = append(out, RR{Name: name, Type: TypeAAAA, TTL: ttl, Data: rawData(b[:])})
		}
	}
	return out
}
