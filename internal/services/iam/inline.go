package iam

import (
	"context"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// Inline policies are embedded in one user, group or role; they live in the
// inline table under "kind\x00entity\x00policy".

func inlineQuota(kind string) (int, string) {
	switch kind {
	case kindUser:
		return userPolicySize, "UserPolicySize"
	case kindGroup:
		return groupPolicySize, "GroupPolicySize"
	}
	return rolePolicySize, "RolePolicySize"
}

func noInline(kind, name string) error {
	return noSuchEntity("The %s policy with name %s cannot be found.", kind, name)
}

// putInline creates or replaces an inline policy.
func (s *Service) putInline(ctx context.Context, kind, entity, name, doc string) error {
	if err := checkName("policyName", name, 128); err != nil {
		return err
	}
	quota, quotaName := inlineQuota(kind)
	if err := checkDocument(doc, identityPolicy, quota, quotaName); err != nil {
		return err
	}
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.entityID(tx, sc, kind, entity); err != nil {
			return err
		}
		s.inline.Put(tx, sc, key(kind, entity, name), doc)
		return nil
	})
}

// getInline returns an inline policy's document, URL-encoded as IAM returns it.
func (s *Service) getInline(ctx context.Context, kind, entity, name string) (string, error) {
	sc := scope(ctx)
	var doc string
	err := s.view(func(tx *state.Tx) error {
		if err := s.entityExists(tx, sc, kind, entity); err != nil {
			return err
		}
		var ok bool
		if doc, ok = s.inline.Get(tx, sc, key(kind, entity, name)); !ok {
			return noInline(kind, name)
		}
		return nil
	})
	return encodeDocument(doc), err
}

// entityExists is entityID without the service-linked role protection, for reads.
func (s *Service) entityExists(tx *state.Tx, sc state.Scope, kind, name string) error {
	switch kind {
	case kindUser:
		_, err := s.mustUser(tx, sc, name)
		return err
	case kindGroup:
		_, err := s.mustGroup(tx, sc, name)
		return err
	}
	_, err := s.mustRole(tx, sc, name)
	return err
}

func (s *Service) deleteInline(ctx context.Context, kind, entity, name string) error {
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.entityID(tx, sc, kind, entity); err != nil {
			return err
		}
		if !s.inline.Delete(tx, sc, key(kind, entity, name)) {
			return noInline(kind, name)
		}
		return nil
	})
}

func (s *Service) listInline(ctx context.Context, kind, entity string, marker *string, maxItems *int64) ([]string, *bool, *string, error) {
	prefix := key(kind, entity, "")
	p, err := newPage(marker, maxItems, prefix)
	if err != nil {
		return nil, nil, nil, err
	}
	sc := scope(ctx)
	names := []string{}
	var r result
	err = s.view(func(tx *state.Tx) error {
		if err := s.entityExists(tx, sc, kind, entity); err != nil {
			return err
		}
		r = walk(tx, s.inline, sc, prefix, p, nil, func(k string, _ string) { names = append(names, suffix(k)) })
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	t, m := r.out()
	return names, t, m, nil
}

// PutRolePolicy creates or replaces a role's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
func (s *Service) PutRolePolicy(ctx context.Context, in *PutRolePolicyRequest) (*PutRolePolicyOutput, error) {
	return &PutRolePolicyOutput{}, s.putInline(ctx, kindRole, ptr.Val(in.RoleName), ptr.Val(in.PolicyName), ptr.Val(in.PolicyDocument))
}

// GetRolePolicy returns a role's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
func (s *Service) GetRolePolicy(ctx context.Context, in *GetRolePolicyRequest) (*GetRolePolicyResponse, error) {
	doc, err := s.getInline(ctx, kindRole, ptr.Val(in.RoleName), ptr.Val(in.PolicyName))
	if err != nil {
		return nil, err
	}
	return &GetRolePolicyResponse{RoleName: in.RoleName, PolicyName: in.PolicyName, PolicyDocument: ptr.To(doc)}, nil
}

// DeleteRolePolicy deletes a role's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html
func (s *Service) DeleteRolePolicy(ctx context.Context, in *DeleteRolePolicyRequest) (*DeleteRolePolicyOutput, error) {
	return &DeleteRolePolicyOutput{}, s.deleteInline(ctx, kindRole, ptr.Val(in.RoleName), ptr.Val(in.PolicyName))
}

// ListRolePolicies lists the names of a role's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRolePolicies.html
func (s *Service) ListRolePolicies(ctx context.Context, in *ListRolePoliciesRequest) (*ListRolePoliciesResponse, error) {
	names, t, m, err := s.listInline(ctx, kindRole, ptr.Val(in.RoleName), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListRolePoliciesResponse{PolicyNames: names, IsTruncated: t, Marker: m}, nil
}

// PutUserPolicy creates or replaces a user's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html
func (s *Service) PutUserPolicy(ctx context.Context, in *PutUserPolicyRequest) (*PutUserPolicyOutput, error) {
	return &PutUserPolicyOutput{}, s.putInline(ctx, kindUser, ptr.Val(in.UserName), ptr.Val(in.PolicyName), ptr.Val(in.PolicyDocument))
}

// GetUserPolicy returns a user's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUserPolicy.html
func (s *Service) GetUserPolicy(ctx context.Context, in *GetUserPolicyRequest) (*GetUserPolicyResponse, error) {
	doc, err := s.getInline(ctx, kindUser, ptr.Val(in.UserName), ptr.Val(in.PolicyName))
	if err != nil {
		return nil, err
	}
	return &GetUserPolicyResponse{UserName: in.UserName, PolicyName: in.PolicyName, PolicyDocument: ptr.To(doc)}, nil
}

// DeleteUserPolicy deletes a user's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPolicy.html
func (s *Service) DeleteUserPolicy(ctx context.Context, in *DeleteUserPolicyRequest) (*DeleteUserPolicyOutput, error) {
	return &DeleteUserPolicyOutput{}, s.deleteInline(ctx, kindUser, ptr.Val(in.UserName), ptr.Val(in.PolicyName))
}

// ListUserPolicies lists the names of a user's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUserPolicies.html
func (s *Service) ListUserPolicies(ctx context.Context, in *ListUserPoliciesRequest) (*ListUserPoliciesResponse, error) {
	names, t, m, err := s.listInline(ctx, kindUser, ptr.Val(in.UserName), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListUserPoliciesResponse{PolicyNames: names, IsTruncated: t, Marker: m}, nil
}

// PutGroupPolicy creates or replaces a group's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html
func (s *Service) PutGroupPolicy(ctx context.Context, in *PutGroupPolicyRequest) (*PutGroupPolicyOutput, error) {
	return &PutGroupPolicyOutput{}, s.putInline(ctx, kindGroup, ptr.Val(in.GroupName), ptr.Val(in.PolicyName), ptr.Val(in.PolicyDocument))
}

// GetGroupPolicy returns a group's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroupPolicy.html
func (s *Service) GetGroupPolicy(ctx context.Context, in *GetGroupPolicyRequest) (*GetGroupPolicyResponse, error) {
	doc, err := s.getInline(ctx, kindGroup, ptr.Val(in.GroupName), ptr.Val(in.PolicyName))
	if err != nil {
		return nil, err
	}
	return &GetGroupPolicyResponse{GroupName: in.GroupName, PolicyName: in.PolicyName, PolicyDocument: ptr.To(doc)}, nil
}

// DeleteGroupPolicy deletes a group's inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroupPolicy.html
func (s *Service) DeleteGroupPolicy(ctx context.Context, in *DeleteGroupPolicyRequest) (*DeleteGroupPolicyOutput, error) {
	return &DeleteGroupPolicyOutput{}, s.deleteInline(ctx, kindGroup, ptr.Val(in.GroupName), ptr.Val(in.PolicyName))
}

// ListGroupPolicies lists the names of a group's inline policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupPolicies.html
func (s *Service) ListGroupPolicies(ctx context.Context, in *ListGroupPoliciesRequest) (*ListGroupPoliciesResponse, error) {
	names, t, m, err := s.listInline(ctx, kindGroup, ptr.Val(in.GroupName), in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListGroupPoliciesResponse{PolicyNames: names, IsTruncated: t, Marker: m}, nil
}
