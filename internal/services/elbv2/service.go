// Package elbv2 is Elastic Load Balancing version 2: Application and Network
// Load Balancers, their target groups, targets, listeners and listener rules.
//
// Every record lives in its account × region scope keyed by its ARN. A
// listener's ARN extends its load balancer's ("listener/app/name/lb-id/id") and
// a rule's extends its listener's ("listener-rule/app/name/lb-id/l-id/id"),
// so a load balancer's listeners and a listener's rules are prefix walks.
// Targets are keyed "target group ARN\x00id\x00port".
//
// States AWS changes by itself (provisioning → active, a target's initial →
// healthy, draining → gone) are computed when read from the time of the last
// transition and deps.Clock, as EC2 does: no background work, and a fake clock
// drives them exactly. The listener, rule and target tables are what the
// data-plane proxy will read (the default rule is stored like any other, so a
// proxy walks one listener's rules in priority order); health() in targets.go
// is where real health checks will plug in.
package elbv2

//go:generate go run ../../../codegen -model elbv2 -pkg elbv2 -out api_gen.go

import (
	"context"
	"log/slog"
	"net/netip"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/services/ec2"
	"haneul/internal/state"
)

// provisionDelay is how long a new load balancer stays "provisioning".
const provisionDelay = 3 * time.Second

// EC2 is what ELBv2 needs from EC2 (the ec2 service implements it).
type EC2 interface {
	SubnetPlacement(ctx context.Context, id string) (ec2.SubnetPlacement, error)
	SecurityGroupVPC(ctx context.Context, id string) (string, error)
	InstanceState(ctx context.Context, id string) (stateName, vpc string, ok bool)
}

// Names is a DNS names registry (Route 53's) where load balancer names are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
}

// Service is the ELBv2 service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	names  Names

	lbs       *state.Table[lbRec]
	tgs       *state.Table[tgRec]
	targets   *state.Table[targetRec]
	listeners *state.Table[Listener]
	// listenerAttrs are the attributes ModifyListenerAttributes set, by listener ARN.
	listenerAttrs *state.Table[map[string]string]
	rules         *state.Table[Rule]
	tags          *state.Table[map[string]string] // by resource ARN
}

// New returns the ELBv2 service. ec2 validates subnets, security groups and
// instance targets; names (may be nil) receives each load balancer's DNS name.
func New(deps service.Deps, ec2 EC2, names Names) *Service {
	db := deps.Store.DB("elbv2")
	deps = deps.WithDefaults()
	clk := deps.Clock
	log := deps.Logger
	region := deps.Region
	return &Service{
		db: db, clock: clk, region: region, log: log, ec2: ec2, names: names,
		lbs:           state.NewTable[lbRec](db, "loadBalancers"),
		tgs:           state.NewTable[tgRec](db, "targetGroups"),
		targets:       state.NewTable[targetRec](db, "targets"),
		listeners:     state.NewTable[Listener](db, "listeners"),
		listenerAttrs: state.NewTable[map[string]string](db, "listenerAttributes"),
		rules:         state.NewTable[Rule](db, "rules"),
		tags:          state.NewTable[map[string]string](db, "tags"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "elbv2" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it publishes the DNS names of the stored
// load balancers (the names registry lives in memory).
func (s *Service) Start(ctx context.Context) error {
	if s.names == nil {
		return nil
	}
	return s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.lbs.Scopes(tx) {
			s.lbs.Ascend(tx, sc, "", func(_ string, r lbRec) bool {
				s.publish(*r.DNSName)
				return true
			})
		}
		return nil
	})
}

func (s *Service) publish(name string) {
	if s.names != nil {
		s.names.Set(name, netip.MustParseAddr("127.0.0.1"))
	}
}

func (s *Service) unpublish(name string) {
	if s.names != nil {
		s.names.Remove(name)
	}
}

// scope is the request's account × region.
func (s *Service) scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	sc := state.Scope{Account: info.Account, Region: info.Region}
	if sc.Region == "" {
		sc.Region = s.region
	}
	return sc
}

// now is the clock's time in UTC, truncated to milliseconds as AWS reports times.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

func validation(format string, args ...any) error {
	return awserr.New("ValidationError", 400, format, args...)
}

func errLBNotFound() error {
	return awserr.New("LoadBalancerNotFound", 0, "One or more load balancers not found")
}

func errTGNotFound() error {
	return awserr.New("TargetGroupNotFound", 0, "One or more target groups not found")
}

func errListenerNotFound() error {
	return awserr.New("ListenerNotFound", 0, "One or more listeners not found")
}

func errRuleNotFound() error {
	return awserr.New("RuleNotFound", 0, "One or more rules not found")
}

// page returns the items from marker (an index into items, as returned in
// NextMarker) on, at most size of them (400 by default, AWS's maximum).
func page[T any](items []T, marker *string, size *int64) ([]T, *string, error) {
	start := 0
	if m := *orEmpty(marker); m != "" {
		n, ok := atoi(m)
		if !ok || n > len(items) {
			return nil, nil, validation("Invalid marker '%s'", m)
		}
		start = n
	}
	n := 400
	if size != nil && *size > 0 {
		n = int(*size)
	}
	items = items[start:]
	if len(items) <= n {
		return items, nil, nil
	}
	next := itoa(start + n)
	return items[:n], &next, nil
}
