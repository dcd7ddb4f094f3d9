package sqs

import (
	"context"

	"haneul/internal/state"
)

// QueueExistsForS3 reports whether the queue queueARN names exists, for S3's
// check of a bucket notification's destinations.
func (s *Service) QueueExistsForS3(ctx context.Context, queueARN string) bool {
	sc, name, ok := parseQueueARN(queueARN)
	if !ok {
		return false
	}
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		_, found = s.queues.Get(tx, sc, name)
		return nil
	})
	return found
}

// DeliverFromS3 sends one S3 event notification (its JSON body) to the
// queue queueARN names, durably, through SendMessage's path.
func (s *Service) DeliverFromS3(ctx context.Context, queueARN, body string) error {
	return s.DeliverFromSNS(ctx, queueARN, body, nil, "", "")
}
