package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"haneul/test/testutil"
)

// TestTerraformS3Site applies a static website bucket (website with an
// error document and a routing rule, CORS, public-read policy) and an
// uploads bucket (versioning, lifecycle rules, notifications to an SQS
// queue with a queue policy), re-plans (no changes), reads the site
// through its website endpoint, checks that an upload reaches the queue,
// and destroys.
func TestTerraformS3Site(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	h := start(t)
	tf := newTerraform(t, h, "s3_site")
	tf.applyReplan()

	port := h.URL[strings.LastIndex(h.URL, ":")+1:]
	get := func(host, path string) (int, string, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, h.URL+path, nil)
		req.Host = host
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	site := "task-manager-site.s3-website.ap-northeast-2.localhost:" + port
	if code, body, _ := get(site, "/"); code != 200 || body != "<h1>task manager</h1>" {
		t.Errorf("website index: %d %q", code, body)
	}
	if code, body, _ := get("task-manager-site.s3-website-ap-northeast-2.localhost", "/nope"); code != 404 || body != "<h1>not here</h1>" {
		t.Errorf("website error document: %d %q", code, body)
	}
	if code, _, hdr := get(site, "/docs/a.html"); code != 301 || hdr.Get("Location") != "http://"+site+"/documents/a.html" {
		t.Errorf("website routing rule: %d %q", code, hdr.Get("Location"))
	}

	// An upload under attachments/ reaches the queue (after the test event).
	ctx := context.Background()
	cfg := testutil.AWSConfig(h.URL, "test")
	if _, err := s3Client(h.URL).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("task-manager-uploads"),
		Key: aws.String("attachments/spec.pdf"), Body: strings.NewReader("%PDF")}); err != nil {
		t.Fatal(err)
	}
	q := sqs.NewFromConfig(cfg)
	u, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("task-manager-uploads")})
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for range 3 {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: u.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out.Messages {
			var e struct {
				Event   string
				Records []struct {
					EventName string `json:"eventName"`
					S3        struct {
						Object struct{ Key string } `json:"object"`
					} `json:"s3"`
				}
			}
			_ = json.Unmarshal([]byte(aws.ToString(m.Body)), &e)
			if e.Event != "" {
				events = append(events, e.Event)
			}
			for _, r := range e.Records {
				events = append(events, r.EventName+" "+r.S3.Object.Key)
			}
		}
	}
	if got := strings.Join(events, "; "); !strings.Contains(got, "s3:TestEvent") || !strings.Contains(got, "ObjectCreated:Put attachments/spec.pdf") {
		t.Errorf("queue events: %s", got)
	}
	// Versioned: the delete marker and versions must go for destroy to empty the bucket.
	c := s3Client(h.URL)
	vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("task-manager-uploads")})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs.Versions {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("task-manager-uploads"), Key: v.Key, VersionId: v.VersionId}); err != nil {
			t.Fatal(err)
		}
	}

	tf.destroy()
	left, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(left.Buckets) != 0 {
		t.Errorf("buckets left after destroy: %+v %v", left, err)
	}
}
