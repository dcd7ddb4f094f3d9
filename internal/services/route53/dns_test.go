package route53

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"haneul/internal/dataplane/dns"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// TestDNSServerAnswersFromZones drives haneul's DNS server over Route 53's
// own state, through Go's resolver, over UDP and TCP.
func TestDNSServerAnswersFromZones(t *testing.T) {
	store := state.New(state.Options{})
	s := New(service.Deps{Store: store, Region: "ap-northeast-2"})
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	acct := func(a string) context.Context {
		return reqctx.With(context.Background(), &reqctx.Info{Account: a})
	}
	ctx := acct("111111111111")
	zone := func(ctx context.Context, name, ref string) string {
		out, err := s.CreateHostedZone(ctx, &CreateHostedZoneRequest{Name: &name, CallerReference: &ref})
		if err != nil {
			t.Fatal(err)
		}
		return trimID(*out.HostedZone.Id, "hostedzone")
	}
	rrset := func(name, typ string, values ...string) Change {
		rs := &ResourceRecordSet{Name: ptr.To(name), Type: ptr.To(typ), TTL: ptr.To(int64(300))}
		for _, v := range values {
			rs.ResourceRecords = append(rs.ResourceRecords, ResourceRecord{Value: ptr.To(v)})
		}
		return Change{Action: ptr.To("CREATE"), ResourceRecordSet: rs}
	}
	alias := func(name, zoneID, target string) Change {
		return Change{Action: ptr.To("CREATE"), ResourceRecordSet: &ResourceRecordSet{Name: ptr.To(name), Type: ptr.To("A"),
			AliasTarget: &AliasTarget{HostedZoneId: ptr.To(zoneID), DNSName: ptr.To(target), EvaluateTargetHealth: ptr.To(false)}}}
	}
	apply := func(ctx context.Context, id string, changes ...Change) {
		t.Helper()
		if _, err := s.ChangeResourceRecordSets(ctx, &ChangeResourceRecordSetsRequest{HostedZoneId: &id, ChangeBatch: &ChangeBatch{Changes: changes}}); err != nil {
			t.Fatal(err)
		}
	}
	shop := zone(ctx, "seongwoo.shop", "a")
	apply(ctx, shop,
		rrset("seongwoo.shop", "A", "203.0.113.10"),
		rrset("dev.seongwoo.shop", "CNAME", "seongwoo.shop"),
		rrset("*.preview.seongwoo.shop", "A", "203.0.113.20"),
		rrset("deep.empty.seongwoo.shop", "A", "203.0.113.30"),
		alias("www.seongwoo.shop", shop, "seongwoo.shop"),
		alias("lb.seongwoo.shop", "ZWWTNNQ1AUQRF", "dualstack.web-123.elb.localhost"),
		alias("cdn.seongwoo.shop", "Z2FDTNDATAQYW2", "d111111abcdef8.cloudfront.net"),
	)
	// Another account's zone is answered too.
	other := zone(acct("222222222222"), "other.test", "b")
	apply(acct("222222222222"), other, rrset("api.other.test", "AAAA", "2001:db8::1"))
	s.Names().Set("d111111abcdef8.cloudfront.net", netip.MustParseAddr("127.0.0.2"))

	srv, err := dns.Listen("127.0.0.1:0", s.Authority(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, network := range []string{"udp", "tcp"} {
		r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, srv.Addr())
		}}
		cases := []struct {
			name string
			want []string // nil: not found
		}{
			{"seongwoo.shop.", []string{"203.0.113.10"}},
			{"DEV.seongwoo.shop.", []string{"203.0.113.10"}},
			{"www.seongwoo.shop.", []string{"203.0.113.10"}},
			{"pr-1.preview.seongwoo.shop.", []string{"203.0.113.20"}},
			{"lb.seongwoo.shop.", []string{"127.0.0.1"}},
			{"cdn.seongwoo.shop.", []string{"127.0.0.2"}},
			{"api.other.test.", []string{"2001:db8::1"}},
			{"nope.seongwoo.shop.", nil},
			{"empty.seongwoo.shop.", nil},
		}
		for _, c := range cases {
			got, err := r.LookupHost(context.Background(), c.name)
			if c.want == nil {
				var de *net.DNSError
				if !errors.As(err, &de) || !de.IsNotFound {
					t.Errorf("%s %s: %v %v, want not found", network, c.name, got, err)
				}
				continue
			}
			slices.Sort(got)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s %s: %v %v, want %v", network, c.name, got, err, c.want)
			}
		}
	}
	var b strings.Builder
	if err := s.Authority().Hosts(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"203.0.113.10\tdev.seongwoo.shop", "127.0.0.1\tlb.seongwoo.shop", "127.0.0.2\td111111abcdef8.cloudfront.net"} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("hosts lacks %q:\n%s", line, b.String())
		}
	}
	if target, ok := s.CNAME("Dev.Seongwoo.Shop"); !ok || target != "seongwoo.shop." {
		t.Errorf("CNAME lookup for ACM: %q %v", target, ok)
	}
}

// BenchmarkDNSOverState measures one UDP round trip through Go's resolver
// for an A record, answered from Route 53's state with 1,000 record sets.
func BenchmarkDNSOverState(b *testing.B) {
	store := state.New(state.Options{})
	s := New(service.Deps{Store: store})
	if err := store.Open(); err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := reqctx.With(context.Background(), &reqctx.Info{Account: "111111111111"})
	out, err := s.CreateHostedZone(ctx, &CreateHostedZoneRequest{Name: ptr.To("bench.test"), CallerReference: ptr.To("b")})
	if err != nil {
		b.Fatal(err)
	}
	var changes []Change
	for i := range 1000 {
		changes = append(changes, Change{Action: ptr.To("CREATE"), ResourceRecordSet: &ResourceRecordSet{
			Name: ptr.To(fmt.Sprintf("h%d.bench.test", i)), Type: ptr.To("A"), TTL: ptr.To(int64(60)),
			ResourceRecords: []ResourceRecord{{Value: ptr.To(fmt.Sprintf("10.0.%d.%d", i/256, i%256))}}}})
	}
	if _, err := s.ChangeResourceRecordSets(ctx, &ChangeResourceRecordSetsRequest{HostedZoneId: out.HostedZone.Id, ChangeBatch: &ChangeBatch{Changes: changes}}); err != nil {
		b.Fatal(err)
	}
	srv, err := dns.Listen("127.0.0.1:0", s.Authority(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	conn, err := net.Dial("udp", srv.Addr())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	q := dns.Message{Header: dns.Header{ID: 9}, Question: &dns.Question{Name: "h500.bench.test.", Type: dns.TypeA, Class: 1}}
	msg := q.Pack(0)
	buf := make([]byte, 1500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conn.Write(msg); err != nil {
			b.Fatal(err)
		}
		n, err := conn.Read(buf)
		if err != nil || n < 12 || buf[7] != 1 {
			b.Fatalf("answer %x %v", buf[:n], err)
		}
	}
}
