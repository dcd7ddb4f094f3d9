package autoscaling

import (
	"testing"
	"time"

	"haneul/internal/ptr"
)

func TestAdjust(t *testing.T) {
	for _, c := range []struct {
		cur     int64
		typ     string
		n, magn int64
		want    int64
	}{
		{4, changeInCapacity, 2, 0, 6},
		{4, changeInCapacity, -3, 0, 1},
		{4, exactCapacity, 7, 0, 7},
		{10, percentChangeInCapacity, 25, 0, 12}, // 2.5 rounds down
		{2, percentChangeInCapacity, 25, 0, 3},   // 0.5 rounds to 1
		{2, percentChangeInCapacity, -25, 0, 1},  // -0.5 rounds to -1
		{10, percentChangeInCapacity, -25, 0, 8}, // -2.5 rounds up to -2
		{10, percentChangeInCapacity, 10, 3, 13}, // 1 raised to the minimum magnitude 3
		{10, percentChangeInCapacity, -10, 3, 7}, // -1 lowered to -3
	} {
		if got := adjust(c.cur, c.typ, c.n, c.magn); got != c.want {
			t.Errorf("adjust(%d, %s, %d, %d) = %d, want %d", c.cur, c.typ, c.n, c.magn, got, c.want)
		}
	}
}

func TestSteps(t *testing.T) {
	steps := []StepAdjustment{
		{MetricIntervalLowerBound: ptr.To(0.0), MetricIntervalUpperBound: ptr.To(10.0), ScalingAdjustment: ptr.To(int64(1))},
		{MetricIntervalLowerBound: ptr.To(10.0), ScalingAdjustment: ptr.To(int64(3))},
	}
	if err := checkSteps(steps); err != nil {
		t.Fatal(err)
	}
	for diff, want := range map[float64]int64{0: 1, 9.9: 1, 10: 3, 50: 3} {
		if st, ok := pickStep(steps, diff); !ok || *st.ScalingAdjustment != want {
			t.Errorf("step for %v: %v %v, want %d", diff, ok, st.ScalingAdjustment, want)
		}
	}
	if _, ok := pickStep(steps, -1); ok {
		t.Error("a step below every interval")
	}
	gap := []StepAdjustment{steps[0], {MetricIntervalLowerBound: ptr.To(20.0), ScalingAdjustment: ptr.To(int64(3))}}
	if checkSteps(gap) == nil {
		t.Error("steps with a gap accepted")
	}
	overlap := []StepAdjustment{steps[0], {MetricIntervalLowerBound: ptr.To(5.0), ScalingAdjustment: ptr.To(int64(3))}}
	if checkSteps(overlap) == nil {
		t.Error("overlapping steps accepted")
	}
}

func TestCron(t *testing.T) {
	at := time.Date(2026, 1, 1, 10, 30, 0, 0, time.UTC) // a Thursday
	seoul, _ := time.LoadLocation("Asia/Seoul")
	for _, c := range []struct {
		expr string
		loc  *time.Location
		want time.Time
	}{
		{"*/15 * * * *", time.UTC, time.Date(2026, 1, 1, 10, 45, 0, 0, time.UTC)},
		{"0 9 * * *", time.UTC, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)},
		{"0 9 * * mon-fri", time.UTC, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)},
		{"0 9 * * 1", time.UTC, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		{"0 0 1 jun *", time.UTC, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"0 20 * * *", seoul, time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC)}, // 20:00 KST
	} {
		cr, err := parseCron(c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := cr.next(at, c.loc); !got.Equal(c.want) {
			t.Errorf("%s: next %v, want %v", c.expr, got.UTC(), c.want)
		}
	}
	for _, bad := range []string{"* * * *", "60 * * * *", "* * * * mon-xyz", "*/0 * * * *"} {
		if _, err := parseCron(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
