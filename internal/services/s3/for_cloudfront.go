package s3

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/identity"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// ObjectForCloudFront reads key from bucket for a CloudFront origin fetch
// by the distribution distARN. It answers as S3 answers
// CloudFront: the status (200, 403, 404), the object's headers, and for
// 200 its bytes, which the caller closes.
//
// Who may read (kept simple; see docs/guide/cloudfront.md):
//   - signed (the origin has an origin access control or identity): the
//     bucket policy must Allow s3:GetObject on the object to the
//     CloudFront service principal ("cloudfront.amazonaws.com", with its
//     "AWS:SourceArn" condition, when present, naming this distribution) or
//     to an origin access identity; Block Public Access does not apply, the
//     principal not being public.
//   - unsigned: the object must be publicly readable, as for any anonymous
//     reader (bucket policy or ACLs, minus Block Public Access).
//
// AWS: a missing key is 403 AccessDenied to a reader without s3:ListBucket,
// which CloudFront's usual grants lack; haneul answers 403 for a signed
// fetch and 404 for a public bucket.
func (s *Service) ObjectForCloudFront(ctx context.Context, bucket, key, distARN string, signed bool) (int, http.Header, io.ReadCloser) {
	var (
		b   bucketRec
		rec objectRec
		ok  bool
		has bool
	)
	_ = s.db.View(func(tx *state.Tx) error {
		if b, ok = s.buckets.Get(tx, global, bucket); ok {
			rec, has = s.objects.Get(tx, global, objKey(bucket, key))
		}
		return nil
	})
	h := http.Header{}
	if !ok {
		return http.StatusNotFound, h, nil
	}
	resource := "arn:aws:s3:::" + bucket + "/" + key
	if signed {
		if !cloudFrontAllowed(b.Policy, resource, distARN) {
			return http.StatusForbidden, h, nil
		}
	} else if err := s.authorize(anonymousReader(ctx), "GetObject", bucket, key); err != nil {
		return http.StatusForbidden, h, nil
	}
	if !has || rec.DeleteMarker {
		if signed {
			return http.StatusForbidden, h, nil
		}
		return http.StatusNotFound, h, nil
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
	body, err := s.blobs.open(rec.Blobs, 0, rec.Size)
	if err != nil {
		// Overwritten or deleted between the lookup and the open.
		return http.StatusNotFound, http.Header{}, nil
	}
	return http.StatusOK, h, body
}

// anonymousReader is ctx with no caller, for public-read checks.
func anonymousReader(ctx context.Context) context.Context {
	info := *reqctx.From(ctx)
	info.Caller = identity.Principal{}
	return reqctx.With(ctx, &info)
}

// cloudFrontAllowed reports whether a bucket policy lets CloudFront (an
// origin access control of distARN, or an origin access identity) read
// resource. Deny statements for those principals win.
func cloudFrontAllowed(policy, resource, distARN string) bool {
	var doc policyDoc
	if policy == "" || json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	allow := false
	for _, st := range doc.Statement {
		if !cloudFrontPrincipal(st.Principal) || !anyMatch(st.Action, "s3:GetObject") || !anyMatch(st.Resource, resource) {
			continue
		}
		if !sourceArnMatches(st.Condition, distARN) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return false
		case "Allow":
			allow = true
		}
	}
	return allow
}

// cloudFrontPrincipal reports whether a statement's principal is
// CloudFront: the service principal OACs sign as, an origin access
// identity ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity
// E…", or its canonical user), or everyone.
func cloudFrontPrincipal(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var m map[string]strs
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, p := range m["Service"] {
		if p == "cloudfront.amazonaws.com" {
			return true
		}
	}
	for _, p := range m["AWS"] {
		if p == "*" || strings.Contains(p, "CloudFront Origin Access Identity") {
			return true
		}
	}
	return len(m["CanonicalUser"]) > 0
}

// sourceArnMatches evaluates the "AWS:SourceArn" condition of an OAC
// statement (StringEquals, ArnEquals, ArnLike, StringLike) against the
// distribution's ARN; other condition keys are not evaluated.
func sourceArnMatches(raw json.RawMessage, distARN string) bool {
	if len(raw) == 0 {
		return true
	}
	var cond map[string]map[string]strs
	if json.Unmarshal(raw, &cond) != nil {
		return false
	}
	for op, kv := range cond {
		for k, vals := range kv {
			if !strings.EqualFold(k, "aws:SourceArn") {
				continue
			}
			like := strings.Contains(strings.ToLower(op), "like")
			match := false
			for _, v := range vals {
				if v == distARN || (like && wildMatch(v, distARN)) {
					match = true
				}
			}
			if !match {
				return false
			}
		}
	}
	return true
}
