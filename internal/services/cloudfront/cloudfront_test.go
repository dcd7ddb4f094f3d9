package cloudfront_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// env is a haneul with a fake clock and its CloudFront and S3 clients.
type env struct {
	cf    *cloudfront.Client
	s3    *s3.Client
	clock *clock.Fake
	url   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fake := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg, srv := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(fake)))
	return &env{
		cf:    cloudfront.NewFromConfig(cfg),
		s3:    s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		clock: fake,
		url:   srv.URL,
	}
}

// apiCode returns the AWS error code of err ("" for nil).
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

// bucket creates a bucket with objects; policyFor, when not empty, is the
// distribution ARN pattern a CloudFront OAC policy allows.
func (e *env) bucket(t *testing.T, name string, objects map[string]string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintApNortheast2}}); err != nil {
		t.Fatal(err)
	}
	for k, v := range objects {
		e.put(t, name, k, v)
	}
}

func (e *env) put(t *testing.T, bucket, key, body string) {
	t.Helper()
	if _, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ContentType: aws.String("text/html")}); err != nil {
		t.Fatal(err)
	}
}

// oacPolicy lets distributions of the account read the bucket, as the
// CloudFront console's generated policy does.
func (e *env) oacPolicy(t *testing.T, bucket, distARN string) {
	t.Helper()
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudFrontServicePrincipal","Effect":"Allow",
		"Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*",
		"Condition":{"StringEquals":{"AWS:SourceArn":%q}}}]}`, bucket, distARN)
	if _, err := e.s3.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) oac(t *testing.T, name string) string {
	t.Helper()
	out, err := e.cf.CreateOriginAccessControl(context.Background(), &cloudfront.CreateOriginAccessControlInput{
		OriginAccessControlConfig: &types.OriginAccessControlConfig{Name: aws.String(name), OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
			SigningBehavior: types.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.OriginAccessControl.Id)
}

// s3Config is a distribution reading bucket through oac, with index.html
// as root object and SPA error pages.
func s3Config(ref, bucket, oac string) *types.DistributionConfig {
	return &types.DistributionConfig{
		CallerReference:   aws.String(ref),
		Comment:           aws.String("site"),
		Enabled:           aws.Bool(true),
		DefaultRootObject: aws.String("index.html"),
		Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{
			Id: aws.String("s3"), DomainName: aws.String(bucket + ".s3.ap-northeast-2.amazonaws.com"),
			OriginAccessControlId: aws.String(oac), S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String("")},
		}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId: aws.String("s3"), ViewerProtocolPolicy: types.ViewerProtocolPolicyAllowAll,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"), // Managed-CachingOptimized
		},
		CustomErrorResponses: &types.CustomErrorResponses{Quantity: aws.Int32(1), Items: []types.CustomErrorResponse{
			{ErrorCode: aws.Int32(403), ResponseCode: aws.String("200"), ResponsePagePath: aws.String("/index.html"), ErrorCachingMinTTL: aws.Int64(0)},
		}},
	}
}

// get fetches path through a distribution's domain.
func (e *env) get(t *testing.T, domain, path string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = domain + ":80"
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestDistributionLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	oac := e.oac(t, "site-oac")
	created, err := e.cf.CreateDistributionWithTags(ctx, &cloudfront.CreateDistributionWithTagsInput{DistributionConfigWithTags: &types.DistributionConfigWithTags{
		DistributionConfig: s3Config("ref-1", "site", oac),
		Tags:               &types.Tags{Items: []types.Tag{{Key: aws.String("app"), Value: aws.String("todo")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := created.Distribution
	id := aws.ToString(d.Id)
	if !regexp.MustCompile(`^E[A-Z2-7]{13}$`).MatchString(id) || aws.ToString(d.DomainName) != strings.ToLower(id)+".cloudfront.localhost" {
		t.Errorf("id %s, domain %s", id, aws.ToString(d.DomainName))
	}
	if aws.ToString(d.Status) != "InProgress" || aws.ToString(created.ETag) == "" || !strings.HasSuffix(aws.ToString(created.Location), "/distribution/"+id) {
		t.Errorf("created: status %s, etag %q, location %q", aws.ToString(d.Status), aws.ToString(created.ETag), aws.ToString(created.Location))
	}
	if got := aws.ToString(d.ARN); got != "arn:aws:cloudfront::000000000000:distribution/"+id && !strings.HasPrefix(got, "arn:aws:cloudfront::") {
		t.Errorf("arn %s", got)
	}
	e.clock.Advance(5 * time.Second)
	got, err := e.cf.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: &id})
	if err != nil || aws.ToString(got.Distribution.Status) != "Deployed" {
		t.Fatalf("get: %v %v", err, got)
	}
	cfg := got.Distribution.DistributionConfig
	if aws.ToString(cfg.DefaultRootObject) != "index.html" || cfg.PriceClass != types.PriceClassPriceClassAll || !aws.ToBool(cfg.ViewerCertificate.CloudFrontDefaultCertificate) {
		t.Errorf("config read back: %+v", cfg)
	}
	tags, err := e.cf.ListTagsForResource(ctx, &cloudfront.ListTagsForResourceInput{Resource: d.ARN})
	if err != nil || len(tags.Tags.Items) != 1 || aws.ToString(tags.Tags.Items[0].Value) != "todo" {
		t.Errorf("tags: %v %+v", err, tags)
	}

	// Updates need the current ETag.
	gc, err := e.cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: &id})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ifMatch *string
		code    string
	}{{nil, "InvalidIfMatchVersion"}, {aws.String("ESTALEETAG0000"), "PreconditionFailed"}} {
		_, err := e.cf.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: &id, IfMatch: c.ifMatch, DistributionConfig: gc.DistributionConfig})
		if apiCode(err) != c.code {
			t.Errorf("update with If-Match %v: %v, want %s", c.ifMatch, err, c.code)
		}
	}
	if _, err := e.cf.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: &id, IfMatch: gc.ETag}); apiCode(err) != "DistributionNotDisabled" {
		t.Errorf("delete enabled: %v", err)
	}
	gc.DistributionConfig.Enabled = aws.Bool(false)
	up, err := e.cf.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: &id, IfMatch: gc.ETag, DistributionConfig: gc.DistributionConfig})
	if err != nil || aws.ToString(up.Distribution.Status) != "InProgress" || aws.ToString(up.ETag) == aws.ToString(gc.ETag) {
		t.Fatalf("disable: %v %+v", err, up)
	}
	// AWS: the disabling must have deployed before the delete.
	if _, err := e.cf.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: &id, IfMatch: up.ETag}); apiCode(err) != "DistributionNotDisabled" {
		t.Errorf("delete while deploying: %v", err)
	}
	if _, err := e.cf.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: &oac, IfMatch: aws.String("x")}); apiCode(err) != "PreconditionFailed" {
		t.Errorf("delete OAC with a stale ETag: %v", err)
	}
	e.clock.Advance(5 * time.Second)
	if _, err := e.cf.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: &id, IfMatch: up.ETag}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cf.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: &id}); apiCode(err) != "NoSuchDistribution" {
		t.Errorf("get deleted: %v", err)
	}
	list, err := e.cf.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	if err != nil || aws.ToInt32(list.DistributionList.Quantity) != 0 {
		t.Errorf("list after delete: %v %+v", err, list)
	}
	goac, err := e.cf.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: &oac})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cf.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: &oac, IfMatch: goac.ETag}); err != nil {
		t.Errorf("delete OAC: %v", err)
	}
}

func TestCreateDistributionErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		name string
		edit func(c *types.DistributionConfig)
		code string
	}{
		{"unknown target origin", func(c *types.DistributionConfig) { c.DefaultCacheBehavior.TargetOriginId = aws.String("nope") }, "NoSuchOrigin"},
		{"unknown OAC", func(c *types.DistributionConfig) {
			c.Origins.Items[0].OriginAccessControlId = aws.String("E000000000000X")
		}, "NoSuchOriginAccessControl"},
		{"quantity mismatch", func(c *types.DistributionConfig) { c.Origins.Quantity = aws.Int32(2) }, "InconsistentQuantities"},
		{"root object with slash", func(c *types.DistributionConfig) { c.DefaultRootObject = aws.String("/index.html") }, "InvalidDefaultRootObject"},
		{"alias without certificate", func(c *types.DistributionConfig) {
			c.Aliases = &types.Aliases{Quantity: aws.Int32(1), Items: []string{"cdn.example.com"}}
		}, "InvalidViewerCertificate"},
		{"unknown cache policy", func(c *types.DistributionConfig) { c.DefaultCacheBehavior.CachePolicyId = aws.String("nope") }, "NoSuchCachePolicy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := s3Config("ref-"+c.name, "site", "")
			c.edit(cfg)
			_, err := e.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
			if apiCode(err) != c.code {
				t.Errorf("got %v, want %s", err, c.code)
			}
		})
	}
	// An alias with an ACM certificate is accepted, and taken.
	cfg := s3Config("alias-1", "site", "")
	cfg.Aliases = &types.Aliases{Quantity: aws.Int32(1), Items: []string{"cdn.example.com"}}
	cfg.ViewerCertificate = &types.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:000000000000:certificate/x"), SSLSupportMethod: types.SSLSupportMethodSniOnly, MinimumProtocolVersion: types.MinimumProtocolVersionTLSv122021}
	if _, err := e.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg}); err != nil {
		t.Fatal(err)
	}
	cfg.CallerReference = aws.String("alias-2")
	if _, err := e.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg}); apiCode(err) != "CNAMEAlreadyExists" {
		t.Errorf("second distribution with the alias: %v", err)
	}
}

func TestEdgeServesS3AndCustomOrigins(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.bucket(t, "spa-site", map[string]string{"index.html": "<h1>v1</h1>", "app.js": "console.log(1)"})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, "api %s %s %s", r.URL.Path, r.URL.RawQuery, r.Header.Get("X-Origin-Secret"))
	}))
	defer api.Close()
	_, apiPort, _ := net.SplitHostPort(api.Listener.Addr().String())
	p, _ := strconv.Atoi(apiPort)

	oac := e.oac(t, "spa-oac")
	cfg := s3Config("spa", "spa-site", oac)
	cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{cfg.Origins.Items[0], {
		Id: aws.String("api"), DomainName: aws.String("127.0.0.1"),
		CustomHeaders:      &types.CustomHeaders{Quantity: aws.Int32(1), Items: []types.OriginCustomHeader{{HeaderName: aws.String("X-Origin-Secret"), HeaderValue: aws.String("s3cr3t")}}},
		CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(int32(p)), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpOnly},
	}}}
	cfg.CacheBehaviors = &types.CacheBehaviors{Quantity: aws.Int32(1), Items: []types.CacheBehavior{{
		PathPattern: aws.String("/api/*"), TargetOriginId: aws.String("api"), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly,
		CachePolicyId: aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"), // Managed-CachingDisabled
	}}}
	out, err := e.cf.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
	if err != nil {
		t.Fatal(err)
	}
	id, domain := aws.ToString(out.Distribution.Id), aws.ToString(out.Distribution.DomainName)

	// Without a bucket policy for CloudFront, the OAC read is refused, and
	// the 403 becomes the SPA page… which is refused too.
	if status, _, _ := e.get(t, domain, "/"); status != http.StatusForbidden {
		t.Errorf("before the bucket policy: %d", status)
	}
	e.oacPolicy(t, "spa-site", aws.ToString(out.Distribution.ARN))

	status, h, body := e.get(t, domain, "/")
	if status != 200 || body != "<h1>v1</h1>" || h.Get("X-Cache") != "Miss from cloudfront" || !strings.Contains(h.Get("Via"), "CloudFront") {
		t.Errorf("GET /: %d %q %v", status, body, h)
	}
	e.clock.Advance(3 * time.Second)
	status, h, body = e.get(t, domain, "/")
	if status != 200 || body != "<h1>v1</h1>" || h.Get("X-Cache") != "Hit from cloudfront" || h.Get("Age") != "3" {
		t.Errorf("GET / again: %d %q X-Cache=%s Age=%s", status, body, h.Get("X-Cache"), h.Get("Age"))
	}
	// SPA routes: S3's 403 for a missing key becomes index.html with 200.
	if status, _, body := e.get(t, domain, "/tasks/42"); status != 200 || body != "<h1>v1</h1>" {
		t.Errorf("GET /tasks/42: %d %q", status, body)
	}
	// Conditional requests against the cached ETag.
	_, h, _ = e.get(t, domain, "/app.js")
	if status, _, _ := e.get(t, domain, "/app.js", "If-None-Match", h.Get("ETag")); status != http.StatusNotModified {
		t.Errorf("conditional GET: %d", status)
	}

	// A new version stays hidden until an invalidation.
	e.put(t, "spa-site", "index.html", "<h1>v2</h1>")
	if _, _, body := e.get(t, domain, "/"); body != "<h1>v1</h1>" {
		t.Errorf("cached page after overwrite: %q", body)
	}
	inv, err := e.cf.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{DistributionId: &id, InvalidationBatch: &types.InvalidationBatch{
		CallerReference: aws.String("deploy-2"), Paths: &types.Paths{Quantity: aws.Int32(1), Items: []string{"/*"}},
	}})
	if err != nil || aws.ToString(inv.Invalidation.Status) != "InProgress" {
		t.Fatalf("invalidate: %v %+v", err, inv)
	}
	if status, h, body := e.get(t, domain, "/"); body != "<h1>v2</h1>" || h.Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("after invalidation: %d %q %s", status, body, h.Get("X-Cache"))
	}
	e.clock.Advance(2 * time.Second)
	gi, err := e.cf.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: &id, Id: inv.Invalidation.Id})
	if err != nil || aws.ToString(gi.Invalidation.Status) != "Completed" {
		t.Errorf("get invalidation: %v %+v", err, gi)
	}
	li, err := e.cf.ListInvalidations(ctx, &cloudfront.ListInvalidationsInput{DistributionId: &id})
	if err != nil || aws.ToInt32(li.InvalidationList.Quantity) != 1 {
		t.Errorf("list invalidations: %v %+v", err, li)
	}

	// The ordered behaviour sends /api/* to the custom origin, HTTPS only.
	if status, _, _ := e.get(t, domain, "/api/tasks"); status != http.StatusForbidden {
		t.Errorf("HTTP to an https-only behaviour: %d", status)
	}
	status, h, body = e.get(t, domain, "/api/tasks?page=2", "X-Forwarded-Proto", "https")
	if status != 200 || body != "api /api/tasks  s3cr3t" || h.Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("GET /api/tasks: %d %q %s", status, body, h.Get("X-Cache"))
	}
	if _, h, _ := e.get(t, domain, "/api/tasks", "X-Forwarded-Proto", "https"); h.Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("CachingDisabled answered from cache: %s", h.Get("X-Cache"))
	}
	// A method the behaviour does not allow.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/", strings.NewReader("x"))
	req.Host = domain
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestManagedCachePolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	list, err := e.cf.ListCachePolicies(ctx, &cloudfront.ListCachePoliciesInput{Type: types.CachePolicyTypeManaged})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, p := range list.CachePolicyList.Items {
		if aws.ToString(p.CachePolicy.CachePolicyConfig.Name) == "Managed-CachingOptimized" {
			id = aws.ToString(p.CachePolicy.Id)
		}
	}
	if id != "658327ea-f89d-4fab-a63d-7e88639e58f6" {
		t.Fatalf("CachingOptimized id %q", id)
	}
	got, err := e.cf.GetCachePolicy(ctx, &cloudfront.GetCachePolicyInput{Id: &id})
	if err != nil || aws.ToInt64(got.CachePolicy.CachePolicyConfig.DefaultTTL) != 86400 {
		t.Errorf("get: %v %+v", err, got)
	}
	if _, err := e.cf.GetCachePolicy(ctx, &cloudfront.GetCachePolicyInput{Id: aws.String("nope")}); apiCode(err) != "NoSuchCachePolicy" {
		t.Errorf("unknown policy: %v", err)
	}
}
