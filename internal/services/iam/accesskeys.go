package iam

import (
	"context"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// keyRec is an access key, stored globally by key id so that any request
// signed with it can be traced to its account and user.
type keyRec struct {
	Account, User, ID string
	Secret            string
	Status            string
	Created           time.Time
	LastUsed          time.Time `json:",omitzero"`
	LastService       string    `json:",omitempty"`
	LastRegion        string    `json:",omitempty"`
}

// AWS: a user has at most two access keys.
const maxKeysPerUser = 2

func noKey(id string) error {
	return noSuchEntity("The Access Key with id %s cannot be found.", id)
}

// keyUser is the user an access-key request is about.
func keyUser(ctx context.Context, name *string) (string, error) {
	u := callerUser(ctx, name)
	if u == "" {
		// AWS: root keys are not managed through haneul's IAM.
		return "", awserr.New("ValidationError", 400, "Must specify userName when calling with non-User credentials")
	}
	return u, nil
}

// CreateAccessKey creates an access key for a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
func (s *Service) CreateAccessKey(ctx context.Context, in *CreateAccessKeyRequest) (*CreateAccessKeyResponse, error) {
	user, err := keyUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	k := keyRec{Account: sc.Account, User: user, ID: ids.Unique("AKIA", 16), Secret: ids.Secret(), Status: "Active", Created: s.now()}
	err = s.update(ctx, func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, sc, user); err != nil {
			return err
		}
		if len(keys(tx, s.userKeys, sc, key(user, ""))) >= maxKeysPerUser {
			return limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		s.keys.Put(tx, global, k.ID, k)
		s.userKeys.Put(tx, sc, key(user, k.ID), k.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateAccessKeyResponse{AccessKey: &AccessKey{
		AccessKeyId: ptr.To(k.ID), SecretAccessKey: ptr.To(k.Secret), Status: ptr.To(k.Status),
		UserName: ptr.To(k.User), CreateDate: ptr.To(k.Created),
	}}, nil
}

// ownKey returns a key of the caller's account belonging to user (any user when "").
func (s *Service) ownKey(tx *state.Tx, sc state.Scope, id, user string) (keyRec, error) {
	k, ok := s.keys.Get(tx, global, id)
	if !ok || k.Account != sc.Account || (user != "" && k.User != user) {
		return k, noKey(id)
	}
	return k, nil
}

// DeleteAccessKey deletes an access key.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html
func (s *Service) DeleteAccessKey(ctx context.Context, in *DeleteAccessKeyRequest) (*DeleteAccessKeyOutput, error) {
	id := ptr.Val(in.AccessKeyId)
	sc := scope(ctx)
	return &DeleteAccessKeyOutput{}, s.update(ctx, func(tx *state.Tx) error {
		user := ptr.Val(in.UserName)
		if user != "" {
			if _, err := s.mustUser(tx, sc, user); err != nil {
				return err
			}
		}
		k, err := s.ownKey(tx, sc, id, user)
		if err != nil {
			return err
		}
		s.keys.Delete(tx, global, id)
		s.userKeys.Delete(tx, sc, key(k.User, id))
		return nil
	})
}

// UpdateAccessKey activates or deactivates an access key.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
func (s *Service) UpdateAccessKey(ctx context.Context, in *UpdateAccessKeyRequest) (*UpdateAccessKeyOutput, error) {
	id, status := ptr.Val(in.AccessKeyId), ptr.Val(in.Status)
	if status != "Active" && status != "Inactive" {
		return nil, awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	sc := scope(ctx)
	return &UpdateAccessKeyOutput{}, s.update(ctx, func(tx *state.Tx) error {
		k, err := s.ownKey(tx, sc, id, ptr.Val(in.UserName))
		if err != nil {
			return err
		}
		k.Status = status
		s.keys.Put(tx, global, id, k)
		return nil
	})
}

// ListAccessKeys lists a user's access keys, without their secrets.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html
func (s *Service) ListAccessKeys(ctx context.Context, in *ListAccessKeysRequest) (*ListAccessKeysResponse, error) {
	user, err := keyUser(ctx, in.UserName)
	if err != nil {
		return nil, err
	}
	prefix := key(user, "")
	p, err := newPage(in.Marker, in.MaxItems, prefix)
	if err != nil {
		return nil, err
	}
	sc := scope(ctx)
	out := &ListAccessKeysResponse{AccessKeyMetadata: []AccessKeyMetadata{}}
	err = s.view(func(tx *state.Tx) error {
		if _, err := s.mustUser(tx, sc, user); err != nil {
			return err
		}
		r := walk(tx, s.userKeys, sc, prefix, p, nil, func(_ string, id string) {
			if k, ok := s.keys.Get(tx, global, id); ok {
				out.AccessKeyMetadata = append(out.AccessKeyMetadata, AccessKeyMetadata{
					AccessKeyId: ptr.To(k.ID), CreateDate: ptr.To(k.Created), Status: ptr.To(k.Status), UserName: ptr.To(k.User),
				})
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

// GetAccessKeyLastUsed reports when and where an access key was last used.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
func (s *Service) GetAccessKeyLastUsed(ctx context.Context, in *GetAccessKeyLastUsedRequest) (*GetAccessKeyLastUsedResponse, error) {
	id := ptr.Val(in.AccessKeyId)
	var k keyRec
	err := s.view(func(tx *state.Tx) error {
		var err error
		k, err = s.ownKey(tx, scope(ctx), id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	// AWS: a key never used reports "N/A" for its service and region.
	used := &AccessKeyLastUsed{Region: ptr.To("N/A"), ServiceName: ptr.To("N/A")}
	if !k.LastUsed.IsZero() {
		used = &AccessKeyLastUsed{LastUsedDate: ptr.To(k.LastUsed), Region: ptr.To(k.LastRegion), ServiceName: ptr.To(k.LastService)}
	}
	return &GetAccessKeyLastUsedResponse{UserName: ptr.To(k.User), AccessKeyLastUsed: used}, nil
}
