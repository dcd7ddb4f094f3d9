package dynamodb

import (
	"sort"

	"haneul/internal/ptr"
)

// The legacy conditional parameters (Expected, QueryFilter, ScanFilter,
// KeyConditions, AttributeUpdates) become the same trees the expression
// parser builds.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html

// legacyCond builds the condition one ComparisonOperator makes on attribute name.
func legacyCond(name, op string, values []AttributeValue) (cond, error) {
	path := &pathOp{docPath{{name: name, index: -1}}}
	vals := make([]operand, len(values))
	for i, v := range values {
		c, err := cleanValue(v)
		if err != nil {
			return nil, err
		}
		vals[i] = &valueOp{v: c}
	}
	want := func(n int) error {
		if len(vals) != n {
			return validation("One or more parameter values were invalid: Invalid number of argument(s) for the %s ComparisonOperator", op)
		}
		return nil
	}
	cmp := map[string]string{"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
	switch op {
	case "EQ", "NE", "LE", "LT", "GE", "GT":
		if err := want(1); err != nil {
			return nil, err
		}
		return &compareCond{cmp[op], path, vals[0]}, nil
	case "NOT_NULL":
		return &funcCond{"attribute_exists", []operand{path}}, want(0)
	case "NULL":
		return &funcCond{"attribute_not_exists", []operand{path}}, want(0)
	case "CONTAINS":
		return &funcCond{"contains", []operand{path, first(vals)}}, want(1)
	case "NOT_CONTAINS":
		return &andCond{&funcCond{"attribute_exists", []operand{path}}, &notCond{&funcCond{"contains", []operand{path, first(vals)}}}}, want(1)
	case "BEGINS_WITH":
		return &funcCond{"begins_with", []operand{path, first(vals)}}, want(1)
	case "IN":
		if len(vals) == 0 {
			return nil, want(1)
		}
		return &inCond{path, vals}, nil
	case "BETWEEN":
		if err := want(2); err != nil {
			return nil, err
		}
		return &betweenCond{path, vals[0], vals[1]}, nil
	}
	return nil, validation("One or more parameter values were invalid: Unsupported ComparisonOperator: %s", op)
}

func first(ops []operand) operand {
	if len(ops) == 0 {
		return &valueOp{}
	}
	return ops[0]
}

// combine joins conditions with AND or OR, in attribute-name order.
func combine(conds map[string]cond, condOp *string) cond {
	names := make([]string, 0, len(conds))
	for n := range conds {
		names = append(names, n)
	}
	sort.Strings(names)
	var c cond
	for _, n := range names {
		switch {
		case c == nil:
			c = conds[n]
		case ptr.Val(condOp) == "OR":
			c = &orCond{c, conds[n]}
		default:
			c = &andCond{c, conds[n]}
		}
	}
	return c
}

// legacyConds converts Expected.
func legacyConds(expected map[string]ExpectedAttributeValue, condOp *string) (cond, error) {
	conds := map[string]cond{}
	for name, e := range expected {
		var c cond
		var err error
		switch {
		case e.ComparisonOperator != nil:
			vals := e.AttributeValueList
			if e.Value != nil {
				vals = []AttributeValue{*e.Value}
			}
			c, err = legacyCond(name, *e.ComparisonOperator, vals)
		case e.Exists != nil && !*e.Exists:
			if e.Value != nil {
				return nil, validation("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: %s", name)
			}
			c, err = legacyCond(name, "NULL", nil)
		case e.Value != nil:
			c, err = legacyCond(name, "EQ", []AttributeValue{*e.Value})
		default:
			return nil, validation("One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: %s", name)
		}
		if err != nil {
			return nil, err
		}
		conds[name] = c
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return combine(conds, condOp), nil
}

// legacyFilter converts QueryFilter, ScanFilter or KeyConditions.
func legacyFilter(filter map[string]Condition, condOp *string) (cond, error) {
	conds := map[string]cond{}
	for name, c := range filter {
		lc, err := legacyCond(name, ptr.Val(c.ComparisonOperator), c.AttributeValueList)
		if err != nil {
			return nil, err
		}
		conds[name] = lc
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return combine(conds, condOp), nil
}

// legacyUpdates converts AttributeUpdates.
func legacyUpdates(updates map[string]AttributeValueUpdate) (*updateExpr, error) {
	u := &updateExpr{}
	for name, a := range updates {
		path := docPath{{name: name, index: -1}}
		var v *valueOp
		if a.Value != nil {
			c, err := cleanValue(*a.Value)
			if err != nil {
				return nil, err
			}
			v = &valueOp{v: c}
		}
		switch ptr.Val(a.Action) {
		case "", "PUT":
			if v == nil {
				return nil, validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
			}
			u.set = append(u.set, setAction{path, v})
		case "DELETE":
			if v == nil {
				u.remove = append(u.remove, path)
			} else {
				u.delete = append(u.delete, pathValue{path, v})
			}
		case "ADD":
			if v == nil {
				return nil, validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified")
			}
			u.add = append(u.add, pathValue{path, v})
		}
	}
	return u, nil
}
