package restxml

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/contentenc"
	"haneul/internal/awsproto/model"
)

var loader = model.NewLoader()

// exchange is one canned round trip. Only the input members listed are
// compared: the SDK adds checksum and other headers of its own.
type exchange struct {
	op      string
	input   map[string]any
	out     map[string]any
	err     *awserr.Error
	trailer http.Header // trailing headers seen after a streaming body
}

func server(t *testing.T, service string, ex *exchange) *httptest.Server {
	t.Helper()
	svc, err := loader.Load(service)
	if err != nil {
		t.Fatal(err)
	}
	codec := New()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: awsproto.RESTXML, RequestID: "req-1"}
		op, err := codec.Operation(req)
		if err != nil {
			e, _ := awserr.As(err)
			t.Errorf("%s %s: %v", r.Method, r.URL, err)
			codec.EncodeError(w, req, e)
			return
		}
		req.Operation = op
		if op.Name != ex.op {
			t.Errorf("operation = %s, want %s", op.Name, ex.op)
		}
		in, err := codec.Decode(req)
		if err != nil {
			t.Errorf("decode: %v", err)
		}
		for k, v := range in {
			if rd, ok := v.(io.Reader); ok {
				b, err := io.ReadAll(rd)
				if err != nil {
					t.Errorf("read %s: %v", k, err)
				}
				in[k] = b
				if cr, ok := rd.(*contentenc.ChunkedReader); ok {
					ex.trailer = cr.Trailer()
				}
			}
		}
		for k, want := range ex.input {
			if !reflect.DeepEqual(normalize(in[k]), normalize(want)) {
				t.Errorf("%s input %s = %#v, want %#v", op.Name, k, normalize(in[k]), normalize(want))
			}
		}
		if ex.err != nil {
			codec.EncodeError(w, req, ex.err)
			return
		}
		if err := codec.Encode(w, req, ex.out); err != nil {
			t.Errorf("encode: %v", err)
		}
	}))
	// TLS, so that the SDK streams uploads as aws-chunked with trailing checksums.
	srv.StartTLS()
	return srv
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case time.Time:
		return "time:" + x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return "bytes:" + base64.StdEncoding.EncodeToString(x)
	}
	return v
}

func TestS3(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "s3", ex)
	defer srv.Close()
	client := s3.New(s3.Options{Region: "us-west-2", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1, UsePathStyle: true, HTTPClient: srv.Client()})
	client = s3.New(client.Options(), func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
	})
	ctx := context.Background()

	*ex = exchange{
		op:    "CreateBucket",
		input: map[string]any{"Bucket": "b", "CreateBucketConfiguration": map[string]any{"LocationConstraint": "us-west-2"}},
		out:   map[string]any{"Location": "/b"},
	}
	cb, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("b"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintUsWest2}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(cb.Location) != "/b" {
		t.Errorf("CreateBucket output %+v", cb)
	}

	payload := strings.Repeat("hello world ", 1000)
	for _, key := range []string{"dir/a b+c.txt", "x//../y", "ü/%2F"} {
		*ex = exchange{
			op:    "PutObject",
			input: map[string]any{"Bucket": "b", "Key": key, "Body": []byte(payload), "ContentType": "text/plain", "Metadata": map[string]any{"owner": "me"}},
			out:   map[string]any{"ETag": `"abc"`, "VersionId": "v1"},
		}
		put, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String(key), Body: io.MultiReader(strings.NewReader(payload)), ContentLength: aws.Int64(int64(len(payload))), ContentType: aws.String("text/plain"), Metadata: map[string]string{"Owner": "me"}})
		if err != nil {
			t.Fatal(err)
		}
		if ex.trailer == nil {
			t.Errorf("PutObject sent no aws-chunked body")
		} else if ex.trailer.Get("X-Amz-Checksum-Crc32") == "" {
			t.Errorf("PutObject trailer %v has no CRC32 checksum", ex.trailer)
		}
		if aws.ToString(put.ETag) != `"abc"` || aws.ToString(put.VersionId) != "v1" {
			t.Errorf("PutObject output %+v", put)
		}
	}

	modified := time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)
	*ex = exchange{
		op:    "GetObject",
		input: map[string]any{"Bucket": "b", "Key": "k", "Range": "bytes=0-4"},
		out: map[string]any{"Body": io.NopCloser(strings.NewReader("hello")), "ContentLength": int64(5), "ContentType": "text/plain",
			"LastModified": modified, "Metadata": map[string]any{"owner": "me"}, "ETag": `"e"`},
	}
	get, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Range: aws.String("bytes=0-4")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(body) != "hello" || aws.ToString(get.ContentType) != "text/plain" || !aws.ToTime(get.LastModified).Equal(modified) || get.Metadata["owner"] != "me" {
		t.Errorf("GetObject output %+v body %q", get, body)
	}

	*ex = exchange{
		op:    "HeadObject",
		input: map[string]any{"Bucket": "b", "Key": "k"},
		out:   map[string]any{"ContentLength": int64(5), "ETag": `"e"`, "LastModified": modified, "Metadata": map[string]any{"owner": "me", "x": "y"}, "StorageClass": "STANDARD"},
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("b"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != 5 || head.Metadata["x"] != "y" || head.StorageClass != s3types.StorageClassStandard || !aws.ToTime(head.LastModified).Equal(modified) {
		t.Errorf("HeadObject output %+v", head)
	}

	*ex = exchange{
		op:    "ListObjectsV2",
		input: map[string]any{"Bucket": "b", "Prefix": "dir/", "MaxKeys": int64(2), "Delimiter": "/"},
		out: map[string]any{"Name": "b", "Prefix": "dir/", "KeyCount": int64(1), "MaxKeys": int64(2), "IsTruncated": true, "NextContinuationToken": "t",
			"Contents": []any{map[string]any{"Key": "dir/a", "Size": int64(3), "LastModified": modified, "ETag": `"x"`, "StorageClass": "STANDARD",
				"Owner": map[string]any{"ID": "o1", "DisplayName": "me"}}},
			"CommonPrefixes": []any{map[string]any{"Prefix": "dir/sub/"}}},
	}
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b"), Prefix: aws.String("dir/"), MaxKeys: aws.Int32(2), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "dir/a" || aws.ToString(list.Contents[0].Owner.ID) != "o1" ||
		!aws.ToBool(list.IsTruncated) || len(list.CommonPrefixes) != 1 || aws.ToString(list.CommonPrefixes[0].Prefix) != "dir/sub/" {
		t.Errorf("ListObjectsV2 output %+v", list)
	}

	*ex = exchange{op: "GetObject", input: map[string]any{"Bucket": "b", "Key": "missing"}, err: awserr.New("NoSuchKey", 404, "The specified key does not exist.").WithField("Key", "missing")}
	_, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("missing")})
	var nsk *s3types.NoSuchKey
	if !errors.As(err, &nsk) || nsk.ErrorMessage() != "The specified key does not exist." {
		t.Fatalf("error %T %v, want NoSuchKey", err, err)
	}

	*ex = exchange{op: "HeadObject", input: map[string]any{"Bucket": "b", "Key": "missing"}, err: awserr.New("NoSuchKey", 404, "gone")}
	_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("b"), Key: aws.String("missing")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "NotFound" {
		t.Errorf("HeadObject error %T %v, want NotFound", err, err)
	}
}

func TestRoute53(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "route53", ex)
	defer srv.Close()
	client := route53.New(route53.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1, HTTPClient: srv.Client()})
	ctx := context.Background()
	submitted := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

	*ex = exchange{
		op:    "CreateHostedZone",
		input: map[string]any{"Name": "example.com", "CallerReference": "ref", "HostedZoneConfig": map[string]any{"Comment": "c"}},
		out: map[string]any{
			"HostedZone":    map[string]any{"Id": "/hostedzone/Z1", "Name": "example.com.", "CallerReference": "ref", "ResourceRecordSetCount": int64(2)},
			"ChangeInfo":    map[string]any{"Id": "/change/C1", "Status": "INSYNC", "SubmittedAt": submitted},
			"DelegationSet": map[string]any{"NameServers": []any{"ns1.example", "ns2.example"}},
			"Location":      "https://route53.amazonaws.com/2013-04-01/hostedzone/Z1",
		},
	}
	hz, err := client.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.com"), CallerReference: aws.String("ref"), HostedZoneConfig: &r53types.HostedZoneConfig{Comment: aws.String("c")}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(hz.HostedZone.Id) != "/hostedzone/Z1" || len(hz.DelegationSet.NameServers) != 2 || !aws.ToTime(hz.ChangeInfo.SubmittedAt).Equal(submitted) || aws.ToString(hz.Location) == "" {
		t.Errorf("CreateHostedZone output %+v", hz)
	}

	*ex = exchange{
		op: "ChangeResourceRecordSets",
		input: map[string]any{"HostedZoneId": "Z1", "ChangeBatch": map[string]any{"Changes": []any{map[string]any{
			"Action": "UPSERT", "ResourceRecordSet": map[string]any{"Name": "www.example.com", "Type": "A", "TTL": int64(60),
				"ResourceRecords": []any{map[string]any{"Value": "1.2.3.4"}}}}}}},
		out: map[string]any{"ChangeInfo": map[string]any{"Id": "/change/C2", "Status": "PENDING", "SubmittedAt": submitted}},
	}
	ch, err := client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String("Z1"), ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
		Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{Name: aws.String("www.example.com"), Type: r53types.RRTypeA, TTL: aws.Int64(60),
			ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("1.2.3.4")}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChangeInfo.Status != r53types.ChangeStatusPending {
		t.Errorf("ChangeResourceRecordSets output %+v", ch.ChangeInfo)
	}

	*ex = exchange{op: "GetHostedZone", input: map[string]any{"Id": "Z9"}, err: awserr.New("NoSuchHostedZone", 0, "No hosted zone found with ID: Z9")}
	_, err = client.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("Z9")})
	var nshz *r53types.NoSuchHostedZone
	if !errors.As(err, &nshz) || nshz.ErrorMessage() != "No hosted zone found with ID: Z9" {
		t.Fatalf("error %T %v, want NoSuchHostedZone", err, err)
	}
}
