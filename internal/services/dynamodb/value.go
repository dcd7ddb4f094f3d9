package dynamodb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"haneul/internal/awsproto/awserr"
)

// Item is one DynamoDB item: attribute name → value. Items in the state
// tables are shared and never mutated; writes store new maps.
type Item = map[string]AttributeValue

// validation is a ValidationException with AWS's message.
func validation(format string, args ...any) *awserr.Error {
	return awserr.New("ValidationException", 400, format, args...)
}

// The types of attribute values, as DynamoDB names them.
const (
	typeS    = "S"
	typeN    = "N"
	typeB    = "B"
	typeBOOL = "BOOL"
	typeNULL = "NULL"
	typeSS   = "SS"
	typeNS   = "NS"
	typeBS   = "BS"
	typeL    = "L"
	typeM    = "M"
)

// typ returns the type of v, "" if it has none, or "*" if it has several.
func (v *AttributeValue) typ() string {
	t, n := "", 0
	set := func(ok bool, name string) {
		if ok {
			t = name
			n++
		}
	}
	set(v.S != nil, typeS)
	set(v.N != nil, typeN)
	set(v.B != nil, typeB)
	set(v.BOOL != nil, typeBOOL)
	set(v.NULL != nil, typeNULL)
	set(v.SS != nil, typeSS)
	set(v.NS != nil, typeNS)
	set(v.BS != nil, typeBS)
	set(v.L != nil, typeL)
	set(v.M != nil, typeM)
	if n > 1 {
		return "*"
	}
	return t
}

// cleanValue validates a value from a request and returns it with its
// numbers in canonical form.
func cleanValue(v AttributeValue) (AttributeValue, error) {
	switch v.typ() {
	case "":
		return v, validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
	case "*":
		return v, validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
	case typeN:
		n, err := normalizeNumber(*v.N)
		if err != nil {
			return v, err
		}
		return AttributeValue{N: &n}, nil
	case typeNULL:
		if !*v.NULL {
			return v, validation("One or more parameter values were invalid: Null attribute value types must have the value of true")
		}
	case typeSS:
		if len(v.SS) == 0 {
			return v, validation("One or more parameter values were invalid: An string set  may not be empty")
		}
		if hasDuplicates(v.SS) {
			return v, validation("One or more parameter values were invalid: Input collection %s contains duplicates.", showList(v.SS))
		}
	case typeNS:
		if len(v.NS) == 0 {
			return v, validation("One or more parameter values were invalid: An number set  may not be empty")
		}
		ns := make([]string, len(v.NS))
		for i, s := range v.NS {
			n, err := normalizeNumber(s)
			if err != nil {
				return v, err
			}
			ns[i] = n
		}
		if hasDuplicates(ns) {
			return v, validation("One or more parameter values were invalid: Input collection %s contains duplicates.", showList(v.NS))
		}
		return AttributeValue{NS: ns}, nil
	case typeBS:
		if len(v.BS) == 0 {
			return v, validation("One or more parameter values were invalid: An binary set  may not be empty")
		}
		ss := make([]string, len(v.BS))
		for i, b := range v.BS {
			ss[i] = string(b)
		}
		if hasDuplicates(ss) {
			return v, validation("One or more parameter values were invalid: Input collection contains duplicates.")
		}
	case typeL:
		l := make([]AttributeValue, len(v.L))
		for i, e := range v.L {
			c, err := cleanValue(e)
			if err != nil {
				return v, err
			}
			l[i] = c
		}
		return AttributeValue{L: l}, nil
	case typeM:
		m := make(map[string]AttributeValue, len(v.M))
		for k, e := range v.M {
			c, err := cleanValue(e)
			if err != nil {
				return v, err
			}
			m[k] = c
		}
		return AttributeValue{M: m}, nil
	}
	return v, nil
}

// cleanItem validates every value of an item from a request.
func cleanItem(it Item) (Item, error) {
	out := make(Item, len(it))
	for k, v := range it {
		if k == "" {
			return nil, validation("One or more parameter values were invalid: An attribute name may not be empty")
		}
		c, err := cleanValue(v)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

func hasDuplicates(s []string) bool {
	seen := make(map[string]struct{}, len(s))
	for _, e := range s {
		if _, dup := seen[e]; dup {
			return true
		}
		seen[e] = struct{}{}
	}
	return false
}

func showList(s []string) string { return "[" + strings.Join(s, ", ") + "]" }

// equal reports whether a and b are the same value (sets compare as sets).
func equal(a, b *AttributeValue) bool {
	ta, tb := a.typ(), b.typ()
	if ta != tb {
		return false
	}
	switch ta {
	case typeS:
		return *a.S == *b.S
	case typeN:
		return compareNumbers(*a.N, *b.N) == 0
	case typeB:
		return bytes.Equal(a.B, b.B)
	case typeBOOL:
		return *a.BOOL == *b.BOOL
	case typeNULL:
		return true
	case typeSS:
		return sameSet(a.SS, b.SS, func(x, y string) bool { return x == y })
	case typeNS:
		return sameSet(a.NS, b.NS, func(x, y string) bool { return compareNumbers(x, y) == 0 })
	case typeBS:
		return sameSet(a.BS, b.BS, func(x, y []byte) bool { return bytes.Equal(x, y) })
	case typeL:
		if len(a.L) != len(b.L) {
			return false
		}
		for i := range a.L {
			if !equal(&a.L[i], &b.L[i]) {
				return false
			}
		}
		return true
	case typeM:
		if len(a.M) != len(b.M) {
			return false
		}
		for k, av := range a.M {
			bv, ok := b.M[k]
			if !ok || !equal(&av, &bv) {
				return false
			}
		}
		return true
	}
	return false
}

func sameSet[T any](a, b []T, eq func(x, y T) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y T) bool { return eq(x, y) }) {
			return false
		}
	}
	return true
}

// compareNumbers compares two stored (valid) number strings numerically.
func compareNumbers(a, b string) int {
	da, _ := parseNumber(a)
	db, _ := parseNumber(b)
	return da.cmp(db)
}

// compareScalars orders two values of the same scalar type (S, N or B) and
// reports false when they cannot be ordered.
//
// AWS: strings compare by their UTF-8 bytes, binary values byte by byte
// (unsigned), numbers numerically.
func compareScalars(a, b *AttributeValue) (int, bool) {
	ta := a.typ()
	if ta != b.typ() {
		return 0, false
	}
	switch ta {
	case typeS:
		return strings.Compare(*a.S, *b.S), true
	case typeN:
		return compareNumbers(*a.N, *b.N), true
	case typeB:
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}

// valueSize is the number of bytes a value counts for towards the item size.
//
// AWS: strings and binaries count their length, numbers about one byte per
// two significant digits plus one, booleans and nulls one byte, lists and
// maps 3 bytes plus their elements (and a map's names) plus one byte each.
func valueSize(v *AttributeValue) int {
	switch v.typ() {
	case typeS:
		return len(*v.S)
	case typeN:
		return numberSize(*v.N)
	case typeB:
		return len(v.B)
	case typeBOOL, typeNULL:
		return 1
	case typeSS:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case typeNS:
		n := 0
		for _, s := range v.NS {
			n += numberSize(s)
		}
		return n
	case typeBS:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	case typeL:
		n := 3
		for i := range v.L {
			n += valueSize(&v.L[i]) + 1
		}
		return n
	case typeM:
		n := 3
		for k, e := range v.M {
			n += len(k) + valueSize(&e) + 1
		}
		return n
	}
	return 0
}

func numberSize(s string) int {
	d, _ := parseNumber(s)
	return (len(d.digits)+1)/2 + 1
}

// itemSize is the size of an item as DynamoDB counts it against the 400 KB limit.
func itemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + valueSize(&v)
	}
	return n
}

// maxItemSize is DynamoDB's item size limit, 400 KB.
const maxItemSize = 400 * 1024

// appendKeyPart appends an order-preserving, self-delimiting encoding of a key
// value (S, N or B) to b. The result is valid UTF-8 so it can be a state key.
//
// Strings keep their UTF-8 bytes (DynamoDB orders strings by bytes) with 0x00
// and 0x01 escaped and a 0x00 terminator; binaries are hex (which preserves
// byte order) with a 0x00 terminator; numbers use decimal.appendKey.
func appendKeyPart(b []byte, v *AttributeValue) []byte {
	switch {
	case v.S != nil:
		s := *v.S
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case 0, 1:
				b = append(b, 1, c+1)
			default:
				b = append(b, c)
			}
		}
		return append(b, 0)
	case v.N != nil:
		d, _ := parseNumber(*v.N)
		return d.appendKey(b)
	default:
		const hex = "0123456789abcdef"
		for _, c := range v.B {
			b = append(b, hex[c>>4], hex[c&15])
		}
		return append(b, 0)
	}
}

// MarshalJSON writes v in DynamoDB's JSON form ({"S":"x"}), which is how
// items are kept in the state journal.
func (v AttributeValue) MarshalJSON() ([]byte, error) {
	var m map[string]any
	switch v.typ() {
	case typeS:
		if utf8.ValidString(*v.S) {
			m = map[string]any{"S": *v.S}
		} else {
			m = map[string]any{"Sx": []byte(*v.S)}
		}
	case typeN:
		m = map[string]any{"N": *v.N}
	case typeB:
		m = map[string]any{"B": v.B}
	case typeBOOL:
		m = map[string]any{"BOOL": *v.BOOL}
	case typeNULL:
		m = map[string]any{"NULL": true}
	case typeSS:
		m = map[string]any{"SS": v.SS}
	case typeNS:
		m = map[string]any{"NS": v.NS}
	case typeBS:
		m = map[string]any{"BS": v.BS}
	case typeL:
		m = map[string]any{"L": v.L}
	case typeM:
		m = map[string]any{"M": v.M}
	default:
		return nil, fmt.Errorf("dynamodb: attribute value of type %q", v.typ())
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (v *AttributeValue) UnmarshalJSON(b []byte) error {
	var raw struct {
		S    *string
		Sx   []byte
		N    *string
		B    []byte
		BOOL *bool
		NULL *bool
		SS   []string
		NS   []string
		BS   [][]byte
		L    []AttributeValue
		M    map[string]AttributeValue
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = AttributeValue{S: raw.S, N: raw.N, B: raw.B, BOOL: raw.BOOL, NULL: raw.NULL, SS: raw.SS, NS: raw.NS, BS: raw.BS, L: raw.L, M: raw.M}
	if raw.Sx != nil {
		s := string(raw.Sx)
		v.S = &s
	}
	if v.typ() == "" && bytes.Contains(b, []byte(`"B"`)) {
		v.B = []byte{}
	}
	return nil
}

// describe renders a value as AWS's error messages show it: {S:x}.
func describe(v *AttributeValue) string {
	switch v.typ() {
	case typeS:
		return "{S:" + *v.S + ",}"
	case typeN:
		return "{N:" + *v.N + ",}"
	case typeB:
		return "{B:" + base64.StdEncoding.EncodeToString(v.B) + ",}"
	}
	return "{" + v.typ() + "}"
}

// cloneValue deep-copies the containers of v (scalars are shared, being immutable).
func cloneValue(v AttributeValue) AttributeValue {
	switch {
	case v.L != nil:
		l := make([]AttributeValue, len(v.L))
		for i, e := range v.L {
			l[i] = cloneValue(e)
		}
		return AttributeValue{L: l}
	case v.M != nil:
		return AttributeValue{M: cloneItem(v.M)}
	case v.SS != nil:
		return AttributeValue{SS: slices.Clone(v.SS)}
	case v.NS != nil:
		return AttributeValue{NS: slices.Clone(v.NS)}
	case v.BS != nil:
		return AttributeValue{BS: slices.Clone(v.BS)}
	}
	return v
}

func cloneItem(it Item) Item {
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = cloneValue(v)
	}
	return out
}

func strVal(s string) AttributeValue { return AttributeValue{S: &s} }
func numVal(s string) AttributeValue { return AttributeValue{N: &s} }
