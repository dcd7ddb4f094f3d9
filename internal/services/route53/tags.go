package route53

import (
	"context"
	"sort"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: a resource has at most 50 tags; one call adds at most 10.
const maxTags = 50

// tagKey is the key of a resource's tags, checking that it exists.
func (s *Service) tagKey(tx *state.Tx, sc state.Scope, typ, id string) (string, error) {
	switch typ {
	case "hostedzone":
		id = trimID(id, "hostedzone")
		if _, ok := s.zones.Get(tx, sc, id); !ok {
			return "", errNoSuchHostedZone(id)
		}
	case "healthcheck":
		if _, ok := s.checks.Get(tx, sc, id); !ok {
			return "", errNoSuchHealthCheck(id)
		}
	default:
		return "", invalidInput("Invalid resource type: %s", typ)
	}
	return typ + "/" + id, nil
}

func tagSet(typ, id string, tags map[string]string) ResourceTagSet {
	out := ResourceTagSet{ResourceType: ptr.To(typ), ResourceId: ptr.To(id), Tags: []Tag{}}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Tags = append(out.Tags, Tag{Key: ptr.To(k), Value: ptr.To(tags[k])})
	}
	return out
}

// ChangeTagsForResource adds, replaces and removes tags of a hosted zone or
// health check.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeTagsForResource.html
func (s *Service) ChangeTagsForResource(ctx context.Context, in *ChangeTagsForResourceRequest) (*ChangeTagsForResourceResponse, error) {
	sc := scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		k, err := s.tagKey(tx, sc, *in.ResourceType, *in.ResourceId)
		if err != nil {
			return err
		}
		old, _ := s.tags.Get(tx, sc, k)
		tags := make(map[string]string, len(old)+len(in.AddTags))
		for key, v := range old {
			tags[key] = v
		}
		for _, key := range in.RemoveTagKeys {
			delete(tags, key)
		}
		for _, t := range in.AddTags {
			tags[ptr.Val(t.Key)] = ptr.Val(t.Value)
		}
		if len(tags) > maxTags {
			return awserr.New("InvalidInput", 0, "Number of tags specified exceeds the maximum of %d.", maxTags)
		}
		if len(tags) == 0 {
			s.tags.Delete(tx, sc, k)
		} else {
			s.tags.Put(tx, sc, k, tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ChangeTagsForResourceResponse{}, nil
}

// ListTagsForResource lists the tags of a hosted zone or health check.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	sc := scope(ctx)
	var set ResourceTagSet
	err := s.db.View(func(tx *state.Tx) error {
		k, err := s.tagKey(tx, sc, *in.ResourceType, *in.ResourceId)
		if err != nil {
			return err
		}
		tags, _ := s.tags.Get(tx, sc, k)
		set = tagSet(*in.ResourceType, trimID(*in.ResourceId, "hostedzone"), tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceResponse{ResourceTagSet: &set}, nil
}

// ListTagsForResources lists the tags of up to 10 resources of one type.
//
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListTagsForResources.html
func (s *Service) ListTagsForResources(ctx context.Context, in *ListTagsForResourcesRequest) (*ListTagsForResourcesResponse, error) {
	sc := scope(ctx)
	out := &ListTagsForResourcesResponse{ResourceTagSets: []ResourceTagSet{}}
	err := s.db.View(func(tx *state.Tx) error {
		for _, id := range in.ResourceIds {
			k, err := s.tagKey(tx, sc, *in.ResourceType, id)
			if err != nil {
				return err
			}
			tags, _ := s.tags.Get(tx, sc, k)
			out.ResourceTagSets = append(out.ResourceTagSets, tagSet(*in.ResourceType, trimID(id, "hostedzone"), tags))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
