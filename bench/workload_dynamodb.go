package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func init() {
	register(Workload{
		Name:  "dynamodb-put-item",
		Title: "DynamoDB PutItem",
		Order: 200,
		Setup: func(ctx context.Context, cfg aws.Config, _ Scale) (Op, error) {
			c := dynamodb.NewFromConfig(cfg)
			table, err := benchTable(ctx, c, "bench-put")
			if err != nil {
				return nil, err
			}
			var seq atomic.Int64
			return func(ctx context.Context, worker int) error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: benchItem(fmt.Sprintf("w%d", worker), seq.Add(1))})
				return err
			}, nil
		},
	})
	register(Workload{
		Name:  "dynamodb-get-item",
		Title: "DynamoDB GetItem, 1k items",
		Order: 210,
		Setup: func(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
			c := dynamodb.NewFromConfig(cfg)
			table, err := benchTable(ctx, c, "bench-get")
			if err != nil {
				return nil, err
			}
			n := s.Fixtures
			if err := fillPartition(ctx, c, table, "p", n); err != nil {
				return nil, err
			}
			return func(ctx context.Context, _ int) error {
				out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: map[string]types.AttributeValue{
					"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: fmt.Sprint(rand.IntN(n))}}})
				if err == nil && out.Item == nil {
					err = errors.New("get item: not found")
				}
				return err
			}, nil
		},
	})
	for _, size := range []struct {
		name  string
		order int
		mult  int
	}{{"1k", 220, 1}, {"100k", 230, 100}} {
		register(Workload{
			Name:  "dynamodb-query-" + size.name,
			Title: fmt.Sprintf("DynamoDB Query 10 items, %s-item partition", size.name),
			Order: size.order,
			Setup: func(ctx context.Context, cfg aws.Config, s Scale) (Op, error) {
				c := dynamodb.NewFromConfig(cfg)
				table, err := benchTable(ctx, c, "bench-query-"+size.name)
				if err != nil {
					return nil, err
				}
				n := s.Fixtures * size.mult
				if err := fillPartition(ctx, c, table, "p", n); err != nil {
					return nil, err
				}
				return func(ctx context.Context, _ int) error {
					out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: table, Limit: aws.Int32(10),
						KeyConditionExpression: aws.String("pk = :p AND sk >= :from"),
						ExpressionAttributeValues: map[string]types.AttributeValue{
							":p": &types.AttributeValueMemberS{Value: "p"}, ":from": &types.AttributeValueMemberN{Value: fmt.Sprint(rand.IntN(n - 10))}}})
					if err == nil && len(out.Items) != 10 {
						err = fmt.Errorf("query: %d items, want 10", len(out.Items))
					}
					return err
				}, nil
			},
		})
	}
}

// benchTable creates an on-demand table with key (pk S, sk N), a fresh name per run.
func benchTable(ctx context.Context, c *dynamodb.Client, prefix string) (*string, error) {
	name := aws.String(fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e9))
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("create table: %w", err)
	}
	return name, nil
}

// benchItem is a small log-record-like item (about 150 bytes).
func benchItem(pk string, sk int64) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk":     &types.AttributeValueMemberS{Value: pk},
		"sk":     &types.AttributeValueMemberN{Value: fmt.Sprint(sk)},
		"method": &types.AttributeValueMemberS{Value: "POST"},
		"path":   &types.AttributeValueMemberS{Value: "/tasks/123/comments"},
		"status": &types.AttributeValueMemberN{Value: "201"},
		"ms":     &types.AttributeValueMemberN{Value: "12.5"},
		"user":   &types.AttributeValueMemberS{Value: "user-42@example.com"},
	}
}

// fillPartition writes n items into one partition with BatchWriteItem, 8 batches at a time.
func fillPartition(ctx context.Context, c *dynamodb.Client, table *string, pk string, n int) error {
	return fillPartitionRange(ctx, c, table, pk, 0, n)
}

// fillPartitionRange writes the items with sort keys from..n-1 into one
// partition with BatchWriteItem, 8 batches at a time.
func fillPartitionRange(ctx context.Context, c *dynamodb.Client, table *string, pk string, from, n int) error {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next.Store(int64(from))
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				start := int(next.Add(25)) - 25
				if start >= n || ctx.Err() != nil {
					return
				}
				var reqs []types.WriteRequest
				for i := start; i < min(start+25, n); i++ {
					reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: benchItem(pk, int64(i))}})
				}
				pending := map[string][]types.WriteRequest{*table: reqs}
				for try := 0; len(pending) > 0 && try < 5; try++ {
					out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
					if err != nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = fmt.Errorf("batch write at %d of %d: %w", start, n, err)
						}
						mu.Unlock()
						return
					}
					pending = out.UnprocessedItems
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func init() {
	registerCurve(Curve{
		Name:    "dynamodb-query",
		Title:   "DynamoDB Query of 10 items",
		Size:    "items in the partition",
		Order:   200,
		Sizes:   []int{1_000, 10_000, 100_000, 1_000_000},
		MotoMax: 10_000,
		Fixture: func(ctx context.Context, cfg aws.Config) (func(context.Context, int) (Op, error), error) {
			c := dynamodb.NewFromConfig(cfg)
			table, err := benchTable(ctx, c, "bench-curve")
			if err != nil {
				return nil, err
			}
			have := 0
			return func(ctx context.Context, n int) (Op, error) {
				if err := fillPartitionRange(ctx, c, table, "p", have, n); err != nil {
					return nil, err
				}
				have = n
				return func(ctx context.Context, _ int) error {
					out, err := c.Query(ctx, &dynamodb.QueryInput{TableName: table, Limit: aws.Int32(10),
						KeyConditionExpression: aws.String("pk = :p AND sk >= :from"),
						ExpressionAttributeValues: map[string]types.AttributeValue{
							":p": &types.AttributeValueMemberS{Value: "p"}, ":from": &types.AttributeValueMemberN{Value: fmt.Sprint(rand.IntN(n - 10))}}})
					if err == nil && len(out.Items) != 10 {
						err = fmt.Errorf("query: %d items, want 10", len(out.Items))
					}
					return err
				}, nil
			}, nil
		},
	})
}
