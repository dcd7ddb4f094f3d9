package cloudfront

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Edge cache bounds: objects larger than maxCachedObject are served but not
// kept, and the cache as a whole keeps at most maxCacheBytes.
const (
	maxCachedObject = 8 << 20
	maxCacheBytes   = 256 << 20
)

// cached is one answer kept by the edge.
type cached struct {
	path    string // the request path, what invalidation paths match
	status  int
	header  http.Header
	body    []byte
	stored  time.Time
	expires time.Time
}

// edgeCache is the edge's cache: per distribution, keyed by the cache key
// (path and, when the behaviour forwards it, the query string). It lives
// in memory only, as an edge's cache does; a restart starts it cold.
type edgeCache struct {
	mu    sync.Mutex
	dists map[string]map[string]*cached // distribution id → cache key → answer
	bytes int
}

func newEdgeCache() *edgeCache { return &edgeCache{dists: map[string]map[string]*cached{}} }

// get returns the fresh answer for key, if any.
func (c *edgeCache) get(dist, key string, now time.Time) (*cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.dists[dist][key]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		c.removeLocked(dist, key)
		return nil, false
	}
	return e, true
}

// put keeps an answer until it expires, evicting others past the bound.
func (c *edgeCache) put(dist, key string, e *cached) {
	if len(e.body) > maxCachedObject || !e.stored.Before(e.expires) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.dists[dist]
	if m == nil {
		m = map[string]*cached{}
		c.dists[dist] = m
	}
	c.removeLocked(dist, key)
	m[key] = e
	c.bytes += len(e.body)
	// Past the bound, drop other answers (in map order: an edge cache, not
	// an exact LRU) until the cache fits.
	for d, m := range c.dists {
		for k := range m {
			if c.bytes <= maxCacheBytes {
				return
			}
			if d != dist || k != key {
				c.removeLocked(d, k)
			}
		}
	}
}

func (c *edgeCache) removeLocked(dist, key string) {
	if e, ok := c.dists[dist][key]; ok {
		c.bytes -= len(e.body)
		delete(c.dists[dist], key)
	}
}

// invalidate removes the answers whose path matches one of paths.
// AWS: an invalidation path is a path or a path ending in "*", which
// matches every path with that prefix ("/*" is everything); query strings
// are not part of it.
func (c *edgeCache) invalidate(dist string, paths []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.dists[dist] {
		for _, p := range paths {
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			if prefix, wild := strings.CutSuffix(p, "*"); (wild && strings.HasPrefix(e.path, prefix)) || (!wild && e.path == p) {
				c.removeLocked(dist, key)
				break
			}
		}
	}
}

// dropDistribution forgets a distribution's answers (updated or deleted).
func (c *edgeCache) dropDistribution(dist string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.dists[dist] {
		c.removeLocked(dist, key)
	}
	delete(c.dists, dist)
}

// clear forgets everything.
func (c *edgeCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dists, c.bytes = map[string]map[string]*cached{}, 0
}
