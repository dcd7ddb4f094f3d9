package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
)

// This file sends bucket event notifications to SQS queues and SNS topics.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html
// Events are sent after the change commits, before the request answers, so
// a client that wrote an object can read its event at once. Lambda
// configurations are kept but nothing is invoked.

// Queues lets S3 send event notifications to SQS queues (SQS provides it).
type Queues interface {
	// QueueExistsForS3 reports whether the queue an ARN names exists.
	QueueExistsForS3(ctx context.Context, queueARN string) bool
	// DeliverFromS3 sends an event's JSON to the queue, durably.
	DeliverFromS3(ctx context.Context, queueARN, body string) error
}

// Topics lets S3 send event notifications to SNS topics (SNS provides it).
type Topics interface {
	// TopicExistsForS3 reports whether the topic an ARN names exists.
	TopicExistsForS3(ctx context.Context, topicARN string) bool
	// PublishFromS3 publishes an event's JSON to the topic.
	PublishFromS3(ctx context.Context, topicARN, body string) error
}

// The event names S3 publishes (without the "s3:" of configurations).
const (
	evPut             = "ObjectCreated:Put"
	evPost            = "ObjectCreated:Post"
	evCopy            = "ObjectCreated:Copy"
	evComplete        = "ObjectCreated:CompleteMultipartUpload"
	evDelete          = "ObjectRemoved:Delete"
	evDeleteMarker    = "ObjectRemoved:DeleteMarkerCreated"
	evLifecycleDelete = "LifecycleExpiration:Delete"
	evLifecycleMarker = "LifecycleExpiration:DeleteMarkerCreated"
)

// knownEvents are the event types a configuration may name.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
var knownEvents = map[string]bool{
	"s3:TestEvent": true, "s3:ObjectCreated:*": true, "s3:ObjectCreated:Put": true, "s3:ObjectCreated:Post": true,
	"s3:ObjectCreated:Copy": true, "s3:ObjectCreated:CompleteMultipartUpload": true, "s3:ObjectRemoved:*": true,
	"s3:ObjectRemoved:Delete": true, "s3:ObjectRemoved:DeleteMarkerCreated": true, "s3:ObjectRestore:*": true,
	"s3:ObjectRestore:Post": true, "s3:ObjectRestore:Completed": true, "s3:ObjectRestore:Delete": true,
	"s3:ReducedRedundancyLostObject": true, "s3:Replication:*": true, "s3:Replication:OperationFailedReplication": true,
	"s3:Replication:OperationNotTracked": true, "s3:Replication:OperationMissedThreshold": true,
	"s3:Replication:OperationReplicatedAfterThreshold": true, "s3:LifecycleExpiration:*": true,
	"s3:LifecycleExpiration:Delete": true, "s3:LifecycleExpiration:DeleteMarkerCreated": true,
	"s3:LifecycleTransition": true, "s3:IntelligentTiering": true, "s3:ObjectTagging:*": true,
	"s3:ObjectTagging:Put": true, "s3:ObjectTagging:Delete": true, "s3:ObjectAcl:Put": true,
}

// checkNotification validates a configuration and, unless skipDest, that
// its destinations exist.
func (s *Service) checkNotification(ctx context.Context, nc *NotificationConfiguration, skipDest bool) error {
	var failed []string
	check := func(events []string, dest string, exists bool) error {
		if len(events) == 0 {
			return errMalformedXML()
		}
		for _, e := range events {
			if !knownEvents[e] {
				return awserr.New("InvalidArgument", http.StatusBadRequest, "The event is not supported for notifications")
			}
		}
		if !exists && !skipDest {
			failed = append(failed, dest)
		}
		return nil
	}
	for _, q := range nc.QueueConfigurations {
		arn := ptr.Val(q.QueueArn)
		if err := check(q.Events, arn, s.queues != nil && s.queues.QueueExistsForS3(ctx, arn)); err != nil {
			return err
		}
	}
	for _, t := range nc.TopicConfigurations {
		arn := ptr.Val(t.TopicArn)
		if err := check(t.Events, arn, s.topics != nil && s.topics.TopicExistsForS3(ctx, arn)); err != nil {
			return err
		}
	}
	for _, l := range nc.LambdaFunctionConfigurations {
		if err := check(l.Events, "", true); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		// AWS: a destination that does not exist (or whose policy does not
		// let S3 send) fails the whole configuration.
		return awserr.New("InvalidArgument", http.StatusBadRequest, "Unable to validate the following destination configurations").
			WithField("ArgumentName1", failed[0]).WithField("ArgumentValue1", "Destination does not exist")
	}
	return nil
}

// testEvent is the message S3 sends each destination when a configuration is set.
type testEvent struct {
	Service   string
	Event     string
	Time      string
	Bucket    string
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
}

// sendTestEvents sends s3:TestEvent to every queue and topic of nc.
func (s *Service) sendTestEvents(ctx context.Context, bucket string, nc *NotificationConfiguration) {
	id := reqctx.From(ctx).RequestID
	body, _ := json.Marshal(testEvent{Service: "Amazon S3", Event: "s3:TestEvent", Time: s.clock.Now().UTC().Format(eventTime), Bucket: bucket, RequestID: id, HostID: hostID(id)})
	ctx = context.WithoutCancel(ctx)
	for _, q := range nc.QueueConfigurations {
		s.sendQueue(ctx, ptr.Val(q.QueueArn), string(body))
	}
	for _, t := range nc.TopicConfigurations {
		s.sendTopic(ctx, ptr.Val(t.TopicArn), string(body))
	}
}

func (s *Service) sendQueue(ctx context.Context, arn, body string) {
	if s.queues == nil {
		return
	}
	if err := s.queues.DeliverFromS3(ctx, arn, body); err != nil {
		s.log.Warn("s3: event notification not delivered", "queue", arn, "err", err)
	}
}

func (s *Service) sendTopic(ctx context.Context, arn, body string) {
	if s.topics == nil {
		return
	}
	if err := s.topics.PublishFromS3(ctx, arn, body); err != nil {
		s.log.Warn("s3: event notification not delivered", "topic", arn, "err", err)
	}
}

// eventTime is the time format of event records.
const eventTime = "2006-01-02T15:04:05.000Z"

// eventRecord is one record of an event notification.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
type eventRecord struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      principalID       `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                eventS3           `json:"s3"`
}

type principalID struct {
	PrincipalID string `json:"principalId"`
}

type eventS3 struct {
	SchemaVersion   string      `json:"s3SchemaVersion"`
	ConfigurationID string      `json:"configurationId"`
	Bucket          eventBucket `json:"bucket"`
	Object          eventObject `json:"object"`
}

type eventBucket struct {
	Name          string      `json:"name"`
	OwnerIdentity principalID `json:"ownerIdentity"`
	ARN           string      `json:"arn"`
}

type eventObject struct {
	Key       string `json:"key"`
	Size      *int64 `json:"size,omitempty"`
	ETag      string `json:"eTag,omitempty"`
	VersionID string `json:"versionId,omitempty"`
	Sequencer string `json:"sequencer"`
}

// eventKey URL-encodes a key as event records carry it ("a b/c" → "a+b/c").
func eventKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}

// eventMatches reports whether a configuration's events and key filter
// select an event name for key.
func eventMatches(events []string, filter *NotificationConfigurationFilter, name, key string) bool {
	hit := false
	for _, e := range events {
		if e == "s3:"+name || (strings.HasSuffix(e, ":*") && strings.HasPrefix("s3:"+name, strings.TrimSuffix(e, "*"))) {
			hit = true
			break
		}
	}
	if !hit {
		return false
	}
	if filter == nil || filter.Key == nil {
		return true
	}
	for _, r := range filter.Key.FilterRules {
		v := ptr.Val(r.Value)
		switch strings.ToLower(ptr.Val(r.Name)) {
		case "prefix":
			if !strings.HasPrefix(key, v) {
				return false
			}
		case "suffix":
			if !strings.HasSuffix(key, v) {
				return false
			}
		}
	}
	return true
}

// notify sends the event name happened to rec (in bucket) to the
// destinations of the bucket's configuration that select it. versioned
// tells whether the bucket shows version ids.
func (s *Service) notify(ctx context.Context, bucket, name string, rec objectRec) {
	b, ok := s.lookupBucket(bucket)
	if !ok || b.Notification == nil {
		return
	}
	nc := b.Notification
	info := reqctx.From(ctx)
	ctx = context.WithoutCancel(ctx)
	principal := "AWS:" + info.Account
	if info.Caller.AccessKeyID == "" {
		principal = "Anonymous"
	}
	if strings.HasPrefix(name, "LifecycleExpiration:") {
		principal = "s3.amazonaws.com"
	}
	obj := eventObject{Key: eventKey(rec.Key), Sequencer: fmt.Sprintf("%016X", rec.Seq)}
	if strings.HasPrefix(name, "ObjectCreated:") {
		obj.Size, obj.ETag = ptr.To(rec.Size), strings.Trim(rec.ETag, `"`)
	}
	if rec.VersionID != "" || b.Versioning != "" {
		obj.VersionID = rec.versionID()
	}
	region := b.Region
	if region == "" {
		region = s.region
	}
	event := func(configID string) string {
		r := eventRecord{
			EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: region,
			EventTime: s.clock.Now().UTC().Format(eventTime), EventName: name,
			UserIdentity:      principalID{principal},
			RequestParameters: map[string]string{"sourceIPAddress": "127.0.0.1"},
			ResponseElements:  map[string]string{"x-amz-request-id": info.RequestID, "x-amz-id-2": hostID(info.RequestID)},
			S3: eventS3{SchemaVersion: "1.0", ConfigurationID: configID, Object: obj,
				Bucket: eventBucket{Name: bucket, OwnerIdentity: principalID{canonicalID(b.Owner)[:14]}, ARN: "arn:aws:s3:::" + bucket}},
		}
		body, _ := json.Marshal(map[string][]eventRecord{"Records": {r}})
		return string(body)
	}
	for _, q := range nc.QueueConfigurations {
		if eventMatches(q.Events, q.Filter, name, rec.Key) {
			s.sendQueue(ctx, ptr.Val(q.QueueArn), event(ptr.Val(q.Id)))
		}
	}
	for _, t := range nc.TopicConfigurations {
		if eventMatches(t.Events, t.Filter, name, rec.Key) {
			s.sendTopic(ctx, ptr.Val(t.TopicArn), event(ptr.Val(t.Id)))
		}
	}
}

// notifyRemoved sends the ObjectRemoved (or, for lifecycle, the
// LifecycleExpiration) event of a delete.
func (s *Service) notifyRemoved(ctx context.Context, bucket string, d *DeletedObject, lifecycle bool) {
	rec := objectRec{Key: ptr.Val(d.Key), Seq: s.nextSeq()}
	name := evDelete
	if ptr.Val(d.DeleteMarker) && d.DeleteMarkerVersionId != nil {
		name, rec.VersionID = evDeleteMarker, *d.DeleteMarkerVersionId
	} else if v := ptr.Val(d.VersionId); v != "null" {
		rec.VersionID = v
	}
	if lifecycle {
		name = map[string]string{evDelete: evLifecycleDelete, evDeleteMarker: evLifecycleMarker}[name]
	}
	s.notify(ctx, bucket, name, rec)
}
