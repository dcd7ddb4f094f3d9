package network

import (
	"net/netip"
	"strings"
	"testing"
)

var (
	pfx  = netip.MustParsePrefix
	addr = netip.MustParseAddr
)

// world is a VPC like the seeds build: a public subnet (route to the
// internet gateway), a private subnet (route to a NAT gateway), an isolated
// subnet with no way out, and a private subnet whose table has a DynamoDB
// gateway endpoint route but no NAT.
func world() *Snapshot {
	allowAll := NACL{ID: "acl-default", Entries: []NACLEntry{
		{Rule: 100, Protocol: "-1", CIDR: pfx("0.0.0.0/0"), Allow: true},
		{Rule: 100, Egress: true, Protocol: "-1", CIDR: pfx("0.0.0.0/0"), Allow: true},
		{Rule: 32767, Protocol: "-1", CIDR: pfx("0.0.0.0/0")},
		{Rule: 32767, Egress: true, Protocol: "-1", CIDR: pfx("0.0.0.0/0")},
	}}
	local := Route{Dest: pfx("10.0.0.0/16"), Target: "local"}
	egressAll := SGRule{Egress: true, Protocol: "-1", CIDR: pfx("0.0.0.0/0")}
	return &Snapshot{
		VPCs: map[string]VPC{"vpc-1": {ID: "vpc-1", CIDRs: []netip.Prefix{pfx("10.0.0.0/16")}}},
		Subnets: map[string]Subnet{
			"subnet-public":   {ID: "subnet-public", VPC: "vpc-1", CIDR: pfx("10.0.0.0/24"), RouteTable: "rtb-public", NACL: "acl-default"},
			"subnet-private":  {ID: "subnet-private", VPC: "vpc-1", CIDR: pfx("10.0.1.0/24"), RouteTable: "rtb-private", NACL: "acl-default"},
			"subnet-db":       {ID: "subnet-db", VPC: "vpc-1", CIDR: pfx("10.0.2.0/24"), RouteTable: "rtb-db", NACL: "acl-db"},
			"subnet-endpoint": {ID: "subnet-endpoint", VPC: "vpc-1", CIDR: pfx("10.0.3.0/24"), RouteTable: "rtb-endpoint", NACL: "acl-default"},
		},
		RouteTables: map[string]RouteTable{
			"rtb-public":   {ID: "rtb-public", Routes: []Route{local, {Dest: pfx("0.0.0.0/0"), Target: "igw-1"}}},
			"rtb-private":  {ID: "rtb-private", Routes: []Route{local, {Dest: pfx("0.0.0.0/0"), Target: "nat-1"}}},
			"rtb-db":       {ID: "rtb-db", Routes: []Route{local}},
			"rtb-endpoint": {ID: "rtb-endpoint", Routes: []Route{local, {PrefixList: "pl-ddb", Target: "vpce-ddb"}}},
		},
		NACLs: map[string]NACL{
			"acl-default": allowAll,
			// The db ACL lets MySQL in from the private subnet but forgets the replies' ephemeral ports.
			"acl-db": {ID: "acl-db", Entries: []NACLEntry{
				{Rule: 100, Protocol: "6", From: 3306, To: 3306, CIDR: pfx("10.0.1.0/24"), Allow: true},
				{Rule: 100, Egress: true, Protocol: "6", From: 3306, To: 3306, CIDR: pfx("10.0.1.0/24"), Allow: true},
				{Rule: 32767, Protocol: "-1", CIDR: pfx("0.0.0.0/0")},
				{Rule: 32767, Egress: true, Protocol: "-1", CIDR: pfx("0.0.0.0/0")},
			}},
		},
		Groups: map[string]SecurityGroup{
			"sg-web": {ID: "sg-web", Rules: []SGRule{egressAll,
				{Protocol: "tcp", From: 80, To: 80, CIDR: pfx("0.0.0.0/0")},
				{Protocol: "tcp", From: 22, To: 22, Group: "sg-bastion"}}},
			"sg-bastion": {ID: "sg-bastion", Rules: []SGRule{egressAll, {Protocol: "tcp", From: 22, To: 22, CIDR: pfx("203.0.113.7/32")}}},
			"sg-app":     {ID: "sg-app", Rules: []SGRule{egressAll, {Protocol: "tcp", From: 8080, To: 8080, Group: "sg-web"}}},
			"sg-db":      {ID: "sg-db", Rules: []SGRule{{Protocol: "tcp", From: 3306, To: 3306, Group: "sg-app"}}},
		},
		Interfaces: map[string]Interface{
			"eni-web":     {ID: "eni-web", Owner: "i-web", Subnet: "subnet-public", PrivateIP: addr("10.0.0.10"), PublicIP: addr("198.18.0.10"), Groups: []string{"sg-web"}},
			"eni-nopub":   {ID: "eni-nopub", Owner: "i-nopub", Subnet: "subnet-public", PrivateIP: addr("10.0.0.11"), Groups: []string{"sg-web"}},
			"eni-bastion": {ID: "eni-bastion", Owner: "i-bastion", Subnet: "subnet-public", PrivateIP: addr("10.0.0.12"), PublicIP: addr("198.18.0.12"), Groups: []string{"sg-bastion"}},
			"eni-app":     {ID: "eni-app", Owner: "i-app", Subnet: "subnet-private", PrivateIP: addr("10.0.1.10"), Groups: []string{"sg-app"}},
			"eni-db":      {ID: "eni-db", Owner: "i-db", Subnet: "subnet-db", PrivateIP: addr("10.0.2.10"), Groups: []string{"sg-db"}},
			"eni-task":    {ID: "eni-task", Owner: "i-task", Subnet: "subnet-endpoint", PrivateIP: addr("10.0.3.10"), Groups: []string{"sg-app"}},
			// An internet-facing load balancer placed in the private subnet (seed 003's pitfall).
			"eni-alb": {ID: "eni-alb", Owner: "alb-wordpress", Subnet: "subnet-private", PrivateIP: addr("10.0.1.20"), PublicIP: addr("198.18.0.20"), Groups: []string{"sg-web"}},
		},
		NATGateways:      map[string]NATGateway{"nat-1": {ID: "nat-1", Subnet: "subnet-public", PrivateIP: addr("10.0.0.5"), PublicIP: addr("198.18.0.5"), Available: true}},
		InternetGateways: map[string]InternetGateway{"igw-1": {ID: "igw-1", VPC: "vpc-1"}},
		PrefixLists: map[string]PrefixList{
			"pl-ddb": {ID: "pl-ddb", Name: "com.amazonaws.ap-northeast-2.dynamodb", CIDRs: []netip.Prefix{pfx("52.94.0.0/22")}},
			"pl-s3":  {ID: "pl-s3", Name: "com.amazonaws.ap-northeast-2.s3", CIDRs: []netip.Prefix{pfx("52.219.56.0/22")}},
		},
		Endpoints: map[string]Endpoint{"vpce-ddb": {ID: "vpce-ddb", VPC: "vpc-1", Service: "dynamodb", PrefixList: "pl-ddb"}},
	}
}

// peer adds vpc-2 (10.1.0.0/16) with instance i-peer, peered with vpc-1 by
// pcx-1 (active or not); the private subnet routes 10.1.0.0/16 to pcx-1, and
// vpc-2 routes 10.0.0.0/16 back to it when back is set.
func peer(active, back bool) func(*Snapshot) {
	return func(s *Snapshot) {
		s.VPCs["vpc-2"] = VPC{ID: "vpc-2", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}}
		s.Subnets["subnet-peer"] = Subnet{ID: "subnet-peer", VPC: "vpc-2", CIDR: pfx("10.1.0.0/24"), RouteTable: "rtb-peer", NACL: "acl-default"}
		routes := []Route{{Dest: pfx("10.1.0.0/16"), Target: "local"}}
		if back {
			routes = append(routes, Route{Dest: pfx("10.0.0.0/16"), Target: "pcx-1"})
		}
		s.RouteTables["rtb-peer"] = RouteTable{ID: "rtb-peer", Routes: routes}
		rt := s.RouteTables["rtb-private"]
		rt.Routes = append(append([]Route(nil), rt.Routes...), Route{Dest: pfx("10.1.0.0/16"), Target: "pcx-1"})
		s.RouteTables["rtb-private"] = rt
		s.Groups["sg-peer"] = SecurityGroup{ID: "sg-peer", Rules: []SGRule{{Protocol: "tcp", From: 8080, To: 8080, CIDR: pfx("10.0.1.0/24")}}}
		s.Interfaces["eni-peer"] = Interface{ID: "eni-peer", Owner: "i-peer", Subnet: "subnet-peer", PrivateIP: addr("10.1.0.10"), Groups: []string{"sg-peer"}}
		s.Peerings = map[string]Peering{}
		if active {
			s.Peerings["pcx-1"] = Peering{ID: "pcx-1", VPCs: [2]string{"vpc-1", "vpc-2"}}
		}
	}
}

func TestExplain(t *testing.T) {
	cases := []struct {
		name      string
		from, to  string
		proto     string
		port      int
		reachable bool
		stopKind  string // the kind of the hop that stops the packet
		mutate    func(*Snapshot)
	}{
		{"internet to a public instance on an open port", "internet", "i-web", "tcp", 80, true, "", nil},
		{"app port not open in the security group", "internet", "i-web", "tcp", 8080, false, "security-group-ingress", nil},
		{"no public IP: unreachable from the internet", "internet", "i-nopub", "tcp", 80, false, "public-ip", nil},
		{"internet-facing ALB in private subnets", "internet", "eni-alb", "tcp", 80, false, "route-table", nil},
		{"public instance to the internet", "i-web", "internet", "tcp", 443, true, "", nil},
		{"public subnet without a public IP cannot go out", "i-nopub", "internet", "tcp", 443, false, "public-ip", nil},
		{"private subnet to the internet through NAT", "i-app", "internet", "tcp", 443, true, "", nil},
		{"private subnet to the internet when the NAT is gone", "i-app", "internet", "tcp", 443, false, "nat-gateway",
			func(s *Snapshot) { s.NATGateways["nat-1"] = NATGateway{ID: "nat-1", Subnet: "subnet-public"} }},
		{"a group without egress rules lets nothing out", "i-db", "internet", "tcp", 443, false, "security-group-egress", nil},
		{"isolated subnet has no route out", "i-db", "internet", "tcp", 443, false, "route-table",
			func(s *Snapshot) {
				g := s.Groups["sg-db"]
				g.Rules = append(g.Rules, SGRule{Egress: true, Protocol: "-1", CIDR: pfx("0.0.0.0/0")})
				s.Groups["sg-db"] = g
				s.NACLs["acl-db"] = s.NACLs["acl-default"]
			}},
		{"private subnet to DynamoDB via NAT", "i-app", "dynamodb", "tcp", 443, true, "", nil},
		{"private subnet to DynamoDB with a gateway endpoint, no NAT", "i-task", "dynamodb", "tcp", 443, true, "", nil},
		{"private subnet to DynamoDB without NAT or endpoint", "i-task", "dynamodb", "tcp", 443, false, "route-table",
			func(s *Snapshot) {
				s.RouteTables["rtb-endpoint"] = RouteTable{ID: "rtb-endpoint", Routes: []Route{{Dest: pfx("10.0.0.0/16"), Target: "local"}}}
			}},
		{"gateway endpoint covers its service only", "i-task", "s3", "tcp", 443, false, "route-table", nil},
		{"bastion to web over SSH by group reference", "i-bastion", "i-web", "tcp", 22, true, "", nil},
		{"web to app by group reference", "i-web", "i-app", "tcp", 8080, true, "", nil},
		{"bastion to app: not in the referenced group", "i-bastion", "i-app", "tcp", 8080, false, "security-group-ingress", nil},
		{"app to db: ACL allows the request, not the reply", "i-app", "i-db", "tcp", 3306, false, "nacl-outbound", nil},
		{"app to db with the reply ports open", "i-app", "i-db", "tcp", 3306, true, "",
			func(s *Snapshot) {
				acl := s.NACLs["acl-db"]
				acl.Entries = append(acl.Entries, NACLEntry{Rule: 110, Egress: true, Protocol: "6", From: 1024, To: 65535, CIDR: pfx("10.0.1.0/24"), Allow: true})
				s.NACLs["acl-db"] = acl
			}},
		{"a lower-numbered deny wins", "internet", "i-web", "tcp", 80, false, "nacl-inbound",
			func(s *Snapshot) {
				acl := s.NACLs["acl-default"]
				acl.Entries = append([]NACLEntry{{Rule: 50, Protocol: "6", From: 80, To: 80, CIDR: pfx("198.51.100.0/24")}}, acl.Entries...)
				s.Subnets["subnet-public"] = Subnet{ID: "subnet-public", VPC: "vpc-1", CIDR: pfx("10.0.0.0/24"), RouteTable: "rtb-public", NACL: "acl-web"}
				acl.ID = "acl-web"
				s.NACLs["acl-web"] = acl
			}},
		{"longest prefix wins over the default route", "i-web", "internet:192.0.2.9", "tcp", 443, false, "route-target",
			func(s *Snapshot) {
				rt := s.RouteTables["rtb-public"]
				rt.Routes = append(rt.Routes, Route{Dest: pfx("192.0.2.0/24"), Target: "pcx-1"})
				s.RouteTables["rtb-public"] = rt
			}},
		{"detached internet gateway", "internet", "i-web", "tcp", 80, false, "internet-gateway",
			func(s *Snapshot) { s.InternetGateways["igw-1"] = InternetGateway{ID: "igw-1"} }},
		{"peered VPC with routes both ways", "i-app", "i-peer", "tcp", 8080, true, "", peer(true, true)},
		{"peered VPC without the return route", "i-app", "i-peer", "tcp", 8080, false, "route-table", peer(true, false)},
		{"peering connection not active", "i-app", "i-peer", "tcp", 8080, false, "route-table", peer(false, true)},
		{"another VPC and no peering route", "i-app", "i-peer", "tcp", 8080, false, "route-table", func(s *Snapshot) {
			peer(true, true)(s)
			rt := s.RouteTables["rtb-private"]
			rt.Routes = rt.Routes[:2]
			s.RouteTables["rtb-private"] = rt
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := world()
			if tc.mutate != nil {
				tc.mutate(snap)
			}
			from, err := ParsePoint(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			to, err := ParsePoint(tc.to)
			if err != nil {
				t.Fatal(err)
			}
			v, err := snap.Explain(Query{From: from, To: to, Protocol: tc.proto, Port: tc.port})
			if err != nil {
				t.Fatal(err)
			}
			var trace []string
			for _, h := range v.Hops {
				trace = append(trace, h.Kind+" "+h.Component+" "+map[bool]string{true: "ok", false: "DENY"}[h.Allowed]+": "+h.Detail)
			}
			if v.Reachable != tc.reachable {
				t.Fatalf("reachable = %v, want %v\n%s", v.Reachable, tc.reachable, strings.Join(trace, "\n"))
			}
			if !tc.reachable {
				last := v.Hops[len(v.Hops)-1]
				if last.Allowed || last.Kind != tc.stopKind || v.Reason == "" {
					t.Fatalf("stopped at %s (%s), want %s\n%s", last.Kind, v.Reason, tc.stopKind, strings.Join(trace, "\n"))
				}
			}
		})
	}
}
