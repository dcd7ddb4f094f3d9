package autoscaling

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPickVictim(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lcOld, lcNew := t0.Add(-time.Hour), t0
	in := func(id, zone string, launched time.Duration, lc time.Time) instRec {
		return instRec{ID: id, Zone: zone, Launched: t0.Add(launched), LCCreated: lc}
	}
	// i-1 (made first) … i-4 (made last); a has 2 instances, b 2.
	base := []instRec{
		in("i-1", "a", 0, lcNew), in("i-2", "b", 10*time.Minute, lcNew),
		in("i-3", "a", 20*time.Minute, lcNew), in("i-4", "b", 30*time.Minute, lcNew),
	}
	now := t0.Add(50 * time.Minute)
	cases := []struct {
		name     string
		insts    []instRec
		policies []string
		want     string
	}{
		// seed 001: the oldest instance goes first under OldestInstance.
		{"OldestInstance", base, []string{"OldestInstance"}, "i-1"},
		{"NewestInstance", base, []string{"NewestInstance"}, "i-4"},
		// AZ balance comes first: b has the most instances, so its oldest.
		{"zone first", append(base, in("i-5", "b", 40*time.Minute, lcNew)), []string{"OldestInstance"}, "i-2"},
		{"OldestLaunchConfiguration", []instRec{in("i-1", "a", 0, lcNew), in("i-2", "a", 10*time.Minute, lcOld)}, []string{"OldestLaunchConfiguration"}, "i-2"},
		// Default: oldest configuration first, then closest to the billing hour.
		{"Default config", []instRec{in("i-1", "a", 0, lcNew), in("i-2", "a", 10*time.Minute, lcOld)}, []string{"Default"}, "i-2"},
		// i-1 launched at 0 has 10 minutes to its hour at 0:50; i-3 at 0:20 has 30.
		{"Default billing hour", []instRec{in("i-1", "a", 0, lcNew), in("i-3", "a", 20*time.Minute, lcNew)}, []string{"Default"}, "i-1"},
		{"ClosestToNextInstanceHour", []instRec{in("i-3", "a", 20*time.Minute, lcNew), in("i-1", "a", 0, lcNew)}, []string{"ClosestToNextInstanceHour"}, "i-1"},
		// A tie under OldestLaunchConfiguration falls through to Default.
		{"tie falls through", []instRec{in("i-3", "a", 20*time.Minute, lcNew), in("i-1", "a", 0, lcNew)}, []string{"OldestLaunchConfiguration"}, "i-1"},
		{"protected skipped", []instRec{{ID: "i-1", Zone: "a", Launched: t0, Protected: true}, in("i-2", "a", time.Minute, lcNew)}, []string{"OldestInstance"}, "i-2"},
		{"policies in order", base, []string{"NewestInstance", "OldestInstance"}, "i-4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := pickVictim(c.insts, c.policies, launchNow{}, now, rand.New(rand.NewPCG(1, 2)))
			if !ok || got.ID != c.want {
				t.Errorf("picked %q (ok %v), want %q", got.ID, ok, c.want)
			}
		})
	}
	if _, ok := pickVictim([]instRec{{ID: "i-1", Protected: true}}, nil, launchNow{}, now, rand.New(rand.NewPCG(1, 2))); ok {
		t.Error("picked a protected instance")
	}
}
