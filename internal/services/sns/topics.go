package sns

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// topicRec is a topic as stored.
type topicRec struct {
	Name       string
	ARN        string
	Fifo       bool
	Attributes map[string]string // attributes set by CreateTopic/SetTopicAttributes
	Tags       map[string]string `json:",omitempty"`
	Seq        uint64            `json:",omitempty"` // last FIFO sequence number
	Deleted    int               `json:",omitempty"` // SubscriptionsDeleted
}

// pageSize is the page of ListTopics and the subscription lists.
// AWS: ListTopics returns up to 100 topics per call, ListSubscriptions 100.
const pageSize = 100

var topicNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// settableTopicAttributes are the attributes CreateTopic and SetTopicAttributes accept.
var settableTopicAttributes = map[string]bool{
	"DeliveryPolicy": true, "DisplayName": true, "Policy": true, "KmsMasterKeyId": true, "SignatureVersion": true,
	"TracingConfig": true, "FifoTopic": true, "ContentBasedDeduplication": true, "ArchivePolicy": true,
	"DataProtectionPolicy": true, "FifoThroughputScope": true,
	"HTTPSuccessFeedbackRoleArn": true, "HTTPSuccessFeedbackSampleRate": true, "HTTPFailureFeedbackRoleArn": true,
	"LambdaSuccessFeedbackRoleArn": true, "LambdaSuccessFeedbackSampleRate": true, "LambdaFailureFeedbackRoleArn": true,
	"SQSSuccessFeedbackRoleArn": true, "SQSSuccessFeedbackSampleRate": true, "SQSFailureFeedbackRoleArn": true,
	"ApplicationSuccessFeedbackRoleArn": true, "ApplicationSuccessFeedbackSampleRate": true, "ApplicationFailureFeedbackRoleArn": true,
	"FirehoseSuccessFeedbackRoleArn": true, "FirehoseSuccessFeedbackSampleRate": true, "FirehoseFailureFeedbackRoleArn": true,
}

func invalidParameter(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameter", 400, "Invalid parameter: "+format, args...)
}

func notFound(what string) *awserr.Error {
	return awserr.New("NotFound", 404, "%s does not exist", what)
}

func topicNotFound() *awserr.Error { return notFound("Topic") }

// scopeOf is the account and region of the request.
func scopeOf(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	return state.Scope{Account: info.Account, Region: info.Region}
}

// parseTopicARN returns the scope and name of a topic ARN; param names the
// parameter in the error.
func parseTopicARN(s, param string) (state.Scope, string, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sns" || !identity.IsAccountID(a.Account) || !topicNameRE.MatchString(strings.TrimSuffix(a.Resource, ".fifo")) {
		return state.Scope{}, "", invalidParameter("%s", param)
	}
	return state.Scope{Account: a.Account, Region: a.Region}, a.Resource, nil
}

// getTopic reads the topic an ARN names.
func (s *Service) getTopic(tx *state.Tx, topicARN, param string) (state.Scope, topicRec, error) {
	sc, name, err := parseTopicARN(topicARN, param)
	if err != nil {
		return sc, topicRec{}, err
	}
	t, ok := s.topics.Get(tx, sc, name)
	if !ok {
		return sc, t, topicNotFound()
	}
	return sc, t, nil
}

// checkTopicAttribute validates one topic attribute's value.
func checkTopicAttribute(name, value string, fifo bool) error {
	if !settableTopicAttributes[name] {
		return invalidParameter("AttributeName")
	}
	switch name {
	case "FifoTopic", "ContentBasedDeduplication":
		if value != "true" && value != "false" {
			return invalidParameter("Attributes Reason: %s must be a boolean", name)
		}
		if name == "ContentBasedDeduplication" && value == "true" && !fifo {
			// AWS: content-based deduplication is for FIFO topics only.
			return invalidParameter("Attributes Reason: Content-based deduplication can only be set for FIFO topics")
		}
	case "Policy", "DeliveryPolicy", "DataProtectionPolicy", "ArchivePolicy":
		if value != "" && !json.Valid([]byte(value)) {
			return invalidParameter("Attributes Reason: %s: failed to parse JSON", name)
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return invalidParameter("Attributes Reason: SignatureVersion must be 1 or 2")
		}
	case "TracingConfig":
		if value != "Active" && value != "PassThrough" {
			return invalidParameter("Attributes Reason: TracingConfig must be Active or PassThrough")
		}
	}
	return nil
}

func tagMap(tags []Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[ptr.Val(t.Key)] = ptr.Val(t.Value)
	}
	return m
}

// CreateTopic creates a topic, or returns the existing one of that name
// when the attributes match.
// https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
func (s *Service) CreateTopic(ctx context.Context, in *CreateTopicInput) (*CreateTopicResponse, error) {
	name := ptr.Val(in.Name)
	attrs := maps.Clone(in.Attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	if in.DataProtectionPolicy != nil {
		attrs["DataProtectionPolicy"] = *in.DataProtectionPolicy
	}
	fifo := attrs["FifoTopic"] == "true"
	// AWS: a FIFO topic's name ends in .fifo; a standard topic's name may not.
	if fifo {
		if !strings.HasSuffix(name, ".fifo") || !topicNameRE.MatchString(strings.TrimSuffix(name, ".fifo")) || len(name) > 256 {
			return nil, invalidParameter("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
		}
	} else if !topicNameRE.MatchString(name) {
		return nil, invalidParameter("Topic Name")
	}
	if attrs["FifoTopic"] == "false" {
		delete(attrs, "FifoTopic") // the default
	}
	for k, v := range attrs {
		if err := checkTopicAttribute(k, v, fifo); err != nil {
			return nil, err
		}
	}
	tags := tagMap(in.Tags)
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	topicARN := arn.New("sns", sc.Region, sc.Account, name)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if old, ok := s.topics.Get(tx, sc, name); ok {
			// AWS: CreateTopic is idempotent for the same name and attributes.
			for k, v := range attrs {
				if old.Attributes[k] != v {
					return invalidParameter("Attributes Reason: Topic already exists with different attributes")
				}
			}
			for k, v := range tags {
				if ov, ok := old.Tags[k]; !ok || ov != v {
					return invalidParameter("Tags Reason: Topic already exists with different tags")
				}
			}
			return nil
		}
		s.topics.Put(tx, sc, name, topicRec{Name: name, ARN: topicARN, Fifo: fifo, Attributes: attrs, Tags: tags})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateTopicResponse{TopicArn: &topicARN}, nil
}

// DeleteTopic deletes a topic and its subscriptions; deleting a topic that
// does not exist succeeds.
// https://docs.aws.amazon.com/sns/latest/api/API_DeleteTopic.html
func (s *Service) DeleteTopic(ctx context.Context, in *DeleteTopicInput) (*DeleteTopicOutput, error) {
	sc, name, err := parseTopicARN(ptr.Val(in.TopicArn), "TopicArn")
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		// AWS: DeleteTopic of a topic that does not exist succeeds (it is idempotent).
		if !s.topics.Delete(tx, sc, name) {
			return nil
		}
		var keys []string
		s.subs.AscendPrefix(tx, sc, name+"/", func(k string, _ subRec) bool { keys = append(keys, k); return true })
		for _, k := range keys {
			s.subs.Delete(tx, sc, k)
		}
		var dedups []string
		s.dedups.AscendPrefix(tx, sc, name+"/", func(k string, _ dedupRec) bool { dedups = append(dedups, k); return true })
		for _, k := range dedups {
			s.dedups.Delete(tx, sc, k)
		}
		return nil
	})
	return &DeleteTopicOutput{}, err
}

// ListTopics lists the topics of the account and region, 100 a page.
// https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html
func (s *Service) ListTopics(ctx context.Context, in *ListTopicsInput) (*ListTopicsResponse, error) {
	sc := scopeOf(ctx)
	out := &ListTopicsResponse{Topics: []Topic{}}
	from := ptr.Val(in.NextToken)
	_ = s.db.View(func(tx *state.Tx) error {
		s.topics.Ascend(tx, sc, from, func(k string, t topicRec) bool {
			if len(out.Topics) == pageSize {
				out.NextToken = ptr.To(k)
				return false
			}
			out.Topics = append(out.Topics, Topic{TopicArn: ptr.To(t.ARN)})
			return true
		})
		return nil
	})
	return out, nil
}

// defaultPolicy is the access policy AWS gives a new topic.
func defaultPolicy(topicARN, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

// defaultDeliveryPolicy is AWS's EffectiveDeliveryPolicy for a topic without a DeliveryPolicy.
const defaultDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// GetTopicAttributes returns a topic's attributes.
// https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
func (s *Service) GetTopicAttributes(ctx context.Context, in *GetTopicAttributesInput) (*GetTopicAttributesResponse, error) {
	var attrs map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.TopicArn), "TopicArn")
		if err != nil {
			return err
		}
		confirmed, pending := 0, 0
		s.subs.AscendPrefix(tx, sc, t.Name+"/", func(_ string, sub subRec) bool {
			if sub.Pending {
				pending++
			} else {
				confirmed++
			}
			return true
		})
		attrs = map[string]string{
			"TopicArn":                t.ARN,
			"Owner":                   sc.Account,
			"Policy":                  defaultPolicy(t.ARN, sc.Account),
			"DisplayName":             "",
			"SubscriptionsConfirmed":  strconv.Itoa(confirmed),
			"SubscriptionsPending":    strconv.Itoa(pending),
			"SubscriptionsDeleted":    strconv.Itoa(t.Deleted),
			"EffectiveDeliveryPolicy": defaultDeliveryPolicy,
		}
		if t.Fifo {
			attrs["FifoTopic"] = "true"
			attrs["ContentBasedDeduplication"] = "false"
		}
		maps.Copy(attrs, t.Attributes)
		if p := t.Attributes["DeliveryPolicy"]; p != "" {
			attrs["EffectiveDeliveryPolicy"] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetTopicAttributesResponse{Attributes: attrs}, nil
}

// SetTopicAttributes sets one attribute of a topic.
// https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html
func (s *Service) SetTopicAttributes(ctx context.Context, in *SetTopicAttributesInput) (*SetTopicAttributesOutput, error) {
	name, value := ptr.Val(in.AttributeName), ptr.Val(in.AttributeValue)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.TopicArn), "TopicArn")
		if err != nil {
			return err
		}
		if name == "FifoTopic" {
			// AWS: a topic's type is fixed at creation.
			return invalidParameter("AttributeName")
		}
		if err := checkTopicAttribute(name, value, t.Fifo); err != nil {
			return err
		}
		t.Attributes = maps.Clone(t.Attributes)
		if t.Attributes == nil {
			t.Attributes = map[string]string{}
		}
		if value == "" && name != "DisplayName" {
			delete(t.Attributes, name) // AWS: an empty value resets the attribute
		} else {
			t.Attributes[name] = value
		}
		s.topics.Put(tx, sc, t.Name, t)
		return nil
	})
	return &SetTopicAttributesOutput{}, err
}

// AddPermission adds a statement to a topic's policy. haneul does not
// enforce topic policies; the statement is kept in the Policy attribute.
// https://docs.aws.amazon.com/sns/latest/api/API_AddPermission.html
func (s *Service) AddPermission(ctx context.Context, in *AddPermissionInput) (*AddPermissionOutput, error) {
	err := s.changePolicy(ctx, ptr.Val(in.TopicArn), func(topicARN string, stmts []map[string]any) ([]map[string]any, error) {
		for _, st := range stmts {
			if st["Sid"] == ptr.Val(in.Label) {
				return nil, invalidParameter("Statement already exists")
			}
		}
		principals := make([]string, 0, len(in.AWSAccountId))
		for _, a := range in.AWSAccountId {
			principals = append(principals, arn.New("iam", "", a, "root"))
		}
		actions := make([]string, 0, len(in.ActionName))
		for _, a := range in.ActionName {
			actions = append(actions, "SNS:"+a)
		}
		return append(stmts, map[string]any{"Sid": ptr.Val(in.Label), "Effect": "Allow", "Principal": map[string]any{"AWS": principals}, "Action": actions, "Resource": topicARN}), nil
	})
	return &AddPermissionOutput{}, err
}

// RemovePermission removes a statement from a topic's policy.
// https://docs.aws.amazon.com/sns/latest/api/API_RemovePermission.html
func (s *Service) RemovePermission(ctx context.Context, in *RemovePermissionInput) (*RemovePermissionOutput, error) {
	err := s.changePolicy(ctx, ptr.Val(in.TopicArn), func(_ string, stmts []map[string]any) ([]map[string]any, error) {
		kept := stmts[:0]
		for _, st := range stmts {
			if st["Sid"] != ptr.Val(in.Label) {
				kept = append(kept, st)
			}
		}
		return kept, nil
	})
	return &RemovePermissionOutput{}, err
}

func (s *Service) changePolicy(ctx context.Context, topicARN string, change func(string, []map[string]any) ([]map[string]any, error)) error {
	return s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, topicARN, "TopicArn")
		if err != nil {
			return err
		}
		policy := t.Attributes["Policy"]
		if policy == "" {
			policy = defaultPolicy(t.ARN, sc.Account)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			return fmt.Errorf("sns: topic policy: %w", err)
		}
		var stmts []map[string]any
		raw, _ := json.Marshal(doc["Statement"])
		_ = json.Unmarshal(raw, &stmts)
		stmts, err = change(t.ARN, stmts)
		if err != nil {
			return err
		}
		doc["Statement"] = stmts
		b, _ := json.Marshal(doc)
		t.Attributes = maps.Clone(t.Attributes)
		if t.Attributes == nil {
			t.Attributes = map[string]string{}
		}
		t.Attributes["Policy"] = string(b)
		s.topics.Put(tx, sc, t.Name, t)
		return nil
	})
}

// checkTags applies AWS's tag limits.
func checkTags(tags map[string]string) error {
	if len(tags) > 50 {
		return awserr.New("TagLimitExceeded", 400, "Could not complete request: tag quota of per resource exceeded")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return invalidParameter("Tags")
		}
	}
	return nil
}

// TagResource adds tags to a topic.
// https://docs.aws.amazon.com/sns/latest/api/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceResponse, error) {
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.ResourceArn), "ResourceArn")
		if err != nil {
			return awserr.New("ResourceNotFound", 404, "Resource does not exist")
		}
		tags := maps.Clone(t.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, tagMap(in.Tags))
		if err := checkTags(tags); err != nil {
			return err
		}
		t.Tags = tags
		s.topics.Put(tx, sc, t.Name, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceResponse{}, nil
}

// UntagResource removes tags from a topic.
// https://docs.aws.amazon.com/sns/latest/api/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceResponse, error) {
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		sc, t, err := s.getTopic(tx, ptr.Val(in.ResourceArn), "ResourceArn")
		if err != nil {
			return awserr.New("ResourceNotFound", 404, "Resource does not exist")
		}
		t.Tags = maps.Clone(t.Tags)
		for _, k := range in.TagKeys {
			delete(t.Tags, k)
		}
		s.topics.Put(tx, sc, t.Name, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceResponse{}, nil
}

// ListTagsForResource lists a topic's tags.
// https://docs.aws.amazon.com/sns/latest/api/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	out := &ListTagsForResourceResponse{Tags: []Tag{}}
	err := s.db.View(func(tx *state.Tx) error {
		_, t, err := s.getTopic(tx, ptr.Val(in.ResourceArn), "ResourceArn")
		if err != nil {
			return awserr.New("ResourceNotFound", 404, "Resource does not exist")
		}
		keys := make([]string, 0, len(t.Tags))
		for k := range t.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Tags = append(out.Tags, Tag{Key: ptr.To(k), Value: ptr.To(t.Tags[k])})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetDataProtectionPolicy returns a topic's data protection policy (kept, not applied).
// https://docs.aws.amazon.com/sns/latest/api/API_GetDataProtectionPolicy.html
func (s *Service) GetDataProtectionPolicy(ctx context.Context, in *GetDataProtectionPolicyInput) (*GetDataProtectionPolicyResponse, error) {
	var p string
	err := s.db.View(func(tx *state.Tx) error {
		_, t, err := s.getTopic(tx, ptr.Val(in.ResourceArn), "ResourceArn")
		p = t.Attributes["DataProtectionPolicy"]
		return err
	})
	if err != nil {
		return nil, err
	}
	return &GetDataProtectionPolicyResponse{DataProtectionPolicy: optional(p)}, nil
}

// PutDataProtectionPolicy sets a topic's data protection policy (kept, not applied).
// https://docs.aws.amazon.com/sns/latest/api/API_PutDataProtectionPolicy.html
func (s *Service) PutDataProtectionPolicy(ctx context.Context, in *PutDataProtectionPolicyInput) (*PutDataProtectionPolicyOutput, error) {
	_, err := s.SetTopicAttributes(ctx, &SetTopicAttributesInput{TopicArn: in.ResourceArn, AttributeName: ptr.To("DataProtectionPolicy"), AttributeValue: in.DataProtectionPolicy})
	if err != nil {
		return nil, err
	}
	return &PutDataProtectionPolicyOutput{}, nil
}
