package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// terraform runs the Terraform CLI on one configuration against a haneul,
// with the AWS provider from the local mirror in /opt/tf-plugins.
type terraform struct {
	t    testing.TB
	dir  string
	env  []string
	stop time.Duration
}

// newTerraform copies testdata/<config>/*.tf into a work directory and
// prepares the environment: TF_CLI_CONFIG_FILE pointing at the mirror, the
// haneul endpoint in TF_VAR_endpoint, and test credentials.
func newTerraform(t testing.TB, h *haneul, config string) *terraform {
	t.Helper()
	need(t, "terraform")
	work := t.TempDir()
	files, err := filepath.Glob(filepath.Join("testdata", config, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Terraform files in testdata/%s: %v", config, err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(work, "terraformrc")
	mirror := "provider_installation {\n  filesystem_mirror {\n    path = \"/opt/tf-plugins\"\n  }\n}\n"
	if err := os.WriteFile(rc, []byte(mirror), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(h.env(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_VAR_endpoint="+h.URL)
	return &terraform{t: t, dir: work, env: env, stop: 10 * time.Minute}
}

// run runs one terraform command and returns its exit code and output.
func (tf *terraform) run(args ...string) (int, string) {
	tf.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), tf.stop)
	defer cancel()
	cmd := exec.CommandContext(ctx, "terraform", append(args, "-no-color")...)
	cmd.Dir, cmd.Env = tf.dir, tf.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String()
	}
	if err != nil {
		tf.t.Fatalf("terraform %v: %v\n%s", args, err, out.String())
	}
	return 0, out.String()
}

// must runs a command that has to succeed (exit 0).
func (tf *terraform) must(args ...string) string {
	tf.t.Helper()
	code, out := tf.run(args...)
	if code != 0 {
		tf.t.Fatalf("terraform %v: exit %d\n%s", args, code, out)
	}
	return out
}

// applyReplan initialises, applies, and checks that a second plan has
// nothing to change: every attribute haneul returned reads back as written.
func (tf *terraform) applyReplan() {
	tf.t.Helper()
	tf.must("init", "-input=false")
	tf.must("apply", "-auto-approve", "-input=false")
	if code, out := tf.run("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		tf.t.Fatalf("terraform plan after apply: exit %d (2 means changes)\n%s", code, out)
	}
}

// destroy destroys everything the configuration made.
func (tf *terraform) destroy() {
	tf.t.Helper()
	tf.must("destroy", "-auto-approve", "-input=false")
}
