package dynamodb

import (
	"context"
	"fmt"
	"math"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/typed"
	"haneul/internal/ptr"
	"haneul/internal/state"
)

// keyValueCheck validates one key attribute of an item or key.
func keyValueCheck(name, want string, v AttributeValue, ok bool, fromItem bool) error {
	if !ok {
		if fromItem {
			return validation("One or more parameter values were invalid: Missing the key %s in the item", name)
		}
		return validation("The provided key element does not match the schema")
	}
	if got := v.typ(); got != want {
		if fromItem {
			return validation("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", name, want, got)
		}
		return validation("The provided key element does not match the schema")
	}
	if v.S != nil && *v.S == "" || v.B != nil && len(v.B) == 0 {
		return validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", map[bool]string{true: "string", false: "binary"}[v.S != nil], name)
	}
	return nil
}

// primaryKey returns the encoded primary key of an item (fromItem) or of a
// request's Key, validating it as AWS does.
func primaryKey(k *keySchema, it Item, fromItem bool) (string, error) {
	if !fromItem {
		n := 1
		if k.SK != "" {
			n = 2
		}
		if len(it) != n {
			return "", validation("The provided key element does not match the schema")
		}
	}
	pv, ok := it[k.PK]
	if err := keyValueCheck(k.PK, k.PKType, pv, ok, fromItem); err != nil {
		return "", err
	}
	if valueSize(&pv) > 2048 {
		return "", validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	b := appendKeyPart(make([]byte, 0, 32), &pv)
	if k.SK != "" {
		sv, ok := it[k.SK]
		if err := keyValueCheck(k.SK, k.SKType, sv, ok, fromItem); err != nil {
			return "", err
		}
		if valueSize(&sv) > 1024 {
			return "", validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
		b = appendKeyPart(b, &sv)
	}
	return string(b), nil
}

// keyOf returns the primary key attributes of an item.
func keyOf(k *keySchema, it Item) Item {
	out := Item{k.PK: it[k.PK]}
	if k.SK != "" {
		out[k.SK] = it[k.SK]
	}
	return out
}

// indexKey returns an item's encoded key in an index, false if the item
// lacks the index's key attributes (the index is sparse).
func indexKey(ix *indexRec, it Item) (string, bool) {
	pv, ok := it[ix.Key.PK]
	if !ok || pv.typ() != ix.Key.PKType {
		return "", false
	}
	b := appendKeyPart(nil, &pv)
	if ix.Key.SK != "" {
		sv, ok := it[ix.Key.SK]
		if !ok || sv.typ() != ix.Key.SKType {
			return "", false
		}
		b = appendKeyPart(b, &sv)
	}
	return string(b), true
}

// checkIndexKeys rejects an item whose index key attributes have the wrong type.
func checkIndexKeys(t *tableRec, it Item) error {
	for _, ix := range t.allIndexes() {
		for _, a := range [][2]string{{ix.Key.PK, ix.Key.PKType}, {ix.Key.SK, ix.Key.SKType}} {
			if a[0] == "" {
				continue
			}
			v, ok := it[a[0]]
			if !ok {
				continue
			}
			if got := v.typ(); got != a[1] {
				return validation("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", a[0], a[1], got, ix.Name)
			}
			if v.S != nil && *v.S == "" || v.B != nil && len(v.B) == 0 {
				return validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: %s, IndexKey: %s", ix.Name, a[0])
			}
		}
	}
	return nil
}

// projectIndex returns the attributes of it an index projects.
func projectIndex(t *tableRec, ix *indexRec, it Item) Item {
	if ix.Projection == "ALL" {
		return it
	}
	out := Item{}
	for _, n := range []string{t.Key.PK, t.Key.SK, ix.Key.PK, ix.Key.SK} {
		if v, ok := it[n]; ok && n != "" {
			out[n] = v
		}
	}
	for _, n := range ix.NonKey {
		if v, ok := it[n]; ok {
			out[n] = v
		}
	}
	return out
}

// ttlOf returns the expiry (epoch seconds) an item's TTL attribute gives it.
// AWS: only a Number attribute holding epoch seconds counts.
func ttlOf(t *tableRec, it Item) (int64, bool) {
	if !t.TTLEnabled || it == nil {
		return 0, false
	}
	v, ok := it[t.TTLAttr]
	if !ok || v.N == nil {
		return 0, false
	}
	d, err := parseNumber(*v.N)
	if err != nil || d.neg {
		return 0, false
	}
	if d.exp > 19 {
		return math.MaxInt64, true
	}
	var n int64
	for i := 0; i < d.exp; i++ {
		n *= 10
		if i < len(d.digits) {
			n += int64(d.digits[i] - '0')
		}
	}
	return n, true
}

func expiryKey(table string, secs int64, pk string) string {
	return fmt.Sprintf("%s%s%020d%s", table, sep, secs, pk)
}

// write replaces the item at primary key pk (old is the current item or nil)
// with nu (nil deletes it), maintaining indexes, the TTL index and the
// stream, all in tx. byTTL marks deletions by the TTL sweeper.
func (s *Service) write(tx *state.Tx, sc state.Scope, t *tableRec, pk string, old, nu Item, byTTL bool) {
	key := t.Name + sep + pk
	if nu == nil {
		s.items.Delete(tx, sc, key)
	} else {
		s.items.Put(tx, sc, key, nu)
	}
	s.countItems(tx, sc, t.Name+sep, old, nu)
	for _, ixs := range [][]indexRec{t.GSIs, t.LSIs} {
		for i := range ixs {
			ix := &ixs[i]
			prefix := t.Name + sep + ix.Name + sep
			ok, okOK := "", false
			if old != nil {
				ok, okOK = indexKey(ix, old)
			}
			nk, nkOK := "", false
			if nu != nil {
				nk, nkOK = indexKey(ix, nu)
			}
			if okOK && (!nkOK || ok != nk) {
				s.indexes.Delete(tx, sc, prefix+ok+pk)
			}
			if nkOK && (!okOK || ok != nk) {
				s.indexes.Put(tx, sc, prefix+nk+pk, pk)
			}
			var oldIx, nuIx Item
			if okOK {
				oldIx = projectIndex(t, ix, old)
			}
			if nkOK {
				nuIx = projectIndex(t, ix, nu)
			}
			s.countItems(tx, sc, t.Name+sep+ix.Name, oldIx, nuIx)
		}
	}
	if t.TTLEnabled {
		oe, oOK := ttlOf(t, old)
		ne, nOK := ttlOf(t, nu)
		if oOK && (!nOK || oe != ne) {
			s.expiry.Delete(tx, sc, expiryKey(t.Name, oe, pk))
		}
		if nOK && (!oOK || oe != ne) {
			s.expiry.Put(tx, sc, expiryKey(t.Name, ne, pk), pk)
		}
	}
	if st := t.stream(); st != nil && (old != nil || nu != nil) {
		s.emit(tx, sc, t, st, old, nu, byTTL)
	}
}

// checkReturnValues checks ReturnValues for PutItem and DeleteItem.
func checkReturnValues(rv *string) error {
	switch ptr.Val(rv) {
	case "", "NONE", "ALL_OLD":
		return nil
	}
	return validation("ReturnValues can only be ALL_OLD or NONE")
}

// wireItem renders an item as the wire layer's model-shaped value, for error fields.
func wireItem(it Item) any {
	return typed.Encode(&ItemResponse{Item: it})["Item"]
}

// conditionFailed is the ConditionalCheckFailedException, with the item when asked for.
func conditionFailed(old Item, onFailure *string) error {
	e := awserr.New("ConditionalCheckFailedException", 0, "The conditional request failed")
	if ptr.Val(onFailure) == "ALL_OLD" && old != nil {
		e.WithField("Item", wireItem(old))
	}
	return e
}

// writeRequest is the parsed common part of PutItem, UpdateItem and DeleteItem.
type writeRequest struct {
	cond cond // nil: unconditional
	upd  *updateExpr
}

// parseWrite parses a write's expressions (or legacy parameters).
func parseWrite(condExpr, updExpr *string, names map[string]string, values map[string]AttributeValue,
	expected map[string]ExpectedAttributeValue, condOp *string, attrUpdates map[string]AttributeValueUpdate) (*writeRequest, error) {
	var nonExpr, exprParams []string
	if expected != nil {
		nonExpr = append(nonExpr, "Expected")
	}
	if attrUpdates != nil {
		nonExpr = append(nonExpr, "AttributeUpdates")
	}
	if condExpr != nil {
		exprParams = append(exprParams, "ConditionExpression")
	}
	if updExpr != nil {
		exprParams = append(exprParams, "UpdateExpression")
	}
	if len(nonExpr) > 0 && len(exprParams) > 0 {
		return nil, validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}", strings.Join(nonExpr, ", "), strings.Join(exprParams, ", "))
	}
	env, err := newExprEnv(names, values, len(exprParams) > 0)
	if err != nil {
		return nil, err
	}
	w := &writeRequest{}
	if updExpr != nil {
		if w.upd, err = parseUpdate(*updExpr, env); err != nil {
			return nil, err
		}
	}
	if condExpr != nil {
		if w.cond, err = parseCondition("ConditionExpression", *condExpr, env); err != nil {
			return nil, err
		}
	}
	if err := env.checkUnused(); err != nil {
		return nil, err
	}
	if expected != nil {
		if w.cond, err = legacyConds(expected, condOp); err != nil {
			return nil, err
		}
	}
	if attrUpdates != nil {
		if w.upd, err = legacyUpdates(attrUpdates); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// capacity renders ConsumedCapacity when the request asked for it.
func capacity(mode *string, table string, units float64, write bool) *ConsumedCapacity {
	m := ptr.Val(mode)
	if m == "" || m == "NONE" {
		return nil
	}
	c := &ConsumedCapacity{TableName: ptr.To(table), CapacityUnits: ptr.To(units)}
	if write {
		c.WriteCapacityUnits = ptr.To(units)
	} else {
		c.ReadCapacityUnits = ptr.To(units)
	}
	if m == "INDEXES" {
		c.Table = &Capacity{CapacityUnits: ptr.To(units)}
	}
	return c
}

// writeUnits is what a write of size bytes costs: one unit per KB.
func writeUnits(size int) float64 { return math.Max(1, math.Ceil(float64(size)/1024)) }

// readUnits is what a read of size bytes costs: one unit per 4 KB, half for eventually consistent reads.
func readUnits(size int, consistent bool) float64 {
	u := math.Max(1, math.Ceil(float64(size)/4096))
	if !consistent {
		u /= 2
	}
	return u
}

// PutItem creates or replaces an item.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
func (s *Service) PutItem(ctx context.Context, in *PutItemInput) (*PutItemOutput, error) {
	if err := checkReturnValues(in.ReturnValues); err != nil {
		return nil, err
	}
	w, err := parseWrite(in.ConditionExpression, nil, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.Expected, in.ConditionalOperator, nil)
	if err != nil {
		return nil, err
	}
	item, err := cleanItem(in.Item)
	if err != nil {
		return nil, err
	}
	if itemSize(item) > maxItemSize {
		return nil, validation("Item size has exceeded the maximum allowed size")
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &PutItemOutput{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		pk, err := primaryKey(&t.Key, item, true)
		if err != nil {
			return err
		}
		if err := checkIndexKeys(&t, item); err != nil {
			return err
		}
		old, had := s.items.Get(tx, sc, name+sep+pk)
		if !had {
			old = nil
		}
		if w.cond != nil && !evalCond(old, w.cond) {
			return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
		}
		s.write(tx, sc, &t, pk, old, item, false)
		if ptr.Val(in.ReturnValues) == "ALL_OLD" && old != nil {
			out.Attributes = old
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, writeUnits(max(itemSize(item), itemSize(old))), true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parseProjectionParams parses a read's projection (ProjectionExpression or AttributesToGet).
func parseProjectionParams(proj *string, toGet []string, names map[string]string) ([]docPath, error) {
	if proj != nil && toGet != nil {
		return nil, validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
	}
	env, err := newExprEnv(names, nil, proj != nil)
	if err != nil {
		return nil, err
	}
	var paths []docPath
	if proj != nil {
		if paths, err = parseProjection(*proj, env); err != nil {
			return nil, err
		}
	}
	for _, n := range toGet {
		paths = append(paths, docPath{{name: n, index: -1}})
	}
	if err := env.checkUnused(); err != nil {
		return nil, err
	}
	return paths, nil
}

// GetItem reads an item.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
func (s *Service) GetItem(ctx context.Context, in *GetItemInput) (*GetItemOutput, error) {
	paths, err := parseProjectionParams(in.ProjectionExpression, in.AttributesToGet, in.ExpressionAttributeNames)
	if err != nil {
		return nil, err
	}
	key, err := cleanItem(in.Key)
	if err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &GetItemOutput{}
	err = s.db.View(func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		pk, err := primaryKey(&t.Key, key, false)
		if err != nil {
			return err
		}
		it, ok := s.items.Get(tx, sc, name+sep+pk)
		size := 0
		if ok {
			size = itemSize(it)
			if paths != nil {
				it = project(it, paths)
			}
			out.Item = it
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, readUnits(size, ptr.Val(in.ConsistentRead)), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteItem deletes an item.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
func (s *Service) DeleteItem(ctx context.Context, in *DeleteItemInput) (*DeleteItemOutput, error) {
	if err := checkReturnValues(in.ReturnValues); err != nil {
		return nil, err
	}
	w, err := parseWrite(in.ConditionExpression, nil, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.Expected, in.ConditionalOperator, nil)
	if err != nil {
		return nil, err
	}
	key, err := cleanItem(in.Key)
	if err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &DeleteItemOutput{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		pk, err := primaryKey(&t.Key, key, false)
		if err != nil {
			return err
		}
		old, had := s.items.Get(tx, sc, name+sep+pk)
		if !had {
			old = nil
		}
		if w.cond != nil && !evalCond(old, w.cond) {
			return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
		}
		if had {
			s.write(tx, sc, &t, pk, old, nil, false)
		}
		if ptr.Val(in.ReturnValues) == "ALL_OLD" && had {
			out.Attributes = old
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, writeUnits(itemSize(old)), true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateItem edits an item (creating it if absent) with an update expression.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
func (s *Service) UpdateItem(ctx context.Context, in *UpdateItemInput) (*UpdateItemOutput, error) {
	rv := ptr.Val(in.ReturnValues)
	switch rv {
	case "", "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW":
	default:
		return nil, validation("ReturnValues can only be NONE, ALL_OLD, UPDATED_OLD, ALL_NEW or UPDATED_NEW")
	}
	w, err := parseWrite(in.ConditionExpression, in.UpdateExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.Expected, in.ConditionalOperator, in.AttributeUpdates)
	if err != nil {
		return nil, err
	}
	key, err := cleanItem(in.Key)
	if err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &UpdateItemOutput{}
	err = s.db.Update(ctx, func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		old, nu, err := s.update(tx, sc, &t, key, w, in.ReturnValuesOnConditionCheckFailure)
		if err != nil {
			return err
		}
		switch rv {
		case "ALL_OLD":
			out.Attributes = old
		case "ALL_NEW":
			out.Attributes = nu
		case "UPDATED_OLD", "UPDATED_NEW":
			if w.upd != nil {
				src := nu
				if rv == "UPDATED_OLD" {
					src = old
				}
				if p := project(src, w.upd.paths()); len(p) > 0 {
					out.Attributes = p
				}
			}
		}
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, writeUnits(max(itemSize(nu), itemSize(old))), true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// update applies an update to the item with the given key inside tx and
// returns the item before (nil if none) and after.
func (s *Service) update(tx *state.Tx, sc state.Scope, t *tableRec, key Item, w *writeRequest, onFailure *string) (Item, Item, error) {
	pk, err := primaryKey(&t.Key, key, false)
	if err != nil {
		return nil, nil, err
	}
	old, had := s.items.Get(tx, sc, t.Name+sep+pk)
	if !had {
		old = nil
	}
	if w.cond != nil && !evalCond(old, w.cond) {
		return nil, nil, conditionFailed(old, onFailure)
	}
	if w.upd != nil {
		for _, p := range w.upd.paths() {
			if n := p[0].name; n == t.Key.PK || n == t.Key.SK {
				return nil, nil, validation("One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", n)
			}
		}
	}
	var nu Item
	if w.upd != nil {
		if nu, err = applyUpdate(old, w.upd); err != nil {
			return nil, nil, err
		}
	} else if old != nil {
		nu = old
	} else {
		nu = Item{}
	}
	if old == nil || w.upd != nil {
		nu = cloneShallow(nu)
		for k, v := range key {
			nu[k] = v
		}
	}
	if err := checkIndexKeys(t, nu); err != nil {
		return nil, nil, err
	}
	if itemSize(nu) > maxItemSize {
		return nil, nil, validation("Item size to update has exceeded the maximum allowed size")
	}
	s.write(tx, sc, t, pk, old, nu, false)
	return old, nu, nil
}

func cloneShallow(it Item) Item {
	out := make(Item, len(it)+2)
	for k, v := range it {
		out[k] = v
	}
	return out
}
