// Package sqs is Amazon Simple Queue Service: standard and FIFO queues with
// AWS's delivery semantics (visibility timeouts, long polling, receive
// counts and dead-letter queues, FIFO groups and deduplication), served in
// the JSON protocol current SDKs speak and in the query protocol of older
// clients.
//
// Every acknowledged change is in a state table before the answer leaves:
// queues, messages (written once, at send), message states (receive counts
// and visibility, written on every receive and visibility change),
// deduplication ids and message move tasks. Beside the tables each queue
// keeps in-memory structures (see runtime.go) so that a receive costs the
// same with ten messages waiting or a million; Start rebuilds them from the
// tables, and they change only inside db.Update, under the same lock and in
// the same commit as the records they mirror.
package sqs

//go:generate go run ../../../codegen -model sqs -pkg sqs -out api_gen.go

import (
	"container/heap"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"haneul/internal/clock"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Service is the SQS service.
type Service struct {
	db       *state.DB
	queues   *state.Table[queueRec]   // name → queue
	messages *state.Table[messageRec] // "name/seq" → message, written at send
	states   *state.Table[msgState]   // "name/seq" → receive count and visibility
	dedups   *state.Table[dedupRec]   // "name/dedup key" → first message with that id
	tasks    *state.Table[moveTask]   // "sourceARN/started/id" → message move task
	clock    clock.Clock
	log      *slog.Logger

	// Guarded by the DB's write lock: touched only inside db.Update.
	rt     map[rtKey]*queueRT
	loaded bool

	schedMu sync.Mutex
	sched   schedHeap // queues to advance, by time
	poke    chan struct{}

	bgMu    sync.Mutex
	bg      context.Context // ends with the server; move tasks run under it
	running map[string]context.CancelFunc
}

type rtKey struct {
	sc   state.Scope
	name string
}

// queueRec is a queue as stored.
type queueRec struct {
	Name       string
	Fifo       bool
	Attributes map[string]string // every settable attribute, defaults filled in
	Tags       map[string]string `json:",omitempty"`
	Created    int64             // unix seconds
	Modified   int64             // unix seconds
}

// messageRec is a message as sent; it never changes while in its queue.
type messageRec struct {
	ID          string
	Seq         uint64
	Body        string
	MD5Body     string
	Attrs       []attrValue `json:",omitempty"`
	MD5Attrs    string      `json:",omitempty"`
	TraceHeader string      `json:",omitempty"` // the AWSTraceHeader system attribute
	MD5Sys      string      `json:",omitempty"`
	Sent        int64       // unix ms
	Base        int64       // unix ms retention counts from (AWS: a standard DLQ keeps the original enqueue time)
	Sender      string
	Group       string `json:",omitempty"`
	Dedup       string `json:",omitempty"`
	SeqNo       string `json:",omitempty"` // FIFO sequence number
	VisibleAt   int64  // unix ns: after the delay
	Receives    int    `json:",omitempty"` // carried over by a move to a DLQ
	First       int64  `json:",omitempty"`
	DLQSource   string `json:",omitempty"` // DeadLetterQueueSourceArn
}

// attrValue is one message attribute.
type attrValue struct {
	Name     string
	DataType string
	String   string `json:",omitempty"`
	Binary   []byte `json:",omitempty"`
}

// msgState is what receives and visibility changes do to a message.
type msgState struct {
	Receives  int
	First     int64 // unix ms of the first receive
	Last      int64 // unix ms of the latest receive
	VisibleAt int64 // unix ns
}

// dedupRec remembers a FIFO deduplication id for five minutes.
type dedupRec struct {
	MessageID string
	SeqNo     string
	Expires   int64 // unix ns
}

// New returns the SQS service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("sqs")
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		db:       db,
		queues:   state.NewTable[queueRec](db, "queues"),
		messages: state.NewTable[messageRec](db, "messages"),
		states:   state.NewTable[msgState](db, "states"),
		dedups:   state.NewTable[dedupRec](db, "dedup"),
		tasks:    state.NewTable[moveTask](db, "movetasks"),
		clock:    deps.Clock,
		log:      log,
		rt:       map[rtKey]*queueRT{},
		poke:     make(chan struct{}, 1),
		bg:       context.Background(),
		running:  map[string]context.CancelFunc{},
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "sqs" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it rebuilds every queue's in-memory
// structures from the tables, then runs the goroutine that makes delayed
// and in-flight messages visible, drops expired ones and resumes message
// move tasks.
func (s *Service) Start(ctx context.Context) error {
	s.bgMu.Lock()
	s.bg = ctx
	s.bgMu.Unlock()
	if err := s.db.Update(ctx, func(tx *state.Tx) error {
		s.load(tx)
		return nil
	}); err != nil {
		return fmt.Errorf("sqs: rebuild queues: %w", err)
	}
	go s.run(ctx)
	s.resumeTasks(ctx)
	return nil
}

// Reset implements service.Resetter: the tables are empty, so are the queues.
func (s *Service) Reset() {
	s.bgMu.Lock()
	for id, cancel := range s.running {
		cancel()
		delete(s.running, id)
	}
	s.bgMu.Unlock()
	_ = s.db.Update(context.Background(), func(tx *state.Tx) error {
		for _, q := range s.rt {
			q.deleted = true
			q.wake()
		}
		s.rt = map[rtKey]*queueRT{}
		s.loaded = true
		return nil
	})
}

// load builds the in-memory queues from the tables. It runs inside Update.
func (s *Service) load(tx *state.Tx) {
	if s.loaded {
		return
	}
	s.loaded = true
	now := s.clock.Now()
	for _, sc := range s.queues.Scopes(tx) {
		s.queues.Ascend(tx, sc, "", func(_ string, rec queueRec) bool {
			r := rec
			s.rt[rtKey{sc, rec.Name}] = newQueueRT(sc, &r)
			return true
		})
	}
	for _, sc := range s.messages.Scopes(tx) {
		var q *queueRT
		s.messages.Ascend(tx, sc, "", func(key string, rec messageRec) bool {
			name, _, _ := strings.Cut(key, "/")
			if q == nil || q.name != name {
				q = s.rt[rtKey{sc, name}]
			}
			if q == nil {
				return true // a message of a queue that is gone: DeleteQueue removes both
			}
			r := rec
			m := &msg{rec: &r, key: key, seq: rec.Seq, receives: rec.Receives, firstReceive: rec.First, visibleAt: time.Unix(0, rec.VisibleAt)}
			if st, ok := s.states.Get(tx, sc, key); ok {
				m.receives, m.firstReceive, m.lastReceive, m.visibleAt = st.Receives, st.First, st.Last, time.Unix(0, st.VisibleAt)
			}
			q.add(m, now)
			return true
		})
	}
	for _, sc := range s.dedups.Scopes(tx) {
		s.dedups.Ascend(tx, sc, "", func(key string, d dedupRec) bool {
			name, _, _ := strings.Cut(key, "/")
			if q := s.rt[rtKey{sc, name}]; q != nil {
				q.dedup = append(q.dedup, dedupEntry{key: key, expires: time.Unix(0, d.Expires)})
			}
			return true
		})
	}
	for _, q := range s.rt {
		sort.Slice(q.dedup, func(i, j int) bool { return q.dedup[i].expires.Before(q.dedup[j].expires) })
		if q.nextSeq < uint64(now.UnixMicro()) {
			// Sequence numbers keep growing across restarts, even when the queue was emptied.
			q.nextSeq = uint64(now.UnixMicro())
		}
		s.schedule(q)
	}
}

// queue returns the in-memory queue sc/name, or nil. It runs inside Update.
func (s *Service) queue(tx *state.Tx, sc state.Scope, name string) *queueRT {
	if !s.loaded {
		s.load(tx)
	}
	return s.rt[rtKey{sc, name}]
}

// advance brings q up to now: messages whose delay or visibility timeout
// ended become available (waking long polls), messages past the retention
// period are dropped, deduplication ids older than five minutes forgotten.
// It runs inside Update.
func (s *Service) advance(tx *state.Tx, q *queueRT, now time.Time) {
	if q.promote(now) {
		q.wake()
	}
	// AWS: a message is deleted once it has been in the queue for MessageRetentionPeriod.
	for m := q.ahead; m != nil && !time.UnixMilli(m.rec.Base).Add(q.cfg.retention).After(now); m = q.ahead {
		s.dropMessage(tx, q, m)
	}
	for len(q.dedup) > 0 && !q.dedup[0].expires.After(now) {
		if d, ok := s.dedups.Get(tx, q.sc, q.dedup[0].key); ok && !time.Unix(0, d.Expires).After(now) {
			s.dedups.Delete(tx, q.sc, q.dedup[0].key)
		}
		q.dedup = q.dedup[1:]
	}
	q.expireAttempts(now)
}

// dropMessage deletes a message's records and takes it out of q.
func (s *Service) dropMessage(tx *state.Tx, q *queueRT, m *msg) {
	s.messages.Delete(tx, q.sc, m.key)
	s.states.Delete(tx, q.sc, m.key)
	q.remove(m)
}

// schedule makes sure the background goroutine advances q at its next
// event. It runs inside Update.
func (s *Service) schedule(q *queueRT) {
	t := q.nextEvent()
	if t.IsZero() || (!q.scheduled.IsZero() && !t.Before(q.scheduled)) {
		return
	}
	q.scheduled = t
	s.schedMu.Lock()
	heap.Push(&s.sched, schedEntry{when: t, q: q})
	s.schedMu.Unlock()
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// maxSleep bounds the background goroutine's sleeps while work is pending,
// so a clock that jumps (a fake one in tests) is noticed soon.
const maxSleep = time.Second

// run is the background goroutine: it sleeps until the earliest scheduled
// queue event (timers over deps.Clock times, never a scan of messages) and
// advances the queues whose time has come.
func (s *Service) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		wait := time.Hour
		s.schedMu.Lock()
		if len(s.sched) > 0 {
			wait = min(max(s.sched[0].when.Sub(s.clock.Now()), 0), maxSleep)
		}
		s.schedMu.Unlock()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.poke:
			timer.Stop() // Go 1.23+: no stale tick survives Stop
		case <-timer.C:
		}
		s.tick(ctx)
	}
}

// tick advances every queue whose scheduled time has come.
func (s *Service) tick(ctx context.Context) {
	now := s.clock.Now()
	var due []*queueRT
	s.schedMu.Lock()
	for len(s.sched) > 0 && !s.sched[0].when.After(now) {
		due = append(due, heap.Pop(&s.sched).(schedEntry).q)
	}
	s.schedMu.Unlock()
	if len(due) == 0 {
		return
	}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, q := range due {
			if q.deleted {
				continue
			}
			q.scheduled = time.Time{}
			s.advance(tx, q, now)
			s.schedule(q)
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		s.log.Error("sqs: advance queues", "err", err)
	}
}

type schedEntry struct {
	when time.Time
	q    *queueRT
}

type schedHeap []schedEntry

func (h schedHeap) Len() int           { return len(h) }
func (h schedHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h schedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *schedHeap) Push(x any)        { *h = append(*h, x.(schedEntry)) }
func (h *schedHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = schedEntry{}
	*h = old[:len(old)-1]
	return e
}

// noQueueURL lists the operations whose input has no QueueUrl.
var noQueueURL = map[string]bool{
	"CreateQueue": true, "GetQueueUrl": true, "ListQueues": true,
	"StartMessageMoveTask": true, "ListMessageMoveTasks": true, "CancelMessageMoveTask": true,
}

// Service implements service.Preparer: a compile-time check.
var _ service.Preparer = (*Service)(nil)

// Prepare fills in what SQS clients send outside the model's places.
//
// AWS: query clients post to the queue URL itself (/<account>/<queue>)
// without a QueueUrl parameter. And ReceiveMessage's AttributeNames is the
// deprecated spelling of MessageSystemAttributeNames, whose values
// (ApproximateReceiveCount, SentTimestamp…) lie outside its modelled enum;
// they are moved across before validation.
func (s *Service) Prepare(ctx context.Context, op string, r *http.Request, in map[string]any) error {
	if _, ok := in["QueueUrl"]; !ok && !noQueueURL[op] {
		if _, _, ok := parseQueuePath(r.URL.Path); ok {
			in["QueueUrl"] = "http://" + r.Host + r.URL.Path
		}
	}
	switch op {
	case "CreateQueue", "SetQueueAttributes":
		attrs, _ := in["Attributes"].(map[string]any)
		for name := range attrs {
			if !queueAttributeNames[name] {
				return invalidAttrName(name)
			}
		}
	case "GetQueueAttributes":
		names, _ := in["AttributeNames"].([]any)
		kept := names[:0]
		for _, n := range names {
			if name, _ := n.(string); queueAttributeNames[name] || name == "All" {
				kept = append(kept, n)
			} else {
				return invalidAttrName(name)
			}
		}
		if names != nil {
			in["AttributeNames"] = kept
		}
	}
	if op == "ReceiveMessage" {
		names, _ := in["AttributeNames"].([]any)
		if len(names) == 0 {
			return nil
		}
		delete(in, "AttributeNames")
		merged, _ := in["MessageSystemAttributeNames"].([]any)
		for _, n := range names {
			if name, ok := n.(string); ok && systemAttributeNames[name] {
				merged = append(merged, name)
			}
		}
		if len(merged) > 0 {
			in["MessageSystemAttributeNames"] = merged
		}
	}
	return nil
}

// queueAttributeNames are the queue attributes AWS knows.
var queueAttributeNames = map[string]bool{
	attrDelay: true, attrMaxSize: true, attrRetention: true, attrPolicy: true, attrWait: true, attrVisibility: true,
	attrRedrive: true, attrRedriveAllow: true, attrKmsKey: true, attrKmsReuse: true, attrSqsSSE: true, attrFifo: true,
	attrContentDedup: true, attrDedupScope: true, attrThroughputLimit: true,
	"ApproximateNumberOfMessages": true, "ApproximateNumberOfMessagesNotVisible": true, "ApproximateNumberOfMessagesDelayed": true,
	"CreatedTimestamp": true, "LastModifiedTimestamp": true, "QueueArn": true,
}
