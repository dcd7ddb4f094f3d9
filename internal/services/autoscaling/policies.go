package autoscaling

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/services/cloudwatch"
	"haneul/internal/state"
)

// Alarms is what Auto Scaling needs from CloudWatch: the alarms a target
// tracking policy creates and deletes (the cloudwatch service implements it
// in for_autoscaling.go).
type Alarms interface {
	PutScalingAlarm(ctx context.Context, account, region string, a cloudwatch.ScalingAlarm) (string, error)
	DeleteScalingAlarms(ctx context.Context, account, region string, names []string) error
}

// policyState is the part of the service that scales groups by policy and
// schedule: scaling policies, scheduled actions and each group's cooldown.
type policyState struct {
	policies  *state.Table[policyRec]     // "group\x00policy" → policy
	scheduled *state.Table[scheduledRec]  // "group\x00action" → scheduled action
	scaling   *state.Table[scaleRec]      // group → its cooldown, warm-up and the cause of its desired capacity
	hooks     *state.Table[LifecycleHook] // "group\x00hook" → lifecycle hook (lifecycle.go)
	alarms    Alarms
}

func newPolicyState(db *state.DB) policyState {
	return policyState{
		policies:  state.NewTable[policyRec](db, "policies"),
		scheduled: state.NewTable[scheduledRec](db, "scheduledActions"),
		scaling:   state.NewTable[scaleRec](db, "scaling"),
		hooks:     state.NewTable[LifecycleHook](db, "lifecycleHooks"),
	}
}

// SetAlarms plugs in CloudWatch, where target tracking policies create
// their alarms. The server calls it once, after building both services.
func (s *Service) SetAlarms(a Alarms) { s.policyState.alarms = a }

// policyRec is a scaling policy as stored.
type policyRec struct {
	ScalingPolicy
}

// scaleRec is what a group remembers of its last scaling by policy or schedule.
type scaleRec struct {
	// CooldownUntil: simple scaling policies do not run before it.
	CooldownUntil time.Time
	// WarmUntil and WarmBase: until WarmUntil the instances a scale out
	// added are warming up; WarmBase is the capacity before that scale out.
	WarmUntil time.Time
	WarmBase  int64
	// Desired and Cause: the desired capacity a policy or scheduled action
	// set, and why; the controller's activities quote the cause while the
	// group still wants that capacity.
	Desired int64
	Cause   string
}

func policyKey(group, name string) string { return group + "\x00" + name }

const (
	simpleScaling         = "SimpleScaling"
	stepScaling           = "StepScaling"
	targetTrackingScaling = "TargetTrackingScaling"
	predictiveScaling     = "PredictiveScaling"

	changeInCapacity        = "ChangeInCapacity"
	exactCapacity           = "ExactCapacity"
	percentChangeInCapacity = "PercentChangeInCapacity"
)

// predefined maps a predefined target tracking metric to its CloudWatch
// namespace, metric name and statistic.
var predefined = map[string][3]string{
	"ASGAverageCPUUtilization": {"AWS/EC2", "CPUUtilization", "Average"},
	"ASGAverageNetworkIn":      {"AWS/EC2", "NetworkIn", "Average"},
	"ASGAverageNetworkOut":     {"AWS/EC2", "NetworkOut", "Average"},
	"ALBRequestCountPerTarget": {"AWS/ApplicationELB", "RequestCountPerTarget", "Sum"},
}

// PutScalingPolicy creates or updates a scaling policy of a group. A target
// tracking policy gets the two CloudWatch alarms AWS creates for it.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html
func (s *Service) PutScalingPolicy(ctx context.Context, in *PutScalingPolicyType) (*PolicyARNType, error) {
	sc := s.scope(ctx)
	group, name := ptr.Val(in.AutoScalingGroupName), ptr.Val(in.PolicyName)
	p := ScalingPolicy{
		AutoScalingGroupName: ptr.To(group), PolicyName: ptr.To(name),
		PolicyType: ptr.To(cmp.Or(ptr.Val(in.PolicyType), simpleScaling)),
		Enabled:    ptr.To(ptr.Or(in.Enabled, true)),
		Alarms:     []Alarm{}, StepAdjustments: []StepAdjustment{},
	}
	if err := checkPolicy(&p, in); err != nil {
		return nil, err
	}
	var old policyRec
	var had bool
	var g groupRec
	err := s.db.View(func(tx *state.Tx) (err error) {
		if g, err = s.getGroup(tx, sc, group); err != nil {
			return err
		}
		old, had = s.policies.Get(tx, sc, policyKey(group, name))
		return nil
	})
	if err != nil {
		return nil, err
	}
	// AWS: an updated policy keeps its ARN.
	p.PolicyARN = old.PolicyARN
	if !had {
		p.PolicyARN = ptr.To(fmt.Sprintf("arn:aws:autoscaling:%s:%s:scalingPolicy:%s:autoScalingGroupName/%s:policyName/%s", sc.Region, sc.Account, ids.UUID(), group, name))
	}
	if had && ptr.Val(old.PolicyType) == targetTrackingScaling {
		if err := s.deleteAlarms(ctx, sc, old.Alarms); err != nil {
			return nil, err
		}
	}
	if *p.PolicyType == targetTrackingScaling {
		if p.Alarms, err = s.trackingAlarms(ctx, sc, g, p); err != nil {
			return nil, err
		}
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getGroup(tx, sc, group); err != nil {
			return err
		}
		s.policies.Put(tx, sc, policyKey(group, name), policyRec{p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PolicyARNType{PolicyARN: p.PolicyARN, Alarms: p.Alarms}, nil
}

// checkPolicy validates the input as AWS does for the policy's type and
// copies the fields that apply into p.
func checkPolicy(p *ScalingPolicy, in *PutScalingPolicyType) error {
	adj := ptr.Val(in.AdjustmentType)
	if adj != "" && adj != changeInCapacity && adj != exactCapacity && adj != percentChangeInCapacity {
		return validation("Invalid adjustment type %s", adj)
	}
	// AWS: MinAdjustmentMagnitude only goes with PercentChangeInCapacity.
	if in.MinAdjustmentMagnitude != nil && adj != percentChangeInCapacity {
		return validation("MinAdjustmentMagnitude is only supported with PercentChangeInCapacity adjustment type")
	}
	if in.MinAdjustmentMagnitude != nil && *in.MinAdjustmentMagnitude < 1 {
		return validation("MinAdjustmentMagnitude must be greater than or equal to 1")
	}
	switch *p.PolicyType {
	case simpleScaling:
		if in.ScalingAdjustment == nil {
			return validation("ScalingAdjustment is required for SimpleScaling policy type")
		}
		if adj == "" {
			return validation("AdjustmentType is required for SimpleScaling policy type")
		}
		if len(in.StepAdjustments) > 0 || in.TargetTrackingConfiguration != nil || in.EstimatedInstanceWarmup != nil || in.MetricAggregationType != nil {
			return validation("Only ScalingAdjustment, AdjustmentType, MinAdjustmentMagnitude and Cooldown apply to SimpleScaling policy type")
		}
		p.AdjustmentType, p.ScalingAdjustment, p.Cooldown, p.MinAdjustmentMagnitude = in.AdjustmentType, in.ScalingAdjustment, in.Cooldown, in.MinAdjustmentMagnitude
	case stepScaling:
		if len(in.StepAdjustments) == 0 {
			return validation("StepAdjustments is required for StepScaling policy type")
		}
		if adj == "" {
			return validation("AdjustmentType is required for StepScaling policy type")
		}
		if in.ScalingAdjustment != nil || in.Cooldown != nil || in.TargetTrackingConfiguration != nil {
			return validation("ScalingAdjustment, Cooldown and TargetTrackingConfiguration are not supported for StepScaling policy type")
		}
		if err := checkSteps(in.StepAdjustments); err != nil {
			return err
		}
		agg := cmp.Or(ptr.Val(in.MetricAggregationType), "Average")
		if agg != "Average" && agg != "Minimum" && agg != "Maximum" {
			return validation("Invalid metric aggregation type %s", agg)
		}
		p.AdjustmentType, p.StepAdjustments, p.MinAdjustmentMagnitude = in.AdjustmentType, in.StepAdjustments, in.MinAdjustmentMagnitude
		p.EstimatedInstanceWarmup, p.MetricAggregationType = in.EstimatedInstanceWarmup, ptr.To(agg)
	case targetTrackingScaling:
		tt := in.TargetTrackingConfiguration
		if tt == nil {
			return validation("TargetTrackingConfiguration is required for TargetTrackingScaling policy type")
		}
		if adj != "" || in.ScalingAdjustment != nil || len(in.StepAdjustments) > 0 || in.Cooldown != nil || in.MinAdjustmentMagnitude != nil {
			return validation("Only TargetTrackingConfiguration and EstimatedInstanceWarmup apply to TargetTrackingScaling policy type")
		}
		if tt.TargetValue == nil {
			return validation("TargetValue is required in TargetTrackingConfiguration")
		}
		switch pm, cm := tt.PredefinedMetricSpecification, tt.CustomizedMetricSpecification; {
		case (pm == nil) == (cm == nil):
			return validation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified")
		case pm != nil:
			typ := ptr.Val(pm.PredefinedMetricType)
			if _, ok := predefined[typ]; !ok {
				return validation("Predefined metric %s is not supported for Auto Scaling groups", typ)
			}
			// AWS: ALBRequestCountPerTarget names its target group in ResourceLabel.
			if typ == "ALBRequestCountPerTarget" && !strings.Contains(ptr.Val(pm.ResourceLabel), "/targetgroup/") {
				return validation("ResourceLabel is required for ALBRequestCountPerTarget and must be app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>")
			}
			if typ != "ALBRequestCountPerTarget" && pm.ResourceLabel != nil {
				return validation("ResourceLabel is only supported for ALBRequestCountPerTarget")
			}
		case cm != nil:
			if len(cm.Metrics) == 0 && (ptr.Val(cm.MetricName) == "" || ptr.Val(cm.Namespace) == "" || ptr.Val(cm.Statistic) == "") {
				return validation("CustomizedMetricSpecification needs MetricName, Namespace and Statistic, or Metrics")
			}
		}
		if tt.DisableScaleIn == nil {
			tt.DisableScaleIn = ptr.To(false)
		}
		p.TargetTrackingConfiguration, p.EstimatedInstanceWarmup = tt, in.EstimatedInstanceWarmup
	case predictiveScaling:
		if in.PredictiveScalingConfiguration == nil {
			return validation("PredictiveScalingConfiguration is required for PredictiveScaling policy type")
		}
		// Kept as given: haneul forecasts nothing, so it never scales.
		p.PredictiveScalingConfiguration = in.PredictiveScalingConfiguration
	default:
		return validation("Invalid policy type %s", *p.PolicyType)
	}
	return nil
}

// checkSteps validates step adjustments as AWS does: intervals do not
// overlap, at most one is open below and one above, and no gaps.
func checkSteps(steps []StepAdjustment) error {
	type iv struct{ lo, hi float64 }
	var ivs []iv
	for _, st := range steps {
		if st.ScalingAdjustment == nil {
			return validation("ScalingAdjustment is required in each step adjustment")
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		if st.MetricIntervalLowerBound != nil {
			lo = *st.MetricIntervalLowerBound
		}
		if st.MetricIntervalUpperBound != nil {
			hi = *st.MetricIntervalUpperBound
		}
		if st.MetricIntervalLowerBound == nil && st.MetricIntervalUpperBound == nil && len(steps) > 1 {
			return validation("Only one step adjustment may have both bounds unspecified")
		}
		if lo >= hi {
			return validation("Lower bound must be less than upper bound for a step adjustment")
		}
		ivs = append(ivs, iv{lo, hi})
	}
	slices.SortFunc(ivs, func(a, b iv) int { return cmp.Compare(a.lo, b.lo) })
	for i := 1; i < len(ivs); i++ {
		if ivs[i].lo < ivs[i-1].hi {
			return validation("Step adjustments must not overlap")
		}
		if ivs[i].lo > ivs[i-1].hi {
			return validation("Step adjustments must not have gaps between them")
		}
	}
	return nil
}

// trackingAlarms creates the AlarmHigh and AlarmLow alarms of a target
// tracking policy (only AlarmHigh when scale in is disabled).
//
// AWS: they are named TargetTracking-<group>-AlarmHigh-<uuid> and
// TargetTracking-<group>-AlarmLow-<uuid>, watch the metric each minute,
// go to ALARM above the target for 3 of 3 minutes, or below 90 % of the
// target for 15 of 15 minutes, and their description warns against editing them.
func (s *Service) trackingAlarms(ctx context.Context, sc state.Scope, g groupRec, p ScalingPolicy) ([]Alarm, error) {
	if s.policyState.alarms == nil {
		return nil, awserr.New("ServiceUnavailable", 503, "CloudWatch is not running: target tracking policies need its alarms")
	}
	tt := p.TargetTrackingConfiguration
	base := cloudwatch.ScalingAlarm{
		Description: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + *p.PolicyARN + ".",
		Period:      60, AlarmActions: []string{*p.PolicyARN},
	}
	if pm := tt.PredefinedMetricSpecification; pm != nil {
		m := predefined[*pm.PredefinedMetricType]
		base.Namespace, base.MetricName, base.Statistic = m[0], m[1], m[2]
		base.Dimensions = [][2]string{{"AutoScalingGroupName", *g.AutoScalingGroupName}}
		if *pm.PredefinedMetricType == "ALBRequestCountPerTarget" {
			label := *pm.ResourceLabel
			base.Dimensions = [][2]string{{"TargetGroup", label[strings.Index(label, "targetgroup/"):]}}
		}
	} else {
		cm := tt.CustomizedMetricSpecification
		base.Namespace, base.MetricName, base.Statistic, base.Unit = ptr.Val(cm.Namespace), ptr.Val(cm.MetricName), ptr.Val(cm.Statistic), ptr.Val(cm.Unit)
		if p := ptr.Val(cm.Period); p > 0 {
			base.Period = p
		}
		for _, d := range cm.Dimensions {
			base.Dimensions = append(base.Dimensions, [2]string{ptr.Val(d.Name), ptr.Val(d.Value)})
		}
		for _, q := range cm.Metrics {
			mq := cloudwatch.MetricDataQuery{Id: q.Id, Expression: q.Expression, Label: q.Label, ReturnData: q.ReturnData, Period: q.Period}
			if ms := q.MetricStat; ms != nil && ms.Metric != nil {
				stat := &cloudwatch.MetricStat{Stat: ms.Stat, Unit: ms.Unit, Period: ptr.To(cmp.Or(ptr.Val(ms.Period), base.Period)),
					Metric: &cloudwatch.Metric{Namespace: ms.Metric.Namespace, MetricName: ms.Metric.MetricName}}
				for _, d := range ms.Metric.Dimensions {
					stat.Metric.Dimensions = append(stat.Metric.Dimensions, cloudwatch.Dimension{Name: d.Name, Value: d.Value})
				}
				mq.MetricStat = stat
			}
			base.Metrics = append(base.Metrics, mq)
		}
		if len(base.Metrics) > 0 {
			base.Namespace, base.MetricName, base.Statistic, base.Unit, base.Dimensions = "", "", "", "", nil
		}
	}
	high := base
	high.Name = fmt.Sprintf("TargetTracking-%s-AlarmHigh-%s", *g.AutoScalingGroupName, ids.UUID())
	high.EvaluationPeriods, high.ToAlarm, high.Threshold, high.ComparisonOperator = 3, 3, *tt.TargetValue, "GreaterThanThreshold"
	specs := []cloudwatch.ScalingAlarm{high}
	if !ptr.Val(tt.DisableScaleIn) {
		low := base
		low.Name = fmt.Sprintf("TargetTracking-%s-AlarmLow-%s", *g.AutoScalingGroupName, ids.UUID())
		low.EvaluationPeriods, low.ToAlarm, low.Threshold, low.ComparisonOperator = 15, 15, *tt.TargetValue*0.9, "LessThanThreshold"
		specs = append(specs, low)
	}
	var out []Alarm
	for _, a := range specs {
		arn, err := s.policyState.alarms.PutScalingAlarm(ctx, sc.Account, sc.Region, a)
		if err != nil {
			_ = s.deleteAlarms(ctx, sc, out)
			return nil, err
		}
		out = append(out, Alarm{AlarmName: ptr.To(a.Name), AlarmARN: ptr.To(arn)})
	}
	return out, nil
}

// deleteAlarms deletes the alarms a target tracking policy created.
func (s *Service) deleteAlarms(ctx context.Context, sc state.Scope, alarms []Alarm) error {
	if len(alarms) == 0 || s.policyState.alarms == nil {
		return nil
	}
	names := make([]string, 0, len(alarms))
	for _, a := range alarms {
		names = append(names, ptr.Val(a.AlarmName))
	}
	return s.policyState.alarms.DeleteScalingAlarms(ctx, sc.Account, sc.Region, names)
}

// DescribePolicies lists scaling policies, of one group or of all, in name order.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribePolicies.html
func (s *Service) DescribePolicies(ctx context.Context, in *DescribePoliciesType) (*PoliciesType, error) {
	sc := s.scope(ctx)
	var out []ScalingPolicy
	_ = s.db.View(func(tx *state.Tx) error {
		prefix := ""
		if g := ptr.Val(in.AutoScalingGroupName); g != "" {
			prefix = g + "\x00"
		}
		s.policies.AscendPrefix(tx, sc, prefix, func(_ string, p policyRec) bool {
			// AWS: PolicyNames may hold names or ARNs.
			if len(in.PolicyNames) > 0 && !slices.Contains(in.PolicyNames, *p.PolicyName) && !slices.Contains(in.PolicyNames, *p.PolicyARN) {
				return true
			}
			if len(in.PolicyTypes) > 0 && !slices.Contains(in.PolicyTypes, *p.PolicyType) {
				return true
			}
			out = append(out, p.ScalingPolicy)
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &PoliciesType{ScalingPolicies: nonNil(items), NextToken: next}, nil
}

// findPolicy finds a policy by group and name, or by ARN in name.
func (s *Service) findPolicy(tx *state.Tx, sc state.Scope, group, name string) (policyRec, bool) {
	if g, n, ok := parsePolicyARN(name); ok {
		p, found := s.policies.Get(tx, sc, policyKey(g, n))
		return p, found && *p.PolicyARN == name
	}
	return s.policies.Get(tx, sc, policyKey(group, name))
}

// parsePolicyARN returns the group and policy an ARN names.
func parsePolicyARN(arn string) (group, name string, ok bool) {
	if !strings.HasPrefix(arn, "arn:") {
		return "", "", false
	}
	_, rest, ok := strings.Cut(arn, ":autoScalingGroupName/")
	if !ok {
		return "", "", false
	}
	group, name, ok = strings.Cut(rest, ":policyName/")
	return group, name, ok
}

// DeletePolicy deletes a scaling policy, and the alarms of a target tracking one.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeletePolicy.html
func (s *Service) DeletePolicy(ctx context.Context, in *DeletePolicyType) (*DeletePolicyOutput, error) {
	sc := s.scope(ctx)
	var p policyRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if p, ok = s.findPolicy(tx, sc, ptr.Val(in.AutoScalingGroupName), ptr.Val(in.PolicyName)); !ok {
			return validation("Policy %s not found", ptr.Val(in.PolicyName))
		}
		s.policies.Delete(tx, sc, policyKey(*p.AutoScalingGroupName, *p.PolicyName))
		return nil
	})
	if err != nil {
		return nil, err
	}
	// AWS: deleting a target tracking policy deletes its alarms; the
	// alarms of other policies are left for their owner to delete.
	if ptr.Val(p.PolicyType) == targetTrackingScaling {
		if err := s.deleteAlarms(ctx, sc, p.Alarms); err != nil {
			return nil, err
		}
	}
	return &DeletePolicyOutput{}, nil
}

// ExecutePolicy runs a simple or step scaling policy now.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_ExecutePolicy.html
func (s *Service) ExecutePolicy(ctx context.Context, in *ExecutePolicyType) (*ExecutePolicyOutput, error) {
	sc := s.scope(ctx)
	t := trigger{now: s.now(), honorCooldown: ptr.Val(in.HonorCooldown)}
	if in.MetricValue != nil {
		t.value, t.hasValue = *in.MetricValue, true
	}
	if in.BreachThreshold != nil {
		t.threshold = *in.BreachThreshold
	}
	var p policyRec
	if err := s.db.View(func(tx *state.Tx) error {
		var ok bool
		if p, ok = s.findPolicy(tx, sc, ptr.Val(in.AutoScalingGroupName), ptr.Val(in.PolicyName)); !ok {
			return validation("Policy %s not found", ptr.Val(in.PolicyName))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	switch *p.PolicyType {
	case targetTrackingScaling, predictiveScaling:
		return nil, validation("ExecutePolicy is not supported for policy type %s", *p.PolicyType)
	case stepScaling:
		// AWS: a step policy needs the metric value and the threshold it breached.
		if in.MetricValue == nil || in.BreachThreshold == nil {
			return nil, validation("MetricValue and BreachThreshold are required for StepScaling policies")
		}
	}
	if err := s.execute(ctx, sc, p, t); err != nil {
		return nil, err
	}
	return &ExecutePolicyOutput{}, nil
}

// trigger is what runs a policy: a user's ExecutePolicy or an alarm.
type trigger struct {
	now              time.Time
	alarm, state     string // the alarm and its state; "" for ExecutePolicy
	value, threshold float64
	hasValue         bool
	honorCooldown    bool
}

// execute runs policy p: it computes the group's new desired capacity,
// stores it with the cause AWS writes, and starts the cooldown or warm-up.
// The controller then launches or terminates instances.
func (s *Service) execute(ctx context.Context, sc state.Scope, p policyRec, t trigger) error {
	group := *p.AutoScalingGroupName
	return s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.getGroup(tx, sc, group)
		if err != nil {
			return err
		}
		if !ptr.Val(p.Enabled) {
			if t.alarm != "" {
				return nil // AWS: a disabled policy ignores its alarms
			}
			return validation("The policy %s is disabled", *p.PolicyName)
		}
		r, _ := s.scaling.Get(tx, sc, group)
		cur := ptr.Val(g.DesiredCapacity)
		warming := t.now.Before(r.WarmUntil)
		var want int64
		switch *p.PolicyType {
		case simpleScaling:
			// AWS: a simple policy waits out the cooldown after any
			// scaling activity; alarms always honour it, ExecutePolicy
			// when HonorCooldown is set.
			if (t.alarm != "" || t.honorCooldown) && t.now.Before(r.CooldownUntil) {
				if t.alarm != "" {
					return nil
				}
				return awserr.New("ScalingActivityInProgress", 0, "Scaling activity is in progress for Auto Scaling group %s; the cooldown ends at %s.", group, r.CooldownUntil.Format(time.RFC3339))
			}
			want = adjust(cur, *p.AdjustmentType, *p.ScalingAdjustment, ptr.Val(p.MinAdjustmentMagnitude))
		case stepScaling:
			if !t.hasValue {
				return nil
			}
			st, ok := pickStep(p.StepAdjustments, t.value-t.threshold)
			if !ok {
				return nil
			}
			// AWS: while the instances of a scale out warm up, they count
			// toward the capacity, so a breach of the same step adds nothing
			// and a higher step adds only the difference.
			base := cur
			if warming && *st.ScalingAdjustment > 0 {
				base = r.WarmBase
			}
			want = adjust(base, *p.AdjustmentType, *st.ScalingAdjustment, ptr.Val(p.MinAdjustmentMagnitude))
			if warming && want < cur && *st.ScalingAdjustment > 0 {
				want = cur
			}
		case targetTrackingScaling:
			if !t.hasValue {
				return nil
			}
			target := *p.TargetTrackingConfiguration.TargetValue
			// AWS: the capacity is moved in proportion to how far the
			// metric is from the target. Scale out waits for the instances
			// already added to warm up; scale in waits for no warm-up at all.
			want = int64(math.Ceil(float64(cur) * t.value / target))
			switch {
			case t.value > target:
				if warming {
					return nil
				}
				want = max(want, cur+1)
			case t.value < target:
				if warming || ptr.Val(p.TargetTrackingConfiguration.DisableScaleIn) {
					return nil
				}
				want = min(want, cur)
			default:
				return nil
			}
		default:
			return nil
		}
		want = min(max(want, ptr.Val(g.MinSize)), ptr.Val(g.MaxSize))
		if want == cur {
			return nil
		}
		at := t.now.Format(time.RFC3339)
		if t.alarm != "" {
			r.Cause = fmt.Sprintf("At %s a monitor alarm %s in state %s triggered policy %s changing the desired capacity from %d to %d.", at, t.alarm, t.state, *p.PolicyName, cur, want)
		} else {
			r.Cause = fmt.Sprintf("At %s a user request executed policy %s changing the desired capacity from %d to %d.", at, *p.PolicyName, cur, want)
		}
		r.Desired = want
		cooldown := time.Duration(cmp.Or(ptr.Val(p.Cooldown), ptr.Val(g.DefaultCooldown))) * time.Second
		r.CooldownUntil = t.now.Add(cooldown)
		if want > cur {
			// AWS: the warm-up is the policy's EstimatedInstanceWarmup, else
			// the group's DefaultInstanceWarmup, else its DefaultCooldown.
			warm := cmp.Or(ptr.Val(p.EstimatedInstanceWarmup), ptr.Val(g.DefaultInstanceWarmup), ptr.Val(g.DefaultCooldown))
			r.WarmUntil, r.WarmBase = t.now.Add(time.Duration(warm)*time.Second), cur
		}
		g.DesiredCapacity = ptr.To(want)
		s.groups.Put(tx, sc, group, g)
		s.scaling.Put(tx, sc, group, r)
		return nil
	})
}

// adjust applies a scaling adjustment to a capacity.
//
// AWS: PercentChangeInCapacity results that are not integers are rounded:
// above 1 down, between 0 and 1 to 1, between 0 and -1 to -1, below -1 up;
// MinAdjustmentMagnitude then raises the change to at least that many
// instances.
func adjust(cur int64, typ string, n, minMagnitude int64) int64 {
	switch typ {
	case exactCapacity:
		return n
	case percentChangeInCapacity:
		ch := float64(cur) * float64(n) / 100
		var d int64
		switch {
		case ch >= 1:
			d = int64(math.Floor(ch))
		case ch > 0:
			d = 1
		case ch <= -1:
			d = int64(math.Ceil(ch))
		case ch < 0:
			d = -1
		}
		if minMagnitude > 0 && d != 0 && abs(d) < minMagnitude {
			d = minMagnitude * (d / abs(d))
		}
		return cur + d
	}
	return cur + n
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// pickStep finds the step whose interval holds diff, the metric value
// minus the alarm's threshold (lower bound inclusive, upper exclusive).
func pickStep(steps []StepAdjustment, diff float64) (StepAdjustment, bool) {
	for _, st := range steps {
		lo, hi := math.Inf(-1), math.Inf(1)
		if st.MetricIntervalLowerBound != nil {
			lo = *st.MetricIntervalLowerBound
		}
		if st.MetricIntervalUpperBound != nil {
			hi = *st.MetricIntervalUpperBound
		}
		if diff >= lo && diff < hi {
			return st, true
		}
	}
	return StepAdjustment{}, false
}

// capacityCause is the start of the cause of the controller's activities
// for group at desired capacity: what set that capacity ("" when it was
// not a policy or a scheduled action).
func (s *Service) capacityCause(sc state.Scope, group string, desired int64) string {
	var r scaleRec
	_ = s.db.View(func(tx *state.Tx) error { r, _ = s.scaling.Get(tx, sc, group); return nil })
	if r.Cause == "" || r.Desired != desired {
		return ""
	}
	return r.Cause + "  "
}

// DescribeAdjustmentTypes lists the adjustment types of scaling policies.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAdjustmentTypes.html
func (s *Service) DescribeAdjustmentTypes(ctx context.Context, in *DescribeAdjustmentTypesInput) (*DescribeAdjustmentTypesAnswer, error) {
	return &DescribeAdjustmentTypesAnswer{AdjustmentTypes: []AdjustmentType{
		{AdjustmentType: ptr.To(changeInCapacity)}, {AdjustmentType: ptr.To(exactCapacity)}, {AdjustmentType: ptr.To(percentChangeInCapacity)},
	}}, nil
}

// dropGroupScaling deletes a deleted group's policies (with the alarms of
// its target tracking ones), scheduled actions and scaling state.
//
// AWS: deleting a group deletes its scaling policies, the alarms target
// tracking created, and its scheduled actions.
func (s *Service) dropGroupScaling(ctx context.Context, sc state.Scope, group string) {
	var alarms []Alarm
	_ = s.db.Update(ctx, func(tx *state.Tx) error {
		var keys []string
		s.policies.AscendPrefix(tx, sc, group+"\x00", func(k string, p policyRec) bool {
			keys = append(keys, k)
			if ptr.Val(p.PolicyType) == targetTrackingScaling {
				alarms = append(alarms, p.Alarms...)
			}
			return true
		})
		for _, k := range keys {
			s.policies.Delete(tx, sc, k)
		}
		keys = keys[:0]
		s.scheduled.AscendPrefix(tx, sc, group+"\x00", func(k string, _ scheduledRec) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			s.scheduled.Delete(tx, sc, k)
		}
		keys = keys[:0]
		s.hooks.AscendPrefix(tx, sc, group+"\x00", func(k string, _ LifecycleHook) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			s.hooks.Delete(tx, sc, k)
		}
		s.scaling.Delete(tx, sc, group)
		return nil
	})
	if err := s.deleteAlarms(ctx, sc, alarms); err != nil {
		s.log.Warn("autoscaling: deleting target tracking alarms", "group", group, "err", err)
	}
}
