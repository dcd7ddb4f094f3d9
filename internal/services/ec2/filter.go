package ec2

import (
	"encoding/base64"
	"sort"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// A kind is one resource family as the shared Describe machinery sees it:
// where its records are, how to name them, and which filters it answers.
type kind[T any] struct {
	table *state.Table[T]
	// prefix is the resource ids' prefix ("vpc", "i"): the first part of the
	// tag index's keys. Empty when the table is not keyed by resource id.
	prefix string
	id     func(T) string
	// filters maps a filter name to the values a record offers it; a filter
	// matches when any value matches any of the filter's patterns.
	filters map[string]func(T) []string
	// settle, if set, returns the record as of now (states AWS advances by itself).
	settle func(T) T
	// hidden, if set, reports records that no longer show (deleted long ago).
	hidden func(T) bool
	// notFound is the error for ids that name no record.
	notFound func(ids []string) error
}

// query is what every Describe call asks: ids, filters and a page.
type query struct {
	IDs        []string
	Filters    []Filter
	MaxResults *int64
	NextToken  *string
}

// describe runs one Describe call for kind k: the records named by ids (all
// of them when ids is empty) that pass every filter, in id order, one page of
// at most q.MaxResults from q.NextToken.
//
// A tag:Key filter is answered from the tag index: only the resources holding
// that key (with a value under the filter's literal prefix) are visited.
//
// AWS: an unknown filter name is InvalidParameterValue "The filter 'x' is
// invalid"; any id that does not exist fails the whole call with the kind's
// NotFound error; filter values may use * and ? wildcards.
func describe[T any](s *Service, tx *state.Tx, sc state.Scope, k *kind[T], q query) ([]T, *string, error) {
	for _, f := range q.Filters {
		name := ptr.Val(f.Name)
		if strings.HasPrefix(name, "tag:") || name == "tag-key" || name == "tag-value" {
			continue
		}
		if _, ok := k.filters[name]; !ok {
			return nil, nil, awserr.New("InvalidParameterValue", 400, "The filter '%s' is invalid", name)
		}
	}
	start := ""
	if q.NextToken != nil && *q.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(*q.NextToken)
		if err != nil {
			return nil, nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for nextToken", *q.NextToken)
		}
		start = string(b)
	}
	limit := 0
	if q.MaxResults != nil && *q.MaxResults > 0 {
		limit = int(*q.MaxResults)
	}
	var out []T
	var next *string
	visit := func(v T) bool {
		if k.settle != nil {
			v = k.settle(v)
		}
		if k.hidden != nil && k.hidden(v) {
			return true
		}
		if !matches(s, tx, sc, k, v, q.Filters) {
			return true
		}
		if limit > 0 && len(out) == limit {
			next = ptr.To(base64.RawURLEncoding.EncodeToString([]byte(k.id(v))))
			return false
		}
		out = append(out, v)
		return true
	}
	switch cands, indexed := s.tagCandidates(tx, sc, k.prefix, q.Filters); {
	case len(q.IDs) > 0:
		ids := append([]string(nil), q.IDs...)
		sort.Strings(ids)
		ids = dedupe(ids)
		var missing []string
		recs := make([]T, 0, len(ids))
		for _, id := range ids {
			v, ok := k.table.Get(tx, sc, id)
			if ok && k.settle != nil {
				v = k.settle(v)
			}
			if !ok || (k.hidden != nil && k.hidden(v)) {
				missing = append(missing, id)
				continue
			}
			recs = append(recs, v)
		}
		if len(missing) > 0 {
			return nil, nil, k.notFound(missing)
		}
		for _, v := range recs {
			if k.id(v) >= start && !visit(v) {
				break
			}
		}
	case indexed:
		for _, id := range cands {
			if id < start {
				continue
			}
			if v, ok := k.table.Get(tx, sc, id); ok && !visit(v) {
				break
			}
		}
	default:
		k.table.Ascend(tx, sc, start, func(_ string, v T) bool { return visit(v) })
	}
	return out, next, nil
}

// matches reports whether v passes every filter: the kind's own, and the
// tag filters every kind shares (tag:Key, tag-key, tag-value).
func matches[T any](s *Service, tx *state.Tx, sc state.Scope, k *kind[T], v T, filters []Filter) bool {
	var tagFilters []Filter
	for _, f := range filters {
		if fn, ok := k.filters[ptr.Val(f.Name)]; ok {
			if !anyMatch(fn(v), f.Values) {
				return false
			}
			continue
		}
		tagFilters = append(tagFilters, f)
	}
	return s.tagsMatch(tx, sc, k.id(v), tagFilters)
}

// tagsMatch reports whether resource id passes the tag filters
// (tag:Key, tag-key, tag-value) every kind shares.
func (s *Service) tagsMatch(tx *state.Tx, sc state.Scope, id string, filters []Filter) bool {
	if len(filters) == 0 {
		return true
	}
	tags, _ := s.tags.Get(tx, sc, id)
	for _, f := range filters {
		name := ptr.Val(f.Name)
		switch {
		case strings.HasPrefix(name, "tag:"):
			val, ok := tags[name[len("tag:"):]]
			if !ok || !anyMatch([]string{val}, f.Values) {
				return false
			}
		case name == "tag-key":
			if !anyMatch(mapKeys(tags), f.Values) {
				return false
			}
		case name == "tag-value":
			if !anyMatch(mapValues(tags), f.Values) {
				return false
			}
		}
	}
	return true
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, v := range sorted {
		if i == 0 || v != sorted[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// glob reports whether s matches the EC2 filter pattern p: * is any run of
// characters, ? is one character, and \ escapes the next one.
func glob(p, s string) bool {
	// Iterative matcher with one backtrack point for the last *.
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*':
				star, mark = pi, si
				pi++
				continue
			case c == '?':
				pi++
				si++
				continue
			case c == '\\' && pi+1 < len(p):
				if p[pi+1] == s[si] {
					pi += 2
					si++
					continue
				}
			case c == s[si]:
				pi++
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		si = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// literalPrefix returns the part of pattern p before its first wildcard, unescaped.
func literalPrefix(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*', '?':
			return b.String()
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteByte(p[i])
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// anyMatch reports whether any of values matches any of patterns.
func anyMatch(values, patterns []string) bool {
	for _, v := range values {
		for _, p := range patterns {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// page slices an already filtered, id-ordered list into one page: the shared
// pagination of Describe calls whose records are not a table of their own
// (security group rules, availability zones, images).
func page[T any](all []T, id func(T) string, q query) ([]T, *string, error) {
	start := ""
	if q.NextToken != nil && *q.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(*q.NextToken)
		if err != nil {
			return nil, nil, awserr.New("InvalidParameterValue", 400, "Invalid value '%s' for nextToken", *q.NextToken)
		}
		start = string(b)
	}
	i := sort.Search(len(all), func(i int) bool { return id(all[i]) >= start })
	all = all[i:]
	if q.MaxResults != nil && *q.MaxResults > 0 && len(all) > int(*q.MaxResults) {
		n := int(*q.MaxResults)
		return all[:n], ptr.To(base64.RawURLEncoding.EncodeToString([]byte(id(all[n])))), nil
	}
	return all, nil, nil
}

// filterSlice applies filters to records that are not in a table (regions,
// zones, catalog images, rules), with the same names-and-wildcards rules as describe.
func filterSlice[T any](all []T, filters []Filter, fm map[string]func(T) []string) ([]T, error) {
	for _, f := range filters {
		if _, ok := fm[ptr.Val(f.Name)]; !ok {
			return nil, awserr.New("InvalidParameterValue", 400, "The filter '%s' is invalid", ptr.Val(f.Name))
		}
	}
	var out []T
	for _, v := range all {
		ok := true
		for _, f := range filters {
			if !anyMatch(fm[*f.Name](v), f.Values) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}
