package dynamodb

import (
	"context"
	"fmt"

	"haneul/internal/state"
)

// sizeStats is what DescribeTable reports for a table or an index: how many
// items it holds and their size in bytes. write keeps it current with every
// change, so describing a table costs the same at ten items and ten million.
//
// AWS refreshes ItemCount and TableSizeBytes about every six hours; haneul's
// are exact at every moment, which is one of the values AWS could show.
type sizeStats struct {
	Count int64
	Bytes int64
}

// tableStatsKey and indexStatsKey are the keys of stats; both start with
// "table\x00" so DeleteTable's prefix deletion removes them.
func tableStatsKey(table string) string        { return table + sep }
func indexStatsKey(table, index string) string { return table + sep + index }

// countItems moves the stats at key from old to nu (either may be nil: an
// insert or a delete).
func (s *Service) countItems(tx *state.Tx, sc state.Scope, key string, old, nu Item) {
	if old == nil && nu == nil {
		return
	}
	st, _ := s.stats.Get(tx, sc, key)
	if old != nil {
		st.Count--
		st.Bytes -= int64(itemSize(old))
	}
	if nu != nil {
		st.Count++
		st.Bytes += int64(itemSize(nu))
	}
	s.stats.Put(tx, sc, key, st)
}

// statsOf returns the stats at key.
func (s *Service) statsOf(tx *state.Tx, sc state.Scope, key string) sizeStats {
	st, _ := s.stats.Get(tx, sc, key)
	return st
}

// backfillStats counts the items of tables that have no stats yet: tables
// written by a haneul that did not keep them. It runs once at start, off
// every request path.
func (s *Service) backfillStats(ctx context.Context) error {
	type todo struct {
		sc state.Scope
		t  tableRec
	}
	var missing []todo
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.tables.Scopes(tx) {
			s.tables.Ascend(tx, sc, "", func(_ string, t tableRec) bool {
				if _, ok := s.stats.Get(tx, sc, tableStatsKey(t.Name)); !ok {
					missing = append(missing, todo{sc, t})
				}
				return true
			})
		}
		return nil
	})
	for _, m := range missing {
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			t := m.t
			var st sizeStats
			s.items.AscendPrefix(tx, m.sc, t.Name+sep, func(_ string, it Item) bool {
				st.Count++
				st.Bytes += int64(itemSize(it))
				return true
			})
			s.stats.Put(tx, m.sc, tableStatsKey(t.Name), st)
			for _, ixs := range [][]indexRec{t.GSIs, t.LSIs} {
				for i := range ixs {
					s.backfillIndexStats(tx, m.sc, &t, &ixs[i])
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("dynamodb: counting the items of %s: %w", m.t.Name, err)
		}
	}
	return nil
}

// backfillIndexStats counts the entries of index ix from scratch.
func (s *Service) backfillIndexStats(tx *state.Tx, sc state.Scope, t *tableRec, ix *indexRec) {
	var st sizeStats
	s.indexes.AscendPrefix(tx, sc, t.Name+sep+ix.Name+sep, func(_ string, pk string) bool {
		if it, ok := s.items.Get(tx, sc, t.Name+sep+pk); ok {
			st.Count++
			st.Bytes += int64(itemSize(projectIndex(t, ix, it)))
		}
		return true
	})
	s.stats.Put(tx, sc, indexStatsKey(t.Name, ix.Name), st)
}
