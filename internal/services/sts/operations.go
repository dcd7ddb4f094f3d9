package sts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
)

// GetCallerIdentity returns who the request's credentials belong to.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func (s *Service) GetCallerIdentity(ctx context.Context, _ *GetCallerIdentityRequest) (*GetCallerIdentityResponse, error) {
	info := reqctx.From(ctx)
	c := info.Caller
	return &GetCallerIdentityResponse{Account: ptr.To(info.Account), Arn: ptr.To(c.ARN), UserId: ptr.To(c.UserID)}, nil
}

// AssumeRole returns credentials that act as a role, possibly in another account.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func (s *Service) AssumeRole(ctx context.Context, in *AssumeRoleRequest) (*AssumeRoleResponse, error) {
	p, d, user, err := s.assume(ctx, *in.RoleArn, *in.RoleSessionName, in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	creds, err := s.issue(ctx, p, d)
	if err != nil {
		return nil, err
	}
	out := &AssumeRoleResponse{AssumedRoleUser: user, Credentials: creds, SourceIdentity: in.SourceIdentity}
	if in.Policy != nil {
		out.PackedPolicySize = ptr.To(packedSize(*in.Policy))
	}
	return out, nil
}

// AssumeRoleWithWebIdentity exchanges an OIDC token (not verified) for role credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in *AssumeRoleWithWebIdentityRequest) (*AssumeRoleWithWebIdentityResponse, error) {
	claims, err := jwtClaims(*in.WebIdentityToken)
	if err != nil {
		return nil, err
	}
	p, d, user, err := s.assume(ctx, *in.RoleArn, *in.RoleSessionName, in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	creds, err := s.issue(ctx, p, d)
	if err != nil {
		return nil, err
	}
	claim := func(k string) *string {
		switch v := claims[k].(type) {
		case string:
			return ptr.To(v)
		case []any:
			if len(v) > 0 {
				return ptr.To(fmt.Sprint(v[0]))
			}
		}
		return nil
	}
	provider := claim("iss")
	if provider != nil {
		provider = ptr.To(strings.TrimPrefix(*provider, "https://"))
	}
	return &AssumeRoleWithWebIdentityResponse{
		AssumedRoleUser:             user,
		Credentials:                 creds,
		SubjectFromWebIdentityToken: claim("sub"),
		Audience:                    claim("aud"),
		Provider:                    provider,
	}, nil
}

// GetSessionToken returns temporary credentials for the caller itself.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
func (s *Service) GetSessionToken(ctx context.Context, in *GetSessionTokenRequest) (*GetSessionTokenResponse, error) {
	caller := reqctx.From(ctx).Caller
	if strings.Contains(caller.ARN, ":assumed-role/") {
		// AWS: temporary credentials cannot call GetSessionToken.
		return nil, awserr.New("AccessDenied", 403, "Cannot call GetSessionToken with session credentials")
	}
	d, err := duration(in.DurationSeconds, 12*time.Hour, 36*time.Hour)
	if err != nil {
		return nil, err
	}
	creds, err := s.issue(ctx, caller, d)
	if err != nil {
		return nil, err
	}
	return &GetSessionTokenResponse{Credentials: creds}, nil
}

// GetFederationToken returns credentials for a federated user of the caller's account.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
func (s *Service) GetFederationToken(ctx context.Context, in *GetFederationTokenRequest) (*GetFederationTokenResponse, error) {
	info := reqctx.From(ctx)
	d, err := duration(in.DurationSeconds, 12*time.Hour, 36*time.Hour)
	if err != nil {
		return nil, err
	}
	p := identity.Principal{
		Account: info.Account,
		ARN:     arn.ARN{Partition: arn.Partition(info.Region), Service: "sts", Account: info.Account, Resource: "federated-user/" + *in.Name}.String(),
		UserID:  info.Account + ":" + *in.Name,
	}
	creds, err := s.issue(ctx, p, d)
	if err != nil {
		return nil, err
	}
	out := &GetFederationTokenResponse{Credentials: creds, FederatedUser: &FederatedUser{Arn: ptr.To(p.ARN), FederatedUserId: ptr.To(p.UserID)}}
	if in.Policy != nil {
		out.PackedPolicySize = ptr.To(packedSize(*in.Policy))
	}
	return out, nil
}

// GetAccessKeyInfo returns the account an access key belongs to.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
func (s *Service) GetAccessKeyInfo(ctx context.Context, in *GetAccessKeyInfoRequest) (*GetAccessKeyInfoResponse, error) {
	p := s.directory.Resolve(*in.AccessKeyId)
	return &GetAccessKeyInfoResponse{Account: ptr.To(p.Account)}, nil
}

// packedSize approximates the percentage of the packed session policy limit a
// policy uses, as AWS reports in PackedPolicySize.
func packedSize(policy string) int64 {
	n := int64(len(policy) * 100 / 2048)
	if n < 1 {
		n = 1
	}
	return n
}
