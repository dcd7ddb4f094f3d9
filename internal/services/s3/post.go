package s3

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// This file takes browser uploads: a multipart/form-data POST to the
// bucket with the object's fields, a base64 POST policy whose conditions
// every field must meet, and the file last.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// Signatures are not verified (as everywhere in haneul); the credential
// names the caller, who must be allowed s3:PutObject like any other.

// maxFormFields bounds the bytes of the form fields before the file.
const maxFormFields = 1 << 20

// postPolicy is a decoded POST policy.
type postPolicy struct {
	Expiration string
	Conditions []json.RawMessage
}

// postError is an AccessDenied for a policy the form does not meet.
func postError(format string, args ...any) *awserr.Error {
	return awserr.New("AccessDenied", http.StatusForbidden, "Invalid according to Policy: "+format, args...)
}

// servePostObject stores the object a browser form uploads.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
func (s *Service) servePostObject(w http.ResponseWriter, r *http.Request, b bucketRec) {
	if err := s.postObject(w, r, b); err != nil {
		e, ok := awserr.As(err)
		if !ok {
			s.log.Error("s3: POST upload", "err", err)
			e = awserr.ErrInternal
		}
		writeXMLError(w, r, e.Status, xmlError{Code: e.Code, Message: e.Message})
	}
}

func (s *Service) postObject(w http.ResponseWriter, r *http.Request, b bucketRec) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return awserr.New("MalformedPOSTRequest", http.StatusBadRequest, "The body of your POST request is not well-formed multipart/form-data.")
	}
	fields := map[string]string{} // lower-cased name → value
	names := map[string]string{}  // lower-cased name → name as sent
	var (
		file     *multipart.Part
		filename string
		budget   int64 = maxFormFields
	)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return awserr.New("MalformedPOSTRequest", http.StatusBadRequest, "The body of your POST request is not well-formed multipart/form-data.")
		}
		name := p.FormName()
		if strings.EqualFold(name, "file") {
			file, filename = p, p.FileName()
			break // AWS: fields after the file are ignored
		}
		v, err := io.ReadAll(io.LimitReader(p, budget+1))
		if err != nil || int64(len(v)) > budget {
			return awserr.New("MaxPostPreDataLengthExceeded", http.StatusBadRequest, "Your POST request fields preceding the upload file were too large.")
		}
		budget -= int64(len(v))
		fields[strings.ToLower(name)] = string(v)
		names[strings.ToLower(name)] = name
	}
	if file == nil {
		return awserr.New("InvalidArgument", http.StatusBadRequest, "POST requires exactly one file upload per request.")
	}
	key, ok := fields["key"]
	if !ok {
		return awserr.New("InvalidArgument", http.StatusBadRequest, "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.")
	}
	// AWS: ${filename} in the key is replaced by the uploaded file's name.
	key = strings.ReplaceAll(key, "${filename}", filename)
	fields["key"] = key
	if err := checkKey(key); err != nil {
		return err
	}

	ctx := r.Context()
	info := *reqctx.From(ctx)
	info.Caller.AccessKeyID, info.Caller.ARN, info.Caller.Account = "", "", ""
	lengthRange := [2]int64{0, -1}
	if policy, ok := fields["policy"]; ok {
		access := fields["x-amz-credential"]
		if access == "" {
			access = fields["awsaccesskeyid"]
		}
		access, _, _ = strings.Cut(access, "/")
		if access == "" || (fields["x-amz-signature"] == "" && fields["signature"] == "") {
			return awserr.New("InvalidArgument", http.StatusBadRequest, "Bucket POST must contain a field named 'x-amz-signature'.  If it is specified, please check the order of the fields.")
		}
		if s.ids != nil {
			info.Caller = s.ids.Resolve(access)
			info.Account = info.Caller.Account
		}
		if lengthRange, err = s.checkPostPolicy(policy, b.Name, fields, names); err != nil {
			return err
		}
	}
	ctx = reqctx.With(ctx, &info)
	if err := s.authorize(ctx, "PutObject", b.Name, key); err != nil {
		return err
	}

	up, err := s.receive(file, wantSums{values: map[string]string{}}, nil)
	if err != nil {
		return err
	}
	if up.size < lengthRange[0] || (lengthRange[1] >= 0 && up.size > lengthRange[1]) {
		s.blobs.remove(up.segs)
		if up.size < lengthRange[0] {
			return awserr.New("EntityTooSmall", http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed size")
		}
		return awserr.New("EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed size")
	}
	owner := info.Account
	if owner == "" {
		owner = b.Owner
	}
	acl, err := s.objectACL(b, owner, optional(fields, "acl"), nil, nil, nil, nil)
	if err != nil {
		s.blobs.remove(up.segs)
		return err
	}
	tags, err := postTags(fields["tagging"])
	if err != nil {
		s.blobs.remove(up.segs)
		return err
	}
	rec := objectRec{
		Key: key, Size: up.size, ETag: etag(up.md5), LastModified: s.clock.Now().UTC(), Blobs: up.segs, Owner: owner,
		ContentType: fields["content-type"], ContentEncoding: fields["content-encoding"], ContentDisposition: fields["content-disposition"],
		CacheControl: fields["cache-control"], Expires: fields["expires"], WebsiteRedirect: fields["x-amz-website-redirect-location"],
		StorageClass: fields["x-amz-storage-class"], SSE: fields["x-amz-server-side-encryption"], Tags: tags, ACL: acl,
	}
	for k, v := range fields {
		if m, ok := strings.CutPrefix(k, "x-amz-meta-"); ok {
			if rec.Metadata == nil {
				rec.Metadata = map[string]string{}
			}
			rec.Metadata[m] = v
		}
	}
	var dead []segment
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		dead, err = s.install(tx, b.Name, &rec, nil)
		return err
	})
	if err != nil {
		s.blobs.remove(rec.Blobs)
		return err
	}
	s.blobs.remove(dead)
	s.notify(ctx, b.Name, evPost, rec)
	s.postAnswer(w, r, b.Name, rec, fields)
	return nil
}

// postAnswer writes a successful upload's answer: a 303 to
// success_action_redirect, or success_action_status (200, 201 with a
// PostResponse document, or the default 204).
func (s *Service) postAnswer(w http.ResponseWriter, r *http.Request, bucket string, rec objectRec, fields map[string]string) {
	location := "http://" + r.Host + "/" + bucket + "/" + url.PathEscape(rec.Key)
	h := w.Header()
	h.Set("ETag", rec.ETag)
	h.Set("Location", location)
	h.Set("X-Amz-Request-Id", reqctx.From(r.Context()).RequestID)
	redirectTo := fields["success_action_redirect"]
	if redirectTo == "" {
		redirectTo = fields["redirect"]
	}
	if u, err := url.Parse(redirectTo); redirectTo != "" && err == nil && u.Scheme != "" {
		q := u.Query()
		q.Set("bucket", bucket)
		q.Set("key", rec.Key)
		q.Set("etag", rec.ETag)
		u.RawQuery = q.Encode()
		h.Set("Location", u.String())
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	switch fields["success_action_status"] {
	case "200":
		w.WriteHeader(http.StatusOK)
	case "201":
		type postResponse struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string
			Bucket   string
			Key      string
			ETag     string
		}
		h.Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, xml.Header)
		_ = xml.NewEncoder(w).Encode(postResponse{Location: location, Bucket: bucket, Key: rec.Key, ETag: rec.ETag})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func optional(fields map[string]string, name string) *string {
	if v, ok := fields[name]; ok {
		return &v
	}
	return nil
}

// postTags reads the tagging field: a <Tagging> XML document.
func postTags(doc string) ([]Tag, error) {
	if doc == "" {
		return nil, nil
	}
	var t struct {
		TagSet []struct{ Key, Value string } `xml:"TagSet>Tag"`
	}
	if err := xml.Unmarshal([]byte(doc), &t); err != nil {
		return nil, errMalformedXML()
	}
	var tags []Tag
	for _, kv := range t.TagSet {
		tags = append(tags, Tag{Key: &kv.Key, Value: &kv.Value})
	}
	return tags, checkTags(tags)
}

// checkPostPolicy decodes the policy and checks its expiry and conditions
// against the form. It returns the content-length-range (max -1 when none).
func (s *Service) checkPostPolicy(encoded, bucket string, fields, names map[string]string) ([2]int64, error) {
	rng := [2]int64{0, -1}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	var p postPolicy
	if err != nil || json.Unmarshal(raw, &p) != nil {
		return rng, awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: Invalid JSON.")
	}
	exp, err := time.Parse(time.RFC3339, p.Expiration)
	if err != nil {
		return rng, awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: Invalid 'expiration' value: '%s'", p.Expiration)
	}
	if !s.clock.Now().Before(exp) {
		return rng, postError("Policy expired.")
	}
	covered := map[string]bool{"bucket": true}
	form := func(name string) string {
		if name == "bucket" {
			return bucket
		}
		return fields[name]
	}
	for _, c := range p.Conditions {
		var obj map[string]string
		if json.Unmarshal(c, &obj) == nil {
			// {"field": "value"} is an exact match.
			for name, want := range obj {
				name = strings.ToLower(name)
				covered[name] = true
				if form(name) != want {
					return rng, postError("Policy Condition failed: [\"eq\", \"$%s\", \"%s\"]", name, want)
				}
			}
			continue
		}
		var arr []any
		if json.Unmarshal(c, &arr) != nil || len(arr) != 3 {
			return rng, awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: Invalid Condition: %s", string(c))
		}
		op, _ := arr[0].(string)
		if strings.EqualFold(op, "content-length-range") {
			lo, ok1 := arr[1].(float64)
			hi, ok2 := arr[2].(float64)
			if !ok1 || !ok2 {
				return rng, awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: Invalid content-length-range")
			}
			rng = [2]int64{int64(lo), int64(hi)}
			continue
		}
		field, _ := arr[1].(string)
		want, _ := arr[2].(string)
		name := strings.ToLower(strings.TrimPrefix(field, "$"))
		covered[name] = true
		got := form(name)
		switch strings.ToLower(op) {
		case "eq":
			if got != want {
				return rng, postError("Policy Condition failed: [\"eq\", \"%s\", \"%s\"]", field, want)
			}
		case "starts-with":
			// AWS: Content-Type may list several values, each of which must match.
			ok := strings.HasPrefix(got, want)
			if name == "content-type" && strings.Contains(got, ",") {
				ok = true
				for v := range strings.SplitSeq(got, ",") {
					ok = ok && strings.HasPrefix(strings.TrimSpace(v), want)
				}
			}
			if !ok {
				return rng, postError("Policy Condition failed: [\"starts-with\", \"%s\", \"%s\"]", field, want)
			}
		default:
			return rng, awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: Invalid Condition: %s", string(c))
		}
	}
	// AWS: every field but the signature, the policy, the file and x-ignore-*
	// must be named by a condition.
	for name := range fields {
		switch {
		case covered[name], name == "policy", name == "x-amz-signature", name == "signature", name == "awsaccesskeyid",
			strings.HasPrefix(name, "x-ignore-"):
			continue
		}
		return rng, postError("Extra input fields: %s", names[name])
	}
	return rng, nil
}
