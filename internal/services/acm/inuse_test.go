package acm

import (
	"context"
	"testing"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// fakeDNS is a Route 53 with fixed CNAME records.
type fakeDNS map[string]string

func (f fakeDNS) CNAME(name string) (string, bool) { v, ok := f[name]; return v, ok }

func open(t *testing.T, dir string, dns DNS, clk clock.Clock) (*Service, *state.Store) {
	t.Helper()
	store := state.New(state.Options{Dir: dir})
	s := New(service.Deps{Store: store, Clock: clk}, dns)
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	return s, store
}

func ctxFor() context.Context {
	return reqctx.With(context.Background(), &reqctx.Info{Account: "111122223333", Region: "ap-northeast-2"})
}

func TestInUseAndCAPersistence(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Now())
	s, store := open(t, dir, nil, clk)
	ctx := ctxFor()
	req, err := s.RequestCertificate(ctx, &RequestCertificateRequest{DomainName: ptrS("www.example.com"), ValidationMethod: ptrS("EMAIL")})
	if err != nil {
		t.Fatal(err)
	}
	arn := *req.CertificateArn
	lb := "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:loadbalancer/app/web/1"
	if err := s.Use(ctx, arn, lb); err != nil {
		t.Fatal(err)
	}
	d, _ := s.DescribeCertificate(ctx, &DescribeCertificateRequest{CertificateArn: &arn})
	if len(d.Certificate.InUseBy) != 1 || *d.Certificate.RenewalEligibility != "ELIGIBLE" {
		t.Fatalf("in use: %v %s", d.Certificate.InUseBy, *d.Certificate.RenewalEligibility)
	}
	_, err = s.DeleteCertificate(ctx, &DeleteCertificateRequest{CertificateArn: &arn})
	if e, ok := awserr.As(err); !ok || e.Code != "ResourceInUseException" {
		t.Fatalf("delete in use: %v", err)
	}
	if _, err := s.TLSCertificate(context.Background(), "111122223333", "ap-northeast-2", arn); err != nil {
		t.Fatalf("TLS certificate: %v", err)
	}
	ca1, err := s.CAPEM(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A reset of the state keeps the CA users already trust.
	if err := store.Reset("acm"); err != nil {
		t.Fatal(err)
	}
	if ca, _ := s.CAPEM(ctx); ca != ca1 {
		t.Fatal("the CA changed after a reset")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	// A restart on the same data directory keeps it too.
	s2, store2 := open(t, dir, nil, clk)
	defer store2.Close()
	if ca, err := s2.CAPEM(ctx); err != nil || ca != ca1 {
		t.Fatalf("the CA changed across a restart (%v)", err)
	}
}

func TestBackgroundValidationAndTimeout(t *testing.T) {
	clk := clock.NewFake(time.Now())
	records := fakeDNS{}
	s, store := open(t, "", records, clk)
	defer store.Close()
	ctx := ctxFor()
	req, err := s.RequestCertificate(ctx, &RequestCertificateRequest{DomainName: ptrS("a.example.com"), ValidationMethod: ptrS("DNS")})
	if err != nil {
		t.Fatal(err)
	}
	late, err := s.RequestCertificate(ctx, &RequestCertificateRequest{DomainName: ptrS("late.example.com"), ValidationMethod: ptrS("DNS")})
	if err != nil {
		t.Fatal(err)
	}
	name, value := validationRecord("111122223333", "a.example.com")
	records[name] = value
	s.validatePending(context.Background())
	status := func(arn string) string {
		t.Helper()
		var st string
		sc := state.Scope{Account: "111122223333", Region: "ap-northeast-2"}
		_ = s.db.View(func(tx *state.Tx) error {
			c, _ := s.certs.Get(tx, sc, arn[len(arn)-36:])
			st = c.Status
			return nil
		})
		return st
	}
	if st := status(*req.CertificateArn); st != statusIssued {
		t.Fatalf("background validation left %s", st)
	}
	clk.Advance(validationTimeout + time.Minute)
	s.validatePending(context.Background())
	if st := status(*late.CertificateArn); st != statusTimedOut {
		t.Fatalf("after 72 hours: %s", st)
	}
}

func ptrS(s string) *string { return &s }
