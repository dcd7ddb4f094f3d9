package state

import (
	"context"
	"errors"
	"slices"
	"testing"
)

type user struct {
	Name string
	Age  int
	Tags []string `json:",omitempty"`
}

var (
	scA      = Scope{"111111111111", "us-east-1"}
	scB      = Scope{"111111111111", "us-west-2"}
	scC      = Scope{"222222222222", "us-east-1"}
	scGlobal = Scope{"111111111111", ""}
)

func newMemStore(t testing.TB) (*Store, *DB, *Table[user]) {
	t.Helper()
	s := New(Options{})
	db := s.DB("iam")
	users := NewTable[user](db, "users")
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, db, users
}

func put(t testing.TB, db *DB, tbl *Table[user], sc Scope, keys ...string) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *Tx) error {
		for _, k := range keys {
			tbl.Put(tx, sc, k, user{Name: k})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func collect(tx *Tx, walk func(tx *Tx, fn func(string, user) bool)) []string {
	var keys []string
	walk(tx, func(k string, v user) bool {
		if v.Name != k {
			panic("value does not match key " + k)
		}
		keys = append(keys, k)
		return true
	})
	return keys
}

func TestTableOps(t *testing.T) {
	s, db, users := newMemStore(t)
	if got := s.DB("iam"); got != db {
		t.Fatal("DB returned a different pointer for the same service")
	}
	put(t, db, users, scA, "b1", "a2", "a1")
	put(t, db, users, scB, "a1")
	put(t, db, users, scC, "c2", "c1")
	put(t, db, users, scGlobal, "x")

	tests := []struct {
		name string
		walk func(tx *Tx, fn func(string, user) bool)
		want []string
	}{
		{"Ascend A from start", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scA, "", fn) }, []string{"a1", "a2", "b1"}},
		{"Ascend A from a2", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scA, "a2", fn) }, []string{"a2", "b1"}},
		{"Ascend A from a10", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scA, "a10", fn) }, []string{"a2", "b1"}},
		{"Ascend A past end", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scA, "z", fn) }, nil},
		{"Ascend B", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scB, "", fn) }, []string{"a1"}},
		{"Ascend global", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, scGlobal, "", fn) }, []string{"x"}},
		{"Ascend unknown scope", func(tx *Tx, fn func(string, user) bool) { users.Ascend(tx, Scope{"333", "x"}, "", fn) }, nil},
		{"Descend A from the end", func(tx *Tx, fn func(string, user) bool) { users.Descend(tx, scA, "\xff", fn) }, []string{"b1", "a2", "a1"}},
		{"Descend A from a2", func(tx *Tx, fn func(string, user) bool) { users.Descend(tx, scA, "a2", fn) }, []string{"a2", "a1"}},
		{"Descend A from a10", func(tx *Tx, fn func(string, user) bool) { users.Descend(tx, scA, "a10", fn) }, []string{"a1"}},
		{"Descend A before start", func(tx *Tx, fn func(string, user) bool) { users.Descend(tx, scA, "", fn) }, nil},
		{"Descend B stays in scope", func(tx *Tx, fn func(string, user) bool) { users.Descend(tx, scB, "\xff", fn) }, []string{"a1"}},
		{"AscendPrefix A a", func(tx *Tx, fn func(string, user) bool) { users.AscendPrefix(tx, scA, "a", fn) }, []string{"a1", "a2"}},
		{"AscendPrefix A b", func(tx *Tx, fn func(string, user) bool) { users.AscendPrefix(tx, scA, "b", fn) }, []string{"b1"}},
		{"AscendPrefix A empty", func(tx *Tx, fn func(string, user) bool) { users.AscendPrefix(tx, scA, "", fn) }, []string{"a1", "a2", "b1"}},
		{"AscendPrefix B b", func(tx *Tx, fn func(string, user) bool) { users.AscendPrefix(tx, scB, "b", fn) }, nil},
		{"AscendPrefix C c", func(tx *Tx, fn func(string, user) bool) { users.AscendPrefix(tx, scC, "c", fn) }, []string{"c1", "c2"}},
		{"Ascend stops early", func(tx *Tx, fn func(string, user) bool) {
			n := 0
			users.Ascend(tx, scA, "", func(k string, v user) bool { n++; return fn(k, v) && n < 2 })
		}, []string{"a1", "a2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db.View(func(tx *Tx) error {
				if got := collect(tx, tt.walk); !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
				return nil
			})
		})
	}

	gets := []struct {
		sc   Scope
		key  string
		want bool
	}{
		{scA, "a1", true}, {scA, "a3", false}, {scB, "a1", true}, {scB, "a2", false},
		{scC, "c1", true}, {scGlobal, "x", true}, {Scope{"111111111111", "us-east-2"}, "a1", false},
	}
	db.View(func(tx *Tx) error {
		for _, g := range gets {
			v, ok := users.Get(tx, g.sc, g.key)
			if ok != g.want || (ok && v.Name != g.key) {
				t.Errorf("Get(%v, %q) = %v, %v; want found=%v", g.sc, g.key, v, ok, g.want)
			}
		}
		return nil
	})

	lens := map[Scope]int{scA: 3, scB: 1, scC: 2, scGlobal: 1, {"9", "9"}: 0}
	checkLens(t, db, users, lens)
	checkScopes(t, db, users, []Scope{scGlobal, scA, scB, scC})

	// Overwrite keeps Len; Delete drops it and empties scopes.
	err := db.Update(context.Background(), func(tx *Tx) error {
		users.Put(tx, scA, "a1", user{Name: "a1", Age: 7})
		if !users.Delete(tx, scB, "a1") {
			t.Error("Delete of an existing record returned false")
		}
		if users.Delete(tx, scB, "a1") {
			t.Error("second Delete returned true")
		}
		if _, ok := users.Get(tx, scB, "a1"); ok {
			t.Error("deleted record visible inside the transaction")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	lens[scB] = 0
	checkLens(t, db, users, lens)
	checkScopes(t, db, users, []Scope{scGlobal, scA, scC})
	db.View(func(tx *Tx) error {
		if v, _ := users.Get(tx, scA, "a1"); v.Age != 7 {
			t.Errorf("overwritten value = %+v", v)
		}
		return nil
	})
}

func checkLens(t *testing.T, db *DB, tbl *Table[user], want map[Scope]int) {
	t.Helper()
	db.View(func(tx *Tx) error {
		for sc, n := range want {
			if got := tbl.Len(tx, sc); got != n {
				t.Errorf("Len(%v) = %d, want %d", sc, got, n)
			}
			walked := 0
			tbl.Ascend(tx, sc, "", func(string, user) bool { walked++; return true })
			if walked != n {
				t.Errorf("Ascend(%v) walked %d records, want %d", sc, walked, n)
			}
		}
		return nil
	})
}

func checkScopes(t *testing.T, db *DB, tbl *Table[user], want []Scope) {
	t.Helper()
	db.View(func(tx *Tx) error {
		if got := tbl.Scopes(tx); !slices.Equal(got, want) {
			t.Errorf("Scopes = %v, want %v", got, want)
		}
		return nil
	})
}

func TestRollback(t *testing.T) {
	errBoom := errors.New("boom")
	mutate := func(tx *Tx, users *Table[user]) {
		users.Put(tx, scA, "new", user{Name: "new"})
		users.Put(tx, scA, "a1", user{Name: "a1", Age: 99})
		users.Delete(tx, scA, "a2")
		users.Delete(tx, scB, "b1")
		users.Put(tx, scC, "c1", user{Name: "c1"})
		users.Put(tx, scC, "c1", user{Name: "c1", Age: 1})
		if _, ok := users.Get(tx, scA, "new"); !ok {
			panic("own write not visible")
		}
	}
	tests := []struct {
		name string
		fn   func(tx *Tx, users *Table[user]) error
	}{
		{"error", func(tx *Tx, users *Table[user]) error { mutate(tx, users); return errBoom }},
		{"panic", func(tx *Tx, users *Table[user]) error { mutate(tx, users); panic(errBoom) }},
	}
	for _, dir := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name + "/memory"
			if dir {
				name = tt.name + "/dir"
			}
			t.Run(name, func(t *testing.T) {
				var db *DB
				var users *Table[user]
				if dir {
					f := openFixture(t, t.TempDir(), 0)
					db, users = f.db, f.users
				} else {
					_, db, users = newMemStore(t)
				}
				put(t, db, users, scA, "a1", "a2")
				put(t, db, users, scB, "b1")
				var err error
				func() {
					defer func() {
						if r := recover(); r != nil {
							if r != errBoom {
								t.Fatalf("re-raised panic %v, want %v", r, errBoom)
							}
							err = errBoom
						}
					}()
					err = db.Update(context.Background(), func(tx *Tx) error { return tt.fn(tx, users) })
				}()
				if !errors.Is(err, errBoom) {
					t.Fatalf("Update error = %v, want %v", err, errBoom)
				}
				checkLens(t, db, users, map[Scope]int{scA: 2, scB: 1, scC: 0})
				checkScopes(t, db, users, []Scope{scA, scB})
				db.View(func(tx *Tx) error {
					if v, _ := users.Get(tx, scA, "a1"); v.Age != 0 {
						t.Errorf("a1 = %+v after rollback", v)
					}
					return nil
				})
				// The lock was released: a later Update works.
				put(t, db, users, scA, "after")
			})
		}
	}
}

func TestViewCannotWrite(t *testing.T) {
	_, db, users := newMemStore(t)
	put(t, db, users, scA, "a1")
	for _, w := range []struct {
		name string
		fn   func(tx *Tx)
	}{
		{"Put", func(tx *Tx) { users.Put(tx, scA, "x", user{}) }},
		{"Delete", func(tx *Tx) { users.Delete(tx, scA, "a1") }},
	} {
		t.Run(w.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s in a View did not panic", w.name)
				}
			}()
			db.View(func(tx *Tx) error { w.fn(tx); return nil })
		})
	}
	checkLens(t, db, users, map[Scope]int{scA: 1})
}

func TestTxMisuse(t *testing.T) {
	s, db, users := newMemStore(t)
	other := s.DB("sqs")
	var leaked *Tx
	db.View(func(tx *Tx) error { leaked = tx; return nil })
	mustPanic(t, "use after end", func() { users.Get(leaked, scA, "k") })
	mustPanic(t, "other DB", func() {
		other.View(func(tx *Tx) error { users.Get(tx, scA, "k"); return nil })
	})
	mustPanic(t, "NewTable after Open", func() { NewTable[int](db, "late") })
}

func mustPanic(t *testing.T, name string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	fn()
}

func TestUpdateContextAndClosed(t *testing.T) {
	s, db, users := newMemStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.Update(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Update with canceled ctx = %v", err)
	}
	put(t, db, users, scA, "a")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := db.Update(context.Background(), func(tx *Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Update after Close = %v, want ErrClosed", err)
	}
	checkLens(t, db, users, map[Scope]int{scA: 1})
}
