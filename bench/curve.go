package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// A Curve measures how the cost of one call grows with the data behind it:
// the same call, with an answer of the same size, at growing fixture sizes.
// The goal is a flat curve: a call that walks an index costs the same in a
// store of a thousand items and of a million.
//
// Each service adds its curves beside its workloads, in
// bench/workload_<svc>.go, by calling registerCurve from an init function.
type Curve struct {
	// Name is the identifier used by -curves, e.g. "dynamodb-query".
	Name string
	// Title labels the curve, e.g. "DynamoDB Query of 10 items".
	Title string
	// Size says what the sizes count, e.g. "items in the partition".
	Size string
	// Order sorts curves in the report; lower comes first.
	Order int
	// Sizes are the fixture sizes measured, ascending.
	Sizes []int
	// MotoMax is the largest size built on moto_server, whose fixtures
	// fill one to two orders of magnitude more slowly.
	MotoMax int
	// Fixture creates an empty fixture on one server and returns grow,
	// which brings it to n (called with the sizes in ascending order) and
	// returns the Op to measure at that size.
	Fixture func(ctx context.Context, cfg aws.Config) (grow func(ctx context.Context, n int) (Op, error), err error)
}

var curveRegistry []Curve

// registerCurve adds a curve; call it from init.
func registerCurve(c Curve) {
	for _, o := range curveRegistry {
		if o.Name == c.Name {
			panic("bench: curve registered twice: " + c.Name)
		}
	}
	curveRegistry = append(curveRegistry, c)
}

// selectCurves returns the curves named in list (comma separated), all of
// them for "all" or "", none for "none".
func selectCurves(list string) ([]Curve, error) {
	all := append([]Curve(nil), curveRegistry...)
	slices.SortStableFunc(all, func(a, b Curve) int { return a.Order - b.Order })
	switch list {
	case "", "all":
		return all, nil
	case "none":
		return nil, nil
	}
	var out []Curve
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, c := range all {
			if c.Name == name {
				out, found = append(out, c), true
			}
		}
		if !found {
			var have []string
			for _, c := range all {
				have = append(have, c.Name)
			}
			return nil, fmt.Errorf("unknown curve %q (have %s)", name, strings.Join(have, ", "))
		}
	}
	return out, nil
}

// A point is one size of a curve on one server: the median round of the
// call at that size, and how long growing the fixture to it took.
type point struct {
	Size   int
	Result Result
	Fill   time.Duration
}

// curveResult is one curve measured on every server.
type curveResult struct {
	Curve   Curve
	Points  map[string][]point // server → points, ascending size
	Stopped map[string]string  // server → why it has no points past its last
}

// curveClients is the client count curves are measured with: one caller,
// so latency is the call's own cost and nothing queues behind it.
const curveClients = 1

// curveSizes are the sizes of c this run measures: those up to max, and in
// a smoke run the sizes divided by a thousand (at least 100), so the command
// keeps working in seconds.
func curveSizes(c Curve, o options) []int {
	var out []int
	for _, n := range c.Sizes {
		if o.Smoke {
			n = max(n/1000, 100)
		}
		if n > o.CurveMax || (len(out) > 0 && n <= out[len(out)-1]) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// fillBudget bounds how long one fixture may take to grow to one size;
// a server that needs longer gets no points beyond it.
const fillBudget = 15 * time.Minute

// measureCurve grows c's fixture on every server through its sizes,
// alternating servers at each size, and measures the call at each.
func measureCurve(ctx context.Context, c Curve, o options, servers []server, procs []*proc) (curveResult, error) {
	res := curveResult{Curve: c, Points: map[string][]point{}, Stopped: map[string]string{}}
	grows := make([]func(context.Context, int) (Op, error), len(servers))
	for i, s := range servers {
		cfg, err := clientConfig(procs[i].URL, 8)
		if err != nil {
			return res, err
		}
		g, err := c.Fixture(ctx, cfg)
		if err != nil {
			res.Stopped[s.Name] = "fixture: " + oneLine(err)
			logf("curve %s on %s: %v", c.Name, s.Name, err)
			continue
		}
		grows[i] = g
	}
	for _, n := range curveSizes(c, o) {
		for i, s := range servers {
			if grows[i] == nil {
				continue
			}
			if s.Name == "moto" && n > c.MotoMax && !o.Smoke {
				res.Stopped[s.Name] = fmt.Sprintf("not grown past %s: its fixtures fill too slowly", count(c.MotoMax))
				grows[i] = nil
				continue
			}
			gctx, cancel := context.WithTimeout(ctx, fillBudget)
			t0 := time.Now()
			op, err := grows[i](gctx, n)
			fill := time.Since(t0)
			if err == nil {
				err = warm(gctx, op, 20)
			}
			cancel()
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if err != nil {
				res.Stopped[s.Name] = fmt.Sprintf("growing to %s failed after %s: %s", count(n), ms(fill), oneLine(err))
				logf("curve %s on %s at %d: %v", c.Name, s.Name, n, err)
				grows[i] = nil
				continue
			}
			var rounds []Result
			for range o.Rounds {
				rounds = append(rounds, measure(ctx, op, curveClients, o.Duration, serverPID(procs[i].PID())))
			}
			m := medianRound(rounds)
			res.Points[s.Name] = append(res.Points[s.Name], point{Size: n, Result: m, Fill: fill})
			logf("curve %-16s %-6s size %9d  p50 %8s  p99 %8s  %7.0f ops/s  (grown in %s)", c.Name, s.Name, n, ms(m.P50), ms(m.P99), m.Rate(), ms(fill))
		}
	}
	return res, nil
}

// count writes n the way the report's sizes read: 1k, 100k, 1M.
func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// flatness is the p50 at the largest size over the p50 at the smallest:
// 1 is a flat curve.
func flatness(ps []point) (float64, bool) {
	if len(ps) < 2 || ps[0].Result.P50 <= 0 {
		return 0, false
	}
	return float64(ps[len(ps)-1].Result.P50) / float64(ps[0].Result.P50), true
}
