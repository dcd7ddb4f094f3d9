package route53_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

func newClient(t *testing.T, opts ...testutil.Option) *route53.Client {
	t.Helper()
	cfg, _ := testutil.NewServer(t, opts...)
	return route53.NewFromConfig(cfg)
}

func createZone(t *testing.T, c *route53.Client, name string) string {
	t.Helper()
	out, err := c.CreateHostedZone(context.Background(), &route53.CreateHostedZoneInput{Name: aws.String(name), CallerReference: aws.String(name + time.Now().String())})
	if err != nil {
		t.Fatalf("create zone %s: %v", name, err)
	}
	return strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/")
}

// apiCode returns the AWS error code of err ("" for nil).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func change(action types.ChangeAction, name string, typ types.RRType, ttl int64, values ...string) types.Change {
	rs := &types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
	for _, v := range values {
		rs.ResourceRecords = append(rs.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
	}
	return types.Change{Action: action, ResourceRecordSet: rs}
}

func changeRecords(c *route53.Client, zone string, changes ...types.Change) error {
	_, err := c.ChangeResourceRecordSets(context.Background(), &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(zone), ChangeBatch: &types.ChangeBatch{Changes: changes},
	})
	return err
}

func TestHostedZoneLifecycle(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	out, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("Example.COM"), CallerReference: aws.String("ref-1"),
		HostedZoneConfig: &types.HostedZoneConfig{Comment: aws.String("hello")},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.HostedZone.Id)
	if !strings.HasPrefix(id, "/hostedzone/Z") || aws.ToString(out.HostedZone.Name) != "example.com." {
		t.Fatalf("zone %s %s", id, aws.ToString(out.HostedZone.Name))
	}
	if out.ChangeInfo == nil || !strings.HasPrefix(aws.ToString(out.ChangeInfo.Id), "/change/C") || out.ChangeInfo.Status != types.ChangeStatusPending {
		t.Fatalf("change info %+v", out.ChangeInfo)
	}
	if len(out.DelegationSet.NameServers) != 4 || aws.ToString(out.Location) == "" {
		t.Fatalf("delegation %+v location %q", out.DelegationSet, aws.ToString(out.Location))
	}
	// A retry with the same caller reference returns the same zone; another zone with it is refused.
	again, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("ref-1")})
	if err != nil || aws.ToString(again.HostedZone.Id) != id {
		t.Fatalf("retry: %v %v", err, again)
	}
	_, err = c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("other.com"), CallerReference: aws.String("ref-1")})
	if apiCode(err) != "HostedZoneAlreadyExists" {
		t.Fatalf("reused reference: %v", err)
	}
	got, err := c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.HostedZone.Config.Comment) != "hello" || aws.ToInt64(got.HostedZone.ResourceRecordSetCount) != 2 || len(got.DelegationSet.NameServers) != 4 {
		t.Fatalf("get: %+v %+v", got.HostedZone, got.DelegationSet)
	}
	rrs, err := c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rrs.ResourceRecordSets) != 2 || rrs.ResourceRecordSets[0].Type != types.RRTypeNs || rrs.ResourceRecordSets[1].Type != types.RRTypeSoa {
		t.Fatalf("default records: %+v", rrs.ResourceRecordSets)
	}
	if _, err := c.UpdateHostedZoneComment(ctx, &route53.UpdateHostedZoneCommentInput{Id: aws.String(id), Comment: aws.String("bye")}); err != nil {
		t.Fatal(err)
	}
	if err := changeRecords(c, id, change(types.ChangeActionCreate, "www.example.com", types.RRTypeA, 300, "10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: aws.String(id)})
	if apiCode(err) != "HostedZoneNotEmpty" {
		t.Fatalf("delete non-empty: %v", err)
	}
	if err := changeRecords(c, id, change(types.ChangeActionDelete, "www.example.com.", types.RRTypeA, 300, "10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if apiCode(err) != "NoSuchHostedZone" {
		t.Fatalf("get deleted: %v", err)
	}
}

func TestChangeInsyncOnClock(t *testing.T) {
	fake := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	c := newClient(t, testutil.WithServerOption(server.WithClock(fake)))
	ctx := context.Background()
	id := createZone(t, c, "clock.test")
	out, err := c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(id),
		ChangeBatch:  &types.ChangeBatch{Comment: aws.String("c"), Changes: []types.Change{change(types.ChangeActionUpsert, "a.clock.test", types.RRTypeA, 60, "10.0.0.1")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	get := func() types.ChangeStatus {
		g, err := c.GetChange(ctx, &route53.GetChangeInput{Id: out.ChangeInfo.Id})
		if err != nil {
			t.Fatal(err)
		}
		return g.ChangeInfo.Status
	}
	if s := get(); s != types.ChangeStatusPending {
		t.Fatalf("status %s, want PENDING", s)
	}
	fake.Advance(2 * time.Second)
	if s := get(); s != types.ChangeStatusInsync {
		t.Fatalf("status %s, want INSYNC", s)
	}
	_, err = c.GetChange(ctx, &route53.GetChangeInput{Id: aws.String("/change/CNOSUCH")})
	if apiCode(err) != "NoSuchChange" {
		t.Fatalf("missing change: %v", err)
	}
}

func TestChangeBatchValidation(t *testing.T) {
	c := newClient(t)
	zone := createZone(t, c, "example.org")
	if err := changeRecords(c, zone,
		change(types.ChangeActionCreate, "www.example.org", types.RRTypeA, 300, "192.0.2.1"),
		change(types.ChangeActionCreate, "txt.example.org", types.RRTypeTxt, 300, `"v=spf1 -all"`),
	); err != nil {
		t.Fatal(err)
	}
	alias := func(name, target string) types.Change {
		return types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: &types.ResourceRecordSet{
			Name: aws.String(name), Type: types.RRTypeA,
			AliasTarget: &types.AliasTarget{HostedZoneId: aws.String(zone), DNSName: aws.String(target), EvaluateTargetHealth: false},
		}}
	}
	cases := []struct {
		name    string
		changes []types.Change
		code    string
		message string
	}{
		{"duplicate create", []types.Change{change(types.ChangeActionCreate, "WWW.example.org.", types.RRTypeA, 300, "192.0.2.2")},
			"InvalidChangeBatch", "Tried to create resource record set [name='www.example.org.', type='A'] but it already exists"},
		{"CNAME at apex", []types.Change{change(types.ChangeActionCreate, "example.org", types.RRTypeCname, 300, "x.example.net")},
			"InvalidChangeBatch", "RRSet of type CNAME with DNS name example.org. is not permitted at apex in zone example.org."},
		{"CNAME beside A", []types.Change{change(types.ChangeActionCreate, "www.example.org", types.RRTypeCname, 300, "x.example.net")},
			"InvalidChangeBatch", "RRSet of type CNAME with DNS name www.example.org. is not permitted as it conflicts with other records with the same DNS name in zone example.org."},
		{"delete missing", []types.Change{change(types.ChangeActionDelete, "nope.example.org", types.RRTypeA, 300, "192.0.2.1")},
			"InvalidChangeBatch", "Tried to delete resource record set [name='nope.example.org.', type='A'] but it was not found"},
		{"delete with other values", []types.Change{change(types.ChangeActionDelete, "www.example.org", types.RRTypeA, 300, "192.0.2.9")},
			"InvalidChangeBatch", "but the values provided do not match the current values"},
		{"outside the zone", []types.Change{change(types.ChangeActionCreate, "www.example.com", types.RRTypeA, 300, "192.0.2.1")},
			"InvalidChangeBatch", "RRSet with DNS name www.example.com. is not permitted in zone example.org."},
		{"same set twice in a batch", []types.Change{
			change(types.ChangeActionUpsert, "b.example.org", types.RRTypeA, 300, "192.0.2.1"),
			change(types.ChangeActionUpsert, "b.example.org", types.RRTypeA, 300, "192.0.2.2")},
			"InvalidChangeBatch", "The request contains an invalid set of changes for a resource record set 'A b.example.org.'"},
		{"bad IPv4", []types.Change{change(types.ChangeActionCreate, "c.example.org", types.RRTypeA, 300, "300.1.1.1")},
			"InvalidChangeBatch", "ARRDATAIllegalIPv4Address"},
		{"MX needs two fields", []types.Change{change(types.ChangeActionCreate, "c.example.org", types.RRTypeMx, 300, "mail.example.org")},
			"InvalidChangeBatch", "MXRRDATANotTwoFields"},
		{"no TTL", []types.Change{{Action: types.ChangeActionCreate, ResourceRecordSet: &types.ResourceRecordSet{
			Name: aws.String("d.example.org"), Type: types.RRTypeA, ResourceRecords: []types.ResourceRecord{{Value: aws.String("192.0.2.1")}}}}},
			"InvalidInput", "but found none in Change with [Action=CREATE, Name=d.example.org., Type=A, SetIdentifier=null]"},
		{"alias to a missing target", []types.Change{alias("e.example.org", "missing.example.org")},
			"InvalidChangeBatch", "but that target was not found"},
		{"deleting the SOA", []types.Change{change(types.ChangeActionDelete, "example.org", types.RRTypeSoa, 900, "ns-1.haneul.localhost. hostmaster.haneul.localhost. 1 7200 900 1209600 86400")},
			"InvalidChangeBatch", "A HostedZone must contain exactly one SOA record."},
		{"no such zone", nil, "NoSuchHostedZone", "No hosted zone found with ID: ZNOSUCH"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			z := zone
			changes := tc.changes
			if changes == nil {
				z, changes = "ZNOSUCH", []types.Change{change(types.ChangeActionCreate, "x.example.org", types.RRTypeA, 300, "192.0.2.1")}
			}
			err := changeRecords(c, z, changes...)
			if apiCode(err) != tc.code {
				t.Fatalf("code %q (%v), want %s", apiCode(err), err, tc.code)
			}
			msg := err.Error()
			var icb *types.InvalidChangeBatch
			if errors.As(err, &icb) {
				msg += strings.Join(icb.Messages, " ")
			}
			if !strings.Contains(msg, tc.message) {
				t.Fatalf("message %q lacks %q", msg, tc.message)
			}
		})
	}
	// A failed batch changes nothing: the first, valid change of a failing batch is not applied.
	err := changeRecords(c, zone,
		change(types.ChangeActionCreate, "atomic.example.org", types.RRTypeA, 300, "192.0.2.1"),
		change(types.ChangeActionCreate, "www.example.org", types.RRTypeA, 300, "192.0.2.1"))
	if apiCode(err) != "InvalidChangeBatch" {
		t.Fatalf("batch: %v", err)
	}
	out, err := c.ListResourceRecordSets(context.Background(), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone), StartRecordName: aws.String("atomic.example.org"), MaxItems: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ResourceRecordSets[0].Name) == "atomic.example.org." {
		t.Fatal("a failed batch applied its first change")
	}
	// An alias to an existing record in the zone is accepted, and answers with the target's address.
	if err := changeRecords(c, zone, alias("example.org", "www.example.org")); err != nil {
		t.Fatal(err)
	}
	ans, err := c.TestDNSAnswer(context.Background(), &route53.TestDNSAnswerInput{HostedZoneId: aws.String(zone), RecordName: aws.String("example.org"), RecordType: types.RRTypeA})
	if err != nil || aws.ToString(ans.ResponseCode) != "NOERROR" || !slices.Equal(ans.RecordData, []string{"192.0.2.1"}) {
		t.Fatalf("TestDNSAnswer %+v %v", ans, err)
	}
	txt, err := c.TestDNSAnswer(context.Background(), &route53.TestDNSAnswerInput{HostedZoneId: aws.String(zone), RecordName: aws.String("txt.example.org"), RecordType: types.RRTypeTxt})
	if err != nil || !slices.Equal(txt.RecordData, []string{`"v=spf1 -all"`}) {
		t.Fatalf("TestDNSAnswer TXT %+v %v", txt, err)
	}
	nx, err := c.TestDNSAnswer(context.Background(), &route53.TestDNSAnswerInput{HostedZoneId: aws.String(zone), RecordName: aws.String("nope.example.org"), RecordType: types.RRTypeA})
	if err != nil || aws.ToString(nx.ResponseCode) != "NXDOMAIN" {
		t.Fatalf("TestDNSAnswer NXDOMAIN %+v %v", nx, err)
	}
}

func TestListResourceRecordSetsOrderAndPaging(t *testing.T) {
	c := newClient(t)
	zone := createZone(t, c, "example.net")
	names := []string{"b.example.net", "a.example.net", "*.example.net", "z.a.example.net", "mail.example.net"}
	var changes []types.Change
	for _, n := range names {
		changes = append(changes, change(types.ChangeActionCreate, n, types.RRTypeA, 60, "192.0.2.10"))
	}
	changes = append(changes, change(types.ChangeActionCreate, "mail.example.net", types.RRTypeMx, 60, "10 mx.example.net."))
	changes = append(changes, change(types.ChangeActionCreate, "a.example.net", types.RRTypeTxt, 60, `"hello"`))
	for i, w := range []int64{10, 20} {
		changes = append(changes, types.Change{Action: types.ChangeActionCreate, ResourceRecordSet: &types.ResourceRecordSet{
			Name: aws.String("w.example.net"), Type: types.RRTypeA, TTL: aws.Int64(60), SetIdentifier: aws.String(fmt.Sprint("w", i)), Weight: aws.Int64(w),
			ResourceRecords: []types.ResourceRecord{{Value: aws.String(fmt.Sprint("192.0.2.", 20+i))}},
		}})
	}
	if err := changeRecords(c, zone, changes...); err != nil {
		t.Fatal(err)
	}
	var got []string
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone), MaxItems: aws.Int32(3)}
	p := route53.NewListResourceRecordSetsPaginator(c, in)
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, rs := range out.ResourceRecordSets {
			s := aws.ToString(rs.Name) + " " + string(rs.Type)
			if rs.SetIdentifier != nil {
				s += " " + *rs.SetIdentifier
			}
			got = append(got, s)
		}
	}
	want := []string{
		"example.net. NS", "example.net. SOA",
		`\052.example.net. A`,
		"a.example.net. A", "a.example.net. TXT",
		"z.a.example.net. A",
		"b.example.net. A",
		"mail.example.net. A", "mail.example.net. MX",
		"w.example.net. A w0", "w.example.net. A w1",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("order:\n got %q\nwant %q", got, want)
	}
	if pages != 4 {
		t.Fatalf("%d pages, want 4", pages)
	}
	_, err := c.ListResourceRecordSets(context.Background(), &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone), StartRecordType: types.RRTypeA})
	if apiCode(err) != "InvalidInput" {
		t.Fatalf("type without name: %v", err)
	}
}

func TestListHostedZonesPaging(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	for _, n := range []string{"b.com", "a.com", "x.a.com", "c.org", "a.com"} {
		createZone(t, c, n)
	}
	count, err := c.GetHostedZoneCount(ctx, &route53.GetHostedZoneCountInput{})
	if err != nil || aws.ToInt64(count.HostedZoneCount) != 5 {
		t.Fatalf("count %v %v", count, err)
	}
	var ids []string
	p := route53.NewListHostedZonesPaginator(c, &route53.ListHostedZonesInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, z := range out.HostedZones {
			ids = append(ids, aws.ToString(z.Id))
		}
	}
	if len(ids) != 5 || !slices.IsSorted(ids) {
		t.Fatalf("ListHostedZones ids %v", ids)
	}
	var names []string
	in := &route53.ListHostedZonesByNameInput{MaxItems: aws.Int32(2)}
	for {
		out, err := c.ListHostedZonesByName(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, z := range out.HostedZones {
			names = append(names, aws.ToString(z.Name))
		}
		if !out.IsTruncated {
			break
		}
		in.DNSName, in.HostedZoneId = out.NextDNSName, out.NextHostedZoneId
	}
	if want := []string{"a.com.", "a.com.", "x.a.com.", "b.com.", "c.org."}; !slices.Equal(names, want) {
		t.Fatalf("by name %v, want %v", names, want)
	}
	_, err = c.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{HostedZoneId: aws.String("Z1")})
	if apiCode(err) != "InvalidInput" {
		t.Fatalf("id without name: %v", err)
	}
	lim, err := c.GetAccountLimit(ctx, &route53.GetAccountLimitInput{Type: types.AccountLimitTypeMaxHostedZonesByOwner})
	if err != nil || lim.Count != 5 || lim.Limit.Value == nil {
		t.Fatalf("limit %+v %v", lim, err)
	}
}

func TestPrivateZoneVPCs(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	vpc := func(id string) *types.VPC {
		return &types.VPC{VPCId: aws.String(id), VPCRegion: types.VPCRegionApNortheast2}
	}
	out, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("internal.example"), CallerReference: aws.String("p"), VPC: vpc("vpc-1")})
	if err != nil {
		t.Fatal(err)
	}
	id := out.HostedZone.Id
	if !out.HostedZone.Config.PrivateZone {
		t.Fatal("not private")
	}
	if _, err := c.AssociateVPCWithHostedZone(ctx, &route53.AssociateVPCWithHostedZoneInput{HostedZoneId: id, VPC: vpc("vpc-2")}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: id})
	if err != nil || len(got.VPCs) != 2 || got.DelegationSet != nil {
		t.Fatalf("get private: %+v %v", got, err)
	}
	byVPC, err := c.ListHostedZonesByVPC(ctx, &route53.ListHostedZonesByVPCInput{VPCId: aws.String("vpc-2"), VPCRegion: types.VPCRegionApNortheast2})
	if err != nil || len(byVPC.HostedZoneSummaries) != 1 {
		t.Fatalf("by vpc %+v %v", byVPC, err)
	}
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"disassociate unknown", func() error {
			_, err := c.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{HostedZoneId: id, VPC: vpc("vpc-9")})
			return err
		}, "VPCAssociationNotFound"},
		{"disassociate one", func() error {
			_, err := c.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{HostedZoneId: id, VPC: vpc("vpc-1")})
			return err
		}, ""},
		{"disassociate last", func() error {
			_, err := c.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{HostedZoneId: id, VPC: vpc("vpc-2")})
			return err
		}, "LastVPCAssociation"},
		{"private without VPC", func() error {
			_, err := c.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("x.example"), CallerReference: aws.String("q"), HostedZoneConfig: &types.HostedZoneConfig{PrivateZone: true}})
			return err
		}, "InvalidInput"},
	}
	for _, tc := range cases {
		if code := apiCode(tc.call()); code != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, code, tc.code)
		}
	}
}

func TestHealthChecksAndTags(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	cfg := &types.HealthCheckConfig{Type: types.HealthCheckTypeHttp, FullyQualifiedDomainName: aws.String("example.com"), ResourcePath: aws.String("/health")}
	hc, err := c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("hc1"), HealthCheckConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	id := hc.HealthCheck.Id
	if aws.ToInt32(hc.HealthCheck.HealthCheckConfig.Port) != 80 || aws.ToInt64(hc.HealthCheck.HealthCheckVersion) != 1 {
		t.Fatalf("defaults %+v", hc.HealthCheck.HealthCheckConfig)
	}
	again, err := c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("hc1"), HealthCheckConfig: cfg})
	if err != nil || aws.ToString(again.HealthCheck.Id) != aws.ToString(id) {
		t.Fatalf("retry %v", err)
	}
	_, err = c.CreateHealthCheck(ctx, &route53.CreateHealthCheckInput{CallerReference: aws.String("hc1"), HealthCheckConfig: &types.HealthCheckConfig{Type: types.HealthCheckTypeTcp, IPAddress: aws.String("192.0.2.1"), Port: aws.Int32(22)}})
	if apiCode(err) != "HealthCheckAlreadyExists" {
		t.Fatalf("reused ref: %v", err)
	}
	up, err := c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: id, HealthCheckVersion: aws.Int64(1), ResourcePath: aws.String("/ok")})
	if err != nil || aws.ToInt64(up.HealthCheck.HealthCheckVersion) != 2 || aws.ToString(up.HealthCheck.HealthCheckConfig.ResourcePath) != "/ok" {
		t.Fatalf("update %+v %v", up, err)
	}
	_, err = c.UpdateHealthCheck(ctx, &route53.UpdateHealthCheckInput{HealthCheckId: id, HealthCheckVersion: aws.Int64(1)})
	if apiCode(err) != "HealthCheckVersionMismatch" {
		t.Fatalf("stale version: %v", err)
	}
	list, err := c.ListHealthChecks(ctx, &route53.ListHealthChecksInput{})
	if err != nil || len(list.HealthChecks) != 1 {
		t.Fatalf("list %v", err)
	}

	zone := createZone(t, c, "tags.example")
	if _, err := c.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String(zone),
		AddTags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ChangeTagsForResource(ctx, &route53.ChangeTagsForResourceInput{ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String(zone), RemoveTagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &route53.ListTagsForResourceInput{ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String(zone)})
	if err != nil || len(tags.ResourceTagSet.Tags) != 1 || aws.ToString(tags.ResourceTagSet.Tags[0].Key) != "env" {
		t.Fatalf("tags %+v %v", tags, err)
	}
	many, err := c.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{ResourceType: types.TagResourceTypeHealthcheck, ResourceIds: []string{aws.ToString(id)}})
	if err != nil || len(many.ResourceTagSets) != 1 {
		t.Fatalf("tags for resources %+v %v", many, err)
	}
	_, err = c.ListTagsForResource(ctx, &route53.ListTagsForResourceInput{ResourceType: types.TagResourceTypeHostedzone, ResourceId: aws.String("ZNOPE")})
	if apiCode(err) != "NoSuchHostedZone" {
		t.Fatalf("tags of missing zone: %v", err)
	}
	if _, err := c.DeleteHealthCheck(ctx, &route53.DeleteHealthCheckInput{HealthCheckId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: id})
	if apiCode(err) != "NoSuchHealthCheck" {
		t.Fatalf("deleted check: %v", err)
	}
}
