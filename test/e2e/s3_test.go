package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"haneul/test/testutil"
)

func s3Client(url string) *s3.Client {
	return s3.NewFromConfig(testutil.AWSConfig(url, "test"), func(o *s3.Options) { o.UsePathStyle = true })
}

// awsCLI runs aws-cli against h and returns its combined output.
func awsCLI(t *testing.T, h *haneul, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", args...)
	cmd.Env, cmd.Dir = h.env(), dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestS3CLI drives S3 with aws-cli's high-level commands (mb, cp, ls, sync,
// presign) and s3api, and reads objects anonymously as curl would.
func TestS3CLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "site")
	os.MkdirAll(filepath.Join(src, "img"), 0o755)
	os.WriteFile(filepath.Join(src, "index.html"), []byte("<h1>hi</h1>"), 0o644)
	os.WriteFile(filepath.Join(src, "img", "a.png"), []byte("png"), 0o644)

	awsCLI(t, h, dir, "s3", "mb", "s3://cli-site")
	awsCLI(t, h, dir, "s3", "sync", "site", "s3://cli-site/")
	if out := awsCLI(t, h, dir, "s3", "ls", "s3://cli-site/", "--recursive"); !strings.Contains(out, "img/a.png") || !strings.Contains(out, "index.html") {
		t.Errorf("ls after sync:\n%s", out)
	}
	if out := awsCLI(t, h, dir, "s3", "ls", "s3://cli-site/"); !strings.Contains(out, "PRE img/") {
		t.Errorf("ls with prefixes:\n%s", out)
	}
	if out := awsCLI(t, h, dir, "s3", "sync", "site", "s3://cli-site/"); strings.Contains(out, "upload:") {
		t.Errorf("second sync uploaded again:\n%s", out)
	}
	awsCLI(t, h, dir, "s3", "cp", "s3://cli-site/index.html", "back.html")
	if b, _ := os.ReadFile(filepath.Join(dir, "back.html")); string(b) != "<h1>hi</h1>" {
		t.Errorf("cp back: %q", b)
	}
	if out := awsCLI(t, h, dir, "s3api", "get-bucket-location", "--bucket", "cli-site"); !strings.Contains(out, `"LocationConstraint": "ap-northeast-2"`) {
		t.Errorf("location:\n%s", out)
	}
	if out := awsCLI(t, h, dir, "s3api", "head-object", "--bucket", "cli-site", "--key", "index.html"); !strings.Contains(out, `"ContentLength": 11`) {
		t.Errorf("head-object:\n%s", out)
	}
	url := strings.TrimSpace(awsCLI(t, h, dir, "s3", "presign", "s3://cli-site/index.html", "--expires-in", "300"))
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "<h1>hi</h1>" {
		t.Errorf("presigned GET: %d %q", resp.StatusCode, body)
	}
	// Anonymous reads: private is 403, public-read (after opening the bucket) is 200.
	if resp, _ := http.Get(h.URL + "/cli-site/index.html"); resp.StatusCode != 403 {
		t.Errorf("anonymous private GET: %d", resp.StatusCode)
	}
	awsCLI(t, h, dir, "s3api", "delete-public-access-block", "--bucket", "cli-site")
	awsCLI(t, h, dir, "s3api", "put-bucket-ownership-controls", "--bucket", "cli-site", "--ownership-controls", "Rules=[{ObjectOwnership=ObjectWriter}]")
	awsCLI(t, h, dir, "s3", "cp", "site/index.html", "s3://cli-site/public.html", "--acl", "public-read")
	if resp, _ := http.Get(h.URL + "/cli-site/public.html"); resp.StatusCode != 200 {
		t.Errorf("anonymous public GET: %d", resp.StatusCode)
	}
	awsCLI(t, h, dir, "s3", "rb", "s3://cli-site", "--force")
	if out := awsCLI(t, h, dir, "s3", "ls"); strings.Contains(out, "cli-site") {
		t.Errorf("bucket left after rb --force:\n%s", out)
	}
}

// TestS3Boto3 runs the boto3 checks in testdata/s3/boto3_s3.py.
func TestS3Boto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/s3/boto3_s3.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestS3KillDurability: an acknowledged PUT survives kill -9.
func TestS3KillDurability(t *testing.T) {
	need(t, "true")
	dataDir := t.TempDir()
	h := start(t, "--data-dir", dataDir)
	ctx := context.Background()
	c := s3Client(h.URL)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("durable"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintApNortheast2}}); err != nil {
		t.Fatal(err)
	}
	payload := make([]byte, 3<<20)
	rand.Read(payload)
	for i := 0; i < 20; i++ {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("durable"), Key: aws.String("k/" + strconv.Itoa(i)), Body: bytes.NewReader(payload[:i*1000])}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("durable"), Key: aws.String("big"), Body: bytes.NewReader(payload)}); err != nil {
		t.Fatal(err)
	}
	h.kill()
	h2 := startAt(t, h.Addr, "--data-dir", dataDir)
	c = s3Client(h2.URL)
	o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("durable"), Key: aws.String("big")})
	if err != nil {
		t.Fatalf("after kill -9: %v", err)
	}
	got, _ := io.ReadAll(o.Body)
	if !bytes.Equal(got, payload) {
		t.Errorf("after kill -9: %d bytes, want %d", len(got), len(payload))
	}
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("durable"), Prefix: aws.String("k/")})
	if err != nil || aws.ToInt32(l.KeyCount) != 20 {
		t.Errorf("listing after kill -9: %v %v", l, err)
	}
}

// TestS3LargeObject uploads and downloads 200 MiB with aws-cli (multipart,
// 8 MiB parts) and checks that the server's peak RSS stays bounded.
func TestS3LargeObject(t *testing.T) {
	need(t, "aws")
	h := start(t, "--data-dir", t.TempDir())
	dir := t.TempDir()
	const size = 200 << 20
	f, err := os.Create(filepath.Join(dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	awsCLI(t, h, dir, "s3", "mb", "s3://large")
	awsCLI(t, h, dir, "s3", "cp", "big.bin", "s3://large/big.bin")
	awsCLI(t, h, dir, "s3", "cp", "s3://large/big.bin", "back.bin")
	if out := awsCLI(t, h, dir, "s3api", "head-object", "--bucket", "large", "--key", "big.bin"); !strings.Contains(out, `-25\"`) {
		t.Errorf("multipart ETag missing:\n%s", out)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "big.bin"))
	b, _ := os.ReadFile(filepath.Join(dir, "back.bin"))
	if !bytes.Equal(a, b) {
		t.Fatalf("downloaded %d bytes differ from the %d uploaded", len(b), len(a))
	}
	hwm := peakRSS(t, h.cmd.Process.Pid)
	t.Logf("server peak RSS after 200 MiB up and down: %d MiB", hwm>>20)
	if hwm > 100<<20 {
		t.Errorf("server peak RSS %d MiB, want under 100 MiB", hwm>>20)
	}
}

// peakRSS reads VmHWM of a process from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestTerraformS3 applies the chat-app's two buckets with the split
// aws_s3_bucket_* resources, re-plans (no changes), checks the public and
// private objects anonymously, and destroys.
func TestTerraformS3(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	h := start(t)
	work := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "s3", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(work, "main.tf"), src, 0o644)
	rc := filepath.Join(work, "terraformrc")
	os.WriteFile(rc, []byte("provider_installation {\n  filesystem_mirror {\n    path = \"/opt/tf-plugins\"\n  }\n}\n"), 0o644)
	env := append(h.env(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_VAR_endpoint="+h.URL)
	tf := func(args ...string) (int, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "terraform", append(args, "-no-color")...)
		cmd.Dir, cmd.Env = work, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out.String())
		}
		return 0, out.String()
	}
	if rc, out := tf("init", "-input=false"); rc != 0 {
		t.Fatalf("init:\n%s", out)
	}
	if rc, out := tf("apply", "-auto-approve", "-input=false"); rc != 0 {
		t.Fatalf("apply:\n%s", out)
	}
	if rc, out := tf("plan", "-detailed-exitcode", "-input=false"); rc != 0 {
		t.Errorf("plan after apply (exit %d, want 0):\n%s", rc, out)
	}
	for path, want := range map[string]int{"/tf-pub-images/cat.png": 200, "/tf-environment/.env": 403} {
		resp, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("anonymous GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	if rc, out := tf("destroy", "-auto-approve", "-input=false"); rc != 0 {
		t.Fatalf("destroy:\n%s", out)
	}
	out, err := s3Client(h.URL).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 0 {
		t.Errorf("buckets left after destroy: %v %v", out, err)
	}
}
