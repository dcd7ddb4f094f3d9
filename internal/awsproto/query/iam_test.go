package query_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/query"
)

func TestIAM(t *testing.T) {
	svc := load(t, "iam")
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	used := time.Date(2024, 6, 7, 8, 9, 10, 123e6, time.UTC)
	role := func(name string) map[string]any {
		return map[string]any{"RoleName": name, "RoleId": "AROA" + name, "Path": "/", "Arn": "arn:aws:iam::000000000000:role/" + name, "CreateDate": created}
	}
	tests := []struct {
		name  string
		ex    exchange
		call  func(*iam.Client) (any, error)
		check func(t *testing.T, out any, err error)
	}{{
		name: "CreateRole with tags",
		ex: exchange{
			op: "CreateRole",
			in: map[string]any{"RoleName": "r1", "AssumeRolePolicyDocument": `{"Version":"2012-10-17"}`, "MaxSessionDuration": int64(7200),
				"Tags": []any{map[string]any{"Key": "env", "Value": "dev"}, map[string]any{"Key": "empty", "Value": ""}}},
			out: map[string]any{"Role": func() map[string]any {
				r := role("r1")
				r["Tags"] = []any{map[string]any{"Key": "env", "Value": "dev <&>"}}
				return r
			}()},
		},
		call: func(c *iam.Client) (any, error) {
			return c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17"}`),
				MaxSessionDuration: aws.Int32(7200), Tags: []iamtypes.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("empty"), Value: aws.String("")}}})
		},
		check: func(t *testing.T, out any, err error) {
			o := out.(*iam.CreateRoleOutput)
			if err != nil || aws.ToString(o.Role.Arn) != "arn:aws:iam::000000000000:role/r1" || !o.Role.CreateDate.Equal(created) ||
				len(o.Role.Tags) != 1 || aws.ToString(o.Role.Tags[0].Value) != "dev <&>" {
				t.Fatalf("%+v %+v %+v %v", o.Role, o.Role.RoleLastUsed, o.Role.PermissionsBoundary, err)
			}
		},
	}, {
		name: "ListRoles pagination",
		ex: exchange{
			op:  "ListRoles",
			in:  map[string]any{"PathPrefix": "/app/", "Marker": "m1", "MaxItems": int64(2)},
			out: map[string]any{"Roles": []any{role("a"), role("b")}, "IsTruncated": true, "Marker": "m2"},
		},
		call: func(c *iam.Client) (any, error) {
			return c.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/app/"), Marker: aws.String("m1"), MaxItems: aws.Int32(2)})
		},
		check: func(t *testing.T, out any, err error) {
			o := out.(*iam.ListRolesOutput)
			if err != nil || len(o.Roles) != 2 || aws.ToString(o.Roles[1].RoleName) != "b" || !o.IsTruncated || aws.ToString(o.Marker) != "m2" {
				t.Fatalf("%+v %v", o, err)
			}
		},
	}, {
		name: "GetRole nested",
		ex: exchange{
			op: "GetRole",
			in: map[string]any{"RoleName": "r1"},
			out: map[string]any{"Role": func() map[string]any {
				r := role("r1")
				r["RoleLastUsed"] = map[string]any{"LastUsedDate": used, "Region": "eu-west-1"}
				r["PermissionsBoundary"] = map[string]any{"PermissionsBoundaryArn": "arn:aws:iam::aws:policy/X", "PermissionsBoundaryType": "PermissionsBoundaryPolicy"}
				r["MaxSessionDuration"] = int64(3600)
				return r
			}()},
		},
		call: func(c *iam.Client) (any, error) { return c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r1")}) },
		check: func(t *testing.T, out any, err error) {
			o := out.(*iam.GetRoleOutput)
			if err != nil || !o.Role.RoleLastUsed.LastUsedDate.Equal(used) || aws.ToString(o.Role.RoleLastUsed.Region) != "eu-west-1" ||
				o.Role.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy || aws.ToInt32(o.Role.MaxSessionDuration) != 3600 {
				t.Fatalf("%+v %+v %+v %v", o.Role, o.Role.RoleLastUsed, o.Role.PermissionsBoundary, err)
			}
		},
	}, {
		name: "NoSuchEntity by code",
		ex:   exchange{op: "GetRole", in: map[string]any{"RoleName": "nope"}, err: awserr.New("NoSuchEntity", 0, "The role with name nope cannot be found.")},
		call: func(c *iam.Client) (any, error) {
			return c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
		},
		check: func(t *testing.T, _ any, err error) {
			var nse *iamtypes.NoSuchEntityException
			if !errors.As(err, &nse) || nse.ErrorMessage() != "The role with name nope cannot be found." {
				t.Fatalf("%T %v", err, err)
			}
		},
	}, {
		name: "NoSuchEntity by shape name",
		ex:   exchange{op: "GetRole", in: map[string]any{"RoleName": "nope"}, err: awserr.New("NoSuchEntityException", 0, "gone")},
		call: func(c *iam.Client) (any, error) {
			return c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
		},
		check: func(t *testing.T, _ any, err error) {
			var nse *iamtypes.NoSuchEntityException
			if !errors.As(err, &nse) {
				t.Fatalf("%T %v", err, err)
			}
		},
	}, {
		name: "code outside the model",
		ex:   exchange{op: "GetRole", in: map[string]any{"RoleName": "x"}, err: &awserr.Error{Code: "Throttling", Message: "slow down", Status: 400}},
		call: func(c *iam.Client) (any, error) { return c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("x")}) },
		check: func(t *testing.T, _ any, err error) {
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "Throttling" || ae.ErrorMessage() != "slow down" {
				t.Fatalf("%T %v", err, err)
			}
		},
	}, {
		name: "operation without output",
		ex:   exchange{op: "DeleteRole", in: map[string]any{"RoleName": "r1"}},
		call: func(c *iam.Client) (any, error) {
			return c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("r1")})
		},
		check: func(t *testing.T, _ any, err error) {
			if err != nil {
				t.Fatal(err)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, svc, query.New(), &tt.ex)
			out, err := tt.call(iam.NewFromConfig(sdkConfig(srv)))
			tt.check(t, out, err)
		})
	}
}
