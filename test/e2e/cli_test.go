package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// aws-cli (v1, botocore) against the binary: output parsed by the CLI, and
// AWS's error codes surfacing in its messages.
func TestAWSCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	cases := []struct {
		args string
		ok   bool
		want []string
	}{
		{"iam create-role --role-name app --assume-role-policy-document file://testdata/trust.json", true, []string{`"Arn": "arn:aws:iam::000000000000:role/app"`, `"RoleId": "AROA`}},
		{"iam create-role --role-name app --assume-role-policy-document file://testdata/trust.json", false, []string{"EntityAlreadyExists"}},
		{"iam get-role --role-name nope", false, []string{"NoSuchEntity", "The role with name nope cannot be found."}},
		{"iam list-roles --query Roles[].RoleName", true, []string{`"app"`}},
		{"sts get-caller-identity", true, []string{`"Account": "000000000000"`, `"Arn": "arn:aws:iam::000000000000:root"`}},
		{"sts assume-role --role-arn arn:aws:iam::000000000000:role/app --role-session-name cli", true, []string{`"Arn": "arn:aws:sts::000000000000:assumed-role/app/cli"`, `"AccessKeyId": "ASIA`}},
		{"sts get-access-key-info --access-key-id AKIAIOSFODNN7EXAMPLE", true, []string{`"Account": "000000000000"`}},
		{"sts assume-role --role-arn arn:aws:iam::000000000000:role/app --role-session-name bad!name", false, []string{"ValidationError", "roleSessionName"}},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			cmd := exec.Command("aws", strings.Fields(c.args)...)
			cmd.Env = h.env()
			out, err := cmd.CombinedOutput()
			if (err == nil) != c.ok {
				t.Fatalf("aws %s: err=%v\n%s", c.args, err, out)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("aws %s: output lacks %q:\n%s", c.args, w, out)
				}
			}
		})
	}
}

// boto3 raises the modelled exception classes for haneul's errors.
func TestBoto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/boto3_check.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
