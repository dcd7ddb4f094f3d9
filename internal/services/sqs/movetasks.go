package sqs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// moveTask is a dead-letter queue redrive: messages moved from a DLQ back to
// their source queues or to a named destination.
type moveTask struct {
	ID             string
	Handle         string
	SourceArn      string
	DestinationArn string `json:",omitempty"`
	MaxPerSecond   int64  `json:",omitempty"`
	Status         string // RUNNING, CANCELLING, CANCELLED, COMPLETED, FAILED
	ToMove         int64
	Moved          int64
	Started        int64  // unix ms
	FailureReason  string `json:",omitempty"`
}

// taskKey orders a source's tasks by start time.
func taskKey(t *moveTask) string {
	return fmt.Sprintf("%s/%016x/%s", t.SourceArn, t.Started, t.ID)
}

// moveBatch is how many messages a task moves per transaction when it has no rate.
const moveBatch = 100

// StartMessageMoveTask starts moving the messages of a dead-letter queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
func (s *Service) StartMessageMoveTask(ctx context.Context, in *StartMessageMoveTaskRequest) (*StartMessageMoveTaskResult, error) {
	src := ptr.Val(in.SourceArn)
	sc, name, ok := parseQueueARN(src)
	if !ok {
		return nil, invalidParam(src, "SourceArn", "The source ARN is not a valid queue ARN.")
	}
	if r := in.MaxNumberOfMessagesPerSecond; r != nil && (*r < 1 || *r > 500) {
		return nil, invalidParam(strconv.FormatInt(*r, 10), "MaxNumberOfMessagesPerSecond", "Must be between 1 and 500, if provided.")
	}
	dest := ptr.Val(in.DestinationArn)
	now := s.clock.Now()
	task := moveTask{ID: ids.UUID(), SourceArn: src, DestinationArn: dest, MaxPerSecond: ptr.Val(in.MaxNumberOfMessagesPerSecond), Status: "RUNNING", Started: now.UnixMilli()}
	h, _ := json.Marshal(map[string]string{"taskId": task.ID, "sourceArn": src})
	task.Handle = base64.StdEncoding.EncodeToString(h)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return awserr.New("ResourceNotFoundException", 0, "The resource that you specified for the SourceArn parameter doesn't exist.")
		}
		if dest != "" {
			dsc, dname, ok := parseQueueARN(dest)
			if !ok || s.queue(tx, dsc, dname) == nil {
				return awserr.New("ResourceNotFoundException", 0, "The resource that you specified for the DestinationArn parameter doesn't exist.")
			}
		}
		// AWS: the source must be some queue's dead-letter queue.
		isDLQ := false
		for _, other := range s.rt {
			if other.cfg.dlqARN == src {
				isDLQ = true
				break
			}
		}
		if !isDLQ {
			return invalidParam(src, "SourceArn", "Source queue must be configured as a Dead Letter Queue.")
		}
		running := false
		s.tasks.AscendPrefix(tx, sc, src+"/", func(_ string, t moveTask) bool {
			running = t.Status == "RUNNING" || t.Status == "CANCELLING"
			return !running
		})
		if running {
			return invalidParam(src, "SourceArn", "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
		task.ToMove = int64(q.nAvailable)
		s.tasks.Put(tx, sc, taskKey(&task), task)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.runTask(sc, task)
	return &StartMessageMoveTaskResult{TaskHandle: ptr.To(task.Handle)}, nil
}

// runTask moves a task's messages in the background.
func (s *Service) runTask(sc state.Scope, t moveTask) {
	s.bgMu.Lock()
	ctx, cancel := context.WithCancel(s.bg)
	s.running[t.ID] = cancel
	s.bgMu.Unlock()
	go func() {
		defer func() {
			s.bgMu.Lock()
			delete(s.running, t.ID)
			s.bgMu.Unlock()
			cancel()
		}()
		batch := moveBatch
		var tick *time.Ticker
		if t.MaxPerSecond > 0 {
			batch = int(t.MaxPerSecond)
			tick = time.NewTicker(time.Second)
			defer tick.Stop()
		}
		for {
			done := false
			err := s.db.Update(ctx, func(tx *state.Tx) error {
				done = s.moveSome(tx, sc, taskKey(&t), batch)
				return nil
			})
			if err != nil || done {
				return
			}
			if tick != nil {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
			} else if ctx.Err() != nil {
				return
			}
		}
	}()
}

// moveSome moves up to n messages for the task stored at key and reports
// whether the task has ended. It runs inside Update.
func (s *Service) moveSome(tx *state.Tx, sc state.Scope, key string, n int) bool {
	t, ok := s.tasks.Get(tx, sc, key)
	if !ok {
		return true
	}
	finish := func(status, reason string) bool {
		t.Status, t.FailureReason = status, reason
		s.tasks.Put(tx, sc, key, t)
		return true
	}
	if t.Status == "CANCELLING" {
		return finish("CANCELLED", "")
	}
	if t.Status != "RUNNING" {
		return true
	}
	_, name, _ := parseQueueARN(t.SourceArn)
	q := s.queue(tx, sc, name)
	if q == nil {
		return finish("FAILED", "AWS.SimpleQueueService.NonExistentQueue")
	}
	now := s.clock.Now()
	if q.promote(now) {
		q.wake()
	}
	for i := 0; i < n; i++ {
		m := q.nextAvailable()
		if m == nil {
			return finish("COMPLETED", "")
		}
		target := t.DestinationArn
		if target == "" {
			target = m.rec.DLQSource
		}
		dsc, dname, ok := parseQueueARN(target)
		var dst *queueRT
		if ok {
			dst = s.queue(tx, dsc, dname)
		}
		if dst == nil {
			return finish("FAILED", "AWS.SimpleQueueService.NonExistentQueue")
		}
		rec := *m.rec
		rec.Receives, rec.First, rec.DLQSource, rec.SeqNo = 0, 0, "", ""
		rec.Base, rec.VisibleAt = now.UnixMilli(), now.UnixNano()
		s.dropMessage(tx, q, m)
		s.insert(tx, dst, rec, now)
		t.Moved++
	}
	s.tasks.Put(tx, sc, key, t)
	return false
}

// nextAvailable returns the message a receive would take first, or nil.
func (q *queueRT) nextAvailable() *msg {
	if !q.rec.Fifo {
		return q.readyHead
	}
	for len(q.readyGroups) > 0 {
		g := q.readyGroups[0]
		if g.inflight == 0 && g.head != nil && g.head.status == statusAvailable {
			return g.head
		}
		q.popGroup()
	}
	return nil
}

// resumeTasks restarts the tasks that were running when haneul stopped.
func (s *Service) resumeTasks(ctx context.Context) {
	type found struct {
		sc state.Scope
		t  moveTask
	}
	var todo []found
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.tasks.Scopes(tx) {
			s.tasks.Ascend(tx, sc, "", func(_ string, t moveTask) bool {
				if t.Status == "RUNNING" || t.Status == "CANCELLING" {
					todo = append(todo, found{sc, t})
				}
				return true
			})
		}
		return nil
	})
	for _, f := range todo {
		s.runTask(f.sc, f.t)
	}
}

// ListMessageMoveTasks lists the most recent move tasks of a source queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
func (s *Service) ListMessageMoveTasks(ctx context.Context, in *ListMessageMoveTasksRequest) (*ListMessageMoveTasksResult, error) {
	src := ptr.Val(in.SourceArn)
	sc, name, ok := parseQueueARN(src)
	if !ok {
		return nil, invalidParam(src, "SourceArn", "The source ARN is not a valid queue ARN.")
	}
	limit := 1
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, invalidParam(strconv.FormatInt(*in.MaxResults, 10), "MaxResults", "Must be between 1 and 10, if provided.")
		}
		limit = int(*in.MaxResults)
	}
	var tasks []moveTask
	err := s.db.View(func(tx *state.Tx) error {
		if _, ok := s.queues.Get(tx, sc, name); !ok {
			return awserr.New("ResourceNotFoundException", 0, "The resource that you specified for the SourceArn parameter doesn't exist.")
		}
		s.tasks.AscendPrefix(tx, sc, src+"/", func(_ string, t moveTask) bool {
			tasks = append(tasks, t)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(tasks) // most recent first
	out := &ListMessageMoveTasksResult{Results: []ListMessageMoveTasksResultEntry{}}
	for _, t := range tasks[:min(limit, len(tasks))] {
		e := ListMessageMoveTasksResultEntry{
			SourceArn:                        ptr.To(t.SourceArn),
			Status:                           ptr.To(t.Status),
			StartedTimestamp:                 ptr.To(t.Started),
			ApproximateNumberOfMessagesMoved: ptr.To(t.Moved),
			DestinationArn:                   optional(t.DestinationArn),
			FailureReason:                    optional(t.FailureReason),
		}
		if t.Status == "RUNNING" {
			e.TaskHandle = ptr.To(t.Handle)
			e.ApproximateNumberOfMessagesToMove = ptr.To(t.ToMove)
		}
		if t.MaxPerSecond > 0 {
			e.MaxNumberOfMessagesPerSecond = ptr.To(t.MaxPerSecond)
		}
		out.Results = append(out.Results, e)
	}
	return out, nil
}

// CancelMessageMoveTask cancels a running move task.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CancelMessageMoveTask.html
func (s *Service) CancelMessageMoveTask(ctx context.Context, in *CancelMessageMoveTaskRequest) (*CancelMessageMoveTaskResult, error) {
	handle := ptr.Val(in.TaskHandle)
	notFound := awserr.New("ResourceNotFoundException", 0, "The task handle %s does not refer to a task.", handle)
	raw, err := base64.StdEncoding.DecodeString(handle)
	var h struct {
		TaskID    string `json:"taskId"`
		SourceArn string `json:"sourceArn"`
	}
	if err != nil || json.Unmarshal(raw, &h) != nil {
		return nil, notFound
	}
	sc, _, ok := parseQueueARN(h.SourceArn)
	if !ok {
		return nil, notFound
	}
	var moved int64
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var key string
		var task moveTask
		s.tasks.AscendPrefix(tx, sc, h.SourceArn+"/", func(k string, t moveTask) bool {
			if t.ID == h.TaskID {
				key, task = k, t
				return false
			}
			return true
		})
		if key == "" {
			return notFound
		}
		// AWS: only a running task can be cancelled.
		if task.Status != "RUNNING" {
			return awserr.New("ResourceNotFoundException", 0, "Only active tasks can be cancelled.")
		}
		task.Status = "CANCELLING"
		moved = task.Moved
		s.tasks.Put(tx, sc, key, task)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CancelMessageMoveTaskResult{ApproximateNumberOfMessagesMoved: ptr.To(moved)}, nil
}
