package efs

import (
	"context"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// mtRec is a mount target, its security groups and when it was created.
type mtRec struct {
	MountTargetDescription
	SecurityGroups []string
	Created        time.Time
}

func (r mtRec) out(now time.Time) MountTargetDescription {
	d := r.MountTargetDescription
	if *d.LifeCycleState == "creating" && !now.Before(r.Created.Add(createDelay)) {
		d.LifeCycleState = ptr.To("available")
	}
	return d
}

// name is the mount target's zonal DNS name (AWS: <zone>.<fs-id>.efs.<region>.amazonaws.com).
func (r mtRec) name(region string) string {
	return *r.AvailabilityZoneName + "." + fsName(*r.FileSystemId, region)
}

func (s *Service) checkSGs(ctx context.Context, vpc string, sgs []string) error {
	// AWS: at most five security groups per mount target.
	if len(sgs) > 5 {
		return efsErr("SecurityGroupLimitExceeded", "A mount target can have at most 5 security groups.")
	}
	for _, g := range sgs {
		v, err := s.ec2.SecurityGroupVPC(ctx, g)
		if err != nil || v != vpc {
			return efsErr("SecurityGroupNotFound", "Security group '%s' does not exist in VPC '%s'.", g, vpc)
		}
	}
	return nil
}

// CreateMountTarget creates a mount target for a file system in a subnet,
// taking an address of the subnet.
// https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html
func (s *Service) CreateMountTarget(ctx context.Context, in *CreateMountTargetRequest) (*MountTargetDescription, error) {
	sc := s.scope(ctx)
	fsID, subnet := *in.FileSystemId, *in.SubnetId
	if t := ptr.Val(in.IpAddressType); t != "" && t != "IPV4_ONLY" {
		return nil, badRequest("haneul supports IpAddressType IPV4_ONLY only.")
	}
	vpc, zone, zoneID, err := s.ec2.MountTargetSubnet(ctx, subnet)
	if err != nil {
		return nil, efsErr("SubnetNotFound", "The subnet ID '%s' does not exist", subnet)
	}
	if err := s.checkSGs(ctx, vpc, in.SecurityGroups); err != nil {
		return nil, err
	}
	id := ids.Hex("fsmt", 17)
	// Check the file system and the one-per-zone rule before taking an address.
	check := func(tx *state.Tx) (fsRec, error) {
		r, err := s.getFS(tx, sc, fsID)
		if err != nil {
			return r, err
		}
		if st := *r.out(s.clock.Now()).LifeCycleState; st != "available" {
			return r, efsErr("IncorrectFileSystemLifeCycleState", "File system '%s' is in state '%s'.", fsID, st)
		}
		if z := ptr.Val(r.AvailabilityZoneName); z != "" && z != zone {
			// AWS: a One Zone file system's mount target is in its zone.
			return r, efsErr("AvailabilityZonesMismatch", "The file system's Availability Zone %s does not match the subnet's %s.", z, zone)
		}
		var conflict error
		s.byFS.AscendPrefix(tx, sc, fsID+"\x00fsmt-", func(k string, _ bool) bool {
			m, ok := s.mts.Get(tx, sc, k[len(fsID)+1:])
			if !ok {
				return true
			}
			switch {
			case *m.VpcId != vpc:
				// AWS: all of a file system's mount targets are in one VPC.
				conflict = efsErr("MountTargetConflict", "File system '%s' already has mount targets in VPC '%s'.", fsID, *m.VpcId)
			case *m.AvailabilityZoneName == zone:
				// AWS: one mount target per Availability Zone.
				conflict = efsErr("MountTargetConflict", "Mount target already exists in this AZ")
			}
			return conflict == nil
		})
		return r, conflict
	}
	if err := s.db.View(func(tx *state.Tx) error { _, err := check(tx); return err }); err != nil {
		return nil, err
	}
	ip, err := s.ec2.ReserveSubnetAddress(ctx, subnet, id, ptr.Val(in.IpAddress))
	if err != nil {
		code := "NoFreeAddressesInSubnet"
		if e, ok := awserr.As(err); ok {
			switch e.Code {
			case "InvalidIPAddress.InUse":
				code = "IpAddressInUse"
			case "InvalidParameterValue":
				code = "BadRequest"
			}
		}
		return nil, efsErr(code, "%s", err.Error())
	}
	now := s.now()
	r := mtRec{Created: now, SecurityGroups: in.SecurityGroups, MountTargetDescription: MountTargetDescription{
		MountTargetId:        ptr.To(id),
		FileSystemId:         ptr.To(fsID),
		SubnetId:             ptr.To(subnet),
		VpcId:                ptr.To(vpc),
		AvailabilityZoneName: ptr.To(zone),
		AvailabilityZoneId:   ptr.To(zoneID),
		IpAddress:            ptr.To(ip),
		OwnerId:              ptr.To(sc.Account),
		LifeCycleState:       ptr.To("creating"),
		// The interface is EFS's own: EC2 does not list it.
		NetworkInterfaceId: ptr.To(ids.Hex("eni", 17)),
	}}
	if r.SecurityGroups == nil {
		r.SecurityGroups = []string{}
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		f, err := check(tx)
		if err != nil {
			return err
		}
		f.NumberOfMountTargets = ptr.To(*f.NumberOfMountTargets + 1)
		s.fss.Put(tx, sc, fsID, f)
		s.mts.Put(tx, sc, id, r)
		s.byFS.Put(tx, sc, fsID+"\x00"+id, true)
		return nil
	})
	if err != nil {
		if rerr := s.ec2.ReleaseSubnetAddress(ctx, subnet, ip); rerr != nil {
			s.log.Warn("efs: release address", "subnet", subnet, "ip", ip, "err", rerr)
		}
		return nil, err
	}
	s.publish(r.name(sc.Region))
	out := r.out(s.clock.Now())
	return &out, nil
}

// DescribeMountTargets lists the mount targets of a file system (or of an
// access point's file system), or one mount target.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeMountTargets.html
func (s *Service) DescribeMountTargets(ctx context.Context, in *DescribeMountTargetsRequest) (*DescribeMountTargetsResponse, error) {
	sc := s.scope(ctx)
	now := s.clock.Now()
	n := 0
	for _, p := range []*string{in.FileSystemId, in.MountTargetId, in.AccessPointId} {
		if p != nil {
			n++
		}
	}
	if n != 1 {
		// AWS: exactly one of FileSystemId, MountTargetId and AccessPointId.
		return nil, badRequest("Must specify exactly one mutually exclusive parameter.")
	}
	all := []MountTargetDescription{}
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.MountTargetId); id != "" {
			r, ok := s.mts.Get(tx, sc, id)
			if !ok {
				return errMTNotFound(id)
			}
			all = append(all, r.out(now))
			return nil
		}
		fsID := ptr.Val(in.FileSystemId)
		if ap := ptr.Val(in.AccessPointId); ap != "" {
			a, ok := s.aps.Get(tx, sc, ap)
			if !ok {
				return errAPNotFound(ap)
			}
			fsID = *a.FileSystemId
		}
		if _, err := s.getFS(tx, sc, fsID); err != nil {
			return err
		}
		s.byFS.AscendPrefix(tx, sc, fsID+"\x00fsmt-", func(k string, _ bool) bool {
			if m, ok := s.mts.Get(tx, sc, k[len(fsID)+1:]); ok {
				all = append(all, m.out(now))
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxItems, 10)
	if err != nil {
		return nil, err
	}
	return &DescribeMountTargetsResponse{MountTargets: items, Marker: in.Marker, NextMarker: next}, nil
}

// DescribeMountTargetSecurityGroups lists a mount target's security groups.
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeMountTargetSecurityGroups.html
func (s *Service) DescribeMountTargetSecurityGroups(ctx context.Context, in *DescribeMountTargetSecurityGroupsRequest) (*DescribeMountTargetSecurityGroupsResponse, error) {
	sc := s.scope(ctx)
	var out []string
	err := s.db.View(func(tx *state.Tx) error {
		r, ok := s.mts.Get(tx, sc, *in.MountTargetId)
		if !ok {
			return errMTNotFound(*in.MountTargetId)
		}
		out = r.SecurityGroups
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeMountTargetSecurityGroupsResponse{SecurityGroups: out}, nil
}

// ModifyMountTargetSecurityGroups replaces a mount target's security groups.
// https://docs.aws.amazon.com/efs/latest/ug/API_ModifyMountTargetSecurityGroups.html
func (s *Service) ModifyMountTargetSecurityGroups(ctx context.Context, in *ModifyMountTargetSecurityGroupsRequest) (*ModifyMountTargetSecurityGroupsOutput, error) {
	sc := s.scope(ctx)
	var vpc string
	if err := s.db.View(func(tx *state.Tx) error {
		r, ok := s.mts.Get(tx, sc, *in.MountTargetId)
		if !ok {
			return errMTNotFound(*in.MountTargetId)
		}
		vpc = *r.VpcId
		return nil
	}); err != nil {
		return nil, err
	}
	if err := s.checkSGs(ctx, vpc, in.SecurityGroups); err != nil {
		return nil, err
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.mts.Get(tx, sc, *in.MountTargetId)
		if !ok {
			return errMTNotFound(*in.MountTargetId)
		}
		if st := *r.out(s.clock.Now()).LifeCycleState; st != "available" {
			return efsErr("IncorrectMountTargetState", "Mount target '%s' is in state '%s'.", *r.MountTargetId, st)
		}
		r.SecurityGroups = in.SecurityGroups
		if r.SecurityGroups == nil {
			r.SecurityGroups = []string{}
		}
		s.mts.Put(tx, sc, *r.MountTargetId, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ModifyMountTargetSecurityGroupsOutput{}, nil
}

// DeleteMountTarget deletes a mount target and gives its address back to the subnet.
// https://docs.aws.amazon.com/efs/latest/ug/API_DeleteMountTarget.html
func (s *Service) DeleteMountTarget(ctx context.Context, in *DeleteMountTargetRequest) (*DeleteMountTargetOutput, error) {
	sc := s.scope(ctx)
	var r mtRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if r, ok = s.mts.Get(tx, sc, *in.MountTargetId); !ok {
			return errMTNotFound(*in.MountTargetId)
		}
		if f, ok := s.fss.Get(tx, sc, *r.FileSystemId); ok {
			f.NumberOfMountTargets = ptr.To(max(0, *f.NumberOfMountTargets-1))
			s.fss.Put(tx, sc, *f.FileSystemId, f)
		}
		s.byFS.Delete(tx, sc, *r.FileSystemId+"\x00"+*r.MountTargetId)
		s.mts.Delete(tx, sc, *r.MountTargetId)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.ec2.ReleaseSubnetAddress(ctx, *r.SubnetId, *r.IpAddress); err != nil {
		s.log.Warn("efs: release address", "subnet", *r.SubnetId, "ip", *r.IpAddress, "err", err)
	}
	s.unpublish(r.name(sc.Region))
	return &DeleteMountTargetOutput{}, nil
}
