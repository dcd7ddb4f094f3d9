package sqs

import (
	"context"
	"encoding/base64"
	"maps"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// scope is the account and region of the request.
func scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	return state.Scope{Account: info.Account, Region: info.Region}
}

// CreateQueue creates a queue, or returns the URL of an existing one with
// the same attributes.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
func (s *Service) CreateQueue(ctx context.Context, in *CreateQueueRequest) (*CreateQueueResult, error) {
	sc := scope(ctx)
	name := ptr.Val(in.QueueName)
	fifo := strings.HasSuffix(name, ".fifo")
	if v, ok := in.Attributes[attrFifo]; ok {
		if b, _ := parseBool(v); b {
			fifo = true
		}
	}
	// AWS: a FIFO queue's name ends in .fifo, and only FIFO queues' names do.
	if fifo && !fifoName.MatchString(name) || !fifo && !stdName.MatchString(name) {
		return nil, invalidQueueName(fifo)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		set, err := s.normalizeAttributes(tx, sc, name, fifo, true, in.Attributes)
		if err != nil {
			return err
		}
		if cur, ok := s.queues.Get(tx, sc, name); ok {
			// AWS: CreateQueue is idempotent unless an attribute differs.
			for k, v := range set {
				if have, ok := cur.Attributes[k]; ok && have != v || !ok && v != "" {
					return awserr.New("QueueNameExists", 0, "A queue already exists with the same name and a different value for attribute %s", k)
				}
			}
			return nil
		}
		attrs := merge(defaultAttributes(fifo), set)
		if err := checkFifoCombination(attrs); err != nil {
			return err
		}
		rec := queueRec{Name: name, Fifo: fifo, Attributes: attrs, Tags: maps.Clone(in.Tags), Created: now.Unix(), Modified: now.Unix()}
		s.queues.Put(tx, sc, name, rec)
		if s.queue(tx, sc, name) == nil {
			q := newQueueRT(sc, &rec)
			q.nextSeq = uint64(now.UnixMicro())
			s.rt[rtKey{sc, name}] = q
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateQueueResult{QueueUrl: ptr.To(queueURL(ctx, sc, name))}, nil
}

// DeleteQueue deletes a queue and its messages.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
func (s *Service) DeleteQueue(ctx context.Context, in *DeleteQueueRequest) (*DeleteQueueOutput, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if !s.queues.Delete(tx, sc, name) {
			return queueDoesNotExist()
		}
		s.deleteAll(tx, sc, name)
		if q := s.queue(tx, sc, name); q != nil {
			q.deleted = true
			q.wake()
			delete(s.rt, rtKey{sc, name})
		}
		return nil
	})
	return &DeleteQueueOutput{}, err
}

// deleteAll removes every message, state and deduplication record of a queue.
func (s *Service) deleteAll(tx *state.Tx, sc state.Scope, name string) {
	prefix := name + "/"
	var keys []string
	s.messages.AscendPrefix(tx, sc, prefix, func(k string, _ messageRec) bool { keys = append(keys, k); return true })
	for _, k := range keys {
		s.messages.Delete(tx, sc, k)
		s.states.Delete(tx, sc, k)
	}
	keys = keys[:0]
	s.dedups.AscendPrefix(tx, sc, prefix, func(k string, _ dedupRec) bool { keys = append(keys, k); return true })
	for _, k := range keys {
		s.dedups.Delete(tx, sc, k)
	}
}

// PurgeQueue deletes every message of a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
//
// AWS allows one purge per queue every 60 seconds (PurgeQueueInProgress);
// haneul purges at once and every time, as test suites purge between cases.
func (s *Service) PurgeQueue(ctx context.Context, in *PurgeQueueRequest) (*PurgeQueueOutput, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return queueDoesNotExist()
		}
		for m := q.ahead; m != nil; m = q.ahead {
			s.dropMessage(tx, q, m)
		}
		return nil
	})
	return &PurgeQueueOutput{}, err
}

// GetQueueUrl returns the URL of a queue, in the caller's account or the one named.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html
func (s *Service) GetQueueUrl(ctx context.Context, in *GetQueueUrlRequest) (*GetQueueUrlResult, error) {
	sc := scope(ctx)
	if owner := ptr.Val(in.QueueOwnerAWSAccountId); owner != "" {
		if !identity.IsAccountID(owner) {
			return nil, invalidParam(owner, "QueueOwnerAWSAccountId", "Must be a 12-digit AWS account id.")
		}
		sc.Account = owner
	}
	name := ptr.Val(in.QueueName)
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		_, ok = s.queues.Get(tx, sc, name)
		return nil
	})
	if !ok {
		return nil, queueDoesNotExist()
	}
	return &GetQueueUrlResult{QueueUrl: ptr.To(queueURL(ctx, sc, name))}, nil
}

// page reads MaxResults and NextToken: AWS allows 1 to 1000 results a page.
func page(maxResults *int64, token *string) (limit int, from string, err error) {
	limit = 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return 0, "", invalidParam(strconv.FormatInt(*maxResults, 10), "MaxResults", "MaxResults must be an integer between 1 and 1000.")
		}
		limit = int(*maxResults)
	}
	if t := ptr.Val(token); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil {
			return 0, "", invalidParam(t, "NextToken", "Invalid NextToken value.")
		}
		from = string(b)
	}
	return limit, from, nil
}

func nextToken(key string) *string {
	return ptr.To(base64.RawURLEncoding.EncodeToString([]byte(key)))
}

// ListQueues lists the queues of the account and region, by name prefix.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html
func (s *Service) ListQueues(ctx context.Context, in *ListQueuesRequest) (*ListQueuesResult, error) {
	sc := scope(ctx)
	limit, from, err := page(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	prefix := ptr.Val(in.QueueNamePrefix)
	if from < prefix {
		from = prefix
	}
	out := &ListQueuesResult{}
	_ = s.db.View(func(tx *state.Tx) error {
		s.queues.Ascend(tx, sc, from, func(name string, _ queueRec) bool {
			if !strings.HasPrefix(name, prefix) {
				return false
			}
			if len(out.QueueUrls) == limit {
				// AWS: NextToken only when MaxResults was given.
				if in.MaxResults != nil {
					out.NextToken = nextToken(name)
				}
				return false
			}
			out.QueueUrls = append(out.QueueUrls, queueURL(ctx, sc, name))
			return true
		})
		return nil
	})
	return out, nil
}

// ListDeadLetterSourceQueues lists the queues whose redrive policy names this queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListDeadLetterSourceQueues.html
func (s *Service) ListDeadLetterSourceQueues(ctx context.Context, in *ListDeadLetterSourceQueuesRequest) (*ListDeadLetterSourceQueuesResult, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	limit, from, err := page(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	target := queueARN(sc, name)
	out := &ListDeadLetterSourceQueuesResult{QueueUrls: []string{}}
	err = s.db.View(func(tx *state.Tx) error {
		if _, ok := s.queues.Get(tx, sc, name); !ok {
			return queueDoesNotExist()
		}
		s.queues.Ascend(tx, sc, from, func(src string, rec queueRec) bool {
			rp, ok := rec.Attributes[attrRedrive]
			if !ok {
				return true
			}
			if p, err := parseRedrive(rp); err != nil || p.DeadLetterTargetArn != target {
				return true
			}
			if len(out.QueueUrls) == limit {
				if in.MaxResults != nil {
					out.NextToken = nextToken(src)
				}
				return false
			}
			out.QueueUrls = append(out.QueueUrls, queueURL(ctx, sc, src))
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetQueueAttributes returns the named attributes of a queue ("All" for all).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
func (s *Service) GetQueueAttributes(ctx context.Context, in *GetQueueAttributesRequest) (*GetQueueAttributesResult, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	var all map[string]string
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return queueDoesNotExist()
		}
		s.advance(tx, q, s.clock.Now())
		all = maps.Clone(q.rec.Attributes)
		all["QueueArn"] = queueARN(sc, name)
		all["ApproximateNumberOfMessages"] = strconv.Itoa(q.nAvailable)
		all["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(q.nInflight)
		all["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(q.nDelayed)
		all["CreatedTimestamp"] = strconv.FormatInt(q.rec.Created, 10)
		all["LastModifiedTimestamp"] = strconv.FormatInt(q.rec.Modified, 10)
		if q.rec.Fifo {
			all[attrFifo] = "true"
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &GetQueueAttributesResult{Attributes: map[string]string{}}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out.Attributes = all
			break
		}
		if v, ok := all[n]; ok {
			out.Attributes[n] = v
		}
	}
	if len(out.Attributes) == 0 {
		out.Attributes = nil
	}
	return out, nil
}

// SetQueueAttributes changes attributes of a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
func (s *Service) SetQueueAttributes(ctx context.Context, in *SetQueueAttributesRequest) (*SetQueueAttributesOutput, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return queueDoesNotExist()
		}
		set, err := s.normalizeAttributes(tx, sc, name, q.rec.Fifo, false, in.Attributes)
		if err != nil {
			return err
		}
		attrs := merge(q.rec.Attributes, set)
		if err := checkFifoCombination(attrs); err != nil {
			return err
		}
		return s.putQueue(tx, q, func(rec *queueRec) { rec.Attributes = attrs })
	})
	return &SetQueueAttributesOutput{}, err
}

// putQueue stores a modified copy of q's record. It runs inside Update and
// must be the last thing that can fail there.
func (s *Service) putQueue(tx *state.Tx, q *queueRT, change func(*queueRec)) error {
	rec := *q.rec
	change(&rec)
	rec.Modified = s.clock.Now().Unix()
	s.queues.Put(tx, q.sc, q.name, rec)
	q.setRec(&rec)
	s.schedule(q)
	return nil
}

// lookup runs fn inside Update with the queue a QueueUrl names.
func (s *Service) lookup(ctx context.Context, queueURL *string, fn func(tx *state.Tx, q *queueRT) error) error {
	sc, name, err := resolveURL(ctx, ptr.Val(queueURL))
	if err != nil {
		return err
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return queueDoesNotExist()
		}
		return fn(tx, q)
	})
}
