package dynamodb

import (
	"context"
	"hash/fnv"
	"strings"

	"haneul/internal/ptr"
	"haneul/internal/state"
)

// maxPage is DynamoDB's page size: a Query or Scan stops after reading 1 MB.
const maxPage = 1 << 20

// readPlan is a range of a table's or index's state keys to walk.
type readPlan struct {
	t       *tableRec
	ix      *indexRec
	prefix  string // every key in range has it
	from    string // first key (inclusive); "" means prefix
	to      string // keys must be below it; "" means no bound but prefix
	forward bool
	after   string // exclusive start position, "" for none
	segment func(pos string) bool
}

// keyBase is the state-key prefix of a table's items or of an index's entries.
func (p *readPlan) keyBase() string {
	if p.ix != nil {
		return p.t.Name + sep + p.ix.Name + sep
	}
	return p.t.Name + sep
}

// walk calls fn for each item in the plan's range and order, with its
// position (state key), until fn returns false. The walk is a seek plus one
// step per item, in either direction.
func (s *Service) walk(tx *state.Tx, sc state.Scope, p *readPlan, fn func(pos string, it Item) bool) {
	from := p.from
	if from == "" {
		from = p.prefix
	}
	if p.forward && p.after != "" && p.after >= from {
		from = p.after
	}
	inRange := func(k string) bool {
		return strings.HasPrefix(k, p.prefix) && (p.to == "" || k < p.to)
	}
	get := func(k string, v string) (Item, bool) {
		it, ok := s.items.Get(tx, sc, p.t.Name+sep+v)
		return it, ok
	}
	visit := func(k string, it Item) bool {
		if p.segment != nil && !p.segment(k) {
			return true
		}
		return fn(k, it)
	}
	if p.forward {
		if p.ix == nil {
			s.items.Ascend(tx, sc, from, func(k string, it Item) bool {
				if !inRange(k) {
					return false
				}
				if k == p.after {
					return true
				}
				return visit(k, it)
			})
			return
		}
		s.indexes.Ascend(tx, sc, from, func(k string, v string) bool {
			if !inRange(k) {
				return false
			}
			if k == p.after {
				return true
			}
			it, ok := get(k, v)
			if !ok {
				return true
			}
			return visit(k, it)
		})
		return
	}
	// Backwards: seek to the top of the range and walk down.
	top := p.prefix + "\xff" // above every key with the prefix
	if p.to != "" {
		top = p.to
	}
	if p.after != "" && p.after < top {
		top = p.after
	}
	below := func(k string) bool { return k < top || (p.after == "" && p.to == "" && k == top) }
	stop := func(k string) bool { return k < from || !strings.HasPrefix(k, p.prefix) }
	if p.ix == nil {
		s.items.Descend(tx, sc, top, func(k string, it Item) bool {
			if !below(k) {
				return true
			}
			if stop(k) {
				return false
			}
			return visit(k, it)
		})
		return
	}
	s.indexes.Descend(tx, sc, top, func(k string, v string) bool {
		if !below(k) {
			return true
		}
		if stop(k) {
			return false
		}
		it, ok := get(k, v)
		if !ok {
			return true
		}
		return visit(k, it)
	})
}

// position returns the state key of an item in the plan's table or index.
func (p *readPlan) position(it Item) (string, bool) {
	pk, err := primaryKey(&p.t.Key, keyOf(&p.t.Key, it), true)
	if err != nil {
		return "", false
	}
	if p.ix == nil {
		return p.t.Name + sep + pk, true
	}
	ik, ok := indexKey(p.ix, it)
	if !ok {
		return "", false
	}
	return p.keyBase() + ik + pk, true
}

// lastKey is the LastEvaluatedKey of an item: its table key, and its index key on an index.
func (p *readPlan) lastKey(it Item) Item {
	k := keyOf(&p.t.Key, it)
	if p.ix != nil {
		k[p.ix.Key.PK] = it[p.ix.Key.PK]
		if p.ix.Key.SK != "" {
			k[p.ix.Key.SK] = it[p.ix.Key.SK]
		}
	}
	return k
}

// startAfter sets the plan's exclusive start from ExclusiveStartKey.
func (p *readPlan) startAfter(esk map[string]AttributeValue) error {
	if esk == nil {
		return nil
	}
	k, err := cleanItem(esk)
	if err != nil {
		return err
	}
	want := p.lastKey(k)
	if len(want) != len(k) {
		return validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	for _, v := range want {
		if v.typ() == "" {
			return validation("The provided starting key is invalid: The provided key element does not match the schema")
		}
	}
	pos, ok := p.position(k)
	if !ok {
		return validation("The provided starting key is invalid: The provided key element does not match the schema")
	}
	p.after = pos
	return nil
}

// readParams are the parts of Query and Scan that shape results.
type readParams struct {
	filter     cond
	paths      []docPath
	selectMode string
	limit      int
}

// selectMode validates Select against the projection parameters and index.
func selectMode(sel *string, hasProj bool, ix *indexRec) (string, error) {
	m := ptr.Val(sel)
	switch {
	case m == "" && hasProj:
		return "SPECIFIC_ATTRIBUTES", nil
	case m == "" && ix != nil:
		return "ALL_PROJECTED_ATTRIBUTES", nil
	case m == "":
		return "ALL_ATTRIBUTES", nil
	case m == "SPECIFIC_ATTRIBUTES" && !hasProj:
		return "", validation("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
	case m != "SPECIFIC_ATTRIBUTES" && hasProj:
		return "", validation("Cannot specify the ProjectionExpression when choosing to get %s", m)
	case m == "ALL_PROJECTED_ATTRIBUTES" && ix == nil:
		return "", validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
	case m == "ALL_ATTRIBUTES" && ix != nil && !ix.Local && ix.Projection != "ALL":
		return "", validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", ix.Name)
	}
	return m, nil
}

// collect walks a plan, filtering and projecting, into a page of results.
func (s *Service) collect(tx *state.Tx, sc state.Scope, p *readPlan, rp *readParams) (items []Item, count, scanned int64, last Item, size int) {
	s.walk(tx, sc, p, func(pos string, it Item) bool {
		scanned++
		size += itemSize(it)
		view := it
		if p.ix != nil && (!p.ix.Local || rp.selectMode != "ALL_ATTRIBUTES") {
			view = projectIndex(p.t, p.ix, it)
		}
		if rp.filter == nil || evalCond(view, rp.filter) {
			count++
			switch rp.selectMode {
			case "COUNT":
			case "SPECIFIC_ATTRIBUTES":
				items = append(items, project(view, rp.paths))
			default:
				items = append(items, view)
			}
		}
		if int(scanned) == rp.limit || size >= maxPage {
			last = p.lastKey(it)
			return false
		}
		return true
	})
	return
}

// Query reads a partition's items in sort-key order from a table or index.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
func (s *Service) Query(ctx context.Context, in *QueryInput) (*QueryOutput, error) {
	hasExpr := in.KeyConditionExpression != nil || in.FilterExpression != nil || in.ProjectionExpression != nil
	if in.KeyConditionExpression != nil && in.KeyConditions != nil {
		return nil, validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}")
	}
	if in.FilterExpression != nil && in.QueryFilter != nil {
		return nil, validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {FilterExpression}")
	}
	env, err := newExprEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues, hasExpr)
	if err != nil {
		return nil, err
	}
	var keyCond cond
	switch {
	case in.KeyConditionExpression != nil:
		if keyCond, err = parseCondition("KeyConditionExpression", *in.KeyConditionExpression, env); err != nil {
			return nil, err
		}
	case in.KeyConditions != nil:
		if keyCond, err = legacyFilter(in.KeyConditions, nil); err != nil {
			return nil, err
		}
	default:
		return nil, validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	rp := &readParams{limit: int(ptr.Val(in.Limit))}
	if in.FilterExpression != nil {
		if rp.filter, err = parseCondition("FilterExpression", *in.FilterExpression, env); err != nil {
			return nil, err
		}
	} else if in.QueryFilter != nil {
		if rp.filter, err = legacyFilter(in.QueryFilter, in.ConditionalOperator); err != nil {
			return nil, err
		}
	}
	if in.ProjectionExpression != nil {
		if rp.paths, err = parseProjection(*in.ProjectionExpression, env); err != nil {
			return nil, err
		}
	}
	for _, n := range in.AttributesToGet {
		rp.paths = append(rp.paths, docPath{{name: n, index: -1}})
	}
	if err := env.checkUnused(); err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &QueryOutput{Items: []map[string]AttributeValue{}}
	err = s.db.View(func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		p := &readPlan{t: &t, forward: in.ScanIndexForward == nil || *in.ScanIndexForward}
		key := t.Key
		if in.IndexName != nil {
			if p.ix = t.index(*in.IndexName); p.ix == nil {
				return validation("The table does not have the specified index: %s", *in.IndexName)
			}
			key = p.ix.Key
			if !p.ix.Local && ptr.Val(in.ConsistentRead) {
				return validation("Consistent reads are not supported on global secondary indexes")
			}
		}
		if rp.selectMode, err = selectMode(in.Select, rp.paths != nil, p.ix); err != nil {
			return err
		}
		if err := planKeyRange(p, &key, keyCond); err != nil {
			return err
		}
		if err := p.startAfter(in.ExclusiveStartKey); err != nil {
			return err
		}
		items, count, scanned, last, size := s.collect(tx, sc, p, rp)
		if rp.selectMode != "COUNT" {
			out.Items = append(out.Items, items...)
		} else {
			out.Items = nil
		}
		out.Count, out.ScannedCount, out.LastEvaluatedKey = ptr.To(count), ptr.To(scanned), last
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, readUnits(size, ptr.Val(in.ConsistentRead)), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// planKeyRange turns a key condition into the plan's key range.
func planKeyRange(p *readPlan, key *keySchema, c cond) error {
	var parts []cond
	var flatten func(c cond) error
	flatten = func(c cond) error {
		switch c := c.(type) {
		case *andCond:
			if err := flatten(c.a); err != nil {
				return err
			}
			return flatten(c.b)
		case *orCond:
			return validation("Invalid operator used in KeyConditionExpression: OR")
		case *notCond:
			return validation("Invalid operator used in KeyConditionExpression: NOT")
		case *inCond:
			return validation("Invalid operator used in KeyConditionExpression: IN")
		case *funcCond:
			if c.name != "begins_with" {
				return validation("Invalid operator used in KeyConditionExpression: %s", c.name)
			}
		case *compareCond:
			if c.op == "<>" {
				return validation("Invalid operator used in KeyConditionExpression: <>")
			}
		}
		parts = append(parts, c)
		return nil
	}
	if err := flatten(c); err != nil {
		return err
	}
	if len(parts) > 2 {
		return validation("Conditions can be of length 1 or 2 only")
	}
	// attrOf returns the single attribute name a condition constrains.
	attrOf := func(o operand) (string, bool) {
		if po, ok := o.(*pathOp); ok && len(po.path) == 1 {
			return po.path[0].name, true
		}
		return "", false
	}
	valueOf := func(o operand) (AttributeValue, bool) {
		v, ok := o.(*valueOp)
		if !ok {
			return AttributeValue{}, false
		}
		return v.v, true
	}
	var pkVal *AttributeValue
	var skCond cond
	for _, part := range parts {
		var name string
		var ok bool
		switch c := part.(type) {
		case *compareCond:
			if name, ok = attrOf(c.a); !ok {
				if name, ok = attrOf(c.b); ok {
					// :v < sk is sk > :v.
					c = &compareCond{flipOp(c.op), c.b, c.a}
					part = c
				}
			}
			if ok && name == key.PK {
				if c.op != "=" {
					return validation("Query key condition not supported")
				}
				v, isVal := valueOf(c.b)
				if !isVal {
					return validation("Query key condition not supported")
				}
				if pkVal != nil {
					return validation("KeyConditionExpressions must only contain one condition per key")
				}
				pkVal = &v
				continue
			}
		case *betweenCond:
			name, ok = attrOf(c.x)
		case *funcCond:
			name, ok = attrOf(c.args[0])
		}
		if !ok || name != key.SK || key.SK == "" {
			if ok && name != key.PK && name != key.SK {
				return validation("Query condition missed key schema element: %s", keyElementMissing(key, pkVal))
			}
			return validation("Query key condition not supported")
		}
		if skCond != nil {
			return validation("KeyConditionExpressions must only contain one condition per key")
		}
		skCond = part
	}
	if pkVal == nil {
		return validation("Query condition missed key schema element: %s", key.PK)
	}
	if pkVal.typ() != key.PKType {
		return validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
	}
	base := p.keyBase() + string(appendKeyPart(nil, pkVal))
	p.prefix = base
	if skCond == nil {
		return nil
	}
	enc := func(o operand) (string, error) {
		v, ok := valueOf(o)
		if !ok {
			return "", validation("Query key condition not supported")
		}
		if v.typ() != key.SKType {
			return "", validation("One or more parameter values were invalid: Condition parameter type does not match schema type")
		}
		return base + string(appendKeyPart(nil, &v)), nil
	}
	// "\xff" never occurs in a key (keys are UTF-8), so k+"\xff" is above every key starting with k.
	const top = "\xff"
	switch c := skCond.(type) {
	case *compareCond:
		v, err := enc(c.b)
		if err != nil {
			return err
		}
		switch c.op {
		case "=":
			p.prefix = v
		case "<":
			p.to = v
		case "<=":
			p.to = v + top
		case ">":
			p.from = v + top
		case ">=":
			p.from = v
		}
	case *betweenCond:
		lo, err := enc(c.lo)
		if err != nil {
			return err
		}
		hi, err := enc(c.hi)
		if err != nil {
			return err
		}
		if lo > hi {
			return validation("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound")
		}
		p.from, p.to = lo, hi+top
	case *funcCond:
		v, ok := valueOf(c.args[1])
		if !ok {
			return validation("Query key condition not supported")
		}
		if key.SKType == typeN || v.typ() != key.SKType {
			return validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: %s", v.typ())
		}
		e := appendKeyPart(nil, &v)
		p.prefix = base + string(e[:len(e)-1]) // without the terminator
	}
	return nil
}

func keyElementMissing(key *keySchema, pkVal *AttributeValue) string {
	if pkVal == nil {
		return key.PK
	}
	return key.SK
}

func flipOp(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

// Scan reads every item of a table or index in key order, a page at a time,
// optionally one segment of a parallel scan.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
func (s *Service) Scan(ctx context.Context, in *ScanInput) (*ScanOutput, error) {
	if in.FilterExpression != nil && in.ScanFilter != nil {
		return nil, validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}")
	}
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.Segment == nil && in.TotalSegments != nil:
		return nil, validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case in.Segment != nil && *in.Segment >= *in.TotalSegments:
		return nil, validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", *in.Segment, *in.TotalSegments)
	}
	hasExpr := in.FilterExpression != nil || in.ProjectionExpression != nil
	env, err := newExprEnv(in.ExpressionAttributeNames, in.ExpressionAttributeValues, hasExpr)
	if err != nil {
		return nil, err
	}
	rp := &readParams{limit: int(ptr.Val(in.Limit))}
	if in.FilterExpression != nil {
		if rp.filter, err = parseCondition("FilterExpression", *in.FilterExpression, env); err != nil {
			return nil, err
		}
	} else if in.ScanFilter != nil {
		if rp.filter, err = legacyFilter(in.ScanFilter, in.ConditionalOperator); err != nil {
			return nil, err
		}
	}
	if in.ProjectionExpression != nil {
		if rp.paths, err = parseProjection(*in.ProjectionExpression, env); err != nil {
			return nil, err
		}
	}
	for _, n := range in.AttributesToGet {
		rp.paths = append(rp.paths, docPath{{name: n, index: -1}})
	}
	if err := env.checkUnused(); err != nil {
		return nil, err
	}
	sc := scopeOf(ctx)
	name := tableNameOf(ptr.Val(in.TableName))
	out := &ScanOutput{Items: []map[string]AttributeValue{}}
	err = s.db.View(func(tx *state.Tx) error {
		t, err := s.getTable(tx, sc, name)
		if err != nil {
			return err
		}
		p := &readPlan{t: &t, forward: true}
		if in.IndexName != nil {
			if p.ix = t.index(*in.IndexName); p.ix == nil {
				return validation("The table does not have the specified index: %s", *in.IndexName)
			}
		}
		p.prefix = p.keyBase()
		if rp.selectMode, err = selectMode(in.Select, rp.paths != nil, p.ix); err != nil {
			return err
		}
		if err := p.startAfter(in.ExclusiveStartKey); err != nil {
			return err
		}
		if in.TotalSegments != nil {
			// AWS: segments split the table by partition key hash.
			seg, total := uint64(*in.Segment), uint64(*in.TotalSegments)
			base, typ := len(p.keyBase()), t.Key.PKType
			if p.ix != nil {
				typ = p.ix.Key.PKType
			}
			p.segment = func(pos string) bool {
				h := fnv.New64a()
				h.Write([]byte(pos[base:partEnd(pos, base, typ)]))
				return h.Sum64()%total == seg
			}
		}
		items, count, scanned, last, size := s.collect(tx, sc, p, rp)
		if rp.selectMode != "COUNT" {
			out.Items = append(out.Items, items...)
		} else {
			out.Items = nil
		}
		out.Count, out.ScannedCount, out.LastEvaluatedKey = ptr.To(count), ptr.To(scanned), last
		out.ConsumedCapacity = capacity(in.ReturnConsumedCapacity, name, readUnits(size, ptr.Val(in.ConsistentRead)), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// partEnd returns where the key part of type typ starting at i in a state key ends.
func partEnd(pos string, i int, typ string) int {
	if typ == typeN && i < len(pos) {
		switch pos[i] {
		case '1': // negative: ends with '~'
			if j := strings.IndexByte(pos[i:], '~'); j >= 0 {
				return i + j + 1
			}
			return len(pos)
		case '2': // zero
			return i + 1
		}
	}
	// Strings, binaries and positive numbers end with 0x00; in strings,
	// 0x01 escapes the byte after it.
	for j := i; j < len(pos); j++ {
		switch pos[j] {
		case 1:
			if typ == typeS {
				j++
			}
		case 0:
			return j + 1
		}
	}
	return len(pos)
}
