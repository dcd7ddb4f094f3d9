package iam

import (
	"context"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// GetAccountSummary reports the account's IAM usage and quotas.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
func (s *Service) GetAccountSummary(ctx context.Context, _ *GetAccountSummaryInput) (*GetAccountSummaryResponse, error) {
	sc := scope(ctx)
	m := map[string]int64{
		"AccessKeysPerUserQuota":            maxKeysPerUser,
		"AccountAccessKeysPresent":          0,
		"AccountMFAEnabled":                 0,
		"AccountSigningCertificatesPresent": 0,
		"AssumeRolePolicySizeQuota":         trustPolicySize,
		"AttachedPoliciesPerGroupQuota":     maxAttached,
		"AttachedPoliciesPerRoleQuota":      maxAttached,
		"AttachedPoliciesPerUserQuota":      maxAttached,
		"GlobalEndpointTokenVersion":        1,
		"GroupPolicySizeQuota":              groupPolicySize,
		"GroupsPerUserQuota":                maxGroupsPerUser,
		"GroupsQuota":                       300,
		"InstanceProfilesQuota":             1000,
		"MFADevices":                        0,
		"MFADevicesInUse":                   0,
		"PoliciesQuota":                     1500,
		"PolicySizeQuota":                   managedPolicySize,
		"PolicyVersionsInUseQuota":          10000,
		"Providers":                         0,
		"RolePolicySizeQuota":               rolePolicySize,
		"RolesQuota":                        1000,
		"ServerCertificates":                0,
		"ServerCertificatesQuota":           20,
		"SigningCertificatesPerUserQuota":   2,
		"UserPolicySizeQuota":               userPolicySize,
		"UsersQuota":                        5000,
		"VersionsPerPolicyQuota":            maxVersions,
	}
	err := s.view(func(tx *state.Tx) error {
		m["Users"] = int64(s.users.Len(tx, sc))
		m["Groups"] = int64(s.groups.Len(tx, sc))
		m["Roles"] = int64(s.roles.Len(tx, sc))
		m["Policies"] = int64(s.policies.Len(tx, sc))
		m["InstanceProfiles"] = int64(s.profiles.Len(tx, sc))
		m["PolicyVersionsInUse"] = int64(s.entities.Len(tx, sc))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &GetAccountSummaryResponse{SummaryMap: m}, nil
}

// CreateAccountAlias sets the account's alias, replacing any it had.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html
func (s *Service) CreateAccountAlias(ctx context.Context, in *CreateAccountAliasRequest) (*CreateAccountAliasOutput, error) {
	alias := ptr.Val(in.AccountAlias)
	if len(alias) < 3 || len(alias) > 63 || !validAlias(alias) {
		return nil, awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", alias)
	}
	sc := scope(ctx)
	return &CreateAccountAliasOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if owner, ok := s.aliasOf.Get(tx, global, alias); ok {
			if owner == sc.Account {
				return nil
			}
			return alreadyExists("The account alias %s already exists.", alias)
		}
		for _, old := range collect(tx, s.aliases, sc, "") {
			s.aliases.Delete(tx, sc, old)
			s.aliasOf.Delete(tx, global, old)
		}
		s.aliases.Put(tx, sc, alias, alias)
		s.aliasOf.Put(tx, global, alias, sc.Account)
		return nil
	})
}

// validAlias checks the alias pattern (Go's regexp has no lookahead).
func validAlias(a string) bool {
	for i, c := range a {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(a)-1 && a[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// DeleteAccountAlias removes the account's alias.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccountAlias.html
func (s *Service) DeleteAccountAlias(ctx context.Context, in *DeleteAccountAliasRequest) (*DeleteAccountAliasOutput, error) {
	alias := ptr.Val(in.AccountAlias)
	sc := scope(ctx)
	return &DeleteAccountAliasOutput{}, s.update(ctx, func(tx *state.Tx) error {
		if !s.aliases.Delete(tx, sc, alias) {
			return noSuchEntity("The account alias %s cannot be found.", alias)
		}
		s.aliasOf.Delete(tx, global, alias)
		return nil
	})
}

// ListAccountAliases lists the account's alias.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccountAliases.html
func (s *Service) ListAccountAliases(ctx context.Context, in *ListAccountAliasesRequest) (*ListAccountAliasesResponse, error) {
	p, err := newPage(in.Marker, in.MaxItems, "")
	if err != nil {
		return nil, err
	}
	out := &ListAccountAliasesResponse{AccountAliases: []string{}}
	err = s.view(func(tx *state.Tx) error {
		r := walk(tx, s.aliases, scope(ctx), "", p, nil, func(k string, _ string) { out.AccountAliases = append(out.AccountAliases, k) })
		out.IsTruncated, out.Marker = r.out()
		return nil
	})
	return out, err
}
