package autoscaling

import (
	"context"
	"slices"
	"time"

	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// record stores a completed scaling activity of group g.
func (s *Service) record(tx *state.Tx, sc state.Scope, g groupRec, desc, cause string, now time.Time, status string) Activity {
	a := Activity{
		ActivityId: ptr.To(ids.UUID()), AutoScalingGroupName: g.AutoScalingGroupName, AutoScalingGroupARN: g.AutoScalingGroupARN,
		Description: ptr.To(desc), Cause: ptr.To(cause), StartTime: ptr.To(now), EndTime: ptr.To(now),
		StatusCode: ptr.To(status), Progress: ptr.To(int64(100)), Details: ptr.To("{}"),
	}
	s.activities.Put(tx, sc, *g.AutoScalingGroupName+"\x00"+now.Format("20060102150405.000")+"\x00"+*a.ActivityId, a)
	return a
}

// DescribeScalingActivities lists a group's (or every group's) activities, newest first.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeScalingActivities.html
func (s *Service) DescribeScalingActivities(ctx context.Context, in *DescribeScalingActivitiesType) (*ActivitiesType, error) {
	sc := s.scope(ctx)
	var out []Activity
	_ = s.db.View(func(tx *state.Tx) error {
		prefix := ""
		if g := ptr.Val(in.AutoScalingGroupName); g != "" {
			prefix = g + "\x00"
		}
		s.activities.AscendPrefix(tx, sc, prefix, func(_ string, a Activity) bool {
			if len(in.ActivityIds) == 0 || slices.Contains(in.ActivityIds, *a.ActivityId) {
				out = append(out, a)
			}
			return true
		})
		return nil
	})
	slices.SortStableFunc(out, func(a, b Activity) int { return b.StartTime.Compare(*a.StartTime) })
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &ActivitiesType{Activities: nonNil(items), NextToken: next}, nil
}
