package rest

import (
	"net/http"
	"net/url"
	"strings"

	"haneul/internal/awsproto/model"
)

// route is one operation's parsed requestUri.
type route struct {
	op       *model.Operation
	method   string
	segs     []segment
	greedy   int // index of the greedy segment, or -1
	literals int // literal path segments
	// queryLits are the query-string literals of the requestUri ("?uploads", "?list-type=2").
	queryLits []queryLit
	// reqQuery and reqHeaders are required input members bound to the query
	// string and headers; they tell apart operations sharing a path
	// (S3 PutObject, UploadPart, UploadPartCopy).
	reqQuery   []string
	reqHeaders []string
}

// segment is one path segment: a literal, or a label with optional literal
// text around it.
type segment struct {
	prefix, suffix string
	label          string
	isLabel        bool
	greedy         bool
}

type queryLit struct {
	key, value string
	hasValue   bool
}

func parseRoute(op *model.Operation) *route {
	rt := &route{op: op, method: op.HTTP.Method, greedy: -1}
	path, query, _ := strings.Cut(op.HTTP.RequestURI, "?")
	for i, s := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		seg := segment{prefix: s}
		if open := strings.IndexByte(s, '{'); open >= 0 {
			if end := strings.IndexByte(s[open:], '}'); end > 0 {
				name := s[open+1 : open+end]
				seg = segment{prefix: s[:open], suffix: s[open+end+1:], isLabel: true}
				if n, ok := strings.CutSuffix(name, "+"); ok {
					name, seg.greedy = n, true
					if rt.greedy < 0 {
						rt.greedy = i
					}
				}
				seg.label = name
			}
		}
		if !seg.isLabel {
			rt.literals++
		}
		rt.segs = append(rt.segs, seg)
	}
	if query != "" {
		for part := range strings.SplitSeq(query, "&") {
			k, v, has := strings.Cut(part, "=")
			rt.queryLits = append(rt.queryLits, queryLit{key: k, value: v, hasValue: has})
		}
	}
	if op.Input != nil && op.Input.Shape != nil {
		in := op.Input.Shape
		for _, name := range in.Required {
			m := in.Members[name]
			if m == nil {
				continue
			}
			switch m.Location {
			case "querystring":
				if m.LocationName != "" {
					rt.reqQuery = append(rt.reqQuery, m.LocationName)
				}
			case "header":
				rt.reqHeaders = append(rt.reqHeaders, locName(m, name))
			}
		}
	}
	return rt
}

// match reports whether the request fits the route and how specific the
// fit is. strict also requires the required query and header members.
func (rt *route) match(segs []string, query url.Values, header http.Header, strict bool) (int, bool) {
	for _, q := range rt.queryLits {
		vs, ok := query[q.key]
		if !ok {
			// AWS: x-id names the operation for S3's own benefit; clients may leave it out.
			if q.key == "x-id" {
				continue
			}
			return 0, false
		}
		if q.hasValue && (len(vs) == 0 || vs[0] != q.value) {
			return 0, false
		}
	}
	required := 0
	if strict {
		for _, k := range rt.reqQuery {
			if _, ok := query[k]; !ok {
				return 0, false
			}
		}
		for _, h := range rt.reqHeaders {
			if _, ok := header[http.CanonicalHeaderKey(h)]; !ok {
				return 0, false
			}
		}
		required = len(rt.reqQuery) + len(rt.reqHeaders)
	}
	labels, exact := rt.labels(segs)
	if labels == nil {
		return 0, false
	}
	score := rt.literals*1_000_000 + len(rt.queryLits)*10_000 + required*100
	if rt.greedy < 0 {
		score += 10
	}
	if exact {
		score++
	}
	return score, true
}

// labels matches the path segments against the route, returning the label
// values (non-nil on a match) and whether the match was exact (no trailing
// slash tolerated).
func (rt *route) labels(segs []string) (map[string]string, bool) {
	exact := true
	n := len(rt.segs)
	if rt.greedy < 0 && len(segs) == n+1 && segs[n] == "" {
		// A trailing slash the requestUri does not have.
		segs, exact = segs[:n], false
	} else if rt.greedy < 0 && len(segs) == n-1 && !rt.segs[n-1].isLabel && rt.segs[n-1].prefix == "" {
		// The requestUri ends in a slash the client left out (Route 53 ".../rrset/").
		segs, exact = append(segs[:n-1:n-1], ""), false
	}
	if rt.greedy < 0 && len(segs) != n || len(segs) < n {
		return nil, false
	}
	labels := map[string]string{}
	matchSeg := func(s segment, raw string) bool {
		if !s.isLabel {
			v, err := url.PathUnescape(raw)
			return err == nil && v == s.prefix
		}
		if !strings.HasPrefix(raw, s.prefix) || !strings.HasSuffix(raw[len(s.prefix):], s.suffix) {
			return false
		}
		v, err := url.PathUnescape(raw[len(s.prefix) : len(raw)-len(s.suffix)])
		if err != nil || v == "" {
			return false
		}
		labels[s.label] = v
		return true
	}
	if rt.greedy < 0 {
		for i, s := range rt.segs {
			if !matchSeg(s, segs[i]) {
				return nil, false
			}
		}
		return labels, exact
	}
	g, tail := rt.greedy, n-rt.greedy-1
	for i := 0; i < g; i++ {
		if !matchSeg(rt.segs[i], segs[i]) {
			return nil, false
		}
	}
	for i := 0; i < tail; i++ {
		if !matchSeg(rt.segs[n-1-i], segs[len(segs)-1-i]) {
			return nil, false
		}
	}
	raw := strings.Join(segs[g:len(segs)-tail], "/")
	if !matchSeg(rt.segs[g], raw) {
		return nil, false
	}
	return labels, true
}

func locName(m *model.ShapeRef, name string) string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return name
}
