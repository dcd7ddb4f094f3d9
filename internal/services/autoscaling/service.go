// Package autoscaling is Amazon EC2 Auto Scaling: launch configurations,
// Auto Scaling groups, and the controller that keeps each group at its
// desired capacity by launching and terminating real EC2 instances
// (registered in the group's ELBv2 target groups).
//
// Records live per account × region: launch configurations and groups keyed
// by name, group instances keyed by instance id, scaling activities keyed
// "group\x00start time\x00id". The controller (controller.go) runs every
// second on a real ticker but decides with deps.Clock, so tests drive it
// exactly by calling reconcile with a fake clock.
package autoscaling

//go:generate go run ../../../codegen -model autoscaling -pkg autoscaling -out api_gen.go

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/services/ec2"
	"haneul/internal/state"
)

// EC2 is what Auto Scaling needs from EC2 (the ec2 service implements it).
type EC2 interface {
	ImageExists(ctx context.Context, id string) bool
	SubnetPlacement(ctx context.Context, id string) (ec2.SubnetPlacement, error)
	InstanceState(ctx context.Context, id string) (stateName, vpc string, ok bool)
	LaunchForGroup(ctx context.Context, l ec2.GroupLaunch) (id, zone string, err error)
	TerminateForGroup(ctx context.Context, id string) error
	// ResolveLaunchTemplate resolves a launch template (id or name) and
	// version ($Latest, $Default, a number) to one version.
	ResolveLaunchTemplate(ctx context.Context, id, name, version string) (ec2.TemplateVersion, error)
}

// ELB is what Auto Scaling needs from ELBv2 (the elbv2 service implements it).
type ELB interface {
	TargetGroupExists(ctx context.Context, arn string) bool
	RegisterInstance(ctx context.Context, tgARN, id string) error
	DeregisterInstance(ctx context.Context, tgARN, id string) error
	InstanceHealth(ctx context.Context, tgARN, id string) string
}

// Service is the Auto Scaling service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	elb    ELB

	classic ClassicELB // Classic Load Balancing (classic_elb.go); nil until SetClassicELB

	lcs        *state.Table[LaunchConfiguration]
	groups     *state.Table[groupRec]
	instances  *state.Table[instRec]
	activities *state.Table[Activity]

	policyState // scaling policies and scheduled actions (policies.go, scheduled.go)

	// mu serialises the controller with the operations that change a
	// group's instances, so one instance is never launched or terminated twice.
	mu  sync.Mutex
	rnd *rand.Rand // the Default policy's last, random step (under mu)
}

// New returns the Auto Scaling service; elb may be nil (target groups are then refused).
func New(deps service.Deps, ec2 EC2, elb ELB) *Service {
	db := deps.Store.DB("autoscaling")
	deps = deps.WithDefaults()
	clk := deps.Clock
	log := deps.Logger
	region := deps.Region
	return &Service{
		db: db, clock: clk, region: region, log: log, ec2: ec2, elb: elb,
		lcs:        state.NewTable[LaunchConfiguration](db, "launchConfigurations"),
		groups:     state.NewTable[groupRec](db, "groups"),
		instances:  state.NewTable[instRec](db, "instances"),
		activities: state.NewTable[Activity](db, "activities"),
		rnd:        rand.New(rand.NewPCG(1, 2)),

		policyState: newPolicyState(db),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "autoscaling" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// scope is the request's account × region.
func (s *Service) scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	sc := state.Scope{Account: info.Account, Region: info.Region}
	if sc.Region == "" {
		sc.Region = s.region
	}
	return sc
}

// scoped returns ctx acting in sc, for calls the controller makes to EC2 and ELBv2.
func scoped(ctx context.Context, sc state.Scope) context.Context {
	return reqctx.With(ctx, &reqctx.Info{Account: sc.Account, Region: sc.Region, Service: "autoscaling"})
}

// now is the clock's time in UTC, truncated to milliseconds as AWS reports times.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

func validation(format string, args ...any) error {
	return awserr.New("ValidationError", 400, format, args...)
}
