// Package elb is Classic Elastic Load Balancing (the 2012-06-01 API): load
// balancers with their listeners, health check, registered instances,
// attributes (cross-zone, connection draining, idle timeout, access logs),
// policies and tags.
//
// Records live per account × region keyed by load balancer name (classic load
// balancers have no ARNs on the wire); registered instances are keyed
// "name\x00instance id", so one load balancer's instances are a prefix walk.
// Instance health (InService/OutOfService with AWS's reason codes) is computed
// when read from the registration time, the health check's thresholds,
// EC2's instance state and deps.Clock, as ELBv2 computes target health: no
// background work, and a fake clock drives it exactly.
package elb

//go:generate go run ../../../codegen -model elb -pkg elb -out api_gen.go

import (
	"context"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/services/ec2"
	"haneul/internal/state"
)

// EC2 is what Classic ELB needs from EC2; the ec2 service implements it
// (the first three methods are the ones ELBv2 uses, the last two are EC2's
// own API operations, for default subnets and security group names).
type EC2 interface {
	SubnetPlacement(ctx context.Context, id string) (ec2.SubnetPlacement, error)
	SecurityGroupVPC(ctx context.Context, id string) (string, error)
	InstanceState(ctx context.Context, id string) (stateName, vpc string, ok bool)
	DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsRequest) (*ec2.DescribeSubnetsResult, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsRequest) (*ec2.DescribeSecurityGroupsResult, error)
}

// Names is a DNS names registry (Route 53's) where load balancer names are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
}

// Service is the Classic Elastic Load Balancing service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	names  Names

	lbs       *state.Table[lbRec]   // by load balancer name
	instances *state.Table[instRec] // by "name\x00instance id"
}

// New returns the Classic ELB service. ec2 validates subnets, security
// groups and instances; names (may be nil) receives each load balancer's DNS name.
func New(deps service.Deps, ec2 EC2, names Names) *Service {
	db := deps.Store.DB("elb")
	deps = deps.WithDefaults()
	return &Service{
		db: db, clock: deps.Clock, region: deps.Region, log: deps.Logger, ec2: ec2, names: names,
		lbs:       state.NewTable[lbRec](db, "loadBalancers"),
		instances: state.NewTable[instRec](db, "instances"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "elb" }

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

func invalidConfig(format string, args ...any) error {
	return awserr.New("InvalidConfigurationRequest", 409, format, args...)
}

// errLBNotFound is AWS's answer for a name that is not a load balancer.
// AWS: the code is LoadBalancerNotFound (botocore's AccessPointNotFoundException), HTTP 400.
func errLBNotFound(name string) error {
	return awserr.New("LoadBalancerNotFound", 400, "There is no ACTIVE Load Balancer named '%s'", name)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
