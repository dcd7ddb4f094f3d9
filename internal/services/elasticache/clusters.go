package elasticache

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// clusterRec is a cache cluster and what ElastiCache keeps about it beyond
// DescribeCacheClusters: the random part of its endpoint names, its port, its
// role in a replication group ("primary" or "replica") and when its status
// last changed.
type clusterRec struct {
	CacheCluster
	Token   string
	Port    int64
	Role    string
	Changed time.Time
}

// settle moves a creating, modifying or rebooting cluster to available once createDelay has passed.
func (r clusterRec) settle(now time.Time) clusterRec {
	switch *r.CacheClusterStatus {
	case "creating", "modifying", "rebooting cache cluster nodes":
		if now.Before(r.Changed.Add(createDelay)) {
			return r
		}
		r.CacheClusterStatus = ptr.To("available")
		nodes := slices.Clone(r.CacheNodes)
		for i := range nodes {
			nodes[i].CacheNodeStatus = ptr.To("available")
		}
		r.CacheNodes = nodes
	}
	return r
}

// names are the DNS names of the cluster's nodes and configuration endpoint.
func (r clusterRec) names() []string {
	var out []string
	for _, n := range r.CacheNodes {
		out = append(out, *n.Endpoint.Address)
	}
	if r.ConfigurationEndpoint != nil {
		out = append(out, *r.ConfigurationEndpoint.Address)
	}
	return out
}

// nodes are the cluster's nodes as an Engine sees them.
func (r clusterRec) nodes(sc state.Scope) []Node {
	var out []Node
	for _, n := range r.CacheNodes {
		out = append(out, Node{
			Scope: sc, ClusterID: *r.CacheClusterId, NodeID: *n.CacheNodeId, Engine: *r.Engine,
			EngineVersion: *r.EngineVersion, NodeType: *r.CacheNodeType,
			ParameterGroup: *r.CacheParameterGroup.CacheParameterGroupName,
			Address:        *n.Endpoint.Address, Port: int(*n.Endpoint.Port),
			Primary: r.Role != "replica",
		})
	}
	return out
}

func errClusterNotFound(id string) error {
	return awserr.New("CacheClusterNotFound", 0, "CacheCluster not found: %s", id)
}

// clusterID is AWS's rule for cluster and replication group ids: 1 to 50
// letters, digits or hyphens, beginning with a letter, not ending with a
// hyphen nor holding two hyphens in a row; stored in lowercase.
var clusterID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,49}$`)

func checkID(param, id string) error {
	if !clusterID.MatchString(id) || strings.HasSuffix(id, "-") || strings.Contains(id, "--") {
		return invalidValue("The parameter %s is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.", param)
	}
	return nil
}

// spec is what a new cluster is made of, from CreateCacheCluster or a
// replication group.
type spec struct {
	id, engine, nodeType, subnetGroup, paramGroup, rgID string
	version                                             engineVersion
	nodes                                               int
	port                                                int64
	zones                                               []string // a zone per node
	sgs                                                 []string
	maintenance, snapshotWindow                         string
	retention                                           int64
	autoMinor, transit, atRest, authToken               bool
	token                                               string // random part of the names
	role                                                string // "primary" or "replica" in a replication group
}

// placement is what a subnet group resolves to: its VPC and zones.
type placement struct {
	vpc   string
	zones []string
}

// resolveNetwork checks a subnet group, security groups and preferred zones
// and returns the zones nodes may go to. It calls EC2, so it runs before the
// write transaction; the transaction checks the group again.
func (s *Service) resolveNetwork(ctx context.Context, sc state.Scope, group string, sgs []string) (placement, error) {
	var p placement
	if group != "" {
		err := s.db.View(func(tx *state.Tx) error {
			g, ok := s.subnetGroups.Get(tx, sc, strings.ToLower(group))
			if !ok {
				return errSubnetGroupNotFound(group)
			}
			p.vpc = *g.VpcId
			for _, sn := range g.Subnets {
				if z := *sn.SubnetAvailabilityZone.Name; !slices.Contains(p.zones, z) {
					p.zones = append(p.zones, z)
				}
			}
			slices.Sort(p.zones)
			return nil
		})
		if err != nil {
			return p, err
		}
	} else {
		p.zones = []string{sc.Region + "a", sc.Region + "b", sc.Region + "c"}
	}
	for _, g := range sgs {
		v, err := s.ec2.SecurityGroupVPC(ctx, g)
		if err != nil {
			return p, invalidValue("Some security group Id(s) are not valid: %s", g)
		}
		// AWS: the security groups must be in the subnet group's VPC.
		if p.vpc != "" && v != p.vpc {
			return p, awserr.New("InvalidVPCNetworkStateFault", 0, "The security group %s is not in the VPC %s of the cache subnet group.", g, p.vpc)
		}
	}
	return p, nil
}

// pickZones places n nodes: the preferred zones where given (each must be
// one of the group's), else all in the first zone (or spread over the zones
// for cross-az).
func pickZones(p placement, n int, preferred []string, cross bool) ([]string, error) {
	for _, z := range preferred {
		if !slices.Contains(p.zones, z) {
			return nil, invalidValue("Invalid availability zone: %s. The cache subnet group has no subnet in it.", z)
		}
	}
	out := make([]string, n)
	for i := range out {
		switch {
		case len(preferred) > 0:
			out[i] = preferred[i%len(preferred)]
		case cross:
			out[i] = p.zones[i%len(p.zones)]
		default:
			out[i] = p.zones[0]
		}
	}
	return out, nil
}

// nodeName is the DNS name of node n of a cluster.
func nodeName(id, token string, n int, region string) string {
	return fmt.Sprintf("%s.%s.%04d", id, token, n) + endpointSuffix(region)
}

// newCluster builds the record of a new cluster.
func (s *Service) newCluster(sc state.Scope, sp spec) clusterRec {
	now := s.now()
	r := clusterRec{Token: sp.token, Port: sp.port, Role: sp.role, Changed: now}
	c := CacheCluster{
		ARN:                        ptr.To(arn.New("elasticache", sc.Region, sc.Account, "cluster:"+sp.id)),
		CacheClusterId:             ptr.To(sp.id),
		CacheClusterStatus:         ptr.To("creating"),
		CacheClusterCreateTime:     &now,
		CacheNodeType:              ptr.To(sp.nodeType),
		Engine:                     ptr.To(sp.engine),
		EngineVersion:              ptr.To(sp.version.Full),
		NumCacheNodes:              ptr.To(int64(sp.nodes)),
		PreferredAvailabilityZone:  ptr.To(sp.zones[0]),
		PreferredMaintenanceWindow: ptr.To(sp.maintenance),
		CacheParameterGroup: &CacheParameterGroupStatus{
			CacheParameterGroupName: ptr.To(sp.paramGroup), ParameterApplyStatus: ptr.To("in-sync"), CacheNodeIdsToReboot: []string{},
		},
		CacheSecurityGroups:       []CacheSecurityGroupMembership{},
		PendingModifiedValues:     &PendingModifiedValues{},
		AutoMinorVersionUpgrade:   ptr.To(sp.autoMinor),
		TransitEncryptionEnabled:  ptr.To(sp.transit),
		AtRestEncryptionEnabled:   ptr.To(sp.atRest),
		AuthTokenEnabled:          ptr.To(sp.authToken),
		ClientDownloadLandingPage: ptr.To("https://console.aws.amazon.com/elasticache/home#client-download:"),
		NetworkType:               ptr.To("ipv4"),
		IpDiscovery:               ptr.To("ipv4"),
		LogDeliveryConfigurations: []LogDeliveryConfiguration{},
		SecurityGroups:            sgMembers(sp.sgs),
	}
	if sp.subnetGroup != "" {
		c.CacheSubnetGroupName = ptr.To(sp.subnetGroup)
	}
	if sp.rgID != "" {
		c.ReplicationGroupId = ptr.To(sp.rgID)
		c.ReplicationGroupLogDeliveryEnabled = ptr.To(false)
	}
	if sp.engine != "memcached" {
		c.SnapshotRetentionLimit = ptr.To(sp.retention)
		c.SnapshotWindow = ptr.To(sp.snapshotWindow)
	}
	if cross := len(slices.Compact(slices.Clone(sp.zones))) > 1; cross {
		c.PreferredAvailabilityZone = ptr.To("Multiple")
	}
	if sp.engine == "memcached" {
		// AWS: a Memcached cluster has a configuration endpoint that lists its nodes.
		c.ConfigurationEndpoint = &Endpoint{Address: ptr.To(sp.id + "." + sp.token + ".cfg" + endpointSuffix(sc.Region)), Port: ptr.To(sp.port)}
	}
	r.CacheCluster = c
	r.CacheNodes = s.addNodes(sc, r, nil, sp.zones)
	return r
}

// addNodes returns nodes with one more node per zone given, numbered on.
func (s *Service) addNodes(sc state.Scope, r clusterRec, nodes []CacheNode, zones []string) []CacheNode {
	now := s.now()
	next := 1
	for _, n := range nodes {
		var k int
		fmt.Sscanf(*n.CacheNodeId, "%d", &k)
		next = max(next, k+1)
	}
	out := slices.Clone(nodes)
	for i, z := range zones {
		k := next + i
		out = append(out, CacheNode{
			CacheNodeId:              ptr.To(fmt.Sprintf("%04d", k)),
			CacheNodeStatus:          ptr.To("creating"),
			CacheNodeCreateTime:      &now,
			CustomerAvailabilityZone: ptr.To(z),
			ParameterGroupStatus:     ptr.To("in-sync"),
			Endpoint:                 &Endpoint{Address: ptr.To(nodeName(*r.CacheClusterId, r.Token, k, sc.Region)), Port: ptr.To(r.Port)},
		})
	}
	return out
}

func sgMembers(ids []string) []SecurityGroupMembership {
	out := []SecurityGroupMembership{}
	for _, id := range ids {
		out = append(out, SecurityGroupMembership{SecurityGroupId: ptr.To(id), Status: ptr.To("active")})
	}
	return out
}

// newToken is the random part of a cluster's endpoint names ("abc123").
func newToken() string { return strings.ToLower(ids.Unique("", 6)) }

// Default windows: AWS picks them at random per region; haneul picks these.
const (
	defaultMaintenance    = "sun:05:00-sun:06:00"
	defaultSnapshotWindow = "06:30-07:30"
)

// common checks what clusters and replication groups share: engine, version,
// node type and parameter group. It returns the engine version.
func (s *Service) common(sc state.Scope, engine, version, nodeType, paramGroup string, clusterMode bool) (engineVersion, string, error) {
	if _, ok := engineNames[engine]; !ok {
		return engineVersion{}, "", invalidValue("Invalid engine: %s. Supported engines are memcached, redis and valkey.", engine)
	}
	v, ok := findVersion(engine, version)
	if !ok {
		return v, "", invalidValue("Cannot find version %s for %s", version, engine)
	}
	if nodeType == "" {
		return v, "", invalidValue("The parameter CacheNodeType must be provided and must not be blank.")
	}
	if !validNodeType(nodeType) {
		return v, "", invalidValue("Invalid Cache Node Type: %s", nodeType)
	}
	if paramGroup == "" {
		return v, defaultGroupFor(v, clusterMode), nil
	}
	paramGroup = strings.ToLower(paramGroup)
	err := s.db.View(func(tx *state.Tx) error {
		g, err := s.getParamGroup(tx, sc, paramGroup)
		if err != nil {
			return err
		}
		// AWS: the parameter group's family must be the engine version's.
		if *g.CacheParameterGroupFamily != v.Family {
			return invalidCombination("The parameter group family %s does not match the engine version %s, whose family is %s.", *g.CacheParameterGroupFamily, v.Full, v.Family)
		}
		return nil
	})
	return v, paramGroup, err
}

// CreateCacheCluster creates a cache cluster.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheCluster.html
func (s *Service) CreateCacheCluster(ctx context.Context, in *CreateCacheClusterMessage) (*CreateCacheClusterResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.CacheClusterId)
	if err := checkID("CacheClusterId", id); err != nil {
		return nil, err
	}
	if in.ReplicationGroupId != nil {
		return s.addReplica(ctx, sc, id, in)
	}
	if err := s.restoreDefaults(sc, in); err != nil {
		return nil, err
	}
	engine := ptr.Val(in.Engine)
	if engine == "" {
		return nil, invalidValue("The parameter Engine must be provided.")
	}
	v, pg, err := s.common(sc, engine, ptr.Val(in.EngineVersion), ptr.Val(in.CacheNodeType), ptr.Val(in.CacheParameterGroupName), false)
	if err != nil {
		return nil, err
	}
	n := int(ptr.Val(in.NumCacheNodes))
	if in.NumCacheNodes == nil {
		n = 1
	}
	switch {
	case engine != "memcached" && n != 1:
		// AWS: a Redis OSS or Valkey cluster outside a replication group has one node.
		return nil, invalidValue("Cannot create a %s cluster with a NumCacheNodes parameter greater than 1.", engineNames[engine])
	case n < 1 || n > 40:
		return nil, invalidValue("NumCacheNodes must be between 1 and 40.")
	}
	azMode := ptr.Val(in.AZMode)
	if azMode != "" && engine != "memcached" {
		return nil, invalidCombination("AZMode is only supported for Memcached clusters.")
	}
	if ptr.Val(in.AuthToken) != "" && !ptr.Val(in.TransitEncryptionEnabled) {
		// AWS: an AUTH token needs in-transit encryption.
		return nil, invalidCombination("Encryption feature is not enabled for the given cache cluster. AuthToken is only supported when encryption in-transit is enabled.")
	}
	group := strings.ToLower(ptr.Val(in.CacheSubnetGroupName))
	p, err := s.resolveNetwork(ctx, sc, group, in.SecurityGroupIds)
	if err != nil {
		return nil, err
	}
	preferred := in.PreferredAvailabilityZones
	if z := ptr.Val(in.PreferredAvailabilityZone); z != "" {
		preferred = []string{z}
	}
	zones, err := pickZones(p, n, preferred, azMode == "cross-az")
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
	sp := spec{
		id: id, engine: engine, nodeType: *in.CacheNodeType, subnetGroup: group, paramGroup: pg,
		version: v, nodes: n, port: port, zones: zones, sgs: in.SecurityGroupIds,
		maintenance: strings.ToLower(ptr.Val(in.PreferredMaintenanceWindow)), snapshotWindow: ptr.Val(in.SnapshotWindow),
		retention: ptr.Val(in.SnapshotRetentionLimit), autoMinor: in.AutoMinorVersionUpgrade == nil || *in.AutoMinorVersionUpgrade,
		transit: ptr.Val(in.TransitEncryptionEnabled), authToken: ptr.Val(in.AuthToken) != "", token: newToken(),
	}
	if sp.maintenance == "" {
		sp.maintenance = defaultMaintenance
	}
	if sp.snapshotWindow == "" {
		sp.snapshotWindow = defaultSnapshotWindow
	}
	r := s.newCluster(sc, sp)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.clusters.Get(tx, sc, id); ok {
			return awserr.New("CacheClusterAlreadyExists", 0, "Cache cluster %s already exists.", id)
		}
		if group != "" {
			if _, ok := s.subnetGroups.Get(tx, sc, group); !ok {
				return errSubnetGroupNotFound(group)
			}
		}
		s.putCluster(tx, sc, r, nil)
		s.setTags(tx, sc, *r.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(r.names()...)
	s.startNodes(ctx, r.nodes(sc))
	return &CreateCacheClusterResult{CacheCluster: s.clusterOut(r, false)}, nil
}

// putCluster stores a cluster and keeps the group-use index; old is the
// cluster's previous record (nil for a new one).
func (s *Service) putCluster(tx *state.Tx, sc state.Scope, r clusterRec, old *clusterRec) {
	if old != nil {
		s.use(tx, sc, "sg:"+ptr.Val(old.CacheSubnetGroupName), *old.CacheClusterId, false)
		s.use(tx, sc, "pg:"+*old.CacheParameterGroup.CacheParameterGroupName, *old.CacheClusterId, false)
	}
	if g := ptr.Val(r.CacheSubnetGroupName); g != "" {
		s.use(tx, sc, "sg:"+g, *r.CacheClusterId, true)
	}
	s.use(tx, sc, "pg:"+*r.CacheParameterGroup.CacheParameterGroupName, *r.CacheClusterId, true)
	s.clusters.Put(tx, sc, *r.CacheClusterId, r)
}

// dropCluster deletes a cluster, its index entries and tags.
func (s *Service) dropCluster(tx *state.Tx, sc state.Scope, r clusterRec) {
	s.use(tx, sc, "sg:"+ptr.Val(r.CacheSubnetGroupName), *r.CacheClusterId, false)
	s.use(tx, sc, "pg:"+*r.CacheParameterGroup.CacheParameterGroupName, *r.CacheClusterId, false)
	s.clusters.Delete(tx, sc, *r.CacheClusterId)
	s.tags.Delete(tx, sc, *r.ARN)
}

// clusterOut is the cluster as Describe shows it; CacheNodes only with ShowCacheNodeInfo.
func (s *Service) clusterOut(r clusterRec, nodes bool) *CacheCluster {
	c := r.settle(s.clock.Now()).CacheCluster
	if !nodes {
		c.CacheNodes = nil
	}
	return &c
}

func (s *Service) getCluster(tx *state.Tx, sc state.Scope, id string) (clusterRec, error) {
	r, ok := s.clusters.Get(tx, sc, strings.ToLower(id))
	if !ok {
		return r, errClusterNotFound(id)
	}
	return r.settle(s.clock.Now()), nil
}

// DescribeCacheClusters lists cache clusters, or one.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheClusters.html
func (s *Service) DescribeCacheClusters(ctx context.Context, in *DescribeCacheClustersMessage) (*CacheClusterMessage, error) {
	sc := s.scope(ctx)
	show := ptr.Val(in.ShowCacheNodeInfo)
	var all []CacheCluster
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.CacheClusterId); id != "" {
			r, err := s.getCluster(tx, sc, id)
			if err != nil {
				return err
			}
			all = append(all, *s.clusterOut(r, show))
			return nil
		}
		s.clusters.Ascend(tx, sc, "", func(_ string, r clusterRec) bool {
			if !ptr.Val(in.ShowCacheClustersNotInReplicationGroups) || r.ReplicationGroupId == nil {
				all = append(all, *s.clusterOut(r, show))
			}
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
	return &CacheClusterMessage{CacheClusters: items, Marker: next}, nil
}

// ModifyCacheCluster changes a cache cluster. haneul applies every change at
// once (as with ApplyImmediately), so no change is left pending.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyCacheCluster.html
func (s *Service) ModifyCacheCluster(ctx context.Context, in *ModifyCacheClusterMessage) (*ModifyCacheClusterResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.CacheClusterId)
	var cur clusterRec
	if err := s.db.View(func(tx *state.Tx) error {
		var err error
		cur, err = s.getCluster(tx, sc, id)
		return err
	}); err != nil {
		return nil, err
	}
	if in.SecurityGroupIds != nil {
		if _, err := s.resolveNetwork(ctx, sc, ptr.Val(cur.CacheSubnetGroupName), in.SecurityGroupIds); err != nil {
			return nil, err
		}
	}
	var added, removed []Node
	var out clusterRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getCluster(tx, sc, id)
		if err != nil {
			return err
		}
		if *r.CacheClusterStatus != "available" {
			// AWS: only an available cluster can be modified.
			return awserr.New("InvalidCacheClusterState", 0, "Cache cluster %s is not in available state.", id)
		}
		old := r
		changed := false
		if t := ptr.Val(in.CacheNodeType); t != "" && t != *r.CacheNodeType {
			if !validNodeType(t) {
				return invalidValue("Invalid Cache Node Type: %s", t)
			}
			r.CacheNodeType, changed = &t, true
		}
		if e := ptr.Val(in.Engine); e != "" && e != *r.Engine {
			return invalidCombination("Changing the engine of a cache cluster from %s to %s is not supported.", *r.Engine, e)
		}
		if ev := ptr.Val(in.EngineVersion); ev != "" {
			v, ok := findVersion(*r.Engine, ev)
			if !ok {
				return invalidValue("Cannot find version %s for %s", ev, *r.Engine)
			}
			if v.Full != *r.EngineVersion {
				cv, _ := findVersion(*r.Engine, *r.EngineVersion)
				if slices.IndexFunc(engineVersions, func(x engineVersion) bool { return x == v }) < slices.IndexFunc(engineVersions, func(x engineVersion) bool { return x == cv }) {
					// AWS: engine versions only go up.
					return invalidCombination("Cannot downgrade %s cache cluster %s from %s to %s.", *r.Engine, id, *r.EngineVersion, v.Full)
				}
				r.EngineVersion, changed = &v.Full, true
				if in.CacheParameterGroupName == nil && !strings.HasSuffix(*r.CacheParameterGroup.CacheParameterGroupName, v.Family) {
					r.CacheParameterGroup = &CacheParameterGroupStatus{CacheParameterGroupName: ptr.To(defaultGroupFor(v, false)), ParameterApplyStatus: ptr.To("in-sync"), CacheNodeIdsToReboot: []string{}}
				}
			}
		}
		if pg := strings.ToLower(ptr.Val(in.CacheParameterGroupName)); pg != "" && pg != *r.CacheParameterGroup.CacheParameterGroupName {
			g, err := s.getParamGroup(tx, sc, pg)
			if err != nil {
				return err
			}
			v, _ := findVersion(*r.Engine, *r.EngineVersion)
			if *g.CacheParameterGroupFamily != v.Family {
				return invalidCombination("The parameter group family %s does not match the engine version %s, whose family is %s.", *g.CacheParameterGroupFamily, v.Full, v.Family)
			}
			r.CacheParameterGroup = &CacheParameterGroupStatus{CacheParameterGroupName: &pg, ParameterApplyStatus: ptr.To("in-sync"), CacheNodeIdsToReboot: []string{}}
			changed = true
		}
		if in.NumCacheNodes != nil && int(*in.NumCacheNodes) != len(r.CacheNodes) {
			n := int(*in.NumCacheNodes)
			if *r.Engine != "memcached" {
				return invalidValue("Cannot modify a %s cluster's NumCacheNodes to more than 1.", engineNames[*r.Engine])
			}
			if n < 1 || n > 40 {
				return invalidValue("NumCacheNodes must be between 1 and 40.")
			}
			if n > len(r.CacheNodes) {
				zones := make([]string, n-len(r.CacheNodes))
				for i := range zones {
					zones[i] = *r.CacheNodes[0].CustomerAvailabilityZone
				}
				r.CacheNodes = s.addNodes(sc, r, r.CacheNodes, zones)
				added = r.nodes(sc)[len(old.CacheNodes):]
			} else {
				// AWS: removing nodes takes the ones named in CacheNodeIdsToRemove, else the newest.
				drop := in.CacheNodeIdsToRemove
				if len(drop) == 0 {
					for _, cn := range r.CacheNodes[n:] {
						drop = append(drop, *cn.CacheNodeId)
					}
				}
				if len(drop) != len(r.CacheNodes)-n {
					return invalidValue("The number of cache nodes to remove (%d) does not match the reduction in NumCacheNodes (%d).", len(drop), len(r.CacheNodes)-n)
				}
				var keep []CacheNode
				for i, cn := range r.CacheNodes {
					if slices.Contains(drop, *cn.CacheNodeId) {
						removed = append(removed, r.nodes(sc)[i])
					} else {
						keep = append(keep, cn)
					}
				}
				if len(keep) != n {
					return invalidValue("Some of the cache node ids to remove do not exist: %v", drop)
				}
				r.CacheNodes = keep
			}
			r.NumCacheNodes = ptr.To(int64(n))
			changed = true
		}
		if in.SecurityGroupIds != nil {
			r.SecurityGroups = sgMembers(in.SecurityGroupIds)
		}
		if w := ptr.Val(in.PreferredMaintenanceWindow); w != "" {
			r.PreferredMaintenanceWindow = ptr.To(strings.ToLower(w))
		}
		if *r.Engine != "memcached" {
			if w := ptr.Val(in.SnapshotWindow); w != "" {
				r.SnapshotWindow = &w
			}
			if in.SnapshotRetentionLimit != nil {
				r.SnapshotRetentionLimit = in.SnapshotRetentionLimit
			}
		}
		if in.AutoMinorVersionUpgrade != nil {
			r.AutoMinorVersionUpgrade = in.AutoMinorVersionUpgrade
		}
		if changed {
			r.CacheClusterStatus, r.Changed = ptr.To("modifying"), s.now()
		}
		s.putCluster(tx, sc, r, &old)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range removed {
		s.unpublish(n.Address)
	}
	s.stopNodes(ctx, removed)
	s.publish(out.names()...)
	s.startNodes(ctx, added)
	return &ModifyCacheClusterResult{CacheCluster: s.clusterOut(out, false)}, nil
}

// RebootCacheCluster reboots nodes of a cache cluster.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_RebootCacheCluster.html
func (s *Service) RebootCacheCluster(ctx context.Context, in *RebootCacheClusterMessage) (*RebootCacheClusterResult, error) {
	sc := s.scope(ctx)
	var out clusterRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getCluster(tx, sc, *in.CacheClusterId)
		if err != nil {
			return err
		}
		if *r.CacheClusterStatus != "available" {
			return awserr.New("InvalidCacheClusterState", 0, "Cache cluster %s is not in available state.", *r.CacheClusterId)
		}
		for _, id := range in.CacheNodeIdsToReboot {
			if !slices.ContainsFunc(r.CacheNodes, func(n CacheNode) bool { return *n.CacheNodeId == id }) {
				return invalidValue("Cache node %s does not exist in cache cluster %s.", id, *r.CacheClusterId)
			}
		}
		old := r
		r.CacheClusterStatus, r.Changed = ptr.To("rebooting cache cluster nodes"), s.now()
		s.putCluster(tx, sc, r, &old)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RebootCacheClusterResult{CacheCluster: s.clusterOut(out, false)}, nil
}

// DeleteCacheCluster deletes a cache cluster that is not in a replication group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheCluster.html
func (s *Service) DeleteCacheCluster(ctx context.Context, in *DeleteCacheClusterMessage) (*DeleteCacheClusterResult, error) {
	sc := s.scope(ctx)
	var out clusterRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getCluster(tx, sc, *in.CacheClusterId)
		if err != nil {
			return err
		}
		if rg := ptr.Val(r.ReplicationGroupId); rg != "" && r.Role == "primary" {
			// AWS: a replication group's primary goes with its group.
			return awserr.New("InvalidCacheClusterState", 0, "Cannot delete the given cacheCluster: %s as it is serving as primary for replication group %s.", *r.CacheClusterId, rg)
		}
		if st := *r.CacheClusterStatus; st != "available" && st != "incompatible-parameters" && st != "incompatible-network" && st != "restore-failed" {
			// AWS: a cluster that is creating or modifying cannot be deleted yet.
			return awserr.New("InvalidCacheClusterState", 0, "Cache cluster %s is not in a valid state to be deleted.", *r.CacheClusterId)
		}
		if in.FinalSnapshotIdentifier != nil && *r.Engine == "memcached" {
			return invalidCombination("Final snapshots are not supported for Memcached clusters.")
		}
		if name := ptr.Val(in.FinalSnapshotIdentifier); name != "" {
			// AWS: the final snapshot is taken before the cluster goes.
			if err := checkSnapshotName(name); err != nil {
				return err
			}
			if err := s.putSnapshot(tx, sc, s.snapshotOfCluster(sc, r, name, "manual")); err != nil {
				return err
			}
		}
		if rg := ptr.Val(r.ReplicationGroupId); rg != "" {
			if g, ok := s.rgs.Get(tx, sc, rg); ok {
				g.MemberClusters = slices.DeleteFunc(slices.Clone(g.MemberClusters), func(m string) bool { return m == *r.CacheClusterId })
				ngs := slices.Clone(g.NodeGroups)
				for i := range ngs {
					ngs[i].NodeGroupMembers = slices.DeleteFunc(slices.Clone(ngs[i].NodeGroupMembers), func(m NodeGroupMember) bool { return *m.CacheClusterId == *r.CacheClusterId })
				}
				g.NodeGroups = ngs
				s.rgs.Put(tx, sc, rg, g)
			}
		}
		s.dropCluster(tx, sc, r)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.unpublish(out.names()...)
	s.stopNodes(ctx, out.nodes(sc))
	// AWS: the answer shows the cluster deleting; it is gone once deleted.
	out.CacheClusterStatus = ptr.To("deleting")
	return &DeleteCacheClusterResult{CacheCluster: s.clusterOut(out, false)}, nil
}
