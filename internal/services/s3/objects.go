package s3

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// maxKey is the longest object key, in bytes.
const maxKey = 1024

func objKey(bucket, key string) string { return bucket + sep + key }

// verKey orders a key's noncurrent versions newest first.
func verKey(bucket, key string, seq uint64) string {
	return bucket + sep + key + sep + fmt.Sprintf("%016x", ^seq)
}

// newVersionID makes a version id that names its sequence number, so a
// version is found by id with one lookup.
func newVersionID(seq uint64) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%016x", seq) + hex.EncodeToString(b[:])
}

func seqOf(versionID string) (uint64, bool) {
	if len(versionID) != 32 {
		return 0, false
	}
	n, err := strconv.ParseUint(versionID[:16], 16, 64)
	return n, err == nil
}

func checkKey(key string) error {
	if len(key) > maxKey {
		return awserr.New("KeyTooLongError", http.StatusBadRequest, "Your key is too long")
	}
	if key == "" {
		return awserr.New("InvalidRequest", http.StatusBadRequest, "A key must be specified")
	}
	return nil
}

// parseTagging reads the x-amz-tagging header ("k1=v1&k2=v2").
func parseTagging(h *string) ([]Tag, error) {
	if h == nil || *h == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(*h)
	if err != nil {
		return nil, errInvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	var tags []Tag
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, errInvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		tags = append(tags, Tag{Key: ptr.To(k), Value: ptr.To(vs[0])})
	}
	return tags, checkTags(tags)
}

// findVersion returns the version of key versionID names ("" for the
// current one) and whether it is the current one.
func (s *Service) findVersion(tx *state.Tx, bucket, key, versionID string) (objectRec, bool, error) {
	cur, has := s.objects.Get(tx, global, objKey(bucket, key))
	if versionID == "" {
		if !has {
			return objectRec{}, false, errNoSuchKey(key)
		}
		return cur, true, nil
	}
	if has && cur.versionID() == versionID {
		return cur, true, nil
	}
	if versionID == "null" {
		var found objectRec
		ok := false
		s.versions.AscendPrefix(tx, global, objKey(bucket, key)+sep, func(_ string, v objectRec) bool {
			if v.VersionID == "" {
				found, ok = v, true
				return false
			}
			return true
		})
		if ok {
			return found, false, nil
		}
		return objectRec{}, false, errNoSuchVersion(key, versionID)
	}
	seq, ok := seqOf(versionID)
	if !ok {
		return objectRec{}, false, errInvalidArgument("Invalid version id specified")
	}
	v, ok := s.versions.Get(tx, global, verKey(bucket, key, seq))
	if !ok || v.VersionID != versionID {
		return objectRec{}, false, errNoSuchVersion(key, versionID)
	}
	return v, false, nil
}

// install makes rec the current version of its key, following the
// bucket's versioning state, and returns the blobs no version needs any
// more. check, if set, sees the current version first (conditional writes).
func (s *Service) install(tx *state.Tx, bucket string, rec *objectRec, check func(cur objectRec, has bool) error) ([]segment, error) {
	b, err := s.bucket(tx, bucket)
	if err != nil {
		return nil, err
	}
	k := objKey(bucket, rec.Key)
	cur, has := s.objects.Get(tx, global, k)
	if check != nil {
		if err := check(cur, has); err != nil {
			return nil, err
		}
	}
	rec.Seq = s.nextSeq()
	var dead []segment
	switch b.Versioning {
	case "":
		rec.VersionID = ""
		if has {
			dead = cur.Blobs
		}
	case "Enabled":
		rec.VersionID = newVersionID(rec.Seq)
		if has {
			s.versions.Put(tx, global, verKey(bucket, rec.Key, cur.Seq), cur)
		}
	case "Suspended":
		// AWS: a suspended bucket writes the null version, replacing any
		// earlier null version, current or not.
		rec.VersionID = ""
		if has && cur.VersionID == "" {
			dead = cur.Blobs
		} else if has {
			s.versions.Put(tx, global, verKey(bucket, rec.Key, cur.Seq), cur)
		}
		var nullKey string
		s.versions.AscendPrefix(tx, global, k+sep, func(vk string, v objectRec) bool {
			if v.VersionID == "" && (!has || cur.VersionID != "") {
				nullKey = vk
				dead = append(dead, v.Blobs...)
				return false
			}
			return true
		})
		if nullKey != "" {
			s.versions.Delete(tx, global, nullKey)
		}
	}
	s.objects.Put(tx, global, k, *rec)
	return dead, nil
}

// versioned reports whether a bucket shows version ids.
func (s *Service) versionHeader(rec objectRec, bucketVersioning string) *string {
	if rec.VersionID != "" || bucketVersioning != "" {
		return ptr.To(rec.versionID())
	}
	return nil
}

// PutObject stores an object, streaming its body to a blob file.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
func (s *Service) PutObject(ctx context.Context, in *PutObjectRequest) (*PutObjectOutput, error) {
	bucket, key := *in.Bucket, *in.Key
	if err := checkKey(key); err != nil {
		return nil, err
	}
	b, err := s.viewBucket(bucket)
	if err != nil {
		return nil, err
	}
	acl, err := s.objectACL(b, reqctx.From(ctx).Account, in.ACL, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWriteACP)
	if err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	want := wantSums{contentMD5: ptr.Val(in.ContentMD5), algorithm: ptr.Val(in.ChecksumAlgorithm), values: map[string]string{}}
	for a, v := range map[string]*string{"CRC32": in.ChecksumCRC32, "CRC32C": in.ChecksumCRC32C, "CRC64NVME": in.ChecksumCRC64NVME, "SHA1": in.ChecksumSHA1, "SHA256": in.ChecksumSHA256} {
		if v != nil {
			want.values[a] = *v
		}
	}
	up, err := s.receive(in.Body, want, fromCtx(ctx).trailer)
	if err != nil {
		return nil, err
	}
	rec := objectRec{
		Key: key, Size: up.size, ETag: etag(up.md5), LastModified: s.clock.Now().UTC(), Blobs: up.segs,
		Owner: reqctx.From(ctx).Account, ContentType: ptr.Val(in.ContentType), ContentEncoding: ptr.Val(in.ContentEncoding),
		ContentDisposition: ptr.Val(in.ContentDisposition), ContentLanguage: ptr.Val(in.ContentLanguage),
		CacheControl: ptr.Val(in.CacheControl), Expires: ptr.Val(in.Expires), WebsiteRedirect: ptr.Val(in.WebsiteRedirectLocation),
		Metadata: in.Metadata, StorageClass: ptr.Val(in.StorageClass), SSE: ptr.Val(in.ServerSideEncryption), KMSKeyID: ptr.Val(in.SSEKMSKeyId),
		Checksums: up.checksums, Tags: tags, ACL: acl,
	}
	if len(rec.Checksums) > 0 {
		rec.ChecksumType = "FULL_OBJECT"
	}
	var dead []segment
	var bv string
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		dead, err = s.install(tx, bucket, &rec, writeConditions(key, in.IfMatch, in.IfNoneMatch))
		if b, ok := s.buckets.Get(tx, global, bucket); ok {
			bv = b.Versioning
		}
		return err
	})
	if err != nil {
		s.blobs.remove(rec.Blobs)
		return nil, err
	}
	s.blobs.remove(dead)
	s.notify(ctx, bucket, evPut, rec)
	out := &PutObjectOutput{ETag: ptr.To(rec.ETag), ServerSideEncryption: ptr.To(sseOf(rec)), VersionId: s.versionHeader(rec, bv), Size: ptr.To(rec.Size)}
	setChecksums(rec.Checksums, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	if len(rec.Checksums) > 0 {
		out.ChecksumType = ptr.To(rec.ChecksumType)
	}
	return out, nil
}

// writeConditions implements conditional writes (If-Match, If-None-Match: *).
func writeConditions(key string, ifMatch, ifNoneMatch *string) func(objectRec, bool) error {
	if ifMatch == nil && ifNoneMatch == nil {
		return nil
	}
	return func(cur objectRec, has bool) error {
		live := has && !cur.DeleteMarker
		if ifNoneMatch != nil && live {
			return errPreconditionFailed("If-None-Match")
		}
		if ifMatch != nil {
			if !live {
				return errNoSuchKey(key)
			}
			if !etagMatch(*ifMatch, cur.ETag) {
				return errPreconditionFailed("If-Match")
			}
		}
		return nil
	}
}

// etagMatch compares an If-Match / If-None-Match list with an ETag.
func etagMatch(list, etag string) bool {
	for part := range strings.SplitSeq(list, ",") {
		p := strings.TrimSpace(part)
		p = strings.TrimPrefix(p, "W/")
		if p == "*" || strings.Trim(p, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

func sseOf(o objectRec) string {
	if o.SSE != "" {
		return o.SSE
	}
	return "AES256"
}

// objectACL builds the ACL a new object gets.
func (s *Service) objectACL(b bucketRec, account string, acl, full, read, readACP, writeACP *string) ([]Grant, error) {
	grants, err := requestGrants(account, acl, full, read, readACP, nil, writeACP)
	if err != nil {
		return nil, err
	}
	if ownerOnly(grants, account) {
		return nil, nil // the default: the owner's full control
	}
	if !aclsEnabled(b) {
		return nil, awserr.New("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs")
	}
	if publicGrant(grants) && ptr.Val(ptr.Val(b.PublicAccess).BlockPublicAcls) {
		return nil, errAccessDenied()
	}
	return grants, nil
}

// setChecksums copies stored checksums to output members.
func setChecksums(sums map[string]string, crc32, crc32c, crc64, sha1, sha256 **string) {
	for a, dst := range map[string]**string{"CRC32": crc32, "CRC32C": crc32c, "CRC64NVME": crc64, "SHA1": sha1, "SHA256": sha256} {
		if v, ok := sums[a]; ok {
			*dst = ptr.To(v)
		}
	}
}

// readConditions applies If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since.
//
// AWS: If-Match passing overrides a failing If-Unmodified-Since, and
// If-None-Match failing overrides a passing If-Modified-Since (RFC 7232 order).
func readConditions(o objectRec, ifMatch *string, ifUnmod *time.Time, ifNone *string, ifMod *time.Time) error {
	lm := o.LastModified.Truncate(time.Second)
	if ifMatch != nil {
		if !etagMatch(*ifMatch, o.ETag) {
			return errPreconditionFailed("If-Match")
		}
	} else if ifUnmod != nil && lm.After(*ifUnmod) {
		return errPreconditionFailed("If-Unmodified-Since")
	}
	if ifNone != nil {
		if etagMatch(*ifNone, o.ETag) {
			return notModified(o)
		}
	} else if ifMod != nil && !lm.After(*ifMod) {
		return notModified(o)
	}
	return nil
}

func notModified(o objectRec) error {
	e := errNotModified()
	e.Header = http.Header{"Etag": {o.ETag}, "Last-Modified": {o.LastModified.UTC().Format(http.TimeFormat)}}
	return e
}

// byteRange parses a Range header against an object of size n: the first
// and last byte, whether a range applies, or InvalidRange.
//
// AWS: a syntactically invalid or multi-range header is ignored (the whole
// object is returned); an unsatisfiable one is 416 InvalidRange.
func byteRange(h string, n int64) (first, last int64, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false, nil
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	invalid := func() error {
		return awserr.New("InvalidRange", http.StatusRequestedRangeNotSatisfiable, "The requested range is not satisfiable").
			WithField("RangeRequested", h).WithField("ActualObjectSize", strconv.FormatInt(n, 10))
	}
	switch {
	case a == "" && b == "":
		return 0, 0, false, nil
	case a == "":
		k, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return 0, 0, false, nil
		}
		if k == 0 || n == 0 {
			return 0, 0, false, invalid()
		}
		if k > n {
			k = n
		}
		return n - k, n - 1, true, nil
	default:
		f, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return 0, 0, false, nil
		}
		l := n - 1
		if b != "" {
			if l, err = strconv.ParseInt(b, 10, 64); err != nil || l < f {
				return 0, 0, false, nil
			}
		}
		if f >= n {
			return 0, 0, false, invalid()
		}
		if l >= n {
			l = n - 1
		}
		return f, l, true, nil
	}
}

// getOpts are the parts of GetObject and HeadObject requests that decide
// what is read.
type getOpts struct {
	bucket, key, versionID string
	rng                    *string
	partNumber             *int64
	ifMatch, ifNone        *string
	ifMod, ifUnmod         *time.Time
}

// locate finds the object version a read names and applies the conditions.
func (s *Service) locate(o getOpts) (objectRec, bucketRec, error) {
	var (
		rec objectRec
		b   bucketRec
	)
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		if b, err = s.bucket(tx, o.bucket); err != nil {
			return err
		}
		rec, _, err = s.findVersion(tx, o.bucket, o.key, o.versionID)
		return err
	})
	if err != nil {
		return rec, b, err
	}
	if rec.DeleteMarker {
		hdr := http.Header{"X-Amz-Delete-Marker": {"true"}, "X-Amz-Version-Id": {rec.versionID()}}
		if o.versionID != "" {
			// AWS: reading a delete marker by version id is 405 MethodNotAllowed.
			e := awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed, "The specified method is not allowed against this resource.")
			e.Header = hdr
			return rec, b, e
		}
		e := errNoSuchKey(o.key)
		e.Header = hdr
		return rec, b, e
	}
	return rec, b, readConditions(rec, o.ifMatch, o.ifUnmod, o.ifNone, o.ifMod)
}

// span is the byte range a read returns; partial is true for a 206.
func span(rec objectRec, rng *string, partNumber *int64) (first, n int64, contentRange string, partial bool, err error) {
	if partNumber != nil {
		pn := *partNumber
		if pn < 1 || (rec.PartsCount == 0 && pn != 1) || (rec.PartsCount > 0 && pn > rec.PartsCount) {
			return 0, 0, "", false, awserr.New("InvalidPartNumber", http.StatusRequestedRangeNotSatisfiable, "The requested partnumber is not satisfiable")
		}
		if rec.PartsCount == 0 {
			return 0, rec.Size, fmt.Sprintf("bytes 0-%d/%d", rec.Size-1, rec.Size), true, nil
		}
		for _, sg := range rec.Blobs[:pn-1] {
			first += sg.Size
		}
		n = rec.Blobs[pn-1].Size
		return first, n, fmt.Sprintf("bytes %d-%d/%d", first, first+n-1, rec.Size), true, nil
	}
	if rng != nil {
		f, l, ok, err := byteRange(*rng, rec.Size)
		if err != nil {
			return 0, 0, "", false, err
		}
		if ok {
			return f, l - f + 1, fmt.Sprintf("bytes %d-%d/%d", f, l, rec.Size), true, nil
		}
	}
	return 0, rec.Size, "", false, nil
}

// GetObject streams an object (or a range, or one part) from its blob files.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func (s *Service) GetObject(ctx context.Context, in *GetObjectRequest) (*GetObjectOutput, error) {
	opts := getOpts{bucket: *in.Bucket, key: *in.Key, versionID: ptr.Val(in.VersionId), rng: in.Range, partNumber: in.PartNumber,
		ifMatch: in.IfMatch, ifNone: in.IfNoneMatch, ifMod: in.IfModifiedSince, ifUnmod: in.IfUnmodifiedSince}
	// A concurrent overwrite may remove the blob between the lookup and the
	// open: look again.
	for attempt := 0; ; attempt++ {
		rec, b, err := s.locate(opts)
		if err != nil {
			return nil, err
		}
		first, n, cr, partial, err := span(rec, in.Range, in.PartNumber)
		if err != nil {
			return nil, err
		}
		r, err := s.blobs.open(rec.Blobs, first, n)
		if errors.Is(err, fs.ErrNotExist) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, err
		}
		if partial {
			r.status = http.StatusPartialContent
		}
		out := &GetObjectOutput{Body: r}
		h := headers(rec, b, n, cr, ptr.Val(in.ChecksumMode) == "ENABLED" && !partial)
		out.AcceptRanges, out.ContentLength, out.ContentRange, out.ContentType = h.AcceptRanges, h.ContentLength, h.ContentRange, h.ContentType
		out.ETag, out.LastModified, out.Metadata, out.VersionId = h.ETag, h.LastModified, h.Metadata, h.VersionId
		out.CacheControl, out.ContentDisposition, out.ContentEncoding, out.ContentLanguage, out.Expires = h.CacheControl, h.ContentDisposition, h.ContentEncoding, h.ContentLanguage, h.Expires
		out.StorageClass, out.ServerSideEncryption, out.SSEKMSKeyId, out.WebsiteRedirectLocation = h.StorageClass, h.ServerSideEncryption, h.SSEKMSKeyId, h.WebsiteRedirectLocation
		out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256, out.ChecksumType = h.ChecksumCRC32, h.ChecksumCRC32C, h.ChecksumCRC64NVME, h.ChecksumSHA1, h.ChecksumSHA256, h.ChecksumType
		if in.PartNumber != nil {
			// AWS: x-amz-mp-parts-count answers reads of one part.
			out.PartsCount = h.PartsCount
		}
		if len(rec.Tags) > 0 {
			out.TagCount = ptr.To(int64(len(rec.Tags)))
		}
		// AWS: response-* query parameters override the stored headers.
		override(&out.CacheControl, in.ResponseCacheControl)
		override(&out.ContentDisposition, in.ResponseContentDisposition)
		override(&out.ContentEncoding, in.ResponseContentEncoding)
		override(&out.ContentLanguage, in.ResponseContentLanguage)
		override(&out.ContentType, in.ResponseContentType)
		if in.ResponseExpires != nil {
			out.Expires = ptr.To(in.ResponseExpires.UTC().Format(http.TimeFormat))
		}
		return out, nil
	}
}

func override(dst **string, v *string) {
	if v != nil {
		*dst = v
	}
}

// headers builds the metadata headers GetObject and HeadObject share.
func headers(rec objectRec, b bucketRec, n int64, contentRange string, checksums bool) *HeadObjectOutput {
	out := &HeadObjectOutput{
		AcceptRanges:         ptr.To("bytes"),
		ContentLength:        ptr.To(n),
		ETag:                 ptr.To(rec.ETag),
		LastModified:         ptr.To(rec.LastModified),
		Metadata:             rec.Metadata,
		ContentType:          ptr.To(ptr.Or(nonEmpty(rec.ContentType), "binary/octet-stream")),
		ServerSideEncryption: ptr.To(sseOf(rec)),
	}
	if contentRange != "" {
		out.ContentRange = ptr.To(contentRange)
	}
	if rec.VersionID != "" || b.Versioning != "" {
		out.VersionId = ptr.To(rec.versionID())
	}
	out.CacheControl, out.ContentDisposition = nonEmpty(rec.CacheControl), nonEmpty(rec.ContentDisposition)
	out.ContentEncoding, out.ContentLanguage, out.Expires = nonEmpty(rec.ContentEncoding), nonEmpty(rec.ContentLanguage), nonEmpty(rec.Expires)
	out.WebsiteRedirectLocation, out.SSEKMSKeyId = nonEmpty(rec.WebsiteRedirect), nonEmpty(rec.KMSKeyID)
	if rec.StorageClass != "" && rec.StorageClass != "STANDARD" {
		// AWS: x-amz-storage-class is left out for STANDARD objects.
		out.StorageClass = ptr.To(rec.StorageClass)
	}
	if rec.PartsCount > 0 {
		out.PartsCount = ptr.To(rec.PartsCount)
	}
	if checksums && len(rec.Checksums) > 0 {
		setChecksums(rec.Checksums, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
		out.ChecksumType = nonEmpty(rec.ChecksumType)
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// HeadObject returns an object's metadata.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
func (s *Service) HeadObject(ctx context.Context, in *HeadObjectRequest) (*HeadObjectOutput, error) {
	rec, b, err := s.locate(getOpts{bucket: *in.Bucket, key: *in.Key, versionID: ptr.Val(in.VersionId),
		ifMatch: in.IfMatch, ifNone: in.IfNoneMatch, ifMod: in.IfModifiedSince, ifUnmod: in.IfUnmodifiedSince})
	if err != nil {
		return nil, err
	}
	_, n, cr, partial, err := span(rec, in.Range, in.PartNumber)
	if err != nil {
		return nil, err
	}
	out := headers(rec, b, n, cr, ptr.Val(in.ChecksumMode) == "ENABLED" && !partial)
	if in.PartNumber == nil {
		out.PartsCount = nil
	}
	override(&out.ContentType, in.ResponseContentType)
	return out, nil
}

// remove deletes key (or one version of it) following the bucket's
// versioning state, returning the output and the blobs to remove.
func (s *Service) remove(tx *state.Tx, bucket, key, versionID string, account string) (*DeletedObject, []segment, error) {
	b, err := s.bucket(tx, bucket)
	if err != nil {
		return nil, nil, err
	}
	k := objKey(bucket, key)
	cur, has := s.objects.Get(tx, global, k)
	out := &DeletedObject{Key: ptr.To(key)}
	if versionID != "" {
		rec, current, err := s.findVersion(tx, bucket, key, versionID)
		if err != nil {
			var ae *awserr.Error
			if errors.As(err, &ae) && ae.Code == "NoSuchVersion" {
				// AWS: deleting a version that does not exist succeeds.
				out.VersionId = ptr.To(versionID)
				return out, nil, nil
			}
			return nil, nil, err
		}
		out.VersionId = ptr.To(rec.versionID())
		if rec.DeleteMarker {
			out.DeleteMarker = ptr.To(true)
		}
		if current {
			s.objects.Delete(tx, global, k)
			// The newest noncurrent version becomes current.
			var nk string
			var next objectRec
			s.versions.AscendPrefix(tx, global, k+sep, func(vk string, v objectRec) bool {
				nk, next = vk, v
				return false
			})
			if nk != "" {
				s.versions.Delete(tx, global, nk)
				s.objects.Put(tx, global, k, next)
			}
		} else {
			s.versions.Delete(tx, global, verKey(bucket, key, rec.Seq))
		}
		return out, rec.Blobs, nil
	}
	switch b.Versioning {
	case "":
		if has {
			s.objects.Delete(tx, global, k)
			return out, cur.Blobs, nil
		}
		return out, nil, nil
	default:
		marker := objectRec{Key: key, DeleteMarker: true, LastModified: s.clock.Now().UTC(), Owner: account}
		dead, err := s.install(tx, bucket, &marker, nil)
		if err != nil {
			return nil, nil, err
		}
		out.DeleteMarker = ptr.To(true)
		out.DeleteMarkerVersionId = ptr.To(marker.versionID())
		out.VersionId = out.DeleteMarkerVersionId
		return out, dead, nil
	}
}

// DeleteObject deletes an object or one of its versions; in a versioned
// bucket, a delete without a version id adds a delete marker.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
func (s *Service) DeleteObject(ctx context.Context, in *DeleteObjectRequest) (*DeleteObjectOutput, error) {
	var (
		d    *DeletedObject
		dead []segment
	)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if in.IfMatch != nil {
			cur, has := s.objects.Get(tx, global, objKey(*in.Bucket, *in.Key))
			if !has || cur.DeleteMarker {
				return errNoSuchKey(*in.Key)
			}
			if !etagMatch(*in.IfMatch, cur.ETag) {
				return errPreconditionFailed("If-Match")
			}
		}
		var err error
		d, dead, err = s.remove(tx, *in.Bucket, *in.Key, ptr.Val(in.VersionId), reqctx.From(ctx).Account)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.blobs.remove(dead)
	s.notifyRemoved(ctx, *in.Bucket, d, false)
	return &DeleteObjectOutput{DeleteMarker: d.DeleteMarker, VersionId: d.VersionId}, nil
}

// DeleteObjects deletes up to 1,000 objects in one request.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
func (s *Service) DeleteObjects(ctx context.Context, in *DeleteObjectsRequest) (*DeleteObjectsOutput, error) {
	if len(in.Delete.Objects) > 1000 {
		return nil, errMalformedXML()
	}
	out := &DeleteObjectsOutput{}
	var (
		dead    []segment
		removed []DeletedObject
	)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.bucket(tx, *in.Bucket); err != nil {
			return err
		}
		for _, o := range in.Delete.Objects {
			d, segs, err := s.remove(tx, *in.Bucket, ptr.Val(o.Key), ptr.Val(o.VersionId), reqctx.From(ctx).Account)
			if err != nil {
				e, _ := awserr.As(err)
				code, msg := "InternalError", err.Error()
				if e != nil {
					code, msg = e.Code, e.Message
				}
				out.Errors = append(out.Errors, Error{Key: o.Key, VersionId: o.VersionId, Code: ptr.To(code), Message: ptr.To(msg)})
				continue
			}
			dead = append(dead, segs...)
			removed = append(removed, *d)
			if !ptr.Val(in.Delete.Quiet) {
				if o.VersionId == nil && d.DeleteMarker == nil {
					d.VersionId = nil
				}
				out.Deleted = append(out.Deleted, *d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.blobs.remove(dead)
	for i := range removed {
		s.notifyRemoved(ctx, *in.Bucket, &removed[i], false)
	}
	return out, nil
}

// copySource parses x-amz-copy-source: "bucket/key" or "/bucket/key",
// URL-encoded, with an optional "?versionId=".
func copySource(src string) (bucket, key, versionID string, err error) {
	path, query, _ := strings.Cut(src, "?")
	if path, err = url.PathUnescape(path); err != nil {
		return "", "", "", errInvalidArgument("Invalid copy source encoding")
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return "", "", "", errInvalidArgument("Invalid copy source object key")
	}
	if query != "" {
		q, _ := url.ParseQuery(query)
		versionID = q.Get("versionId")
	}
	return bucket, key, versionID, nil
}

// CopyObject copies an object, its bytes streamed into a new blob.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
func (s *Service) CopyObject(ctx context.Context, in *CopyObjectRequest) (*CopyObjectOutput, error) {
	sb, sk, sv, err := copySource(*in.CopySource)
	if err != nil {
		return nil, err
	}
	if err := checkKey(*in.Key); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, "GetObject", sb, sk); err != nil {
		return nil, err
	}
	replace := ptr.Val(in.MetadataDirective) == "REPLACE"
	if sb == *in.Bucket && sk == *in.Key && sv == "" && !replace && in.StorageClass == nil && in.WebsiteRedirectLocation == nil && in.ServerSideEncryption == nil {
		return nil, awserr.New("InvalidRequest", http.StatusBadRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	src, _, err := s.locate(getOpts{bucket: sb, key: sk, versionID: sv})
	if err != nil {
		return nil, err
	}
	var ae *awserr.Error
	if err := readConditions(src, in.CopySourceIfMatch, in.CopySourceIfUnmodifiedSince, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince); errors.As(err, &ae) {
		// AWS: a failed copy-source condition is 412, never 304.
		return nil, errPreconditionFailed("x-amz-copy-source-If-*")
	}
	b, err := s.viewBucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	acl, err := s.objectACL(b, reqctx.From(ctx).Account, in.ACL, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWriteACP)
	if err != nil {
		return nil, err
	}
	r, err := s.blobs.open(src.Blobs, 0, src.Size)
	if err != nil {
		return nil, err
	}
	want := wantSums{algorithm: ptr.Val(in.ChecksumAlgorithm)}
	if want.algorithm == "" {
		for a := range src.Checksums {
			want.algorithm = a
		}
	}
	up, err := s.receive(r, want, nil)
	r.Close()
	if err != nil {
		return nil, err
	}
	rec := src
	rec.Key, rec.Blobs, rec.Size, rec.LastModified, rec.Owner = *in.Key, up.segs, up.size, s.clock.Now().UTC(), reqctx.From(ctx).Account
	rec.DeleteMarker, rec.VersionID, rec.ACL, rec.Checksums = false, "", acl, up.checksums
	rec.PartsCount = 0
	rec.ETag = etag(up.md5)
	if src.PartsCount > 0 {
		rec.ChecksumType = "FULL_OBJECT"
	}
	if replace {
		rec.ContentType, rec.ContentEncoding, rec.ContentDisposition = ptr.Val(in.ContentType), ptr.Val(in.ContentEncoding), ptr.Val(in.ContentDisposition)
		rec.ContentLanguage, rec.CacheControl, rec.Expires, rec.Metadata = ptr.Val(in.ContentLanguage), ptr.Val(in.CacheControl), ptr.Val(in.Expires), in.Metadata
	}
	if ptr.Val(in.TaggingDirective) == "REPLACE" {
		if rec.Tags, err = parseTagging(in.Tagging); err != nil {
			s.blobs.remove(up.segs)
			return nil, err
		}
	}
	if in.StorageClass != nil {
		rec.StorageClass = *in.StorageClass
	}
	if in.WebsiteRedirectLocation != nil {
		rec.WebsiteRedirect = *in.WebsiteRedirectLocation
	}
	if in.ServerSideEncryption != nil {
		rec.SSE, rec.KMSKeyID = *in.ServerSideEncryption, ptr.Val(in.SSEKMSKeyId)
	}
	var dead []segment
	var bv string
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		dead, err = s.install(tx, *in.Bucket, &rec, writeConditions(*in.Key, in.IfMatch, in.IfNoneMatch))
		if b, ok := s.buckets.Get(tx, global, *in.Bucket); ok {
			bv = b.Versioning
		}
		return err
	})
	if err != nil {
		s.blobs.remove(up.segs)
		return nil, err
	}
	s.blobs.remove(dead)
	s.notify(ctx, *in.Bucket, evCopy, rec)
	res := &CopyObjectResult{ETag: ptr.To(rec.ETag), LastModified: ptr.To(rec.LastModified)}
	setChecksums(rec.Checksums, &res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256)
	out := &CopyObjectOutput{CopyObjectResult: res, VersionId: s.versionHeader(rec, bv), ServerSideEncryption: ptr.To(sseOf(rec))}
	if src.VersionID != "" {
		out.CopySourceVersionId = ptr.To(src.VersionID)
	}
	return out, nil
}

// updateVersion changes one version of an object (the current one when
// versionID is "") in place.
func (s *Service) updateVersion(ctx context.Context, bucket, key, versionID string, fn func(o *objectRec) error) (objectRec, error) {
	var rec objectRec
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		o, current, err := s.findVersion(tx, bucket, key, versionID)
		if err != nil {
			return err
		}
		if o.DeleteMarker {
			return awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed, "The specified method is not allowed against this resource.")
		}
		if err := fn(&o); err != nil {
			return err
		}
		if current {
			s.objects.Put(tx, global, objKey(bucket, key), o)
		} else {
			s.versions.Put(tx, global, verKey(bucket, key, o.Seq), o)
		}
		rec = o
		return nil
	})
	return rec, err
}

// viewVersion reads one version of an object.
func (s *Service) viewVersion(bucket, key, versionID string) (objectRec, error) {
	rec, _, err := s.locate(getOpts{bucket: bucket, key: key, versionID: versionID})
	return rec, err
}

// PutObjectTagging replaces an object's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
func (s *Service) PutObjectTagging(ctx context.Context, in *PutObjectTaggingRequest) (*PutObjectTaggingOutput, error) {
	if err := checkTags(in.Tagging.TagSet); err != nil {
		return nil, err
	}
	rec, err := s.updateVersion(ctx, *in.Bucket, *in.Key, ptr.Val(in.VersionId), func(o *objectRec) error { o.Tags = in.Tagging.TagSet; return nil })
	if err != nil {
		return nil, err
	}
	return &PutObjectTaggingOutput{VersionId: nonEmpty(rec.VersionID)}, nil
}

// GetObjectTagging returns an object's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
func (s *Service) GetObjectTagging(ctx context.Context, in *GetObjectTaggingRequest) (*GetObjectTaggingOutput, error) {
	rec, err := s.viewVersion(*in.Bucket, *in.Key, ptr.Val(in.VersionId))
	if err != nil {
		return nil, err
	}
	tags := rec.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return &GetObjectTaggingOutput{TagSet: tags, VersionId: nonEmpty(rec.VersionID)}, nil
}

// DeleteObjectTagging removes an object's tags.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html
func (s *Service) DeleteObjectTagging(ctx context.Context, in *DeleteObjectTaggingRequest) (*DeleteObjectTaggingOutput, error) {
	rec, err := s.updateVersion(ctx, *in.Bucket, *in.Key, ptr.Val(in.VersionId), func(o *objectRec) error { o.Tags = nil; return nil })
	if err != nil {
		return nil, err
	}
	return &DeleteObjectTaggingOutput{VersionId: nonEmpty(rec.VersionID)}, nil
}

// PutObjectAcl sets an object's ACL.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
func (s *Service) PutObjectAcl(ctx context.Context, in *PutObjectAclRequest) (*PutObjectAclOutput, error) {
	b, err := s.viewBucket(*in.Bucket)
	if err != nil {
		return nil, err
	}
	grants, err := aclFromRequest(b.Owner, in.ACL, in.AccessControlPolicy, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWrite, in.GrantWriteACP)
	if err != nil {
		return nil, err
	}
	if !aclsEnabled(b) && !ownerOnly(grants, b.Owner) {
		return nil, awserr.New("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs")
	}
	if publicGrant(grants) && ptr.Val(ptr.Val(b.PublicAccess).BlockPublicAcls) {
		return nil, errAccessDenied()
	}
	if _, err := s.updateVersion(ctx, *in.Bucket, *in.Key, ptr.Val(in.VersionId), func(o *objectRec) error { o.ACL = grants; return nil }); err != nil {
		return nil, err
	}
	return &PutObjectAclOutput{}, nil
}

// GetObjectAcl returns an object's ACL.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html
func (s *Service) GetObjectAcl(ctx context.Context, in *GetObjectAclRequest) (*GetObjectAclOutput, error) {
	rec, err := s.viewVersion(*in.Bucket, *in.Key, ptr.Val(in.VersionId))
	if err != nil {
		return nil, err
	}
	grants := rec.ACL
	if len(grants) == 0 {
		grants, _ = cannedGrants(rec.Owner, "private")
	}
	return &GetObjectAclOutput{Owner: owner(rec.Owner), Grants: grants}, nil
}
