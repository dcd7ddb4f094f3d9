package autoscaling

import (
	"context"
	"fmt"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/ptr"
	"haneul/internal/services/cloudwatch"
	"haneul/internal/state"
)

// ExecuteAlarmPolicy runs the scaling policy an alarm action names
// (cloudwatch.AutoScaling). The policy's account and region are the ARN's.
// A policy that no longer exists, or whose ARN is not the one the alarm
// holds (deleted and created again), fails the action.
func (s *Service) ExecuteAlarmPolicy(ctx context.Context, t cloudwatch.PolicyTrigger) error {
	a, err := arn.Parse(t.PolicyARN)
	if err != nil {
		return err
	}
	group, name, ok := parsePolicyARN(t.PolicyARN)
	if !ok {
		return fmt.Errorf("autoscaling: %s is not a scaling policy ARN", t.PolicyARN)
	}
	sc := state.Scope{Account: a.Account, Region: a.Region}
	var p policyRec
	_ = s.db.View(func(tx *state.Tx) error { p, ok = s.policies.Get(tx, sc, policyKey(group, name)); return nil })
	if !ok || ptr.Val(p.PolicyARN) != t.PolicyARN {
		return fmt.Errorf("autoscaling: no scaling policy %s", t.PolicyARN)
	}
	return s.execute(scoped(ctx, sc), sc, p, trigger{
		now: s.now(), alarm: t.AlarmName, state: t.AlarmState,
		value: t.Value, threshold: t.Threshold, hasValue: t.HasValue,
	})
}

// EachGroup calls fn with every group of every account and region, with
// its sizes and in-service instances (cloudwatch.AutoScaling), for the
// AWS/AutoScaling metrics and the EC2 metrics aggregated by group.
func (s *Service) EachGroup(ctx context.Context, fn func(cloudwatch.GroupMetrics)) {
	var out []cloudwatch.GroupMetrics
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.groups.Scopes(tx) {
			byGroup := map[string][]instRec{}
			s.instances.Ascend(tx, sc, "", func(_ string, r instRec) bool {
				byGroup[r.Group] = append(byGroup[r.Group], r)
				return true
			})
			s.groups.Ascend(tx, sc, "", func(name string, g groupRec) bool {
				m := cloudwatch.GroupMetrics{Account: sc.Account, Region: sc.Region, Group: name,
					Min: ptr.Val(g.MinSize), Max: ptr.Val(g.MaxSize), Desired: ptr.Val(g.DesiredCapacity)}
				for _, r := range byGroup[name] {
					switch {
					case r.Lifecycle == "InService":
						m.InService++
						m.Instances = append(m.Instances, r.ID)
					case strings.HasPrefix(r.Lifecycle, "Pending"):
						m.Pending++
					case strings.HasPrefix(r.Lifecycle, "Terminating"):
						m.Terminating++
					case strings.Contains(r.Lifecycle, "Standby"):
						m.Standby++
					}
				}
				out = append(out, m)
				return true
			})
		}
		return nil
	})
	for _, m := range out {
		if ctx.Err() != nil {
			return
		}
		fn(m)
	}
}
