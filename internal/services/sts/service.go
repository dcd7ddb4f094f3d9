// Package sts is AWS Security Token Service: who am I, and temporary
// credentials for roles, federated users and sessions.
//
// Credentials STS issues are remembered, so that requests signed with them act
// as the principal they were issued for (an assumed role in another account,
// say); see Resolve.
package sts

//go:generate go run ../../../codegen -model sts -pkg sts -out api_gen.go

import (
	"context"
	"log/slog"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Roles lets STS look up the roles it is asked to assume (IAM provides it).
type Roles interface {
	// RoleID returns the unique id (AROA…) of a role, and whether it exists.
	RoleID(ctx context.Context, account, name string) (string, bool)
	// MaxSessionDuration returns the role's maximum session duration.
	MaxSessionDuration(ctx context.Context, account, name string) (time.Duration, bool)
}

// Service is the STS service.
type Service struct {
	db       *state.DB
	sessions *state.Table[session]
	// expiring indexes sessions by expiration ("<RFC 3339 time>/<key id>"), so
	// the sweeper reads only the sessions that are due.
	expiring  *state.Table[string]
	clock     clock.Clock
	roles     Roles
	directory *identity.Directory
	logger    *slog.Logger
}

// session is a set of temporary credentials and the principal they act as.
type session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	Principal       identity.Principal
}

// global is the scope of STS's records: credentials are looked up by key id across accounts.
var global = state.Scope{}

// New returns the STS service; roles may be nil (every role then exists).
func New(deps service.Deps, roles Roles) *Service {
	db := deps.Store.DB("sts")
	s := &Service{db: db, sessions: state.NewTable[session](db, "sessions"), expiring: state.NewTable[string](db, "expiring"), clock: deps.Clock, roles: roles, directory: deps.Identity, logger: deps.Logger}
	deps.Identity.Add(s)
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "sts" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Resolve implements identity.Resolver for the credentials STS issued.
func (s *Service) Resolve(accessKeyID string) (identity.Principal, bool) {
	var p identity.Principal
	var ok bool
	_ = s.db.View(func(tx *state.Tx) error {
		var sess session
		sess, ok = s.sessions.Get(tx, global, accessKeyID)
		p = sess.Principal
		return nil
	})
	return p, ok
}
