package ssm

import (
	"context"
	"slices"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// tag is a stored tag.
type tag struct {
	Key, Value string
}

// AWS: a resource has at most 50 tags.
const maxTags = 50

// mergeTags returns old with in applied (existing keys take the new value),
// sorted by key. old is not modified.
func mergeTags(old []tag, in []Tag) ([]tag, error) {
	out := slices.Clone(old)
	for _, t := range in {
		k, v := ptr.Val(t.Key), ptr.Val(t.Value)
		if i := slices.IndexFunc(out, func(t tag) bool { return t.Key == k }); i >= 0 {
			out[i].Value = v
		} else {
			out = append(out, tag{Key: k, Value: v})
		}
	}
	if len(out) > maxTags {
		return nil, awserr.New("TooManyTagsError", 0, "The Tag parameter exceeded the maximum of %d tags allowed.", maxTags)
	}
	slices.SortFunc(out, func(a, b tag) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// taggedParameter checks a tagging request's resource and returns the parameter's name.
// AWS: a parameter is tagged by ResourceType "Parameter" and its name as ResourceId.
func taggedParameter(typ, id string) (string, error) {
	if typ != "Parameter" {
		return "", awserr.New("InvalidResourceType", 0, "The resource type %s is not supported by haneul's SSM; only Parameter is.", typ)
	}
	return nameFromARN(id), nil
}

func invalidResourceID() error {
	return awserr.New("InvalidResourceId", 0, "The resource ID is not valid. Verify that you entered the correct ID and try again.")
}

// AddTagsToResource adds or replaces tags on a parameter.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AddTagsToResource.html
func (s *Service) AddTagsToResource(ctx context.Context, in *AddTagsToResourceRequest) (*AddTagsToResourceResult, error) {
	name, err := taggedParameter(ptr.Val(in.ResourceType), ptr.Val(in.ResourceId))
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		p, ok := s.params.Get(tx, sc, name)
		if !ok {
			return invalidResourceID()
		}
		tags, err := mergeTags(p.Tags, in.Tags)
		if err != nil {
			return err
		}
		p.Tags = tags
		s.params.Put(tx, sc, name, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsToResourceResult{}, nil
}

// RemoveTagsFromResource removes tags from a parameter by key.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RemoveTagsFromResource.html
func (s *Service) RemoveTagsFromResource(ctx context.Context, in *RemoveTagsFromResourceRequest) (*RemoveTagsFromResourceResult, error) {
	name, err := taggedParameter(ptr.Val(in.ResourceType), ptr.Val(in.ResourceId))
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		p, ok := s.params.Get(tx, sc, name)
		if !ok {
			return invalidResourceID()
		}
		p.Tags = slices.DeleteFunc(slices.Clone(p.Tags), func(t tag) bool { return slices.Contains(in.TagKeys, t.Key) })
		s.params.Put(tx, sc, name, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsFromResourceResult{}, nil
}

// ListTagsForResource lists a parameter's tags.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResult, error) {
	name, err := taggedParameter(ptr.Val(in.ResourceType), ptr.Val(in.ResourceId))
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := ListTagsForResourceResult{TagList: []Tag{}}
	err = s.db.View(func(tx *state.Tx) error {
		p, ok := s.params.Get(tx, sc, name)
		if !ok {
			return invalidResourceID()
		}
		for _, t := range p.Tags {
			out.TagList = append(out.TagList, Tag{Key: ptr.To(t.Key), Value: ptr.To(t.Value)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
