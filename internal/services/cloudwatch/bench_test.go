package cloudwatch

import (
	"context"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// newBenchService returns a CloudWatch on an in-memory store with one
// metric holding a datapoint a minute for the whole retention (21,600
// minutes), so a query's cost can be compared with the data it skips.
func newBenchService(b *testing.B) (*Service, context.Context, time.Time) {
	b.Helper()
	now := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	fc := clock.NewFake(now.Add(-14 * 24 * time.Hour))
	store := state.New(state.Options{})
	s := New(service.Deps{Store: store, Clock: fc, Identity: identity.NewDirectory("000000000000")})
	if err := store.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	ctx := reqctx.With(context.Background(), &reqctx.Info{Account: "000000000000", Region: "ap-northeast-2"})
	for m := 0; m < 14*24*60; m += 60 {
		data := make([]MetricDatum, 0, 60)
		for i := range 60 {
			data = append(data, MetricDatum{MetricName: ptr.To("CPU"), Value: ptr.To(float64(i)), Timestamp: ptr.To(fc.Now().Add(time.Duration(i) * time.Minute))})
		}
		if _, err := s.PutMetricData(ctx, &PutMetricDataInput{Namespace: ptr.To("Bench"), MetricData: data}); err != nil {
			b.Fatal(err)
		}
		fc.Advance(time.Hour)
	}
	return s, ctx, fc.Now()
}

// BenchmarkGetMetricStatisticsHour reads one hour of a metric holding two
// weeks of minutes: the walk covers 60 minutes, not 20,160.
func BenchmarkGetMetricStatisticsHour(b *testing.B) {
	s, ctx, now := newBenchService(b)
	in := &GetMetricStatisticsInput{Namespace: ptr.To("Bench"), MetricName: ptr.To("CPU"), StartTime: ptr.To(now.Add(-time.Hour)), EndTime: ptr.To(now),
		Period: ptr.To(int64(300)), Statistics: []string{"Average", "Maximum"}, ExtendedStatistics: nil}
	b.ResetTimer()
	for b.Loop() {
		out, err := s.GetMetricStatistics(ctx, in)
		if err != nil || len(out.Datapoints) != 12 {
			b.Fatalf("%v %d", err, len(out.Datapoints))
		}
	}
}

// BenchmarkPutMetricData publishes one value to an existing metric.
func BenchmarkPutMetricData(b *testing.B) {
	s, ctx, _ := newBenchService(b)
	in := &PutMetricDataInput{Namespace: ptr.To("Bench"), MetricData: []MetricDatum{{MetricName: ptr.To("CPU"), Value: ptr.To(1.0)}}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.PutMetricData(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
