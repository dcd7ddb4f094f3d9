package main

import (
	"math"
	"slices"
	"sort"
	"time"
)

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted, or 0 when it is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(sorted))*p/100)) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// medianDuration returns the median of ds (the lower middle for an even
// count), or 0 when it is empty.
func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// medianRound returns the round whose throughput is the median of rs (the
// lower middle for an even count), so its ops/s, p50 and p99 come from one
// real measurement rather than being mixed across rounds.
func medianRound(rs []Result) Result {
	if len(rs) == 0 {
		return Result{}
	}
	s := slices.Clone(rs)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Rate() < s[j].Rate() })
	return s[(len(s)-1)/2]
}
