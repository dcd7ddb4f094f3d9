package s3

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

// extraKey is the input member under which Prepare hands guard what the
// model does not carry; no S3 member has this name.
const extraKey = "\x00haneul"

// extra is what a request carries outside the model's members.
type extra struct {
	expired            bool   // a presigned URL past its expiry
	locationConstraint string // CreateBucket's constraint, kept out of enum validation
	trailer            func() http.Header
}

type extraCtxKey struct{}

func fromCtx(ctx context.Context) *extra {
	if e, ok := ctx.Value(extraCtxKey{}).(*extra); ok {
		return e
	}
	return &extra{}
}

// Service implements service.Preparer: a compile-time check.
var _ service.Preparer = (*Service)(nil)

// Prepare reads what the model does not place: presigned-URL expiry and
// CreateBucket's location constraint, which S3 checks with its own errors.
func (s *Service) Prepare(ctx context.Context, op string, r *http.Request, in map[string]any) error {
	e := &extra{}
	q := r.URL.Query()
	// AWS: a presigned SigV4 URL is valid for X-Amz-Expires seconds from X-Amz-Date.
	if d, x := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"); d != "" && x != "" {
		t, err1 := time.Parse("20060102T150405Z", d)
		secs, err2 := strconv.Atoi(x)
		if err1 == nil && err2 == nil && s.clock.Now().After(t.Add(time.Duration(secs)*time.Second)) {
			e.expired = true
		}
	} else if x := q.Get("Expires"); x != "" && q.Get("AWSAccessKeyId") != "" {
		// SigV2 query auth: Expires is a Unix time.
		if secs, err := strconv.ParseInt(x, 10, 64); err == nil && s.clock.Now().Unix() > secs {
			e.expired = true
		}
	}
	if op == "CreateBucket" {
		// AWS: S3 answers a bad constraint with its own errors, not a validation error.
		if cfg, ok := in["CreateBucketConfiguration"].(map[string]any); ok {
			if lc, ok := cfg["LocationConstraint"].(string); ok {
				e.locationConstraint = lc
				delete(cfg, "LocationConstraint")
			}
		}
	}
	in[extraKey] = e
	return nil
}

// guard wraps a handler: expired presigned URLs are refused, and callers
// other than the bucket owner must be allowed by the bucket's policy or ACLs.
func (s *Service) guard(op string, f service.Handler) service.Handler {
	return func(ctx context.Context, in map[string]any) (map[string]any, error) {
		e, _ := in[extraKey].(*extra)
		delete(in, extraKey)
		if e == nil {
			e = &extra{}
		}
		if e.expired {
			return nil, awserr.New("AccessDenied", http.StatusForbidden, "Request has expired")
		}
		if body, ok := in["Body"].(interface{ Trailer() http.Header }); ok {
			e.trailer = body.Trailer
		}
		ctx = context.WithValue(ctx, extraCtxKey{}, e)
		if bucket, _ := in["Bucket"].(string); bucket != "" && op != "CreateBucket" {
			key, _ := in["Key"].(string)
			if err := s.authorize(ctx, op, bucket, key); err != nil {
				return nil, err
			}
		}
		return f(ctx, in)
	}
}

// action is the IAM action an operation needs, and the ACL permission
// that grants it ("" when no ACL grant does).
func action(op string) (act, perm string, onObject bool) {
	switch op {
	case "GetObject", "HeadObject":
		return "s3:GetObject", "READ", true
	case "ListObjects", "ListObjectsV2", "HeadBucket":
		return "s3:ListBucket", "READ", false
	case "ListObjectVersions":
		return "s3:ListBucketVersions", "READ", false
	case "ListMultipartUploads":
		return "s3:ListBucketMultipartUploads", "READ", false
	case "PutObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "CopyObject":
		return "s3:PutObject", "WRITE", false
	case "DeleteObject", "DeleteObjects":
		return "s3:DeleteObject", "WRITE", false
	case "AbortMultipartUpload":
		return "s3:AbortMultipartUpload", "WRITE", false
	case "ListParts":
		return "s3:ListMultipartUploadParts", "READ", false
	case "GetBucketAcl":
		return "s3:GetBucketAcl", "READ_ACP", false
	case "PutBucketAcl":
		return "s3:PutBucketAcl", "WRITE_ACP", false
	case "GetObjectAcl":
		return "s3:GetObjectAcl", "READ_ACP", true
	case "PutObjectAcl":
		return "s3:PutObjectAcl", "WRITE_ACP", true
	}
	return "s3:" + op, "", false
}

// authorize decides whether the caller may run op on bucket (and key).
// The owner account always may; anyone else needs an Allow from the bucket
// policy or an ACL grant, minus what Block Public Access takes away.
func (s *Service) authorize(ctx context.Context, op, bucket, key string) error {
	info := reqctx.From(ctx)
	anonymous := info.Caller.AccessKeyID == ""
	var (
		b   bucketRec
		obj objectRec
		ok  bool
		has bool
	)
	act, perm, onObject := action(op)
	_ = s.db.View(func(tx *state.Tx) error {
		b, ok = s.buckets.Get(tx, global, bucket)
		if ok && onObject && key != "" {
			obj, has = s.objects.Get(tx, global, bucket+sep+key)
		}
		return nil
	})
	if !ok {
		return nil // the handler answers NoSuchBucket
	}
	if !anonymous && info.Account == b.Owner {
		return nil
	}
	resource := "arn:aws:s3:::" + bucket
	if key != "" {
		resource += "/" + key
	} else if !strings.HasPrefix(act, "s3:List") && act != "s3:GetBucketAcl" && act != "s3:PutBucketAcl" && strings.Contains(act, "Object") {
		resource += "/*"
	}
	pab := ptr.Val(b.PublicAccess)
	switch policyDecision(b.Policy, info.Caller, anonymous, act, resource, ptr.Val(pab.RestrictPublicBuckets)) {
	case denied:
		return errAccessDenied()
	case allowed:
		return nil
	}
	if perm != "" && aclsEnabled(b) && !ptr.Val(pab.IgnorePublicAcls) {
		grants := b.ACL
		if onObject {
			if !has {
				grants = nil
			} else {
				grants = obj.ACL
			}
		}
		if granted(grants, perm, info.Caller, anonymous) {
			return nil
		}
	}
	return errAccessDenied()
}

// aclsEnabled reports whether the bucket's object ownership lets ACLs count.
func aclsEnabled(b bucketRec) bool {
	return objectOwnership(b) != "BucketOwnerEnforced"
}

func objectOwnership(b bucketRec) string {
	if b.Ownership != nil && len(b.Ownership.Rules) > 0 {
		return ptr.Val(b.Ownership.Rules[0].ObjectOwnership)
	}
	return "ObjectWriter" // buckets without ownership controls predate them
}

// The grantee group URIs.
const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logGroup  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// granted reports whether grants give perm to the caller.
func granted(grants []Grant, perm string, caller identity.Principal, anonymous bool) bool {
	for _, g := range grants {
		p := ptr.Val(g.Permission)
		if p != perm && p != "FULL_CONTROL" && !(perm == "READ" && p == "READ") {
			continue
		}
		if g.Grantee == nil {
			continue
		}
		switch uri := ptr.Val(g.Grantee.URI); {
		case uri == allUsers:
			return true
		case uri == authUsers && !anonymous:
			return true
		case !anonymous && ptr.Val(g.Grantee.ID) == canonicalID(caller.Account):
			return true
		}
	}
	return false
}

// publicGrant reports whether grants give anything to everyone.
func publicGrant(grants []Grant) bool {
	for _, g := range grants {
		if g.Grantee != nil {
			if u := ptr.Val(g.Grantee.URI); u == allUsers || u == authUsers {
				return true
			}
		}
	}
	return false
}

// ownerOnly reports whether grants give nothing beyond the owner's full control.
func ownerOnly(grants []Grant, account string) bool {
	for _, g := range grants {
		if g.Grantee == nil || ptr.Val(g.Grantee.ID) != canonicalID(account) {
			return false
		}
	}
	return true
}

// cannedGrants expands a canned ACL.
// AWS: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
func cannedGrants(account, acl string) ([]Grant, error) {
	own := Grant{Grantee: &Grantee{Type: ptr.To("CanonicalUser"), ID: ptr.To(canonicalID(account)), DisplayName: owner(account).DisplayName}, Permission: ptr.To("FULL_CONTROL")}
	group := func(uri, perm string) Grant {
		return Grant{Grantee: &Grantee{Type: ptr.To("Group"), URI: ptr.To(uri)}, Permission: ptr.To(perm)}
	}
	switch acl {
	case "", "private", "bucket-owner-full-control", "bucket-owner-read", "aws-exec-read":
		return []Grant{own}, nil
	case "public-read":
		return []Grant{own, group(allUsers, "READ")}, nil
	case "public-read-write":
		return []Grant{own, group(allUsers, "READ"), group(allUsers, "WRITE")}, nil
	case "authenticated-read":
		return []Grant{own, group(authUsers, "READ")}, nil
	case "log-delivery-write":
		return []Grant{own, group(logGroup, "WRITE"), group(logGroup, "READ_ACP")}, nil
	}
	return nil, errInvalidArgument("")
}

// requestGrants builds an ACL from a canned ACL or x-amz-grant-* headers
// (id="…", uri="…", emailAddress="…", comma separated).
func requestGrants(account string, acl *string, full, read, readACP, write, writeACP *string) ([]Grant, error) {
	explicit := map[string]*string{"FULL_CONTROL": full, "READ": read, "READ_ACP": readACP, "WRITE": write, "WRITE_ACP": writeACP}
	any := false
	for _, v := range explicit {
		if v != nil {
			any = true
		}
	}
	if !any {
		return cannedGrants(account, ptr.Val(acl))
	}
	if acl != nil {
		return nil, awserr.New("InvalidRequest", http.StatusBadRequest, "Specifying both Canned ACLs and Header Grants is not allowed")
	}
	var grants []Grant
	for _, perm := range []string{"FULL_CONTROL", "READ", "READ_ACP", "WRITE", "WRITE_ACP"} {
		v := explicit[perm]
		if v == nil {
			continue
		}
		for part := range strings.SplitSeq(*v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				return nil, errInvalidArgument("Invalid grant header")
			}
			val = strings.Trim(val, `"`)
			g := &Grantee{}
			switch strings.ToLower(k) {
			case "id":
				g.Type, g.ID = ptr.To("CanonicalUser"), ptr.To(val)
			case "uri":
				g.Type, g.URI = ptr.To("Group"), ptr.To(val)
			case "emailaddress":
				g.Type, g.EmailAddress = ptr.To("AmazonCustomerByEmail"), ptr.To(val)
			default:
				return nil, errInvalidArgument("Invalid grant header key %s", k)
			}
			grants = append(grants, Grant{Grantee: g, Permission: ptr.To(perm)})
		}
	}
	return grants, nil
}

// decision is the outcome of a bucket policy evaluation.
type decision int

const (
	noDecision decision = iota
	allowed
	denied
)

type policyDoc struct {
	Statement stmts
}

type stmts []policyStmt

func (s *stmts) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one policyStmt
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stmts{one}
		return nil
	}
	var many []policyStmt
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

type policyStmt struct {
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       strs
	NotAction    strs
	Resource     strs
	NotResource  strs
	Condition    json.RawMessage
}

// strs is a policy value that may be a string or a list of strings.
type strs []string

func (s *strs) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = strs{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

// principals returns a statement's AWS principals ("*" for everyone).
func principals(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return []string{star}
	}
	var m map[string]strs
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m["AWS"]
}

// publicPolicy reports whether a policy allows anyone at all.
//
// AWS: a policy is public when an Allow statement's principal is a
// wildcard and no condition pins it down.
func publicPolicy(policy string) bool {
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	for _, st := range doc.Statement {
		if st.Effect != "Allow" || len(st.Condition) > 0 {
			continue
		}
		for _, p := range principals(st.Principal) {
			if p == "*" {
				return true
			}
		}
	}
	return false
}

// policyDecision evaluates a bucket policy for one request. Statements with
// conditions, NotPrincipal, NotAction or NotResource are not evaluated.
// restrictPublic drops the public (wildcard-principal) Allow statements for
// callers outside the account, as RestrictPublicBuckets does.
func policyDecision(policy string, caller identity.Principal, anonymous bool, act, resource string, restrictPublic bool) decision {
	if policy == "" {
		return noDecision
	}
	var doc policyDoc
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return noDecision
	}
	out := noDecision
	for _, st := range doc.Statement {
		if len(st.Condition) > 0 || len(st.NotPrincipal) > 0 || len(st.NotAction) > 0 || len(st.NotResource) > 0 {
			continue
		}
		matchP, wildcard := false, false
		for _, p := range principals(st.Principal) {
			switch {
			case p == "*":
				matchP, wildcard = true, true
			case anonymous:
			case p == caller.Account, p == "arn:aws:iam::"+caller.Account+":root", p == caller.ARN:
				matchP = true
			}
		}
		if !matchP || !anyMatch(st.Action, act) || !anyMatch(st.Resource, resource) {
			continue
		}
		switch st.Effect {
		case "Deny":
			return denied
		case "Allow":
			if wildcard && restrictPublic {
				continue
			}
			out = allowed
		}
	}
	return out
}

func anyMatch(patterns []string, s string) bool {
	for _, p := range patterns {
		if wildMatch(strings.ToLower(p), strings.ToLower(s)) || (strings.HasPrefix(p, "arn:") && wildMatch(p, s)) {
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
