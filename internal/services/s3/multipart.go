package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// AWS: every part but the last must be at least 5 MiB; part numbers run 1–10,000.
const (
	minPartSize = 5 << 20
	maxParts    = 10000
)

func uploadKey(bucket, key, id string) string { return bucket + sep + key + sep + id }
func partKey(id string, n int64) string       { return id + sep + fmt.Sprintf("%05d", n) }

// upload returns the multipart upload, or NoSuchUpload.
func (s *Service) upload(tx *state.Tx, bucket, key, id string) (uploadRec, error) {
	if _, err := s.bucket(tx, bucket); err != nil {
		return uploadRec{}, err
	}
	u, ok := s.uploads.Get(tx, global, uploadKey(bucket, key, id))
	if !ok {
		return uploadRec{}, errNoSuchUpload(id)
	}
	return u, nil
}

// dropUpload deletes an upload and its parts, returning their blobs.
func (s *Service) dropUpload(tx *state.Tx, u uploadRec) []segment {
	var dead []segment
	var keys []string
	s.parts.AscendPrefix(tx, global, u.UploadID+sep, func(k string, p partRec) bool {
		keys = append(keys, k)
		dead = append(dead, p.Blob)
		return true
	})
	for _, k := range keys {
		s.parts.Delete(tx, global, k)
	}
	s.uploads.Delete(tx, global, uploadKey(u.Bucket, u.Key, u.UploadID))
	return dead
}

// CreateMultipartUpload starts a multipart upload.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
func (s *Service) CreateMultipartUpload(ctx context.Context, in *CreateMultipartUploadRequest) (*CreateMultipartUploadOutput, error) {
	bucket, key := *in.Bucket, *in.Key
	if err := checkKey(key); err != nil {
		return nil, err
	}
	b, err := s.viewBucket(bucket)
	if err != nil {
		return nil, err
	}
	account := reqctx.From(ctx).Account
	acl, err := s.objectACL(b, account, in.ACL, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWriteACP)
	if err != nil {
		return nil, err
	}
	tags, err := parseTagging(in.Tagging)
	if err != nil {
		return nil, err
	}
	alg := strings.ToUpper(ptr.Val(in.ChecksumAlgorithm))
	ctype := ptr.Val(in.ChecksumType)
	if alg != "" && ctype == "" {
		// AWS: CRC64NVME uploads are full-object; the others default to composite.
		ctype = "COMPOSITE"
		if alg == "CRC64NVME" {
			ctype = "FULL_OBJECT"
		}
	}
	u := uploadRec{
		Bucket: bucket, Key: key, UploadID: base64.RawURLEncoding.EncodeToString([]byte(newBlobID())),
		Initiated: s.clock.Now().UTC(), Owner: account, ChecksumAlgorithm: alg, ChecksumType: ctype,
		Object: objectRec{
			Key: key, Owner: account, ContentType: ptr.Val(in.ContentType), ContentEncoding: ptr.Val(in.ContentEncoding),
			ContentDisposition: ptr.Val(in.ContentDisposition), ContentLanguage: ptr.Val(in.ContentLanguage),
			CacheControl: ptr.Val(in.CacheControl), Expires: ptr.Val(in.Expires), WebsiteRedirect: ptr.Val(in.WebsiteRedirectLocation),
			Metadata: in.Metadata, StorageClass: ptr.Val(in.StorageClass), SSE: ptr.Val(in.ServerSideEncryption), KMSKeyID: ptr.Val(in.SSEKMSKeyId),
			Tags: tags, ACL: acl,
		},
	}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		s.uploads.Put(tx, global, uploadKey(bucket, key, u.UploadID), u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &CreateMultipartUploadOutput{Bucket: ptr.To(bucket), Key: ptr.To(key), UploadId: ptr.To(u.UploadID), ServerSideEncryption: ptr.To(sseOf(u.Object))}
	if alg != "" {
		out.ChecksumAlgorithm, out.ChecksumType = ptr.To(alg), ptr.To(ctype)
	}
	return out, nil
}

// putPart records a part whose bytes are in up, replacing any earlier part of that number.
func (s *Service) putPart(ctx context.Context, bucket, key, id string, n int64, up upload) (partRec, error) {
	p := partRec{Number: n, ETag: etag(up.md5), LastModified: s.clock.Now().UTC(), Checksums: up.checksums}
	if len(up.segs) > 0 {
		p.Blob = up.segs[0]
	}
	var dead []segment
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		if _, err := s.upload(tx, bucket, key, id); err != nil {
			return err
		}
		if old, ok := s.parts.Get(tx, global, partKey(id, n)); ok {
			dead = append(dead, old.Blob)
		}
		s.parts.Put(tx, global, partKey(id, n), p)
		return nil
	})
	if err != nil {
		s.blobs.remove(up.segs)
		return p, err
	}
	s.blobs.remove(dead)
	return p, nil
}

func checkPartNumber(n int64) error {
	if n < 1 || n > maxParts {
		return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive")
	}
	return nil
}

// UploadPart stores one part, streamed to its own blob.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html
func (s *Service) UploadPart(ctx context.Context, in *UploadPartRequest) (*UploadPartOutput, error) {
	bucket, key, id, n := *in.Bucket, *in.Key, *in.UploadId, *in.PartNumber
	if err := checkPartNumber(n); err != nil {
		return nil, err
	}
	var u uploadRec
	if err := s.db.View(func(tx *state.Tx) error {
		var err error
		u, err = s.upload(tx, bucket, key, id)
		return err
	}); err != nil {
		return nil, err
	}
	want := wantSums{contentMD5: ptr.Val(in.ContentMD5), algorithm: ptr.Or(in.ChecksumAlgorithm, u.ChecksumAlgorithm), values: map[string]string{}}
	for a, v := range map[string]*string{"CRC32": in.ChecksumCRC32, "CRC32C": in.ChecksumCRC32C, "CRC64NVME": in.ChecksumCRC64NVME, "SHA1": in.ChecksumSHA1, "SHA256": in.ChecksumSHA256} {
		if v != nil {
			want.values[a] = *v
		}
	}
	up, err := s.receive(in.Body, want, fromCtx(ctx).trailer)
	if err != nil {
		return nil, err
	}
	p, err := s.putPart(ctx, bucket, key, id, n, up)
	if err != nil {
		return nil, err
	}
	out := &UploadPartOutput{ETag: ptr.To(p.ETag), ServerSideEncryption: ptr.To(sseOf(u.Object))}
	setChecksums(p.Checksums, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	return out, nil
}

// UploadPartCopy makes a part from (a range of) an existing object.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
func (s *Service) UploadPartCopy(ctx context.Context, in *UploadPartCopyRequest) (*UploadPartCopyOutput, error) {
	bucket, key, id, n := *in.Bucket, *in.Key, *in.UploadId, *in.PartNumber
	if err := checkPartNumber(n); err != nil {
		return nil, err
	}
	sb, sk, sv, err := copySource(*in.CopySource)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, "GetObject", sb, sk); err != nil {
		return nil, err
	}
	var u uploadRec
	if err := s.db.View(func(tx *state.Tx) error {
		var err error
		u, err = s.upload(tx, bucket, key, id)
		return err
	}); err != nil {
		return nil, err
	}
	src, _, err := s.locate(getOpts{bucket: sb, key: sk, versionID: sv})
	if err != nil {
		return nil, err
	}
	if err := readConditions(src, in.CopySourceIfMatch, in.CopySourceIfUnmodifiedSince, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince); err != nil {
		return nil, errPreconditionFailed("x-amz-copy-source-If-*")
	}
	first, count := int64(0), src.Size
	if r := ptr.Val(in.CopySourceRange); r != "" {
		f, l, ok, err := byteRange(r, src.Size)
		if err != nil || !ok || l >= src.Size {
			// AWS: the copy range must be bytes=first-last within the source.
			return nil, errInvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
		}
		first, count = f, l-f+1
	}
	r, err := s.blobs.open(src.Blobs, first, count)
	if err != nil {
		return nil, err
	}
	up, err := s.receive(r, wantSums{algorithm: u.ChecksumAlgorithm}, nil)
	r.Close()
	if err != nil {
		return nil, err
	}
	p, err := s.putPart(ctx, bucket, key, id, n, up)
	if err != nil {
		return nil, err
	}
	res := &CopyPartResult{ETag: ptr.To(p.ETag), LastModified: ptr.To(p.LastModified)}
	setChecksums(p.Checksums, &res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256)
	out := &UploadPartCopyOutput{CopyPartResult: res, ServerSideEncryption: ptr.To("AES256")}
	if src.VersionID != "" {
		out.CopySourceVersionId = ptr.To(src.VersionID)
	}
	return out, nil
}

// CompleteMultipartUpload assembles the listed parts into the object. The
// parts' blobs become the object's segments: nothing is copied.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
func (s *Service) CompleteMultipartUpload(ctx context.Context, in *CompleteMultipartUploadRequest) (*CompleteMultipartUploadOutput, error) {
	bucket, key, id := *in.Bucket, *in.Key, *in.UploadId
	var listed []CompletedPart
	if in.MultipartUpload != nil {
		listed = in.MultipartUpload.Parts
	}
	if len(listed) == 0 {
		return nil, awserr.New("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema")
	}
	var (
		rec  objectRec
		dead []segment
		bv   string
		u    uploadRec
	)
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		var err error
		if u, err = s.upload(tx, bucket, key, id); err != nil {
			return err
		}
		parts := map[int64]partRec{}
		s.parts.AscendPrefix(tx, global, id+sep, func(_ string, p partRec) bool {
			parts[p.Number] = p
			return true
		})
		md5s := md5.New()
		sums := map[string][]byte{}
		rec = u.Object
		rec.Blobs, rec.Size = nil, 0
		used := map[int64]bool{}
		prev := int64(0)
		for _, cp := range listed {
			n := ptr.Val(cp.PartNumber)
			if n <= prev {
				return awserr.New("InvalidPartOrder", http.StatusBadRequest, "The list of parts was not in ascending order. Parts must be ordered by part number.")
			}
			prev = n
		}
		for i, cp := range listed {
			n := ptr.Val(cp.PartNumber)
			p, ok := parts[n]
			if !ok || strings.Trim(ptr.Val(cp.ETag), `"`) != strings.Trim(p.ETag, `"`) {
				return awserr.New("InvalidPart", http.StatusBadRequest, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
					WithField("PartNumber", n).WithField("ETag", ptr.Val(cp.ETag))
			}
			if i < len(listed)-1 && p.Blob.Size < minPartSize {
				return awserr.New("EntityTooSmall", http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed size").
					WithField("ProposedSize", p.Blob.Size).WithField("MinSizeAllowed", int64(minPartSize))
			}
			raw, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
			md5s.Write(raw)
			if u.ChecksumAlgorithm != "" {
				v, _ := base64.StdEncoding.DecodeString(p.Checksums[u.ChecksumAlgorithm])
				sums[u.ChecksumAlgorithm] = append(sums[u.ChecksumAlgorithm], v...)
			}
			used[n] = true
			if p.Blob.Size > 0 {
				rec.Blobs = append(rec.Blobs, p.Blob)
			}
			rec.Size += p.Blob.Size
		}
		for n, p := range parts {
			if !used[n] {
				dead = append(dead, p.Blob)
			}
		}
		rec.ETag = fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(md5s.Sum(nil)), len(listed))
		rec.PartsCount = int64(len(listed))
		rec.LastModified = s.clock.Now().UTC()
		if u.ChecksumAlgorithm != "" && u.ChecksumType == "COMPOSITE" {
			// AWS: a composite checksum is the checksum of the parts' checksums, with the part count.
			h := newHash(u.ChecksumAlgorithm)
			h.Write(sums[u.ChecksumAlgorithm])
			rec.Checksums = map[string]string{u.ChecksumAlgorithm: base64.StdEncoding.EncodeToString(h.Sum(nil)) + fmt.Sprintf("-%d", len(listed))}
			rec.ChecksumType = "COMPOSITE"
		}
		// The parts' blobs now belong to the object: drop the part records only.
		var keys []string
		s.parts.AscendPrefix(tx, global, id+sep, func(k string, _ partRec) bool {
			keys = append(keys, k)
			return true
		})
		for _, k := range keys {
			s.parts.Delete(tx, global, k)
		}
		s.uploads.Delete(tx, global, uploadKey(bucket, key, id))
		old, err := s.install(tx, bucket, &rec, writeConditions(key, in.IfMatch, in.IfNoneMatch))
		if err != nil {
			return err
		}
		dead = append(dead, old...)
		if b, ok := s.buckets.Get(tx, global, bucket); ok {
			bv = b.Versioning
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.blobs.remove(dead)
	s.notify(ctx, bucket, evComplete, rec)
	out := &CompleteMultipartUploadOutput{
		Bucket: ptr.To(bucket), Key: ptr.To(key), ETag: ptr.To(rec.ETag), VersionId: s.versionHeader(rec, bv),
		Location:             ptr.To("/" + bucket + "/" + key),
		ServerSideEncryption: ptr.To(sseOf(rec)),
	}
	setChecksums(rec.Checksums, &out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256)
	if len(rec.Checksums) > 0 {
		out.ChecksumType = ptr.To(rec.ChecksumType)
	}
	return out, nil
}

// AbortMultipartUpload discards an upload and its parts.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html
func (s *Service) AbortMultipartUpload(ctx context.Context, in *AbortMultipartUploadRequest) (*AbortMultipartUploadOutput, error) {
	var dead []segment
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		u, err := s.upload(tx, *in.Bucket, *in.Key, *in.UploadId)
		if err != nil {
			return err
		}
		dead = s.dropUpload(tx, u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.blobs.remove(dead)
	return &AbortMultipartUploadOutput{}, nil
}

// ListParts lists an upload's parts in number order.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html
func (s *Service) ListParts(ctx context.Context, in *ListPartsRequest) (*ListPartsOutput, error) {
	max := int(ptr.Or(in.MaxParts, 1000))
	if max > 1000 || max < 0 {
		max = 1000
	}
	marker := ptr.Val(in.PartNumberMarker)
	out := &ListPartsOutput{Bucket: in.Bucket, Key: in.Key, UploadId: in.UploadId, MaxParts: ptr.To(int64(max)), PartNumberMarker: ptr.To(marker), IsTruncated: ptr.To(false)}
	err := s.db.View(func(tx *state.Tx) error {
		u, err := s.upload(tx, *in.Bucket, *in.Key, *in.UploadId)
		if err != nil {
			return err
		}
		out.Initiator = &Initiator{ID: ptr.To("arn:aws:iam::" + u.Owner + ":root"), DisplayName: owner(u.Owner).DisplayName}
		out.Owner = owner(u.Owner)
		out.StorageClass = ptr.To(ptr.Or(nonEmpty(u.Object.StorageClass), "STANDARD"))
		if u.ChecksumAlgorithm != "" {
			out.ChecksumAlgorithm, out.ChecksumType = ptr.To(u.ChecksumAlgorithm), ptr.To(u.ChecksumType)
		}
		s.parts.Ascend(tx, global, partKey(u.UploadID, marker+1), func(k string, p partRec) bool {
			if !strings.HasPrefix(k, u.UploadID+sep) {
				return false
			}
			if len(out.Parts) == max {
				out.IsTruncated = ptr.To(true)
				return false
			}
			part := Part{PartNumber: ptr.To(p.Number), ETag: ptr.To(p.ETag), Size: ptr.To(p.Blob.Size), LastModified: ptr.To(p.LastModified)}
			setChecksums(p.Checksums, &part.ChecksumCRC32, &part.ChecksumCRC32C, &part.ChecksumCRC64NVME, &part.ChecksumSHA1, &part.ChecksumSHA256)
			out.Parts = append(out.Parts, part)
			out.NextPartNumberMarker = ptr.To(p.Number)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListMultipartUploads lists the uploads in progress, by key then initiation.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
func (s *Service) ListMultipartUploads(ctx context.Context, in *ListMultipartUploadsRequest) (*ListMultipartUploadsOutput, error) {
	bucket := *in.Bucket
	max := int(ptr.Or(in.MaxUploads, 1000))
	if max > 1000 || max < 0 {
		max = 1000
	}
	enc := encoder(ptr.Val(in.EncodingType) == "url")
	prefix := ptr.Val(in.Prefix)
	out := &ListMultipartUploadsOutput{Bucket: ptr.To(bucket), Prefix: enc.s(prefix), Delimiter: in.Delimiter, EncodingType: in.EncodingType,
		KeyMarker: enc.s(ptr.Val(in.KeyMarker)), UploadIdMarker: ptr.To(ptr.Val(in.UploadIdMarker)), MaxUploads: ptr.To(int64(max)), IsTruncated: ptr.To(false)}
	err := s.db.View(func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		from := bucket + sep + prefix
		if km := ptr.Val(in.KeyMarker); km != "" {
			from = bucket + sep + km + sep + ptr.Val(in.UploadIdMarker) + "\x01"
			if in.UploadIdMarker == nil {
				from = bucket + sep + km + sep + "\xff"
			}
		}
		s.uploads.Ascend(tx, global, from, func(k string, u uploadRec) bool {
			if !strings.HasPrefix(k, bucket+sep+prefix) {
				return false
			}
			if len(out.Uploads) == max {
				out.IsTruncated = ptr.To(true)
				return false
			}
			out.Uploads = append(out.Uploads, MultipartUpload{Key: enc.s(u.Key), UploadId: ptr.To(u.UploadID), Initiated: ptr.To(u.Initiated),
				Initiator: &Initiator{ID: ptr.To("arn:aws:iam::" + u.Owner + ":root"), DisplayName: owner(u.Owner).DisplayName}, Owner: owner(u.Owner),
				StorageClass: ptr.To(ptr.Or(nonEmpty(u.Object.StorageClass), "STANDARD"))})
			out.NextKeyMarker, out.NextUploadIdMarker = enc.s(u.Key), ptr.To(u.UploadID)
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
