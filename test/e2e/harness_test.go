// Package e2e drives the built haneul binary from the outside, as users do:
// aws-cli, boto3, Terraform, and kill -9.
package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// binary is the haneul built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "haneul-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "haneul")
	build := exec.Command("go", "build", "-o", binary, "haneul/cmd/haneul")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build haneul:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// haneul is a running haneul process.
type haneul struct {
	URL  string
	Addr string
	cmd  *exec.Cmd
	log  *strings.Builder
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs haneul with args (plus --listen on a free port) and waits until it answers.
func start(t testing.TB, args ...string) *haneul {
	t.Helper()
	return startAt(t, freeAddr(t), args...)
}

func startAt(t testing.TB, addr string, args ...string) *haneul {
	t.Helper()
	h := &haneul{Addr: addr, URL: "http://" + addr, log: &strings.Builder{}}
	if !slices.Contains(args, "--dns-listen") {
		// Tests that need haneul's DNS server pick a free port for it; the
		// others leave the default port to whoever uses it.
		args = append(args, "--dns-listen", "off")
	}
	h.cmd = exec.Command(binary, append([]string{"serve", "--listen", addr, "--log-level", "warn"}, args...)...)
	h.cmd.Stdout, h.cmd.Stderr = h.log, h.log
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("haneul log:\n%s", h.log)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(h.URL + "/_haneul/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return h
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("haneul did not answer on %s: %v\n%s", addr, err, h.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL: no shutdown, no flush.
func (h *haneul) kill() {
	if h.cmd.ProcessState == nil {
		_ = h.cmd.Process.Kill()
		_ = h.cmd.Wait()
	}
}

// stop ends the process with SIGTERM and waits for a clean exit.
func (h *haneul) stop() error {
	if h.cmd.ProcessState != nil {
		return nil
	}
	_ = h.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- h.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		h.kill()
		return fmt.Errorf("haneul did not stop on SIGINT")
	}
}

// env is the environment aws-cli, boto3 and Terraform need to reach h.
func (h *haneul) env() []string {
	return append(os.Environ(),
		"AWS_ENDPOINT_URL="+h.URL,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=ap-northeast-2",
		"AWS_REGION=ap-northeast-2",
		"AWS_PAGER=",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	)
}

// need skips the test when a tool is missing.
func need(t testing.TB, tool string) {
	t.Helper()
	if testing.Short() {
		t.Skip("e2e: skipped in -short mode")
	}
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("e2e: %s is not installed", tool)
	}
}
