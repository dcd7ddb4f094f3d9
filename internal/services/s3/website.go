package s3

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// This file serves S3 website endpoints: "<bucket>.s3-website.<region>.localhost"
// and "<bucket>.s3-website-<region>.localhost" (any port) on haneul's
// listener, from the bucket's website configuration, to anonymous readers.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html

// webError is a website endpoint error: its status, S3 code and message.
type webError struct {
	status  int
	code    string
	message string
	key     string
}

// serveWebsite answers one website endpoint request.
func (s *Service) serveWebsite(w http.ResponseWriter, r *http.Request, bucket string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// AWS: website endpoints serve only GET and HEAD.
		s.webErrorPage(w, r, webError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed", message: "The specified method is not allowed against this resource."}, nil)
		return
	}
	b, ok := s.lookupBucket(bucket)
	if !ok {
		s.webErrorPage(w, r, webError{status: http.StatusNotFound, code: "NoSuchBucket", message: "The specified bucket does not exist"}, nil)
		return
	}
	site := b.Website
	if site == nil {
		s.webErrorPage(w, r, webError{status: http.StatusNotFound, code: "NoSuchWebsiteConfiguration", message: "The specified bucket does not have a website configuration"}, nil)
		return
	}
	key := strings.TrimPrefix(r.URL.Path, "/")
	if to := site.RedirectAllRequestsTo; to != nil {
		// AWS: every request is sent to the other host, path kept, with a 301.
		proto := ptr.Or(to.Protocol, "http")
		redirect(w, r, http.StatusMovedPermanently, proto+"://"+ptr.Val(to.HostName)+"/"+key)
		return
	}
	if rule, ok := matchRoutingRule(site.RoutingRules, key, 0); ok {
		s.routeRedirect(w, r, rule, key)
		return
	}
	suffix := ""
	if site.IndexDocument != nil {
		suffix = ptr.Val(site.IndexDocument.Suffix)
	}
	objKey := key
	if objKey == "" || strings.HasSuffix(objKey, "/") {
		objKey += suffix
	}
	ctx := anonymous(r.Context())
	if err := s.authorize(ctx, "GetObject", bucket, objKey); err != nil {
		s.websiteFail(w, r, b, key, webError{status: http.StatusForbidden, code: "AccessDenied", message: "Access Denied"})
		return
	}
	rec, found := s.currentObject(bucket, objKey)
	if !found {
		// AWS: "/dir" with no object "dir" but an index "dir/index.html"
		// is redirected to "/dir/" with a 302.
		if key != "" && !strings.HasSuffix(key, "/") && suffix != "" {
			if _, ok := s.currentObject(bucket, key+"/"+suffix); ok {
				redirect(w, r, http.StatusFound, "/"+key+"/")
				return
			}
		}
		s.websiteFail(w, r, b, key, webError{status: http.StatusNotFound, code: "NoSuchKey", message: "The specified key does not exist.", key: objKey})
		return
	}
	if rec.WebsiteRedirect != "" {
		// AWS: an object's x-amz-website-redirect-location answers a 301.
		redirect(w, r, http.StatusMovedPermanently, rec.WebsiteRedirect)
		return
	}
	s.writeObject(w, r, bucket, rec, http.StatusOK)
}

// anonymous returns ctx with no caller: website endpoints serve everyone
// as an anonymous reader, whatever the request carries.
func anonymous(ctx context.Context) context.Context {
	info := *reqctx.From(ctx)
	info.Caller.AccessKeyID, info.Caller.ARN, info.Caller.Account = "", "", ""
	return reqctx.With(ctx, &info)
}

// currentObject returns the current version of key, if it is an object
// (not absent, not a delete marker).
func (s *Service) currentObject(bucket, key string) (objectRec, bool) {
	var (
		rec objectRec
		ok  bool
	)
	_ = s.db.View(func(tx *state.Tx) error {
		rec, ok = s.objects.Get(tx, global, objKey(bucket, key))
		return nil
	})
	return rec, ok && !rec.DeleteMarker
}

// websiteFail answers an error: a routing rule for its status code, else
// the error document (with the error's status), else S3's HTML page.
func (s *Service) websiteFail(w http.ResponseWriter, r *http.Request, b bucketRec, key string, e webError) {
	site := b.Website
	if rule, ok := matchRoutingRule(site.RoutingRules, key, e.status); ok {
		s.routeRedirect(w, r, rule, key)
		return
	}
	if site.ErrorDocument == nil || ptr.Val(site.ErrorDocument.Key) == "" {
		s.webErrorPage(w, r, e, nil)
		return
	}
	docKey := ptr.Val(site.ErrorDocument.Key)
	if s.authorize(anonymous(r.Context()), "GetObject", b.Name, docKey) != nil {
		s.webErrorPage(w, r, e, &webError{status: http.StatusForbidden, code: "AccessDenied", message: "Access Denied"})
		return
	}
	doc, ok := s.currentObject(b.Name, docKey)
	if !ok {
		s.webErrorPage(w, r, e, &webError{status: http.StatusNotFound, code: "NoSuchKey", message: "The specified key does not exist.", key: docKey})
		return
	}
	s.writeObject(w, r, b.Name, doc, e.status)
}

// matchRoutingRule returns the first routing rule whose condition holds
// for key and (when status is not 0) the error status. A rule without a
// condition always matches; one with HttpErrorCodeReturnedEquals matches
// only errors. AWS: rules are evaluated in order; the first match wins.
func matchRoutingRule(rules []RoutingRule, key string, status int) (RoutingRule, bool) {
	for _, rule := range rules {
		c := rule.Condition
		if c == nil {
			if status == 0 {
				return rule, true
			}
			continue
		}
		if p := c.KeyPrefixEquals; p != nil && !strings.HasPrefix(key, *p) {
			continue
		}
		code := ptr.Val(c.HttpErrorCodeReturnedEquals)
		if (code == "") != (status == 0) || (code != "" && code != strconv.Itoa(status)) {
			continue
		}
		return rule, true
	}
	return RoutingRule{}, false
}

// routeRedirect answers a routing rule's redirect.
func (s *Service) routeRedirect(w http.ResponseWriter, r *http.Request, rule RoutingRule, key string) {
	rd := rule.Redirect
	if rd == nil {
		rd = &Redirect{}
	}
	newKey := key
	switch {
	case rd.ReplaceKeyWith != nil:
		newKey = *rd.ReplaceKeyWith
	case rd.ReplaceKeyPrefixWith != nil:
		prefix := ""
		if rule.Condition != nil {
			prefix = ptr.Val(rule.Condition.KeyPrefixEquals)
		}
		newKey = *rd.ReplaceKeyPrefixWith + strings.TrimPrefix(key, prefix)
	}
	host := ptr.Or(rd.HostName, r.Host)
	proto := ptr.Or(rd.Protocol, "http")
	code := http.StatusMovedPermanently
	if c, err := strconv.Atoi(ptr.Val(rd.HttpRedirectCode)); err == nil && c >= 300 && c < 400 {
		code = c
	}
	redirect(w, r, code, proto+"://"+host+"/"+newKey)
}

// redirect answers a redirect with an empty body, as website endpoints do.
func redirect(w http.ResponseWriter, r *http.Request, code int, location string) {
	w.Header().Set("Location", location)
	w.Header().Set("Content-Length", "0")
	w.Header().Set("X-Amz-Request-Id", reqctx.From(r.Context()).RequestID)
	w.WriteHeader(code)
}

// writeObject writes an object's headers and bytes with status.
func (s *Service) writeObject(w http.ResponseWriter, r *http.Request, bucket string, rec objectRec, status int) {
	h := w.Header()
	h.Set("X-Amz-Request-Id", reqctx.From(r.Context()).RequestID)
	if status == http.StatusOK {
		if m := r.Header.Get("If-None-Match"); m != "" && etagMatch(m, rec.ETag) {
			h.Set("ETag", rec.ETag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	ct := rec.ContentType
	if ct == "" {
		ct = "binary/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.FormatInt(rec.Size, 10))
	h.Set("ETag", rec.ETag)
	h.Set("Last-Modified", rec.LastModified.UTC().Format(http.TimeFormat))
	for name, v := range map[string]string{"Cache-Control": rec.CacheControl, "Content-Encoding": rec.ContentEncoding,
		"Content-Disposition": rec.ContentDisposition, "Content-Language": rec.ContentLanguage, "Expires": rec.Expires} {
		if v != "" {
			h.Set(name, v)
		}
	}
	for k, v := range rec.Metadata {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	body, err := s.blobs.open(rec.Blobs, 0, rec.Size)
	if errors.Is(err, fs.ErrNotExist) {
		// Overwritten between the lookup and the open: read it again.
		if again, ok := s.currentObject(bucket, rec.Key); ok && again.Seq != rec.Seq {
			h.Del("ETag")
			s.writeObject(w, r, bucket, again, status)
			return
		}
	}
	if err != nil {
		s.log.Error("s3 website: open object", "key", rec.Key, "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	defer body.Close()
	w.WriteHeader(status)
	_, _ = io.Copy(w, body)
}

// webErrorPage writes the HTML error page S3 website endpoints answer,
// with the error met reading the error document when there was one.
func (s *Service) webErrorPage(w http.ResponseWriter, r *http.Request, e webError, docErr *webError) {
	id := reqctx.From(r.Context()).RequestID
	title := fmt.Sprintf("%d %s", e.status, http.StatusText(e.status))
	var b strings.Builder
	fmt.Fprintf(&b, "<html>\n<head><title>%s</title></head>\n<body>\n<h1>%s</h1>\n<ul>\n", title, title)
	item := func(name, v string) { fmt.Fprintf(&b, "<li>%s: %s</li>\n", name, html.EscapeString(v)) }
	list := func(e webError) {
		item("Code", e.code)
		item("Message", e.message)
		if e.key != "" {
			item("Key", e.key)
		}
	}
	list(e)
	item("RequestId", id)
	item("HostId", hostID(id))
	b.WriteString("</ul>\n")
	if docErr != nil {
		b.WriteString("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n")
		list(*docErr)
		b.WriteString("</ul>\n")
	}
	b.WriteString("<hr/>\n</body>\n</html>\n")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("X-Amz-Request-Id", id)
	h.Set("X-Amz-Error-Code", e.code)
	h.Set("X-Amz-Error-Message", e.message)
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, b.String())
	}
}

// checkWebsite applies PutBucketWebsite's rules.
func checkWebsite(wc *WebsiteConfiguration) error {
	if wc.RedirectAllRequestsTo != nil {
		if wc.IndexDocument != nil || wc.ErrorDocument != nil || len(wc.RoutingRules) > 0 {
			// AWS: RedirectAllRequestsTo stands alone.
			return awserr.New("InvalidArgument", http.StatusBadRequest, "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.")
		}
		if ptr.Val(wc.RedirectAllRequestsTo.HostName) == "" {
			return errMalformedXML()
		}
		return nil
	}
	if wc.IndexDocument == nil || ptr.Val(wc.IndexDocument.Suffix) == "" {
		return awserr.New("InvalidArgument", http.StatusBadRequest, "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")
	}
	if strings.Contains(ptr.Val(wc.IndexDocument.Suffix), "/") {
		return awserr.New("InvalidArgument", http.StatusBadRequest, "The IndexDocument Suffix is not well formed")
	}
	for _, rule := range wc.RoutingRules {
		if rule.Redirect == nil {
			return errMalformedXML()
		}
		if rule.Redirect.ReplaceKeyWith != nil && rule.Redirect.ReplaceKeyPrefixWith != nil {
			return awserr.New("InvalidRequest", http.StatusBadRequest, "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
		}
	}
	return nil
}
