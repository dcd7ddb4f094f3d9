package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"haneul/test/testutil"
)

// TestTerraformDynamoDB applies tables with a GSI, TTL, a stream and PITR,
// re-plans with no changes, destroys them, and checks nothing is left.
func TestTerraformDynamoDB(t *testing.T) {
	t.Parallel() // Terraform mostly waits on its provider; the e2e package runs these side by side
	h := start(t)
	tf := newTerraform(t, h, "dynamodb")
	tf.applyReplan()

	c := dynamodb.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	ctx := context.Background()
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("haneul-requests")})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Table.GlobalSecondaryIndexes) != 1 || d.Table.StreamSpecification == nil || d.Table.LatestStreamArn == nil {
		t.Errorf("table: %+v", d.Table)
	}
	ttl, err := c.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("haneul-requests")})
	if err != nil || ttl.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled {
		t.Errorf("ttl: %v %v", ttl, err)
	}

	tf.destroy()
	l, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil || len(l.TableNames) != 0 {
		t.Errorf("tables after destroy: %v %v", l, err)
	}
}

// TestDynamoDBCLI drives DynamoDB with aws-cli.
func TestDynamoDBCLI(t *testing.T) {
	need(t, "aws")
	h := start(t)
	dir := t.TempDir()
	awsCLI(t, h, dir, "dynamodb", "create-table", "--table-name", "cli",
		"--attribute-definitions", "AttributeName=id,AttributeType=S", "AttributeName=n,AttributeType=N",
		"--key-schema", "AttributeName=id,KeyType=HASH", "AttributeName=n,KeyType=RANGE", "--billing-mode", "PAY_PER_REQUEST")
	awsCLI(t, h, dir, "dynamodb", "wait", "table-exists", "--table-name", "cli")
	for i := range 5 {
		awsCLI(t, h, dir, "dynamodb", "put-item", "--table-name", "cli", "--item", fmt.Sprintf(`{"id":{"S":"a"},"n":{"N":"%d"},"tags":{"SS":["x"]}}`, i))
	}
	out := awsCLI(t, h, dir, "dynamodb", "update-item", "--table-name", "cli", "--key", `{"id":{"S":"a"},"n":{"N":"2"}}`,
		"--update-expression", "SET #c = if_not_exists(#c, :z) + :one ADD tags :t", "--expression-attribute-names", `{"#c":"count"}`,
		"--expression-attribute-values", `{":z":{"N":"0"},":one":{"N":"1"},":t":{"SS":["y"]}}`, "--return-values", "ALL_NEW")
	if !strings.Contains(out, `"count"`) || !strings.Contains(out, `"y"`) {
		t.Errorf("update-item:\n%s", out)
	}
	out = awsCLI(t, h, dir, "dynamodb", "query", "--table-name", "cli", "--key-condition-expression", "id = :a AND n >= :two",
		"--expression-attribute-values", `{":a":{"S":"a"},":two":{"N":"2"}}`, "--no-scan-index-forward", "--output", "json")
	if !strings.Contains(out, `"Count": 3`) {
		t.Errorf("query:\n%s", out)
	}
	// The CLI paginates a scan by itself.
	out = awsCLI(t, h, dir, "dynamodb", "scan", "--table-name", "cli", "--page-size", "2", "--select", "COUNT")
	if !strings.Contains(out, `"Count": 5`) {
		t.Errorf("scan:\n%s", out)
	}
	cmd := exec.Command("aws", "dynamodb", "put-item", "--table-name", "cli", "--item", `{"id":{"S":"a"},"n":{"N":"1"}}`, "--condition-expression", "attribute_not_exists(id)")
	cmd.Env = h.env()
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "ConditionalCheckFailedException") {
		t.Errorf("conditional put: %v\n%s", err, b)
	}
	// PartiQL: a parameterised SELECT that is a Query, and an UPDATE.
	out = awsCLI(t, h, dir, "dynamodb", "execute-statement", "--statement", `SELECT n FROM "cli" WHERE id = ? AND n > 2`,
		"--parameters", `[{"S":"a"}]`, "--output", "json")
	if !strings.Contains(out, `"N": "3"`) || !strings.Contains(out, `"N": "4"`) || strings.Contains(out, `"N": "2"`) {
		t.Errorf("execute-statement select:\n%s", out)
	}
	awsCLI(t, h, dir, "dynamodb", "execute-statement", "--statement", `UPDATE "cli" SET note = 'partiql' WHERE id = 'a' AND n = 0`)
	out = awsCLI(t, h, dir, "dynamodb", "get-item", "--table-name", "cli", "--key", `{"id":{"S":"a"},"n":{"N":"0"}}`)
	if !strings.Contains(out, "partiql") {
		t.Errorf("execute-statement update:\n%s", out)
	}
	awsCLI(t, h, dir, "dynamodb", "delete-table", "--table-name", "cli")
}

// TestDynamoDBBoto3 runs the boto3 checks in testdata/dynamodb/boto3_dynamodb.py
// (the client and the resource layer with Key/Attr conditions).
func TestDynamoDBBoto3(t *testing.T) {
	need(t, "python3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("e2e: boto3 is not installed")
	}
	h := start(t)
	cmd := exec.Command("python3", "testdata/dynamodb/boto3_dynamodb.py")
	cmd.Env = h.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 checks failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestDynamoDBKill9 checks that acknowledged writes, index entries included,
// survive kill -9.
func TestDynamoDBKill9(t *testing.T) {
	need(t, "true")
	dataDir := t.TempDir()
	h := start(t, "--data-dir", dataDir)
	ctx := context.Background()
	c := dynamodb.NewFromConfig(testutil.AWSConfig(h.URL, "test"))
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("durable"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("byG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		item := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "p"}, "sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
			"g": &types.AttributeValueMemberS{Value: fmt.Sprint(i % 2)}, "b": &types.AttributeValueMemberB{Value: []byte{0xff, byte(i)}}}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("durable"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	h.kill()
	h2 := startAt(t, h.Addr, "--data-dir", dataDir)
	c = dynamodb.NewFromConfig(testutil.AWSConfig(h2.URL, "test"))
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("durable"), KeyConditionExpression: aws.String("pk = :p AND sk >= :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "p"}, ":n": &types.AttributeValueMemberN{Value: "150"}}})
	if err != nil || q.Count != 50 {
		t.Fatalf("query after kill -9: %v %v", q, err)
	}
	if b := q.Items[49]["b"].(*types.AttributeValueMemberB).Value; len(b) != 2 || b[1] != 199 {
		t.Errorf("binary after kill -9: %v", b)
	}
	g, err := c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("durable"), IndexName: aws.String("byG"), KeyConditionExpression: aws.String("g = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": &types.AttributeValueMemberS{Value: "1"}}})
	if err != nil || g.Count != 100 {
		t.Fatalf("index after kill -9: %v %v", g, err)
	}
}
