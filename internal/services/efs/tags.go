package efs

import (
	"context"
	"maps"
	"strings"

	"haneul/internal/state"
)

// retag changes the tags of a file system ("fs-…") or access point ("fsap-…")
// with change, which returns the new tags.
func (s *Service) retag(ctx context.Context, id string, change func(map[string]string) (map[string]string, error)) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		if strings.HasPrefix(id, "fsap-") {
			a, ok := s.aps.Get(tx, sc, id)
			if !ok {
				return errAPNotFound(id)
			}
			m, err := change(maps.Clone(a.TagMap))
			if err != nil {
				return err
			}
			a.TagMap = m
			s.aps.Put(tx, sc, id, a)
			return nil
		}
		f, err := s.getFS(tx, sc, id)
		if err != nil {
			return err
		}
		m, err := change(maps.Clone(f.TagMap))
		if err != nil {
			return err
		}
		f.TagMap = m
		s.fss.Put(tx, sc, id, f)
		return nil
	})
}

// tagsOf returns the tags of a file system or access point.
func (s *Service) tagsOf(ctx context.Context, id string) (map[string]string, error) {
	sc := s.scope(ctx)
	var m map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		if strings.HasPrefix(id, "fsap-") {
			a, ok := s.aps.Get(tx, sc, id)
			if !ok {
				return errAPNotFound(id)
			}
			m = a.TagMap
			return nil
		}
		f, err := s.getFS(tx, sc, id)
		m = f.TagMap
		return err
	})
	return m, err
}

func untag(keys []string) func(map[string]string) (map[string]string, error) {
	return func(m map[string]string) (map[string]string, error) {
		for _, k := range keys {
			delete(m, k)
		}
		return m, nil
	}
}

func addTags(tags []Tag) func(map[string]string) (map[string]string, error) {
	return func(m map[string]string) (map[string]string, error) { return tagMap(m, tags) }
}

// TagResource adds tags to a file system or access point.
// https://docs.aws.amazon.com/efs/latest/ug/API_TagResource.html
func (s *Service) TagResource(ctx context.Context, in *TagResourceRequest) (*TagResourceOutput, error) {
	if err := s.retag(ctx, *in.ResourceId, addTags(in.Tags)); err != nil {
		return nil, err
	}
	return &TagResourceOutput{}, nil
}

// UntagResource removes tags from a file system or access point.
// https://docs.aws.amazon.com/efs/latest/ug/API_UntagResource.html
func (s *Service) UntagResource(ctx context.Context, in *UntagResourceRequest) (*UntagResourceOutput, error) {
	if err := s.retag(ctx, *in.ResourceId, untag(in.TagKeys)); err != nil {
		return nil, err
	}
	return &UntagResourceOutput{}, nil
}

// ListTagsForResource lists the tags of a file system or access point.
// https://docs.aws.amazon.com/efs/latest/ug/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceRequest) (*ListTagsForResourceResponse, error) {
	m, err := s.tagsOf(ctx, *in.ResourceId)
	if err != nil {
		return nil, err
	}
	items, next, err := page(tagList(m), in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &ListTagsForResourceResponse{Tags: items, NextToken: next}, nil
}

// CreateTags adds tags to a file system (the older API).
// https://docs.aws.amazon.com/efs/latest/ug/API_CreateTags.html
func (s *Service) CreateTags(ctx context.Context, in *CreateTagsRequest) (*CreateTagsOutput, error) {
	if err := s.retag(ctx, *in.FileSystemId, addTags(in.Tags)); err != nil {
		return nil, err
	}
	return &CreateTagsOutput{}, nil
}

// DeleteTags removes tags from a file system (the older API).
// https://docs.aws.amazon.com/efs/latest/ug/API_DeleteTags.html
func (s *Service) DeleteTags(ctx context.Context, in *DeleteTagsRequest) (*DeleteTagsOutput, error) {
	if err := s.retag(ctx, *in.FileSystemId, untag(in.TagKeys)); err != nil {
		return nil, err
	}
	return &DeleteTagsOutput{}, nil
}

// DescribeTags lists the tags of a file system (the older API).
// https://docs.aws.amazon.com/efs/latest/ug/API_DescribeTags.html
func (s *Service) DescribeTags(ctx context.Context, in *DescribeTagsRequest) (*DescribeTagsResponse, error) {
	m, err := s.tagsOf(ctx, *in.FileSystemId)
	if err != nil {
		return nil, err
	}
	items, next, err := page(tagList(m), in.Marker, in.MaxItems, 100)
	if err != nil {
		return nil, err
	}
	return &DescribeTagsResponse{Tags: items, Marker: in.Marker, NextMarker: next}, nil
}
