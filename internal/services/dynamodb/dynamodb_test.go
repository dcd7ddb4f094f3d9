package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"haneul/internal/clock"
	"haneul/internal/server"
	"haneul/test/testutil"
)

func S(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func N(s string) types.AttributeValue { return &types.AttributeValueMemberN{Value: s} }
func L(v ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: v}
}
func M(m map[string]types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberM{Value: m}
}

func newClient(t *testing.T) *dynamodb.Client {
	t.Helper()
	cfg, _ := testutil.NewServer(t)
	return dynamodb.NewFromConfig(cfg)
}

// createTable makes a table with partition key pk (S) and sort key sk (N),
// a GSI on (gpk S, gsk S) and an LSI on (pk, lsk S).
func createTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("gpk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("gsk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("lsk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byG"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("gpk"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("gsk"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName: aws.String("byL"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("lsk"), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func apiErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s, got %v", code, err)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("want %s %q, got %s %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func TestTableLifecycle(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "things")
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("things")})
	if err != nil {
		t.Fatal(err)
	}
	tb := d.Table
	if tb.TableStatus != types.TableStatusActive || !strings.HasSuffix(aws.ToString(tb.TableArn), ":table/things") ||
		tb.BillingModeSummary.BillingMode != types.BillingModePayPerRequest || len(tb.GlobalSecondaryIndexes) != 1 ||
		tb.GlobalSecondaryIndexes[0].IndexStatus != types.IndexStatusActive || len(tb.LocalSecondaryIndexes) != 1 {
		t.Fatalf("describe %+v", tb)
	}
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("things"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	apiErr(t, err, "ResourceInUseException", "Table already exists: things")
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("bad"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	apiErr(t, err, "ValidationException", "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [pk]")
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("nope")})
	apiErr(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")

	for i := range 5 {
		createTable(t, c, fmt.Sprintf("page-%d", i))
	}
	var names []string
	var start *string
	for {
		out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(2), ExclusiveStartTableName: start})
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == nil {
			break
		}
		start = out.LastEvaluatedTableName
	}
	if strings.Join(names, ",") != "page-0,page-1,page-2,page-3,page-4,things" {
		t.Fatalf("tables %v", names)
	}

	// TTL, tags, PITR, streams, GSI changes.
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("things"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	ttl, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("things")})
	if err != nil || ttl.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled {
		t.Fatalf("ttl %v %v", ttl, err)
	}
	if _, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: tb.TableArn, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: tb.TableArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "core" {
		t.Fatalf("tags %v %v", tags, err)
	}
	if _, err := c.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("things"),
		PointInTimeRecoverySpecification: &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	cb, err := c.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("things")})
	if err != nil || cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != types.PointInTimeRecoveryStatusEnabled {
		t.Fatalf("pitr %v %v", cb, err)
	}
	up, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("things"),
		StreamSpecification:       &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
		DeletionProtectionEnabled: aws.Bool(true)})
	if err != nil || up.TableDescription.LatestStreamArn == nil {
		t.Fatalf("update %v %v", up, err)
	}
	_, err = c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("things")})
	apiErr(t, err, "ValidationException", "")
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("things"), DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	del, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("things")})
	if err != nil || del.TableDescription.TableStatus != types.TableStatusDeleting {
		t.Fatalf("delete %v %v", del, err)
	}
	if _, err := c.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestItemsAndQueries(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "t")
	for i := range 30 {
		item := map[string]types.AttributeValue{
			"pk": S("p"), "sk": N(fmt.Sprint(i - 10)), "lsk": S(fmt.Sprintf("l%02d", 29-i)),
			"gpk": S(fmt.Sprint("g", i%3)), "gsk": S(fmt.Sprintf("%03d", i)), "n": N(fmt.Sprint(i)),
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": S("other"), "sk": N("1")}}); err != nil {
		t.Fatal(err)
	}
	// Numbers order numerically: -10 … 19.
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"),
		KeyConditionExpression:    aws.String("pk = :p AND sk BETWEEN :a AND :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p"), ":a": N("-3"), ":b": N("2.5")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sks(q.Items); got != "-3,-2,-1,0,1,2" {
		t.Fatalf("between: %s", got)
	}
	// Backwards with a limit and pagination.
	var all []string
	var esk map[string]types.AttributeValue
	for {
		q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), KeyConditionExpression: aws.String("pk = :p AND sk > :a"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p"), ":a": N("14")},
			ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(2), ExclusiveStartKey: esk})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, sks(q.Items))
		if q.LastEvaluatedKey == nil {
			break
		}
		esk = q.LastEvaluatedKey
	}
	if got := strings.Join(all, "|"); got != "19,18|17,16|15|" && got != "19,18|17,16|15" {
		t.Fatalf("pages %s", got)
	}
	// GSI (keys only) and LSI.
	q, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), IndexName: aws.String("byG"),
		KeyConditionExpression:    aws.String("gpk = :g AND begins_with(gsk, :pre)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": S("g1"), ":pre": S("01")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sks(q.Items); got != "0,3,6,9" || len(q.Items[0]) != 4 {
		t.Fatalf("gsi %s %v", got, q.Items)
	}
	q, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), IndexName: aws.String("byL"),
		KeyConditionExpression: aws.String("pk = :p AND lsk < :l"), FilterExpression: aws.String("n >= :min"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p"), ":l": S("l03"), ":min": N("27")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sks(q.Items); got != "19,18,17" || aws.ToInt32(&q.ScannedCount) != 3 {
		t.Fatalf("lsi %s", got)
	}
	cnt, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), Select: types.SelectCount,
		KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p")}})
	if err != nil || cnt.Count != 30 || len(cnt.Items) != 0 {
		t.Fatalf("count %v %v", cnt, err)
	}
	// Scan in segments covers every item once.
	seen := 0
	for seg := range 3 {
		var esk map[string]types.AttributeValue
		for {
			sc, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("t"), Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(3), Limit: aws.Int32(7), ExclusiveStartKey: esk})
			if err != nil {
				t.Fatal(err)
			}
			seen += len(sc.Items)
			if sc.LastEvaluatedKey == nil {
				break
			}
			esk = sc.LastEvaluatedKey
		}
	}
	if seen != 31 {
		t.Fatalf("scan saw %d items", seen)
	}
	// Update with arithmetic, list_append, sets and ReturnValues.
	key := map[string]types.AttributeValue{"pk": S("p"), "sk": N("0")}
	u, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("t"), Key: key,
		UpdateExpression:          aws.String("SET n = n + :one, l = list_append(if_not_exists(l, :empty), :l), #m = :m ADD tags :tags REMOVE gpk"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND n = :ten"),
		ExpressionAttributeNames:  map[string]string{"#m": "map"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": N("1"), ":empty": L(), ":l": L(S("a")), ":m": M(map[string]types.AttributeValue{"x": N("1")}), ":tags": &types.AttributeValueMemberSS{Value: []string{"x", "y"}}, ":ten": N("10")},
		ReturnValues:              types.ReturnValueUpdatedNew})
	if err != nil {
		t.Fatal(err)
	}
	if n := u.Attributes["n"].(*types.AttributeValueMemberN).Value; n != "11" || len(u.Attributes) != 4 {
		t.Fatalf("updated new %v", u.Attributes)
	}
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("t"), Key: key,
		UpdateExpression: aws.String("SET n = :v"), ConditionExpression: aws.String("n = :v"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":v": N("0")},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.Item["n"].(*types.AttributeValueMemberN).Value != "11" {
		t.Fatalf("conditional failure %v", err)
	}
	// The GSI entry went away with gpk.
	q, _ = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("t"), IndexName: aws.String("byG"),
		KeyConditionExpression: aws.String("gpk = :g"), ExpressionAttributeValues: map[string]types.AttributeValue{":g": S("g1")}})
	if got := sks(q.Items); got != "-9,-6,-3,3,6,9,12,15,18" {
		t.Fatalf("gsi after remove: %s", got)
	}
	g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: key, ProjectionExpression: aws.String("l[0], #m.x, tags"),
		ExpressionAttributeNames: map[string]string{"#m": "map"}})
	if err != nil || len(g.Item) != 3 {
		t.Fatalf("get %v %v", g, err)
	}
	// Errors with AWS's texts.
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": S("p"), "sk": S("x")}})
	apiErr(t, err, "ValidationException", "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S")
	_, err = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("p")}})
	apiErr(t, err, "ValidationException", "The provided key element does not match the schema")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": S("p"), "sk": N("1"), "big": S(strings.Repeat("x", 400*1024))}})
	apiErr(t, err, "ValidationException", "Item size has exceeded the maximum allowed size")
	_, err = c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("nope"), Item: map[string]types.AttributeValue{"pk": S("p")}})
	apiErr(t, err, "ResourceNotFoundException", "Requested resource not found")
}

func sks(items []map[string]types.AttributeValue) string {
	var out []string
	for _, it := range items {
		if n, ok := it["sk"].(*types.AttributeValueMemberN); ok {
			out = append(out, n.Value)
		}
	}
	return strings.Join(out, ",")
}

func TestTransactionsAndBatches(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "t")
	var reqs []types.WriteRequest
	for i := range 25 {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": S("b"), "sk": N(fmt.Sprint(i))}}})
	}
	bw, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"t": reqs}})
	if err != nil || len(bw.UnprocessedItems) != 0 {
		t.Fatalf("batch write %v %v", bw, err)
	}
	bg, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"t": {Keys: []map[string]types.AttributeValue{
		{"pk": S("b"), "sk": N("3")}, {"pk": S("b"), "sk": N("99")}}}}})
	if err != nil || len(bg.Responses["t"]) != 1 {
		t.Fatalf("batch get %v %v", bg, err)
	}
	tx := &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String("tok-1"), TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("t"), Item: map[string]types.AttributeValue{"pk": S("x"), "sk": N("1")}, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Update: &types.Update{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("b"), "sk": N("1")}, UpdateExpression: aws.String("ADD c :one"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": N("1")}}},
	}}
	if _, err := c.TransactWriteItems(ctx, tx); err != nil {
		t.Fatal(err)
	}
	// Same token, same payload: not applied again.
	if _, err := c.TransactWriteItems(ctx, tx); err != nil {
		t.Fatal(err)
	}
	tg, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("b"), "sk": N("1")}}},
		{Get: &types.Get{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("none"), "sk": N("1")}}},
	}})
	if err != nil || tg.Responses[0].Item["c"].(*types.AttributeValueMemberN).Value != "1" || tg.Responses[1].Item != nil {
		t.Fatalf("transact get %v %v", tg, err)
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("b"), "sk": N("2")}}},
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("x"), "sk": N("1")},
			ConditionExpression: aws.String("attribute_not_exists(pk)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "None" ||
		aws.ToString(tce.CancellationReasons[1].Code) != "ConditionalCheckFailed" || tce.CancellationReasons[1].Item == nil {
		t.Fatalf("cancel %v", err)
	}
	if g, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": S("b"), "sk": N("2")}}); g.Item == nil {
		t.Fatal("a cancelled transaction deleted an item")
	}
}

func TestConcurrentConditionalWrites(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "t")
	key := map[string]types.AttributeValue{"pk": S("k"), "sk": N("0")}
	// Create-if-absent: exactly one of many concurrent writers wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"),
				Item:                map[string]types.AttributeValue{"pk": S("k"), "sk": N("0"), "v": N("0"), "who": N(fmt.Sprint(i))},
				ConditionExpression: aws.String("attribute_not_exists(pk)")})
			if err == nil {
				wins.Add(1)
			} else if !strings.Contains(err.Error(), "ConditionalCheckFailed") {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners", wins.Load())
	}
	// Optimistic increments: no lost update.
	const workers, each = 8, 10
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < each; {
				g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: key, ConsistentRead: aws.Bool(true)})
				if err != nil {
					t.Error(err)
					return
				}
				v := g.Item["v"].(*types.AttributeValueMemberN).Value
				_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("t"), Key: key,
					UpdateExpression: aws.String("SET v = v + :one"), ConditionExpression: aws.String("v = :seen"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":one": N("1"), ":seen": N(v)}})
				if err == nil {
					done++
				} else if !strings.Contains(err.Error(), "ConditionalCheckFailed") {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	g, _ := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("t"), Key: key})
	if v := g.Item["v"].(*types.AttributeValueMemberN).Value; v != fmt.Sprint(workers*each) {
		t.Fatalf("v = %s, want %d", v, workers*each)
	}
}

// TestTTLSweeper: expired items disappear (as a REMOVE by the TTL service
// would), items with a future or five-years-past expiry stay.
func TestTTLSweeper(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	cfg, _ := testutil.NewServer(t, testutil.WithServerOption(server.WithClock(clk)))
	c := dynamodb.NewFromConfig(cfg)
	ctx := context.Background()
	createTable(t, c, "ttl")
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	put := func(sk int, exp string) {
		item := map[string]types.AttributeValue{"pk": S("p"), "sk": N(fmt.Sprint(sk))}
		if exp != "" {
			item["exp"] = N(exp)
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("ttl"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	put(1, fmt.Sprint(now.Add(time.Minute).Unix()))         // expires after the clock moves
	put(2, fmt.Sprint(now.Add(time.Hour).Unix()))           // stays
	put(3, fmt.Sprint(now.Add(-6*365*24*time.Hour).Unix())) // AWS ignores expiries over five years old
	put(4, "")                                              // no TTL
	put(5, fmt.Sprint(now.Add(30*time.Second).Unix()))      // expires
	clk.Advance(2 * time.Minute)
	deadline := time.Now().Add(30 * time.Second)
	for {
		q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("ttl"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": S("p")}})
		if err != nil {
			t.Fatal(err)
		}
		if got := sks(q.Items); got == "2,3,4" {
			return
		} else if time.Now().After(deadline) {
			t.Fatalf("items left: %s, want 2,3,4", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
