package dynamodb

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file evaluates parsed expressions against items.

// lookup returns the value at path in it.
func lookup(it Item, path docPath) (AttributeValue, bool) {
	v, ok := it[path[0].name]
	if !ok || path[0].index >= 0 {
		return AttributeValue{}, false
	}
	for _, e := range path[1:] {
		if e.index >= 0 {
			if v.L == nil || e.index >= len(v.L) {
				return AttributeValue{}, false
			}
			v = v.L[e.index]
		} else {
			if v.M == nil {
				return AttributeValue{}, false
			}
			if v, ok = v.M[e.name]; !ok {
				return AttributeValue{}, false
			}
		}
	}
	return v, true
}

// evalOperand returns the value of a condition operand; false if it has none
// (a missing attribute, or size of a type without one).
func evalOperand(it Item, o operand) (AttributeValue, bool) {
	switch o := o.(type) {
	case *valueOp:
		return o.v, true
	case *pathOp:
		return lookup(it, o.path)
	case *sizeOp:
		v, ok := lookup(it, o.path)
		if !ok {
			return AttributeValue{}, false
		}
		n := -1
		switch v.typ() {
		case typeS:
			n = utf8.RuneCountInString(*v.S)
		case typeB:
			n = len(v.B)
		case typeSS:
			n = len(v.SS)
		case typeNS:
			n = len(v.NS)
		case typeBS:
			n = len(v.BS)
		case typeL:
			n = len(v.L)
		case typeM:
			n = len(v.M)
		}
		if n < 0 {
			return AttributeValue{}, false
		}
		return numVal(strconv.Itoa(n)), true
	}
	return AttributeValue{}, false
}

// evalCond evaluates a condition on an item (nil for no item).
func evalCond(it Item, c cond) bool {
	switch c := c.(type) {
	case *andCond:
		return evalCond(it, c.a) && evalCond(it, c.b)
	case *orCond:
		return evalCond(it, c.a) || evalCond(it, c.b)
	case *notCond:
		return !evalCond(it, c.a)
	case *compareCond:
		a, okA := evalOperand(it, c.a)
		b, okB := evalOperand(it, c.b)
		if !okA || !okB {
			// AWS: a comparison with a missing attribute is false,
			// except that a missing value is not equal to anything.
			return c.op == "<>" && okA != okB
		}
		switch c.op {
		case "=":
			return equal(&a, &b)
		case "<>":
			return !equal(&a, &b)
		}
		r, ok := compareScalars(&a, &b)
		if !ok {
			return false
		}
		switch c.op {
		case "<":
			return r < 0
		case "<=":
			return r <= 0
		case ">":
			return r > 0
		default:
			return r >= 0
		}
	case *betweenCond:
		x, ok1 := evalOperand(it, c.x)
		lo, ok2 := evalOperand(it, c.lo)
		hi, ok3 := evalOperand(it, c.hi)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		r1, okL := compareScalars(&x, &lo)
		r2, okH := compareScalars(&x, &hi)
		return okL && okH && r1 >= 0 && r2 <= 0
	case *inCond:
		x, ok := evalOperand(it, c.x)
		if !ok {
			return false
		}
		for _, o := range c.list {
			if v, ok := evalOperand(it, o); ok && equal(&x, &v) {
				return true
			}
		}
		return false
	case *funcCond:
		return evalFunc(it, c)
	}
	return false
}

func evalFunc(it Item, c *funcCond) bool {
	path := c.args[0].(*pathOp).path
	v, exists := lookup(it, path)
	switch c.name {
	case "attribute_exists":
		return exists
	case "attribute_not_exists":
		return !exists
	}
	if !exists {
		return false
	}
	arg, ok := evalOperand(it, c.args[1])
	if !ok {
		return false
	}
	switch c.name {
	case "attribute_type":
		return arg.S != nil && v.typ() == *arg.S
	case "begins_with":
		switch {
		case v.S != nil && arg.S != nil:
			return strings.HasPrefix(*v.S, *arg.S)
		case v.B != nil && arg.B != nil:
			return bytes.HasPrefix(v.B, arg.B)
		}
		return false
	case "contains":
		switch v.typ() {
		case typeS:
			return arg.S != nil && strings.Contains(*v.S, *arg.S)
		case typeB:
			return arg.B != nil && bytes.Contains(v.B, arg.B)
		case typeSS:
			return arg.S != nil && slices.Contains(v.SS, *arg.S)
		case typeNS:
			return arg.N != nil && slices.ContainsFunc(v.NS, func(n string) bool { return compareNumbers(n, *arg.N) == 0 })
		case typeBS:
			return arg.B != nil && slices.ContainsFunc(v.BS, func(b []byte) bool { return bytes.Equal(b, arg.B) })
		case typeL:
			return slices.ContainsFunc(v.L, func(e AttributeValue) bool { return equal(&e, &arg) })
		}
	}
	return false
}

// Errors of update evaluation, in AWS's words.
var (
	errMissingOperand = validation("The provided expression refers to an attribute that does not exist in the item")
	errBadOperandType = validation("An operand in the update expression has an incorrect data type")
	errBadUpdatePath  = validation("The document path provided in the update expression is invalid for update")
)

// evalUpdateOperand returns the value of an update operand against the old item.
func evalUpdateOperand(old Item, o operand) (AttributeValue, error) {
	switch o := o.(type) {
	case *valueOp:
		return o.v, nil
	case *pathOp:
		v, ok := lookup(old, o.path)
		if !ok {
			return v, errMissingOperand
		}
		return v, nil
	case *ifNotExistsOp:
		if v, ok := lookup(old, o.path); ok {
			return v, nil
		}
		return evalUpdateOperand(old, o.def)
	case *listAppendOp:
		a, err := evalUpdateOperand(old, o.a)
		if err != nil {
			return a, err
		}
		b, err := evalUpdateOperand(old, o.b)
		if err != nil {
			return b, err
		}
		if a.L == nil || b.L == nil {
			return a, errBadOperandType
		}
		l := make([]AttributeValue, 0, len(a.L)+len(b.L))
		l = append(append(l, a.L...), b.L...)
		return AttributeValue{L: l}, nil
	case *arithOp:
		a, err := evalUpdateOperand(old, o.a)
		if err != nil {
			return a, err
		}
		b, err := evalUpdateOperand(old, o.b)
		if err != nil {
			return b, err
		}
		if a.N == nil || b.N == nil {
			return a, errBadOperandType
		}
		da, _ := parseNumber(*a.N)
		db, _ := parseNumber(*b.N)
		if o.op == '-' {
			db = db.negate()
		}
		r, err := da.add(db)
		if err != nil {
			return a, err
		}
		return numVal(r.String()), nil
	}
	return AttributeValue{}, errBadOperandType
}

// applyUpdate returns the item an update expression makes of old (nil when
// there is none); old is not modified. Every operand is read from old.
func applyUpdate(old Item, u *updateExpr) (Item, error) {
	type write struct {
		path   docPath
		v      AttributeValue
		remove bool
	}
	var writes []write
	for _, a := range u.set {
		v, err := evalUpdateOperand(old, a.value)
		if err != nil {
			return nil, err
		}
		writes = append(writes, write{path: a.path, v: v})
	}
	for _, a := range u.add {
		cur, exists := lookup(old, a.path)
		add := a.value.v
		switch {
		case add.N != nil:
			if !exists {
				writes = append(writes, write{path: a.path, v: add})
				continue
			}
			if cur.N == nil {
				return nil, errBadOperandType
			}
			dc, _ := parseNumber(*cur.N)
			da, _ := parseNumber(*add.N)
			r, err := dc.add(da)
			if err != nil {
				return nil, err
			}
			writes = append(writes, write{path: a.path, v: numVal(r.String())})
		default:
			if !exists {
				writes = append(writes, write{path: a.path, v: add})
				continue
			}
			if cur.typ() != add.typ() {
				return nil, errBadOperandType
			}
			writes = append(writes, write{path: a.path, v: setUnion(cur, add)})
		}
	}
	for _, a := range u.delete {
		cur, exists := lookup(old, a.path)
		if !exists {
			continue
		}
		if cur.typ() != a.value.v.typ() {
			return nil, errBadOperandType
		}
		rest := setMinus(cur, a.value.v)
		writes = append(writes, write{path: a.path, v: rest, remove: rest.typ() == ""})
	}
	// REMOVE of list elements goes from the highest index down, so that
	// indexes refer to the list as it was.
	removes := slices.Clone(u.remove)
	sort.SliceStable(removes, func(i, j int) bool {
		a, b := removes[i], removes[j]
		if len(a) == len(b) && a[len(a)-1].index >= 0 && b[len(b)-1].index >= 0 {
			return a[len(a)-1].index > b[len(b)-1].index
		}
		return false
	})
	for _, p := range removes {
		writes = append(writes, write{path: p, remove: true})
	}
	var it Item
	if old == nil {
		it = Item{}
	} else {
		it = cloneItem(old)
	}
	for _, w := range writes {
		if err := setPath(it, w.path, w.v, w.remove); err != nil {
			return nil, err
		}
	}
	return it, nil
}

// setPath sets or removes the value at path inside it (whose containers the
// caller owns).
func setPath(it Item, path docPath, v AttributeValue, remove bool) error {
	if len(path) == 1 {
		if remove {
			delete(it, path[0].name)
		} else {
			it[path[0].name] = v
		}
		return nil
	}
	parent, ok := it[path[0].name]
	if !ok {
		if remove {
			return nil
		}
		return errBadUpdatePath
	}
	nv, err := setIn(parent, path[1:], v, remove)
	if err != nil {
		return err
	}
	it[path[0].name] = nv
	return nil
}

// setIn returns container with the value at path set or removed.
func setIn(container AttributeValue, path docPath, v AttributeValue, remove bool) (AttributeValue, error) {
	e := path[0]
	if e.index >= 0 {
		if container.L == nil {
			return container, errBadUpdatePath
		}
		l := container.L
		if len(path) == 1 {
			switch {
			case remove:
				if e.index < len(l) {
					l = append(l[:e.index:e.index], l[e.index+1:]...)
				}
			case e.index >= len(l):
				// AWS: setting past the end of a list appends.
				l = append(l, v)
			default:
				l[e.index] = v
			}
			return AttributeValue{L: l}, nil
		}
		if e.index >= len(l) {
			if remove {
				return container, nil
			}
			return container, errBadUpdatePath
		}
		nv, err := setIn(l[e.index], path[1:], v, remove)
		if err != nil {
			return container, err
		}
		l[e.index] = nv
		return AttributeValue{L: l}, nil
	}
	if container.M == nil {
		return container, errBadUpdatePath
	}
	m := container.M
	if len(path) == 1 {
		if remove {
			delete(m, e.name)
		} else {
			m[e.name] = v
		}
		return AttributeValue{M: m}, nil
	}
	child, ok := m[e.name]
	if !ok {
		if remove {
			return container, nil
		}
		return container, errBadUpdatePath
	}
	nv, err := setIn(child, path[1:], v, remove)
	if err != nil {
		return container, err
	}
	m[e.name] = nv
	return AttributeValue{M: m}, nil
}

func setUnion(a, b AttributeValue) AttributeValue {
	switch {
	case a.SS != nil:
		out := slices.Clone(a.SS)
		for _, s := range b.SS {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return AttributeValue{SS: out}
	case a.NS != nil:
		out := slices.Clone(a.NS)
		for _, s := range b.NS {
			if !slices.ContainsFunc(out, func(n string) bool { return compareNumbers(n, s) == 0 }) {
				out = append(out, s)
			}
		}
		return AttributeValue{NS: out}
	default:
		out := slices.Clone(a.BS)
		for _, s := range b.BS {
			if !slices.ContainsFunc(out, func(x []byte) bool { return bytes.Equal(x, s) }) {
				out = append(out, s)
			}
		}
		return AttributeValue{BS: out}
	}
}

// setMinus returns a without b's elements; a value of no type when empty.
func setMinus(a, b AttributeValue) AttributeValue {
	switch {
	case a.SS != nil:
		var out []string
		for _, s := range a.SS {
			if !slices.Contains(b.SS, s) {
				out = append(out, s)
			}
		}
		return AttributeValue{SS: out}
	case a.NS != nil:
		var out []string
		for _, s := range a.NS {
			if !slices.ContainsFunc(b.NS, func(n string) bool { return compareNumbers(n, s) == 0 }) {
				out = append(out, s)
			}
		}
		return AttributeValue{NS: out}
	default:
		var out [][]byte
		for _, s := range a.BS {
			if !slices.ContainsFunc(b.BS, func(x []byte) bool { return bytes.Equal(x, s) }) {
				out = append(out, s)
			}
		}
		return AttributeValue{BS: out}
	}
}

// project returns the parts of it that paths select, nested as in it.
// AWS: list elements a projection selects come back in list order, compacted.
func project(it Item, paths []docPath) Item {
	if it == nil {
		return nil
	}
	root := &projNode{}
	for _, p := range paths {
		root.add(p)
	}
	out := Item{}
	for name, child := range root.names {
		v, ok := it[name]
		if !ok {
			continue
		}
		if pv, ok := child.apply(v); ok {
			out[name] = pv
		}
	}
	return out
}

type projNode struct {
	leaf    bool
	names   map[string]*projNode
	indexes map[int]*projNode
}

func (n *projNode) add(p docPath) {
	for _, e := range p {
		var next *projNode
		if e.index >= 0 {
			if n.indexes == nil {
				n.indexes = map[int]*projNode{}
			}
			if next = n.indexes[e.index]; next == nil {
				next = &projNode{}
				n.indexes[e.index] = next
			}
		} else {
			if n.names == nil {
				n.names = map[string]*projNode{}
			}
			if next = n.names[e.name]; next == nil {
				next = &projNode{}
				n.names[e.name] = next
			}
		}
		n = next
	}
	n.leaf = true
}

func (n *projNode) apply(v AttributeValue) (AttributeValue, bool) {
	if n.leaf {
		return v, true
	}
	if n.names != nil && v.M != nil {
		m := map[string]AttributeValue{}
		for name, child := range n.names {
			if cv, ok := v.M[name]; ok {
				if pv, ok := child.apply(cv); ok {
					m[name] = pv
				}
			}
		}
		if len(m) > 0 {
			return AttributeValue{M: m}, true
		}
	}
	if n.indexes != nil && v.L != nil {
		idx := make([]int, 0, len(n.indexes))
		for i := range n.indexes {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		var l []AttributeValue
		for _, i := range idx {
			if i < len(v.L) {
				if pv, ok := n.indexes[i].apply(v.L[i]); ok {
					l = append(l, pv)
				}
			}
		}
		if len(l) > 0 {
			return AttributeValue{L: l}, true
		}
	}
	return AttributeValue{}, false
}
