package ec2

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// volumeRec is an EBS volume.
type volumeRec struct {
	Volume
	// Mod is the volume's latest modification (ModifyVolume), if any.
	Mod *VolumeModification `json:",omitempty"`
}

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
	if !slices.Contains(volumeTypes, typ) {
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter volumeType is invalid. Valid values are: %s", typ, strings.Join(volumeTypes, ", "))
	}
	tags, err := specTags(in.TagSpecifications, "volume")
	if err != nil {
		return nil, err
	}
	var out Volume
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		size, enc := ptr.Val(in.Size), ptr.Val(in.Encrypted)
		if id := ptr.Val(in.SnapshotId); id != "" {
			snap, ok := s.snapshots.Get(tx, sc, id)
			if !ok {
				return notFoundFor(id)
			}
			// AWS: a volume from a snapshot is at least the snapshot's size, and encrypted if it is.
			if size == 0 {
				size = ptr.Val(snap.VolumeSize)
			}
			if size < ptr.Val(snap.VolumeSize) {
				return awserr.New("InvalidParameterValue", 400, "The volume size is invalid for snapshots: %d < %d", size, ptr.Val(snap.VolumeSize))
			}
			enc = enc || ptr.Val(snap.Encrypted)
		}
		iops, through := volumeDefaults(typ, size, in.Iops, in.Throughput)
		v := volumeRec{Volume: Volume{
			VolumeId: ptr.To(ids.Hex("vol", 17)), Size: ptr.To(max(size, 1)), VolumeType: ptr.To(typ), State: ptr.To("available"),
			CreateTime: ptr.To(s.now()), AvailabilityZone: ptr.To(z.Name), AvailabilityZoneId: ptr.To(z.ID),
			Encrypted: ptr.To(enc), KmsKeyId: in.KmsKeyId, Iops: iops, Throughput: through,
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

// volumeTypes are the EBS volume types.
var volumeTypes = []string{"standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"}

// volumeDefaults fills in a volume's IOPS and throughput.
//
// AWS: gp2 has 3 IOPS per GiB (100 to 16,000); gp3 starts at 3,000 IOPS and
// 125 MiB/s; other types report what was asked.
func volumeDefaults(typ string, size int64, iops, through *int64) (*int64, *int64) {
	switch typ {
	case "gp3":
		if iops == nil {
			iops = ptr.To(int64(3000))
		}
		if through == nil {
			through = ptr.To(int64(125))
		}
	case "gp2":
		iops, through = ptr.To(max(100, min(16000, 3*size))), nil
	}
	return iops, through
}

// AttachVolume attaches an available volume to an instance in its zone. The
// volume shows in the instance's block device mappings.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVolume.html
func (s *Service) AttachVolume(ctx context.Context, in *AttachVolumeRequest) (*VolumeAttachment, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	dev := ptr.Val(in.Device)
	if !strings.HasPrefix(dev, "/dev/") && !strings.HasPrefix(dev, "xvd") {
		return nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for unixDevice. Attachment point %s is already in use", dev, dev)
	}
	var out VolumeAttachment
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, ok := s.volumes.Get(tx, sc, ptr.Val(in.VolumeId))
		if !ok {
			return notFoundFor(ptr.Val(in.VolumeId))
		}
		inst, err := s.getInstance(tx, sc, ptr.Val(in.InstanceId))
		if err != nil {
			return err
		}
		// AWS: a volume attaches to one instance (unless multi-attach), in its own zone,
		// to a running or stopped instance, at a free device name.
		if len(v.Attachments) > 0 {
			return awserr.New("VolumeInUse", 400, "%s is already attached to an instance", v.id())
		}
		if *v.AvailabilityZone != ptr.Val(inst.Placement.AvailabilityZone) {
			return awserr.New("InvalidVolume.ZoneMismatch", 400, "The volume '%s' is not in the same availability zone as instance '%s'", v.id(), inst.id())
		}
		if st := inst.stateName(); st != "running" && st != "stopped" {
			return awserr.New("IncorrectState", 400, "Instance '%s' is not 'running'.", inst.id())
		}
		if slices.ContainsFunc(inst.BlockDeviceMappings, func(m InstanceBlockDeviceMapping) bool { return ptr.Val(m.DeviceName) == dev }) {
			return awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for unixDevice. Attachment point %s is already in use", dev, dev)
		}
		now := s.now()
		// AWS: a volume attached after launch is not deleted with the instance.
		out = VolumeAttachment{VolumeId: v.VolumeId, InstanceId: inst.InstanceId, Device: ptr.To(dev), State: ptr.To("attaching"), AttachTime: ptr.To(now), DeleteOnTermination: ptr.To(false)}
		att := out
		att.State = ptr.To("attached")
		v.Attachments, v.State = []VolumeAttachment{att}, ptr.To("in-use")
		s.volumes.Put(tx, sc, v.id(), v)
		inst.BlockDeviceMappings = append(slices.Clone(inst.BlockDeviceMappings), InstanceBlockDeviceMapping{DeviceName: ptr.To(dev), Ebs: &EbsInstanceBlockDevice{
			VolumeId: v.VolumeId, Status: ptr.To("attached"), AttachTime: ptr.To(now), DeleteOnTermination: ptr.To(false),
		}})
		s.instances.Put(tx, sc, inst.id(), inst)
		return nil
	})
	return &out, err
}

// DetachVolume detaches a volume from its instance.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVolume.html
func (s *Service) DetachVolume(ctx context.Context, in *DetachVolumeRequest) (*VolumeAttachment, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out VolumeAttachment
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, ok := s.volumes.Get(tx, sc, ptr.Val(in.VolumeId))
		if !ok {
			return notFoundFor(ptr.Val(in.VolumeId))
		}
		if len(v.Attachments) == 0 {
			return awserr.New("IncorrectState", 400, "Volume '%s' is in the 'available' state.", v.id())
		}
		att := v.Attachments[0]
		if id := ptr.Val(in.InstanceId); id != "" && id != ptr.Val(att.InstanceId) {
			return awserr.New("InvalidAttachment.NotFound", 400, "Volume '%s' is not attached to instance '%s'.", v.id(), id)
		}
		if d := ptr.Val(in.Device); d != "" && d != ptr.Val(att.Device) {
			return awserr.New("InvalidAttachment.NotFound", 400, "Volume '%s' is not attached at device '%s'.", v.id(), d)
		}
		if inst, ok := s.instances.Get(tx, sc, ptr.Val(att.InstanceId)); ok {
			inst = s.settleInstance(inst)
			// AWS: the root volume stays while the instance runs.
			if ptr.Val(att.Device) == ptr.Val(inst.RootDeviceName) && inst.stateName() != "stopped" && !ptr.Val(in.Force) {
				return awserr.New("IncorrectState", 400, "Unable to detach root volume '%s' from instance '%s'", v.id(), inst.id())
			}
			inst.BlockDeviceMappings = slices.DeleteFunc(slices.Clone(inst.BlockDeviceMappings), func(m InstanceBlockDeviceMapping) bool {
				return m.Ebs != nil && ptr.Val(m.Ebs.VolumeId) == v.id()
			})
			s.instances.Put(tx, sc, inst.id(), inst)
		}
		out = att
		out.State = ptr.To("detaching")
		v.Attachments, v.State = nil, ptr.To("available")
		s.volumes.Put(tx, sc, v.id(), v)
		return nil
	})
	return &out, err
}

// ModifyVolume changes a volume's size, type, IOPS or throughput. The
// change is applied at once and reported completed.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVolume.html
func (s *Service) ModifyVolume(ctx context.Context, in *ModifyVolumeRequest) (*ModifyVolumeResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	var out ModifyVolumeResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		v, ok := s.volumes.Get(tx, sc, ptr.Val(in.VolumeId))
		if !ok {
			return notFoundFor(ptr.Val(in.VolumeId))
		}
		size, typ := ptr.Val(v.Size), ptr.Val(v.VolumeType)
		if in.Size != nil {
			// AWS: a volume grows, never shrinks.
			if *in.Size < size {
				return awserr.New("InvalidParameterValue", 400, "New size cannot be smaller than existing size")
			}
			size = *in.Size
		}
		if in.VolumeType != nil {
			if !slices.Contains(volumeTypes, *in.VolumeType) {
				return awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter volumeType is invalid.", *in.VolumeType)
			}
			typ = *in.VolumeType
		}
		if in.Size == nil && in.VolumeType == nil && in.Iops == nil && in.Throughput == nil && in.MultiAttachEnabled == nil {
			return awserr.New("InvalidParameterCombination", 400, "At least one of size, volumeType, iops, throughput or multiAttachEnabled must be given.")
		}
		iops, through := in.Iops, in.Throughput
		if iops == nil && typ == ptr.Val(v.VolumeType) {
			iops = v.Iops
		}
		if through == nil && typ == ptr.Val(v.VolumeType) {
			through = v.Throughput
		}
		iops, through = volumeDefaults(typ, size, iops, through)
		now := s.now()
		mod := &VolumeModification{
			VolumeId: v.VolumeId, ModificationState: ptr.To("completed"), Progress: ptr.To(int64(100)), StartTime: ptr.To(now), EndTime: ptr.To(now),
			OriginalSize: v.Size, OriginalVolumeType: v.VolumeType, OriginalIops: v.Iops, OriginalThroughput: v.Throughput,
			OriginalMultiAttachEnabled: v.MultiAttachEnabled,
			TargetSize:                 ptr.To(size), TargetVolumeType: ptr.To(typ), TargetIops: iops, TargetThroughput: through,
			TargetMultiAttachEnabled: ptr.To(ptr.Val(in.MultiAttachEnabled) || (in.MultiAttachEnabled == nil && ptr.Val(v.MultiAttachEnabled))),
		}
		v.Size, v.VolumeType, v.Iops, v.Throughput, v.MultiAttachEnabled = ptr.To(size), ptr.To(typ), iops, through, mod.TargetMultiAttachEnabled
		v.Mod = mod
		s.volumes.Put(tx, sc, v.id(), v)
		m := *mod
		m.ModificationState, m.Progress, m.EndTime = ptr.To("modifying"), ptr.To(int64(0)), nil
		out.VolumeModification = &m
		return nil
	})
	return &out, err
}

// DescribeVolumesModifications reports the latest modification of volumes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumesModifications.html
func (s *Service) DescribeVolumesModifications(ctx context.Context, in *DescribeVolumesModificationsRequest) (*DescribeVolumesModificationsResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	k := *s.kinds.volume
	k.filters = map[string]func(volumeRec) []string{
		"volume-id":          func(v volumeRec) []string { return []string{v.id()} },
		"modification-state": func(v volumeRec) []string { return []string{ptr.Val(v.Mod.ModificationState)} },
		"target-size":        func(v volumeRec) []string { return []string{strconv.FormatInt(ptr.Val(v.Mod.TargetSize), 10)} },
		"target-volume-type": func(v volumeRec) []string { return []string{ptr.Val(v.Mod.TargetVolumeType)} },
		"original-size":      func(v volumeRec) []string { return []string{strconv.FormatInt(ptr.Val(v.Mod.OriginalSize), 10)} },
		"original-volume-type": func(v volumeRec) []string {
			return []string{ptr.Val(v.Mod.OriginalVolumeType)}
		},
	}
	out := &DescribeVolumesModificationsResult{VolumesModifications: []VolumeModification{}}
	err = s.db.View(func(tx *state.Tx) error {
		k.hidden = func(v volumeRec) bool { return v.Mod == nil }
		// AWS: a volume never modified is InvalidVolumeModification.NotFound.
		k.notFound = func(ids []string) error {
			return awserr.New("InvalidVolumeModification.NotFound", 400, "Modification for volume '%s' does not exist.", strings.Join(ids, ", "))
		}
		recs, next, err := describe(s, tx, sc, &k, query{in.VolumeIds, in.Filters, in.MaxResults, in.NextToken})
		if err != nil {
			return err
		}
		for _, v := range recs {
			out.VolumesModifications = append(out.VolumesModifications, *v.Mod)
		}
		out.NextToken = next
		return nil
	})
	return out, err
}

// DescribeVolumeAttribute reports a volume's autoEnableIO or productCodes.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumeAttribute.html
func (s *Service) DescribeVolumeAttribute(ctx context.Context, in *DescribeVolumeAttributeRequest) (*DescribeVolumeAttributeResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.View(func(tx *state.Tx) error {
		if _, ok := s.volumes.Get(tx, sc, ptr.Val(in.VolumeId)); !ok {
			return notFoundFor(ptr.Val(in.VolumeId))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeVolumeAttributeResult{VolumeId: in.VolumeId}
	switch ptr.Val(in.Attribute) {
	case "autoEnableIO":
		out.AutoEnableIO = &AttributeBooleanValue{Value: ptr.To(false)}
	case "productCodes":
		out.ProductCodes = []ProductCode{}
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", ptr.Val(in.Attribute))
	}
	return out, nil
}
