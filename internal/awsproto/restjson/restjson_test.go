package restjson

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

var loader = model.NewLoader()

type exchange struct {
	op    string
	input map[string]any
	out   map[string]any
	err   *awserr.Error
}

func server(t *testing.T, service string, ex *exchange) *httptest.Server {
	t.Helper()
	svc, err := loader.Load(service)
	if err != nil {
		t.Fatal(err)
	}
	codec := New()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: awsproto.RESTJSON, RequestID: "req-1"}
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
		} else if !reflect.DeepEqual(normalize(in), normalize(ex.input)) {
			t.Errorf("decoded input\n got %#v\nwant %#v", normalize(in), normalize(ex.input))
		}
		if ex.err != nil {
			codec.EncodeError(w, req, ex.err)
			return
		}
		if err := codec.Encode(w, req, ex.out); err != nil {
			t.Errorf("encode: %v", err)
		}
	}))
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

func TestEFS(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "efs", ex)
	defer srv.Close()
	client := efs.New(efs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	ctx := context.Background()
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	fs := map[string]any{
		"OwnerId": "000000000000", "CreationToken": "tok", "FileSystemId": "fs-1", "CreationTime": created,
		"LifeCycleState": "available", "NumberOfMountTargets": int64(0), "PerformanceMode": "generalPurpose",
		"SizeInBytes": map[string]any{"Value": int64(6144)},
		"Tags":        []any{map[string]any{"Key": "Name", "Value": "data"}},
	}
	*ex = exchange{
		op: "CreateFileSystem",
		input: map[string]any{"CreationToken": "tok", "PerformanceMode": "generalPurpose", "Encrypted": true,
			"Tags": []any{map[string]any{"Key": "Name", "Value": "data"}}},
		out: fs,
	}
	got, err := client.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("tok"), PerformanceMode: efstypes.PerformanceModeGeneralPurpose, Encrypted: aws.Bool(true),
		Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("data")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.FileSystemId) != "fs-1" || !aws.ToTime(got.CreationTime).Equal(created) || got.SizeInBytes.Value != 6144 || aws.ToString(got.Tags[0].Value) != "data" {
		t.Errorf("CreateFileSystem output %+v", got)
	}

	*ex = exchange{
		op:    "DescribeFileSystems",
		input: map[string]any{"MaxItems": int64(5), "FileSystemId": "fs-1"},
		out:   map[string]any{"FileSystems": []any{fs}, "NextMarker": "m2"},
	}
	list, err := client.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{MaxItems: aws.Int32(5), FileSystemId: aws.String("fs-1")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.FileSystems) != 1 || aws.ToString(list.NextMarker) != "m2" {
		t.Errorf("DescribeFileSystems output %+v", list)
	}

	*ex = exchange{
		op:    "DescribeFileSystems",
		input: map[string]any{"FileSystemId": "fs-2"},
		err:   awserr.New("FileSystemNotFound", 0, "File system 'fs-2' does not exist.").WithField("ErrorCode", "FileSystemNotFound"),
	}
	_, err = client.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-2")})
	var nf *efstypes.FileSystemNotFound
	if !errors.As(err, &nf) || aws.ToString(nf.ErrorCode_) != "FileSystemNotFound" || nf.ErrorMessage() != "File system 'fs-2' does not exist." {
		t.Fatalf("error %T %v, want FileSystemNotFound", err, err)
	}
}

func TestLambda(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "lambda", ex)
	defer srv.Close()
	client := lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	ctx := context.Background()

	*ex = exchange{
		op:    "GetFunction",
		input: map[string]any{"FunctionName": "my fn:v1", "Qualifier": "v1"},
		out: map[string]any{
			"Configuration": map[string]any{"FunctionName": "my-fn", "Runtime": "python3.12", "MemorySize": int64(128), "Timeout": int64(3),
				"Environment": map[string]any{"Variables": map[string]any{"A": "b"}}},
			"Tags": map[string]any{"team": "x"},
		},
	}
	fn, err := client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("my fn:v1"), Qualifier: aws.String("v1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(fn.Configuration.FunctionName) != "my-fn" || aws.ToInt32(fn.Configuration.MemorySize) != 128 || fn.Configuration.Environment.Variables["A"] != "b" || fn.Tags["team"] != "x" {
		t.Errorf("GetFunction output %+v", fn)
	}

	*ex = exchange{
		op:    "Invoke",
		input: map[string]any{"FunctionName": "my-fn", "InvocationType": "RequestResponse", "LogType": "Tail", "Payload": []byte(`{"k":1}`)},
		out:   map[string]any{"StatusCode": int64(200), "FunctionError": "Unhandled", "LogResult": "bG9n", "ExecutedVersion": "$LATEST", "Payload": []byte(`{"errorMessage":"boom"}`)},
	}
	inv, err := client.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("my-fn"), InvocationType: lambdatypes.InvocationTypeRequestResponse, LogType: lambdatypes.LogTypeTail, Payload: []byte(`{"k":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if inv.StatusCode != 200 || aws.ToString(inv.FunctionError) != "Unhandled" || string(inv.Payload) != `{"errorMessage":"boom"}` || aws.ToString(inv.ExecutedVersion) != "$LATEST" {
		t.Errorf("Invoke output %+v", inv)
	}

	*ex = exchange{
		op:    "GetFunction",
		input: map[string]any{"FunctionName": "nope"},
		err:   awserr.New("ResourceNotFoundException", 0, "Function not found: nope").WithField("Type", "User"),
	}
	_, err = client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
	var rnf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &rnf) || rnf.ErrorMessage() != "Function not found: nope" || aws.ToString(rnf.Type) != "User" {
		t.Fatalf("error %T %v, want ResourceNotFoundException", err, err)
	}
}

func TestErrorShape(t *testing.T) {
	svc, _ := loader.Load("lambda")
	w := httptest.NewRecorder()
	req := &awsproto.Request{HTTP: httptest.NewRequest("GET", "/", nil), Service: svc, RequestID: "rid"}
	New().EncodeError(w, req, awserr.New("TooManyRequestsException", 0, "slow down").WithField("retryAfterSeconds", "7"))
	if w.Code != 429 || w.Header().Get("X-Amzn-Errortype") != "TooManyRequestsException" || w.Header().Get("Retry-After") != "7" {
		t.Errorf("status %d headers %v body %s", w.Code, w.Header(), w.Body)
	}
	if got := w.Body.String(); got != `{"__type":"TooManyRequestsException","message":"slow down"}` {
		t.Errorf("body %s", got)
	}
}
