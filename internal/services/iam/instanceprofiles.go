package iam

import (
	"context"
	"slices"
	"strings"
	"time"

	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// profileRec is a stored instance profile; Roles holds at most one role name.
type profileRec struct {
	Name, Path, ID string
	Created        time.Time
	Roles          []string `json:",omitempty"`
	Tags           []tag    `json:",omitempty"`
}

// AWS: an instance profile holds one role.
const maxProfileRoles = 1

func noProfile(name string) error {
	return noSuchEntity("Instance Profile %s cannot be found.", name)
}

func (s *Service) mustProfile(tx *state.Tx, sc state.Scope, name string) (profileRec, error) {
	p, ok := s.profiles.Get(tx, sc, name)
	if !ok {
		return p, noProfile(name)
	}
	return p, nil
}

func (s *Service) getProfile(ctx context.Context, name string) (profileRec, error) {
	var p profileRec
	err := s.view(func(tx *state.Tx) error {
		var err error
		p, err = s.mustProfile(tx, scope(ctx), name)
		return err
	})
	return p, err
}

// apiProfile renders a profile with its roles as they are now.
func (s *Service) apiProfile(tx *state.Tx, sc state.Scope, p profileRec) InstanceProfile {
	out := InstanceProfile{
		Arn:                 ptr.To(profileARN(sc.Account, p.Path, p.Name)),
		CreateDate:          ptr.To(p.Created),
		InstanceProfileId:   ptr.To(p.ID),
		InstanceProfileName: ptr.To(p.Name),
		Path:                ptr.To(p.Path),
		Roles:               []Role{},
		Tags:                apiTags(p.Tags),
	}
	for _, name := range p.Roles {
		if r, ok := s.roles.Get(tx, sc, name); ok {
			ar := s.apiRole(sc.Account, r)
			ar.Tags, ar.RoleLastUsed = nil, nil
			out.Roles = append(out.Roles, *ar)
		}
	}
	return out
}

// CreateInstanceProfile creates an empty instance profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html
func (s *Service) CreateInstanceProfile(ctx context.Context, in *CreateInstanceProfileRequest) (*CreateInstanceProfileResponse, error) {
	name := ptr.Val(in.InstanceProfileName)
	if err := checkName("instanceProfileName", name, 128); err != nil {
		return nil, err
	}
	path, err := pathOf("path", in.Path)
	if err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	p := profileRec{Name: name, Path: path, ID: ids.Unique("AIPA", 17), Created: s.now(), Tags: tags}
	sc := scope(ctx)
	var out InstanceProfile
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.profiles.Get(tx, sc, name); ok {
			return alreadyExists("Instance Profile %s already exists.", name)
		}
		s.profiles.Put(tx, sc, name, p)
		out = s.apiProfile(tx, sc, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateInstanceProfileResponse{InstanceProfile: &out}, nil
}

// GetInstanceProfile returns an instance profile and its role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetInstanceProfile.html
func (s *Service) GetInstanceProfile(ctx context.Context, in *GetInstanceProfileRequest) (*GetInstanceProfileResponse, error) {
	sc := scope(ctx)
	var out InstanceProfile
	err := s.view(func(tx *state.Tx) error {
		p, err := s.mustProfile(tx, sc, ptr.Val(in.InstanceProfileName))
		if err != nil {
			return err
		}
		out = s.apiProfile(tx, sc, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetInstanceProfileResponse{InstanceProfile: &out}, nil
}

// DeleteInstanceProfile deletes an instance profile that holds no role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteInstanceProfile.html
func (s *Service) DeleteInstanceProfile(ctx context.Context, in *DeleteInstanceProfileRequest) (*DeleteInstanceProfileOutput, error) {
	name := ptr.Val(in.InstanceProfileName)
	sc := scope(ctx)
	return &DeleteInstanceProfileOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.mustProfile(tx, sc, name)
		if err != nil {
			return err
		}
		if len(p.Roles) > 0 {
			return deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
		}
		s.profiles.Delete(tx, sc, name)
		return nil
	})
}

// ListInstanceProfiles lists the account's instance profiles, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfiles.html
func (s *Service) ListInstanceProfiles(ctx context.Context, in *ListInstanceProfilesRequest) (*ListInstanceProfilesResponse, error) {
	prefix, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListInstanceProfilesResponse{InstanceProfiles: []InstanceProfile{}}
	err = s.view(func(tx *state.Tx) error {
		r := walk(tx, s.profiles, sc, "", p, func(_ string, p profileRec) bool { return strings.HasPrefix(p.Path, prefix) },
			func(_ string, p profileRec) {
				ap := s.apiProfile(tx, sc, p)
				ap.Tags = nil
				out.InstanceProfiles = append(out.InstanceProfiles, ap)
			})
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}

// ListInstanceProfilesForRole lists the instance profiles holding a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListInstanceProfilesForRole.html
func (s *Service) ListInstanceProfilesForRole(ctx context.Context, in *ListInstanceProfilesForRoleRequest) (*ListInstanceProfilesForRoleResponse, error) {
	role := ptr.Val(in.RoleName)
	prefix := key(role, "")
	p, err := newPage(in.Marker, in.MaxItems, prefix)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListInstanceProfilesForRoleResponse{InstanceProfiles: []InstanceProfile{}}
	err = s.view(func(tx *state.Tx) error {
		if _, err := s.mustRole(tx, sc, role); err != nil {
			return err
		}
		r := walk(tx, s.roleProf, sc, prefix, p, nil, func(_ string, name string) {
			if pr, ok := s.profiles.Get(tx, sc, name); ok {
				out.InstanceProfiles = append(out.InstanceProfiles, s.apiProfile(tx, sc, pr))
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

// AddRoleToInstanceProfile puts a role in an instance profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html
func (s *Service) AddRoleToInstanceProfile(ctx context.Context, in *AddRoleToInstanceProfileRequest) (*AddRoleToInstanceProfileOutput, error) {
	name, role := ptr.Val(in.InstanceProfileName), ptr.Val(in.RoleName)
	sc := scope(ctx)
	return &AddRoleToInstanceProfileOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.mustProfile(tx, sc, name)
		if err != nil {
			return err
		}
		if _, err := s.mustRole(tx, sc, role); err != nil {
			return err
		}
		// AWS: a profile that holds a role (even this one) refuses another.
		if len(p.Roles) >= maxProfileRoles {
			return limitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: %d", maxProfileRoles)
		}
		p.Roles = append(slices.Clone(p.Roles), role)
		s.profiles.Put(tx, sc, name, p)
		s.roleProf.Put(tx, sc, key(role, name), name)
		return nil
	})
}

// RemoveRoleFromInstanceProfile takes a role out of an instance profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveRoleFromInstanceProfile.html
func (s *Service) RemoveRoleFromInstanceProfile(ctx context.Context, in *RemoveRoleFromInstanceProfileRequest) (*RemoveRoleFromInstanceProfileOutput, error) {
	name, role := ptr.Val(in.InstanceProfileName), ptr.Val(in.RoleName)
	sc := scope(ctx)
	return &RemoveRoleFromInstanceProfileOutput{}, s.update(ctx, func(tx *state.Tx) error {
		p, err := s.mustProfile(tx, sc, name)
		if err != nil {
			return err
		}
		if !slices.Contains(p.Roles, role) {
			return noRole(role)
		}
		s.removeRoleFromProfile(tx, sc, name, role)
		return nil
	})
}

func (s *Service) removeRoleFromProfile(tx *state.Tx, sc state.Scope, name, role string) {
	if p, ok := s.profiles.Get(tx, sc, name); ok {
		p.Roles = slices.DeleteFunc(slices.Clone(p.Roles), func(r string) bool { return r == role })
		s.profiles.Put(tx, sc, name, p)
	}
	s.roleProf.Delete(tx, sc, key(role, name))
}
