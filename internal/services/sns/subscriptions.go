package sns

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// subRec is a subscription as stored.
type subRec struct {
	ID         string
	ARN        string
	TopicARN   string
	Protocol   string
	Endpoint   string
	Owner      string
	Attributes map[string]string // attributes set by Subscribe/SetSubscriptionAttributes
	Pending    bool              // waiting for ConfirmSubscription
	Token      string            `json:",omitempty"`
}

// pendingARN is what Subscribe answers for a subscription awaiting confirmation.
const pendingARN = "pending confirmation"

// settableSubscriptionAttributes are the attributes Subscribe and SetSubscriptionAttributes accept.
var settableSubscriptionAttributes = map[string]bool{
	"DeliveryPolicy": true, "FilterPolicy": true, "FilterPolicyScope": true, "RawMessageDelivery": true,
	"RedrivePolicy": true, "SubscriptionRoleArn": true, "ReplayPolicy": true,
}

var (
	phoneRE = regexp.MustCompile(`^\+?[1-9][0-9]{4,14}$`)
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
)

// checkEndpoint validates a subscription endpoint for its protocol.
func checkEndpoint(protocol, endpoint string) error {
	arnOf := func(service string) bool {
		a, err := arn.Parse(endpoint)
		return err == nil && a.Service == service
	}
	ok := true
	switch protocol {
	case "sqs":
		if !arnOf("sqs") {
			return invalidParameter("Invalid SQS endpoint ARN")
		}
	case "http", "https":
		u, err := url.Parse(endpoint)
		ok = err == nil && u.Scheme == protocol && u.Host != ""
	case "email", "email-json":
		if !emailRE.MatchString(endpoint) {
			return invalidParameter("Email address")
		}
	case "sms":
		if !phoneRE.MatchString(endpoint) {
			return invalidParameter("Invalid SMS endpoint: %s", endpoint)
		}
	case "application":
		ok = arnOf("sns") && strings.Contains(endpoint, ":endpoint/")
	case "lambda":
		ok = arnOf("lambda")
	case "firehose":
		ok = arnOf("firehose")
	default:
		return invalidParameter("Amazon SNS does not support this protocol string: %s", protocol)
	}
	if !ok {
		return invalidParameter("Endpoint Reason: The endpoint is not valid for protocol %s", protocol)
	}
	return nil
}

// checkSubscriptionAttribute validates one subscription attribute.
func checkSubscriptionAttribute(protocol, name, value string) error {
	if !settableSubscriptionAttributes[name] {
		return invalidParameter("AttributeName")
	}
	switch name {
	case "RawMessageDelivery":
		if value != "true" && value != "false" {
			return invalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [%s]. Must be true or false.", value)
		}
		// AWS: raw delivery is for SQS, HTTP/S and Firehose endpoints.
		switch protocol {
		case "sqs", "http", "https", "firehose":
		default:
			return invalidParameter("Attributes Reason: Delivery protocol [%s] does not support raw message delivery.", protocol)
		}
	case "FilterPolicy":
		if value == "" {
			return nil
		}
		if _, err := parseFilterPolicy(value); err != nil {
			return invalidParameter("Attributes Reason: FilterPolicy: %v", err)
		}
	case "FilterPolicyScope":
		if value != "MessageAttributes" && value != "MessageBody" {
			return invalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", value)
		}
	case "RedrivePolicy":
		var p struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if err := json.Unmarshal([]byte(value), &p); err != nil {
			return invalidParameter("Attributes Reason: RedrivePolicy: failed to parse JSON.")
		}
		if a, err := arn.Parse(p.DeadLetterTargetArn); err != nil || a.Service != "sqs" {
			return invalidParameter("Attributes Reason: RedrivePolicy: deadLetterTargetArn is an invalid arn")
		}
	case "DeliveryPolicy", "ReplayPolicy":
		if value != "" && !json.Valid([]byte(value)) {
			return invalidParameter("Attributes Reason: %s: failed to parse JSON.", name)
		}
	}
	return nil
}

// parseSubscriptionARN splits <topic ARN>:<id> into the topic's scope, the
// topic's name and the table key.
func parseSubscriptionARN(s string) (state.Scope, string, string, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return state.Scope{}, "", "", invalidParameter("SubscriptionArn")
	}
	sc, topic, err := parseTopicARN(s[:i], "SubscriptionArn")
	if err != nil || s[i+1:] == "" {
		return sc, "", "", invalidParameter("SubscriptionArn")
	}
	return sc, topic, topic + "/" + s[i+1:], nil
}

// Subscribe subscribes an endpoint to a topic. SQS, Lambda, Firehose and
// application endpoints are confirmed at once; HTTP/S, e-mail and SMS wait
// for ConfirmSubscription with the token sent to them.
// https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
func (s *Service) Subscribe(ctx context.Context, in *SubscribeInput) (*SubscribeResponse, error) {
	protocol, endpoint := ptr.Val(in.Protocol), ptr.Val(in.Endpoint)
	if err := checkEndpoint(protocol, endpoint); err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range in.Attributes {
		if err := checkSubscriptionAttribute(protocol, k, v); err != nil {
			return nil, err
		}
		attrs[k] = v
	}
	if protocol == "firehose" && attrs["SubscriptionRoleArn"] == "" {
		// AWS: Firehose subscriptions need the role SNS writes to the stream with.
		return nil, invalidParameter("Attributes Reason: SubscriptionRoleArn is required for firehose protocol")
	}
	var rec subRec
	var existing bool
	var topic topicRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.TopicArn), "TopicArn")
		if err != nil {
			return err
		}
		topic = t
		if t.Fifo && protocol != "sqs" {
			// AWS: FIFO topics deliver to SQS queues only.
			return invalidParameter("Invalid protocol type: %s", protocol)
		}
		// AWS: subscribing the same endpoint again returns the existing subscription.
		s.subs.AscendPrefix(tx, sc, t.Name+"/", func(_ string, sub subRec) bool {
			if sub.Protocol == protocol && sub.Endpoint == endpoint {
				rec, existing = sub, true
				return false
			}
			return true
		})
		if existing {
			for k, v := range attrs {
				if rec.Attributes[k] != v {
					return invalidParameter("Attributes Reason: Subscription already exists with different attributes")
				}
			}
			return nil
		}
		id := ids.UUID()
		rec = subRec{ID: id, ARN: t.ARN + ":" + id, TopicARN: t.ARN, Protocol: protocol, Endpoint: endpoint, Owner: sc.Account, Attributes: attrs}
		switch protocol {
		case "http", "https", "email", "email-json":
			// AWS: these endpoints must confirm; the token is sent to them.
			rec.Pending, rec.Token = true, ids.Hex("", 64)
		}
		s.subs.Put(tx, sc, t.Name+"/"+id, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rec.Pending && !existing {
		s.sendConfirmation(ctx, rec, topic)
	}
	if rec.Pending && !ptr.Val(in.ReturnSubscriptionArn) {
		return &SubscribeResponse{SubscriptionArn: ptr.To(pendingARN)}, nil
	}
	return &SubscribeResponse{SubscriptionArn: ptr.To(rec.ARN)}, nil
}

// ConfirmSubscription confirms a pending subscription with the token sent to its endpoint.
// https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html
func (s *Service) ConfirmSubscription(ctx context.Context, in *ConfirmSubscriptionInput) (*ConfirmSubscriptionResponse, error) {
	token := ptr.Val(in.Token)
	var subARN string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.TopicArn), "TopicArn")
		if err != nil {
			return err
		}
		var key string
		var found subRec
		s.subs.AscendPrefix(tx, sc, t.Name+"/", func(k string, sub subRec) bool {
			if sub.Token == token {
				key, found = k, sub
				return false
			}
			return true
		})
		if key == "" {
			return invalidParameter("Token")
		}
		found.Pending = false
		if ptr.Val(in.AuthenticateOnUnsubscribe) == "true" {
			found.Attributes = maps.Clone(found.Attributes)
			if found.Attributes == nil {
				found.Attributes = map[string]string{}
			}
			found.Attributes["ConfirmationWasAuthenticated"] = "true"
		}
		s.subs.Put(tx, sc, key, found)
		subARN = found.ARN
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ConfirmSubscriptionResponse{SubscriptionArn: &subARN}, nil
}

// Unsubscribe deletes a subscription.
// https://docs.aws.amazon.com/sns/latest/api/API_Unsubscribe.html
func (s *Service) Unsubscribe(ctx context.Context, in *UnsubscribeInput) (*UnsubscribeOutput, error) {
	sc, topic, key, err := parseSubscriptionARN(ptr.Val(in.SubscriptionArn))
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		// AWS: unsubscribing a subscription that does not exist succeeds.
		if s.subs.Delete(tx, sc, key) {
			if t, ok := s.topics.Get(tx, sc, topic); ok {
				t.Deleted++
				s.topics.Put(tx, sc, topic, t)
			}
		}
		return nil
	})
	return &UnsubscribeOutput{}, err
}

func (r subRec) summary() Subscription {
	a := r.ARN
	if r.Pending {
		a = "PendingConfirmation"
	}
	return Subscription{SubscriptionArn: &a, TopicArn: ptr.To(r.TopicARN), Protocol: ptr.To(r.Protocol), Endpoint: ptr.To(r.Endpoint), Owner: ptr.To(r.Owner)}
}

// ListSubscriptions lists the subscriptions of the account and region, 100 a page.
// https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptions.html
func (s *Service) ListSubscriptions(ctx context.Context, in *ListSubscriptionsInput) (*ListSubscriptionsResponse, error) {
	sc := scopeOf(ctx)
	out := &ListSubscriptionsResponse{Subscriptions: []Subscription{}}
	_ = s.db.View(func(tx *state.Tx) error {
		s.subs.Ascend(tx, sc, ptr.Val(in.NextToken), func(k string, sub subRec) bool {
			if len(out.Subscriptions) == pageSize {
				out.NextToken = ptr.To(k)
				return false
			}
			out.Subscriptions = append(out.Subscriptions, sub.summary())
			return true
		})
		return nil
	})
	return out, nil
}

// ListSubscriptionsByTopic lists a topic's subscriptions, 100 a page.
// https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html
func (s *Service) ListSubscriptionsByTopic(ctx context.Context, in *ListSubscriptionsByTopicInput) (*ListSubscriptionsByTopicResponse, error) {
	out := &ListSubscriptionsByTopicResponse{Subscriptions: []Subscription{}}
	err := s.db.View(func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.TopicArn), "TopicArn")
		if err != nil {
			return err
		}
		prefix := t.Name + "/"
		from := prefix
		if tok := ptr.Val(in.NextToken); strings.HasPrefix(tok, prefix) {
			from = tok
		}
		s.subs.Ascend(tx, sc, from, func(k string, sub subRec) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if len(out.Subscriptions) == pageSize {
				out.NextToken = ptr.To(k)
				return false
			}
			out.Subscriptions = append(out.Subscriptions, sub.summary())
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getSubscription reads the subscription an ARN names.
func (s *Service) getSubscription(tx *state.Tx, subARN string) (state.Scope, string, subRec, error) {
	sc, _, key, err := parseSubscriptionARN(subARN)
	if err != nil {
		return sc, "", subRec{}, err
	}
	sub, ok := s.subs.Get(tx, sc, key)
	if !ok {
		return sc, "", sub, notFound("Subscription")
	}
	return sc, key, sub, nil
}

// GetSubscriptionAttributes returns a subscription's attributes.
// https://docs.aws.amazon.com/sns/latest/api/API_GetSubscriptionAttributes.html
func (s *Service) GetSubscriptionAttributes(ctx context.Context, in *GetSubscriptionAttributesInput) (*GetSubscriptionAttributesResponse, error) {
	var attrs map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		_, _, sub, err := s.getSubscription(tx, ptr.Val(in.SubscriptionArn))
		if err != nil {
			return err
		}
		attrs = map[string]string{
			"SubscriptionArn":              sub.ARN,
			"TopicArn":                     sub.TopicARN,
			"Owner":                        sub.Owner,
			"Protocol":                     sub.Protocol,
			"Endpoint":                     sub.Endpoint,
			"PendingConfirmation":          boolString(sub.Pending),
			"ConfirmationWasAuthenticated": boolString(!sub.Pending),
			"RawMessageDelivery":           "false",
			"SubscriptionPrincipal":        arn.New("iam", "", sub.Owner, "root"),
		}
		if sub.Protocol == "http" || sub.Protocol == "https" {
			attrs["EffectiveDeliveryPolicy"] = defaultDeliveryPolicy
		}
		maps.Copy(attrs, sub.Attributes)
		if attrs["FilterPolicy"] != "" && attrs["FilterPolicyScope"] == "" {
			// AWS: a filter policy applies to message attributes unless told otherwise.
			attrs["FilterPolicyScope"] = "MessageAttributes"
		}
		if p := sub.Attributes["DeliveryPolicy"]; p != "" {
			attrs["EffectiveDeliveryPolicy"] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetSubscriptionAttributesResponse{Attributes: attrs}, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// SetSubscriptionAttributes sets one attribute of a subscription.
// https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html
func (s *Service) SetSubscriptionAttributes(ctx context.Context, in *SetSubscriptionAttributesInput) (*SetSubscriptionAttributesOutput, error) {
	name, value := ptr.Val(in.AttributeName), ptr.Val(in.AttributeValue)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, key, sub, err := s.getSubscription(tx, ptr.Val(in.SubscriptionArn))
		if err != nil {
			return err
		}
		if !settableSubscriptionAttributes[name] {
			return invalidParameter("AttributeName")
		}
		if value != "" || name == "RawMessageDelivery" || name == "FilterPolicyScope" {
			if err := checkSubscriptionAttribute(sub.Protocol, name, value); err != nil {
				return err
			}
		}
		sub.Attributes = maps.Clone(sub.Attributes)
		if sub.Attributes == nil {
			sub.Attributes = map[string]string{}
		}
		if value == "" {
			delete(sub.Attributes, name) // AWS: an empty value removes a policy
		} else {
			sub.Attributes[name] = value
		}
		s.subs.Put(tx, sc, key, sub)
		return nil
	})
	return &SetSubscriptionAttributesOutput{}, err
}
