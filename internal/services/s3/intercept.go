package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Service implements service.Interceptor: a compile-time check.
var _ service.Interceptor = (*Service)(nil)

// Intercept answers the S3 requests that are not operations of the model:
// website endpoints, CORS preflights (OPTIONS), and browser POST uploads;
// and it adds CORS headers to requests that carry an Origin. Anything else
// is left to the gateway. Only requests naming an existing bucket (or a
// website host) are taken, so OPTIONS to other services pass through.
func (s *Service) Intercept(w http.ResponseWriter, r *http.Request) bool {
	if bucket, ok := websiteHost(r.Host); ok {
		s.serveWebsite(w, r, bucket)
		return true
	}
	origin := r.Header.Get("Origin")
	isPost := r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if r.Method != http.MethodOptions && origin == "" && !isPost {
		return false
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	bucket, key := bucketAndKey(r)
	if bucket == "" {
		return false
	}
	b, ok := s.lookupBucket(bucket)
	if !ok {
		return false
	}
	switch {
	case r.Method == http.MethodOptions:
		s.preflight(w, r, b, key)
		return true
	case isPost && key == "" && r.URL.RawQuery == "":
		if origin != "" {
			corsHeaders(w.Header(), b, origin, r.Method)
		}
		s.servePostObject(w, r, b)
		return true
	}
	corsHeaders(w.Header(), b, origin, r.Method)
	return false
}

// lookupBucket reads one bucket record.
func (s *Service) lookupBucket(name string) (bucketRec, bool) {
	var (
		b  bucketRec
		ok bool
	)
	_ = s.db.View(func(tx *state.Tx) error {
		b, ok = s.buckets.Get(tx, global, name)
		return nil
	})
	return b, ok
}

// bucketAndKey finds the bucket and key a REST request names, in virtual
// host style ("<bucket>.s3.localhost", "<bucket>.s3.<region>.amazonaws.com")
// or path style ("/<bucket>/<key>").
func bucketAndKey(r *http.Request) (bucket, key string) {
	host := r.Host
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	i := strings.Index(host, ".s3.")
	if i <= 0 {
		i = strings.Index(host, ".s3-")
	}
	if i > 0 {
		return host[:i], strings.TrimPrefix(r.URL.Path, "/")
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	return bucket, key
}

// websiteHost recognises S3 website endpoint host names, with any port:
// "<bucket>.s3-website.<region>.<domain>" and "<bucket>.s3-website-<region>.<domain>"
// (the domain being localhost or amazonaws.com).
func websiteHost(host string) (string, bool) {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	i := strings.LastIndex(host, ".s3-website")
	if i <= 0 {
		return "", false
	}
	rest := host[i+len(".s3-website"):]
	if len(rest) < 2 || (rest[0] != '.' && rest[0] != '-') {
		return "", false
	}
	return host[:i], true
}

// xmlError is S3's error document, written for the requests Intercept
// answers itself (the codec writes every other error).
type xmlError struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string
	Message      string
	Method       string `xml:",omitempty"`
	ResourceType string `xml:",omitempty"`
	Condition    string `xml:",omitempty"`
	RequestID    string `xml:"RequestId"`
	HostID       string `xml:"HostId"`
}

// writeXMLError writes an S3 XML error.
func writeXMLError(w http.ResponseWriter, r *http.Request, status int, e xmlError) {
	e.RequestID = reqctx.From(r.Context()).RequestID
	e.HostID = hostID(e.RequestID)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amz-Request-Id", e.RequestID)
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(e)
}

// hostID is the opaque x-amz-id-2 S3 pairs with a request id.
func hostID(requestID string) string {
	return canonicalID(requestID)[:40]
}
