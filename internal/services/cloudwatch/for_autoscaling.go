package cloudwatch

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// ScalingAlarm is a metric alarm Amazon EC2 Auto Scaling creates and owns:
// the AlarmHigh and AlarmLow alarms of a target tracking policy.
type ScalingAlarm struct {
	Name, Description     string
	Namespace, MetricName string
	Dimensions            [][2]string // name, value
	Statistic, Unit       string
	// Metrics is a metric math query, instead of Namespace and MetricName.
	Metrics                              []MetricDataQuery
	Period, EvaluationPeriods, ToAlarm   int64
	Threshold                            float64
	ComparisonOperator, TreatMissingData string
	AlarmActions                         []string
}

// PutScalingAlarm creates or replaces an alarm Auto Scaling owns and
// returns its ARN. The alarm is evaluated like any other from now on.
func (s *Service) PutScalingAlarm(ctx context.Context, account, region string, in ScalingAlarm) (string, error) {
	a := alarmRec{
		Name: in.Name, Type: typeMetric, Description: in.Description, ActionsEnabled: true,
		AlarmActions: in.AlarmActions, Namespace: in.Namespace, MetricName: in.MetricName,
		Statistic: in.Statistic, Unit: in.Unit, Period: in.Period, EvaluationPeriods: in.EvaluationPeriods,
		DatapointsToAlarm: in.ToAlarm, Threshold: ptr.To(in.Threshold), ComparisonOperator: in.ComparisonOperator,
		TreatMissingData: in.TreatMissingData, Metrics: in.Metrics,
	}
	for _, d := range in.Dimensions {
		a.Dimensions = append(a.Dimensions, dim{Name: d[0], Value: d[1]})
	}
	a.Dimensions = sortDims(a.Dimensions)
	if len(a.Dimensions) == 0 {
		a.Dimensions = nil
	}
	if err := checkMetricAlarm(&a); err != nil {
		return "", err
	}
	if err := s.putAlarm(ctx, account, region, a); err != nil {
		return "", err
	}
	return alarmARN(region, account, a.Name), nil
}

// DeleteScalingAlarms deletes alarms Auto Scaling owns; names of alarms
// already gone are ignored.
func (s *Service) DeleteScalingAlarms(ctx context.Context, account, region string, names []string) error {
	sc := scopeOf(account, region)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range names {
			s.alarms.Delete(tx, sc, n)
		}
		return nil
	})
	for _, n := range names {
		s.ev.unschedule(sc, n)
	}
	return err
}
