package elasticache

import (
	"context"
	"slices"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// userRec is a user for role-based access control, with its passwords
// (kept for the engines; never answered).
type userRec struct {
	User
	Passwords []string
}

// defaultUser is the user every account has: AWS's "default", all access, no password.
func defaultUser(sc state.Scope) userRec {
	return userRec{User: User{
		UserId: ptr.To("default"), UserName: ptr.To("default"), Engine: ptr.To("redis"), Status: ptr.To("active"),
		AccessString: ptr.To("on ~* +@all"), MinimumEngineVersion: ptr.To("6.0"),
		Authentication: &Authentication{Type: ptr.To("no-password"), PasswordCount: ptr.To(int64(0))},
		ARN:            ptr.To(arn.New("elasticache", sc.Region, sc.Account, "user:default")), UserGroupIds: []string{},
	}}
}

func errUserNotFound(id string) error { return awserr.New("UserNotFound", 0, "User %s not found.", id) }

func errUserGroupNotFound(id string) error {
	return awserr.New("UserGroupNotFound", 0, "User group %s not found.", id)
}

func (s *Service) getUser(tx *state.Tx, sc state.Scope, id string) (userRec, error) {
	if r, ok := s.users.Get(tx, sc, id); ok {
		return r, nil
	}
	if id == "default" {
		return defaultUser(sc), nil
	}
	return userRec{}, errUserNotFound(id)
}

// authentication checks a user's passwords: AWS takes one or two of 16–128
// characters, or none with NoPasswordRequired (or an IAM authentication mode).
func authentication(mode *AuthenticationMode, passwords []string, noPassword *bool) (*Authentication, []string, error) {
	typ := "password"
	if mode != nil {
		passwords = append(passwords, mode.Passwords...)
		switch ptr.Val(mode.Type) {
		case "iam":
			typ = "iam"
		case "no-password-required":
			typ = "no-password"
		}
	}
	if ptr.Val(noPassword) {
		typ = "no-password"
	}
	switch {
	case typ == "password" && len(passwords) == 0:
		return nil, nil, invalidCombination("Passwords are required unless NoPasswordRequired is true.")
	case typ != "password" && len(passwords) > 0:
		return nil, nil, invalidCombination("No password required flag is true but password is present.")
	case len(passwords) > 2:
		return nil, nil, invalidValue("A user can have at most two passwords.")
	}
	for _, p := range passwords {
		if len(p) < 16 || len(p) > 128 {
			return nil, nil, invalidValue("Passwords must be between 16 and 128 characters.")
		}
	}
	return &Authentication{Type: &typ, PasswordCount: ptr.To(int64(len(passwords)))}, passwords, nil
}

func checkEngine(e string) (string, error) {
	e = strings.ToLower(e)
	if e != "redis" && e != "valkey" {
		return "", invalidValue("Engine %s is not supported for users; use redis or valkey.", e)
	}
	return e, nil
}

// CreateUser creates a user.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUser.html
func (s *Service) CreateUser(ctx context.Context, in *CreateUserMessage) (*User, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserId)
	if err := checkID("UserId", id); err != nil {
		return nil, err
	}
	engine, err := checkEngine(*in.Engine)
	if err != nil {
		return nil, err
	}
	auth, passwords, err := authentication(in.AuthenticationMode, in.Passwords, in.NoPasswordRequired)
	if err != nil {
		return nil, err
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	r := userRec{Passwords: passwords, User: User{
		UserId: ptr.To(id), UserName: in.UserName, Engine: ptr.To(engine), Status: ptr.To("active"),
		AccessString: in.AccessString, MinimumEngineVersion: ptr.To("6.0"), Authentication: auth,
		ARN: ptr.To(arn.New("elasticache", sc.Region, sc.Account, "user:"+id)), UserGroupIds: []string{},
	}}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.getUser(tx, sc, id); err == nil {
			return awserr.New("UserAlreadyExists", 0, "User %s already exists.", id)
		}
		s.users.Put(tx, sc, id, r)
		s.setTags(tx, sc, *r.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r.User, nil
}

// DescribeUsers lists users (the default user first), or one.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeUsers.html
func (s *Service) DescribeUsers(ctx context.Context, in *DescribeUsersMessage) (*DescribeUsersResult, error) {
	sc := s.scope(ctx)
	var all []User
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.UserId); id != "" {
			r, err := s.getUser(tx, sc, strings.ToLower(id))
			all = append(all, r.User)
			return err
		}
		if _, ok := s.users.Get(tx, sc, "default"); !ok {
			all = append(all, defaultUser(sc).User)
		}
		s.users.Ascend(tx, sc, "", func(_ string, r userRec) bool {
			if e := ptr.Val(in.Engine); e == "" || e == *r.Engine {
				all = append(all, r.User)
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeUsersResult{Users: items, Marker: next}, nil
}

// ModifyUser changes a user's access string or passwords.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyUser.html
func (s *Service) ModifyUser(ctx context.Context, in *ModifyUserMessage) (*User, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserId)
	var out userRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, err := s.getUser(tx, sc, id)
		if err != nil {
			return err
		}
		if in.AccessString != nil {
			r.AccessString = in.AccessString
		}
		if a := ptr.Val(in.AppendAccessString); a != "" {
			r.AccessString = ptr.To(ptr.Val(r.AccessString) + " " + a)
		}
		if in.AuthenticationMode != nil || in.Passwords != nil || in.NoPasswordRequired != nil {
			auth, passwords, err := authentication(in.AuthenticationMode, in.Passwords, in.NoPasswordRequired)
			if err != nil {
				return err
			}
			r.Authentication, r.Passwords = auth, passwords
		}
		if e := ptr.Val(in.Engine); e != "" {
			e, err := checkEngine(e)
			if err != nil {
				return err
			}
			r.Engine = &e
		}
		s.users.Put(tx, sc, id, r)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out.User, nil
}

// DeleteUser deletes a user that no user group holds.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteUser.html
func (s *Service) DeleteUser(ctx context.Context, in *DeleteUserMessage) (*User, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserId)
	if id == "default" {
		// AWS: the default user cannot be deleted.
		return nil, awserr.New("InvalidParameterValue", 0, "The default user cannot be deleted.")
	}
	var out userRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.users.Get(tx, sc, id)
		if !ok {
			return errUserNotFound(id)
		}
		if len(r.UserGroupIds) > 0 {
			// AWS: a user in a user group cannot be deleted.
			return awserr.New("InvalidUserState", 0, "User %s is a member of user group(s) %s.", id, strings.Join(r.UserGroupIds, ", "))
		}
		s.users.Delete(tx, sc, id)
		s.tags.Delete(tx, sc, *r.ARN)
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Status = ptr.To("deleting")
	return &out.User, nil
}

// joinGroup adds (or with join false, removes) group to the user's groups.
func (s *Service) joinGroup(tx *state.Tx, sc state.Scope, userID, group string, join bool) error {
	u, err := s.getUser(tx, sc, userID)
	if err != nil {
		return err
	}
	ids := slices.DeleteFunc(slices.Clone(u.UserGroupIds), func(g string) bool { return g == group })
	if join {
		ids = append(ids, group)
	}
	u.UserGroupIds = ids
	s.users.Put(tx, sc, userID, u)
	return nil
}

// checkMembers checks a user group's users: they exist, have the group's
// engine family, and one of them is named "default".
func (s *Service) checkMembers(tx *state.Tx, sc state.Scope, ids []string) error {
	hasDefault := false
	for _, id := range ids {
		u, err := s.getUser(tx, sc, id)
		if err != nil {
			return err
		}
		if *u.UserName == "default" {
			hasDefault = true
		}
	}
	if !hasDefault {
		// AWS: a user group holds a user whose name is "default".
		return awserr.New("DefaultUserRequired", 0, "User group needs to contain a user with the user name default.")
	}
	return nil
}

// CreateUserGroup creates a user group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html
func (s *Service) CreateUserGroup(ctx context.Context, in *CreateUserGroupMessage) (*UserGroup, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserGroupId)
	if err := checkID("UserGroupId", id); err != nil {
		return nil, err
	}
	engine, err := checkEngine(*in.Engine)
	if err != nil {
		return nil, err
	}
	tags, err := tagMap(nil, in.Tags)
	if err != nil {
		return nil, err
	}
	users := slices.Compact(slices.Sorted(slices.Values(in.UserIds)))
	g := UserGroup{
		UserGroupId: ptr.To(id), Engine: ptr.To(engine), Status: ptr.To("active"), UserIds: users,
		MinimumEngineVersion: ptr.To("6.0"), ReplicationGroups: []string{}, ServerlessCaches: []string{},
		ARN: ptr.To(arn.New("elasticache", sc.Region, sc.Account, "usergroup:"+id)),
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.userGroups.Get(tx, sc, id); ok {
			return awserr.New("UserGroupAlreadyExists", 0, "User group %s already exists.", id)
		}
		if err := s.checkMembers(tx, sc, users); err != nil {
			return err
		}
		for _, u := range users {
			if err := s.joinGroup(tx, sc, u, id, true); err != nil {
				return err
			}
		}
		s.userGroups.Put(tx, sc, id, g)
		s.setTags(tx, sc, *g.ARN, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// DescribeUserGroups lists user groups, or one.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeUserGroups.html
func (s *Service) DescribeUserGroups(ctx context.Context, in *DescribeUserGroupsMessage) (*DescribeUserGroupsResult, error) {
	sc := s.scope(ctx)
	var all []UserGroup
	err := s.db.View(func(tx *state.Tx) error {
		if id := ptr.Val(in.UserGroupId); id != "" {
			g, ok := s.userGroups.Get(tx, sc, strings.ToLower(id))
			if !ok {
				return errUserGroupNotFound(id)
			}
			all = append(all, g)
			return nil
		}
		s.userGroups.Ascend(tx, sc, "", func(_ string, g UserGroup) bool {
			all = append(all, g)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := page(all, in.Marker, in.MaxRecords)
	if err != nil {
		return nil, err
	}
	return &DescribeUserGroupsResult{UserGroups: items, Marker: next}, nil
}

// ModifyUserGroup adds and removes users of a user group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyUserGroup.html
func (s *Service) ModifyUserGroup(ctx context.Context, in *ModifyUserGroupMessage) (*UserGroup, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserGroupId)
	var out UserGroup
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.userGroups.Get(tx, sc, id)
		if !ok {
			return errUserGroupNotFound(id)
		}
		users := slices.Clone(g.UserIds)
		for _, u := range in.UserIdsToRemove {
			if !slices.Contains(users, u) {
				return errUserNotFound(u)
			}
			users = slices.DeleteFunc(users, func(x string) bool { return x == u })
			if err := s.joinGroup(tx, sc, u, id, false); err != nil {
				return err
			}
		}
		for _, u := range in.UserIdsToAdd {
			if err := s.joinGroup(tx, sc, u, id, true); err != nil {
				return err
			}
			users = append(users, u)
		}
		users = slices.Compact(slices.Sorted(slices.Values(users)))
		if err := s.checkMembers(tx, sc, users); err != nil {
			return err
		}
		g.UserIds = users
		if e := ptr.Val(in.Engine); e != "" {
			if _, err := checkEngine(e); err != nil {
				return err
			}
			g.Engine = ptr.To(strings.ToLower(e))
		}
		s.userGroups.Put(tx, sc, id, g)
		out = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteUserGroup deletes a user group.
// https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteUserGroup.html
func (s *Service) DeleteUserGroup(ctx context.Context, in *DeleteUserGroupMessage) (*UserGroup, error) {
	sc := s.scope(ctx)
	id := strings.ToLower(*in.UserGroupId)
	var out UserGroup
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		g, ok := s.userGroups.Get(tx, sc, id)
		if !ok {
			return errUserGroupNotFound(id)
		}
		if len(g.ReplicationGroups) > 0 {
			return awserr.New("InvalidUserGroupState", 0, "User group %s is associated with replication group(s).", id)
		}
		for _, u := range g.UserIds {
			_ = s.joinGroup(tx, sc, u, id, false) // a member deleted meanwhile has nothing to update
		}
		s.userGroups.Delete(tx, sc, id)
		s.tags.Delete(tx, sc, *g.ARN)
		out = g
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Status = ptr.To("deleting")
	return &out, nil
}
