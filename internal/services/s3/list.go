package s3

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// listing is one page of a key walk: the objects and the common prefixes,
// in key order, and where the next page starts.
type listing struct {
	objects   []objectRec
	prefixes  []string
	truncated bool
	next      string // the first key of the next page (inclusive)
	last      string // the last key or common prefix returned
}

// walk lists bucket's current objects with the given prefix from key
// start (inclusive), rolling keys up at delimiter, at most max entries.
// Each common prefix costs one seek, so a page costs O(log n + page).
func (s *Service) walk(tx *state.Tx, bucket, prefix, delimiter, start, skipPrefix string, max int) listing {
	var l listing
	base := bucket + sep
	from := start
	if from < prefix {
		from = prefix
	}
	count := 0
	for {
		var cp string
		more := false
		s.objects.Ascend(tx, global, base+from, func(k string, o objectRec) bool {
			key := k[len(base):]
			if !strings.HasPrefix(k, base) || !strings.HasPrefix(key, prefix) {
				return false
			}
			if delimiter != "" {
				if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
					p := key[:len(prefix)+i+len(delimiter)]
					if p == skipPrefix {
						cp, more = p, true
						return false
					}
					if count == max {
						l.truncated, l.next = true, key
						return false
					}
					l.prefixes = append(l.prefixes, p)
					l.last = p
					count++
					cp, more = p, true
					return false
				}
			}
			if o.DeleteMarker {
				return true
			}
			if count == max {
				l.truncated, l.next = true, key
				return false
			}
			l.objects = append(l.objects, o)
			l.last = key
			count++
			return true
		})
		if !more {
			return l
		}
		// Skip every key under the common prefix: no UTF-8 key has 0xff.
		from = cp + "\xff"
	}
}

// encoder URL-encodes listing values when encoding-type=url was asked for.
type encoder bool

func (e encoder) s(v string) *string {
	if e {
		v = strings.ReplaceAll(url.QueryEscape(v), "%2F", "/")
	}
	return &v
}

func (e encoder) opt(v *string) *string {
	if v == nil {
		return nil
	}
	return e.s(*v)
}

func maxKeys(v *int64) int {
	n := int(ptr.Or(v, 1000))
	if n > 1000 || n < 0 {
		n = 1000
	}
	return n
}

func toObject(o objectRec, enc encoder, withOwner bool) Object {
	obj := Object{Key: enc.s(o.Key), LastModified: ptr.To(o.LastModified), ETag: ptr.To(o.ETag), Size: ptr.To(o.Size), StorageClass: ptr.To(ptr.Or(nonEmpty(o.StorageClass), "STANDARD"))}
	if withOwner {
		obj.Owner = owner(o.Owner)
	}
	for a := range o.Checksums {
		obj.ChecksumAlgorithm = append(obj.ChecksumAlgorithm, a)
	}
	if len(o.Checksums) > 0 {
		obj.ChecksumType = nonEmpty(o.ChecksumType)
	}
	return obj
}

// ListObjectsV2 lists a bucket's objects, a page at a time.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
func (s *Service) ListObjectsV2(ctx context.Context, in *ListObjectsV2Request) (*ListObjectsV2Output, error) {
	bucket := *in.Bucket
	enc := encoder(ptr.Val(in.EncodingType) == "url")
	start, skip := "", ""
	if t := ptr.Val(in.ContinuationToken); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		if err != nil {
			return nil, errInvalidArgument("The continuation token provided is incorrect")
		}
		start = string(raw)
	} else if sa := ptr.Val(in.StartAfter); sa != "" {
		start, skip = sa+"\x00", sa
	}
	max := maxKeys(in.MaxKeys)
	var l listing
	err := s.db.View(func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		l = s.walk(tx, bucket, ptr.Val(in.Prefix), ptr.Val(in.Delimiter), start, skip, max)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &ListObjectsV2Output{
		Name: ptr.To(bucket), Prefix: enc.s(ptr.Val(in.Prefix)), Delimiter: enc.opt(in.Delimiter), MaxKeys: ptr.To(int64(max)),
		EncodingType: in.EncodingType, KeyCount: ptr.To(int64(len(l.objects) + len(l.prefixes))), IsTruncated: ptr.To(l.truncated),
		ContinuationToken: in.ContinuationToken, StartAfter: enc.opt(in.StartAfter),
	}
	if l.truncated {
		out.NextContinuationToken = ptr.To(base64.RawURLEncoding.EncodeToString([]byte(l.next)))
	}
	for _, o := range l.objects {
		out.Contents = append(out.Contents, toObject(o, enc, ptr.Val(in.FetchOwner)))
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: enc.s(p)})
	}
	return out, nil
}

// ListObjects is the first version of the listing, paged by marker.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
func (s *Service) ListObjects(ctx context.Context, in *ListObjectsRequest) (*ListObjectsOutput, error) {
	bucket := *in.Bucket
	enc := encoder(ptr.Val(in.EncodingType) == "url")
	start, skip := "", ""
	if m := ptr.Val(in.Marker); m != "" {
		start, skip = m+"\x00", m
	}
	max := maxKeys(in.MaxKeys)
	var l listing
	err := s.db.View(func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		l = s.walk(tx, bucket, ptr.Val(in.Prefix), ptr.Val(in.Delimiter), start, skip, max)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &ListObjectsOutput{
		Name: ptr.To(bucket), Prefix: enc.s(ptr.Val(in.Prefix)), Delimiter: enc.opt(in.Delimiter), MaxKeys: ptr.To(int64(max)),
		EncodingType: in.EncodingType, IsTruncated: ptr.To(l.truncated), Marker: enc.s(ptr.Val(in.Marker)),
	}
	if l.truncated && in.Delimiter != nil {
		// AWS: NextMarker is returned only when a delimiter was given.
		out.NextMarker = enc.s(l.last)
	}
	for _, o := range l.objects {
		out.Contents = append(out.Contents, toObject(o, enc, true))
	}
	for _, p := range l.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: enc.s(p)})
	}
	return out, nil
}

// ListObjectVersions lists every version and delete marker, newest first per key.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
func (s *Service) ListObjectVersions(ctx context.Context, in *ListObjectVersionsRequest) (*ListObjectVersionsOutput, error) {
	bucket := *in.Bucket
	enc := encoder(ptr.Val(in.EncodingType) == "url")
	prefix, delimiter := ptr.Val(in.Prefix), ptr.Val(in.Delimiter)
	keyMarker, verMarker := ptr.Val(in.KeyMarker), ptr.Val(in.VersionIdMarker)
	max := maxKeys(in.MaxKeys)
	out := &ListObjectVersionsOutput{
		Name: ptr.To(bucket), Prefix: enc.s(prefix), Delimiter: enc.opt(in.Delimiter), MaxKeys: ptr.To(int64(max)),
		EncodingType: in.EncodingType, KeyMarker: enc.s(keyMarker), VersionIdMarker: in.VersionIdMarker, IsTruncated: ptr.To(false),
	}
	err := s.db.View(func(tx *state.Tx) error {
		if _, err := s.bucket(tx, bucket); err != nil {
			return err
		}
		base := bucket + sep
		from := prefix
		if keyMarker > from {
			from = keyMarker
		}
		count := 0
		lastCP := ""
		if delimiter != "" && strings.HasSuffix(keyMarker, delimiter) {
			lastCP = keyMarker
		}
		full := func(nextKey, nextVer string) {
			out.IsTruncated = ptr.To(true)
			out.NextKeyMarker = enc.s(nextKey)
			if nextVer != "" {
				out.NextVersionIdMarker = ptr.To(nextVer)
			}
		}
		var lastK, lastV string
		emit := func(o objectRec, latest bool) {
			lastK, lastV = o.Key, o.versionID()
			if o.DeleteMarker {
				out.DeleteMarkers = append(out.DeleteMarkers, DeleteMarkerEntry{Key: enc.s(o.Key), VersionId: ptr.To(o.versionID()), IsLatest: ptr.To(latest), LastModified: ptr.To(o.LastModified), Owner: owner(o.Owner)})
				return
			}
			out.Versions = append(out.Versions, ObjectVersion{Key: enc.s(o.Key), VersionId: ptr.To(o.versionID()), IsLatest: ptr.To(latest), LastModified: ptr.To(o.LastModified),
				ETag: ptr.To(o.ETag), Size: ptr.To(o.Size), StorageClass: ptr.To(ptr.Or(nonEmpty(o.StorageClass), "STANDARD")), Owner: owner(o.Owner)})
		}
		s.objects.Ascend(tx, global, base+from, func(k string, cur objectRec) bool {
			key := k[len(base):]
			if !strings.HasPrefix(k, base) || !strings.HasPrefix(key, prefix) {
				return false
			}
			if delimiter != "" {
				if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
					p := key[:len(prefix)+i+len(delimiter)]
					if p == lastCP {
						return true
					}
					if count == max {
						full(lastK, lastV)
						return false
					}
					lastCP, lastK, lastV = p, p, ""
					out.CommonPrefixes = append(out.CommonPrefixes, CommonPrefix{Prefix: enc.s(p)})
					count++
					return true
				}
			}
			all := []objectRec{cur}
			s.versions.AscendPrefix(tx, global, k+sep, func(_ string, v objectRec) bool {
				all = append(all, v)
				return true
			})
			skipping := key == keyMarker
			if skipping && verMarker == "" {
				return true // the key marker's versions were all listed
			}
			for i, v := range all {
				if skipping {
					if v.versionID() == verMarker {
						skipping = false
					}
					continue
				}
				if count == max {
					full(lastK, lastV)
					return false
				}
				emit(v, i == 0)
				count++
			}
			return true
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
