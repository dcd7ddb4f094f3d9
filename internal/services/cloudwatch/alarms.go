package cloudwatch

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// Alarm types and states.
const (
	typeMetric    = "MetricAlarm"
	typeComposite = "CompositeAlarm"

	stateOK           = "OK"
	stateAlarm        = "ALARM"
	stateInsufficient = "INSUFFICIENT_DATA"
)

const (
	// AWS: DescribeAlarms returns 50 alarms a page unless MaxRecords says otherwise.
	describeAlarmsPage = 50
	// AWS: EvaluationPeriods × Period may not exceed one day for periods under
	// an hour, and seven days otherwise.
	maxEvalShort = 24 * 3600
	maxEvalLong  = 7 * 24 * 3600
)

// alarmRec is a metric or composite alarm as stored.
type alarmRec struct {
	Name, Arn, Type         string
	Description             string `json:",omitempty"`
	ActionsEnabled          bool
	AlarmActions            []string `json:",omitempty"`
	OKActions               []string `json:",omitempty"`
	InsufficientDataActions []string `json:",omitempty"`
	Tags                    []tag    `json:",omitempty"`

	// Metric alarms.
	Namespace, MetricName            string            `json:",omitempty"`
	Dimensions                       []dim             `json:",omitempty"`
	Statistic, ExtendedStatistic     string            `json:",omitempty"`
	Unit                             string            `json:",omitempty"`
	Period                           int64             `json:",omitempty"`
	EvaluationPeriods                int64             `json:",omitempty"`
	DatapointsToAlarm                int64             `json:",omitempty"` // 0: not set (EvaluationPeriods)
	Threshold                        *float64          `json:",omitempty"`
	ThresholdMetricID                string            `json:",omitempty"`
	ComparisonOperator               string            `json:",omitempty"`
	TreatMissingData                 string            `json:",omitempty"`
	EvaluateLowSampleCountPercentile string            `json:",omitempty"`
	Metrics                          []MetricDataQuery `json:",omitempty"`
	EvaluationCriteria               *EvaluationCriteria
	EvaluationInterval               int64 `json:",omitempty"`

	// Composite alarms.
	AlarmRule                        string `json:",omitempty"`
	ActionsSuppressor                string `json:",omitempty"`
	ActionsSuppressorWaitPeriod      *int64 `json:",omitempty"`
	ActionsSuppressorExtensionPeriod *int64 `json:",omitempty"`

	State             string
	StateReason       string
	StateReasonData   string `json:",omitempty"`
	StateUpdated      int64  // unix ms
	StateTransitioned int64  // unix ms
	ConfigUpdated     int64  // unix ms
}

// tag is one resource tag.
type tag struct{ Key, Value string }

// datapointsToAlarm is M of "M out of N".
func (a *alarmRec) datapointsToAlarm() int64 {
	if a.DatapointsToAlarm > 0 {
		return a.DatapointsToAlarm
	}
	return a.EvaluationPeriods
}

// alarmARN is the ARN of an alarm.
func alarmARN(region, account, name string) string {
	return arn.New("cloudwatch", region, account, "alarm:"+name)
}

// PutMetricAlarm creates or replaces a metric alarm.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
func (s *Service) PutMetricAlarm(ctx context.Context, in *PutMetricAlarmInput) (*PutMetricAlarmOutput, error) {
	a := alarmRec{
		Name:                             ptr.Val(in.AlarmName),
		Type:                             typeMetric,
		Description:                      ptr.Val(in.AlarmDescription),
		ActionsEnabled:                   ptr.Or(in.ActionsEnabled, true), // AWS: actions are enabled by default
		AlarmActions:                     in.AlarmActions,
		OKActions:                        in.OKActions,
		InsufficientDataActions:          in.InsufficientDataActions,
		Tags:                             toTags(in.Tags),
		Namespace:                        ptr.Val(in.Namespace),
		MetricName:                       ptr.Val(in.MetricName),
		Dimensions:                       toDims(in.Dimensions),
		Statistic:                        ptr.Val(in.Statistic),
		ExtendedStatistic:                ptr.Val(in.ExtendedStatistic),
		Unit:                             ptr.Val(in.Unit),
		Period:                           ptr.Val(in.Period),
		EvaluationPeriods:                ptr.Val(in.EvaluationPeriods),
		DatapointsToAlarm:                ptr.Val(in.DatapointsToAlarm),
		Threshold:                        in.Threshold,
		ThresholdMetricID:                ptr.Val(in.ThresholdMetricId),
		ComparisonOperator:               ptr.Val(in.ComparisonOperator),
		TreatMissingData:                 ptr.Val(in.TreatMissingData),
		EvaluateLowSampleCountPercentile: ptr.Val(in.EvaluateLowSampleCountPercentile),
		Metrics:                          in.Metrics,
		EvaluationCriteria:               in.EvaluationCriteria,
		EvaluationInterval:               ptr.Val(in.EvaluationInterval),
	}
	if len(a.Dimensions) == 0 {
		a.Dimensions = nil
	}
	if err := checkMetricAlarm(&a); err != nil {
		return nil, err
	}
	info := reqctx.From(ctx)
	if err := s.putAlarm(ctx, info.Account, info.Region, a); err != nil {
		return nil, err
	}
	return &PutMetricAlarmOutput{}, nil
}

// checkMetricAlarm validates a metric alarm's configuration as AWS does.
func checkMetricAlarm(a *alarmRec) error {
	if len(a.Metrics) > 0 {
		if a.MetricName != "" || a.Namespace != "" || a.Statistic != "" || a.ExtendedStatistic != "" || len(a.Dimensions) > 0 || a.Period != 0 || a.Unit != "" {
			// AWS: an alarm watches either a single metric or Metrics, not both.
			return awserr.New("ValidationError", 400, "Metrics list cannot be used together with MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period or Unit.")
		}
		if err := checkQueries("Metrics", a.Metrics); err != nil {
			return err
		}
		returning := 0
		for _, q := range a.Metrics {
			if q.ReturnData == nil || *q.ReturnData {
				returning++
			}
		}
		if returning != 1 {
			return awserr.New("ValidationError", 400, "Exactly one element of the metrics list should return data.")
		}
	} else if a.EvaluationCriteria == nil {
		if a.MetricName == "" || a.Namespace == "" {
			return awserr.New("ValidationError", 400, "Namespace and MetricName are required unless Metrics is specified.")
		}
		if (a.Statistic == "") == (a.ExtendedStatistic == "") {
			return awserr.New("InvalidParameterCombinationException", 0, "Exactly one of Statistic and ExtendedStatistic must be specified.")
		}
		if a.ExtendedStatistic != "" {
			if _, ok := percentile(a.ExtendedStatistic); !ok {
				return awserr.New("InvalidParameterValueException", 0, "The value %s for parameter ExtendedStatistic is not supported.", a.ExtendedStatistic)
			}
		}
		if a.Period == 0 {
			return awserr.New("ValidationError", 400, "Period must be specified.")
		}
		// AWS: valid periods are 10, 20, 30 and any multiple of 60 seconds.
		if a.Period != 10 && a.Period != 20 && a.Period != 30 && a.Period%60 != 0 {
			return awserr.New("ValidationError", 400, "Period must be 10, 20, 30 or a multiple of 60.")
		}
	}
	if a.EvaluationCriteria != nil {
		return nil // PromQL alarms are kept as given; haneul does not evaluate them
	}
	if a.EvaluationPeriods == 0 {
		return awserr.New("ValidationError", 400, "EvaluationPeriods must be specified.")
	}
	if a.ComparisonOperator == "" {
		return awserr.New("ValidationError", 400, "ComparisonOperator must be specified.")
	}
	if a.Threshold == nil && a.ThresholdMetricID == "" {
		return awserr.New("ValidationError", 400, "Threshold or ThresholdMetricId must be specified.")
	}
	if a.DatapointsToAlarm > a.EvaluationPeriods {
		return awserr.New("ValidationError", 400, "DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
	}
	period := a.Period
	for _, q := range a.Metrics {
		if q.MetricStat != nil && ptr.Val(q.MetricStat.Period) > period {
			period = ptr.Val(q.MetricStat.Period)
		}
		if q.Period != nil && *q.Period > period {
			period = *q.Period
		}
	}
	if period == 0 && len(a.Metrics) > 0 {
		return awserr.New("ValidationError", 400, "The metrics of the alarm must specify a Period.")
	}
	limit := int64(maxEvalLong)
	if period < 3600 {
		limit = maxEvalShort
	}
	if period*a.EvaluationPeriods > limit {
		return awserr.New("ValidationError", 400, "The evaluation period of the alarm (Period × EvaluationPeriods = %d seconds) must not exceed %d seconds.", period*a.EvaluationPeriods, limit)
	}
	return checkActions(a)
}

// checkActions requires every action to be an ARN.
func checkActions(a *alarmRec) error {
	for _, list := range [][]string{a.AlarmActions, a.OKActions, a.InsufficientDataActions} {
		for _, act := range list {
			if _, err := arn.Parse(act); err != nil {
				return awserr.New("ValidationError", 400, "Invalid arn syntax: %s", act)
			}
		}
	}
	return nil
}

// putAlarm stores a new or replaced alarm, records the change in its
// history and schedules its evaluation.
func (s *Service) putAlarm(ctx context.Context, account, region string, a alarmRec) error {
	sc := scopeOf(account, region)
	now := s.clock.Now()
	a.Arn = alarmARN(region, account, a.Name)
	a.ConfigUpdated = now.UnixMilli()
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		old, exists := s.alarms.Get(tx, sc, a.Name)
		if exists && old.Type != a.Type {
			return awserr.New("ValidationError", 400, "An alarm named %s of type %s already exists.", a.Name, old.Type)
		}
		summary := fmt.Sprintf("Alarm %q created", a.Name)
		if exists {
			// AWS: an update keeps the alarm's state and ignores the tags given.
			a.State, a.StateReason, a.StateReasonData = old.State, old.StateReason, old.StateReasonData
			a.StateUpdated, a.StateTransitioned = old.StateUpdated, old.StateTransitioned
			a.Tags = old.Tags
			summary = fmt.Sprintf("Alarm %q updated", a.Name)
		} else {
			a.State = stateInsufficient
			a.StateReason = "Unchecked: Initial alarm creation"
			a.StateUpdated, a.StateTransitioned = now.UnixMilli(), now.UnixMilli()
		}
		if a.Type == typeComposite {
			if err := s.checkRule(tx, sc, &a); err != nil {
				return err
			}
		}
		s.alarms.Put(tx, sc, a.Name, a)
		data := map[string]any{"version": "1.0", "type": map[bool]string{true: "Update", false: "Create"}[exists]}
		if exists {
			data["updatedAlarm"] = historyView(&a)
		} else {
			data["createdAlarm"] = historyView(&a)
		}
		s.recordHistory(tx, sc, &a, "ConfigurationUpdate", summary, data, now)
		return nil
	})
	if err != nil {
		return err
	}
	s.ev.schedule(sc, a.Name, now)
	return nil
}

// historyView is an alarm's configuration as history data shows it.
func historyView(a *alarmRec) map[string]any {
	v := map[string]any{"alarmName": a.Name, "actionsEnabled": a.ActionsEnabled}
	if a.Type == typeComposite {
		v["alarmRule"] = a.AlarmRule
		return v
	}
	v["namespace"], v["metricName"], v["period"] = a.Namespace, a.MetricName, a.Period
	v["evaluationPeriods"], v["comparisonOperator"] = a.EvaluationPeriods, a.ComparisonOperator
	if a.Threshold != nil {
		v["threshold"] = *a.Threshold
	}
	if a.Statistic != "" {
		v["statistic"] = strings.ToUpper(a.Statistic)
	}
	return v
}

// PutCompositeAlarm creates or replaces a composite alarm.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
func (s *Service) PutCompositeAlarm(ctx context.Context, in *PutCompositeAlarmInput) (*PutCompositeAlarmOutput, error) {
	a := alarmRec{
		Name:                             ptr.Val(in.AlarmName),
		Type:                             typeComposite,
		Description:                      ptr.Val(in.AlarmDescription),
		ActionsEnabled:                   ptr.Or(in.ActionsEnabled, true),
		AlarmActions:                     in.AlarmActions,
		OKActions:                        in.OKActions,
		InsufficientDataActions:          in.InsufficientDataActions,
		Tags:                             toTags(in.Tags),
		AlarmRule:                        ptr.Val(in.AlarmRule),
		ActionsSuppressor:                ptr.Val(in.ActionsSuppressor),
		ActionsSuppressorWaitPeriod:      in.ActionsSuppressorWaitPeriod,
		ActionsSuppressorExtensionPeriod: in.ActionsSuppressorExtensionPeriod,
	}
	if err := checkActions(&a); err != nil {
		return nil, err
	}
	if _, err := parseRule(a.AlarmRule); err != nil {
		return nil, awserr.New("ValidationError", 400, "Error in alarm rule: %v", err)
	}
	info := reqctx.From(ctx)
	if err := s.putAlarm(ctx, info.Account, info.Region, a); err != nil {
		return nil, err
	}
	return &PutCompositeAlarmOutput{}, nil
}

// checkRule requires the alarms a composite rule names to exist and not to
// lead back to the composite itself.
func (s *Service) checkRule(tx *state.Tx, sc state.Scope, a *alarmRec) error {
	r, err := parseRule(a.AlarmRule)
	if err != nil {
		return awserr.New("ValidationError", 400, "Error in alarm rule: %v", err)
	}
	var missing []string
	for _, name := range r.children() {
		if name == a.Name {
			return awserr.New("ValidationError", 400, "The alarm rule of %s may not reference the alarm itself.", a.Name)
		}
		if _, ok := s.alarms.Get(tx, sc, name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		// AWS: a composite alarm's rule may only name existing alarms.
		return awserr.New("ValidationError", 400, "Could not save the composite alarm as alarms [%s] in the alarm rule do not exist", strings.Join(missing, ", "))
	}
	return nil
}

// DescribeAlarms lists alarms by name, prefix, state, action, type or family.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
func (s *Service) DescribeAlarms(ctx context.Context, in *DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != nil {
		return nil, awserr.New("InvalidParameterCombinationException", 0, "AlarmNames and AlarmNamePrefix cannot be specified together.")
	}
	if (in.ChildrenOfAlarmName != nil || in.ParentsOfAlarmName != nil) && (len(in.AlarmNames) > 0 || in.AlarmNamePrefix != nil || in.ActionPrefix != nil || in.StateValue != nil) {
		// AWS: ChildrenOfAlarmName and ParentsOfAlarmName exclude the other filters.
		return nil, awserr.New("InvalidParameterCombinationException", 0, "ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with other filters.")
	}
	types := map[string]bool{typeMetric: true} // AWS: without AlarmTypes, only metric alarms
	if len(in.AlarmTypes) > 0 {
		types = map[string]bool{}
		for _, t := range in.AlarmTypes {
			types[t] = true
		}
	}
	page := int(ptr.Or(in.MaxRecords, describeAlarmsPage))
	from := ptr.Val(in.AlarmNamePrefix)
	if tok := ptr.Val(in.NextToken); tok != "" {
		k, err := decodeToken(tok)
		if err != nil {
			return nil, awserr.New("InvalidNextToken", 0, "The service cannot process the nextToken.")
		}
		from = k + "\x00"
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	out := &DescribeAlarmsOutput{MetricAlarms: []MetricAlarm{}, CompositeAlarms: []CompositeAlarm{}}
	err := s.db.View(func(tx *state.Tx) error {
		var family map[string]bool
		switch {
		case in.ChildrenOfAlarmName != nil:
			family = map[string]bool{}
			if p, ok := s.alarms.Get(tx, sc, *in.ChildrenOfAlarmName); ok && p.Type == typeComposite {
				if r, err := parseRule(p.AlarmRule); err == nil {
					for _, c := range r.children() {
						family[c] = true
					}
				}
			}
		case in.ParentsOfAlarmName != nil:
			family = map[string]bool{}
			for _, p := range s.parents(tx, sc, *in.ParentsOfAlarmName) {
				family[p.Name] = true
			}
		}
		names := map[string]bool{}
		for _, n := range in.AlarmNames {
			names[n] = true
		}
		n, last := 0, ""
		s.alarms.Ascend(tx, sc, from, func(name string, a alarmRec) bool {
			if in.AlarmNamePrefix != nil && !strings.HasPrefix(name, *in.AlarmNamePrefix) {
				return false
			}
			switch {
			case len(names) > 0 && !names[name],
				family != nil && !family[name],
				!types[a.Type],
				in.StateValue != nil && a.State != *in.StateValue,
				in.ActionPrefix != nil && !hasActionPrefix(&a, *in.ActionPrefix):
				return true
			}
			if n == page {
				out.NextToken = ptr.To(encodeToken(last))
				return false
			}
			n++
			last = name
			if a.Type == typeComposite {
				out.CompositeAlarms = append(out.CompositeAlarms, toCompositeAlarm(&a))
			} else {
				out.MetricAlarms = append(out.MetricAlarms, toMetricAlarm(&a))
			}
			return true
		})
		return nil
	})
	return out, err
}

func hasActionPrefix(a *alarmRec, prefix string) bool {
	for _, list := range [][]string{a.AlarmActions, a.OKActions, a.InsufficientDataActions} {
		for _, act := range list {
			if strings.HasPrefix(act, prefix) {
				return true
			}
		}
	}
	return false
}

// parents lists the composite alarms whose rules name child.
func (s *Service) parents(tx *state.Tx, sc state.Scope, child string) []alarmRec {
	var out []alarmRec
	s.alarms.Ascend(tx, sc, "", func(_ string, a alarmRec) bool {
		if a.Type == typeComposite {
			if r, err := parseRule(a.AlarmRule); err == nil && contains(r.children(), child) {
				out = append(out, a)
			}
		}
		return true
	})
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func toMetricAlarm(a *alarmRec) MetricAlarm {
	m := MetricAlarm{
		AlarmName:                          ptr.To(a.Name),
		AlarmArn:                           ptr.To(a.Arn),
		ActionsEnabled:                     ptr.To(a.ActionsEnabled),
		AlarmActions:                       orEmpty(a.AlarmActions),
		OKActions:                          orEmpty(a.OKActions),
		InsufficientDataActions:            orEmpty(a.InsufficientDataActions),
		AlarmConfigurationUpdatedTimestamp: ptr.To(ms(a.ConfigUpdated)),
		StateValue:                         ptr.To(a.State),
		StateReason:                        ptr.To(a.StateReason),
		StateUpdatedTimestamp:              ptr.To(ms(a.StateUpdated)),
		StateTransitionedTimestamp:         ptr.To(ms(a.StateTransitioned)),
		Dimensions:                         fromDims(a.Dimensions),
		EvaluationPeriods:                  ptr.To(a.EvaluationPeriods),
		ComparisonOperator:                 nonEmpty(a.ComparisonOperator),
		Threshold:                          a.Threshold,
		Metrics:                            a.Metrics,
		EvaluationCriteria:                 a.EvaluationCriteria,
		// AWS: an alarm created without TreatMissingData reports none.
		TreatMissingData:                 nonEmpty(a.TreatMissingData),
		AlarmDescription:                 nonEmpty(a.Description),
		Namespace:                        nonEmpty(a.Namespace),
		MetricName:                       nonEmpty(a.MetricName),
		Statistic:                        nonEmpty(a.Statistic),
		ExtendedStatistic:                nonEmpty(a.ExtendedStatistic),
		Unit:                             nonEmpty(a.Unit),
		ThresholdMetricId:                nonEmpty(a.ThresholdMetricID),
		EvaluateLowSampleCountPercentile: nonEmpty(a.EvaluateLowSampleCountPercentile),
		StateReasonData:                  nonEmpty(a.StateReasonData),
	}
	if a.Period != 0 {
		m.Period = ptr.To(a.Period)
	}
	if a.DatapointsToAlarm != 0 {
		m.DatapointsToAlarm = ptr.To(a.DatapointsToAlarm)
	}
	if a.EvaluationInterval != 0 {
		m.EvaluationInterval = ptr.To(a.EvaluationInterval)
	}
	if a.EvaluationCriteria != nil {
		m.EvaluationState = ptr.To("PARTIAL_DATA")
	}
	return m
}

func toCompositeAlarm(a *alarmRec) CompositeAlarm {
	return CompositeAlarm{
		AlarmName:                          ptr.To(a.Name),
		AlarmArn:                           ptr.To(a.Arn),
		AlarmRule:                          ptr.To(a.AlarmRule),
		AlarmDescription:                   nonEmpty(a.Description),
		ActionsEnabled:                     ptr.To(a.ActionsEnabled),
		AlarmActions:                       orEmpty(a.AlarmActions),
		OKActions:                          orEmpty(a.OKActions),
		InsufficientDataActions:            orEmpty(a.InsufficientDataActions),
		AlarmConfigurationUpdatedTimestamp: ptr.To(ms(a.ConfigUpdated)),
		StateValue:                         ptr.To(a.State),
		StateReason:                        ptr.To(a.StateReason),
		StateReasonData:                    nonEmpty(a.StateReasonData),
		StateUpdatedTimestamp:              ptr.To(ms(a.StateUpdated)),
		StateTransitionedTimestamp:         ptr.To(ms(a.StateTransitioned)),
		ActionsSuppressor:                  nonEmpty(a.ActionsSuppressor),
		ActionsSuppressorWaitPeriod:        a.ActionsSuppressorWaitPeriod,
		ActionsSuppressorExtensionPeriod:   a.ActionsSuppressorExtensionPeriod,
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// DescribeAlarmsForMetric lists the metric alarms watching one metric.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmsForMetric.html
func (s *Service) DescribeAlarmsForMetric(ctx context.Context, in *DescribeAlarmsForMetricInput) (*DescribeAlarmsForMetricOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	want := metricKey(ptr.Val(in.Namespace), ptr.Val(in.MetricName), toDims(in.Dimensions))
	out := &DescribeAlarmsForMetricOutput{MetricAlarms: []MetricAlarm{}}
	err := s.db.View(func(tx *state.Tx) error {
		s.alarms.Ascend(tx, sc, "", func(_ string, a alarmRec) bool {
			switch {
			case a.Type != typeMetric || len(a.Metrics) > 0,
				metricKey(a.Namespace, a.MetricName, a.Dimensions) != want,
				in.Statistic != nil && a.Statistic != *in.Statistic,
				in.ExtendedStatistic != nil && a.ExtendedStatistic != *in.ExtendedStatistic,
				in.Period != nil && a.Period != *in.Period,
				in.Unit != nil && a.Unit != *in.Unit:
				return true
			}
			out.MetricAlarms = append(out.MetricAlarms, toMetricAlarm(&a))
			return true
		})
		return nil
	})
	return out, err
}

// DeleteAlarms deletes alarms: all of them, or none if one does not exist.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html
func (s *Service) DeleteAlarms(ctx context.Context, in *DeleteAlarmsInput) (*DeleteAlarmsOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var missing []string
		for _, n := range in.AlarmNames {
			if _, ok := s.alarms.Get(tx, sc, n); !ok {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			// AWS: "In the event of an error, no alarms are deleted."
			return awserr.New("ResourceNotFound", 0, "%d alarm(s) not found: %s", len(missing), strings.Join(missing, ", "))
		}
		for _, n := range in.AlarmNames {
			for _, p := range s.parents(tx, sc, n) {
				if !contains(in.AlarmNames, p.Name) {
					// AWS: an alarm a composite alarm's rule names cannot be deleted before it.
					return awserr.New("ValidationError", 400, "Alarm %s is referenced by composite alarm %s and cannot be deleted.", n, p.Name)
				}
			}
		}
		for _, n := range in.AlarmNames {
			s.alarms.Delete(tx, sc, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range in.AlarmNames {
		s.ev.unschedule(sc, n)
	}
	return &DeleteAlarmsOutput{}, nil
}

// EnableAlarmActions enables the actions of alarms.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_EnableAlarmActions.html
func (s *Service) EnableAlarmActions(ctx context.Context, in *EnableAlarmActionsInput) (*EnableAlarmActionsOutput, error) {
	return &EnableAlarmActionsOutput{}, s.setActionsEnabled(ctx, in.AlarmNames, true)
}

// DisableAlarmActions disables the actions of alarms.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html
func (s *Service) DisableAlarmActions(ctx context.Context, in *DisableAlarmActionsInput) (*DisableAlarmActionsOutput, error) {
	return &DisableAlarmActionsOutput{}, s.setActionsEnabled(ctx, in.AlarmNames, false)
}

func (s *Service) setActionsEnabled(ctx context.Context, names []string, on bool) error {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	now := s.clock.Now()
	return s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range names {
			a, ok := s.alarms.Get(tx, sc, n)
			if !ok || a.ActionsEnabled == on {
				continue // AWS: names of alarms that do not exist are ignored
			}
			a.ActionsEnabled = on
			a.ConfigUpdated = now.UnixMilli()
			s.alarms.Put(tx, sc, n, a)
			s.recordHistory(tx, sc, &a, "ConfigurationUpdate", fmt.Sprintf("Alarm %q updated", n),
				map[string]any{"version": "1.0", "type": "Update", "updatedAlarm": historyView(&a)}, now)
		}
		return nil
	})
}

// SetAlarmState sets an alarm's state until its next evaluation.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
func (s *Service) SetAlarmState(ctx context.Context, in *SetAlarmStateInput) (*SetAlarmStateOutput, error) {
	if d := ptr.Val(in.StateReasonData); d != "" && !json.Valid([]byte(d)) {
		return nil, awserr.New("InvalidFormatFault", 0, "Invalid JSON in StateReasonData: %s", d)
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	var fired []firedAction
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a, ok := s.alarms.Get(tx, sc, ptr.Val(in.AlarmName))
		if !ok {
			return awserr.New("ResourceNotFound", 0, "Alarm %s not found", ptr.Val(in.AlarmName))
		}
		fired = s.transition(tx, sc, a, ptr.Val(in.StateValue), ptr.Val(in.StateReason), ptr.Val(in.StateReasonData), s.clock.Now(), true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.runActions(ctx, fired)
	return &SetAlarmStateOutput{}, nil
}

// toTags converts wire tags, keeping order and the last value of a repeated key.
func toTags(in []Tag) []tag {
	var out []tag
	for _, t := range in {
		out = setTag(out, ptr.Val(t.Key), ptr.Val(t.Value))
	}
	return out
}

func setTag(tags []tag, k, v string) []tag {
	out := make([]tag, 0, len(tags)+1)
	replaced := false
	for _, t := range tags {
		if t.Key == k {
			t.Value, replaced = v, true
		}
		out = append(out, t)
	}
	if !replaced {
		out = append(out, tag{k, v})
	}
	return out
}

func fromTags(in []tag) []Tag {
	out := make([]Tag, 0, len(in))
	for _, t := range in {
		out = append(out, Tag{Key: ptr.To(t.Key), Value: ptr.To(t.Value)})
	}
	return out
}

// taggable finds the alarm or dashboard an ARN names.
type taggable struct {
	kind string // "alarm" or "dashboard"
	name string
}

func parseResourceARN(s string) (taggable, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "cloudwatch" {
		return taggable{}, false
	}
	if name, ok := strings.CutPrefix(a.Resource, "alarm:"); ok {
		return taggable{"alarm", name}, true
	}
	if name, ok := strings.CutPrefix(a.Resource, "dashboard/"); ok {
		return taggable{"dashboard", name}, true
	}
	return taggable{}, false
}

// editTags applies f to the tags of the resource an ARN names.
func (s *Service) editTags(ctx context.Context, resource string, f func([]tag) []tag) error {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	r, ok := parseResourceARN(resource)
	if !ok {
		return resourceNotFound(resource, "")
	}
	notFound := resourceNotFound(resource, r.kind)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		switch r.kind {
		case "alarm":
			a, ok := s.alarms.Get(tx, sc, r.name)
			if !ok || a.Arn != resource {
				return notFound
			}
			a.Tags = f(a.Tags)
			s.alarms.Put(tx, sc, r.name, a)
		default:
			d, ok := s.dashboards.Get(tx, sc, r.name)
			if !ok {
				return notFound
			}
			d.Tags = f(d.Tags)
			s.dashboards.Put(tx, sc, r.name, d)
		}
		return nil
	})
}

// resourceNotFound is TagResource's error for an ARN naming nothing.
func resourceNotFound(resource, kind string) error {
	e := awserr.New("ResourceNotFoundException", 0, "The %s %s does not exist.", orWord(kind, "resource"), resource).WithField("ResourceId", resource)
	if kind != "" {
		e = e.WithField("ResourceType", kind)
	}
	return e
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TagResource adds or replaces tags of an alarm or dashboard.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceInput) (*TagResourceOutput, error) {
	err := s.editTags(ctx, ptr.Val(in.ResourceARN), func(tags []tag) []tag {
		for _, t := range in.Tags {
			tags = setTag(tags, ptr.Val(t.Key), ptr.Val(t.Value))
		}
		return tags
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from an alarm or dashboard.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceInput) (*UntagResourceOutput, error) {
	err := s.editTags(ctx, ptr.Val(in.ResourceARN), func(tags []tag) []tag {
		var out []tag
		for _, t := range tags {
			if !contains(in.TagKeys, t.Key) {
				out = append(out, t)
			}
		}
		return out
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists the tags of an alarm or dashboard.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	resource := ptr.Val(in.ResourceARN)
	r, _ := parseResourceARN(resource)
	var tags []tag
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		switch r.kind {
		case "alarm":
			a, ok := s.alarms.Get(tx, sc, r.name)
			tags, found = a.Tags, ok && a.Arn == resource
		case "dashboard":
			d, ok := s.dashboards.Get(tx, sc, r.name)
			tags, found = d.Tags, ok
		}
		return nil
	})
	if !found {
		return nil, resourceNotFound(resource, r.kind)
	}
	return &ListTagsForResourceOutput{Tags: fromTags(tags)}, nil
}
