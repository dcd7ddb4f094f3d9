package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/btree"
)

// btreeDegree is the branching factor of every table's btree.
const btreeDegree = 32

// A Table is a typed, ordered set of records of one DB. Records are keyed by
// (Scope, key) and ordered by account, region, then key.
//
// Values are stored as T and returned without copying: every value read from
// a Table is shared and must be treated as immutable. To change a record, Put
// a modified copy. A Table must not be mutated from inside one of its own
// Ascend or AscendPrefix callbacks.
type Table[T any] struct {
	db     *DB
	name   string
	tree   *btree.BTreeG[entry[T]]
	counts map[Scope]int // records per scope; scopes with none are absent
}

type entry[T any] struct {
	sc  Scope
	key string
	v   T
}

func lessEntry[T any](a, b entry[T]) bool {
	if c := compareScope(a.sc, b.sc); c != 0 {
		return c < 0
	}
	return a.key < b.key
}

// NewTable registers the table name of db and returns it. It must be called
// before the Store is opened, once per name; it panics otherwise. T must
// round-trip through encoding/json.
func NewTable[T any](db *DB, name string) *Table[T] {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.s.phase.Load() != phaseNew {
		panic(fmt.Sprintf("state: NewTable(%s/%s) after Store.Open", db.name, name))
	}
	if _, dup := db.tables[name]; dup {
		panic(fmt.Sprintf("state: table %s/%s registered twice", db.name, name))
	}
	t := newTable[T](db, name)
	db.tables[name] = t
	return t
}

func newTable[T any](db *DB, name string) *Table[T] {
	return &Table[T]{
		db:     db,
		name:   name,
		tree:   btree.NewG(btreeDegree, lessEntry[T]),
		counts: make(map[Scope]int),
	}
}

// Get returns the record of sc with the given key.
func (t *Table[T]) Get(tx *Tx, sc Scope, key string) (T, bool) {
	tx.check(t.db, false)
	e, ok := t.tree.Get(entry[T]{sc: sc, key: key})
	return e.v, ok
}

// Put stores v as the record of sc with the given key, replacing any record
// there. It panics if tx is a View transaction.
func (t *Table[T]) Put(tx *Tx, sc Scope, key string, v T) {
	tx.check(t.db, true)
	old, had := t.tree.ReplaceOrInsert(entry[T]{sc: sc, key: key, v: v})
	if had {
		tx.undo = append(tx.undo, func() { t.tree.ReplaceOrInsert(old) })
	} else {
		t.counts[sc]++
		tx.undo = append(tx.undo, func() { t.remove(sc, key) })
	}
	if tx.durable {
		tx.ops = append(tx.ops, txOp{t: t, sc: sc, key: key, v: v})
	}
}

// Delete removes the record of sc with the given key and reports whether
// there was one. It panics if tx is a View transaction.
func (t *Table[T]) Delete(tx *Tx, sc Scope, key string) bool {
	tx.check(t.db, true)
	old, had := t.tree.Delete(entry[T]{sc: sc, key: key})
	if !had {
		return false
	}
	t.dec(sc)
	tx.undo = append(tx.undo, func() { t.insert(old) })
	if tx.durable {
		tx.ops = append(tx.ops, txOp{t: t, sc: sc, key: key, del: true})
	}
	return true
}

// Ascend calls fn for each record of scope sc with key >= from, in key
// order, until fn returns false.
func (t *Table[T]) Ascend(tx *Tx, sc Scope, from string, fn func(key string, v T) bool) {
	tx.check(t.db, false)
	t.tree.AscendGreaterOrEqual(entry[T]{sc: sc, key: from}, func(e entry[T]) bool {
		return e.sc == sc && fn(e.key, e.v)
	})
}

// Descend calls fn for each record of scope sc with key <= from, in reverse
// key order, until fn returns false: a backwards page is a seek and a walk,
// as a forward one is.
func (t *Table[T]) Descend(tx *Tx, sc Scope, from string, fn func(key string, v T) bool) {
	tx.check(t.db, false)
	t.tree.DescendLessOrEqual(entry[T]{sc: sc, key: from}, func(e entry[T]) bool {
		return e.sc == sc && fn(e.key, e.v)
	})
}

// AscendPrefix calls fn for each record of scope sc whose key has the given
// prefix, in key order, until fn returns false.
func (t *Table[T]) AscendPrefix(tx *Tx, sc Scope, prefix string, fn func(key string, v T) bool) {
	tx.check(t.db, false)
	t.tree.AscendGreaterOrEqual(entry[T]{sc: sc, key: prefix}, func(e entry[T]) bool {
		return e.sc == sc && strings.HasPrefix(e.key, prefix) && fn(e.key, e.v)
	})
}

// Scopes returns the scopes that hold records of this table, ordered by
// account then region.
func (t *Table[T]) Scopes(tx *Tx) []Scope {
	tx.check(t.db, false)
	scopes := make([]Scope, 0, len(t.counts))
	for sc := range t.counts {
		scopes = append(scopes, sc)
	}
	slices.SortFunc(scopes, compareScope)
	return scopes
}

// Len returns the number of records in scope sc.
func (t *Table[T]) Len(tx *Tx, sc Scope) int {
	tx.check(t.db, false)
	return t.counts[sc]
}

func (t *Table[T]) insert(e entry[T]) {
	if _, had := t.tree.ReplaceOrInsert(e); !had {
		t.counts[e.sc]++
	}
}

func (t *Table[T]) remove(sc Scope, key string) {
	if _, had := t.tree.Delete(entry[T]{sc: sc, key: key}); had {
		t.dec(sc)
	}
}

func (t *Table[T]) dec(sc Scope) {
	if n := t.counts[sc] - 1; n > 0 {
		t.counts[sc] = n
	} else {
		delete(t.counts, sc)
	}
}

// The methods below implement table, the untyped view a DB has of its tables.

func (t *Table[T]) encode(v any) ([]byte, error) { return marshalValue(v.(T)) }

func (t *Table[T]) apply(o *op) error {
	sc := Scope{Account: o.Account, Region: o.Region}
	if o.Delete {
		t.remove(sc, o.Key)
		return nil
	}
	var v T
	raw := o.Value
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("table %s/%s key %q: %w", t.db.name, t.name, o.Key, err)
	}
	t.insert(entry[T]{sc: sc, key: o.Key, v: v})
	return nil
}

func (t *Table[T]) clear() {
	t.tree = btree.NewG(btreeDegree, lessEntry[T])
	t.counts = make(map[Scope]int)
}

func (t *Table[T]) image() tableImage {
	tree := t.tree.Clone()
	return tableImage{
		service: t.db.name,
		table:   t.name,
		each: func(fn func(sc Scope, key string, v []byte) error) error {
			var err error
			tree.Ascend(func(e entry[T]) bool {
				var b []byte
				if b, err = marshalValue(e.v); err != nil {
					err = fmt.Errorf("table %s/%s key %q: %w", t.db.name, t.name, e.key, err)
					return false
				}
				err = fn(e.sc, e.key, b)
				return err == nil
			})
			return err
		},
	}
}

// marshalValue encodes v as JSON. Raw values (tables nobody registered) are
// written back as they were read.
func marshalValue[T any](v T) ([]byte, error) {
	if raw, ok := any(v).(json.RawMessage); ok && raw != nil {
		return raw, nil
	}
	return json.Marshal(v)
}

// table is what a DB knows of a Table[T] without knowing T.
type table interface {
	tableName() string
	encode(v any) ([]byte, error) // v is a T
	apply(o *op) error            // replay a journal or snapshot operation
	clear()                       // drop every record
	image() tableImage            // a consistent copy for a snapshot; needs the write lock
}

// tableImage is a point-in-time copy of a table, readable without locks.
type tableImage struct {
	service, table string
	each           func(fn func(sc Scope, key string, v []byte) error) error
}

func (t *Table[T]) tableName() string { return t.name }
