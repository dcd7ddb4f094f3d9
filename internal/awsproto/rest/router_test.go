package rest

import (
	"net/http"
	"net/url"
	"testing"

	"haneul/internal/awsproto/model"
)

func TestRouterS3(t *testing.T) {
	svc, err := model.NewLoader().Load("s3")
	if err != nil {
		t.Fatal(err)
	}
	r := For(svc)
	if For(svc) != r {
		t.Error("router not cached")
	}
	for _, tc := range []struct {
		method, path, query string
		header              http.Header
		op                  string
		labels              map[string]string
	}{
		{"GET", "/", "", nil, "ListBuckets", map[string]string{}},
		{"PUT", "/b", "", nil, "CreateBucket", map[string]string{"Bucket": "b"}},
		{"GET", "/b", "", nil, "ListObjects", map[string]string{"Bucket": "b"}},
		{"GET", "/b/", "list-type=2", nil, "ListObjectsV2", map[string]string{"Bucket": "b"}},
		{"GET", "/b", "location", nil, "GetBucketLocation", map[string]string{"Bucket": "b"}},
		{"PUT", "/b/a//..%2Fc d", "", nil, "PutObject", map[string]string{"Bucket": "b", "Key": "a//../c d"}},
		{"PUT", "/b/k", "partNumber=1&uploadId=u", nil, "UploadPart", map[string]string{"Bucket": "b", "Key": "k"}},
		{"PUT", "/b/k", "partNumber=1&uploadId=u", http.Header{"X-Amz-Copy-Source": {"x/y"}}, "UploadPartCopy", nil},
		{"PUT", "/b/k", "", http.Header{"X-Amz-Copy-Source": {"x/y"}}, "CopyObject", nil},
		{"POST", "/b/k", "uploads", nil, "CreateMultipartUpload", nil},
		{"POST", "/b/k", "uploadId=u", nil, "CompleteMultipartUpload", nil},
		{"GET", "/b/k", "uploadId=u", nil, "ListParts", nil},
		{"GET", "/b/dir/", "", nil, "GetObject", map[string]string{"Bucket": "b", "Key": "dir/"}},
		{"DELETE", "/b/k", "", nil, "DeleteObject", nil},
		{"HEAD", "/b", "", nil, "HeadBucket", nil},
		{"GET", "/b/k", "tagging", nil, "GetObjectTagging", nil},
		{"POST", "/b", "delete", nil, "DeleteObjects", nil},
	} {
		q, _ := url.ParseQuery(tc.query)
		op, labels, ok := r.Match(tc.method, tc.path, q, tc.header)
		if !ok || op.Name != tc.op {
			name := "<none>"
			if ok {
				name = op.Name
			}
			t.Errorf("%s %s?%s = %s, want %s", tc.method, tc.path, tc.query, name, tc.op)
			continue
		}
		for k, v := range tc.labels {
			if labels[k] != v {
				t.Errorf("%s %s: label %s = %q, want %q", tc.method, tc.path, k, labels[k], v)
			}
		}
	}
	if _, _, ok := r.Match("PATCH", "/b", nil, nil); ok {
		t.Error("PATCH matched")
	}
}
