package cloudwatch

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// AWS: alarm history is kept for 30 days.
const historyRetention = 30 * 24 * time.Hour

// historyRec is one alarm history item.
type historyRec struct {
	Name     string
	Type     string // MetricAlarm or CompositeAlarm
	ItemType string // ConfigurationUpdate, StateUpdate, Action
	Summary  string
	Data     string
	T        int64 // unix ms
}

// historyKey orders one alarm's items by time.
func historyKey(name string, t int64, seq int64) string {
	return fmt.Sprintf("%s\x00%016x/%016x", name, t, seq)
}

// recordHistory appends a history item and drops the alarm's items older
// than the retention (a range walk from the oldest).
func (s *Service) recordHistory(tx *state.Tx, sc state.Scope, a *alarmRec, itemType, summary string, data map[string]any, now time.Time) {
	raw, _ := json.Marshal(data)
	t := now.UnixMilli()
	s.history.Put(tx, sc, historyKey(a.Name, t, s.seq.Add(1)), historyRec{Name: a.Name, Type: a.Type, ItemType: itemType, Summary: summary, Data: string(raw), T: t})
	cutoff := now.Add(-historyRetention).UnixMilli()
	var old []string
	s.history.AscendPrefix(tx, sc, a.Name+"\x00", func(key string, h historyRec) bool {
		if h.T >= cutoff {
			return false
		}
		old = append(old, key)
		return true
	})
	for _, k := range old {
		s.history.Delete(tx, sc, k)
	}
}

// DescribeAlarmHistory returns the history of one alarm or of all.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
func (s *Service) DescribeAlarmHistory(ctx context.Context, in *DescribeAlarmHistoryInput) (*DescribeAlarmHistoryOutput, error) {
	types := map[string]bool{typeMetric: true} // AWS: without AlarmTypes, metric alarms only
	if len(in.AlarmTypes) > 0 {
		types = map[string]bool{}
		for _, t := range in.AlarmTypes {
			types[t] = true
		}
	}
	offset := 0
	if tok := ptr.Val(in.NextToken); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "h"))
		if err != nil || n < 0 || !strings.HasPrefix(tok, "h") {
			return nil, awserr.New("InvalidNextToken", 0, "The service cannot process the nextToken.")
		}
		offset = n
	}
	page := int(ptr.Or(in.MaxRecords, 100))
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	var items []historyRec
	err := s.db.View(func(tx *state.Tx) error {
		keep := func(_ string, h historyRec) bool {
			switch {
			case !types[h.Type],
				in.HistoryItemType != nil && h.ItemType != *in.HistoryItemType,
				in.StartDate != nil && h.T < in.StartDate.UnixMilli(),
				in.EndDate != nil && h.T > in.EndDate.UnixMilli():
				return true
			}
			items = append(items, h)
			return true
		}
		if in.AlarmName != nil {
			s.history.AscendPrefix(tx, sc, *in.AlarmName+"\x00", keep)
		} else {
			s.history.Ascend(tx, sc, "", keep)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// AWS: newest first unless ScanBy is TimestampAscending.
	asc := ptr.Val(in.ScanBy) == "TimestampAscending"
	sort.SliceStable(items, func(i, j int) bool {
		if asc {
			return items[i].T < items[j].T
		}
		return items[i].T > items[j].T
	})
	out := &DescribeAlarmHistoryOutput{AlarmHistoryItems: []AlarmHistoryItem{}}
	for i := offset; i < len(items); i++ {
		if len(out.AlarmHistoryItems) == page {
			out.NextToken = ptr.To("h" + strconv.Itoa(i))
			break
		}
		h := items[i]
		out.AlarmHistoryItems = append(out.AlarmHistoryItems, AlarmHistoryItem{
			AlarmName: ptr.To(h.Name), AlarmType: ptr.To(h.Type), HistoryItemType: ptr.To(h.ItemType),
			HistorySummary: ptr.To(h.Summary), HistoryData: ptr.To(h.Data), Timestamp: ptr.To(ms(h.T)),
		})
	}
	return out, nil
}
