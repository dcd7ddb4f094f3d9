package main

import (
	"fmt"
	"time"
)

// The targets haneul holds itself to.
const (
	targetRatio     = 20.0                  // haneul/moto throughput, every API workload
	targetColdStart = 50 * time.Millisecond // median cold start
	targetIdleRSS   = 40e6                  // bytes
	targetGCIP99    = 2 * time.Millisecond  // GetCallerIdentity p99, strictly below
	targetGCIRate   = 20000.0               // GetCallerIdentity req/s, best client count
	gciWorkload     = "sts-get-caller-identity"
	// targetFlatness bounds a curve's p50 at its largest size over its p50
	// at its smallest: the cost of a call must not grow with the store.
	targetFlatness = 1.5
)

// A target is one goal and how this run did against it.
type target struct {
	name     string
	value    string
	measured bool
	met      bool
}

// targets evaluates every target on the report's numbers.
func (r *report) targets() []target {
	var ts []target
	for _, row := range r.Rows {
		t := target{name: fmt.Sprintf("%s, %d clients: ≥ %.0f× moto_server", row.Workload.Title, row.Clients, targetRatio), value: "n/a"}
		if x, ok := row.ratio(); ok {
			t.value, t.measured, t.met = fmt.Sprintf("%.1f×", x), true, x >= targetRatio
		}
		ts = append(ts, t)
	}
	cold := target{name: fmt.Sprintf("Cold start ≤ %v", targetColdStart), value: "n/a"}
	if ds := r.Cold["haneul"]; len(ds) > 0 {
		m := medianDuration(ds)
		cold.value, cold.measured, cold.met = ms(m), true, m <= targetColdStart
	}
	ts = append(ts, cold)
	idle := target{name: fmt.Sprintf("Idle RSS ≤ %s", mb(targetIdleRSS)), value: "n/a"}
	if b, ok := r.RSSIdle["haneul"]; ok {
		idle.value, idle.measured, idle.met = mb(b), true, b <= targetIdleRSS
	}
	ts = append(ts, idle)
	best := target{name: fmt.Sprintf("GetCallerIdentity ≥ %s req/s (best client count)", rate(targetGCIRate)), value: "n/a"}
	bestRate := 0.0
	for _, row := range r.Rows {
		if row.Workload.Name != gciWorkload {
			continue
		}
		m, ok := row.median("haneul")
		if !ok {
			continue
		}
		t := target{name: fmt.Sprintf("GetCallerIdentity p99 < %v, %d clients", targetGCIP99, row.Clients),
			value: ms(m.P99), measured: true, met: m.P99 < targetGCIP99}
		ts = append(ts, t)
		if !best.measured || m.Rate() > bestRate {
			best.value = fmt.Sprintf("%s req/s (%d clients)", rate(m.Rate()), row.Clients)
			best.measured, best.met = true, m.Rate() >= targetGCIRate
			bestRate = m.Rate()
		}
	}
	ts = append(ts, best)
	for _, cr := range r.Curves {
		ps := cr.Points["haneul"]
		f, ok := flatness(ps)
		if !ok {
			continue
		}
		ts = append(ts, target{
			name:  fmt.Sprintf("Flat cost: %s, p50 at %s ≤ %.1f× p50 at %s", cr.Curve.Title, count(ps[len(ps)-1].Size), targetFlatness, count(ps[0].Size)),
			value: fmt.Sprintf("%.2f× (%s → %s)", f, ms(ps[0].Result.P50), ms(ps[len(ps)-1].Result.P50)), measured: true, met: f <= targetFlatness,
		})
	}
	return ts
}
