package autoscaling

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/services/ec2"
	"haneul/internal/state"
)

// Start implements service.Starter: it runs the controller every second
// until ctx ends.
func (s *Service) Start(ctx context.Context) error {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.reconcile(ctx)
			}
		}
	}()
	return nil
}

// reconcile brings every group to its desired capacity once: it replaces
// unhealthy instances, launches missing ones and terminates extras.
func (s *Service) reconcile(ctx context.Context) {
	s.runScheduled(ctx) // scheduled actions change desired capacities first (scheduled.go)
	s.mu.Lock()
	defer s.mu.Unlock()
	var work []struct {
		sc state.Scope
		g  groupRec
	}
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.groups.Scopes(tx) {
			s.groups.Ascend(tx, sc, "", func(_ string, g groupRec) bool {
				work = append(work, struct {
					sc state.Scope
					g  groupRec
				}{sc, g})
				return true
			})
		}
		return nil
	})
	for _, w := range work {
		if ctx.Err() != nil {
			return
		}
		if err := s.reconcileGroup(scoped(ctx, w.sc), w.sc, w.g); err != nil {
			s.log.Warn("autoscaling: reconcile", "group", *w.g.AutoScalingGroupName, "err", err)
		}
	}
}

func (s *Service) reconcileGroup(ctx context.Context, sc state.Scope, g groupRec) error {
	name := *g.AutoScalingGroupName
	var insts []instRec
	var lc LaunchConfiguration
	var haveLC bool
	_ = s.db.View(func(tx *state.Tx) error {
		insts = s.groupInstances(tx, sc, name)
		lc, haveLC = s.lcs.Get(tx, sc, ptr.Val(g.LaunchConfigurationName))
		return nil
	})
	now := s.now()

	// Health: EC2 status always; ELB health after the grace period for type ELB.
	var healthy []instRec
	for _, r := range insts {
		reason := s.unhealthy(ctx, g, r, now)
		if reason == "" {
			healthy = append(healthy, r)
			continue
		}
		s.release(ctx, g, r)
		cause := fmt.Sprintf("At %s an instance was taken out of service in response to %s.", now.Format(time.RFC3339), reason)
		if err := s.db.Update(ctx, func(tx *state.Tx) error {
			s.instances.Delete(tx, sc, r.ID)
			s.record(tx, sc, g, "Terminating EC2 instance: "+r.ID, cause, now, "Successful")
			return nil
		}); err != nil {
			return err
		}
	}
	insts = healthy
	desired := int(ptr.Val(g.DesiredCapacity))

	// Scale out: each new instance goes to the zone with the fewest.
	src, haveSrc := s.groupSource(ctx, g, lc, haveLC) // launch configuration or template (launchtemplates.go)
	for len(insts) < desired && haveSrc {
		zone := leastZone(g.AvailabilityZones, insts)
		l := src.groupLaunch(g, zone)
		for _, t := range g.Tags {
			if ptr.Val(t.PropagateAtLaunch) {
				l.Tags[*t.Key] = ptr.Val(t.Value)
			}
		}
		id, gotZone, err := s.ec2.LaunchForGroup(ctx, l)
		if err != nil {
			cause := fmt.Sprintf("At %s an instance was started in response to a difference between desired and actual capacity, increasing the capacity from %d to %d.", now.Format(time.RFC3339), len(insts), desired)
			_ = s.db.Update(ctx, func(tx *state.Tx) error {
				s.record(tx, sc, g, "Launching a new EC2 instance.  Status Reason: "+err.Error(), cause, now, "Failed")
				return nil
			})
			return fmt.Errorf("launching an instance of %s: %w", name, err)
		}
		r := instRec{Group: name, ID: id, Zone: cmpOr(gotZone, zone),
			Launched: now, Lifecycle: "InService", Health: "Healthy", Protected: ptr.Val(g.NewInstancesProtectedFromScaleIn)}
		src.stamp(&r)
		for _, tg := range g.TargetGroupARNs {
			if s.elb != nil {
				if err := s.elb.RegisterInstance(ctx, tg, id); err != nil {
					s.log.Warn("autoscaling: register target", "group", name, "instance", id, "err", err)
				}
			}
		}
		s.registerClassic(ctx, g, id)
		cause := s.capacityCause(sc, name, int64(desired)) + fmt.Sprintf("At %s an instance was started in response to a difference between desired and actual capacity, increasing the capacity from %d to %d.", now.Format(time.RFC3339), len(insts), desired)
		if err := s.db.Update(ctx, func(tx *state.Tx) error {
			s.instances.Put(tx, sc, id, r)
			s.record(tx, sc, g, "Launching a new EC2 instance: "+id, cause, now, "Successful")
			return nil
		}); err != nil {
			return err
		}
		insts = append(insts, r)
	}

	// Scale in: the termination policies name each instance to go.
	for len(insts) > desired {
		v, ok := pickVictim(insts, g.TerminationPolicies, src.current(), now, s.rnd)
		if !ok {
			break // every remaining instance is protected from scale in
		}
		s.release(ctx, g, v)
		cause := fmt.Sprintf("At %s a user request explicitly set group desired capacity changing the desired capacity from %d to %d.  At %s an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from %d to %d.  At %s instance %s was selected for termination.",
			now.Format(time.RFC3339), len(insts), desired, now.Format(time.RFC3339), len(insts), desired, now.Format(time.RFC3339), v.ID)
		if why := s.capacityCause(sc, name, int64(desired)); why != "" {
			cause = why + cause[strings.Index(cause, "  ")+2:] // a policy or scheduled action set the capacity, not a user
		}
		if err := s.db.Update(ctx, func(tx *state.Tx) error {
			s.instances.Delete(tx, sc, v.ID)
			s.record(tx, sc, g, "Terminating EC2 instance: "+v.ID, cause, now, "Successful")
			return nil
		}); err != nil {
			return err
		}
		insts = slices.DeleteFunc(insts, func(r instRec) bool { return r.ID == v.ID })
	}
	return nil
}

// unhealthy returns why an instance must be replaced, or "".
func (s *Service) unhealthy(ctx context.Context, g groupRec, r instRec, now time.Time) string {
	st, _, ok := s.ec2.InstanceState(ctx, r.ID)
	// AWS: an instance in any state other than running (or pending) is unhealthy for EC2 health checks.
	if !ok || (st != "running" && st != "pending") {
		return "an EC2 health check indicating it has been terminated or stopped"
	}
	if ptr.Val(g.HealthCheckType) != "ELB" {
		return ""
	}
	// AWS: ELB health is ignored until the grace period after launch has passed.
	if now.Before(r.Launched.Add(time.Duration(ptr.Val(g.HealthCheckGracePeriod)) * time.Second)) {
		return ""
	}
	for _, tg := range g.TargetGroupARNs {
		if s.elb != nil && s.elb.InstanceHealth(ctx, tg, r.ID) == "unhealthy" {
			return "an ELB system health check failure"
		}
	}
	if s.classicUnhealthy(ctx, g, r.ID) {
		return "an ELB system health check failure"
	}
	return ""
}

// leastZone is the group zone with the fewest instances (the first such, in order).
func leastZone(zones []string, insts []instRec) string {
	if len(zones) == 0 {
		return ""
	}
	count := map[string]int{}
	for _, r := range insts {
		count[r.Zone]++
	}
	best := zones[0]
	for _, z := range zones[1:] {
		if count[z] < count[best] {
			best = z
		}
	}
	return best
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func ec2BlockDevice(b BlockDeviceMapping) ec2.BlockDeviceMapping {
	out := ec2.BlockDeviceMapping{DeviceName: b.DeviceName, VirtualName: b.VirtualName}
	if ptr.Val(b.NoDevice) {
		out.NoDevice = ptr.To("")
	}
	if e := b.Ebs; e != nil {
		out.Ebs = &ec2.EbsBlockDevice{DeleteOnTermination: e.DeleteOnTermination, Encrypted: e.Encrypted, Iops: e.Iops, SnapshotId: e.SnapshotId, Throughput: e.Throughput, VolumeSize: e.VolumeSize, VolumeType: e.VolumeType}
	}
	return out
}
