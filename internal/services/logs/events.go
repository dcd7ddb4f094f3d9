package logs

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// PutLogEvents limits, as AWS documents them.
const (
	// AWS: a batch is at most 1,048,576 bytes, counting each message in UTF-8 plus 26 bytes.
	maxBatchBytes = 1048576
	eventOverhead = 26
	// AWS: a batch may not span more than 24 hours.
	maxBatchSpan = 24 * time.Hour
	// AWS: events more than 2 hours in the future, or older than 14 days, are rejected.
	maxFuture = 2 * time.Hour
	maxPast   = 14 * 24 * time.Hour
	// AWS: GetLogEvents and FilterLogEvents return up to 10,000 events, 1 MB.
	maxEventsReturned = 10000
	maxBytesReturned  = 1048576
)

// eventRec is one log event.
type eventRec struct {
	T      int64 // timestamp, unix ms
	Ingest int64 // ingestion time, unix ms
	Msg    string
}

// PutLogEvents uploads a batch of events to a stream. Sequence tokens are
// accepted and ignored, as AWS does since January 2023, so
// InvalidSequenceTokenException and DataAlreadyAcceptedException never occur.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
func (s *Service) PutLogEvents(ctx context.Context, in *PutLogEventsRequest) (*PutLogEventsResponse, error) {
	evs := in.LogEvents
	size := 0
	for i, e := range evs {
		size += len(ptr.Val(e.Message)) + eventOverhead
		if i > 0 && ptr.Val(e.Timestamp) < ptr.Val(evs[i-1].Timestamp) {
			return nil, awserr.New("InvalidParameterException", 0, "Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > maxBatchBytes {
		return nil, awserr.New("InvalidParameterException", 0, "Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	if len(evs) > 0 && time.Duration(ptr.Val(evs[len(evs)-1].Timestamp)-ptr.Val(evs[0].Timestamp))*time.Millisecond > maxBatchSpan {
		return nil, awserr.New("InvalidParameterException", 0, "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	group, name := ptr.Val(in.LogGroupName), ptr.Val(in.LogStreamName)
	now := s.clock.Now()
	out := &PutLogEventsResponse{}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.groups.Get(tx, sc, group)
		if !ok {
			return errGroupNotFound()
		}
		k := streamKey(group, name)
		st, ok := s.streams.Get(tx, sc, k)
		if !ok {
			return errStreamNotFound()
		}
		tooOld := ms(now.Add(-maxPast))
		expired := int64(-1 << 62)
		if g.Retention > 0 {
			expired = ms(now.Add(-time.Duration(g.Retention) * 24 * time.Hour))
		}
		tooNew := ms(now.Add(maxFuture))
		var rej RejectedLogEventsInfo
		rejected := false
		for i, e := range evs {
			ts := ptr.Val(e.Timestamp)
			switch {
			case ts < tooOld:
				rej.TooOldLogEventEndIndex, rejected = ptr.To(int64(i)), true
				continue
			case ts < expired:
				rej.ExpiredLogEventEndIndex, rejected = ptr.To(int64(i)), true
				continue
			case ts > tooNew:
				if rej.TooNewLogEventStartIndex == nil {
					rej.TooNewLogEventStartIndex, rejected = ptr.To(int64(i)), true
				}
				continue
			}
			msg := ptr.Val(e.Message)
			s.events.Put(tx, sc, k+"\x00"+eventSuffix(ts, st.Seq), eventRec{T: ts, Ingest: ms(now), Msg: msg})
			st.Seq++
			st.Bytes += int64(len(msg))
			if !st.HasEvents || ts < st.First {
				st.First = ts
			}
			if !st.HasEvents || ts > st.Last {
				st.Last = ts
			}
			st.HasEvents = true
			st.LastIngestion = ms(now)
		}
		s.streams.Put(tx, sc, k, st)
		out.NextSequenceToken = ptr.To(sequenceToken(st.Seq))
		if rejected {
			out.RejectedLogEventsInfo = &rej
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetLogEvents reads a stream's events forward or backward from a token.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
func (s *Service) GetLogEvents(ctx context.Context, in *GetLogEventsRequest) (*GetLogEventsResponse, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit := int(ptr.Or(in.Limit, maxEventsReturned))
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	k := streamKey(group, ptr.Val(in.LogStreamName)) + "\x00"
	// The range [lo, hi) of event suffixes: startTime inclusive, endTime exclusive.
	lo, hi := tsSuffix(ptr.Val(in.StartTime)), "\xff"
	if in.StartTime == nil {
		lo = ""
	}
	if in.EndTime != nil {
		hi = tsSuffix(*in.EndTime)
	}
	forward := ptr.Val(in.StartFromHead)
	var from, to string // the walk: suffixes in (from, to) forward, [from, to) backward
	tok := ptr.Val(in.NextToken)
	switch {
	case tok == "":
		from, to = lo, hi
	case strings.HasPrefix(tok, "f/") && len(tok) == 26:
		forward, from, to = true, tok[2:], hi
	case strings.HasPrefix(tok, "b/") && len(tok) == 26:
		forward, from, to = false, lo, tok[2:]
	default:
		return nil, awserr.New("InvalidParameterException", 0, "The specified nextToken is invalid.")
	}
	var got []eventRec
	var sufs []string
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		var g groupRec
		if g, found = s.groups.Get(tx, sc, group); !found {
			return nil
		}
		if _, found = s.streams.Get(tx, sc, strings.TrimSuffix(k, "\x00")); !found {
			return nil
		}
		cutoff := retentionCutoff(g, s.clock.Now())
		bytes := 0
		if forward {
			s.events.Ascend(tx, sc, k+from, func(key string, e eventRec) bool {
				suf := strings.TrimPrefix(key, k)
				if !strings.HasPrefix(key, k) || suf >= to {
					return false
				}
				if (tok != "" && suf <= from) || e.T < cutoff {
					return true
				}
				got, sufs = append(got, e), append(sufs, suf)
				bytes += len(e.Msg) + eventOverhead
				return len(got) < limit && bytes < maxBytesReturned
			})
			return nil
		}
		// Backward: the last limit events before "to", a seek and a walk back.
		s.events.Descend(tx, sc, k+to, func(key string, e eventRec) bool {
			suf := strings.TrimPrefix(key, k)
			if !strings.HasPrefix(key, k) || suf < from || e.T < cutoff {
				return false
			}
			if suf >= to {
				return true
			}
			got, sufs = append(got, e), append(sufs, suf)
			bytes += len(e.Msg) + eventOverhead
			return len(got) < limit && bytes < maxBytesReturned
		})
		slices.Reverse(got)
		slices.Reverse(sufs)
		return nil
	})
	if !found {
		return nil, errStreamOrGroup(s, sc, group)
	}
	out := &GetLogEventsResponse{Events: make([]OutputLogEvent, 0, len(got))}
	for _, e := range got {
		out.Events = append(out.Events, OutputLogEvent{Timestamp: ptr.To(e.T), IngestionTime: ptr.To(e.Ingest), Message: ptr.To(e.Msg)})
	}
	// AWS: at the end of the stream, the token passed in comes back unchanged.
	switch {
	case len(got) > 0:
		out.NextForwardToken = ptr.To("f/" + sufs[len(sufs)-1])
		out.NextBackwardToken = ptr.To("b/" + sufs[0])
	case tok != "":
		out.NextForwardToken, out.NextBackwardToken = ptr.To(tok), ptr.To(tok)
		if strings.HasPrefix(tok, "b/") {
			out.NextForwardToken = ptr.To("f/" + padSuffix(tok[2:]))
		} else {
			out.NextBackwardToken = ptr.To("b/" + padSuffix(tok[2:]))
		}
	default:
		pos := padSuffix(lo)
		if !forward && in.EndTime != nil {
			pos = padSuffix(hi)
		}
		out.NextForwardToken, out.NextBackwardToken = ptr.To("f/"+pos), ptr.To("b/"+pos)
	}
	return out, nil
}

// padSuffix makes a 24-character position of a (possibly shorter) suffix.
func padSuffix(s string) string {
	if s == "" || s == "\xff" {
		s = strings.Repeat("0", 24)
	}
	return (s + strings.Repeat("0", 24))[:24]
}

// errStreamOrGroup tells which of the group and the stream is missing.
func errStreamOrGroup(s *Service, sc state.Scope, group string) error {
	ok := false
	_ = s.db.View(func(tx *state.Tx) error {
		_, ok = s.groups.Get(tx, sc, group)
		return nil
	})
	if !ok {
		return errGroupNotFound()
	}
	return errStreamNotFound()
}

// retentionCutoff is the oldest timestamp a group still keeps.
func retentionCutoff(g groupRec, now time.Time) int64 {
	if g.Retention == 0 {
		return -1 << 62
	}
	return ms(now.Add(-time.Duration(g.Retention) * 24 * time.Hour))
}

// filterPos is a position in FilterLogEvents' merged order.
type filterPos struct {
	T      int64
	Stream string
	Seq    uint64
}

func (a filterPos) less(b filterPos) bool {
	if a.T != b.T {
		return a.T < b.T
	}
	if a.Stream != b.Stream {
		return a.Stream < b.Stream
	}
	return a.Seq < b.Seq
}

// FilterLogEvents searches a group's streams for events matching a pattern,
// merged in time order.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
func (s *Service) FilterLogEvents(ctx context.Context, in *FilterLogEventsRequest) (*FilterLogEventsResponse, error) {
	group, err := groupName(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, awserr.New("InvalidParameterException", 0, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	match, err := compilePattern(ptr.Val(in.FilterPattern))
	if err != nil {
		return nil, awserr.New("InvalidParameterException", 0, "Invalid filter pattern: %v", err)
	}
	limit := int(ptr.Or(in.Limit, maxEventsReturned))
	var after *filterPos
	if tok := ptr.Val(in.NextToken); tok != "" {
		raw, err := decodeToken(tok)
		var p filterPos
		if err == nil {
			suf, stream, _ := strings.Cut(raw, "\x00")
			var ok bool
			p.T, p.Seq, ok = parseSuffix(suf)
			p.Stream = stream
			if !ok {
				err = fmt.Errorf("bad position")
			}
		}
		if err != nil {
			return nil, awserr.New("InvalidParameterException", 0, "The specified nextToken is invalid.")
		}
		after = &p
	}
	info := reqctx.From(ctx)
	sc := scopeOf(info.Account, info.Region)
	type hit struct {
		pos filterPos
		e   eventRec
	}
	var hits []hit
	more := false
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		var g groupRec
		if g, found = s.groups.Get(tx, sc, group); !found {
			return nil
		}
		cutoff := retentionCutoff(g, s.clock.Now())
		var streams []string
		if len(in.LogStreamNames) > 0 {
			streams = append(streams, in.LogStreamNames...)
			sort.Strings(streams)
		} else {
			s.streams.AscendPrefix(tx, sc, streamKey(group, ptr.Val(in.LogStreamNamePrefix)), func(_ string, st streamRec) bool {
				streams = append(streams, st.Name)
				return true
			})
		}
		start := ptr.Val(in.StartTime)
		if in.StartTime == nil {
			start = -1 << 62
		}
		if after != nil && after.T > start {
			start = after.T
		}
		start = max(start, cutoff)
		end := "\xff"
		if in.EndTime != nil {
			end = tsSuffix(*in.EndTime + 1) // AWS: endTime is inclusive here
		}
		for _, name := range streams {
			k := streamKey(group, name) + "\x00"
			n := 0
			s.events.Ascend(tx, sc, k+tsSuffix(start), func(key string, e eventRec) bool {
				suf := strings.TrimPrefix(key, k)
				if !strings.HasPrefix(key, k) || suf >= end {
					return false
				}
				ts, seq, _ := parseSuffix(suf)
				p := filterPos{ts, name, seq}
				if after != nil && !after.less(p) {
					return true
				}
				if !match(e.Msg) {
					return true
				}
				hits = append(hits, hit{p, e})
				n++
				return n <= limit // one past the limit tells there is more
			})
		}
		return nil
	})
	if !found {
		return nil, errGroupNotFound()
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].pos.less(hits[j].pos) })
	if len(hits) > limit {
		hits, more = hits[:limit], true
	}
	out := &FilterLogEventsResponse{Events: make([]FilteredLogEvent, 0, len(hits)), SearchedLogStreams: []SearchedLogStream{}}
	for _, h := range hits {
		out.Events = append(out.Events, FilteredLogEvent{
			EventId: ptr.To(fmt.Sprintf("%020d%020d%016d", h.pos.T, h.e.Ingest, h.pos.Seq)), LogStreamName: ptr.To(h.pos.Stream),
			Timestamp: ptr.To(h.e.T), IngestionTime: ptr.To(h.e.Ingest), Message: ptr.To(h.e.Msg),
		})
	}
	if more {
		last := hits[len(hits)-1].pos
		out.NextToken = ptr.To(encodeToken(eventSuffix(last.T, last.Seq) + "\x00" + last.Stream))
	}
	return out, nil
}

// pruneEvery is how often events past their group's retention are deleted.
const pruneEvery = time.Hour

func (s *Service) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.prune(ctx, s.clock.Now()); err != nil {
				s.log.Warn("logs: pruning expired events failed", "err", err)
			}
		}
	}
}

// prune deletes the events older than their group's retention: for each
// stream of a group with a retention, a range walk from its oldest event
// up to the cutoff.
func (s *Service) prune(ctx context.Context, now time.Time) error {
	return s.db.Update(ctx, func(tx *state.Tx) error {
		for _, sc := range s.groups.Scopes(tx) {
			s.groups.Ascend(tx, sc, "", func(name string, g groupRec) bool {
				if g.Retention == 0 {
					return true
				}
				cut := tsSuffix(retentionCutoff(g, now))
				var keys []string
				s.streams.AscendPrefix(tx, sc, name+"\x00", func(sk string, _ streamRec) bool {
					p := sk + "\x00"
					s.events.AscendPrefix(tx, sc, p, func(k string, _ eventRec) bool {
						if k[len(p):] >= cut {
							return false
						}
						keys = append(keys, k)
						return true
					})
					return true
				})
				for _, k := range keys {
					s.events.Delete(tx, sc, k)
				}
				return true
			})
		}
		return nil
	})
}
