// Package network models an AWS VPC network and answers one question: can a
// packet from S reach D on a protocol and port — and if not, which hop stops it.
//
// The model is a Snapshot (VPCs, subnets, route tables, network ACLs,
// security groups, interfaces, gateways, prefix lists) that a Source builds
// from its state; EC2 is one (it does not import this package's callers, and
// this package imports no service). Explain walks the path the way AWS
// forwards a packet and returns every hop with its verdict, like VPC
// Reachability Analyzer:
//
//   - security groups are stateful: the source's egress rules and the
//     destination's ingress rules are checked, replies pass;
//   - network ACLs are stateless and ordered: the lowest-numbered matching
//     entry decides, in both directions — the reply crosses them too (to an
//     ephemeral port); they apply only where traffic crosses a subnet's edge;
//   - route tables pick the longest matching prefix (prefix-list routes of
//     gateway endpoints count with their lists' blocks);
//   - an internet gateway carries traffic only for interfaces with a public
//     address; a NAT gateway lets private subnets out (not in);
//   - a gateway endpoint takes traffic to its service's prefix list;
//   - an active VPC peering connection carries traffic between its two VPCs
//     when each side's route table sends the other's address to it.
//
// The same model is meant to be enforced later on real traffic by the data
// planes (load balancers, instances): Explain is pure and cheap on a Snapshot.
package network

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Snapshot is the network state of one account × region.
type Snapshot struct {
	VPCs             map[string]VPC
	Subnets          map[string]Subnet
	RouteTables      map[string]RouteTable
	NACLs            map[string]NACL
	Groups           map[string]SecurityGroup
	Interfaces       map[string]Interface // by interface id
	NATGateways      map[string]NATGateway
	InternetGateways map[string]InternetGateway // by id
	PrefixLists      map[string]PrefixList      // by id
	Endpoints        map[string]Endpoint        // gateway VPC endpoints, by id
	Peerings         map[string]Peering         // active VPC peering connections, by id
}

// Peering is an active VPC peering connection between two VPCs.
type Peering struct {
	ID   string
	VPCs [2]string
}

// VPC is a virtual network.
type VPC struct {
	ID    string
	CIDRs []netip.Prefix
}

// Subnet is a subnet with the route table and ACL in effect for it (its
// explicit association, else its VPC's main table; its ACL association).
type Subnet struct {
	ID, VPC, Zone string
	CIDR          netip.Prefix
	RouteTable    string
	NACL          string
}

// RouteTable is a set of routes.
type RouteTable struct {
	ID     string
	Routes []Route
}

// Route sends a destination to a target: "local", igw-…, nat-…, vpce-…,
// i-…, eni-…, pcx-…, tgw-…. Exactly one of Dest and PrefixList is set.
type Route struct {
	Dest       netip.Prefix
	PrefixList string
	Target     string
}

// NACL is a network ACL.
type NACL struct {
	ID      string
	Entries []NACLEntry
}

// NACLEntry is one numbered ACL entry.
type NACLEntry struct {
	Rule     int
	Egress   bool
	Protocol string // "-1" (all), "6" (tcp), "17" (udp), "1" (icmp), or another number
	From, To int    // port range, for tcp and udp
	CIDR     netip.Prefix
	Allow    bool
}

// SecurityGroup is a security group.
type SecurityGroup struct {
	ID    string
	Rules []SGRule
}

// SGRule is one rule; exactly one of CIDR, Group and PrefixList is set.
type SGRule struct {
	Egress     bool
	Protocol   string // "-1", "tcp", "udp", "icmp", or a number
	From, To   int    // port range for tcp and udp
	CIDR       netip.Prefix
	Group      string
	PrefixList string
}

// Interface is a network interface: of an instance, a NAT gateway, a load
// balancer node, an endpoint. PublicIP is the zero Addr when it has none.
type Interface struct {
	ID        string
	Owner     string // i-…, nat-…, or what a data plane names (an ALB's ARN, say)
	Subnet    string
	PrivateIP netip.Addr
	PublicIP  netip.Addr
	Groups    []string
}

// NATGateway is a NAT gateway; only available ones pass traffic.
type NATGateway struct {
	ID, Subnet string
	PrivateIP  netip.Addr
	PublicIP   netip.Addr
	Available  bool
}

// InternetGateway is an internet gateway and the VPC it is attached to ("" if none).
type InternetGateway struct{ ID, VPC string }

// PrefixList is a named set of blocks (AWS-managed lists of services' addresses).
type PrefixList struct {
	ID, Name string
	CIDRs    []netip.Prefix
}

// Endpoint is a gateway VPC endpoint.
type Endpoint struct {
	ID, VPC, Service string
	PrefixList       string
}

// Source builds snapshots; EC2 implements it.
type Source interface {
	NetworkSnapshot(ctx context.Context, account, region string) (*Snapshot, error)
}

// Point is one end of a query: an interface or instance, the internet (at
// an address), or an AWS service reached by its public addresses.
type Point struct {
	Interface string     // interface id, or an instance id (its primary interface)
	Internet  bool       // a host on the internet at Addr
	Service   string     // "s3", "dynamodb": the service's prefix list
	Addr      netip.Addr // for Internet; optional for Service
}

// ParsePoint reads a point as the CLI and the JSON endpoint take it:
// "i-…", "eni-…", a private IP address, "internet", "internet:203.0.113.7",
// "s3", "dynamodb".
func ParsePoint(s string) (Point, error) {
	switch {
	case s == "internet":
		return Point{Internet: true, Addr: netip.MustParseAddr("198.51.100.10")}, nil
	case strings.HasPrefix(s, "internet:"):
		a, err := netip.ParseAddr(strings.TrimPrefix(s, "internet:"))
		if err != nil {
			return Point{}, fmt.Errorf("network: point %q: %w", s, err)
		}
		return Point{Internet: true, Addr: a}, nil
	case s == "s3" || s == "dynamodb":
		return Point{Service: s}, nil
	case strings.HasPrefix(s, "i-") || strings.HasPrefix(s, "eni-"):
		return Point{Interface: s}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return Point{Addr: a}, nil
	}
	return Point{}, fmt.Errorf("network: point %q: want an instance or interface id, an IP address, internet[:ip], s3 or dynamodb", s)
}

// Query asks whether From reaches To on Protocol ("tcp", "udp", "icmp") and Port.
type Query struct {
	From, To Point
	Protocol string
	Port     int
}

// Hop is one component on the path and what it did to the packet.
type Hop struct {
	Component string `json:"component"` // id: sg-…, acl-…, rtb-…, igw-…, nat-…, vpce-…, eni-…
	Kind      string `json:"kind"`      // security-group-egress, nacl-outbound, route-table, internet-gateway, …
	Allowed   bool   `json:"allowed"`
	Detail    string `json:"detail"`
}

// Verdict is the answer: reachable or not, and the hops in path order; when
// not reachable, the last hop is the one that stopped the packet.
type Verdict struct {
	Reachable bool   `json:"reachable"`
	Hops      []Hop  `json:"hops"`
	Reason    string `json:"reason,omitempty"`
}

// Explain is what a server calls: it builds the snapshot of account × region
// from src and explains q on it.
func ExplainFrom(ctx context.Context, src Source, account, region string, q Query) (Verdict, error) {
	snap, err := src.NetworkSnapshot(ctx, account, region)
	if err != nil {
		return Verdict{}, err
	}
	return snap.Explain(q)
}

// ephemeral is the port replies go to when NACLs are checked on the way back.
//
// AWS: clients pick ephemeral ports in 1024–65535 (Linux 32768–60999); an
// ACL must allow the reply to reach them.
const ephemeral = 32768

// protoNumber maps a query protocol to the number ACLs use.
func protoNumber(p string) string {
	switch strings.ToLower(p) {
	case "tcp":
		return "6"
	case "udp":
		return "17"
	case "icmp":
		return "1"
	}
	return p
}

func hasPorts(proto string) bool {
	return proto == "6" || proto == "17" || proto == "tcp" || proto == "udp"
}

// walk accumulates hops and stops at the first denial.
type walk struct {
	v Verdict
}

func (w *walk) hop(component, kind string, ok bool, format string, args ...any) bool {
	h := Hop{Component: component, Kind: kind, Allowed: ok, Detail: fmt.Sprintf(format, args...)}
	w.v.Hops = append(w.v.Hops, h)
	if !ok && w.v.Reason == "" {
		w.v.Reason = h.Kind + " " + h.Component + ": " + h.Detail
	}
	return ok
}

// Explain answers q on the snapshot.
func (n *Snapshot) Explain(q Query) (Verdict, error) {
	q.Protocol = strings.ToLower(q.Protocol)
	if q.Protocol == "" {
		q.Protocol = "tcp"
	}
	w := &walk{}
	from, err := n.resolve(q.From)
	if err != nil {
		return Verdict{}, err
	}
	to, err := n.resolve(q.To)
	if err != nil {
		return Verdict{}, err
	}
	switch {
	case from.iface != nil && to.iface != nil:
		n.ifaceToIface(w, q, *from.iface, *to.iface)
	case from.iface != nil:
		n.ifaceOut(w, q, *from.iface, to)
	case to.iface != nil && from.Internet:
		n.internetIn(w, q, from.Addr, *to.iface)
	default:
		return Verdict{}, fmt.Errorf("network: a query needs an interface at one end at least (from the internet to an interface, or from an interface)")
	}
	w.v.Reachable = w.v.Reason == ""
	return w.v, nil
}

// end is a resolved point.
type end struct {
	Point
	iface *Interface
	dests []netip.Addr // addresses a service point is reached at
}

func (n *Snapshot) resolve(p Point) (end, error) {
	e := end{Point: p}
	switch {
	case p.Interface != "":
		if i, ok := n.Interfaces[p.Interface]; ok {
			e.iface = &i
			return e, nil
		}
		for _, i := range n.Interfaces {
			if i.Owner == p.Interface {
				e.iface = &i
				return e, nil
			}
		}
		return e, fmt.Errorf("network: no interface or instance %s", p.Interface)
	case p.Service != "":
		for _, l := range n.PrefixLists {
			if strings.HasSuffix(l.Name, "."+p.Service) && len(l.CIDRs) > 0 {
				e.Addr = l.CIDRs[0].Addr().Next()
				return e, nil
			}
		}
		return e, fmt.Errorf("network: no prefix list for service %s", p.Service)
	case p.Internet:
		return e, nil
	case p.Addr.IsValid():
		for _, i := range n.Interfaces {
			if i.PrivateIP == p.Addr || i.PublicIP == p.Addr {
				e.iface = &i
				return e, nil
			}
		}
		// An address no interface holds is somewhere outside: the internet.
		e.Internet = true
		return e, nil
	}
	return e, fmt.Errorf("network: empty point")
}

// sgAllows reports whether any of the groups lets the packet through in one
// direction, to or from peer (an address, the peer's groups).
func (n *Snapshot) sgAllows(w *walk, groups []string, egress bool, proto string, port int, peer netip.Addr, peerGroups []string) bool {
	kind := "security-group-ingress"
	if egress {
		kind = "security-group-egress"
	}
	for _, gid := range groups {
		g := n.Groups[gid]
		for _, r := range g.Rules {
			if r.Egress != egress || !protoMatch(r.Protocol, proto) {
				continue
			}
			if hasPorts(r.Protocol) && (port < r.From || port > r.To) {
				continue
			}
			match := ""
			switch {
			case r.CIDR.IsValid() && peer.IsValid() && r.CIDR.Contains(peer):
				match = r.CIDR.String()
			case r.Group != "" && contains(peerGroups, r.Group):
				match = "group " + r.Group
			case r.PrefixList != "" && peer.IsValid() && n.inList(r.PrefixList, peer):
				match = "prefix list " + r.PrefixList
			}
			if match != "" {
				return w.hop(gid, kind, true, "%s %s allowed by rule %s %s", proto, portText(proto, port), ruleText(r), match)
			}
		}
	}
	return w.hop(strings.Join(groups, ","), kind, false, "no rule of %s allows %s %s %s %s", strings.Join(groups, ", "), proto, portText(proto, port), map[bool]string{true: "to", false: "from"}[egress], peerText(peer, peerGroups))
}

func portText(proto string, port int) string {
	if hasPorts(proto) {
		return "port " + strconv.Itoa(port)
	}
	return ""
}

func peerText(a netip.Addr, groups []string) string {
	if len(groups) > 0 {
		return a.String() + " (" + strings.Join(groups, ", ") + ")"
	}
	return a.String()
}

func ruleText(r SGRule) string {
	if r.Protocol == "-1" {
		return "all traffic"
	}
	if hasPorts(r.Protocol) {
		return fmt.Sprintf("%s %d-%d", r.Protocol, r.From, r.To)
	}
	return r.Protocol
}

func protoMatch(rule, proto string) bool {
	return rule == "-1" || rule == proto || protoNumber(rule) == protoNumber(proto)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (n *Snapshot) inList(id string, a netip.Addr) bool {
	for _, c := range n.PrefixLists[id].CIDRs {
		if c.Contains(a) {
			return true
		}
	}
	return false
}

// naclAllows evaluates a subnet's ACL in one direction: the lowest-numbered
// entry matching protocol, port and peer decides.
func (n *Snapshot) naclAllows(w *walk, subnet string, egress bool, proto string, port int, peer netip.Addr) bool {
	s := n.Subnets[subnet]
	acl := n.NACLs[s.NACL]
	kind := "nacl-inbound"
	if egress {
		kind = "nacl-outbound"
	}
	pn := protoNumber(proto)
	best := -1
	for i, e := range acl.Entries {
		if e.Egress != egress || (e.Protocol != "-1" && e.Protocol != pn) || !e.CIDR.Contains(peer) {
			continue
		}
		if hasPorts(e.Protocol) && (port < e.From || port > e.To) {
			continue
		}
		if best < 0 || e.Rule < acl.Entries[best].Rule {
			best = i
		}
	}
	if best < 0 {
		return w.hop(acl.ID, kind, false, "no entry matches %s %s %s (implicit deny)", proto, portText(proto, port), peer)
	}
	e := acl.Entries[best]
	verb := map[bool]string{true: "allows", false: "denies"}[e.Allow]
	return w.hop(acl.ID, kind, e.Allow, "rule %s %s %s %s %s", ruleNumber(e.Rule), verb, proto, portText(proto, port), peer)
}

func ruleNumber(r int) string {
	if r == 32767 {
		return "*"
	}
	return "#" + strconv.Itoa(r)
}

// lookup finds the route for dst in a table by longest prefix match.
func (n *Snapshot) lookup(rtbID string, dst netip.Addr) (Route, int, bool) {
	var best Route
	bits := -1
	for _, r := range n.RouteTables[rtbID].Routes {
		var cands []netip.Prefix
		if r.PrefixList != "" {
			cands = n.PrefixLists[r.PrefixList].CIDRs
		} else {
			cands = []netip.Prefix{r.Dest}
		}
		for _, c := range cands {
			if c.IsValid() && c.Contains(dst) && c.Bits() > bits {
				best, bits = r, c.Bits()
			}
		}
	}
	return best, bits, bits >= 0
}

func (n *Snapshot) route(w *walk, subnet string, dst netip.Addr) (Route, bool) {
	s := n.Subnets[subnet]
	r, _, ok := n.lookup(s.RouteTable, dst)
	if !ok {
		w.hop(s.RouteTable, "route-table", false, "no route to %s", dst)
		return r, false
	}
	dest := r.Dest.String()
	if r.PrefixList != "" {
		dest = r.PrefixList
	}
	w.hop(s.RouteTable, "route-table", true, "%s matches %s → %s", dst, dest, r.Target)
	return r, true
}

// ifaceToIface is traffic between two interfaces of the same VPC.
func (n *Snapshot) ifaceToIface(w *walk, q Query, a, b Interface) {
	sa, sb := n.Subnets[a.Subnet], n.Subnets[b.Subnet]
	if sa.VPC != sb.VPC {
		n.peered(w, q, a, b)
		return
	}
	if !n.sgAllows(w, a.Groups, true, q.Protocol, q.Port, b.PrivateIP, b.Groups) {
		return
	}
	cross := a.Subnet != b.Subnet
	if cross && !n.naclAllows(w, a.Subnet, true, q.Protocol, q.Port, b.PrivateIP) {
		return
	}
	r, ok := n.route(w, a.Subnet, b.PrivateIP)
	if !ok {
		return
	}
	if r.Target != "local" {
		w.hop(r.Target, "route-table", false, "%s is routed to %s, not delivered inside the VPC", b.PrivateIP, r.Target)
		return
	}
	if cross && !n.naclAllows(w, b.Subnet, false, q.Protocol, q.Port, a.PrivateIP) {
		return
	}
	if !n.sgAllows(w, b.Groups, false, q.Protocol, q.Port, a.PrivateIP, a.Groups) {
		return
	}
	if cross {
		// The reply crosses both ACLs too: stateless.
		if !n.naclAllows(w, b.Subnet, true, q.Protocol, ephemeral, a.PrivateIP) {
			return
		}
		n.naclAllows(w, a.Subnet, false, q.Protocol, ephemeral, b.PrivateIP)
	}
}

// ifaceOut is traffic from an interface to an address outside the VPC: the
// internet or an AWS service's public addresses.
func (n *Snapshot) ifaceOut(w *walk, q Query, a Interface, to end) {
	dst := to.Addr
	if !n.sgAllows(w, a.Groups, true, q.Protocol, q.Port, dst, nil) {
		return
	}
	if !n.naclAllows(w, a.Subnet, true, q.Protocol, q.Port, dst) {
		return
	}
	r, ok := n.route(w, a.Subnet, dst)
	if !ok {
		return
	}
	vpc := n.Subnets[a.Subnet].VPC
	switch {
	case r.Target == "local":
		w.hop(r.Target, "route-table", false, "%s is inside the VPC but no interface holds it", dst)
		return
	case strings.HasPrefix(r.Target, "vpce-"):
		e, ok := n.Endpoints[r.Target]
		if !w.hop(r.Target, "gateway-endpoint", ok && e.VPC == vpc, "gateway endpoint for %s", e.Service) {
			return
		}
	case strings.HasPrefix(r.Target, "igw-"):
		if !n.igw(w, r.Target, vpc) {
			return
		}
		// AWS: an internet gateway translates only interfaces with a public address.
		if !w.hop(a.ID, "public-ip", a.PublicIP.IsValid(), "%s", publicText(a)) {
			return
		}
	case strings.HasPrefix(r.Target, "nat-"):
		nat, ok := n.NATGateways[r.Target]
		if !w.hop(r.Target, "nat-gateway", ok && nat.Available, "NAT gateway %s", map[bool]string{true: "available", false: "not available"}[ok && nat.Available]) {
			return
		}
		if nat.Subnet != a.Subnet {
			if !n.naclAllows(w, nat.Subnet, false, q.Protocol, q.Port, a.PrivateIP) {
				return
			}
		}
		if !n.naclAllows(w, nat.Subnet, true, q.Protocol, q.Port, dst) {
			return
		}
		r2, ok := n.route(w, nat.Subnet, dst)
		if !ok {
			return
		}
		if !strings.HasPrefix(r2.Target, "igw-") {
			w.hop(r2.Target, "route-table", false, "the NAT gateway's subnet routes %s to %s, not to an internet gateway", dst, r2.Target)
			return
		}
		if !n.igw(w, r2.Target, vpc) {
			return
		}
		if !n.naclAllows(w, nat.Subnet, false, q.Protocol, ephemeral, dst) {
			return
		}
	default:
		w.hop(r.Target, "route-target", false, "target %s is not modelled", r.Target)
		return
	}
	n.naclAllows(w, a.Subnet, false, q.Protocol, ephemeral, dst)
}

func publicText(a Interface) string {
	if a.PublicIP.IsValid() {
		return "public address " + a.PublicIP.String()
	}
	return "interface " + a.ID + " has no public IPv4 address"
}

func (n *Snapshot) igw(w *walk, id, vpc string) bool {
	g, ok := n.InternetGateways[id]
	return w.hop(id, "internet-gateway", ok && g.VPC == vpc, "internet gateway %s", map[bool]string{true: "attached to " + vpc, false: "not attached to " + vpc}[ok && g.VPC == vpc])
}

// internetIn is traffic from the internet to an interface.
func (n *Snapshot) internetIn(w *walk, q Query, src netip.Addr, b Interface) {
	s := n.Subnets[b.Subnet]
	// AWS: only a public address is reachable from the internet, through an
	// attached gateway, and only if the subnet routes the replies back to it.
	var igw string
	for id, g := range n.InternetGateways {
		if g.VPC == s.VPC {
			igw = id
		}
	}
	if !w.hop(igw, "internet-gateway", igw != "", "%s", map[bool]string{true: "attached to " + s.VPC, false: "no internet gateway attached to " + s.VPC}[igw != ""]) {
		return
	}
	if !w.hop(b.ID, "public-ip", b.PublicIP.IsValid(), "%s", publicText(b)) {
		return
	}
	r, _, ok := n.lookup(s.RouteTable, src)
	if !ok || !strings.HasPrefix(r.Target, "igw-") {
		target := "nothing"
		if ok {
			target = r.Target
		}
		w.hop(s.RouteTable, "route-table", false, "subnet %s routes replies to %s via %s, not the internet gateway: it is not a public subnet", s.ID, src, target)
		return
	}
	w.hop(s.RouteTable, "route-table", true, "replies to %s go to %s", src, r.Target)
	if !n.naclAllows(w, b.Subnet, false, q.Protocol, q.Port, src) {
		return
	}
	if !n.sgAllows(w, b.Groups, false, q.Protocol, q.Port, src, nil) {
		return
	}
	n.naclAllows(w, b.Subnet, true, q.Protocol, ephemeral, src)
}

// peered is traffic between interfaces of two VPCs: it needs an active
// peering connection that a's route table sends b's address to and b's route
// table sends the reply back through. Both ends' groups and both subnets'
// ACLs apply, in both directions for the ACLs.
func (n *Snapshot) peered(w *walk, q Query, a, b Interface) {
	sa, sb := n.Subnets[a.Subnet], n.Subnets[b.Subnet]
	if !n.sgAllows(w, a.Groups, true, q.Protocol, q.Port, b.PrivateIP, b.Groups) {
		return
	}
	if !n.naclAllows(w, a.Subnet, true, q.Protocol, q.Port, b.PrivateIP) {
		return
	}
	r, ok := n.route(w, a.Subnet, b.PrivateIP)
	if !ok {
		return
	}
	p, live := n.Peerings[r.Target]
	if !strings.HasPrefix(r.Target, "pcx-") || !live || !(p.VPCs == [2]string{sa.VPC, sb.VPC} || p.VPCs == [2]string{sb.VPC, sa.VPC}) {
		w.hop(r.Target, "route-table", false, "%s is in %s, but %s does not lead there", b.PrivateIP, sb.VPC, r.Target)
		return
	}
	if !w.hop(p.ID, "vpc-peering-connection", true, "active between %s and %s", p.VPCs[0], p.VPCs[1]) {
		return
	}
	if !n.naclAllows(w, b.Subnet, false, q.Protocol, q.Port, a.PrivateIP) {
		return
	}
	if !n.sgAllows(w, b.Groups, false, q.Protocol, q.Port, a.PrivateIP, a.Groups) {
		return
	}
	// The reply must be routed back through the same connection.
	back, _, ok := n.lookup(sb.RouteTable, a.PrivateIP)
	if !ok || back.Target != p.ID {
		target := "no route"
		if ok {
			target = back.Target
		}
		w.hop(sb.RouteTable, "route-table", false, "replies to %s go to %s, not back through %s", a.PrivateIP, target, p.ID)
		return
	}
	w.hop(sb.RouteTable, "route-table", true, "replies to %s go back through %s", a.PrivateIP, p.ID)
	if !n.naclAllows(w, b.Subnet, true, q.Protocol, ephemeral, a.PrivateIP) {
		return
	}
	n.naclAllows(w, a.Subnet, false, q.Protocol, ephemeral, b.PrivateIP)
}
