// Package elasticache is Amazon ElastiCache: cache clusters (Redis OSS, Valkey,
// Memcached), replication groups, cache subnet groups, cache parameter groups,
// users and user groups, and their tags, spoken over the query protocol (2015-02-02).
//
// Every record lives in its account × region scope keyed by its id or name. A
// replication group's member clusters are ordinary cluster records with
// ReplicationGroupId set. States AWS changes by itself (creating → available,
// modifying → available) are computed when read from the time of the last
// change and deps.Clock, as EC2 and ELBv2 do: no background work, and a fake
// clock drives them exactly.
//
// Endpoints (node addresses, Memcached configuration endpoints, replication
// group primary and reader endpoints) are published to the DNS names registry
// as <id>.<token>.0001.<region-short>.cache.localhost. A data plane attaches
// through the Engine interface: it is told when a node is created and deleted.
package elasticache

//go:generate go run ../../../codegen -model elasticache -pkg elasticache -out api_gen.go

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

// createDelay is how long a new cluster or replication group stays
// "creating", and a modified one "modifying": long enough that Terraform's
// waiters see the transition, short enough that they do not wait long.
const createDelay = 3 * time.Second

// EC2 is what ElastiCache needs from EC2 (the ec2 service implements it in
// internal/services/ec2/for_elasticache.go and for_elbv2.go).
type EC2 interface {
	// CacheSubnet returns the VPC and Availability Zone of a subnet, or an error if there is no such subnet.
	CacheSubnet(ctx context.Context, id string) (vpc, zone string, err error)
	// SecurityGroupVPC returns the VPC of a security group, or an error if there is no such group.
	SecurityGroupVPC(ctx context.Context, id string) (string, error)
}

// Names is a DNS names registry (Route 53's) where endpoints are published.
type Names interface {
	Set(name string, addrs ...netip.Addr)
	Remove(name string)
}

// Node is one cache node as an Engine sees it.
type Node struct {
	Scope          state.Scope
	ClusterID      string // the cache cluster the node belongs to
	NodeID         string // "0001", "0002", …
	Engine         string // "redis", "valkey" or "memcached"
	EngineVersion  string // full version, "7.1.0"
	NodeType       string // "cache.t3.micro"
	ParameterGroup string // name of the cluster's cache parameter group
	Address        string // the node's DNS name
	Port           int
	Primary        bool // a Redis/Valkey primary (false for a replica)
}

// Engine runs the data plane of cache nodes (real Redis or Memcached
// processes). ElastiCache calls it after the change is committed: StartNode
// when a node is created, StopNode when it is deleted. Errors are logged; the
// control plane's state does not depend on them. A nil Engine means no data
// plane: clusters exist only as records and names.
type Engine interface {
	StartNode(ctx context.Context, n Node) error
	StopNode(ctx context.Context, n Node) error
}

// Service is the ElastiCache service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger
	ec2    EC2
	names  Names
	engine Engine

	clusters     *state.Table[clusterRec]
	rgs          *state.Table[rgRec]
	snapshots    *state.Table[snapshotRec] // by snapshot name
	subnetGroups *state.Table[CacheSubnetGroup]
	paramGroups  *state.Table[paramGroupRec]
	users        *state.Table[userRec]
	userGroups   *state.Table[UserGroup]
	groupUse     *state.Table[bool]              // "subnet or parameter group name\x00cluster id": groups in use
	tags         *state.Table[map[string]string] // by ARN
}

// New returns the ElastiCache service. ec2 validates subnets and security
// groups; names (may be nil) receives endpoint names; engine (may be nil)
// runs the nodes.
func New(deps service.Deps, ec2 EC2, names Names, engine Engine) *Service {
	db := deps.Store.DB("elasticache")
	deps = deps.WithDefaults()
	return &Service{
		db: db, clock: deps.Clock, region: deps.Region, log: deps.Logger, ec2: ec2, names: names, engine: engine,
		clusters:     state.NewTable[clusterRec](db, "cacheClusters"),
		rgs:          state.NewTable[rgRec](db, "replicationGroups"),
		snapshots:    state.NewTable[snapshotRec](db, "snapshots"),
		subnetGroups: state.NewTable[CacheSubnetGroup](db, "cacheSubnetGroups"),
		paramGroups:  state.NewTable[paramGroupRec](db, "cacheParameterGroups"),
		users:        state.NewTable[userRec](db, "users"),
		userGroups:   state.NewTable[UserGroup](db, "userGroups"),
		groupUse:     state.NewTable[bool](db, "groupUse"),
		tags:         state.NewTable[map[string]string](db, "tags"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "elasticache" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it publishes the endpoint names of the
// stored clusters and replication groups (the names registry lives in memory)
// and starts their nodes' engines.
func (s *Service) Start(ctx context.Context) error {
	var nodes []Node
	err := s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.clusters.Scopes(tx) {
			s.clusters.Ascend(tx, sc, "", func(_ string, r clusterRec) bool {
				s.publish(r.names()...)
				nodes = append(nodes, r.nodes(sc)...)
				return true
			})
		}
		for _, sc := range s.rgs.Scopes(tx) {
			s.rgs.Ascend(tx, sc, "", func(_ string, r rgRec) bool {
				s.publish(r.names()...)
				return true
			})
		}
		return nil
	})
	s.startNodes(ctx, nodes)
	return err
}

func (s *Service) publish(names ...string) {
	if s.names == nil {
		return
	}
	for _, n := range names {
		s.names.Set(n, netip.MustParseAddr("127.0.0.1"))
	}
}

func (s *Service) unpublish(names ...string) {
	if s.names == nil {
		return
	}
	for _, n := range names {
		s.names.Remove(n)
	}
}

func (s *Service) startNodes(ctx context.Context, nodes []Node) {
	if s.engine == nil {
		return
	}
	for _, n := range nodes {
		if err := s.engine.StartNode(ctx, n); err != nil {
			s.log.Warn("elasticache: start node", "cluster", n.ClusterID, "node", n.NodeID, "err", err)
		}
	}
}

func (s *Service) stopNodes(ctx context.Context, nodes []Node) {
	if s.engine == nil {
		return
	}
	for _, n := range nodes {
		if err := s.engine.StopNode(ctx, n); err != nil {
			s.log.Warn("elasticache: stop node", "cluster", n.ClusterID, "node", n.NodeID, "err", err)
		}
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

func invalidValue(format string, args ...any) error {
	return awserr.New("InvalidParameterValue", 0, format, args...)
}

func invalidCombination(format string, args ...any) error {
	return awserr.New("InvalidParameterCombination", 0, format, args...)
}

// page returns the items from marker (an index into items, as returned in
// Marker) on, at most max of them (100 by default, AWS's default MaxRecords).
func page[T any](items []T, marker *string, max *int64) ([]T, *string, error) {
	start := 0
	if marker != nil && *marker != "" {
		n, err := strconv.Atoi(*marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalidValue("Invalid marker: %s", *marker)
		}
		start = n
	}
	n := 100
	if max != nil {
		// AWS: MaxRecords is at least 20 and at most 100.
		if *max < 20 || *max > 100 {
			return nil, nil, invalidValue("The value for parameter MaxRecords must be between 20 and 100.")
		}
		n = int(*max)
	}
	items = items[start:]
	if len(items) <= n {
		return items, nil, nil
	}
	next := strconv.Itoa(start + n)
	return items[:n], &next, nil
}
