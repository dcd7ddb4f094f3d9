// Package rest holds what rest-json and rest-xml share: the router that maps
// method, path and query string to an operation, and the HTTP bindings
// (uri labels, query string, headers, status code, payload) of inputs and
// outputs. The body format itself is a Format the codec supplies.
package rest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// Router maps requests to the operations of one service. It is immutable
// once built and safe for concurrent use.
type Router struct {
	svc *model.Service
	// byMethod indexes routes by method, then by their first literal path
	// segment; routes whose first segment is a label are under "{}".
	byMethod map[string]map[string][]*route
	// bodies holds, per input or output shape, a copy restricted to its body
	// members (the document when there is no payload member).
	bodies map[*model.Shape]*model.Shape
}

const wildcard = "{}"

// routers caches one Router per service model.
var routers sync.Map // *model.Service → *Router

// For returns the service's router, building it on first use.
func For(svc *model.Service) *Router {
	if r, ok := routers.Load(svc); ok {
		return r.(*Router)
	}
	r, _ := routers.LoadOrStore(svc, NewRouter(svc))
	return r.(*Router)
}

// NewRouter builds a router over every operation of svc.
func NewRouter(svc *model.Service) *Router {
	r := &Router{svc: svc, byMethod: map[string]map[string][]*route{}, bodies: map[*model.Shape]*model.Shape{}}
	for _, op := range svc.Operations {
		rt := parseRoute(op)
		m := r.byMethod[rt.method]
		if m == nil {
			m = map[string][]*route{}
			r.byMethod[rt.method] = m
		}
		key := wildcard
		if s := rt.segs[0]; !s.isLabel {
			key = s.prefix
		}
		m[key] = append(m[key], rt)
		for _, ref := range []*model.ShapeRef{op.Input, op.Output} {
			if ref != nil && ref.Shape != nil {
				if _, done := r.bodies[ref.Shape]; !done {
					r.bodies[ref.Shape] = bodyShape(ref.Shape)
				}
			}
		}
	}
	// Equal scores go to the first route; order them by operation name so
	// the choice is stable.
	// AWS: S3 ListBuckets and ListDirectoryBuckets share GET /; directory
	// buckets are served on another endpoint, so ListBuckets must win.
	for _, m := range r.byMethod {
		for _, routes := range m {
			// AWS: a deprecated operation sharing a route with its successor
			// (S3 Get/PutBucketLifecycle, Get/PutBucketNotification) loses to it.
			sort.Slice(routes, func(i, j int) bool {
				if a, b := routes[i].op.Deprecated, routes[j].op.Deprecated; a != b {
					return b
				}
				return routes[i].op.Name < routes[j].op.Name
			})
		}
	}
	return r
}

// Match finds the operation for a request: method, raw escaped path (never
// cleaned: "//" and ".." are parts of S3 keys), query and headers. It
// prefers the most specific route: more literal segments, then more
// required query keys and headers. labels holds the percent-decoded label values.
func (r *Router) Match(method, escapedPath string, query url.Values, header http.Header) (op *model.Operation, labels map[string]string, ok bool) {
	m := r.byMethod[method]
	if m == nil {
		return nil, nil, false
	}
	path := strings.TrimPrefix(escapedPath, "/")
	segs := strings.Split(path, "/")
	first, _ := url.PathUnescape(segs[0])
	var best *route
	bestScore := -1
	for _, strict := range []bool{true, false} {
		for _, cands := range [][]*route{m[first], m[wildcard]} {
			for _, rt := range cands {
				score, ok := rt.match(segs, query, header, strict)
				if ok && score > bestScore {
					best, bestScore = rt, score
				}
			}
		}
		if best != nil {
			break
		}
	}
	if best == nil {
		return nil, nil, false
	}
	labels, _ = best.labels(segs)
	return best.op, labels, true
}

// Operation finds the operation req calls and fills req.Labels.
// An unknown route is UnknownOperationException, 404.
func Operation(req *awsproto.Request) (*model.Operation, error) {
	if req.Service == nil || req.HTTP == nil || req.HTTP.URL == nil {
		return nil, unknownOperation("", "")
	}
	query, _ := url.ParseQuery(req.HTTP.URL.RawQuery) // keep what parses
	op, labels, ok := For(req.Service).Match(req.HTTP.Method, req.HTTP.URL.EscapedPath(), query, req.HTTP.Header)
	if !ok {
		return nil, unknownOperation(req.HTTP.Method, req.HTTP.URL.EscapedPath())
	}
	req.Labels = labels
	return op, nil
}

func unknownOperation(method, path string) *awserr.Error {
	return awserr.New("UnknownOperationException", http.StatusNotFound, "No operation matches %s %s", method, path)
}

// bodyShape returns sh restricted to its body members (no location trait),
// or sh itself when all its members are body members.
func bodyShape(sh *model.Shape) *model.Shape {
	if sh.Type != "structure" {
		return sh
	}
	all := true
	for _, m := range sh.Members {
		if m.Location != "" {
			all = false
			break
		}
	}
	if all {
		return sh
	}
	cp := *sh
	cp.Members = map[string]*model.ShapeRef{}
	cp.MemberNames = nil
	for _, name := range sh.MemberNames {
		if m := sh.Members[name]; m.Location == "" {
			cp.Members[name] = m
			cp.MemberNames = append(cp.MemberNames, name)
		}
	}
	return &cp
}
