package rds

import (
	"context"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// eventRetention is how long events are kept.
//
// AWS: DescribeEvents covers the past 14 days.
const eventRetention = 14 * 24 * time.Hour

// eventKey orders events by time: a fixed-width UTC time, then the source.
func eventKey(t time.Time, id string) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z") + "\x00" + id
}

// event records an event of a source and drops events past retention.
func (s *Service) event(tx *state.Tx, sc state.Scope, sourceType, id string, now time.Time, category, msg string) {
	kind := map[string]string{"db-instance": "db", "db-cluster": "cluster", "db-snapshot": "snapshot"}[sourceType]
	key := eventKey(now, id)
	for n := 0; ; n++ {
		if _, ok := s.events.Get(tx, sc, key); !ok {
			break
		}
		key = eventKey(now, id) + "\x00" + string(rune('a'+n%26))
	}
	s.events.Put(tx, sc, key, Event{
		Date: ptr.To(now), SourceIdentifier: ptr.To(id), SourceType: ptr.To(sourceType), Message: ptr.To(msg),
		EventCategories: []string{category}, SourceArn: ptr.To(arnOf(sc, kind, id)),
	})
	cutoff := eventKey(now.Add(-eventRetention), "")
	var old []string
	s.events.Ascend(tx, sc, "", func(k string, _ Event) bool {
		if k >= cutoff {
			return false
		}
		old = append(old, k)
		return true
	})
	for _, k := range old {
		s.events.Delete(tx, sc, k)
	}
}

// DescribeEvents lists the events of a time window (the past hour by default).
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeEvents.html
func (s *Service) DescribeEvents(ctx context.Context, in *DescribeEventsMessage) (*EventsMessage, error) {
	sc := s.scope(ctx)
	now := s.now()
	end := now
	if in.EndTime != nil {
		end = *in.EndTime
	}
	start := end.Add(-time.Hour)
	switch {
	case in.StartTime != nil:
		start = *in.StartTime
	case in.Duration != nil:
		start = end.Add(-time.Duration(*in.Duration) * time.Minute)
	}
	if in.SourceIdentifier != nil && in.SourceType == nil {
		return nil, invalidValue("The parameter SourceType must be provided when SourceIdentifier is.")
	}
	out := []Event{}
	err := s.db.View(func(tx *state.Tx) error {
		endKey := eventKey(end, "\xff")
		s.events.Ascend(tx, sc, eventKey(start, ""), func(k string, e Event) bool {
			if k > endKey {
				return false
			}
			if in.SourceType != nil && *in.SourceType != ptr.Val(e.SourceType) {
				return true
			}
			if in.SourceIdentifier != nil && !strings.EqualFold(*in.SourceIdentifier, ptr.Val(e.SourceIdentifier)) {
				return true
			}
			if len(in.EventCategories) > 0 && !hasAny(in.EventCategories, e.EventCategories) {
				return true
			}
			out = append(out, e)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(out, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &EventsMessage{Events: items, Marker: next}, nil
}

func hasAny(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}
