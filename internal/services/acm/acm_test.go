package acm_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"haneul/test/testutil"
)

// client speaks AWS JSON 1.1 to ACM, signed with aws-sdk-go-v2's SigV4
// signer: the wire the SDK's acm client uses (go.mod has no
// aws-sdk-go-v2/service/acm).
type client struct {
	t   testing.TB
	cfg aws.Config
	url string
}

type apiError struct {
	Status  int
	Code    string `json:"__type"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func newClient(t testing.TB) *client {
	cfg, srv := testutil.NewServer(t)
	return &client{t: t, cfg: cfg, url: srv.URL}
}

func (c *client) call(op string, in, out any) error {
	c.t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url+"/", bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "CertificateManager."+op)
	creds, _ := c.cfg.Credentials.Retrieve(context.Background())
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "acm", "ap-northeast-2", time.Now()); err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		e := &apiError{Status: resp.StatusCode}
		if err := json.Unmarshal(data, e); err != nil {
			c.t.Fatalf("%s: undecodable error %d: %s", op, resp.StatusCode, data)
		}
		if i := strings.LastIndex(e.Code, "#"); i >= 0 {
			e.Code = e.Code[i+1:]
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s: %v: %s", op, err, data)
		}
	}
	return nil
}

func (c *client) must(op string, in, out any) {
	c.t.Helper()
	if err := c.call(op, in, out); err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
}

func code(err error) string {
	if e, ok := err.(*apiError); ok {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

type m = map[string]any

type detail struct {
	Certificate struct {
		CertificateArn          string
		DomainName              string
		SubjectAlternativeNames []string
		Status                  string
		Type                    string
		KeyAlgorithm            string
		InUseBy                 []string
		RenewalEligibility      string
		NotBefore, NotAfter     float64
		DomainValidationOptions []struct {
			DomainName       string
			ValidationMethod string
			ValidationStatus string
			ValidationEmails []string
			ResourceRecord   *struct{ Name, Type, Value string }
		}
	}
}

func (c *client) describe(arn string) detail {
	c.t.Helper()
	var d detail
	c.must("DescribeCertificate", m{"CertificateArn": arn}, &d)
	return d
}

func request(c *client, in m) string {
	c.t.Helper()
	var out struct{ CertificateArn string }
	c.must("RequestCertificate", in, &out)
	return out.CertificateArn
}

func TestDNSValidationIssuesOnceTheRecordExists(t *testing.T) {
	c := newClient(t)
	r53 := route53.NewFromConfig(c.cfg)
	ctx := context.Background()
	zone, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("seongwoo.shop"), CallerReference: aws.String("z")})
	if err != nil {
		t.Fatal(err)
	}
	arn := request(c, m{"DomainName": "seongwoo.shop", "SubjectAlternativeNames": []string{"*.seongwoo.shop", "seongwoo.shop"}, "ValidationMethod": "DNS"})
	if !strings.HasPrefix(arn, "arn:aws:acm:ap-northeast-2:000000000000:certificate/") {
		t.Fatalf("arn %s", arn)
	}
	d := c.describe(arn)
	cert := d.Certificate
	if cert.Status != "PENDING_VALIDATION" || cert.Type != "AMAZON_ISSUED" || cert.KeyAlgorithm != "RSA-2048" && cert.KeyAlgorithm != "RSA_2048" {
		t.Fatalf("pending: %+v", cert)
	}
	if !slices.Equal(cert.SubjectAlternativeNames, []string{"seongwoo.shop", "*.seongwoo.shop"}) || len(cert.DomainValidationOptions) != 2 {
		t.Fatalf("names %v, %d validation options", cert.SubjectAlternativeNames, len(cert.DomainValidationOptions))
	}
	rr := cert.DomainValidationOptions[0].ResourceRecord
	if rr == nil || rr.Type != "CNAME" || !strings.HasSuffix(rr.Name, ".seongwoo.shop.") || !strings.HasPrefix(rr.Name, "_") || !strings.HasSuffix(rr.Value, ".acm-validations.aws.") {
		t.Fatalf("record %+v", rr)
	}
	if w := cert.DomainValidationOptions[1].ResourceRecord; w == nil || *w != *rr {
		t.Fatalf("the wildcard's record %+v differs from its base's %+v", w, rr)
	}
	if err := c.call("GetCertificate", m{"CertificateArn": arn}, nil); code(err) != "RequestInProgressException" {
		t.Fatalf("get pending: %v", err)
	}
	// A wrong value does not validate.
	change := func(action r53types.ChangeAction, value string) {
		t.Helper()
		_, err := r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id, ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
			Action: action, ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String(rr.Name), Type: r53types.RRTypeCname, TTL: aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}},
		}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	change(r53types.ChangeActionUpsert, "_wrong.acm-validations.aws.")
	if s := c.describe(arn).Certificate.Status; s != "PENDING_VALIDATION" {
		t.Fatalf("validated by a wrong record: %s", s)
	}
	change(r53types.ChangeActionUpsert, strings.TrimSuffix(strings.ToUpper(rr.Value), "."))
	cert = c.describe(arn).Certificate
	if cert.Status != "ISSUED" || cert.NotAfter <= cert.NotBefore || cert.DomainValidationOptions[0].ValidationStatus != "SUCCESS" {
		t.Fatalf("after the record: %+v", cert)
	}
	var got struct{ Certificate, CertificateChain string }
	c.must("GetCertificate", m{"CertificateArn": arn}, &got)
	leaf := parsePEM(t, got.Certificate)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(got.CertificateChain)) {
		t.Fatalf("chain %q", got.CertificateChain)
	}
	for _, name := range []string{"seongwoo.shop", "www.seongwoo.shop"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool}); err != nil {
			t.Errorf("verify %s: %v", name, err)
		}
	}
	// The CA is the installation's: a second certificate chains to the same one.
	arn2 := request(c, m{"DomainName": "api.seongwoo.shop", "ValidationMethod": "EMAIL"})
	var got2 struct{ CertificateChain string }
	c.must("GetCertificate", m{"CertificateArn": arn2}, &got2)
	if got2.CertificateChain != got.CertificateChain {
		t.Fatal("two CAs in one installation")
	}
}

func parsePEM(t *testing.T, s string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		t.Fatalf("not PEM: %q", s)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestRequestOptions(t *testing.T) {
	c := newClient(t)
	email := request(c, m{"DomainName": "mail.example.com", "DomainValidationOptions": []m{{"DomainName": "mail.example.com", "ValidationDomain": "example.com"}}})
	d := c.describe(email).Certificate
	if d.Status != "ISSUED" || d.DomainValidationOptions[0].ValidationMethod != "EMAIL" || !slices.Contains(d.DomainValidationOptions[0].ValidationEmails, "admin@example.com") {
		t.Fatalf("email validation: %+v", d)
	}
	ec := request(c, m{"DomainName": "ec.example.com", "ValidationMethod": "EMAIL", "KeyAlgorithm": "EC_prime256v1", "IdempotencyToken": "tok1"})
	if again := request(c, m{"DomainName": "ec.example.com", "ValidationMethod": "EMAIL", "KeyAlgorithm": "EC_prime256v1", "IdempotencyToken": "tok1"}); again != ec {
		t.Fatalf("idempotency token: %s then %s", ec, again)
	}
	var got struct{ Certificate string }
	c.must("GetCertificate", m{"CertificateArn": ec}, &got)
	if _, ok := parsePEM(t, got.Certificate).PublicKey.(*ecdsa.PublicKey); !ok {
		t.Fatal("EC_prime256v1 certificate without an ECDSA key")
	}
	pending := request(c, m{"DomainName": "pending.example.com", "ValidationMethod": "DNS"})
	type list struct {
		CertificateSummaryList []struct{ CertificateArn, Status, KeyAlgorithm string }
		NextToken              string
	}
	arns := func(in m) []string {
		var out []string
		for {
			var l list
			c.must("ListCertificates", in, &l)
			for _, s := range l.CertificateSummaryList {
				out = append(out, s.CertificateArn)
			}
			if l.NextToken == "" {
				return out
			}
			in["NextToken"] = l.NextToken
		}
	}
	cases := []struct {
		name string
		in   m
		want []string
	}{
		{"default: RSA only", m{}, []string{email, pending}},
		{"paged", m{"MaxItems": 1}, []string{email, pending}},
		{"issued", m{"CertificateStatuses": []string{"ISSUED"}}, []string{email}},
		{"pending", m{"CertificateStatuses": []string{"PENDING_VALIDATION"}}, []string{pending}},
		{"EC keys", m{"Includes": m{"keyTypes": []string{"EC_prime256v1"}}}, []string{ec}},
		{"descending", m{"SortBy": "CREATED_AT", "SortOrder": "DESCENDING", "Includes": m{"keyTypes": []string{"RSA_2048", "EC_prime256v1"}}}, []string{pending, ec, email}},
	}
	for _, tc := range cases {
		if got := arns(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	c := newClient(t)
	missing := "arn:aws:acm:ap-northeast-2:000000000000:certificate/00000000-0000-0000-0000-000000000000"
	cases := []struct {
		name, op string
		in       m
		code     string
	}{
		{"describe missing", "DescribeCertificate", m{"CertificateArn": missing}, "ResourceNotFoundException"},
		{"delete missing", "DeleteCertificate", m{"CertificateArn": missing}, "ResourceNotFoundException"},
		{"another region", "DescribeCertificate", m{"CertificateArn": strings.Replace(missing, "ap-northeast-2", "us-east-1", 1)}, "ResourceNotFoundException"},
		{"not an ARN at all", "DescribeCertificate", m{"CertificateArn": "arn:aws:s3:::bucket/certificate"}, "ValidationException"},
		{"not a certificate ARN", "DescribeCertificate", m{"CertificateArn": "arn:aws:acm:ap-northeast-2:000000000000:thing"}, "InvalidArnException"},
		{"unsupported key", "RequestCertificate", m{"DomainName": "x.example.com", "KeyAlgorithm": "RSA_4096"}, "ValidationException"},
		{"validation option for another name", "RequestCertificate", m{"DomainName": "x.example.com", "DomainValidationOptions": []m{{"DomainName": "y.example.com", "ValidationDomain": "example.com"}}}, "InvalidDomainValidationOptionsException"},
		{"garbage import", "ImportCertificate", m{"Certificate": []byte("nope"), "PrivateKey": []byte("nope")}, "ValidationException"},
		{"tags of missing", "AddTagsToCertificate", m{"CertificateArn": missing, "Tags": []m{{"Key": "a", "Value": "b"}}}, "ResourceNotFoundException"},
	}
	for _, tc := range cases {
		if err := c.call(tc.op, tc.in, nil); code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
}

// selfSigned makes a certificate and key to import.
func selfSigned(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn, "alt." + cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd})
}

func TestImportAndTags(t *testing.T) {
	c := newClient(t)
	certPEM, keyPEM := selfSigned(t, "imported.example")
	var out struct{ CertificateArn string }
	c.must("ImportCertificate", m{"Certificate": certPEM, "PrivateKey": keyPEM, "Tags": []m{{"Key": "env", "Value": "dev"}}}, &out)
	d := c.describe(out.CertificateArn).Certificate
	if d.Type != "IMPORTED" || d.Status != "ISSUED" || d.DomainName != "imported.example" || d.KeyAlgorithm != "EC_prime256v1" || !slices.Contains(d.SubjectAlternativeNames, "alt.imported.example") {
		t.Fatalf("imported: %+v", d)
	}
	var got struct{ Certificate string }
	c.must("GetCertificate", m{"CertificateArn": out.CertificateArn}, &got)
	if got.Certificate != string(certPEM) {
		t.Fatal("GetCertificate does not return the imported certificate")
	}
	// Reimport keeps the ARN; a key of another certificate is refused.
	cert2, key2 := selfSigned(t, "imported.example")
	var re struct{ CertificateArn string }
	c.must("ImportCertificate", m{"CertificateArn": out.CertificateArn, "Certificate": cert2, "PrivateKey": key2}, &re)
	if re.CertificateArn != out.CertificateArn {
		t.Fatalf("reimport changed the ARN to %s", re.CertificateArn)
	}
	if err := c.call("ImportCertificate", m{"Certificate": certPEM, "PrivateKey": key2}, nil); code(err) != "ValidationException" {
		t.Fatalf("mismatched key: %v", err)
	}
	c.must("AddTagsToCertificate", m{"CertificateArn": out.CertificateArn, "Tags": []m{{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "prod"}}}, nil)
	c.must("RemoveTagsFromCertificate", m{"CertificateArn": out.CertificateArn, "Tags": []m{{"Key": "team", "Value": "other"}}}, nil)
	var tags struct{ Tags []struct{ Key, Value string } }
	c.must("ListTagsForCertificate", m{"CertificateArn": out.CertificateArn}, &tags)
	if len(tags.Tags) != 2 || tags.Tags[0].Key != "env" || tags.Tags[0].Value != "prod" || tags.Tags[1].Key != "team" {
		t.Fatalf("tags %+v", tags.Tags)
	}
	c.must("RemoveTagsFromCertificate", m{"CertificateArn": out.CertificateArn, "Tags": []m{{"Key": "team"}}}, nil)
	c.must("ListTagsForCertificate", m{"CertificateArn": out.CertificateArn}, &tags)
	if len(tags.Tags) != 1 {
		t.Fatalf("tags after removal %+v", tags.Tags)
	}
	c.must("DeleteCertificate", m{"CertificateArn": out.CertificateArn}, nil)
	if err := c.call("DescribeCertificate", m{"CertificateArn": out.CertificateArn}, nil); code(err) != "ResourceNotFoundException" {
		t.Fatalf("deleted: %v", err)
	}
}
