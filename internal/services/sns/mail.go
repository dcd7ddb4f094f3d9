package sns

import (
	"context"
	"strings"

	"haneul/internal/mail"
)

// senderAddress is the address SNS e-mail comes from.
const senderAddress = "no-reply@sns.localhost"

// sender is the From of a topic's e-mail.
// AWS: the topic's DisplayName is the sender's name; without one, "AWS Notifications".
func sender(display string) string {
	if display == "" {
		display = "AWS Notifications"
	}
	return display + " <" + senderAddress + ">"
}

// mailNotification puts a notification for an email or email-json
// subscriber in haneul's inbox. body is what the subscriber receives: the
// message text (email) or the JSON envelope (email-json).
func (s *Service) mailNotification(ctx context.Context, sub subRec, m *message, body string) {
	// AWS: the subject is the message's Subject, or a default.
	subject := m.subject
	if subject == "" {
		subject = "AWS Notification Message"
	}
	if sub.Protocol == "email" {
		var b strings.Builder
		b.WriteString(body)
		b.WriteString("\n\n--\nTo stop receiving notifications from this topic, open this link to unsubscribe:\n")
		b.WriteString(baseURL(ctx) + "/?Action=Unsubscribe&SubscriptionArn=" + sub.ARN)
		b.WriteString("\n\nThis message was sent by haneul's SNS; replies go nowhere.\n")
		body = b.String()
	}
	s.sendMail(ctx, sub, mail.Message{From: sender(m.display), Subject: subject, Text: body,
		Headers: map[string]string{"x-amz-sns-message-id": m.id, "x-amz-sns-topic-arn": sub.TopicARN, "x-amz-sns-subscription-arn": sub.ARN}})
}

// mailConfirmation sends a pending email or email-json subscriber the link
// that confirms its subscription.
func (s *Service) mailConfirmation(ctx context.Context, sub subRec, t topicRec, subscribeURL string) {
	text := "You have chosen to subscribe to the topic:\n" + sub.TopicARN +
		"\n\nTo confirm this subscription, open the link below (if this was a mistake, do nothing):\n" + subscribeURL + "\n"
	s.sendMail(ctx, sub, mail.Message{From: sender(t.Attributes["DisplayName"]), Subject: "AWS Notification - Subscription Confirmation", Text: text,
		Headers: map[string]string{"x-amz-sns-topic-arn": sub.TopicARN}})
}

// sendMail delivers m to the subscriber's address.
func (s *Service) sendMail(ctx context.Context, sub subRec, m mail.Message) {
	if s.mail == nil {
		return
	}
	m.Source, m.To = "sns", []string{sub.Endpoint}
	sc := scopeOf(ctx)
	if _, err := s.mail.Deliver(ctx, sc.Account, sc.Region, m); err != nil {
		s.log.Warn("sns: e-mail to inbox", "subscription", sub.ARN, "err", err)
	}
}
