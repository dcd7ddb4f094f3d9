package elbv2

import (
	"maps"
	"slices"
	"strconv"
)

func orEmpty(p *string) *string {
	if p == nil {
		return new(string)
	}
	return p
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

func itoa(n int) string { return strconv.Itoa(n) }

func i64s(n int64) string { return strconv.FormatInt(n, 10) }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
