package cloudwatch

import (
	"context"
	"strings"
	"time"

	"haneul/internal/state"
)

// pruneEvery is how often the retention pruner runs.
const pruneEvery = time.Hour

// pruneBatch bounds the records one pruning transaction deletes.
const pruneBatch = 5000

// pruneLoop deletes datapoints past the retention once an hour.
func (s *Service) pruneLoop(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.prune(ctx, s.clock.Now()); err != nil {
				s.log.Warn("cloudwatch: pruning datapoints failed", "err", err)
			}
		}
	}
}

// prune deletes the minutes of data older than the retention: the expiry
// index is ordered by minute, so this walks only what it deletes.
func (s *Service) prune(ctx context.Context, now time.Time) error {
	cutoff := minuteKey(now.Add(-retention).Unix())
	for {
		n := 0
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			for _, sc := range s.expiry.Scopes(tx) {
				var keys []string
				s.expiry.Ascend(tx, sc, "", func(key string, _ struct{}) bool {
					if key >= cutoff || n+len(keys) >= pruneBatch {
						return false
					}
					keys = append(keys, key)
					return true
				})
				for _, k := range keys {
					minute, id, _ := strings.Cut(k, "/")
					s.expiry.Delete(tx, sc, k)
					s.data.Delete(tx, sc, id+"/"+minute)
				}
				n += len(keys)
			}
			return nil
		})
		if err != nil || n < pruneBatch {
			return err
		}
	}
}
