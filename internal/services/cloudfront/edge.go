package cloudfront

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"haneul/internal/ids"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// This file is the local edge: requests on haneul's listener whose Host is
// a distribution's domain ("<id>.cloudfront.localhost", any port) or one of
// its aliases are answered as a CloudFront edge answers them.
// AWS: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowCloudFrontWorks.html

// errorCachingTTL is how long an error answer is cached when no custom
// error response says otherwise (AWS: 10 seconds).
const errorCachingTTL = 10 * time.Second

// maxOriginBody bounds what the edge reads of an origin's answer.
const maxOriginBody = 512 << 20

// Intercept implements service.Interceptor: it answers requests for a
// distribution's domain or aliases, and leaves every other request alone.
func (s *Service) Intercept(w http.ResponseWriter, r *http.Request) bool {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || host == "localhost" || !strings.Contains(host, ".") {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	var (
		d  distRec
		ok bool
	)
	_ = s.db.View(func(tx *state.Tx) error {
		ref, found := s.byDomain.Get(tx, global, host)
		if found {
			d, ok = s.dists.Get(tx, state.Scope{Account: ref.Account}, ref.ID)
		}
		return nil
	})
	if !ok {
		return false
	}
	s.serveEdge(w, r, d)
	return true
}

// answer is an edge answer: from the cache or from an origin.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// serveEdge answers one viewer request for distribution d.
func (s *Service) serveEdge(w http.ResponseWriter, r *http.Request, d distRec) {
	c := d.Config
	h := w.Header()
	// AWS: every answer names the edge in Via and carries a request id.
	h.Set("Via", "1.1 "+strings.ToLower(ids.Unique("", 16))+".cloudfront.localhost (CloudFront)")
	h.Set("X-Amz-Cf-Pop", "HNL1-P1")
	h.Set("X-Amz-Cf-Id", ids.Unique("", 56))
	if !ptr.Val(c.Enabled) {
		// AWS: a disabled distribution answers 403 from every edge.
		edgeError(w, http.StatusForbidden, "The distribution is disabled.")
		return
	}
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	// AWS: the default root object answers only the root URL, not subdirectories.
	if path == "/" && ptr.Val(c.DefaultRootObject) != "" {
		path = "/" + *c.DefaultRootObject
	}
	b := chooseBehavior(c, path)
	if !viewerProtocolOK(w, r, b.viewerPolicy) {
		return
	}
	if !contains(b.allowed, r.Method) {
		// AWS: a method the behaviour does not allow is refused with 403.
		edgeError(w, http.StatusForbidden, "This distribution is not configured to allow the HTTP request method that was used for this request.")
		return
	}
	cacheable := r.Method == http.MethodGet || r.Method == http.MethodHead
	key := path
	if b.query && r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	now := s.clock.Now()
	if cacheable {
		if e, ok := s.cache.get(d.ID, key, now); ok {
			h.Set("X-Cache", "Hit from cloudfront")
			h.Set("Age", strconv.Itoa(int(now.Sub(e.stored)/time.Second)))
			s.write(w, r, answer{e.status, e.header, e.body})
			return
		}
	}
	a := s.fetch(r, d, b, path)
	ttl := time.Duration(0)
	if a.status >= 400 {
		if ce, ok := customError(c, a.status); ok {
			ttl = time.Duration(ptr.Or(ce.ErrorCachingMinTTL, int64(errorCachingTTL/time.Second))) * time.Second
			// AWS: the error page is fetched like any object; when it cannot
			// be had, the viewer gets the origin's error as it was.
			pageOK := true
			if page := ptr.Val(ce.ResponsePagePath); page != "" {
				pa := s.fetch(r, d, chooseBehavior(c, page), page)
				if pageOK = pa.status < 400; pageOK {
					a.header, a.body = pa.header, pa.body
				}
			}
			if code, err := strconv.Atoi(ptr.Val(ce.ResponseCode)); err == nil && code > 0 && pageOK {
				a.status = code
			}
		} else {
			ttl = errorCachingTTL
		}
	} else {
		ttl = b.ttl(a.header)
	}
	if a.status >= 400 {
		h.Set("X-Cache", "Error from cloudfront")
	} else {
		h.Set("X-Cache", "Miss from cloudfront")
	}
	if cacheable && a.status != http.StatusPartialContent {
		s.cache.put(d.ID, key, &cached{path: path, status: a.status, header: a.header, body: a.body, stored: now, expires: now.Add(ttl)})
	}
	s.write(w, r, a)
}

// write sends an answer; a 200 goes through http.ServeContent, which
// handles HEAD, ranges and conditional requests against the ETag and
// Last-Modified the origin gave.
func (s *Service) write(w http.ResponseWriter, r *http.Request, a answer) {
	h := w.Header()
	for k, vs := range a.header {
		switch k {
		case "Content-Length", "Connection", "Transfer-Encoding", "Date", "Server", "Keep-Alive":
			continue
		}
		h[k] = append([]string(nil), vs...)
	}
	if a.status == http.StatusOK {
		mod, _ := http.ParseTime(a.header.Get("Last-Modified"))
		http.ServeContent(w, r, "", mod, bytes.NewReader(a.body))
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}

// edgeError answers an error the edge itself decides, in CloudFront's
// HTML error page shape.
func edgeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("X-Cache", "Error from cloudfront")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\">\n<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>\n<H1>%d ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\n%s\n<BR clear=\"all\">\n<HR noshade size=\"1px\">\n<PRE>\nGenerated by cloudfront (CloudFront)\n</PRE>\n</BODY></HTML>\n", status, msg)
}

// behavior is the part of a cache behaviour the edge acts on.
type behavior struct {
	target       string
	viewerPolicy string
	allowed      []string
	query        bool // the query string is forwarded and part of the cache key
	minTTL       int64
	defaultTTL   int64
	maxTTL       int64
}

// chooseBehavior picks the first ordered cache behaviour whose path pattern
// matches path, else the default one.
// AWS: patterns are matched in order, case-sensitively, "*" matching any
// run of characters (slashes too) and "?" one character; a leading "/" is
// optional.
func chooseBehavior(c DistributionConfig, path string) behavior {
	for _, cb := range c.CacheBehaviors.Items {
		p := ptr.Val(cb.PathPattern)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		if wildMatch(p, path) {
			return makeBehavior(cb.TargetOriginId, cb.ViewerProtocolPolicy, cb.AllowedMethods, cb.CachePolicyId, cb.ForwardedValues, cb.MinTTL, cb.DefaultTTL, cb.MaxTTL)
		}
	}
	db := c.DefaultCacheBehavior
	return makeBehavior(db.TargetOriginId, db.ViewerProtocolPolicy, db.AllowedMethods, db.CachePolicyId, db.ForwardedValues, db.MinTTL, db.DefaultTTL, db.MaxTTL)
}

func makeBehavior(target, viewer *string, methods *AllowedMethods, policy *string, fv *ForwardedValues, minTTL, defTTL, maxTTL *int64) behavior {
	b := behavior{target: ptr.Val(target), viewerPolicy: ptr.Val(viewer), allowed: []string{"GET", "HEAD"}}
	if methods != nil && len(methods.Items) > 0 {
		b.allowed = methods.Items
	}
	if p, ok := managedCachePolicy(ptr.Val(policy)); ok {
		b.minTTL, b.defaultTTL, b.maxTTL = ptr.Val(p.MinTTL), ptr.Val(p.DefaultTTL), ptr.Val(p.MaxTTL)
		b.query = ptr.Val(p.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStringBehavior) != "none"
		return b
	}
	// AWS: legacy TTL settings default to 0, 1 day and 1 year.
	b.minTTL, b.defaultTTL, b.maxTTL = ptr.Val(minTTL), ptr.Or(defTTL, 86400), ptr.Or(maxTTL, 31536000)
	b.query = fv != nil && ptr.Val(fv.QueryString)
	return b
}

// ttl is how long an answer with the origin's headers may be cached.
// AWS: Cache-Control s-maxage or max-age, clamped to the behaviour's
// minimum and maximum TTL; no-store, no-cache and private give the minimum;
// without them the default TTL applies.
func (b behavior) ttl(h http.Header) time.Duration {
	cc := strings.ToLower(h.Get("Cache-Control"))
	secs := b.defaultTTL
	switch {
	case directive(cc, "no-store") >= 0 || directive(cc, "no-cache") >= 0 || directive(cc, "private") >= 0:
		secs = b.minTTL
	case directive(cc, "s-maxage") >= 0:
		secs = directive(cc, "s-maxage")
	case directive(cc, "max-age") >= 0:
		secs = directive(cc, "max-age")
	}
	secs = max(b.minTTL, min(secs, b.maxTTL))
	return time.Duration(secs) * time.Second
}

// directive returns a Cache-Control directive's seconds (0 for one without
// a value), or -1 when cc lacks it.
func directive(cc, name string) int64 {
	for _, d := range strings.Split(cc, ",") {
		k, v, hasValue := strings.Cut(strings.TrimSpace(d), "=")
		if k != name {
			continue
		}
		if !hasValue {
			return 0
		}
		if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}

// viewerProtocolOK applies the viewer protocol policy to a request,
// answering it when the policy refuses it. haneul's listener speaks HTTP;
// a request counts as HTTPS when it arrived over TLS or a proxy in front of
// haneul says so in X-Forwarded-Proto.
func viewerProtocolOK(w http.ResponseWriter, r *http.Request, policy string) bool {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return true
	}
	switch policy {
	case "https-only":
		// AWS: HTTP requests to an HTTPS-only behaviour get 403.
		edgeError(w, http.StatusForbidden, "The request was made over HTTP, but this distribution serves HTTPS only.")
		return false
	case "redirect-to-https":
		// AWS: GET and HEAD are redirected with 301, other methods with 307.
		code := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			code = http.StatusTemporaryRedirect
		}
		w.Header().Set("Location", "https://"+r.Host+r.URL.RequestURI())
		w.Header().Set("X-Cache", "Redirect from cloudfront")
		w.WriteHeader(code)
		return false
	}
	return true
}

// customError returns the custom error response configured for status.
func customError(c DistributionConfig, status int) (CustomErrorResponse, bool) {
	for _, e := range c.CustomErrorResponses.Items {
		if ptr.Val(e.ErrorCode) == int64(status) {
			return e, true
		}
	}
	return CustomErrorResponse{}, false
}

// origin returns the origin a behaviour targets; for an origin group, its
// first (primary) member.
func origin(c DistributionConfig, id string) (Origin, bool) {
	for _, g := range c.OriginGroups.Items {
		if ptr.Val(g.Id) == id && g.Members != nil && len(g.Members.Items) > 0 {
			id = ptr.Val(g.Members.Items[0].OriginId)
		}
	}
	for _, o := range c.Origins.Items {
		if ptr.Val(o.Id) == id {
			return o, true
		}
	}
	return Origin{}, false
}

// fetch gets path from the origin behaviour b targets.
func (s *Service) fetch(r *http.Request, d distRec, b behavior, path string) answer {
	o, ok := origin(d.Config, b.target)
	if !ok {
		return answer{status: http.StatusBadGateway, header: http.Header{}}
	}
	full := ptr.Val(o.OriginPath) + path
	if bucket, isS3 := s3Bucket(ptr.Val(o.DomainName)); isS3 && o.CustomOriginConfig == nil {
		return s.fetchS3(r.Context(), d, o, bucket, strings.TrimPrefix(full, "/"))
	}
	return s.fetchCustom(r, o, full, b.query)
}

// s3Bucket returns the bucket of an S3 REST endpoint name:
// "<bucket>.s3.amazonaws.com", "<bucket>.s3.<region>.amazonaws.com",
// "<bucket>.s3-<region>.amazonaws.com", "<bucket>.s3.localhost".
// Website endpoints ("s3-website") are custom origins.
func s3Bucket(domain string) (string, bool) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if strings.Contains(domain, ".s3-website") {
		return "", false
	}
	i := strings.Index(domain, ".s3.")
	if i <= 0 {
		i = strings.Index(domain, ".s3-")
	}
	if i <= 0 {
		return "", false
	}
	return domain[:i], true
}

// fetchS3 reads an object through the S3 service.
func (s *Service) fetchS3(ctx context.Context, d distRec, o Origin, bucket, key string) answer {
	if s.s3 == nil {
		return answer{status: http.StatusBadGateway, header: http.Header{}}
	}
	// AWS: an origin with an OAC (whose signing behaviour is not "never")
	// or an OAI reads as CloudFront; otherwise CloudFront reads anonymously.
	signed := ptr.Val(o.S3OriginConfig.OriginAccessIdentity) != ""
	if id := ptr.Val(o.OriginAccessControlId); id != "" {
		var oac oacRec
		_ = s.db.View(func(tx *state.Tx) error {
			oac, _ = s.oacs.Get(tx, state.Scope{Account: accountOf(d.ARN)}, id)
			return nil
		})
		signed = ptr.Val(oac.Config.SigningBehavior) != "never"
	}
	status, h, body := s.s3.ObjectForCloudFront(ctx, bucket, key, d.ARN, signed)
	a := answer{status: status, header: h}
	if body != nil {
		defer body.Close()
		data, err := io.ReadAll(io.LimitReader(body, maxOriginBody))
		if err != nil {
			return answer{status: http.StatusBadGateway, header: http.Header{}}
		}
		a.body = data
	}
	if a.header == nil {
		a.header = http.Header{}
	}
	return a
}

// accountOf is the account field of an ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// hopHeaders are not forwarded to origins.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Host"}

// fetchCustom forwards the request to a custom origin over HTTP(S).
// Names haneul serves itself (S3 website endpoints, other distributions)
// are reached on the listener the viewer request came in on; names in
// haneul's DNS registry (load balancers, …) at their registered address;
// anything else through the system resolver.
func (s *Service) fetchCustom(r *http.Request, o Origin, path string, query bool) answer {
	domain := strings.TrimSuffix(ptr.Val(o.DomainName), ".")
	oc := o.CustomOriginConfig
	scheme, port := "http", int64(80)
	if oc != nil {
		port = ptr.Or(oc.HTTPPort, 80)
		if ptr.Val(oc.OriginProtocolPolicy) == "https-only" {
			scheme, port = "https", ptr.Or(oc.HTTPSPort, 443)
		}
	}
	dial := net.JoinHostPort(domain, strconv.FormatInt(port, 10))
	if selfServed(domain) {
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			dial = a.String()
		}
	} else if s.names != nil {
		if addrs, ok := s.names.Resolve(domain); ok && len(addrs) > 0 {
			dial = net.JoinHostPort(addrs[0].String(), strconv.FormatInt(port, 10))
		}
	}
	u := scheme + "://" + net.JoinHostPort(domain, strconv.FormatInt(port, 10)) + path
	if query && r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	var body io.Reader
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body = io.LimitReader(r.Body, maxOriginBody)
	}
	timeout := time.Duration(ptr.Or(o.ConnectionTimeout, 10)) * time.Second
	read := 30 * time.Second
	if oc != nil {
		read = time.Duration(ptr.Or(oc.OriginReadTimeout, 30)) * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout+read)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return answer{status: http.StatusBadGateway, header: http.Header{}}
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	for _, k := range hopHeaders {
		req.Header.Del(k)
	}
	// AWS: CloudFront names itself to origins and passes the viewer's address on.
	req.Header.Set("User-Agent", "Amazon CloudFront")
	req.Header.Set("Via", "1.1 haneul.cloudfront.localhost (CloudFront)")
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		req.Header.Set("X-Forwarded-For", ip)
	}
	if o.CustomHeaders != nil {
		for _, ch := range o.CustomHeaders.Items {
			req.Header.Set(ptr.Val(ch.HeaderName), ptr.Val(ch.HeaderValue))
		}
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{Timeout: timeout}).DialContext(ctx, network, dial)
		},
		// Origins on loopback present haneul's own (or self-signed) certificates.
		TLSClientConfig:       &tls.Config{ServerName: domain, InsecureSkipVerify: strings.HasPrefix(dial, "127.") || selfServed(domain)}, //nolint:gosec // local origins only
		ResponseHeaderTimeout: read,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		s.log.Debug("cloudfront: origin fetch", "origin", domain, "err", err)
		// AWS: an unreachable origin is 502 (connection) or 504 (timeout).
		status := http.StatusBadGateway
		if ctx.Err() != nil {
			status = http.StatusGatewayTimeout
		}
		return answer{status: status, header: http.Header{}}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxOriginBody))
	if err != nil {
		return answer{status: http.StatusBadGateway, header: http.Header{}}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// selfServed reports whether haneul's own listener answers for a name: S3
// website endpoints and CloudFront domains.
func selfServed(domain string) bool {
	d := strings.ToLower(domain)
	return strings.Contains(d, ".s3-website") || strings.HasSuffix(d, domainSuffix)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// wildMatch matches s against a pattern with * (any run) and ? (one character).
func wildMatch(p, s string) bool {
	star, mark := -1, 0
	i, j := 0, 0
	for j < len(s) {
		switch {
		case i < len(p) && (p[i] == '?' || p[i] == s[j]):
			i++
			j++
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}
