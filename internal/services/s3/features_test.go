package s3_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

// do sends a plain HTTP request (no signature) and returns the response
// with its body read.
func do(t *testing.T, method, rawURL, host string, hdr map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ContentType: aws.String("text/html")})
	if err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
}

func TestCORS(t *testing.T) {
	ctx := context.Background()
	cfg, srv := testutil.NewServer(t)
	c := client(cfg)
	mkBucket(t, c, "cors")
	mkBucket(t, c, "nocors")
	put(t, c, "cors", "a.txt", "hello")

	_, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("cors")})
	if code(err) != "NoSuchCORSConfiguration" {
		t.Fatalf("get before put: %v", err)
	}
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("cors"), CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{
		{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"}, AllowedHeaders: []string{"x-amz-*", "content-type"},
			ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(300)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("cors")})
	if err != nil || len(got.CORSRules) != 2 || aws.ToInt32(got.CORSRules[0].MaxAgeSeconds) != 300 {
		t.Fatalf("get: %+v, %v", got, err)
	}

	cases := []struct {
		name, bucket, origin, method, headers string
		status                                int
		allowOrigin, allowHeaders, code       string
	}{
		{"wildcard subdomain", "cors", "https://app.example.com", "PUT", "Content-Type, X-Amz-Meta-A", 200, "https://app.example.com", "content-type, x-amz-meta-a", ""},
		{"star origin", "cors", "https://other.test", "GET", "", 200, "*", "", ""},
		{"method not allowed", "cors", "https://other.test", "DELETE", "", 403, "", "", "CORSResponse"},
		{"header not allowed", "cors", "https://app.example.com", "PUT", "authorization", 403, "", "", "CORSResponse"},
		{"no cors configuration", "nocors", "https://app.example.com", "GET", "", 403, "", "", "CORSResponse"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{"Origin": tc.origin, "Access-Control-Request-Method": tc.method}
			if tc.headers != "" {
				hdr["Access-Control-Request-Headers"] = tc.headers
			}
			resp, body := do(t, http.MethodOptions, srv.URL+"/"+tc.bucket+"/a.txt", "", hdr, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.allowOrigin {
				t.Errorf("Allow-Origin %q, want %q", got, tc.allowOrigin)
			}
			if got := resp.Header.Get("Access-Control-Allow-Headers"); got != tc.allowHeaders {
				t.Errorf("Allow-Headers %q, want %q", got, tc.allowHeaders)
			}
			if tc.code != "" && !strings.Contains(body, "<Code>"+tc.code+"</Code>") {
				t.Errorf("body %s, want code %s", body, tc.code)
			}
			if tc.status == 200 && !strings.Contains(resp.Header.Get("Vary"), "Origin") {
				t.Errorf("Vary %q", resp.Header.Get("Vary"))
			}
		})
	}
	resp, _ := do(t, http.MethodOptions, srv.URL+"/cors/a.txt", "", map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}, nil)
	if resp.Header.Get("Access-Control-Max-Age") != "300" || resp.Header.Get("Access-Control-Expose-Headers") != "ETag" ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET, PUT" || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("preflight headers: %v", resp.Header)
	}

	// An actual request with an Origin gets the headers too (here a presigned GET).
	ps := s3.NewPresignClient(c)
	pr, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cors"), Key: aws.String("a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, http.MethodGet, pr.URL, "", map[string]string{"Origin": "https://www.example.com"}, nil)
	if resp.StatusCode != 200 || body != "hello" || resp.Header.Get("Access-Control-Allow-Origin") != "https://www.example.com" ||
		resp.Header.Get("Access-Control-Expose-Headers") != "ETag" {
		t.Errorf("GET with Origin: %d %q %v", resp.StatusCode, body, resp.Header)
	}

	if _, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String("cors")}); err != nil {
		t.Fatal(err)
	}
	resp, body = do(t, http.MethodOptions, srv.URL+"/cors/a.txt", "", map[string]string{"Origin": "https://x.example.com", "Access-Control-Request-Method": "GET"}, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "CORS is not enabled") {
		t.Errorf("after delete: %d %s", resp.StatusCode, body)
	}
}

const publicRead = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`

func TestWebsite(t *testing.T) {
	ctx := context.Background()
	cfg, srv := testutil.NewServer(t)
	c := client(cfg)
	mkBucket(t, c, "site")
	for k, v := range map[string]string{"index.html": "home", "docs/index.html": "docs home", "error.html": "oops", "old/page.html": "old"} {
		put(t, c, "site", k, v)
	}
	_, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: &types.WebsiteConfiguration{}})
	if code(err) != "InvalidArgument" {
		t.Errorf("website without index: %v", err)
	}
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &types.ErrorDocument{Key: aws.String("error.html")},
		RoutingRules: []types.RoutingRule{
			{Condition: &types.Condition{KeyPrefixEquals: aws.String("old/")}, Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("new/")}},
			{Condition: &types.Condition{HttpErrorCodeReturnedEquals: aws.String("404"), KeyPrefixEquals: aws.String("gone/")},
				Redirect: &types.Redirect{HostName: aws.String("example.com"), ReplaceKeyWith: aws.String("moved.html"), HttpRedirectCode: aws.String("302"), Protocol: types.ProtocolHttps}},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	host := "site.s3-website." + cfg.Region + ".localhost:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	// Without a public policy the website refuses anonymous readers.
	resp, body := do(t, http.MethodGet, srv.URL+"/", host, nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "Code: AccessDenied") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("private bucket: %d %s", resp.StatusCode, body)
	}
	// AWS: new buckets block public policies until the block is lifted.
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("site")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(strings.ReplaceAll(publicRead, "%s", "site"))}); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, host, path   string
		status             int
		body, location, ct string
	}{
		{"index at root", host, "/", 200, "home", "", "text/html"},
		{"index in folder", host, "/docs/", 200, "docs home", "", ""},
		{"folder without slash", host, "/docs", 302, "", "/docs/", ""},
		{"object", host, "/index.html", 200, "home", "", ""},
		{"error document", host, "/missing.html", 404, "oops", "", ""},
		{"prefix redirect", host, "/old/page.html", 301, "", "http://" + host + "/new/page.html", ""},
		{"error code redirect", host, "/gone/x.html", 302, "", "https://example.com/moved.html", ""},
		{"dash region form", "site.s3-website-" + cfg.Region + ".localhost", "/", 200, "home", "", ""},
		{"no such bucket", "nosuch.s3-website." + cfg.Region + ".localhost", "/", 404, "Code: NoSuchBucket", "", "text/html"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, http.MethodGet, srv.URL+tc.path, tc.host, nil, nil)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if tc.ct != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ct) {
				t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
			}
		})
	}
	resp, _ = do(t, http.MethodPut, srv.URL+"/x", host, nil, strings.NewReader("x"))
	if resp.StatusCode != 405 {
		t.Errorf("PUT to website: %d", resp.StatusCode)
	}

	// RedirectAllRequestsTo sends everything elsewhere, path kept.
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: &types.WebsiteConfiguration{
		RedirectAllRequestsTo: &types.RedirectAllRequestsTo{HostName: aws.String("www.example.com"), Protocol: types.ProtocolHttps}}})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = do(t, http.MethodGet, srv.URL+"/a/b.html", host, nil, nil)
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "https://www.example.com/a/b.html" {
		t.Errorf("redirect all: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: aws.String("site")}); err != nil {
		t.Fatal(err)
	}
	resp, body = do(t, http.MethodGet, srv.URL+"/", host, nil, nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "NoSuchWebsiteConfiguration") {
		t.Errorf("after delete: %d %s", resp.StatusCode, body)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	fake := clock.NewFake(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(fake)))
	c := client(cfg)
	mkBucket(t, c, "lcb")
	mkBucket(t, c, "lcv")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("lcv"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "lcb", "logs/a", "a")
	put(t, c, "lcb", "keep/b", "b")
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lcb"), Key: aws.String("tmp/c"), Body: strings.NewReader("c"), Tagging: aws.String("class=tmp")})
	if err != nil {
		t.Fatal(err)
	}
	put(t, c, "lcb", "tmp/d", "d") // no tag: stays
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("lcb"), Key: aws.String("big")})
	if err != nil {
		t.Fatal(err)
	}
	put(t, c, "lcv", "v", "1")
	put(t, c, "lcv", "v", "2")

	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lcb"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("bad"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(0)}}}}})
	if code(err) != "InvalidArgument" {
		t.Errorf("Days 0: %v", err)
	}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lcb"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("logs"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}},
			{ID: aws.String("tmp"), Status: types.ExpirationStatusEnabled,
				Filter:     &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("tmp/"), Tags: []types.Tag{{Key: aws.String("class"), Value: aws.String("tmp")}}}},
				Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
			{ID: aws.String("uploads"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lcv"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("old"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
				NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lcb")})
	if err != nil || len(got.Rules) != 3 {
		t.Fatalf("get: %+v %v", got, err)
	}

	keys := func(bucket string) []string {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, o := range out.Contents {
			ks = append(ks, aws.ToString(o.Key))
		}
		return ks
	}
	uploads := func() int {
		out, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("lcb")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Uploads)
	}
	versions := func() int {
		out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("lcv")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Versions)
	}
	// waitFor polls until cond holds, across sweeper wake-ups.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Created 2026-03-01 10:00; a 1-day rule is due 2026-03-03 00:00 UTC.
	time.Sleep(2500 * time.Millisecond) // one sweep on the first day: nothing is due
	if k := keys("lcb"); len(k) != 4 || uploads() != 1 || versions() != 2 {
		t.Fatalf("expired too early: %v, %d uploads, %d versions", k, uploads(), versions())
	}
	fake.Advance(38 * time.Hour) // 2026-03-03 00:00
	waitFor("1-day rules", func() bool {
		return strings.Join(keys("lcb"), ",") == "keep/b,logs/a,tmp/d" && uploads() == 0 && versions() == 1
	})
	fake.Advance(24 * time.Hour) // 2026-03-04 00:00: logs/a (2 days) is due
	waitFor("2-day rule", func() bool { return strings.Join(keys("lcb"), ",") == "keep/b,tmp/d" })
	_ = up

	if _, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String("lcb")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lcb")}); code(err) != "NoSuchLifecycleConfiguration" {
		t.Errorf("after delete: %v", err)
	}
}

// s3Event is the part of an event notification the tests read.
type s3Event struct {
	Records []struct {
		EventVersion string `json:"eventVersion"`
		EventSource  string `json:"eventSource"`
		EventName    string `json:"eventName"`
		AWSRegion    string `json:"awsRegion"`
		S3           struct {
			ConfigurationID string `json:"configurationId"`
			Bucket          struct {
				Name string `json:"name"`
				ARN  string `json:"arn"`
			} `json:"bucket"`
			Object struct {
				Key       string `json:"key"`
				Size      *int64 `json:"size"`
				ETag      string `json:"eTag"`
				Sequencer string `json:"sequencer"`
			} `json:"object"`
		} `json:"s3"`
	}
	Event string
}

func TestNotifications(t *testing.T) {
	ctx := context.Background()
	cfg, _ := testutil.NewServer(t)
	c := client(cfg)
	q := sqs.NewFromConfig(cfg)
	mkBucket(t, c, "events")
	qu, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("s3-events")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: qu.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	qarn := attrs.Attributes["QueueArn"]
	receive := func() []s3Event {
		t.Helper()
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: qu.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		var evs []s3Event
		for _, m := range out.Messages {
			var e s3Event
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
				t.Fatalf("event %s: %v", aws.ToString(m.Body), err)
			}
			evs = append(evs, e)
			_, _ = q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: qu.QueueUrl, ReceiptHandle: m.ReceiptHandle})
		}
		return evs
	}

	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("events"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(strings.Replace(qarn, "s3-events", "nosuch", 1)), Events: []types.Event{"s3:ObjectCreated:*"}}}}})
	if code(err) != "InvalidArgument" {
		t.Errorf("missing queue: %v", err)
	}
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("events"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("uploads"), QueueArn: aws.String(qarn), Events: []types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"},
				Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
					{Name: types.FilterRuleNamePrefix, Value: aws.String("in/")}, {Name: types.FilterRuleNameSuffix, Value: aws.String(".jpg")}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("events")})
	if err != nil || len(got.QueueConfigurations) != 1 || aws.ToString(got.QueueConfigurations[0].Id) != "uploads" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if evs := receive(); len(evs) != 1 || evs[0].Event != "s3:TestEvent" {
		t.Fatalf("test event: %+v", evs)
	}

	put(t, c, "events", "in/my photo.jpg", "jpeg")
	put(t, c, "events", "in/notes.txt", "no")  // suffix does not match
	put(t, c, "events", "out/other.jpg", "no") // prefix does not match
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("events"), Key: aws.String("in/copy.jpg"), CopySource: aws.String("events/in/my photo.jpg")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("events"), Key: aws.String("in/copy.jpg")}); err != nil {
		t.Fatal(err)
	}
	var evs []s3Event
	for deadline := time.Now().Add(5 * time.Second); len(evs) < 3 && time.Now().Before(deadline); {
		evs = append(evs, receive()...)
	}
	if len(evs) != 3 {
		t.Fatalf("got %d events, want 3: %+v", len(evs), evs)
	}
	names := map[string]s3Event{}
	for _, e := range evs {
		names[e.Records[0].EventName] = e
	}
	p, ok := names["ObjectCreated:Put"]
	if !ok {
		t.Fatalf("no Put event: %+v", evs)
	}
	r := p.Records[0]
	if r.EventVersion != "2.1" || r.EventSource != "aws:s3" || r.AWSRegion != cfg.Region || r.S3.ConfigurationID != "uploads" ||
		r.S3.Bucket.Name != "events" || r.S3.Bucket.ARN != "arn:aws:s3:::events" || r.S3.Object.Key != "in/my+photo.jpg" ||
		aws.ToInt64(r.S3.Object.Size) != 4 || len(r.S3.Object.ETag) != 32 || r.S3.Object.Sequencer == "" {
		t.Errorf("put event: %+v", r)
	}
	if _, ok := names["ObjectCreated:Copy"]; !ok {
		t.Errorf("no Copy event: %+v", evs)
	}
	if d, ok := names["ObjectRemoved:Delete"]; !ok || d.Records[0].S3.Object.Size != nil {
		t.Errorf("delete event: %+v", evs)
	}
}

// postForm builds a browser upload form: fields in order, the file last.
func postForm(t *testing.T, fields [][2]string, file string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(fw, file)
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestPostObject(t *testing.T) {
	ctx := context.Background()
	cfg, srv := testutil.NewServer(t)
	c := client(cfg)
	mkBucket(t, c, "uploads")
	policy := func(exp time.Time, conds ...string) string {
		doc := `{"expiration":"` + exp.UTC().Format(time.RFC3339) + `","conditions":[` + strings.Join(conds, ",") + `]}`
		return base64.StdEncoding.EncodeToString([]byte(doc))
	}
	good := policy(time.Now().Add(time.Hour), `{"bucket":"uploads"}`, `["starts-with","$key","user/"]`, `{"success_action_status":"201"}`,
		`["content-length-range",1,10]`, `["starts-with","$Content-Type","image/"]`, `{"x-amz-credential":"test/20260101/ap-northeast-2/s3/aws4_request"}`,
		`{"x-amz-algorithm":"AWS4-HMAC-SHA256"}`, `{"x-amz-date":"20260101T000000Z"}`)
	base := func(key, status, ct, pol string) [][2]string {
		return [][2]string{{"key", key}, {"Content-Type", ct}, {"success_action_status", status},
			{"x-amz-credential", "test/20260101/ap-northeast-2/s3/aws4_request"}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"},
			{"x-amz-date", "20260101T000000Z"}, {"policy", pol}, {"x-amz-signature", "ignored"}}
	}
	cases := []struct {
		name   string
		fields [][2]string
		file   string
		status int
		want   string
	}{
		{"ok with filename", base("user/${filename}", "201", "image/jpeg", good), "jpeg!", 201, "<Key>user/photo.jpg</Key>"},
		{"key outside prefix", base("admin/x", "201", "image/jpeg", good), "jpeg!", 403, "Policy Condition failed"},
		{"wrong type", base("user/x", "201", "text/plain", good), "jpeg!", 403, "Policy Condition failed"},
		{"too large", base("user/x", "201", "image/png", good), "this is far too long", 400, "EntityTooLarge"},
		{"extra field", append(base("user/x", "201", "image/png", good), [2]string{"x-amz-meta-a", "b"}), "jpeg!", 403, "Extra input fields: x-amz-meta-a"},
		{"expired", base("user/x", "201", "image/png", policy(time.Now().Add(-time.Hour), `{"bucket":"uploads"}`)), "jpeg!", 403, "Policy expired"},
		{"anonymous without policy", [][2]string{{"key", "anon"}}, "x", 403, "AccessDenied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := postForm(t, tc.fields, tc.file)
			resp, got := do(t, http.MethodPost, srv.URL+"/uploads", "", map[string]string{"Content-Type": ct}, body)
			if resp.StatusCode != tc.status || !strings.Contains(got, tc.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, got, tc.status, tc.want)
			}
		})
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("user/photo.jpg")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	if string(b) != "jpeg!" || aws.ToString(out.ContentType) != "image/jpeg" {
		t.Errorf("uploaded object: %q %q", b, aws.ToString(out.ContentType))
	}

	// success_action_redirect answers 303 with bucket, key and etag.
	pol := policy(time.Now().Add(time.Hour), `{"bucket":"uploads"}`, `{"key":"r"}`, `["starts-with","$success_action_redirect","https://app.example.com/"]`,
		`{"x-amz-credential":"test/20260101/ap-northeast-2/s3/aws4_request"}`)
	body, ct := postForm(t, [][2]string{{"key", "r"}, {"success_action_redirect", "https://app.example.com/done"},
		{"x-amz-credential", "test/20260101/ap-northeast-2/s3/aws4_request"}, {"policy", pol}, {"x-amz-signature", "x"}}, "r")
	resp, _ := do(t, http.MethodPost, srv.URL+"/uploads", "", map[string]string{"Content-Type": ct}, body)
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "https://app.example.com/done?") || !strings.Contains(loc, "key=r") {
		t.Errorf("redirect: %d %q", resp.StatusCode, loc)
	}
}
