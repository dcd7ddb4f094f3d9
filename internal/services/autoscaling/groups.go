package autoscaling

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// groupRec is an Auto Scaling group as stored: the API shape without its
// instances (kept in the instances table), plus the subnets of VPCZoneIdentifier.
type groupRec struct {
	AutoScalingGroup
	Subnets []string
	// ZoneSubnet maps each zone to the group's first subnet in it.
	ZoneSubnet map[string]string
}

// instRec is an instance of a group.
type instRec struct {
	Group, ID, Zone, ZoneID string
	LaunchConfig            string
	LCCreated               time.Time // when its launch configuration was created
	Launched                time.Time
	Lifecycle, Health       string
	Protected               bool
	ImageID, InstanceType   string
	// LaunchTemplate is the template version the instance was launched
	// from (its Version a number, LTVersion the same), if not LaunchConfig.
	LaunchTemplate *LaunchTemplateSpecification `json:",omitempty"`
	LTVersion      int64                        `json:",omitempty"`
}

func (s *Service) getGroup(tx *state.Tx, sc state.Scope, name string) (groupRec, error) {
	g, ok := s.groups.Get(tx, sc, name)
	if !ok {
		return g, validation("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", name)
	}
	return g, nil
}

// groupInstances returns the group's instances in launch order.
func (s *Service) groupInstances(tx *state.Tx, sc state.Scope, group string) []instRec {
	var out []instRec
	s.instances.Ascend(tx, sc, "", func(_ string, r instRec) bool {
		if r.Group == group {
			out = append(out, r)
		}
		return true
	})
	slices.SortStableFunc(out, func(a, b instRec) int { return cmp.Or(a.Launched.Compare(b.Launched), cmp.Compare(a.ID, b.ID)) })
	return out
}

// checkSizes validates min ≤ desired ≤ max with AWS's messages.
func checkSizes(minSize, maxSize, desired int64) error {
	if minSize > maxSize {
		return validation("Max bound, %d, must be greater than or equal to min bound, %d", maxSize, minSize)
	}
	if desired < minSize || desired > maxSize {
		return validation("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, minSize, maxSize)
	}
	return nil
}

var terminationPolicies = []string{"Default", "OldestInstance", "NewestInstance", "OldestLaunchConfiguration", "OldestLaunchTemplate", "ClosestToNextInstanceHour", "AllocationStrategy"}

// placement resolves VPCZoneIdentifier (or AvailabilityZones) into the group's zones and subnets.
func (s *Service) placement(ctx context.Context, g *groupRec, vpcZones *string, zones []string) error {
	if vpcZones != nil && *vpcZones != "" {
		g.Subnets, g.ZoneSubnet, g.AvailabilityZones = nil, map[string]string{}, nil
		var vpc string
		for _, id := range strings.Split(*vpcZones, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			p, err := s.ec2.SubnetPlacement(ctx, id)
			if err != nil {
				return validation("The subnet ID '%s' does not exist", id)
			}
			// AWS: all subnets of a group are in one VPC.
			if vpc != "" && p.VpcID != vpc {
				return validation("The subnets '%s' belong to different networks.", *vpcZones)
			}
			vpc = p.VpcID
			g.Subnets = append(g.Subnets, id)
			if _, ok := g.ZoneSubnet[p.Zone]; !ok {
				g.ZoneSubnet[p.Zone] = id
				g.AvailabilityZones = append(g.AvailabilityZones, p.Zone)
			}
		}
		slices.Sort(g.AvailabilityZones)
		g.VPCZoneIdentifier = ptr.To(strings.Join(g.Subnets, ","))
		return nil
	}
	if len(zones) > 0 {
		g.AvailabilityZones, g.Subnets, g.ZoneSubnet = slices.Sorted(slices.Values(zones)), nil, nil
		g.VPCZoneIdentifier = ptr.To("")
		return nil
	}
	if len(g.AvailabilityZones) == 0 {
		// AWS: a group needs subnets or zones.
		return validation("At least one Availability Zone or VPC Subnet is required.")
	}
	return nil
}

func (s *Service) checkTargetGroups(ctx context.Context, arns []string) error {
	for _, a := range arns {
		if s.elb == nil || !s.elb.TargetGroupExists(ctx, a) {
			return validation("Provided Target Groups may not be valid. Please ensure they exist and try again.")
		}
	}
	return nil
}

func checkPolicies(p []string) error {
	for _, x := range p {
		if !slices.Contains(terminationPolicies, x) && !strings.HasPrefix(x, "arn:aws:lambda:") {
			return validation("Termination policy '%s' is not valid.", x)
		}
	}
	return nil
}

// CreateAutoScalingGroup creates a group; the controller then launches its instances.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html
func (s *Service) CreateAutoScalingGroup(ctx context.Context, in *CreateAutoScalingGroupType) (*CreateAutoScalingGroupOutput, error) {
	sc := s.scope(ctx)
	name := *in.AutoScalingGroupName
	if in.InstanceId != nil {
		return nil, validation("Creating a group from an instance is not supported by haneul; use a launch configuration or template")
	}
	lt, mip, none, err := s.launchSourceOf(ctx, in.LaunchConfigurationName, in.LaunchTemplate, in.MixedInstancesPolicy) // launchtemplates.go
	if err != nil {
		return nil, err
	}
	if none {
		return nil, errNoSource
	}
	desired := ptr.Val(in.MinSize)
	if in.DesiredCapacity != nil {
		desired = *in.DesiredCapacity
	}
	if err := checkSizes(*in.MinSize, *in.MaxSize, desired); err != nil {
		return nil, err
	}
	if err := checkPolicies(in.TerminationPolicies); err != nil {
		return nil, err
	}
	if err := s.checkTargetGroups(ctx, in.TargetGroupARNs); err != nil {
		return nil, err
	}
	if err := s.checkLoadBalancers(ctx, in.LoadBalancerNames); err != nil {
		return nil, err
	}
	now := s.now()
	g := groupRec{AutoScalingGroup: AutoScalingGroup{
		AutoScalingGroupName:    ptr.To(name),
		AutoScalingGroupARN:     ptr.To(fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s", sc.Region, sc.Account, ids.UUID(), name)),
		LaunchConfigurationName: in.LaunchConfigurationName, LaunchTemplate: lt, MixedInstancesPolicy: mip,
		MinSize: in.MinSize, MaxSize: in.MaxSize, DesiredCapacity: ptr.To(desired),
		DefaultCooldown:                  ptr.To(cmp.Or(ptr.Val(in.DefaultCooldown), 300)),
		HealthCheckType:                  ptr.To(cmp.Or(ptr.Val(in.HealthCheckType), "EC2")),
		HealthCheckGracePeriod:           ptr.To(ptr.Val(in.HealthCheckGracePeriod)), // AWS: the API default is 0 (the console's is 300)
		TargetGroupARNs:                  nonNil(in.TargetGroupARNs),
		LoadBalancerNames:                nonNil(in.LoadBalancerNames),
		TerminationPolicies:              in.TerminationPolicies,
		NewInstancesProtectedFromScaleIn: ptr.To(ptr.Val(in.NewInstancesProtectedFromScaleIn)),
		CreatedTime:                      ptr.To(now),
		MaxInstanceLifetime:              in.MaxInstanceLifetime,
		DefaultInstanceWarmup:            in.DefaultInstanceWarmup,
		CapacityRebalance:                ptr.To(ptr.Val(in.CapacityRebalance)),
		ServiceLinkedRoleARN:             ptr.To(fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", sc.Account)),
		EnabledMetrics:                   []EnabledMetric{},
		SuspendedProcesses:               []SuspendedProcess{},
		TrafficSources:                   []TrafficSourceIdentifier{},
		PlacementGroup:                   in.PlacementGroup,
		Context:                          in.Context,
	}}
	if len(g.TerminationPolicies) == 0 {
		g.TerminationPolicies = []string{"Default"}
	}
	g.TrafficSources = trafficSources(g)
	if err := s.placement(ctx, &g, in.VPCZoneIdentifier, in.AvailabilityZones); err != nil {
		return nil, err
	}
	tags, err := groupTags(name, nil, in.Tags)
	if err != nil {
		return nil, err
	}
	g.Tags = tags
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, name); ok {
			return awserr.New("AlreadyExists", 0, "AutoScalingGroup by this name already exists - A group with the name %s already exists", name)
		}
		if lc := ptr.Val(in.LaunchConfigurationName); lc != "" {
			if _, ok := s.lcs.Get(tx, sc, lc); !ok {
				return validation("Launch configuration name not found - Launch configuration %s not found", lc)
			}
		}
		s.groups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateAutoScalingGroupOutput{}, nil
}

// groupTags merges tags into a group's tags (ResourceId/Type filled in).
func groupTags(group string, old []TagDescription, tags []Tag) ([]TagDescription, error) {
	out := slices.Clone(old)
	for _, t := range tags {
		if rid := ptr.Val(t.ResourceId); rid != "" && rid != group {
			continue
		}
		if strings.HasPrefix(ptr.Val(t.Key), "aws:") {
			return nil, validation("Tag keys starting with 'aws:' are reserved for internal use")
		}
		d := TagDescription{Key: t.Key, Value: orEmpty(t.Value), PropagateAtLaunch: ptr.To(ptr.Val(t.PropagateAtLaunch)), ResourceId: ptr.To(group), ResourceType: ptr.To("auto-scaling-group")}
		if i := slices.IndexFunc(out, func(o TagDescription) bool { return *o.Key == *t.Key }); i >= 0 {
			out[i] = d
		} else {
			out = append(out, d)
		}
	}
	// AWS: at most 50 tags per group.
	if len(out) > 50 {
		return nil, awserr.New("LimitExceeded", 0, "The number of tags exceeds the limit of 50")
	}
	slices.SortFunc(out, func(a, b TagDescription) int { return strings.Compare(*a.Key, *b.Key) })
	return out, nil
}

func (s *Service) groupOut(tx *state.Tx, sc state.Scope, g groupRec) AutoScalingGroup {
	out := g.AutoScalingGroup
	out.Instances = []Instance{}
	for _, r := range s.groupInstances(tx, sc, *g.AutoScalingGroupName) {
		out.Instances = append(out.Instances, Instance{
			InstanceId: ptr.To(r.ID), AvailabilityZone: ptr.To(r.Zone), LifecycleState: ptr.To(r.Lifecycle), HealthStatus: ptr.To(r.Health),
			LaunchConfigurationName: nonEmpty(r.LaunchConfig), LaunchTemplate: r.LaunchTemplate, ProtectedFromScaleIn: ptr.To(r.Protected), InstanceType: ptr.To(r.InstanceType),
		})
	}
	out.Tags = nonNil(g.Tags)
	return out
}

func tagMatches(tags []TagDescription, filters []Filter) bool {
	for _, f := range filters {
		ok := false
		for _, t := range tags {
			switch ptr.Val(f.Name) {
			case "tag-key":
				ok = ok || slices.Contains(f.Values, *t.Key)
			case "tag-value":
				ok = ok || slices.Contains(f.Values, ptr.Val(t.Value))
			default:
				if k, isTag := strings.CutPrefix(ptr.Val(f.Name), "tag:"); isTag {
					ok = ok || (*t.Key == k && slices.Contains(f.Values, ptr.Val(t.Value)))
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// DescribeAutoScalingGroups lists groups by name or all, filtered by tags, in name order.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html
func (s *Service) DescribeAutoScalingGroups(ctx context.Context, in *AutoScalingGroupNamesType) (*AutoScalingGroupsType, error) {
	sc := s.scope(ctx)
	for _, f := range in.Filters {
		if n := ptr.Val(f.Name); n != "tag-key" && n != "tag-value" && !strings.HasPrefix(n, "tag:") {
			return nil, validation("Filter type %s is not correct. Allowed Filter types are: tag-key tag-value tag:<key> ", n)
		}
	}
	var out []AutoScalingGroup
	_ = s.db.View(func(tx *state.Tx) error {
		s.groups.Ascend(tx, sc, "", func(name string, g groupRec) bool {
			if (len(in.AutoScalingGroupNames) == 0 || slices.Contains(in.AutoScalingGroupNames, name)) && tagMatches(g.Tags, in.Filters) {
				out = append(out, s.groupOut(tx, sc, g))
			}
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &AutoScalingGroupsType{AutoScalingGroups: nonNil(items), NextToken: next}, nil
}

// UpdateAutoScalingGroup changes a group's settings; the controller applies new sizes.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html
func (s *Service) UpdateAutoScalingGroup(ctx context.Context, in *UpdateAutoScalingGroupType) (*UpdateAutoScalingGroupOutput, error) {
	sc := s.scope(ctx)
	lt, mip, _, err := s.launchSourceOf(ctx, in.LaunchConfigurationName, in.LaunchTemplate, in.MixedInstancesPolicy) // launchtemplates.go
	if err != nil {
		return nil, err
	}
	if err := checkPolicies(in.TerminationPolicies); err != nil {
		return nil, err
	}
	var g groupRec
	if err := s.db.View(func(tx *state.Tx) (err error) { g, err = s.getGroup(tx, sc, *in.AutoScalingGroupName); return err }); err != nil {
		return nil, err
	}
	if err := s.placement(ctx, &g, in.VPCZoneIdentifier, in.AvailabilityZones); err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		cur, err := s.getGroup(tx, sc, *in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		cur.AvailabilityZones, cur.Subnets, cur.ZoneSubnet, cur.VPCZoneIdentifier = g.AvailabilityZones, g.Subnets, g.ZoneSubnet, g.VPCZoneIdentifier
		g = cur
		if lc := in.LaunchConfigurationName; lc != nil {
			if _, ok := s.lcs.Get(tx, sc, *lc); !ok {
				return validation("Launch configuration name not found - Launch configuration %s not found", *lc)
			}
		}
		setLaunchSource(&g, in.LaunchConfigurationName, lt, mip)
		minSize, maxSize := ptr.Val(g.MinSize), ptr.Val(g.MaxSize)
		if in.MinSize != nil {
			minSize = *in.MinSize
		}
		if in.MaxSize != nil {
			maxSize = *in.MaxSize
		}
		desired := ptr.Val(g.DesiredCapacity)
		if in.DesiredCapacity != nil {
			desired = *in.DesiredCapacity
		} else {
			// AWS: without a desired capacity, it is moved into the new bounds.
			desired = min(max(desired, minSize), maxSize)
		}
		if err := checkSizes(minSize, maxSize, desired); err != nil {
			return err
		}
		g.MinSize, g.MaxSize, g.DesiredCapacity = ptr.To(minSize), ptr.To(maxSize), ptr.To(desired)
		if in.HealthCheckType != nil {
			g.HealthCheckType = in.HealthCheckType
		}
		if in.HealthCheckGracePeriod != nil {
			g.HealthCheckGracePeriod = in.HealthCheckGracePeriod
		}
		if in.DefaultCooldown != nil {
			g.DefaultCooldown = in.DefaultCooldown
		}
		if len(in.TerminationPolicies) > 0 {
			g.TerminationPolicies = in.TerminationPolicies
		}
		if in.NewInstancesProtectedFromScaleIn != nil {
			g.NewInstancesProtectedFromScaleIn = in.NewInstancesProtectedFromScaleIn
		}
		if in.MaxInstanceLifetime != nil {
			g.MaxInstanceLifetime = in.MaxInstanceLifetime
		}
		if in.DefaultInstanceWarmup != nil {
			g.DefaultInstanceWarmup = in.DefaultInstanceWarmup
		}
		if in.CapacityRebalance != nil {
			g.CapacityRebalance = in.CapacityRebalance
		}
		s.groups.Put(tx, sc, *g.AutoScalingGroupName, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateAutoScalingGroupOutput{}, nil
}

// SetDesiredCapacity sets a group's desired capacity within its bounds.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_SetDesiredCapacity.html
func (s *Service) SetDesiredCapacity(ctx context.Context, in *SetDesiredCapacityType) (*SetDesiredCapacityOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.getGroup(tx, sc, *in.AutoScalingGroupName)
		if err != nil {
			return err
		}
		d := *in.DesiredCapacity
		// AWS: the new value must be within the group's bounds.
		if d > *g.MaxSize {
			return validation("New SetDesiredCapacity value %d is above max value %d for the AutoScalingGroup.", d, *g.MaxSize)
		}
		if d < *g.MinSize {
			return validation("New SetDesiredCapacity value %d is below min value %d for the AutoScalingGroup.", d, *g.MinSize)
		}
		g.DesiredCapacity = ptr.To(d)
		s.groups.Put(tx, sc, *g.AutoScalingGroupName, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SetDesiredCapacityOutput{}, nil
}

// DeleteAutoScalingGroup deletes a group with no instances, or with
// ForceDelete terminates its instances and deletes it at once.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html
func (s *Service) DeleteAutoScalingGroup(ctx context.Context, in *DeleteAutoScalingGroupType) (*DeleteAutoScalingGroupOutput, error) {
	sc := s.scope(ctx)
	name := *in.AutoScalingGroupName
	s.mu.Lock()
	defer s.mu.Unlock()
	var g groupRec
	var insts []instRec
	if err := s.db.View(func(tx *state.Tx) (err error) {
		if g, err = s.getGroup(tx, sc, name); err != nil {
			return err
		}
		insts = s.groupInstances(tx, sc, name)
		return nil
	}); err != nil {
		return nil, err
	}
	if len(insts) > 0 && !ptr.Val(in.ForceDelete) {
		// AWS: instances left in a group block its deletion; while it is
		// scaling in to zero the error is ScalingActivityInProgress.
		if ptr.Val(g.DesiredCapacity) == 0 {
			return nil, awserr.New("ScalingActivityInProgress", 0, "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.")
		}
		return nil, awserr.New("ResourceInUse", 0, "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.")
	}
	for _, r := range insts {
		s.release(ctx, g, r)
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, r := range insts {
			s.instances.Delete(tx, sc, r.ID)
		}
		s.groups.Delete(tx, sc, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.dropGroupScaling(ctx, sc, name) // policies, their alarms, scheduled actions (policies.go)
	return &DeleteAutoScalingGroupOutput{}, nil
}

// release deregisters an instance from the group's target groups and terminates it.
func (s *Service) release(ctx context.Context, g groupRec, r instRec) {
	for _, tg := range g.TargetGroupARNs {
		if s.elb != nil {
			_ = s.elb.DeregisterInstance(ctx, tg, r.ID)
		}
	}
	s.deregisterClassic(ctx, g, r.ID)
	if err := s.ec2.TerminateForGroup(ctx, r.ID); err != nil {
		s.log.Debug("autoscaling: terminate", "instance", r.ID, "err", err)
	}
}

// DescribeAutoScalingInstances lists the instances of every group, or those named.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingInstances.html
func (s *Service) DescribeAutoScalingInstances(ctx context.Context, in *DescribeAutoScalingInstancesType) (*AutoScalingInstancesType, error) {
	sc := s.scope(ctx)
	var out []AutoScalingInstanceDetails
	_ = s.db.View(func(tx *state.Tx) error {
		s.instances.Ascend(tx, sc, "", func(id string, r instRec) bool {
			if len(in.InstanceIds) == 0 || slices.Contains(in.InstanceIds, id) {
				out = append(out, AutoScalingInstanceDetails{
					AutoScalingGroupName: ptr.To(r.Group), InstanceId: ptr.To(r.ID), AvailabilityZone: ptr.To(r.Zone),
					LifecycleState: ptr.To(r.Lifecycle), HealthStatus: ptr.To(strings.ToUpper(r.Health)),
					LaunchConfigurationName: nonEmpty(r.LaunchConfig), LaunchTemplate: r.LaunchTemplate, ProtectedFromScaleIn: ptr.To(r.Protected), InstanceType: ptr.To(r.InstanceType),
				})
			}
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &AutoScalingInstancesType{AutoScalingInstances: nonNil(items), NextToken: next}, nil
}

// TerminateInstanceInAutoScalingGroup terminates one instance of a group,
// optionally decrementing the desired capacity (else it is replaced).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_TerminateInstanceInAutoScalingGroup.html
func (s *Service) TerminateInstanceInAutoScalingGroup(ctx context.Context, in *TerminateInstanceInAutoScalingGroupType) (*ActivityType, error) {
	sc := s.scope(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	var g groupRec
	var r instRec
	err := s.db.View(func(tx *state.Tx) error {
		var ok bool
		if r, ok = s.instances.Get(tx, sc, *in.InstanceId); !ok {
			return validation("Instance Id not found - No managed instance found for instance ID: %s", *in.InstanceId)
		}
		var err error
		g, err = s.getGroup(tx, sc, r.Group)
		return err
	})
	if err != nil {
		return nil, err
	}
	dec := *in.ShouldDecrementDesiredCapacity
	if dec && ptr.Val(g.DesiredCapacity)-1 < ptr.Val(g.MinSize) {
		// AWS: decrementing may not take the group below its minimum.
		return nil, validation("Currently, desiredSize equals minSize (%d). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.", ptr.Val(g.MinSize))
	}
	s.release(ctx, g, r)
	now := s.now()
	var cause string
	if dec {
		cause = fmt.Sprintf("At %s instance %s was taken out of service in response to a user request, shrinking the capacity from %d to %d.", now.Format(time.RFC3339), r.ID, ptr.Val(g.DesiredCapacity), ptr.Val(g.DesiredCapacity)-1)
	} else {
		cause = fmt.Sprintf("At %s instance %s was taken out of service in response to a user request.", now.Format(time.RFC3339), r.ID)
	}
	var act Activity
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		s.instances.Delete(tx, sc, r.ID)
		if dec {
			g, err := s.getGroup(tx, sc, r.Group)
			if err != nil {
				return err
			}
			g.DesiredCapacity = ptr.To(ptr.Val(g.DesiredCapacity) - 1)
			s.groups.Put(tx, sc, r.Group, g)
		}
		act = s.record(tx, sc, g, "Terminating EC2 instance: "+r.ID, cause, now, "Successful")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ActivityType{Activity: &act}, nil
}

// AttachLoadBalancerTargetGroups attaches target groups; the group's instances are registered.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AttachLoadBalancerTargetGroups.html
func (s *Service) AttachLoadBalancerTargetGroups(ctx context.Context, in *AttachLoadBalancerTargetGroupsType) (*AttachLoadBalancerTargetGroupsResultType, error) {
	if err := s.checkTargetGroups(ctx, in.TargetGroupARNs); err != nil {
		return nil, err
	}
	err := s.changeTargetGroups(ctx, *in.AutoScalingGroupName, func(cur []string) []string {
		for _, a := range in.TargetGroupARNs {
			if !slices.Contains(cur, a) {
				cur = append(cur, a)
			}
		}
		return cur
	})
	if err != nil {
		return nil, err
	}
	return &AttachLoadBalancerTargetGroupsResultType{}, nil
}

// DetachLoadBalancerTargetGroups detaches target groups; the group's instances are deregistered.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DetachLoadBalancerTargetGroups.html
func (s *Service) DetachLoadBalancerTargetGroups(ctx context.Context, in *DetachLoadBalancerTargetGroupsType) (*DetachLoadBalancerTargetGroupsResultType, error) {
	sc := s.scope(ctx)
	var insts []instRec
	err := s.changeTargetGroups(ctx, *in.AutoScalingGroupName, func(cur []string) []string {
		return slices.DeleteFunc(cur, func(a string) bool { return slices.Contains(in.TargetGroupARNs, a) })
	})
	if err != nil {
		return nil, err
	}
	_ = s.db.View(func(tx *state.Tx) error { insts = s.groupInstances(tx, sc, *in.AutoScalingGroupName); return nil })
	for _, r := range insts {
		for _, tg := range in.TargetGroupARNs {
			_ = s.elb.DeregisterInstance(ctx, tg, r.ID)
		}
	}
	return &DetachLoadBalancerTargetGroupsResultType{}, nil
}

func (s *Service) changeTargetGroups(ctx context.Context, name string, fn func([]string) []string) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.getGroup(tx, sc, name)
		if err != nil {
			return err
		}
		g.TargetGroupARNs = fn(slices.Clone(g.TargetGroupARNs))
		g.TrafficSources = trafficSources(g)
		s.groups.Put(tx, sc, name, g)
		return nil
	})
}

// DescribeLoadBalancerTargetGroups lists the target groups attached to a group.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeLoadBalancerTargetGroups.html
func (s *Service) DescribeLoadBalancerTargetGroups(ctx context.Context, in *DescribeLoadBalancerTargetGroupsRequest) (*DescribeLoadBalancerTargetGroupsResponse, error) {
	sc := s.scope(ctx)
	var g groupRec
	if err := s.db.View(func(tx *state.Tx) (err error) { g, err = s.getGroup(tx, sc, *in.AutoScalingGroupName); return err }); err != nil {
		return nil, err
	}
	out := []LoadBalancerTargetGroupState{}
	for _, a := range g.TargetGroupARNs {
		out = append(out, LoadBalancerTargetGroupState{LoadBalancerTargetGroupARN: ptr.To(a), State: ptr.To("InService")})
	}
	return &DescribeLoadBalancerTargetGroupsResponse{LoadBalancerTargetGroups: out}, nil
}
