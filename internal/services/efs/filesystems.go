package efs

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// fsRec is a file system and what EFS keeps with it: its tags, lifecycle,
// backup and resource policies, and when it was created.
type fsRec struct {
	FileSystemDescription
	TagMap    map[string]string
	Lifecycle []LifecyclePolicy
	Backup    string // "ENABLED" or "DISABLED"
	Policy    string // resource policy JSON, "" for none
	Created   time.Time
}

// out is the file system as DescribeFileSystems shows it at now.
func (r fsRec) out(now time.Time) FileSystemDescription {
	d := r.FileSystemDescription
	if *d.LifeCycleState == "creating" && !now.Before(r.Created.Add(createDelay)) {
		d.LifeCycleState = ptr.To("available")
	}
	d.Tags = tagList(r.TagMap)
	if n, ok := r.TagMap["Name"]; ok {
		d.Name = ptr.To(n)
	} else {
		d.Name = nil
	}
	return d
}

func (s *Service) getFS(tx *state.Tx, sc state.Scope, id string) (fsRec, error) {
	r, ok := s.fss.Get(tx, sc, id)
	if !ok {
		return r, errFSNotFound(id)
	}
	return r, nil
}

// CreateFileSystem creates a file system; a creation token already used
// answers FileSystemAlreadyExists with that file system's id.
// https://docs.aws.amazon.com/efs/latest/ug/API_CreateFileSystem.html
func (s *Service) CreateFileSystem(ctx context.Context, in *CreateFileSystemRequest) (*FileSystemDescription, error) {
	sc := s.scope(ctx)
	perf := ptr.Val(in.PerformanceMode)
	if perf == "" {
		perf = "generalPurpose"
	}
	tput := ptr.Val(in.ThroughputMode)
	if tput == "" {
		tput = "bursting"
	}
	switch {
	case tput == "provisioned" && in.ProvisionedThroughputInMibps == nil:
		// AWS: provisioned throughput needs its rate.
		return nil, badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.")
	case tput != "provisioned" && in.ProvisionedThroughputInMibps != nil:
		return nil, badRequest("ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned.")
	case perf == "maxIO" && tput == "elastic":
		// AWS: Elastic throughput is for General Purpose file systems only.
		return nil, badRequest("Elastic throughput mode is not supported with maxIO performance mode.")
	case perf == "maxIO" && in.AvailabilityZoneName != nil:
		return nil, badRequest("One Zone file systems do not support maxIO performance mode.")
	case in.KmsKeyId != nil && !ptr.Val(in.Encrypted):
		return nil, badRequest("KmsKeyId can only be specified for an encrypted file system.")
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	id := ids.Hex("fs", 17)
	now := s.now()
	d := FileSystemDescription{
		FileSystemId:                 ptr.To(id),
		FileSystemArn:                ptr.To(arn.New("elasticfilesystem", sc.Region, sc.Account, "file-system/"+id)),
		OwnerId:                      ptr.To(sc.Account),
		CreationToken:                in.CreationToken,
		CreationTime:                 &now,
		LifeCycleState:               ptr.To("creating"),
		NumberOfMountTargets:         ptr.To(int64(0)),
		PerformanceMode:              ptr.To(perf),
		ThroughputMode:               ptr.To(tput),
		ProvisionedThroughputInMibps: in.ProvisionedThroughputInMibps,
		Encrypted:                    ptr.To(ptr.Val(in.Encrypted)),
		// AWS: an empty file system measures 6 KiB of metadata.
		SizeInBytes:          &FileSystemSize{Value: ptr.To(int64(6144)), ValueInStandard: ptr.To(int64(6144)), ValueInIA: ptr.To(int64(0)), ValueInArchive: ptr.To(int64(0))},
		FileSystemProtection: &FileSystemProtectionDescription{ReplicationOverwriteProtection: ptr.To("ENABLED")},
	}
	if ptr.Val(in.Encrypted) {
		// AWS: without KmsKeyId, the AWS managed key aws/elasticfilesystem.
		d.KmsKeyId = in.KmsKeyId
		if d.KmsKeyId == nil {
			d.KmsKeyId = ptr.To(arn.New("kms", sc.Region, sc.Account, "key/"+ids.UUID()))
		}
	}
	if z := ptr.Val(in.AvailabilityZoneName); z != "" {
		if !strings.HasPrefix(z, sc.Region) {
			return nil, efsErr("UnsupportedAvailabilityZone", "Availability Zone %s is not supported.", z)
		}
		d.AvailabilityZoneName = &z
		d.AvailabilityZoneId = ptr.To(shortZoneID(z))
	}
	backup := "DISABLED"
	if ptr.Val(in.Backup) || (in.Backup == nil && in.AvailabilityZoneName != nil) {
		// AWS: One Zone file systems have automatic backups on by default.
		backup = "ENABLED"
	}
	r := fsRec{FileSystemDescription: d, TagMap: tags, Backup: backup, Created: now, Lifecycle: []LifecyclePolicy{}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if other, ok := s.tokens.Get(tx, sc, "fs:"+*in.CreationToken); ok {
			// AWS: the creation token makes creation idempotent; the error names the existing file system.
			return efsErr("FileSystemAlreadyExists", "File system '%s' already exists with creation token '%s'", other, *in.CreationToken).WithField("FileSystemId", other)
		}
		s.tokens.Put(tx, sc, "fs:"+*in.CreationToken, id)
		s.fss.Put(tx, sc, id, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(fsName(id, sc.Region))
	out := r.out(s.clock.Now())
	return &out, nil
}

// shortZoneID is a stand-in zone id for a zone name ("ap-northeast-2a" → "apne2-az1").
func shortZoneID(zone string) string {
	if zone == "" {
		return ""
	}
	region, letter := zone[:len(zone)-1], zone[len(zone)-1]
	var b strings.Builder
	parts := strings.Split(region, "-")
	for i, p := range parts {
		switch {
		case i == 0:
			b.WriteString(p)
		case i == len(parts)-1:
			b.WriteString(p)
		default:
			for _, w := range []string{"north", "south", "east", "west", "central"} {
				if strings.Contains(p, w) {
					b.WriteByte(w[0])
				}
			}
		}
	}
	return b.String() + "-az" + string('1'+rune(letter-'a'))
}

// DescribeFileSystems lists file systems, or the one with an id or creation token.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeFileSystems.html
func (s *Service) DescribeFileSystems(ctx context.Context, in *DescribeFileSystemsRequest) (*DescribeFileSystemsResponse, error) {
	sc := s.scope(ctx)
	now := s.clock.Now()
	if in.FileSystemId != nil && in.CreationToken != nil {
		return nil, badRequest("Specify either FileSystemId or CreationToken, not both.")
	}
	all := []FileSystemDescription{}
	err := s.db.View(func(tx *state.Tx) error {
		id := ptr.Val(in.FileSystemId)
		if t := ptr.Val(in.CreationToken); t != "" {
			var ok bool
			if id, ok = s.tokens.Get(tx, sc, "fs:"+t); !ok {
				return nil // AWS: an unknown creation token lists nothing
			}
		}
		if id != "" {
			r, err := s.getFS(tx, sc, id)
			if err != nil {
				return err
			}
			all = append(all, r.out(now))
			return nil
		}
		s.fss.Ascend(tx, sc, "", func(_ string, r fsRec) bool {
			all = append(all, r.out(now))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxItems, 100)
	if err != nil {
		return nil, err
	}
	return &DescribeFileSystemsResponse{FileSystems: items, Marker: in.Marker, NextMarker: next}, nil
}

// UpdateFileSystem changes a file system's throughput mode.
// https://docs.aws.amazon.com/efs/latest/ug/API_UpdateFileSystem.html
func (s *Service) UpdateFileSystem(ctx context.Context, in *UpdateFileSystemRequest) (*FileSystemDescription, error) {
	var out FileSystemDescription
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		tput := ptr.Val(in.ThroughputMode)
		if tput == "" {
			tput = *r.ThroughputMode
		}
		switch {
		case tput == "provisioned" && in.ProvisionedThroughputInMibps == nil && r.ProvisionedThroughputInMibps == nil:
			return badRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.")
		case tput != "provisioned" && in.ProvisionedThroughputInMibps != nil:
			return badRequest("ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned.")
		}
		r.ThroughputMode = &tput
		if tput == "provisioned" {
			if in.ProvisionedThroughputInMibps != nil {
				r.ProvisionedThroughputInMibps = in.ProvisionedThroughputInMibps
			}
		} else {
			r.ProvisionedThroughputInMibps = nil
		}
		out = r.out(s.clock.Now())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// updateFS applies change to an available file system and stores it.
func (s *Service) updateFS(ctx context.Context, id string, change func(*fsRec) error) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getFS(tx, sc, id)
		if err != nil {
			return err
		}
		if st := *r.out(s.clock.Now()).LifeCycleState; st != "available" {
			return efsErr("IncorrectFileSystemLifeCycleState", "File system '%s' is in state '%s'.", id, st)
		}
		r.LifeCycleState = ptr.To("available")
		if err := change(&r); err != nil {
			return err
		}
		s.fss.Put(tx, sc, id, r)
		return nil
	})
}

// UpdateFileSystemProtection sets a file system's replication overwrite protection.
// https://docs.aws.amazon.com/efs/latest/ug/API_UpdateFileSystemProtection.html
func (s *Service) UpdateFileSystemProtection(ctx context.Context, in *UpdateFileSystemProtectionRequest) (*FileSystemProtectionDescription, error) {
	var out FileSystemProtectionDescription
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		if p := in.ReplicationOverwriteProtection; p != nil {
			if *p == "REPLICATING" {
				return badRequest("ReplicationOverwriteProtection cannot be set to REPLICATING.")
			}
			r.FileSystemProtection = &FileSystemProtectionDescription{ReplicationOverwriteProtection: p}
		}
		out = *r.FileSystemProtection
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteFileSystem deletes a file system that has no mount targets left; its
// access points go with it.
// https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystem.html
func (s *Service) DeleteFileSystem(ctx context.Context, in *DeleteFileSystemRequest) (*DeleteFileSystemOutput, error) {
	sc := s.scope(ctx)
	id := *in.FileSystemId
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getFS(tx, sc, id)
		if err != nil {
			return err
		}
		if *r.NumberOfMountTargets > 0 {
			// AWS: mount targets must be deleted first.
			return efsErr("FileSystemInUse", "File system '%s' has mount targets created in it. Delete the mount targets before deleting the file system.", id)
		}
		var children []string
		s.byFS.AscendPrefix(tx, sc, id+"\x00", func(k string, _ bool) bool {
			children = append(children, k)
			return true
		})
		for _, k := range children {
			_, child, _ := strings.Cut(k, "\x00")
			if ap, ok := s.aps.Get(tx, sc, child); ok {
				s.tokens.Delete(tx, sc, "ap:"+*ap.ClientToken)
				s.aps.Delete(tx, sc, child)
			}
			s.byFS.Delete(tx, sc, k)
		}
		s.tokens.Delete(tx, sc, "fs:"+*r.CreationToken)
		s.fss.Delete(tx, sc, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.unpublish(fsName(id, sc.Region))
	return &DeleteFileSystemOutput{}, nil
}

// PutLifecycleConfiguration replaces a file system's lifecycle policies (none turns them off).
// https://docs.aws.amazon.com/efs/latest/ug/API_PutLifecycleConfiguration.html
func (s *Service) PutLifecycleConfiguration(ctx context.Context, in *PutLifecycleConfigurationRequest) (*LifecycleConfigurationDescription, error) {
	seen := map[string]bool{}
	for _, p := range in.LifecyclePolicies {
		n := 0
		for field, v := range map[string]*string{"TransitionToIA": p.TransitionToIA, "TransitionToArchive": p.TransitionToArchive, "TransitionToPrimaryStorageClass": p.TransitionToPrimaryStorageClass} {
			if v != nil {
				n++
				if seen[field] {
					return nil, badRequest("%s can be specified in only one lifecycle policy.", field)
				}
				seen[field] = true
			}
		}
		// AWS: each policy object names exactly one transition.
		if n != 1 {
			return nil, badRequest("Each LifecyclePolicy object must have exactly one transition.")
		}
	}
	policies := slices.Clone(in.LifecyclePolicies)
	if policies == nil {
		policies = []LifecyclePolicy{}
	}
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		r.Lifecycle = policies
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &LifecycleConfigurationDescription{LifecyclePolicies: policies}, nil
}

// DescribeLifecycleConfiguration returns a file system's lifecycle policies.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeLifecycleConfiguration.html
func (s *Service) DescribeLifecycleConfiguration(ctx context.Context, in *DescribeLifecycleConfigurationRequest) (*LifecycleConfigurationDescription, error) {
	sc := s.scope(ctx)
	var out []LifecyclePolicy
	err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getFS(tx, sc, *in.FileSystemId)
		out = r.Lifecycle
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []LifecyclePolicy{}
	}
	return &LifecycleConfigurationDescription{LifecyclePolicies: out}, nil
}

// PutBackupPolicy turns automatic backups on or off.
// https://docs.aws.amazon.com/efs/latest/ug/API_PutBackupPolicy.html
func (s *Service) PutBackupPolicy(ctx context.Context, in *PutBackupPolicyRequest) (*BackupPolicyDescription, error) {
	st := *in.BackupPolicy.Status
	if st != "ENABLED" && st != "DISABLED" {
		// AWS: ENABLING and DISABLING are states, not requests.
		return nil, efsErr("ValidationException", "BackupPolicy.Status must be ENABLED or DISABLED.")
	}
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		r.Backup = st
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &BackupPolicyDescription{BackupPolicy: &BackupPolicy{Status: &st}}, nil
}

// DescribeBackupPolicy returns whether automatic backups are on.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeBackupPolicy.html
func (s *Service) DescribeBackupPolicy(ctx context.Context, in *DescribeBackupPolicyRequest) (*BackupPolicyDescription, error) {
	sc := s.scope(ctx)
	var st string
	err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getFS(tx, sc, *in.FileSystemId)
		st = r.Backup
		return err
	})
	if err != nil {
		return nil, err
	}
	return &BackupPolicyDescription{BackupPolicy: &BackupPolicy{Status: &st}}, nil
}

// PutFileSystemPolicy sets a file system's resource policy.
// https://docs.aws.amazon.com/efs/latest/ug/API_PutFileSystemPolicy.html
func (s *Service) PutFileSystemPolicy(ctx context.Context, in *PutFileSystemPolicyRequest) (*FileSystemPolicyDescription, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(*in.Policy), &doc); err != nil || doc["Statement"] == nil {
		// AWS: the policy must be a JSON policy document with statements.
		return nil, efsErr("InvalidPolicyException", "Policy contains invalid JSON or has no Statement.")
	}
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		r.Policy = *in.Policy
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &FileSystemPolicyDescription{FileSystemId: in.FileSystemId, Policy: in.Policy}, nil
}

// DescribeFileSystemPolicy returns a file system's resource policy.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeFileSystemPolicy.html
func (s *Service) DescribeFileSystemPolicy(ctx context.Context, in *DescribeFileSystemPolicyRequest) (*FileSystemPolicyDescription, error) {
	sc := s.scope(ctx)
	var p string
	err := s.db.View(func(tx *state.Tx) error {
		r, err := s.getFS(tx, sc, *in.FileSystemId)
		p = r.Policy
		return err
	})
	if err != nil {
		return nil, err
	}
	if p == "" {
		return nil, efsErr("PolicyNotFound", "No such policy for file system '%s'.", *in.FileSystemId)
	}
	return &FileSystemPolicyDescription{FileSystemId: in.FileSystemId, Policy: &p}, nil
}

// DeleteFileSystemPolicy removes a file system's resource policy.
// https://docs.aws.amazon.com/efs/latest/ug/API_DeleteFileSystemPolicy.html
func (s *Service) DeleteFileSystemPolicy(ctx context.Context, in *DeleteFileSystemPolicyRequest) (*DeleteFileSystemPolicyOutput, error) {
	err := s.updateFS(ctx, *in.FileSystemId, func(r *fsRec) error {
		r.Policy = ""
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteFileSystemPolicyOutput{}, nil
}

// tagMap merges tags into a copy of base.
func tagMap(base map[string]string, tags []Tag) (map[string]string, error) {
	m := maps.Clone(base)
	if m == nil {
		m = map[string]string{}
	}
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if strings.HasPrefix(k, "aws:") {
			return nil, efsErr("ValidationException", "Tag keys starting with 'aws:' are reserved.")
		}
		m[k] = ptr.Val(t.Value)
	}
	// AWS: at most 50 tags per resource.
	if len(m) > 50 {
		return nil, badRequest("A resource can have at most 50 tags.")
	}
	return m, nil
}

func tagList(m map[string]string) []Tag {
	out := []Tag{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}
