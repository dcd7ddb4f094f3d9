package autoscaling

import (
	"math/rand/v2"
	"time"

	"haneul/internal/ptr"
)

// AWS: (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html)
// before any policy, Auto Scaling picks the Availability Zone with the most
// instances not protected from scale in; within it, the group's policies
// apply in the order listed, each narrowing the candidates, and ties fall
// through to the Default policy: oldest launch template/configuration
// (instances with a launch configuration first in a group using a
// template), then closest to the next billing hour, then random.

// launchNow is the launch template version a group launches now (zero
// when it uses a launch configuration).
type launchNow struct {
	TemplateID string
	Version    int64
}

// templateAge orders instances for the OldestLaunchTemplate policy: those
// not on the group's current launch template (another template, or a
// launch configuration) first, then the current template's older versions.
//
// AWS: "instances that use the noncurrent launch template are terminated
// first, followed by instances that use the oldest version of the current
// launch template".
func templateAge(cur launchNow) func(instRec) int64 {
	return func(r instRec) int64 {
		if cur.TemplateID == "" || r.LaunchTemplate == nil || ptr.Val(r.LaunchTemplate.LaunchTemplateId) != cur.TemplateID {
			return 0
		}
		return r.LTVersion
	}
}

// pickVictim chooses the instance to terminate among insts (a group's
// instances) under policies, at now, for a group launching from cur; ok is
// false when every instance is protected.
func pickVictim(insts []instRec, policies []string, cur launchNow, now time.Time, rnd *rand.Rand) (instRec, bool) {
	byZone := map[string][]instRec{}
	var zones []string
	for _, r := range insts {
		if r.Protected {
			continue
		}
		if _, seen := byZone[r.Zone]; !seen {
			zones = append(zones, r.Zone)
		}
		byZone[r.Zone] = append(byZone[r.Zone], r)
	}
	if len(zones) == 0 {
		return instRec{}, false
	}
	// The zones with the most instances (protected ones weigh in the
	// balance); the policies then choose among all of those zones' instances.
	count := map[string]int{}
	top := 0
	for _, r := range insts {
		count[r.Zone]++
	}
	for _, z := range zones {
		top = max(top, count[z])
	}
	var cands []instRec
	for _, z := range zones {
		if count[z] == top {
			cands = append(cands, byZone[z]...)
		}
	}
	for _, p := range append(append([]string{}, policies...), "Default") {
		if len(cands) == 1 {
			return cands[0], true
		}
		switch p {
		case "OldestInstance":
			cands = keepMin(cands, func(r instRec) int64 { return r.Launched.UnixNano() })
		case "NewestInstance":
			cands = keepMin(cands, func(r instRec) int64 { return -r.Launched.UnixNano() })
		case "OldestLaunchConfiguration":
			cands = keepMin(cands, func(r instRec) int64 { return r.LCCreated.UnixNano() })
		case "OldestLaunchTemplate":
			cands = keepMin(cands, templateAge(cur))
		case "ClosestToNextInstanceHour":
			cands = keepMin(cands, func(r instRec) int64 { return toNextHour(r, now) })
		case "Default":
			if cur.TemplateID != "" {
				// AWS: in a group using a launch template, instances using a
				// launch configuration go first, then the oldest launch template.
				cands = keepMin(cands, func(r instRec) int64 {
					if r.LaunchConfig != "" {
						return -1
					}
					return templateAge(cur)(r)
				})
			} else {
				cands = keepMin(cands, func(r instRec) int64 { return r.LCCreated.UnixNano() })
			}
			cands = keepMin(cands, func(r instRec) int64 { return toNextHour(r, now) })
			return cands[rnd.IntN(len(cands))], true
		}
		// AllocationStrategy: haneul launches one instance type per group
		// (the first override), so it does not narrow.
	}
	return cands[0], true
}

// toNextHour is how long until the instance's next billing hour since launch.
func toNextHour(r instRec, now time.Time) int64 {
	used := now.Sub(r.Launched) % time.Hour
	return int64(time.Hour - used)
}

// keepMin keeps the candidates with the smallest key.
func keepMin(cands []instRec, key func(instRec) int64) []instRec {
	var out []instRec
	for _, r := range cands {
		switch {
		case len(out) == 0 || key(r) < key(out[0]):
			out = []instRec{r}
		case key(r) == key(out[0]):
			out = append(out, r)
		}
	}
	return out
}
