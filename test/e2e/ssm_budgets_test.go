package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haneul/internal/amicatalog"
)

// awsJSON runs aws-cli against h and decodes its JSON output into out.
func awsJSON(t *testing.T, h *haneul, out any, args ...string) error {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--output", "json")...)
	cmd.Env = h.env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return errors.New(strings.TrimSpace(stderr.String()))
	}
	if out != nil && stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stdout.String())
		}
	}
	return nil
}

// aws-cli drives SSM Parameter Store and Budgets: values, versions, the
// public AMI parameters, and AWS's error codes in the CLI's messages.
func TestSSMBudgetsCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	ubuntu, _ := amicatalog.ByParameter("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id")
	cases := []struct {
		args string
		ok   bool
		want []string
	}{
		{"ssm put-parameter --name /cli/db --type SecureString --value hunter2", true, []string{`"Version": 1`, `"Tier": "Standard"`}},
		{"ssm put-parameter --name /cli/db --type SecureString --value hunter3", false, []string{"ParameterAlreadyExists"}},
		{"ssm put-parameter --name /cli/db --type SecureString --value hunter3 --overwrite", true, []string{`"Version": 2`}},
		{"ssm get-parameter --name /cli/db --with-decryption", true, []string{`"Value": "hunter3"`, `"ARN": "arn:aws:ssm:ap-northeast-2:000000000000:parameter/cli/db"`}},
		{"ssm get-parameter --name /cli/db:1 --with-decryption", true, []string{`"Value": "hunter2"`, `"Selector": ":1"`}},
		{"ssm get-parameters-by-path --path /cli", true, []string{`"Name": "/cli/db"`, `"Type": "SecureString"`}},
		{"ssm get-parameter --name /aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id", true, []string{`"Value": "` + ubuntu.ID + `"`}},
		{"ssm get-parameter --name /cli/none", false, []string{"ParameterNotFound"}},
		{"ssm delete-parameter --name /cli/db", true, nil},
		{"budgets create-budget --account-id 000000000000 --budget BudgetName=cli,BudgetType=COST,TimeUnit=MONTHLY,BudgetLimit={Amount=5,Unit=USD}", true, nil},
		{"budgets describe-budget --account-id 000000000000 --budget-name cli", true, []string{`"BudgetName": "cli"`, `"Amount": "5"`, `"ActualSpend"`}},
		{"budgets describe-budget --account-id 000000000000 --budget-name none", false, []string{"NotFoundException"}},
		{"budgets create-budget --account-id 000000000000 --budget BudgetName=cli,BudgetType=COST,TimeUnit=MONTHLY,BudgetLimit={Amount=5,Unit=USD}", false, []string{"DuplicateRecordException"}},
		{"budgets delete-budget --account-id 000000000000 --budget-name cli", true, nil},
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

// TestTerraformSSMBudgets reads the public AMI parameters with
// data "aws_ssm_parameter", creates String and SecureString parameters and a
// budget with an e-mail alert, checks that a second plan is empty, destroys
// everything and checks that nothing is left.
func TestTerraformSSMBudgets(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	need(t, "terraform")
	need(t, "aws")
	h := start(t)

	work := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "ssm_budgets", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, []byte("provider_installation {\n  filesystem_mirror {\n    path = \"/opt/tf-plugins\"\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
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

	if code, out := tf("init", "-input=false"); code != 0 {
		t.Fatalf("terraform init: exit %d\n%s", code, out)
	}
	if code, out := tf("apply", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("terraform apply: exit %d\n%s", code, out)
	}
	if code, out := tf("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("terraform plan after apply: exit %d (2 means changes)\n%s", code, out)
	}

	code, out := tf("output", "-json")
	if code != 0 {
		t.Fatalf("terraform output: exit %d\n%s", code, out)
	}
	var outputs map[string]struct{ Value string }
	if err := json.Unmarshal([]byte(out), &outputs); err != nil {
		t.Fatalf("terraform output: %v\n%s", err, out)
	}
	ecs, _ := amicatalog.ByParameter("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id")
	ubuntu, _ := amicatalog.ByParameter("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id")
	if outputs["ecs_ami"].Value != ecs.ID || outputs["ubuntu_ami"].Value != ubuntu.ID {
		t.Errorf("AMI outputs: %+v, want %s and %s", outputs, ecs.ID, ubuntu.ID)
	}
	if got := outputs["budget_arn"].Value; got != "arn:aws:budgets::000000000000:budget/monthly-billing-alarm" {
		t.Errorf("budget ARN %s", got)
	}

	var secret struct{ Parameter struct{ Value string } }
	if err := awsJSON(t, h, &secret, "ssm", "get-parameter", "--name", "/haneul/app/db-password", "--with-decryption"); err != nil {
		t.Fatal(err)
	}
	if secret.Parameter.Value != "s3cr3t-pa55" {
		t.Errorf("SecureString value %q", secret.Parameter.Value)
	}
	var subs struct {
		Subscribers []struct{ SubscriptionType, Address string }
	}
	if err := awsJSON(t, h, &subs, "budgets", "describe-subscribers-for-notification", "--account-id", "000000000000",
		"--budget-name", "monthly-billing-alarm", "--notification",
		"NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,Threshold=80,ThresholdType=PERCENTAGE"); err != nil {
		t.Fatal(err)
	}
	if len(subs.Subscribers) != 1 || subs.Subscribers[0].Address != "billing@example.com" {
		t.Errorf("subscribers: %+v", subs)
	}

	if code, out := tf("destroy", "-auto-approve", "-input=false"); code != 0 {
		t.Fatalf("terraform destroy: exit %d\n%s", code, out)
	}
	var params struct{ Parameters []struct{ Name string } }
	if err := awsJSON(t, h, &params, "ssm", "describe-parameters"); err != nil {
		t.Fatal(err)
	}
	var budgets struct{ Budgets []struct{ BudgetName string } }
	if err := awsJSON(t, h, &budgets, "budgets", "describe-budgets", "--account-id", "000000000000"); err != nil {
		t.Fatal(err)
	}
	if len(params.Parameters) != 0 || len(budgets.Budgets) != 0 {
		t.Errorf("left after destroy: %+v %+v", params.Parameters, budgets.Budgets)
	}
}
