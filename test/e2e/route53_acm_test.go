package e2e

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// resolverAt is a Go resolver that asks only haneul's DNS server at addr.
func resolverAt(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
}

// lookup resolves name through haneul's DNS server, sorted.
func lookup(t *testing.T, addr, name string) []string {
	t.Helper()
	got, err := resolverAt(addr).LookupHost(context.Background(), name)
	if err != nil {
		t.Fatalf("resolve %s: %v", name, err)
	}
	slices.Sort(got)
	return got
}

// aws-cli makes a zone and records; haneul's DNS server answers for them.
func TestRoute53CLI(t *testing.T) {
	need(t, "aws")
	dnsAddr := freeAddr(t)
	h := start(t, "--dns-listen", dnsAddr)

	var zone struct {
		HostedZone struct{ Id, Name string }
		ChangeInfo struct{ Id, Status string }
	}
	if err := awsJSON(t, h, &zone, "route53", "create-hosted-zone", "--name", "dev.seongwoo.shop", "--caller-reference", "cli-1"); err != nil {
		t.Fatal(err)
	}
	if zone.HostedZone.Name != "dev.seongwoo.shop." || zone.ChangeInfo.Status != "PENDING" {
		t.Fatalf("zone %+v", zone)
	}
	batch := `{"Comment":"first","Changes":[
	  {"Action":"CREATE","ResourceRecordSet":{"Name":"dev.seongwoo.shop","Type":"A","TTL":300,"ResourceRecords":[{"Value":"203.0.113.5"}]}},
	  {"Action":"CREATE","ResourceRecordSet":{"Name":"www.dev.seongwoo.shop","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"dev.seongwoo.shop"}]}},
	  {"Action":"CREATE","ResourceRecordSet":{"Name":"dev.seongwoo.shop","Type":"MX","TTL":300,"ResourceRecords":[{"Value":"10 mail.dev.seongwoo.shop"}]}},
	  {"Action":"CREATE","ResourceRecordSet":{"Name":"*.apps.dev.seongwoo.shop","Type":"A","TTL":60,"ResourceRecords":[{"Value":"203.0.113.6"}]}}
	]}`
	var changed struct{ ChangeInfo struct{ Id, Status string } }
	if err := awsJSON(t, h, &changed, "route53", "change-resource-record-sets", "--hosted-zone-id", zone.HostedZone.Id, "--change-batch", batch); err != nil {
		t.Fatal(err)
	}
	// The change is INSYNC a moment later; aws-cli's waiter would poll every 30 seconds.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got struct{ ChangeInfo struct{ Status string } }
		if err := awsJSON(t, h, &got, "route53", "get-change", "--id", changed.ChangeInfo.Id); err != nil {
			t.Fatal(err)
		}
		if got.ChangeInfo.Status == "INSYNC" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("change still %s", got.ChangeInfo.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var list struct {
		ResourceRecordSets []struct{ Name, Type string }
	}
	if err := awsJSON(t, h, &list, "route53", "list-resource-record-sets", "--hosted-zone-id", zone.HostedZone.Id); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, rs := range list.ResourceRecordSets {
		names = append(names, rs.Name+" "+rs.Type)
	}
	want := []string{"dev.seongwoo.shop. A", "dev.seongwoo.shop. MX", "dev.seongwoo.shop. NS", "dev.seongwoo.shop. SOA", `\052.apps.dev.seongwoo.shop. A`, "www.dev.seongwoo.shop. CNAME"}
	if !slices.Equal(names, want) {
		t.Fatalf("records %q, want %q", names, want)
	}
	// AWS's validation, through aws-cli's error output.
	err := awsJSON(t, h, nil, "route53", "change-resource-record-sets", "--hosted-zone-id", zone.HostedZone.Id, "--change-batch",
		`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"dev.seongwoo.shop","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"x.example.com"}]}}]}`)
	if err == nil || !strings.Contains(err.Error(), "InvalidChangeBatch") || !strings.Contains(err.Error(), "is not permitted at apex") {
		t.Fatalf("CNAME at the apex: %v", err)
	}

	if got := lookup(t, dnsAddr, "www.dev.seongwoo.shop."); !slices.Equal(got, []string{"203.0.113.5"}) {
		t.Fatalf("www: %v", got)
	}
	if got := lookup(t, dnsAddr, "web.apps.dev.seongwoo.shop."); !slices.Equal(got, []string{"203.0.113.6"}) {
		t.Fatalf("wildcard: %v", got)
	}
	if got := lookup(t, dnsAddr, "my-bucket.s3.localhost."); !slices.Equal(got, []string{"127.0.0.1"}) {
		t.Fatalf("S3 name: %v", got)
	}
	if _, err := resolverAt(dnsAddr).LookupHost(context.Background(), "nope.dev.seongwoo.shop."); err == nil {
		t.Fatal("a missing name resolved")
	}

	// ACM through aws-cli: EMAIL validation issues at once.
	var req struct{ CertificateArn string }
	if err := awsJSON(t, h, &req, "acm", "request-certificate", "--domain-name", "api.dev.seongwoo.shop", "--validation-method", "EMAIL"); err != nil {
		t.Fatal(err)
	}
	var desc struct{ Certificate struct{ Status, Type string } }
	if err := awsJSON(t, h, &desc, "acm", "describe-certificate", "--certificate-arn", req.CertificateArn); err != nil {
		t.Fatal(err)
	}
	if desc.Certificate.Status != "ISSUED" || desc.Certificate.Type != "AMAZON_ISSUED" {
		t.Fatalf("certificate %+v", desc.Certificate)
	}
	var cert struct{ Certificate, CertificateChain string }
	if err := awsJSON(t, h, &cert, "acm", "get-certificate", "--certificate-arn", req.CertificateArn); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cert.Certificate, "-----BEGIN CERTIFICATE-----") || !strings.HasPrefix(cert.CertificateChain, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("PEM %q", cert.Certificate)
	}
}

// Terraform builds chat-app's and wordpress-ha's DNS: a zone, A, CNAME, TXT
// and alias records, and an ACM certificate validated through Route 53
// (aws_acm_certificate_validation waits for ISSUED); re-plans clean; destroys.
func TestTerraformRoute53ACM(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	dnsAddr := freeAddr(t)
	h := start(t, "--dns-listen", dnsAddr)
	tf := newTerraform(t, h, "route53_acm")
	tf.applyReplan()
	out := tf.must("output", "-json")
	var outputs struct {
		NameServers    struct{ Value []string } `json:"name_servers"`
		CertificateARN struct{ Value string }   `json:"certificate_arn"`
	}
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		t.Fatalf("outputs: %v\n%s", err, out)
	}
	if len(outputs.NameServers.Value) != 4 || !strings.Contains(outputs.CertificateARN.Value, ":certificate/") {
		t.Fatalf("outputs %+v", outputs)
	}
	// dig @haneul dev.seongwoo.shop, through Go's resolver.
	if got := lookup(t, dnsAddr, "dev.seongwoo.shop."); !slices.Equal(got, []string{"203.0.113.10"}) {
		t.Fatalf("dev.seongwoo.shop: %v", got)
	}
	if got := lookup(t, dnsAddr, "static.seongwoo.shop."); !slices.Equal(got, []string{"127.0.0.1"}) {
		t.Fatalf("alias to the S3 website: %v", got)
	}
	tf.destroy()
	if _, err := resolverAt(dnsAddr).LookupHost(context.Background(), "dev.seongwoo.shop."); err == nil {
		t.Fatal("dev.seongwoo.shop still resolves after destroy")
	}
}
