package elb

import (
	"context"
	"maps"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// maxTags is AWS's limit of tags per load balancer.
const maxTags = 50

// tagMap merges tags into base (copied), rejecting duplicate and reserved keys.
func tagMap(base map[string]string, tags []Tag) (map[string]string, error) {
	m := maps.Clone(base)
	if m == nil {
		m = map[string]string{}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if seen[k] {
			return nil, awserr.New("DuplicateTagKeys", 400, "Tag key '%s' is duplicated", k)
		}
		seen[k] = true
		if strings.HasPrefix(k, "aws:") {
			return nil, validation("Tag keys starting with 'aws:' are reserved for internal use")
		}
		m[k] = ptr.Val(t.Value)
	}
	if len(m) > maxTags {
		return nil, awserr.New("TooManyTags", 400, "The quota for the number of tags that can be assigned to a load balancer has been reached")
	}
	return m, nil
}

// AddTags adds or overwrites tags of load balancers (all or none of them change).
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_AddTags.html
func (s *Service) AddTags(ctx context.Context, in *AddTagsInput) (*AddTagsOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range in.LoadBalancerNames {
			r, err := s.getLB(tx, sc, n)
			if err != nil {
				return err
			}
			r = r.clone()
			if r.Tags, err = tagMap(r.Tags, in.Tags); err != nil {
				return err
			}
			s.lbs.Put(tx, sc, n, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsOutput{}, nil
}

// RemoveTags removes tags by key from load balancers.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_RemoveTags.html
func (s *Service) RemoveTags(ctx context.Context, in *RemoveTagsInput) (*RemoveTagsOutput, error) {
	sc := s.scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		for _, n := range in.LoadBalancerNames {
			r, err := s.getLB(tx, sc, n)
			if err != nil {
				return err
			}
			r = r.clone()
			for _, t := range in.Tags {
				delete(r.Tags, ptr.Val(t.Key))
			}
			s.lbs.Put(tx, sc, n, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsOutput{}, nil
}

// DescribeTags lists the tags of up to 20 load balancers.
// https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_DescribeTags.html
func (s *Service) DescribeTags(ctx context.Context, in *DescribeTagsInput) (*DescribeTagsOutput, error) {
	sc := s.scope(ctx)
	out := []TagDescription{}
	err := s.db.View(func(tx *state.Tx) error {
		for _, n := range in.LoadBalancerNames {
			r, err := s.getLB(tx, sc, n)
			if err != nil {
				return err
			}
			d := TagDescription{LoadBalancerName: ptr.To(n), Tags: []Tag{}}
			for _, k := range slices.Sorted(maps.Keys(r.Tags)) {
				d.Tags = append(d.Tags, Tag{Key: ptr.To(k), Value: ptr.To(r.Tags[k])})
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DescribeTagsOutput{TagDescriptions: out}, nil
}
