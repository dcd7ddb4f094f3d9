package state

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestConcurrency runs writers, readers, resets and background snapshots
// together (run it with -race), then checks the state, before and after a
// restart.
func TestConcurrency(t *testing.T) {
	for _, durable := range []bool{false, true} {
		name := "memory"
		if durable {
			name = "dir"
		}
		t.Run(name, func(t *testing.T) { testConcurrency(t, durable) })
	}
}

func testConcurrency(t *testing.T, durable bool) {
	dir := ""
	if durable {
		dir = t.TempDir()
	}
	f := openFixture(t, dir, 32<<10)
	const (
		writers = 8
		perW    = 150
	)
	scopes := []Scope{scA, scB, scC}
	errRollback := errors.New("rollback")
	want := make([]map[string]bool, writers) // per writer: live keys, all in scope of w%3

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		want[w] = map[string]bool{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := scopes[w%len(scopes)]
			for i := range perW {
				key := fmt.Sprintf("w%d-%04d", w, i)
				db, tbl := f.db, f.users
				err := db.Update(context.Background(), func(tx *Tx) error {
					tbl.Put(tx, sc, key, user{Name: key, Age: i})
					if i%5 == 4 {
						tbl.Delete(tx, sc, fmt.Sprintf("w%d-%04d", w, i-1))
					}
					if i%7 == 6 {
						return errRollback
					}
					return nil
				})
				switch {
				case err == nil:
					want[w][key] = true
					if i%5 == 4 {
						delete(want[w], fmt.Sprintf("w%d-%04d", w, i-1))
					}
				case !errors.Is(err, errRollback):
					t.Error(err)
					return
				}
				// Another DB, so that snapshots and resets see two.
				f.sqs.Update(context.Background(), func(tx *Tx) error {
					f.qs.Put(tx, sc, key, key)
					return nil
				})
			}
		}()
	}
	var rg sync.WaitGroup
	for range 2 {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				f.db.View(func(tx *Tx) error {
					if scs := f.users.Scopes(tx); len(scs) > 0 {
						sc := scs[i%len(scs)]
						n := 0
						f.users.Ascend(tx, sc, "", func(k string, v user) bool {
							if v.Name != k {
								t.Errorf("record %q holds %q", k, v.Name)
							}
							n++
							return true
						})
						if n != f.users.Len(tx, sc) {
							t.Errorf("scope %v: Ascend saw %d records, Len says %d", sc, n, f.users.Len(tx, sc))
						}
					}
					runtime.Gosched()
					return nil
				})
			}
		}()
	}
	rg.Add(1)
	go func() {
		defer rg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := f.s.Reset("sqs"); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	close(stop)
	rg.Wait()

	check := func(f *fixture) {
		t.Helper()
		for w := range writers {
			sc := scopes[w%len(scopes)]
			f.db.View(func(tx *Tx) error {
				n := 0
				f.users.AscendPrefix(tx, sc, fmt.Sprintf("w%d-", w), func(k string, v user) bool {
					if !want[w][k] {
						t.Errorf("unexpected record %s", k)
					}
					n++
					return true
				})
				if n != len(want[w]) {
					t.Errorf("writer %d: %d records, want %d", w, n, len(want[w]))
				}
				return nil
			})
		}
	}
	check(f)
	if !durable {
		return
	}
	if err := f.s.Close(); err != nil {
		t.Fatal(err)
	}
	check(openFixture(t, dir, 0))
}
