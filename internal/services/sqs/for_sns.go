package sqs

import (
	"context"
	"fmt"
	"strings"

	"haneul/internal/state"
)

// DeliverFromSNS sends one message to the queue queueARN names, for an SNS
// subscription. It uses SendMessage's path: the message is in the queue's
// tables (durable with --data-dir) when it returns. attrs maps an attribute
// name to its {DataType, value}; a Binary value is the raw bytes.
// groupID and dedupID apply to FIFO queues only and are dropped for
// standard ones (AWS: a FIFO topic may also fan out to standard queues).
func (s *Service) DeliverFromSNS(ctx context.Context, queueARN, body string, attrs map[string][2]string, groupID, dedupID string) error {
	sc, name, ok := parseQueueARN(queueARN)
	if !ok {
		return fmt.Errorf("sqs: %q is not a queue ARN", queueARN)
	}
	mattrs := make(map[string]MessageAttributeValue, len(attrs))
	for n, a := range attrs {
		dt, v := a[0], a[1]
		mv := MessageAttributeValue{DataType: &dt}
		if strings.HasPrefix(dt, "Binary") {
			mv.BinaryValue = []byte(v)
		} else {
			mv.StringValue = &v
		}
		mattrs[n] = mv
	}
	var group, dedup *string
	if groupID != "" {
		group = &groupID
	}
	if dedupID != "" {
		dedup = &dedupID
	}
	o, aerr := newOutgoing(&body, mattrs, nil, nil, group, dedup)
	if aerr != nil {
		return fmt.Errorf("sqs: deliver to %s: %w", queueARN, aerr)
	}
	return s.db.Update(ctx, func(tx *state.Tx) error {
		q := s.queue(tx, sc, name)
		if q == nil {
			return fmt.Errorf("sqs: deliver to %s: %w", queueARN, queueDoesNotExist())
		}
		if !q.rec.Fifo {
			o.rec.Group, o.dedup = "", nil
		}
		if _, aerr := s.enqueue(ctx, tx, q, o, s.clock.Now()); aerr != nil {
			return fmt.Errorf("sqs: deliver to %s: %w", queueARN, aerr)
		}
		return nil
	})
}
