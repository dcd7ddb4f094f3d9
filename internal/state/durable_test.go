package state

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fixture is a Store on a directory with a few registered tables.
type fixture struct {
	s     *Store
	db    *DB // "iam"
	users *Table[user]
	sqs   *DB
	qs    *Table[string]
	log   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newFixture(dir string, every int64) *fixture {
	f := &fixture{log: new(syncBuffer)}
	f.s = New(Options{
		Dir:           dir,
		SnapshotEvery: every,
		Logger:        slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	f.db = f.s.DB("iam")
	f.users = NewTable[user](f.db, "users")
	f.sqs = f.s.DB("sqs")
	f.qs = NewTable[string](f.sqs, "queues")
	return f
}

// openFixture opens a fixture on dir and closes it at the end of the test.
func openFixture(t testing.TB, dir string, every int64) *fixture {
	t.Helper()
	f := newFixture(dir, every)
	if err := f.s.Open(); err != nil {
		t.Fatalf("Open: %v\nlog:\n%s", err, f.log)
	}
	t.Cleanup(func() { f.s.Close() })
	return f
}

// crash stops the store as a killed process would leave it: whatever was
// acknowledged is in the journal, and no snapshot is written.
func crash(t testing.TB, s *Store) {
	t.Helper()
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	s.phase.Store(phaseClosed)
	s.j.close()
	unlockDir(s.lock)
}

func (f *fixture) keys(t testing.TB, sc Scope) []string {
	t.Helper()
	var keys []string
	f.db.View(func(tx *Tx) error {
		f.users.Ascend(tx, sc, "", func(k string, v user) bool {
			if v.Name != k {
				t.Errorf("record %q holds %+v", k, v)
			}
			keys = append(keys, k)
			return true
		})
		return nil
	})
	return keys
}

func putOne(t testing.TB, f *fixture, sc Scope, key string) {
	t.Helper()
	put(t, f.db, f.users, sc, key)
}

func seq(prefix string, n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return keys
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	f := openFixture(t, dir, 0)
	put(t, f.db, f.users, scA, "alice", "bob")
	err := f.sqs.Update(context.Background(), func(tx *Tx) error {
		f.qs.Put(tx, scC, "q1", "https://q1")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.db.Update(context.Background(), func(tx *Tx) error {
		f.users.Put(tx, scGlobal, "tags", user{Name: "tags", Age: 3, Tags: []string{"x", "\"quoted\"\n"}})
		return nil
	})
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}

	g := openFixture(t, dir, 0)
	if got := g.keys(t, scA); strings.Join(got, ",") != "alice,bob" {
		t.Errorf("after reopen: %q", got)
	}
	g.db.View(func(tx *Tx) error {
		if v, _ := g.users.Get(tx, scGlobal, "tags"); v.Age != 3 || len(v.Tags) != 2 || v.Tags[1] != "\"quoted\"\n" {
			t.Errorf("tags = %+v", v)
		}
		return nil
	})
	g.sqs.View(func(tx *Tx) error {
		if v, ok := g.qs.Get(tx, scC, "q1"); !ok || v != "https://q1" {
			t.Errorf("q1 = %q, %v", v, ok)
		}
		return nil
	})
}

func TestSnapshotAndJournal(t *testing.T) {
	dir := t.TempDir()
	f := openFixture(t, dir, 0)
	put(t, f.db, f.users, scA, "a", "b", "c")
	if err := f.s.Close(); err != nil { // snapshot holds a, b, c
		t.Fatal(err)
	}
	g := openFixture(t, dir, 0)
	putOne(t, g, scA, "d")
	g.db.Update(context.Background(), func(tx *Tx) error {
		g.users.Delete(tx, scA, "a")
		g.users.Put(tx, scB, "e", user{Name: "e"})
		return nil
	})
	crash(t, g.s) // journal holds d, -a, e
	if _, err := os.Stat(filepath.Join(dir, snapshotName)); err != nil {
		t.Fatal(err)
	}
	h := openFixture(t, dir, 0)
	if got := strings.Join(h.keys(t, scA), ","); got != "b,c,d" {
		t.Errorf("scope A = %q, want b,c,d", got)
	}
	if got := strings.Join(h.keys(t, scB), ","); got != "e" {
		t.Errorf("scope B = %q, want e", got)
	}
}

func TestBackgroundSnapshots(t *testing.T) {
	dir := t.TempDir()
	f := openFixture(t, dir, 2<<10)
	want := map[string]bool{}
	for i, k := range seq("k", 400) {
		putOne(t, f, scA, k)
		want[k] = true
		if i%3 == 0 {
			del := fmt.Sprintf("k%04d", i/2)
			f.db.Update(context.Background(), func(tx *Tx) error { f.users.Delete(tx, scA, del); return nil })
			delete(want, del)
		}
	}
	f.s.bg.Wait()
	gen := f.s.j.generation()
	if gen < 5 {
		t.Errorf("journal generation %d: expected several snapshots", gen)
	}
	crash(t, f.s)
	gens, _ := journalGens(dir)
	t.Logf("generation %d, journals left %v", gen, gens)
	g := openFixture(t, dir, 2<<10)
	got := g.keys(t, scA)
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
	for _, k := range got {
		if !want[k] {
			t.Errorf("unexpected record %q", k)
		}
	}
}

func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	f := openFixture(t, dir, 0)
	keys := seq("k", 10)
	for _, k := range keys {
		putOne(t, f, scA, k)
	}
	crash(t, f.s)
	gens, _ := journalGens(dir)
	if len(gens) != 1 {
		t.Fatalf("journals %v", gens)
	}
	path := f.s.journalPath(gens[0])
	offs := frameOffsets(t, path)
	if len(offs) != 11 {
		t.Fatalf("journal has %d frames, want 10", len(offs)-1)
	}
	// Cut the last record in the middle, then append garbage after it.
	lastStart, end := offs[9], offs[10]
	if err := os.Truncate(path, lastStart+(end-lastStart)/2); err != nil {
		t.Fatal(err)
	}
	fh, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	fh.Write([]byte("\x10\x00\x00\x00garbage garbage garbage"))
	fh.Close()

	t.Run("repair", func(t *testing.T) {
		// Replay a copy with a bare store, to see the file repaired.
		cp := filepath.Join(t.TempDir(), "journal")
		b, _ := os.ReadFile(path)
		os.WriteFile(cp, b, 0o644)
		s := New(Options{})
		n, err := s.replayJournal(cp)
		if err != nil || n != 9 {
			t.Fatalf("replay = %d, %v; want 9 records", n, err)
		}
		if fi, _ := os.Stat(cp); fi.Size() != lastStart {
			t.Errorf("repaired journal is %d bytes, want %d", fi.Size(), lastStart)
		}
	})

	g := openFixture(t, dir, 0)
	if got := g.keys(t, scA); strings.Join(got, ",") != strings.Join(keys[:9], ",") {
		t.Errorf("after torn tail: %q", got)
	}
	if !strings.Contains(g.log.String(), "truncating torn journal tail") {
		t.Errorf("no log line about the torn tail:\n%s", g.log)
	}
	putOne(t, g, scA, "after")
	if err := g.s.Close(); err != nil {
		t.Fatal(err)
	}
	h := openFixture(t, dir, 0)
	if got := h.keys(t, scA); strings.Join(got, ",") != "after,"+strings.Join(keys[:9], ",") {
		t.Errorf("second reopen: %q", got)
	}
	if strings.Contains(h.log.String(), "torn") {
		t.Errorf("second reopen found a torn tail again:\n%s", h.log)
	}
}

// frameOffsets returns the offset of each frame of a journal, then its end.
func frameOffsets(t *testing.T, path string) []int64 {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	fi, _ := fh.Stat()
	r := bufio.NewReader(fh)
	offs := []int64{0}
	var off int64
	for {
		p, err := readFrame(r, fi.Size()-off, nil)
		if err != nil {
			return offs
		}
		off += int64(frameHeader + len(p))
		offs = append(offs, off)
	}
}

func TestResetSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	f := openFixture(t, dir, 0)
	put(t, f.db, f.users, scA, "a", "b")
	f.sqs.Update(context.Background(), func(tx *Tx) error { f.qs.Put(tx, scA, "q", "v"); return nil })
	if err := f.s.Reset("iam"); err != nil {
		t.Fatal(err)
	}
	putOne(t, f, scB, "after-reset")
	crash(t, f.s)

	g := openFixture(t, dir, 0)
	if got := g.keys(t, scA); len(got) != 0 {
		t.Errorf("iam after Reset: %q", got)
	}
	if got := g.keys(t, scB); len(got) != 1 {
		t.Errorf("write after Reset lost: %q", got)
	}
	g.sqs.View(func(tx *Tx) error {
		if g.qs.Len(tx, scA) != 1 {
			t.Error("Reset(iam) dropped sqs records")
		}
		return nil
	})
	if err := g.s.Reset(); err != nil {
		t.Fatal(err)
	}
	crash(t, g.s)
	h := openFixture(t, dir, 0)
	h.sqs.View(func(tx *Tx) error {
		if n := h.qs.Len(tx, scA); n != 0 {
			t.Errorf("sqs has %d records after Reset()", n)
		}
		return nil
	})
	if got := h.keys(t, scB); len(got) != 0 {
		t.Errorf("iam after Reset(): %q", got)
	}
}

func TestUnregisteredTablesKept(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(dir, 0)
	old := NewTable[user](f.s.DB("retired"), "things")
	extra := NewTable[int](f.db, "extra")
	if err := f.s.Open(); err != nil {
		t.Fatal(err)
	}
	f.s.DB("retired").Update(context.Background(), func(tx *Tx) error {
		old.Put(tx, scA, "t1", user{Name: "t1", Age: 5})
		return nil
	})
	f.db.Update(context.Background(), func(tx *Tx) error { extra.Put(tx, scA, "n", 42); return nil })
	crash(t, f.s) // records in the journal

	// Open without those tables: replay keeps them raw, Close snapshots them.
	g := openFixture(t, dir, 0)
	if err := g.s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := openFixture(t, dir, 0).s.Close(); err != nil { // and once more from the snapshot
		t.Fatal(err)
	}

	h := newFixture(dir, 0)
	old = NewTable[user](h.s.DB("retired"), "things")
	extra = NewTable[int](h.db, "extra")
	if err := h.s.Open(); err != nil {
		t.Fatal(err)
	}
	defer h.s.Close()
	h.s.DB("retired").View(func(tx *Tx) error {
		if v, ok := old.Get(tx, scA, "t1"); !ok || v.Age != 5 {
			t.Errorf("retired/things t1 = %+v, %v", v, ok)
		}
		return nil
	})
	h.db.View(func(tx *Tx) error {
		if v, ok := extra.Get(tx, scA, "n"); !ok || v != 42 {
			t.Errorf("iam/extra n = %v, %v", v, ok)
		}
		return nil
	})
}

func TestSecondOpenFails(t *testing.T) {
	dir := t.TempDir()
	openFixture(t, dir, 0)
	f := newFixture(dir, 0)
	err := f.s.Open()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	t.Logf("second Open: %v", err)
}

func TestJournalWriteFailure(t *testing.T) {
	f := openFixture(t, t.TempDir(), 0)
	putOne(t, f, scA, "ok")
	f.s.j.f.Close() // the writer's next write fails
	errA := f.db.Update(context.Background(), func(tx *Tx) error { f.users.Put(tx, scA, "a", user{Name: "a"}); return nil })
	if errA == nil {
		t.Fatal("Update succeeded with a broken journal")
	}
	errB := f.db.Update(context.Background(), func(tx *Tx) error { f.users.Put(tx, scA, "b", user{Name: "b"}); return nil })
	if errB == nil {
		t.Fatal("second Update succeeded with a broken journal")
	}
	if got := f.keys(t, scA); strings.Join(got, ",") != "a,ok" {
		t.Errorf("records %q: the refused commit should have been rolled back", got)
	}
	t.Logf("first: %v; second: %v", errA, errB)
}

func TestInvalidUTF8Key(t *testing.T) {
	f := openFixture(t, t.TempDir(), 0)
	err := f.db.Update(context.Background(), func(tx *Tx) error {
		f.users.Put(tx, scA, "bad\xff", user{})
		return nil
	})
	if !errors.Is(err, errInvalidUTF8) {
		t.Fatalf("Update = %v, want errInvalidUTF8", err)
	}
	if got := f.keys(t, scA); len(got) != 0 {
		t.Errorf("records %q after a refused commit", got)
	}
}
