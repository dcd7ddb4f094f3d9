package sns

import (
	"context"
	"fmt"
)

// PublishFromCloudWatch publishes an alarm notification to the topic
// topicARN names, for a CloudWatch alarm action: the message goes to the
// topic's subscribers as a Publish's would. The topic's account and region
// come from its ARN.
func (s *Service) PublishFromCloudWatch(ctx context.Context, topicARN, subject, body string) error {
	m, err := checkMessage(&body, nil, &subject, nil)
	if err != nil {
		return fmt.Errorf("sns: alarm notification to %s: %w", topicARN, err)
	}
	if err := s.publish(ctx, topicARN, []*message{m}, nil); err != nil {
		return fmt.Errorf("sns: alarm notification to %s: %w", topicARN, err)
	}
	return nil
}
