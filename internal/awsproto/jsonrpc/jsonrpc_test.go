package jsonrpc

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

var loader = model.NewLoader()

// exchange is one canned round trip: the input the codec must decode and what to answer.
type exchange struct {
	op    string
	input map[string]any
	out   map[string]any
	err   *awserr.Error
	check func(t *testing.T, h http.Header)
}

// server answers every request with the next exchange, as the gateway would.
func server(t *testing.T, service string, ex *exchange) *httptest.Server {
	t.Helper()
	svc, err := loader.Load(service)
	if err != nil {
		t.Fatal(err)
	}
	codec := New()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &awsproto.Request{HTTP: r, Service: svc, Protocol: awsproto.JSON, RequestID: "req-1", Body: body}
		op, err := codec.Operation(req)
		if err != nil {
			e, _ := awserr.As(err)
			codec.EncodeError(w, req, e)
			return
		}
		req.Operation = op
		if op.Name != ex.op {
			t.Errorf("operation = %s, want %s", op.Name, ex.op)
		}
		in, err := codec.Decode(req)
		if err != nil {
			t.Errorf("decode: %v (body %s)", err, body)
		} else if !reflect.DeepEqual(normalize(in), normalize(ex.input)) {
			t.Errorf("decoded input\n got %#v\nwant %#v\nbody %s", normalize(in), normalize(ex.input), body)
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

// normalize makes values comparable: times by instant, bytes by content.
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

func TestSQS(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "sqs", ex)
	defer srv.Close()
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	ctx := context.Background()
	queue := "http://localhost:4566/000000000000/q"

	*ex = exchange{
		op: "SendMessage",
		input: map[string]any{
			"QueueUrl":     queue,
			"MessageBody":  "hello",
			"DelaySeconds": int64(3),
			"MessageAttributes": map[string]any{
				"n": map[string]any{"DataType": "Number", "StringValue": "42"},
				"b": map[string]any{"DataType": "Binary", "BinaryValue": []byte{0, 1, 2}},
			},
		},
		out: map[string]any{"MessageId": "m-1", "MD5OfMessageBody": "5d41402abc4b2a76b9719d911017c592"},
	}
	sent, err := client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(queue), MessageBody: aws.String("hello"), DelaySeconds: 3,
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"n": {DataType: aws.String("Number"), StringValue: aws.String("42")},
			"b": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sent.MessageId) != "m-1" || aws.ToString(sent.MD5OfMessageBody) != "5d41402abc4b2a76b9719d911017c592" {
		t.Errorf("SendMessage output %+v", sent)
	}

	*ex = exchange{
		op:    "ReceiveMessage",
		input: map[string]any{"QueueUrl": queue, "MaxNumberOfMessages": int64(2), "MessageAttributeNames": []any{"All"}, "WaitTimeSeconds": int64(5)},
		out: map[string]any{"Messages": []any{map[string]any{
			"MessageId": "m-1", "Body": "hello", "ReceiptHandle": "rh",
			"Attributes": map[string]any{"SentTimestamp": "1700000000000"},
			"MessageAttributes": map[string]any{
				"b": map[string]any{"DataType": "Binary", "BinaryValue": []byte("xyz")},
			},
		}}},
	}
	recv, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queue), MaxNumberOfMessages: 2, MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(recv.Messages) != 1 || aws.ToString(recv.Messages[0].Body) != "hello" ||
		string(recv.Messages[0].MessageAttributes["b"].BinaryValue) != "xyz" ||
		recv.Messages[0].Attributes["SentTimestamp"] != "1700000000000" {
		t.Errorf("ReceiveMessage output %+v", recv)
	}

	*ex = exchange{
		op:    "GetQueueUrl",
		input: map[string]any{"QueueName": "nope"},
		err:   awserr.New("QueueDoesNotExist", 0, "The specified queue does not exist."),
	}
	_, err = client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	var qdne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &qdne) {
		t.Fatalf("GetQueueUrl error %T %v, want QueueDoesNotExist", err, err)
	}
	if qdne.ErrorMessage() != "The specified queue does not exist." {
		t.Errorf("message %q", qdne.ErrorMessage())
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("query-compatible code %q", api.ErrorCode())
	}
}

func TestSQSHeaders(t *testing.T) {
	svc, _ := loader.Load("sqs")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", nil)
	New().EncodeError(w, &awsproto.Request{HTTP: r, Service: svc, RequestID: "rid"}, awserr.New("QueueDoesNotExist", 0, "gone"))
	if got := w.Header().Get("X-Amzn-Query-Error"); got != "AWS.SimpleQueueService.NonExistentQueue;Sender" {
		t.Errorf("x-amzn-query-error = %q", got)
	}
	if w.Code != 400 || w.Header().Get("X-Amzn-Errortype") != "QueueDoesNotExist" || w.Header().Get("Content-Type") != "application/x-amz-json-1.0" || w.Header().Get("X-Amzn-Requestid") != "rid" {
		t.Errorf("status %d headers %v", w.Code, w.Header())
	}
}

func TestDynamoDB(t *testing.T) {
	ex := &exchange{}
	srv := server(t, "dynamodb", ex)
	defer srv.Close()
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	ctx := context.Background()
	item := map[string]ddbtypes.AttributeValue{
		"pk":   &ddbtypes.AttributeValueMemberS{Value: "a"},
		"n":    &ddbtypes.AttributeValueMemberN{Value: "1.5"},
		"bin":  &ddbtypes.AttributeValueMemberB{Value: []byte{9, 8}},
		"list": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{&ddbtypes.AttributeValueMemberBOOL{Value: true}, &ddbtypes.AttributeValueMemberNULL{Value: true}}},
		"m":    &ddbtypes.AttributeValueMemberM{Value: map[string]ddbtypes.AttributeValue{"ss": &ddbtypes.AttributeValueMemberSS{Value: []string{"x", "y"}}}},
	}
	wantItem := map[string]any{
		"pk":   map[string]any{"S": "a"},
		"n":    map[string]any{"N": "1.5"},
		"bin":  map[string]any{"B": []byte{9, 8}},
		"list": map[string]any{"L": []any{map[string]any{"BOOL": true}, map[string]any{"NULL": true}}},
		"m":    map[string]any{"M": map[string]any{"ss": map[string]any{"SS": []any{"x", "y"}}}},
	}
	*ex = exchange{
		op:    "PutItem",
		input: map[string]any{"TableName": "t", "Item": wantItem, "ReturnValues": "ALL_OLD", "ConditionExpression": "attribute_not_exists(pk)"},
		out:   map[string]any{"Attributes": wantItem, "ConsumedCapacity": map[string]any{"TableName": "t", "CapacityUnits": 1.0}},
	}
	put, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item, ReturnValues: ddbtypes.ReturnValueAllOld, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := put.Attributes["pk"].(*ddbtypes.AttributeValueMemberS); !ok || s.Value != "a" {
		t.Errorf("PutItem attributes %#v", put.Attributes)
	}
	if m, ok := put.Attributes["m"].(*ddbtypes.AttributeValueMemberM); !ok || fmt.Sprint(m.Value["ss"].(*ddbtypes.AttributeValueMemberSS).Value) != "[x y]" {
		t.Errorf("PutItem nested map %#v", put.Attributes["m"])
	}
	if put.ConsumedCapacity == nil || aws.ToFloat64(put.ConsumedCapacity.CapacityUnits) != 1 {
		t.Errorf("consumed capacity %+v", put.ConsumedCapacity)
	}

	*ex = exchange{
		op:    "PutItem",
		input: map[string]any{"TableName": "t", "Item": map[string]any{"pk": map[string]any{"S": "a"}}},
		err: awserr.New("ConditionalCheckFailedException", 0, "The conditional request failed").
			WithField("Item", map[string]any{"pk": map[string]any{"S": "old"}}),
	}
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: "a"}}})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("error %T %v, want ConditionalCheckFailedException", err, err)
	}
	if ccf.ErrorMessage() != "The conditional request failed" {
		t.Errorf("message %q", ccf.ErrorMessage())
	}
	if s, ok := ccf.Item["pk"].(*ddbtypes.AttributeValueMemberS); !ok || s.Value != "old" {
		t.Errorf("error item %#v", ccf.Item)
	}
}

func TestDecodeErrors(t *testing.T) {
	svc, _ := loader.Load("sqs")
	c := New()
	for _, tc := range []struct {
		name, target, body, code string
	}{
		{"unknown op", "AmazonSQS.Nope", `{}`, "UnknownOperationException"},
		{"wrong prefix", "DynamoDB_20120810.SendMessage", `{}`, "UnknownOperationException"},
		{"no target", "", `{}`, "UnknownOperationException"},
		{"string for int", "AmazonSQS.SendMessage", `{"QueueUrl":"q","MessageBody":"b","DelaySeconds":"3"}`, "SerializationException"},
		{"bad json", "AmazonSQS.SendMessage", `{"QueueUrl":`, "SerializationException"},
		{"trailing", "AmazonSQS.SendMessage", `{} {}`, "SerializationException"},
		{"array body", "AmazonSQS.SendMessage", `[]`, "SerializationException"},
		{"bad base64", "AmazonSQS.SendMessage", `{"MessageAttributes":{"a":{"BinaryValue":"!!"}}}`, "SerializationException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.Header.Set("X-Amz-Target", tc.target)
			req := &awsproto.Request{HTTP: r, Service: svc, Body: []byte(tc.body)}
			_, err := c.Decode(req)
			e, ok := awserr.As(err)
			if !ok || e.Code != tc.code || awsproto.ErrorStatus(svc, e) != 400 {
				t.Errorf("err = %v, want %s", err, tc.code)
			}
		})
	}
	// Empty body is an empty input; unknown members are ignored.
	r := httptest.NewRequest("POST", "/", nil)
	r.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	for _, body := range []string{"", `{"Unknown":[1,2,{"x":null}],"QueueNamePrefix":null}`} {
		in, err := c.Decode(&awsproto.Request{HTTP: r, Service: svc, Body: []byte(body)})
		if err != nil || len(in) != 0 {
			t.Errorf("body %q: %v %v", body, in, err)
		}
	}
}
