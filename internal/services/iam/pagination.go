package iam

import (
	"encoding/base64"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// AWS: list operations return at most MaxItems (1–1000, default 100) items
// and, when more remain, IsTruncated=true with a Marker to pass back.
const (
	defaultMaxItems = 100
	maxMaxItems     = 1000
)

// page is a request's position in a listing.
type page struct {
	from string // first key to consider
	max  int
}

// newPage checks Marker and MaxItems. A marker is the opaque form of the
// next key to list; it must fall under prefix.
func newPage(marker *string, maxItems *int64, prefix string) (page, error) {
	p := page{from: prefix, max: defaultMaxItems}
	if maxItems != nil {
		if *maxItems < 1 || *maxItems > maxMaxItems {
			return p, awserr.New("ValidationError", 400, "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and %d", *maxItems, maxMaxItems)
		}
		p.max = int(*maxItems)
	}
	if m := ptr.Val(marker); m != "" {
		k, err := decodeMarker(m)
		if err != nil || !strings.HasPrefix(k, prefix) {
			return p, awserr.New("ValidationError", 400, "Invalid Marker: %s", m)
		}
		p.from = k
	}
	return p, nil
}

func encodeMarker(k string) string { return base64.RawURLEncoding.EncodeToString([]byte(k)) }

func decodeMarker(m string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	return string(b), err
}

// result is where a walk stopped.
type result struct {
	truncated bool
	next      string // key of the first record not returned
}

// IsTruncated and Marker as list responses carry them.
func (r result) out() (*bool, *string) {
	if !r.truncated {
		return ptr.To(false), nil
	}
	return ptr.To(true), ptr.To(encodeMarker(r.next))
}

// walk visits up to p.max records of t under prefix from the page's
// position, in key order, for which keep reports true, calling emit on each.
func walk[T any](tx *state.Tx, t *state.Table[T], sc state.Scope, prefix string, p page, keep func(k string, v T) bool, emit func(k string, v T)) result {
	var r result
	n := 0
	t.Ascend(tx, sc, p.from, func(k string, v T) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if keep != nil && !keep(k, v) {
			return true
		}
		if n == p.max {
			r = result{truncated: true, next: k}
			return false
		}
		emit(k, v)
		n++
		return true
	})
	return r
}

// suffix returns the last sep-separated part of a composite key.
func suffix(k string) string {
	if i := strings.LastIndex(k, sep); i >= 0 {
		return k[i+1:]
	}
	return k
}
