package cloudfront

import (
	"context"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// invalidateDelay is how long an invalidation is "InProgress" before it is
// "Completed" (AWS: usually under a minute). The edge cache is cleared at
// once; the delay only lets clients see both states.
const invalidateDelay = time.Second

// invalRec is an invalidation batch.
type invalRec struct {
	ID      string
	Dist    string
	Created time.Time
	Batch   InvalidationBatch
}

func (s *Service) invalStatus(r invalRec) string {
	if s.clock.Now().Before(r.Created.Add(invalidateDelay)) {
		return "InProgress"
	}
	return "Completed"
}

// invalidationsInProgress counts a distribution's invalidations still in progress.
func (s *Service) invalidationsInProgress(tx *state.Tx, sc state.Scope, dist string) int {
	n := 0
	// Ids sort by creation only by chance; the count walks the distribution's
	// invalidations, a short list.
	s.invals.AscendPrefix(tx, sc, dist+sep, func(_ string, r invalRec) bool {
		if s.invalStatus(r) == "InProgress" {
			n++
		}
		return true
	})
	return n
}

func (s *Service) invalidation(r invalRec) *Invalidation {
	b := r.Batch
	return &Invalidation{Id: ptr.To(r.ID), CreateTime: ptr.To(r.Created), Status: ptr.To(s.invalStatus(r)), InvalidationBatch: &b}
}

// CreateInvalidation removes paths (with "*" wildcards) from the edge cache
// of a distribution.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html
func (s *Service) CreateInvalidation(ctx context.Context, in *CreateInvalidationRequest) (*CreateInvalidationResult, error) {
	sc := scope(ctx)
	b := *in.InvalidationBatch
	if b.Paths == nil || ptr.Val(b.Paths.Quantity) != int64(len(b.Paths.Items)) {
		return nil, awserr.New("InconsistentQuantities", 0, "The value of Quantity and the size of Items don't match.")
	}
	if len(b.Paths.Items) == 0 {
		return nil, awserr.New("InvalidArgument", 0, "Your request contains no paths to invalidate.")
	}
	r := invalRec{ID: newID("I"), Dist: *in.DistributionId, Created: s.clock.Now().UTC(), Batch: b}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, ok := s.dists.Get(tx, sc, r.Dist); !ok {
			return errNoSuchDistribution()
		}
		// AWS: resending a caller reference returns the batch it created.
		var dup *invalRec
		s.invals.AscendPrefix(tx, sc, r.Dist+sep, func(_ string, old invalRec) bool {
			if ptr.Val(old.Batch.CallerReference) == ptr.Val(b.CallerReference) {
				dup = &old
				return false
			}
			return true
		})
		if dup != nil {
			r = *dup
			return nil
		}
		s.invals.Put(tx, sc, r.Dist+sep+r.ID, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.cache.invalidate(r.Dist, b.Paths.Items)
	return &CreateInvalidationResult{Invalidation: s.invalidation(r), Location: ptr.To(location("distribution/"+r.Dist+"/invalidation", r.ID))}, nil
}

// GetInvalidation returns an invalidation batch and its status.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetInvalidation.html
func (s *Service) GetInvalidation(ctx context.Context, in *GetInvalidationRequest) (*GetInvalidationResult, error) {
	sc := scope(ctx)
	var out *GetInvalidationResult
	err := s.db.View(func(tx *state.Tx) error {
		if _, ok := s.dists.Get(tx, sc, *in.DistributionId); !ok {
			return errNoSuchDistribution()
		}
		r, ok := s.invals.Get(tx, sc, *in.DistributionId+sep+*in.Id)
		if !ok {
			return awserr.New("NoSuchInvalidation", 0, "The specified invalidation does not exist.")
		}
		out = &GetInvalidationResult{Invalidation: s.invalidation(r)}
		return nil
	})
	return out, err
}

// ListInvalidations lists a distribution's invalidation batches.
//
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListInvalidations.html
func (s *Service) ListInvalidations(ctx context.Context, in *ListInvalidationsRequest) (*ListInvalidationsResult, error) {
	sc := scope(ctx)
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	marker := ptr.Val(in.Marker)
	list := &InvalidationList{Marker: ptr.To(marker), MaxItems: ptr.To(int64(limit)), IsTruncated: ptr.To(false)}
	err = s.db.View(func(tx *state.Tx) error {
		if _, ok := s.dists.Get(tx, sc, *in.DistributionId); !ok {
			return errNoSuchDistribution()
		}
		prefix := *in.DistributionId + sep
		s.invals.AscendPrefix(tx, sc, prefix, func(k string, r invalRec) bool {
			if marker != "" && k <= prefix+marker {
				return true
			}
			if len(list.Items) == limit {
				list.IsTruncated, list.NextMarker = ptr.To(true), list.Items[limit-1].Id
				return false
			}
			list.Items = append(list.Items, InvalidationSummary{Id: ptr.To(r.ID), CreateTime: ptr.To(r.Created), Status: ptr.To(s.invalStatus(r))})
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	list.Quantity = ptr.To(int64(len(list.Items)))
	return &ListInvalidationsResult{InvalidationList: list}, nil
}
