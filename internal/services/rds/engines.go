package rds

import (
	"context"
	"slices"

	"haneul/internal/ptr"
)

// DescribeDBEngineVersions lists the engine versions of the catalog.
//
// AWS: DefaultOnly returns each engine's default version (of the major
// version EngineVersion names, if it names one).
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBEngineVersions.html
func (s *Service) DescribeDBEngineVersions(ctx context.Context, in *DescribeDBEngineVersionsMessage) (*DBEngineVersionMessage, error) {
	out := []DBEngineVersion{}
	for _, e := range catalog {
		if in.Engine != nil && *in.Engine != e.name {
			continue
		}
		if !match(in.Filters, "engine", e.name) {
			continue
		}
		versions := e.versions
		if ptr.Val(in.DefaultOnly) {
			v, ok := e.resolveVersion(ptr.Val(in.EngineVersion))
			if !ok {
				continue
			}
			versions = []string{v}
		}
		for _, v := range versions {
			if in.EngineVersion != nil && !ptr.Val(in.DefaultOnly) && *in.EngineVersion != v {
				continue
			}
			if in.DBParameterGroupFamily != nil && *in.DBParameterGroupFamily != e.family(v) {
				continue
			}
			if !match(in.Filters, "engine-version", v) || !match(in.Filters, "status", "available") || !match(in.Filters, "engine-mode", "provisioned") {
				continue
			}
			out = append(out, versionOut(e, v))
		}
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DBEngineVersionMessage{DBEngineVersions: items, Marker: next}, nil
}

func versionOut(e engineSpec, v string) DBEngineVersion {
	var targets []UpgradeTarget
	i := slices.Index(e.versions, v)
	for _, t := range e.versions[i+1:] {
		targets = append(targets, UpgradeTarget{
			Engine: ptr.To(e.name), EngineVersion: ptr.To(t), Description: ptr.To(e.description + " " + t),
			AutoUpgrade: ptr.To(false), IsMajorVersionUpgrade: ptr.To(e.major(t) != e.major(v)),
			SupportedEngineModes: []string{"provisioned"},
		})
	}
	return DBEngineVersion{
		Engine: ptr.To(e.name), EngineVersion: ptr.To(v), MajorEngineVersion: ptr.To(e.major(v)),
		DBParameterGroupFamily: ptr.To(e.family(v)), DBEngineDescription: ptr.To(e.description),
		DBEngineVersionDescription: ptr.To(e.description + " " + v), ExportableLogTypes: e.logTypes,
		SupportsLogExportsToCloudwatchLogs: ptr.To(true), SupportsReadReplica: ptr.To(true), Status: ptr.To("available"),
		SupportedEngineModes: []string{"provisioned"}, SupportedFeatureNames: []string{}, ValidUpgradeTarget: targets,
		SupportedCACertificateIdentifiers:         []string{"rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"},
		SupportsCertificateRotationWithoutRestart: ptr.To(true), SupportsGlobalDatabases: ptr.To(e.aurora),
		SupportsParallelQuery: ptr.To(false), SupportsBabelfish: ptr.To(false), SupportsLimitlessDatabase: ptr.To(false),
		SupportsIntegrations: ptr.To(false), SupportsLocalWriteForwarding: ptr.To(false),
	}
}

// DescribeOrderableDBInstanceOptions lists the (version, class, storage
// type) combinations an engine offers.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeOrderableDBInstanceOptions.html
func (s *Service) DescribeOrderableDBInstanceOptions(ctx context.Context, in *DescribeOrderableDBInstanceOptionsMessage) (*OrderableDBInstanceOptionsMessage, error) {
	e, ok := findEngine(ptr.Val(in.Engine))
	out := []OrderableDBInstanceOption{}
	if !ok {
		return &OrderableDBInstanceOptionsMessage{OrderableDBInstanceOptions: out}, nil
	}
	if in.Vpc != nil && !*in.Vpc {
		return &OrderableDBInstanceOptionsMessage{OrderableDBInstanceOptions: out}, nil
	}
	zones := s.zones(ctx)
	storage := []string{"gp2", "gp3", "io1", "io2", "standard"}
	if e.aurora {
		storage = []string{"aurora", "aurora-iopt1"}
	}
	for _, v := range e.versions {
		if in.EngineVersion != nil && *in.EngineVersion != v {
			continue
		}
		for _, c := range e.classes() {
			if in.DBInstanceClass != nil && *in.DBInstanceClass != c {
				continue
			}
			for _, st := range storage {
				o := OrderableDBInstanceOption{
					Engine: ptr.To(e.name), EngineVersion: ptr.To(v), DBInstanceClass: ptr.To(c), StorageType: ptr.To(st),
					LicenseModel: ptr.To(e.license), AvailabilityZones: zones, MultiAZCapable: ptr.To(true),
					ReadReplicaCapable: ptr.To(true), Vpc: ptr.To(true), SupportsStorageEncryption: ptr.To(true),
					SupportsIAMDatabaseAuthentication: ptr.To(true), SupportsEnhancedMonitoring: ptr.To(true),
					SupportsPerformanceInsights: ptr.To(true), SupportsStorageAutoscaling: ptr.To(!e.aurora),
					SupportsIops: ptr.To(st == "io1" || st == "io2" || st == "gp3"), SupportsStorageThroughput: ptr.To(st == "gp3"),
					SupportsClusters: ptr.To(e.aurora), SupportsGlobalDatabases: ptr.To(e.aurora),
					SupportsKerberosAuthentication: ptr.To(false), OutpostCapable: ptr.To(false),
					SupportedEngineModes: []string{"provisioned"}, SupportedNetworkTypes: []string{"IPV4", "DUAL"},
					SupportsDedicatedLogVolume: ptr.To(false), AvailabilityZoneGroup: in.AvailabilityZoneGroup,
				}
				if lim, ok := storageLimits[st]; ok {
					o.MinStorageSize, o.MaxStorageSize = ptr.To(lim[0]), ptr.To(lim[1])
				}
				if in.LicenseModel != nil && *in.LicenseModel != e.license {
					continue
				}
				out = append(out, o)
			}
		}
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &OrderableDBInstanceOptionsMessage{OrderableDBInstanceOptions: items, Marker: next}, nil
}

// zones lists the region's Availability Zones (those of the default VPC's subnets).
func (s *Service) zones(ctx context.Context) []AvailabilityZone {
	_, subnets, _ := s.ec2.RDSDefaultNetwork(ctx)
	var names []string
	for _, z := range subnets {
		if !slices.Contains(names, z) {
			names = append(names, z)
		}
	}
	slices.Sort(names)
	out := []AvailabilityZone{}
	for _, z := range names {
		out = append(out, AvailabilityZone{Name: ptr.To(z)})
	}
	return out
}
