package dynamodbstreams_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"haneul/test/testutil"
)

// call sends one DynamoDB Streams request (JSON 1.0, signed as the SDKs do;
// aws-sdk-go-v2's dynamodbstreams client is not in go.mod).
func call(t *testing.T, url, op string, in any, out any) int {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDBStreams_20120810."+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "dynamodb", "ap-northeast-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v: %s", op, err, b)
		}
	} else {
		t.Logf("%s: %d %s", op, resp.StatusCode, b)
	}
	return resp.StatusCode
}

type record struct {
	EventName string `json:"eventName"`
	Dynamodb  struct {
		Keys           map[string]map[string]any
		NewImage       map[string]map[string]any
		OldImage       map[string]map[string]any
		SequenceNumber string
		StreamViewType string
	} `json:"dynamodb"`
}

func TestStreamRecords(t *testing.T) {
	cfg, srv := testutil.NewServer(t)
	ctx := context.Background()
	c := dynamodb.NewFromConfig(cfg)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("str"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
	})
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "a"}}
	c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("str"), Item: map[string]types.AttributeValue{"id": key["id"], "v": &types.AttributeValueMemberN{Value: "1"}}})
	c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("str"), Key: key, UpdateExpression: aws.String("SET v = v + :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}})
	c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("str"), Key: key})

	var streams struct {
		Streams []struct{ StreamArn, TableName string }
	}
	if call(t, srv.URL, "ListStreams", map[string]any{"TableName": "str"}, &streams) != 200 || len(streams.Streams) != 1 {
		t.Fatalf("streams %+v", streams)
	}
	arn := streams.Streams[0].StreamArn
	var desc struct {
		StreamDescription struct {
			StreamStatus string
			Shards       []struct{ ShardId string }
		}
	}
	if call(t, srv.URL, "DescribeStream", map[string]any{"StreamArn": arn}, &desc) != 200 || desc.StreamDescription.StreamStatus != "ENABLED" || len(desc.StreamDescription.Shards) != 1 {
		t.Fatalf("describe %+v", desc)
	}
	shard := desc.StreamDescription.Shards[0].ShardId
	var it struct{ ShardIterator string }
	call(t, srv.URL, "GetShardIterator", map[string]any{"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}, &it)
	var recs struct {
		Records           []record
		NextShardIterator string
	}
	if call(t, srv.URL, "GetRecords", map[string]any{"ShardIterator": it.ShardIterator}, &recs) != 200 || len(recs.Records) != 3 {
		t.Fatalf("records %+v", recs)
	}
	r := recs.Records
	if r[0].EventName != "INSERT" || r[1].EventName != "MODIFY" || r[2].EventName != "REMOVE" ||
		r[1].Dynamodb.OldImage["v"]["N"] != "1" || r[1].Dynamodb.NewImage["v"]["N"] != "2" || r[2].Dynamodb.NewImage != nil ||
		r[0].Dynamodb.Keys["id"]["S"] != "a" || !(r[0].Dynamodb.SequenceNumber < r[1].Dynamodb.SequenceNumber) {
		t.Fatalf("records %+v", r)
	}
	// The next iterator sees only new records; AFTER_SEQUENCE_NUMBER resumes.
	c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("str"), Item: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "b"}}})
	var more struct {
		Records []record
	}
	call(t, srv.URL, "GetRecords", map[string]any{"ShardIterator": recs.NextShardIterator}, &more)
	if len(more.Records) != 1 || more.Records[0].Dynamodb.Keys["id"]["S"] != "b" {
		t.Fatalf("next records %+v", more)
	}
	call(t, srv.URL, "GetShardIterator", map[string]any{"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
		"SequenceNumber": r[1].Dynamodb.SequenceNumber}, &it)
	call(t, srv.URL, "GetRecords", map[string]any{"ShardIterator": it.ShardIterator, "Limit": 1}, &more)
	if len(more.Records) != 1 || more.Records[0].EventName != "REMOVE" {
		t.Fatalf("after sequence number %+v", more)
	}
	// Disabling closes the shard.
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("str"), StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	call(t, srv.URL, "DescribeStream", map[string]any{"StreamArn": arn}, &desc)
	if desc.StreamDescription.StreamStatus != "DISABLED" {
		t.Fatalf("after disable %+v", desc)
	}
}
