package cloudfront

import (
	"context"
	"encoding/hex"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// oacRec is an origin access control.
type oacRec struct {
	ID     string
	ETag   string
	Config OriginAccessControlConfig
}

// oaiRec is a (legacy) origin access identity.
type oaiRec struct {
	ID          string
	ETag        string
	CanonicalID string // the S3 canonical user id bucket policies and ACLs name
	Config      CloudFrontOriginAccessIdentityConfig
}

func errNoSuchOAC() error {
	return awserr.New("NoSuchOriginAccessControl", 0, "The origin access control does not exist.")
}

func errNoSuchOAI() error {
	return awserr.New("NoSuchCloudFrontOriginAccessIdentity", 0, "The specified origin access identity does not exist.")
}

func (r oacRec) api() *OriginAccessControl {
	c := r.Config
	return &OriginAccessControl{Id: ptr.To(r.ID), OriginAccessControlConfig: &c}
}

// normalizeOAC fills the description AWS returns empty when none was given.
func normalizeOAC(c *OriginAccessControlConfig) {
	if c.Description == nil {
		c.Description = ptr.To("")
	}
}

// oacNameTaken reports whether another OAC of the account has name.
// AWS: names are unique per account. OACs are few; the scan stays in the
// caller's account.
func (s *Service) oacNameTaken(tx *state.Tx, sc state.Scope, name, self string) bool {
	taken := false
	s.oacs.Ascend(tx, sc, "", func(id string, r oacRec) bool {
		taken = id != self && *r.Config.Name == name
		return !taken
	})
	return taken
}

// CreateOriginAccessControl creates an origin access control, which lets
// distributions read from S3 buckets whose policy allows the CloudFront
// service principal.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginAccessControl.html
func (s *Service) CreateOriginAccessControl(ctx context.Context, in *CreateOriginAccessControlRequest) (*CreateOriginAccessControlResult, error) {
	sc := scope(ctx)
	c := *in.OriginAccessControlConfig
	normalizeOAC(&c)
	r := oacRec{ID: newID("E"), ETag: newETag(), Config: c}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if s.oacNameTaken(tx, sc, *c.Name, "") {
			return awserr.New("OriginAccessControlAlreadyExists", 0, "An origin access control with the same name already exists.")
		}
		s.oacs.Put(tx, sc, r.ID, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateOriginAccessControlResult{OriginAccessControl: r.api(), ETag: ptr.To(r.ETag), Location: ptr.To(location("origin-access-control", r.ID))}, nil
}

func (s *Service) getOAC(ctx context.Context, id string) (oacRec, error) {
	var r oacRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		r, ok = s.oacs.Get(tx, scope(ctx), id)
		return nil
	})
	if !ok {
		return r, errNoSuchOAC()
	}
	return r, nil
}

// GetOriginAccessControl returns an origin access control.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetOriginAccessControl.html
func (s *Service) GetOriginAccessControl(ctx context.Context, in *GetOriginAccessControlRequest) (*GetOriginAccessControlResult, error) {
	r, err := s.getOAC(ctx, *in.Id)
	if err != nil {
		return nil, err
	}
	return &GetOriginAccessControlResult{OriginAccessControl: r.api(), ETag: ptr.To(r.ETag)}, nil
}

// GetOriginAccessControlConfig returns an origin access control's configuration.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetOriginAccessControlConfig.html
func (s *Service) GetOriginAccessControlConfig(ctx context.Context, in *GetOriginAccessControlConfigRequest) (*GetOriginAccessControlConfigResult, error) {
	r, err := s.getOAC(ctx, *in.Id)
	if err != nil {
		return nil, err
	}
	return &GetOriginAccessControlConfigResult{OriginAccessControlConfig: r.api().OriginAccessControlConfig, ETag: ptr.To(r.ETag)}, nil
}

// UpdateOriginAccessControl replaces an origin access control's configuration.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateOriginAccessControl.html
func (s *Service) UpdateOriginAccessControl(ctx context.Context, in *UpdateOriginAccessControlRequest) (*UpdateOriginAccessControlResult, error) {
	sc := scope(ctx)
	c := *in.OriginAccessControlConfig
	normalizeOAC(&c)
	var r oacRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if r, ok = s.oacs.Get(tx, sc, *in.Id); !ok {
			return errNoSuchOAC()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		if s.oacNameTaken(tx, sc, *c.Name, r.ID) {
			return awserr.New("OriginAccessControlAlreadyExists", 0, "An origin access control with the same name already exists.")
		}
		r.Config, r.ETag = c, newETag()
		s.oacs.Put(tx, sc, r.ID, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateOriginAccessControlResult{OriginAccessControl: r.api(), ETag: ptr.To(r.ETag)}, nil
}

// DeleteOriginAccessControl deletes an origin access control no
// distribution uses.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteOriginAccessControl.html
func (s *Service) DeleteOriginAccessControl(ctx context.Context, in *DeleteOriginAccessControlRequest) (*DeleteOriginAccessControlOutput, error) {
	sc := scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.oacs.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchOAC()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		// AWS: an OAC attached to a distribution's origin cannot be deleted.
		if s.originsUse(tx, sc, func(o Origin) bool { return ptr.Val(o.OriginAccessControlId) == r.ID }) {
			return awserr.New("OriginAccessControlInUse", 0, "Cannot delete this origin access control because it's in use by one or more origins.")
		}
		s.oacs.Delete(tx, sc, r.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteOriginAccessControlOutput{}, nil
}

// originsUse reports whether an origin of one of the account's
// distributions satisfies f.
func (s *Service) originsUse(tx *state.Tx, sc state.Scope, f func(Origin) bool) bool {
	used := false
	s.dists.Ascend(tx, sc, "", func(_ string, d distRec) bool {
		for _, o := range d.Config.Origins.Items {
			if f(o) {
				used = true
			}
		}
		return !used
	})
	return used
}

// ListOriginAccessControls lists the account's origin access controls.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListOriginAccessControls.html
func (s *Service) ListOriginAccessControls(ctx context.Context, in *ListOriginAccessControlsRequest) (*ListOriginAccessControlsResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	marker := ptr.Val(in.Marker)
	list := &OriginAccessControlList{Marker: ptr.To(marker), MaxItems: ptr.To(int64(limit)), IsTruncated: ptr.To(false)}
	_ = s.db.View(func(tx *state.Tx) error {
		s.oacs.Ascend(tx, scope(ctx), marker, func(id string, r oacRec) bool {
			if id == marker {
				return true
			}
			if len(list.Items) == limit {
				list.IsTruncated, list.NextMarker = ptr.To(true), list.Items[limit-1].Id
				return false
			}
			c := r.Config
			list.Items = append(list.Items, OriginAccessControlSummary{Id: ptr.To(id), Name: c.Name, Description: c.Description,
				OriginAccessControlOriginType: c.OriginAccessControlOriginType, SigningBehavior: c.SigningBehavior, SigningProtocol: c.SigningProtocol})
			return true
		})
		return nil
	})
	list.Quantity = ptr.To(int64(len(list.Items)))
	return &ListOriginAccessControlsResult{OriginAccessControlList: list}, nil
}

func (r oaiRec) api() *CloudFrontOriginAccessIdentity {
	c := r.Config
	return &CloudFrontOriginAccessIdentity{Id: ptr.To(r.ID), S3CanonicalUserId: ptr.To(r.CanonicalID), CloudFrontOriginAccessIdentityConfig: &c}
}

// canonicalUserID returns a 64-hex-digit S3 canonical user id.
func canonicalUserID() string {
	return strings.ToLower(hex.EncodeToString([]byte(newID("E") + newID("E") + "haneul"))[:64])
}

// CreateCloudFrontOriginAccessIdentity creates an origin access identity
// (the legacy way for distributions to read private buckets).
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCloudFrontOriginAccessIdentity.html
func (s *Service) CreateCloudFrontOriginAccessIdentity(ctx context.Context, in *CreateCloudFrontOriginAccessIdentityRequest) (*CreateCloudFrontOriginAccessIdentityResult, error) {
	sc := scope(ctx)
	c := *in.CloudFrontOriginAccessIdentityConfig
	r := oaiRec{ID: newID("E"), ETag: newETag(), CanonicalID: canonicalUserID(), Config: c}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if id, ok := s.oaiRefs.Get(tx, sc, *c.CallerReference); ok {
			old, _ := s.oais.Get(tx, sc, id)
			// AWS: the same caller reference with the same config returns the
			// existing identity; with another config it is an error.
			if ptr.Val(old.Config.Comment) == ptr.Val(c.Comment) {
				r = old
				return nil
			}
			return awserr.New("CloudFrontOriginAccessIdentityAlreadyExists", 0, "If the CallerReference is a value you already sent in a previous request to create an identity but the content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists error.")
		}
		s.oaiRefs.Put(tx, sc, *c.CallerReference, r.ID)
		s.oais.Put(tx, sc, r.ID, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CreateCloudFrontOriginAccessIdentityResult{CloudFrontOriginAccessIdentity: r.api(), ETag: ptr.To(r.ETag),
		Location: ptr.To(location("origin-access-identity/cloudfront", r.ID))}, nil
}

func (s *Service) getOAI(ctx context.Context, id string) (oaiRec, error) {
	var r oaiRec
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		r, ok = s.oais.Get(tx, scope(ctx), id)
		return nil
	})
	if !ok {
		return r, errNoSuchOAI()
	}
	return r, nil
}

// GetCloudFrontOriginAccessIdentity returns an origin access identity.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetCloudFrontOriginAccessIdentity.html
func (s *Service) GetCloudFrontOriginAccessIdentity(ctx context.Context, in *GetCloudFrontOriginAccessIdentityRequest) (*GetCloudFrontOriginAccessIdentityResult, error) {
	r, err := s.getOAI(ctx, *in.Id)
	if err != nil {
		return nil, err
	}
	return &GetCloudFrontOriginAccessIdentityResult{CloudFrontOriginAccessIdentity: r.api(), ETag: ptr.To(r.ETag)}, nil
}

// GetCloudFrontOriginAccessIdentityConfig returns an origin access identity's configuration.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetCloudFrontOriginAccessIdentityConfig.html
func (s *Service) GetCloudFrontOriginAccessIdentityConfig(ctx context.Context, in *GetCloudFrontOriginAccessIdentityConfigRequest) (*GetCloudFrontOriginAccessIdentityConfigResult, error) {
	r, err := s.getOAI(ctx, *in.Id)
	if err != nil {
		return nil, err
	}
	return &GetCloudFrontOriginAccessIdentityConfigResult{CloudFrontOriginAccessIdentityConfig: r.api().CloudFrontOriginAccessIdentityConfig, ETag: ptr.To(r.ETag)}, nil
}

// UpdateCloudFrontOriginAccessIdentity changes an origin access identity's comment.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateCloudFrontOriginAccessIdentity.html
func (s *Service) UpdateCloudFrontOriginAccessIdentity(ctx context.Context, in *UpdateCloudFrontOriginAccessIdentityRequest) (*UpdateCloudFrontOriginAccessIdentityResult, error) {
	sc := scope(ctx)
	var r oaiRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var ok bool
		if r, ok = s.oais.Get(tx, sc, *in.Id); !ok {
			return errNoSuchOAI()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		if ptr.Val(in.CloudFrontOriginAccessIdentityConfig.CallerReference) != ptr.Val(r.Config.CallerReference) {
			return awserr.New("IllegalUpdate", 0, "The update contains modifications that are not allowed.")
		}
		r.Config, r.ETag = *in.CloudFrontOriginAccessIdentityConfig, newETag()
		s.oais.Put(tx, sc, r.ID, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateCloudFrontOriginAccessIdentityResult{CloudFrontOriginAccessIdentity: r.api(), ETag: ptr.To(r.ETag)}, nil
}

// DeleteCloudFrontOriginAccessIdentity deletes an origin access identity no
// distribution uses.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteCloudFrontOriginAccessIdentity.html
func (s *Service) DeleteCloudFrontOriginAccessIdentity(ctx context.Context, in *DeleteCloudFrontOriginAccessIdentityRequest) (*DeleteCloudFrontOriginAccessIdentityOutput, error) {
	sc := scope(ctx)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		r, ok := s.oais.Get(tx, sc, *in.Id)
		if !ok {
			return errNoSuchOAI()
		}
		if err := errIfMatch(in.IfMatch, r.ETag); err != nil {
			return err
		}
		if s.originsUse(tx, sc, func(o Origin) bool {
			return o.S3OriginConfig != nil && strings.HasSuffix(ptr.Val(o.S3OriginConfig.OriginAccessIdentity), "/"+r.ID)
		}) {
			return awserr.New("CloudFrontOriginAccessIdentityInUse", 0, "The Origin Access Identity specified is already in use.")
		}
		s.oais.Delete(tx, sc, r.ID)
		s.oaiRefs.Delete(tx, sc, *r.Config.CallerReference)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteCloudFrontOriginAccessIdentityOutput{}, nil
}

// ListCloudFrontOriginAccessIdentities lists the account's origin access identities.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListCloudFrontOriginAccessIdentities.html
func (s *Service) ListCloudFrontOriginAccessIdentities(ctx context.Context, in *ListCloudFrontOriginAccessIdentitiesRequest) (*ListCloudFrontOriginAccessIdentitiesResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	marker := ptr.Val(in.Marker)
	list := &CloudFrontOriginAccessIdentityList{Marker: ptr.To(marker), MaxItems: ptr.To(int64(limit)), IsTruncated: ptr.To(false)}
	_ = s.db.View(func(tx *state.Tx) error {
		s.oais.Ascend(tx, scope(ctx), marker, func(id string, r oaiRec) bool {
			if id == marker {
				return true
			}
			if len(list.Items) == limit {
				list.IsTruncated, list.NextMarker = ptr.To(true), list.Items[limit-1].Id
				return false
			}
			list.Items = append(list.Items, CloudFrontOriginAccessIdentitySummary{Id: ptr.To(id), Comment: r.Config.Comment, S3CanonicalUserId: ptr.To(r.CanonicalID)})
			return true
		})
		return nil
	})
	list.Quantity = ptr.To(int64(len(list.Items)))
	return &ListCloudFrontOriginAccessIdentitiesResult{CloudFrontOriginAccessIdentityList: list}, nil
}
