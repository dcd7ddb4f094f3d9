// Package logs is Amazon CloudWatch Logs: log groups (retention, KMS key,
// class, tags), log streams, log events written by PutLogEvents and read by
// GetLogEvents and FilterLogEvents (with filter patterns), and the metric and
// subscription filters of a group, kept as configured.
//
// Events are stored one record each in the "events" table, keyed
// "<group>\x00<stream>\x00<timestamp><seq>" with fixed-width hexadecimal
// timestamps, so a stream's events are ordered by time and every read is a
// range walk between two timestamps. Every acknowledged PutLogEvents is in
// that table before the answer leaves.
package logs

//go:generate go run ../../../codegen -model logs -pkg logs -out api_gen.go

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"haneul/internal/arn"
	"haneul/internal/clock"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Service is the CloudWatch Logs service.
type Service struct {
	db      *state.DB
	groups  *state.Table[groupRec]  // group name → log group
	streams *state.Table[streamRec] // "<group>\x00<stream>" → log stream
	events  *state.Table[eventRec]  // "<group>\x00<stream>\x00<ts><seq>" → log event
	metricF *state.Table[metricFilterRec]
	subF    *state.Table[subscriptionRec]
	clock   clock.Clock
	log     *slog.Logger
}

// New returns the CloudWatch Logs service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("logs")
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		db:      db,
		groups:  state.NewTable[groupRec](db, "groups"),
		streams: state.NewTable[streamRec](db, "streams"),
		events:  state.NewTable[eventRec](db, "events"),
		metricF: state.NewTable[metricFilterRec](db, "metricfilters"),
		subF:    state.NewTable[subscriptionRec](db, "subscriptionfilters"),
		clock:   deps.Clock,
		log:     log,
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "logs" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: it runs the retention pruner.
func (s *Service) Start(ctx context.Context) error {
	go s.pruneLoop(ctx)
	return nil
}

func scopeOf(account, region string) state.Scope {
	return state.Scope{Account: account, Region: region}
}

// groupARN is a log group's ARN without the trailing ":*" (logGroupArn, and
// what tagging takes); the "arn" member of a LogGroup adds ":*".
func groupARN(region, account, name string) string {
	return arn.New("logs", region, account, "log-group:"+name)
}

// streamKey is the key of a stream, and the prefix of its events' keys.
func streamKey(group, stream string) string { return group + "\x00" + stream }

// eventSuffix is the time-ordered part of an event key: timestamp then
// sequence, fixed-width hex. Timestamps before 1970 sort first.
func eventSuffix(ts int64, seq uint64) string {
	return fmt.Sprintf("%016x%08x", uint64(ts)^(1<<63), seq)
}

// tsSuffix is the least suffix of events at timestamp ts.
func tsSuffix(ts int64) string { return fmt.Sprintf("%016x", uint64(ts)^(1<<63)) }

// parseSuffix reverses eventSuffix.
func parseSuffix(s string) (int64, uint64, bool) {
	var ts, seq uint64
	if len(s) != 24 {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(s, "%016x%08x", &ts, &seq); err != nil {
		return 0, 0, false
	}
	return int64(ts ^ (1 << 63)), seq, true
}

// encodeToken and decodeToken make opaque pagination tokens of keys.
func encodeToken(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", fmt.Errorf("logs: bad token: %w", err)
	}
	return string(b), nil
}

// groupFromIdentifier returns the group name of a name or ARN identifier.
func groupFromIdentifier(id string) string {
	if strings.HasPrefix(id, "arn:") {
		if a, err := arn.Parse(id); err == nil {
			name := strings.TrimPrefix(a.Resource, "log-group:")
			return strings.TrimSuffix(name, ":*")
		}
	}
	return id
}

// ms is unix milliseconds of t.
func ms(t time.Time) int64 { return t.UnixMilli() }
