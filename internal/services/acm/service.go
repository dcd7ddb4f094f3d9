// Package acm is AWS Certificate Manager: certificates requested with DNS
// or email validation and issued, for real, by a certificate authority
// local to this haneul installation; imported certificates; tags.
//
// A certificate requested with DNS validation stays PENDING_VALIDATION
// until the CNAME record its DomainValidationOptions name exists in a Route
// 53 zone haneul hosts, then it is ISSUED, as on AWS. haneul checks when the
// certificate is described and every few seconds in the background. The
// CA's certificate (CAPEM) is what users add to their trust stores, so
// HTTPS listeners and CloudFront can serve ACM's certificates.
package acm

//go:generate go run ../../../codegen -model acm -pkg acm -out api_gen.go

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"haneul/internal/clock"
	"haneul/internal/service"
	"haneul/internal/state"
)

// DNS is what ACM validates domains through: Route 53's hosted zones (the
// route53 service implements it).
type DNS interface {
	// CNAME returns the target of the CNAME record at name in the hosted
	// zone that answers for it.
	CNAME(name string) (target string, ok bool)
}

// Service is the ACM service.
type Service struct {
	db    *state.DB
	clock clock.Clock
	dns   DNS
	log   *slog.Logger

	certs  *state.Table[certRec]
	tokens *state.Table[tokenRec] // idempotency token → certificate
	cas    *state.Table[caRec]    // global: the installation's CA

	caMu sync.Mutex
	ca   *ca
}

// tokenRec remembers a RequestCertificate idempotency token for an hour.
type tokenRec struct {
	ARN string
	At  time.Time
}

// global is the scope of the CA, shared by all accounts and regions.
var global = state.Scope{}

// checkEvery is how often the background loop looks for validation records.
const checkEvery = 2 * time.Second

// New returns the ACM service; dns may be nil (DNS validation then never completes).
func New(deps service.Deps, dns DNS) *Service {
	db := deps.Store.DB("acm")
	deps = deps.WithDefaults()
	clk := deps.Clock
	log := deps.Logger
	return &Service{
		db:     db,
		clock:  clk,
		dns:    dns,
		log:    log,
		certs:  state.NewTable[certRec](db, "certificates"),
		tokens: state.NewTable[tokenRec](db, "idempotencyTokens"),
		cas:    state.NewTable[caRec](db, "ca"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "acm" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start runs the loop that issues certificates whose validation records
// have appeared.
func (s *Service) Start(ctx context.Context) error {
	go func() {
		t := time.NewTicker(checkEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.validatePending(ctx)
			}
		}
	}()
	return nil
}

// validatePending checks every certificate awaiting validation.
func (s *Service) validatePending(ctx context.Context) {
	type item struct {
		sc state.Scope
		id string
	}
	var pending []item
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.certs.Scopes(tx) {
			s.certs.Ascend(tx, sc, "", func(id string, c certRec) bool {
				if c.Status == statusPending {
					pending = append(pending, item{sc, id})
				}
				return true
			})
		}
		return nil
	})
	for _, p := range pending {
		if _, err := s.refresh(ctx, p.sc, p.id); err != nil {
			s.log.Warn("acm: validate certificate", "id", p.id, "err", err)
		}
	}
}
