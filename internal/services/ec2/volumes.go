package ec2

import (
	"context"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// volumeRec is an EBS volume.
type volumeRec struct{ Volume }

func (v volumeRec) id() string { return *v.VolumeId }

func (s *Service) volumeKind() *kind[volumeRec] {
	att := func(f func(VolumeAttachment) string) func(volumeRec) []string {
		return func(v volumeRec) []string {
			var out []string
			for _, a := range v.Attachments {
				out = append(out, f(a))
			}
			return out
		}
	}
	return &kind[volumeRec]{
		table: s.volumes, prefix: "vol", id: volumeRec.id, notFound: notFoundIDs,
		filters: map[string]func(volumeRec) []string{
			"volume-id":                        func(v volumeRec) []string { return []string{v.id()} },
			"status":                           func(v volumeRec) []string { return []string{*v.State} },
			"size":                             func(v volumeRec) []string { return []string{strconv.FormatInt(*v.Size, 10)} },
			"volume-type":                      func(v volumeRec) []string { return []string{*v.VolumeType} },
			"availability-zone":                func(v volumeRec) []string { return []string{*v.AvailabilityZone} },
			"snapshot-id":                      func(v volumeRec) []string { return []string{ptr.Val(v.SnapshotId)} },
			"encrypted":                        func(v volumeRec) []string { return []string{strconv.FormatBool(*v.Encrypted)} },
			"attachment.instance-id":           att(func(a VolumeAttachment) string { return *a.InstanceId }),
			"attachment.device":                att(func(a VolumeAttachment) string { return *a.Device }),
			"attachment.status":                att(func(a VolumeAttachment) string { return *a.State }),
			"attachment.delete-on-termination": att(func(a VolumeAttachment) string { return strconv.FormatBool(*a.DeleteOnTermination) }),
		},
	}
}

// DescribeVolumes lists EBS volumes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html
func (s *Service) DescribeVolumes(ctx context.Context, in *DescribeVolumesRequest) (*DescribeVolumesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	out := &DescribeVolumesResult{Volumes: []Volume{}}
	err = s.db.View(func(tx *state.Tx) error {
		recs, next, err := describe(s, tx, sc, s.kinds.volume, query{in.VolumeIds, in.Filters, in.MaxResults, in.NextToken})
		for _, v := range recs {
			o := v.Volume
			if o.Attachments == nil {
				o.Attachments = []VolumeAttachment{}
			}
			o.Tags = s.tagList(tx, sc, v.id())
			out.Volumes = append(out.Volumes, o)
		}
		out.NextToken = next
		return err
	})
	return out, err
}

// CreateVolume creates an unattached EBS volume.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVolume.html
func (s *Service) CreateVolume(ctx context.Context, in *CreateVolumeRequest) (*Volume, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	z, ok := zoneByName(sc.Region, ptr.Val(in.AvailabilityZone)+ptr.Val(in.AvailabilityZoneId))
	if !ok {
		return nil, awserr.New("InvalidParameterValue", 400, "Invalid availability zone: [%s]", ptr.Val(in.AvailabilityZone))
	}
	if in.Size == nil && in.SnapshotId == nil {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter size or snapshotId")
	}
	typ := ptr.Val(in.VolumeType)
	if typ == "" {
		typ = "gp2"
	}
	tags, err := specTags(in.TagSpecifications, "volume")
	if err != nil {
		return nil, err
	}
	var out Volume
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v := volumeRec{Volume{
			VolumeId: ptr.To(ids.Hex("vol", 17)), Size: ptr.To(max(ptr.Val(in.Size), 1)), VolumeType: ptr.To(typ), State: ptr.To("available"),
			CreateTime: ptr.To(s.now()), AvailabilityZone: ptr.To(z.Name), AvailabilityZoneId: ptr.To(z.ID),
			Encrypted: ptr.To(ptr.Val(in.Encrypted)), KmsKeyId: in.KmsKeyId, Iops: in.Iops, Throughput: in.Throughput,
			SnapshotId: ptr.To(ptr.Val(in.SnapshotId)), MultiAttachEnabled: ptr.To(ptr.Val(in.MultiAttachEnabled)),
		}}
		s.volumes.Put(tx, sc, v.id(), v)
		s.setTags(tx, sc, v.id(), tags)
		out = v.Volume
		out.Attachments = []VolumeAttachment{}
		out.Tags = s.tagList(tx, sc, v.id())
		return nil
	})
	return &out, err
}

// DeleteVolume deletes an unattached volume.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVolume.html
func (s *Service) DeleteVolume(ctx context.Context, in *DeleteVolumeRequest) (*DeleteVolumeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &DeleteVolumeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		v, ok := s.volumes.Get(tx, sc, *in.VolumeId)
		if !ok {
			return notFoundFor(*in.VolumeId)
		}
		if len(v.Attachments) > 0 {
			return awserr.New("VolumeInUse", 400, "Volume %s is currently attached to %s", v.id(), ptr.Val(v.Attachments[0].InstanceId))
		}
		s.volumes.Delete(tx, sc, v.id())
		s.dropTags(tx, sc, v.id())
		return nil
	})
}
