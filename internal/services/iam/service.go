// Package iam is AWS Identity and Access Management: users, groups, roles,
// managed and inline policies, instance profiles and access keys.
//
// IAM is a global service: every record lives in its account's scope with an
// empty region. Access keys are also indexed globally by key id, so that
// requests signed with a key IAM issued act as its user (see Resolve).
//
// Relations (group membership, policy attachments, inline policies, a role's
// instance profiles, a user's access keys) are tables of their own keyed by
// "owner\x00member", so every lookup and listing is an ordered range walk.
package iam

//go:generate go run ../../../codegen -model iam -pkg iam -out api_gen.go

import (
	"context"
	"strings"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates the parts of composite keys; IAM names and ARNs never contain it.
const sep = "\x00"

// Entity kinds, the first part of attachment and inline-policy keys.
const (
	kindUser  = "user"
	kindGroup = "group"
	kindRole  = "role"
)

// global is the scope of the access-key directory, shared by all accounts.
var global = state.Scope{}

// Service is the IAM service.
type Service struct {
	db      *state.DB
	clock   clock.Clock
	managed []managedPolicy // AWS-managed policies, sorted by name; immutable

	users    *state.Table[userRec]
	groups   *state.Table[groupRec]
	members  *state.Table[string] // "group\x00user" → user
	memberOf *state.Table[string] // "user\x00group" → group
	roles    *state.Table[roleRec]
	policies *state.Table[policyRec]
	versions *state.Table[versionRec] // "policy\x00%010d" → version
	attached *state.Table[string]     // "kind\x00entity\x00policyARN" → policy name
	entities *state.Table[string]     // "policyARN\x00kind\x00entity" → entity id
	inline   *state.Table[string]     // "kind\x00entity\x00policy" → document
	profiles *state.Table[profileRec]
	roleProf *state.Table[string] // "role\x00profile" → profile
	keys     *state.Table[keyRec] // global: key id → key
	userKeys *state.Table[string] // "user\x00keyid" → key id
	logins   *state.Table[loginRec]
	aliases  *state.Table[string]  // the account's alias (at most one)
	aliasOf  *state.Table[string]  // global: alias → account
	tasks    *state.Table[taskRec] // service-linked role deletion tasks
}

// New returns the IAM service and registers it as a resolver of the access keys it issues.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("iam")
	deps = deps.WithDefaults()
	clk := deps.Clock
	s := &Service{
		db:       db,
		clock:    clk,
		managed:  awsManagedPolicies(),
		users:    state.NewTable[userRec](db, "users"),
		groups:   state.NewTable[groupRec](db, "groups"),
		members:  state.NewTable[string](db, "members"),
		memberOf: state.NewTable[string](db, "memberOf"),
		roles:    state.NewTable[roleRec](db, "roles"),
		policies: state.NewTable[policyRec](db, "policies"),
		versions: state.NewTable[versionRec](db, "versions"),
		attached: state.NewTable[string](db, "attached"),
		entities: state.NewTable[string](db, "entities"),
		inline:   state.NewTable[string](db, "inline"),
		profiles: state.NewTable[profileRec](db, "profiles"),
		roleProf: state.NewTable[string](db, "roleProfiles"),
		keys:     state.NewTable[keyRec](db, "keys"),
		userKeys: state.NewTable[string](db, "userKeys"),
		logins:   state.NewTable[loginRec](db, "logins"),
		aliases:  state.NewTable[string](db, "aliases"),
		aliasOf:  state.NewTable[string](db, "aliasOwners"),
		tasks:    state.NewTable[taskRec](db, "deletionTasks"),
	}
	if deps.Identity != nil {
		deps.Identity.Add(s)
	}
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "iam" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// scope is the caller's account scope; IAM has no regions.
func scope(ctx context.Context) state.Scope {
	return state.Scope{Account: reqctx.From(ctx).Account}
}

// account is the caller's account id.
func account(ctx context.Context) string { return reqctx.From(ctx).Account }

// now is the clock's time at second precision, as IAM reports dates.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// view runs fn in a read transaction.
func (s *Service) view(fn func(tx *state.Tx) error) error { return s.db.View(fn) }

// update runs fn in a write transaction.
func (s *Service) update(ctx context.Context, fn func(tx *state.Tx) error) error {
	return s.db.Update(ctx, fn)
}

// key joins the parts of a composite key.
func key(parts ...string) string { return strings.Join(parts, sep) }

// RoleID implements sts.Roles.
func (s *Service) RoleID(ctx context.Context, account, name string) (string, bool) {
	r, ok := s.lookupRole(account, name)
	return r.ID, ok
}

// MaxSessionDuration implements sts.Roles.
func (s *Service) MaxSessionDuration(ctx context.Context, account, name string) (time.Duration, bool) {
	r, ok := s.lookupRole(account, name)
	return time.Duration(r.MaxSession) * time.Second, ok
}

func (s *Service) lookupRole(account, name string) (roleRec, bool) {
	var r roleRec
	var ok bool
	_ = s.view(func(tx *state.Tx) error {
		r, ok = s.roles.Get(tx, state.Scope{Account: account}, name)
		return nil
	})
	return r, ok
}

// Resolve implements identity.Resolver for the access keys IAM issued: a
// request signed with one acts as the key's user.
func (s *Service) Resolve(accessKeyID string) (identity.Principal, bool) {
	var p identity.Principal
	var ok bool
	_ = s.view(func(tx *state.Tx) error {
		k, found := s.keys.Get(tx, global, accessKeyID)
		if !found {
			return nil
		}
		u, found := s.users.Get(tx, state.Scope{Account: k.Account}, k.User)
		if !found {
			return nil
		}
		p = identity.Principal{Account: k.Account, ARN: userARN(k.Account, u.Path, u.Name), UserID: u.ID, AccessKeyID: accessKeyID}
		ok = true
		return nil
	})
	return p, ok
}
