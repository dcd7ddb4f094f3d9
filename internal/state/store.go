package state

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultSnapshotEvery is the journal size after which a snapshot is taken
// when Options.SnapshotEvery is zero.
const DefaultSnapshotEvery = 64 << 20

// ErrClosed is returned by writes to a closed Store.
var ErrClosed = errors.New("state: store closed")

// ErrLocked is returned by Open when another process has the directory open.
var ErrLocked = errors.New("state: directory in use by another process")

var errNotOpen = errors.New("state: store not open")

// Options configures a Store.
type Options struct {
	// Dir holds the journal and snapshots. "" keeps state in memory only.
	Dir string
	// Logger receives recovery and I/O messages. nil discards them.
	Logger *slog.Logger
	// SnapshotEvery: write a snapshot and start a fresh journal after this
	// many journal bytes (default DefaultSnapshotEvery).
	SnapshotEvery int64
}

const (
	phaseNew int32 = iota
	phaseOpen
	phaseClosed
)

// A Store holds the DBs of every service. Register tables with NewTable,
// then call Open; call Close when done.
type Store struct {
	opts Options
	log  *slog.Logger

	mu  sync.Mutex // guards dbs
	dbs map[string]*DB

	lifeMu   sync.Mutex // serializes Open and Close
	phase    atomic.Int32
	closeErr error
	lock     *os.File // the flocked LOCK file of opts.Dir
	j        *journal // nil in memory; set before phase becomes open

	snapMu   sync.Mutex     // serializes snapshots
	snapping atomic.Bool    // a background snapshot is pending
	bg       sync.WaitGroup // background snapshots
}

// New returns a Store configured by opts. Nothing is read until Open.
func New(opts Options) *Store {
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{opts: opts, log: log, dbs: make(map[string]*DB)}
}

// Dir is the data directory ("" in memory). Services that keep large blobs
// outside the journal (object bytes, function code) put them beneath it,
// each in a directory named after the service.
func (s *Store) Dir() string { return s.opts.Dir }

// DB returns the DB of service, creating it on first use. Every call with
// the same name returns the same pointer.
func (s *Store) DB(service string) *DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	db := s.dbs[service]
	if db == nil {
		db = newDB(s, service)
		s.dbs[service] = db
	}
	return db
}

// sortedDBs returns every DB ordered by name, the order in which locks of
// several DBs are taken.
func (s *Store) sortedDBs() []*DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	dbs := make([]*DB, 0, len(s.dbs))
	for _, db := range s.dbs {
		dbs = append(dbs, db)
	}
	slices.SortFunc(dbs, func(a, b *DB) int { return strings.Compare(a.name, b.name) })
	return dbs
}

func lockAll(dbs []*DB) {
	for _, db := range dbs {
		db.mu.Lock()
	}
}

func unlockAll(dbs []*DB) {
	for i := len(dbs) - 1; i >= 0; i-- {
		dbs[i].mu.Unlock()
	}
}

// writable reports whether the store accepts writes.
func (s *Store) writable() error {
	switch s.phase.Load() {
	case phaseNew:
		return errNotOpen
	case phaseClosed:
		return ErrClosed
	}
	return nil
}

// Open loads the latest snapshot and replays the journal after it, then
// starts the journal writer. A torn or corrupt record at the end of a
// journal ends its replay and is truncated away. If the journal held
// records, a fresh snapshot is written and a new journal started. With no
// Dir, Open only marks the store open.
func (s *Store) Open() error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.phase.Load() != phaseNew {
		return errors.New("state: Open called twice or after Close")
	}
	if s.opts.Dir != "" {
		if err := s.openDir(); err != nil {
			if s.lock != nil {
				unlockDir(s.lock)
				s.lock = nil
			}
			return err
		}
	}
	s.phase.Store(phaseOpen)
	return nil
}

// Close waits for running Updates, flushes the journal, writes a final
// snapshot and closes every file. Later Updates fail with ErrClosed; Views
// still read the in-memory state. Close is idempotent.
func (s *Store) Close() error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	switch s.phase.Load() {
	case phaseClosed:
		return s.closeErr
	case phaseNew:
		s.phase.Store(phaseClosed)
		return nil
	}
	s.snapMu.Lock()
	dbs := s.sortedDBs()
	lockAll(dbs)
	s.phase.Store(phaseClosed)
	var errs []error
	if s.j != nil {
		errs = append(errs, s.j.close())
		gen := s.j.generation() + 1
		if err := s.writeSnapshot(gen, s.capture(dbs)); err != nil {
			errs = append(errs, err)
		} else {
			s.removeJournalsBefore(gen)
		}
		if err := unlockDir(s.lock); err != nil {
			errs = append(errs, err)
		}
	}
	unlockAll(dbs)
	s.snapMu.Unlock()
	s.bg.Wait()
	s.closeErr = errors.Join(errs...)
	return s.closeErr
}

// Reset drops every record of the named services, or of all services if
// none are named, and returns once the reset is durable.
func (s *Store) Reset(services ...string) error {
	var dbs []*DB
	if len(services) == 0 {
		dbs = s.sortedDBs()
	} else {
		names := slices.Clone(services)
		slices.Sort(names)
		for _, name := range slices.Compact(names) {
			dbs = append(dbs, s.DB(name))
		}
	}
	lockAll(dbs)
	locked := true
	defer func() {
		if locked {
			unlockAll(dbs)
		}
	}()
	if err := s.writable(); err != nil {
		return err
	}
	var b *batch
	if s.j != nil {
		payload, err := encodeReset(services)
		if err != nil {
			return err
		}
		if b, err = s.j.append(payload); err != nil {
			return err
		}
	}
	for _, db := range dbs {
		db.clear()
	}
	locked = false
	unlockAll(dbs)
	if b == nil {
		return nil
	}
	return b.wait()
}

// encodeReset encodes a reset of services (all if none) as a record.
func encodeReset(services []string) ([]byte, error) {
	if len(services) == 0 {
		return []byte(`{"resetAll":true}`), nil
	}
	buf := []byte(`{"reset":[`)
	for i, name := range services {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = appendString(buf, name); err != nil {
			return nil, fmt.Errorf("state: reset: %w", err)
		}
	}
	return append(buf, "]}"...), nil
}

// apply replays one journal or snapshot record. The caller has exclusive
// access to the store.
func (s *Store) apply(r *record) error {
	switch {
	case r.ResetAll:
		for _, db := range s.sortedDBs() {
			db.clear()
		}
	case len(r.Reset) > 0:
		for _, name := range r.Reset {
			s.DB(name).clear()
		}
	case len(r.Ops) > 0:
		db := s.DB(r.Service)
		for i := range r.Ops {
			if err := db.table(r.Ops[i].Table).apply(&r.Ops[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
