package rds

import (
	"context"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// clusterRec is a stored Aurora DB cluster.
type clusterRec struct {
	DBCluster
	Settled  string
	Transit  string
	Changed  time.Time
	Password string
}

func (c clusterRec) id() string { return ptr.Val(c.DBClusterIdentifier) }

// names are the cluster's writer and reader endpoint names.
func (c clusterRec) names() []string { return []string{ptr.Val(c.Endpoint), ptr.Val(c.ReaderEndpoint)} }

func (c clusterRec) status(now time.Time) string {
	if c.Transit != "" && now.Before(c.Changed.Add(transitDelay)) {
		return c.Transit
	}
	return c.Settled
}

func (s *Service) clusterOut(tx *state.Tx, sc state.Scope, c clusterRec, now time.Time) DBCluster {
	d := c.DBCluster
	d.Status = ptr.To(c.status(now))
	m, _ := s.tags.Get(tx, sc, ptr.Val(d.DBClusterArn))
	d.TagList = tagList(m)
	if d.DBClusterMembers == nil {
		d.DBClusterMembers = []DBClusterMember{}
	}
	return d
}

// joinCluster adds instance id to cluster c.
//
// AWS: the first instance of a cluster is its writer; later ones are readers.
func (s *Service) joinCluster(tx *state.Tx, sc state.Scope, c *clusterRec, id string) {
	writer := true
	for _, m := range c.DBClusterMembers {
		writer = writer && !ptr.Val(m.IsClusterWriter)
	}
	c.DBClusterMembers = append(c.DBClusterMembers, DBClusterMember{
		DBInstanceIdentifier: ptr.To(id), IsClusterWriter: ptr.To(writer), PromotionTier: ptr.To(int64(1)),
		DBClusterParameterGroupStatus: ptr.To("in-sync"),
	})
	s.clusters.Put(tx, sc, c.id(), *c)
}

// leaveCluster removes instance id from cluster c.
//
// AWS: when the writer goes, a reader (the first by promotion tier) is promoted.
func (s *Service) leaveCluster(tx *state.Tx, sc state.Scope, c *clusterRec, id string) {
	wasWriter := false
	c.DBClusterMembers = slices.DeleteFunc(slices.Clone(c.DBClusterMembers), func(m DBClusterMember) bool {
		if ptr.Val(m.DBInstanceIdentifier) == id {
			wasWriter = ptr.Val(m.IsClusterWriter)
			return true
		}
		return false
	})
	if wasWriter && len(c.DBClusterMembers) > 0 {
		c.DBClusterMembers[0].IsClusterWriter = ptr.To(true)
	}
	s.clusters.Put(tx, sc, c.id(), *c)
}

// CreateDBCluster creates an Aurora DB cluster with writer and reader endpoints.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
func (s *Service) CreateDBCluster(ctx context.Context, in *CreateDBClusterMessage) (*CreateDBClusterResult, error) {
	sc := s.scope(ctx)
	id := ptr.Val(in.DBClusterIdentifier)
	if err := checkIdentifier("DBClusterIdentifier", id); err != nil {
		return nil, err
	}
	id = strings.ToLower(id)
	e, ok := findEngine(ptr.Val(in.Engine))
	if !ok {
		return nil, invalidValue("Invalid DB engine: %s", ptr.Val(in.Engine))
	}
	if !e.aurora {
		return nil, invalidValue("haneul supports DB clusters of aurora-mysql and aurora-postgresql, not %s.", e.name)
	}
	if m := ptr.Val(in.EngineMode); m != "" && m != "provisioned" {
		return nil, invalidValue("Engine mode %s is not supported by haneul; use provisioned.", m)
	}
	version, ok := e.resolveVersion(ptr.Val(in.EngineVersion))
	if !ok {
		return nil, invalidCombination("Cannot find version %s for %s", ptr.Val(in.EngineVersion), e.name)
	}
	if err := checkUsername(e, ptr.Val(in.MasterUsername)); err != nil {
		return nil, err
	}
	if !ptr.Val(in.ManageMasterUserPassword) {
		if in.MasterUserPassword == nil {
			return nil, invalidValue("The parameter MasterUserPassword must be provided and must not be blank.")
		}
		if err := checkPassword(e, *in.MasterUserPassword); err != nil {
			return nil, err
		}
	}
	if ptr.Val(in.DatabaseName) != "" {
		if err := checkDBName(e, *in.DatabaseName); err != nil {
			return nil, err
		}
	}
	if err := checkLogTypes(e, version, in.EnableCloudwatchLogsExports); err != nil {
		return nil, err
	}
	port := orDefaultInt(in.Port, e.port)
	net, err := s.placeNetwork(ctx, sc, ptr.Val(in.DBSubnetGroupName), in.VpcSecurityGroupIds)
	if err != nil {
		return nil, err
	}
	cpg := orDefault(in.DBClusterParameterGroupName, "default."+e.family(version))
	if cpg != "default."+e.family(version) {
		return nil, awserr.New("DBClusterParameterGroupNotFoundFault", 0, "DBClusterParameterGroup not found: %s", cpg)
	}
	retention := orDefaultInt(in.BackupRetentionPeriod, 1)
	if retention < 1 || retention > 35 {
		return nil, invalidValue("Invalid backup retention period: %d. Valid values are 1 to 35 days for a DB cluster.", retention)
	}
	now := s.now()
	tok := token(sc)
	c := DBCluster{
		DBClusterIdentifier: ptr.To(id), DBClusterArn: ptr.To(arnOf(sc, "cluster", id)), Engine: ptr.To(e.name),
		EngineVersion: ptr.To(version), EngineMode: ptr.To("provisioned"), MasterUsername: in.MasterUsername,
		DatabaseName: in.DatabaseName, Port: ptr.To(port), DBClusterParameterGroup: ptr.To(cpg),
		DBSubnetGroup: net.group.DBSubnetGroupName, VpcSecurityGroups: sgMemberships(net.sgs), AvailabilityZones: net.zones,
		HostedZoneId: ptr.To(hostedZoneID), DbClusterResourceId: ptr.To(ids.Unique("cluster-", 26)),
		BackupRetentionPeriod: ptr.To(retention), StorageEncrypted: ptr.To(ptr.Val(in.StorageEncrypted)),
		DeletionProtection: ptr.To(ptr.Val(in.DeletionProtection)), CopyTagsToSnapshot: ptr.To(ptr.Val(in.CopyTagsToSnapshot)),
		IAMDatabaseAuthenticationEnabled: ptr.To(ptr.Val(in.EnableIAMDatabaseAuthentication)),
		PreferredBackupWindow:            ptr.To(orDefault(in.PreferredBackupWindow, "03:00-03:30")),
		PreferredMaintenanceWindow:       ptr.To(strings.ToLower(orDefault(in.PreferredMaintenanceWindow, "sun:05:00-sun:05:30"))),
		ClusterCreateTime:                ptr.To(now), MultiAZ: ptr.To(false), HttpEndpointEnabled: ptr.To(false),
		StorageType: ptr.To(orDefault(in.StorageType, "aurora")), AllocatedStorage: ptr.To(int64(1)),
		AssociatedRoles: []DBClusterRole{}, CustomEndpoints: []string{}, ReadReplicaIdentifiers: []string{},
		DBClusterMembers: []DBClusterMember{}, DBClusterOptionGroupMemberships: []DBClusterOptionGroupStatus{},
		DomainMemberships: []DomainMembership{}, NetworkType: ptr.To("IPV4"), AutoMinorVersionUpgrade: ptr.To(true),
		ActivityStreamStatus: ptr.To("stopped"), CrossAccountClone: ptr.To(false),
	}
	// The token sits right after the identifier in AWS's cluster names:
	// mycluster.cluster-c9akciq32.us-east-1.rds.amazonaws.com.
	c.Endpoint = ptr.To(id + ".cluster-" + tok + "." + sc.Region + ".rds.localhost")
	c.ReaderEndpoint = ptr.To(id + ".cluster-ro-" + tok + "." + sc.Region + ".rds.localhost")
	if ptr.Val(c.DatabaseName) == "" {
		c.DatabaseName = nil
	}
	if len(in.EnableCloudwatchLogsExports) > 0 {
		c.EnabledCloudwatchLogsExports = slices.Sorted(slices.Values(in.EnableCloudwatchLogsExports))
	}
	if ptr.Val(in.StorageEncrypted) {
		c.KmsKeyId = ptr.To(orDefault(in.KmsKeyId, "arn:aws:kms:"+sc.Region+":"+sc.Account+":key/"+ids.UUID()))
	}
	tags, err := tagMap(nil, allTags(in.Tags, in.TagSpecifications))
	if err != nil {
		return nil, err
	}
	r := clusterRec{DBCluster: c, Settled: "available", Transit: "creating", Changed: now, Password: ptr.Val(in.MasterUserPassword)}
	var out DBCluster
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.clusters.Get(tx, sc, id); ok {
			return awserr.New("DBClusterAlreadyExistsFault", 0, "DB Cluster already exists")
		}
		s.clusters.Put(tx, sc, id, r)
		if g := ptr.Val(net.group.DBSubnetGroupName); g != "default" {
			s.use(tx, sc, "subgrp", g, id, true)
		}
		s.setTags(tx, sc, *c.DBClusterArn, tags)
		s.event(tx, sc, "db-cluster", id, now, "creation", "DB cluster created")
		out = s.clusterOut(tx, sc, r, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(r.names()...)
	return &CreateDBClusterResult{DBCluster: &out}, nil
}

// DescribeDBClusters lists DB clusters, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBClusters.html
func (s *Service) DescribeDBClusters(ctx context.Context, in *DescribeDBClustersMessage) (*DBClusterMessage, error) {
	sc := s.scope(ctx)
	now := s.now()
	out := []DBCluster{}
	err := s.db.View(func(tx *state.Tx) error {
		if ref := ptr.Val(in.DBClusterIdentifier); ref != "" {
			id := strings.ToLower(ref[strings.LastIndexByte(ref, ':')+1:])
			c, ok := s.clusters.Get(tx, sc, id)
			if !ok {
				return errClusterNotFound(ref)
			}
			out = append(out, s.clusterOut(tx, sc, c, now))
			return nil
		}
		s.clusters.Ascend(tx, sc, "", func(_ string, c clusterRec) bool {
			if match(in.Filters, "db-cluster-id", c.id(), ptr.Val(c.DBClusterArn)) && match(in.Filters, "engine", ptr.Val(c.Engine)) {
				out = append(out, s.clusterOut(tx, sc, c, now))
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBClusterMessage{DBClusters: items, Marker: next}, nil
}

// DeleteDBCluster deletes a DB cluster that has no instances left.
//
// AWS: the cluster's instances must be deleted first; SkipFinalSnapshot or
// a FinalDBSnapshotIdentifier is required; deletion protection refuses.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBCluster.html
func (s *Service) DeleteDBCluster(ctx context.Context, in *DeleteDBClusterMessage) (*DeleteDBClusterResult, error) {
	sc := s.scope(ctx)
	now := s.now()
	id := strings.ToLower(ptr.Val(in.DBClusterIdentifier))
	var c clusterRec
	var out DBCluster
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if c, ok = s.clusters.Get(tx, sc, id); !ok {
			return errClusterNotFound(id)
		}
		if ptr.Val(c.DeletionProtection) {
			return invalidCombination("Cannot delete protected Cluster, please disable deletion protection and try again.")
		}
		skip, final := ptr.Val(in.SkipFinalSnapshot), ptr.Val(in.FinalDBSnapshotIdentifier)
		switch {
		case skip && final != "":
			return invalidCombination("FinalDBSnapshotIdentifier can not be specified when deleting a DB cluster with SkipFinalSnapshot set to true.")
		case !skip && final == "":
			return invalidCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
		}
		if len(c.DBClusterMembers) > 0 {
			return awserr.New("InvalidDBClusterStateFault", 0, "Cluster cannot be deleted, it still contains DB instances in non-deleting state.")
		}
		s.clusters.Delete(tx, sc, id)
		s.use(tx, sc, "subgrp", ptr.Val(c.DBSubnetGroup), id, false)
		out = s.clusterOut(tx, sc, c, now)
		s.tags.Delete(tx, sc, ptr.Val(c.DBClusterArn))
		s.event(tx, sc, "db-cluster", id, now, "deletion", "DB cluster deleted")
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Status = ptr.To("deleting")
	s.unpublish(c.names()...)
	return &DeleteDBClusterResult{DBCluster: &out}, nil
}
