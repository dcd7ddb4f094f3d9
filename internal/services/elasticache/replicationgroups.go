package elasticache

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// rgRec is a replication group and what ElastiCache keeps beyond
// DescribeReplicationGroups: the random part of its names, its port and when
// its status last changed. Its member clusters are cluster records.
type rgRec struct {
	ReplicationGroup
	Token   string
	Port    int64
	Changed time.Time
}

func errRGNotFound(id string) error {
	return awserr.New("ReplicationGroupNotFoundFault", 0, "ReplicationGroup not found: %s", id)
}

// settle moves a creating or modifying group (and its node groups) to available once createDelay has passed.
func (r rgRec) settle(now time.Time) rgRec {
	switch *r.Status {
	case "creating", "modifying":
		if now.Before(r.Changed.Add(createDelay)) {
			return r
		}
		r.Status = ptr.To("available")
		ngs := slices.Clone(r.NodeGroups)
		for i := range ngs {
			ngs[i].Status = ptr.To("available")
		}
		r.NodeGroups = ngs
	}
	return r
}

// names are the group's own DNS names (its members' are their clusters').
func (r rgRec) names() []string {
	var out []string
	if r.ConfigurationEndpoint != nil {
		out = append(out, *r.ConfigurationEndpoint.Address)
	}
	for _, ng := range r.NodeGroups {
		if ng.PrimaryEndpoint != nil {
			out = append(out, *ng.PrimaryEndpoint.Address)
		}
		if ng.ReaderEndpoint != nil {
			out = append(out, *ng.ReaderEndpoint.Address)
		}
	}
	return out
}

func (s *Service) getRG(tx *state.Tx, sc state.Scope, id string) (rgRec, error) {
	r, ok := s.rgs.Get(tx, sc, strings.ToLower(id))
	if !ok {
		return r, errRGNotFound(id)
	}
	return r.settle(s.clock.Now()), nil
}

func enabled(b bool) *string {
	if b {
		return ptr.To("enabled")
	}
	return ptr.To("disabled")
}

// slots splits Redis's 16384 hash slots evenly over n shards.
func slots(i, n int) string {
	lo, hi := 16384*i/n, 16384*(i+1)/n-1
	return fmt.Sprintf("%d-%d", lo, hi)
}

// CreateReplicationGroup creates a Redis OSS or Valkey replication group:
// with cluster mode disabled, one shard of a primary and replicas behind a
// primary and a reader endpoint; with it enabled, shards behind a
// configuration endpoint.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
func (s *Service) CreateReplicationGroup(ctx context.Context, in *CreateReplicationGroupMessage) (*CreateReplicationGroupResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.ReplicationGroupId)
	if err := checkID("ReplicationGroupId", id); err != nil {
		return nil, err
	}
	if len(id) > 40 {
		return nil, invalidValue("The parameter ReplicationGroupId must be 40 characters or fewer.")
	}
	if in.PrimaryClusterId != nil || in.GlobalReplicationGroupId != nil || len(in.SnapshotArns) > 0 || in.SnapshotName != nil {
		return nil, invalidCombination("haneul does not support creating a replication group from an existing cluster, a global replication group or a snapshot.")
	}
	engine := ptr.Val(in.Engine)
	if engine == "" {
		engine = "redis"
	}
	if engine == "memcached" {
		return nil, invalidValue("Replication groups are not supported for memcached.")
	}
	// Cluster mode: asked for, more than one shard, or a parameter group with cluster-enabled.
	pgName := strings.ToLower(ptr.Val(in.CacheParameterGroupName))
	clusterMode := ptr.Val(in.ClusterMode) == "enabled" || ptr.Val(in.NumNodeGroups) > 1 || len(in.NodeGroupConfiguration) > 1
	if pgName != "" {
		_ = s.db.View(func(tx *state.Tx) error {
			if g, err := s.getParamGroup(tx, sc, pgName); err == nil && g.Values["cluster-enabled"] == "yes" {
				clusterMode = true
			}
			return nil
		})
	}
	v, pg, err := s.common(sc, engine, ptr.Val(in.EngineVersion), ptr.Val(in.CacheNodeType), pgName, clusterMode)
	if err != nil {
		return nil, err
	}
	failover := ptr.Val(in.AutomaticFailoverEnabled)
	multiAZ := ptr.Val(in.MultiAZEnabled)
	// shards × nodes per shard
	shards, perShard := 1, 1
	if clusterMode {
		shards = int(ptr.Val(in.NumNodeGroups))
		if shards == 0 {
			shards = max(1, len(in.NodeGroupConfiguration))
		}
		perShard = 1 + int(ptr.Val(in.ReplicasPerNodeGroup))
		if !failover {
			// AWS: cluster mode needs automatic failover.
			return nil, invalidCombination("Automatic failover must be enabled for a replication group with cluster mode enabled.")
		}
	} else {
		switch {
		case in.NumCacheClusters != nil:
			perShard = int(*in.NumCacheClusters)
		case in.ReplicasPerNodeGroup != nil:
			perShard = 1 + int(*in.ReplicasPerNodeGroup)
		case len(in.PreferredCacheClusterAZs) > 0:
			perShard = len(in.PreferredCacheClusterAZs)
		}
	}
	switch {
	case perShard < 1 || perShard > 6:
		return nil, invalidValue("The number of cache clusters in a shard must be between 1 and 6.")
	case shards < 1 || shards > 500:
		return nil, invalidValue("NumNodeGroups must be between 1 and 500.")
	case failover && perShard < 2:
		// AWS: automatic failover needs a replica to fail over to.
		return nil, invalidCombination("Replication group must have at least one read replica to enable autofailover.")
	case multiAZ && !failover:
		return nil, invalidCombination("Multi-AZ requires automatic failover to be enabled.")
	case ptr.Val(in.AuthToken) != "" && !ptr.Val(in.TransitEncryptionEnabled):
		return nil, invalidCombination("Encryption feature is not enabled for the given replication group. AuthToken is only supported when encryption in-transit is enabled.")
	}
	group := strings.ToLower(ptr.Val(in.CacheSubnetGroupName))
	p, err := s.resolveNetwork(ctx, sc, group, in.SecurityGroupIds)
	if err != nil {
		return nil, err
	}
	zones, err := pickZones(p, shards*perShard, in.PreferredCacheClusterAZs, true)
	if err != nil {
		return nil, err
	}
	port := ptr.Val(in.Port)
	if port == 0 {
		port = defaultPort(engine)
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	token := newToken()
	now := s.now()
	base := spec{
		engine: engine, nodeType: *in.CacheNodeType, subnetGroup: group, paramGroup: pg, rgID: id,
		version: v, nodes: 1, port: port, sgs: in.SecurityGroupIds,
		maintenance: strings.ToLower(ptr.Val(in.PreferredMaintenanceWindow)), snapshotWindow: ptr.Val(in.SnapshotWindow),
		retention: ptr.Val(in.SnapshotRetentionLimit), autoMinor: in.AutoMinorVersionUpgrade == nil || *in.AutoMinorVersionUpgrade,
		transit: ptr.Val(in.TransitEncryptionEnabled), atRest: ptr.Val(in.AtRestEncryptionEnabled),
		authToken: ptr.Val(in.AuthToken) != "", token: token,
	}
	if base.maintenance == "" {
		base.maintenance = defaultMaintenance
	}
	if base.snapshotWindow == "" {
		base.snapshotWindow = defaultSnapshotWindow
	}
	rg := rgRec{Token: token, Port: port, Changed: now, ReplicationGroup: ReplicationGroup{
		ARN:                        ptr.To(arn.New("elasticache", sc.Region, sc.Account, "replicationgroup:"+id)),
		ReplicationGroupId:         ptr.To(id),
		Description:                in.ReplicationGroupDescription,
		Status:                     ptr.To("creating"),
		Engine:                     ptr.To(engine),
		CacheNodeType:              in.CacheNodeType,
		ClusterEnabled:             ptr.To(clusterMode),
		ClusterMode:                enabled(clusterMode),
		AutomaticFailover:          enabled(failover),
		MultiAZ:                    enabled(multiAZ),
		SnapshotRetentionLimit:     ptr.To(base.retention),
		SnapshotWindow:             ptr.To(base.snapshotWindow),
		AtRestEncryptionEnabled:    ptr.To(base.atRest),
		TransitEncryptionEnabled:   ptr.To(base.transit),
		AuthTokenEnabled:           ptr.To(base.authToken),
		AutoMinorVersionUpgrade:    ptr.To(base.autoMinor),
		DataTiering:                ptr.To("disabled"),
		NetworkType:                ptr.To("ipv4"),
		IpDiscovery:                ptr.To("ipv4"),
		LogDeliveryConfigurations:  []LogDeliveryConfiguration{},
		UserGroupIds:               []string{},
		PendingModifiedValues:      &ReplicationGroupPendingModifiedValues{},
		ReplicationGroupCreateTime: &now,
		KmsKeyId:                   in.KmsKeyId,
		MemberClusters:             []string{},
	}}
	if base.transit {
		rg.TransitEncryptionMode = ptr.To("required")
	}
	suffix := endpointSuffix(sc.Region)
	if clusterMode {
		// AWS: cluster mode answers on clustercfg.<id>.<token>.<region>.cache.amazonaws.com.
		rg.ConfigurationEndpoint = &Endpoint{Address: ptr.To("clustercfg." + id + "." + token + suffix), Port: ptr.To(port)}
	}
	var members []clusterRec
	for sh := range shards {
		ng := NodeGroup{NodeGroupId: ptr.To(fmt.Sprintf("%04d", sh+1)), Status: ptr.To("creating")}
		if clusterMode {
			ng.Slots = ptr.To(slots(sh, shards))
		} else {
			ng.PrimaryEndpoint = &Endpoint{Address: ptr.To(id + "." + token + ".ng.0001" + suffix), Port: ptr.To(port)}
			ng.ReaderEndpoint = &Endpoint{Address: ptr.To(id + "-ro." + token + ".ng.0001" + suffix), Port: ptr.To(port)}
		}
		for k := range perShard {
			sp := base
			sp.id = fmt.Sprintf("%s-%03d", id, k+1)
			if clusterMode {
				sp.id = fmt.Sprintf("%s-%04d-%03d", id, sh+1, k+1)
			}
			if len(sp.id) > 50 {
				return nil, invalidValue("The parameter ReplicationGroupId is too long for its member cluster ids.")
			}
			sp.zones = []string{zones[sh*perShard+k]}
			sp.role = "replica"
			if k == 0 {
				sp.role = "primary"
			}
			c := s.newCluster(sc, sp)
			members = append(members, c)
			rg.MemberClusters = append(rg.MemberClusters, sp.id)
			ng.NodeGroupMembers = append(ng.NodeGroupMembers, memberOf(c, clusterMode))
		}
		rg.NodeGroups = append(rg.NodeGroups, ng)
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.rgs.Get(tx, sc, id); ok {
			return awserr.New("ReplicationGroupAlreadyExists", 0, "Replication group %s already exists.", id)
		}
		if group != "" {
			if _, ok := s.subnetGroups.Get(tx, sc, group); !ok {
				return errSubnetGroupNotFound(group)
			}
		}
		for _, c := range members {
			if _, ok := s.clusters.Get(tx, sc, *c.CacheClusterId); ok {
				return awserr.New("CacheClusterAlreadyExists", 0, "Cache cluster %s already exists.", *c.CacheClusterId)
			}
			s.putCluster(tx, sc, c, nil)
		}
		s.rgs.Put(tx, sc, id, rg)
		s.setTags(tx, sc, *rg.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(rg.names()...)
	for _, c := range members {
		s.publish(c.names()...)
		s.startNodes(ctx, c.nodes(sc))
	}
	out := rg.settle(s.clock.Now()).ReplicationGroup
	return &CreateReplicationGroupResult{ReplicationGroup: &out}, nil
}

// memberOf is a member cluster as its node group lists it.
func memberOf(c clusterRec, clusterMode bool) NodeGroupMember {
	m := NodeGroupMember{
		CacheClusterId:            c.CacheClusterId,
		CacheNodeId:               ptr.To("0001"),
		PreferredAvailabilityZone: c.CacheNodes[0].CustomerAvailabilityZone,
	}
	if !clusterMode {
		m.CurrentRole = ptr.To(c.Role)
		m.ReadEndpoint = c.CacheNodes[0].Endpoint
	}
	return m
}

// addReplica adds a read replica to a replication group with cluster mode
// disabled (CreateCacheCluster with ReplicationGroupId): it copies the
// primary's configuration.
func (s *Service) addReplica(ctx context.Context, sc state.Scope, id string, in *CreateCacheClusterMessage) (*CreateCacheClusterResult, error) {
	var c clusterRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.clusters.Get(tx, sc, id); ok {
			return awserr.New("CacheClusterAlreadyExists", 0, "Cache cluster %s already exists.", id)
		}
		rg, err := s.getRG(tx, sc, *in.ReplicationGroupId)
		if err != nil {
			return err
		}
		if *rg.ClusterEnabled {
			return invalidCombination("Cannot add a cache cluster to replication group %s: cluster mode is enabled.", *rg.ReplicationGroupId)
		}
		if *rg.Status != "available" {
			return awserr.New("InvalidReplicationGroupState", 0, "Replication group %s is not in available state.", *rg.ReplicationGroupId)
		}
		if len(rg.MemberClusters) >= 6 {
			return awserr.New("NodeQuotaForClusterExceeded", 0, "A replication group can have at most 5 read replicas.")
		}
		primary, err := s.getCluster(tx, sc, *rg.NodeGroups[0].NodeGroupMembers[0].CacheClusterId)
		if err != nil {
			return err
		}
		zone := ptr.Val(in.PreferredAvailabilityZone)
		if zone == "" {
			zone = *primary.CacheNodes[0].CustomerAvailabilityZone
		}
		v, _ := findVersion(*primary.Engine, *primary.EngineVersion)
		c = s.newCluster(sc, spec{
			id: id, engine: *primary.Engine, nodeType: *primary.CacheNodeType, subnetGroup: ptr.Val(primary.CacheSubnetGroupName),
			paramGroup: *primary.CacheParameterGroup.CacheParameterGroupName, rgID: *rg.ReplicationGroupId, version: v,
			nodes: 1, port: primary.Port, zones: []string{zone}, maintenance: *primary.PreferredMaintenanceWindow,
			snapshotWindow: ptr.Val(primary.SnapshotWindow), autoMinor: *primary.AutoMinorVersionUpgrade,
			transit: *primary.TransitEncryptionEnabled, atRest: *primary.AtRestEncryptionEnabled, authToken: *primary.AuthTokenEnabled,
			token: primary.Token, role: "replica", sgs: sgIDs(primary.SecurityGroups),
		})
		s.putCluster(tx, sc, c, nil)
		rg.MemberClusters = append(slices.Clone(rg.MemberClusters), id)
		ngs := slices.Clone(rg.NodeGroups)
		ngs[0].NodeGroupMembers = append(slices.Clone(ngs[0].NodeGroupMembers), memberOf(c, false))
		rg.NodeGroups = ngs
		rg.Status, rg.Changed = ptr.To("modifying"), s.now()
		s.rgs.Put(tx, sc, *rg.ReplicationGroupId, rg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(c.names()...)
	s.startNodes(ctx, c.nodes(sc))
	return &CreateCacheClusterResult{CacheCluster: s.clusterOut(c, false)}, nil
}

func sgIDs(m []SecurityGroupMembership) []string {
	var out []string
	for _, g := range m {
		out = append(out, *g.SecurityGroupId)
	}
	return out
}

// DescribeReplicationGroups lists replication groups, or one.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeReplicationGroups.html
func (s *Service) DescribeReplicationGroups(ctx context.Context, in *DescribeReplicationGroupsMessage) (*ReplicationGroupMessage, error) {
	sc := s.scope(ctx)
	now := s.clock.Now()
	var all []ReplicationGroup
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.ReplicationGroupId); id != "" {
			r, err := s.getRG(tx, sc, id)
			all = append(all, r.ReplicationGroup)
			return err
		}
		s.rgs.Ascend(tx, sc, "", func(_ string, r rgRec) bool {
			all = append(all, r.settle(now).ReplicationGroup)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &ReplicationGroupMessage{ReplicationGroups: items, Marker: next}, nil
}

// ModifyReplicationGroup changes a replication group and its member
// clusters. haneul applies every change at once.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html
func (s *Service) ModifyReplicationGroup(ctx context.Context, in *ModifyReplicationGroupMessage) (*ModifyReplicationGroupResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.ReplicationGroupId)
	var cur rgRec
	var group string
	if err := s.db.View(func(tx *state.Tx) error {
		var err error
		if cur, err = s.getRG(tx, sc, id); err != nil {
			return err
		}
		if c, ok := s.clusters.Get(tx, sc, cur.MemberClusters[0]); ok {
			group = ptr.Val(c.CacheSubnetGroupName)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if in.SecurityGroupIds != nil {
		if _, err := s.resolveNetwork(ctx, sc, group, in.SecurityGroupIds); err != nil {
			return nil, err
		}
	}
	var out rgRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getRG(tx, sc, id)
		if err != nil {
			return err
		}
		if *r.Status != "available" {
			return awserr.New("InvalidReplicationGroupState", 0, "Replication group %s is not in available state.", id)
		}
		changed := false
		if d := in.ReplicationGroupDescription; d != nil {
			r.Description = d
		}
		failover := *r.AutomaticFailover == "enabled"
		if in.AutomaticFailoverEnabled != nil {
			failover = *in.AutomaticFailoverEnabled
		}
		multiAZ := *r.MultiAZ == "enabled"
		if in.MultiAZEnabled != nil {
			multiAZ = *in.MultiAZEnabled
		}
		switch {
		case failover && len(r.MemberClusters) < 2:
			return invalidCombination("Replication group must have at least one read replica to enable autofailover.")
		case !failover && *r.ClusterEnabled:
			return invalidCombination("Automatic failover cannot be disabled for a replication group with cluster mode enabled.")
		case multiAZ && !failover:
			return invalidCombination("Multi-AZ requires automatic failover to be enabled.")
		}
		r.AutomaticFailover, r.MultiAZ = enabled(failover), enabled(multiAZ)
		if t := ptr.Val(in.CacheNodeType); t != "" && t != *r.CacheNodeType {
			if !validNodeType(t) {
				return invalidValue("Invalid Cache Node Type: %s", t)
			}
			r.CacheNodeType, changed = &t, true
		}
		if in.SnapshotRetentionLimit != nil {
			r.SnapshotRetentionLimit = in.SnapshotRetentionLimit
		}
		if w := ptr.Val(in.SnapshotWindow); w != "" {
			r.SnapshotWindow = &w
		}
		if in.AutoMinorVersionUpgrade != nil {
			r.AutoMinorVersionUpgrade = in.AutoMinorVersionUpgrade
		}
		var v engineVersion
		if ev := ptr.Val(in.EngineVersion); ev != "" {
			var ok bool
			if v, ok = findVersion(*r.Engine, ev); !ok {
				return invalidValue("Cannot find version %s for %s", ev, *r.Engine)
			}
		}
		pg := strings.ToLower(ptr.Val(in.CacheParameterGroupName))
		newPrimary := strings.ToLower(ptr.Val(in.PrimaryClusterId))
		if newPrimary != "" && !slices.Contains(r.MemberClusters, newPrimary) {
			return errClusterNotFound(newPrimary)
		}
		for _, m := range r.MemberClusters {
			c, err := s.getCluster(tx, sc, m)
			if err != nil {
				continue
			}
			old := c
			c.CacheNodeType = r.CacheNodeType
			if v.Full != "" && v.Full != *c.EngineVersion {
				c.EngineVersion, changed = &v.Full, true
			}
			if pg != "" && pg != *c.CacheParameterGroup.CacheParameterGroupName {
				g, err := s.getParamGroup(tx, sc, pg)
				if err != nil {
					return err
				}
				cv, _ := findVersion(*c.Engine, *c.EngineVersion)
				if *g.CacheParameterGroupFamily != cv.Family {
					return invalidCombination("The parameter group family %s does not match the engine version %s, whose family is %s.", *g.CacheParameterGroupFamily, cv.Full, cv.Family)
				}
				c.CacheParameterGroup = &CacheParameterGroupStatus{CacheParameterGroupName: &pg, ParameterApplyStatus: ptr.To("in-sync"), CacheNodeIdsToReboot: []string{}}
				changed = true
			}
			if in.SecurityGroupIds != nil {
				c.SecurityGroups = sgMembers(in.SecurityGroupIds)
			}
			if w := ptr.Val(in.PreferredMaintenanceWindow); w != "" {
				c.PreferredMaintenanceWindow = ptr.To(strings.ToLower(w))
			}
			c.SnapshotWindow, c.SnapshotRetentionLimit, c.AutoMinorVersionUpgrade = r.SnapshotWindow, r.SnapshotRetentionLimit, r.AutoMinorVersionUpgrade
			if newPrimary != "" && !*r.ClusterEnabled {
				c.Role = "replica"
				if m == newPrimary {
					c.Role = "primary"
				}
			}
			s.putCluster(tx, sc, c, &old)
		}
		if newPrimary != "" && !*r.ClusterEnabled {
			ngs := slices.Clone(r.NodeGroups)
			ms := slices.Clone(ngs[0].NodeGroupMembers)
			for i := range ms {
				ms[i].CurrentRole = ptr.To("replica")
				if *ms[i].CacheClusterId == newPrimary {
					ms[i].CurrentRole = ptr.To("primary")
				}
			}
			ngs[0].NodeGroupMembers = ms
			r.NodeGroups = ngs
			changed = true
		}
		if changed {
			r.Status, r.Changed = ptr.To("modifying"), s.now()
		}
		s.rgs.Put(tx, sc, id, r)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	g := out.settle(s.clock.Now()).ReplicationGroup
	return &ModifyReplicationGroupResult{ReplicationGroup: &g}, nil
}

// DeleteReplicationGroup deletes a replication group and its member
// clusters (all but the primary with RetainPrimaryCluster).
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html
func (s *Service) DeleteReplicationGroup(ctx context.Context, in *DeleteReplicationGroupMessage) (*DeleteReplicationGroupResult, error) {
	sc := s.scope(ctx)
	var out rgRec
	var gone []clusterRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getRG(tx, sc, *in.ReplicationGroupId)
		if err != nil {
			return err
		}
		if *r.Status != "available" {
			// AWS: a group that is creating or modifying cannot be deleted yet.
			return awserr.New("InvalidReplicationGroupState", 0, "Replication group %s is not in a valid state to be deleted.", *r.ReplicationGroupId)
		}
		if name := ptr.Val(in.FinalSnapshotIdentifier); name != "" {
			// AWS: the final snapshot is taken before the group goes.
			if err := checkSnapshotName(name); err != nil {
				return err
			}
			if err := s.putSnapshot(tx, sc, s.snapshotOfGroup(sc, r, name, "manual")); err != nil {
				return err
			}
		}
		for _, m := range r.MemberClusters {
			c, ok := s.clusters.Get(tx, sc, m)
			if !ok {
				continue
			}
			if ptr.Val(in.RetainPrimaryCluster) && c.Role == "primary" {
				old := c
				c.ReplicationGroupId, c.ReplicationGroupLogDeliveryEnabled, c.Role = nil, nil, ""
				s.putCluster(tx, sc, c, &old)
				continue
			}
			s.dropCluster(tx, sc, c)
			gone = append(gone, c)
		}
		s.rgs.Delete(tx, sc, *r.ReplicationGroupId)
		s.tags.Delete(tx, sc, *r.ARN)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.unpublish(out.names()...)
	for _, c := range gone {
		s.unpublish(c.names()...)
		s.stopNodes(ctx, c.nodes(sc))
	}
	out.Status = ptr.To("deleting")
	return &DeleteReplicationGroupResult{ReplicationGroup: &out.ReplicationGroup}, nil
}
