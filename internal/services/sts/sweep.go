package sts

import (
	"context"
	"time"

	"haneul/internal/state"
)

// expiredGrace is how long credentials are remembered after they expire.
// Until then a request signed with them still acts as their principal;
// afterwards their key is unknown and acts as the default account.
const expiredGrace = time.Hour

// sweepEvery is how often expired sessions are dropped.
const sweepEvery = time.Minute

// expiryKey orders sessions by expiration: fixed-width UTC times sort as strings.
func expiryKey(t time.Time, keyID string) string {
	return t.UTC().Format("2006-01-02T15:04:05Z") + "/" + keyID
}

// Start runs the sweeper that forgets expired credentials, so memory and the
// journal do not grow with every AssumeRole ever made.
func (s *Service) Start(ctx context.Context) error {
	go func() {
		t := time.NewTicker(sweepEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := s.sweep(ctx); err != nil {
					s.logger.Warn("sts: sweep expired sessions", "err", err)
				}
			}
		}
	}()
	return nil
}

// sweep drops sessions whose grace period has passed, a bounded batch per
// transaction, reading only the due part of the expiry index.
func (s *Service) sweep(ctx context.Context) (int, error) {
	cutoff := expiryKey(s.clock.Now().Add(-expiredGrace), "")
	total := 0
	for {
		n := 0
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			var due []string
			s.expiring.Ascend(tx, global, "", func(k, _ string) bool {
				if k >= cutoff || len(due) == 1000 {
					return false
				}
				due = append(due, k)
				return true
			})
			for _, k := range due {
				keyID, _ := s.expiring.Get(tx, global, k)
				s.expiring.Delete(tx, global, k)
				s.sessions.Delete(tx, global, keyID)
			}
			n = len(due)
			return nil
		})
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}
