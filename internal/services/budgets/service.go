// Package budgets is AWS Budgets: cost and usage budgets with their
// notifications and subscribers, and tags.
//
// Budgets is a global service: every record lives in the scope of the
// account the request names (AccountId), with an empty region. A budget is
// keyed by its name; its notifications are keyed "budget\x00notification",
// so listing a budget's notifications is a range walk. haneul bills nothing,
// so a budget's actual and forecasted spend are zero.
package budgets

//go:generate go run ../../../codegen -model budgets -pkg budgets -out api_gen.go

import (
	"encoding/base64"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/clock"
	"haneul/internal/ptr"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates a budget's name from a notification's key; budget names
// never contain it.
const sep = "\x00"

// Service is AWS Budgets.
type Service struct {
	db            *state.DB
	clock         clock.Clock
	budgets       *state.Table[budgetRec]
	notifications *state.Table[notificationRec] // "budget\x00notification key"
}

// New returns the Budgets service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("budgets")
	deps = deps.WithDefaults()
	clk := deps.Clock
	return &Service{
		db:            db,
		clock:         clk,
		budgets:       state.NewTable[budgetRec](db, "budgets"),
		notifications: state.NewTable[notificationRec](db, "notifications"),
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "budgets" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// scope is an account's scope; Budgets has no regions.
func scope(account *string) state.Scope { return state.Scope{Account: ptr.Val(account)} }

// now is the clock's time at second precision.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Second) }

// budgetARN is a budget's ARN: arn:aws:budgets::ACCOUNT:budget/NAME.
func budgetARN(account, name string) string {
	return arn.New("budgets", "", account, "budget/"+name)
}

// parseBudgetARN returns the account and budget name of a budget ARN.
func parseBudgetARN(s string) (account, name string, err error) {
	a, perr := arn.Parse(s)
	name, ok := strings.CutPrefix(a.Resource, "budget/")
	if perr != nil || a.Service != "budgets" || !ok || name == "" || strings.Contains(name, "/action/") {
		return "", "", invalidParameter("Invalid ARN: %s", s)
	}
	return a.Account, name, nil
}

func invalidParameter(format string, args ...any) error {
	return awserr.New("InvalidParameterException", 0, format, args...)
}

func notFound(format string, args ...any) error {
	return awserr.New("NotFoundException", 0, format, args...)
}

func quotaExceeded(format string, args ...any) error {
	return awserr.New("ServiceQuotaExceededException", 0, format, args...)
}

func duplicate(format string, args ...any) error {
	return awserr.New("DuplicateRecordException", 0, format, args...)
}

// page is a request's position in a listing.
type page struct {
	from string
	max  int
}

// newPage reads NextToken and MaxResults; a token is the opaque form of the
// next key to list and must fall under prefix.
func newPage(token *string, maxResults *int64, def int, prefix string) (page, error) {
	p := page{from: prefix, max: def}
	if maxResults != nil {
		p.max = int(*maxResults)
	}
	if t := ptr.Val(token); t != "" {
		k, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil || !strings.HasPrefix(string(k), prefix) {
			return p, awserr.New("InvalidNextTokenException", 0, "Invalid NextToken: %s", t)
		}
		p.from = string(k)
	}
	return p, nil
}

func encodeToken(k string) *string { return ptr.To(base64.RawURLEncoding.EncodeToString([]byte(k))) }
