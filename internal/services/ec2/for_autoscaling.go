package ec2

import (
	"context"
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

// LaunchForGroup runs one instance as RunInstances does and tags it with
// l.Tags (reserved aws: keys included); it returns the instance id and zone.
func (s *Service) LaunchForGroup(ctx context.Context, l GroupLaunch) (id, zone string, err error) {
	in := &RunInstancesRequest{
		ImageId: ptr.To(l.ImageID), MinCount: ptr.To(int64(1)), MaxCount: ptr.To(int64(1)),
		BlockDeviceMappings: l.BlockDevices,
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
