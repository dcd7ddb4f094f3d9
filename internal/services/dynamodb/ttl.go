package dynamodb

import (
	"context"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// UpdateTimeToLive enables or disables TTL on an attribute. Enabling indexes
// the table's items by expiry, so the sweeper finds expired items by a range
// walk, never a scan.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
func (s *Service) UpdateTimeToLive(ctx context.Context, in *UpdateTimeToLiveInput) (*UpdateTimeToLiveOutput, error) {
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	spec := in.TimeToLiveSpecification
	attr, enable := ptr.Val(spec.AttributeName), ptr.Val(spec.Enabled)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return errNoResource
		}
		switch {
		case enable && t.TTLEnabled:
			return validation("TimeToLive is already enabled")
		case !enable && !t.TTLEnabled:
			return validation("TimeToLive is already disabled")
		case !enable && t.TTLAttr != attr:
			return validation("TimeToLive is active on a different AttributeName: current AttributeName is %s", t.TTLAttr)
		}
		t = t.clone()
		t.TTLEnabled, t.TTLAttr = enable, attr
		s.tables.Put(tx, sc, name, t)
		if !enable {
			prefixDeleter[string]{s.expiry}.deletePrefix(tx, sc, name+sep)
			return nil
		}
		s.items.AscendPrefix(tx, sc, name+sep, func(key string, it Item) bool {
			if secs, ok := ttlOf(&t, it); ok {
				pk := strings.TrimPrefix(key, name+sep)
				s.expiry.Put(tx, sc, expiryKey(name, secs, pk), pk)
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateTimeToLiveOutput{TimeToLiveSpecification: &TimeToLiveSpecification{AttributeName: ptr.To(attr), Enabled: ptr.To(enable)}}, nil
}

// DescribeTimeToLive reports a table's TTL setting.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html
func (s *Service) DescribeTimeToLive(ctx context.Context, in *DescribeTimeToLiveInput) (*DescribeTimeToLiveOutput, error) {
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	var out *DescribeTimeToLiveOutput
	err := s.db.View(func(tx *state.Tx) error {
		t, ok := s.tables.Get(tx, sc, name)
		if !ok {
			return errNoResource
		}
		d := &TimeToLiveDescription{TimeToLiveStatus: ptr.To("DISABLED")}
		if t.TTLEnabled {
			d = &TimeToLiveDescription{TimeToLiveStatus: ptr.To("ENABLED"), AttributeName: ptr.To(t.TTLAttr)}
		}
		out = &DescribeTimeToLiveOutput{TimeToLiveDescription: d}
		return nil
	})
	return out, err
}

// ttlHorizon: AWS does not delete items whose expiry is more than five
// years in the past (the attribute is probably not epoch seconds).
const ttlHorizon = 5 * 365 * 24 * time.Hour

// sweeper deletes expired items and old stream records until ctx ends.
func (s *Service) sweeper(ctx context.Context) {
	tick := time.NewTicker(s.sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := s.sweep(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("dynamodb: sweep", "err", err)
		}
	}
}

// sweep runs one pass of the TTL sweeper and the stream trimmer over every
// table of every account and region.
func (s *Service) sweep(ctx context.Context) error {
	type job struct {
		sc state.Scope
		t  tableRec
	}
	var jobs []job
	_ = s.db.View(func(tx *state.Tx) error {
		for _, sc := range s.tables.Scopes(tx) {
			s.tables.Ascend(tx, sc, "", func(_ string, t tableRec) bool {
				if t.TTLEnabled || len(t.Streams) > 0 {
					jobs = append(jobs, job{sc, t})
				}
				return true
			})
		}
		return nil
	})
	for _, j := range jobs {
		if j.t.TTLEnabled {
			if err := s.expire(ctx, j.sc, j.t.Name); err != nil {
				return err
			}
		}
		if len(j.t.Streams) > 0 {
			if err := s.trimStreams(ctx, j.sc, j.t); err != nil {
				return err
			}
		}
	}
	return nil
}

// expire deletes a table's expired items, a batch per transaction.
func (s *Service) expire(ctx context.Context, sc state.Scope, name string) error {
	for {
		now := s.clock.Now()
		from := expiryKey(name, max(0, now.Add(-ttlHorizon).Unix()), "")
		to := expiryKey(name, now.Unix(), "\xff")
		n := 0
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			t, ok := s.tables.Get(tx, sc, name)
			if !ok || !t.TTLEnabled {
				return nil
			}
			var pks []string
			s.expiry.Ascend(tx, sc, from, func(k string, pk string) bool {
				if k >= to || !strings.HasPrefix(k, name+sep) || len(pks) >= 500 {
					return false
				}
				pks = append(pks, pk)
				return true
			})
			for _, pk := range pks {
				if old, ok := s.items.Get(tx, sc, name+sep+pk); ok {
					s.write(tx, sc, &t, pk, old, nil, true)
				}
			}
			n = len(pks)
			return nil
		})
		if err != nil || n < 500 {
			return err
		}
	}
}
