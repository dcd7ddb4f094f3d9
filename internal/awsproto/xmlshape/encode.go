package xmlshape

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"haneul/internal/awsproto/model"
)

// Options tune the XML dialect.
type Options struct {
	// ListMember names the items of a wrapped list whose member has no
	// locationName. Empty means "member" (query, rest-xml); the ec2 codec uses "item".
	ListMember string
}

// maxDepth bounds the nesting of values and elements.
const maxDepth = 100

// Encode appends v, shaped by ref, to b as an element named name. An empty name
// means the reference's locationName, else the shape's, else the shape name.
// A nil v writes nothing. A flattened list or map is written as a run of
// elements named name, without a wrapper.
func Encode(b *bytes.Buffer, ref *model.ShapeRef, name string, v any, opts Options) error {
	if ref == nil || ref.Shape == nil {
		return fmt.Errorf("xmlshape: encode %s: unlinked shape reference", name)
	}
	if name == "" {
		name = rootName(ref)
	}
	e := encoder{b: b, opts: opts}
	return e.value(ref, name, v, 0, true)
}

// EncodeMembers appends the members of the structure value v, shaped by sh, to
// b without a wrapping element (the query codec's <OpResult>, the ec2 codec's
// <OpResponse>). Attribute members are ignored.
func EncodeMembers(b *bytes.Buffer, sh *model.Shape, v map[string]any, opts Options) error {
	if sh == nil || sh.Type != "structure" {
		return fmt.Errorf("xmlshape: encode members: not a structure shape")
	}
	e := encoder{b: b, opts: opts}
	return e.members(sh, v, 0)
}

func rootName(ref *model.ShapeRef) string {
	switch {
	case ref.LocationName != "":
		return ref.LocationName
	case ref.Shape.LocationName != "":
		return ref.Shape.LocationName
	}
	return ref.ShapeName
}

type encoder struct {
	b    *bytes.Buffer
	opts Options
}

// value writes one value; ns says whether the ref's xmlNamespace is declared here.
func (e *encoder) value(ref *model.ShapeRef, name string, v any, depth int, ns bool) error {
	if v == nil {
		return nil
	}
	if depth > maxDepth {
		return fmt.Errorf("xmlshape: encode %s: nested deeper than %d", name, maxDepth)
	}
	sh := ref.Shape
	if sh == nil {
		return fmt.Errorf("xmlshape: encode %s: unlinked shape reference", name)
	}
	switch sh.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			return typeError(name, sh, v)
		}
		if err := e.open(name, ref, sh, m, ns); err != nil {
			return err
		}
		if err := e.members(sh, m, depth); err != nil {
			return err
		}
		e.close(name)
	case "list":
		items, ok := asList(v)
		if !ok {
			return typeError(name, sh, v)
		}
		if sh.Member == nil {
			return fmt.Errorf("xmlshape: encode %s: list shape %s has no member", name, sh.Name)
		}
		if isFlattened(ref) {
			for i, it := range items {
				if err := e.value(sh.Member, name, it, depth+1, ns); err != nil {
					return fmt.Errorf("%s[%d]: %w", name, i, err)
				}
			}
			return nil
		}
		e.open(name, ref, sh, nil, ns)
		item := listMemberName(sh, e.opts)
		for i, it := range items {
			if err := e.value(sh.Member, item, it, depth+1, true); err != nil {
				return fmt.Errorf("%s[%d]: %w", name, i, err)
			}
		}
		e.close(name)
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			return typeError(name, sh, v)
		}
		if sh.Key == nil || sh.Value == nil {
			return fmt.Errorf("xmlshape: encode %s: map shape %s has no key or value", name, sh.Name)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kn, vn := mapNames(sh)
		flat := isFlattened(ref)
		if !flat {
			e.open(name, ref, sh, nil, ns)
		}
		for _, k := range keys {
			entry := "entry"
			if flat {
				entry = name
			}
			e.b.WriteString("<" + entry + ">")
			if err := e.value(sh.Key, kn, k, depth+1, true); err != nil {
				return fmt.Errorf("%s[%q]: %w", name, k, err)
			}
			if err := e.value(sh.Value, vn, m[k], depth+1, true); err != nil {
				return fmt.Errorf("%s[%q]: %w", name, k, err)
			}
			e.close(entry)
		}
		if !flat {
			e.close(name)
		}
	default:
		s, err := formatScalar(ref, v)
		if err != nil {
			return fmt.Errorf("xmlshape: encode %s: %w", name, err)
		}
		e.open(name, ref, sh, nil, ns)
		escape(e.b, s)
		e.close(name)
	}
	return nil
}

// members writes the body members of a structure in model order (sorted by name).
func (e *encoder) members(sh *model.Shape, m map[string]any, depth int) error {
	for _, mn := range sh.MemberNames {
		ref := sh.Members[mn]
		v, ok := m[mn]
		if !ok || v == nil || ref.XMLAttribute || !inBody(ref) {
			continue
		}
		if err := e.value(ref, MemberName(mn, ref), v, depth+1, true); err != nil {
			return err
		}
	}
	return nil
}

// open writes a start tag with the namespace declaration and, for a structure,
// its attribute members.
func (e *encoder) open(name string, ref *model.ShapeRef, sh *model.Shape, m map[string]any, ns bool) error {
	e.b.WriteString("<" + name)
	if x := namespace(ref); ns && x != nil && x.URI != "" {
		attr := "xmlns"
		if x.Prefix != "" {
			attr += ":" + x.Prefix
		}
		e.attr(attr, x.URI)
	}
	if sh.Type == "structure" {
		for _, mn := range sh.MemberNames {
			mref := sh.Members[mn]
			v, ok := m[mn]
			if !mref.XMLAttribute || !ok || v == nil {
				continue
			}
			s, err := formatScalar(mref, v)
			if err != nil {
				return fmt.Errorf("xmlshape: encode %s@%s: %w", name, mn, err)
			}
			e.attr(MemberName(mn, mref), s)
		}
	}
	e.b.WriteByte('>')
	return nil
}

func (e *encoder) attr(name, value string) {
	e.b.WriteString(" " + name + `="`)
	escape(e.b, value)
	e.b.WriteByte('"')
}

func (e *encoder) close(name string) { e.b.WriteString("</" + name + ">") }

// escape writes s as XML character data (also safe inside a quoted attribute).
func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

func typeError(name string, sh *model.Shape, v any) error {
	return fmt.Errorf("xmlshape: encode %s: %s shape %s given %T", name, sh.Type, sh.Name, v)
}

// asList accepts the list spellings services produce.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// formatScalar writes a scalar value as XML text.
func formatScalar(ref *model.ShapeRef, v any) (string, error) {
	sh := ref.Shape
	switch sh.Type {
	case "string":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
	case "integer", "long", "short", "byte":
		switch n := v.(type) {
		case int64:
			return strconv.FormatInt(n, 10), nil
		case int:
			return strconv.Itoa(n), nil
		case int32:
			return strconv.FormatInt(int64(n), 10), nil
		case float64:
			if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
				return strconv.FormatInt(int64(n), 10), nil
			}
		}
	case "float", "double":
		switch n := v.(type) {
		case float64:
			return FormatFloat(n), nil
		case float32:
			return FormatFloat(float64(n)), nil
		case int64:
			return strconv.FormatInt(n, 10), nil
		case int:
			return strconv.Itoa(n), nil
		}
	case "timestamp":
		if t, ok := v.(time.Time); ok {
			return FormatTime(t, timestampFormat(ref)), nil
		}
	case "blob":
		switch b := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(b), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(b)), nil
		}
	default:
		return "", fmt.Errorf("shape %s: unsupported type %q", sh.Name, sh.Type)
	}
	return "", fmt.Errorf("%s shape %s given %T", sh.Type, sh.Name, v)
}

// FormatFloat writes f without exponent noise ("0.1", "1500", "NaN", "Infinity").
func FormatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
