package state

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

func BenchmarkUpdate(b *testing.B) {
	run := func(b *testing.B, dir string, parallel bool) {
		f := openFixture(b, dir, 0)
		var n atomic.Int64
		update := func() {
			key := fmt.Sprintf("k%09d", n.Add(1))
			err := f.db.Update(context.Background(), func(tx *Tx) error {
				f.users.Put(tx, scA, key, user{Name: key, Age: 1})
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		if !parallel {
			for b.Loop() {
				update()
			}
			return
		}
		b.SetParallelism(32) // 32 goroutines per CPU: group commit
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				update()
			}
		})
	}
	b.Run("memory", func(b *testing.B) { run(b, "", false) })
	b.Run("memory-parallel", func(b *testing.B) { run(b, "", true) })
	b.Run("dir", func(b *testing.B) { run(b, b.TempDir(), false) })
	b.Run("dir-parallel", func(b *testing.B) { run(b, b.TempDir(), true) })
}

// loaded returns a memory store with n records spread over 10 scopes.
func loaded(b *testing.B, n int) (*DB, *Table[user], []Scope, []string) {
	_, db, users := newMemStore(b)
	scopes := make([]Scope, 10)
	for i := range scopes {
		scopes[i] = Scope{fmt.Sprintf("%012d", i), "us-east-1"}
	}
	keys := make([]string, n/len(scopes))
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%08d", i)
	}
	db.Update(context.Background(), func(tx *Tx) error {
		for _, sc := range scopes {
			for _, k := range keys {
				users.Put(tx, sc, k, user{Name: k})
			}
		}
		return nil
	})
	return db, users, scopes, keys
}

func BenchmarkGet(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db, users, scopes, keys := loaded(b, n)
			b.ReportAllocs()
			for b.Loop() {
				sc, k := scopes[rand.IntN(len(scopes))], keys[rand.IntN(len(keys))]
				db.View(func(tx *Tx) error {
					if _, ok := users.Get(tx, sc, k); !ok {
						b.Fatal("missing")
					}
					return nil
				})
			}
		})
	}
}

// BenchmarkAscend lists a page of 100 records of one scope from a random key.
func BenchmarkAscend(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db, users, scopes, keys := loaded(b, n)
			b.ReportAllocs()
			for b.Loop() {
				sc, from := scopes[rand.IntN(len(scopes))], keys[rand.IntN(len(keys))]
				db.View(func(tx *Tx) error {
					i := 0
					users.Ascend(tx, sc, from, func(string, user) bool { i++; return i < 100 })
					return nil
				})
			}
		})
	}
}
