package sqs

import (
	"container/heap"
	"time"

	"haneul/internal/state"
)

// The in-memory side of a queue: the structures that make Receive O(1)
// amortised whatever the depth. They are derived from the durable tables
// (rebuilt by Start) and touched only inside db.Update, so the DB's write
// lock guards them and every change to them commits with the table writes
// that make it durable.

// msgStatus is where a message is in its life.
type msgStatus uint8

const (
	statusDelayed   msgStatus = iota // sent with a delay that has not passed
	statusAvailable                  // visible: the next receive may take it
	statusInflight                   // received; invisible until visibleAt
)

// msg is one message of a queue in memory.
type msg struct {
	rec          *messageRec
	key          string // the key of rec and of its state record
	seq          uint64
	receives     int
	firstReceive int64 // unix ms, 0 before the first receive
	lastReceive  int64 // unix ms of the latest receive
	visibleAt    time.Time
	status       msgStatus

	heapIdx    int  // index in queueRT.timers, -1 when absent
	ready      bool // on a standard queue's ready list
	prev, next *msg // the ready list (standard) or the group's list (FIFO)
	aprev      *msg // arrival order, for retention
	anext      *msg
	group      *group
}

// group is a FIFO message group: its messages in order and how many of them
// are in flight (AWS: while one is, the group delivers nothing else).
type group struct {
	id         string
	head, tail *msg
	inflight   int
	queued     bool // in queueRT.readyGroups
}

// queueRT is a queue's in-memory state.
type queueRT struct {
	sc      state.Scope
	name    string
	rec     *queueRec
	cfg     queueConfig
	deleted bool
	nextSeq uint64

	msgs map[uint64]*msg

	// standard queues: available messages, oldest first
	readyHead, readyTail *msg
	// FIFO queues: groups whose head may be delivered, in the order they became ready
	groups      map[string]*group
	readyGroups []*group

	timers       msgHeap // delayed and in-flight messages by visibleAt
	ahead, atail *msg    // every message in arrival order

	nAvailable, nDelayed, nInflight int

	dedup []dedupEntry // FIFO deduplication ids in expiry order

	attempts     map[string]*receiveAttempt // FIFO ReceiveRequestAttemptIds of the last five minutes
	attemptOrder []*receiveAttempt          // the same, in expiry order

	notify    chan struct{} // closed and replaced when messages become available
	scheduled time.Time     // the earliest wake-up queued for this queue, zero if none
}

// dedupEntry is a deduplication record's key and expiry, for pruning.
type dedupEntry struct {
	key     string
	expires time.Time
}

func newQueueRT(sc state.Scope, rec *queueRec) *queueRT {
	q := &queueRT{sc: sc, name: rec.Name, msgs: map[uint64]*msg{}, notify: make(chan struct{})}
	if rec.Fifo {
		q.groups = map[string]*group{}
	}
	q.setRec(rec)
	return q
}

// setRec installs a new version of the queue's record.
func (q *queueRT) setRec(rec *queueRec) {
	q.rec = rec
	q.cfg = parseConfig(rec)
}

// wake tells long-polling receivers that messages became available.
func (q *queueRT) wake() {
	close(q.notify)
	q.notify = make(chan struct{})
}

func (q *queueRT) setStatus(m *msg, s msgStatus) {
	q.count(m.status, -1)
	m.status = s
	q.count(s, +1)
}

func (q *queueRT) count(s msgStatus, d int) {
	switch s {
	case statusDelayed:
		q.nDelayed += d
	case statusAvailable:
		q.nAvailable += d
	case statusInflight:
		q.nInflight += d
	}
}

// add places a new message (or one rebuilt at start) in the queue's
// structures according to its visibility at now.
func (q *queueRT) add(m *msg, now time.Time) {
	m.heapIdx = -1
	q.msgs[m.seq] = m
	if m.seq >= q.nextSeq {
		q.nextSeq = m.seq + 1
	}
	// arrival list
	m.aprev = q.atail
	if q.atail != nil {
		q.atail.anext = m
	} else {
		q.ahead = m
	}
	q.atail = m

	if q.rec.Fifo {
		g := q.groups[m.rec.Group]
		if g == nil {
			g = &group{id: m.rec.Group}
			q.groups[g.id] = g
		}
		m.group = g
		m.prev = g.tail
		if g.tail != nil {
			g.tail.next = m
		} else {
			g.head = m
		}
		g.tail = m
	}
	switch {
	case m.visibleAt.After(now) && m.receives > 0:
		m.status = statusInflight
		q.count(statusInflight, 1)
		if m.group != nil {
			m.group.inflight++
		}
		heap.Push(&q.timers, m)
	case m.visibleAt.After(now):
		m.status = statusDelayed
		q.count(statusDelayed, 1)
		heap.Push(&q.timers, m)
	default:
		m.status = statusAvailable
		q.count(statusAvailable, 1)
		q.makeAvailable(m)
	}
}

// makeAvailable files an available message where receives look for it.
func (q *queueRT) makeAvailable(m *msg) {
	if q.rec.Fifo {
		q.maybeQueueGroup(m.group)
		return
	}
	m.ready = true
	m.next = nil
	m.prev = q.readyTail
	if q.readyTail != nil {
		q.readyTail.next = m
	} else {
		q.readyHead = m
	}
	q.readyTail = m
}

// maybeQueueGroup puts g on the ready list if it can deliver.
func (q *queueRT) maybeQueueGroup(g *group) {
	if !g.queued && g.inflight == 0 && g.head != nil && g.head.status == statusAvailable {
		g.queued = true
		q.readyGroups = append(q.readyGroups, g)
	}
}

func (q *queueRT) unlinkReady(m *msg) {
	if !m.ready {
		return
	}
	m.ready = false
	if m.prev != nil {
		m.prev.next = m.next
	} else {
		q.readyHead = m.next
	}
	if m.next != nil {
		m.next.prev = m.prev
	} else {
		q.readyTail = m.prev
	}
	m.prev, m.next = nil, nil
}

// remove takes a message out of every structure (deleted, expired, moved).
func (q *queueRT) remove(m *msg) {
	delete(q.msgs, m.seq)
	if m.heapIdx >= 0 {
		heap.Remove(&q.timers, m.heapIdx)
	}
	if m.aprev != nil {
		m.aprev.anext = m.anext
	} else {
		q.ahead = m.anext
	}
	if m.anext != nil {
		m.anext.aprev = m.aprev
	} else {
		q.atail = m.aprev
	}
	m.aprev, m.anext = nil, nil
	q.count(m.status, -1)
	if g := m.group; g != nil {
		if m.status == statusInflight {
			g.inflight--
		}
		if m.prev != nil {
			m.prev.next = m.next
		} else {
			g.head = m.next
		}
		if m.next != nil {
			m.next.prev = m.prev
		} else {
			g.tail = m.prev
		}
		m.prev, m.next = nil, nil
		if g.head == nil && !g.queued {
			delete(q.groups, g.id)
		} else {
			q.maybeQueueGroup(g)
		}
	} else {
		q.unlinkReady(m)
	}
	m.status = statusDelayed // detached; counts no longer include it
	m.heapIdx = -1
}

// promote makes every delayed or in-flight message whose time has come
// available, and reports whether any did.
func (q *queueRT) promote(now time.Time) bool {
	woke := false
	for len(q.timers) > 0 && !q.timers[0].visibleAt.After(now) {
		m := heap.Pop(&q.timers).(*msg)
		if m.status == statusInflight && m.group != nil {
			m.group.inflight--
		}
		q.setStatus(m, statusAvailable)
		q.makeAvailable(m)
		if m.group != nil {
			q.maybeQueueGroup(m.group)
		}
		woke = true
	}
	return woke
}

// popAvailable returns the next available message of a standard queue.
func (q *queueRT) popAvailable() *msg {
	m := q.readyHead
	if m != nil {
		q.unlinkReady(m)
	}
	return m
}

// popGroup returns the next FIFO group that can deliver, removing it from
// the ready list.
func (q *queueRT) popGroup() *group {
	for len(q.readyGroups) > 0 {
		g := q.readyGroups[0]
		q.readyGroups[0] = nil
		q.readyGroups = q.readyGroups[1:]
		g.queued = false
		if g.inflight == 0 && g.head != nil && g.head.status == statusAvailable {
			return g
		}
		if g.head == nil && q.groups[g.id] == g {
			delete(q.groups, g.id)
		}
	}
	return nil
}

// setInflight marks an available message as received until visibleAt.
// A standard queue's message must already be off the ready list.
func (q *queueRT) setInflight(m *msg, visibleAt time.Time) {
	if m.group != nil {
		m.group.inflight++
	}
	q.setStatus(m, statusInflight)
	m.visibleAt = visibleAt
	heap.Push(&q.timers, m)
}

// changeVisibility moves an in-flight message's visibility to visibleAt
// (now or earlier makes it available at once).
func (q *queueRT) changeVisibility(m *msg, visibleAt, now time.Time) {
	m.visibleAt = visibleAt
	if m.heapIdx >= 0 {
		heap.Fix(&q.timers, m.heapIdx)
	}
	if !visibleAt.After(now) && q.promote(now) {
		q.wake()
	}
}

// nextEvent is the earliest time something changes without a request: a
// message becoming visible or the oldest message expiring.
func (q *queueRT) nextEvent() time.Time {
	var t time.Time
	if len(q.timers) > 0 {
		t = q.timers[0].visibleAt
	}
	if q.ahead != nil {
		exp := time.UnixMilli(q.ahead.rec.Base).Add(q.cfg.retention)
		if t.IsZero() || exp.Before(t) {
			t = exp
		}
	}
	if len(q.dedup) > 0 && (t.IsZero() || q.dedup[0].expires.Before(t)) {
		t = q.dedup[0].expires
	}
	return t
}

// msgHeap orders messages by the time they become visible.
type msgHeap []*msg

func (h msgHeap) Len() int { return len(h) }
func (h msgHeap) Less(i, j int) bool {
	if h[i].visibleAt.Equal(h[j].visibleAt) {
		return h[i].seq < h[j].seq
	}
	return h[i].visibleAt.Before(h[j].visibleAt)
}
func (h msgHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = i
	h[j].heapIdx = j
}
func (h *msgHeap) Push(x any) {
	m := x.(*msg)
	m.heapIdx = len(*h)
	*h = append(*h, m)
}
func (h *msgHeap) Pop() any {
	old := *h
	n := len(old)
	m := old[n-1]
	old[n-1] = nil
	m.heapIdx = -1
	*h = old[:n-1]
	return m
}
