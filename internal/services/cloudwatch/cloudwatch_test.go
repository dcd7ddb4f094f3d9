package cloudwatch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// t0 is the fake clock's start: half a minute past a minute boundary.
var t0 = time.Date(2025, 3, 1, 12, 0, 30, 0, time.UTC)

func newClient(t *testing.T) (*cloudwatch.Client, *clock.Fake, *testutil.Server) {
	t.Helper()
	fc := clock.NewFake(t0)
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(fc)))
	return cloudwatch.NewFromConfig(cfg), fc, srv
}

func dims(kv ...string) []types.Dimension {
	var out []types.Dimension
	for i := 0; i < len(kv); i += 2 {
		out = append(out, types.Dimension{Name: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func TestMetricStatistics(t *testing.T) {
	c, _, _ := newClient(t)
	ctx := context.Background()
	at := func(min int) *time.Time { return aws.Time(t0.Add(time.Duration(min) * time.Minute)) }
	_, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String("App"),
		MetricData: []types.MetricDatum{
			{MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"), Value: aws.Float64(10), Unit: types.StandardUnitMilliseconds, Timestamp: at(-10)},
			{MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"), Values: []float64{20, 30, 40}, Counts: []float64{1, 2, 1}, Unit: types.StandardUnitMilliseconds, Timestamp: at(-10)},
			{MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"), StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(2), Sum: aws.Float64(200), Minimum: aws.Float64(50), Maximum: aws.Float64(150)}, Unit: types.StandardUnitMilliseconds, Timestamp: at(-4)},
			{MetricName: aws.String("Latency"), Dimensions: dims("Host", "b"), Value: aws.Float64(5), Timestamp: at(-4)},
			{MetricName: aws.String("Requests"), Value: aws.Float64(1), Unit: types.StandardUnitCount, Timestamp: at(-1)},
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	// Ten-minute periods: minute -10 (five samples: 10, 20, 30, 30, 40) and minute -4 (the set).
	st, err := c.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"),
		StartTime: at(-20), EndTime: at(0), Period: aws.Int32(300),
		Statistics: []types.Statistic{types.StatisticSampleCount, types.StatisticAverage, types.StatisticSum, types.StatisticMinimum, types.StatisticMaximum},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Datapoints) != 2 {
		t.Fatalf("datapoints: %+v", st.Datapoints)
	}
	first, second := st.Datapoints[0], st.Datapoints[1]
	if aws.ToFloat64(first.SampleCount) != 5 || aws.ToFloat64(first.Sum) != 130 || aws.ToFloat64(first.Average) != 26 ||
		aws.ToFloat64(first.Minimum) != 10 || aws.ToFloat64(first.Maximum) != 40 || first.Unit != types.StandardUnitMilliseconds {
		t.Errorf("first period: %+v", first)
	}
	if aws.ToFloat64(second.SampleCount) != 2 || aws.ToFloat64(second.Maximum) != 150 {
		t.Errorf("second period: %+v", second)
	}

	pct, err := c.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"),
		StartTime: at(-11), EndTime: at(-9), Period: aws.Int32(60), ExtendedStatistics: []string{"p50", "p99"}, Unit: types.StandardUnitMilliseconds,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pct.Datapoints) != 1 || pct.Datapoints[0].ExtendedStatistics["p50"] != 30 || pct.Datapoints[0].ExtendedStatistics["p99"] != 40 {
		t.Errorf("percentiles: %+v", pct.Datapoints)
	}
	none, err := c.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "a"),
		StartTime: at(-20), EndTime: at(0), Period: aws.Int32(60), Statistics: []types.Statistic{types.StatisticSum}, Unit: types.StandardUnitSeconds,
	})
	if err != nil || len(none.Datapoints) != 0 {
		t.Errorf("unit filter: %+v %v", none, err)
	}

	lm, err := c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("App"), Dimensions: []types.DimensionFilter{{Name: aws.String("Host")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lm.Metrics) != 2 {
		t.Errorf("ListMetrics by dimension: %+v", lm.Metrics)
	}
	lm, err = c.ListMetrics(ctx, &cloudwatch.ListMetricsInput{MetricName: aws.String("Requests"), RecentlyActive: types.RecentlyActivePt3h})
	if err != nil || len(lm.Metrics) != 1 || aws.ToString(lm.Metrics[0].Namespace) != "App" {
		t.Errorf("ListMetrics by name: %+v %v", lm, err)
	}

	md, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: at(-20), EndTime: at(0),
		MetricDataQueries: []types.MetricDataQuery{
			{Id: aws.String("a"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "a")}, Period: aws.Int32(60), Stat: aws.String("Maximum")}, ReturnData: aws.Bool(false)},
			{Id: aws.String("b"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "b")}, Period: aws.Int32(60), Stat: aws.String("Sum")}, ReturnData: aws.Bool(false)},
			{Id: aws.String("total"), Expression: aws.String("SUM([a, b]) * 2"), Label: aws.String("Total")},
			{Id: aws.String("raw"), MetricStat: &types.MetricStat{Metric: &types.Metric{Namespace: aws.String("App"), MetricName: aws.String("Latency"), Dimensions: dims("Host", "a")}, Period: aws.Int32(60), Stat: aws.String("Minimum")}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(md.MetricDataResults) != 2 {
		t.Fatalf("results: %+v", md.MetricDataResults)
	}
	total := md.MetricDataResults[0]
	// Descending by default: minute -4 (150 + 5) then minute -10 (40).
	if aws.ToString(total.Label) != "Total" || fmt.Sprint(total.Values) != "[310 80]" || !total.Timestamps[0].After(total.Timestamps[1]) {
		t.Errorf("expression result: %+v", total)
	}
	if raw := md.MetricDataResults[1]; fmt.Sprint(raw.Values) != "[50 10]" || total.StatusCode != types.StatusCodeComplete {
		t.Errorf("metric result: %+v", raw)
	}
}

func TestMetricErrors(t *testing.T) {
	c, _, _ := newClient(t)
	ctx := context.Background()
	var badValue *types.InvalidParameterValueException
	var badCombo *types.InvalidParameterCombinationException
	cases := []struct {
		name   string
		datum  types.MetricDatum
		ns     string
		target any
		msg    string
	}{
		{"reserved namespace", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1)}, "AWS/EC2", &badValue, "The value AWS/EC2 for parameter Namespace is invalid."},
		{"value and statistic set", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), StatisticValues: &types.StatisticSet{SampleCount: aws.Float64(1), Sum: aws.Float64(1), Minimum: aws.Float64(1), Maximum: aws.Float64(1)}}, "App", &badCombo, "mutually exclusive"},
		{"counts size", types.MetricDatum{MetricName: aws.String("m"), Values: []float64{1, 2}, Counts: []float64{1}}, "App", &badValue, "must be of the same size"},
		{"too old", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Timestamp: aws.Time(t0.Add(-15 * 24 * time.Hour))}, "App", &badValue, "no more than two weeks in the past"},
		{"too new", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Timestamp: aws.Time(t0.Add(3 * time.Hour))}, "App", &badValue, "no more than two hours in the future"},
		{"storage resolution", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), StorageResolution: aws.Int32(5)}, "App", &badValue, "StorageResolution"},
		{"duplicate dimension", types.MetricDatum{MetricName: aws.String("m"), Value: aws.Float64(1), Dimensions: dims("A", "1", "A", "2")}, "App", &badValue, "duplicate dimension"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(tc.ns), MetricData: []types.MetricDatum{tc.datum}})
			if err == nil || !errors.As(err, tc.target) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %T with %q", err, tc.target, tc.msg)
			}
		})
	}
	_, err := c.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("App"), MetricName: aws.String("m"), StartTime: aws.Time(t0.Add(-48 * time.Hour)), EndTime: aws.Time(t0),
		Period: aws.Int32(60), Statistics: []types.Statistic{types.StatisticSum},
	})
	if !errors.As(err, &badCombo) || !strings.Contains(err.Error(), "exceeds the limit of 1,440") {
		t.Errorf("too many datapoints: %v", err)
	}
}

func TestAlarms(t *testing.T) {
	c, _, _ := newClient(t)
	ctx := context.Background()
	put := func(name string, extra func(*cloudwatch.PutMetricAlarmInput)) {
		t.Helper()
		in := &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(name), Namespace: aws.String("App"), MetricName: aws.String("CPU"), Dimensions: dims("Host", "a"),
			Statistic: types.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(80),
			ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold, AlarmActions: []string{"arn:aws:sns:ap-northeast-2:000000000000:ops"},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
		}
		if extra != nil {
			extra(in)
		}
		if _, err := c.PutMetricAlarm(ctx, in); err != nil {
			t.Fatalf("PutMetricAlarm %s: %v", name, err)
		}
	}
	put("cpu-high", func(in *cloudwatch.PutMetricAlarmInput) {
		in.TreatMissingData = aws.String("missing")
		in.DatapointsToAlarm = aws.Int32(1)
	})
	put("cpu-higher", nil)
	put("other", nil)
	if _, err := c.PutCompositeAlarm(ctx, &cloudwatch.PutCompositeAlarmInput{AlarmName: aws.String("both"), AlarmRule: aws.String(`ALARM("cpu-high") AND ALARM(cpu-higher)`)}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		in   cloudwatch.DescribeAlarmsInput
		want string
	}{
		{"all metric alarms", cloudwatch.DescribeAlarmsInput{}, "cpu-high cpu-higher other |"},
		{"by prefix", cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("cpu")}, "cpu-high cpu-higher |"},
		{"by names", cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"other", "nope"}}, "other |"},
		{"composite", cloudwatch.DescribeAlarmsInput{AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}}, "| both"},
		{"children", cloudwatch.DescribeAlarmsInput{ChildrenOfAlarmName: aws.String("both"), AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm}}, "cpu-high cpu-higher |"},
		{"parents", cloudwatch.DescribeAlarmsInput{ParentsOfAlarmName: aws.String("cpu-high"), AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}}, "| both"},
		{"by state", cloudwatch.DescribeAlarmsInput{StateValue: types.StateValueAlarm}, "|"},
		{"by action", cloudwatch.DescribeAlarmsInput{ActionPrefix: aws.String("arn:aws:sns:")}, "cpu-high cpu-higher other |"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.DescribeAlarms(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range out.MetricAlarms {
				names = append(names, aws.ToString(a.AlarmName))
			}
			names = append(names, "|")
			for _, a := range out.CompositeAlarms {
				names = append(names, aws.ToString(a.AlarmName))
			}
			if got := strings.Join(names, " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	// Pagination: one alarm a page.
	var pages []string
	p := cloudwatch.NewDescribeAlarmsPaginator(c, &cloudwatch.DescribeAlarmsInput{MaxRecords: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.MetricAlarms {
			pages = append(pages, aws.ToString(a.AlarmName))
		}
	}
	if strings.Join(pages, ",") != "cpu-high,cpu-higher,other" {
		t.Errorf("pages: %v", pages)
	}

	out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"cpu-high"}})
	if err != nil || len(out.MetricAlarms) != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	a := out.MetricAlarms[0]
	if aws.ToString(a.AlarmArn) != "arn:aws:cloudwatch:ap-northeast-2:000000000000:alarm:cpu-high" || a.StateValue != types.StateValueInsufficientData ||
		aws.ToString(a.TreatMissingData) != "missing" || aws.ToInt32(a.DatapointsToAlarm) != 1 || !aws.ToBool(a.ActionsEnabled) || len(a.Dimensions) != 1 {
		t.Errorf("alarm: %+v", a)
	}
	tags, err := c.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "core" {
		t.Errorf("tags: %+v %v", tags, err)
	}
	if _, err := c.TagResource(ctx, &cloudwatch.TagResourceInput{ResourceARN: a.AlarmArn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &cloudwatch.UntagResourceInput{ResourceARN: a.AlarmArn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = c.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: a.AlarmArn})
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "env" {
		t.Errorf("tags after edit: %+v", tags.Tags)
	}

	// SetAlarmState moves the alarm and its composite parent, and both show in history.
	if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("cpu-high"), StateValue: types.StateValueAlarm, StateReason: aws.String("testing")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("cpu-higher"), StateValue: types.StateValueAlarm, StateReason: aws.String("testing")}); err != nil {
		t.Fatal(err)
	}
	comp, _ := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"both"}, AlarmTypes: []types.AlarmType{types.AlarmTypeCompositeAlarm}})
	if len(comp.CompositeAlarms) != 1 || comp.CompositeAlarms[0].StateValue != types.StateValueAlarm {
		t.Errorf("composite: %+v", comp.CompositeAlarms)
	}
	hist, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("cpu-high")})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[types.HistoryItemType]int{}
	for _, h := range hist.AlarmHistoryItems {
		kinds[h.HistoryItemType]++
	}
	if kinds[types.HistoryItemTypeStateUpdate] != 1 || kinds[types.HistoryItemTypeConfigurationUpdate] != 1 || kinds[types.HistoryItemTypeAction] != 1 {
		t.Errorf("history: %+v", hist.AlarmHistoryItems)
	}

	if _, err := c.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"other"}}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"other"}})
	if aws.ToBool(out.MetricAlarms[0].ActionsEnabled) {
		t.Error("actions still enabled")
	}
	fm, err := c.DescribeAlarmsForMetric(ctx, &cloudwatch.DescribeAlarmsForMetricInput{Namespace: aws.String("App"), MetricName: aws.String("CPU"), Dimensions: dims("Host", "a")})
	if err != nil || len(fm.MetricAlarms) != 3 {
		t.Errorf("DescribeAlarmsForMetric: %d %v", len(fm.MetricAlarms), err)
	}

	// Errors, typed as the model names them.
	var notFound *types.ResourceNotFound
	if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"other", "nope"}}); !errors.As(err, &notFound) {
		t.Errorf("DeleteAlarms of a missing alarm: %v", err)
	}
	if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: types.StateValueOk, StateReason: aws.String("x")}); !errors.As(err, &notFound) {
		t.Errorf("SetAlarmState of a missing alarm: %v", err)
	}
	var badFormat *types.InvalidFormatFault
	if _, err := c.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("other"), StateValue: types.StateValueOk, StateReason: aws.String("x"), StateReasonData: aws.String("{")}); !errors.As(err, &badFormat) {
		t.Errorf("SetAlarmState with bad JSON: %v", err)
	}
	var noResource *types.ResourceNotFoundException
	if _, err := c.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:cloudwatch:ap-northeast-2:000000000000:alarm:nope")}); !errors.As(err, &noResource) {
		t.Errorf("ListTagsForResource of a missing alarm: %v", err)
	}
	if _, err := c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("bad"), Namespace: aws.String("App"), MetricName: aws.String("CPU"),
		Statistic: types.StatisticAverage, Period: aws.Int32(45), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold}); err == nil || !strings.Contains(err.Error(), "Period") {
		t.Errorf("bad period: %v", err)
	}
	if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"cpu-high"}}); err == nil {
		t.Error("deleted an alarm a composite alarm names")
	}
	if _, err := c.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"both", "cpu-high", "cpu-higher", "other"}}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if len(out.MetricAlarms) != 0 {
		t.Errorf("alarms left: %+v", out.MetricAlarms)
	}
}

// TestAlarmEvaluation drives the evaluator with the fake clock: an alarm
// with 3 of 3 datapoints to alarm goes INSUFFICIENT_DATA → OK, stays OK
// through two breaching minutes, goes ALARM on the third, and back to OK;
// each transition and the fired action are in its history.
func TestAlarmEvaluation(t *testing.T) {
	c, fc, _ := newClient(t)
	ctx := context.Background()
	_, err := c.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("cpu"), Namespace: aws.String("App"), MetricName: aws.String("CPU"),
		Statistic: types.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(3), DatapointsToAlarm: aws.Int32(3),
		Threshold: aws.Float64(80), ComparisonOperator: types.ComparisonOperatorGreaterThanThreshold,
		AlarmActions: []string{"arn:aws:autoscaling:ap-northeast-2:000000000000:scalingPolicy:x:autoScalingGroupName/g:policyName/up"},
	})
	if err != nil {
		t.Fatal(err)
	}
	state := func() (types.StateValue, string) {
		out, err := c.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"cpu"}})
		if err != nil || len(out.MetricAlarms) != 1 {
			t.Fatalf("DescribeAlarms: %v", err)
		}
		return out.MetricAlarms[0].StateValue, aws.ToString(out.MetricAlarms[0].StateReason)
	}
	// waitFor waits (bounded) until the evaluator has moved the alarm to want.
	waitFor := func(want types.StateValue) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, reason := state()
			if got == want {
				return reason
			}
			if time.Now().After(deadline) {
				t.Fatalf("alarm state %s (%s), want %s", got, reason, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// minute publishes one value for the current minute, then moves the clock
	// past the next minute boundary, where the evaluator runs.
	minute := func(v float64) {
		t.Helper()
		if _, err := c.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []types.MetricDatum{{MetricName: aws.String("CPU"), Value: aws.Float64(v)}}}); err != nil {
			t.Fatal(err)
		}
		fc.Advance(time.Minute)
	}
	if got, _ := state(); got != types.StateValueInsufficientData {
		t.Fatalf("new alarm in %s", got)
	}
	minute(10)
	waitFor(types.StateValueOk)
	minute(95)
	minute(95)
	// Two breaching minutes out of three: still OK. The evaluator has run for
	// the second one once the history shows it; wait on the state staying put
	// by checking after the third that it flips only then.
	if got, _ := state(); got != types.StateValueOk {
		t.Fatalf("after two breaching periods: %s", got)
	}
	minute(95)
	reason := waitFor(types.StateValueAlarm)
	if !strings.Contains(reason, "3 out of the last 3 datapoints") || !strings.Contains(reason, "greater than the threshold (80.0)") {
		t.Errorf("reason: %s", reason)
	}
	minute(10)
	waitFor(types.StateValueOk)

	hist, err := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("cpu"), HistoryItemType: types.HistoryItemTypeStateUpdate, ScanBy: types.ScanByTimestampAscending})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist.AlarmHistoryItems {
		got = append(got, aws.ToString(h.HistorySummary))
	}
	want := "Alarm updated from INSUFFICIENT_DATA to OK|Alarm updated from OK to ALARM|Alarm updated from ALARM to OK"
	if strings.Join(got, "|") != want {
		t.Errorf("history:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	actions, _ := c.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("cpu"), HistoryItemType: types.HistoryItemTypeAction})
	if len(actions.AlarmHistoryItems) != 1 || !strings.Contains(aws.ToString(actions.AlarmHistoryItems[0].HistorySummary), "scalingPolicy") {
		t.Errorf("action history: %+v", actions.AlarmHistoryItems)
	}
}

func TestDashboards(t *testing.T) {
	c, _, _ := newClient(t)
	ctx := context.Background()
	body := `{"widgets":[{"type":"text","x":0,"y":0,"width":6,"height":3,"properties":{"markdown":"hi"}}]}`
	for _, n := range []string{"web", "web-2", "db"} {
		if _, err := c.PutDashboard(ctx, &cloudwatch.PutDashboardInput{DashboardName: aws.String(n), DashboardBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("web")})
	if err != nil || aws.ToString(got.DashboardBody) != body || aws.ToString(got.DashboardArn) != "arn:aws:cloudwatch::000000000000:dashboard/web" {
		t.Errorf("GetDashboard: %+v %v", got, err)
	}
	list, err := c.ListDashboards(ctx, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String("web")})
	if err != nil || len(list.DashboardEntries) != 2 || aws.ToInt64(list.DashboardEntries[0].Size) != int64(len(body)) {
		t.Errorf("ListDashboards: %+v %v", list, err)
	}
	var invalid *types.DashboardInvalidInputError
	for _, bad := range []string{"{", `{"widgets": 3}`, `[]`, `{}`} {
		if _, err := c.PutDashboard(ctx, &cloudwatch.PutDashboardInput{DashboardName: aws.String("x"), DashboardBody: aws.String(bad)}); !errors.As(err, &invalid) {
			t.Errorf("PutDashboard %s: %v", bad, err)
		}
	}
	var notFound *types.DashboardNotFoundError
	if _, err := c.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String("nope")}); !errors.As(err, &notFound) {
		t.Errorf("GetDashboard nope: %v", err)
	}
	if _, err := c.DeleteDashboards(ctx, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{"web", "nope"}}); !errors.As(err, &notFound) {
		t.Errorf("DeleteDashboards with nope: %v", err)
	}
	if _, err := c.DeleteDashboards(ctx, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{"web", "web-2", "db"}}); err != nil {
		t.Fatal(err)
	}
	list, _ = c.ListDashboards(ctx, &cloudwatch.ListDashboardsInput{})
	if len(list.DashboardEntries) != 0 {
		t.Errorf("left: %+v", list.DashboardEntries)
	}
}

// TestQueryProtocol stands in for Terraform's provider, which speaks the
// query protocol to CloudWatch: a form POST in, XML out, errors included.
func TestQueryProtocol(t *testing.T) {
	_, _, srv := newClient(t)
	post := func(form url.Values) (int, string) {
		t.Helper()
		form.Set("Version", "2010-08-01")
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250301/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := post(url.Values{
		"Action": {"PutMetricAlarm"}, "AlarmName": {"billing"}, "Namespace": {"AWS/Billing"}, "MetricName": {"EstimatedCharges"},
		"Dimensions.member.1.Name": {"Currency"}, "Dimensions.member.1.Value": {"USD"},
		"Statistic": {"Maximum"}, "Period": {"21600"}, "EvaluationPeriods": {"1"}, "Threshold": {"10"},
		"ComparisonOperator": {"GreaterThanOrEqualToThreshold"}, "TreatMissingData": {"missing"},
		"AlarmActions.member.1": {"arn:aws:sns:us-east-1:000000000000:billing"},
		"Tags.member.1.Key":     {"Name"}, "Tags.member.1.Value": {"billing"},
	})
	if status != 200 || !strings.Contains(body, "<PutMetricAlarmResponse") {
		t.Fatalf("PutMetricAlarm: %d %s", status, body)
	}
	status, body = post(url.Values{"Action": {"DescribeAlarms"}, "AlarmNames.member.1": {"billing"}})
	for _, want := range []string{"<AlarmName>billing</AlarmName>", "<Namespace>AWS/Billing</Namespace>", "<Threshold>10</Threshold>",
		"<Name>Currency</Name>", "<member>arn:aws:sns:us-east-1:000000000000:billing</member>", "<StateValue>INSUFFICIENT_DATA</StateValue>",
		"<AlarmArn>arn:aws:cloudwatch:us-east-1:000000000000:alarm:billing</AlarmArn>"} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("DescribeAlarms lacks %s: %d %s", want, status, body)
		}
	}
	status, body = post(url.Values{"Action": {"GetDashboard"}, "DashboardName": {"nope"}})
	if status != 404 || !strings.Contains(body, "<Code>ResourceNotFound</Code>") {
		t.Errorf("GetDashboard nope: %d %s", status, body)
	}
}

// TestJSONQueryMode checks what aws-cli and boto3 see: JSON 1.0 with the
// query-compatible error code in x-amzn-query-error.
func TestJSONQueryMode(t *testing.T) {
	_, _, srv := newClient(t)
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(`{"DashboardName":"nope"}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "GraniteServiceVersion20100801.GetDashboard")
	req.Header.Set("X-Amzn-Query-Mode", "true")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250301/ap-northeast-2/monitoring/aws4_request, SignedHeaders=host, Signature=x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-Query-Error") != "ResourceNotFound;Sender" || !strings.Contains(string(b), "DashboardNotFoundError") {
		t.Errorf("%d %v %s", resp.StatusCode, resp.Header, b)
	}
}
