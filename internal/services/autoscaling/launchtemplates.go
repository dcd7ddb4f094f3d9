package autoscaling

import (
	"context"
	"errors"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/services/ec2"
)

// A group launches from exactly one source: a launch configuration, a
// launch template (LaunchTemplate), or a launch template with instance type
// overrides (MixedInstancesPolicy). This file resolves templates through
// EC2 and turns a group's source into the instances it launches.

var errNoSource = validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")

// templateSpec checks a group's launch template specification against EC2
// and returns it as the group keeps and shows it: id and name both filled
// in, and the version as given ($Default when none).
//
// AWS: a template that does not exist is a ValidationError naming it.
func (s *Service) templateSpec(ctx context.Context, spec *LaunchTemplateSpecification) (*LaunchTemplateSpecification, error) {
	if spec == nil || (ptr.Val(spec.LaunchTemplateId) == "" && ptr.Val(spec.LaunchTemplateName) == "") {
		return nil, validation("You must use a valid fully-formed launch template. You must specify either the launch template ID or launch template name in the request.")
	}
	version := ptr.Val(spec.Version)
	if version == "" {
		version = "$Default"
	}
	// Given both (as a client re-sending what Describe showed may), the id names the template.
	id, name := ptr.Val(spec.LaunchTemplateId), ""
	if id == "" {
		name = ptr.Val(spec.LaunchTemplateName)
	}
	tv, err := s.ec2.ResolveLaunchTemplate(ctx, id, name, version)
	if err != nil {
		msg := err.Error()
		var ae *awserr.Error
		if errors.As(err, &ae) {
			msg = ae.Message
		}
		return nil, validation("You must use a valid fully-formed launch template. %s", msg)
	}
	return &LaunchTemplateSpecification{LaunchTemplateId: ptr.To(tv.ID), LaunchTemplateName: ptr.To(tv.Name), Version: ptr.To(version)}, nil
}

// mixedPolicy checks a mixed instances policy and returns it as kept, with
// AWS's defaults for the instances distribution filled in.
func (s *Service) mixedPolicy(ctx context.Context, p *MixedInstancesPolicy) (*MixedInstancesPolicy, error) {
	if p.LaunchTemplate == nil || p.LaunchTemplate.LaunchTemplateSpecification == nil {
		return nil, validation("The launch template specification is required in a mixed instances policy.")
	}
	spec, err := s.templateSpec(ctx, p.LaunchTemplate.LaunchTemplateSpecification)
	if err != nil {
		return nil, err
	}
	out := &MixedInstancesPolicy{LaunchTemplate: &LaunchTemplate{LaunchTemplateSpecification: spec, Overrides: nonNil(p.LaunchTemplate.Overrides)}}
	for i, o := range out.LaunchTemplate.Overrides {
		if o.LaunchTemplateSpecification != nil {
			if out.LaunchTemplate.Overrides[i].LaunchTemplateSpecification, err = s.templateSpec(ctx, o.LaunchTemplateSpecification); err != nil {
				return nil, err
			}
		}
	}
	// AWS: the distribution's defaults are all on-demand, prioritized.
	d := InstancesDistribution{
		OnDemandAllocationStrategy: ptr.To("prioritized"), OnDemandBaseCapacity: ptr.To(int64(0)),
		OnDemandPercentageAboveBaseCapacity: ptr.To(int64(100)), SpotAllocationStrategy: ptr.To("lowest-price"), SpotInstancePools: ptr.To(int64(2)),
	}
	if in := p.InstancesDistribution; in != nil {
		overlayDistribution(&d, *in)
	}
	out.InstancesDistribution = &d
	return out, nil
}

func overlayDistribution(d *InstancesDistribution, in InstancesDistribution) {
	if in.OnDemandAllocationStrategy != nil {
		d.OnDemandAllocationStrategy = in.OnDemandAllocationStrategy
	}
	if in.OnDemandBaseCapacity != nil {
		d.OnDemandBaseCapacity = in.OnDemandBaseCapacity
	}
	if in.OnDemandPercentageAboveBaseCapacity != nil {
		d.OnDemandPercentageAboveBaseCapacity = in.OnDemandPercentageAboveBaseCapacity
	}
	if in.SpotAllocationStrategy != nil {
		d.SpotAllocationStrategy = in.SpotAllocationStrategy
	}
	if in.SpotInstancePools != nil {
		d.SpotInstancePools = in.SpotInstancePools
	}
	if in.SpotMaxPrice != nil {
		d.SpotMaxPrice = in.SpotMaxPrice
	}
}

// launchSourceOf validates the launch source a Create or Update request
// gives: at most one of a launch configuration, a launch template and a
// mixed instances policy. none reports that the request gives none.
func (s *Service) launchSourceOf(ctx context.Context, lc *string, lt *LaunchTemplateSpecification, mip *MixedInstancesPolicy) (spec *LaunchTemplateSpecification, policy *MixedInstancesPolicy, none bool, err error) {
	n := 0
	if ptr.Val(lc) != "" {
		n++
	}
	if lt != nil {
		n++
	}
	if mip != nil {
		n++
	}
	switch {
	case n == 0:
		return nil, nil, true, nil
	case n > 1:
		// AWS: one source only.
		return nil, nil, false, errNoSource
	case lt != nil:
		spec, err = s.templateSpec(ctx, lt)
	case mip != nil:
		policy, err = s.mixedPolicy(ctx, mip)
	}
	return spec, policy, false, err
}

// setLaunchSource makes the source given the group's only one.
func setLaunchSource(g *groupRec, lc *string, lt *LaunchTemplateSpecification, mip *MixedInstancesPolicy) {
	switch {
	case ptr.Val(lc) != "":
		g.LaunchConfigurationName, g.LaunchTemplate, g.MixedInstancesPolicy = lc, nil, nil
	case lt != nil:
		g.LaunchConfigurationName, g.LaunchTemplate, g.MixedInstancesPolicy = nil, lt, nil
	case mip != nil:
		g.LaunchConfigurationName, g.LaunchTemplate, g.MixedInstancesPolicy = nil, nil, mip
	}
}

// launchSource is what a group launches now: its launch configuration, or
// the launch template version its specification resolves to (with the
// mixed instances policy's instance type).
type launchSource struct {
	lc       *LaunchConfiguration
	template ec2.TemplateVersion
	spec     *LaunchTemplateSpecification // the group's, as it shows it
	override LaunchTemplateOverrides
}

// groupSource resolves the group's launch source; ok is false when it has
// none that can launch (a deleted template or configuration).
func (s *Service) groupSource(ctx context.Context, g groupRec, lc LaunchConfiguration, haveLC bool) (launchSource, bool) {
	spec := g.LaunchTemplate
	var override LaunchTemplateOverrides
	if p := g.MixedInstancesPolicy; p != nil && p.LaunchTemplate != nil {
		spec = p.LaunchTemplate.LaunchTemplateSpecification
		// AWS: with the prioritized on-demand strategy, the first override
		// is launched while it has capacity (haneul always has).
		if len(p.LaunchTemplate.Overrides) > 0 {
			override = p.LaunchTemplate.Overrides[0]
			if override.LaunchTemplateSpecification != nil {
				spec = override.LaunchTemplateSpecification
			}
		}
	}
	if spec == nil {
		if !haveLC {
			return launchSource{}, false
		}
		return launchSource{lc: &lc}, true
	}
	// The group keeps both id and name; the id names the template.
	id, name := ptr.Val(spec.LaunchTemplateId), ""
	if id == "" {
		name = ptr.Val(spec.LaunchTemplateName)
	}
	tv, err := s.ec2.ResolveLaunchTemplate(ctx, id, name, ptr.Val(spec.Version))
	if err != nil {
		s.log.Debug("autoscaling: launch template", "group", ptr.Val(g.AutoScalingGroupName), "err", err)
		return launchSource{}, false
	}
	return launchSource{template: tv, spec: spec, override: override}, true
}

// groupLaunch is the launch of one instance of g in zone.
func (src launchSource) groupLaunch(g groupRec, zone string) ec2.GroupLaunch {
	l := ec2.GroupLaunch{SubnetID: g.ZoneSubnet[zone], Tags: map[string]string{"aws:autoscaling:groupName": *g.AutoScalingGroupName}}
	if lc := src.lc; lc != nil {
		l.ImageID, l.InstanceType, l.KeyName = ptr.Val(lc.ImageId), ptr.Val(lc.InstanceType), ptr.Val(lc.KeyName)
		l.UserData, l.IamInstanceProfile = ptr.Val(lc.UserData), ptr.Val(lc.IamInstanceProfile)
		l.SecurityGroups, l.AssociatePublicIP = lc.SecurityGroups, lc.AssociatePublicIpAddress
		for _, b := range lc.BlockDeviceMappings {
			l.BlockDevices = append(l.BlockDevices, ec2BlockDevice(b))
		}
		return l
	}
	l.Template = &ec2.TemplateLaunch{ID: src.template.ID, Version: src.template.Version}
	l.InstanceType, l.ImageID = ptr.Val(src.override.InstanceType), ptr.Val(src.override.ImageId)
	return l
}

// stamp records on r what it was launched from.
func (src launchSource) stamp(r *instRec) {
	if lc := src.lc; lc != nil {
		r.LaunchConfig, r.LCCreated = *lc.LaunchConfigurationName, ptr.Val(lc.CreatedTime)
		r.ImageID, r.InstanceType = ptr.Val(lc.ImageId), ptr.Val(lc.InstanceType)
		return
	}
	t := src.template
	// AWS: an instance shows the version it was launched from as a number.
	r.LaunchTemplate = &LaunchTemplateSpecification{LaunchTemplateId: ptr.To(t.ID), LaunchTemplateName: ptr.To(t.Name), Version: ptr.To(strconv.FormatInt(t.Version, 10))}
	r.LTVersion = t.Version
	r.ImageID, r.InstanceType = cmpOr(ptr.Val(src.override.ImageId), t.ImageID), cmpOr(ptr.Val(src.override.InstanceType), t.InstanceType)
	if r.InstanceType == "" {
		r.InstanceType = "t2.micro" // EC2's default when the template names none
	}
}

// current is the template version the group launches now, for the
// termination policies' launch template steps (zero for a configuration).
func (src launchSource) current() launchNow {
	return launchNow{TemplateID: src.template.ID, Version: src.template.Version}
}

// nonEmpty is nil for "" (a member AWS leaves out), else a pointer to v.
func nonEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}
