package dynamodb

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// pqKeys is the key schema a statement reads through: its table's, or its
// index's for SELECT … FROM "table"."index".
func (s *Service) pqKeys(ctx context.Context, st *pqStatement) (keySchema, error) {
	var key keySchema
	err := s.db.View(func(tx *state.Tx) error {
		t, err := s.getTable(tx, scopeOf(ctx), st.table)
		if err != nil {
			return err
		}
		key = t.Key
		if st.index != "" {
			ix := t.index(st.index)
			if ix == nil {
				return validation("The table does not have the specified index: %s", st.index)
			}
			key = ix.Key
		}
		return nil
	})
	return key, err
}

// ExecuteStatement runs one PartiQL statement.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html
func (s *Service) ExecuteStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, error) {
	st, err := parsePartiQL(ptr.Val(in.Statement), in.Parameters)
	if err != nil {
		return nil, err
	}
	if st.kind == "SELECT" {
		return s.pqSelect(ctx, st, in)
	}
	if in.NextToken != nil || in.Limit != nil {
		// AWS: paging applies to reads only.
		return nil, validation("Limit and NextToken are only supported for SELECT statements")
	}
	w, err := s.pqWriteOf(ctx, st)
	if err != nil {
		return nil, err
	}
	w.returnOnFailure = in.ReturnValuesOnConditionCheckFailure
	attrs, err := s.pqApply(ctx, w)
	if err != nil {
		return nil, err
	}
	out := &ExecuteStatementOutput{Items: []map[string]AttributeValue{}}
	if len(attrs) > 0 {
		out.Items = append(out.Items, attrs)
	}
	return out, nil
}

// pqSelect runs a SELECT: a Query when the WHERE clause fixes the partition
// key with an equality ANDed at its top, otherwise a Scan.
func (s *Service) pqSelect(ctx context.Context, st *pqStatement, in *ExecuteStatementInput) (*ExecuteStatementOutput, error) {
	key, err := s.pqKeys(ctx, st)
	if err != nil {
		return nil, err
	}
	start, err := decodeNextToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	r := newPQRender()
	var keyTerms, rest []pqExpr
	for _, term := range conjuncts(st.where) {
		switch {
		case len(keyTerms) == 0 && isKeyEquality(term, key.PK):
			keyTerms = append(keyTerms, term)
		case key.SK != "" && len(keyTerms) == 1 && isSortKeyCondition(term, key.SK):
			keyTerms = append(keyTerms, term)
		default:
			rest = append(rest, term)
		}
	}
	// A sort-key term seen before the partition key went to rest: move it back.
	if len(keyTerms) == 1 && key.SK != "" {
		for i, term := range rest {
			if isSortKeyCondition(term, key.SK) {
				keyTerms = append(keyTerms, term)
				rest = append(rest[:i:i], rest[i+1:]...)
				break
			}
		}
	}
	var projection *string
	if st.project != nil {
		cols := make([]string, len(st.project))
		for i, p := range st.project {
			cols[i] = r.path(p)
		}
		projection = ptr.To(strings.Join(cols, ", "))
	}
	var filter *string
	if len(rest) > 0 {
		f, err := r.cond(andAll(rest))
		if err != nil {
			return nil, err
		}
		filter = &f
	}
	var index *string
	if st.index != "" {
		index = ptr.To(st.index)
	}
	out := &ExecuteStatementOutput{}
	if len(keyTerms) == 0 {
		if st.orderDesc {
			return nil, validation("Must have WHERE clause in the statement when using ORDER BY clause.")
		}
		res, err := s.Scan(ctx, &ScanInput{
			TableName: ptr.To(st.table), IndexName: index, Limit: in.Limit, ExclusiveStartKey: start,
			FilterExpression: filter, ProjectionExpression: projection, ConsistentRead: in.ConsistentRead,
			ExpressionAttributeNames: nonEmpty(r.names), ExpressionAttributeValues: nonEmptyValues(r.values),
			ReturnConsumedCapacity: in.ReturnConsumedCapacity,
		})
		if err != nil {
			return nil, err
		}
		out.Items, out.LastEvaluatedKey, out.ConsumedCapacity = res.Items, res.LastEvaluatedKey, res.ConsumedCapacity
	} else {
		kc, err := r.cond(andAll(keyTerms))
		if err != nil {
			return nil, err
		}
		res, err := s.Query(ctx, &QueryInput{
			TableName: ptr.To(st.table), IndexName: index, Limit: in.Limit, ExclusiveStartKey: start,
			KeyConditionExpression: &kc, FilterExpression: filter, ProjectionExpression: projection,
			ConsistentRead: in.ConsistentRead, ScanIndexForward: ptr.To(!st.orderDesc),
			ExpressionAttributeNames: nonEmpty(r.names), ExpressionAttributeValues: nonEmptyValues(r.values),
			ReturnConsumedCapacity: in.ReturnConsumedCapacity,
		})
		if err != nil {
			return nil, err
		}
		out.Items, out.LastEvaluatedKey, out.ConsumedCapacity = res.Items, res.LastEvaluatedKey, res.ConsumedCapacity
	}
	if out.Items == nil {
		out.Items = []map[string]AttributeValue{}
	}
	if out.LastEvaluatedKey != nil {
		b, err := json.Marshal(out.LastEvaluatedKey)
		if err != nil {
			return nil, err
		}
		out.NextToken = ptr.To(base64.StdEncoding.EncodeToString(b))
	}
	return out, nil
}

func isKeyEquality(term pqExpr, name string) bool {
	_, ok := keyEquality(term, name)
	return ok
}

// decodeNextToken turns an ExecuteStatement NextToken back into the key to
// start after.
func decodeNextToken(tok *string) (map[string]AttributeValue, error) {
	if tok == nil {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(*tok)
	var key map[string]AttributeValue
	if err == nil {
		err = json.Unmarshal(b, &key)
	}
	if err != nil || len(key) == 0 {
		return nil, validation("Invalid NextToken")
	}
	return key, nil
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func nonEmptyValues(m map[string]AttributeValue) map[string]AttributeValue {
	if len(m) == 0 {
		return nil
	}
	return m
}

// pqWrite is an INSERT, UPDATE or DELETE as the item call it stands for.
type pqWrite struct {
	kind            string // INSERT, UPDATE, DELETE
	table           string
	item            Item // INSERT
	key             Item // UPDATE, DELETE
	update          string
	condition       *string
	names           map[string]string
	values          map[string]AttributeValue
	returnValues    *string
	returnOnFailure *string
}

// pqWriteOf plans a write statement.
func (s *Service) pqWriteOf(ctx context.Context, st *pqStatement) (*pqWrite, error) {
	key, err := s.pqKeys(ctx, st)
	if err != nil {
		return nil, err
	}
	r := newPQRender()
	w := &pqWrite{kind: st.kind, table: st.table}
	if st.kind == "INSERT" {
		v, ok := st.item.(*pqValue)
		if !ok || v.v.M == nil {
			return nil, malformed("INSERT takes a tuple: VALUE {'attribute': value, …}")
		}
		w.item = v.v.M
		// AWS: INSERT adds an item and fails if one with its key exists.
		w.condition = ptr.To("attribute_not_exists(" + r.name(key.PK) + ")")
		w.names = r.names
		return w, nil
	}
	// AWS: UPDATE and DELETE name one item: the WHERE clause must fix every
	// key attribute with an equality; further terms are conditions.
	w.key = Item{}
	var rest []pqExpr
	for _, term := range conjuncts(st.where) {
		matched := false
		for _, k := range []string{key.PK, key.SK} {
			if k == "" {
				continue
			}
			if _, have := w.key[k]; have {
				continue
			}
			if v, ok := keyEquality(term, k); ok {
				w.key[k] = v
				matched = true
				break
			}
		}
		if !matched {
			rest = append(rest, term)
		}
	}
	if _, ok := w.key[key.PK]; !ok || (key.SK != "" && w.key[key.SK].isZero()) {
		return nil, validation("Where clause does not contain a mandatory equality on all key attributes")
	}
	var conds []string
	if st.kind == "UPDATE" {
		// AWS: UPDATE changes an existing item only.
		conds = append(conds, "attribute_exists("+r.name(key.PK)+")")
		var sets, removes []string
		for _, set := range st.sets {
			v, err := r.operand(set.value)
			if err != nil {
				return nil, err
			}
			sets = append(sets, r.path(set.path)+" = "+v)
		}
		for _, p := range st.removes {
			removes = append(removes, r.path(p))
		}
		if len(sets) > 0 {
			w.update = "SET " + strings.Join(sets, ", ")
		}
		if len(removes) > 0 {
			w.update = strings.TrimSpace(w.update + " REMOVE " + strings.Join(removes, ", "))
		}
	}
	if len(rest) > 0 {
		c, err := r.cond(andAll(rest))
		if err != nil {
			return nil, err
		}
		conds = append(conds, "("+c+")")
	}
	if len(conds) > 0 {
		w.condition = ptr.To(strings.Join(conds, " AND "))
	}
	w.names, w.values = r.names, r.values
	if st.returning != "" {
		w.returnValues = ptr.To(st.returning)
	}
	return w, nil
}

// isZero reports whether v holds no value (a missing map entry).
func (v AttributeValue) isZero() bool {
	return v.S == nil && v.N == nil && v.B == nil && v.BOOL == nil && v.NULL == nil && v.L == nil && v.M == nil && v.SS == nil && v.NS == nil && v.BS == nil
}

// pqApply runs a planned write and returns the attributes it returns.
func (s *Service) pqApply(ctx context.Context, w *pqWrite) (Item, error) {
	names, values := nonEmpty(w.names), nonEmptyValues(w.values)
	switch w.kind {
	case "INSERT":
		_, err := s.PutItem(ctx, &PutItemInput{TableName: ptr.To(w.table), Item: w.item, ConditionExpression: w.condition,
			ExpressionAttributeNames: names, ReturnValuesOnConditionCheckFailure: w.returnOnFailure})
		if e, ok := awserr.As(err); ok && e.Code == "ConditionalCheckFailedException" {
			return nil, duplicateItem()
		}
		return nil, err
	case "UPDATE":
		out, err := s.UpdateItem(ctx, &UpdateItemInput{TableName: ptr.To(w.table), Key: w.key, UpdateExpression: &w.update,
			ConditionExpression: w.condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ReturnValues: w.returnValues, ReturnValuesOnConditionCheckFailure: w.returnOnFailure})
		if err != nil {
			return nil, err
		}
		return out.Attributes, nil
	default:
		out, err := s.DeleteItem(ctx, &DeleteItemInput{TableName: ptr.To(w.table), Key: w.key, ConditionExpression: w.condition,
			ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: w.returnValues,
			ReturnValuesOnConditionCheckFailure: w.returnOnFailure})
		if err != nil {
			return nil, err
		}
		return out.Attributes, nil
	}
}

// transactItem is the write as an item of TransactWriteItems.
func (w *pqWrite) transactItem() TransactWriteItem {
	names, values := nonEmpty(w.names), nonEmptyValues(w.values)
	switch w.kind {
	case "INSERT":
		return TransactWriteItem{Put: &Put{TableName: ptr.To(w.table), Item: w.item, ConditionExpression: w.condition,
			ExpressionAttributeNames: names, ReturnValuesOnConditionCheckFailure: w.returnOnFailure}}
	case "UPDATE":
		return TransactWriteItem{Update: &Update{TableName: ptr.To(w.table), Key: w.key, UpdateExpression: ptr.To(w.update),
			ConditionExpression: w.condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
			ReturnValuesOnConditionCheckFailure: w.returnOnFailure}}
	default:
		return TransactWriteItem{Delete: &Delete{TableName: ptr.To(w.table), Key: w.key, ConditionExpression: w.condition,
			ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValuesOnConditionCheckFailure: w.returnOnFailure}}
	}
}

func duplicateItem() error {
	return awserr.New("DuplicateItemException", 0, "Duplicate primary key exists in table")
}

// pqGet plans a SELECT that a batch or transaction reads as a GetItem: its
// WHERE clause must fix every key attribute of the table with an equality
// and nothing else.
func (s *Service) pqGet(ctx context.Context, st *pqStatement) (*Get, error) {
	if st.index != "" {
		return nil, validation("Batch and transactional reads must read a table, not an index")
	}
	key, err := s.pqKeys(ctx, st)
	if err != nil {
		return nil, err
	}
	g := &Get{TableName: ptr.To(st.table), Key: Item{}}
	for _, term := range conjuncts(st.where) {
		v, okPK := keyEquality(term, key.PK)
		if !okPK && key.SK != "" {
			v, okPK = keyEquality(term, key.SK)
			if okPK {
				g.Key[key.SK] = v
				continue
			}
		}
		if !okPK {
			return nil, validation("Where clause does not contain a mandatory equality on all key attributes")
		}
		g.Key[key.PK] = v
	}
	if _, ok := g.Key[key.PK]; !ok || (key.SK != "" && g.Key[key.SK].isZero()) {
		return nil, validation("Where clause does not contain a mandatory equality on all key attributes")
	}
	if st.project != nil {
		r := newPQRender()
		cols := make([]string, len(st.project))
		for i, p := range st.project {
			cols[i] = r.path(p)
		}
		g.ProjectionExpression, g.ExpressionAttributeNames = ptr.To(strings.Join(cols, ", ")), r.names
	}
	return g, nil
}

// batchErrorCode is the BatchStatementError code of an error.
func batchErrorCode(err error) (string, string) {
	e, ok := awserr.As(err)
	if !ok {
		return "InternalServerError", err.Error()
	}
	switch e.Code {
	case "ConditionalCheckFailedException":
		return "ConditionalCheckFailed", e.Message
	case "DuplicateItemException":
		return "DuplicateItem", e.Message
	case "ResourceNotFoundException":
		return "ResourceNotFound", e.Message
	case "TransactionConflictException":
		return "TransactionConflict", e.Message
	case "ItemCollectionSizeLimitExceededException":
		return "ItemCollectionSizeLimitExceeded", e.Message
	}
	return "ValidationError", e.Message
}

// BatchExecuteStatement runs up to 25 PartiQL statements, all reads (each a
// SELECT of one item by its full key) or all writes, each on its own: one
// statement's failure is its response's Error, not the call's.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchExecuteStatement.html
func (s *Service) BatchExecuteStatement(ctx context.Context, in *BatchExecuteStatementInput) (*BatchExecuteStatementOutput, error) {
	if len(in.Statements) > 25 {
		return nil, validation("1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25")
	}
	sts := make([]*pqStatement, len(in.Statements))
	errs := make([]error, len(in.Statements))
	reads, writes := 0, 0
	for i, req := range in.Statements {
		sts[i], errs[i] = parsePartiQL(ptr.Val(req.Statement), req.Parameters)
		if errs[i] != nil {
			continue
		}
		if sts[i].kind == "SELECT" {
			reads++
		} else {
			writes++
		}
	}
	if reads > 0 && writes > 0 {
		// AWS: a batch is all reads or all writes.
		return nil, validation("Statements in a batch must be all reads or all writes")
	}
	out := &BatchExecuteStatementOutput{Responses: make([]BatchStatementResponse, len(in.Statements))}
	for i, st := range sts {
		resp := &out.Responses[i]
		if st != nil {
			resp.TableName = ptr.To(st.table)
		}
		err := errs[i]
		if err == nil && st.kind == "SELECT" {
			var g *Get
			if g, err = s.pqGet(ctx, st); err == nil {
				var got *GetItemOutput
				got, err = s.GetItem(ctx, &GetItemInput{TableName: g.TableName, Key: g.Key, ProjectionExpression: g.ProjectionExpression,
					ExpressionAttributeNames: g.ExpressionAttributeNames, ConsistentRead: in.Statements[i].ConsistentRead})
				if err == nil {
					resp.Item = got.Item
				}
			}
		} else if err == nil {
			var w *pqWrite
			if w, err = s.pqWriteOf(ctx, st); err == nil {
				w.returnOnFailure = in.Statements[i].ReturnValuesOnConditionCheckFailure
				_, err = s.pqApply(ctx, w)
			}
		}
		if err != nil {
			code, msg := batchErrorCode(err)
			resp.Error = &BatchStatementError{Code: ptr.To(code), Message: ptr.To(msg)}
		}
	}
	return out, nil
}

// ExecuteTransaction runs up to 100 PartiQL statements as one transaction:
// all reads (TransactGetItems) or all writes (TransactWriteItems), with
// that call's atomicity, idempotency token and cancellation reasons.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html
func (s *Service) ExecuteTransaction(ctx context.Context, in *ExecuteTransactionInput) (*ExecuteTransactionOutput, error) {
	var gets []TransactGetItem
	var writes []TransactWriteItem
	for _, ps := range in.TransactStatements {
		st, err := parsePartiQL(ptr.Val(ps.Statement), ps.Parameters)
		if err != nil {
			return nil, err
		}
		if st.kind == "SELECT" {
			g, err := s.pqGet(ctx, st)
			if err != nil {
				return nil, err
			}
			gets = append(gets, TransactGetItem{Get: g})
			continue
		}
		w, err := s.pqWriteOf(ctx, st)
		if err != nil {
			return nil, err
		}
		if w.returnValues != nil {
			return nil, validation("RETURNING is not supported in a transaction")
		}
		w.returnOnFailure = ps.ReturnValuesOnConditionCheckFailure
		writes = append(writes, w.transactItem())
	}
	if len(gets) > 0 && len(writes) > 0 {
		// AWS: a transaction is all reads or all writes.
		return nil, validation("Transactions must be all reads or all writes")
	}
	if len(gets) > 0 {
		res, err := s.TransactGetItems(ctx, &TransactGetItemsInput{TransactItems: gets, ReturnConsumedCapacity: in.ReturnConsumedCapacity})
		if err != nil {
			return nil, err
		}
		return &ExecuteTransactionOutput{Responses: res.Responses, ConsumedCapacity: res.ConsumedCapacity}, nil
	}
	res, err := s.TransactWriteItems(ctx, &TransactWriteItemsInput{TransactItems: writes, ClientRequestToken: in.ClientRequestToken,
		ReturnConsumedCapacity: in.ReturnConsumedCapacity})
	if err != nil {
		return nil, err
	}
	return &ExecuteTransactionOutput{ConsumedCapacity: res.ConsumedCapacity}, nil
}
