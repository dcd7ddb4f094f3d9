package sts_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"haneul/test/testutil"
)

func TestGetCallerIdentityAccounts(t *testing.T) {
	cfg, srv := testutil.NewServer(t)
	ctx := context.Background()
	cases := []struct {
		name, key, header, account, arn string
	}{
		{"any key is the default account's root", "test", "", "000000000000", "arn:aws:iam::000000000000:root"},
		{"a 12-digit key is that account", "123456789012", "", "123456789012", "arn:aws:iam::123456789012:root"},
		{"moto's account header", "test", "111122223333", "111122223333", "arn:aws:iam::111122223333:root"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := []func(*sts.Options){}
			if c.header != "" {
				opts = append(opts, func(o *sts.Options) {
					o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue("x-moto-account-id", c.header))
				})
			}
			client := sts.NewFromConfig(testutil.AWSConfig(srv.URL, c.key), opts...)
			out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Account) != c.account || aws.ToString(out.Arn) != c.arn {
				t.Errorf("got %s %s", aws.ToString(out.Account), aws.ToString(out.Arn))
			}
		})
	}
	_ = cfg
}

// trust lets any principal assume a role.
const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`

// createRole makes a role in another account, signing as that account.
func createRole(t *testing.T, url, account, path, name string, maxSession int32) {
	t.Helper()
	_, err := iam.NewFromConfig(testutil.AWSConfig(url, account)).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String(name), Path: aws.String(path), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(maxSession),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAssumeRoleCredentialsActAsTheRole(t *testing.T) {
	cfg, srv := testutil.NewServer(t)
	ctx := context.Background()
	client := sts.NewFromConfig(cfg)
	createRole(t, srv.URL, "210987654321", "/deploy/", "ci", 3600)
	// AWS: a role that does not exist cannot be assumed.
	_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::210987654321:role/missing"), RoleSessionName: aws.String("s1")})
	var denied smithy.APIError
	if !errors.As(err, &denied) || denied.ErrorCode() != "AccessDenied" {
		t.Fatalf("assuming a missing role: %v", err)
	}
	// AWS: a session may not outlast the role's MaxSessionDuration.
	_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::210987654321:role/deploy/ci"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	if !errors.As(err, &denied) || denied.ErrorCode() != "ValidationError" {
		t.Fatalf("a session longer than the role allows: %v", err)
	}
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::210987654321:role/deploy/ci"),
		RoleSessionName: aws.String("build-42"),
		DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") {
		t.Errorf("assumed role id %s does not carry the role's id", aws.ToString(out.AssumedRoleUser.AssumedRoleId))
	}
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.SecretAccessKey)) != 40 || c.Expiration == nil {
		t.Fatalf("credentials %+v", c)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::210987654321:assumed-role/ci/build-42" {
		t.Errorf("assumed role arn %s", got)
	}
	cfg.Credentials = credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Account) != "210987654321" || aws.ToString(who.Arn) != "arn:aws:sts::210987654321:assumed-role/ci/build-42" ||
		!strings.HasSuffix(aws.ToString(who.UserId), ":build-42") {
		t.Errorf("caller %s %s %s", aws.ToString(who.Account), aws.ToString(who.Arn), aws.ToString(who.UserId))
	}
	info, err := client.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: c.AccessKeyId})
	if err != nil || aws.ToString(info.Account) != "210987654321" {
		t.Errorf("GetAccessKeyInfo: %v %v", info, err)
	}
	// Session credentials cannot get a session token.
	_, err = sts.NewFromConfig(cfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("GetSessionToken with session credentials: %v", err)
	}
}

func TestErrors(t *testing.T) {
	cfg, srv := testutil.NewServer(t)
	ctx := context.Background()
	client := sts.NewFromConfig(cfg)
	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"validation: session name pattern", func() error {
			_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/x"), RoleSessionName: aws.String("bad name")})
			return err
		}, "ValidationError"},
		{"validation: duration range", func() error {
			_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/x"), RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(60)})
			return err
		}, "ValidationError"},
		{"bad role arn", func() error {
			_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:s3:::bucket/key"), RoleSessionName: aws.String("s")})
			return err
		}, "ValidationError"},
		{"bad web identity token", func() error {
			_, err := client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/x"), RoleSessionName: aws.String("sess"), WebIdentityToken: aws.String("not-a-jwt-but-long-enough")})
			return err
		}, "InvalidIdentityToken"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var ae smithy.APIError
			if err := c.call(); !errors.As(err, &ae) || ae.ErrorCode() != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}

	raw := []struct {
		name, body, auth string
		status           int
		code             string
	}{
		{"unknown action", "Action=Nope&Version=2011-06-15", "", 400, "<Code>InvalidAction</Code>"},
		{"garbled auth", "Action=GetCallerIdentity&Version=2011-06-15", "AWS4-HMAC-SHA256 garbage", 403, "<Code>IncompleteSignature</Code>"},
		{"unsigned", "Action=GetCallerIdentity&Version=2011-06-15", "", 200, "<Arn>arn:aws:iam::000000000000:root</Arn>"},
		{"model operation not implemented", "Action=DecodeAuthorizationMessage&Version=2011-06-15&EncodedMessage=x", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x", 501, "<Code>NotImplemented</Code>"},
	}
	for _, c := range raw {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			buf := new(strings.Builder)
			_, _ = io.Copy(buf, resp.Body)
			if resp.StatusCode != c.status || !strings.Contains(buf.String(), c.code) {
				t.Errorf("status %d body %s; want %d with %s", resp.StatusCode, buf, c.status, c.code)
			}
		})
	}
}
