package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"haneul/internal/config"
)

// Client mistakes get a 4xx AWS error in the protocol's own shape: never a
// panic, a hang, a 5xx or an HTML page.
func TestBadInput(t *testing.T) {
	srv, err := New(config.Default(), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := srv.Handler()
	const form = "application/x-www-form-urlencoded"
	sts := "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"
	cases := []struct {
		name, method, path, ctype, target, auth, body string
		status                                        int
		want                                          []string // substrings of the body
	}{
		{name: "malformed query string", method: "POST", ctype: form, auth: sts, body: "Action=GetCallerIdentity&Version=2011-06-15&%zz",
			status: 400, want: []string{"<ErrorResponse", "<Code>MalformedQueryString</Code>"}},
		{name: "missing action", method: "POST", ctype: form, auth: sts, body: "Version=2011-06-15",
			status: 400, want: []string{"<Code>MissingAction</Code>"}},
		{name: "unknown action", method: "POST", ctype: form, auth: sts, body: "Action=Explode&Version=2011-06-15",
			status: 400, want: []string{"<Code>InvalidAction</Code>", "<RequestId>"}},
		{name: "missing required parameter", method: "POST", ctype: form, auth: sts, body: "Action=AssumeRole&Version=2011-06-15",
			status: 400, want: []string{"<Code>ValidationError</Code>", "Value null at &#39;roleArn&#39;"}},
		{name: "wrongly typed parameter", method: "POST", ctype: form, auth: sts, body: "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/abc&RoleSessionName=abc&DurationSeconds=lots",
			status: 400, want: []string{"<Code>InvalidParameterValue</Code>"}},
		{name: "garbled signature", method: "POST", ctype: form, auth: "AWS4-HMAC-SHA256 nonsense", body: "Action=GetCallerIdentity&Version=2011-06-15",
			status: 403, want: []string{"<Code>IncompleteSignature</Code>"}},
		{name: "malformed json", method: "POST", target: "AmazonSQS.ListQueues", ctype: "application/x-amz-json-1.0", body: `{"QueueNamePrefix": `,
			status: 400, want: []string{`"__type"`, "SerializationException"}},
		{name: "json of the wrong type", method: "POST", target: "AmazonSQS.ListQueues", ctype: "application/x-amz-json-1.0", body: `{"MaxResults": "ten"}`,
			status: 400, want: []string{"SerializationException"}},
		{name: "unknown json target", method: "POST", target: "NoSuchService_2020.Op", ctype: "application/x-amz-json-1.0", body: `{}`,
			status: 400, want: []string{`"__type"`, "UnknownOperationException"}},
		{name: "unknown json operation", method: "POST", target: "AmazonSQS.Explode", ctype: "application/x-amz-json-1.0", body: `{}`,
			status: 400, want: []string{"UnknownOperationException"}},
		{name: "body over the limit", method: "POST", target: "AmazonSQS.ListQueues", ctype: "application/x-amz-json-1.0", body: strings.Repeat(" ", maxBodyForTest+1),
			status: 413, want: []string{"RequestEntityTooLarge"}},
		{name: "malformed xml", method: "POST", path: "/2013-04-01/hostedzone", ctype: "text/xml", auth: "AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=x", body: "<CreateHostedZoneRequest><Name>",
			status: 400, want: []string{"<ErrorResponse", "<Code>"}},
		{name: "unknown admin endpoint", method: "GET", path: "/_haneul/nope", status: 404, want: []string{`"status": "error"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "/"
			}
			r := httptest.NewRequest(c.method, "http://127.0.0.1:4566"+path, strings.NewReader(c.body))
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			if c.target != "" {
				r.Header.Set("X-Amz-Target", c.target)
			}
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			body := w.Body.String()
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, body)
			}
			if ct := w.Header().Get("Content-Type"); strings.Contains(ct, "html") {
				t.Errorf("content type %s", ct)
			}
			for _, s := range c.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q: %s", s, body)
				}
			}
		})
	}
}

// maxBodyForTest mirrors the gateway's limit on bodies read whole.
const maxBodyForTest = 20 << 20

var _ http.Handler = (*Server)(nil).Handler()
