package sqs

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a queue has at most 50 tags; keys are 1 to 128 characters, values up to 256.
const maxTags = 50

func checkTags(tags map[string]string) error {
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return awserr.New("InvalidParameterValue", 400, "Tag keys must be between 1 and 128 characters and values up to 256 characters.")
		}
	}
	if len(tags) > maxTags {
		return awserr.New("InvalidParameterValue", 400, "Too many tags added for queue. Maximum number of tags per queue is %d.", maxTags)
	}
	return nil
}

// TagQueue adds or replaces tags of a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_TagQueue.html
func (s *Service) TagQueue(ctx context.Context, in *TagQueueRequest) (*TagQueueOutput, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		tags := maps.Clone(q.rec.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, in.Tags)
		if err := checkTags(tags); err != nil {
			return err
		}
		return s.putQueue(tx, q, func(r *queueRec) { r.Tags = tags })
	})
	return &TagQueueOutput{}, err
}

// UntagQueue removes tags of a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_UntagQueue.html
func (s *Service) UntagQueue(ctx context.Context, in *UntagQueueRequest) (*UntagQueueOutput, error) {
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		tags := maps.Clone(q.rec.Tags)
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return s.putQueue(tx, q, func(r *queueRec) { r.Tags = tags })
	})
	return &UntagQueueOutput{}, err
}

// ListQueueTags returns the tags of a queue.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueueTags.html
func (s *Service) ListQueueTags(ctx context.Context, in *ListQueueTagsRequest) (*ListQueueTagsResult, error) {
	sc, name, err := resolveURL(ctx, ptr.Val(in.QueueUrl))
	if err != nil {
		return nil, err
	}
	out := &ListQueueTagsResult{}
	err = s.db.View(func(tx *state.Tx) error {
		rec, ok := s.queues.Get(tx, sc, name)
		if !ok {
			return queueDoesNotExist()
		}
		if len(rec.Tags) > 0 {
			out.Tags = maps.Clone(rec.Tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// policyDoc is a queue policy as AddPermission writes it.
type policyDoc struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

type permissionStatement struct {
	Sid       string         `json:"Sid"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal"`
	Action    any            `json:"Action"`
	Resource  string         `json:"Resource"`
}

// one renders a list as AWS does in policies: a lone value, or a list.
func one(vs []string) any {
	if len(vs) == 1 {
		return vs[0]
	}
	return vs
}

// AddPermission adds a statement labelled Label to the queue's policy.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
func (s *Service) AddPermission(ctx context.Context, in *AddPermissionRequest) (*AddPermissionOutput, error) {
	label := ptr.Val(in.Label)
	if len(in.AWSAccountIds) == 0 {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter AWSAccountIds.")
	}
	if len(in.Actions) == 0 {
		return nil, awserr.New("MissingParameter", 400, "The request must contain the parameter Actions.")
	}
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		arn := queueARN(q.sc, q.name)
		doc := policyDoc{Version: "2012-10-17", ID: arn + "/SQSDefaultPolicy"}
		if p := q.rec.Attributes[attrPolicy]; p != "" {
			if err := json.Unmarshal([]byte(p), &doc); err != nil {
				return invalidParam(label, "Label", "The queue's policy cannot be read.")
			}
		}
		for _, st := range doc.Statement {
			var sid struct{ Sid string }
			_ = json.Unmarshal(st, &sid)
			if sid.Sid == label {
				return invalidParam(label, "Label", "Already exists.")
			}
		}
		var principals, actions []string
		for _, a := range in.AWSAccountIds {
			principals = append(principals, "arn:aws:iam::"+a+":root")
		}
		for _, a := range in.Actions {
			actions = append(actions, "SQS:"+a)
		}
		st, _ := json.Marshal(permissionStatement{Sid: label, Effect: "Allow", Principal: map[string]any{"AWS": one(principals)}, Action: one(actions), Resource: arn})
		doc.Statement = append(doc.Statement, st)
		b, _ := json.Marshal(doc)
		return s.putQueue(tx, q, func(r *queueRec) {
			r.Attributes = maps.Clone(r.Attributes)
			r.Attributes[attrPolicy] = string(b)
		})
	})
	return &AddPermissionOutput{}, err
}

// RemovePermission removes the statement labelled Label from the queue's policy.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_RemovePermission.html
func (s *Service) RemovePermission(ctx context.Context, in *RemovePermissionRequest) (*RemovePermissionOutput, error) {
	label := ptr.Val(in.Label)
	err := s.lookup(ctx, in.QueueUrl, func(tx *state.Tx, q *queueRT) error {
		var doc policyDoc
		if p := q.rec.Attributes[attrPolicy]; p != "" {
			_ = json.Unmarshal([]byte(p), &doc)
		}
		i := slices.IndexFunc(doc.Statement, func(st json.RawMessage) bool {
			var sid struct{ Sid string }
			_ = json.Unmarshal(st, &sid)
			return sid.Sid == label
		})
		if i < 0 {
			return invalidParam(label, "Label", "can't find label on existing policy.")
		}
		doc.Statement = slices.Delete(doc.Statement, i, i+1)
		b, _ := json.Marshal(doc)
		return s.putQueue(tx, q, func(r *queueRec) {
			r.Attributes = maps.Clone(r.Attributes)
			if len(doc.Statement) == 0 {
				delete(r.Attributes, attrPolicy)
			} else {
				r.Attributes[attrPolicy] = string(b)
			}
		})
	})
	return &RemovePermissionOutput{}, err
}
