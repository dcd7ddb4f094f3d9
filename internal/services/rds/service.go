// Package rds is Amazon Relational Database Service: DB instances (MySQL,
// MariaDB, PostgreSQL, Aurora MySQL and Aurora PostgreSQL), Aurora DB
// clusters, DB subnet groups, DB parameter groups, option groups, DB
// snapshots, tags, events and the engine catalog Terraform reads, spoken over
// the query protocol (2014-10-31).
//
// Every record lives in its account × region scope keyed by its lower-case
// identifier (AWS stores identifiers in lower case). A DB instance's
// DbiResourceId ("db-…", Terraform's resource id) is a secondary index.
// States AWS changes by itself (creating → available, modifying, rebooting,
// stopping → stopped, starting) are computed when read from the time of the
// last change and deps.Clock, as EC2 and ELBv2 do: no background work, and a
// fake clock drives them exactly.
//
// Endpoints are published to the DNS names registry as
// <id>.<token>.<region>.rds.localhost (clusters: <id>.cluster-<token>… and
// <id>.cluster-ro-<token>…). A data plane attaches through the Engine
// interface: it is told when an instance's database should run and when it
// should stop.
package rds

//go:generate go run ../../../codegen -model rds -pkg rds -out api_gen.go

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/netip"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// transitDelay is how long an instance or cluster stays in a transitional
// status (creating, modifying, rebooting, stopping, starting): long enough
// that Terraform's waiters see the transition, short enough that they do not
// wait long.
const transitDelay = 3 * time.Second

// EC2 is what RDS needs from EC2 (the ec2 service implements it in
// internal/services/ec2/for_rds.go and for_elbv2.go).
type EC2 interface {
	// RDSSubnet returns the VPC and Availability Zone of a subnet, or an error if there is no such subnet.
	RDSSubnet(ctx context.Context, id string) (vpc, zone string, err error)
	// RDSDefaultNetwork returns the default VPC and its subnets (id → zone); vpc is "" when the scope has none.
	RDSDefaultNetwork(ctx context.Context) (vpc string, subnets map[string]string, err error)
	// RDSDefaultSecurityGroup returns the id of a VPC's default security group.
	RDSDefaultSecurityGroup(ctx context.Context, vpc string) (string, error)
	// SecurityGroupVPC returns the VPC of a security group, or an error if there is no such group.
	SecurityGroupVPC(ctx context.Context, id string) (string, error)
}

// Names is a DNS names registry (Route 53's) where endpoints are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
}

// Instance is one DB instance as an Engine sees it.
type Instance struct {
	Scope          state.Scope
	ID             string // DB instance identifier
	ResourceID     string // DbiResourceId, stable across renames
	Engine         string // "mysql", "mariadb", "postgres", "aurora-mysql", "aurora-postgresql"
	EngineVersion  string // "8.0.35"
	Class          string // "db.t4g.micro"
	Address        string // the endpoint's DNS name
	Port           int
	MasterUsername string
	MasterPassword string
	DBName         string
	ParameterGroup string
	Cluster        string // the Aurora cluster it belongs to, or ""
}

// Engine runs the database of DB instances (real MariaDB or PostgreSQL
// processes). RDS calls it after the change is committed: StartInstance when
// an instance is created, started or rebooted, StopInstance when it is
// stopped, rebooted or deleted. Errors are logged; the control plane's state
// does not depend on them. A nil Engine means no data plane: instances exist
// only as records and names.
type Engine interface {
	StartInstance(ctx context.Context, in Instance) error
	StopInstance(ctx context.Context, in Instance) error
}

// Service is the RDS service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	names  Names
	engine Engine

	instances    *state.Table[instRec]
	resIndex     *state.Table[string] // DbiResourceId → instance id
	clusters     *state.Table[clusterRec]
	subnetGroups *state.Table[DBSubnetGroup]
	paramGroups  *state.Table[paramGroupRec]
	optionGroups *state.Table[OptionGroup]
	snapshots    *state.Table[snapRec]
	groupUse     *state.Table[bool]              // "kind\x00group\x00instance id": subnet, parameter and option groups in use
	events       *state.Table[Event]             // by "time\x00seq"
	tags         *state.Table[map[string]string] // by ARN
}

// New returns the RDS service. ec2 validates subnets and security groups;
// names (may be nil) receives endpoint names; engine (may be nil) runs the
// databases.
func New(deps service.Deps, ec2 EC2, names Names, engine Engine) *Service {
	db := deps.Store.DB("rds")
	deps = deps.WithDefaults()
	return &Service{
		db: db, clock: deps.Clock, region: deps.Region, log: deps.Logger, ec2: ec2, names: names, engine: engine,
		instances:    state.NewTable[instRec](db, "dbInstances"),
		resIndex:     state.NewTable[string](db, "dbiResourceIds"),
		clusters:     state.NewTable[clusterRec](db, "dbClusters"),
		subnetGroups: state.NewTable[DBSubnetGroup](db, "dbSubnetGroups"),
		paramGroups:  state.NewTable[paramGroupRec](db, "dbParameterGroups"),
		optionGroups: state.NewTable[OptionGroup](db, "optionGroups"),
		snapshots:    state.NewTable[snapRec](db, "dbSnapshots"),
		groupUse:     state.NewTable[bool](db, "groupUse"),
		events:       state.NewTable[Event](db, "events"),
		tags:         state.NewTable[map[string]string](db, "tags"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "rds" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it publishes the endpoint names of the
// stored instances and clusters (the names registry lives in memory) and
// starts the engines of the instances that are not stopped.
func (s *Service) Start(ctx context.Context) error {
	var run []Instance
	err := s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.instances.Scopes(tx) {
			s.instances.Ascend(tx, sc, "", func(_ string, r instRec) bool {
				s.publish(r.address())
				if r.Settled != "stopped" {
					run = append(run, r.engineView(sc))
				}
				return true
			})
		}
		for _, sc := range s.clusters.Scopes(tx) {
			s.clusters.Ascend(tx, sc, "", func(_ string, c clusterRec) bool {
				s.publish(c.names()...)
				return true
			})
		}
		return nil
	})
	for _, in := range run {
		s.startEngine(ctx, in)
	}
	return err
}

func (s *Service) publish(names ...string) {
	if s.names == nil {
		return
	}
	for _, n := range names {
		if n != "" {
			s.names.Set(n, netip.MustParseAddr("127.0.0.1"))
		}
	}
}

func (s *Service) unpublish(names ...string) {
	if s.names == nil {
		return
	}
	for _, n := range names {
		if n != "" {
			s.names.Remove(n)
		}
	}
}

func (s *Service) startEngine(ctx context.Context, in Instance) {
	if s.engine == nil {
		return
	}
	if err := s.engine.StartInstance(ctx, in); err != nil {
		s.log.Warn("rds: start engine", "instance", in.ID, "err", err)
	}
}

func (s *Service) stopEngine(ctx context.Context, in Instance) {
	if s.engine == nil {
		return
	}
	if err := s.engine.StopInstance(ctx, in); err != nil {
		s.log.Warn("rds: stop engine", "instance", in.ID, "err", err)
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

// arn is the ARN of an RDS resource: kind is "db", "cluster", "subgrp", "pg",
// "og", "snapshot", "cluster-pg".
func arnOf(sc state.Scope, kind, name string) string {
	return arn.New("rds", sc.Region, sc.Account, kind+":"+name)
}

// token is the random-looking part of endpoint names.
//
// AWS: it is fixed per account and region: every instance of an account in a
// region shares it ("mydb.c9akciq32.us-east-1.rds.amazonaws.com").
func token(sc state.Scope) string {
	sum := sha256.Sum256([]byte(sc.Account + "/" + sc.Region))
	h := hex.EncodeToString(sum[:])
	out := []byte("c" + h[:11])
	for i, c := range out {
		if c >= '0' && c <= '9' && i%3 == 1 {
			out[i] = 'a' + (c - '0') // mix letters in, as AWS's tokens have them
		}
	}
	return string(out)
}

// endpointSuffix is the domain under which instance and cluster names live.
func endpointSuffix(sc state.Scope) string {
	return "." + token(sc) + "." + sc.Region + ".rds.localhost"
}

// hostedZoneID is the Route 53 hosted zone AWS reports for RDS endpoints.
const hostedZoneID = "Z2R2ITUGPM61AM"

func invalidValue(format string, args ...any) error {
	return awserr.New("InvalidParameterValue", 400, format, args...)
}

func invalidCombination(format string, args ...any) error {
	return awserr.New("InvalidParameterCombination", 400, format, args...)
}

func errInstanceNotFound(id string) error {
	return awserr.New("DBInstanceNotFoundFault", 0, "DBInstance %s not found.", id)
}

func errSubnetGroupNotFound(name string) error {
	return awserr.New("DBSubnetGroupNotFoundFault", 0, "DBSubnetGroup '%s' not found.", name)
}

func errParamGroupNotFound(name string) error {
	return awserr.New("DBParameterGroupNotFoundFault", 0, "DBParameterGroup not found: %s", name)
}

func errOptionGroupNotFound(name string) error {
	return awserr.New("OptionGroupNotFoundFault", 0, "Specified OptionGroupName: %s not found.", name)
}

func errSnapshotNotFound(id string) error {
	return awserr.New("DBSnapshotNotFoundFault", 0, "DBSnapshot not found: %s", id)
}

func errClusterNotFound(id string) error {
	return awserr.New("DBClusterNotFoundFault", 0, "DBCluster %s not found.", id)
}
