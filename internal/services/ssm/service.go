// Package ssm is AWS Systems Manager Parameter Store: String, StringList and
// SecureString parameters with versions, labels, tiers and tags, and the
// read-only public parameters AWS publishes under /aws/service/ (the latest
// Amazon Linux, ECS-optimized and Ubuntu AMIs, pointing at haneul's AMI
// catalog).
//
// Parameters are regional: every record lives in its (account, region)
// scope. The current version of each parameter is a record keyed by its name,
// so a path (/app/prod/) is a key prefix and GetParametersByPath is an ordered
// range walk; every version (with its labels) is a record keyed
// "name\x00version" in a second table.
package ssm

//go:generate go run ../../../codegen -model ssm -pkg ssm -out api_gen.go

import (
	"context"
	"fmt"
	"time"

	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates a parameter name from a version number in history keys;
// parameter names never contain it.
const sep = "\x00"

// Service is the SSM Parameter Store.
type Service struct {
	db      *state.DB
	clock   clock.Clock
	params  *state.Table[paramRec]   // name → current version
	history *state.Table[versionRec] // "name\x00%019d" → one version
	public  publicStore              // /aws/service/… parameters; immutable
}

// New returns the SSM service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("ssm")
	deps = deps.WithDefaults()
	clk := deps.Clock
	return &Service{
		db:      db,
		clock:   clk,
		params:  state.NewTable[paramRec](db, "parameters"),
		history: state.NewTable[versionRec](db, "versions"),
		public:  newPublicStore(),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "ssm" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// scope is the caller's (account, region).
func scope(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	return state.Scope{Account: info.Account, Region: info.Region}
}

// now is the clock's time at millisecond precision, as SSM reports dates.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// versionKey is the history key of one version of a parameter.
func versionKey(name string, v int64) string { return fmt.Sprintf("%s%s%019d", name, sep, v) }
