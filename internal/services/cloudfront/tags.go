package cloudfront

import (
	"context"
	"sort"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a distribution has at most 50 tags.
const maxTags = 50

// tagMap converts API tags to a map, checking AWS's limits.
func tagMap(t *Tags) (map[string]string, error) {
	out := map[string]string{}
	if t == nil {
		return out, nil
	}
	for _, tag := range t.Items {
		k := ptr.Val(tag.Key)
		if k == "" || len(k) > 128 || strings.HasPrefix(k, "aws:") || len(ptr.Val(tag.Value)) > 256 {
			return nil, awserr.New("InvalidTagging", 0, "The tag key or value is not valid.")
		}
		out[k] = ptr.Val(tag.Value)
	}
	return out, nil
}

// taggable checks that the ARN names an existing distribution of the caller.
func (s *Service) taggable(tx *state.Tx, sc state.Scope, resource string) error {
	a, err := arn.Parse(resource)
	if err != nil || a.Service != "cloudfront" || a.Account != sc.Account {
		return awserr.New("InvalidArgument", 0, "The specified ARN is not valid.")
	}
	id, ok := strings.CutPrefix(a.Resource, "distribution/")
	if ok {
		if _, ok = s.dists.Get(tx, sc, id); ok {
			return nil
		}
	}
	return awserr.New("NoSuchResource", 0, "The specified resource does not exist.")
}

// TagResource adds or replaces tags of a distribution.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceOutput, error) {
	sc := scope(ctx)
	add, err := tagMap(in.Tags)
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if err := s.taggable(tx, sc, *in.Resource); err != nil {
			return err
		}
		old, _ := s.tags.Get(tx, sc, *in.Resource)
		tags := make(map[string]string, len(old)+len(add))
		for k, v := range old {
			tags[k] = v
		}
		for k, v := range add {
			tags[k] = v
		}
		if len(tags) > maxTags {
			return awserr.New("InvalidTagging", 0, "The number of tags exceeds the limit of %d.", maxTags)
		}
		s.tags.Put(tx, sc, *in.Resource, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from a distribution.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceOutput, error) {
	sc := scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if err := s.taggable(tx, sc, *in.Resource); err != nil {
			return err
		}
		old, _ := s.tags.Get(tx, sc, *in.Resource)
		tags := make(map[string]string, len(old))
		for k, v := range old {
			tags[k] = v
		}
		for _, k := range in.TagKeys.Items {
			delete(tags, k)
		}
		s.tags.Put(tx, sc, *in.Resource, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists a distribution's tags.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResult, error) {
	sc := scope(ctx)
	var tags map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		if err := s.taggable(tx, sc, *in.Resource); err != nil {
			return err
		}
		tags, _ = s.tags.Get(tx, sc, *in.Resource)
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := &Tags{Items: []Tag{}}
	for _, k := range keys {
		out.Items = append(out.Items, Tag{Key: ptr.To(k), Value: ptr.To(tags[k])})
	}
	return &ListTagsForResourceResult{Tags: out}, nil
}
