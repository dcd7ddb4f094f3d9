package main

import (
	"context"
	"slices"
	"sync"
	"time"
)

// maxOpsPerWorker bounds every load loop by count as well as by time.
const maxOpsPerWorker = 2_000_000

// A Result is one measurement: one workload, one server, one concurrency,
// one round.
type Result struct {
	Ops      int           // successful operations
	Errors   int           // failed operations
	Elapsed  time.Duration // wall time from first start to last finish
	P50, P99 time.Duration // latency of successful operations
	FirstErr error         // the first failure, if any
	// ServerCPU is the CPU time the server process used during the
	// measurement (user plus system), or 0 if it could not be read.
	ServerCPU time.Duration
}

// CPUPerOp is the server's CPU time per successful operation.
func (r Result) CPUPerOp() time.Duration {
	if r.Ops == 0 {
		return 0
	}
	return r.ServerCPU / time.Duration(r.Ops)
}

// Rate is successful operations per second.
func (r Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// measure runs op from conc goroutines for d (or until ctx ends, or each
// goroutine has done maxOpsPerWorker operations) and reports throughput,
// latency, and the CPU time used meanwhile by the server process pid.
func measure(ctx context.Context, op Op, conc int, d time.Duration, pid int) Result {
	cpu0, cpuErr := cpuTime(pid)
	type worker struct {
		lat   []time.Duration
		errs  int
		first error
	}
	ws := make([]worker, conc)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range ws {
		wg.Add(1)
		go func(w *worker, id int) {
			defer wg.Done()
			w.lat = make([]time.Duration, 0, 4096)
			for n := 0; n < maxOpsPerWorker && ctx.Err() == nil; n++ {
				t0 := time.Now()
				if !t0.Before(deadline) {
					return
				}
				err := op(ctx, id)
				if err != nil {
					w.errs++
					if w.first == nil {
						w.first = err
					}
					continue
				}
				w.lat = append(w.lat, time.Since(t0))
			}
		}(&ws[i], i)
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start)}
	if cpu1, err := cpuTime(pid); err == nil && cpuErr == nil {
		r.ServerCPU = cpu1 - cpu0
	}
	var all []time.Duration
	for _, w := range ws {
		all = append(all, w.lat...)
		r.Errors += w.errs
		if r.FirstErr == nil {
			r.FirstErr = w.first
		}
	}
	slices.Sort(all)
	r.Ops = len(all)
	r.P50 = percentile(all, 50)
	r.P99 = percentile(all, 99)
	return r
}

// warm runs op n times from one goroutine, so connection setup and first-call
// costs stay out of the first round. It returns the first error.
func warm(ctx context.Context, op Op, n int) error {
	for range n {
		if err := op(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}
