// Package s3 is Amazon Simple Storage Service: buckets with their
// configuration (versioning, policy, ACL, public access block, CORS,
// website, lifecycle, encryption, …), objects streamed to files, versions,
// multipart uploads, and anonymous access evaluated from policy and ACL.
// Beyond the model's operations it answers CORS preflights, website
// endpoints and browser POST uploads (intercept.go), applies lifecycle
// rules on a timer (lifecycle.go) and sends event notifications to SQS and
// SNS (notify.go).
//
// Bucket names are global across accounts and regions, so every record
// lives in the global scope (state.Scope{}), keyed by bucket name; objects
// are keyed "bucket\x00key", so listing a prefix is an ordered range walk.
// Object bytes live in blob files named by generated ids (see blobs.go),
// never by key.
package s3

//go:generate go run ../../../codegen -model s3 -pkg s3 -out api_gen.go

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/service"
	"haneul/internal/state"
)

// sep separates a bucket name from an object key (and a key from a
// version) in table keys. Bucket names never contain it.
const sep = "\x00"

// global is the scope of every S3 record: bucket names are global.
var global = state.Scope{}

// Service is the S3 service.
type Service struct {
	db      *state.DB
	clock   clock.Clock
	log     *slog.Logger
	region  string
	blobs   *blobStore
	tempDir string              // the private blob directory of a memory store, removed on Close
	queues  Queues              // event notification destinations; nil sends nothing
	ids     *identity.Directory // resolves the credential of browser POST uploads
	topics  Topics

	buckets  *state.Table[bucketRec]
	owned    *state.Table[string]    // scope {owner}: bucket name → ""
	objects  *state.Table[objectRec] // "bucket\x00key" → current version
	versions *state.Table[objectRec] // "bucket\x00key\x00<inverted seq>" → noncurrent versions
	uploads  *state.Table[uploadRec] // "bucket\x00key\x00uploadId" → upload
	parts    *state.Table[partRec]   // "uploadId\x00%05d" → part
	// lifecycled indexes the buckets with lifecycle rules (name → their
	// LifecycleGen), so the sweeper visits only those.
	lifecycled *state.Table[uint64]

	sweepEvery time.Duration        // how often the lifecycle sweeper wakes
	sweptMu    sync.Mutex           // guards swept
	swept      map[string]sweepMark // bucket → the day and rules of its last sweep

	seqMu sync.Mutex
	seq   uint64 // last version sequence number handed out
}

// New returns the S3 service. Object bytes go beneath the store's data
// directory, or a private temporary directory when the store is in memory.
// Event notifications go to queues and topics (either may be nil).
func New(deps service.Deps, queues Queues, topics Topics) (*Service, error) {
	db := deps.Store.DB("s3")
	deps = deps.WithDefaults()
	clk := deps.Clock
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		db:       db,
		clock:    clk,
		log:      log,
		region:   deps.Region,
		queues:   queues,
		ids:      deps.Identity,
		topics:   topics,
		buckets:  state.NewTable[bucketRec](db, "buckets"),
		owned:    state.NewTable[string](db, "owned"),
		objects:  state.NewTable[objectRec](db, "objects"),
		versions: state.NewTable[objectRec](db, "versions"),
		uploads:  state.NewTable[uploadRec](db, "uploads"),
		parts:    state.NewTable[partRec](db, "parts"),

		lifecycled: state.NewTable[uint64](db, "lifecycled"),
		sweepEvery: 2 * time.Second,
		swept:      map[string]sweepMark{},
	}
	if s.region == "" {
		s.region = "us-east-1"
	}
	dir, durable := deps.Store.Dir(), true
	if dir == "" {
		tmp, err := os.MkdirTemp("", "haneul-s3-")
		if err != nil {
			return nil, fmt.Errorf("s3: blob directory: %w", err)
		}
		dir, durable, s.tempDir = tmp, false, tmp
	} else {
		dir = filepath.Join(dir, "s3")
	}
	b, err := newBlobStore(dir, durable)
	if err != nil {
		return nil, err
	}
	s.blobs = b
	return s, nil
}

// MustNew is New for callers that cannot handle an error at start-up.
func MustNew(deps service.Deps, queues Queues, topics Topics) *Service {
	s, err := New(deps, queues, topics)
	if err != nil {
		panic(err)
	}
	return s
}

// Name implements service.Service.
func (s *Service) Name() string { return "s3" }

// Handlers implements service.Service. Every handler runs behind guard,
// which applies presigned-URL expiry and anonymous access rules.
func (s *Service) Handlers() map[string]service.Handler {
	h := bind(s)
	for op, f := range h {
		h[op] = s.guard(op, f)
	}
	return h
}

// Start implements service.Starter: it removes blob files no record refers
// to (left by a crash between writing a blob and committing its record),
// and starts the lifecycle sweeper (lifecycle.go).
func (s *Service) Start(ctx context.Context) error {
	live := map[string]bool{}
	_ = s.db.View(func(tx *state.Tx) error {
		add := func(_ string, o objectRec) bool {
			for _, b := range o.Blobs {
				live[b.ID] = true
			}
			return true
		}
		s.objects.Ascend(tx, global, "", add)
		s.versions.Ascend(tx, global, "", add)
		s.parts.Ascend(tx, global, "", func(_ string, p partRec) bool {
			live[p.Blob.ID] = true
			return true
		})
		return nil
	})
	n := s.blobs.sweep(live)
	if n > 0 {
		s.log.Info("s3: removed orphaned blobs", "count", n)
	}
	go s.lifecycleSweeper(ctx)
	return nil
}

// Close implements service.Closer: a memory store's blob directory is removed.
func (s *Service) Close() error {
	if s.tempDir != "" {
		return os.RemoveAll(s.tempDir)
	}
	return nil
}

// nextSeq returns a new version sequence number: increasing, and above
// every number handed out before a restart (they start from the clock).
func (s *Service) nextSeq() uint64 {
	s.seqMu.Lock()
	defer s.seqMu.Unlock()
	n := uint64(time.Now().UnixNano())
	if n <= s.seq {
		n = s.seq + 1
	}
	s.seq = n
	return n
}
