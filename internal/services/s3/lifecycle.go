package s3

import (
	"context"
	"strings"
	"time"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// This file applies lifecycle rules: Expiration (Days, Date,
// ExpiredObjectDeleteMarker), NoncurrentVersionExpiration and
// AbortIncompleteMultipartUpload, with Prefix, Tag, size and And filters.
// Transitions are kept but change nothing (haneul has one storage class).
//
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
// An object expires at the first midnight UTC after its creation time plus
// Days (a noncurrent version: after the time it became noncurrent plus
// NoncurrentDays; an upload: after its initiation plus DaysAfterInitiation),
// or at Date. So what may expire changes only at midnight UTC or when the
// rules change: the sweeper wakes every sweepEvery, and walks a bucket
// (found through the lifecycled index, never by scanning all buckets) only
// when the UTC day moved on or its rules changed since its last walk. Where
// AWS takes up to a day or two to act after an object becomes eligible,
// haneul acts on the first wake-up after it does.

// sweepMark is when a bucket was last walked: the UTC day and the rules.
type sweepMark struct {
	day time.Time
	gen uint64
}

// lifecycleSweeper runs sweepLifecycle on a timer until ctx ends.
func (s *Service) lifecycleSweeper(ctx context.Context) {
	tick := time.NewTicker(s.sweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.sweepLifecycle(ctx)
	}
}

// sweepLifecycle walks the buckets with rules that are due.
func (s *Service) sweepLifecycle(ctx context.Context) {
	now := s.clock.Now().UTC()
	day := now.Truncate(24 * time.Hour)
	type due struct {
		name string
		gen  uint64
	}
	var dues []due
	live := map[string]bool{}
	s.sweptMu.Lock()
	_ = s.db.View(func(tx *state.Tx) error {
		s.lifecycled.Ascend(tx, global, "", func(name string, gen uint64) bool {
			live[name] = true
			if m := s.swept[name]; m.day != day || m.gen != gen {
				dues = append(dues, due{name, gen})
			}
			return true
		})
		return nil
	})
	for name := range s.swept {
		if !live[name] {
			delete(s.swept, name)
		}
	}
	s.sweptMu.Unlock()
	for _, d := range dues {
		if ctx.Err() != nil {
			return
		}
		if err := s.expireBucket(ctx, d.name, now); err != nil {
			s.log.Warn("s3: lifecycle sweep", "bucket", d.name, "err", err)
			continue
		}
		s.sweptMu.Lock()
		s.swept[d.name] = sweepMark{day, d.gen}
		s.sweptMu.Unlock()
	}
}

// dueAt is when something dated t expires after days: the first midnight
// UTC after t plus days.
func dueAt(t time.Time, days int64) time.Time {
	return t.UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// ruleApplies reports whether a rule's filter selects an object.
func ruleApplies(r LifecycleRule, key string, size int64, tags []Tag) bool {
	f := r.Filter
	if f == nil {
		return strings.HasPrefix(key, ptr.Val(r.Prefix))
	}
	prefix, gt, lt := ptr.Val(f.Prefix), f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
	var want []Tag
	if f.Tag != nil {
		want = []Tag{*f.Tag}
	}
	if a := f.And; a != nil {
		prefix, gt, lt, want = ptr.Val(a.Prefix), a.ObjectSizeGreaterThan, a.ObjectSizeLessThan, a.Tags
	}
	if !strings.HasPrefix(key, prefix) || (gt != nil && size <= *gt) || (lt != nil && size >= *lt) {
		return false
	}
	for _, w := range want {
		found := false
		for _, t := range tags {
			if ptr.Val(t.Key) == ptr.Val(w.Key) && ptr.Val(t.Value) == ptr.Val(w.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// expiry is one thing the sweeper removes: a version (by its sequence
// number, so a version written since the walk is left alone) or an upload.
type expiry struct {
	key       string
	seq       uint64
	versionID string // "" removes the current version as a plain DELETE would
	current   bool
	upload    *uploadRec
}

// expireBucket walks one bucket and applies its rules as of now.
func (s *Service) expireBucket(ctx context.Context, bucket string, now time.Time) error {
	var (
		b    bucketRec
		ok   bool
		todo []expiry
	)
	_ = s.db.View(func(tx *state.Tx) error {
		if b, ok = s.buckets.Get(tx, global, bucket); !ok || b.Lifecycle == nil {
			return nil
		}
		var rules []LifecycleRule
		for _, r := range b.Lifecycle.Rules {
			if ptr.Val(r.Status) == "Enabled" {
				rules = append(rules, r)
			}
		}
		todo = s.planExpiry(tx, b, rules, now)
		return nil
	})
	if len(todo) == 0 {
		return nil
	}
	// Apply in batches, so a large expiry does not hold the write lock long.
	const batch = 500
	for len(todo) > 0 {
		n := min(batch, len(todo))
		part := todo[:n]
		todo = todo[n:]
		var (
			dead    []segment
			removed []DeletedObject
		)
		err := s.db.Update(ctx, func(tx *state.Tx) error {
			for _, e := range part {
				if e.upload != nil {
					if _, ok := s.uploads.Get(tx, global, uploadKey(bucket, e.upload.Key, e.upload.UploadID)); ok {
						dead = append(dead, s.dropUpload(tx, *e.upload)...)
					}
					continue
				}
				if e.current {
					cur, ok := s.objects.Get(tx, global, objKey(bucket, e.key))
					if !ok || cur.Seq != e.seq {
						continue // changed since the walk
					}
				}
				d, segs, err := s.remove(tx, bucket, e.key, e.versionID, b.Owner)
				if err != nil {
					return err
				}
				dead = append(dead, segs...)
				removed = append(removed, *d)
			}
			return nil
		})
		if err != nil {
			return err
		}
		s.blobs.remove(dead)
		for i := range removed {
			s.notifyRemoved(ctx, bucket, &removed[i], true)
		}
	}
	return nil
}

// planExpiry lists what the rules remove from b as of now.
func (s *Service) planExpiry(tx *state.Tx, b bucketRec, rules []LifecycleRule, now time.Time) []expiry {
	var todo []expiry
	prefix := b.Name + sep
	// Current versions: Expiration by Days or Date, and expired delete markers.
	s.objects.AscendPrefix(tx, global, prefix, func(_ string, o objectRec) bool {
		for _, r := range rules {
			x := r.Expiration
			if x == nil || !ruleApplies(r, o.Key, o.Size, o.Tags) {
				continue
			}
			if o.DeleteMarker {
				// AWS: a delete marker with no noncurrent versions left is
				// removed under ExpiredObjectDeleteMarker (or any Days rule).
				if ptr.Val(x.ExpiredObjectDeleteMarker) || x.Days != nil {
					if !s.hasNoncurrent(tx, b.Name, o.Key) {
						todo = append(todo, expiry{key: o.Key, seq: o.Seq, versionID: o.versionID(), current: true})
					}
					break
				}
				continue
			}
			if (x.Days != nil && !now.Before(dueAt(o.LastModified, *x.Days))) || (x.Date != nil && !now.Before(*x.Date)) {
				todo = append(todo, expiry{key: o.Key, seq: o.Seq, current: true})
				break
			}
		}
		return true
	})
	// Noncurrent versions, newest first per key: each became noncurrent
	// when the version after it was written.
	var (
		lastKey   string
		successor time.Time
		newer     int64
	)
	s.versions.AscendPrefix(tx, global, prefix, func(vk string, v objectRec) bool {
		if v.Key != lastKey {
			lastKey, newer = v.Key, 0
			successor = v.LastModified
			if cur, ok := s.objects.Get(tx, global, objKey(b.Name, v.Key)); ok {
				successor = cur.LastModified
			}
		}
		for _, r := range rules {
			x := r.NoncurrentVersionExpiration
			if x == nil || x.NoncurrentDays == nil || !ruleApplies(r, v.Key, v.Size, v.Tags) {
				continue
			}
			if newer >= ptr.Val(x.NewerNoncurrentVersions) && !now.Before(dueAt(successor, *x.NoncurrentDays)) {
				todo = append(todo, expiry{key: v.Key, seq: v.Seq, versionID: v.versionID()})
				break
			}
		}
		newer++
		successor = v.LastModified
		return true
	})
	// Incomplete multipart uploads.
	s.uploads.AscendPrefix(tx, global, prefix, func(_ string, u uploadRec) bool {
		for _, r := range rules {
			a := r.AbortIncompleteMultipartUpload
			if a == nil || a.DaysAfterInitiation == nil || !ruleApplies(r, u.Key, 0, nil) {
				continue
			}
			if !now.Before(dueAt(u.Initiated, *a.DaysAfterInitiation)) {
				up := u
				todo = append(todo, expiry{key: u.Key, upload: &up})
				break
			}
		}
		return true
	})
	return todo
}

// hasNoncurrent reports whether key has noncurrent versions.
func (s *Service) hasNoncurrent(tx *state.Tx, bucket, key string) bool {
	found := false
	s.versions.AscendPrefix(tx, global, objKey(bucket, key)+sep, func(string, objectRec) bool {
		found = true
		return false
	})
	return found
}

// checkLifecycle applies PutBucketLifecycleConfiguration's rules.
func checkLifecycle(lc *BucketLifecycleConfiguration) error {
	if lc == nil || len(lc.Rules) == 0 || len(lc.Rules) > 1000 {
		return errMalformedXML()
	}
	ids := map[string]bool{}
	for _, r := range lc.Rules {
		if id := ptr.Val(r.ID); id != "" {
			if ids[id] {
				return errInvalidArgument("Rule ID must be unique. Found same ID for more than one rule")
			}
			ids[id] = true
			if len(id) > 255 {
				return errInvalidArgument("ID length should not exceed allowed limit of 255")
			}
		}
		if r.Filter != nil && r.Prefix != nil {
			return errMalformedXML()
		}
		if r.Expiration == nil && r.NoncurrentVersionExpiration == nil && r.AbortIncompleteMultipartUpload == nil &&
			len(r.Transitions) == 0 && len(r.NoncurrentVersionTransitions) == 0 {
			return errInvalidArgument("At least one action needs to be specified in a rule")
		}
		if x := r.Expiration; x != nil {
			if x.Days != nil && *x.Days <= 0 {
				return errInvalidArgument("'Days' for Expiration action must be a positive integer")
			}
			if x.Date != nil && !x.Date.UTC().Equal(x.Date.UTC().Truncate(24*time.Hour)) {
				return errInvalidArgument("'Date' must be at midnight GMT")
			}
			if (x.Days != nil && x.Date != nil) || (ptr.Val(x.ExpiredObjectDeleteMarker) && (x.Days != nil || x.Date != nil)) {
				return errMalformedXML()
			}
		}
		if x := r.NoncurrentVersionExpiration; x != nil && x.NoncurrentDays != nil && *x.NoncurrentDays <= 0 {
			return errInvalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil && a.DaysAfterInitiation != nil && *a.DaysAfterInitiation <= 0 {
			return errInvalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
		}
	}
	return nil
}
