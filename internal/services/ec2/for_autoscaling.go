package ec2

import (
	"context"
	"strconv"
	"strings"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// GroupLaunch is one instance an Auto Scaling group launches: its launch
// configuration's settings, the subnet chosen for it and the tags it gets.
type GroupLaunch struct {
	ImageID, InstanceType, KeyName, UserData, IamInstanceProfile, SubnetID string
	// SecurityGroups are group ids (sg-…) or, outside a VPC, names.
	SecurityGroups []string
	// AssociatePublicIP is nil to follow the subnet's setting.
	AssociatePublicIP *bool
	BlockDevices      []BlockDeviceMapping
	// Tags may include keys under the reserved aws: prefix
	// (aws:autoscaling:groupName), which only AWS services may set.
	Tags map[string]string
	// Template, if set, launches from a launch template version: its data
	// under the fields set above (the subnet; an instance type or image
	// from a mixed instances policy's override).
	Template *TemplateLaunch
}

// TemplateLaunch names the launch template version an instance launches from.
type TemplateLaunch struct {
	ID      string
	Version int64
}

// TemplateVersion is one launch template version as Auto Scaling sees it.
type TemplateVersion struct {
	ID, Name              string
	Version               int64
	ImageID, InstanceType string
}

// ResolveLaunchTemplate finds the launch template named by id or name and
// resolves version ("$Latest", "$Default", a number; "" is $Default). Its
// errors are EC2's (InvalidLaunchTemplateId.NotFound, …).
func (s *Service) ResolveLaunchTemplate(ctx context.Context, id, name, version string) (TemplateVersion, error) {
	sc, err := s.scope(ctx)
	if err != nil {
		return TemplateVersion{}, err
	}
	spec := LaunchTemplateSpecification{Version: ptr.To(version)}
	if id != "" {
		spec.LaunchTemplateId = ptr.To(id)
	}
	if name != "" {
		spec.LaunchTemplateName = ptr.To(name)
	}
	r, v, err := s.resolveLaunchTemplate(ctx, sc, spec)
	if err != nil {
		return TemplateVersion{}, err
	}
	out := TemplateVersion{ID: r.id(), Name: *r.LaunchTemplateName, Version: *v.VersionNumber}
	if d := v.LaunchTemplateData; d != nil {
		out.ImageID, out.InstanceType = ptr.Val(d.ImageId), ptr.Val(d.InstanceType)
	}
	return out, nil
}

// ImageExists reports whether the AMI id is in the request region's catalog.
func (s *Service) ImageExists(ctx context.Context, id string) bool {
	sc, err := s.scope(ctx)
	if err != nil {
		return false
	}
	_, ok := findImage(sc.Region, id)
	return ok
}

// LaunchForGroup runs one instance as RunInstances does (from l.Template
// when set) and tags it with
// l.Tags (reserved aws: keys included); it returns the instance id and zone.
func (s *Service) LaunchForGroup(ctx context.Context, l GroupLaunch) (id, zone string, err error) {
	in := &RunInstancesRequest{MinCount: ptr.To(int64(1)), MaxCount: ptr.To(int64(1)), BlockDeviceMappings: l.BlockDevices}
	if l.ImageID != "" {
		in.ImageId = ptr.To(l.ImageID)
	}
	if t := l.Template; t != nil {
		in.LaunchTemplate = &LaunchTemplateSpecification{LaunchTemplateId: ptr.To(t.ID), Version: ptr.To(strconv.FormatInt(t.Version, 10))}
	}
	if l.InstanceType != "" {
		in.InstanceType = ptr.To(l.InstanceType)
	}
	if l.KeyName != "" {
		in.KeyName = ptr.To(l.KeyName)
	}
	if l.UserData != "" {
		in.UserData = ptr.To(l.UserData)
	}
	if l.IamInstanceProfile != "" {
		p := &IamInstanceProfileSpecification{}
		if strings.HasPrefix(l.IamInstanceProfile, "arn:") {
			p.Arn = ptr.To(l.IamInstanceProfile)
		} else {
			p.Name = ptr.To(l.IamInstanceProfile)
		}
		in.IamInstanceProfile = p
	}
	var sgIDs, sgNames []string
	for _, g := range l.SecurityGroups {
		if strings.HasPrefix(g, "sg-") {
			sgIDs = append(sgIDs, g)
		} else {
			sgNames = append(sgNames, g)
		}
	}
	if l.AssociatePublicIP != nil {
		in.NetworkInterfaces = []InstanceNetworkInterfaceSpecification{{
			DeviceIndex: ptr.To(int64(0)), SubnetId: ptr.To(l.SubnetID), Groups: sgIDs, AssociatePublicIpAddress: l.AssociatePublicIP,
		}}
	} else {
		in.SubnetId, in.SecurityGroupIds = ptr.To(l.SubnetID), sgIDs
	}
	in.SecurityGroups = sgNames
	res, err := s.RunInstances(ctx, in)
	if err != nil {
		return "", "", err
	}
	inst := res.Instances[0]
	id = ptr.Val(inst.InstanceId)
	if inst.Placement != nil {
		zone = ptr.Val(inst.Placement.AvailabilityZone)
	}
	if len(l.Tags) > 0 {
		sc, err := s.scope(ctx)
		if err != nil {
			return id, zone, err
		}
		if err := s.db.Update(ctx, func(tx *state.Tx) error { s.setTags(tx, sc, id, l.Tags); return nil }); err != nil {
			return id, zone, err
		}
	}
	return id, zone, nil
}

// TerminateForGroup terminates the instance as TerminateInstances does.
func (s *Service) TerminateForGroup(ctx context.Context, id string) error {
	_, err := s.TerminateInstances(ctx, &TerminateInstancesRequest{InstanceIds: []string{id}})
	return err
}
