package s3

import (
	"context"
	"net"
	"net/http"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// validBucketName applies S3's general purpose bucket naming rules.
//
// AWS: 3–63 characters of lower-case letters, digits, dots and hyphens,
// starting and ending with a letter or digit, no two adjacent dots, not
// shaped like an IP address, and none of the reserved prefixes and suffixes.
func validBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) || strings.Contains(name, "..") {
		return false
	}
	if net.ParseIP(name) != nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

// bucket returns the named bucket, or NoSuchBucket.
func (s *Service) bucket(tx *state.Tx, name string) (bucketRec, error) {
	b, ok := s.buckets.Get(tx, global, name)
	if !ok {
		return bucketRec{}, errNoSuchBucket(name)
	}
	return b, nil
}

// viewBucket reads the named bucket.
func (s *Service) viewBucket(name string) (bucketRec, error) {
	var b bucketRec
	err := s.db.View(func(tx *state.Tx) error {
		var err error
		b, err = s.bucket(tx, name)
		return err
	})
	return b, err
}

// updateBucket applies fn to a copy of the named bucket and stores it.
func (s *Service) updateBucket(ctx context.Context, name string, fn func(b *bucketRec) error) error {
	return s.db.Update(ctx, func(tx *state.Tx) error {
		b, err := s.bucket(tx, name)
		if err != nil {
			return err
		}
		if err := fn(&b); err != nil {
			return err
		}
		s.buckets.Put(tx, global, name, b)
		if b.Lifecycle != nil {
			s.lifecycled.Put(tx, global, name, b.LifecycleGen)
		} else {
			s.lifecycled.Delete(tx, global, name)
		}
		return nil
	})
}

// CreateBucket creates a bucket in the region the request was sent to.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
func (s *Service) CreateBucket(ctx context.Context, in *CreateBucketRequest) (*CreateBucketOutput, error) {
	info := reqctx.From(ctx)
	name := ptr.Val(in.Bucket)
	if !validBucketName(name) {
		return nil, awserr.New("InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid.").WithField("BucketName", name)
	}
	region := info.Region
	if region == "" {
		region = s.region
	}
	lc := fromCtx(ctx).locationConstraint
	switch {
	case region == "us-east-1" && lc != "":
		// AWS: us-east-1 takes no constraint; naming one, even us-east-1, is invalid.
		return nil, awserr.New("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid").WithField("LocationConstraint", lc)
	case region != "us-east-1" && lc == "":
		return nil, awserr.New("IllegalLocationConstraintException", http.StatusBadRequest, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case region != "us-east-1" && lc != region && !(lc == "EU" && region == "eu-west-1"):
		return nil, awserr.New("IllegalLocationConstraintException", http.StatusBadRequest, "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", lc)
	}
	ownership := ptr.Or(in.ObjectOwnership, "BucketOwnerEnforced")
	grants, err := requestGrants(info.Account, in.ACL, in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWrite, in.GrantWriteACP)
	if err != nil {
		return nil, err
	}
	if ownership == "BucketOwnerEnforced" && !ownerOnly(grants, info.Account) {
		// AWS: with ACLs disabled, only the private (or bucket-owner-full-control) ACL is accepted.
		return nil, awserr.New("InvalidBucketAclWithObjectOwnership", http.StatusBadRequest, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	var out *CreateBucketOutput
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		if b, ok := s.buckets.Get(tx, global, name); ok {
			if b.Owner != info.Account {
				return awserr.New("BucketAlreadyExists", http.StatusConflict, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").WithField("BucketName", name)
			}
			if b.Region == "us-east-1" && region == "us-east-1" {
				// AWS: in us-east-1, re-creating a bucket you own succeeds (legacy behaviour).
				out = &CreateBucketOutput{Location: ptr.To("/" + name)}
				return nil
			}
			return awserr.New("BucketAlreadyOwnedByYou", http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it.").WithField("BucketName", name)
		}
		b := bucketRec{
			Name:    name,
			Owner:   info.Account,
			Region:  region,
			Created: s.clock.Now().UTC(),
			// AWS: since April 2023 new buckets have ACLs disabled and all four
			// Block Public Access settings on.
			Ownership:    &OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: ptr.To(ownership)}}},
			PublicAccess: &PublicAccessBlockConfiguration{BlockPublicAcls: ptr.To(true), BlockPublicPolicy: ptr.To(true), IgnorePublicAcls: ptr.To(true), RestrictPublicBuckets: ptr.To(true)},
			ACL:          grants,
		}
		if ptr.Val(in.ObjectLockEnabledForBucket) {
			b.ObjectLock = &ObjectLockConfiguration{ObjectLockEnabled: ptr.To("Enabled")}
			b.Versioning = "Enabled"
		}
		if in.CreateBucketConfiguration != nil {
			b.Tags = in.CreateBucketConfiguration.Tags
		}
		s.buckets.Put(tx, global, name, b)
		s.owned.Put(tx, state.Scope{Account: info.Account}, name, "")
		loc := "/" + name
		if region != "us-east-1" {
			loc = "http://" + name + ".s3." + region + ".localhost/"
		}
		out = &CreateBucketOutput{Location: ptr.To(loc), BucketArn: ptr.To("arn:aws:s3:::" + name)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// HeadBucket tells whether a bucket exists and where.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
func (s *Service) HeadBucket(ctx context.Context, in *HeadBucketRequest) (*HeadBucketOutput, error) {
	b, err := s.viewBucket(ptr.Val(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &HeadBucketOutput{BucketRegion: ptr.To(b.Region), BucketArn: ptr.To("arn:aws:s3:::" + b.Name)}, nil
}

// ListBuckets lists the caller's buckets in name order.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
func (s *Service) ListBuckets(ctx context.Context, in *ListBucketsRequest) (*ListBucketsOutput, error) {
	info := reqctx.From(ctx)
	max := int(ptr.Or(in.MaxBuckets, 10000))
	from := ptr.Val(in.ContinuationToken)
	prefix := ptr.Val(in.Prefix)
	out := &ListBucketsOutput{Owner: owner(info.Account), Buckets: []Bucket{}}
	if in.Prefix != nil {
		out.Prefix = in.Prefix
	}
	_ = s.db.View(func(tx *state.Tx) error {
		start := from
		if prefix > start {
			start = prefix
		}
		s.owned.Ascend(tx, state.Scope{Account: info.Account}, start, func(name string, _ string) bool {
			if !strings.HasPrefix(name, prefix) {
				return false
			}
			if name == from {
				return true
			}
			b, ok := s.buckets.Get(tx, global, name)
			if !ok {
				return true
			}
			if in.BucketRegion != nil && b.Region != *in.BucketRegion {
				return true
			}
			if len(out.Buckets) == max {
				out.ContinuationToken = ptr.To(*out.Buckets[len(out.Buckets)-1].Name)
				return false
			}
			out.Buckets = append(out.Buckets, Bucket{Name: ptr.To(name), CreationDate: ptr.To(b.Created), BucketRegion: ptr.To(b.Region), BucketArn: ptr.To("arn:aws:s3:::" + name)})
			return true
		})
		return nil
	})
	return out, nil
}

// DeleteBucket deletes an empty bucket.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
func (s *Service) DeleteBucket(ctx context.Context, in *DeleteBucketRequest) (*DeleteBucketOutput, error) {
	name := ptr.Val(in.Bucket)
	var dead []segment
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		b, err := s.bucket(tx, name)
		if err != nil {
			return err
		}
		empty := true
		for _, t := range []*state.Table[objectRec]{s.objects, s.versions} {
			t.AscendPrefix(tx, global, name+sep, func(string, objectRec) bool {
				empty = false
				return false
			})
		}
		if !empty {
			return awserr.New("BucketNotEmpty", http.StatusConflict, "The bucket you tried to delete is not empty").WithField("BucketName", name)
		}
		// AWS: uploads in progress do not keep a bucket alive; they go with it.
		var ups []uploadRec
		s.uploads.AscendPrefix(tx, global, name+sep, func(_ string, u uploadRec) bool {
			ups = append(ups, u)
			return true
		})
		for _, u := range ups {
			dead = append(dead, s.dropUpload(tx, u)...)
		}
		s.buckets.Delete(tx, global, name)
		s.owned.Delete(tx, state.Scope{Account: b.Owner}, name)
		s.lifecycled.Delete(tx, global, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.blobs.remove(dead)
	return &DeleteBucketOutput{}, nil
}

// GetBucketLocation returns the bucket's region ("" for us-east-1).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
func (s *Service) GetBucketLocation(ctx context.Context, in *GetBucketLocationRequest) (*GetBucketLocationOutput, error) {
	b, err := s.viewBucket(ptr.Val(in.Bucket))
	if err != nil {
		return nil, err
	}
	out := &GetBucketLocationOutput{}
	if b.Region != "us-east-1" {
		out.LocationConstraint = ptr.To(b.Region)
	}
	return out, nil
}
