package cloudwatch

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// haneul publishes the metrics of its own resources, as AWS services do:
// each minute of clock time, AWS/AutoScaling group metrics and the AWS/EC2
// CPUUtilization of instances. Instances do not run for real yet, so an
// instance's CPU utilisation is what SetCPU (the admin endpoint
// POST /_haneul/ec2/cpu) last set for it or for its Auto Scaling group;
// an instance with no value set publishes no CPUUtilization.

// cpuRec is the CPU utilisation haneul reports for an instance or for every
// instance of an Auto Scaling group.
type cpuRec struct {
	Percent float64
}

// SetCPU sets the CPUUtilization (percent, 0 to 100) haneul reports for an
// instance (target "i-…") or for every instance of an Auto Scaling group
// (target the group's name) from the next minute on; an instance's own
// value wins over its group's. unset removes the value instead.
func (s *Service) SetCPU(ctx context.Context, account, region, target string, percent float64, unset bool) error {
	if target == "" {
		return fmt.Errorf("an instance id or an Auto Scaling group name is required")
	}
	if !unset && (math.IsNaN(percent) || percent < 0 || percent > 100) {
		return fmt.Errorf("percent must be from 0 to 100, got %v", percent)
	}
	key := "g/" + target
	if strings.HasPrefix(target, "i-") {
		key = "i/" + target
	}
	sc := scopeOf(account, region)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		if unset {
			s.cpu.Delete(tx, sc, key)
		} else {
			s.cpu.Put(tx, sc, key, cpuRec{Percent: percent})
		}
		return nil
	})
}

// publishLoop publishes haneul's own metrics at each minute of clock time
// (checked at most every maxSleep, so a fake clock's jumps are seen).
func (s *Service) publishLoop(ctx context.Context) {
	var last int64
	t := time.NewTicker(maxSleep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		minute := s.clock.Now().Unix() / 60 * 60
		if minute <= last {
			continue
		}
		// Minutes the loop missed (a clock that jumped) are filled in with
		// the current values, ten at most.
		from := minute
		if last != 0 {
			from = max(last+60, minute-9*60)
		}
		for m := from; m <= minute; m += 60 {
			s.publishOwn(ctx, time.Unix(m, 0).UTC())
		}
		last = minute
	}
}

// publishOwn publishes one minute's datapoints of haneul's resources,
// timestamped at the start of that minute.
func (s *Service) publishOwn(ctx context.Context, at time.Time) {
	as, _ := s.targets()
	type batch struct {
		sc   state.Scope
		ns   string
		data []MetricDatum
	}
	var out []batch
	add := func(sc state.Scope, ns, name, unit string, v float64, dims ...string) {
		d := MetricDatum{MetricName: ptr.To(name), Value: ptr.To(v), Unit: ptr.To(unit), Timestamp: ptr.To(at)}
		for i := 0; i+1 < len(dims); i += 2 {
			d.Dimensions = append(d.Dimensions, Dimension{Name: ptr.To(dims[i]), Value: ptr.To(dims[i+1])})
		}
		for i := range out {
			if out[i].sc == sc && out[i].ns == ns {
				out[i].data = append(out[i].data, d)
				return
			}
		}
		out = append(out, batch{sc: sc, ns: ns, data: []MetricDatum{d}})
	}
	// cpuOf is an instance's CPU in a scope: its own value, else its group's.
	cpuOf := func(sc state.Scope, id, group string) (float64, bool) {
		var v cpuRec
		var ok bool
		_ = s.db.View(func(tx *state.Tx) error {
			if v, ok = s.cpu.Get(tx, sc, "i/"+id); !ok && group != "" {
				v, ok = s.cpu.Get(tx, sc, "g/"+group)
			}
			return nil
		})
		return v.Percent, ok
	}
	inGroup := map[state.Scope]map[string]bool{}
	if as != nil {
		as.EachGroup(ctx, func(g GroupMetrics) {
			sc := scopeOf(g.Account, g.Region)
			// AWS: group metrics, in the AWS/AutoScaling namespace with the
			// dimension AutoScalingGroupName.
			for _, m := range []struct {
				name string
				v    int64
			}{
				{"GroupMinSize", g.Min}, {"GroupMaxSize", g.Max}, {"GroupDesiredCapacity", g.Desired},
				{"GroupInServiceInstances", g.InService}, {"GroupPendingInstances", g.Pending},
				{"GroupStandbyInstances", g.Standby}, {"GroupTerminatingInstances", g.Terminating},
				{"GroupTotalInstances", g.InService + g.Pending + g.Standby + g.Terminating},
				{"GroupInServiceCapacity", g.InService}, {"GroupTotalCapacity", g.InService + g.Pending + g.Standby + g.Terminating},
			} {
				add(sc, "AWS/AutoScaling", m.name, "None", float64(m.v), "AutoScalingGroupName", g.Group)
			}
			if inGroup[sc] == nil {
				inGroup[sc] = map[string]bool{}
			}
			for _, id := range g.Instances {
				inGroup[sc][id] = true
				if v, ok := cpuOf(sc, id, g.Group); ok {
					// AWS: EC2 publishes each instance's CPUUtilization, and
					// again aggregated under AutoScalingGroupName (what
					// ASGAverageCPUUtilization target tracking watches).
					add(sc, "AWS/EC2", "CPUUtilization", "Percent", v, "InstanceId", id)
					add(sc, "AWS/EC2", "CPUUtilization", "Percent", v, "AutoScalingGroupName", g.Group)
				}
			}
		})
	}
	// Instances outside groups with a value set.
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.cpu.Scopes(tx) {
			s.cpu.AscendPrefix(tx, sc, "i/", func(key string, v cpuRec) bool {
				if id := strings.TrimPrefix(key, "i/"); !inGroup[sc][id] {
					add(sc, "AWS/EC2", "CPUUtilization", "Percent", v.Percent, "InstanceId", id)
				}
				return true
			})
		}
		return nil
	})
	for _, b := range out {
		if err := s.Publish(ctx, b.sc.Account, b.sc.Region, b.ns, b.data); err != nil {
			s.log.Warn("cloudwatch: publishing haneul's metrics", "namespace", b.ns, "err", err)
		}
	}
}
