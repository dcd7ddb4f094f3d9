package autoscaling

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// scheduledRec is a scheduled action as stored.
type scheduledRec struct {
	ScheduledUpdateGroupAction
	// Next is when the action runs next (zero: never again).
	Next time.Time
}

// PutScheduledUpdateGroupAction creates or updates a scheduled action.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScheduledUpdateGroupAction.html
func (s *Service) PutScheduledUpdateGroupAction(ctx context.Context, in *PutScheduledUpdateGroupActionType) (*PutScheduledUpdateGroupActionOutput, error) {
	start := in.StartTime
	if start == nil {
		start = in.Time // AWS: Time is the deprecated name of StartTime
	}
	req := ScheduledUpdateGroupActionRequest{
		ScheduledActionName: in.ScheduledActionName, DesiredCapacity: in.DesiredCapacity, MinSize: in.MinSize, MaxSize: in.MaxSize,
		StartTime: start, EndTime: in.EndTime, Recurrence: in.Recurrence, TimeZone: in.TimeZone,
	}
	if err := s.putScheduled(ctx, ptr.Val(in.AutoScalingGroupName), req); err != nil {
		return nil, err
	}
	return &PutScheduledUpdateGroupActionOutput{}, nil
}

// BatchPutScheduledUpdateGroupAction creates or updates up to 50 scheduled actions.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_BatchPutScheduledUpdateGroupAction.html
func (s *Service) BatchPutScheduledUpdateGroupAction(ctx context.Context, in *BatchPutScheduledUpdateGroupActionType) (*BatchPutScheduledUpdateGroupActionAnswer, error) {
	if n := len(in.ScheduledUpdateGroupActions); n == 0 || n > 50 {
		return nil, validation("The number of scheduled actions must be from 1 to 50, got %d", n)
	}
	if err := s.db.View(func(tx *state.Tx) error {
		_, err := s.getGroup(tx, s.scope(ctx), ptr.Val(in.AutoScalingGroupName))
		return err
	}); err != nil {
		return nil, err
	}
	out := &BatchPutScheduledUpdateGroupActionAnswer{FailedScheduledUpdateGroupActions: []FailedScheduledUpdateGroupActionRequest{}}
	for _, req := range in.ScheduledUpdateGroupActions {
		if err := s.putScheduled(ctx, ptr.Val(in.AutoScalingGroupName), req); err != nil {
			code, msg := errParts(err)
			out.FailedScheduledUpdateGroupActions = append(out.FailedScheduledUpdateGroupActions, FailedScheduledUpdateGroupActionRequest{
				ScheduledActionName: req.ScheduledActionName, ErrorCode: ptr.To(code), ErrorMessage: ptr.To(msg)})
		}
	}
	return out, nil
}

func (s *Service) putScheduled(ctx context.Context, group string, in ScheduledUpdateGroupActionRequest) error {
	sc := s.scope(ctx)
	name := ptr.Val(in.ScheduledActionName)
	now := s.now()
	// AWS: an action changes at least one of the sizes.
	if in.MinSize == nil && in.MaxSize == nil && in.DesiredCapacity == nil {
		return validation("At least one of MinSize, MaxSize or DesiredCapacity must be specified.")
	}
	loc := time.UTC
	if tz := ptr.Val(in.TimeZone); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return validation("Invalid time zone: %s", tz)
		}
		loc = l
	}
	a := ScheduledUpdateGroupAction{
		AutoScalingGroupName: ptr.To(group), ScheduledActionName: ptr.To(name),
		MinSize: in.MinSize, MaxSize: in.MaxSize, DesiredCapacity: in.DesiredCapacity,
		Recurrence: in.Recurrence, EndTime: in.EndTime, TimeZone: in.TimeZone,
	}
	var next time.Time
	if rec := ptr.Val(in.Recurrence); rec != "" {
		c, err := parseCron(rec)
		if err != nil {
			return validation("Given recurrence string %q is invalid: %v", rec, err)
		}
		from := now
		if in.StartTime != nil && in.StartTime.After(now) {
			from = in.StartTime.Add(-time.Minute)
		}
		if next = c.next(from, loc); next.IsZero() {
			return validation("Given recurrence string %q never occurs", rec)
		}
		// AWS: a recurring action shows its next run as its start time.
		a.StartTime = ptr.To(next.UTC())
	} else {
		switch {
		case in.StartTime == nil:
			return validation("Either StartTime or Recurrence must be specified.")
		case in.StartTime.Before(now):
			// AWS: a one-time action may not be scheduled in the past.
			return validation("Given start time is in the past")
		}
		next = in.StartTime.UTC()
		a.StartTime = ptr.To(next)
	}
	a.Time = a.StartTime
	if in.EndTime != nil && !in.EndTime.After(*a.StartTime) {
		return validation("End time must be after the start time")
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		g, err := s.getGroup(tx, sc, group)
		if err != nil {
			return err
		}
		old, had := s.scheduled.Get(tx, sc, policyKey(group, name))
		if had {
			a.ScheduledActionARN = old.ScheduledActionARN
		} else {
			a.ScheduledActionARN = ptr.To(fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledUpdateGroupAction:%s:autoScalingGroupName/%s:scheduledActionName/%s", sc.Region, sc.Account, ids.UUID(), *g.AutoScalingGroupName, name))
		}
		s.scheduled.Put(tx, sc, policyKey(group, name), scheduledRec{ScheduledUpdateGroupAction: a, Next: next})
		return nil
	})
}

// errParts splits an error into AWS's code and message.
func errParts(err error) (string, string) {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Code, ae.Message
	}
	return "ValidationError", err.Error()
}

// DescribeScheduledActions lists scheduled actions, of a group or all.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeScheduledActions.html
func (s *Service) DescribeScheduledActions(ctx context.Context, in *DescribeScheduledActionsType) (*ScheduledActionsType, error) {
	sc := s.scope(ctx)
	var out []ScheduledUpdateGroupAction
	_ = s.db.View(func(tx *state.Tx) error {
		prefix := ""
		if g := ptr.Val(in.AutoScalingGroupName); g != "" {
			prefix = g + "\x00"
		}
		s.scheduled.AscendPrefix(tx, sc, prefix, func(_ string, a scheduledRec) bool {
			switch {
			case len(in.ScheduledActionNames) > 0 && !slices.Contains(in.ScheduledActionNames, *a.ScheduledActionName):
			case in.StartTime != nil && a.StartTime.Before(*in.StartTime):
			case in.EndTime != nil && a.StartTime.After(*in.EndTime):
			default:
				out = append(out, a.ScheduledUpdateGroupAction)
			}
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &ScheduledActionsType{ScheduledUpdateGroupActions: nonNil(items), NextToken: next}, nil
}

// DeleteScheduledAction deletes a scheduled action.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteScheduledAction.html
func (s *Service) DeleteScheduledAction(ctx context.Context, in *DeleteScheduledActionType) (*DeleteScheduledActionOutput, error) {
	if err := s.deleteScheduled(ctx, ptr.Val(in.AutoScalingGroupName), ptr.Val(in.ScheduledActionName)); err != nil {
		return nil, err
	}
	return &DeleteScheduledActionOutput{}, nil
}

// BatchDeleteScheduledAction deletes up to 50 scheduled actions of a group.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_BatchDeleteScheduledAction.html
func (s *Service) BatchDeleteScheduledAction(ctx context.Context, in *BatchDeleteScheduledActionType) (*BatchDeleteScheduledActionAnswer, error) {
	if n := len(in.ScheduledActionNames); n == 0 || n > 50 {
		return nil, validation("The number of scheduled actions must be from 1 to 50, got %d", n)
	}
	out := &BatchDeleteScheduledActionAnswer{FailedScheduledActions: []FailedScheduledUpdateGroupActionRequest{}}
	for _, n := range in.ScheduledActionNames {
		if err := s.deleteScheduled(ctx, ptr.Val(in.AutoScalingGroupName), n); err != nil {
			code, msg := errParts(err)
			out.FailedScheduledActions = append(out.FailedScheduledActions, FailedScheduledUpdateGroupActionRequest{ScheduledActionName: ptr.To(n), ErrorCode: ptr.To(code), ErrorMessage: ptr.To(msg)})
		}
	}
	return out, nil
}

func (s *Service) deleteScheduled(ctx context.Context, group, name string) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getGroup(tx, sc, group); err != nil {
			return err
		}
		if _, ok := s.scheduled.Get(tx, sc, policyKey(group, name)); !ok {
			return validation("Scheduled Update Group Action name not found - Could not find scheduled update group action with name %s", name)
		}
		s.scheduled.Delete(tx, sc, policyKey(group, name))
		return nil
	})
}

// runScheduled runs the scheduled actions whose time has come (the
// controller calls it before each reconcile).
//
// AWS: an action sets the group's minimum, maximum and desired capacity it
// names; the desired capacity is moved into the new bounds when it is not
// given. A one-time action is deleted once it ran; a recurring one runs at
// each occurrence of its cron expression until its end time.
func (s *Service) runScheduled(ctx context.Context) {
	now := s.now()
	_ = s.db.Update(ctx, func(tx *state.Tx) error {
		type due struct {
			sc  state.Scope
			key string
			a   scheduledRec
		}
		var work []due
		for _, sc := range s.scheduled.Scopes(tx) {
			s.scheduled.Ascend(tx, sc, "", func(key string, a scheduledRec) bool {
				if !a.Next.IsZero() && !a.Next.After(now) {
					work = append(work, due{sc, key, a})
				}
				return true
			})
		}
		for _, w := range work {
			a := w.a
			if a.EndTime == nil || !now.After(*a.EndTime) {
				s.applyScheduled(tx, w.sc, a, now)
			}
			a.Next = time.Time{}
			if rec := ptr.Val(a.Recurrence); rec != "" {
				loc := time.UTC
				if l, err := time.LoadLocation(ptr.Val(a.TimeZone)); err == nil {
					loc = l
				}
				if c, err := parseCron(rec); err == nil {
					a.Next = c.next(now, loc)
				}
			}
			if a.Next.IsZero() || (a.EndTime != nil && a.Next.After(*a.EndTime)) {
				s.scheduled.Delete(tx, w.sc, w.key)
				continue
			}
			a.StartTime, a.Time = ptr.To(a.Next.UTC()), ptr.To(a.Next.UTC())
			s.scheduled.Put(tx, w.sc, w.key, a)
		}
		return nil
	})
}

// applyScheduled applies one scheduled action to its group.
func (s *Service) applyScheduled(tx *state.Tx, sc state.Scope, a scheduledRec, now time.Time) {
	g, err := s.getGroup(tx, sc, *a.AutoScalingGroupName)
	if err != nil {
		return
	}
	minSize, maxSize, cur := ptr.Val(g.MinSize), ptr.Val(g.MaxSize), ptr.Val(g.DesiredCapacity)
	if a.MinSize != nil {
		minSize = *a.MinSize
	}
	if a.MaxSize != nil {
		maxSize = *a.MaxSize
	}
	desired := min(max(cur, minSize), maxSize)
	if a.DesiredCapacity != nil {
		desired = *a.DesiredCapacity
	}
	cause := fmt.Sprintf("At %s a scheduled action update of AutoScalingGroup constraints to min: %d, max: %d, desired: %d changing the desired capacity from %d to %d.",
		now.Format(time.RFC3339), minSize, maxSize, desired, cur, desired)
	if err := checkSizes(minSize, maxSize, desired); err != nil {
		_, msg := errParts(err)
		s.record(tx, sc, g, "Executing scheduled action "+*a.ScheduledActionName+".  Status Reason: "+msg, cause, now, "Failed")
		return
	}
	g.MinSize, g.MaxSize, g.DesiredCapacity = ptr.To(minSize), ptr.To(maxSize), ptr.To(desired)
	s.groups.Put(tx, sc, *g.AutoScalingGroupName, g)
	r, _ := s.scaling.Get(tx, sc, *g.AutoScalingGroupName)
	r.Desired, r.Cause = desired, cause
	s.scaling.Put(tx, sc, *g.AutoScalingGroupName, r)
}

// cron is a parsed five-field cron expression (minute hour day-of-month
// month day-of-week), as scheduled actions' Recurrence takes.
type cron struct {
	fields [5]map[int]bool
	// anyDom/anyDow: day matching follows cron: when both are restricted,
	// either may match.
	anyDom, anyDow bool
}

var cronRanges = [5][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}

var cronNames = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
}

// parseCron parses a Unix cron expression: *, lists, ranges, steps and
// month and weekday names.
func parseCron(expr string) (*cron, error) {
	parts := strings.Fields(expr)
	if len(parts) != 5 {
		return nil, fmt.Errorf("want 5 fields, got %d", len(parts))
	}
	c := &cron{anyDom: parts[2] == "*" || parts[2] == "?", anyDow: parts[4] == "*" || parts[4] == "?"}
	num := func(s string) (int, error) {
		if n, ok := cronNames[strings.ToLower(s)]; ok {
			return n, nil
		}
		return strconv.Atoi(s)
	}
	for i, p := range parts {
		lo, hi := cronRanges[i][0], cronRanges[i][1]
		set := map[int]bool{}
		for _, item := range strings.Split(p, ",") {
			step := 1
			if r, st, ok := strings.Cut(item, "/"); ok {
				n, err := strconv.Atoi(st)
				if err != nil || n < 1 {
					return nil, fmt.Errorf("bad step in %q", item)
				}
				item, step = r, n
			}
			a, b := lo, hi
			switch {
			case item == "*" || item == "?":
			case strings.Contains(item, "-"):
				x, y, _ := strings.Cut(item, "-")
				var err1, err2 error
				a, err1 = num(x)
				b, err2 = num(y)
				if err1 != nil || err2 != nil {
					return nil, fmt.Errorf("bad range %q", item)
				}
			default:
				n, err := num(item)
				if err != nil {
					return nil, fmt.Errorf("bad value %q", item)
				}
				a, b = n, n
				if strings.Contains(p, "/") {
					b = hi
				}
			}
			if a < lo || b > hi || a > b {
				return nil, fmt.Errorf("value out of range in %q", item)
			}
			for v := a; v <= b; v += step {
				set[v] = true
			}
		}
		c.fields[i] = set
	}
	if c.fields[4][7] {
		c.fields[4][0] = true // 7 is Sunday too
	}
	return c, nil
}

// next is the first minute after after (in loc) that the expression
// matches, within a year; zero if none.
func (c *cron) next(after time.Time, loc *time.Location) time.Time {
	t := after.In(loc).Truncate(time.Minute).Add(time.Minute)
	for end := t.AddDate(1, 0, 1); t.Before(end); {
		if !c.fields[3][int(t.Month())] {
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
			continue
		}
		dom, dow := c.fields[2][t.Day()], c.fields[4][int(t.Weekday())]
		day := dom && dow
		if !c.anyDom && !c.anyDow {
			day = dom || dow
		}
		if !day {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
			continue
		}
		if !c.fields[1][t.Hour()] {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
			continue
		}
		if c.fields[0][t.Minute()] {
			return t
		}
		t = t.Add(time.Minute)
	}
	return time.Time{}
}
