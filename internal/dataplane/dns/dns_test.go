package dns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"
)

// memSource is a Source over fixed zones, for tests.
type memSource struct {
	zones []Zone
	sets  map[string][]RecordSet // zone id + " " + name → sets
}

func (m *memSource) add(zoneID string, rs RecordSet) {
	if m.sets == nil {
		m.sets = map[string][]RecordSet{}
	}
	rs.Name = Canonical(rs.Name)
	m.sets[zoneID+" "+rs.Name] = append(m.sets[zoneID+" "+rs.Name], rs)
}

func (m *memSource) Zone(name string) (Zone, bool) {
	var best Zone
	for _, z := range m.zones {
		if IsSubdomain(name, z.Name) && len(z.Name) > len(best.Name) {
			best = z
		}
	}
	return best, best.ID != ""
}

func (m *memSource) ZoneByID(account, id string) (Zone, bool) {
	for _, z := range m.zones {
		if z.ID == id && z.Account == account {
			return z, true
		}
	}
	return Zone{}, false
}

func (m *memSource) RecordSets(z Zone, name string) []RecordSet { return m.sets[z.ID+" "+name] }

func (m *memSource) HasDescendants(z Zone, name string) bool {
	for k := range m.sets {
		id, n, _ := strings.Cut(k, " ")
		if id == z.ID && n != name && IsSubdomain(n, name) {
			return true
		}
	}
	return false
}

func (m *memSource) Walk(fn func(Zone, RecordSet)) {
	var keys []string
	for k := range m.sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		id, _, _ := strings.Cut(k, " ")
		z, _ := m.ZoneByID("111111111111", id)
		for _, rs := range m.sets[k] {
			fn(z, rs)
		}
	}
}

const soaValue = "ns-1.haneul.localhost. hostmaster.haneul.localhost. 1 7200 900 1209600 86400"

func testSource() *memSource {
	src := &memSource{zones: []Zone{
		{Account: "111111111111", ID: "ZEXAMPLE", Name: "example.com."},
		{Account: "111111111111", ID: "ZSUB", Name: "sub.example.com."},
	}}
	for _, z := range src.zones {
		src.add(z.ID, RecordSet{Name: z.Name, Type: "SOA", TTL: 900, Values: []string{soaValue}})
		src.add(z.ID, RecordSet{Name: z.Name, Type: "NS", TTL: 172800, Values: []string{"ns-1.haneul.localhost."}})
	}
	src.add("ZEXAMPLE", RecordSet{Name: "example.com", Type: "A", TTL: 300, Values: []string{"192.0.2.1"}})
	src.add("ZEXAMPLE", RecordSet{Name: "example.com", Type: "MX", TTL: 300, Values: []string{"10 mail.example.com."}})
	src.add("ZEXAMPLE", RecordSet{Name: "example.com", Type: "TXT", TTL: 300, Values: []string{`"v=spf1 -all" "second"`}})
	src.add("ZEXAMPLE", RecordSet{Name: "www.example.com", Type: "CNAME", TTL: 300, Values: []string{"web.example.com"}})
	src.add("ZEXAMPLE", RecordSet{Name: "web.example.com", Type: "CNAME", TTL: 300, Values: []string{"host.sub.example.com."}})
	src.add("ZSUB", RecordSet{Name: "host.sub.example.com", Type: "A", TTL: 60, Values: []string{"192.0.2.7", "192.0.2.8"}})
	src.add("ZSUB", RecordSet{Name: "host.sub.example.com", Type: "AAAA", TTL: 60, Values: []string{"2001:db8::7"}})
	src.add("ZEXAMPLE", RecordSet{Name: "apex-alias.example.com", Type: "A", Alias: &Alias{ZoneID: "ZEXAMPLE", DNSName: "example.com."}})
	src.add("ZEXAMPLE", RecordSet{Name: "lb.example.com", Type: "A", Alias: &Alias{ZoneID: "ZELB", DNSName: "dualstack.my-lb-1.elb.localhost."}})
	src.add("ZEXAMPLE", RecordSet{Name: "site.example.com", Type: "A", Alias: &Alias{ZoneID: "Z3W03O7B5YMIYP", DNSName: "s3-website.ap-northeast-2.amazonaws.com."}})
	src.add("ZEXAMPLE", RecordSet{Name: `\052.wild.example.com`, Type: "A", TTL: 30, Values: []string{"192.0.2.99"}})
	src.add("ZEXAMPLE", RecordSet{Name: "deep.empty.example.com", Type: "A", TTL: 30, Values: []string{"192.0.2.50"}})
	src.add("ZEXAMPLE", RecordSet{Name: "_sip._tcp.example.com", Type: "SRV", TTL: 30, Values: []string{"1 2 5060 sip.example.com."}})
	src.add("ZEXAMPLE", RecordSet{Name: "example.com", Type: "CAA", TTL: 30, Values: []string{`0 issue "amazon.com"`}})
	return src
}

// startServer runs a DNS server over testSource and returns a resolver using it.
func startServer(t *testing.T, network string) (*Server, *net.Resolver) {
	t.Helper()
	reg := NewRegistry()
	reg.Set("my-lb-1.elb.localhost", netip.MustParseAddr("127.0.0.1"))
	srv, err := Listen("127.0.0.1:0", NewAuthority(testSource(), reg), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}}
	return srv, r
}

func TestResolver(t *testing.T) {
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			_, r := startServer(t, network)
			ctx := context.Background()
			hosts := []struct {
				name string
				want []string
			}{
				{"example.com.", []string{"192.0.2.1"}},
				{"EXAMPLE.com.", []string{"192.0.2.1"}},
				{"www.example.com.", []string{"192.0.2.7", "192.0.2.8", "2001:db8::7"}},
				{"apex-alias.example.com.", []string{"192.0.2.1"}},
				{"lb.example.com.", []string{"127.0.0.1"}},
				{"site.example.com.", []string{"127.0.0.1"}},
				{"anything.wild.example.com.", []string{"192.0.2.99"}},
				{"a.b.wild.example.com.", []string{"192.0.2.99"}},
				{"bucket.s3.localhost.", []string{"127.0.0.1"}},
				{"my-lb-1.elb.localhost.", []string{"127.0.0.1"}},
			}
			for _, h := range hosts {
				got, err := r.LookupHost(ctx, h.name)
				if err != nil {
					t.Errorf("%s: %v", h.name, err)
					continue
				}
				slices.Sort(got)
				if !slices.Equal(got, h.want) {
					t.Errorf("%s: %v, want %v", h.name, got, h.want)
				}
			}
			cname, err := r.LookupCNAME(ctx, "web.example.com.")
			if err != nil || cname != "host.sub.example.com." {
				t.Errorf("CNAME of web is %q (%v)", cname, err)
			}
			for _, name := range []string{"nope.example.com.", "x.nope.sub.example.com."} {
				_, err = r.LookupHost(ctx, name)
				var de *net.DNSError
				if !errors.As(err, &de) || !de.IsNotFound {
					t.Errorf("%s: %v, want not found", name, err)
				}
			}
			mx, err := r.LookupMX(ctx, "example.com.")
			if err != nil || len(mx) != 1 || mx[0].Host != "mail.example.com." || mx[0].Pref != 10 {
				t.Errorf("MX %v %v", mx, err)
			}
			txt, err := r.LookupTXT(ctx, "example.com.")
			if err != nil || !slices.Equal(txt, []string{"v=spf1 -allsecond"}) {
				t.Errorf("TXT %q %v", txt, err)
			}
			_, srvs, err := r.LookupSRV(ctx, "sip", "tcp", "example.com.")
			if err != nil || len(srvs) != 1 || srvs[0].Port != 5060 || srvs[0].Target != "sip.example.com." {
				t.Errorf("SRV %v %v", srvs, err)
			}
			ns, err := r.LookupNS(ctx, "example.com.")
			if err != nil || len(ns) != 1 || ns[0].Host != "ns-1.haneul.localhost." {
				t.Errorf("NS %v %v", ns, err)
			}
			// An empty non-terminal exists: no data, not NXDOMAIN.
			_, err = r.LookupHost(ctx, "empty.example.com.")
			var de *net.DNSError
			if !errors.As(err, &de) || !de.IsNotFound {
				t.Errorf("empty non-terminal: %v", err)
			}
		})
	}
}

// query sends a raw query and returns the parsed response header fields.
func query(t *testing.T, s *Server, name string, typ uint16) (rcode int, aa bool, answers, authority int) {
	t.Helper()
	m := Message{Header: Header{ID: 7, RecursionDesired: true}, Question: &Question{Name: Canonical(name), Type: typ, Class: classINET}}
	out := s.Handle(m.Pack(0), true)
	if len(out) < headerLength {
		t.Fatalf("short answer %x", out)
	}
	flags := uint16(out[2])<<8 | uint16(out[3])
	return int(flags & 0xf), flags&(1<<10) != 0, int(out[6])<<8 | int(out[7]), int(out[8])<<8 | int(out[9])
}

func TestRcodes(t *testing.T) {
	s, _ := startServer(t, "udp")
	cases := []struct {
		name              string
		typ               uint16
		rcode             int
		aa                bool
		answers, soaCount int
	}{
		{"nope.example.com", TypeA, RcodeNXDomain, true, 0, 1},
		{"example.com", TypeAAAA, RcodeSuccess, true, 0, 1},
		{"example.com", TypeCAA, RcodeSuccess, true, 1, 0},
		{"example.com", TypeSOA, RcodeSuccess, true, 1, 0},
		{"example.com", TypeANY, RcodeSuccess, true, 6, 0},
		{"www.example.com", TypeA, RcodeSuccess, true, 4, 0},
		{"unrelated.test", TypeA, RcodeRefused, false, 0, 0},
		{"example.com", TypeAXFR, RcodeRefused, false, 0, 0},
	}
	for _, c := range cases {
		rcode, aa, an, ns := query(t, s, c.name, c.typ)
		if rcode != c.rcode || aa != c.aa || an != c.answers || ns != c.soaCount {
			t.Errorf("%s %s: rcode %d aa %v answers %d authority %d; want %d %v %d %d", c.name, TypeName(c.typ), rcode, aa, an, ns, c.rcode, c.aa, c.answers, c.soaCount)
		}
	}
}

func TestMalformed(t *testing.T) {
	s, _ := startServer(t, "udp")
	cases := map[string][]byte{
		"empty":            {},
		"header only":      {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
		"pointer loop":     {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1},
		"label past end":   {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 40, 'a'},
		"two questions":    {0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1},
		"forward pointer":  {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 20, 0, 1, 0, 1, 0, 0, 0},
		"bad additional":   {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 41, 0x10},
		"extended label":   {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1},
		"response ignored": {0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1},
	}
	for name, msg := range cases {
		out := s.Handle(msg, true)
		switch {
		case len(msg) < headerLength || name == "response ignored":
			if out != nil {
				t.Errorf("%s: answered %x", name, out)
			}
		case len(out) < headerLength || out[3]&0xf != RcodeFormErr:
			t.Errorf("%s: %x, want FORMERR", name, out)
		}
	}
}

func TestTruncationAndCompression(t *testing.T) {
	src := &memSource{zones: []Zone{{Account: "1", ID: "Z", Name: "big.test."}}}
	src.add("Z", RecordSet{Name: "big.test", Type: "SOA", TTL: 900, Values: []string{soaValue}})
	var vals []string
	for i := 1; i <= 60; i++ {
		vals = append(vals, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}).String())
	}
	src.add("Z", RecordSet{Name: "many.big.test", Type: "A", TTL: 60, Values: vals})
	srv, err := Listen("127.0.0.1:0", NewAuthority(src, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	m := Message{Header: Header{ID: 1}, Question: &Question{Name: "many.big.test.", Type: TypeA, Class: classINET}}
	udp := srv.Handle(m.Pack(0), true)
	if udp[2]&0x02 == 0 || len(udp) > 512 {
		t.Fatalf("UDP answer of %d bytes not truncated", len(udp))
	}
	tcp := srv.Handle(m.Pack(0), false)
	// 60 answers: a 2-byte pointer for each name, so 16 bytes a record.
	if want := 12 + 19 + 60*16; len(tcp) != want {
		t.Fatalf("TCP answer %d bytes, want %d (names compressed)", len(tcp), want)
	}
	// The Go resolver retries over TCP after a truncated UDP answer.
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}}
	addrs, err := r.LookupHost(context.Background(), "many.big.test.")
	if err != nil || len(addrs) != 60 {
		t.Fatalf("lookup after truncation: %d addresses, %v", len(addrs), err)
	}
}

func TestCanonical(t *testing.T) {
	cases := map[string]string{
		"WWW.Example.COM":     "www.example.com.",
		"*.example.com":       `\052.example.com.`,
		`\052.example.com.`:   `\052.example.com.`,
		"a b.example":         `a\040b.example.`,
		".":                   ".",
		"under_score.example": "under_score.example.",
	}
	for in, want := range cases {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHosts(t *testing.T) {
	reg := NewRegistry()
	reg.Set("db-1.rds.localhost")
	var b strings.Builder
	if err := NewAuthority(testSource(), reg).Hosts(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range []string{"192.0.2.1\texample.com\n", "192.0.2.7\twww.example.com\n", "127.0.0.1\tdb-1.rds.localhost\n", "127.0.0.1\tlb.example.com\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("hosts lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, "wild") {
		t.Errorf("hosts lists a wildcard:\n%s", out)
	}
}

// FuzzParseQuery feeds arbitrary bytes to the query parser and the server's
// handler: neither may panic, and an answer is always a well-formed message.
func FuzzParseQuery(f *testing.F) {
	for _, name := range []string{"example.com.", "www.example.com.", `\052.wild.example.com.`, "."} {
		m := Message{Header: Header{ID: 1, RecursionDesired: true}, Question: &Question{Name: name, Type: TypeA, Class: classINET}, EDNS: true, UDPSize: 1232}
		f.Add(m.Pack(0))
	}
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1})
	auth := NewAuthority(testSource(), nil)
	s := &Server{auth: auth}
	f.Fuzz(func(t *testing.T, msg []byte) {
		q, err := ParseQuery(msg)
		if err == nil && !strings.HasSuffix(q.Question.Name, ".") {
			t.Fatalf("name %q without trailing dot", q.Question.Name)
		}
		out := s.Handle(msg, true)
		if out != nil && len(out) < headerLength {
			t.Fatalf("answer of %d bytes", len(out))
		}
		if len(out) > maxUDPSize {
			t.Fatalf("UDP answer of %d bytes", len(out))
		}
	})
}

// BenchmarkHandle measures one A query answered through a CNAME chain,
// parse to packed answer, without the network.
func BenchmarkHandle(b *testing.B) {
	s := &Server{auth: NewAuthority(testSource(), nil)}
	m := Message{Header: Header{ID: 1, RecursionDesired: true}, Question: &Question{Name: "www.example.com.", Type: TypeA, Class: classINET}, EDNS: true, UDPSize: 1232}
	msg := m.Pack(0)
	b.ReportAllocs()
	for b.Loop() {
		if out := s.Handle(msg, true); len(out) < headerLength {
			b.Fatal("no answer")
		}
	}
}
