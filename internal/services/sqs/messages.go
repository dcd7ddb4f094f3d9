package sqs

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// systemAttributeNames are the message system attributes ReceiveMessage can return.
var systemAttributeNames = map[string]bool{
	"All": true, "SenderId": true, "SentTimestamp": true, "ApproximateReceiveCount": true,
	"ApproximateFirstReceiveTimestamp": true, "SequenceNumber": true, "MessageDeduplicationId": true,
	"MessageGroupId": true, "AWSTraceHeader": true, "DeadLetterQueueSourceArn": true,
}

// outgoing is a message being sent, checked as far as it can be without its queue.
type outgoing struct {
	rec   messageRec
	size  int // body plus attributes, as AWS counts against MaximumMessageSize
	delay *int64
	dedup *string
}

var (
	attrNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)
	batchIDRE  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	// AWS: group and deduplication ids are up to 128 alphanumeric or punctuation characters.
	fifoIDRE = regexp.MustCompile("^[\\x21-\\x7e]{1,128}$")
)

// validBody reports whether every character of the body is one SQS accepts:
// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
func validBody(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		i += n
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// newOutgoing checks a message's body and attributes and computes its checksums.
func newOutgoing(body *string, attrs map[string]MessageAttributeValue, sys map[string]MessageSystemAttributeValue, delay *int64, group, dedup *string) (*outgoing, *awserr.Error) {
	b := ptr.Val(body)
	if b == "" {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter MessageBody.")
	}
	if !validBody(b) {
		return nil, awserr.New("InvalidMessageContents", 0, "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	}
	o := &outgoing{delay: delay, dedup: dedup, size: len(b)}
	o.rec.Body, o.rec.MD5Body = b, md5Hex(b)
	if len(attrs) > maxMessageAttrs {
		return nil, awserr.New("InvalidParameterValue", 400, "Number of message attributes [%d] exceeds the allowed maximum [%d].", len(attrs), maxMessageAttrs)
	}
	for name, v := range attrs {
		a, size, err := checkAttribute(name, v.DataType, v.StringValue, v.BinaryValue, len(v.StringListValues)+len(v.BinaryListValues) > 0)
		if err != nil {
			return nil, err
		}
		o.size += size
		o.rec.Attrs = append(o.rec.Attrs, a)
	}
	sort.Slice(o.rec.Attrs, func(i, j int) bool { return o.rec.Attrs[i].Name < o.rec.Attrs[j].Name })
	o.rec.MD5Attrs = md5Attributes(o.rec.Attrs)
	for name, v := range sys {
		// AWS: AWSTraceHeader, a String, is the only system attribute a sender sets.
		if name != "AWSTraceHeader" {
			return nil, awserr.New("InvalidParameterValue", 400, "Message system attribute name '%s' is invalid.", name)
		}
		a, size, err := checkAttribute(name, v.DataType, v.StringValue, v.BinaryValue, false)
		if err != nil {
			return nil, err
		}
		if a.DataType != "String" {
			return nil, awserr.New("InvalidParameterValue", 400, "Message system attribute '%s' must be of type String.", name)
		}
		o.size += size
		o.rec.TraceHeader = a.String
		o.rec.MD5Sys = md5Attributes([]attrValue{a})
	}
	if g := ptr.Val(group); group != nil {
		if !fifoIDRE.MatchString(g) {
			return nil, invalidParam(g, "MessageGroupId", "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		o.rec.Group = g
	}
	if d := ptr.Val(dedup); dedup != nil && !fifoIDRE.MatchString(d) {
		return nil, invalidParam(d, "MessageDeduplicationId", "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	return o, nil
}

// checkAttribute validates one message attribute and returns it with the
// bytes it counts against the message size.
func checkAttribute(name string, dataType *string, sv *string, bv []byte, list bool) (attrValue, int, *awserr.Error) {
	lower := strings.ToLower(name)
	// AWS: names are up to 256 of A-Z a-z 0-9 _ - ., no leading, trailing or doubled
	// periods, and never start with AWS. or Amazon. (reserved).
	if !attrNameRE.MatchString(name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") ||
		strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
		return attrValue{}, 0, awserr.New("InvalidParameterValue", 400, "Message (user) attribute name '%s' is invalid.", name)
	}
	t := ptr.Val(dataType)
	base, _, _ := strings.Cut(t, ".")
	if base != "String" && base != "Number" && base != "Binary" || len(t) > 256 {
		return attrValue{}, 0, awserr.New("InvalidParameterValue", 400, "The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
	}
	if list {
		return attrValue{}, 0, awserr.New("InvalidParameterValue", 400, "Message (user) attribute '%s': list values are not supported.", name)
	}
	a := attrValue{Name: name, DataType: t}
	if base == "Binary" {
		if len(bv) == 0 {
			return a, 0, awserr.New("InvalidParameterValue", 400, "Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
		}
		a.Binary = bv
		return a, len(name) + len(t) + len(bv), nil
	}
	s := ptr.Val(sv)
	if s == "" {
		return a, 0, awserr.New("InvalidParameterValue", 400, "Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, base)
	}
	if base == "Number" {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return a, 0, awserr.New("InvalidParameterValue", 400, "Can't cast the value of message (user) attribute '%s' to a number.", name)
		}
	}
	if !validBody(s) {
		return a, 0, awserr.New("InvalidParameterValue", 400, "Message (user) attribute '%s' contains invalid characters.", name)
	}
	a.String = s
	return a, len(name) + len(t) + len(s), nil
}

// enqueue adds a checked message to q. For a FIFO message whose
// deduplication id was seen in the last five minutes it returns the first
// message's record and adds nothing. It runs inside Update and changes
// nothing when it fails.
func (s *Service) enqueue(ctx context.Context, tx *state.Tx, q *queueRT, o *outgoing, now time.Time) (*messageRec, *awserr.Error) {
	if o.size > q.cfg.maxSize {
		return nil, awserr.New("InvalidParameterValue", 400, "One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.cfg.maxSize)
	}
	delay := q.cfg.delay
	var dedupKey string
	if q.rec.Fifo {
		if o.rec.Group == "" {
			return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter MessageGroupId.")
		}
		// AWS: FIFO queues have only the queue's delay.
		if o.delay != nil && *o.delay != 0 {
			return nil, invalidParam(strconv.FormatInt(*o.delay, 10), "DelaySeconds", "The request include parameter that is not valid for this queue type.")
		}
		dedup := ptr.Val(o.dedup)
		if dedup == "" {
			if !q.cfg.contentDedup {
				return nil, awserr.New("InvalidParameterValue", 400, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			dedup = sha256Hex(o.rec.Body)
		}
		o.rec.Dedup = dedup
		dedupKey = q.name + "/" + dedup
		if q.cfg.dedupByGroup {
			dedupKey = q.name + "/" + o.rec.Group + "/" + dedup
		}
		// AWS: a message with a deduplication id seen in the last five minutes is
		// accepted and not delivered; the answer names the first message.
		if d, ok := s.dedups.Get(tx, q.sc, dedupKey); ok && time.Unix(0, d.Expires).After(now) {
			r := o.rec
			r.ID, r.SeqNo = d.MessageID, d.SeqNo
			return &r, nil
		}
	} else {
		if o.dedup != nil {
			return nil, invalidParam(*o.dedup, "MessageDeduplicationId", "The request include parameter that is not valid for this queue type.")
		}
		if o.delay != nil {
			if *o.delay < 0 || *o.delay > maxDelay {
				return nil, invalidParam(strconv.FormatInt(*o.delay, 10), "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.")
			}
			delay = time.Duration(*o.delay) * time.Second
		}
	}
	rec := o.rec
	rec.ID = ids.UUID()
	rec.Sent = now.UnixMilli()
	rec.Base = rec.Sent
	rec.Sender = senderID(ctx)
	rec.VisibleAt = now.Add(delay).UnixNano()
	m := s.insert(tx, q, rec, now)
	if q.rec.Fifo {
		s.dedups.Put(tx, q.sc, dedupKey, dedupRec{MessageID: rec.ID, SeqNo: m.rec.SeqNo, Expires: now.Add(dedupWindow).UnixNano()})
		q.dedup = append(q.dedup, dedupEntry{key: dedupKey, expires: now.Add(dedupWindow)})
	}
	return m.rec, nil
}

// insert stores a new message of q, numbered next, and files it in memory.
func (s *Service) insert(tx *state.Tx, q *queueRT, rec messageRec, now time.Time) *msg {
	rec.Seq = q.nextSeq
	if q.rec.Fifo && rec.SeqNo == "" {
		rec.SeqNo = fmt.Sprintf("%020d", rec.Seq)
	}
	key := msgKey(q.name, rec.Seq)
	s.messages.Put(tx, q.sc, key, rec)
	m := &msg{rec: &rec, key: key, seq: rec.Seq, receives: rec.Receives, firstReceive: rec.First, visibleAt: time.Unix(0, rec.VisibleAt)}
	q.add(m, now)
	if m.status == statusAvailable {
		q.wake()
	}
	s.schedule(q)
	return m
}

func msgKey(queue string, seq uint64) string { return fmt.Sprintf("%s/%016x", queue, seq) }

// senderID is the SenderId system attribute: the caller's user id
// (the account id for root, AROA…:session for an assumed role).
func senderID(ctx context.Context) string {
	info := reqctx.From(ctx)
	if info.Caller.UserID != "" {
		return info.Caller.UserID
	}
	return info.Account
}

// SendMessage sends a message to a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
func (s *Service) SendMessage(ctx context.Context, in *SendMessageRequest) (*SendMessageResult, error) {
	o, aerr := newOutgoing(in.MessageBody, in.MessageAttributes, in.MessageSystemAttributes, in.DelaySeconds, in.MessageGroupId, in.MessageDeduplicationId)
	if aerr != nil {
		return nil, aerr
	}
	var rec *messageRec
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		var aerr *awserr.Error
		if rec, aerr = s.enqueue(ctx, tx, q, o, s.clock.Now()); aerr != nil {
			return aerr
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &SendMessageResult{
		MessageId:                    ptr.To(rec.ID),
		MD5OfMessageBody:             ptr.To(rec.MD5Body),
		MD5OfMessageAttributes:       optional(rec.MD5Attrs),
		MD5OfMessageSystemAttributes: optional(rec.MD5Sys),
		SequenceNumber:               optional(rec.SeqNo),
	}, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// batchFailure is a failed batch entry.
func batchFailure(id string, err error) BatchResultErrorEntry {
	aerr, ok := awserr.As(err)
	if !ok {
		aerr = awserr.ErrInternal
	}
	return BatchResultErrorEntry{Id: ptr.To(id), Code: ptr.To(aerr.Code), Message: ptr.To(aerr.Message), SenderFault: ptr.To(!aerr.Receiver)}
}

// checkBatch applies AWS's rules for batch entries: 1 to 10 of them, with
// distinct ids of up to 80 alphanumerics, hyphens and underscores.
func checkBatch(entryShape string, idsOf []string) error {
	if len(idsOf) == 0 {
		return awserr.New("EmptyBatchRequest", 0, "There should be at least one %s in the request.", entryShape)
	}
	if len(idsOf) > maxBatchEntries {
		return awserr.New("TooManyEntriesInBatchRequest", 0, "Maximum number of entries per request are %d. You have sent %d.", maxBatchEntries, len(idsOf))
	}
	seen := make(map[string]bool, len(idsOf))
	for _, id := range idsOf {
		if !batchIDRE.MatchString(id) {
			return awserr.New("InvalidBatchEntryId", 0, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[id] {
			return awserr.New("BatchEntryIdsNotDistinct", 0, "Id %s repeated.", id)
		}
		seen[id] = true
	}
	return nil
}

// SendMessageBatch sends up to ten messages to a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
func (s *Service) SendMessageBatch(ctx context.Context, in *SendMessageBatchRequest) (*SendMessageBatchResult, error) {
	entryIDs := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		entryIDs[i] = ptr.Val(e.Id)
	}
	if err := checkBatch("SendMessageBatchRequestEntry", entryIDs); err != nil {
		return nil, err
	}
	out := &SendMessageBatchResult{Failed: []BatchResultErrorEntry{}, Successful: []SendMessageBatchResultEntry{}}
	outs := make([]*outgoing, len(in.Entries))
	total := 0
	for i, e := range in.Entries {
		o, aerr := newOutgoing(e.MessageBody, e.MessageAttributes, e.MessageSystemAttributes, e.DelaySeconds, e.MessageGroupId, e.MessageDeduplicationId)
		if aerr != nil {
			out.Failed = append(out.Failed, batchFailure(entryIDs[i], aerr))
			continue
		}
		outs[i] = o
		total += o.size
	}
	// AWS: the whole batch is limited like one message.
	if total > maxMessageSize {
		return nil, awserr.New("BatchRequestTooLong", 0, "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", maxMessageSize, total)
	}
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		now := s.clock.Now()
		for i, o := range outs {
			if o == nil {
				continue
			}
			rec, aerr := s.enqueue(ctx, tx, q, o, now)
			if aerr != nil {
				out.Failed = append(out.Failed, batchFailure(entryIDs[i], aerr))
				continue
			}
			out.Successful = append(out.Successful, SendMessageBatchResultEntry{
				Id:                           ptr.To(entryIDs[i]),
				MessageId:                    ptr.To(rec.ID),
				MD5OfMessageBody:             ptr.To(rec.MD5Body),
				MD5OfMessageAttributes:       optional(rec.MD5Attrs),
				MD5OfMessageSystemAttributes: optional(rec.MD5Sys),
				SequenceNumber:               optional(rec.SeqNo),
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// receiptHandle identifies one receive of one message.
type receiptHandle struct {
	seq      uint64
	receives int
	id       string
}

func (h receiptHandle) String() string {
	raw := fmt.Sprintf("%x:%d:%s:%s", h.seq, h.receives, h.id, ids.Hex("r", 16))
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseHandle(s string) (receiptHandle, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return receiptHandle{}, false
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 4 {
		return receiptHandle{}, false
	}
	seq, err1 := strconv.ParseUint(parts[0], 16, 64)
	n, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || parts[2] == "" {
		return receiptHandle{}, false
	}
	return receiptHandle{seq: seq, receives: n, id: parts[2]}, true
}

func invalidHandle(h string) *awserr.Error {
	return awserr.New("ReceiptHandleIsInvalid", 0, "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// receiveOptions are what a ReceiveMessage asks for.
type receiveOptions struct {
	max        int
	visibility time.Duration
	sysAll     bool
	sys        map[string]bool
	attrAll    bool
	attrs      []string // exact names and "prefix.*"
}

// ReceiveMessage returns up to ten messages, waiting up to WaitTimeSeconds
// for one to arrive (long polling answers as soon as one does).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
func (s *Service) ReceiveMessage(ctx context.Context, in *ReceiveMessageRequest) (*ReceiveMessageResult, error) {
	opts := receiveOptions{max: 1, visibility: -1, sys: map[string]bool{}}
	if in.MaxNumberOfMessages != nil {
		n := *in.MaxNumberOfMessages
		if n < 1 || n > maxBatchEntries {
			return nil, invalidParam(strconv.FormatInt(n, 10), "MaxNumberOfMessages", "Must be between 1 and 10, if provided.")
		}
		opts.max = int(n)
	}
	if in.VisibilityTimeout != nil {
		v := *in.VisibilityTimeout
		if v < 0 || v > maxVisibility {
			return nil, invalidParam(strconv.FormatInt(v, 10), "VisibilityTimeout", "Must be >= 0 and <= 43200, if provided.")
		}
		opts.visibility = time.Duration(v) * time.Second
	}
	wait := time.Duration(-1)
	if in.WaitTimeSeconds != nil {
		w := *in.WaitTimeSeconds
		if w < 0 || w > maxWait {
			return nil, invalidParam(strconv.FormatInt(w, 10), "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided.")
		}
		wait = time.Duration(w) * time.Second
	}
	for _, n := range append(in.MessageSystemAttributeNames, in.AttributeNames...) {
		opts.sys[n] = true
		opts.sysAll = opts.sysAll || n == "All"
	}
	for _, n := range in.MessageAttributeNames {
		if n == "All" || n == ".*" {
			opts.attrAll = true
		}
		opts.attrs = append(opts.attrs, n)
	}

	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		var out []Message
		var notify chan struct{}
		var overLimit bool
		err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
			now := s.clock.Now()
			s.advance(tx, q, now)
			if wait < 0 {
				wait = q.cfg.wait
			}
			vis := opts.visibility
			if vis < 0 {
				vis = q.cfg.visibility
			}
			attempt := ""
			if q.rec.Fifo {
				attempt = ptr.Val(in.ReceiveRequestAttemptId)
			}
			if again, ok := s.retryAttempt(tx, q, attempt, &opts, now); ok {
				out = again
				return nil
			}
			var got []*msg
			out, got, overLimit = s.take(tx, q, &opts, vis, now)
			q.recordAttempt(attempt, got, out, vis, now)
			if len(out) == 0 {
				notify = q.notify
			}
			s.schedule(q)
			return nil // nothing may fail after advance: its deletions are not rolled back in memory
		})
		if err != nil {
			return nil, err
		}
		if overLimit {
			// AWS: a standard queue refuses receives with 120,000 messages in flight.
			return nil, awserr.New("OverLimit", 0, "Too many messages in flight: the queue has reached the in-flight limit of %d messages.", maxInflightStd)
		}
		if len(out) > 0 || wait <= 0 {
			return &ReceiveMessageResult{Messages: out}, nil
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		}
		select {
		case <-notify:
		case <-timer.C:
			return &ReceiveMessageResult{}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// take receives up to opts.max messages of q. It runs inside Update.
func (s *Service) take(tx *state.Tx, q *queueRT, opts *receiveOptions, vis time.Duration, now time.Time) ([]Message, []*msg, bool) {
	var out []Message
	var got []*msg
	deliver := func(m *msg) {
		got = append(got, m)
		m.receives++
		if m.firstReceive == 0 {
			m.firstReceive = now.UnixMilli()
		}
		m.lastReceive = now.UnixMilli()
		q.setInflight(m, now.Add(vis))
		s.states.Put(tx, q.sc, m.key, msgState{Receives: m.receives, First: m.firstReceive, Last: m.lastReceive, VisibleAt: m.visibleAt.UnixNano()})
		out = append(out, s.render(q, m, opts))
	}
	// exhausted reports whether m has been received maxReceiveCount times and
	// goes to the dead-letter queue instead.
	// AWS: the move happens when a receive would exceed maxReceiveCount.
	exhausted := func(m *msg) bool {
		return q.cfg.maxReceives > 0 && m.receives >= q.cfg.maxReceives && s.moveToDLQ(tx, q, m, now)
	}
	if !q.rec.Fifo {
		if q.nInflight >= maxInflightStd {
			return nil, nil, true
		}
		for len(out) < opts.max {
			m := q.popAvailable()
			if m == nil {
				break
			}
			if exhausted(m) {
				continue
			}
			deliver(m)
		}
		return out, got, false
	}
	// AWS: a FIFO queue with 20,000 messages in flight returns none.
	if q.nInflight >= maxInflightFifo {
		return nil, nil, false
	}
	for len(out) < opts.max {
		g := q.popGroup()
		if g == nil {
			break
		}
		// Messages of one group go out in order; while any is in flight, the group waits.
		for m := g.head; m != nil && m.status == statusAvailable && len(out) < opts.max; {
			next := m.next
			if !exhausted(m) {
				deliver(m)
			}
			m = next
		}
	}
	return out, got, false
}

// render builds the Message a receive returns.
func (s *Service) render(q *queueRT, m *msg, opts *receiveOptions) Message {
	r := m.rec
	out := Message{
		MessageId:     ptr.To(r.ID),
		ReceiptHandle: ptr.To(receiptHandle{seq: m.seq, receives: m.receives, id: r.ID}.String()),
		Body:          ptr.To(r.Body),
		MD5OfBody:     ptr.To(r.MD5Body),
	}
	want := func(n string) bool { return opts.sysAll || opts.sys[n] }
	attrs := map[string]string{}
	set := func(n, v string) {
		if v != "" && want(n) {
			attrs[n] = v
		}
	}
	set("SenderId", r.Sender)
	set("SentTimestamp", strconv.FormatInt(r.Sent, 10))
	set("ApproximateReceiveCount", strconv.Itoa(m.receives))
	set("ApproximateFirstReceiveTimestamp", strconv.FormatInt(m.firstReceive, 10))
	set("MessageGroupId", r.Group)
	if q.rec.Fifo {
		set("SequenceNumber", r.SeqNo)
		set("MessageDeduplicationId", r.Dedup)
	}
	set("AWSTraceHeader", r.TraceHeader)
	set("DeadLetterQueueSourceArn", r.DLQSource)
	if len(attrs) > 0 {
		out.Attributes = attrs
	}
	if len(opts.attrs) > 0 && len(r.Attrs) > 0 {
		var picked []attrValue
		for _, a := range r.Attrs {
			if opts.attrAll || matchAttr(opts.attrs, a.Name) {
				picked = append(picked, a)
			}
		}
		if len(picked) > 0 {
			out.MessageAttributes = make(map[string]MessageAttributeValue, len(picked))
			for _, a := range picked {
				v := MessageAttributeValue{DataType: ptr.To(a.DataType)}
				if isBinaryType(a.DataType) {
					v.BinaryValue = a.Binary
				} else {
					v.StringValue = ptr.To(a.String)
				}
				out.MessageAttributes[a.Name] = v
			}
			// The digest of the attributes returned, which is what SDKs check.
			out.MD5OfMessageAttributes = ptr.To(md5Attributes(picked))
		}
	}
	return out
}

// matchAttr reports whether a MessageAttributeNames list asks for name:
// exactly, or through a "prefix.*" pattern.
func matchAttr(patterns []string, name string) bool {
	for _, p := range patterns {
		if p == name {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, ".*"); ok && strings.HasPrefix(name, prefix+".") {
			return true
		}
	}
	return false
}

// moveToDLQ moves m from q to q's dead-letter queue; it reports false, and
// changes nothing, when that queue does not exist.
func (s *Service) moveToDLQ(tx *state.Tx, q *queueRT, m *msg, now time.Time) bool {
	dsc, dname, ok := parseQueueARN(q.cfg.dlqARN)
	if !ok {
		return false
	}
	dst := s.queue(tx, dsc, dname)
	if dst == nil || dst == q {
		return false
	}
	rec := *m.rec
	rec.Receives, rec.First = m.receives, m.firstReceive
	rec.DLQSource = queueARN(q.sc, q.name)
	rec.VisibleAt = now.UnixNano()
	rec.SeqNo = ""
	if dst.rec.Fifo {
		// AWS: a FIFO dead-letter queue counts retention from the move; a standard one keeps the original enqueue time.
		rec.Base = now.UnixMilli()
	}
	s.dropMessage(tx, q, m)
	s.insert(tx, dst, rec, now)
	return true
}

// DeleteMessage deletes a received message.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
func (s *Service) DeleteMessage(ctx context.Context, in *DeleteMessageRequest) (*DeleteMessageOutput, error) {
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		if q.promote(s.clock.Now()) {
			q.wake()
		}
		if aerr := s.deleteOne(tx, q, ptr.Val(in.ReceiptHandle)); aerr != nil {
			return aerr
		}
		s.schedule(q)
		return nil
	})
	return &DeleteMessageOutput{}, err
}

func (s *Service) deleteOne(tx *state.Tx, q *queueRT, handle string) *awserr.Error {
	h, ok := parseHandle(handle)
	if !ok {
		return invalidHandle(handle)
	}
	m := q.msgs[h.seq]
	if m == nil || m.rec.ID != h.id {
		return nil // AWS: deleting a message that is gone succeeds
	}
	// AWS: a FIFO queue's receipt handle expires with the visibility timeout.
	if q.rec.Fifo && (m.status != statusInflight || m.receives != h.receives) {
		return invalidParam(handle, "ReceiptHandle", "The receipt handle has expired.")
	}
	s.dropMessage(tx, q, m)
	return nil
}

// DeleteMessageBatch deletes up to ten received messages.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
func (s *Service) DeleteMessageBatch(ctx context.Context, in *DeleteMessageBatchRequest) (*DeleteMessageBatchResult, error) {
	entryIDs := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		entryIDs[i] = ptr.Val(e.Id)
	}
	if err := checkBatch("DeleteMessageBatchRequestEntry", entryIDs); err != nil {
		return nil, err
	}
	out := &DeleteMessageBatchResult{Failed: []BatchResultErrorEntry{}, Successful: []DeleteMessageBatchResultEntry{}}
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		if q.promote(s.clock.Now()) {
			q.wake()
		}
		for i, e := range in.Entries {
			if aerr := s.deleteOne(tx, q, ptr.Val(e.ReceiptHandle)); aerr != nil {
				out.Failed = append(out.Failed, batchFailure(entryIDs[i], aerr))
				continue
			}
			out.Successful = append(out.Successful, DeleteMessageBatchResultEntry{Id: ptr.To(entryIDs[i])})
		}
		s.schedule(q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ChangeMessageVisibility changes how long a received message stays invisible.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
func (s *Service) ChangeMessageVisibility(ctx context.Context, in *ChangeMessageVisibilityRequest) (*ChangeMessageVisibilityOutput, error) {
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		now := s.clock.Now()
		if q.promote(now) {
			q.wake()
		}
		if aerr := s.changeOne(tx, q, ptr.Val(in.ReceiptHandle), in.VisibilityTimeout, now); aerr != nil {
			return aerr
		}
		s.schedule(q)
		return nil
	})
	return &ChangeMessageVisibilityOutput{}, err
}

func (s *Service) changeOne(tx *state.Tx, q *queueRT, handle string, timeout *int64, now time.Time) *awserr.Error {
	h, ok := parseHandle(handle)
	if !ok {
		return invalidHandle(handle)
	}
	t := ptr.Val(timeout)
	if t < 0 || t > maxVisibility {
		return invalidParam(strconv.FormatInt(t, 10), "VisibilityTimeout", "Must be between 0 and 43200, if provided.")
	}
	m := q.msgs[h.seq]
	if m == nil || m.rec.ID != h.id {
		return invalidParam(handle, "ReceiptHandle", "Message does not exist or is not available for visibility timeout change.")
	}
	if m.status != statusInflight {
		return awserr.New("MessageNotInflight", 0, "The message referred to isn't in flight.")
	}
	// AWS: a message stays invisible at most 12 hours from the receive.
	if time.Duration(now.UnixMilli()-m.lastReceive)*time.Millisecond+time.Duration(t)*time.Second > maxVisibility*time.Second {
		return invalidParam(strconv.FormatInt(t, 10), "VisibilityTimeout", "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
	}
	q.changeVisibility(m, now.Add(time.Duration(t)*time.Second), now)
	s.states.Put(tx, q.sc, m.key, msgState{Receives: m.receives, First: m.firstReceive, Last: m.lastReceive, VisibleAt: m.visibleAt.UnixNano()})
	return nil
}

// ChangeMessageVisibilityBatch changes the visibility of up to ten messages.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html
func (s *Service) ChangeMessageVisibilityBatch(ctx context.Context, in *ChangeMessageVisibilityBatchRequest) (*ChangeMessageVisibilityBatchResult, error) {
	entryIDs := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		entryIDs[i] = ptr.Val(e.Id)
	}
	if err := checkBatch("ChangeMessageVisibilityBatchRequestEntry", entryIDs); err != nil {
		return nil, err
	}
	out := &ChangeMessageVisibilityBatchResult{Failed: []BatchResultErrorEntry{}, Successful: []ChangeMessageVisibilityBatchResultEntry{}}
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		now := s.clock.Now()
		if q.promote(now) {
			q.wake()
		}
		for i, e := range in.Entries {
			if aerr := s.changeOne(tx, q, ptr.Val(e.ReceiptHandle), e.VisibilityTimeout, now); aerr != nil {
				out.Failed = append(out.Failed, batchFailure(entryIDs[i], aerr))
				continue
			}
			out.Successful = append(out.Successful, ChangeMessageVisibilityBatchResultEntry{Id: ptr.To(entryIDs[i])})
		}
		s.schedule(q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
