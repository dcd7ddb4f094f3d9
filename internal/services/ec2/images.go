package ec2

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// imageRec is one of the scope's own images (CreateImage, RegisterImage,
// CopyImage). The public base images are the catalog (catalog.go), the same
// in every scope.
type imageRec struct {
	Image
	// Users are the accounts given launch permission; Public is the group "all".
	Users   []string
	Created time.Time
}

func (r imageRec) id() string { return *r.ImageId }

// settleImage returns the image as of now: pending becomes available after pendingDelay.
func (s *Service) settleImage(r imageRec) imageRec {
	if ptr.Val(r.State) == "pending" && !s.clock.Now().Before(r.Created.Add(pendingDelay)) {
		r.State = ptr.To("available")
	}
	return r
}

// AWS: AMI names are 3–128 characters of letters, digits and ()[] ./-'@_.
var amiName = regexp.MustCompile(`^[a-zA-Z0-9()\[\] ./\-'@_]{3,128}$`)

func checkImageName(tx *state.Tx, s *Service, sc state.Scope, name string) error {
	if !amiName.MatchString(name) {
		return awserr.New("InvalidAMIName.Malformed", 400, "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'")
	}
	if id, ok := s.imageName.Get(tx, sc, name); ok {
		return awserr.New("InvalidAMIName.Duplicate", 400, "AMI name %s is already in use by AMI %s", name, id)
	}
	return nil
}

// putImage stores a new image, its name and tags, and marks its snapshots in use.
func (s *Service) putImage(tx *state.Tx, sc state.Scope, r imageRec, tags map[string]string) {
	s.images.Put(tx, sc, r.id(), r)
	s.imageName.Put(tx, sc, *r.Name, r.id())
	s.setTags(tx, sc, r.id(), tags)
	for _, m := range r.BlockDeviceMappings {
		if m.Ebs != nil && m.Ebs.SnapshotId != nil {
			s.useSnapshot(tx, sc, *m.Ebs.SnapshotId, r.id(), true)
		}
	}
}

func (s *Service) newImageRec(sc state.Scope, name, desc string) imageRec {
	now := s.now()
	return imageRec{Created: now, Image: Image{
		ImageId: ptr.To(ids.Hex("ami", 17)), Name: ptr.To(name), Description: ptr.To(desc), OwnerId: ptr.To(sc.Account),
		ImageLocation: ptr.To(sc.Account + "/" + name), ImageType: ptr.To("machine"), Public: ptr.To(false),
		State: ptr.To("pending"), CreationDate: ptr.To(now.Format("2006-01-02T15:04:05.000Z")),
		Architecture: ptr.To("x86_64"), RootDeviceType: ptr.To("ebs"), VirtualizationType: ptr.To("hvm"), Hypervisor: ptr.To("xen"),
		EnaSupport: ptr.To(true), SriovNetSupport: ptr.To("simple"), PlatformDetails: ptr.To("Linux/UNIX"),
		UsageOperation: ptr.To("RunInstances"), BootMode: ptr.To("uefi-preferred"),
	}}
}

// snapshotMapping is an image's mapping for a snapshot of v.
func snapshotMapping(dev string, snap snapshotRec, v volumeRec, del bool) BlockDeviceMapping {
	e := &EbsBlockDevice{
		DeleteOnTermination: ptr.To(del), SnapshotId: snap.SnapshotId, VolumeSize: v.Size, VolumeType: v.VolumeType,
		Encrypted: ptr.To(ptr.Val(v.Encrypted)),
	}
	// AWS: Iops and Throughput are reported for the types that take them.
	switch ptr.Val(v.VolumeType) {
	case "gp3":
		e.Iops, e.Throughput = v.Iops, v.Throughput
	case "io1", "io2":
		e.Iops = v.Iops
	}
	return BlockDeviceMapping{DeviceName: ptr.To(dev), Ebs: e}
}

// CreateImage makes an image of an instance: each attached EBS volume is
// snapshotted, and the image maps the snapshots to the same devices.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImage.html
func (s *Service) CreateImage(ctx context.Context, in *CreateImageRequest) (*CreateImageResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	imgTags, err := specTags(in.TagSpecifications, "image", "snapshot")
	if err != nil {
		return nil, err
	}
	snapTags, _ := specTags(in.TagSpecifications, "snapshot", "image")
	var out CreateImageResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		inst, err := s.getInstance(tx, sc, ptr.Val(in.InstanceId))
		if err != nil {
			return err
		}
		switch inst.stateName() {
		case "running", "stopped", "stopping", "pending":
		default:
			return awserr.New("IncorrectInstanceState", 400, "The instance '%s' is not in a state from which it can be imaged.", inst.id())
		}
		if err := checkImageName(tx, s, sc, ptr.Val(in.Name)); err != nil {
			return err
		}
		img := s.newImageRec(sc, *in.Name, ptr.Val(in.Description))
		img.Architecture, img.RootDeviceName, img.SourceInstanceId = inst.Architecture, inst.RootDeviceName, inst.InstanceId
		img.PlatformDetails = inst.PlatformDetails
		img.BlockDeviceMappings = []BlockDeviceMapping{}
		override := map[string]BlockDeviceMapping{}
		for _, m := range in.BlockDeviceMappings {
			override[ptr.Val(m.DeviceName)] = m
		}
		for _, m := range inst.BlockDeviceMappings {
			dev := ptr.Val(m.DeviceName)
			o, has := override[dev]
			delete(override, dev)
			// AWS: NoDevice in the request leaves a device out of the image.
			if has && o.NoDevice != nil {
				continue
			}
			v, ok := s.volumes.Get(tx, sc, ptr.Val(m.Ebs.VolumeId))
			if !ok {
				continue
			}
			snap := s.newSnapshot(tx, sc, v, fmt.Sprintf("Created by CreateImage(%s) for %s", inst.id(), *img.ImageId), snapTags)
			bdm := snapshotMapping(dev, snap, v, ptr.Val(m.Ebs.DeleteOnTermination))
			if has && o.Ebs != nil {
				if sz := ptr.Val(o.Ebs.VolumeSize); sz > 0 {
					if sz < ptr.Val(v.Size) {
						return awserr.New("InvalidBlockDeviceMapping", 400, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", sz, *snap.SnapshotId, ptr.Val(v.Size))
					}
					bdm.Ebs.VolumeSize = ptr.To(sz)
				}
				if o.Ebs.VolumeType != nil {
					bdm.Ebs.VolumeType = o.Ebs.VolumeType
				}
				if o.Ebs.DeleteOnTermination != nil {
					bdm.Ebs.DeleteOnTermination = o.Ebs.DeleteOnTermination
				}
			}
			img.BlockDeviceMappings = append(img.BlockDeviceMappings, bdm)
		}
		// Further mappings of the request add empty volumes to the image.
		for _, dev := range slices.Sorted(mapKeysAny(override)) {
			m := override[dev]
			if m.NoDevice != nil {
				continue
			}
			bdm, err := s.imageMapping(tx, sc, m)
			if err != nil {
				return err
			}
			img.BlockDeviceMappings = append(img.BlockDeviceMappings, bdm)
		}
		s.putImage(tx, sc, img, imgTags)
		out.ImageId = img.ImageId
		return nil
	})
	return &out, err
}

func mapKeysAny[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// imageMapping checks one block device mapping of RegisterImage (or an extra one of CreateImage).
func (s *Service) imageMapping(tx *state.Tx, sc state.Scope, m BlockDeviceMapping) (BlockDeviceMapping, error) {
	if m.DeviceName == nil {
		return m, awserr.New("InvalidBlockDeviceMapping", 400, "The device name must be specified.")
	}
	if m.Ebs == nil {
		return m, nil // an instance store (ephemeral) mapping, kept as given
	}
	e := *m.Ebs
	if e.DeleteOnTermination == nil {
		e.DeleteOnTermination = ptr.To(true)
	}
	if e.VolumeType == nil {
		e.VolumeType = ptr.To("gp2")
	}
	if id := ptr.Val(e.SnapshotId); id != "" {
		snap, ok := s.snapshots.Get(tx, sc, id)
		if !ok {
			return m, notFoundFor(id)
		}
		if e.VolumeSize == nil {
			e.VolumeSize = snap.VolumeSize
		}
		if ptr.Val(e.VolumeSize) < ptr.Val(snap.VolumeSize) {
			return m, awserr.New("InvalidBlockDeviceMapping", 400, "Volume of size %dGB is smaller than snapshot '%s', expect size >= %dGB", *e.VolumeSize, id, *snap.VolumeSize)
		}
		e.Encrypted = ptr.To(ptr.Val(snap.Encrypted))
	} else if e.VolumeSize == nil {
		return m, awserr.New("InvalidBlockDeviceMapping", 400, "Volume size must be specified for device %s", *m.DeviceName)
	}
	if e.Encrypted == nil {
		e.Encrypted = ptr.To(false)
	}
	m.Ebs = &e
	return m, nil
}

// RegisterImage registers an image from EBS snapshots.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html
func (s *Service) RegisterImage(ctx context.Context, in *RegisterImageRequest) (*RegisterImageResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "image")
	if err != nil {
		return nil, err
	}
	if a := ptr.Val(in.Architecture); a != "" && a != "x86_64" && a != "arm64" && a != "i386" {
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter architecture is invalid.", a)
	}
	var out RegisterImageResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if err := checkImageName(tx, s, sc, ptr.Val(in.Name)); err != nil {
			return err
		}
		img := s.newImageRec(sc, *in.Name, ptr.Val(in.Description))
		img.State = ptr.To("available")
		if in.Architecture != nil {
			img.Architecture = in.Architecture
		}
		if in.EnaSupport != nil {
			img.EnaSupport = in.EnaSupport
		}
		if in.BootMode != nil {
			img.BootMode = in.BootMode
		}
		img.ImdsSupport, img.TpmSupport = in.ImdsSupport, in.TpmSupport
		img.RootDeviceName = in.RootDeviceName
		img.BlockDeviceMappings = []BlockDeviceMapping{}
		for _, m := range in.BlockDeviceMappings {
			bdm, err := s.imageMapping(tx, sc, m)
			if err != nil {
				return err
			}
			img.BlockDeviceMappings = append(img.BlockDeviceMappings, bdm)
		}
		// AWS: an EBS-backed image needs its root device among its mappings, with a snapshot.
		root := slices.IndexFunc(img.BlockDeviceMappings, func(m BlockDeviceMapping) bool { return ptr.Val(m.DeviceName) == ptr.Val(in.RootDeviceName) })
		if in.RootDeviceName == nil || root < 0 || img.BlockDeviceMappings[root].Ebs == nil || ptr.Val(img.BlockDeviceMappings[root].Ebs.SnapshotId) == "" {
			return awserr.New("InvalidBlockDeviceMapping", 400, "The root device name must be given with a snapshot id among the block device mappings.")
		}
		s.putImage(tx, sc, img, tags)
		out.ImageId = img.ImageId
		return nil
	})
	return &out, err
}

// DeregisterImage removes one of the scope's images. Its snapshots stay
// unless DeleteAssociatedSnapshots is set.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeregisterImage.html
func (s *Service) DeregisterImage(ctx context.Context, in *DeregisterImageRequest) (*DeregisterImageResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	id := ptr.Val(in.ImageId)
	if !strings.HasPrefix(id, "ami-") {
		return nil, awserr.New("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", id)
	}
	out := &DeregisterImageResult{Return: ptr.To(true)}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.images.Get(tx, sc, id)
		if !ok {
			// AWS: the public images are not the caller's to deregister.
			if _, pub := findImage(sc.Region, id); pub {
				return awserr.New("AuthFailure", 400, "Not authorized for image:%s", id)
			}
			return notFoundFor(id)
		}
		s.images.Delete(tx, sc, id)
		s.imageName.Delete(tx, sc, *r.Name)
		s.dropTags(tx, sc, id)
		for _, m := range r.BlockDeviceMappings {
			if m.Ebs == nil || m.Ebs.SnapshotId == nil {
				continue
			}
			snap := *m.Ebs.SnapshotId
			s.useSnapshot(tx, sc, snap, id, false)
			if ptr.Val(in.DeleteAssociatedSnapshots) {
				res := DeleteSnapshotReturnCode{SnapshotId: ptr.To(snap), ReturnCode: ptr.To("success")}
				if err := s.deleteSnapshot(tx, sc, snap); err != nil {
					res.ReturnCode = ptr.To("client-error")
				}
				out.DeleteSnapshotResults = append(out.DeleteSnapshotResults, res)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CopyImage copies an image (one of the account's in any region, or a public
// base image) into the request's region, with copies of its snapshots.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CopyImage.html
func (s *Service) CopyImage(ctx context.Context, in *CopyImageRequest) (*CopyImageResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	tags, err := specTags(in.TagSpecifications, "image", "snapshot")
	if err != nil {
		return nil, err
	}
	srcSc := state.Scope{Account: sc.Account, Region: ptr.Val(in.SourceRegion)}
	if _, ok := zoneByName(srcSc.Region, srcSc.Region+"a"); !ok {
		return nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for SourceRegion.", srcSc.Region)
	}
	var out CopyImageResult
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		srcID := ptr.Val(in.SourceImageId)
		var src Image
		var srcTags []Tag
		if r, ok := s.images.Get(tx, srcSc, srcID); ok {
			src, srcTags = r.Image, s.tagList(tx, srcSc, srcID)
		} else if im, ok := findImage(srcSc.Region, srcID); ok {
			src = imageOut(im, srcSc.Region)
		} else {
			return notFoundFor(srcID)
		}
		if err := checkImageName(tx, s, sc, ptr.Val(in.Name)); err != nil {
			return err
		}
		desc := ptr.Val(src.Description)
		if in.Description != nil {
			desc = *in.Description
		}
		img := s.newImageRec(sc, *in.Name, desc)
		img.Architecture, img.RootDeviceName, img.EnaSupport, img.BootMode = src.Architecture, src.RootDeviceName, src.EnaSupport, src.BootMode
		img.PlatformDetails, img.SourceImageId, img.SourceImageRegion = src.PlatformDetails, ptr.To(srcID), ptr.To(srcSc.Region)
		img.BlockDeviceMappings = []BlockDeviceMapping{}
		for _, m := range src.BlockDeviceMappings {
			if m.Ebs != nil && m.Ebs.SnapshotId != nil {
				e := *m.Ebs
				enc := ptr.Val(e.Encrypted) || ptr.Val(in.Encrypted)
				snap := s.putSnapshot(tx, sc, snapshotRec{Snapshot: Snapshot{
					VolumeId: ptr.To("vol-ffffffff"), VolumeSize: e.VolumeSize, Encrypted: ptr.To(enc), KmsKeyId: in.KmsKeyId,
					Description: ptr.To(fmt.Sprintf("Copied for DestinationAmi %s from SourceAmi %s for SourceSnapshot %s. Task created on %s.", *img.ImageId, srcID, *e.SnapshotId, s.now().Format(time.RFC3339))),
				}}, nil)
				e.SnapshotId, e.Encrypted = snap.SnapshotId, ptr.To(enc)
				m.Ebs = &e
			}
			img.BlockDeviceMappings = append(img.BlockDeviceMappings, m)
		}
		t := map[string]string{}
		if ptr.Val(in.CopyImageTags) {
			for _, tg := range srcTags {
				t[*tg.Key] = *tg.Value
			}
		}
		for k, v := range tags {
			t[k] = v
		}
		s.putImage(tx, sc, img, t)
		out.ImageId = img.ImageId
		return nil
	})
	return &out, err
}

// ownImageOut is one of the scope's images as DescribeImages shows it.
func (s *Service) ownImageOut(tx *state.Tx, sc state.Scope, r imageRec) Image {
	out := s.settleImage(r).Image
	out.Public = ptr.To(slices.Contains(r.Users, "all"))
	out.Tags = s.tagList(tx, sc, r.id())
	return out
}

// DescribeImages lists the public base images and the scope's own images,
// by owner, executable user, id and filters.
//
// AWS: owners are account ids or the aliases self, amazon and
// aws-marketplace; executable users are account ids, self or all. With
// neither, every image the caller may launch is listed: public ones, its own
// and those shared with it.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html
func (s *Service) DescribeImages(ctx context.Context, in *DescribeImagesRequest) (*DescribeImagesResult, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	owned := func(owner, alias string) bool {
		return len(in.Owners) == 0 || slices.ContainsFunc(in.Owners, func(o string) bool {
			return o == owner || (o == "self" && owner == sc.Account) || (o != "" && o == alias)
		})
	}
	launchable := func(owner string, public bool, users []string) bool {
		return len(in.ExecutableUsers) == 0 || slices.ContainsFunc(in.ExecutableUsers, func(u string) bool {
			switch u {
			case "all":
				return public
			case "self":
				return owner == sc.Account || public || slices.Contains(users, sc.Account)
			}
			return public || slices.Contains(users, u) || owner == u
		})
	}
	var all []Image
	for _, im := range regionImages(sc.Region) {
		if len(in.ImageIds) > 0 && !slices.Contains(in.ImageIds, im.AMI) {
			continue
		}
		if owned(im.OwnerID, im.OwnerAlias) && launchable(im.OwnerID, true, nil) {
			all = append(all, imageOut(im, sc.Region))
		}
	}
	err = s.db.View(func(tx *state.Tx) error {
		visit := func(r imageRec) {
			if owned(sc.Account, "") && launchable(sc.Account, slices.Contains(r.Users, "all"), r.Users) {
				all = append(all, s.ownImageOut(tx, sc, r))
			}
		}
		if len(in.ImageIds) > 0 {
			for _, id := range in.ImageIds {
				if r, ok := s.images.Get(tx, sc, id); ok {
					visit(r)
				}
			}
			return nil
		}
		s.images.Ascend(tx, sc, "", func(_ string, r imageRec) bool { visit(r); return true })
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b Image) int { return strings.Compare(*a.ImageId, *b.ImageId) })
	all = slices.CompactFunc(all, func(a, b Image) bool { return *a.ImageId == *b.ImageId })
	// AWS: an id that names no image the caller can see fails the call.
	for _, id := range in.ImageIds {
		if !strings.HasPrefix(id, "ami-") {
			return nil, awserr.New("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", id)
		}
		if !slices.ContainsFunc(all, func(im Image) bool { return *im.ImageId == id }) && !s.imageExists(ctx, sc, id) {
			return nil, notFoundFor(id)
		}
	}
	one := func(f func(Image) *string) func(Image) []string {
		return func(im Image) []string {
			if v := f(im); v != nil {
				return []string{*v}
			}
			return nil
		}
	}
	bdm := func(f func(BlockDeviceMapping) string) func(Image) []string {
		return func(im Image) []string {
			var out []string
			for _, m := range im.BlockDeviceMappings {
				if m.Ebs != nil {
					out = append(out, f(m))
				}
			}
			return out
		}
	}
	tags := func(f func(Tag) []string) func(Image) []string {
		return func(im Image) []string {
			var out []string
			for _, t := range im.Tags {
				out = append(out, f(t)...)
			}
			return out
		}
	}
	fm := map[string]func(Image) []string{
		"name":                             one(func(im Image) *string { return im.Name }),
		"image-id":                         one(func(im Image) *string { return im.ImageId }),
		"owner-id":                         one(func(im Image) *string { return im.OwnerId }),
		"owner-alias":                      one(func(im Image) *string { return im.ImageOwnerAlias }),
		"architecture":                     one(func(im Image) *string { return im.Architecture }),
		"virtualization-type":              one(func(im Image) *string { return im.VirtualizationType }),
		"root-device-type":                 one(func(im Image) *string { return im.RootDeviceType }),
		"root-device-name":                 one(func(im Image) *string { return im.RootDeviceName }),
		"state":                            one(func(im Image) *string { return im.State }),
		"image-type":                       one(func(im Image) *string { return im.ImageType }),
		"hypervisor":                       one(func(im Image) *string { return im.Hypervisor }),
		"description":                      one(func(im Image) *string { return im.Description }),
		"platform-details":                 one(func(im Image) *string { return im.PlatformDetails }),
		"source-instance-id":               one(func(im Image) *string { return im.SourceInstanceId }),
		"creation-date":                    one(func(im Image) *string { return im.CreationDate }),
		"manifest-location":                one(func(im Image) *string { return im.ImageLocation }),
		"is-public":                        func(im Image) []string { return []string{strconv.FormatBool(*im.Public)} },
		"ena-support":                      func(im Image) []string { return []string{strconv.FormatBool(ptr.Val(im.EnaSupport))} },
		"block-device-mapping.volume-type": bdm(func(m BlockDeviceMapping) string { return ptr.Val(m.Ebs.VolumeType) }),
		"block-device-mapping.snapshot-id": bdm(func(m BlockDeviceMapping) string { return ptr.Val(m.Ebs.SnapshotId) }),
		"block-device-mapping.device-name": bdm(func(m BlockDeviceMapping) string { return ptr.Val(m.DeviceName) }),
		"block-device-mapping.volume-size": bdm(func(m BlockDeviceMapping) string { return strconv.FormatInt(ptr.Val(m.Ebs.VolumeSize), 10) }),
		"block-device-mapping.encrypted":   bdm(func(m BlockDeviceMapping) string { return strconv.FormatBool(ptr.Val(m.Ebs.Encrypted)) }),
		"block-device-mapping.delete-on-termination": bdm(func(m BlockDeviceMapping) string { return strconv.FormatBool(ptr.Val(m.Ebs.DeleteOnTermination)) }),
		"tag-key":   tags(func(t Tag) []string { return []string{*t.Key} }),
		"tag-value": tags(func(t Tag) []string { return []string{*t.Value} }),
	}
	for _, f := range in.Filters {
		if name := ptr.Val(f.Name); strings.HasPrefix(name, "tag:") {
			key := name[len("tag:"):]
			fm[name] = func(im Image) []string {
				for _, t := range im.Tags {
					if *t.Key == key {
						return []string{*t.Value}
					}
				}
				return nil
			}
		}
	}
	all, err = filterSlice(all, in.Filters, fm)
	if err != nil {
		return nil, err
	}
	images, next, err := page(all, func(im Image) string { return *im.ImageId }, query{MaxResults: in.MaxResults, NextToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	if images == nil {
		images = []Image{}
	}
	return &DescribeImagesResult{Images: images, NextToken: next}, nil
}

// imageExists reports whether id names a catalog image or one of the scope's.
func (s *Service) imageExists(_ context.Context, sc state.Scope, id string) bool {
	if _, ok := findImage(sc.Region, id); ok {
		return true
	}
	ok := false
	_ = s.db.View(func(tx *state.Tx) error { _, ok = s.images.Get(tx, sc, id); return nil })
	return ok
}

// launchImage resolves an image id for RunInstances: a catalog image, or one
// of the scope's available images.
func (s *Service) launchImage(tx *state.Tx, sc state.Scope, id string) (catalogImage, bool) {
	if im, ok := findImage(sc.Region, id); ok {
		return im, true
	}
	r, ok := s.images.Get(tx, sc, id)
	if !ok {
		return catalogImage{}, false
	}
	r = s.settleImage(r)
	im := catalogImage{AMI: id}
	im.Name, im.Architecture, im.RootDeviceName = *r.Name, ptr.Val(r.Architecture), ptr.Val(r.RootDeviceName)
	im.PlatformDetails, im.OwnerID = ptr.Val(r.PlatformDetails), sc.Account
	for _, m := range r.BlockDeviceMappings {
		if m.Ebs == nil {
			continue
		}
		if ptr.Val(m.DeviceName) == im.RootDeviceName {
			im.RootVolumeSize, im.RootVolumeType, im.RootSnapshot = int(ptr.Val(m.Ebs.VolumeSize)), ptr.Val(m.Ebs.VolumeType), ptr.Val(m.Ebs.SnapshotId)
			continue
		}
		im.Extra = append(im.Extra, m)
	}
	return im, true
}

// getOwnImage returns one of the scope's images, or AWS's error for a catalog or unknown id.
func (s *Service) getOwnImage(tx *state.Tx, sc state.Scope, id string) (imageRec, error) {
	if !strings.HasPrefix(id, "ami-") {
		return imageRec{}, awserr.New("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", id)
	}
	r, ok := s.images.Get(tx, sc, id)
	if !ok {
		if _, pub := findImage(sc.Region, id); pub {
			return r, awserr.New("AuthFailure", 400, "Not authorized for image:%s", id)
		}
		return r, notFoundFor(id)
	}
	return s.settleImage(r), nil
}

// DescribeImageAttribute reports one attribute of one of the scope's images.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImageAttribute.html
func (s *Service) DescribeImageAttribute(ctx context.Context, in *DescribeImageAttributeRequest) (*ImageAttribute, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	id := ptr.Val(in.ImageId)
	var img Image
	var users []string
	if im, ok := findImage(sc.Region, id); ok {
		img = imageOut(im, sc.Region)
		users = []string{"all"}
	} else {
		err = s.db.View(func(tx *state.Tx) error {
			r, err := s.getOwnImage(tx, sc, id)
			img, users = r.Image, r.Users
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out := &ImageAttribute{ImageId: ptr.To(id)}
	val := func(v *string) *AttributeValue {
		if v == nil {
			return &AttributeValue{}
		}
		return &AttributeValue{Value: v}
	}
	switch ptr.Val(in.Attribute) {
	case "launchPermission":
		out.LaunchPermissions = []LaunchPermission{}
		for _, u := range users {
			if u == "all" {
				out.LaunchPermissions = append(out.LaunchPermissions, LaunchPermission{Group: ptr.To("all")})
			} else {
				out.LaunchPermissions = append(out.LaunchPermissions, LaunchPermission{UserId: ptr.To(u)})
			}
		}
	case "description":
		out.Description = val(img.Description)
	case "blockDeviceMapping":
		out.BlockDeviceMappings = img.BlockDeviceMappings
	case "bootMode":
		out.BootMode = val(img.BootMode)
	case "imdsSupport":
		out.ImdsSupport = val(img.ImdsSupport)
	case "tpmSupport":
		out.TpmSupport = val(img.TpmSupport)
	case "sriovNetSupport":
		out.SriovNetSupport = val(img.SriovNetSupport)
	case "kernel":
		out.KernelId = val(img.KernelId)
	case "ramdisk":
		out.RamdiskId = val(img.RamdiskId)
	case "deregistrationProtection":
		out.DeregistrationProtection = val(ptr.To("disabled"))
	case "lastLaunchedTime":
		out.LastLaunchedTime = &AttributeValue{}
	case "uefiData":
		out.UefiData = &AttributeValue{}
	case "productCodes":
		out.ProductCodes = []ProductCode{}
	default:
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Unknown attribute.", ptr.Val(in.Attribute))
	}
	return out, nil
}

// ModifyImageAttribute changes an image's description or launch permissions.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyImageAttribute.html
func (s *Service) ModifyImageAttribute(ctx context.Context, in *ModifyImageAttributeRequest) (*ModifyImageAttributeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	return &ModifyImageAttributeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getOwnImage(tx, sc, ptr.Val(in.ImageId))
		if err != nil {
			return err
		}
		attr := ptr.Val(in.Attribute)
		switch {
		case in.Description != nil || attr == "description":
			d := ptr.Val(in.Value)
			if in.Description != nil {
				d = ptr.Val(in.Description.Value)
			}
			r.Description = ptr.To(d)
		case in.ImdsSupport != nil || attr == "imdsSupport":
			v := ptr.Val(in.Value)
			if in.ImdsSupport != nil {
				v = ptr.Val(in.ImdsSupport.Value)
			}
			r.ImdsSupport = ptr.To(v)
		case in.LaunchPermission != nil || attr == "launchPermission" || len(in.UserIds) > 0 || len(in.UserGroups) > 0:
			var add, remove []LaunchPermission
			if lp := in.LaunchPermission; lp != nil {
				add, remove = lp.Add, lp.Remove
			}
			// The older form: OperationType add|remove with UserIds and UserGroups.
			var legacy []LaunchPermission
			for _, u := range in.UserIds {
				legacy = append(legacy, LaunchPermission{UserId: ptr.To(u)})
			}
			for _, g := range in.UserGroups {
				legacy = append(legacy, LaunchPermission{Group: ptr.To(g)})
			}
			if ptr.Val(in.OperationType) == "remove" {
				remove = append(remove, legacy...)
			} else {
				add = append(add, legacy...)
			}
			users := slices.Clone(r.Users)
			name := func(p LaunchPermission) (string, error) {
				switch {
				case p.Group != nil:
					if *p.Group != "all" {
						return "", awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter group is invalid. Only 'all' is accepted.", *p.Group)
					}
					return "all", nil
				case p.UserId != nil:
					if len(*p.UserId) != 12 || strings.Trim(*p.UserId, "0123456789") != "" {
						return "", awserr.New("InvalidAMIAttributeItemValue", 400, "Invalid attribute item value \"%s\" for userId item type.", *p.UserId)
					}
					return *p.UserId, nil
				}
				return "", awserr.New("InvalidParameterCombination", 400, "A launch permission needs a user id or a group.")
			}
			for _, p := range add {
				n, err := name(p)
				if err != nil {
					return err
				}
				if !slices.Contains(users, n) {
					users = append(users, n)
				}
			}
			for _, p := range remove {
				n, err := name(p)
				if err != nil {
					return err
				}
				users = slices.DeleteFunc(users, func(u string) bool { return u == n })
			}
			slices.Sort(users)
			r.Users = users
		default:
			return awserr.New("InvalidParameterCombination", 400, "No attributes specified.")
		}
		s.images.Put(tx, sc, r.id(), r)
		return nil
	})
}

// ResetImageAttribute resets an image's launch permissions (it becomes private).
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ResetImageAttribute.html
func (s *Service) ResetImageAttribute(ctx context.Context, in *ResetImageAttributeRequest) (*ResetImageAttributeOutput, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return nil, err
	}
	if ptr.Val(in.Attribute) != "launchPermission" {
		return nil, awserr.New("InvalidParameterValue", 400, "Value (%s) for parameter attribute is invalid. Only 'launchPermission' can be reset.", ptr.Val(in.Attribute))
	}
	return &ResetImageAttributeOutput{}, s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getOwnImage(tx, sc, ptr.Val(in.ImageId))
		if err != nil {
			return err
		}
		r.Users = nil
		s.images.Put(tx, sc, r.id(), r)
		return nil
	})
}
