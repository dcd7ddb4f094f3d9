// Package efs is Amazon Elastic File System: file systems, mount targets,
// access points, lifecycle, backup and resource policies, and tags, spoken
// over rest-json (2015-02-01).
//
// Every record lives in its account × region scope keyed by its id; a
// creation token, a file system's mount targets and its access points are
// indexes of their own, so nothing is found by scanning. A mount target takes
// its private address from its EC2 subnet (EC2 reserves it, so the subnet's
// free-address count and DeleteSubnet see it). States AWS changes by itself
// (creating → available) are computed when read from the creation time and
// deps.Clock.
//
// File systems are published to the DNS names registry as
// <fs-id>.efs.<region>.localhost and <zone>.<fs-id>.efs.<region>.localhost
// (AWS's are under amazonaws.com).
package efs

//go:generate go run ../../../codegen -model efs -pkg efs -out api_gen.go

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
	"haneul/internal/state"
)

// createDelay is how long a new file system, mount target or access point
// stays "creating".
const createDelay = 2 * time.Second

// EC2 is what EFS needs from EC2 (the ec2 service implements it in
// internal/services/ec2/for_efs.go and for_elbv2.go).
type EC2 interface {
	MountTargetSubnet(ctx context.Context, id string) (vpc, zone, zoneID string, err error)
	SecurityGroupVPC(ctx context.Context, id string) (string, error)
	ReserveSubnetAddress(ctx context.Context, subnetID, holder, want string) (string, error)
	ReleaseSubnetAddress(ctx context.Context, subnetID, ip string) error
}

// Names is a DNS names registry (Route 53's) where file system names are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
}

// Service is the EFS service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	names  Names

	fss    *state.Table[fsRec]
	tokens *state.Table[string] // "fs:<creation token>" or "ap:<client token>" → id
	mts    *state.Table[mtRec]
	aps    *state.Table[apRec]
	byFS   *state.Table[bool] // "fs-id\x00fsmt-id" and "fs-id\x00fsap-id"
}

// New returns the EFS service. ec2 places mount targets; names (may be nil)
// receives file system DNS names.
func New(deps service.Deps, ec2 EC2, names Names) *Service {
	db := deps.Store.DB("efs")
	deps = deps.WithDefaults()
	return &Service{
		db: db, clock: deps.Clock, region: deps.Region, log: deps.Logger, ec2: ec2, names: names,
		fss:    state.NewTable[fsRec](db, "fileSystems"),
		tokens: state.NewTable[string](db, "tokens"),
		mts:    state.NewTable[mtRec](db, "mountTargets"),
		aps:    state.NewTable[apRec](db, "accessPoints"),
		byFS:   state.NewTable[bool](db, "byFileSystem"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "efs" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it publishes the names of the stored
// file systems and mount targets (the names registry lives in memory).
func (s *Service) Start(ctx context.Context) error {
	return s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.fss.Scopes(tx) {
			s.fss.Ascend(tx, sc, "", func(id string, _ fsRec) bool {
				s.publish(fsName(id, sc.Region))
				return true
			})
		}
		for _, sc := range s.mts.Scopes(tx) {
			s.mts.Ascend(tx, sc, "", func(_ string, r mtRec) bool {
				s.publish(r.name(sc.Region))
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

// fsName is a file system's DNS name (AWS: <fs-id>.efs.<region>.amazonaws.com).
func fsName(id, region string) string { return id + ".efs." + region + ".localhost" }

// scope is the request's account × region.
func (s *Service) scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	sc := state.Scope{Account: info.Account, Region: info.Region}
	if sc.Region == "" {
		sc.Region = s.region
	}
	return sc
}

// now is the clock's time in UTC, truncated to seconds as EFS reports times.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// efsErr is an EFS error; EFS's exceptions carry the code again as ErrorCode.
func efsErr(code, format string, args ...any) *awserr.Error {
	return awserr.New(code, 0, format, args...).WithField("ErrorCode", code)
}

func badRequest(format string, args ...any) error { return efsErr("BadRequest", format, args...) }

func errFSNotFound(id string) error {
	return efsErr("FileSystemNotFound", "File system '%s' does not exist.", id)
}

func errMTNotFound(id string) error {
	return efsErr("MountTargetNotFound", "Mount target '%s' does not exist.", id)
}

func errAPNotFound(id string) error {
	return efsErr("AccessPointNotFound", "Access point '%s' does not exist.", id)
}

// page returns the items from marker (an index into items) on, at most max
// of them (def by default).
func page[T any](items []T, marker *string, max *int64, def int) ([]T, *string, error) {
	start := 0
	if marker != nil && *marker != "" {
		n, err := strconv.Atoi(*marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, badRequest("Invalid marker: %s", *marker)
		}
		start = n
	}
	n := def
	if max != nil && *max > 0 {
		n = int(*max)
	}
	items = items[start:]
	if len(items) <= n {
		return items, nil, nil
	}
	next := strconv.Itoa(start + n)
	return items[:n], &next, nil
}
