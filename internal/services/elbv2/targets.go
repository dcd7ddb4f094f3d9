package elbv2

import (
	"context"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// targetRec is a registered target.
type targetRec struct {
	ID         string
	Port       int64
	Zone       string
	Registered time.Time
	// Deregistered is when deregistration began; the target drains for the
	// group's deregistration delay, then is gone.
	Deregistered time.Time
}

func targetKey(tg, id string, port int64) string { return tg + "\x00" + id + "\x00" + i64s(port) }

// RegisterTargets registers targets with a target group; registering a
// registered target again is a no-op (a draining one is registered anew).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RegisterTargets.html
func (s *Service) RegisterTargets(ctx context.Context, in *RegisterTargetsInput) (*RegisterTargetsOutput, error) {
	sc := s.scope(ctx)
	var tg tgRec
	if err := s.db.View(func(tx *state.Tx) (err error) { tg, err = s.getTG(tx, sc, *in.TargetGroupArn); return err }); err != nil {
		return nil, err
	}
	if *tg.TargetType == "instance" {
		var notRunning, otherVPC []string
		for _, t := range in.Targets {
			st, vpc, ok := s.ec2.InstanceState(ctx, *t.Id)
			switch {
			case !ok:
				return nil, awserr.New("InvalidTarget", 0, "The following targets are not valid instances: '%s'", *t.Id)
			case st != "running" && st != "pending":
				notRunning = append(notRunning, "'"+*t.Id+"'")
			case vpc != ptr.Val(tg.VpcId):
				otherVPC = append(otherVPC, "'"+*t.Id+"'")
			}
		}
		// AWS: only running (or launching) instances in the group's VPC can be registered.
		if len(notRunning) > 0 {
			return nil, awserr.New("InvalidTarget", 0, "The following targets are not in a running state and cannot be registered: %s", strings.Join(notRunning, ", "))
		}
		if len(otherVPC) > 0 {
			return nil, awserr.New("InvalidTarget", 0, "The following targets are not in the target group VPC '%s': %s", ptr.Val(tg.VpcId), strings.Join(otherVPC, ", "))
		}
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		now := s.now()
		for _, t := range in.Targets {
			port := ptr.Val(t.Port)
			if port == 0 {
				port = ptr.Val(tg.Port)
			}
			k := targetKey(*tg.TargetGroupArn, *t.Id, port)
			if old, ok := s.targets.Get(tx, sc, k); ok && old.Deregistered.IsZero() {
				continue
			}
			s.targets.Put(tx, sc, k, targetRec{ID: *t.Id, Port: port, Zone: ptr.Val(t.AvailabilityZone), Registered: now})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RegisterTargetsOutput{}, nil
}

// DeregisterTargets starts deregistering targets: they drain for the group's
// deregistration delay (deregistration_delay.timeout_seconds), then are gone.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeregisterTargets.html
func (s *Service) DeregisterTargets(ctx context.Context, in *DeregisterTargetsInput) (*DeregisterTargetsOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		tg, err := s.getTG(tx, sc, *in.TargetGroupArn)
		if err != nil {
			return err
		}
		now := s.now()
		for _, t := range in.Targets {
			port := ptr.Val(t.Port)
			if port == 0 {
				port = ptr.Val(tg.Port)
			}
			k := targetKey(*tg.TargetGroupArn, *t.Id, port)
			r, ok := s.targets.Get(tx, sc, k)
			if !ok || !s.live(tg, r) {
				// AWS: "The specified target does not exist, is not in the same VPC
				// as the target group, or has an unsupported instance type."
				return awserr.New("InvalidTarget", 0, "The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type")
			}
			if !r.Deregistered.IsZero() {
				continue
			}
			r.Deregistered = now
			if s.drainDelay(tg) == 0 {
				s.targets.Delete(tx, sc, k)
				continue
			}
			s.targets.Put(tx, sc, k, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeregisterTargetsOutput{}, nil
}

func (s *Service) drainDelay(tg tgRec) time.Duration {
	n, _ := atoi(tg.Attrs["deregistration_delay.timeout_seconds"])
	return time.Duration(n) * time.Second
}

// live reports whether a target is registered or still draining.
func (s *Service) live(tg tgRec, r targetRec) bool {
	return r.Deregistered.IsZero() || s.clock.Now().Before(r.Deregistered.Add(s.drainDelay(tg)))
}

// DescribeTargetHealth reports the health of a target group's targets.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html
func (s *Service) DescribeTargetHealth(ctx context.Context, in *DescribeTargetHealthInput) (*DescribeTargetHealthOutput, error) {
	sc := s.scope(ctx)
	var tg tgRec
	var targets []targetRec
	var inUse bool
	err := s.db.View(func(tx *state.Tx) (err error) {
		if tg, err = s.getTG(tx, sc, *in.TargetGroupArn); err != nil {
			return err
		}
		inUse = len(s.tgLoadBalancers(tx, sc, *tg.TargetGroupArn)) > 0
		s.targets.AscendPrefix(tx, sc, *tg.TargetGroupArn+"\x00", func(_ string, r targetRec) bool {
			if s.live(tg, r) {
				targets = append(targets, r)
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []TargetHealthDescription{}
	if len(in.Targets) > 0 {
		for _, want := range in.Targets {
			port := ptr.Val(want.Port)
			var found *targetRec
			for i, t := range targets {
				if t.ID == *want.Id && (port == 0 || t.Port == port) {
					found = &targets[i]
				}
			}
			if found == nil {
				out = append(out, TargetHealthDescription{Target: &want, TargetHealth: &TargetHealth{
					State: ptr.To("unused"), Reason: ptr.To("Target.NotRegistered"), Description: ptr.To("Target is not registered to the target group")}})
				continue
			}
			out = append(out, s.describeTarget(ctx, tg, *found, inUse))
		}
	} else {
		for _, t := range targets {
			out = append(out, s.describeTarget(ctx, tg, t, inUse))
		}
	}
	return &DescribeTargetHealthOutput{TargetHealthDescriptions: out}, nil
}

func (s *Service) describeTarget(ctx context.Context, tg tgRec, t targetRec, inUse bool) TargetHealthDescription {
	d := TargetHealthDescription{Target: &TargetDescription{Id: ptr.To(t.ID)}, TargetHealth: s.health(ctx, tg, t, inUse)}
	if *tg.TargetType != "lambda" {
		d.Target.Port = ptr.To(t.Port)
		hp := ptr.Val(tg.HealthCheckPort)
		if hp == "" || hp == "traffic-port" {
			hp = i64s(t.Port)
		}
		d.HealthCheckPort = ptr.To(hp)
	}
	if t.Zone != "" {
		d.Target.AvailabilityZone = ptr.To(t.Zone)
	}
	return d
}

// health is the health of one target, with AWS's states and reason codes.
//
// TEMPORARY (issue 10, point 5): until the data plane runs health checks, a
// registered instance target whose instance is running is reported healthy
// once the group's thresholds have passed since registration
// (HealthyThresholdCount × HealthCheckIntervalSeconds), so Auto Scaling
// groups with ELB health checks do not replace instances in a loop. Real
// health checks plug in here: replace the "running ⇒ healthy" step with the
// result of the last HealthyThresholdCount/UnhealthyThresholdCount probes.
func (s *Service) health(ctx context.Context, tg tgRec, t targetRec, inUse bool) *TargetHealth {
	th := func(st, reason, desc string) *TargetHealth {
		h := &TargetHealth{State: ptr.To(st)}
		if reason != "" {
			h.Reason, h.Description = ptr.To(reason), ptr.To(desc)
		}
		return h
	}
	if !t.Deregistered.IsZero() {
		return th("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")
	}
	if *tg.TargetType == "instance" {
		st, _, ok := s.ec2.InstanceState(ctx, t.ID)
		switch {
		case !ok || st == "terminated" || st == "shutting-down":
			return th("unused", "Target.InvalidState", "Target is in the terminated state")
		case st == "stopped" || st == "stopping":
			return th("unused", "Target.InvalidState", "Target is in the stopped state")
		}
	}
	if !inUse {
		return th("unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer")
	}
	if !ptr.Val(tg.HealthCheckEnabled) {
		return th("unavailable", "Target.HealthCheckDisabled", "Health checks are disabled")
	}
	if *tg.TargetType == "instance" {
		if st, _, _ := s.ec2.InstanceState(ctx, t.ID); st == "pending" {
			return th("initial", "Elb.RegistrationInProgress", "Target registration is in progress")
		}
	}
	settle := time.Duration(ptr.Val(tg.HealthyThresholdCount)*ptr.Val(tg.HealthCheckIntervalSeconds)) * time.Second
	if s.clock.Now().Before(t.Registered.Add(settle)) {
		return th("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
	}
	return th("healthy", "", "")
}
