package iam

import (
	"context"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// quotaNames are AWS's names for the attached-policy quota of each entity kind.
func quotaName(kind string) string {
	switch kind {
	case kindUser:
		return "PoliciesPerUser"
	case kindGroup:
		return "PoliciesPerGroup"
	}
	return "PoliciesPerRole"
}

// entityID returns the id of a user, group or role, or NoSuchEntity.
func (s *Service) entityID(tx *state.Tx, sc state.Scope, kind, name string) (string, error) {
	switch kind {
	case kindUser:
		u, err := s.mustUser(tx, sc, name)
		return u.ID, err
	case kindGroup:
		g, err := s.mustGroup(tx, sc, name)
		return g.ID, err
	default:
		r, err := s.mustRole(tx, sc, name)
		if err == nil && r.serviceLinked() {
			return "", protected(name)
		}
		return r.ID, err
	}
}

// policyName returns the name of an attachable managed policy, or NoSuchEntity.
func (s *Service) attachableName(tx *state.Tx, sc state.Scope, arn string) (string, error) {
	if m, ok := s.awsPolicy(arn); ok {
		return m.Name, nil
	}
	if _, _, _, ok := parsePolicyARN(arn); !ok {
		return "", invalidInput("ARN %s is not valid.", arn)
	}
	p, err := s.localPolicy(tx, sc, arn)
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "NoSuchEntity" {
			return "", notAttachable(arn)
		}
		return "", err
	}
	return p.Name, nil
}

// attach attaches a managed policy to an entity.
func (s *Service) attach(ctx context.Context, kind, entity, arn string) error {
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		id, err := s.entityID(tx, sc, kind, entity)
		if err != nil {
			return err
		}
		name, err := s.attachableName(tx, sc, arn)
		if err != nil {
			return err
		}
		k := key(kind, entity, arn)
		if _, ok := s.attached.Get(tx, sc, k); ok {
			return nil // AWS: attaching twice succeeds.
		}
		if len(keys(tx, s.attached, sc, key(kind, entity, ""))) >= maxAttached {
			return limitExceeded("Cannot exceed quota for %s: %d", quotaName(kind), maxAttached)
		}
		s.attached.Put(tx, sc, k, name)
		s.entities.Put(tx, sc, key(arn, kind, entity), id)
		return nil
	})
}

// detach removes an attachment and reports whether there was one.
func (s *Service) detach(tx *state.Tx, sc state.Scope, kind, entity, arn string) bool {
	if !s.attached.Delete(tx, sc, key(kind, entity, arn)) {
		return false
	}
	s.entities.Delete(tx, sc, key(arn, kind, entity))
	return true
}

func (s *Service) detachChecked(ctx context.Context, kind, entity, arn string) error {
	sc := scope(ctx)
	return s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.entityID(tx, sc, kind, entity); err != nil {
			return err
		}
		if !s.detach(tx, sc, kind, entity, arn) {
			return policyNotFound(arn)
		}
		return nil
	})
}

// renameEntity moves an entity's attachments and inline policies to its new name.
func (s *Service) renameEntity(tx *state.Tx, sc state.Scope, kind, old, name string) {
	for _, k := range keys(tx, s.attached, sc, key(kind, old, "")) {
		arn := suffix(k)
		policy, _ := s.attached.Get(tx, sc, k)
		id, _ := s.entities.Get(tx, sc, key(arn, kind, old))
		s.detach(tx, sc, kind, old, arn)
		s.attached.Put(tx, sc, key(kind, name, arn), policy)
		s.entities.Put(tx, sc, key(arn, kind, name), id)
	}
	for _, k := range keys(tx, s.inline, sc, key(kind, old, "")) {
		doc, _ := s.inline.Get(tx, sc, k)
		s.inline.Delete(tx, sc, k)
		s.inline.Put(tx, sc, key(kind, name, suffix(k)), doc)
	}
}

// listAttached pages through an entity's attached policies.
func (s *Service) listAttached(ctx context.Context, kind, entity string, pathPrefix, marker *string, maxItems *int64) ([]AttachedPolicy, *bool, *string, error) {
	pathP, err := prefixOf(pathPrefix)
	if err != nil {
		return nil, nil, nil, err
	}
	prefix := key(kind, entity, "")
	p, err := newPage(marker, maxItems, prefix)
	if err != nil {
		return nil, nil, nil, err
	}
	sc := scope(ctx)
	out := []AttachedPolicy{}
	var r result
	err = s.view(func(tx *state.Tx) error {
		if _, err := s.entityID(tx, sc, kind, entity); err != nil {
			if e, ok := awserr.As(err); !ok || e.Code != "UnmodifiableEntity" {
				return err
			}
		}
		r = walk(tx, s.attached, sc, prefix, p,
			func(k string, _ string) bool {
				_, path, _, _ := parsePolicyARN(suffix(k))
				return strings.HasPrefix(path, pathP)
			},
			func(k string, name string) {
				out = append(out, AttachedPolicy{PolicyArn: ptr.To(suffix(k)), PolicyName: ptr.To(name)})
			})
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	t, m := r.out()
	return out, t, m, nil
}

// AttachRolePolicy attaches a managed policy to a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html
func (s *Service) AttachRolePolicy(ctx context.Context, in *AttachRolePolicyRequest) (*AttachRolePolicyOutput, error) {
	return &AttachRolePolicyOutput{}, s.attach(ctx, kindRole, ptr.Val(in.RoleName), ptr.Val(in.PolicyArn))
}

// AttachUserPolicy attaches a managed policy to a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html
func (s *Service) AttachUserPolicy(ctx context.Context, in *AttachUserPolicyRequest) (*AttachUserPolicyOutput, error) {
	return &AttachUserPolicyOutput{}, s.attach(ctx, kindUser, ptr.Val(in.UserName), ptr.Val(in.PolicyArn))
}

// AttachGroupPolicy attaches a managed policy to a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachGroupPolicy.html
func (s *Service) AttachGroupPolicy(ctx context.Context, in *AttachGroupPolicyRequest) (*AttachGroupPolicyOutput, error) {
	return &AttachGroupPolicyOutput{}, s.attach(ctx, kindGroup, ptr.Val(in.GroupName), ptr.Val(in.PolicyArn))
}

// DetachRolePolicy detaches a managed policy from a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachRolePolicy.html
func (s *Service) DetachRolePolicy(ctx context.Context, in *DetachRolePolicyRequest) (*DetachRolePolicyOutput, error) {
	return &DetachRolePolicyOutput{}, s.detachChecked(ctx, kindRole, ptr.Val(in.RoleName), ptr.Val(in.PolicyArn))
}

// DetachUserPolicy detaches a managed policy from a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachUserPolicy.html
func (s *Service) DetachUserPolicy(ctx context.Context, in *DetachUserPolicyRequest) (*DetachUserPolicyOutput, error) {
	return &DetachUserPolicyOutput{}, s.detachChecked(ctx, kindUser, ptr.Val(in.UserName), ptr.Val(in.PolicyArn))
}

// DetachGroupPolicy detaches a managed policy from a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DetachGroupPolicy.html
func (s *Service) DetachGroupPolicy(ctx context.Context, in *DetachGroupPolicyRequest) (*DetachGroupPolicyOutput, error) {
	return &DetachGroupPolicyOutput{}, s.detachChecked(ctx, kindGroup, ptr.Val(in.GroupName), ptr.Val(in.PolicyArn))
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedRolePolicies.html
func (s *Service) ListAttachedRolePolicies(ctx context.Context, in *ListAttachedRolePoliciesRequest) (*ListAttachedRolePoliciesResponse, error) {
	ps, t, m, err := s.listAttached(ctx, kindRole, ptr.Val(in.RoleName), in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedRolePoliciesResponse{AttachedPolicies: ps, IsTruncated: t, Marker: m}, nil
}

// ListAttachedUserPolicies lists the managed policies attached to a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedUserPolicies.html
func (s *Service) ListAttachedUserPolicies(ctx context.Context, in *ListAttachedUserPoliciesRequest) (*ListAttachedUserPoliciesResponse, error) {
	ps, t, m, err := s.listAttached(ctx, kindUser, ptr.Val(in.UserName), in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedUserPoliciesResponse{AttachedPolicies: ps, IsTruncated: t, Marker: m}, nil
}

// ListAttachedGroupPolicies lists the managed policies attached to a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAttachedGroupPolicies.html
func (s *Service) ListAttachedGroupPolicies(ctx context.Context, in *ListAttachedGroupPoliciesRequest) (*ListAttachedGroupPoliciesResponse, error) {
	ps, t, m, err := s.listAttached(ctx, kindGroup, ptr.Val(in.GroupName), in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &ListAttachedGroupPoliciesResponse{AttachedPolicies: ps, IsTruncated: t, Marker: m}, nil
}

// ListEntitiesForPolicy lists the users, groups and roles a managed policy is attached to.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html
func (s *Service) ListEntitiesForPolicy(ctx context.Context, in *ListEntitiesForPolicyRequest) (*ListEntitiesForPolicyResponse, error) {
	arn := ptr.Val(in.PolicyArn)
	pathP, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	filter := ptr.Val(in.EntityFilter)
	prefix := key(arn, "")
	p, err := newPage(in.Marker, in.MaxItems, prefix)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListEntitiesForPolicyResponse{PolicyGroups: []PolicyGroup{}, PolicyRoles: []PolicyRole{}, PolicyUsers: []PolicyUser{}}
	err = s.view(func(tx *state.Tx) error {
		_, isAWS := s.awsPolicy(arn)
		if !isAWS {
			if _, err := s.localPolicy(tx, sc, arn); err != nil {
				return err
			}
		}
		switch filter {
		case "LocalManagedPolicy":
			if isAWS {
				out.IsTruncated = ptr.To(false)
				return nil
			}
		case "AWSManagedPolicy":
			if !isAWS {
				out.IsTruncated = ptr.To(false)
				return nil
			}
		}
		// The entity's path decides PathPrefix; k is "arn\x00kind\x00name".
		pathOK := func(kind, name string) bool {
			var path string
			switch kind {
			case kindUser:
				u, _ := s.users.Get(tx, sc, name)
				path = u.Path
			case kindGroup:
				g, _ := s.groups.Get(tx, sc, name)
				path = g.Path
			default:
				r, _ := s.roles.Get(tx, sc, name)
				path = r.Path
			}
			return strings.HasPrefix(path, pathP)
		}
		split := func(k string) (string, string) {
			rest := strings.TrimPrefix(k, prefix)
			kind, name, _ := strings.Cut(rest, sep)
			return kind, name
		}
		r := walk(tx, s.entities, sc, prefix, p,
			func(k string, _ string) bool {
				kind, name := split(k)
				switch filter {
				case "User", "Group", "Role":
					if strings.ToLower(filter) != kind {
						return false
					}
				}
				return pathOK(kind, name)
			},
			func(k string, id string) {
				switch kind, name := split(k); kind {
				case kindUser:
					out.PolicyUsers = append(out.PolicyUsers, PolicyUser{UserId: ptr.To(id), UserName: ptr.To(name)})
				case kindGroup:
					out.PolicyGroups = append(out.PolicyGroups, PolicyGroup{GroupId: ptr.To(id), GroupName: ptr.To(name)})
				default:
					out.PolicyRoles = append(out.PolicyRoles, PolicyRole{RoleId: ptr.To(id), RoleName: ptr.To(name)})
				}
			})
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
