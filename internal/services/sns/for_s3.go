package sns

import (
	"context"

	"haneul/internal/state"
)

// TopicExistsForS3 reports whether the topic topicARN names exists, for S3's
// check of a bucket notification's destinations.
func (s *Service) TopicExistsForS3(ctx context.Context, topicARN string) bool {
	found := false
	_ = s.db.View(func(tx *state.Tx) error {
		_, _, err := s.getTopic(tx, topicARN, "TopicArn")
		found = err == nil
		return nil
	})
	return found
}

// PublishFromS3 publishes one S3 event notification to the topic topicARN
// names, as S3 does: the event JSON is the message, "Amazon S3
// Notification" the subject.
func (s *Service) PublishFromS3(ctx context.Context, topicARN, body string) error {
	subject := "Amazon S3 Notification"
	m, err := checkMessage(&body, nil, &subject, nil)
	if err != nil {
		return err
	}
	return s.publish(ctx, topicARN, []*message{m}, nil)
}
