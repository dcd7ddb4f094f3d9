package dynamodb_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// TestPartiQL drives ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction through aws-sdk-go-v2 on the test table (pk S, sk N,
// GSI byG on gpk/gsk, LSI byL on lsk).
func TestPartiQL(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	createTable(t, c, "ql")
	exec := func(stmt string, params ...types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
		return c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt), Parameters: params})
	}
	must := func(stmt string, params ...types.AttributeValue) *dynamodb.ExecuteStatementOutput {
		t.Helper()
		out, err := exec(stmt, params...)
		if err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		return out
	}
	code := func(err error) string {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		return ""
	}
	sks := func(items []map[string]types.AttributeValue) []string {
		var out []string
		for _, it := range items {
			out = append(out, it["sk"].(*types.AttributeValueMemberN).Value)
		}
		return out
	}

	for _, s := range []string{"1", "2", "3", "4", "5"} {
		must(`INSERT INTO "ql" VALUE {'pk': 'user#1', 'sk': ?, 'name': ?, 'tags': <<'a', 'b'>>, 'n': 10, 'gpk': 'g', 'gsk': 'x'}`, N(s), S("item "+s))
	}
	must(`INSERT INTO ql VALUE {'pk': 'user#2', 'sk': 1, 'name': 'other', 'doc': {'deep': [1, 2, {'x': true}]}}`)

	// INSERT of an existing key is a DuplicateItemException.
	if _, err := exec(`INSERT INTO "ql" VALUE {'pk': 'user#1', 'sk': 1}`); code(err) != "DuplicateItemException" {
		t.Fatalf("duplicate insert: %v", err)
	}

	cases := []struct {
		stmt   string
		params []types.AttributeValue
		want   []string
	}{
		{`SELECT * FROM "ql" WHERE pk = 'user#1'`, nil, []string{"1", "2", "3", "4", "5"}},
		{`SELECT * FROM "ql" WHERE pk = ? AND sk > 3`, []types.AttributeValue{S("user#1")}, []string{"4", "5"}},
		{`SELECT * FROM "ql" WHERE sk BETWEEN 2 AND 4 AND pk = 'user#1'`, nil, []string{"2", "3", "4"}},
		{`SELECT * FROM "ql" WHERE pk = 'user#1' ORDER BY sk DESC`, nil, []string{"5", "4", "3", "2", "1"}},
		{`SELECT * FROM "ql" WHERE pk = 'user#1' AND name IN ['item 2', 'item 4']`, nil, []string{"2", "4"}},
		{`SELECT * FROM "ql" WHERE pk = 'user#1' AND (sk = 1 OR sk = 5)`, nil, []string{"1", "5"}},
		{`SELECT * FROM "ql" WHERE pk = 'user#1' AND NOT sk < 4`, nil, []string{"4", "5"}},
		{`SELECT * FROM "ql" WHERE pk = 'user#1' AND begins_with(name, 'item 3')`, nil, []string{"3"}},
		{`SELECT * FROM "ql" WHERE contains(tags, 'a') AND sk >= 5`, nil, []string{"5"}},                   // a scan
		{`SELECT * FROM "ql" WHERE doc IS NOT MISSING`, nil, []string{"1"}},                                // a scan
		{`SELECT * FROM "ql" WHERE doc.deep[2].x = true`, nil, []string{"1"}},                              // nested path
		{`SELECT * FROM "ql"."byG" WHERE gpk = 'g' AND gsk = 'x'`, nil, []string{"1", "2", "3", "4", "5"}}, // an index
	}
	for _, tc := range cases {
		out := must(tc.stmt, tc.params...)
		got := sks(out.Items)
		if sort.StringsAreSorted(tc.want) {
			sort.Strings(got) // a scan's order is its own; ORDER BY DESC cases keep theirs
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.stmt, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.stmt, got, tc.want)
				break
			}
		}
	}

	// A projection returns only the named attributes.
	out := must(`SELECT name, doc.deep[0] FROM "ql" WHERE pk = 'user#2' AND sk = 1`)
	if len(out.Items) != 1 || len(out.Items[0]) != 2 || out.Items[0]["name"].(*types.AttributeValueMemberS).Value != "other" {
		t.Fatalf("projection %v", out.Items)
	}

	// Paging: Limit and NextToken walk the partition.
	var pages [][]string
	var next *string
	for {
		out, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "ql" WHERE pk = 'user#1'`), Limit: aws.Int32(2), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, sks(out.Items))
		if next = out.NextToken; next == nil {
			break
		}
	}
	if len(pages) != 3 || len(pages[0]) != 2 || pages[2][0] != "5" {
		t.Fatalf("pages %v", pages)
	}

	// UPDATE: SET with arithmetic and REMOVE, RETURNING ALL NEW *.
	out = must(`UPDATE "ql" SET n = n + 5 SET note = 'seen' REMOVE tags WHERE pk = 'user#1' AND sk = 2 RETURNING ALL NEW *`)
	if len(out.Items) != 1 || out.Items[0]["n"].(*types.AttributeValueMemberN).Value != "15" || out.Items[0]["tags"] != nil {
		t.Fatalf("update returned %v", out.Items)
	}
	// UPDATE of a missing item, or with a failing condition, is a ConditionalCheckFailedException.
	if _, err := exec(`UPDATE "ql" SET n = 1 WHERE pk = 'nobody' AND sk = 1`); code(err) != "ConditionalCheckFailedException" {
		t.Fatalf("update of a missing item: %v", err)
	}
	if _, err := exec(`UPDATE "ql" SET n = 1 WHERE pk = 'user#1' AND sk = 3 AND n > 100`); code(err) != "ConditionalCheckFailedException" {
		t.Fatalf("update with a failing condition: %v", err)
	}
	// UPDATE and DELETE must fix the whole key.
	if _, err := exec(`DELETE FROM "ql" WHERE pk = 'user#1'`); code(err) != "ValidationException" {
		t.Fatalf("delete without the sort key: %v", err)
	}
	out = must(`DELETE FROM "ql" WHERE pk = 'user#1' AND sk = 5 RETURNING ALL OLD *`)
	if len(out.Items) != 1 || out.Items[0]["name"].(*types.AttributeValueMemberS).Value != "item 5" {
		t.Fatalf("delete returned %v", out.Items)
	}

	// Errors: syntax, parameter count, unknown table.
	for _, tc := range []struct {
		stmt   string
		params []types.AttributeValue
		code   string
	}{
		{`SELEKT * FROM "ql"`, nil, "ValidationException"},
		{`SELECT * FROM "ql" WHERE pk = ?`, nil, "ValidationException"},
		{`SELECT * FROM "ql" WHERE pk = 'a'`, []types.AttributeValue{S("extra")}, "ValidationException"},
		{`SELECT * FROM "missing" WHERE pk = 'a'`, nil, "ResourceNotFoundException"},
		{`SELECT * FROM "ql" WHERE pk = 'unterminated`, nil, "ValidationException"},
	} {
		if _, err := exec(tc.stmt, tc.params...); code(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.stmt, err, tc.code)
		}
	}

	// BatchExecuteStatement: per-statement results and errors.
	batch, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`INSERT INTO "ql" VALUE {'pk': 'b', 'sk': 1}`)},
		{Statement: aws.String(`INSERT INTO "ql" VALUE {'pk': 'user#1', 'sk': 1}`)},
		{Statement: aws.String(`UPDATE "ql" SET v = 1 WHERE pk = 'b' AND sk = 9`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if batch.Responses[0].Error != nil || batch.Responses[1].Error == nil || batch.Responses[1].Error.Code != types.BatchStatementErrorCodeEnumDuplicateItem ||
		batch.Responses[2].Error == nil || batch.Responses[2].Error.Code != types.BatchStatementErrorCodeEnumConditionalCheckFailed {
		t.Fatalf("batch writes %+v", batch.Responses)
	}
	reads, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM "ql" WHERE pk = 'b' AND sk = 1`)},
		{Statement: aws.String(`SELECT * FROM "ql" WHERE pk = 'b'`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if reads.Responses[0].Item == nil || reads.Responses[1].Error == nil || reads.Responses[1].Error.Code != types.BatchStatementErrorCodeEnumValidationError {
		t.Fatalf("batch reads %+v", reads.Responses)
	}
	if _, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM "ql" WHERE pk = 'b' AND sk = 1`)},
		{Statement: aws.String(`DELETE FROM "ql" WHERE pk = 'b' AND sk = 1`)},
	}}); code(err) != "ValidationException" {
		t.Fatalf("mixed batch: %v", err)
	}

	// ExecuteTransaction: all or nothing.
	_, err = c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String(`INSERT INTO "ql" VALUE {'pk': 't', 'sk': 1}`)},
		{Statement: aws.String(`UPDATE "ql" SET v = 1 WHERE pk = 'nobody' AND sk = 1`)},
	}})
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) {
		t.Fatalf("failing transaction: %v", err)
	}
	if out := must(`SELECT * FROM "ql" WHERE pk = 't'`); len(out.Items) != 0 {
		t.Fatalf("a cancelled transaction wrote %v", out.Items)
	}
	if _, err := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String(`INSERT INTO "ql" VALUE {'pk': 't', 'sk': 1}`)},
		{Statement: aws.String(`UPDATE "ql" SET v = 2 WHERE pk = 'b' AND sk = 1`)},
	}}); err != nil {
		t.Fatal(err)
	}
	tx, err := c.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String(`SELECT * FROM "ql" WHERE pk = 't' AND sk = 1`)},
		{Statement: aws.String(`SELECT v FROM "ql" WHERE pk = 'b' AND sk = ?`), Parameters: []types.AttributeValue{N("1")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.Responses) != 2 || tx.Responses[0].Item == nil || tx.Responses[1].Item["v"].(*types.AttributeValueMemberN).Value != "2" {
		t.Fatalf("transactional reads %+v", tx.Responses)
	}
}
