// Package cloudfront is Amazon CloudFront: distributions with S3 and custom
// origins, origin access controls and identities, invalidations and tags,
// and a local edge that serves each distribution for real.
//
// CloudFront is a global service: every resource lives in its account's
// scope with an empty region. A distribution's domain is
// "<lower-case id>.cloudfront.localhost"; haneul publishes it in the DNS
// names registry, and requests arriving on haneul's listener with that
// Host are answered by the edge (see edge.go): the cache behaviour is
// chosen by path pattern, the object is fetched from the origin (an S3
// bucket through the S3 service, or a custom origin over HTTP), custom
// error responses apply, and answers are cached for their TTL until an
// invalidation clears them.
package cloudfront

//go:generate go run ../../../codegen -model cloudfront -pkg cloudfront -out api_gen.go

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// deployDelay is how long a created or updated distribution stays
// "InProgress" before it is "Deployed" (AWS: minutes; the Terraform
// provider waits for Deployed, polling every few seconds, so haneul keeps
// it short while letting clients see both states).
const deployDelay = 2 * time.Second

// S3 is what the edge needs from S3 (the s3 service implements it in
// for_cloudfront.go).
type S3 interface {
	// ObjectForCloudFront reads key from bucket for an origin fetch by the
	// distribution distARN; signed says the origin has an origin access
	// control or identity. It returns S3's status, the object's headers
	// and, for 200, its bytes (closed by the caller).
	ObjectForCloudFront(ctx context.Context, bucket, key, distARN string, signed bool) (int, http.Header, io.ReadCloser)
}

// Names is a DNS names registry (Route 53's) where distribution domains are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
	// Resolve returns the addresses of a name haneul serves (custom
	// origins such as load balancers are reached there).
	Resolve(name string) ([]netip.Addr, bool)
}

// Service is the CloudFront service.
type Service struct {
	db    *state.DB
	clock clock.Clock
	log   *slog.Logger
	s3    S3
	names Names

	dists    *state.Table[distRec]
	byDomain *state.Table[distRef]           // global: domain name → owning account and id
	refs     *state.Table[string]            // caller reference → distribution id
	oacs     *state.Table[oacRec]            // origin access controls
	oais     *state.Table[oaiRec]            // origin access identities
	oaiRefs  *state.Table[string]            // caller reference → OAI id
	invals   *state.Table[invalRec]          // distribution id + sep + invalidation id
	tags     *state.Table[map[string]string] // by resource ARN

	cache *edgeCache
}

// distRef locates a distribution from its domain name, across accounts.
type distRef struct {
	Account string
	ID      string
}

// sep separates the parts of composite keys.
const sep = "\x00"

// global is the scope of the index shared by all accounts.
var global = state.Scope{}

// New returns the CloudFront service. s3 serves S3 origins and names
// receives each distribution's domain; either may be nil.
func New(deps service.Deps, s3 S3, names Names) *Service {
	db := deps.Store.DB("cloudfront")
	deps = deps.WithDefaults()
	return &Service{
		db:       db,
		clock:    deps.Clock,
		log:      deps.Logger,
		s3:       s3,
		names:    names,
		dists:    state.NewTable[distRec](db, "distributions"),
		byDomain: state.NewTable[distRef](db, "domains"),
		refs:     state.NewTable[string](db, "callerReferences"),
		oacs:     state.NewTable[oacRec](db, "originAccessControls"),
		oais:     state.NewTable[oaiRec](db, "originAccessIdentities"),
		oaiRefs:  state.NewTable[string](db, "oaiCallerReferences"),
		invals:   state.NewTable[invalRec](db, "invalidations"),
		tags:     state.NewTable[map[string]string](db, "tags"),
		cache:    newEdgeCache(),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "cloudfront" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it publishes the domains of the stored
// distributions (the names registry lives in memory).
func (s *Service) Start(ctx context.Context) error {
	if s.names == nil {
		return nil
	}
	return s.db.View(func(tx *state.Tx) error {
		s.byDomain.Ascend(tx, global, "", func(domain string, _ distRef) bool {
			s.names.Set(domain)
			return true
		})
		return nil
	})
}

// Reset implements service.Resetter: it drops the edge cache.
func (s *Service) Reset() { s.cache.clear() }

// scope is the caller's account scope (CloudFront is global).
func scope(ctx context.Context) state.Scope {
	return state.Scope{Account: reqctx.From(ctx).Account}
}
