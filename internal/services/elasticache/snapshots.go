package elasticache

import (
	"context"
	"slices"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// snapshotDelay is how long a snapshot stays "creating".
const snapshotDelay = 2 * time.Second

// snapshotRec is a backup of a cluster or replication group, kept by name.
// haneul has no cache data yet, so a snapshot holds the configuration a
// restore needs; the engine hook will give it contents.
type snapshotRec struct {
	Snapshot
	Created time.Time
}

func (r snapshotRec) settle(now time.Time) Snapshot {
	out := r.Snapshot
	if *out.SnapshotStatus == "creating" && !now.Before(r.Created.Add(snapshotDelay)) {
		out.SnapshotStatus = ptr.To("available")
	}
	return out
}

func errSnapshotNotFound(name string) error {
	return awserr.New("SnapshotNotFoundFault", 0, "Snapshot %s not found.", name)
}

// snapshotOfCluster describes a snapshot of cluster c named name.
func (s *Service) snapshotOfCluster(sc state.Scope, c clusterRec, name, source string) snapshotRec {
	now := s.now()
	return snapshotRec{Created: now, Snapshot: Snapshot{
		ARN: ptr.To(arn.New("elasticache", sc.Region, sc.Account, "snapshot:"+name)), SnapshotName: ptr.To(name),
		SnapshotSource: ptr.To(source), SnapshotStatus: ptr.To("creating"),
		CacheClusterId: c.CacheClusterId, CacheClusterCreateTime: c.CacheClusterCreateTime, CacheNodeType: c.CacheNodeType,
		Engine: c.Engine, EngineVersion: c.EngineVersion, NumCacheNodes: c.NumCacheNodes, Port: ptr.To(c.Port),
		CacheParameterGroupName: c.CacheParameterGroup.CacheParameterGroupName, CacheSubnetGroupName: c.CacheSubnetGroupName,
		PreferredAvailabilityZone: c.PreferredAvailabilityZone, PreferredMaintenanceWindow: c.PreferredMaintenanceWindow,
		SnapshotRetentionLimit: c.SnapshotRetentionLimit, SnapshotWindow: c.SnapshotWindow, AutoMinorVersionUpgrade: c.AutoMinorVersionUpgrade,
		NodeSnapshots: []NodeSnapshot{{CacheClusterId: c.CacheClusterId, CacheNodeId: ptr.To("0001"), CacheNodeCreateTime: c.CacheClusterCreateTime,
			SnapshotCreateTime: &now, CacheSize: ptr.To("0 MB")}},
	}}
}

// snapshotOfGroup describes a snapshot of replication group g named name.
func (s *Service) snapshotOfGroup(sc state.Scope, g rgRec, name, source string) snapshotRec {
	now := s.now()
	snap := Snapshot{
		ARN: ptr.To(arn.New("elasticache", sc.Region, sc.Account, "snapshot:"+name)), SnapshotName: ptr.To(name),
		SnapshotSource: ptr.To(source), SnapshotStatus: ptr.To("creating"),
		ReplicationGroupId: g.ReplicationGroupId, ReplicationGroupDescription: g.Description, CacheNodeType: g.CacheNodeType,
		Engine: g.Engine, Port: ptr.To(g.Port), AutomaticFailover: g.AutomaticFailover, SnapshotRetentionLimit: g.SnapshotRetentionLimit,
		NumNodeGroups: ptr.To(int64(len(g.NodeGroups))),
	}
	for _, ng := range g.NodeGroups {
		snap.NodeSnapshots = append(snap.NodeSnapshots, NodeSnapshot{NodeGroupId: ng.NodeGroupId, SnapshotCreateTime: &now, CacheSize: ptr.To("0 MB")})
	}
	return snapshotRec{Created: now, Snapshot: snap}
}

// putSnapshot stores a new snapshot, refusing a name in use.
func (s *Service) putSnapshot(tx *state.Tx, sc state.Scope, r snapshotRec) error {
	if _, ok := s.snapshots.Get(tx, sc, *r.SnapshotName); ok {
		return awserr.New("SnapshotAlreadyExistsFault", 0, "Snapshot %s already exists.", *r.SnapshotName)
	}
	s.snapshots.Put(tx, sc, *r.SnapshotName, r)
	return nil
}

// checkSnapshotName applies AWS's rules to a snapshot name.
func checkSnapshotName(name string) error {
	if name == "" || len(name) > 255 {
		return invalidValue("Snapshot name must be 1 to 255 characters.")
	}
	if strings.HasPrefix(name, "automatic.") {
		// AWS: the "automatic." prefix is for the snapshots ElastiCache takes itself.
		return invalidValue("Snapshot name cannot start with 'automatic.'.")
	}
	return nil
}

// CreateSnapshot backs up a Redis OSS or Valkey cluster or a replication group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateSnapshot.html
func (s *Service) CreateSnapshot(ctx context.Context, in *CreateSnapshotMessage) (*CreateSnapshotResult, error) {
	sc := s.scope(ctx)
	name := ptr.Val(in.SnapshotName)
	if err := checkSnapshotName(name); err != nil {
		return nil, err
	}
	if (in.CacheClusterId == nil) == (in.ReplicationGroupId == nil) {
		return nil, invalidCombination("Exactly one of CacheClusterId and ReplicationGroupId must be given.")
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	var out snapshotRec
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if in.CacheClusterId != nil {
			c, err := s.getCluster(tx, sc, *in.CacheClusterId)
			if err != nil {
				return err
			}
			if *c.Engine == "memcached" {
				// AWS: Memcached keeps no data to back up.
				return awserr.New("SnapshotFeatureNotSupportedFault", 0, "Snapshots are not supported for Memcached clusters.")
			}
			if *c.CacheClusterStatus != "available" {
				return awserr.New("InvalidCacheClusterState", 0, "Cache cluster %s is not in a valid state to be snapshotted.", *c.CacheClusterId)
			}
			out = s.snapshotOfCluster(sc, c, name, "manual")
		} else {
			g, err := s.getRG(tx, sc, *in.ReplicationGroupId)
			if err != nil {
				return err
			}
			if *g.Status != "available" {
				return awserr.New("InvalidReplicationGroupState", 0, "Replication group %s is not in a valid state to be snapshotted.", *g.ReplicationGroupId)
			}
			out = s.snapshotOfGroup(sc, g, name, "manual")
		}
		if err := s.putSnapshot(tx, sc, out); err != nil {
			return err
		}
		s.setTags(tx, sc, *out.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateSnapshotResult{Snapshot: &out.Snapshot}, nil
}

// CopySnapshot copies a snapshot under a new name.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CopySnapshot.html
func (s *Service) CopySnapshot(ctx context.Context, in *CopySnapshotMessage) (*CopySnapshotResult, error) {
	sc := s.scope(ctx)
	target := ptr.Val(in.TargetSnapshotName)
	if err := checkSnapshotName(target); err != nil {
		return nil, err
	}
	var out snapshotRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		src, ok := s.snapshots.Get(tx, sc, ptr.Val(in.SourceSnapshotName))
		if !ok {
			return errSnapshotNotFound(ptr.Val(in.SourceSnapshotName))
		}
		if *src.settle(s.clock.Now()).SnapshotStatus != "available" {
			return awserr.New("InvalidSnapshotState", 0, "Snapshot %s is not available to copy.", *src.SnapshotName)
		}
		out = src
		out.Created = s.now()
		out.SnapshotName, out.SnapshotStatus, out.SnapshotSource = ptr.To(target), ptr.To("creating"), ptr.To("manual")
		out.ARN = ptr.To(arn.New("elasticache", sc.Region, sc.Account, "snapshot:"+target))
		out.NodeSnapshots = slices.Clone(out.NodeSnapshots)
		return s.putSnapshot(tx, sc, out)
	})
	if err != nil {
		return nil, err
	}
	return &CopySnapshotResult{Snapshot: &out.Snapshot}, nil
}

// DescribeSnapshots lists snapshots, by name, cluster, group or source.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeSnapshots.html
func (s *Service) DescribeSnapshots(ctx context.Context, in *DescribeSnapshotsMessage) (*DescribeSnapshotsListMessage, error) {
	sc := s.scope(ctx)
	var all []Snapshot
	err := s.db.View(func(tx *state.Tx) error {
		if name := ptr.Val(in.SnapshotName); name != "" {
			r, ok := s.snapshots.Get(tx, sc, name)
			if !ok {
				return errSnapshotNotFound(name)
			}
			all = append(all, r.settle(s.clock.Now()))
			return nil
		}
		s.snapshots.Ascend(tx, sc, "", func(_ string, r snapshotRec) bool {
			switch {
			case in.CacheClusterId != nil && !strings.EqualFold(ptr.Val(r.CacheClusterId), *in.CacheClusterId):
			case in.ReplicationGroupId != nil && !strings.EqualFold(ptr.Val(r.ReplicationGroupId), *in.ReplicationGroupId):
			case in.SnapshotSource != nil && *in.SnapshotSource != *r.SnapshotSource:
			default:
				all = append(all, r.settle(s.clock.Now()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, marker, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeSnapshotsListMessage{Snapshots: items, Marker: marker}, nil
}

// DeleteSnapshot deletes an available snapshot.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteSnapshot.html
func (s *Service) DeleteSnapshot(ctx context.Context, in *DeleteSnapshotMessage) (*DeleteSnapshotResult, error) {
	sc := s.scope(ctx)
	var out Snapshot
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.snapshots.Get(tx, sc, ptr.Val(in.SnapshotName))
		if !ok {
			return errSnapshotNotFound(ptr.Val(in.SnapshotName))
		}
		out = r.settle(s.clock.Now())
		if *out.SnapshotStatus != "available" {
			// AWS: a snapshot that is still being made cannot be deleted.
			return awserr.New("InvalidSnapshotState", 0, "Snapshot %s is not in a valid state to be deleted.", *out.SnapshotName)
		}
		s.snapshots.Delete(tx, sc, *out.SnapshotName)
		s.tags.Delete(tx, sc, *out.ARN)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.SnapshotStatus = ptr.To("deleting")
	return &DeleteSnapshotResult{Snapshot: &out}, nil
}

// restoreDefaults fills a CreateCacheCluster from the snapshot it restores:
// what the request leaves out comes from the snapshot.
func (s *Service) restoreDefaults(sc state.Scope, in *CreateCacheClusterMessage) error {
	name := ptr.Val(in.SnapshotName)
	if name == "" {
		return nil
	}
	var snap Snapshot
	err := s.db.View(func(tx *state.Tx) error {
		r, ok := s.snapshots.Get(tx, sc, name)
		if !ok {
			return errSnapshotNotFound(name)
		}
		snap = r.settle(s.clock.Now())
		return nil
	})
	if err != nil {
		return err
	}
	if *snap.SnapshotStatus != "available" {
		return awserr.New("InvalidSnapshotState", 0, "Snapshot %s is not available to restore.", name)
	}
	if snap.CacheClusterId == nil || ptr.Val(snap.NumNodeGroups) > 1 {
		return invalidCombination("Snapshot %s has more than one node group; restore it as a replication group.", name)
	}
	if in.Engine == nil {
		in.Engine = snap.Engine
	}
	if ptr.Val(in.Engine) != ptr.Val(snap.Engine) {
		return invalidCombination("Snapshot %s is of engine %s.", name, ptr.Val(snap.Engine))
	}
	if in.EngineVersion == nil {
		in.EngineVersion = snap.EngineVersion
	}
	if in.CacheNodeType == nil {
		in.CacheNodeType = snap.CacheNodeType
	}
	if in.Port == nil {
		in.Port = snap.Port
	}
	return nil
}
