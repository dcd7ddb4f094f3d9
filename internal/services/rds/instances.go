package rds

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// instRec is a stored DB instance: the description AWS returns (without the
// computed status, endpoint and tags) and what haneul needs beside it.
type instRec struct {
	DBInstance
	Settled  string    // the status once the transition is over: "available", "stopped"
	Transit  string    // the status until Changed+transitDelay: "creating", "modifying", …
	Changed  time.Time // when the transition began
	Password string    // the master password (an engine needs it)
	Zones    []string  // the Availability Zones of its subnet group
}

func (r instRec) id() string { return ptr.Val(r.DBInstanceIdentifier) }

// address is the endpoint's DNS name.
func (r instRec) address() string {
	if r.Endpoint == nil {
		return ""
	}
	return ptr.Val(r.Endpoint.Address)
}

// status is the instance's status at now.
func (r instRec) status(now time.Time) string {
	if r.Transit != "" && now.Before(r.Changed.Add(transitDelay)) {
		return r.Transit
	}
	return r.Settled
}

// engineView is the instance as an Engine sees it.
func (r instRec) engineView(sc state.Scope) Instance {
	pg := ""
	if len(r.DBParameterGroups) > 0 {
		pg = ptr.Val(r.DBParameterGroups[0].DBParameterGroupName)
	}
	port := 0
	if r.Endpoint != nil {
		port = int(ptr.Val(r.Endpoint.Port))
	}
	return Instance{
		Scope: sc, ID: r.id(), ResourceID: ptr.Val(r.DbiResourceId), Engine: ptr.Val(r.Engine),
		EngineVersion: ptr.Val(r.EngineVersion), Class: ptr.Val(r.DBInstanceClass), Address: r.address(), Port: port,
		MasterUsername: ptr.Val(r.MasterUsername), MasterPassword: r.Password, DBName: ptr.Val(r.DBName),
		ParameterGroup: pg, Cluster: ptr.Val(r.DBClusterIdentifier),
	}
}

// out is the description AWS returns at now.
func (s *Service) instOut(tx *state.Tx, sc state.Scope, r instRec, now time.Time) DBInstance {
	d := r.DBInstance
	st := r.status(now)
	d.DBInstanceStatus = ptr.To(st)
	// AWS: a new instance has no endpoint until it has been created.
	if st == "creating" {
		d.Endpoint = nil
	}
	if p := d.PendingModifiedValues; p == nil {
		d.PendingModifiedValues = &PendingModifiedValues{}
	}
	m, _ := s.tags.Get(tx, sc, ptr.Val(d.DBInstanceArn))
	d.TagList = tagList(m)
	return d
}

var (
	// instanceID is what AWS accepts as a DB instance, cluster or snapshot identifier.
	instanceID = regexp.MustCompile(`^[a-zA-Z](-?[a-zA-Z0-9])*$`)
	dbName     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	userName   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
)

// checkIdentifier checks an identifier of kind ("DBInstanceIdentifier", …).
//
// AWS: 1 to 63 letters, digits and hyphens; a letter first; no hyphen at the
// end nor two in a row.
func checkIdentifier(kind, id string) error {
	if len(id) > 63 || !instanceID.MatchString(id) {
		return invalidValue("The parameter %s is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.", kind)
	}
	return nil
}

// checkPassword checks a master password against the engine's rules.
//
// AWS: printable ASCII except '/', '"', '@' and space; 8 characters at
// least; at most 41 for MySQL and MariaDB, 128 for PostgreSQL.
func checkPassword(e engineSpec, p string) error {
	for _, c := range p {
		if c < 0x21 || c > 0x7e || c == '/' || c == '"' || c == '@' {
			return invalidValue("The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.")
		}
	}
	if len(p) < 8 {
		return invalidValue("The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.")
	}
	if len(p) > e.passwordMax {
		return invalidValue("The parameter MasterUserPassword is not a valid password because it is longer than %d characters.", e.passwordMax)
	}
	return nil
}

// checkUsername checks a master user name.
//
// AWS: a letter first, then letters, digits and underscores, up to 16
// characters for MySQL and MariaDB (63 for PostgreSQL); "rdsadmin" is reserved.
func checkUsername(e engineSpec, u string) error {
	if u == "" {
		return invalidValue("The parameter MasterUsername must be provided and must not be blank.")
	}
	if !userName.MatchString(u) || len(u) > e.userMax {
		return invalidValue("The parameter MasterUsername is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and underscores; and must be at most %d characters long.", e.userMax)
	}
	if strings.EqualFold(u, "rdsadmin") {
		return invalidValue("MasterUsername %s cannot be used as it is a reserved word used by the engine", u)
	}
	return nil
}

func checkDBName(e engineSpec, n string) error {
	if !dbName.MatchString(n) || len(n) > e.dbNameMax {
		return invalidValue("The parameter DBName is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and underscores; and must be at most %d characters long.", e.dbNameMax)
	}
	return nil
}

// checkClass checks that the engine offers class.
func checkClass(e engineSpec, version, class string) error {
	if !slices.Contains(e.classes(), class) {
		return invalidCombination("RDS does not support creating a DB instance with the following combination: DBInstanceClass=%s, Engine=%s, EngineVersion=%s, LicenseModel=%s. For supported combinations of instance class and database engine version, see the documentation.", class, e.name, version, e.license)
	}
	return nil
}

// checkStorage checks a storage type and size (GiB).
func checkStorage(e engineSpec, typ string, size int64, iops *int64) error {
	lim, ok := storageLimits[typ]
	if !ok {
		return invalidValue("Invalid storage type: %s", typ)
	}
	if size < lim[0] || size > lim[1] {
		return invalidValue("Invalid storage size for engine name %s and storage type %s: %d", e.name, typ, size)
	}
	// AWS: provisioned-IOPS storage needs Iops; gp2 and standard take none.
	switch typ {
	case "io1", "io2":
		if iops == nil {
			return invalidCombination("You must specify a value for Iops with storage type %s.", typ)
		}
	case "gp2", "standard":
		if iops != nil && *iops != 0 {
			return invalidCombination("You can't specify IOPS or storage throughput for engine %s and a storage type of %s.", e.name, typ)
		}
	}
	return nil
}

func checkLogTypes(e engineSpec, version string, logs []string) error {
	for _, l := range logs {
		if !slices.Contains(e.logTypes, l) {
			return invalidCombination("You cannot use the log types '%s' with engine version %s %s. For supported log types, see the documentation.", l, e.name, version)
		}
	}
	return nil
}

// network is where an instance is placed.
type network struct {
	group   *DBSubnetGroup
	vpc     string
	zones   []string
	sgs     []string
	private bool // placed by a subnet group (the default for PubliclyAccessible is false)
}

// placeNetwork resolves an instance's subnet group (or the default VPC) and
// security groups.
//
// AWS: without a DB subnet group an instance goes to the default VPC; without
// security groups it gets its VPC's default group.
func (s *Service) placeNetwork(ctx context.Context, sc state.Scope, groupName string, sgIDs []string) (network, error) {
	var n network
	if groupName != "" {
		name := strings.ToLower(groupName)
		err := s.db.View(func(tx *state.Tx) error {
			g, ok := s.subnetGroups.Get(tx, sc, name)
			if !ok {
				return errSubnetGroupNotFound(name)
			}
			n.group = &g
			return nil
		})
		if err != nil {
			return n, err
		}
		n.vpc = ptr.Val(n.group.VpcId)
		n.private = true
		for _, sn := range n.group.Subnets {
			if z := ptr.Val(sn.SubnetAvailabilityZone.Name); !slices.Contains(n.zones, z) {
				n.zones = append(n.zones, z)
			}
		}
	} else {
		vpc, subnets, err := s.ec2.RDSDefaultNetwork(ctx)
		if err != nil {
			return n, err
		}
		if vpc == "" {
			return n, awserr.New("InvalidVPCNetworkStateFault", 0, "No default VPC exists in this region; specify a DB subnet group.")
		}
		n.vpc = vpc
		g := DBSubnetGroup{DBSubnetGroupName: ptr.To("default"), DBSubnetGroupDescription: ptr.To("default"),
			VpcId: ptr.To(vpc), SubnetGroupStatus: ptr.To("Complete"), SupportedNetworkTypes: []string{"IPV4"}}
		for _, id := range slices.Sorted(maps.Keys(subnets)) {
			z := subnets[id]
			g.Subnets = append(g.Subnets, Subnet{SubnetIdentifier: ptr.To(id), SubnetAvailabilityZone: &AvailabilityZone{Name: ptr.To(z)}, SubnetStatus: ptr.To("Active")})
			if !slices.Contains(n.zones, z) {
				n.zones = append(n.zones, z)
			}
		}
		n.group = &g
	}
	slices.Sort(n.zones)
	for _, id := range sgIDs {
		v, err := s.ec2.SecurityGroupVPC(ctx, id)
		if err != nil {
			return n, invalidValue("Invalid security group , groupId= %s, groupName=.", id)
		}
		if v != n.vpc {
			return n, invalidCombination("The DB instance and EC2 security group are in different VPCs. The DB instance is in %s and the EC2 security group is in %s", n.vpc, v)
		}
		n.sgs = append(n.sgs, id)
	}
	if len(n.sgs) == 0 {
		sg, err := s.ec2.RDSDefaultSecurityGroup(ctx, n.vpc)
		if err != nil {
			return n, err
		}
		n.sgs = []string{sg}
	}
	return n, nil
}

func sgMemberships(ids []string) []VpcSecurityGroupMembership {
	out := []VpcSecurityGroupMembership{}
	for _, id := range ids {
		out = append(out, VpcSecurityGroupMembership{VpcSecurityGroupId: ptr.To(id), Status: ptr.To("active")})
	}
	return out
}

// CreateDBInstance creates a DB instance, standalone or in an Aurora cluster.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
func (s *Service) CreateDBInstance(ctx context.Context, in *CreateDBInstanceMessage) (*CreateDBInstanceResult, error) {
	sc := s.scope(ctx)
	id := ptr.Val(in.DBInstanceIdentifier)
	if err := checkIdentifier("DBInstanceIdentifier", id); err != nil {
		return nil, err
	}
	// AWS: identifiers are stored in lower case.
	id = strings.ToLower(id)
	e, ok := findEngine(ptr.Val(in.Engine))
	if !ok {
		return nil, invalidValue("Invalid DB engine: %s", ptr.Val(in.Engine))
	}
	var cl *clusterRec
	if e.aurora {
		cid := strings.ToLower(ptr.Val(in.DBClusterIdentifier))
		if cid == "" {
			return nil, invalidCombination("The requested DB Instance will be a member of a DB Cluster. Specify the DB cluster identifier with DBClusterIdentifier.")
		}
		err := s.db.View(func(tx *state.Tx) error {
			c, ok := s.clusters.Get(tx, sc, cid)
			if !ok {
				return errClusterNotFound(cid)
			}
			cl = &c
			return nil
		})
		if err != nil {
			return nil, err
		}
		if ptr.Val(cl.Engine) != e.name {
			return nil, invalidCombination("The engine name requested for your DB instance (%s) doesn't match the engine name of your DB cluster (%s).", e.name, ptr.Val(cl.Engine))
		}
	} else if in.DBClusterIdentifier != nil {
		return nil, invalidCombination("A DB instance of engine %s can't be a member of a DB cluster.", e.name)
	}
	version, ok := e.resolveVersion(ptr.Val(in.EngineVersion))
	if cl != nil {
		version = ptr.Val(cl.EngineVersion)
	} else if !ok {
		return nil, invalidCombination("Cannot find version %s for %s", ptr.Val(in.EngineVersion), e.name)
	}
	class := ptr.Val(in.DBInstanceClass)
	if err := checkClass(e, version, class); err != nil {
		return nil, err
	}
	d := DBInstance{
		DBInstanceIdentifier: ptr.To(id), DBInstanceClass: ptr.To(class), Engine: ptr.To(e.name), EngineVersion: ptr.To(version),
		LicenseModel: ptr.To(e.license), AutoMinorVersionUpgrade: ptr.To(ptr.Val(in.AutoMinorVersionUpgrade) || in.AutoMinorVersionUpgrade == nil),
		CACertificateIdentifier: ptr.To("rds-ca-rsa2048-g1"), NetworkType: ptr.To("IPV4"),
		CopyTagsToSnapshot: ptr.To(ptr.Val(in.CopyTagsToSnapshot)), DeletionProtection: ptr.To(ptr.Val(in.DeletionProtection)),
		IAMDatabaseAuthenticationEnabled: ptr.To(ptr.Val(in.EnableIAMDatabaseAuthentication)),
		PerformanceInsightsEnabled:       ptr.To(ptr.Val(in.EnablePerformanceInsights)),
		MonitoringInterval:               ptr.To(ptr.Val(in.MonitoringInterval)), MonitoringRoleArn: in.MonitoringRoleArn,
		DedicatedLogVolume: ptr.To(false), CustomerOwnedIpEnabled: ptr.To(false), MultiTenant: ptr.To(false),
		StorageEncrypted: ptr.To(ptr.Val(in.StorageEncrypted)), BackupTarget: ptr.To("region"),
		PreferredBackupWindow:      ptr.To(orDefault(in.PreferredBackupWindow, "03:00-03:30")),
		PreferredMaintenanceWindow: ptr.To(strings.ToLower(orDefault(in.PreferredMaintenanceWindow, "sun:05:00-sun:05:30"))),
		DbiResourceId:              ptr.To(ids.Unique("db-", 26)),
		DBInstanceArn:              ptr.To(arnOf(sc, "db", id)),
		ActivityStreamStatus:       ptr.To("stopped"),
		StatusInfos:                []DBInstanceStatusInfo{},
		DomainMemberships:          []DomainMembership{},
		AssociatedRoles:            []DBInstanceRole{},
		DBSecurityGroups:           []DBSecurityGroupMembership{},
	}
	if ptr.Val(in.StorageEncrypted) {
		d.KmsKeyId = ptr.To(orDefault(in.KmsKeyId, fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", sc.Region, sc.Account, ids.UUID())))
	}
	if d.PerformanceInsightsEnabled != nil && *d.PerformanceInsightsEnabled {
		d.PerformanceInsightsRetentionPeriod = ptr.To(orDefaultInt(in.PerformanceInsightsRetentionPeriod, 7))
	}
	if cl != nil {
		d.DBClusterIdentifier = cl.DBClusterIdentifier
		d.MasterUsername = cl.MasterUsername
		d.DBName = cl.DatabaseName
		d.AllocatedStorage = ptr.To(int64(1))
		d.StorageType = ptr.To("aurora")
		d.BackupRetentionPeriod = cl.BackupRetentionPeriod
		d.PromotionTier = ptr.To(orDefaultInt(in.PromotionTier, 1))
		if in.MasterUsername != nil || in.MasterUserPassword != nil || in.AllocatedStorage != nil {
			return nil, invalidCombination("The requested DB instance will be a member of a DB cluster. Set the master user name, password and storage for the DB cluster instead.")
		}
	} else {
		if err := checkUsername(e, ptr.Val(in.MasterUsername)); err != nil {
			return nil, err
		}
		d.MasterUsername = in.MasterUsername
		if ptr.Val(in.ManageMasterUserPassword) {
			if in.MasterUserPassword != nil {
				return nil, invalidCombination("You can't specify MasterUserPassword when ManageMasterUserPassword is turned on.")
			}
			d.MasterUserSecret = &MasterUserSecret{SecretStatus: ptr.To("active"),
				SecretArn: ptr.To(fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s", sc.Region, sc.Account, ids.UUID()))}
		} else {
			if in.MasterUserPassword == nil {
				return nil, invalidValue("The parameter MasterUserPassword must be provided and must not be blank.")
			}
			if err := checkPassword(e, *in.MasterUserPassword); err != nil {
				return nil, err
			}
		}
		// An empty DBName (Terraform sends one when db_name is unset) means none.
		if ptr.Val(in.DBName) != "" {
			if err := checkDBName(e, *in.DBName); err != nil {
				return nil, err
			}
			d.DBName = in.DBName
		}
		if in.AllocatedStorage == nil {
			return nil, invalidValue("The parameter AllocatedStorage must be provided and must not be null.")
		}
		typ := "gp2"
		if in.Iops != nil {
			typ = "io1"
		}
		typ = orDefault(in.StorageType, typ)
		if err := checkStorage(e, typ, *in.AllocatedStorage, in.Iops); err != nil {
			return nil, err
		}
		d.AllocatedStorage, d.StorageType, d.Iops = in.AllocatedStorage, ptr.To(typ), in.Iops
		if typ == "gp3" {
			// AWS: gp3 below 400 GiB gives a baseline of 3,000 IOPS and 125 MiB/s.
			d.Iops = ptr.To(orDefaultInt(in.Iops, 3000))
			d.StorageThroughput = ptr.To(orDefaultInt(in.StorageThroughput, 125))
		}
		if m := ptr.Val(in.MaxAllocatedStorage); m != 0 {
			if m < *in.AllocatedStorage {
				return nil, invalidValue("Max storage size must be greater than storage size")
			}
			d.MaxAllocatedStorage = in.MaxAllocatedStorage
		}
		r := ptr.Val(in.BackupRetentionPeriod)
		if in.BackupRetentionPeriod == nil {
			r = 1
		}
		if r < 0 || r > 35 {
			return nil, invalidValue("Invalid backup retention period: %d. Valid values are 0 to 35 days.", r)
		}
		d.BackupRetentionPeriod = ptr.To(r)
	}
	port := orDefaultInt(in.Port, e.port)
	if cl != nil {
		port = ptr.Val(cl.Port)
	}
	if port < 1150 || port > 65535 {
		return nil, invalidValue("Invalid port %d. The port must be between 1150 and 65535.", port)
	}
	d.DbInstancePort = ptr.To(int64(0))
	if err := checkLogTypes(e, version, in.EnableCloudwatchLogsExports); err != nil {
		return nil, err
	}
	if len(in.EnableCloudwatchLogsExports) > 0 {
		d.EnabledCloudwatchLogsExports = slices.Sorted(slices.Values(in.EnableCloudwatchLogsExports))
	}
	groupName := ptr.Val(in.DBSubnetGroupName)
	if cl != nil {
		groupName = ptr.Val(cl.DBSubnetGroup)
		if in.DBSubnetGroupName != nil && !strings.EqualFold(*in.DBSubnetGroupName, groupName) {
			return nil, invalidCombination("The DB subnet group of a DB cluster member must be the DB cluster's: %s.", groupName)
		}
	}
	sgIDs := in.VpcSecurityGroupIds
	if cl != nil {
		sgIDs = nil
		for _, m := range cl.VpcSecurityGroups {
			sgIDs = append(sgIDs, ptr.Val(m.VpcSecurityGroupId))
		}
	}
	net, err := s.placeNetwork(ctx, sc, groupName, sgIDs)
	if err != nil {
		return nil, err
	}
	d.DBSubnetGroup = net.group
	d.VpcSecurityGroups = sgMemberships(net.sgs)
	d.MultiAZ = ptr.To(ptr.Val(in.MultiAZ))
	zone := ptr.Val(in.AvailabilityZone)
	if zone != "" {
		if ptr.Val(in.MultiAZ) {
			return nil, invalidCombination("Requesting a specific availability zone is not valid for Multi-AZ instances.")
		}
		if !slices.Contains(net.zones, zone) {
			return nil, invalidCombination("DB Subnet Group doesn't meet availability zone coverage requirement. Please add subnets to cover at least 2 availability zones. Current coverage: %d", len(net.zones))
		}
	} else if len(net.zones) > 0 {
		zone = net.zones[0]
	}
	d.AvailabilityZone = ptr.To(zone)
	if ptr.Val(in.MultiAZ) {
		// AWS: a Multi-AZ standby is in another zone of the subnet group.
		for _, z := range net.zones {
			if z != zone {
				d.SecondaryAvailabilityZone = ptr.To(z)
				break
			}
		}
	}
	d.PubliclyAccessible = ptr.To(!net.private)
	if in.PubliclyAccessible != nil {
		d.PubliclyAccessible = in.PubliclyAccessible
	}
	d.Endpoint = &Endpoint{Address: ptr.To(id + endpointSuffix(sc)), Port: ptr.To(port), HostedZoneId: ptr.To(hostedZoneID)}
	now := s.now()
	d.InstanceCreateTime = ptr.To(now)
	pgName := ptr.Val(in.DBParameterGroupName)
	if pgName == "" {
		pgName = e.defaultParamGroup(version)
	}
	ogName := ptr.Val(in.OptionGroupName)
	if ogName == "" {
		ogName = e.defaultOptionGroup(version)
	}
	pgName, ogName = strings.ToLower(pgName), strings.ToLower(ogName)
	d.DBParameterGroups = []DBParameterGroupStatus{{DBParameterGroupName: ptr.To(pgName), ParameterApplyStatus: ptr.To("in-sync")}}
	d.OptionGroupMemberships = []OptionGroupMembership{{OptionGroupName: ptr.To(ogName), Status: ptr.To("in-sync")}}
	tags, err := tagMap(nil, allTags(in.Tags, in.TagSpecifications))
	if err != nil {
		return nil, err
	}
	r := instRec{DBInstance: d, Settled: "available", Transit: "creating", Changed: now, Password: ptr.Val(in.MasterUserPassword), Zones: net.zones}
	if cl != nil {
		r.Password = cl.Password
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.instances.Get(tx, sc, id); ok {
			return awserr.New("DBInstanceAlreadyExistsFault", 0, "DB instance already exists")
		}
		if err := s.checkParamGroup(tx, sc, pgName, e.family(version)); err != nil {
			return err
		}
		if err := s.checkOptionGroup(tx, sc, ogName, e, version); err != nil {
			return err
		}
		if cl != nil {
			c, ok := s.clusters.Get(tx, sc, ptr.Val(cl.DBClusterIdentifier))
			if !ok {
				return errClusterNotFound(ptr.Val(cl.DBClusterIdentifier))
			}
			s.joinCluster(tx, sc, &c, id)
		}
		s.instances.Put(tx, sc, id, r)
		s.resIndex.Put(tx, sc, ptr.Val(d.DbiResourceId), id)
		if net.group != nil && ptr.Val(net.group.DBSubnetGroupName) != "default" {
			s.use(tx, sc, "subgrp", ptr.Val(net.group.DBSubnetGroupName), id, true)
		}
		s.use(tx, sc, "pg", pgName, id, true)
		s.use(tx, sc, "og", ogName, id, true)
		s.setTags(tx, sc, *d.DBInstanceArn, tags)
		s.event(tx, sc, "db-instance", id, now, "creation", "DB instance created")
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(r.address())
	s.startEngine(ctx, r.engineView(sc))
	var out DBInstance
	_ = s.db.View(func(tx *state.Tx) error { out = s.instOut(tx, sc, r, now); return nil })
	return &CreateDBInstanceResult{DBInstance: &out}, nil
}

func orDefault(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

func orDefaultInt(p *int64, def int64) int64 {
	if p == nil {
		return def
	}
	return *p
}

// getInstance finds an instance by identifier or ARN.
func (s *Service) getInstance(tx *state.Tx, sc state.Scope, ref string) (instRec, error) {
	id := strings.ToLower(ref)
	if strings.HasPrefix(ref, "arn:") {
		id = strings.ToLower(ref[strings.LastIndexByte(ref, ':')+1:])
	}
	r, ok := s.instances.Get(tx, sc, id)
	if !ok {
		return r, errInstanceNotFound(ref)
	}
	return r, nil
}

// DescribeDBInstances lists DB instances, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
func (s *Service) DescribeDBInstances(ctx context.Context, in *DescribeDBInstancesMessage) (*DBInstanceMessage, error) {
	sc := s.scope(ctx)
	now := s.now()
	for _, f := range in.Filters {
		switch ptr.Val(f.Name) {
		case "db-cluster-id", "db-instance-id", "dbi-resource-id", "engine", "domain":
		default:
			return nil, invalidValue("Unrecognized filter name: %s", ptr.Val(f.Name))
		}
	}
	out := []DBInstance{}
	err := s.db.View(func(tx *state.Tx) error {
		var recs []instRec
		switch {
		case in.DBInstanceIdentifier != nil:
			r, err := s.getInstance(tx, sc, *in.DBInstanceIdentifier)
			if err != nil {
				return err
			}
			recs = append(recs, r)
		default:
			if res, ok := filterValues(in.Filters, "dbi-resource-id"); ok {
				// The resource id index answers Terraform's lookups without a walk.
				for _, v := range res {
					if id, ok := s.resIndex.Get(tx, sc, v); ok {
						if r, ok := s.instances.Get(tx, sc, id); ok {
							recs = append(recs, r)
						}
					}
				}
			} else {
				s.instances.Ascend(tx, sc, "", func(_ string, r instRec) bool {
					recs = append(recs, r)
					return true
				})
			}
		}
		for _, r := range recs {
			if match(in.Filters, "db-instance-id", r.id(), ptr.Val(r.DBInstanceArn)) &&
				match(in.Filters, "dbi-resource-id", ptr.Val(r.DbiResourceId)) &&
				match(in.Filters, "db-cluster-id", ptr.Val(r.DBClusterIdentifier), clusterARN(sc, r.DBClusterIdentifier)) &&
				match(in.Filters, "engine", ptr.Val(r.Engine)) &&
				match(in.Filters, "domain") {
				out = append(out, s.instOut(tx, sc, r, now))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBInstanceMessage{DBInstances: items, Marker: next}, nil
}

func clusterARN(sc state.Scope, id *string) string {
	if id == nil {
		return ""
	}
	return arnOf(sc, "cluster", *id)
}

// match reports whether one of have is among the values of the named
// filters (true when no such filter was given).
func match(filters []Filter, name string, have ...string) bool {
	vals, ok := filterValues(filters, name)
	if !ok {
		return true
	}
	for _, v := range vals {
		if v != "" && slices.Contains(have, v) {
			return true
		}
	}
	return false
}

// ModifyDBInstance changes a DB instance's settings.
//
// AWS: changes of class, storage, engine version, Multi-AZ and subnet group
// wait for the maintenance window (in PendingModifiedValues) unless
// ApplyImmediately is set, which also applies what was pending; the other
// settings apply at once.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html
func (s *Service) ModifyDBInstance(ctx context.Context, in *ModifyDBInstanceMessage) (*ModifyDBInstanceResult, error) {
	sc := s.scope(ctx)
	now := s.now()
	if in.NewDBInstanceIdentifier != nil {
		return nil, invalidCombination("Renaming a DB instance is not supported by haneul.")
	}
	var cur instRec
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		cur, err = s.getInstance(tx, sc, ptr.Val(in.DBInstanceIdentifier))
		return err
	})
	if err != nil {
		return nil, err
	}
	if st := cur.status(now); st != "available" && st != "stopped" {
		return nil, awserr.New("InvalidDBInstanceStateFault", 0, "Database instance is not in available state.")
	}
	e, _ := findEngine(ptr.Val(cur.Engine))
	r := cur
	r.DBInstance.PendingModifiedValues = clonePending(cur.PendingModifiedValues)
	p := r.PendingModifiedValues
	immediate := ptr.Val(in.ApplyImmediately)
	changed := false // a change that puts the instance in "modifying"

	// Settings checked now, applied now or later.
	version := ptr.Val(r.EngineVersion)
	if in.EngineVersion != nil {
		v, ok := e.resolveVersion(*in.EngineVersion)
		if !ok {
			return nil, invalidCombination("Cannot find version %s for %s", *in.EngineVersion, e.name)
		}
		if e.major(v) != e.major(version) && !ptr.Val(in.AllowMajorVersionUpgrade) {
			return nil, invalidValue("The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
		}
		if v != version {
			p.EngineVersion = ptr.To(v)
		}
	}
	if in.DBInstanceClass != nil && *in.DBInstanceClass != ptr.Val(r.DBInstanceClass) {
		if err := checkClass(e, version, *in.DBInstanceClass); err != nil {
			return nil, err
		}
		p.DBInstanceClass = in.DBInstanceClass
	}
	if r.DBClusterIdentifier == nil && (in.AllocatedStorage != nil || in.StorageType != nil || in.Iops != nil) {
		size := orDefaultInt(in.AllocatedStorage, ptr.Val(r.AllocatedStorage))
		typ := orDefault(in.StorageType, ptr.Val(r.StorageType))
		iops := in.Iops
		if iops == nil && (typ == "io1" || typ == "io2") {
			iops = r.Iops
		}
		if typ == "gp2" || typ == "standard" {
			iops = nil
		}
		if err := checkStorage(e, typ, size, iops); err != nil {
			return nil, err
		}
		// AWS: allocated storage can only grow.
		if size < ptr.Val(r.AllocatedStorage) {
			return nil, invalidValue("Invalid storage size for engine name %s and storage type %s: %d. You can't reduce the allocated storage.", e.name, typ, size)
		}
		if size != ptr.Val(r.AllocatedStorage) {
			p.AllocatedStorage = ptr.To(size)
		}
		if typ != ptr.Val(r.StorageType) {
			p.StorageType = ptr.To(typ)
		}
		if in.Iops != nil && ptr.Val(in.Iops) != ptr.Val(r.Iops) {
			p.Iops = in.Iops
		}
	}
	if in.MultiAZ != nil && *in.MultiAZ != ptr.Val(r.MultiAZ) {
		p.MultiAZ = in.MultiAZ
	}
	if in.DBSubnetGroupName != nil && !strings.EqualFold(*in.DBSubnetGroupName, ptr.Val(r.DBSubnetGroup.DBSubnetGroupName)) {
		if !immediate {
			return nil, invalidCombination("You must specify ApplyImmediately when moving a DB instance to another DB subnet group.")
		}
		p.DBSubnetGroupName = ptr.To(strings.ToLower(*in.DBSubnetGroupName))
	}
	var net *network
	if p.DBSubnetGroupName != nil || in.VpcSecurityGroupIds != nil {
		group := ptr.Val(r.DBSubnetGroup.DBSubnetGroupName)
		if p.DBSubnetGroupName != nil {
			group = *p.DBSubnetGroupName
		}
		if group == "default" {
			group = ""
		}
		n, err := s.placeNetwork(ctx, sc, group, in.VpcSecurityGroupIds)
		if err != nil {
			return nil, err
		}
		net = &n
		if in.VpcSecurityGroupIds != nil {
			r.VpcSecurityGroups = sgMemberships(n.sgs)
		}
	}
	if in.MasterUserPassword != nil {
		if err := checkPassword(e, *in.MasterUserPassword); err != nil {
			return nil, err
		}
		r.Password = *in.MasterUserPassword
		changed = true
	}
	if c := in.CloudwatchLogsExportConfiguration; c != nil {
		if err := checkLogTypes(e, version, append(slices.Clone(c.EnableLogTypes), c.DisableLogTypes...)); err != nil {
			return nil, err
		}
		logs := slices.DeleteFunc(slices.Clone(r.EnabledCloudwatchLogsExports), func(l string) bool { return slices.Contains(c.DisableLogTypes, l) })
		for _, l := range c.EnableLogTypes {
			if !slices.Contains(logs, l) {
				logs = append(logs, l)
			}
		}
		slices.Sort(logs)
		r.EnabledCloudwatchLogsExports = logs
		if len(logs) == 0 {
			r.EnabledCloudwatchLogsExports = nil
		}
		changed = true
	}
	if v := in.BackupRetentionPeriod; v != nil {
		if *v < 0 || *v > 35 {
			return nil, invalidValue("Invalid backup retention period: %d. Valid values are 0 to 35 days.", *v)
		}
		r.BackupRetentionPeriod = v
	}
	if in.DBPortNumber != nil && *in.DBPortNumber != ptr.Val(r.Endpoint.Port) {
		if *in.DBPortNumber < 1150 || *in.DBPortNumber > 65535 {
			return nil, invalidValue("Invalid port %d. The port must be between 1150 and 65535.", *in.DBPortNumber)
		}
		// AWS: a port change applies at once, whatever ApplyImmediately says.
		ep := *r.Endpoint
		ep.Port = in.DBPortNumber
		r.Endpoint = &ep
		changed = true
	}
	setIf(&r.PreferredBackupWindow, in.PreferredBackupWindow)
	if in.PreferredMaintenanceWindow != nil {
		r.PreferredMaintenanceWindow = ptr.To(strings.ToLower(*in.PreferredMaintenanceWindow))
	}
	setIf(&r.DeletionProtection, in.DeletionProtection)
	setIf(&r.CopyTagsToSnapshot, in.CopyTagsToSnapshot)
	setIf(&r.AutoMinorVersionUpgrade, in.AutoMinorVersionUpgrade)
	setIf(&r.PubliclyAccessible, in.PubliclyAccessible)
	setIf(&r.IAMDatabaseAuthenticationEnabled, in.EnableIAMDatabaseAuthentication)
	setIf(&r.PerformanceInsightsEnabled, in.EnablePerformanceInsights)
	setIf(&r.MonitoringInterval, in.MonitoringInterval)
	setIf(&r.MonitoringRoleArn, in.MonitoringRoleArn)
	setIf(&r.CACertificateIdentifier, in.CACertificateIdentifier)
	if in.MaxAllocatedStorage != nil {
		r.MaxAllocatedStorage = in.MaxAllocatedStorage
		if *in.MaxAllocatedStorage == 0 {
			r.MaxAllocatedStorage = nil
		}
	}
	if ptr.Val(r.PerformanceInsightsEnabled) && r.PerformanceInsightsRetentionPeriod == nil {
		r.PerformanceInsightsRetentionPeriod = ptr.To(orDefaultInt(in.PerformanceInsightsRetentionPeriod, 7))
	}
	oldPG := ptr.Val(r.DBParameterGroups[0].DBParameterGroupName)
	newPG := oldPG
	if in.DBParameterGroupName != nil && !strings.EqualFold(*in.DBParameterGroupName, oldPG) {
		newPG = strings.ToLower(*in.DBParameterGroupName)
		// AWS: a new parameter group takes effect at the next reboot.
		r.DBParameterGroups = []DBParameterGroupStatus{{DBParameterGroupName: ptr.To(newPG), ParameterApplyStatus: ptr.To("pending-reboot")}}
		changed = true
	}
	oldOG := ptr.Val(r.OptionGroupMemberships[0].OptionGroupName)
	newOG := oldOG
	if in.OptionGroupName != nil && !strings.EqualFold(*in.OptionGroupName, oldOG) {
		newOG = strings.ToLower(*in.OptionGroupName)
		r.OptionGroupMemberships = []OptionGroupMembership{{OptionGroupName: ptr.To(newOG), Status: ptr.To("in-sync")}}
		changed = true
	}
	if immediate {
		if applyPending(&r, net) {
			changed = true
		}
	}
	if isEmpty(r.PendingModifiedValues) {
		r.PendingModifiedValues = nil
	}
	if changed && cur.status(now) == "available" {
		r.Transit, r.Changed = "modifying", now
	}
	tags := allTags(nil, in.TagSpecifications)
	var out DBInstance
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getInstance(tx, sc, cur.id()); err != nil {
			return err
		}
		if newPG != oldPG {
			if err := s.checkParamGroup(tx, sc, newPG, e.family(version)); err != nil {
				return err
			}
			s.use(tx, sc, "pg", oldPG, cur.id(), false)
			s.use(tx, sc, "pg", newPG, cur.id(), true)
		}
		if newOG != oldOG {
			if err := s.checkOptionGroup(tx, sc, newOG, e, version); err != nil {
				return err
			}
			s.use(tx, sc, "og", oldOG, cur.id(), false)
			s.use(tx, sc, "og", newOG, cur.id(), true)
		}
		oldGroup, newGroup := ptr.Val(cur.DBSubnetGroup.DBSubnetGroupName), ptr.Val(r.DBSubnetGroup.DBSubnetGroupName)
		if oldGroup != newGroup {
			s.use(tx, sc, "subgrp", oldGroup, cur.id(), false)
			if newGroup != "default" {
				s.use(tx, sc, "subgrp", newGroup, cur.id(), true)
			}
		}
		if len(tags) > 0 {
			old, _ := s.tags.Get(tx, sc, ptr.Val(r.DBInstanceArn))
			m, err := tagMap(old, tags)
			if err != nil {
				return err
			}
			s.setTags(tx, sc, ptr.Val(r.DBInstanceArn), m)
		}
		s.instances.Put(tx, sc, cur.id(), r)
		if changed {
			s.event(tx, sc, "db-instance", cur.id(), now, "configuration change", "Finished applying modification to DB instance")
		}
		out = s.instOut(tx, sc, r, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyDBInstanceResult{DBInstance: &out}, nil
}

func setIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

func clonePending(p *PendingModifiedValues) *PendingModifiedValues {
	if p == nil {
		return &PendingModifiedValues{}
	}
	c := *p
	return &c
}

func isEmpty(p *PendingModifiedValues) bool { return p == nil || reflect.ValueOf(*p).IsZero() }

// applyPending applies the pending modifications of r; it reports whether there were any.
func applyPending(r *instRec, net *network) bool {
	p := r.PendingModifiedValues
	if p == nil {
		return false
	}
	any := false
	apply := func(dst **string, v *string) {
		if v != nil {
			*dst, any = v, true
		}
	}
	apply(&r.DBInstanceClass, p.DBInstanceClass)
	apply(&r.EngineVersion, p.EngineVersion)
	apply(&r.StorageType, p.StorageType)
	if p.AllocatedStorage != nil {
		r.AllocatedStorage, any = p.AllocatedStorage, true
	}
	if p.Iops != nil {
		r.Iops, any = p.Iops, true
	}
	if p.StorageType != nil && (*p.StorageType == "gp2" || *p.StorageType == "standard") {
		r.Iops, r.StorageThroughput = nil, nil
	}
	if p.StorageType != nil && *p.StorageType == "gp3" {
		r.Iops = ptr.To(orDefaultInt(r.Iops, 3000))
		r.StorageThroughput = ptr.To(orDefaultInt(r.StorageThroughput, 125))
	}
	if p.MultiAZ != nil {
		r.MultiAZ, any = p.MultiAZ, true
		r.SecondaryAvailabilityZone = nil
		if *p.MultiAZ {
			for _, z := range r.Zones {
				if z != ptr.Val(r.AvailabilityZone) {
					r.SecondaryAvailabilityZone = ptr.To(z)
					break
				}
			}
		}
	}
	if p.DBSubnetGroupName != nil && net != nil {
		r.DBSubnetGroup, r.Zones, any = net.group, net.zones, true
		if !slices.Contains(net.zones, ptr.Val(r.AvailabilityZone)) && len(net.zones) > 0 {
			r.AvailabilityZone = ptr.To(net.zones[0])
		}
	}
	r.PendingModifiedValues = nil
	return any
}

// DeleteDBInstance deletes a DB instance, first taking a final snapshot
// unless SkipFinalSnapshot is set.
//
// AWS: a standalone instance needs either SkipFinalSnapshot or a
// FinalDBSnapshotIdentifier; an Aurora cluster member takes neither (the
// cluster keeps the data); deletion protection refuses the call.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html
func (s *Service) DeleteDBInstance(ctx context.Context, in *DeleteDBInstanceMessage) (*DeleteDBInstanceResult, error) {
	sc := s.scope(ctx)
	now := s.now()
	var r instRec
	var out DBInstance
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		if r, err = s.getInstance(tx, sc, ptr.Val(in.DBInstanceIdentifier)); err != nil {
			return err
		}
		if ptr.Val(r.DeletionProtection) {
			return invalidCombination("Cannot delete protected DB Instance, please disable deletion protection and try again.")
		}
		skip := ptr.Val(in.SkipFinalSnapshot)
		final := ptr.Val(in.FinalDBSnapshotIdentifier)
		if r.DBClusterIdentifier != nil {
			if final != "" {
				return invalidCombination("FinalDBSnapshotIdentifier can't be specified when deleting a DB instance that is a member of a DB cluster.")
			}
		} else {
			switch {
			case skip && final != "":
				return invalidCombination("FinalDBSnapshotIdentifier can not be specified when deleting a DB instance with SkipFinalSnapshot set to true.")
			case !skip && final == "":
				return invalidCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
			case final != "":
				if err := s.snapshotInstance(tx, sc, r, final, "manual", now); err != nil {
					return err
				}
			}
		}
		s.instances.Delete(tx, sc, r.id())
		s.resIndex.Delete(tx, sc, ptr.Val(r.DbiResourceId))
		s.use(tx, sc, "subgrp", ptr.Val(r.DBSubnetGroup.DBSubnetGroupName), r.id(), false)
		s.use(tx, sc, "pg", ptr.Val(r.DBParameterGroups[0].DBParameterGroupName), r.id(), false)
		s.use(tx, sc, "og", ptr.Val(r.OptionGroupMemberships[0].OptionGroupName), r.id(), false)
		if cid := ptr.Val(r.DBClusterIdentifier); cid != "" {
			if c, ok := s.clusters.Get(tx, sc, cid); ok {
				s.leaveCluster(tx, sc, &c, r.id())
			}
		}
		out = s.instOut(tx, sc, r, now)
		s.tags.Delete(tx, sc, ptr.Val(r.DBInstanceArn))
		s.event(tx, sc, "db-instance", r.id(), now, "deletion", "DB instance deleted")
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.DBInstanceStatus = ptr.To("deleting")
	s.unpublish(r.address())
	s.stopEngine(ctx, r.engineView(sc))
	return &DeleteDBInstanceResult{DBInstance: &out}, nil
}

// transition moves an available (or, for StartDBInstance, stopped)
// instance into a transitional status that settles into settled.
func (s *Service) transition(ctx context.Context, ref, from, transit, settled, category, msg string, edit func(*instRec) error) (instRec, DBInstance, error) {
	sc := s.scope(ctx)
	now := s.now()
	var r instRec
	var out DBInstance
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		if r, err = s.getInstance(tx, sc, ref); err != nil {
			return err
		}
		if st := r.status(now); st != from {
			if from == "stopped" {
				return awserr.New("InvalidDBInstanceStateFault", 0, "Instance %s is not stopped, cannot be started.", r.id())
			}
			return awserr.New("InvalidDBInstanceStateFault", 0, "Instance %s is not in available state.", r.id())
		}
		if edit != nil {
			if err := edit(&r); err != nil {
				return err
			}
		}
		r.Transit, r.Settled, r.Changed = transit, settled, now
		s.instances.Put(tx, sc, r.id(), r)
		s.event(tx, sc, "db-instance", r.id(), now, category, msg)
		out = s.instOut(tx, sc, r, now)
		return nil
	})
	return r, out, err
}

// RebootDBInstance restarts a DB instance's database.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RebootDBInstance.html
func (s *Service) RebootDBInstance(ctx context.Context, in *RebootDBInstanceMessage) (*RebootDBInstanceResult, error) {
	r, out, err := s.transition(ctx, ptr.Val(in.DBInstanceIdentifier), "available", "rebooting", "available", "availability", "DB instance restarted",
		func(r *instRec) error {
			// AWS: ForceFailover needs a Multi-AZ instance.
			if ptr.Val(in.ForceFailover) && !ptr.Val(r.MultiAZ) {
				return invalidCombination("Cannot reboot a DB instance with force failover unless it is Multi-AZ.")
			}
			// AWS: a reboot applies a pending parameter group.
			pg := r.DBParameterGroups[0]
			r.DBParameterGroups = []DBParameterGroupStatus{{DBParameterGroupName: pg.DBParameterGroupName, ParameterApplyStatus: ptr.To("in-sync")}}
			return nil
		})
	if err != nil {
		return nil, err
	}
	sc := s.scope(ctx)
	s.stopEngine(ctx, r.engineView(sc))
	s.startEngine(ctx, r.engineView(sc))
	return &RebootDBInstanceResult{DBInstance: &out}, nil
}

// StopDBInstance stops a DB instance (optionally snapshotting it first).
//
// AWS: instances of Aurora clusters stop with their cluster, not alone.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StopDBInstance.html
func (s *Service) StopDBInstance(ctx context.Context, in *StopDBInstanceMessage) (*StopDBInstanceResult, error) {
	sc := s.scope(ctx)
	now := s.now()
	r, out, err := s.transition(ctx, ptr.Val(in.DBInstanceIdentifier), "available", "stopping", "stopped", "notification", "DB instance stopped",
		func(r *instRec) error {
			if r.DBClusterIdentifier != nil {
				return invalidCombination("The DB instance %s is a member of a DB cluster; stop the DB cluster instead.", r.id())
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	if snap := ptr.Val(in.DBSnapshotIdentifier); snap != "" {
		err := s.db.Update(ctx, func(tx *state.Tx) error { return s.snapshotInstance(tx, sc, r, snap, "manual", now) })
		if err != nil {
			return nil, err
		}
	}
	s.stopEngine(ctx, r.engineView(sc))
	return &StopDBInstanceResult{DBInstance: &out}, nil
}

// StartDBInstance starts a stopped DB instance.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartDBInstance.html
func (s *Service) StartDBInstance(ctx context.Context, in *StartDBInstanceMessage) (*StartDBInstanceResult, error) {
	r, out, err := s.transition(ctx, ptr.Val(in.DBInstanceIdentifier), "stopped", "starting", "available", "notification", "DB instance started", nil)
	if err != nil {
		return nil, err
	}
	s.startEngine(ctx, r.engineView(s.scope(ctx)))
	return &StartDBInstanceResult{DBInstance: &out}, nil
}
