package budgets

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a budget has at most 10 notifications; a notification at most 10
// email subscribers and 1 SNS topic.
const (
	maxNotifications = 10
	maxEmail         = 10
	maxSNS           = 1
)

// notificationRec is a stored notification with its subscribers.
type notificationRec struct {
	Notification Notification
	Subscribers  []Subscriber
}

// normNotification fills in a notification's defaults.
// AWS: ThresholdType defaults to PERCENTAGE; a notification starts in state OK.
func normNotification(n Notification) Notification {
	if ptr.Val(n.ThresholdType) == "" {
		n.ThresholdType = ptr.To("PERCENTAGE")
	}
	n.NotificationState = ptr.To("OK")
	return n
}

// noteKey is the key of a budget's notification: a notification is
// identified by its type, comparison, threshold and threshold type.
func noteKey(budget string, n Notification) string {
	n = normNotification(n)
	return budget + sep + fmt.Sprintf("%s|%s|%s|%s", ptr.Val(n.NotificationType), ptr.Val(n.ComparisonOperator),
		strconv.FormatFloat(ptr.Val(n.Threshold), 'g', -1, 64), ptr.Val(n.ThresholdType))
}

// newNotification checks a notification and its subscribers.
func newNotification(n Notification, subs []Subscriber) (notificationRec, error) {
	n = normNotification(n)
	if ptr.Val(n.ThresholdType) == "PERCENTAGE" && ptr.Val(n.Threshold) > 1000 {
		return notificationRec{}, invalidParameter("The threshold of a PERCENTAGE notification must be at most 1000.")
	}
	rec := notificationRec{Notification: n}
	for _, sub := range subs {
		var err error
		if rec.Subscribers, err = addSubscriber(rec.Subscribers, sub); err != nil {
			return notificationRec{}, err
		}
	}
	return rec, nil
}

// addSubscriber returns subs with sub added, checking its address and the limits.
func addSubscriber(subs []Subscriber, sub Subscriber) ([]Subscriber, error) {
	typ, addr := ptr.Val(sub.SubscriptionType), ptr.Val(sub.Address)
	switch typ {
	case "EMAIL":
		if !strings.Contains(addr, "@") {
			return nil, invalidParameter("Invalid email address: %s", addr)
		}
	case "SNS":
		if !strings.HasPrefix(addr, "arn:") || !strings.Contains(addr, ":sns:") {
			return nil, invalidParameter("Invalid SNS topic ARN: %s", addr)
		}
	}
	if slices.ContainsFunc(subs, func(s Subscriber) bool { return sameSubscriber(s, sub) }) {
		return nil, duplicate("Error creating subscriber: %s - the subscriber already exists.", addr)
	}
	n := 0
	for _, s := range subs {
		if ptr.Val(s.SubscriptionType) == typ {
			n++
		}
	}
	if (typ == "EMAIL" && n >= maxEmail) || (typ == "SNS" && n >= maxSNS) {
		return nil, awserr.New("CreationLimitExceededException", 0, "A notification can have at most %d email subscribers and %d SNS subscriber.", maxEmail, maxSNS)
	}
	return append(slices.Clone(subs), Subscriber{SubscriptionType: ptr.To(typ), Address: ptr.To(addr)}), nil
}

func sameSubscriber(a, b Subscriber) bool {
	return ptr.Val(a.SubscriptionType) == ptr.Val(b.SubscriptionType) && ptr.Val(a.Address) == ptr.Val(b.Address)
}

// getNotification reads a budget's notification.
func (s *Service) getNotification(tx *state.Tx, sc state.Scope, budget string, n *Notification) (string, notificationRec, error) {
	if _, err := s.getBudget(tx, sc, budget, "get"); err != nil {
		return "", notificationRec{}, err
	}
	k := noteKey(budget, *n)
	rec, ok := s.notifications.Get(tx, sc, k)
	if !ok {
		return k, rec, notFound("Unable to find notification for budget: %s - the notification doesn't exist.", budget)
	}
	return k, rec, nil
}

// CreateNotification adds a notification with its subscribers to a budget.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateNotification.html
func (s *Service) CreateNotification(ctx context.Context, in *CreateNotificationRequest) (*CreateNotificationResponse, error) {
	rec, err := newNotification(*in.Notification, in.Subscribers)
	if err != nil {
		return nil, err
	}
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getBudget(tx, sc, budget, "get"); err != nil {
			return err
		}
		k := noteKey(budget, rec.Notification)
		if _, ok := s.notifications.Get(tx, sc, k); ok {
			return duplicate("Error creating notification: the notification already exists for budget %s.", budget)
		}
		n := 0
		s.notifications.AscendPrefix(tx, sc, budget+sep, func(string, notificationRec) bool { n++; return true })
		if n >= maxNotifications {
			return awserr.New("CreationLimitExceededException", 0, "You've reached the limit of %d notifications for budget %s.", maxNotifications, budget)
		}
		s.notifications.Put(tx, sc, k, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateNotificationResponse{}, nil
}

// DescribeNotificationsForBudget lists a budget's notifications.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeNotificationsForBudget.html
func (s *Service) DescribeNotificationsForBudget(ctx context.Context, in *DescribeNotificationsForBudgetRequest) (*DescribeNotificationsForBudgetResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	pg, err := newPage(in.NextToken, in.MaxResults, 100, budget+sep)
	if err != nil {
		return nil, err
	}
	out := DescribeNotificationsForBudgetResponse{Notifications: []Notification{}}
	err = s.db.View(func(tx *state.Tx) error {
		if _, err := s.getBudget(tx, sc, budget, "get"); err != nil {
			return err
		}
		s.notifications.Ascend(tx, sc, pg.from, func(k string, n notificationRec) bool {
			if !strings.HasPrefix(k, budget+sep) {
				return false
			}
			if len(out.Notifications) == pg.max {
				out.NextToken = encodeToken(k)
				return false
			}
			out.Notifications = append(out.Notifications, n.Notification)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateNotification changes a notification, keeping its subscribers.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateNotification.html
func (s *Service) UpdateNotification(ctx context.Context, in *UpdateNotificationRequest) (*UpdateNotificationResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		oldKey, rec, err := s.getNotification(tx, sc, budget, in.OldNotification)
		if err != nil {
			return err
		}
		updated, err := newNotification(*in.NewNotification, nil)
		if err != nil {
			return err
		}
		newKey := noteKey(budget, updated.Notification)
		if newKey != oldKey {
			if _, ok := s.notifications.Get(tx, sc, newKey); ok {
				return duplicate("Error updating notification: the notification already exists for budget %s.", budget)
			}
			s.notifications.Delete(tx, sc, oldKey)
		}
		s.notifications.Put(tx, sc, newKey, notificationRec{Notification: updated.Notification, Subscribers: rec.Subscribers})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateNotificationResponse{}, nil
}

// DeleteNotification deletes a notification and its subscribers.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DeleteNotification.html
func (s *Service) DeleteNotification(ctx context.Context, in *DeleteNotificationRequest) (*DeleteNotificationResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		k, _, err := s.getNotification(tx, sc, budget, in.Notification)
		if err != nil {
			return err
		}
		s.notifications.Delete(tx, sc, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteNotificationResponse{}, nil
}

// CreateSubscriber adds a subscriber to a notification.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateSubscriber.html
func (s *Service) CreateSubscriber(ctx context.Context, in *CreateSubscriberRequest) (*CreateSubscriberResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		k, rec, err := s.getNotification(tx, sc, budget, in.Notification)
		if err != nil {
			return err
		}
		subs, err := addSubscriber(rec.Subscribers, *in.Subscriber)
		if err != nil {
			return err
		}
		rec.Subscribers = subs
		s.notifications.Put(tx, sc, k, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateSubscriberResponse{}, nil
}

// DescribeSubscribersForNotification lists a notification's subscribers.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeSubscribersForNotification.html
func (s *Service) DescribeSubscribersForNotification(ctx context.Context, in *DescribeSubscribersForNotificationRequest) (*DescribeSubscribersForNotificationResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	// A notification has at most 11 subscribers; the token is an index.
	pg, err := newPage(in.NextToken, in.MaxResults, 100, "")
	if err != nil {
		return nil, err
	}
	start := 0
	if pg.from != "" {
		if start, err = strconv.Atoi(pg.from); err != nil || start < 0 {
			return nil, awserr.New("InvalidNextTokenException", 0, "Invalid NextToken: %s", ptr.Val(in.NextToken))
		}
	}
	out := DescribeSubscribersForNotificationResponse{Subscribers: []Subscriber{}}
	err = s.db.View(func(tx *state.Tx) error {
		_, rec, err := s.getNotification(tx, sc, budget, in.Notification)
		if err != nil {
			return err
		}
		start = min(start, len(rec.Subscribers))
		end := min(start+pg.max, len(rec.Subscribers))
		out.Subscribers = append(out.Subscribers, rec.Subscribers[start:end]...)
		if end < len(rec.Subscribers) {
			out.NextToken = encodeToken(strconv.Itoa(end))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateSubscriber replaces a notification's subscriber.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_UpdateSubscriber.html
func (s *Service) UpdateSubscriber(ctx context.Context, in *UpdateSubscriberRequest) (*UpdateSubscriberResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		k, rec, err := s.getNotification(tx, sc, budget, in.Notification)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rec.Subscribers, func(s Subscriber) bool { return sameSubscriber(s, *in.OldSubscriber) })
		if i < 0 {
			return notFound("Unable to find subscriber %s for the notification of budget %s.", ptr.Val(in.OldSubscriber.Address), budget)
		}
		rest := slices.Delete(slices.Clone(rec.Subscribers), i, i+1)
		subs, err := addSubscriber(rest, *in.NewSubscriber)
		if err != nil {
			return err
		}
		rec.Subscribers = subs
		s.notifications.Put(tx, sc, k, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateSubscriberResponse{}, nil
}

// DeleteSubscriber removes a subscriber from a notification.
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DeleteSubscriber.html
func (s *Service) DeleteSubscriber(ctx context.Context, in *DeleteSubscriberRequest) (*DeleteSubscriberResponse, error) {
	sc, budget := scope(in.AccountId), ptr.Val(in.BudgetName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		k, rec, err := s.getNotification(tx, sc, budget, in.Notification)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rec.Subscribers, func(s Subscriber) bool { return sameSubscriber(s, *in.Subscriber) })
		if i < 0 {
			return notFound("Unable to find subscriber %s for the notification of budget %s.", ptr.Val(in.Subscriber.Address), budget)
		}
		rec.Subscribers = slices.Delete(slices.Clone(rec.Subscribers), i, i+1)
		s.notifications.Put(tx, sc, k, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteSubscriberResponse{}, nil
}
