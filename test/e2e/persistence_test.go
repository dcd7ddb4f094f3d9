package e2e

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"haneul/test/testutil"
)

// An acknowledged write survives kill -9: an IAM role and the credentials STS
// issued for it before the kill are there after a restart on the same data
// directory, and the credentials still act as the role.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped in -short mode")
	}
	dir := t.TempDir()
	h := start(t, "--data-dir", dir)
	ctx := context.Background()
	// The role lives in account 123456789012 (a 12-digit key acts as that account).
	iamClient := iam.NewFromConfig(testutil.AWSConfig(h.URL, "123456789012"))
	if _, err := iamClient.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String("r"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	client := sts.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	type issued struct{ key, secret, token, arn string }
	var all []issued
	for i := range 50 {
		out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn:         aws.String("arn:aws:iam::123456789012:role/r"),
			RoleSessionName: aws.String("s" + string(rune('a'+i%26)) + "x"),
		})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials
		all = append(all, issued{*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken, *out.AssumedRoleUser.Arn})
	}
	h.kill()

	h2 := startAt(t, h.Addr, "--data-dir", dir)
	if _, err := iam.NewFromConfig(testutil.AWSConfig(h2.URL, "123456789012")).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")}); err != nil {
		t.Fatalf("the role is gone after kill -9: %v", err)
	}
	for _, c := range all {
		cfg := testutil.AWSConfig(h2.URL, c.key)
		cfg.Credentials = credentials.NewStaticCredentialsProvider(c.key, c.secret, c.token)
		who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(who.Arn) != c.arn {
			t.Fatalf("after kill -9, %s acts as %s, want %s", c.key, aws.ToString(who.Arn), c.arn)
		}
	}
	if err := h2.stop(); err != nil {
		t.Errorf("clean stop: %v", err)
	}
}
