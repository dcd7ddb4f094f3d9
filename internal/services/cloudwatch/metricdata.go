package cloudwatch

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

const (
	// AWS: up to 500 MetricDataQuery structures per GetMetricData call.
	maxQueries = 500
	// AWS: MaxDatapoints defaults to 100,800.
	defaultMaxDatapoints = 100800
)

// AWS: a query id starts with a lowercase letter and holds letters, digits and underscores.
var queryIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z0-9_]*$`)

// series is a time series: ascending timestamps (unix seconds) and their values.
type series struct {
	t []int64
	v []float64
}

func (s *series) at() map[int64]float64 {
	m := make(map[int64]float64, len(s.t))
	for i, t := range s.t {
		m[t] = s.v[i]
	}
	return m
}

// queryEngine evaluates a set of metric data queries over one time range.
type queryEngine struct {
	s       *Service
	tx      *state.Tx
	sc      state.Scope
	start   time.Time
	end     time.Time
	queries map[string]*MetricDataQuery
	order   []string
	done    map[string]*series
	busy    map[string]bool
}

func newQueryEngine(s *Service, tx *state.Tx, sc state.Scope, start, end time.Time, qs []MetricDataQuery) *queryEngine {
	e := &queryEngine{s: s, tx: tx, sc: sc, start: start, end: end, queries: map[string]*MetricDataQuery{}, done: map[string]*series{}, busy: map[string]bool{}}
	for i := range qs {
		e.queries[ptr.Val(qs[i].Id)] = &qs[i]
		e.order = append(e.order, ptr.Val(qs[i].Id))
	}
	return e
}

// eval computes the series of query id.
func (e *queryEngine) eval(id string) (*series, error) {
	if r, ok := e.done[id]; ok {
		return r, nil
	}
	q, ok := e.queries[id]
	if !ok {
		return nil, fmt.Errorf("Unrecognized metric id %q", id)
	}
	if e.busy[id] {
		return nil, fmt.Errorf("Circular dependency on %q", id)
	}
	e.busy[id] = true
	defer delete(e.busy, id)
	var r *series
	if ms := q.MetricStat; ms != nil {
		r = e.metricStat(ms)
	} else {
		p := &exprParser{src: ptr.Val(q.Expression), e: e}
		v, err := p.parse()
		if err != nil {
			return nil, err
		}
		if v.list != nil {
			if len(v.list) != 1 {
				return nil, fmt.Errorf("The expression must return a single time series")
			}
			v = value{s: v.list[0]}
		}
		if v.s == nil {
			return nil, fmt.Errorf("The expression must return a time series")
		}
		r = v.s
	}
	e.done[id] = r
	return r, nil
}

// metricStat aggregates the stored data of one metric.
func (e *queryEngine) metricStat(ms *MetricStat) *series {
	m := ms.Metric
	if m == nil {
		return &series{}
	}
	period := ptr.Val(ms.Period)
	key := metricKey(ptr.Val(m.Namespace), ptr.Val(m.MetricName), toDims(m.Dimensions))
	rec, ok := e.s.metrics.Get(e.tx, e.sc, key)
	if !ok {
		return &series{}
	}
	base := alignBase(e.start, period)
	byStart := e.s.periods(e.tx, e.sc, rec.ID, ptr.Val(ms.Unit), base, e.end.Unix(), period)
	out := &series{}
	for t := range byStart {
		out.t = append(out.t, t)
	}
	sort.Slice(out.t, func(i, j int) bool { return out.t[i] < out.t[j] })
	keep := out.t[:0]
	for _, t := range out.t {
		if v, ok := byStart[t].stat(ptr.Val(ms.Stat)); ok {
			keep = append(keep, t)
			out.v = append(out.v, v)
		}
	}
	out.t = keep
	return out
}

// checkQueries validates a list of queries as GetMetricData and metric-math
// alarms require.
func checkQueries(field string, qs []MetricDataQuery) error {
	if len(qs) == 0 {
		return awserr.New("ValidationError", 400, "The parameter %s is required.", field)
	}
	if len(qs) > maxQueries {
		return awserr.New("ValidationError", 400, "The collection %s must not have a size greater than %d.", field, maxQueries)
	}
	seen := map[string]bool{}
	for i, q := range qs {
		name := fmt.Sprintf("%s.member.%d", field, i+1)
		id := ptr.Val(q.Id)
		if !queryIDPattern.MatchString(id) {
			return awserr.New("ValidationError", 400, "The value %s for parameter %s.Id is invalid: it must start with a lowercase letter and contain only letters, numbers and underscores.", id, name)
		}
		if seen[id] {
			return awserr.New("ValidationError", 400, "The value %s for parameter %s.Id is not unique.", id, name)
		}
		seen[id] = true
		if (q.MetricStat == nil) == (q.Expression == nil) {
			return awserr.New("ValidationError", 400, "Exactly one of MetricStat and Expression must be set in %s.", name)
		}
		if ms := q.MetricStat; ms != nil {
			if !validStat(ptr.Val(ms.Stat)) {
				return awserr.New("ValidationError", 400, "The value %s for parameter %s.MetricStat.Stat is not supported.", ptr.Val(ms.Stat), name)
			}
			if err := checkPeriod(name+".MetricStat.Period", ptr.Val(ms.Period)); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetMetricData runs metric queries and simple metric math expressions.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
func (s *Service) GetMetricData(ctx context.Context, in *GetMetricDataInput) (*GetMetricDataOutput, error) {
	if err := checkQueries("MetricDataQueries", in.MetricDataQueries); err != nil {
		return nil, err
	}
	start, end := ptr.Val(in.StartTime), ptr.Val(in.EndTime)
	if !start.Before(end) {
		return nil, awserr.New("ValidationError", 400, "The parameter StartTime must be less than the parameter EndTime.")
	}
	if in.NextToken != nil {
		// Every answer is complete or cut at MaxDatapoints without a token.
		return nil, awserr.New("InvalidNextToken", 0, "The service cannot process the nextToken.")
	}
	budget := ptr.Or(in.MaxDatapoints, defaultMaxDatapoints)
	ascending := ptr.Val(in.ScanBy) == "TimestampAscending" // AWS: TimestampDescending is the default
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	out := &GetMetricDataOutput{MetricDataResults: []MetricDataResult{}, Messages: []MessageData{}}
	err := s.db.View(func(tx *state.Tx) error {
		e := newQueryEngine(s, tx, sc, start, end, in.MetricDataQueries)
		for _, q := range in.MetricDataQueries {
			if q.ReturnData != nil && !*q.ReturnData {
				continue
			}
			id := ptr.Val(q.Id)
			res := MetricDataResult{Id: q.Id, Label: ptr.To(label(&q)), StatusCode: ptr.To("Complete"), Timestamps: []time.Time{}, Values: []float64{}, Messages: []MessageData{}}
			sr, err := e.eval(id)
			if err != nil {
				return awserr.New("ValidationError", 400, "Error in expression '%s': %v", id, err)
			}
			n := len(sr.t)
			for i := range n {
				j := n - 1 - i
				if ascending {
					j = i
				}
				if budget == 0 {
					res.StatusCode = ptr.To("PartialData")
					break
				}
				budget--
				res.Timestamps = append(res.Timestamps, time.Unix(sr.t[j], 0).UTC())
				res.Values = append(res.Values, sr.v[j])
			}
			out.MetricDataResults = append(out.MetricDataResults, res)
		}
		return nil
	})
	return out, err
}

// label is a query's label: its own, else the metric name, else its id.
func label(q *MetricDataQuery) string {
	if q.Label != nil {
		return *q.Label
	}
	if q.MetricStat != nil && q.MetricStat.Metric != nil {
		return ptr.Val(q.MetricStat.Metric.MetricName)
	}
	return ptr.Val(q.Id)
}

// value is what an expression evaluates to: a scalar, a series, or a list
// of series.
type value struct {
	scalar *float64
	s      *series
	list   []*series
}

// exprParser parses and evaluates a metric math expression: numbers,
// query ids, + - * / with parentheses, [a, b] lists, METRICS(), and the
// functions SUM, AVG, MIN, MAX (per timestamp over a list, or over a series
// to a scalar) and ABS.
type exprParser struct {
	src string
	pos int
	e   *queryEngine
}

func (p *exprParser) parse() (value, error) {
	v, err := p.sum()
	if err != nil {
		return v, err
	}
	p.skip()
	if p.pos < len(p.src) {
		return v, fmt.Errorf("Unexpected %q at position %d", p.src[p.pos:], p.pos)
	}
	return v, nil
}

func (p *exprParser) skip() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *exprParser) peek() byte {
	p.skip()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *exprParser) sum() (value, error) {
	l, err := p.product()
	for err == nil && (p.peek() == '+' || p.peek() == '-') {
		op := p.src[p.pos]
		p.pos++
		var r value
		if r, err = p.product(); err == nil {
			l, err = arith(op, l, r)
		}
	}
	return l, err
}

func (p *exprParser) product() (value, error) {
	l, err := p.unary()
	for err == nil && (p.peek() == '*' || p.peek() == '/') {
		op := p.src[p.pos]
		p.pos++
		var r value
		if r, err = p.unary(); err == nil {
			l, err = arith(op, l, r)
		}
	}
	return l, err
}

func (p *exprParser) unary() (value, error) {
	if p.peek() == '-' {
		p.pos++
		v, err := p.unary()
		if err != nil {
			return v, err
		}
		return arith('*', v, value{scalar: ptr.To(-1.0)})
	}
	return p.primary()
}

func (p *exprParser) primary() (value, error) {
	c := p.peek()
	switch {
	case c == '(':
		p.pos++
		v, err := p.sum()
		if err == nil && p.peek() != ')' {
			err = fmt.Errorf("Missing ')'")
		}
		p.pos++
		return v, err
	case c == '[':
		p.pos++
		var list []*series
		for p.peek() != ']' {
			v, err := p.sum()
			if err != nil {
				return v, err
			}
			switch {
			case v.s != nil:
				list = append(list, v.s)
			case v.list != nil:
				list = append(list, v.list...)
			default:
				return v, fmt.Errorf("A list holds time series only")
			}
			if p.peek() == ',' {
				p.pos++
			} else if p.peek() != ']' {
				return v, fmt.Errorf("Missing ']'")
			}
		}
		p.pos++
		return value{list: list}, nil
	case c >= '0' && c <= '9' || c == '.':
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.src[start:p.pos], 64)
		return value{scalar: &f}, err
	case unicode.IsLetter(rune(c)):
		start := p.pos
		for p.pos < len(p.src) && (unicode.IsLetter(rune(p.src[p.pos])) || unicode.IsDigit(rune(p.src[p.pos])) || p.src[p.pos] == '_') {
			p.pos++
		}
		name := p.src[start:p.pos]
		if p.peek() != '(' {
			s, err := p.e.eval(name)
			return value{s: s}, err
		}
		p.pos++
		var args []value
		for p.peek() != ')' {
			v, err := p.sum()
			if err != nil {
				return v, err
			}
			args = append(args, v)
			if p.peek() == ',' {
				p.pos++
			} else if p.peek() != ')' {
				return v, fmt.Errorf("Missing ')'")
			}
		}
		p.pos++
		return p.call(strings.ToUpper(name), args)
	}
	return value{}, fmt.Errorf("Unexpected %q at position %d", p.src[p.pos:], p.pos)
}

func (p *exprParser) call(name string, args []value) (value, error) {
	if name == "METRICS" {
		var list []*series
		for _, id := range p.e.order {
			if q := p.e.queries[id]; q.MetricStat != nil {
				s, err := p.e.eval(id)
				if err != nil {
					return value{}, err
				}
				list = append(list, s)
			}
		}
		return value{list: list}, nil
	}
	if len(args) != 1 {
		return value{}, fmt.Errorf("%s takes one argument", name)
	}
	a := args[0]
	if name == "ABS" {
		return apply1(a, math.Abs)
	}
	reduce := map[string]func([]float64) float64{
		"SUM": func(v []float64) float64 {
			var s float64
			for _, x := range v {
				s += x
			}
			return s
		},
		"AVG": func(v []float64) float64 {
			var s float64
			for _, x := range v {
				s += x
			}
			return s / float64(len(v))
		},
		"MIN": func(v []float64) float64 { return minOf(v) },
		"MAX": func(v []float64) float64 { return -minOf(neg(v)) },
	}[name]
	if reduce == nil {
		return value{}, fmt.Errorf("Unsupported function %s", name)
	}
	switch {
	case a.list != nil:
		// Per timestamp across the series of the list.
		byT := map[int64][]float64{}
		for _, s := range a.list {
			for i, t := range s.t {
				byT[t] = append(byT[t], s.v[i])
			}
		}
		out := &series{}
		for t := range byT {
			out.t = append(out.t, t)
		}
		sort.Slice(out.t, func(i, j int) bool { return out.t[i] < out.t[j] })
		for _, t := range out.t {
			out.v = append(out.v, reduce(byT[t]))
		}
		return value{s: out}, nil
	case a.s != nil:
		if len(a.s.v) == 0 {
			return value{s: &series{}}, nil
		}
		r := reduce(a.s.v)
		return value{scalar: &r}, nil
	}
	return a, nil
}

func minOf(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

func neg(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = -x
	}
	return out
}

func apply1(a value, f func(float64) float64) (value, error) {
	switch {
	case a.scalar != nil:
		return value{scalar: ptr.To(f(*a.scalar))}, nil
	case a.s != nil:
		out := &series{t: a.s.t, v: make([]float64, len(a.s.v))}
		for i, x := range a.s.v {
			out.v[i] = f(x)
		}
		return value{s: out}, nil
	}
	out := make([]*series, 0, len(a.list))
	for _, s := range a.list {
		v, _ := apply1(value{s: s}, f)
		out = append(out, v.s)
	}
	return value{list: out}, nil
}

// arith applies + - * / to two values; series are joined on their common timestamps.
func arith(op byte, l, r value) (value, error) {
	f := func(a, b float64) (float64, bool) {
		switch op {
		case '+':
			return a + b, true
		case '-':
			return a - b, true
		case '*':
			return a * b, true
		}
		if b == 0 {
			return 0, false // AWS: division by zero drops the datapoint
		}
		return a / b, true
	}
	if l.list != nil || r.list != nil {
		return value{}, fmt.Errorf("Arithmetic on lists is not supported")
	}
	switch {
	case l.scalar != nil && r.scalar != nil:
		v, ok := f(*l.scalar, *r.scalar)
		if !ok {
			v = math.NaN()
		}
		return value{scalar: &v}, nil
	case l.scalar != nil:
		return pointwise(r.s, func(x float64) (float64, bool) { return f(*l.scalar, x) }), nil
	case r.scalar != nil:
		return pointwise(l.s, func(x float64) (float64, bool) { return f(x, *r.scalar) }), nil
	}
	rm := r.s.at()
	out := &series{}
	for i, t := range l.s.t {
		if y, ok := rm[t]; ok {
			if v, ok := f(l.s.v[i], y); ok {
				out.t = append(out.t, t)
				out.v = append(out.v, v)
			}
		}
	}
	return value{s: out}, nil
}

func pointwise(s *series, f func(float64) (float64, bool)) value {
	out := &series{}
	for i, t := range s.t {
		if v, ok := f(s.v[i]); ok {
			out.t = append(out.t, t)
			out.v = append(out.v, v)
		}
	}
	return value{s: out}
}
