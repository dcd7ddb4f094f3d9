package sns

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// maxMessageBytes is SNS's message size limit.
// AWS: messages are up to 256 KB (262,144 bytes), attributes included.
const maxMessageBytes = 262144

// dedupWindow is how long a FIFO topic remembers a deduplication id.
const dedupWindow = 5 * time.Minute

// msgAttr is one message attribute as SNS passes it on.
type msgAttr struct {
	Type  string
	Value string // Binary values are the raw bytes
}

// dedupRec remembers a FIFO deduplication id for five minutes.
type dedupRec struct {
	MessageID string
	SeqNo     string
	Expires   int64 // unix ns
}

// Delivery is a message haneul delivered, or would have, to an endpoint it
// cannot reach for real: e-mail, SMS, mobile push, HTTP/S, Lambda, Firehose,
// and SQS deliveries that failed.
type Delivery struct {
	Seq             uint64
	Time            time.Time
	Type            string // Notification, SubscriptionConfirmation, SMS, Push
	Protocol        string
	Endpoint        string
	TopicArn        string `json:",omitempty"`
	SubscriptionArn string `json:",omitempty"`
	MessageId       string `json:",omitempty"`
	Subject         string `json:",omitempty"`
	Message         string // what the endpoint receives
	Token           string `json:",omitempty"` // SubscriptionConfirmation
	Error           string `json:",omitempty"`
}

// message is one published message, checked.
type message struct {
	id        string
	subject   string
	body      string            // the default message
	perProto  map[string]string // MessageStructure json: message per protocol
	attrs     map[string]msgAttr
	group     string
	dedup     string
	seqNo     string
	timestamp time.Time
	sigVer    string // the topic's SignatureVersion: "1" (SHA1) or "2" (SHA256)
	display   string // the topic's DisplayName, the sender name of its e-mail
	// sigs caches the envelope signature per protocol: it covers the
	// message, not the subscription, so subscribers of one protocol share it.
	sigs map[string]string
}

// text is the message a protocol receives.
func (m *message) text(protocol string) string {
	if v, ok := m.perProto[protocol]; ok {
		return v
	}
	return m.body
}

// checkMessage validates a message's body, structure and attributes.
func checkMessage(body *string, structure *string, subject *string, attrs map[string]MessageAttributeValue) (*message, error) {
	b := ptr.Val(body)
	if b == "" {
		return nil, invalidParameter("Empty message")
	}
	m := &message{body: b, subject: ptr.Val(subject), attrs: map[string]msgAttr{}}
	size := len(b)
	if subject != nil {
		// AWS: subjects are ASCII, no line breaks, up to 100 characters.
		if *subject == "" || len(*subject) > 100 || strings.ContainsAny(*subject, "\r\n") {
			return nil, invalidParameter("Subject")
		}
	}
	if ptr.Val(structure) == "json" {
		var per map[string]any
		if err := json.Unmarshal([]byte(b), &per); err != nil {
			return nil, invalidParameter("Message Structure - JSON message body failed to parse")
		}
		if _, ok := per["default"].(string); !ok {
			return nil, invalidParameter("Message Structure - No default entry in JSON message body")
		}
		m.perProto = map[string]string{}
		for k, v := range per {
			if s, ok := v.(string); ok {
				m.perProto[k] = s
			}
		}
		m.body = m.perProto["default"]
	} else if structure != nil {
		return nil, invalidParameter("MessageStructure")
	}
	for name, v := range attrs {
		t := ptr.Val(v.DataType)
		a := msgAttr{Type: t}
		switch {
		case strings.HasPrefix(t, "Binary"):
			if len(v.BinaryValue) == 0 {
				return nil, invalidParameter("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, t)
			}
			a.Value = string(v.BinaryValue)
		case strings.HasPrefix(t, "String") || strings.HasPrefix(t, "Number"):
			if v.StringValue == nil || *v.StringValue == "" {
				return nil, invalidParameter("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, strings.SplitN(t, ".", 2)[0])
			}
			a.Value = *v.StringValue
			if strings.HasPrefix(t, "Number") {
				if _, err := strconv.ParseFloat(a.Value, 64); err != nil {
					return nil, invalidParameter("Could not cast message attribute '%s' value to number.", name)
				}
			}
			if t == "String.Array" {
				var arr []any
				if json.Unmarshal([]byte(a.Value), &arr) != nil {
					return nil, invalidParameter("The message attribute '%s' with type 'String.Array' has an invalid value.", name)
				}
			}
		default:
			return nil, invalidParameter("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		size += len(name) + len(t) + len(a.Value)
		m.attrs[name] = a
	}
	if size > maxMessageBytes {
		return nil, invalidParameter("Message too long")
	}
	return m, nil
}

// Publish sends a message to a topic's subscribers, to a mobile endpoint
// (TargetArn) or to a phone number.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func (s *Service) Publish(ctx context.Context, in *PublishInput) (*PublishResponse, error) {
	m, err := checkMessage(in.Message, in.MessageStructure, in.Subject, in.MessageAttributes)
	if err != nil {
		return nil, err
	}
	m.group, m.dedup = ptr.Val(in.MessageGroupId), ptr.Val(in.MessageDeduplicationId)
	switch {
	case in.TopicArn != nil && (in.TargetArn != nil || in.PhoneNumber != nil),
		in.TargetArn != nil && in.PhoneNumber != nil:
		return nil, invalidParameter("Only one of TopicArn, TargetArn or PhoneNumber may be given")
	case in.PhoneNumber != nil:
		return s.publishSMS(ctx, ptr.Val(in.PhoneNumber), m)
	case in.TargetArn != nil && strings.Contains(*in.TargetArn, ":endpoint/"):
		return s.publishToEndpoint(ctx, *in.TargetArn, m)
	case in.TargetArn != nil:
		in.TopicArn = in.TargetArn
	case in.TopicArn == nil:
		return nil, invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	}
	if err := s.publish(ctx, ptr.Val(in.TopicArn), []*message{m}, nil); err != nil {
		return nil, err
	}
	return &PublishResponse{MessageId: ptr.To(m.id), SequenceNumber: optional(m.seqNo)}, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// PublishBatch publishes up to ten messages to a topic.
// https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
func (s *Service) PublishBatch(ctx context.Context, in *PublishBatchInput) (*PublishBatchResponse, error) {
	entries := in.PublishBatchRequestEntries
	if len(entries) == 0 {
		return nil, awserr.New("EmptyBatchRequest", 400, "The batch request doesn't contain any entries")
	}
	if len(entries) > 10 {
		return nil, awserr.New("TooManyEntriesInBatchRequest", 400, "The batch request contains more entries than permissible")
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range entries {
		id := ptr.Val(e.Id)
		if seen[id] {
			return nil, awserr.New("BatchEntryIdsNotDistinct", 400, "Two or more batch entries in the request have the same Id")
		}
		seen[id] = true
		total += len(ptr.Val(e.Message))
	}
	if total > maxMessageBytes {
		return nil, awserr.New("BatchRequestTooLong", 400, "The length of all the messages put together is more than the limit")
	}
	out := &PublishBatchResponse{Failed: []BatchResultErrorEntry{}, Successful: []PublishBatchResultEntry{}}
	var msgs []*message
	var msgIDs []string
	fail := func(id string, err error) {
		code, text := "InternalError", err.Error()
		sender := false
		if ae, ok := err.(*awserr.Error); ok {
			code, text, sender = ae.Code, ae.Message, true
		}
		out.Failed = append(out.Failed, BatchResultErrorEntry{Id: ptr.To(id), Code: ptr.To(code), Message: ptr.To(text), SenderFault: ptr.To(sender)})
	}
	for _, e := range entries {
		m, err := checkMessage(e.Message, e.MessageStructure, e.Subject, e.MessageAttributes)
		if err != nil {
			fail(ptr.Val(e.Id), err)
			continue
		}
		m.group, m.dedup = ptr.Val(e.MessageGroupId), ptr.Val(e.MessageDeduplicationId)
		msgs = append(msgs, m)
		msgIDs = append(msgIDs, ptr.Val(e.Id))
	}
	errs := make([]error, len(msgs))
	if err := s.publish(ctx, ptr.Val(in.TopicArn), msgs, errs); err != nil {
		return nil, err
	}
	for i, m := range msgs {
		if errs[i] != nil {
			fail(msgIDs[i], errs[i])
			continue
		}
		out.Successful = append(out.Successful, PublishBatchResultEntry{Id: ptr.To(msgIDs[i]), MessageId: ptr.To(m.id), SequenceNumber: optional(m.seqNo)})
	}
	return out, nil
}

// target is one delivery a publish makes.
type target struct {
	sub subRec
	m   *message
}

// publish assigns ids (and FIFO sequence numbers) to msgs, then delivers
// each to the topic's matching subscriptions before returning. With errs
// nil, a message's error fails the call; otherwise it lands in errs.
func (s *Service) publish(ctx context.Context, topicARN string, msgs []*message, errs []error) error {
	now := s.clock.Now()
	var targets []target
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, topicARN, "TopicArn")
		if err != nil {
			return err
		}
		var subs []subRec
		s.subs.AscendPrefix(tx, sc, t.Name+"/", func(_ string, sub subRec) bool {
			if !sub.Pending {
				subs = append(subs, sub)
			}
			return true
		})
		for i, m := range msgs {
			m.sigVer, m.display = signatureVersion(t), t.Attributes["DisplayName"]
			dup, err := s.assign(tx, sc, &t, m, now)
			if err != nil {
				if errs == nil {
					return err
				}
				errs[i] = err
				continue
			}
			if dup {
				continue // AWS: a duplicate within five minutes is accepted and not delivered
			}
			for _, sub := range subs {
				if sub.matches(m) {
					targets = append(targets, target{sub, m})
				}
			}
		}
		if t.Fifo {
			s.topics.Put(tx, sc, t.Name, t) // the sequence number moved on
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, tg := range targets {
		s.deliver(ctx, tg.sub, tg.m)
	}
	return nil
}

// assign gives m its id, and on a FIFO topic its sequence number after the
// checks AWS makes. It reports whether m duplicates a recent message.
func (s *Service) assign(tx *state.Tx, sc state.Scope, t *topicRec, m *message, now time.Time) (bool, error) {
	m.timestamp = now
	if !t.Fifo {
		if m.dedup != "" {
			return false, invalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		m.id = ids.UUID()
		return false, nil
	}
	if m.group == "" {
		return false, invalidParameter("The MessageGroupId parameter is required for FIFO topics")
	}
	if m.dedup == "" {
		if t.Attributes["ContentBasedDeduplication"] != "true" {
			return false, invalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		sum := sha256.Sum256([]byte(m.body))
		m.dedup = hex.EncodeToString(sum[:])
	}
	key := t.Name + "/" + m.dedup
	if d, ok := s.dedups.Get(tx, sc, key); ok && time.Unix(0, d.Expires).After(now) {
		m.id, m.seqNo = d.MessageID, d.SeqNo
		return true, nil
	}
	t.Seq++
	m.id, m.seqNo = ids.UUID(), fmt.Sprintf("%020d", t.Seq)
	s.dedups.Put(tx, sc, key, dedupRec{MessageID: m.id, SeqNo: m.seqNo, Expires: now.Add(dedupWindow).UnixNano()})
	return false, nil
}

// matches applies the subscription's filter policy to m.
func (sub subRec) matches(m *message) bool {
	fp := sub.Attributes["FilterPolicy"]
	if fp == "" {
		return true
	}
	p, err := parseFilterPolicy(fp)
	if err != nil {
		return false
	}
	if sub.Attributes["FilterPolicyScope"] == "MessageBody" {
		var body map[string]any
		dec := json.NewDecoder(strings.NewReader(m.text(sub.Protocol)))
		dec.UseNumber()
		if dec.Decode(&body) != nil {
			return false // AWS: a body that is not a JSON object matches no body policy
		}
		return matchBody(p, body)
	}
	return matchAttributes(p, m.attrs)
}

// envelope is the JSON document SNS delivers unless raw delivery is on.
type envelope struct {
	Type              string                  `json:"Type"`
	MessageId         string                  `json:"MessageId"`
	SequenceNumber    string                  `json:"SequenceNumber,omitempty"`
	Token             string                  `json:"Token,omitempty"`
	TopicArn          string                  `json:"TopicArn"`
	Subject           string                  `json:"Subject,omitempty"`
	Message           string                  `json:"Message"`
	SubscribeURL      string                  `json:"SubscribeURL,omitempty"`
	Timestamp         string                  `json:"Timestamp"`
	SignatureVersion  string                  `json:"SignatureVersion"`
	Signature         string                  `json:"Signature"`
	SigningCertURL    string                  `json:"SigningCertURL"`
	UnsubscribeURL    string                  `json:"UnsubscribeURL,omitempty"`
	MessageAttributes map[string]envelopeAttr `json:"MessageAttributes,omitempty"`
}

type envelopeAttr struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// baseURL is where the envelope's URLs point: haneul itself.
func baseURL(ctx context.Context) string {
	host := reqctx.From(ctx).Host
	if host == "" {
		host = "localhost:4566"
	}
	return "http://" + host
}

// notification builds the envelope of m for sub.
func (s *Service) notification(ctx context.Context, sub subRec, m *message) (envelope, error) {
	e := envelope{
		Type: "Notification", MessageId: m.id, SequenceNumber: m.seqNo, TopicArn: sub.TopicARN, Subject: m.subject,
		Message: m.text(sub.Protocol), Timestamp: m.timestamp.UTC().Format("2006-01-02T15:04:05.000Z"),
		SignatureVersion: m.sigVer, SigningCertURL: baseURL(ctx) + CertPath,
		UnsubscribeURL: baseURL(ctx) + "/?Action=Unsubscribe&SubscriptionArn=" + sub.ARN,
	}
	if len(m.attrs) > 0 {
		e.MessageAttributes = map[string]envelopeAttr{}
		for k, a := range m.attrs {
			v := a.Value
			if strings.HasPrefix(a.Type, "Binary") {
				v = base64.StdEncoding.EncodeToString([]byte(v))
			}
			e.MessageAttributes[k] = envelopeAttr{Type: a.Type, Value: v}
		}
	}
	if sig, ok := m.sigs[sub.Protocol]; ok {
		e.Signature = sig
		return e, nil
	}
	if err := s.sign(ctx, &e); err != nil {
		return e, err
	}
	if m.sigs == nil {
		m.sigs = map[string]string{}
	}
	m.sigs[sub.Protocol] = e.Signature
	return e, nil
}

// signatureVersion is the topic's SignatureVersion attribute, "1" unless set.
func signatureVersion(t topicRec) string {
	if t.Attributes["SignatureVersion"] == "2" {
		return "2"
	}
	return "1"
}

// deliver hands m to one subscriber.
func (s *Service) deliver(ctx context.Context, sub subRec, m *message) {
	raw := sub.Attributes["RawMessageDelivery"] == "true"
	body := m.text(sub.Protocol)
	if !raw {
		e, err := s.notification(ctx, sub, m)
		if err != nil {
			s.log.Error("sns: sign notification", "subscription", sub.ARN, "err", err)
		}
		b, _ := json.Marshal(e)
		body = string(b)
	}
	d := Delivery{Type: "Notification", Protocol: sub.Protocol, Endpoint: sub.Endpoint, TopicArn: sub.TopicARN, SubscriptionArn: sub.ARN, MessageId: m.id, Subject: m.subject, Message: body}
	switch sub.Protocol {
	case "sqs":
		var attrs map[string][2]string
		if raw {
			// AWS: with raw delivery, message attributes become SQS message attributes.
			attrs = make(map[string][2]string, len(m.attrs))
			for k, a := range m.attrs {
				attrs[k] = [2]string{a.Type, a.Value}
			}
		}
		var err error
		if s.queues == nil {
			err = fmt.Errorf("sns: no SQS to deliver to")
		} else {
			err = s.queues.DeliverFromSNS(ctx, sub.Endpoint, body, attrs, m.group, m.dedup)
		}
		if err == nil {
			return
		}
		// AWS: a message SNS cannot deliver goes to the subscription's
		// dead-letter queue (RedrivePolicy), if it has one, else it is dropped.
		s.log.Warn("sns: deliver to queue", "subscription", sub.ARN, "queue", sub.Endpoint, "err", err)
		d.Error = err.Error()
		if dlq := deadLetterTarget(sub); dlq != "" && s.queues != nil {
			if derr := s.queues.DeliverFromSNS(ctx, dlq, body, nil, m.group, m.dedup); derr == nil {
				d.Error += "; moved to dead-letter queue " + dlq
			}
		}
	case "http", "https":
		s.post(ctx, d, raw)
		return
	case "email":
		d.Message = m.text("email") // AWS: e-mail subscribers get the message text
		s.mailNotification(ctx, sub, m, d.Message)
	case "email-json":
		s.mailNotification(ctx, sub, m, body)
	case "application":
		// AWS: a push takes the message for its platform (GCM, APNS…) from a json structure.
		if a, err := arn.Parse(sub.Endpoint); err == nil && !raw {
			platform, _, _ := strings.Cut(strings.TrimPrefix(a.Resource, "endpoint/"), "/")
			d.Type, d.Message = "Push", m.text(platform)
		}
	}
	s.record(ctx, d)
}

// sendConfirmation sends the SubscriptionConfirmation message to a pending subscriber.
func (s *Service) sendConfirmation(ctx context.Context, sub subRec, t topicRec) {
	sigVer := signatureVersion(t)
	e := envelope{
		Type: "SubscriptionConfirmation", MessageId: ids.UUID(), Token: sub.Token, TopicArn: sub.TopicARN,
		Message:      "You have chosen to subscribe to the topic " + sub.TopicARN + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: baseURL(ctx) + "/?Action=ConfirmSubscription&TopicArn=" + sub.TopicARN + "&Token=" + sub.Token,
		Timestamp:    s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z"), SignatureVersion: sigVer,
		SigningCertURL: baseURL(ctx) + CertPath,
	}
	if err := s.sign(ctx, &e); err != nil {
		s.log.Error("sns: sign confirmation", "subscription", sub.ARN, "err", err)
	}
	b, _ := json.Marshal(e)
	d := Delivery{Type: e.Type, Protocol: sub.Protocol, Endpoint: sub.Endpoint, TopicArn: sub.TopicARN, SubscriptionArn: sub.ARN, MessageId: e.MessageId, Message: string(b), Token: sub.Token}
	switch sub.Protocol {
	case "http", "https":
		s.post(ctx, d, false)
		return
	case "email", "email-json":
		s.mailConfirmation(ctx, sub, t, e.SubscribeURL)
	}
	s.record(ctx, d)
}

// record keeps a delivery for Deliveries. It may run after the request
// has ended, so it commits under the service's own context.
func (s *Service) record(ctx context.Context, d Delivery) {
	sc := scopeOf(ctx)
	d.Time = s.clock.Now().UTC()
	err := s.db.Update(s.background(), func(tx *state.Tx) error {
		var last uint64
		s.deliveries.Descend(tx, sc, "\xff", func(_ string, prev Delivery) bool { last = prev.Seq; return false })
		d.Seq = last + 1
		s.deliveries.Put(tx, sc, fmt.Sprintf("%016x", d.Seq), d)
		return nil
	})
	if err != nil {
		s.log.Error("sns: record delivery", "err", err)
	}
}

// Deliveries lists the deliveries recorded in an account and region, oldest
// first: e-mail, SMS, push, HTTP/S, Lambda and Firehose messages, the
// subscription confirmations sent, and SQS deliveries that failed.
func (s *Service) Deliveries(account, region string) []Delivery {
	var out []Delivery
	_ = s.db.View(func(tx *state.Tx) error {
		s.deliveries.Ascend(tx, state.Scope{Account: account, Region: region}, "", func(_ string, d Delivery) bool {
			out = append(out, d)
			return true
		})
		return nil
	})
	return out
}

// publishSMS sends a text message to a phone number: it is recorded.
func (s *Service) publishSMS(ctx context.Context, phone string, m *message) (*PublishResponse, error) {
	if !phoneRE.MatchString(phone) {
		return nil, invalidParameter("PhoneNumber Reason: %s is not valid to publish to", phone)
	}
	m.id = ids.UUID()
	s.record(ctx, Delivery{Type: "SMS", Protocol: "sms", Endpoint: phone, MessageId: m.id, Message: m.text("sms")})
	return &PublishResponse{MessageId: &m.id}, nil
}

// deadLetterTarget is the queue of a subscription's RedrivePolicy, or "".
func deadLetterTarget(sub subRec) string {
	var p struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if json.Unmarshal([]byte(sub.Attributes["RedrivePolicy"]), &p) != nil {
		return ""
	}
	return p.DeadLetterTargetArn
}
