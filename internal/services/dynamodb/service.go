// Package dynamodb is Amazon DynamoDB: tables with global and local secondary
// indexes, items with the whole expression language, queries and scans,
// batches, transactions, time to live, and the change records DynamoDB
// Streams serves (package dynamodbstreams reads them through Streams).
//
// Storage: every item of every table of an account and region is one record
// of the "items" table, keyed by the table name and an order-preserving
// encoding of its primary key (see appendKeyPart), so a partition's items are
// one contiguous range sorted by sort key: GetItem is one B-tree lookup, Query
// a seek and a walk. Each secondary index is kept the same way in "indexes"
// (index key, then primary key → primary key), each TTL-enabled table's expiry
// times in "expiry", and stream records in "streamRecords", all written in
// the same state transaction as the item, so an acknowledged write is durable
// and its index entries and stream record with it.
package dynamodb

//go:generate go run ../../../codegen -model dynamodb -pkg dynamodb -out api_gen.go

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"haneul/internal/clock"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates the parts of composite state keys; table and index names never contain it.
const sep = "\x00"

// Service is the DynamoDB service.
type Service struct {
	db     *state.DB
	clock  clock.Clock
	logger *slog.Logger

	tables  *state.Table[tableRec]
	items   *state.Table[Item]         // "table\x00<primary key>" → item
	indexes *state.Table[string]       // "table\x00index\x00<index key><primary key>" → primary key
	expiry  *state.Table[string]       // "table\x00<expiry seconds, 20 digits><primary key>" → primary key
	records *state.Table[streamRecord] // "table\x00label\x00<sequence number>" → record
	tokens  *state.Table[tokenRec]     // transaction ClientRequestTokens
	stats   *state.Table[sizeStats]    // "table\x00" and "table\x00index" → item count and bytes

	// lastSeq is the last stream sequence number handed out; changed only
	// under the DB's write lock.
	lastSeq atomic.Int64
	// sweepEvery is how often the TTL sweeper runs.
	sweepEvery time.Duration
}

// New returns the DynamoDB service.
func New(deps service.Deps) *Service {
	db := deps.Store.DB("dynamodb")
	deps = deps.WithDefaults()
	clk := deps.Clock
	logger := deps.Logger
	return &Service{
		db:         db,
		clock:      clk,
		logger:     logger,
		tables:     state.NewTable[tableRec](db, "tables"),
		items:      state.NewTable[Item](db, "items"),
		indexes:    state.NewTable[string](db, "indexes"),
		expiry:     state.NewTable[string](db, "expiry"),
		records:    state.NewTable[streamRecord](db, "streamRecords"),
		tokens:     state.NewTable[tokenRec](db, "tokens"),
		stats:      state.NewTable[sizeStats](db, "stats"),
		sweepEvery: 2 * time.Second,
	}
}

// Name implements service.Service.
func (s *Service) Name() string { return "dynamodb" }

// Handlers implements service.Service.
func (s *Service) Handlers() map[string]service.Handler { return bind(s) }

// Start implements service.Starter: the TTL sweeper and stream-record trimmer.
func (s *Service) Start(ctx context.Context) error {
	if err := s.backfillStats(ctx); err != nil {
		return err
	}
	go s.sweeper(ctx)
	return nil
}

func scopeOf(ctx context.Context) state.Scope {
	info := reqctx.From(ctx)
	return state.Scope{Account: info.Account, Region: info.Region}
}
