package iam

import (
	"context"
	"strings"
	"time"

	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// groupRec is a stored IAM group; its members are the members table.
type groupRec struct {
	Name, Path, ID string
	Created        time.Time
}

// AWS: a user belongs to at most 10 groups.
const maxGroupsPerUser = 10

func noGroup(name string) error {
	return noSuchEntity("The group with name %s cannot be found.", name)
}

func apiGroup(account string, g groupRec) Group {
	return Group{
		Arn:        ptr.To(groupARN(account, g.Path, g.Name)),
		CreateDate: ptr.To(g.Created),
		GroupId:    ptr.To(g.ID),
		GroupName:  ptr.To(g.Name),
		Path:       ptr.To(g.Path),
	}
}

func (s *Service) mustGroup(tx *state.Tx, sc state.Scope, name string) (groupRec, error) {
	g, ok := s.groups.Get(tx, sc, name)
	if !ok {
		return g, noGroup(name)
	}
	return g, nil
}

// CreateGroup creates a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html
func (s *Service) CreateGroup(ctx context.Context, in *CreateGroupRequest) (*CreateGroupResponse, error) {
	name := ptr.Val(in.GroupName)
	if err := checkName("groupName", name, 128); err != nil {
		return nil, err
	}
	path, err := pathOf("path", in.Path)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	g := groupRec{Name: name, Path: path, ID: ids.Unique("AGPA", 17), Created: s.now()}
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.groups.Get(tx, sc, name); ok {
			return alreadyExists("Group with name %s already exists.", name)
		}
		s.groups.Put(tx, sc, name, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateGroupResponse{Group: ptr.To(apiGroup(sc.Account, g))}, nil
}

// GetGroup returns a group and a page of its users.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetGroup.html
func (s *Service) GetGroup(ctx context.Context, in *GetGroupRequest) (*GetGroupResponse, error) {
	name := ptr.Val(in.GroupName)
	sc := scope(ctx)
	prefix := key(name, "")
	p, err := newPage(in.Marker, in.MaxItems, prefix)
	if err != nil {
		return nil, err
	}
	out := &GetGroupResponse{Users: []User{}}
	err = s.view(func(tx *state.Tx) error {
		g, err := s.mustGroup(tx, sc, name)
		if err != nil {
			return err
		}
		out.Group = ptr.To(apiGroup(sc.Account, g))
		r := walk(tx, s.members, sc, prefix, p, nil, func(_ string, user string) {
			if u, ok := s.users.Get(tx, sc, user); ok {
				au := s.apiUser(sc.Account, u)
				au.Tags = nil
				out.Users = append(out.Users, *au)
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

// UpdateGroup renames a group or changes its path.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html
func (s *Service) UpdateGroup(ctx context.Context, in *UpdateGroupRequest) (*UpdateGroupOutput, error) {
	name := ptr.Val(in.GroupName)
	sc := scope(ctx)
	return &UpdateGroupOutput{}, s.update(ctx, func(tx *state.Tx) error {
		g, err := s.mustGroup(tx, sc, name)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			if g.Path, err = pathOf("newPath", in.NewPath); err != nil {
				return err
			}
		}
		newName := ptr.Or(in.NewGroupName, name)
		if newName == name {
			s.groups.Put(tx, sc, name, g)
			return nil
		}
		if err := checkName("newGroupName", newName, 128); err != nil {
			return err
		}
		if _, taken := s.groups.Get(tx, sc, newName); taken {
			return alreadyExists("Group with name %s already exists.", newName)
		}
		g.Name = newName
		s.groups.Delete(tx, sc, name)
		s.groups.Put(tx, sc, newName, g)
		s.renameEntity(tx, sc, kindGroup, name, newName)
		for _, u := range collect(tx, s.members, sc, key(name, "")) {
			s.members.Delete(tx, sc, key(name, u))
			s.members.Put(tx, sc, key(newName, u), u)
			s.memberOf.Delete(tx, sc, key(u, name))
			s.memberOf.Put(tx, sc, key(u, newName), newName)
		}
		return nil
	})
}

// DeleteGroup deletes a group with no members and no policies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteGroup.html
func (s *Service) DeleteGroup(ctx context.Context, in *DeleteGroupRequest) (*DeleteGroupOutput, error) {
	name := ptr.Val(in.GroupName)
	sc := scope(ctx)
	return &DeleteGroupOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustGroup(tx, sc, name); err != nil {
			return err
		}
		switch {
		case has(tx, s.members, sc, key(name, "")):
			return deleteConflict("Cannot delete entity, must remove users from group first.")
		case has(tx, s.attached, sc, key(kindGroup, name, "")):
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case has(tx, s.inline, sc, key(kindGroup, name, "")):
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		s.groups.Delete(tx, sc, name)
		return nil
	})
}

// ListGroups lists the account's groups, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroups.html
func (s *Service) ListGroups(ctx context.Context, in *ListGroupsRequest) (*ListGroupsResponse, error) {
	prefix, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListGroupsResponse{Groups: []Group{}}
	err = s.view(func(tx *state.Tx) error {
		r := walk(tx, s.groups, sc, "", p, func(_ string, g groupRec) bool { return strings.HasPrefix(g.Path, prefix) },
			func(_ string, g groupRec) { out.Groups = append(out.Groups, apiGroup(sc.Account, g)) })
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}

// ListGroupsForUser lists the groups a user belongs to.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListGroupsForUser.html
func (s *Service) ListGroupsForUser(ctx context.Context, in *ListGroupsForUserRequest) (*ListGroupsForUserResponse, error) {
	name := ptr.Val(in.UserName)
	prefix := key(name, "")
	p, err := newPage(in.Marker, in.MaxItems, prefix)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListGroupsForUserResponse{Groups: []Group{}}
	err = s.view(func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, sc, name); err != nil {
			return err
		}
		r := walk(tx, s.memberOf, sc, prefix, p, nil, func(_ string, group string) {
			if g, ok := s.groups.Get(tx, sc, group); ok {
				out.Groups = append(out.Groups, apiGroup(sc.Account, g))
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

// AddUserToGroup makes a user a member of a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html
func (s *Service) AddUserToGroup(ctx context.Context, in *AddUserToGroupRequest) (*AddUserToGroupOutput, error) {
	group, user := ptr.Val(in.GroupName), ptr.Val(in.UserName)
	sc := scope(ctx)
	return &AddUserToGroupOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustGroup(tx, sc, group); err != nil {
			return err
		}
		if _, err := s.mustUser(tx, sc, user); err != nil {
			return err
		}
		if _, ok := s.members.Get(tx, sc, key(group, user)); ok {
			return nil // AWS: adding a member again succeeds.
		}
		if len(collect(tx, s.memberOf, sc, key(user, ""))) >= maxGroupsPerUser {
			return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		s.members.Put(tx, sc, key(group, user), user)
		s.memberOf.Put(tx, sc, key(user, group), group)
		return nil
	})
}

// RemoveUserFromGroup removes a user from a group.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_RemoveUserFromGroup.html
func (s *Service) RemoveUserFromGroup(ctx context.Context, in *RemoveUserFromGroupRequest) (*RemoveUserFromGroupOutput, error) {
	group, user := ptr.Val(in.GroupName), ptr.Val(in.UserName)
	sc := scope(ctx)
	return &RemoveUserFromGroupOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustGroup(tx, sc, group); err != nil {
			return err
		}
		if _, err := s.mustUser(tx, sc, user); err != nil {
			return err
		}
		if !s.members.Delete(tx, sc, key(group, user)) {
			return noSuchEntity("User %s is not in group %s.", user, group)
		}
		s.memberOf.Delete(tx, sc, key(user, group))
		return nil
	})
}
