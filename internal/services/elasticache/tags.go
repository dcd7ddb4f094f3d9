package elasticache

import (
	"context"
	"maps"
	"slices"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// maxTags is AWS's limit of tags per resource.
const maxTags = 50

// tagMap merges tags into a copy of base, checking AWS's limits.
func tagMap(base map[string]string, tags []Tag) (map[string]string, error) {
	m := maps.Clone(base)
	if m == nil {
		m = map[string]string{}
	}
	for _, t := range tags {
		k := ptr.Val(t.Key)
		if k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, awserr.New("InvalidParameterValue", 0, "Invalid tag key: %q", k)
		}
		m[k] = ptr.Val(t.Value)
	}
	if len(m) > maxTags {
		return nil, awserr.New("TagQuotaPerResourceExceeded", 0, "The request cannot be processed because it would cause the resource to have more than the allowed number of tags. The maximum number of tags permitted on a resource is %d.", maxTags)
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

func tagList(m map[string]string) []Tag {
	out := []Tag{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}

// resolve checks that the resource an ARN names exists in the scope.
//
// AWS: an ARN that is not ElastiCache's is InvalidARN; one naming a missing
// resource is that resource's not-found error.
func (s *Service) resolve(tx *state.Tx, sc state.Scope, a string) error {
	p, err := arn.Parse(a)
	if err != nil || p.Service != "elasticache" {
		return awserr.New("InvalidARN", 0, "ARN %s is invalid.", a)
	}
	if p.Account != sc.Account || p.Region != sc.Region {
		return awserr.New("InvalidARN", 0, "ARN %s is invalid.", a)
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	switch kind {
	case "cluster":
		if _, ok := s.clusters.Get(tx, sc, name); !ok {
			return errClusterNotFound(name)
		}
	case "replicationgroup":
		if _, ok := s.rgs.Get(tx, sc, name); !ok {
			return errRGNotFound(name)
		}
	case "subnetgroup":
		if _, ok := s.subnetGroups.Get(tx, sc, name); !ok {
			return errSubnetGroupNotFound(name)
		}
	case "user":
		if _, err := s.getUser(tx, sc, name); err != nil {
			return err
		}
	case "usergroup":
		if _, ok := s.userGroups.Get(tx, sc, name); !ok {
			return errUserGroupNotFound(name)
		}
	case "parametergroup":
		if _, err := s.getParamGroup(tx, sc, name); err != nil {
			return err
		}
	default:
		return awserr.New("InvalidARN", 0, "ARN %s is invalid.", a)
	}
	return nil
}

// AddTagsToResource adds or overwrites tags of a resource.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_AddTagsToResource.html
func (s *Service) AddTagsToResource(ctx context.Context, in *AddTagsToResourceMessage) (*TagListMessage, error) {
	sc := s.scope(ctx)
	var out map[string]string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a := *in.ResourceName
		if err := s.resolve(tx, sc, a); err != nil {
			return err
		}
		cur, _ := s.tags.Get(tx, sc, a)
		m, err := tagMap(cur, in.Tags)
		if err != nil {
			return err
		}
		s.setTags(tx, sc, a, m)
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagListMessage{TagList: tagList(out)}, nil
}

// ListTagsForResource lists the tags of a resource.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceMessage) (*TagListMessage, error) {
	sc := s.scope(ctx)
	var out map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		if err := s.resolve(tx, sc, *in.ResourceName); err != nil {
			return err
		}
		out, _ = s.tags.Get(tx, sc, *in.ResourceName)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagListMessage{TagList: tagList(out)}, nil
}

// RemoveTagsFromResource removes tags from a resource.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_RemoveTagsFromResource.html
func (s *Service) RemoveTagsFromResource(ctx context.Context, in *RemoveTagsFromResourceMessage) (*TagListMessage, error) {
	sc := s.scope(ctx)
	var out map[string]string
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		a := *in.ResourceName
		if err := s.resolve(tx, sc, a); err != nil {
			return err
		}
		cur, _ := s.tags.Get(tx, sc, a)
		m := maps.Clone(cur)
		for _, k := range in.TagKeys {
			if _, ok := m[k]; !ok {
				// AWS: removing a key the resource does not have is TagNotFound.
				return awserr.New("TagNotFound", 0, "Tag %s not found.", k)
			}
			delete(m, k)
		}
		s.setTags(tx, sc, a, m)
		out = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagListMessage{TagList: tagList(out)}, nil
}
