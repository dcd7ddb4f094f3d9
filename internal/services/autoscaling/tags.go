package autoscaling

import (
	"context"
	"slices"
	"strings"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// CreateOrUpdateTags adds or replaces tags of groups.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateOrUpdateTags.html
func (s *Service) CreateOrUpdateTags(ctx context.Context, in *CreateOrUpdateTagsType) (*CreateOrUpdateTagsOutput, error) {
	return &CreateOrUpdateTagsOutput{}, s.editTags(ctx, in.Tags, false)
}

// DeleteTags removes tags from groups.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteTags.html
func (s *Service) DeleteTags(ctx context.Context, in *DeleteTagsType) (*DeleteTagsOutput, error) {
	return &DeleteTagsOutput{}, s.editTags(ctx, in.Tags, true)
}

func (s *Service) editTags(ctx context.Context, tags []Tag, del bool) error {
	sc := s.scope(ctx)
	return s.db.Update(ctx, func(tx *state.Tx) error {
		for _, t := range tags {
			if ptr.Val(t.ResourceType) != "auto-scaling-group" {
				return validation("Invalid resource type: %s", ptr.Val(t.ResourceType))
			}
			g, err := s.getGroup(tx, sc, ptr.Val(t.ResourceId))
			if err != nil {
				return err
			}
			if del {
				g.Tags = slices.DeleteFunc(slices.Clone(g.Tags), func(o TagDescription) bool { return *o.Key == *t.Key })
			} else if g.Tags, err = groupTags(*g.AutoScalingGroupName, g.Tags, []Tag{t}); err != nil {
				return err
			}
			s.groups.Put(tx, sc, *g.AutoScalingGroupName, g)
		}
		return nil
	})
}

// DescribeTags lists group tags, filtered by auto-scaling-group, key, value or propagate-at-launch.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeTags.html
func (s *Service) DescribeTags(ctx context.Context, in *DescribeTagsType) (*TagsType, error) {
	sc := s.scope(ctx)
	for _, f := range in.Filters {
		switch ptr.Val(f.Name) {
		case "auto-scaling-group", "key", "value", "propagate-at-launch":
		default:
			return nil, validation("Filter type %s is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch ", ptr.Val(f.Name))
		}
	}
	var out []TagDescription
	_ = s.db.View(func(tx *state.Tx) error {
		s.groups.Ascend(tx, sc, "", func(_ string, g groupRec) bool {
			for _, t := range g.Tags {
				ok := true
				for _, f := range in.Filters {
					var v string
					switch *f.Name {
					case "auto-scaling-group":
						v = *t.ResourceId
					case "key":
						v = *t.Key
					case "value":
						v = ptr.Val(t.Value)
					case "propagate-at-launch":
						v = strings.ToLower(boolStr(ptr.Val(t.PropagateAtLaunch)))
					}
					ok = ok && slices.Contains(f.Values, v)
				}
				if ok {
					out = append(out, t)
				}
			}
			return true
		})
		return nil
	})
	items, next, err := page(out, in.NextToken, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &TagsType{Tags: nonNil(items), NextToken: next}, nil
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
