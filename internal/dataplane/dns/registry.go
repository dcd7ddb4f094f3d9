package dns

import (
	"net/netip"
	"sort"
	"strings"
	"sync"
)

// ResolverFunc answers for names under a suffix a service owns (a load
// balancer's "*.elb.localhost", say): the addresses, and whether the name is
// one it knows.
type ResolverFunc func(name string) ([]netip.Addr, bool)

// Registry holds the DNS names haneul's services publish: load balancers,
// database and cache endpoints, CloudFront domains, API Gateway hosts. The
// DNS server answers for them and alias records resolve to them. Services
// register their names when the resource is created (and again at Start,
// from their state) and remove them when it is deleted. It is safe for
// concurrent use.
type Registry struct {
	mu        sync.RWMutex
	names     map[string][]netip.Addr // canonical name → addresses
	resolvers map[string]ResolverFunc // canonical suffix (".elb.localhost.") → resolver
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{names: map[string][]netip.Addr{}, resolvers: map[string]ResolverFunc{}}
}

// loopback is the address haneul's data planes listen on.
var loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// Set registers name with addrs (127.0.0.1 when none are given), replacing
// what it had.
func (r *Registry) Set(name string, addrs ...netip.Addr) {
	if len(addrs) == 0 {
		addrs = []netip.Addr{loopback}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[Canonical(name)] = append([]netip.Addr(nil), addrs...)
}

// Remove forgets name.
func (r *Registry) Remove(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.names, Canonical(name))
}

// AddResolver makes f answer for every name under suffix ("elb.localhost").
func (r *Registry) AddResolver(suffix string, f ResolverFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resolvers["."+strings.TrimPrefix(Canonical(suffix), ".")] = f
}

// Resolve returns the addresses of a haneul name: a registered name, a name
// a resolver knows, anything under .localhost, and S3's bucket and website
// endpoint names (served by haneul on loopback).
func (r *Registry) Resolve(name string) ([]netip.Addr, bool) {
	name = Canonical(name)
	r.mu.RLock()
	addrs, ok := r.names[name]
	var fs []ResolverFunc
	if !ok {
		for suffix, f := range r.resolvers {
			if strings.HasSuffix(name, suffix) {
				fs = append(fs, f)
			}
		}
	}
	r.mu.RUnlock()
	if ok {
		return addrs, true
	}
	for _, f := range fs {
		if addrs, ok := f(name); ok {
			return addrs, true
		}
	}
	if name == "localhost." || strings.HasSuffix(name, ".localhost.") || isS3Name(name) {
		return []netip.Addr{loopback}, true
	}
	return nil, false
}

// Names lists the registered names (not the patterns), sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.names))
	for n := range r.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// isS3Name reports whether name is one of S3's endpoint names with a bucket:
// bucket.s3.amazonaws.com, bucket.s3.<region>.amazonaws.com,
// bucket.s3-<region>.amazonaws.com, bucket.s3-website-<region>.amazonaws.com,
// bucket.s3-website.<region>.amazonaws.com, or the website endpoints
// themselves (the targets of alias records to S3 websites).
func isS3Name(name string) bool {
	if !strings.HasSuffix(name, ".amazonaws.com.") {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(name, ".amazonaws.com."), ".")
	for _, l := range labels {
		if l == "s3" || strings.HasPrefix(l, "s3-website") || (strings.HasPrefix(l, "s3-") && len(l) > 3) {
			return true
		}
	}
	return false
}
