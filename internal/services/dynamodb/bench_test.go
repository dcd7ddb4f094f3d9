package dynamodb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"haneul/test/testutil"
)

// BenchmarkQuery10 measures a 10-item Query through the whole request path
// at several partition sizes: its cost must not grow with the partition.
//
//	go test ./internal/services/dynamodb -run '^$' -bench Query10
func BenchmarkQuery10(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c := benchClient(b)
			fill(b, c, n)
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), Limit: aws.Int32(10),
					KeyConditionExpression:    aws.String("pk = :p AND sk >= :from"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p"), ":from": N(fmt.Sprint(rand.IntN(n - 10)))}})
				if err != nil || len(out.Items) != 10 {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPutGet measures PutItem then GetItem of one small item.
func BenchmarkPutGet(b *testing.B) {
	c := benchClient(b)
	fill(b, c, 0)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		key := map[string]types.AttributeValue{"pk": S("p"), "sk": N(fmt.Sprint(i))}
		item := map[string]types.AttributeValue{"pk": S("p"), "sk": N(fmt.Sprint(i)), "path": S("/tasks/1"), "status": N("200")}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: key}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchClient(b *testing.B) *dynamodb.Client {
	cfg, _ := testutil.NewServer(b)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	cfg.HTTPClient = &http.Client{Transport: tr}
	b.Cleanup(tr.CloseIdleConnections)
	return dynamodb.NewFromConfig(cfg)
}

// fill creates table t (pk S, sk N) with n items in partition "p".
func fill(b *testing.B, c *dynamodb.Client, n int) {
	ctx := context.Background()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("t"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}}})
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < n; start += 25 {
		var reqs []types.WriteRequest
		for i := start; i < min(start+25, n); i++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": S("p"), "sk": N(fmt.Sprint(i)), "v": S("value")}}})
		}
		if _, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"t": reqs}}); err != nil {
			b.Fatal(err)
		}
	}
}
