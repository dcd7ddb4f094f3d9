package rds

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
			return nil, invalidValue("Invalid tag key: %q", k)
		}
		m[k] = ptr.Val(t.Value)
	}
	if len(m) > maxTags {
		return nil, awserr.New("TagQuotaPerResourceExceeded", 400, "Cannot add tags: a resource can have at most %d tags.", maxTags)
	}
	return m, nil
}

// tagList is m as a sorted tag list.
func tagList(m map[string]string) []Tag {
	out := []Tag{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Tag{Key: ptr.To(k), Value: ptr.To(m[k])})
	}
	return out
}

// allTags merges Tags and TagSpecifications' tags (any resource type) of a create call.
func allTags(tags []Tag, specs []TagSpecification) []Tag {
	out := slices.Clone(tags)
	for _, sp := range specs {
		out = append(out, sp.Tags...)
	}
	return out
}

func (s *Service) setTags(tx *state.Tx, sc state.Scope, a string, m map[string]string) {
	if len(m) == 0 {
		s.tags.Delete(tx, sc, a)
		return
	}
	s.tags.Put(tx, sc, a, m)
}

// checkARN reports (as the resource type's not-found error) whether an ARN names a resource.
func (s *Service) checkARN(tx *state.Tx, sc state.Scope, raw string) error {
	a, err := arn.Parse(raw)
	if err != nil || a.Service != "rds" {
		return invalidValue("Invalid resource name: %s", raw)
	}
	kind, name, _ := strings.Cut(a.Resource, ":")
	var ok bool
	switch kind {
	case "db":
		_, ok = s.instances.Get(tx, sc, name)
		if !ok {
			return errInstanceNotFound(name)
		}
	case "cluster":
		_, ok = s.clusters.Get(tx, sc, name)
		if !ok {
			return errClusterNotFound(name)
		}
	case "subgrp":
		_, ok = s.subnetGroups.Get(tx, sc, name)
		if !ok {
			return errSubnetGroupNotFound(name)
		}
	case "pg":
		_, ok = s.paramGroups.Get(tx, sc, name)
		if !ok {
			return errParamGroupNotFound(name)
		}
	case "og":
		_, ok = s.optionGroups.Get(tx, sc, name)
		if !ok {
			return errOptionGroupNotFound(name)
		}
	case "snapshot":
		_, ok = s.snapshots.Get(tx, sc, name)
		if !ok {
			return errSnapshotNotFound(name)
		}
	default:
		return invalidValue("Invalid resource name: %s", raw)
	}
	return nil
}

// AddTagsToResource adds or overwrites tags of an RDS resource.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_AddTagsToResource.html
func (s *Service) AddTagsToResource(ctx context.Context, in *AddTagsToResourceMessage) (*AddTagsToResourceOutput, error) {
	sc := s.scope(ctx)
	a := ptr.Val(in.ResourceName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if err := s.checkARN(tx, sc, a); err != nil {
			return err
		}
		old, _ := s.tags.Get(tx, sc, a)
		m, err := tagMap(old, in.Tags)
		if err != nil {
			return err
		}
		s.setTags(tx, sc, a, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AddTagsToResourceOutput{}, nil
}

// RemoveTagsFromResource removes tags by key.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RemoveTagsFromResource.html
func (s *Service) RemoveTagsFromResource(ctx context.Context, in *RemoveTagsFromResourceMessage) (*RemoveTagsFromResourceOutput, error) {
	sc := s.scope(ctx)
	a := ptr.Val(in.ResourceName)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if err := s.checkARN(tx, sc, a); err != nil {
			return err
		}
		old, _ := s.tags.Get(tx, sc, a)
		m := maps.Clone(old)
		for _, k := range in.TagKeys {
			delete(m, k)
		}
		s.setTags(tx, sc, a, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &RemoveTagsFromResourceOutput{}, nil
}

// ListTagsForResource returns a resource's tags.
// https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ListTagsForResource.html
func (s *Service) ListTagsForResource(ctx context.Context, in *ListTagsForResourceMessage) (*TagListMessage, error) {
	sc := s.scope(ctx)
	a := ptr.Val(in.ResourceName)
	var m map[string]string
	err := s.db.View(func(tx *state.Tx) error {
		if err := s.checkARN(tx, sc, a); err != nil {
			return err
		}
		m, _ = s.tags.Get(tx, sc, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &TagListMessage{TagList: tagList(m)}, nil
}
