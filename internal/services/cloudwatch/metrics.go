package cloudwatch

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// Limits of PutMetricData and the statistics reads, as AWS documents them.
const (
	// AWS: up to 1,000 metrics in one PutMetricData request.
	maxMetricData = 1000
	// AWS: the Values array of one datum holds up to 150 distinct values.
	maxValues = 150
	// AWS: timestamps may be up to two weeks in the past and two hours in the future.
	maxPast   = 14 * 24 * time.Hour
	maxFuture = 2 * time.Hour
	// AWS: one-minute data is kept for 15 days.
	retention = 15 * 24 * time.Hour
	// AWS: a GetMetricStatistics call returns at most 1,440 datapoints.
	maxStatDatapoints = 1440
	// AWS: ListMetrics answers up to 500 metrics a page.
	listMetricsPage = 500
	// AWS: ListMetrics shows metrics that received data in the past two weeks.
	listMetricsWindow = 14 * 24 * time.Hour
	// recentlyActive is ListMetrics' RecentlyActive=PT3H.
	recentlyActive = 3 * time.Hour
	// maxDistinct bounds the raw values one sample keeps for percentiles.
	maxDistinct = 4096
)

// AWS: values must lie within 8.515920e-109 and 1.174271e+108 in magnitude
// (or be zero); NaN and infinities are rejected.
const minMagnitude, maxMagnitude = 8.515920e-109, 1.174271e+108

// sample is the data of one metric at one timestamp (a second for high
// resolution data, a minute for standard) in one unit, aggregated.
type sample struct {
	T    int64  // unix seconds
	Unit string `json:",omitempty"`
	N    float64
	Sum  float64
	Min  float64
	Max  float64
	// V and C are the distinct raw values (ascending) and their counts, for
	// percentiles. Partial says some data came as statistic sets or the
	// distinct values overflowed, so V/C do not hold all of N.
	V       []float64 `json:",omitempty"`
	C       []float64 `json:",omitempty"`
	Partial bool      `json:",omitempty"`
}

// bucketRec is one metric's data of one minute.
type bucketRec struct {
	Samples []sample // by T, then Unit
}

// minuteKey is the fixed-width time part of data and expiry keys.
func minuteKey(unix int64) string { return fmt.Sprintf("%010x", unix-unix%60) }

// dataKey is the key of a metric's bucket for the minute holding unix.
func dataKey(id string, unix int64) string { return id + "/" + minuteKey(unix) }

// datum is one observation to store, already validated.
type datum struct {
	T     int64
	Unit  string
	Set   *StatisticSet
	Vals  []float64
	Count []float64
}

// PutMetricData publishes datapoints to CloudWatch.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
func (s *Service) PutMetricData(ctx context.Context, in *PutMetricDataInput) (*PutMetricDataOutput, error) {
	ns := ptr.Val(in.Namespace)
	// AWS: the AWS/ prefix is reserved for AWS services' own metrics.
	if strings.HasPrefix(ns, "AWS/") {
		return nil, awserr.New("InvalidParameterValueException", 0, "The value %s for parameter Namespace is invalid.", ns)
	}
	data := in.MetricData
	for _, e := range in.EntityMetricData {
		data = append(data, e.MetricData...)
	}
	if len(data) > maxMetricData {
		return nil, awserr.New("InvalidParameterValueException", 0, "The collection MetricData must not have a size greater than %d.", maxMetricData)
	}
	info := reqctx.From(ctx)
	return &PutMetricDataOutput{}, s.Publish(ctx, info.Account, info.Region, ns, data)
}

// Publish stores datapoints in a namespace of an account and region. It is
// PutMetricData without the request around it, for haneul's services that
// publish their resources' metrics (AWS/EC2, AWS/SQS, …): the AWS/ prefix is
// allowed here.
func (s *Service) Publish(ctx context.Context, account, region, ns string, data []MetricDatum) error {
	now := s.clock.Now()
	type pending struct {
		key  string
		dims []dim
		name string
		obs  []datum
	}
	var order []string
	byKey := map[string]*pending{}
	for i, d := range data {
		obs, err := checkDatum(i+1, &d, now)
		if err != nil {
			return err
		}
		dims := toDims(d.Dimensions)
		for j := 1; j < len(dims); j++ {
			if dims[j].Name == dims[j-1].Name {
				return awserr.New("InvalidParameterValueException", 0, "No metric may have duplicate dimension names: MetricData.member.%d.Dimensions has %s twice.", i+1, dims[j].Name)
			}
		}
		key := metricKey(ns, ptr.Val(d.MetricName), dims)
		p := byKey[key]
		if p == nil {
			p = &pending{key: key, dims: dims, name: ptr.Val(d.MetricName)}
			byKey[key] = p
			order = append(order, key)
		}
		p.obs = append(p.obs, obs)
	}
	sc := scopeOf(account, region)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		for _, key := range order {
			p := byKey[key]
			m, ok := s.metrics.Get(tx, sc, key)
			if !ok {
				m = metricRec{ID: metricID(key), Namespace: ns, MetricName: p.name, Dimensions: p.dims}
			}
			if !ok || now.Unix()-m.LastPut >= 60 {
				m.LastPut = now.Unix()
				s.metrics.Put(tx, sc, key, m)
			}
			buckets := map[string]bucketRec{}
			var keys []string
			for _, o := range p.obs {
				k := dataKey(m.ID, o.T)
				b, seen := buckets[k]
				if !seen {
					var had bool
					b, had = s.data.Get(tx, sc, k)
					if !had {
						s.expiry.Put(tx, sc, minuteKey(o.T)+"/"+m.ID, struct{}{})
					}
					keys = append(keys, k)
				}
				buckets[k] = bucketRec{Samples: addSample(b.Samples, o)}
			}
			for _, k := range keys {
				s.data.Put(tx, sc, k, buckets[k])
			}
		}
		return nil
	})
}

// checkDatum validates MetricData.member.n as AWS does and returns the
// observation to store.
func checkDatum(n int, d *MetricDatum, now time.Time) (datum, error) {
	field := func(f string) string { return fmt.Sprintf("MetricData.member.%d.%s", n, f) }
	o := datum{Unit: ptr.Val(d.Unit), Set: d.StatisticValues, Vals: d.Values, Count: d.Counts}
	if o.Unit == "None" {
		o.Unit = ""
	}
	switch {
	case d.Value != nil && d.StatisticValues != nil:
		return o, awserr.New("InvalidParameterCombinationException", 0, "The parameters %s and %s are mutually exclusive and you have specified both.", field("Value"), field("StatisticValues"))
	case d.Value != nil && len(d.Values) > 0:
		return o, awserr.New("InvalidParameterCombinationException", 0, "The parameters %s and %s are mutually exclusive and you have specified both.", field("Value"), field("Values"))
	case d.StatisticValues != nil && len(d.Values) > 0:
		return o, awserr.New("InvalidParameterCombinationException", 0, "The parameters %s and %s are mutually exclusive and you have specified both.", field("StatisticValues"), field("Values"))
	case len(d.Counts) > 0 && len(d.Values) == 0:
		return o, awserr.New("InvalidParameterCombinationException", 0, "The parameter %s may only be specified with %s.", field("Counts"), field("Values"))
	case len(d.Values) > maxValues:
		return o, awserr.New("InvalidParameterValueException", 0, "The collection %s must not have a size greater than %d.", field("Values"), maxValues)
	case len(d.Counts) > 0 && len(d.Counts) != len(d.Values):
		return o, awserr.New("InvalidParameterValueException", 0, "The parameters %s and %s must be of the same size.", field("Values"), field("Counts"))
	}
	if d.Value != nil {
		o.Vals = []float64{*d.Value}
	}
	if d.Value == nil && d.StatisticValues == nil && len(d.Values) == 0 {
		// AWS: a datum with no value records a zero.
		o.Vals = []float64{0}
	}
	check := func(name string, v float64) error {
		a := math.Abs(v)
		if math.IsNaN(v) || math.IsInf(v, 0) || (a != 0 && (a < minMagnitude || a > maxMagnitude)) {
			return awserr.New("InvalidParameterValueException", 0, "The value %s for parameter %s is invalid.", strconv.FormatFloat(v, 'g', -1, 64), name)
		}
		return nil
	}
	for i, v := range o.Vals {
		name := field("Value")
		if len(d.Values) > 0 {
			name = field(fmt.Sprintf("Values.member.%d", i+1))
		}
		if err := check(name, v); err != nil {
			return o, err
		}
	}
	for i, c := range d.Counts {
		if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
			return o, awserr.New("InvalidParameterValueException", 0, "The value %s for parameter %s is invalid.", strconv.FormatFloat(c, 'g', -1, 64), field(fmt.Sprintf("Counts.member.%d", i+1)))
		}
	}
	if st := d.StatisticValues; st != nil {
		for _, f := range []struct {
			name string
			v    float64
		}{{"SampleCount", ptr.Val(st.SampleCount)}, {"Sum", ptr.Val(st.Sum)}, {"Minimum", ptr.Val(st.Minimum)}, {"Maximum", ptr.Val(st.Maximum)}} {
			if err := check(field("StatisticValues."+f.name), f.v); err != nil {
				return o, err
			}
		}
		if ptr.Val(st.SampleCount) <= 0 {
			return o, awserr.New("InvalidParameterValueException", 0, "The parameter %s must be greater than 0.", field("StatisticValues.SampleCount"))
		}
		if ptr.Val(st.Minimum) > ptr.Val(st.Maximum) {
			return o, awserr.New("InvalidParameterValueException", 0, "The parameter %s must not be greater than %s.", field("StatisticValues.Minimum"), field("StatisticValues.Maximum"))
		}
	}
	res := int64(60)
	if d.StorageResolution != nil {
		res = *d.StorageResolution
		// AWS: StorageResolution is 1 (high resolution) or 60 (standard).
		if res != 1 && res != 60 {
			return o, awserr.New("InvalidParameterValueException", 0, "The value %d for parameter %s is invalid.", res, field("StorageResolution"))
		}
	}
	ts := now
	if d.Timestamp != nil {
		ts = *d.Timestamp
	}
	if ts.Before(now.Add(-maxPast)) {
		return o, awserr.New("InvalidParameterValueException", 0, "The parameter %s must specify a time no more than two weeks in the past.", field("Timestamp"))
	}
	if ts.After(now.Add(maxFuture)) {
		return o, awserr.New("InvalidParameterValueException", 0, "The parameter %s must specify a time no more than two hours in the future.", field("Timestamp"))
	}
	o.T = ts.Unix()
	if res == 60 {
		// AWS: standard-resolution data is stored with one-minute granularity.
		o.T -= o.T % 60
	}
	return o, nil
}

// addSample returns samples with o merged in (a new slice: records are shared).
func addSample(samples []sample, o datum) []sample {
	i := sort.Search(len(samples), func(i int) bool {
		return samples[i].T > o.T || (samples[i].T == o.T && samples[i].Unit >= o.Unit)
	})
	out := make([]sample, 0, len(samples)+1)
	out = append(out, samples[:i]...)
	var cur sample
	rest := samples[i:]
	if i < len(samples) && samples[i].T == o.T && samples[i].Unit == o.Unit {
		cur = samples[i]
		rest = samples[i+1:]
	} else {
		cur = sample{T: o.T, Unit: o.Unit, Min: math.Inf(1), Max: math.Inf(-1)}
	}
	out = append(out, mergeObs(cur, o))
	return append(out, rest...)
}

// mergeObs adds one observation to a sample.
func mergeObs(s sample, o datum) sample {
	if o.Set != nil {
		s.N += ptr.Val(o.Set.SampleCount)
		s.Sum += ptr.Val(o.Set.Sum)
		s.Min = math.Min(s.Min, ptr.Val(o.Set.Minimum))
		s.Max = math.Max(s.Max, ptr.Val(o.Set.Maximum))
		s.Partial = true
		return s
	}
	v := append([]float64(nil), s.V...)
	c := append([]float64(nil), s.C...)
	for i, x := range o.Vals {
		n := 1.0
		if len(o.Count) > 0 {
			n = o.Count[i]
		}
		if n == 0 {
			continue
		}
		s.N += n
		s.Sum += x * n
		s.Min = math.Min(s.Min, x)
		s.Max = math.Max(s.Max, x)
		j := sort.SearchFloat64s(v, x)
		switch {
		case j < len(v) && v[j] == x:
			c[j] += n
		case len(v) >= maxDistinct:
			s.Partial = true
		default:
			v = append(v, 0)
			copy(v[j+1:], v[j:])
			v[j] = x
			c = append(c, 0)
			copy(c[j+1:], c[j:])
			c[j] = n
		}
	}
	s.V, s.C = v, c
	return s
}

// agg is the aggregate of one period.
type agg struct {
	N, Sum, Min, Max float64
	units            map[string]bool
	vals             []float64 // raw values, repeated by count runs in cnts
	cnts             []float64
	partial          bool
}

func (a *agg) add(s sample) {
	if a.N == 0 {
		a.Min, a.Max = s.Min, s.Max
	}
	a.N += s.N
	a.Sum += s.Sum
	a.Min = math.Min(a.Min, s.Min)
	a.Max = math.Max(a.Max, s.Max)
	if a.units == nil {
		a.units = map[string]bool{}
	}
	a.units[s.Unit] = true
	a.vals = append(a.vals, s.V...)
	a.cnts = append(a.cnts, s.C...)
	a.partial = a.partial || s.Partial
}

// unit is the unit of the period's data: the one unit all its samples share, else None.
func (a *agg) unit() string {
	if len(a.units) == 1 {
		for u := range a.units {
			if u != "" {
				return u
			}
		}
	}
	return "None"
}

// stat computes a statistic (SampleCount, Average, Sum, Minimum, Maximum, pNN).
func (a *agg) stat(name string) (float64, bool) {
	if a == nil || a.N == 0 {
		return 0, false
	}
	switch name {
	case "SampleCount":
		return a.N, true
	case "Sum":
		return a.Sum, true
	case "Average":
		return a.Sum / a.N, true
	case "Minimum":
		return a.Min, true
	case "Maximum":
		return a.Max, true
	}
	p, ok := percentile(name)
	if !ok {
		return 0, false
	}
	if a.partial {
		// AWS: percentiles need the raw values; data published as statistic sets
		// yields them only when all values are equal.
		if a.Min == a.Max {
			return a.Min, true
		}
		return 0, false
	}
	idx := make([]int, len(a.vals))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return a.vals[idx[i]] < a.vals[idx[j]] })
	// Nearest rank: the smallest value with at least p% of the samples at or below it.
	rank := math.Ceil(p / 100 * a.N)
	if rank < 1 {
		rank = 1
	}
	var cum float64
	for _, i := range idx {
		cum += a.cnts[i]
		if cum >= rank {
			return a.vals[i], true
		}
	}
	return a.Max, true
}

// percentile parses "p99", "p99.9" into its number.
func percentile(name string) (float64, bool) {
	if len(name) < 2 || name[0] != 'p' {
		return 0, false
	}
	num := name[1:]
	if whole, frac, ok := strings.Cut(num, "."); ok && (len(frac) > 2 || len(frac) == 0 || len(whole) == 0) {
		return 0, false
	}
	p, err := strconv.ParseFloat(num, 64)
	if err != nil || p < 0 || p > 100 || strings.ContainsAny(num, "eE+-") {
		return 0, false
	}
	return p, true
}

// validStat reports whether name is a statistic haneul computes.
func validStat(name string) bool {
	switch name {
	case "SampleCount", "Average", "Sum", "Minimum", "Maximum":
		return true
	}
	_, ok := percentile(name)
	return ok
}

// periods aggregates a metric's samples into periods of length period
// seconds starting at base, up to end (exclusive), walking only the
// metric's minutes in that range. unit, when set, keeps only samples with
// that unit. The result is keyed by period start (unix seconds).
func (s *Service) periods(tx *state.Tx, sc state.Scope, id, unit string, base, end, period int64) map[int64]*agg {
	out := map[int64]*agg{}
	if end <= base || period <= 0 {
		return out
	}
	if unit == "None" {
		unit = ""
	}
	last := dataKey(id, end-1)
	s.data.Ascend(tx, sc, dataKey(id, base), func(key string, b bucketRec) bool {
		if key > last {
			return false
		}
		for _, smp := range b.Samples {
			if smp.T < base || smp.T >= end || (unit != "" && smp.Unit != unit) {
				continue
			}
			start := base + (smp.T-base)/period*period
			a := out[start]
			if a == nil {
				a = &agg{}
				out[start] = a
			}
			a.add(smp)
		}
		return true
	})
	return out
}

// alignBase rounds a query's start time as AWS does for data less than 15
// days old: down to the minute (to the second for periods under a minute).
func alignBase(t time.Time, period int64) int64 {
	u := t.Unix()
	if period%60 == 0 {
		return u - u%60
	}
	return u
}

// checkPeriod validates a statistics period: AWS allows 1, 5, 10, 20, 30 and
// multiples of 60 seconds.
func checkPeriod(name string, p int64) error {
	switch {
	case p <= 0:
	case p%60 == 0, p == 1, p == 5, p == 10, p == 20, p == 30:
		return nil
	}
	return awserr.New("InvalidParameterValueException", 0, "The parameter %s must be 1, 5, 10, 20, 30, or a multiple of 60.", name)
}

// GetMetricStatistics returns statistics of one metric over periods.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html
func (s *Service) GetMetricStatistics(ctx context.Context, in *GetMetricStatisticsInput) (*GetMetricStatisticsOutput, error) {
	period := ptr.Val(in.Period)
	if err := checkPeriod("Period", period); err != nil {
		return nil, err
	}
	start, end := ptr.Val(in.StartTime), ptr.Val(in.EndTime)
	if !start.Before(end) {
		return nil, awserr.New("InvalidParameterValueException", 0, "The parameter StartTime must be less than the parameter EndTime.")
	}
	switch {
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return nil, awserr.New("MissingRequiredParameterException", 0, "Must specify either Statistics or ExtendedStatistics.")
	case len(in.Statistics) > 0 && len(in.ExtendedStatistics) > 0:
		// AWS: "you must specify either Statistics or ExtendedStatistics, but not both".
		return nil, awserr.New("InvalidParameterCombinationException", 0, "Must specify either Statistics or ExtendedStatistics, but not both.")
	}
	for _, e := range in.ExtendedStatistics {
		if _, ok := percentile(e); !ok {
			return nil, awserr.New("InvalidParameterValueException", 0, "The value %s for parameter ExtendedStatistics is not supported.", e)
		}
	}
	base := alignBase(start, period)
	n := (end.Unix() - base + period - 1) / period
	if n > maxStatDatapoints {
		return nil, awserr.New("InvalidParameterCombinationException", 0, "You have requested up to %s datapoints, which exceeds the limit of %s. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", thousands(n), thousands(maxStatDatapoints))
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	key := metricKey(ptr.Val(in.Namespace), ptr.Val(in.MetricName), toDims(in.Dimensions))
	out := &GetMetricStatisticsOutput{Label: in.MetricName, Datapoints: []Datapoint{}}
	err := s.db.View(func(tx *state.Tx) error {
		m, ok := s.metrics.Get(tx, sc, key)
		if !ok {
			return nil
		}
		byStart := s.periods(tx, sc, m.ID, ptr.Val(in.Unit), base, end.Unix(), period)
		starts := make([]int64, 0, len(byStart))
		for t := range byStart {
			starts = append(starts, t)
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
		for _, t := range starts {
			a := byStart[t]
			dp := Datapoint{Timestamp: ptr.To(time.Unix(t, 0).UTC()), Unit: ptr.To(a.unit())}
			if in.Unit != nil {
				dp.Unit = in.Unit
			}
			for _, st := range in.Statistics {
				v, _ := a.stat(st)
				switch st {
				case "SampleCount":
					dp.SampleCount = ptr.To(v)
				case "Average":
					dp.Average = ptr.To(v)
				case "Sum":
					dp.Sum = ptr.To(v)
				case "Minimum":
					dp.Minimum = ptr.To(v)
				case "Maximum":
					dp.Maximum = ptr.To(v)
				}
			}
			for _, e := range in.ExtendedStatistics {
				if v, ok := a.stat(e); ok {
					if dp.ExtendedStatistics == nil {
						dp.ExtendedStatistics = map[string]float64{}
					}
					dp.ExtendedStatistics[e] = v
				}
			}
			out.Datapoints = append(out.Datapoints, dp)
		}
		return nil
	})
	return out, err
}

// thousands formats n with commas, as AWS's messages do.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ListMetrics lists the metrics that received data in the past two weeks.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html
func (s *Service) ListMetrics(ctx context.Context, in *ListMetricsInput) (*ListMetricsOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	now := s.clock.Now()
	since := now.Add(-listMetricsWindow).Unix()
	if in.RecentlyActive != nil {
		// AWS: PT3H is the only value.
		if *in.RecentlyActive != "PT3H" {
			return nil, awserr.New("InvalidParameterValueException", 0, "The value %s for parameter RecentlyActive is invalid.", *in.RecentlyActive)
		}
		since = now.Add(-recentlyActive).Unix()
	}
	from, prefix := "", ""
	if in.Namespace != nil {
		prefix = *in.Namespace + "\x00"
		if in.MetricName != nil {
			prefix += *in.MetricName
		}
	}
	from = prefix
	if tok := ptr.Val(in.NextToken); tok != "" {
		k, err := decodeToken(tok)
		if err != nil || !strings.HasPrefix(k, prefix) {
			return nil, awserr.New("InvalidNextToken", 0, "The service cannot process the nextToken.")
		}
		from = k + "\x00" // the least key after the previous page's last

	}
	out := &ListMetricsOutput{Metrics: []Metric{}}
	var last string
	err := s.db.View(func(tx *state.Tx) error {
		s.metrics.Ascend(tx, sc, from, func(key string, m metricRec) bool {
			if !strings.HasPrefix(key, prefix) {
				return false
			}
			if m.LastPut < since || (in.MetricName != nil && m.MetricName != *in.MetricName) || !matchDimFilters(m.Dimensions, in.Dimensions) {
				return true
			}
			if len(out.Metrics) == listMetricsPage {
				out.NextToken = ptr.To(encodeToken(last))
				return false
			}
			last = key
			out.Metrics = append(out.Metrics, Metric{Namespace: ptr.To(m.Namespace), MetricName: ptr.To(m.MetricName), Dimensions: fromDims(m.Dimensions)})
			return true
		})
		return nil
	})
	return out, err
}

// matchDimFilters reports whether a metric has every filtered dimension
// (and its value, when the filter gives one).
func matchDimFilters(dims []dim, filters []DimensionFilter) bool {
	for _, f := range filters {
		found := false
		for _, d := range dims {
			if d.Name == ptr.Val(f.Name) && (f.Value == nil || d.Value == *f.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
