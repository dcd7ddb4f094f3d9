package cloudwatch

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"haneul/internal/arn"
)

// AutoScaling is what CloudWatch needs from Amazon EC2 Auto Scaling (the
// autoscaling service implements it in for_cloudwatch.go): running the
// scaling policies alarm actions name, and the groups whose metrics
// CloudWatch publishes.
type AutoScaling interface {
	// ExecuteAlarmPolicy runs the policy t.PolicyARN names because alarm
	// t.AlarmName is in state t.AlarmState.
	ExecuteAlarmPolicy(ctx context.Context, t PolicyTrigger) error
	// EachGroup calls fn with every Auto Scaling group, in every account
	// and region.
	EachGroup(ctx context.Context, fn func(GroupMetrics))
}

// PolicyTrigger is an alarm running an Auto Scaling policy.
type PolicyTrigger struct {
	Account, Region string
	PolicyARN       string
	AlarmName       string
	AlarmState      string
	Time            time.Time
	// Value is the newest datapoint the alarm evaluated and Threshold the
	// alarm's threshold (step scaling picks its step by their difference);
	// HasValue is false when the alarm was set by SetAlarmState or saw no data.
	Value, Threshold float64
	HasValue         bool
}

// GroupMetrics is one Auto Scaling group as its AWS/AutoScaling metrics
// and the AWS/EC2 metrics aggregated by AutoScalingGroupName see it.
type GroupMetrics struct {
	Account, Region, Group                   string
	Min, Max, Desired                        int64
	InService, Pending, Terminating, Standby int64
	// Instances are the ids of the group's in-service instances.
	Instances []string
}

// Topics is what CloudWatch needs from Amazon SNS to notify topics named in
// alarm actions (the sns service implements it in for_cloudwatch.go).
type Topics interface {
	PublishFromCloudWatch(ctx context.Context, topicARN, subject, message string) error
}

// SetTargets plugs in the services alarm actions run in: Auto Scaling
// policies and SNS topics. Either may be nil. It is called once, when the
// server wires its services (after construction, as Auto Scaling also uses
// CloudWatch).
func (s *Service) SetTargets(as AutoScaling, topics Topics) {
	s.sinkMu.Lock()
	s.autoscaling, s.topics = as, topics
	s.sinkMu.Unlock()
}

func (s *Service) targets() (AutoScaling, Topics) {
	s.sinkMu.RLock()
	defer s.sinkMu.RUnlock()
	return s.autoscaling, s.topics
}

// isScalingPolicy reports whether an action ARN names an Auto Scaling policy.
func isScalingPolicy(action string) bool {
	return strings.HasPrefix(action, "arn:") && strings.Contains(action, ":autoscaling:") && strings.Contains(action, ":scalingPolicy:")
}

// dispatch runs an action in a service haneul wires in: an Auto Scaling
// policy or an SNS topic. handled is false for actions of other kinds.
func (s *Service) dispatch(ctx context.Context, f firedAction) (handled bool, err error) {
	as, topics := s.targets()
	a, perr := arn.Parse(f.act.Action)
	if perr != nil {
		return false, nil
	}
	switch {
	case a.Service == "autoscaling" && as != nil:
		t := PolicyTrigger{Account: f.sc.Account, Region: f.sc.Region, PolicyARN: f.act.Action, AlarmName: f.alarm.Name,
			AlarmState: f.act.NewState, Time: f.act.Time}
		if f.alarm.Threshold != nil {
			t.Threshold = *f.alarm.Threshold
		}
		t.Value, t.HasValue = newestDatapoint(f.act.ReasonData)
		return true, as.ExecuteAlarmPolicy(ctx, t)
	case a.Service == "sns" && topics != nil:
		subject := fmt.Sprintf("%s: %q in %s", f.act.NewState, f.alarm.Name, regionName(f.sc.Region))
		if len(subject) > 100 {
			subject = subject[:100] // AWS: SNS subjects are at most 100 characters
		}
		return true, topics.PublishFromCloudWatch(ctx, f.act.Action, subject, alarmMessage(f))
	}
	return false, nil
}

// newestDatapoint reads the newest evaluated datapoint from StateReasonData.
func newestDatapoint(reasonData string) (float64, bool) {
	if reasonData == "" {
		return 0, false
	}
	var d struct {
		RecentDatapoints []float64 `json:"recentDatapoints"`
	}
	if json.Unmarshal([]byte(reasonData), &d) != nil || len(d.RecentDatapoints) == 0 {
		return 0, false
	}
	return d.RecentDatapoints[0], true
}

// alarmMessage is the JSON CloudWatch publishes to an SNS topic when an
// alarm changes state.
//
// AWS: the message carries the alarm's name, description, account, new and
// old state with reason, the change time, the region's long name, the
// alarm's actions and a Trigger object describing the metric and threshold.
func alarmMessage(f firedAction) string {
	a := f.alarm
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	msg := map[string]any{
		"AlarmName":                          a.Name,
		"AlarmDescription":                   nullable(a.Description),
		"AWSAccountId":                       f.sc.Account,
		"AlarmConfigurationUpdatedTimestamp": time.UnixMilli(a.ConfigUpdated).UTC().Format("2006-01-02T15:04:05.000+0000"),
		"NewStateValue":                      f.act.NewState,
		"NewStateReason":                     f.act.Reason,
		"StateChangeTime":                    f.act.Time.UTC().Format("2006-01-02T15:04:05.000+0000"),
		"Region":                             regionName(f.sc.Region),
		"AlarmArn":                           a.Arn,
		"OldStateValue":                      f.act.OldState,
		"OKActions":                          orEmpty(a.OKActions),
		"AlarmActions":                       orEmpty(a.AlarmActions),
		"InsufficientDataActions":            orEmpty(a.InsufficientDataActions),
	}
	if a.Type == typeMetric {
		dims := []map[string]string{}
		for _, d := range a.Dimensions {
			dims = append(dims, map[string]string{"value": d.Value, "name": d.Name})
		}
		trig := map[string]any{
			"MetricName":                       a.MetricName,
			"Namespace":                        a.Namespace,
			"StatisticType":                    "Statistic",
			"Statistic":                        strings.ToUpper(a.Statistic),
			"Unit":                             nullable(a.Unit),
			"Dimensions":                       dims,
			"Period":                           a.Period,
			"EvaluationPeriods":                a.EvaluationPeriods,
			"ComparisonOperator":               a.ComparisonOperator,
			"TreatMissingData":                 a.TreatMissingData,
			"EvaluateLowSampleCountPercentile": a.EvaluateLowSampleCountPercentile,
		}
		if a.ExtendedStatistic != "" {
			trig["StatisticType"], trig["Statistic"] = "ExtendedStatistic", a.ExtendedStatistic
		}
		if a.DatapointsToAlarm > 0 {
			trig["DatapointsToAlarm"] = a.DatapointsToAlarm
		}
		if a.Threshold != nil {
			trig["Threshold"] = *a.Threshold
		}
		msg["Trigger"] = trig
	} else {
		msg["AlarmRule"] = a.AlarmRule
	}
	b, _ := json.Marshal(msg)
	return string(b)
}

// regionName is a region's long name, as alarm notifications show it.
func regionName(region string) string {
	names := map[string]string{
		"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)",
		"us-west-2": "US West (Oregon)", "ap-northeast-1": "Asia Pacific (Tokyo)", "ap-northeast-2": "Asia Pacific (Seoul)",
		"ap-northeast-3": "Asia Pacific (Osaka)", "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)",
		"ap-south-1": "Asia Pacific (Mumbai)", "ca-central-1": "Canada (Central)", "eu-central-1": "EU (Frankfurt)",
		"eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)", "eu-west-3": "EU (Paris)", "eu-north-1": "EU (Stockholm)",
		"sa-east-1": "South America (Sao Paulo)",
	}
	if n, ok := names[region]; ok {
		return n
	}
	return region
}
