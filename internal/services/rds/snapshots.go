package rds

import (
	"context"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// snapRec is a stored DB snapshot and what a restore needs beside the description.
type snapRec struct {
	DBSnapshot
	Password       string
	DBName         string
	Class          string
	ParameterGroup string
	SubnetGroup    string
	LogExports     []string
}

// snapshotInstance records a snapshot of instance r named id.
//
// AWS: a snapshot keeps the instance's engine, version, storage, port,
// master user and network; haneul keeps the master password too, so that a
// restored instance's engine can be started with it.
func (s *Service) snapshotInstance(tx *state.Tx, sc state.Scope, r instRec, id, typ string, now time.Time) error {
	if err := checkIdentifier("DBSnapshotIdentifier", id); err != nil {
		return err
	}
	id = strings.ToLower(id)
	if _, ok := s.snapshots.Get(tx, sc, id); ok {
		return awserr.New("DBSnapshotAlreadyExistsFault", 0, "Cannot create the snapshot because a snapshot with the identifier %s already exists.", id)
	}
	d := DBSnapshot{
		DBSnapshotIdentifier: ptr.To(id), DBSnapshotArn: ptr.To(arnOf(sc, "snapshot", id)),
		DBInstanceIdentifier: ptr.To(r.id()), DbiResourceId: r.DbiResourceId, Engine: r.Engine, EngineVersion: r.EngineVersion,
		AllocatedStorage: r.AllocatedStorage, StorageType: r.StorageType, Iops: r.Iops, StorageThroughput: r.StorageThroughput,
		AvailabilityZone: r.AvailabilityZone, Port: r.Endpoint.Port, MasterUsername: r.MasterUsername, LicenseModel: r.LicenseModel,
		Encrypted: ptr.To(ptr.Val(r.StorageEncrypted)), KmsKeyId: r.KmsKeyId, InstanceCreateTime: r.InstanceCreateTime,
		OptionGroupName: r.OptionGroupMemberships[0].OptionGroupName, VpcId: r.DBSubnetGroup.VpcId,
		IAMDatabaseAuthenticationEnabled: r.IAMDatabaseAuthenticationEnabled, SnapshotType: ptr.To(typ),
		SnapshotCreateTime: ptr.To(now), OriginalSnapshotCreateTime: ptr.To(now), SnapshotDatabaseTime: ptr.To(now),
		Status: ptr.To("available"), PercentProgress: ptr.To(int64(100)), SnapshotTarget: ptr.To("region"),
		DedicatedLogVolume: ptr.To(false), MultiTenant: ptr.To(false), ProcessorFeatures: []ProcessorFeature{},
	}
	rec := snapRec{DBSnapshot: d, Password: r.Password, DBName: ptr.Val(r.DBName), Class: ptr.Val(r.DBInstanceClass),
		ParameterGroup: ptr.Val(r.DBParameterGroups[0].DBParameterGroupName), LogExports: r.EnabledCloudwatchLogsExports}
	if g := ptr.Val(r.DBSubnetGroup.DBSubnetGroupName); g != "default" {
		rec.SubnetGroup = g
	}
	s.snapshots.Put(tx, sc, id, rec)
	// AWS: CopyTagsToSnapshot copies the instance's tags to its snapshots.
	if ptr.Val(r.CopyTagsToSnapshot) {
		if m, ok := s.tags.Get(tx, sc, ptr.Val(r.DBInstanceArn)); ok {
			s.tags.Put(tx, sc, *d.DBSnapshotArn, m)
		}
	}
	s.event(tx, sc, "db-snapshot", id, now, "creation", "Manual snapshot created")
	return nil
}

// CreateDBSnapshot snapshots an available DB instance.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
func (s *Service) CreateDBSnapshot(ctx context.Context, in *CreateDBSnapshotMessage) (*CreateDBSnapshotResult, error) {
	sc := s.scope(ctx)
	now := s.now()
	id := strings.ToLower(ptr.Val(in.DBSnapshotIdentifier))
	var out DBSnapshot
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getInstance(tx, sc, ptr.Val(in.DBInstanceIdentifier))
		if err != nil {
			return err
		}
		if r.DBClusterIdentifier != nil {
			return invalidCombination("The DB instance %s is a member of a DB cluster; snapshot the DB cluster instead.", r.id())
		}
		if st := r.status(now); st != "available" {
			return awserr.New("InvalidDBInstanceStateFault", 0, "Cannot create a snapshot because the database instance %s is not currently in the available state.", r.id())
		}
		if err := s.snapshotInstance(tx, sc, r, id, "manual", now); err != nil {
			return err
		}
		tags := in.Tags
		if len(tags) > 0 {
			old, _ := s.tags.Get(tx, sc, arnOf(sc, "snapshot", id))
			m, err := tagMap(old, tags)
			if err != nil {
				return err
			}
			s.setTags(tx, sc, arnOf(sc, "snapshot", id), m)
		}
		rec, _ := s.snapshots.Get(tx, sc, id)
		out = s.snapOut(tx, sc, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateDBSnapshotResult{DBSnapshot: &out}, nil
}

func (s *Service) snapOut(tx *state.Tx, sc state.Scope, r snapRec) DBSnapshot {
	d := r.DBSnapshot
	m, _ := s.tags.Get(tx, sc, ptr.Val(d.DBSnapshotArn))
	d.TagList = tagList(m)
	return d
}

// DescribeDBSnapshots lists DB snapshots, or those of one instance, or the one named.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBSnapshots.html
func (s *Service) DescribeDBSnapshots(ctx context.Context, in *DescribeDBSnapshotsMessage) (*DBSnapshotMessage, error) {
	sc := s.scope(ctx)
	out := []DBSnapshot{}
	err := s.db.View(func(tx *state.Tx) error {
		if in.DBSnapshotIdentifier != nil {
			id := strings.ToLower(*in.DBSnapshotIdentifier)
			r, ok := s.snapshots.Get(tx, sc, id)
			if !ok {
				return errSnapshotNotFound(id)
			}
			out = append(out, s.snapOut(tx, sc, r))
			return nil
		}
		s.snapshots.Ascend(tx, sc, "", func(_ string, r snapRec) bool {
			if (in.DBInstanceIdentifier == nil || strings.EqualFold(*in.DBInstanceIdentifier, ptr.Val(r.DBInstanceIdentifier))) &&
				(in.DbiResourceId == nil || *in.DbiResourceId == ptr.Val(r.DbiResourceId)) &&
				(in.SnapshotType == nil || *in.SnapshotType == ptr.Val(r.SnapshotType)) &&
				match(in.Filters, "db-instance-id", ptr.Val(r.DBInstanceIdentifier), arnOf(sc, "db", ptr.Val(r.DBInstanceIdentifier))) &&
				match(in.Filters, "db-snapshot-id", ptr.Val(r.DBSnapshotIdentifier)) &&
				match(in.Filters, "dbi-resource-id", ptr.Val(r.DbiResourceId)) &&
				match(in.Filters, "snapshot-type", ptr.Val(r.SnapshotType)) &&
				match(in.Filters, "engine", ptr.Val(r.Engine)) {
				out = append(out, s.snapOut(tx, sc, r))
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
	return &DBSnapshotMessage{DBSnapshots: items, Marker: next}, nil
}

// DeleteDBSnapshot deletes a manual DB snapshot.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBSnapshot.html
func (s *Service) DeleteDBSnapshot(ctx context.Context, in *DeleteDBSnapshotMessage) (*DeleteDBSnapshotResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(ptr.Val(in.DBSnapshotIdentifier))
	var out DBSnapshot
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.snapshots.Get(tx, sc, id)
		if !ok {
			return errSnapshotNotFound(id)
		}
		out = s.snapOut(tx, sc, r)
		out.Status = ptr.To("deleted")
		s.snapshots.Delete(tx, sc, id)
		s.tags.Delete(tx, sc, ptr.Val(r.DBSnapshotArn))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteDBSnapshotResult{DBSnapshot: &out}, nil
}

// RestoreDBInstanceFromDBSnapshot creates a new DB instance from a snapshot,
// with the snapshot's engine, storage, master user and database unless
// overridden.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceFromDBSnapshot.html
func (s *Service) RestoreDBInstanceFromDBSnapshot(ctx context.Context, in *RestoreDBInstanceFromDBSnapshotMessage) (*RestoreDBInstanceFromDBSnapshotResult, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(ptr.Val(in.DBSnapshotIdentifier))
	if id == "" {
		return nil, invalidValue("The parameter DBSnapshotIdentifier must be provided.")
	}
	var snap snapRec
	err := s.db.View(func(tx *state.Tx) error {
		var ok bool
		if snap, ok = s.snapshots.Get(tx, sc, id); !ok {
			return errSnapshotNotFound(id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if in.Engine != nil && *in.Engine != ptr.Val(snap.Engine) {
		return nil, invalidCombination("The engine of a restored DB instance must be the snapshot's: %s.", ptr.Val(snap.Engine))
	}
	create := &CreateDBInstanceMessage{
		DBInstanceIdentifier: in.DBInstanceIdentifier, Engine: snap.Engine, EngineVersion: snap.EngineVersion,
		DBInstanceClass: ptr.To(orDefault(in.DBInstanceClass, snap.Class)), MasterUsername: snap.MasterUsername,
		MasterUserPassword: ptr.To(snap.Password), AllocatedStorage: snap.AllocatedStorage,
		StorageType: ptr.To(orDefault(in.StorageType, ptr.Val(snap.StorageType))), Iops: snap.Iops,
		Port: ptr.To(orDefaultInt(in.Port, ptr.Val(snap.Port))), DBSubnetGroupName: ptr.To(orDefault(in.DBSubnetGroupName, snap.SubnetGroup)),
		DBParameterGroupName: in.DBParameterGroupName, OptionGroupName: ptr.To(orDefault(in.OptionGroupName, ptr.Val(snap.OptionGroupName))),
		VpcSecurityGroupIds: in.VpcSecurityGroupIds, AvailabilityZone: in.AvailabilityZone, MultiAZ: in.MultiAZ,
		PubliclyAccessible: in.PubliclyAccessible, AutoMinorVersionUpgrade: in.AutoMinorVersionUpgrade,
		CopyTagsToSnapshot: in.CopyTagsToSnapshot, DeletionProtection: in.DeletionProtection,
		EnableIAMDatabaseAuthentication: in.EnableIAMDatabaseAuthentication, StorageEncrypted: snap.Encrypted, KmsKeyId: snap.KmsKeyId,
		EnableCloudwatchLogsExports: in.EnableCloudwatchLogsExports, BackupRetentionPeriod: in.BackupRetentionPeriod,
		PreferredBackupWindow: in.PreferredBackupWindow, Tags: in.Tags, TagSpecifications: in.TagSpecifications,
	}
	if snap.DBName != "" {
		create.DBName = ptr.To(snap.DBName)
	}
	if in.Iops != nil {
		create.Iops = in.Iops
	}
	if t := ptr.Val(create.StorageType); t == "gp2" || t == "standard" {
		create.Iops = nil
	}
	if in.AllocatedStorage != nil {
		create.AllocatedStorage = in.AllocatedStorage
	}
	if *create.DBSubnetGroupName == "" {
		create.DBSubnetGroupName = nil
	}
	out, err := s.CreateDBInstance(ctx, create)
	if err != nil {
		return nil, err
	}
	return &RestoreDBInstanceFromDBSnapshotResult{DBInstance: out.DBInstance}, nil
}
