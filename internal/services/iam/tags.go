package iam

import (
	"context"
	"slices"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// tag is a stored tag.
type tag struct {
	Key, Value string
}

// AWS: an IAM resource has at most 50 tags; keys are 1–128 and values 0–256 characters.
const maxTags = 50

// mergeTags returns old with in applied (existing keys take the new value),
// checking AWS's limits. old is not modified.
func mergeTags(old []tag, in []Tag) ([]tag, error) {
	out := slices.Clone(old)
	for _, t := range in {
		k, v := ptr.Val(t.Key), ptr.Val(t.Value)
		if k == "" || len(k) > 128 {
			return nil, awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", k)
		}
		if len(v) > 256 {
			return nil, awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", v)
		}
		if i := slices.IndexFunc(out, func(t tag) bool { return t.Key == k }); i >= 0 {
			out[i].Value = v
		} else {
			out = append(out, tag{Key: k, Value: v})
		}
	}
	if len(out) > maxTags {
		return nil, limitExceeded("The number of tags has reached the maximum limit.")
	}
	return out, nil
}

// dropTags returns old without the given keys. old is not modified.
func dropTags(old []tag, keys []string) []tag {
	return slices.DeleteFunc(slices.Clone(old), func(t tag) bool { return slices.Contains(keys, t.Key) })
}

// apiTags converts stored tags for a response (nil when there are none).
func apiTags(ts []tag) []Tag {
	if len(ts) == 0 {
		return nil
	}
	out := make([]Tag, len(ts))
	for i, t := range ts {
		out[i] = Tag{Key: ptr.To(t.Key), Value: ptr.To(t.Value)}
	}
	return out
}

// pageTags pages through a resource's tags; the marker is the index of the next tag.
func pageTags(ts []tag, marker *string, maxItems *int64) ([]Tag, *bool, *string, error) {
	p, err := newPage(marker, maxItems, "")
	if err != nil {
		return nil, nil, nil, err
	}
	start := 0
	if p.from != "" {
		if start, err = strconv.Atoi(p.from); err != nil || start < 0 || start > len(ts) {
			return nil, nil, nil, awserr.New("ValidationError", 400, "Invalid Marker: %s", ptr.Val(marker))
		}
	}
	end := min(start+p.max, len(ts))
	out := apiTags(ts[start:end])
	if out == nil {
		out = []Tag{}
	}
	if end < len(ts) {
		return out, ptr.To(true), ptr.To(encodeMarker(strconv.Itoa(end))), nil
	}
	return out, ptr.To(false), nil, nil
}

// retag applies a tag change to the record of t at name, or returns notFound.
func retag[T any](ctx context.Context, s *Service, t *state.Table[T], name string, notFound func() error, change func(v T) (T, error)) error {
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		v, ok := t.Get(tx, sc, name)
		if !ok {
			return notFound()
		}
		nv, err := change(v)
		if err != nil {
			return err
		}
		t.Put(tx, sc, name, nv)
		return nil
	})
}

// TagUser adds tags to a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html
func (s *Service) TagUser(ctx context.Context, in *TagUserRequest) (*TagUserOutput, error) {
	name := ptr.Val(in.UserName)
	return &TagUserOutput{}, retag(ctx, s, s.users, name, func() error { return noUser(name) }, func(u userRec) (userRec, error) {
		var err error
		u.Tags, err = mergeTags(u.Tags, in.Tags)
		return u, err
	})
}

// UntagUser removes tags from a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagUser.html
func (s *Service) UntagUser(ctx context.Context, in *UntagUserRequest) (*UntagUserOutput, error) {
	name := ptr.Val(in.UserName)
	return &UntagUserOutput{}, retag(ctx, s, s.users, name, func() error { return noUser(name) }, func(u userRec) (userRec, error) {
		u.Tags = dropTags(u.Tags, in.TagKeys)
		return u, nil
	})
}

// ListUserTags lists a user's tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserTags.html
func (s *Service) ListUserTags(ctx context.Context, in *ListUserTagsRequest) (*ListUserTagsResponse, error) {
	u, err := s.getUser(ctx, ptr.Val(in.UserName))
	if err != nil {
		return nil, err
	}
	out := &ListUserTagsResponse{}
	out.Tags, out.IsTruncated, out.Marker, err = pageTags(u.Tags, in.Marker, in.MaxItems)
	return out, err
}

// TagRole adds tags to a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html
func (s *Service) TagRole(ctx context.Context, in *TagRoleRequest) (*TagRoleOutput, error) {
	name := ptr.Val(in.RoleName)
	return &TagRoleOutput{}, retag(ctx, s, s.roles, name, func() error { return noRole(name) }, func(r roleRec) (roleRec, error) {
		var err error
		r.Tags, err = mergeTags(r.Tags, in.Tags)
		return r, err
	})
}

// UntagRole removes tags from a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagRole.html
func (s *Service) UntagRole(ctx context.Context, in *UntagRoleRequest) (*UntagRoleOutput, error) {
	name := ptr.Val(in.RoleName)
	return &UntagRoleOutput{}, retag(ctx, s, s.roles, name, func() error { return noRole(name) }, func(r roleRec) (roleRec, error) {
		r.Tags = dropTags(r.Tags, in.TagKeys)
		return r, nil
	})
}

// ListRoleTags lists a role's tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoleTags.html
func (s *Service) ListRoleTags(ctx context.Context, in *ListRoleTagsRequest) (*ListRoleTagsResponse, error) {
	r, err := s.getRole(ctx, ptr.Val(in.RoleName))
	if err != nil {
		return nil, err
	}
	out := &ListRoleTagsResponse{}
	out.Tags, out.IsTruncated, out.Marker, err = pageTags(r.Tags, in.Marker, in.MaxItems)
	return out, err
}

// TagInstanceProfile adds tags to an instance profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagInstanceProfile.html
func (s *Service) TagInstanceProfile(ctx context.Context, in *TagInstanceProfileRequest) (*TagInstanceProfileOutput, error) {
	name := ptr.Val(in.InstanceProfileName)
	return &TagInstanceProfileOutput{}, retag(ctx, s, s.profiles, name, func() error { return noProfile(name) }, func(p profileRec) (profileRec, error) {
		var err error
		p.Tags, err = mergeTags(p.Tags, in.Tags)
		return p, err
	})
}

// UntagInstanceProfile removes tags from an instance profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagInstanceProfile.html
func (s *Service) UntagInstanceProfile(ctx context.Context, in *UntagInstanceProfileRequest) (*UntagInstanceProfileOutput, error) {
	name := ptr.Val(in.InstanceProfileName)
	return &UntagInstanceProfileOutput{}, retag(ctx, s, s.profiles, name, func() error { return noProfile(name) }, func(p profileRec) (profileRec, error) {
		p.Tags = dropTags(p.Tags, in.TagKeys)
		return p, nil
	})
}

// ListInstanceProfileTags lists an instance profile's tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfileTags.html
func (s *Service) ListInstanceProfileTags(ctx context.Context, in *ListInstanceProfileTagsRequest) (*ListInstanceProfileTagsResponse, error) {
	p, err := s.getProfile(ctx, ptr.Val(in.InstanceProfileName))
	if err != nil {
		return nil, err
	}
	out := &ListInstanceProfileTagsResponse{}
	out.Tags, out.IsTruncated, out.Marker, err = pageTags(p.Tags, in.Marker, in.MaxItems)
	return out, err
}

// TagPolicy adds tags to a customer managed policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html
func (s *Service) TagPolicy(ctx context.Context, in *TagPolicyRequest) (*TagPolicyOutput, error) {
	return &TagPolicyOutput{}, s.retagPolicy(ctx, ptr.Val(in.PolicyArn), func(p policyRec) (policyRec, error) {
		var err error
		p.Tags, err = mergeTags(p.Tags, in.Tags)
		return p, err
	})
}

// UntagPolicy removes tags from a customer managed policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UntagPolicy.html
func (s *Service) UntagPolicy(ctx context.Context, in *UntagPolicyRequest) (*UntagPolicyOutput, error) {
	return &UntagPolicyOutput{}, s.retagPolicy(ctx, ptr.Val(in.PolicyArn), func(p policyRec) (policyRec, error) {
		p.Tags = dropTags(p.Tags, in.TagKeys)
		return p, nil
	})
}

func (s *Service) retagPolicy(ctx context.Context, arn string, change func(policyRec) (policyRec, error)) error {
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		p, err := s.localPolicy(tx, sc, arn)
		if err != nil {
			return err
		}
		np, err := change(p)
		if err != nil {
			return err
		}
		s.policies.Put(tx, sc, p.Name, np)
		return nil
	})
}

// ListPolicyTags lists a customer managed policy's tags.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListPolicyTags.html
func (s *Service) ListPolicyTags(ctx context.Context, in *ListPolicyTagsRequest) (*ListPolicyTagsResponse, error) {
	var ts []tag
	err := s.view(func(tx *state.Tx) error {
		arn := ptr.Val(in.PolicyArn)
		if _, ok := s.awsPolicy(arn); ok {
			return nil
		}
		p, err := s.localPolicy(tx, scope(ctx), arn)
		ts = p.Tags
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &ListPolicyTagsResponse{}
	out.Tags, out.IsTruncated, out.Marker, err = pageTags(ts, in.Marker, in.MaxItems)
	return out, err
}
