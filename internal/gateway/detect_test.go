package gateway

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/model"
)

func sigv4(akid, region, svc string) string {
	return "AWS4-HMAC-SHA256 Credential=" + akid + "/20261122/" + region + "/" + svc + "/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
}

func TestDetect(t *testing.T) {
	catalog, err := model.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	g := New(Config{Catalog: catalog, Models: model.NewLoader()})
	form := "application/x-www-form-urlencoded; charset=utf-8"
	cases := []struct {
		name, method, target, body, ctype, auth, host string
		headers                                       map[string]string
		service, protocol                             string
		fails                                         bool
	}{
		{name: "sts query", method: "POST", body: "Action=GetCallerIdentity&Version=2011-06-15", ctype: form, auth: sigv4("test", "us-east-1", "sts"), service: "sts", protocol: awsproto.Query},
		{name: "unsigned sts query by version", method: "POST", body: "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", ctype: form, service: "sts", protocol: awsproto.Query},
		{name: "iam query", method: "POST", body: "Action=ListRoles&Version=2010-05-08", ctype: form, auth: sigv4("test", "us-east-1", "iam"), service: "iam", protocol: awsproto.Query},
		{name: "ec2", method: "POST", body: "Action=DescribeVpcs&Version=2016-11-15", ctype: form, auth: sigv4("test", "ap-northeast-2", "ec2"), service: "ec2", protocol: awsproto.EC2},
		{name: "elb classic by version", method: "POST", body: "Action=DescribeLoadBalancers&Version=2012-06-01", ctype: form, auth: sigv4("test", "ap-northeast-2", "elasticloadbalancing"), service: "elb", protocol: awsproto.Query},
		{name: "elbv2 by version", method: "POST", body: "Action=DescribeLoadBalancers&Version=2015-12-01", ctype: form, auth: sigv4("test", "ap-northeast-2", "elasticloadbalancing"), service: "elbv2", protocol: awsproto.Query},
		{name: "ses v1 query, not sesv2", method: "POST", body: "Action=SendEmail&Version=2010-12-01", ctype: form, auth: sigv4("test", "ap-northeast-2", "ses"), service: "ses", protocol: awsproto.Query},
		{name: "sqs json", method: "POST", target: "AmazonSQS.SendMessage", body: "{}", auth: sigv4("test", "ap-northeast-2", "sqs"), service: "sqs", protocol: awsproto.JSON},
		{name: "sqs old query client", method: "POST", body: "Action=ListQueues&Version=2012-11-05", ctype: form, auth: sigv4("test", "ap-northeast-2", "sqs"), service: "sqs", protocol: awsproto.Query},
		{name: "dynamodb", method: "POST", target: "DynamoDB_20120810.ListTables", body: "{}", auth: sigv4("test", "ap-northeast-2", "dynamodb"), service: "dynamodb", protocol: awsproto.JSON},
		{name: "dynamodb streams share the signing name", method: "POST", target: "DynamoDBStreams_20120810.ListStreams", body: "{}", auth: sigv4("test", "ap-northeast-2", "dynamodb"), service: "dynamodbstreams", protocol: awsproto.JSON},
		{name: "cloudwatch cbor", method: "POST", headers: map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}, auth: sigv4("test", "ap-northeast-2", "monitoring"), service: "cloudwatch", protocol: awsproto.CBOR},
		{name: "cloudwatch json", method: "POST", target: "GraniteServiceVersion20100801.ListMetrics", body: "{}", auth: sigv4("test", "ap-northeast-2", "monitoring"), service: "cloudwatch", protocol: awsproto.JSON},
		{name: "cloudwatch query (terraform)", method: "POST", body: "Action=ListMetrics&Version=2010-08-01", ctype: form, auth: sigv4("test", "ap-northeast-2", "monitoring"), service: "cloudwatch", protocol: awsproto.Query},
		{name: "s3 signed", method: "GET", auth: sigv4("test", "us-east-1", "s3"), service: "s3", protocol: awsproto.RESTXML},
		{name: "s3 anonymous", method: "GET", service: "s3", protocol: awsproto.RESTXML},
		{name: "s3 form content type is still s3", method: "PUT", ctype: form, body: "a=b", auth: sigv4("test", "us-east-1", "s3"), service: "s3", protocol: awsproto.RESTXML},
		{name: "lambda", method: "GET", auth: sigv4("test", "ap-northeast-2", "lambda"), service: "lambda", protocol: awsproto.RESTJSON},
		{name: "route53", method: "GET", auth: sigv4("test", "us-east-1", "route53"), service: "route53", protocol: awsproto.RESTXML},
		{name: "sts by host without auth", method: "POST", host: "sts.amazonaws.com", body: "Action=GetCallerIdentity", ctype: form, service: "sts", protocol: awsproto.Query},
		{name: "unknown target", method: "POST", target: "Nope_2020.Op", body: "{}", fails: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, "http://127.0.0.1:4566/", strings.NewReader(c.body))
			if c.host != "" {
				r.Host = c.host
			}
			if c.target != "" {
				r.Header.Set("X-Amz-Target", c.target)
				r.Header.Set("Content-Type", "application/x-amz-json-1.0")
			}
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			if c.headers["Smithy-Protocol"] != "" {
				r.URL.Path = "/service/GraniteServiceVersion20100801/operation/ListMetrics"
			}
			cred, aerr := parseCredential(r)
			if aerr != nil {
				t.Fatal(aerr)
			}
			d, aerr := g.detect(&awsproto.Request{HTTP: r}, cred)
			if c.fails {
				if aerr == nil {
					t.Fatalf("detected %s/%s", d.entry.Name, d.protocol)
				}
				return
			}
			if aerr != nil {
				t.Fatal(aerr)
			}
			if d.entry.Name != c.service || d.protocol != c.protocol {
				t.Errorf("detected %s/%s, want %s/%s", d.entry.Name, d.protocol, c.service, c.protocol)
			}
		})
	}
}

func TestParseCredential(t *testing.T) {
	cases := []struct {
		name, auth, query string
		want              credential
		fails             bool
	}{
		{name: "sigv4", auth: sigv4("AKID", "eu-west-1", "iam"), want: credential{"AKID", "eu-west-1", "iam"}},
		{name: "sigv4a", auth: "AWS4-ECDSA-P256-SHA256 Credential=AKID/20261122/s3/aws4_request, SignedHeaders=host, Signature=x", want: credential{"AKID", "", "s3"}},
		{name: "sigv2", auth: "AWS AKID:c2ln", want: credential{AccessKey: "AKID"}},
		{name: "presigned", query: "X-Amz-Credential=AKID%2F20261122%2Fus-east-1%2Fs3%2Faws4_request", want: credential{"AKID", "us-east-1", "s3"}},
		{name: "presigned v2", query: "AWSAccessKeyId=AKID&Signature=x", want: credential{AccessKey: "AKID"}},
		{name: "none", want: credential{}},
		{name: "garbled sigv4", auth: "AWS4-HMAC-SHA256 garbage", fails: true},
		{name: "bad scope", auth: "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=y", fails: true},
		{name: "unknown scheme", auth: "Bearer token", fails: true},
		{name: "bad presigned", query: "X-Amz-Credential=nope", fails: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://h/?"+c.query, nil)
			if c.auth != "" {
				r.Header.Set("Authorization", c.auth)
			}
			got, err := parseCredential(r)
			if (err != nil) != c.fails {
				t.Fatalf("err = %v", err)
			}
			if !c.fails && got != c.want {
				t.Errorf("got %+v want %+v", got, c.want)
			}
		})
	}
}

func TestS3VirtualHost(t *testing.T) {
	cases := map[string]string{
		"photos.s3.localhost:4566":                  "photos",
		"my.bucket.s3.ap-northeast-2.amazonaws.com": "my.bucket",
		"s3.localhost":                              "",
		"127.0.0.1:4566":                            "",
		"sqs.ap-northeast-2.localhost":              "",
	}
	for host, want := range cases {
		got, ok := s3VirtualHost(host)
		if got != want || ok != (want != "") {
			t.Errorf("%s → %q %v", host, got, ok)
		}
	}
}
