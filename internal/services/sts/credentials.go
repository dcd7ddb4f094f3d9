package sts

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// issue creates and remembers temporary credentials for a principal.
func (s *Service) issue(ctx context.Context, p identity.Principal, d time.Duration) (*Credentials, error) {
	sess := session{
		AccessKeyID:     ids.Unique("ASIA", 16),
		SecretAccessKey: ids.Secret(),
		SessionToken:    sessionToken(),
		Expiration:      s.clock.Now().Add(d).Truncate(time.Second),
		Principal:       p,
	}
	sess.Principal.AccessKeyID = sess.AccessKeyID
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		s.sessions.Put(tx, global, sess.AccessKeyID, sess)
		s.expiring.Put(tx, global, expiryKey(sess.Expiration, sess.AccessKeyID), sess.AccessKeyID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Credentials{
		AccessKeyId:     ptr.To(sess.AccessKeyID),
		SecretAccessKey: ptr.To(sess.SecretAccessKey),
		SessionToken:    ptr.To(sess.SessionToken),
		Expiration:      ptr.To(sess.Expiration),
	}, nil
}

// sessionToken returns an opaque token of the length AWS's have.
func sessionToken() string {
	var b strings.Builder
	b.WriteString("FwoGZXIvYXdzE")
	for b.Len() < 356 {
		b.WriteString(ids.Secret())
	}
	return b.String()[:356]
}

// duration checks DurationSeconds against AWS's bounds for an operation.
func duration(in *int64, def, max time.Duration) (time.Duration, error) {
	if in == nil {
		return def, nil
	}
	d := time.Duration(*in) * time.Second
	if d > max {
		// AWS: asking for more than the role allows is a ValidationError naming the limit.
		return 0, awserr.New("ValidationError", 400,
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return d, nil
}

// roleFromARN validates a role ARN and splits it into account and role name (without path).
func roleFromARN(s string) (account, name string, err error) {
	a, perr := arn.Parse(s)
	if perr != nil || a.Service != "iam" || !identity.IsAccountID(a.Account) || !strings.HasPrefix(a.Resource, "role/") {
		return "", "", awserr.New("ValidationError", 400, "%s is invalid", s)
	}
	res := strings.TrimPrefix(a.Resource, "role/")
	return a.Account, res[strings.LastIndex(res, "/")+1:], nil
}

// assume builds the assumed-role principal for a role and session name.
func (s *Service) assume(ctx context.Context, roleARN, sessionName string, durationSeconds *int64) (identity.Principal, time.Duration, *AssumedRoleUser, error) {
	account, role, err := roleFromARN(roleARN)
	if err != nil {
		return identity.Principal{}, 0, nil, err
	}
	roleID := "AROA" + strings.Repeat("X", 17)
	maxDur := time.Hour
	if s.roles != nil {
		id, ok := s.roles.RoleID(ctx, account, role)
		if !ok {
			// AWS: assuming a role that does not exist is AccessDenied, not NoSuchEntity.
			caller := reqctx.From(ctx).Caller
			return identity.Principal{}, 0, nil, awserr.New("AccessDenied", 403,
				"User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, roleARN)
		}
		roleID = id
		if m, ok := s.roles.MaxSessionDuration(ctx, account, role); ok && m > 0 {
			maxDur = m
		}
	}
	d, err := duration(durationSeconds, time.Hour, maxDur)
	if err != nil {
		return identity.Principal{}, 0, nil, err
	}
	p := identity.Principal{
		Account: account,
		ARN:     arn.ARN{Partition: arn.Partition(reqctx.From(ctx).Region), Service: "sts", Account: account, Resource: "assumed-role/" + role + "/" + sessionName}.String(),
		UserID:  roleID + ":" + sessionName,
	}
	return p, d, &AssumedRoleUser{Arn: ptr.To(p.ARN), AssumedRoleId: ptr.To(p.UserID)}, nil
}

// jwtClaims reads the claims of a web identity token without checking its
// signature: haneul trusts every identity provider.
func jwtClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return nil, awserr.New("InvalidIdentityToken", 400, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	var claims map[string]any
	if err == nil {
		err = json.Unmarshal(raw, &claims)
	}
	if err != nil {
		return nil, awserr.New("InvalidIdentityToken", 400, "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.")
	}
	return claims, nil
}
