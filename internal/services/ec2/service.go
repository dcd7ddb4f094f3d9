// Package ec2 is Amazon EC2 and Amazon VPC: regions and zones, the default
// VPC, VPCs, subnets, gateways, route tables, security groups, network ACLs,
// Elastic IPs, VPC endpoints, VPC peering, network interfaces, key pairs,
// images, volumes, snapshots and instances.
//
// Every record lives in its account × region scope, keyed by its id. Tags are
// one table for every resource type (keyed by resource id) plus an index
// keyed "type\x00key\x00value\x00id", so a tag:Key=Value filter is a range
// walk of the index, never a scan of the resources. Describe calls share one
// mechanism for ids, filters and pagination (see describe in filter.go).
//
// States that AWS changes by itself after a while (an instance pending →
// running, a NAT gateway pending → available) are computed when read from the
// time of the last transition and deps.Clock, so they need no background work
// and follow a fake clock exactly.
package ec2

//go:generate go run ../../../codegen -model ec2 -pkg ec2 -out api_gen.go

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Delays of the transitions AWS makes on its own.
const (
	pendingDelay = 2 * time.Second // instance pending → running, NAT gateway pending → available
	stopDelay    = 2 * time.Second // stopping → stopped, shutting-down → terminated, deleting → deleted
	// goneAfter is how long terminated instances and deleted NAT gateways stay visible.
	// AWS: about an hour.
	goneAfter = time.Hour
)

// Service is the EC2 service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	region string
	log    *slog.Logger

	meta      *state.Table[string] // "defaults" → default VPC id, once the scope's defaults exist
	vpcs      *state.Table[vpcRec]
	subnets   *state.Table[subnetRec]
	ips       *state.Table[string] // "subnetId\x00ip" → id of the holder (instance, NAT gateway, endpoint)
	publicIPs *state.Table[string] // public ip → holder (eipalloc-…, or instance id for auto-assigned)
	igws      *state.Table[igwRec]
	rtbs      *state.Table[rtbRec]
	sgs       *state.Table[sgRec]
	nacls     *state.Table[naclRec]
	eips      *state.Table[eipRec]
	nats      *state.Table[natRec]
	vpces     *state.Table[vpceRec]
	keys      *state.Table[keyRec] // by key name
	instances *state.Table[instanceRec]
	volumes   *state.Table[volumeRec]
	snapshots *state.Table[snapshotRec]
	images    *state.Table[imageRec]
	imageName *state.Table[string] // image name → image id, the scope's own images
	enis      *state.Table[eniRec] // interfaces made by CreateNetworkInterface
	peerings  *state.Table[peeringRec]
	lt        *launchTemplates // launchtemplates.go
	tags      *state.Table[map[string]string]
	tagIndex  *state.Table[bool] // "type\x00key\x00value\x00id"

	ready sync.Map // state.Scope → true once the scope's default VPC exists; derived, see Reset

	kinds kinds
}

// New returns the EC2 service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("ec2")
	deps = deps.WithDefaults()
	clk := deps.Clock
	log := deps.Logger
	region := deps.Region
	s := &Service{
		db: db, clock: clk, region: region, log: log,
		meta:      state.NewTable[string](db, "meta"),
		vpcs:      state.NewTable[vpcRec](db, "vpcs"),
		subnets:   state.NewTable[subnetRec](db, "subnets"),
		ips:       state.NewTable[string](db, "ips"),
		publicIPs: state.NewTable[string](db, "publicIPs"),
		igws:      state.NewTable[igwRec](db, "igws"),
		rtbs:      state.NewTable[rtbRec](db, "routeTables"),
		sgs:       state.NewTable[sgRec](db, "securityGroups"),
		nacls:     state.NewTable[naclRec](db, "networkAcls"),
		eips:      state.NewTable[eipRec](db, "addresses"),
		nats:      state.NewTable[natRec](db, "natGateways"),
		vpces:     state.NewTable[vpceRec](db, "vpcEndpoints"),
		keys:      state.NewTable[keyRec](db, "keyPairs"),
		instances: state.NewTable[instanceRec](db, "instances"),
		volumes:   state.NewTable[volumeRec](db, "volumes"),
		snapshots: state.NewTable[snapshotRec](db, "snapshots"),
		images:    state.NewTable[imageRec](db, "images"),
		imageName: state.NewTable[string](db, "imageNames"),
		enis:      state.NewTable[eniRec](db, "networkInterfaces"),
		peerings:  state.NewTable[peeringRec](db, "vpcPeeringConnections"),
		lt:        newLaunchTemplates(db),
		tags:      state.NewTable[map[string]string](db, "tags"),
		tagIndex:  state.NewTable[bool](db, "tagIndex"),
	}
	s.kinds = s.newKinds()
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "ec2" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Reset implements service.Resetter: the store was cleared, so every scope's
// defaults must be made again on next use.
func (s *Service) Reset() { s.ready.Clear() }

// scope returns the request's account × region, creating the scope's default
// VPC on first use.
func (s *Service) scope(ctx context.Context) (state.Scope, error) {
	info := reqctx.From(ctx)
	sc := state.Scope{Account: info.Account, Region: info.Region}
	if sc.Region == "" {
		sc.Region = s.region
	}
	if _, ok := s.ready.Load(sc); ok {
		return sc, nil
	}
	if err := s.ensureDefaults(ctx, sc); err != nil {
		return sc, err
	}
	s.ready.Store(sc, true)
	return sc, nil
}

// now is the service clock's time, in UTC and truncated to milliseconds as AWS reports times.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }
