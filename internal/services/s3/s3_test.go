package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

func client(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

// code returns the AWS error code of err ("" for nil).
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// httpStatus returns the HTTP status of a failed call.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func mkBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintApNortheast2}})
	if err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

func TestBuckets(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	mkBucket(t, c, "alpha")

	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("beta")})
	if code(err) != "IllegalLocationConstraintException" {
		t.Errorf("create without constraint in ap-northeast-2: %v", err)
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("beta"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	if code(err) != "IllegalLocationConstraintException" {
		t.Errorf("create with another region's constraint: %v", err)
	}
	for _, bad := range []string{"ab", "Upper", "a..b", "192.168.1.1", "-ab", "xn--ab", strings.Repeat("a", 64)} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bad),
			CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintApNortheast2}})
		if code(err) != "InvalidBucketName" {
			t.Errorf("create %q: %v, want InvalidBucketName", bad, err)
		}
	}
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alpha"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintApNortheast2}})
	if code(err) != "BucketAlreadyOwnedByYou" {
		t.Errorf("re-create: %v", err)
	}
	other := client(testutil.AWSConfig(*cfg.BaseEndpoint, "111111111111"))
	_, err = other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alpha"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintApNortheast2}})
	if code(err) != "BucketAlreadyExists" {
		t.Errorf("create another account's bucket: %v", err)
	}

	// us-east-1 takes no constraint and re-creating an owned bucket succeeds.
	east := cfg.Copy()
	east.Region = "us-east-1"
	ce := client(east)
	for i := 0; i < 2; i++ {
		if _, err := ce.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("east-bucket")}); err != nil {
			t.Fatalf("create in us-east-1 (%d): %v", i, err)
		}
	}
	_, err = ce.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("east-2"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	if code(err) != "InvalidLocationConstraint" {
		t.Errorf("us-east-1 with explicit constraint: %v", err)
	}

	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("alpha")})
	if err != nil || loc.LocationConstraint != types.BucketLocationConstraintApNortheast2 {
		t.Errorf("location: %+v %v", loc, err)
	}
	loc, err = ce.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("east-bucket")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("us-east-1 location: %+v %v", loc, err)
	}
	hb, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("alpha")})
	if err != nil || aws.ToString(hb.BucketRegion) != "ap-northeast-2" {
		t.Errorf("head: %+v %v", hb, err)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nope-nope")}); httpStatus(err) != 404 {
		t.Errorf("head missing: %v", err)
	}
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range lb.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	if fmt.Sprint(names) != "[alpha east-bucket]" {
		t.Errorf("list buckets: %v", names)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("alpha"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("alpha")}); code(err) != "BucketNotEmpty" {
		t.Errorf("delete non-empty: %v", err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("alpha"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("alpha")}); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("alpha")}); code(err) != "NoSuchBucket" {
		t.Errorf("deleted bucket: %v", err)
	}
}

func TestBucketConfiguration(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	b := aws.String("conf")
	mkBucket(t, c, "conf")

	notFound := []struct {
		name string
		call func() error
		want string
	}{
		{"cors", func() error { _, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b}); return err }, "NoSuchCORSConfiguration"},
		{"website", func() error { _, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b}); return err }, "NoSuchWebsiteConfiguration"},
		{"lifecycle", func() error {
			_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
			return err
		}, "NoSuchLifecycleConfiguration"},
		{"policy", func() error { _, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b}); return err }, "NoSuchBucketPolicy"},
		{"tagging", func() error { _, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}); return err }, "NoSuchTagSet"},
		{"replication", func() error {
			_, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
			return err
		}, "ReplicationConfigurationNotFoundError"},
		{"object lock", func() error {
			_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
			return err
		}, "ObjectLockConfigurationNotFoundError"},
	}
	for _, tc := range notFound {
		if err := tc.call(); code(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}

	// New buckets: ACLs disabled, Block Public Access on, SSE-S3.
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("default public access block: %+v %v", pab, err)
	}
	oc, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	if err != nil || oc.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("default ownership: %+v %v", oc, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Errorf("default encryption: %+v %v", enc, err)
	}
	if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}); code(err) != "AccessControlListNotSupported" {
		t.Errorf("ACL with ACLs disabled: %v", err)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::conf/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)}); code(err) != "AccessDenied" {
		t.Errorf("public policy under BlockPublicPolicy: %v", err)
	}
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}); code(err) != "NoSuchPublicAccessBlockConfiguration" {
		t.Errorf("deleted public access block: %v", err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if err != nil || aws.ToString(pol.Policy) != public {
		t.Errorf("policy: %v %v", pol, err)
	}
	ps, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	if err != nil || !aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Errorf("policy status: %+v %v", ps, err)
	}
	if _, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 2 || acl.Owner == nil {
		t.Errorf("acl: %+v %v", acl, err)
	}

	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}}}); err != nil {
		t.Fatal(err)
	}
	tg, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	if err != nil || len(tg.TagSet) != 1 || aws.ToString(tg.TagSet[0].Value) != "dev" {
		t.Errorf("tags: %+v %v", tg, err)
	}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
		AllowedMethods: []string{"GET", "PUT"}, AllowedOrigins: []string{"https://example.com"}, MaxAgeSeconds: aws.Int32(300)}}}}); err != nil {
		t.Fatal(err)
	}
	cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	if err != nil || len(cors.CORSRules) != 1 || len(cors.CORSRules[0].AllowedMethods) != 2 || aws.ToInt32(cors.CORSRules[0].MaxAgeSeconds) != 300 {
		t.Errorf("cors: %+v %v", cors, err)
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &types.ErrorDocument{Key: aws.String("error.html")}}}); err != nil {
		t.Fatal(err)
	}
	ws, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	if err != nil || aws.ToString(ws.IndexDocument.Suffix) != "index.html" || aws.ToString(ws.ErrorDocument.Key) != "error.html" {
		t.Errorf("website: %+v %v", ws, err)
	}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: &types.BucketLifecycleConfiguration{
		Rules: []types.LifecycleRule{{ID: aws.String("expire"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)}}}}}); err != nil {
		t.Fatal(err)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(lc.Rules) != 1 || aws.ToInt32(lc.Rules[0].Expiration.Days) != 30 || aws.ToString(lc.Rules[0].Filter.Prefix) != "logs/" {
		t.Errorf("lifecycle: %+v %v", lc, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	if err != nil || v.Status != types.BucketVersioningStatusEnabled {
		t.Errorf("versioning: %+v %v", v, err)
	}
	// The queue does not exist: SkipDestinationValidation keeps the configuration anyway.
	if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: b, SkipDestinationValidation: aws.Bool(true), NotificationConfiguration: &types.NotificationConfiguration{
		QueueConfigurations: []types.QueueConfiguration{{QueueArn: aws.String("arn:aws:sqs:ap-northeast-2:000000000000:q"), Events: []types.Event{"s3:ObjectCreated:*"}}}}}); err != nil {
		t.Fatal(err)
	}
	nc, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	if err != nil || len(nc.QueueConfigurations) != 1 || aws.ToString(nc.QueueConfigurations[0].Id) == "" {
		t.Errorf("notification: %+v %v", nc, err)
	}
}

func TestObjects(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	b := aws.String("objs")
	mkBucket(t, c, "objs")
	body := []byte("hello, haneul! 하늘")
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), Body: bytes.NewReader(body),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"Owner": "me"}, ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
		Tagging: aws.String("a=1&b=2"), StorageClass: types.StorageClassStandardIa})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(body)
	if aws.ToString(put.ETag) != `"`+hex.EncodeToString(sum[:])+`"` || put.ChecksumSHA256 == nil {
		t.Errorf("put: etag %s sha256 %v", aws.ToString(put.ETag), put.ChecksumSHA256)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	if !bytes.Equal(got, body) || aws.ToString(get.ContentType) != "text/plain" || get.Metadata["owner"] != "me" ||
		aws.ToString(get.ChecksumSHA256) != aws.ToString(put.ChecksumSHA256) || aws.ToInt32(get.TagCount) != 2 || get.StorageClass != types.StorageClassStandardIa {
		t.Errorf("get: %q %+v", got, get)
	}

	// Range GETs.
	rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), Range: aws.String("bytes=0-4")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(rng.Body)
	if string(got) != "hello" || aws.ToString(rng.ContentRange) != fmt.Sprintf("bytes 0-4/%d", len(body)) {
		t.Errorf("range: %q %s", got, aws.ToString(rng.ContentRange))
	}
	rng, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), Range: aws.String("bytes=-3")})
	if err == nil {
		got, _ = io.ReadAll(rng.Body)
	}
	if err != nil || !bytes.Equal(got, body[len(body)-3:]) {
		t.Errorf("suffix range: %q %v", got, err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), Range: aws.String("bytes=1000-")})
	if code(err) != "InvalidRange" || httpStatus(err) != 416 {
		t.Errorf("unsatisfiable range: %v", err)
	}

	// Conditional requests.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), IfNoneMatch: put.ETag})
	if httpStatus(err) != 304 {
		t.Errorf("If-None-Match: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), IfMatch: aws.String(`"nope"`)})
	if httpStatus(err) != 412 {
		t.Errorf("If-Match: %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), IfModifiedSince: aws.Time(time.Now().Add(time.Hour))})
	if httpStatus(err) != 304 {
		t.Errorf("If-Modified-Since: %v", err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), IfUnmodifiedSince: aws.Time(time.Now().Add(-time.Hour))})
	if httpStatus(err) != 412 {
		t.Errorf("If-Unmodified-Since: %v", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("dir/a.txt"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if httpStatus(err) != 412 {
		t.Errorf("conditional put: %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("missing")}); code(err) != "NoSuchKey" {
		t.Errorf("missing key: %v", err)
	}

	// Keys are keys, never paths.
	for _, k := range []string{"../../etc/passwd", "유니코드/키 with space", strings.Repeat("k", 1024), "a//b/./c"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatalf("put %.20q: %v", k, err)
		}
		o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(k)})
		if err != nil {
			t.Fatalf("get %.20q: %v", k, err)
		}
		got, _ := io.ReadAll(o.Body)
		if string(got) != k {
			t.Errorf("key %.20q read back %.20q", k, got)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")}); code(err) != "KeyTooLongError" {
		t.Errorf("long key: %v", err)
	}

	// Copy, with and without replacing metadata.
	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.txt"), CopySource: aws.String("objs/dir/a.txt")})
	if err != nil || aws.ToString(cp.CopyObjectResult.ETag) != aws.ToString(put.ETag) {
		t.Fatalf("copy: %+v %v", cp, err)
	}
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("copy.txt")})
	if err != nil || h.Metadata["owner"] != "me" || aws.ToInt64(h.ContentLength) != int64(len(body)) {
		t.Errorf("copied head: %+v %v", h, err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.txt"), CopySource: aws.String("objs/copy.txt"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: map[string]string{"new": "yes"}, ContentType: aws.String("text/x")}); err != nil {
		t.Fatal(err)
	}
	h, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("copy.txt")})
	if h.Metadata["new"] != "yes" || h.Metadata["owner"] != "" || aws.ToString(h.ContentType) != "text/x" {
		t.Errorf("replaced metadata: %+v", h)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.txt"), CopySource: aws.String("objs/copy.txt")}); code(err) != "InvalidRequest" {
		t.Errorf("copy onto itself: %v", err)
	}

	// Tagging.
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: aws.String("copy.txt"), Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}); err != nil {
		t.Fatal(err)
	}
	tg, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("copy.txt")})
	if err != nil || len(tg.TagSet) != 1 {
		t.Errorf("object tags: %+v %v", tg, err)
	}

	// DeleteObjects.
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("copy.txt")}, {Key: aws.String("never-there")}}}})
	if err != nil || len(del.Deleted) != 2 {
		t.Errorf("delete objects: %+v %v", del, err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("copy.txt")}); httpStatus(err) != 404 {
		t.Errorf("deleted object: %v", err)
	}
}

func TestListObjects(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	b := aws.String("list")
	mkBucket(t, c, "list")
	keys := []string{"a.txt", "photos/2024/1.jpg", "photos/2024/2.jpg", "photos/2025/1.jpg", "photos/top.jpg", "videos/x.mp4", "z y.txt"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(objKeys(out.Contents), prefixes(out.CommonPrefixes)); got != "[a.txt z y.txt] [photos/ videos/]" {
		t.Errorf("delimiter listing: %s", got)
	}
	out, _ = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("photos/"), Delimiter: aws.String("/")})
	if got := fmt.Sprint(objKeys(out.Contents), prefixes(out.CommonPrefixes)); got != "[photos/top.jpg] [photos/2024/ photos/2025/]" {
		t.Errorf("prefix listing: %s", got)
	}
	// Paging two at a time sees every key once, in order.
	var all []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: b, MaxKeys: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, objKeys(page.Contents)...)
	}
	if fmt.Sprint(all) != fmt.Sprint(keys) || pages != 4 {
		t.Errorf("paged: %d pages %v", pages, all)
	}
	out, _ = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, StartAfter: aws.String("photos/2025/1.jpg")})
	if got := fmt.Sprint(objKeys(out.Contents)); got != "[photos/top.jpg videos/x.mp4 z y.txt]" {
		t.Errorf("start-after: %s", got)
	}
	out, _ = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("z"), EncodingType: types.EncodingTypeUrl})
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "z+y.txt" {
		t.Errorf("url encoding: %v", objKeys(out.Contents))
	}
	v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b, Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	if err != nil || !aws.ToBool(v1.IsTruncated) || aws.ToString(v1.NextMarker) != "photos/" {
		t.Fatalf("v1: %+v %v", v1, err)
	}
	v1, _ = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: b, Delimiter: aws.String("/"), Marker: v1.NextMarker})
	if got := fmt.Sprint(objKeys(v1.Contents), prefixes(v1.CommonPrefixes)); got != "[z y.txt] [videos/]" {
		t.Errorf("v1 second page: %s", got)
	}
}

func objKeys(os []types.Object) []string {
	var out []string
	for _, o := range os {
		out = append(out, aws.ToString(o.Key))
	}
	return out
}

func prefixes(ps []types.CommonPrefix) []string {
	var out []string
	for _, p := range ps {
		out = append(out, aws.ToString(p.Prefix))
	}
	return out
}

func TestMultipart(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	b, k := aws.String("mpu"), aws.String("big.bin")
	mkBucket(t, c, "mpu")
	part1 := bytes.Repeat([]byte("a"), 5<<20)
	part2 := []byte("tail")
	cr, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k, ContentType: aws.String("application/x-test"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	up := func(n int32, data []byte) *s3.UploadPartOutput {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: cr.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(data), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatalf("part %d: %v", n, err)
		}
		return out
	}
	p1, p2 := up(1, part1), up(2, part2)
	small := up(3, []byte("x"))
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: k, UploadId: cr.UploadId})
	if err != nil || len(lp.Parts) != 3 || aws.ToInt64(lp.Parts[0].Size) != 5<<20 {
		t.Errorf("list parts: %+v %v", lp, err)
	}
	lu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b})
	if err != nil || len(lu.Uploads) != 1 {
		t.Errorf("list uploads: %+v %v", lu, err)
	}
	complete := func(parts ...types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
		return c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: cr.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	}
	cp := func(n int32, o *s3.UploadPartOutput) types.CompletedPart {
		return types.CompletedPart{PartNumber: aws.Int32(n), ETag: o.ETag, ChecksumCRC32: o.ChecksumCRC32}
	}
	if _, err := complete(cp(2, p2), cp(1, p1)); code(err) != "InvalidPartOrder" {
		t.Errorf("out of order: %v", err)
	}
	if _, err := complete(cp(1, p1), types.CompletedPart{PartNumber: aws.Int32(2), ETag: aws.String(`"bad"`)}); code(err) != "InvalidPart" {
		t.Errorf("bad etag: %v", err)
	}
	if _, err := complete(cp(3, small), cp(4, p2)); code(err) != "EntityTooSmall" && code(err) != "InvalidPart" {
		t.Errorf("small part: %v", err)
	}
	if _, err := complete(cp(1, p1), cp(3, small)); err != nil {
		t.Logf("ok: small last part")
	}
	_ = small
	t.Run("complete", func(t *testing.T) {
		// Uploaded again: the first completion above consumed the upload.
		cr2, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k})
		if err != nil {
			t.Fatal(err)
		}
		var parts []types.CompletedPart
		for i, data := range [][]byte{part1, part1, part2} {
			o, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: cr2.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(data)})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: o.ETag})
		}
		small := bytes.Repeat([]byte("b"), 100)
		if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: cr2.UploadId, PartNumber: aws.Int32(2), Body: bytes.NewReader(small)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: cr2.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); code(err) != "InvalidPart" {
			t.Errorf("replaced part with old etag: %v", err)
		}
		o, _ := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: cr2.UploadId, PartNumber: aws.Int32(2), Body: bytes.NewReader(part1)})
		parts[1].ETag = o.ETag
		done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: cr2.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(aws.ToString(done.ETag), `-3"`) {
			t.Errorf("multipart etag %s", aws.ToString(done.ETag))
		}
		get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, Range: aws.String(fmt.Sprintf("bytes=%d-%d", 10<<20-2, 10<<20+1))})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(get.Body)
		if string(got) != "aata" {
			t.Errorf("range across parts: %q", got)
		}
		get, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, PartNumber: aws.Int32(3)})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(get.Body)
		if string(got) != "tail" || aws.ToInt32(get.PartsCount) != 3 {
			t.Errorf("part 3: %q parts %d", got, aws.ToInt32(get.PartsCount))
		}
		h, _ := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
		if aws.ToInt64(h.ContentLength) != 10<<20+4 {
			t.Errorf("size %d", aws.ToInt64(h.ContentLength))
		}
	})
	cr3, _ := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("aborted")})
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("aborted"), UploadId: cr3.UploadId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: b, Key: aws.String("aborted"), UploadId: cr3.UploadId}); code(err) != "NoSuchUpload" {
		t.Errorf("aborted upload: %v", err)
	}
}

func TestVersioning(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	b, k := aws.String("vers"), aws.String("doc")
	mkBucket(t, c, "vers")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v0")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1, _ := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v1")})
	v2, _ := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("v2")})
	if aws.ToString(v1.VersionId) == "" || aws.ToString(v1.VersionId) == aws.ToString(v2.VersionId) {
		t.Fatalf("version ids %v %v", v1.VersionId, v2.VersionId)
	}
	read := func(version *string) string {
		o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: k, VersionId: version})
		if err != nil {
			return code(err)
		}
		got, _ := io.ReadAll(o.Body)
		return string(got)
	}
	if read(nil) != "v2" || read(v1.VersionId) != "v1" || read(aws.String("null")) != "v0" {
		t.Errorf("reads: %s %s %s", read(nil), read(v1.VersionId), read(aws.String("null")))
	}
	d, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k})
	if err != nil || !aws.ToBool(d.DeleteMarker) {
		t.Fatalf("delete: %+v %v", d, err)
	}
	if read(nil) != "NoSuchKey" || read(v2.VersionId) != "v2" {
		t.Errorf("after delete marker: %s %s", read(nil), read(v2.VersionId))
	}
	lv, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
	if err != nil || len(lv.Versions) != 3 || len(lv.DeleteMarkers) != 1 || !aws.ToBool(lv.DeleteMarkers[0].IsLatest) || aws.ToString(lv.Versions[2].VersionId) != "null" {
		t.Errorf("versions: %+v %v", lv, err)
	}
	// Removing the marker by id brings v2 back.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: d.VersionId}); err != nil {
		t.Fatal(err)
	}
	if read(nil) != "v2" {
		t.Errorf("after removing marker: %s", read(nil))
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k, VersionId: v2.VersionId}); err != nil {
		t.Fatal(err)
	}
	if read(nil) != "v1" {
		t.Errorf("after removing v2: %s", read(nil))
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}); code(err) != "BucketNotEmpty" {
		t.Errorf("delete versioned bucket: %v", err)
	}
	// Suspended: writes replace the null version.
	c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	s1, _ := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("s1")})
	if aws.ToString(s1.VersionId) != "null" || read(aws.String("null")) != "s1" {
		t.Errorf("suspended put: %v %s", s1.VersionId, read(aws.String("null")))
	}
	lv, _ = c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
	if len(lv.Versions) != 2 {
		t.Errorf("suspended versions: %d", len(lv.Versions))
	}
}

func TestAnonymousAndPresigned(t *testing.T) {
	ctx := context.Background()
	fake := clock.NewFake(time.Now())
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(fake)))
	c := client(cfg)
	mkBucket(t, c, "pub-images")
	mkBucket(t, c, "environment")
	b := aws.String("pub-images")
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
		Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct{ bucket, key, acl string }{{"pub-images", "cat.png", "public-read"}, {"pub-images", "secret.png", "private"}, {"environment", ".env", "private"}} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key), Body: strings.NewReader("data"), ACL: types.ObjectCannedACL(o.acl)}); err != nil {
			t.Fatalf("put %s: %v", o.key, err)
		}
	}
	get := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for path, want := range map[string]int{"/pub-images/cat.png": 200, "/pub-images/secret.png": 403, "/environment/.env": 403, "/pub-images?list-type=2": 403} {
		if got := get(srv.URL + path); got != want {
			t.Errorf("anonymous GET %s: %d, want %d", path, got, want)
		}
	}
	// A bucket policy opening the whole bucket.
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::pub-images","arn:aws:s3:::pub-images/*"]}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if got := get(srv.URL + "/pub-images/secret.png"); got != 200 {
		t.Errorf("policy-public object: %d", got)
	}
	if got := get(srv.URL + "/pub-images?list-type=2"); got != 200 {
		t.Errorf("policy-public listing: %d", got)
	}
	// Presigned URLs work until they expire.
	ps := s3.NewPresignClient(c)
	req, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("environment"), Key: aws.String(".env")}, s3.WithPresignExpires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got := get(req.URL); got != 200 {
		t.Errorf("presigned GET: %d", got)
	}
	fake.Advance(2 * time.Minute)
	resp, err := http.Get(req.URL)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(msg), "Request has expired") {
		t.Errorf("expired presigned GET: %d %s", resp.StatusCode, msg)
	}
}
