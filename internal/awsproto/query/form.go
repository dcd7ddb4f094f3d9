package query

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/xmlshape"
)

// Dialect selects the parameter naming rules of a form.
type Dialect int

const (
	// QueryDialect is the query protocol: a member's name is its locationName,
	// lists are Name.member.N (flattened: Name.N), maps Name.entry.N.key/.value.
	QueryDialect Dialect = iota
	// EC2Dialect is the ec2 protocol: a member's name is its queryName, else its
	// locationName with the first letter upper-cased; lists are always Name.N.
	EC2Dialect
)

// Limits on hostile forms.
const (
	// MaxListIndex is the largest list or map index accepted; AWS's own limits
	// are far lower (EC2 filters take 200 values, IAM tags 50).
	MaxListIndex = 10000
	// maxKeyDepth bounds the dotted components of a parameter name.
	maxKeyDepth = 64
)

// node is one dotted component of the form's parameter names.
type node struct {
	value    string
	hasValue bool
	kids     map[string]*node
}

// tree builds the parameter tree of form; the first value of a name wins.
func tree(form url.Values) (*node, error) {
	root := &node{}
	for key, vals := range form {
		if len(vals) == 0 {
			continue
		}
		parts := strings.Split(key, ".")
		if len(parts) > maxKeyDepth {
			return nil, invalid("parameter name %q has more than %d components", clip(key), maxKeyDepth)
		}
		n := root
		for _, p := range parts {
			kid := n.kids[p]
			if kid == nil {
				if n.kids == nil {
					n.kids = map[string]*node{}
				}
				kid = &node{}
				n.kids[p] = kid
			}
			n = kid
		}
		n.value, n.hasValue = vals[0], true
	}
	return root, nil
}

// DecodeForm builds the input value of shape input (a structure) from form.
// Unknown parameters are ignored, as are Action and Version; a bad value is an
// *awserr.Error with code InvalidParameterValue (400).
//
// AWS: query services ignore parameters they do not know.
func DecodeForm(form url.Values, input *model.Shape, d Dialect) (map[string]any, error) {
	out := map[string]any{}
	if input == nil {
		return out, nil
	}
	root, err := tree(form)
	if err != nil {
		return nil, err
	}
	f := formDecoder{dialect: d}
	v, err := f.structure(root, input, "")
	if err != nil {
		return nil, err
	}
	return v, nil
}

type formDecoder struct{ dialect Dialect }

// memberName is the parameter name of a structure member.
func (f formDecoder) memberName(name string, ref *model.ShapeRef) string {
	if f.dialect == EC2Dialect {
		// AWS (ec2): queryName, else locationName capitalised, else the member name.
		if ref.QueryName != "" {
			return ref.QueryName
		}
		if ln := ref.LocationName; ln != "" {
			return strings.ToUpper(ln[:1]) + ln[1:]
		}
		return name
	}
	return xmlshape.MemberName(name, ref)
}

func (f formDecoder) structure(n *node, sh *model.Shape, path string) (map[string]any, error) {
	out := map[string]any{}
	for _, mn := range sh.MemberNames {
		ref := sh.Members[mn]
		wire := f.memberName(mn, ref)
		kid := n.kids[wire]
		if kid == nil {
			continue
		}
		v, err := f.value(kid, ref, join(path, wire))
		if err != nil {
			return nil, err
		}
		if v != nil {
			out[mn] = v
		}
	}
	return out, nil
}

// value decodes the parameters under n; nil means absent.
func (f formDecoder) value(n *node, ref *model.ShapeRef, path string) (any, error) {
	sh := ref.Shape
	if sh == nil {
		return nil, nil
	}
	switch sh.Type {
	case "structure":
		if len(n.kids) == 0 {
			return nil, nil
		}
		return f.structure(n, sh, path)
	case "list":
		if sh.Member == nil {
			return nil, nil
		}
		// AWS (query): an empty list is sent as "Name=" with no members.
		if len(n.kids) == 0 {
			if n.hasValue && n.value == "" {
				return []any{}, nil
			}
			return nil, nil
		}
		items := n
		if f.dialect == QueryDialect && !ref.Flattened && !sh.Flattened {
			name := "member"
			if sh.Member.LocationName != "" {
				name = sh.Member.LocationName
			}
			items = n.kids[name]
			if items == nil {
				return nil, nil
			}
			path = join(path, name)
		}
		idx, err := indexes(items, path)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, len(idx))
		for _, i := range idx {
			v, err := f.value(items.kids[strconv.Itoa(i)], sh.Member, join(path, strconv.Itoa(i)))
			if err != nil {
				return nil, err
			}
			if v != nil {
				out = append(out, v)
			}
		}
		return out, nil
	case "map":
		if sh.Key == nil || sh.Value == nil {
			return nil, nil
		}
		if len(n.kids) == 0 {
			if n.hasValue && n.value == "" {
				return map[string]any{}, nil
			}
			return nil, nil
		}
		entries := n
		if !ref.Flattened && !sh.Flattened {
			entries = n.kids["entry"]
			if entries == nil {
				return nil, nil
			}
			path = join(path, "entry")
		}
		kn, vn := "key", "value"
		if sh.Key.LocationName != "" {
			kn = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			vn = sh.Value.LocationName
		}
		idx, err := indexes(entries, path)
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, len(idx))
		for _, i := range idx {
			e := entries.kids[strconv.Itoa(i)]
			k, val := e.kids[kn], e.kids[vn]
			if k == nil || !k.hasValue || val == nil {
				continue
			}
			v, err := f.value(val, sh.Value, join(path, strconv.Itoa(i), vn))
			if err != nil {
				return nil, err
			}
			if v != nil {
				out[k.value] = v
			}
		}
		return out, nil
	default:
		if !n.hasValue {
			return nil, nil
		}
		return scalar(ref, n.value, path)
	}
}

// indexes lists the 1-based indexes under n in order, ignoring gaps and
// names that are not indexes.
//
// AWS: list members are collected in index order; missing indexes are skipped.
func indexes(n *node, path string) ([]int, error) {
	idx := make([]int, 0, len(n.kids))
	for k := range n.kids {
		i, err := strconv.Atoi(k)
		if err != nil || i < 1 || k[0] == '+' || k[0] == '0' {
			continue
		}
		if i > MaxListIndex {
			return nil, invalid("index %s of parameter %s exceeds %d", clip(k), path, MaxListIndex)
		}
		idx = append(idx, i)
	}
	sort.Ints(idx)
	return idx, nil
}

// scalar parses one parameter value.
func scalar(ref *model.ShapeRef, s, path string) (any, error) {
	sh := ref.Shape
	switch sh.Type {
	case "string":
		return s, nil
	case "boolean":
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, invalid("value %q for parameter %s is not a boolean", clip(s), path)
	case "integer", "long", "short", "byte":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || (sh.Type == "integer" && (n > 1<<31-1 || n < -1<<31)) {
			return nil, invalid("value %q for parameter %s is not a valid integer", clip(s), path)
		}
		return n, nil
	case "float", "double":
		f, err := xmlshape.ParseFloat(strings.TrimSpace(s))
		if err != nil {
			return nil, invalid("value %q for parameter %s is not a valid number", clip(s), path)
		}
		return f, nil
	case "timestamp":
		// AWS: ISO 8601 is the wire format; epoch seconds are accepted too.
		t, err := xmlshape.ParseTime(s, xmlshape.ISO8601)
		if err != nil {
			return nil, invalid("value %q for parameter %s is not a valid timestamp", clip(s), path)
		}
		return t, nil
	case "blob":
		b, err := xmlshape.DecodeBase64(s)
		if err != nil {
			return nil, invalid("value for parameter %s is not valid base64", path)
		}
		return b, nil
	}
	return nil, nil
}

func join(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// invalid is the 400 for a parameter value the decoder cannot use.
//
// AWS: query and ec2 services answer a malformed value with InvalidParameterValue.
func invalid(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterValue", 400, format, args...)
}

// clip shortens a hostile value for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
