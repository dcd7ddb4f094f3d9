package dynamodb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestDescribeTableCounts checks the ItemCount and size DescribeTable
// reports for the table and each index as items are put, overwritten,
// moved out of an index, deleted, and when a GSI is added to a full table
// or the table is dropped and made again.
func TestDescribeTableCounts(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "counted")
	counts := func() (table, gsi, lsi int64, bytes int64) {
		t.Helper()
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("counted")})
		if err != nil {
			t.Fatal(err)
		}
		tb := d.Table
		return aws.ToInt64(tb.ItemCount), aws.ToInt64(tb.GlobalSecondaryIndexes[0].ItemCount),
			aws.ToInt64(tb.LocalSecondaryIndexes[0].ItemCount), aws.ToInt64(tb.TableSizeBytes)
	}
	put := func(pk string, sk int, extra map[string]types.AttributeValue) {
		t.Helper()
		it := map[string]types.AttributeValue{"pk": S(pk), "sk": N(fmt.Sprint(sk))}
		for k, v := range extra {
			it[k] = v
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("counted"), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		extra := map[string]types.AttributeValue{}
		if i%2 == 0 {
			extra["gpk"], extra["gsk"] = S("g"), S(fmt.Sprint(i))
		}
		if i%5 == 0 {
			extra["lsk"] = S("l")
		}
		put("p", i, extra)
	}
	tbl, gsi, lsi, bytes := counts()
	if tbl != 10 || gsi != 5 || lsi != 2 || bytes <= 0 {
		t.Fatalf("after 10 puts: table %d gsi %d lsi %d bytes %d", tbl, gsi, lsi, bytes)
	}
	// Overwriting item 0 without its index attributes takes it out of both indexes.
	put("p", 0, nil)
	// Deleting item 1 (in no index) and item 2 (in the GSI).
	for _, sk := range []string{"1", "2"} {
		if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("counted"),
			Key: map[string]types.AttributeValue{"pk": S("p"), "sk": N(sk)}}); err != nil {
			t.Fatal(err)
		}
	}
	// Deleting an item that does not exist changes nothing.
	if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("counted"),
		Key: map[string]types.AttributeValue{"pk": S("p"), "sk": N("99")}}); err != nil {
		t.Fatal(err)
	}
	tbl, gsi, lsi, smaller := counts()
	if tbl != 8 || gsi != 3 || lsi != 1 || smaller >= bytes {
		t.Fatalf("after overwrite and deletes: table %d gsi %d lsi %d bytes %d (was %d)", tbl, gsi, lsi, smaller, bytes)
	}

	// A GSI added to a table that has items counts them at once.
	_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String("counted"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName:  aws.String("bySK"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("sk"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("counted")})
	if err != nil {
		t.Fatal(err)
	}
	for _, ix := range d.Table.GlobalSecondaryIndexes {
		if aws.ToString(ix.IndexName) == "bySK" && aws.ToInt64(ix.ItemCount) != 8 {
			t.Errorf("new GSI counts %d items, want 8", aws.ToInt64(ix.ItemCount))
		}
	}

	// A table made again under the same name starts from zero.
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("counted")}); err != nil {
		t.Fatal(err)
	}
	createTable(t, c, "counted")
	if tbl, gsi, lsi, bytes := counts(); tbl != 0 || gsi != 0 || lsi != 0 || bytes != 0 {
		t.Fatalf("recreated table: table %d gsi %d lsi %d bytes %d", tbl, gsi, lsi, bytes)
	}
}
