package elbv2

import (
	"context"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// maxTags is AWS's limit of tags per resource.
const maxTags = 50

// tagMap merges tags into base (copied), rejecting duplicates and reserved keys.
func tagMap(base map[string]string, tags []Tag) (map[string]string, error) {
	m := map[string]string{}
	for k, v := range base {
		m[k] = v
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if seen[k] {
			return nil, awserr.New("DuplicateTagKeys", 0, "Tag key '%s' is duplicated", k)
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			return nil, validation("Tag keys starting with 'aws:' are reserved for internal use")
		}
		m[k] = ptr.Val(t.Value)
	}
	if len(m) > maxTags {
		return nil, awserr.New("TooManyTags", 0, "The quota for the number of tags that can be assigned to a load balancer has been reached")
	}
	return m, nil
}

func (s *Service) setTags(tx *state.Tx, sc state.Scope, a string, m map[string]string) {
	if len(m) == 0 {
		s.tags.Delete(tx, sc, a)
		return
	}
	s.tags.Put(tx, sc, a, m)
}

// exists reports (as the resource type's not-found error) whether an ARN names a resource.
func (s *Service) exists(tx *state.Tx, sc state.Scope, a string) error {
	var ok bool
	switch {
	case strings.Contains(a, ":loadbalancer/"):
		_, ok = s.lbs.Get(tx, sc, a)
		if !ok {
			return errLBNotFound()
		}
	case strings.Contains(a, ":targetgroup/"):
		_, ok = s.tgs.Get(tx, sc, a)
		if !ok {
			return errTGNotFound()
		}
	case strings.Contains(a, ":listener/"):
		_, ok = s.listeners.Get(tx, sc, a)
		if !ok {
			return errListenerNotFound()
		}
	case strings.Contains(a, ":listener-rule/"):
		_, ok = s.rules.Get(tx, sc, a)
		if !ok {
			return errRuleNotFound()
		}
	default:
		return validation("'%s' is not a valid resource ARN", a)
	}
	return nil
}

// AddTags adds or overwrites tags of load balancers, target groups, listeners and rules.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html
func (s *Service) AddTags(ctx context.Context, in *AddTagsInput) (*AddTagsOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, a := range in.ResourceArns {
			if err := s.exists(tx, sc, a); err != nil {
				return err
			}
			old, _ := s.tags.Get(tx, sc, a)
			m, err := tagMap(old, in.Tags)
			if err != nil {
				return err
			}
			s.setTags(tx, sc, a, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsOutput{}, nil
}

// RemoveTags removes tags by key.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_RemoveTags.html
func (s *Service) RemoveTags(ctx context.Context, in *RemoveTagsInput) (*RemoveTagsOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, a := range in.ResourceArns {
			if err := s.exists(tx, sc, a); err != nil {
				return err
			}
			old, _ := s.tags.Get(tx, sc, a)
			m := map[string]string{}
			for k, v := range old {
				m[k] = v
			}
			for _, k := range in.TagKeys {
				delete(m, k)
			}
			s.setTags(tx, sc, a, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsOutput{}, nil
}

// DescribeTags returns the tags of up to 20 resources.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTags.html
func (s *Service) DescribeTags(ctx context.Context, in *DescribeTagsInput) (*DescribeTagsOutput, error) {
	sc := s.scope(ctx)
	out := []TagDescription{}
	err := s.db.View(func(tx *state.Tx) error {
		for _, a := range in.ResourceArns {
			if err := s.exists(tx, sc, a); err != nil {
				return err
			}
			m, _ := s.tags.Get(tx, sc, a)
			tags := []Tag{}
			for _, k := range sortedKeys(m) {
				tags = append(tags, Tag{Key: ptr.To(k), Value: ptr.To(m[k])})
			}
			out = append(out, TagDescription{ResourceArn: ptr.To(a), Tags: tags})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeTagsOutput{TagDescriptions: out}, nil
}
