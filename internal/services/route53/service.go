// Package route53 is Amazon Route 53's DNS control plane: hosted zones
// (public, and private with their VPC associations), record sets changed in
// atomic batches with Route 53's validation, changes that go PENDING →
// INSYNC, health checks and tags. The record sets are served for real by
// haneul's DNS server (internal/dataplane/dns), which reads them through
// the dns.Source this service implements; see Authority.
//
// Route 53 is a global service: every record lives in its account's scope
// with an empty region. Names are stored in Route 53's presentation form
// (lower case, trailing dot, "\052" for "*") and compared that way, so
// matching is case-insensitive. Record sets are keyed by zone, then by name
// with its labels reversed, then type and set identifier, which is the
// order ListResourceRecordSets returns them in.
package route53

//go:generate go run ../../../codegen -model route53 -pkg route53 -out api_gen.go

import (
	"context"
	"strings"
	"time"

	"haneul/internal/clock"
	"haneul/internal/dataplane/dns"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates the parts of composite keys; canonical names never contain it.
const sep = "\x00"

// syncDelay is how long a change stays PENDING before it is INSYNC
// (AWS: usually within 60 seconds; haneul applies changes at once, and
// waits a moment only so that clients see both states).
const syncDelay = time.Second

// Service is the Route 53 service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string // the default region, for VPC associations that name none
	auth   *dns.Authority

	zones     *state.Table[zoneRec]
	zoneNames *state.Table[string] // reversed name + sep + zone id → zone id
	zoneRefs  *state.Table[string] // caller reference → zone id
	records   *state.Table[ResourceRecordSet]
	changes   *state.Table[changeRec]
	checks    *state.Table[checkRec]
	checkRefs *state.Table[string]            // caller reference → health check id
	tags      *state.Table[map[string]string] // "hostedzone/Z…" or "healthcheck/<id>" → tags
}

// zoneRec is a hosted zone.
type zoneRec struct {
	ID              string // without "/hostedzone/"
	Name            string // canonical
	CallerReference string
	Comment         string
	HasComment      bool
	Private         bool
	VPCs            []VPC
	Created         time.Time
	Records         int64 // number of record sets, for ResourceRecordSetCount
}

// changeRec is a submitted change.
type changeRec struct {
	ID        string // without "/change/"
	Submitted time.Time
	Comment   string
}

// New returns the Route 53 service with an empty registry of haneul names.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("route53")
	deps = deps.WithDefaults()
	clk := deps.Clock
	s := &Service{
		db:        db,
		clock:     clk,
		region:    deps.Region,
		zones:     state.NewTable[zoneRec](db, "zones"),
		zoneNames: state.NewTable[string](db, "zoneNames"),
		zoneRefs:  state.NewTable[string](db, "zoneRefs"),
		records:   state.NewTable[ResourceRecordSet](db, "records"),
		changes:   state.NewTable[changeRec](db, "changes"),
		checks:    state.NewTable[checkRec](db, "healthChecks"),
		checkRefs: state.NewTable[string](db, "healthCheckRefs"),
		tags:      state.NewTable[map[string]string](db, "tags"),
	}
	s.auth = dns.NewAuthority(source{s}, dns.NewRegistry())
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "route53" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Authority is what haneul's DNS server answers from: this service's hosted
// zones and the names other services register in Names.
func (s *Service) Authority() *dns.Authority { return s.auth }

// Names is the registry where services publish their DNS names (load
// balancers, database endpoints, CloudFront domains); alias records resolve
// to them and the DNS server answers for them.
func (s *Service) Names() *dns.Registry { return s.auth.Names() }

// scope is the caller's account scope (Route 53 is global).
func scope(ctx context.Context) state.Scope {
	return state.Scope{Account: reqctx.From(ctx).Account}
}

// newChange records a change submitted now and returns its ChangeInfo.
func (s *Service) newChange(tx *state.Tx, sc state.Scope, comment string) *ChangeInfo {
	c := changeRec{ID: newID("C"), Submitted: s.clock.Now().UTC(), Comment: comment}
	s.changes.Put(tx, sc, c.ID, c)
	return s.changeInfo(c)
}

// changeInfo is the ChangeInfo of c as of now.
func (s *Service) changeInfo(c changeRec) *ChangeInfo {
	status := "PENDING"
	if !s.clock.Now().Before(c.Submitted.Add(syncDelay)) {
		status = "INSYNC"
	}
	ci := &ChangeInfo{Id: ptr.To("/change/" + c.ID), Status: &status, SubmittedAt: ptr.To(c.Submitted)}
	if c.Comment != "" {
		ci.Comment = ptr.To(c.Comment)
	}
	return ci
}

// GetChange returns the status of a change: PENDING until it has
// propagated, then INSYNC.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html
func (s *Service) GetChange(ctx context.Context, in *GetChangeRequest) (*GetChangeResponse, error) {
	id := trimID(*in.Id, "change")
	var c changeRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		c, ok = s.changes.Get(tx, scope(ctx), id)
		return nil
	})
	if !ok {
		return nil, errNoSuchChange(id)
	}
	return &GetChangeResponse{ChangeInfo: s.changeInfo(c)}, nil
}

// trimID strips the "/hostedzone/" (or "/change/", "/delegationset/")
// prefix clients may leave on an id.
func trimID(id, kind string) string {
	id = strings.TrimPrefix(id, "/")
	id = strings.TrimPrefix(id, kind+"/")
	return id
}

func ptrTo[T any](v T) *T { return &v }
