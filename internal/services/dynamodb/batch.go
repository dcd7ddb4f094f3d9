package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// BatchGetItem reads up to 100 items from one or more tables. Every key is
// processed: UnprocessedKeys is always empty.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
func (s *Service) BatchGetItem(ctx context.Context, in *BatchGetItemInput) (*BatchGetItemOutput, error) {
	type tableReq struct {
		name  string
		keys  []Item
		paths []docPath
		cons  bool
	}
	var reqs []tableReq
	total := 0
	for name, ka := range in.RequestItems {
		paths, err := parseProjectionParams(ka.ProjectionExpression, ka.AttributesToGet, ka.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		r := tableReq{name: tableNameOf(name), paths: paths, cons: ptr.Val(ka.ConsistentRead)}
		for _, k := range ka.Keys {
			c, err := cleanItem(k)
			if err != nil {
				return nil, err
			}
			r.keys = append(r.keys, c)
		}
		total += len(r.keys)
		reqs = append(reqs, r)
	}
	if total > 100 {
		return nil, validation("Too many items requested for the BatchGetItem call")
	}
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].name < reqs[j].name })
	sc := scopeOf(ctx)
	out := &BatchGetItemOutput{Responses: map[string][]map[string]AttributeValue{}, UnprocessedKeys: map[string]KeysAndAttributes{}}
	err := s.db.View(func(tx *state.Tx) error {
		for _, r := range reqs {
			t, err := s.getTable(tx, sc, r.name)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			items := []map[string]AttributeValue{}
			size := 0
			for _, k := range r.keys {
				pk, err := primaryKey(&t.Key, k, false)
				if err != nil {
					return err
				}
				if seen[pk] {
					return validation("Provided list of item keys contains duplicates")
				}
				seen[pk] = true
				if it, ok := s.items.Get(tx, sc, r.name+sep+pk); ok {
					size += itemSize(it)
					if r.paths != nil {
						it = project(it, r.paths)
					}
					items = append(items, it)
				}
			}
			out.Responses[r.name] = items
			if c := capacity(in.ReturnConsumedCapacity, r.name, readUnits(size, r.cons), false); c != nil {
				out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BatchWriteItem puts or deletes up to 25 items in one or more tables, all
// at once. Every request is processed: UnprocessedItems is always empty.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
func (s *Service) BatchWriteItem(ctx context.Context, in *BatchWriteItemInput) (*BatchWriteItemOutput, error) {
	type op struct {
		table string
		put   Item
		key   Item
	}
	var ops []op
	for name, reqs := range in.RequestItems {
		for _, r := range reqs {
			switch {
			case r.PutRequest != nil && r.DeleteRequest == nil:
				it, err := cleanItem(r.PutRequest.Item)
				if err != nil {
					return nil, err
				}
				if itemSize(it) > maxItemSize {
					return nil, validation("Item size has exceeded the maximum allowed size")
				}
				ops = append(ops, op{table: tableNameOf(name), put: it})
			case r.DeleteRequest != nil && r.PutRequest == nil:
				k, err := cleanItem(r.DeleteRequest.Key)
				if err != nil {
					return nil, err
				}
				ops = append(ops, op{table: tableNameOf(name), key: k})
			default:
				return nil, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
		}
	}
	if len(ops) > 25 {
		return nil, validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].table < ops[j].table })
	sc := scopeOf(ctx)
	out := &BatchWriteItemOutput{UnprocessedItems: map[string][]WriteRequest{}}
	units := map[string]float64{}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		seen := map[string]bool{}
		for _, o := range ops {
			t, err := s.getTable(tx, sc, o.table)
			if err != nil {
				return err
			}
			src, fromItem := o.key, false
			if o.put != nil {
				src, fromItem = o.put, true
			}
			pk, err := primaryKey(&t.Key, src, fromItem)
			if err != nil {
				return err
			}
			if seen[o.table+sep+pk] {
				return validation("Provided list of item keys contains duplicates")
			}
			seen[o.table+sep+pk] = true
			if o.put != nil {
				if err := checkIndexKeys(&t, o.put); err != nil {
					return err
				}
			}
			old, had := s.items.Get(tx, sc, o.table+sep+pk)
			if !had {
				old = nil
			}
			if o.put == nil && !had {
				units[o.table]++
				continue
			}
			s.write(tx, sc, &t, pk, old, o.put, false)
			units[o.table] += writeUnits(max(itemSize(o.put), itemSize(old)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(units))
	for n := range units {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if c := capacity(in.ReturnConsumedCapacity, n, units[n], true); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
		}
	}
	return out, nil
}

// tokenRec remembers a TransactWriteItems ClientRequestToken.
type tokenRec struct {
	Hash string
	At   time.Time
}

// tokenTTL is how long a ClientRequestToken makes a transaction idempotent.
// AWS: a token is valid for 10 minutes after the request that first used it.
const tokenTTL = 10 * time.Minute

// txOp is one parsed action of TransactWriteItems.
type txOp struct {
	kind      string // ConditionCheck, Put, Delete, Update
	table     string
	item      Item // Put
	key       Item // others
	w         *writeRequest
	onFailure *string
}

// TransactWriteItems applies up to 100 actions atomically: all conditions
// hold and every action applies, or none does and the error lists why.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
func (s *Service) TransactWriteItems(ctx context.Context, in *TransactWriteItemsInput) (*TransactWriteItemsOutput, error) {
	var ops []txOp
	for _, ti := range in.TransactItems {
		var o txOp
		var err error
		n := 0
		if c := ti.ConditionCheck; c != nil {
			n++
			o = txOp{kind: "ConditionCheck", table: ptr.Val(c.TableName), onFailure: c.ReturnValuesOnConditionCheckFailure}
			o.w, err = parseWrite(c.ConditionExpression, nil, c.ExpressionAttributeNames, c.ExpressionAttributeValues, nil, nil, nil)
			if err == nil {
				o.key, err = cleanItem(c.Key)
			}
		}
		if p := ti.Put; p != nil {
			n++
			o = txOp{kind: "Put", table: ptr.Val(p.TableName), onFailure: p.ReturnValuesOnConditionCheckFailure}
			o.w, err = parseWrite(p.ConditionExpression, nil, p.ExpressionAttributeNames, p.ExpressionAttributeValues, nil, nil, nil)
			if err == nil {
				o.item, err = cleanItem(p.Item)
			}
			if err == nil && itemSize(o.item) > maxItemSize {
				err = validation("Item size has exceeded the maximum allowed size")
			}
		}
		if d := ti.Delete; d != nil {
			n++
			o = txOp{kind: "Delete", table: ptr.Val(d.TableName), onFailure: d.ReturnValuesOnConditionCheckFailure}
			o.w, err = parseWrite(d.ConditionExpression, nil, d.ExpressionAttributeNames, d.ExpressionAttributeValues, nil, nil, nil)
			if err == nil {
				o.key, err = cleanItem(d.Key)
			}
		}
		if u := ti.Update; u != nil {
			n++
			o = txOp{kind: "Update", table: ptr.Val(u.TableName), onFailure: u.ReturnValuesOnConditionCheckFailure}
			o.w, err = parseWrite(u.ConditionExpression, u.UpdateExpression, u.ExpressionAttributeNames, u.ExpressionAttributeValues, nil, nil, nil)
			if err == nil {
				o.key, err = cleanItem(u.Key)
			}
		}
		if err != nil {
			return nil, err
		}
		if n != 1 {
			return nil, validation("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		o.table = tableNameOf(o.table)
		ops = append(ops, o)
	}
	if len(ops) > 100 {
		return nil, validation("Member must have length less than or equal to 100")
	}
	token := ptr.Val(in.ClientRequestToken)
	hash := ""
	if token != "" {
		b, _ := json.Marshal(in.TransactItems)
		sum := sha256.Sum256(b)
		hash = hex.EncodeToString(sum[:])
	}
	sc := scopeOf(ctx)
	units := map[string]float64{}
	err := s.db.Update(ctx, func(tx *state.Tx) error {
		now := s.clock.Now()
		if token != "" {
			if rec, ok := s.tokens.Get(tx, sc, token); ok && now.Sub(rec.At) < tokenTTL {
				if rec.Hash != hash {
					return awserr.New("IdempotentParameterMismatchException", 0, "Request has a different payload than the original request with the same idempotency token")
				}
				units = nil
				return nil // already applied
			}
			s.tokens.Put(tx, sc, token, tokenRec{Hash: hash, At: now})
		}
		type planned struct {
			t   tableRec
			pk  string
			old Item
		}
		plans := make([]planned, len(ops))
		seen := map[string]bool{}
		reasons := make([]any, len(ops))
		failed := false
		for i, o := range ops {
			t, err := s.getTable(tx, sc, o.table)
			if err != nil {
				return err
			}
			src, fromItem := o.key, false
			if o.kind == "Put" {
				src, fromItem = o.item, true
				if err := checkIndexKeys(&t, o.item); err != nil {
					return err
				}
			}
			pk, err := primaryKey(&t.Key, src, fromItem)
			if err != nil {
				return err
			}
			if seen[o.table+sep+pk] {
				return validation("Transaction request cannot include multiple operations on one item")
			}
			seen[o.table+sep+pk] = true
			old, had := s.items.Get(tx, sc, o.table+sep+pk)
			if !had {
				old = nil
			}
			plans[i] = planned{t, pk, old}
			reasons[i] = map[string]any{"Code": "None"}
			if o.w.cond != nil && !evalCond(old, o.w.cond) {
				failed = true
				r := map[string]any{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
				if ptr.Val(o.onFailure) == "ALL_OLD" && old != nil {
					r["Item"] = wireItem(old)
				}
				reasons[i] = r
			}
		}
		if failed {
			codes := make([]string, len(reasons))
			for i, r := range reasons {
				codes[i] = r.(map[string]any)["Code"].(string)
			}
			e := awserr.New("TransactionCanceledException", 0, "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", strings.Join(codes, ", "))
			return e.WithField("CancellationReasons", reasons)
		}
		for i, o := range ops {
			p := &plans[i]
			switch o.kind {
			case "Put":
				s.write(tx, sc, &p.t, p.pk, p.old, o.item, false)
				units[o.table] += 2 * writeUnits(max(itemSize(o.item), itemSize(p.old)))
			case "Delete":
				if p.old != nil {
					s.write(tx, sc, &p.t, p.pk, p.old, nil, false)
				}
				units[o.table] += 2 * writeUnits(itemSize(p.old))
			case "Update":
				w := &writeRequest{upd: o.w.upd}
				_, nu, err := s.update(tx, sc, &p.t, o.key, w, nil)
				if err != nil {
					return err
				}
				units[o.table] += 2 * writeUnits(max(itemSize(nu), itemSize(p.old)))
			default:
				units[o.table] += 2 * readUnits(itemSize(p.old), true)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &TransactWriteItemsOutput{}
	for _, n := range sortedKeys(units) {
		if c := capacity(in.ReturnConsumedCapacity, n, units[n], true); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TransactGetItems reads up to 100 items as of one instant.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
func (s *Service) TransactGetItems(ctx context.Context, in *TransactGetItemsInput) (*TransactGetItemsOutput, error) {
	type get struct {
		table string
		key   Item
		paths []docPath
	}
	gets := make([]get, len(in.TransactItems))
	for i, ti := range in.TransactItems {
		g := ti.Get
		if g == nil {
			return nil, validation("TransactItems must contain Get")
		}
		paths, err := parseProjectionParams(g.ProjectionExpression, nil, g.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		k, err := cleanItem(g.Key)
		if err != nil {
			return nil, err
		}
		gets[i] = get{tableNameOf(ptr.Val(g.TableName)), k, paths}
	}
	sc := scopeOf(ctx)
	out := &TransactGetItemsOutput{Responses: make([]ItemResponse, len(gets))}
	units := map[string]float64{}
	err := s.db.View(func(tx *state.Tx) error {
		seen := map[string]bool{}
		for i, g := range gets {
			t, err := s.getTable(tx, sc, g.table)
			if err != nil {
				return err
			}
			pk, err := primaryKey(&t.Key, g.key, false)
			if err != nil {
				return err
			}
			if seen[g.table+sep+pk] {
				return validation("Transaction request cannot include multiple operations on one item")
			}
			seen[g.table+sep+pk] = true
			if it, ok := s.items.Get(tx, sc, g.table+sep+pk); ok {
				units[g.table] += 2 * readUnits(itemSize(it), true)
				if g.paths != nil {
					it = project(it, g.paths)
				}
				out.Responses[i] = ItemResponse{Item: it}
			} else {
				units[g.table] += 2 * readUnits(0, true)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range sortedKeys(units) {
		if c := capacity(in.ReturnConsumedCapacity, n, units[n], false); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, *c)
		}
	}
	return out, nil
}
