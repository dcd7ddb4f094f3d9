package query_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"haneul/internal/awsproto/query"
)

func TestSTS(t *testing.T) {
	svc := load(t, "sts")
	t.Run("GetCallerIdentity", func(t *testing.T) {
		srv := serve(t, svc, query.New(), &exchange{op: "GetCallerIdentity", in: map[string]any{},
			out: map[string]any{"Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root", "UserId": "000000000000"}})
		out, err := sts.NewFromConfig(sdkConfig(srv)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(out.Account) != "000000000000" || aws.ToString(out.Arn) != "arn:aws:iam::000000000000:root" {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("AssumeRole", func(t *testing.T) {
		exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		srv := serve(t, svc, query.New(), &exchange{op: "AssumeRole",
			in: map[string]any{"RoleArn": "arn:aws:iam::000000000000:role/r", "RoleSessionName": "s", "DurationSeconds": int64(900),
				"PolicyArns":        []any{map[string]any{"arn": "arn:aws:iam::aws:policy/A"}, map[string]any{"arn": "arn:aws:iam::aws:policy/B"}},
				"Tags":              []any{map[string]any{"Key": "k", "Value": "v"}},
				"TransitiveTagKeys": []any{"k"}},
			out: map[string]any{
				"Credentials":      map[string]any{"AccessKeyId": "ASIA1", "SecretAccessKey": "sk", "SessionToken": "tok", "Expiration": exp},
				"AssumedRoleUser":  map[string]any{"AssumedRoleId": "AROA1:s", "Arn": "arn:aws:sts::000000000000:assumed-role/r/s"},
				"PackedPolicySize": int64(6),
			}})
		out, err := sts.NewFromConfig(sdkConfig(srv)).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::000000000000:role/r"), RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(900),
			PolicyArns:        []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/A")}, {Arn: aws.String("arn:aws:iam::aws:policy/B")}},
			Tags:              []ststypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
			TransitiveTagKeys: []string{"k"},
		})
		if err != nil || aws.ToString(out.Credentials.SessionToken) != "tok" || !out.Credentials.Expiration.Equal(exp) ||
			aws.ToString(out.AssumedRoleUser.AssumedRoleId) != "AROA1:s" || aws.ToInt32(out.PackedPolicySize) != 6 {
			t.Fatalf("%+v %v", out, err)
		}
	})
}

func TestSNS(t *testing.T) {
	svc := load(t, "sns")
	t.Run("CreateTopic map and tags", func(t *testing.T) {
		srv := serve(t, svc, query.New(), &exchange{op: "CreateTopic",
			in: map[string]any{"Name": "t", "Attributes": map[string]any{"DisplayName": "T", "FifoTopic": "false"},
				"Tags": []any{map[string]any{"Key": "a", "Value": "b"}}},
			out: map[string]any{"TopicArn": "arn:aws:sns:us-east-1:000000000000:t"}})
		out, err := sns.NewFromConfig(sdkConfig(srv)).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t"),
			Attributes: map[string]string{"DisplayName": "T", "FifoTopic": "false"}, Tags: []snstypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
		if err != nil || aws.ToString(out.TopicArn) != "arn:aws:sns:us-east-1:000000000000:t" {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("GetTopicAttributes map output", func(t *testing.T) {
		srv := serve(t, svc, query.New(), &exchange{op: "GetTopicAttributes", in: map[string]any{"TopicArn": "arn"},
			out: map[string]any{"Attributes": map[string]any{"DisplayName": "T", "Policy": `{"a":"<&>"}`, "SubscriptionsConfirmed": "0"}}})
		out, err := sns.NewFromConfig(sdkConfig(srv)).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("arn")})
		if err != nil || len(out.Attributes) != 3 || out.Attributes["Policy"] != `{"a":"<&>"}` {
			t.Fatalf("%+v %v", out, err)
		}
	})
	t.Run("SetTopicAttributes", func(t *testing.T) {
		srv := serve(t, svc, query.New(), &exchange{op: "SetTopicAttributes",
			in: map[string]any{"TopicArn": "arn", "AttributeName": "DisplayName", "AttributeValue": "x y"}})
		_, err := sns.NewFromConfig(sdkConfig(srv)).SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String("arn"),
			AttributeName: aws.String("DisplayName"), AttributeValue: aws.String("x y")})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Publish map of structures with custom key names", func(t *testing.T) {
		srv := serve(t, svc, query.New(), &exchange{op: "Publish",
			in: map[string]any{"TopicArn": "arn", "Message": "hi", "MessageAttributes": map[string]any{
				"s": map[string]any{"DataType": "String", "StringValue": "v"},
				"b": map[string]any{"DataType": "Binary", "BinaryValue": []byte{0, 1, 2}},
			}},
			out: map[string]any{"MessageId": "m-1"}})
		out, err := sns.NewFromConfig(sdkConfig(srv)).Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn"), Message: aws.String("hi"),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{
				"s": {DataType: aws.String("String"), StringValue: aws.String("v")},
				"b": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
			}})
		if err != nil || aws.ToString(out.MessageId) != "m-1" {
			t.Fatalf("%+v %v", out, err)
		}
	})
}
