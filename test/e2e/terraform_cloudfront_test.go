package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestTerraformCloudFront applies the task manager's front end (seed 004):
// a private bucket, an origin access control, a bucket policy for the
// distribution, a distribution with a root object, an ordered behaviour and
// SPA error pages, and a Route 53 alias to it; re-plans clean; fetches
// pages through the distribution's domain on haneul's listener and the
// alias through haneul's DNS; and destroys it all.
func TestTerraformCloudFront(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider (CloudFront's waiter polls every 30 s)
	need(t, "terraform")
	dnsAddr := freeAddr(t)
	h := start(t, "--dns-listen", dnsAddr)
	tf := newTerraform(t, h, "cloudfront")
	tf.applyReplan()

	var outputs struct {
		DomainName struct{ Value string } `json:"domain_name"`
	}
	out := tf.must("output", "-json")
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		t.Fatalf("outputs: %v\n%s", err, out)
	}
	domain := outputs.DomainName.Value
	if !strings.HasSuffix(domain, ".cloudfront.localhost") {
		t.Fatalf("domain %q", domain)
	}
	get := func(path string, https bool) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, h.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = domain + ":" + h.URL[strings.LastIndex(h.URL, ":")+1:]
		if https {
			req.Header.Set("X-Forwarded-Proto", "https") // as a TLS proxy in front of haneul says
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	const page = "<html><body><h1>Task Manager</h1></body></html>"
	// The default behaviour redirects HTTP to HTTPS.
	if status, hdr, _ := get("/", false); status != http.StatusMovedPermanently || !strings.HasPrefix(hdr.Get("Location"), "https://"+domain) {
		t.Errorf("GET / over HTTP: %d %v", status, hdr)
	}
	status, hdr, body := get("/", true)
	if status != 200 || body != page || hdr.Get("X-Cache") != "Miss from cloudfront" {
		t.Errorf("GET /: %d %q %s", status, body, hdr.Get("X-Cache"))
	}
	if _, hdr, _ := get("/", true); hdr.Get("X-Cache") != "Hit from cloudfront" {
		t.Errorf("GET / again: X-Cache %q", hdr.Get("X-Cache"))
	}
	// The SPA's routes come back as index.html.
	if status, _, body := get("/tasks/7", true); status != 200 || body != page {
		t.Errorf("GET /tasks/7: %d %q", status, body)
	}
	// The ordered behaviour serves /static/* over plain HTTP.
	if status, _, body := get("/static/app.js", false); status != 200 || body != "console.log('tasks')" {
		t.Errorf("GET /static/app.js: %d %q", status, body)
	}
	// tasks.example.com is an alias to the distribution, answered by haneul's DNS.
	if got := lookup(t, dnsAddr, "tasks.example.com."); !slices.Equal(got, []string{"127.0.0.1"}) {
		t.Errorf("tasks.example.com resolves to %v", got)
	}

	tf.destroy()
	// The domain is no longer the edge's (the request falls through to the API).
	if _, hdr, body := get("/", true); body == page || hdr.Get("X-Cache") != "" {
		t.Errorf("the domain still serves after destroy: %q %v", body, hdr)
	}
}
