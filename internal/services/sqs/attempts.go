package sqs

import (
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// receiveAttempt is a FIFO ReceiveMessage that a retry carrying the same
// ReceiveRequestAttemptId answers again.
//
// AWS: within the five-minute deduplication interval, a ReceiveMessage on a
// FIFO queue with the ReceiveRequestAttemptId of an earlier call returns the
// same messages and receipt handles, and restarts their visibility timeout,
// as long as none of them was deleted or had its visibility changed since;
// otherwise the call is a new receive. haneul keeps attempts in memory: after
// a restart a retry is a new receive (the messages it took stay in flight).
type receiveAttempt struct {
	id      string
	expires time.Time
	vis     time.Duration
	taken   []takenMsg
}

// takenMsg is one message an attempt received, as it was left.
type takenMsg struct {
	seq       uint64
	receives  int
	visibleAt time.Time
	handle    string // the receipt handle the first call returned
}

// recordAttempt remembers what a receive with attempt id took.
// got and out are the messages it took and what it returned for them.
func (q *queueRT) recordAttempt(id string, got []*msg, out []Message, vis time.Duration, now time.Time) {
	if id == "" || len(got) == 0 {
		return
	}
	a := &receiveAttempt{id: id, expires: now.Add(dedupWindow), vis: vis, taken: make([]takenMsg, len(got))}
	for i, m := range got {
		a.taken[i] = takenMsg{seq: m.seq, receives: m.receives, visibleAt: m.visibleAt, handle: ptr.Val(out[i].ReceiptHandle)}
	}
	if q.attempts == nil {
		q.attempts = map[string]*receiveAttempt{}
	}
	q.attempts[id] = a
	q.attemptOrder = append(q.attemptOrder, a)
}

// expireAttempts forgets attempts older than the deduplication interval.
func (q *queueRT) expireAttempts(now time.Time) {
	for len(q.attemptOrder) > 0 && !q.attemptOrder[0].expires.After(now) {
		a := q.attemptOrder[0]
		if q.attempts[a.id] == a {
			delete(q.attempts, a.id)
		}
		q.attemptOrder[0] = nil
		q.attemptOrder = q.attemptOrder[1:]
	}
}

// retryAttempt answers a receive that repeats attempt id: the messages the
// first call returned, their visibility restarted, if all of them are still
// in flight as that call left them. It runs inside Update.
func (s *Service) retryAttempt(tx *state.Tx, q *queueRT, id string, opts *receiveOptions, now time.Time) ([]Message, bool) {
	a := q.attempts[id]
	if id == "" || a == nil || !a.expires.After(now) {
		return nil, false
	}
	ms := make([]*msg, len(a.taken))
	for i, t := range a.taken {
		m := q.msgs[t.seq]
		if m == nil || m.status != statusInflight || m.receives != t.receives || !m.visibleAt.Equal(t.visibleAt) {
			delete(q.attempts, id) // deleted or changed since: the id no longer repeats anything
			return nil, false
		}
		ms[i] = m
	}
	out := make([]Message, len(ms))
	for i, m := range ms {
		q.changeVisibility(m, now.Add(a.vis), now)
		a.taken[i].visibleAt = m.visibleAt
		s.states.Put(tx, q.sc, m.key, msgState{Receives: m.receives, First: m.firstReceive, Last: m.lastReceive, VisibleAt: m.visibleAt.UnixNano()})
		out[i] = s.render(q, m, opts)
		out[i].ReceiptHandle = ptr.To(a.taken[i].handle)
	}
	return out, true
}
