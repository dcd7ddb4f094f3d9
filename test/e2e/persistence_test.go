package e2e

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"haneul/test/testutil"
)

// An acknowledged write survives kill -9: credentials STS issued before the
// kill still act as their role after a restart on the same data directory.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("e2e: skipped in -short mode")
	}
	dir := t.TempDir()
	h := start(t, "--data-dir", dir)
	ctx := context.Background()
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
