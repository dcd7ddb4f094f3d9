package autoscaling_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// scaler is a haneul with a fake clock and the clients the scaling tests use.
type scaler struct {
	t   *testing.T
	clk *clock.Fake
	url string
	as  *autoscaling.Client
	cw  *cloudwatch.Client
	ec2 *ec2.Client
	cfg aws.Config
}

func newScaler(t *testing.T) *scaler {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	return &scaler{t: t, clk: clk, url: srv.URL, cfg: cfg,
		as: autoscaling.NewFromConfig(cfg), cw: cloudwatch.NewFromConfig(cfg), ec2: ec2.NewFromConfig(cfg)}
}

// group creates a launch configuration and a group over the default subnets.
func (s *scaler) group(name string, minSize, maxSize, desired int32, policies ...string) {
	s.t.Helper()
	ctx := context.Background()
	imgs, err := s.ec2.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, Filters: []ec2types.Filter{{Name: aws.String("architecture"), Values: []string{"x86_64"}}}})
	if err != nil || len(imgs.Images) == 0 {
		s.t.Fatalf("images: %v", err)
	}
	sn, err := s.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		s.t.Fatal(err)
	}
	var subnets []string
	for _, x := range sn.Subnets {
		subnets = append(subnets, *x.SubnetId)
	}
	sort.Strings(subnets)
	if _, err := s.as.CreateLaunchConfiguration(ctx, &autoscaling.CreateLaunchConfigurationInput{
		LaunchConfigurationName: aws.String(name), ImageId: imgs.Images[0].ImageId, InstanceType: aws.String("t3.micro"),
	}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), LaunchConfigurationName: aws.String(name),
		MinSize: aws.Int32(minSize), MaxSize: aws.Int32(maxSize), DesiredCapacity: aws.Int32(desired),
		VPCZoneIdentifier: aws.String(strings.Join(subnets[:2], ",")), TerminationPolicies: policies,
	}); err != nil {
		s.t.Fatal(err)
	}
	s.waitInstances(name, int(desired))
}

// instances returns the group's instance ids in launch order.
func (s *scaler) instances(name string) []string {
	s.t.Helper()
	out, err := s.as.DescribeAutoScalingGroups(context.Background(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil || len(out.AutoScalingGroups) != 1 {
		s.t.Fatalf("DescribeAutoScalingGroups: %v", err)
	}
	var ids []string
	for _, i := range out.AutoScalingGroups[0].Instances {
		ids = append(ids, *i.InstanceId)
	}
	return ids
}

func (s *scaler) desired(name string) int32 {
	s.t.Helper()
	out, err := s.as.DescribeAutoScalingGroups(context.Background(), &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil || len(out.AutoScalingGroups) != 1 {
		s.t.Fatalf("DescribeAutoScalingGroups: %v", err)
	}
	return aws.ToInt32(out.AutoScalingGroups[0].DesiredCapacity)
}

// waitInstances waits (the controller ticks each real second) for n instances.
func (s *scaler) waitInstances(name string, n int) []string {
	s.t.Helper()
	var ids []string
	waitFor(s.t, "instances of "+name, func() bool { ids = s.instances(name); return len(ids) == n })
	return ids
}

// cpu sets the CPU utilisation haneul reports, through the admin endpoint.
func (s *scaler) cpu(param, target string, percent string) {
	s.t.Helper()
	resp, err := http.PostForm(s.url+"/_haneul/ec2/cpu", url.Values{param: {target}, "percent": {percent}})
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("POST /_haneul/ec2/cpu: %s", resp.Status)
	}
}

// minutes moves the fake clock on minute by minute, giving the metric
// publisher and the alarm evaluator (they poll every 200 ms) time to run.
func (s *scaler) minutes(n int, until func() bool) bool {
	s.t.Helper()
	for range n {
		s.clk.Advance(time.Minute)
		time.Sleep(600 * time.Millisecond)
		if until != nil && until() {
			return true
		}
	}
	return until == nil
}

func (s *scaler) alarmState(name string) cwtypes.StateValue {
	s.t.Helper()
	out, err := s.cw.DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil || len(out.MetricAlarms) != 1 {
		s.t.Fatalf("DescribeAlarms %s: %v", name, err)
	}
	return out.MetricAlarms[0].StateValue
}

// causes lists the group's activity causes, oldest first.
func (s *scaler) causes(name string) []string {
	out, err := s.as.DescribeScalingActivities(context.Background(), &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String(name)})
	if err != nil {
		s.t.Fatal(err)
	}
	var c []string
	for _, a := range slices.Backward(out.Activities) {
		c = append(c, aws.ToString(a.Cause))
	}
	return c
}

// TestTargetTracking: a group of 2 with a 50 % CPU target tracking policy
// scales out to 4 when its CPU goes to 90 %, and back in to 2 when it drops
// to 10 %; NewestInstance terminates exactly the two instances scale out added.
func TestTargetTracking(t *testing.T) {
	s := newScaler(t)
	ctx := context.Background()
	s.group("web", 2, 4, 2, "NewestInstance")
	first := s.instances("web")

	put, err := s.as.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{
		AutoScalingGroupName: aws.String("web"), PolicyName: aws.String("cpu50"), PolicyType: aws.String("TargetTrackingScaling"),
		EstimatedInstanceWarmup: aws.Int32(60),
		TargetTrackingConfiguration: &astypes.TargetTrackingConfiguration{
			PredefinedMetricSpecification: &astypes.PredefinedMetricSpecification{PredefinedMetricType: astypes.MetricTypeASGAverageCPUUtilization},
			TargetValue:                   aws.Float64(50),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(put.PolicyARN), "arn:aws:autoscaling:ap-northeast-2:") || !strings.HasSuffix(*put.PolicyARN, ":autoScalingGroupName/web:policyName/cpu50") {
		t.Errorf("policy ARN %s", aws.ToString(put.PolicyARN))
	}
	if len(put.Alarms) != 2 {
		t.Fatalf("alarms %+v", put.Alarms)
	}
	high, low := *put.Alarms[0].AlarmName, *put.Alarms[1].AlarmName
	if !strings.HasPrefix(high, "TargetTracking-web-AlarmHigh-") || !strings.HasPrefix(low, "TargetTracking-web-AlarmLow-") {
		t.Errorf("alarm names %s, %s", high, low)
	}
	al, err := s.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{high, low}})
	if err != nil || len(al.MetricAlarms) != 2 {
		t.Fatalf("DescribeAlarms: %v", err)
	}
	for _, a := range al.MetricAlarms {
		want := map[string]float64{high: 50, low: 45}[*a.AlarmName]
		if aws.ToFloat64(a.Threshold) != want || *a.MetricName != "CPUUtilization" || *a.Namespace != "AWS/EC2" ||
			len(a.AlarmActions) != 1 || a.AlarmActions[0] != *put.PolicyARN || *a.Dimensions[0].Value != "web" {
			t.Errorf("alarm %s: threshold %v, %s/%s, actions %v", *a.AlarmName, aws.ToFloat64(a.Threshold), *a.Namespace, *a.MetricName, a.AlarmActions)
		}
	}

	// CPU 90 %: three breaching minutes move AlarmHigh to ALARM, and the
	// policy takes the group to ceil(2 × 90 / 50) = 4.
	s.cpu("group", "web", "90")
	if !s.minutes(8, func() bool { return s.desired("web") == 4 }) {
		t.Fatalf("no scale out: desired %d, AlarmHigh %s", s.desired("web"), s.alarmState(high))
	}
	if st := s.alarmState(high); st != cwtypes.StateValueAlarm {
		t.Errorf("AlarmHigh in %s", st)
	}
	all4 := s.waitInstances("web", 4)
	added := slices.DeleteFunc(slices.Clone(all4), func(id string) bool { return slices.Contains(first, id) })
	if len(added) != 2 {
		t.Fatalf("instances %v after %v", all4, first)
	}
	causes := strings.Join(s.causes("web"), "\n")
	if !strings.Contains(causes, "a monitor alarm "+high+" in state ALARM triggered policy cpu50 changing the desired capacity from 2 to 4.  At ") {
		t.Errorf("causes:\n%s", causes)
	}
	// The metric CloudWatch published is the group average, with the group
	// dimension target tracking watches.
	stats, err := s.cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"), Period: aws.Int32(60),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String("web")}},
		StartTime:  aws.Time(s.clk.Now().Add(-time.Hour)), EndTime: aws.Time(s.clk.Now().Add(time.Minute)),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage},
	})
	if err != nil || len(stats.Datapoints) == 0 || aws.ToFloat64(stats.Datapoints[0].Average) != 90 {
		t.Errorf("group CPU statistics: %v %+v", err, stats)
	}

	// CPU 10 %: fifteen minutes below 45 % move AlarmLow to ALARM; the
	// policy scales in to the minimum, and NewestInstance picks the two
	// instances scale out added.
	s.cpu("group", "web", "10")
	if !s.minutes(25, func() bool { return s.desired("web") == 2 }) {
		t.Fatalf("no scale in: desired %d, AlarmLow %s", s.desired("web"), s.alarmState(low))
	}
	left := s.waitInstances("web", 2)
	slices.Sort(left)
	slices.Sort(first)
	if !slices.Equal(left, first) {
		t.Errorf("after scale in %v are left, want the first instances %v (terminated should be %v)", left, first, added)
	}
	causes = strings.Join(s.causes("web"), "\n")
	for _, id := range added {
		if !strings.Contains(causes, "a monitor alarm "+low+" in state ALARM triggered policy cpu50 changing the desired capacity from 4 to 2.  At ") ||
			!strings.Contains(causes, "instance "+id+" was selected for termination") {
			t.Errorf("causes lack the scale in of %s:\n%s", id, causes)
		}
	}

	// Deleting the policy deletes its alarms.
	if _, err := s.as.DeletePolicy(ctx, &autoscaling.DeletePolicyInput{AutoScalingGroupName: aws.String("web"), PolicyName: aws.String("cpu50")}); err != nil {
		t.Fatal(err)
	}
	al, _ = s.cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String("TargetTracking-web-")})
	if len(al.MetricAlarms) != 0 {
		t.Errorf("alarms left after DeletePolicy: %d", len(al.MetricAlarms))
	}
}

// TestSimpleScalingWithAlarm is qvic's setup: a metric alarm on the group's
// average CPU whose action is a simple scaling policy (and an SNS topic).
func TestSimpleScalingWithAlarm(t *testing.T) {
	s := newScaler(t)
	ctx := context.Background()
	s.group("app", 2, 3, 2, "OldestInstance")
	ids := s.instances("app")

	up, err := s.as.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{
		AutoScalingGroupName: aws.String("app"), PolicyName: aws.String("scale-out"),
		AdjustmentType: aws.String("ChangeInCapacity"), ScalingAdjustment: aws.Int32(1), Cooldown: aws.Int32(120),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Alarms) != 0 {
		t.Errorf("a simple policy created alarms: %+v", up.Alarms)
	}
	var ve smithy.APIError
	_, err = s.as.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("app"), PolicyName: aws.String("bad"), AdjustmentType: aws.String("ChangeInCapacity")})
	if !errors.As(err, &ve) || ve.ErrorCode() != "ValidationError" {
		t.Errorf("simple policy without adjustment: %v", err)
	}
	pols, err := s.as.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("app")})
	if err != nil || len(pols.ScalingPolicies) != 1 || aws.ToString(pols.ScalingPolicies[0].PolicyType) != "SimpleScaling" || aws.ToInt32(pols.ScalingPolicies[0].Cooldown) != 120 {
		t.Fatalf("DescribePolicies: %v %+v", err, pols)
	}

	// An SNS topic, delivering to an SQS queue, is the alarm's second action.
	sq, sn := sqs.NewFromConfig(s.cfg), sns.NewFromConfig(s.cfg)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("alarms")})
	if err != nil {
		t.Fatal(err)
	}
	qa, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	topic, err := sn.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("ops")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sn.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(qa.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("app-cpu-high"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String("app")}},
		Statistic:  cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(2), Threshold: aws.Float64(70),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
		AlarmActions:       []string{*up.PolicyARN, *topic.TopicArn},
	}); err != nil {
		t.Fatal(err)
	}

	// One instance at 100 %, the other at 60 %: the group averages 80 %.
	s.cpu("instance", ids[0], "100")
	s.cpu("instance", ids[1], "60")
	if !s.minutes(6, func() bool { return s.desired("app") == 3 }) {
		t.Fatalf("no scale out: desired %d, alarm %s", s.desired("app"), s.alarmState("app-cpu-high"))
	}
	s.waitInstances("app", 3)
	// The alarm stays in ALARM and invokes the policy each minute, but the
	// group is at its maximum; ExecutePolicy honouring the cooldown is refused.
	_, err = s.as.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("app"), PolicyName: aws.String("scale-out"), HonorCooldown: aws.Bool(true)})
	if !errors.As(err, &ve) || ve.ErrorCode() != "ScalingActivityInProgress" {
		t.Errorf("ExecutePolicy in cooldown: %v", err)
	}

	// The topic got the alarm's JSON.
	msgs, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10})
	if err != nil || len(msgs.Messages) != 1 {
		t.Fatalf("alarm notifications: %v %d", err, len(msgs.Messages))
	}
	var note struct {
		AlarmName, NewStateValue, OldStateValue, Region string
		Trigger                                         struct{ MetricName, Namespace string }
	}
	if err := json.Unmarshal([]byte(*msgs.Messages[0].Body), &note); err != nil {
		t.Fatalf("notification %s: %v", *msgs.Messages[0].Body, err)
	}
	if note.AlarmName != "app-cpu-high" || note.NewStateValue != "ALARM" || note.Region != "Asia Pacific (Seoul)" || note.Trigger.MetricName != "CPUUtilization" {
		t.Errorf("notification %+v", note)
	}
	hist, err := s.cw.DescribeAlarmHistory(ctx, &cloudwatch.DescribeAlarmHistoryInput{AlarmName: aws.String("app-cpu-high"), HistoryItemType: cwtypes.HistoryItemTypeAction})
	if err != nil || len(hist.AlarmHistoryItems) != 2 {
		t.Fatalf("action history: %v %+v", err, hist)
	}
	for _, h := range hist.AlarmHistoryItems {
		if !strings.HasPrefix(aws.ToString(h.HistorySummary), "Successfully executed action") {
			t.Errorf("action history: %s", aws.ToString(h.HistorySummary))
		}
	}
}

// TestScheduledActions: a one-time action runs at its time and is gone; a
// recurring one shows its next run and runs at each occurrence.
func TestScheduledActions(t *testing.T) {
	s := newScaler(t)
	ctx := context.Background()
	s.group("sched", 1, 5, 1)
	now := s.clk.Now()
	var ve smithy.APIError
	_, err := s.as.PutScheduledUpdateGroupAction(ctx, &autoscaling.PutScheduledUpdateGroupActionInput{
		AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("past"), StartTime: aws.Time(now.Add(-time.Hour)), DesiredCapacity: aws.Int32(2)})
	if !errors.As(err, &ve) || ve.ErrorCode() != "ValidationError" {
		t.Errorf("start time in the past: %v", err)
	}
	if _, err := s.as.PutScheduledUpdateGroupAction(ctx, &autoscaling.PutScheduledUpdateGroupActionInput{
		AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("morning"), StartTime: aws.Time(now.Add(5 * time.Minute)),
		MinSize: aws.Int32(2), DesiredCapacity: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.as.PutScheduledUpdateGroupAction(ctx, &autoscaling.PutScheduledUpdateGroupActionInput{
		AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("hourly"), Recurrence: aws.String("0 * * * *"),
		DesiredCapacity: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	out, err := s.as.DescribeScheduledActions(ctx, &autoscaling.DescribeScheduledActionsInput{AutoScalingGroupName: aws.String("sched")})
	if err != nil || len(out.ScheduledUpdateGroupActions) != 2 {
		t.Fatalf("DescribeScheduledActions: %v %+v", err, out)
	}
	for _, a := range out.ScheduledUpdateGroupActions {
		want := map[string]time.Time{"morning": now.Add(5 * time.Minute), "hourly": now.Add(time.Hour)}[*a.ScheduledActionName]
		if !aws.ToTime(a.StartTime).Equal(want) || !strings.Contains(aws.ToString(a.ScheduledActionARN), ":scheduledUpdateGroupAction:") {
			t.Errorf("%s: start %v want %v, ARN %s", *a.ScheduledActionName, aws.ToTime(a.StartTime), want, aws.ToString(a.ScheduledActionARN))
		}
	}
	s.clk.Advance(5 * time.Minute)
	s.waitInstances("sched", 3)
	causes := strings.Join(s.causes("sched"), "\n")
	if !strings.Contains(causes, "a scheduled action update of AutoScalingGroup constraints to min: 2, max: 5, desired: 3 changing the desired capacity from 1 to 3.") {
		t.Errorf("causes:\n%s", causes)
	}
	out, _ = s.as.DescribeScheduledActions(ctx, &autoscaling.DescribeScheduledActionsInput{AutoScalingGroupName: aws.String("sched")})
	if len(out.ScheduledUpdateGroupActions) != 1 || *out.ScheduledUpdateGroupActions[0].ScheduledActionName != "hourly" {
		t.Errorf("after the one-time action ran: %+v", out.ScheduledUpdateGroupActions)
	}
	s.clk.Advance(55 * time.Minute)
	s.waitInstances("sched", 4)
	out, _ = s.as.DescribeScheduledActions(ctx, &autoscaling.DescribeScheduledActionsInput{ScheduledActionNames: []string{"hourly"}})
	if len(out.ScheduledUpdateGroupActions) != 1 || !aws.ToTime(out.ScheduledUpdateGroupActions[0].StartTime).Equal(now.Add(2*time.Hour)) {
		t.Errorf("recurring action after its run: %+v", out.ScheduledUpdateGroupActions)
	}
	if _, err := s.as.DeleteScheduledAction(ctx, &autoscaling.DeleteScheduledActionInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("hourly")}); err != nil {
		t.Fatal(err)
	}
	_, err = s.as.DeleteScheduledAction(ctx, &autoscaling.DeleteScheduledActionInput{AutoScalingGroupName: aws.String("sched"), ScheduledActionName: aws.String("hourly")})
	if !errors.As(err, &ve) || ve.ErrorCode() != "ValidationError" {
		t.Errorf("deleting a deleted action: %v", err)
	}
}
