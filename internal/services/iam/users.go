package iam

import (
	"context"
	"strings"
	"time"

	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// userRec is a stored IAM user.
type userRec struct {
	Name, Path, ID string
	Created        time.Time
	Boundary       string `json:",omitempty"`
	Tags           []tag  `json:",omitempty"`
}

// loginRec is a user's console password (the password itself is not kept).
type loginRec struct {
	User          string
	Created       time.Time
	ResetRequired bool
}

func noUser(name string) error {
	return noSuchEntity("The user with name %s cannot be found.", name)
}

func (s *Service) apiUser(account string, u userRec) *User {
	out := &User{
		Arn:        ptr.To(userARN(account, u.Path, u.Name)),
		CreateDate: ptr.To(u.Created),
		Path:       ptr.To(u.Path),
		UserId:     ptr.To(u.ID),
		UserName:   ptr.To(u.Name),
		Tags:       apiTags(u.Tags),
	}
	if u.Boundary != "" {
		out.PermissionsBoundary = boundary(u.Boundary)
	}
	return out
}

func boundary(arn string) *AttachedPermissionsBoundary {
	return &AttachedPermissionsBoundary{PermissionsBoundaryArn: ptr.To(arn), PermissionsBoundaryType: ptr.To("Policy")}
}

// getUser reads a user in the caller's account.
func (s *Service) getUser(ctx context.Context, name string) (userRec, error) {
	var u userRec
	err := s.view(func(tx *state.Tx) error {
		var ok bool
		if u, ok = s.users.Get(tx, scope(ctx), name); !ok {
			return noUser(name)
		}
		return nil
	})
	return u, err
}

// mustUser returns a user inside a transaction, or NoSuchEntity.
func (s *Service) mustUser(tx *state.Tx, sc state.Scope, name string) (userRec, error) {
	u, ok := s.users.Get(tx, sc, name)
	if !ok {
		return u, noUser(name)
	}
	return u, nil
}

// callerUser is the user named in a request, or the calling user when it names none.
func callerUser(ctx context.Context, name *string) string {
	if n := ptr.Val(name); n != "" {
		return n
	}
	c := reqctx.From(ctx).Caller.ARN
	if i := strings.Index(c, ":user/"); i >= 0 {
		return c[strings.LastIndex(c, "/")+1:]
	}
	return ""
}

// CreateUser creates a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
func (s *Service) CreateUser(ctx context.Context, in *CreateUserRequest) (*CreateUserResponse, error) {
	name := ptr.Val(in.UserName)
	if err := checkName("userName", name, 64); err != nil {
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
	sc := scope(ctx)
	u := userRec{Name: name, Path: path, ID: ids.Unique("AIDA", 17), Created: s.now(), Tags: tags}
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, ok := s.users.Get(tx, sc, name); ok {
			return alreadyExists("User with name %s already exists.", name)
		}
		if b := ptr.Val(in.PermissionsBoundary); b != "" {
			if err := s.checkBoundary(tx, sc, b); err != nil {
				return err
			}
			u.Boundary = b
		}
		s.users.Put(tx, sc, name, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateUserResponse{User: s.apiUser(sc.Account, u)}, nil
}

// GetUser returns a user; without a name, the user whose credentials signed the request.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
func (s *Service) GetUser(ctx context.Context, in *GetUserRequest) (*GetUserResponse, error) {
	info := reqctx.From(ctx)
	name := callerUser(ctx, in.UserName)
	if name == "" {
		// AWS: the root user has no name; GetUser describes it by account id.
		return &GetUserResponse{User: &User{
			Arn:        ptr.To("arn:aws:iam::" + info.Account + ":root"),
			UserId:     ptr.To(info.Account),
			CreateDate: ptr.To(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)),
		}}, nil
	}
	u, err := s.getUser(ctx, name)
	if err != nil {
		return nil, err
	}
	return &GetUserResponse{User: s.apiUser(info.Account, u)}, nil
}

// UpdateUser renames a user or changes its path.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html
func (s *Service) UpdateUser(ctx context.Context, in *UpdateUserRequest) (*UpdateUserOutput, error) {
	name := ptr.Val(in.UserName)
	sc := scope(ctx)
	return &UpdateUserOutput{}, s.update(ctx, func(tx *state.Tx) error {
		u, err := s.mustUser(tx, sc, name)
		if err != nil {
			return err
		}
		if in.NewPath != nil {
			if u.Path, err = pathOf("newPath", in.NewPath); err != nil {
				return err
			}
		}
		newName := ptr.Or(in.NewUserName, name)
		if newName == name {
			s.users.Put(tx, sc, name, u)
			return nil
		}
		if err := checkName("newUserName", newName, 64); err != nil {
			return err
		}
		if _, taken := s.users.Get(tx, sc, newName); taken {
			return alreadyExists("User with name %s already exists.", newName)
		}
		u.Name = newName
		s.users.Delete(tx, sc, name)
		s.users.Put(tx, sc, newName, u)
		s.renameEntity(tx, sc, kindUser, name, newName)
		// Group memberships, access keys and the login profile follow the user.
		for _, g := range collect(tx, s.memberOf, sc, key(name, "")) {
			s.memberOf.Delete(tx, sc, key(name, g))
			s.memberOf.Put(tx, sc, key(newName, g), g)
			s.members.Put(tx, sc, key(g, newName), newName)
			s.members.Delete(tx, sc, key(g, name))
		}
		for _, id := range collect(tx, s.userKeys, sc, key(name, "")) {
			s.userKeys.Delete(tx, sc, key(name, id))
			s.userKeys.Put(tx, sc, key(newName, id), id)
			k, _ := s.keys.Get(tx, global, id)
			k.User = newName
			s.keys.Put(tx, global, id, k)
		}
		if l, ok := s.logins.Get(tx, sc, name); ok {
			s.logins.Delete(tx, sc, name)
			l.User = newName
			s.logins.Put(tx, sc, newName, l)
		}
		return nil
	})
}

// collect returns the values of t under prefix.
func collect(tx *state.Tx, t *state.Table[string], sc state.Scope, prefix string) []string {
	var out []string
	t.AscendPrefix(tx, sc, prefix, func(_ string, v string) bool {
		out = append(out, v)
		return true
	})
	return out
}

// DeleteUser deletes a user that has nothing left attached.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html
func (s *Service) DeleteUser(ctx context.Context, in *DeleteUserRequest) (*DeleteUserOutput, error) {
	name := ptr.Val(in.UserName)
	sc := scope(ctx)
	return &DeleteUserOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, sc, name); err != nil {
			return err
		}
		// AWS: a user must be stripped of everything before it can be deleted.
		switch {
		case has(tx, s.userKeys, sc, key(name, "")):
			return deleteConflict("Cannot delete entity, must delete access keys first.")
		case has(tx, s.memberOf, sc, key(name, "")):
			return deleteConflict("Cannot delete entity, must remove users from group first.")
		case has(tx, s.attached, sc, key(kindUser, name, "")):
			return deleteConflict("Cannot delete entity, must detach all policies first.")
		case has(tx, s.inline, sc, key(kindUser, name, "")):
			return deleteConflict("Cannot delete entity, must delete policies first.")
		}
		if _, ok := s.logins.Get(tx, sc, name); ok {
			return deleteConflict("Cannot delete entity, must delete login profile first.")
		}
		s.users.Delete(tx, sc, name)
		return nil
	})
}

// has reports whether t holds any record under prefix.
func has[T any](tx *state.Tx, t *state.Table[T], sc state.Scope, prefix string) bool {
	found := false
	t.AscendPrefix(tx, sc, prefix, func(string, T) bool {
		found = true
		return false
	})
	return found
}

// ListUsers lists the account's users, by name.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
func (s *Service) ListUsers(ctx context.Context, in *ListUsersRequest) (*ListUsersResponse, error) {
	prefix, err := prefixOf(in.PathPrefix)
	if err != nil {
		return nil, err
	}
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListUsersResponse{Users: []User{}}
	err = s.view(func(tx *state.Tx) error {
		r := walk(tx, s.users, sc, "", p, func(_ string, u userRec) bool { return strings.HasPrefix(u.Path, prefix) },
			func(_ string, u userRec) {
				au := s.apiUser(sc.Account, u)
				au.Tags = nil // AWS: ListUsers does not return tags.
				out.Users = append(out.Users, *au)
			})
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}

// PutUserPermissionsBoundary sets a user's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPermissionsBoundary.html
func (s *Service) PutUserPermissionsBoundary(ctx context.Context, in *PutUserPermissionsBoundaryRequest) (*PutUserPermissionsBoundaryOutput, error) {
	name := ptr.Val(in.UserName)
	sc := scope(ctx)
	return &PutUserPermissionsBoundaryOutput{}, s.update(ctx, func(tx *state.Tx) error {
		u, err := s.mustUser(tx, sc, name)
		if err != nil {
			return err
		}
		if err := s.checkBoundary(tx, sc, ptr.Val(in.PermissionsBoundary)); err != nil {
			return err
		}
		u.Boundary = ptr.Val(in.PermissionsBoundary)
		s.users.Put(tx, sc, name, u)
		return nil
	})
}

// DeleteUserPermissionsBoundary removes a user's permissions boundary.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUserPermissionsBoundary.html
func (s *Service) DeleteUserPermissionsBoundary(ctx context.Context, in *DeleteUserPermissionsBoundaryRequest) (*DeleteUserPermissionsBoundaryOutput, error) {
	name := ptr.Val(in.UserName)
	sc := scope(ctx)
	return &DeleteUserPermissionsBoundaryOutput{}, s.update(ctx, func(tx *state.Tx) error {
		u, err := s.mustUser(tx, sc, name)
		if err != nil {
			return err
		}
		u.Boundary = ""
		s.users.Put(tx, sc, name, u)
		return nil
	})
}

// CreateLoginProfile gives a user a console password.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html
func (s *Service) CreateLoginProfile(ctx context.Context, in *CreateLoginProfileRequest) (*CreateLoginProfileResponse, error) {
	name := callerUser(ctx, in.UserName)
	sc := scope(ctx)
	l := loginRec{User: name, Created: s.now(), ResetRequired: ptr.Val(in.PasswordResetRequired)}
	err := s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, sc, name); err != nil {
			return err
		}
		if _, ok := s.logins.Get(tx, sc, name); ok {
			return alreadyExists("Login Profile for user %s already exists.", name)
		}
		s.logins.Put(tx, sc, name, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateLoginProfileResponse{LoginProfile: apiLogin(l)}, nil
}

func apiLogin(l loginRec) *LoginProfile {
	return &LoginProfile{UserName: ptr.To(l.User), CreateDate: ptr.To(l.Created), PasswordResetRequired: ptr.To(l.ResetRequired)}
}

func noLogin(name string) error {
	return noSuchEntity("Login Profile for User %s cannot be found.", name)
}

// GetLoginProfile returns a user's login profile.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetLoginProfile.html
func (s *Service) GetLoginProfile(ctx context.Context, in *GetLoginProfileRequest) (*GetLoginProfileResponse, error) {
	name := callerUser(ctx, in.UserName)
	var l loginRec
	err := s.view(func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, scope(ctx), name); err != nil {
			return err
		}
		var ok bool
		if l, ok = s.logins.Get(tx, scope(ctx), name); !ok {
			return noLogin(name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetLoginProfileResponse{LoginProfile: apiLogin(l)}, nil
}

// UpdateLoginProfile changes a user's password or reset flag.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateLoginProfile.html
func (s *Service) UpdateLoginProfile(ctx context.Context, in *UpdateLoginProfileRequest) (*UpdateLoginProfileOutput, error) {
	name := ptr.Val(in.UserName)
	sc := scope(ctx)
	return &UpdateLoginProfileOutput{}, s.update(ctx, func(tx *state.Tx) error {
		l, ok := s.logins.Get(tx, sc, name)
		if !ok {
			return noLogin(name)
		}
		if in.PasswordResetRequired != nil {
			l.ResetRequired = *in.PasswordResetRequired
		}
		s.logins.Put(tx, sc, name, l)
		return nil
	})
}

// DeleteLoginProfile removes a user's console password.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html
func (s *Service) DeleteLoginProfile(ctx context.Context, in *DeleteLoginProfileRequest) (*DeleteLoginProfileOutput, error) {
	name := callerUser(ctx, in.UserName)
	sc := scope(ctx)
	return &DeleteLoginProfileOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if !s.logins.Delete(tx, sc, name) {
			return noLogin(name)
		}
		return nil
	})
}

// The user credentials haneul does not issue (MFA devices, SSH keys, signing
// certificates, service-specific credentials) list as empty, so that tools
// cleaning up a user before deleting it work.

// ListMFADevices lists a user's MFA devices: none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html
func (s *Service) ListMFADevices(ctx context.Context, in *ListMFADevicesRequest) (*ListMFADevicesResponse, error) {
	if name := callerUser(ctx, in.UserName); name != "" {
		if _, err := s.getUser(ctx, name); err != nil {
			return nil, err
		}
	}
	return &ListMFADevicesResponse{MFADevices: []MFADevice{}, IsTruncated: ptr.To(false)}, nil
}

// ListVirtualMFADevices lists the account's virtual MFA devices: none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html
func (s *Service) ListVirtualMFADevices(ctx context.Context, in *ListVirtualMFADevicesRequest) (*ListVirtualMFADevicesResponse, error) {
	return &ListVirtualMFADevicesResponse{VirtualMFADevices: []VirtualMFADevice{}, IsTruncated: ptr.To(false)}, nil
}

// ListSSHPublicKeys lists a user's SSH public keys: none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSSHPublicKeys.html
func (s *Service) ListSSHPublicKeys(ctx context.Context, in *ListSSHPublicKeysRequest) (*ListSSHPublicKeysResponse, error) {
	if name := callerUser(ctx, in.UserName); name != "" {
		if _, err := s.getUser(ctx, name); err != nil {
			return nil, err
		}
	}
	return &ListSSHPublicKeysResponse{SSHPublicKeys: []SSHPublicKeyMetadata{}, IsTruncated: ptr.To(false)}, nil
}

// ListSigningCertificates lists a user's signing certificates: none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSigningCertificates.html
func (s *Service) ListSigningCertificates(ctx context.Context, in *ListSigningCertificatesRequest) (*ListSigningCertificatesResponse, error) {
	if name := callerUser(ctx, in.UserName); name != "" {
		if _, err := s.getUser(ctx, name); err != nil {
			return nil, err
		}
	}
	return &ListSigningCertificatesResponse{Certificates: []SigningCertificate{}, IsTruncated: ptr.To(false)}, nil
}

// ListServiceSpecificCredentials lists a user's service-specific credentials: none.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServiceSpecificCredentials.html
func (s *Service) ListServiceSpecificCredentials(ctx context.Context, in *ListServiceSpecificCredentialsRequest) (*ListServiceSpecificCredentialsResponse, error) {
	if name := callerUser(ctx, in.UserName); name != "" {
		if _, err := s.getUser(ctx, name); err != nil {
			return nil, err
		}
	}
	return &ListServiceSpecificCredentialsResponse{ServiceSpecificCredentials: []ServiceSpecificCredentialMetadata{}, IsTruncated: ptr.To(false)}, nil
}
