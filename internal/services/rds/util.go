package rds

import (
	"strconv"

	"haneul/internal/ptr"
)

// page returns the items from marker (an index into items, as returned in
// Marker) on, at most size of them.
//
// AWS: MaxRecords is 20 to 100, 100 by default.
func page[T any](items []T, marker *string, size *int64) ([]T, *string, error) {
	start := 0
	if m := ptr.Val(marker); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 || n > len(items) {
			return nil, nil, invalidValue("Invalid marker: %s", m)
		}
		start = n
	}
	n := 100
	if size != nil {
		if *size < 20 || *size > 100 {
			return nil, nil, invalidValue("Invalid value for MaxRecords: %d. Valid values are between 20 and 100.", *size)
		}
		n = int(*size)
	}
	items = items[start:]
	if len(items) <= n {
		return items, nil, nil
	}
	next := strconv.Itoa(start + n)
	return items[:n], &next, nil
}

// filterValues returns the values of the named filters, and whether any was given.
func filterValues(filters []Filter, name string) ([]string, bool) {
	var out []string
	found := false
	for _, f := range filters {
		if ptr.Val(f.Name) == name {
			found = true
			out = append(out, f.Values...)
		}
	}
	return out, found
}
