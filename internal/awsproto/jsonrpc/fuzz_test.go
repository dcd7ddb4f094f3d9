package jsonrpc

import (
	"net/http/httptest"
	"testing"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/jsonshape"
)

// FuzzDecode feeds arbitrary bodies to a few operations with deep inputs:
// decoding must answer a value or an *awserr.Error, never panic, and what it
// decodes must encode again.
func FuzzDecode(f *testing.F) {
	f.Add("DynamoDB_20120810.PutItem", []byte(`{"TableName":"t","Item":{"a":{"M":{"b":{"L":[{"N":"1"},{"B":"AAE="}]}}}}}`))
	f.Add("AmazonSQS.SendMessage", []byte(`{"QueueUrl":"q","DelaySeconds":1.0,"MessageAttributes":{"x":{"BinaryValue":"AA=="}}}`))
	f.Add("DynamoDB_20120810.Query", []byte(`{"ExclusiveStartKey":null,"Limit":1e3}`))
	f.Add("AmazonSSM.PutParameter", []byte(`{"Name":"n","Value":"v","Tags":[{"Key":"k"}]}`))
	f.Add("Logs_20140328.PutLogEvents", []byte(`{"logEvents":[{"timestamp":1700000000000,"message":"m"}]}`))
	ddb, _ := loader.Load("dynamodb")
	sqs, _ := loader.Load("sqs")
	ssm, _ := loader.Load("ssm")
	logs, _ := loader.Load("logs")
	c := New()
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		for _, svc := range []*awsproto.Request{{Service: ddb}, {Service: sqs}, {Service: ssm}, {Service: logs}} {
			r := httptest.NewRequest("POST", "/", nil)
			r.Header.Set("X-Amz-Target", target)
			svc.HTTP, svc.Body = r, body
			in, err := c.Decode(svc)
			if err != nil {
				if _, ok := awserr.As(err); !ok {
					t.Fatalf("non-AWS error %T: %v", err, err)
				}
				continue
			}
			op, _ := c.Operation(svc)
			if op.Input != nil {
				if _, err := jsonshape.Encode(op.Input.Shape, in); err != nil {
					t.Fatalf("decoded value does not encode: %v", err)
				}
			}
		}
	})
}
