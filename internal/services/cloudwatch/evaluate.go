package cloudwatch

import (
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// ActionSink runs the actions of alarms. The server plugs one in with
// SetActionSink (Auto Scaling policies, SNS topics, EC2 actions, …); without
// one, actions are only recorded in the alarm's history.
//
// RunAlarmAction is called once per action ARN when an alarm whose actions
// are enabled enters a state that lists actions, after the state change is
// committed and outside CloudWatch's locks, so the sink may call back into
// CloudWatch. The error it returns is recorded in the alarm history as a
// failed action.
type ActionSink interface {
	RunAlarmAction(ctx context.Context, a AlarmAction) error
}

// AlarmAction is one action an alarm's state change fires.
type AlarmAction struct {
	Account, Region  string
	AlarmName        string
	AlarmArn         string
	AlarmDescription string
	// Action is the ARN from AlarmActions, OKActions or InsufficientDataActions.
	Action   string
	OldState string
	NewState string
	Reason   string
	// ReasonData is the JSON StateReasonData of the new state ("" if none).
	ReasonData string
	Time       time.Time
}

// SetActionSink plugs in what runs alarm actions (nil: record only).
func (s *Service) SetActionSink(sink ActionSink) {
	s.sinkMu.Lock()
	s.sink = sink
	s.sinkMu.Unlock()
}

// firedAction is an action to run after the transition that fired it commits.
type firedAction struct {
	sc    state.Scope
	alarm alarmRec
	act   AlarmAction
	// repeat marks an Auto Scaling action invoked again because the alarm
	// stayed in its state; repeats are not recorded in the alarm's history.
	repeat bool
}

// repeatScaling returns the Auto Scaling actions an alarm that stays in
// its state invokes again at this evaluation.
//
// AWS: alarms invoke actions only when their state changes, except Auto
// Scaling actions, which the alarm invokes again once per minute for as
// long as it stays in the state (haneul: at each evaluation, once per period).
func repeatScaling(sc state.Scope, a alarmRec, reason, data string, now time.Time) []firedAction {
	if !a.ActionsEnabled {
		return nil
	}
	var acts []string
	switch a.State {
	case stateAlarm:
		acts = a.AlarmActions
	case stateOK:
		acts = a.OKActions
	case stateInsufficient:
		acts = a.InsufficientDataActions
	}
	var fired []firedAction
	for _, act := range acts {
		if isScalingPolicy(act) {
			fired = append(fired, firedAction{sc: sc, alarm: a, repeat: true, act: AlarmAction{
				Account: sc.Account, Region: sc.Region, AlarmName: a.Name, AlarmArn: a.Arn, AlarmDescription: a.Description,
				Action: act, OldState: a.State, NewState: a.State, Reason: reason, ReasonData: data, Time: now,
			}})
		}
	}
	return fired
}

// maxSleep bounds the evaluator's sleeps while alarms are scheduled, so a
// clock that jumps (a fake one in tests) is noticed soon.
const maxSleep = 200 * time.Millisecond

// evaluator evaluates each metric alarm once per period. Its schedule is a
// heap of (time, alarm) derived from the alarms table: PutMetricAlarm adds
// an entry, each evaluation adds the next, DeleteAlarms invalidates them.
type evaluator struct {
	s    *Service
	mu   sync.Mutex
	h    schedHeap
	gen  map[alarmKey]uint64 // current generation per alarm; older heap entries are stale
	next uint64
	poke chan struct{}
}

type alarmKey struct {
	sc   state.Scope
	name string
}

type schedEntry struct {
	when time.Time
	key  alarmKey
	gen  uint64
}

type schedHeap []schedEntry

func (h schedHeap) Len() int           { return len(h) }
func (h schedHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h schedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *schedHeap) Push(x any)        { *h = append(*h, x.(schedEntry)) }
func (h *schedHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func newEvaluator(s *Service) *evaluator {
	return &evaluator{s: s, gen: map[alarmKey]uint64{}, poke: make(chan struct{}, 1)}
}

// schedule (re)schedules an alarm's next evaluation at when.
func (e *evaluator) schedule(sc state.Scope, name string, when time.Time) {
	k := alarmKey{sc, name}
	e.mu.Lock()
	e.next++
	e.gen[k] = e.next
	heap.Push(&e.h, schedEntry{when: when, key: k, gen: e.next})
	e.mu.Unlock()
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// unschedule drops an alarm from the schedule.
func (e *evaluator) unschedule(sc state.Scope, name string) {
	e.mu.Lock()
	delete(e.gen, alarmKey{sc, name})
	e.mu.Unlock()
}

func (e *evaluator) reset() {
	e.mu.Lock()
	e.h, e.gen = nil, map[alarmKey]uint64{}
	e.mu.Unlock()
}

// load schedules every stored metric alarm for evaluation now.
func (e *evaluator) load() error {
	now := e.s.clock.Now()
	var keys []alarmKey
	err := e.s.db.View(func(tx *state.Tx) error {
		for _, sc := range e.s.alarms.Scopes(tx) {
			e.s.alarms.Ascend(tx, sc, "", func(name string, a alarmRec) bool {
				if a.Type == typeMetric {
					keys = append(keys, alarmKey{sc, name})
				}
				return true
			})
		}
		return nil
	})
	for _, k := range keys {
		e.schedule(k.sc, k.name, now)
	}
	return err
}

// run sleeps until the earliest scheduled evaluation (a timer over
// deps.Clock times: no alarm is looked at before its time) and evaluates
// the alarms that are due.
func (e *evaluator) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := time.Hour
		e.mu.Lock()
		if len(e.h) > 0 {
			wait = min(max(e.h[0].when.Sub(e.s.clock.Now()), 0), maxSleep)
		}
		e.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-e.poke:
			timer.Stop()
		case <-timer.C:
		}
		e.tick(ctx)
	}
}

// tick evaluates every alarm whose time has come.
func (e *evaluator) tick(ctx context.Context) {
	now := e.s.clock.Now()
	var due []alarmKey
	e.mu.Lock()
	for len(e.h) > 0 && !e.h[0].when.After(now) {
		ent := heap.Pop(&e.h).(schedEntry)
		if e.gen[ent.key] == ent.gen {
			due = append(due, ent.key)
		}
	}
	e.mu.Unlock()
	for _, k := range due {
		next, ok, err := e.s.evaluate(ctx, k.sc, k.name, now)
		if err != nil {
			e.s.log.Warn("cloudwatch: alarm evaluation failed", "alarm", k.name, "account", k.sc.Account, "region", k.sc.Region, "err", err)
			next, ok = now.Add(time.Minute), true
		}
		if ok {
			e.mu.Lock()
			if _, live := e.gen[k]; live {
				e.next++
				e.gen[k] = e.next
				heap.Push(&e.h, schedEntry{when: next, key: k, gen: e.next})
			}
			e.mu.Unlock()
		}
	}
}

// evaluate evaluates one alarm at now, commits any state change, runs the
// actions it fires, and returns when to evaluate the alarm next (ok false:
// the alarm is gone or is not evaluated).
func (s *Service) evaluate(ctx context.Context, sc state.Scope, name string, now time.Time) (time.Time, bool, error) {
	var fired []firedAction
	var next time.Time
	ok := false
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a, found := s.alarms.Get(tx, sc, name)
		if !found || a.Type != typeMetric || a.EvaluationCriteria != nil {
			return nil
		}
		period := alarmPeriod(&a)
		if period <= 0 {
			return nil
		}
		ok = true
		end := now.Unix() - now.Unix()%period
		next = time.Unix(end+period, 0)
		newState, reason, data, change := s.compute(tx, sc, &a, end, now)
		switch {
		case change:
			fired = s.transition(tx, sc, a, newState, reason, data, now, false)
		case newState == a.State:
			fired = repeatScaling(sc, a, reason, data, now)
		}
		return nil
	})
	if err != nil {
		return next, ok, err
	}
	s.runActions(ctx, fired)
	return next, ok, nil
}

// alarmPeriod is the period an alarm evaluates: Period, or the longest
// period among its Metrics queries.
func alarmPeriod(a *alarmRec) int64 {
	p := a.Period
	for _, q := range a.Metrics {
		if q.MetricStat != nil {
			p = max(p, ptr.Val(q.MetricStat.Period))
		}
		p = max(p, ptr.Val(q.Period))
	}
	return p
}

// point is one evaluated period.
type point struct {
	t       int64
	v       float64
	present bool
}

// compute evaluates the alarm over the EvaluationPeriods periods ending at
// end (unix seconds, a period boundary) and returns the state it should be
// in, with reason and reason data; change is false when it stays as it is.
//
// AWS: the alarm goes to ALARM when at least DatapointsToAlarm (M) of the
// last EvaluationPeriods (N) datapoints breach. Missing datapoints count as
// breaching (breaching), as not breaching (notBreaching), or are left out
// (missing, ignore); when every datapoint is missing, missing moves the
// alarm to INSUFFICIENT_DATA and ignore keeps its state.
func (s *Service) compute(tx *state.Tx, sc state.Scope, a *alarmRec, end int64, now time.Time) (string, string, string, bool) {
	period := alarmPeriod(a)
	n := a.EvaluationPeriods
	start := end - n*period
	values := map[int64]float64{}
	stat := a.Statistic
	if a.ExtendedStatistic != "" {
		stat = a.ExtendedStatistic
	}
	if len(a.Metrics) > 0 {
		if a.ThresholdMetricID != "" {
			return "", "", "", false // anomaly detection bands are not evaluated
		}
		eng := newQueryEngine(s, tx, sc, time.Unix(start, 0), time.Unix(end, 0), a.Metrics)
		for _, q := range a.Metrics {
			if q.ReturnData == nil || *q.ReturnData {
				if sr, err := eng.eval(ptr.Val(q.Id)); err == nil {
					for i, t := range sr.t {
						values[t] = sr.v[i]
					}
				}
			}
		}
	} else if m, ok := s.metrics.Get(tx, sc, metricKey(a.Namespace, a.MetricName, a.Dimensions)); ok {
		for t, ag := range s.periods(tx, sc, m.ID, a.Unit, start, end, period) {
			if v, ok := ag.stat(stat); ok {
				values[t] = v
			}
		}
	}
	if a.Threshold == nil {
		return "", "", "", false
	}
	th := *a.Threshold
	cmp, word := comparator(a.ComparisonOperator)
	if cmp == nil {
		return "", "", "", false
	}
	var pts []point // newest first, as AWS lists them
	for t := end - period; t >= start; t -= period {
		v, ok := values[t]
		pts = append(pts, point{t: t, v: v, present: ok})
	}
	m := a.datapointsToAlarm()
	treat := a.TreatMissingData
	present, breaching := 0, 0
	var shown []point
	for _, p := range pts {
		switch {
		case p.present:
			present++
			shown = append(shown, p)
			if cmp(p.v, th) {
				breaching++
			}
		case treat == "breaching":
			breaching++
		}
	}
	if treat == "breaching" || treat == "notBreaching" {
		present = len(pts)
	}
	data := map[string]any{
		"version":   "1.0",
		"queryDate": now.UTC().Format("2006-01-02T15:04:05.000+0000"),
		"startDate": time.Unix(start, 0).UTC().Format("2006-01-02T15:04:05.000+0000"),
		"period":    period,
		"threshold": th,
	}
	if stat != "" {
		data["statistic"] = stat
	}
	recent := []float64{}
	evaluated := []map[string]any{}
	for _, p := range shown {
		recent = append(recent, p.v)
		evaluated = append(evaluated, map[string]any{"timestamp": time.Unix(p.t, 0).UTC().Format("2006-01-02T15:04:05.000+0000"), "value": p.v})
	}
	data["recentDatapoints"], data["evaluatedDatapoints"] = recent, evaluated
	raw, _ := json.Marshal(data)

	var newState, reason string
	switch {
	case present == 0 && treat == "ignore":
		return "", "", "", false
	case present == 0:
		newState = stateInsufficient
		reason = fmt.Sprintf("Insufficient Data: %d datapoint%s %s unknown.", len(pts), plural(len(pts)), wasWere(len(pts)))
	case int64(breaching) >= m:
		newState = stateAlarm
		reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints %s %s %s the threshold (%s) (minimum %d datapoint%s for %s -> ALARM transition).",
			breaching, len(pts), listPoints(shown), wasWere(breaching), word, fmtFloat(th), m, plural(int(m)), a.State)
	default:
		newState = stateOK
		ok := present - breaching
		reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints %s %s not %s the threshold (%s) (minimum 1 datapoint for %s -> OK transition).",
			ok, len(pts), listPoints(shown), wasWere(ok), word, fmtFloat(th), a.State)
	}
	if newState == a.State {
		// Unchanged: the evaluation is still returned, for the actions an
		// alarm repeats while it stays in a state (repeatScaling).
		return newState, reason, string(raw), false
	}
	return newState, reason, string(raw), true
}

// comparator returns the comparison an operator names and its words.
func comparator(op string) (func(v, th float64) bool, string) {
	switch op {
	case "GreaterThanOrEqualToThreshold":
		return func(v, th float64) bool { return v >= th }, "greater than or equal to"
	case "GreaterThanThreshold":
		return func(v, th float64) bool { return v > th }, "greater than"
	case "LessThanThreshold":
		return func(v, th float64) bool { return v < th }, "less than"
	case "LessThanOrEqualToThreshold":
		return func(v, th float64) bool { return v <= th }, "less than or equal to"
	}
	return nil, ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

func fmtFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// listPoints renders datapoints as AWS's reasons do: [95.0 (01/01/24 00:02:00), …].
func listPoints(pts []point) string {
	parts := make([]string, 0, len(pts))
	for _, p := range pts {
		parts = append(parts, fmt.Sprintf("%s (%s)", fmtFloat(p.v), time.Unix(p.t, 0).UTC().Format("02/01/06 15:04:05")))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// transition moves an alarm to a new state: it stores the state, records
// a StateUpdate history item, re-evaluates the composite alarms whose rules
// name it, and returns the actions to run once the transaction commits.
// manual (SetAlarmState) records the change even when the state is the same.
func (s *Service) transition(tx *state.Tx, sc state.Scope, a alarmRec, newState, reason, data string, now time.Time, manual bool) []firedAction {
	return s.transitionDepth(tx, sc, a, newState, reason, data, now, manual, 0)
}

func (s *Service) transitionDepth(tx *state.Tx, sc state.Scope, a alarmRec, newState, reason, data string, now time.Time, manual bool, depth int) []firedAction {
	old, oldReason := a.State, a.StateReason
	a.State, a.StateReason, a.StateReasonData = newState, reason, data
	a.StateUpdated = now.UnixMilli()
	if old != newState {
		a.StateTransitioned = now.UnixMilli()
	}
	s.alarms.Put(tx, sc, a.Name, a)
	hist := map[string]any{
		"version":  "1.0",
		"oldState": map[string]any{"stateValue": old, "stateReason": oldReason},
		"newState": map[string]any{"stateValue": newState, "stateReason": reason},
	}
	if data != "" {
		hist["newState"].(map[string]any)["stateReasonData"] = json.RawMessage(data)
	}
	s.recordHistory(tx, sc, &a, "StateUpdate", fmt.Sprintf("Alarm updated from %s to %s", old, newState), hist, now)
	if old == newState && !manual {
		return nil
	}
	var fired []firedAction
	if a.ActionsEnabled && old != newState {
		var acts []string
		switch newState {
		case stateAlarm:
			acts = a.AlarmActions
		case stateOK:
			acts = a.OKActions
		case stateInsufficient:
			acts = a.InsufficientDataActions
		}
		for _, act := range acts {
			fired = append(fired, firedAction{sc: sc, alarm: a, act: AlarmAction{
				Account: sc.Account, Region: sc.Region, AlarmName: a.Name, AlarmArn: a.Arn, AlarmDescription: a.Description,
				Action: act, OldState: old, NewState: newState, Reason: reason, ReasonData: data, Time: now,
			}})
		}
	}
	if depth > 8 || old == newState {
		return fired
	}
	for _, p := range s.parents(tx, sc, a.Name) {
		r, err := parseRule(p.AlarmRule)
		if err != nil {
			continue
		}
		st := stateOK
		if r.eval(func(name string) string {
			c, _ := s.alarms.Get(tx, sc, name)
			return c.State
		}) {
			st = stateAlarm
		}
		if st != p.State {
			why := fmt.Sprintf("%s transitioned to %s at %s", a.Arn, newState, now.UTC().Format(time.RFC1123))
			fired = append(fired, s.transitionDepth(tx, sc, p, st, why, "", now, false, depth+1)...)
		}
	}
	return fired
}

// runActions hands fired actions to the sink and records each in the
// alarm's history.
func (s *Service) runActions(ctx context.Context, fired []firedAction) {
	if len(fired) == 0 {
		return
	}
	s.sinkMu.RLock()
	sink := s.sink
	s.sinkMu.RUnlock()
	summaries := make([]string, len(fired))
	for i, f := range fired {
		if handled, err := s.dispatch(ctx, f); handled {
			if err != nil {
				summaries[i] = fmt.Sprintf("Failed to execute action %s. Received error: %q", f.act.Action, err.Error())
				s.log.Debug("cloudwatch: alarm action failed", "alarm", f.alarm.Name, "action", f.act.Action, "err", err)
			} else {
				summaries[i] = fmt.Sprintf("Successfully executed action %s", f.act.Action)
			}
			continue
		}
		switch {
		case sink == nil:
			summaries[i] = fmt.Sprintf("Action %s recorded; haneul runs no action of this kind yet", f.act.Action)
		default:
			if err := sink.RunAlarmAction(ctx, f.act); err != nil {
				summaries[i] = fmt.Sprintf("Failed to execute action %s. Received error: %q", f.act.Action, err.Error())
			} else {
				summaries[i] = fmt.Sprintf("Successfully executed action %s", f.act.Action)
			}
		}
	}
	now := s.clock.Now()
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for i, f := range fired {
			if f.repeat {
				continue
			}
			a := f.alarm
			s.recordHistory(tx, f.sc, &a, "Action", summaries[i], map[string]any{
				"actionState":          map[bool]string{true: "Succeeded", false: "Failed"}[!strings.HasPrefix(summaries[i], "Failed")],
				"notificationResource": f.act.Action,
				"stateUpdateTimestamp": f.act.Time.UnixMilli(),
			}, now)
		}
		return nil
	})
	if err != nil {
		s.log.Warn("cloudwatch: recording alarm actions failed", "err", err)
	}
}
