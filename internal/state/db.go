package state

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// A DB is the state of one service: a set of tables sharing one lock. Many
// View transactions may run at once; Update transactions run one at a time
// and exclude Views while their function runs (but not while the commit is
// being fsynced).
type DB struct {
	s    *Store
	name string

	mu     sync.RWMutex
	tables map[string]table // registered tables plus raw ones found on disk
}

func newDB(s *Store, name string) *DB {
	return &DB{s: s, name: name, tables: make(map[string]table)}
}

// A Tx is a transaction of one DB, valid only during the function passed to
// View or Update and only on the goroutine running it.
type Tx struct {
	db      *DB
	write   bool
	done    bool
	durable bool     // record ops for the journal
	undo    []func() // rollback log, applied in reverse
	ops     []txOp   // journal operations, in order
}

// txOp is one mutation of an Update, to be encoded into the journal.
type txOp struct {
	t   table
	sc  Scope
	key string
	v   any // the T stored; nil for a delete
	del bool
}

func (tx *Tx) check(db *DB, write bool) {
	switch {
	case tx.done:
		panic("state: transaction used after it ended")
	case tx.db != db:
		panic(fmt.Sprintf("state: table of DB %q used in a transaction of DB %q", db.name, tx.db.name))
	case write && !tx.write:
		panic("state: write in a View transaction")
	}
}

func (tx *Tx) rollback() {
	for i := len(tx.undo) - 1; i >= 0; i-- {
		tx.undo[i]()
	}
	tx.undo, tx.ops = nil, nil
}

// View runs fn with a read-only transaction and returns its error. Writes
// inside fn panic. View never waits for a journal fsync.
func (db *DB) View(fn func(tx *Tx) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	tx := &Tx{db: db}
	defer func() { tx.done = true }()
	return fn(tx)
}

// Update runs fn under the DB's write lock. Mutations apply to memory at once
// (reads inside fn see them). If fn returns an error or panics, every
// mutation it made is rolled back, and the error is returned or the panic
// re-raised.
//
// On success the mutations become one journal record, appended in commit
// order while the lock is held; the lock is then released and Update returns
// once the record is fsynced. An error from the journal means the commit is
// not known to be durable, though its effects stay visible in memory.
//
// ctx is checked before fn runs; a commit is never abandoned halfway. fn must
// not call View or Update of the same DB.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.mu.Lock()
	tx := &Tx{db: db, write: true}
	locked := true
	defer func() {
		// Reached with the lock held on error returns and on panics.
		if locked {
			tx.rollback()
			tx.done = true
			db.mu.Unlock()
		}
	}()
	if err := db.s.writable(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	j := db.s.j
	tx.durable = j != nil
	if err := fn(tx); err != nil {
		return err
	}
	var b *batch
	if len(tx.ops) > 0 {
		payload, err := encodeTx(db.name, tx.ops)
		if err != nil {
			return fmt.Errorf("state: commit %s: %w", db.name, err)
		}
		if b, err = j.append(payload); err != nil {
			return err
		}
	}
	tx.done, tx.undo, tx.ops = true, nil, nil
	locked = false
	db.mu.Unlock()
	if b == nil {
		return nil
	}
	return b.wait()
}

// clear drops every record of every table of db. The caller holds db.mu.
func (db *DB) clear() {
	for _, t := range db.tables {
		t.clear()
	}
}

// table returns the table called name, creating a raw one for records of a
// table nobody registered. The caller must have exclusive access to db.
func (db *DB) table(name string) table {
	t := db.tables[name]
	if t == nil {
		db.s.log.Info("state: keeping records of unregistered table", "service", db.name, "table", name)
		t = newTable[rawValue](db, name)
		db.tables[name] = t
	}
	return t
}

// images copies every table of db for a snapshot. The caller holds db.mu.
func (db *DB) images() []tableImage {
	names := make([]string, 0, len(db.tables))
	for name := range db.tables {
		names = append(names, name)
	}
	slices.Sort(names)
	imgs := make([]tableImage, 0, len(names))
	for _, name := range names {
		imgs = append(imgs, db.tables[name].image())
	}
	return imgs
}
