package ec2

import (
	"context"
	"slices"
	"strconv"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// snapshotDelay is how long a snapshot stays pending before it completes.
const snapshotDelay = 2 * time.Second

// snapshotRec is an EBS snapshot of one of the scope's volumes.
type snapshotRec struct {
	Snapshot
	// Images are the scope's images whose block device mappings use the snapshot.
	Images []string
}

func (r snapshotRec) id() string { return *r.SnapshotId }

// settleSnapshot returns the snapshot as of now: pending completes after snapshotDelay.
func (s *Service) settleSnapshot(r snapshotRec) snapshotRec {
	if ptr.Val(r.State) == "pending" && !s.clock.Now().Before(r.StartTime.Add(snapshotDelay)) {
		r.State, r.Progress = ptr.To("completed"), ptr.To("100%")
		r.CompletionTime = ptr.To(r.StartTime.Add(snapshotDelay))
	}
	return r
}

func (s *Service) snapshotKind() *kind[snapshotRec] {
	one := func(f func(snapshotRec) *string) func(snapshotRec) []string {
		return func(r snapshotRec) []string { return []string{ptr.Val(f(r))} }
	}
	return &kind[snapshotRec]{
		table: s.snapshots, prefix: "snap", id: snapshotRec.id, notFound: notFoundIDs, settle: s.settleSnapshot,
		filters: map[string]func(snapshotRec) []string{
			"snapshot-id":  one(func(r snapshotRec) *string { return r.SnapshotId }),
			"volume-id":    one(func(r snapshotRec) *string { return r.VolumeId }),
			"status":       one(func(r snapshotRec) *string { return r.State }),
			"owner-id":     one(func(r snapshotRec) *string { return r.OwnerId }),
			"description":  one(func(r snapshotRec) *string { return r.Description }),
			"progress":     one(func(r snapshotRec) *string { return r.Progress }),
			"volume-size":  func(r snapshotRec) []string { return []string{strconv.FormatInt(ptr.Val(r.VolumeSize), 10)} },
			"encrypted":    func(r snapshotRec) []string { return []string{strconv.FormatBool(ptr.Val(r.Encrypted))} },
			"storage-tier": one(func(r snapshotRec) *string { return r.StorageTier }),
			"start-time": func(r snapshotRec) []string {
				return []string{r.StartTime.UTC().Format("2006-01-02T15:04:05.000Z")}
			},
		},
	}
}

// newSnapshot records a snapshot of volume v (pending until snapshotDelay has passed).
func (s *Service) newSnapshot(tx *state.Tx, sc state.Scope, v volumeRec, desc string, tags map[string]string) snapshotRec {
	return s.putSnapshot(tx, sc, snapshotRec{Snapshot: Snapshot{
		VolumeId: v.VolumeId, VolumeSize: v.Size, Description: ptr.To(desc), Encrypted: ptr.To(ptr.Val(v.Encrypted)), KmsKeyId: v.KmsKeyId,
	}}, tags)
}

// putSnapshot stores a new pending snapshot from r's volume fields and description.
func (s *Service) putSnapshot(tx *state.Tx, sc state.Scope, r snapshotRec, tags map[string]string) snapshotRec {
	r.SnapshotId, r.State, r.Progress = ptr.To(ids.Hex("snap", 17)), ptr.To("pending"), ptr.To("0%")
	r.StartTime, r.OwnerId, r.StorageTier = ptr.To(s.now()), ptr.To(sc.Account), ptr.To("standard")
	s.snapshots.Put(tx, sc, r.id(), r)
	s.setTags(tx, sc, r.id(), tags)
	return r
}

func (s *Service) snapshotOut(tx *state.Tx, sc state.Scope, r snapshotRec) Snapshot {
	out := s.settleSnapshot(r).Snapshot
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

// CreateSnapshot snapshots a volume.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSnapshot.html
func (s *Service) CreateSnapshot(ctx context.Context, in *CreateSnapshotRequest) (*Snapshot, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "snapshot")
	if err != nil {
		return nil, err
	}
	var out Snapshot
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, ok := s.volumes.Get(tx, sc, ptr.Val(in.VolumeId))
		if !ok {
			return notFoundFor(ptr.Val(in.VolumeId))
		}
		out = s.snapshotOut(tx, sc, s.newSnapshot(tx, sc, v, ptr.Val(in.Description), tags))
		return nil
	})
	return &out, err
}

// DescribeSnapshots lists the scope's snapshots.
//
// AWS: OwnerIds takes account ids and "self"; the public snapshots of other
// accounts (such as the base images' root snapshots) are not listed here.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshots.html
func (s *Service) DescribeSnapshots(ctx context.Context, in *DescribeSnapshotsRequest) (*DescribeSnapshotsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeSnapshotsResult{Snapshots: []Snapshot{}}
	if len(in.OwnerIds) > 0 && !slices.ContainsFunc(in.OwnerIds, func(o string) bool { return o == "self" || o == sc.Account }) {
		return out, nil
	}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.snapshot, query{in.SnapshotIds, in.Filters, in.MaxResults, in.NextToken})
		for _, r := range recs {
			out.Snapshots = append(out.Snapshots, s.snapshotOut(tx, sc, r))
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// DeleteSnapshot deletes a snapshot.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSnapshot.html
func (s *Service) DeleteSnapshot(ctx context.Context, in *DeleteSnapshotRequest) (*DeleteSnapshotOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteSnapshotOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		return s.deleteSnapshot(tx, sc, ptr.Val(in.SnapshotId))
	})
}

func (s *Service) deleteSnapshot(tx *state.Tx, sc state.Scope, id string) error {
	r, ok := s.snapshots.Get(tx, sc, id)
	if !ok {
		return notFoundFor(id)
	}
	// AWS: a snapshot backing a registered image cannot be deleted until the image is deregistered.
	if len(r.Images) > 0 {
		return awserr.New("InvalidSnapshot.InUse", 400, "The snapshot %s is currently in use by %s", id, r.Images[0])
	}
	s.snapshots.Delete(tx, sc, id)
	s.dropTags(tx, sc, id)
	return nil
}

// DescribeSnapshotAttribute reports a snapshot's createVolumePermission or productCodes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSnapshotAttribute.html
func (s *Service) DescribeSnapshotAttribute(ctx context.Context, in *DescribeSnapshotAttributeRequest) (*DescribeSnapshotAttributeResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.View(func(tx *state.Tx) error {
		if _, ok := s.snapshots.Get(tx, sc, ptr.Val(in.SnapshotId)); !ok {
			return notFoundFor(ptr.Val(in.SnapshotId))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeSnapshotAttributeResult{SnapshotId: in.SnapshotId}
	switch ptr.Val(in.Attribute) {
	case "createVolumePermission":
		out.CreateVolumePermissions = []CreateVolumePermission{}
	case "productCodes":
		out.ProductCodes = []ProductCode{}
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", ptr.Val(in.Attribute))
	}
	return out, nil
}

// useSnapshot marks snapshot id as used by image (or, with use false, no longer used).
func (s *Service) useSnapshot(tx *state.Tx, sc state.Scope, id, image string, use bool) {
	r, ok := s.snapshots.Get(tx, sc, id)
	if !ok {
		return
	}
	r.Images = slices.DeleteFunc(slices.Clone(r.Images), func(v string) bool { return v == image })
	if use {
		r.Images = append(r.Images, image)
	}
	s.snapshots.Put(tx, sc, id, r)
}
