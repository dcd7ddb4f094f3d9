package s3

import (
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/reqctx"
)

// This file answers CORS: preflight OPTIONS requests are matched against
// the bucket's CORS rules, and requests carrying an Origin get the
// Access-Control-* headers of the first rule that matches them.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html

// corsVary is the Vary S3 sends with CORS answers.
const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// matchCORS returns the first rule that allows origin, method and every
// requested header. AWS: rules are evaluated in order and the first match
// wins; AllowedOrigin and AllowedHeader may hold one "*" wildcard each,
// methods match exactly, header names case-insensitively.
func matchCORS(c *CORSConfiguration, origin, method string, headers []string) (CORSRule, bool) {
	if c == nil {
		return CORSRule{}, false
	}
	for _, rule := range c.CORSRules {
		if !anyWild(rule.AllowedOrigins, origin, false) {
			continue
		}
		methodOK := false
		for _, m := range rule.AllowedMethods {
			if m == method {
				methodOK = true
			}
		}
		if !methodOK {
			continue
		}
		headersOK := true
		for _, h := range headers {
			if !anyWild(rule.AllowedHeaders, h, true) {
				headersOK = false
				break
			}
		}
		if headersOK {
			return rule, true
		}
	}
	return CORSRule{}, false
}

// anyWild reports whether s matches one of the patterns (each with at most
// one "*", matching any run of characters).
func anyWild(patterns []string, s string, fold bool) bool {
	if fold {
		s = strings.ToLower(s)
	}
	for _, p := range patterns {
		if fold {
			p = strings.ToLower(p)
		}
		if p == s || p == "*" {
			return true
		}
		if pre, suf, ok := strings.Cut(p, "*"); ok && len(s) >= len(pre)+len(suf) && strings.HasPrefix(s, pre) && strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

// requestedHeaders splits Access-Control-Request-Headers.
func requestedHeaders(v string) []string {
	var hs []string
	for h := range strings.SplitSeq(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hs = append(hs, h)
		}
	}
	return hs
}

// setAllowHeaders writes the Access-Control-* headers a matched rule gives.
// AWS: a rule whose origin is exactly "*" answers "*" without credentials;
// any other rule echoes the origin and allows credentials.
func setAllowHeaders(h http.Header, rule CORSRule, origin string) {
	if len(rule.AllowedOrigins) == 1 && rule.AllowedOrigins[0] == "*" {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(rule.AllowedMethods, ", "))
	if len(rule.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(rule.ExposeHeaders, ", "))
	}
	if rule.MaxAgeSeconds != nil {
		h.Set("Access-Control-Max-Age", strconv.FormatInt(*rule.MaxAgeSeconds, 10))
	}
	h.Set("Vary", corsVary)
}

// corsHeaders adds CORS headers to an actual (non-preflight) request's
// answer when the bucket's rules allow its origin and method.
func corsHeaders(h http.Header, b bucketRec, origin, method string) {
	if origin == "" || b.CORS == nil {
		return
	}
	if rule, ok := matchCORS(b.CORS, origin, method, nil); ok {
		setAllowHeaders(h, rule, origin)
	}
}

// preflight answers a CORS preflight OPTIONS request.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/API_OPTIONSobject.html
func (s *Service) preflight(w http.ResponseWriter, r *http.Request, b bucketRec, key string) {
	origin := r.Header.Get("Origin")
	method := r.Header.Get("Access-Control-Request-Method")
	resource := "BUCKET"
	if key != "" {
		resource = "OBJECT"
	}
	if origin == "" {
		writeXMLError(w, r, http.StatusBadRequest, xmlError{Code: "BadRequest", Message: "Insufficient information. Origin request header needed."})
		return
	}
	if method == "" {
		writeXMLError(w, r, http.StatusBadRequest, xmlError{Code: "BadRequest", Message: "Invalid Access-Control-Request-Method: null"})
		return
	}
	if b.CORS == nil {
		writeXMLError(w, r, http.StatusForbidden, xmlError{Code: "CORSResponse", Message: "CORS is not enabled for this bucket.", Method: method, ResourceType: resource})
		return
	}
	reqHeaders := requestedHeaders(r.Header.Get("Access-Control-Request-Headers"))
	rule, ok := matchCORS(b.CORS, origin, method, reqHeaders)
	if !ok {
		writeXMLError(w, r, http.StatusForbidden, xmlError{
			Code:         "CORSResponse",
			Message:      "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
			Method:       method,
			ResourceType: resource,
		})
		return
	}
	h := w.Header()
	setAllowHeaders(h, rule, origin)
	if len(reqHeaders) > 0 {
		// AWS: the requested headers are echoed back (lower-cased).
		h.Set("Access-Control-Allow-Headers", strings.ToLower(strings.Join(reqHeaders, ", ")))
	}
	h.Set("X-Amz-Request-Id", reqctx.From(r.Context()).RequestID)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}
