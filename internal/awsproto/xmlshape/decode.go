package xmlshape

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"haneul/internal/awsproto/model"
)

// Unmarshal reads the root element of data as a value shaped by ref. Empty
// data (no root element) is a nil value and no error.
func Unmarshal(data []byte, ref *model.ShapeRef) (any, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("xmlshape: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return Decode(d, start, ref)
		}
	}
}

// Decode reads the element start opened (already consumed from d) as a value
// shaped by ref, through its end element. Unknown child elements are skipped.
// A flattened list or map decodes one element as a one-item list or map.
func Decode(d *xml.Decoder, start xml.StartElement, ref *model.ShapeRef) (any, error) {
	if ref == nil || ref.Shape == nil {
		return nil, errors.New("xmlshape: decode: unlinked shape reference")
	}
	dec := decoder{d: d}
	v, err := dec.value(start, ref, 0)
	if err != nil {
		return nil, fmt.Errorf("xmlshape: %w", err)
	}
	if isFlattened(ref) {
		switch ref.Shape.Type {
		case "list":
			if v == nil {
				return []any{}, nil
			}
			return []any{v}, nil
		case "map":
			m := map[string]any{}
			if e, ok := v.(entry); ok {
				m[e.key] = e.value
			}
			return m, nil
		}
	}
	return v, nil
}

type decoder struct{ d *xml.Decoder }

// entry is one decoded map entry.
type entry struct {
	key   string
	value any
	ok    bool
}

// value reads start's content. For a flattened list it reads one item, for a
// flattened map one entry; the caller collects them.
func (dec *decoder) value(start xml.StartElement, ref *model.ShapeRef, depth int) (any, error) {
	name := start.Name.Local
	if depth > maxDepth {
		return nil, fmt.Errorf("%s: nested deeper than %d", name, maxDepth)
	}
	sh := ref.Shape
	if sh == nil {
		return nil, fmt.Errorf("%s: unlinked shape reference", name)
	}
	switch sh.Type {
	case "structure":
		return dec.structure(start, sh, depth)
	case "list":
		if sh.Member == nil {
			return nil, fmt.Errorf("%s: list shape %s has no member", name, sh.Name)
		}
		if isFlattened(ref) {
			return dec.value(start, sh.Member, depth+1)
		}
		items := []any{}
		err := dec.children(name, func(child xml.StartElement) error {
			v, err := dec.value(child, sh.Member, depth+1)
			if err == nil && v != nil {
				items = append(items, v)
			}
			return err
		})
		return items, err
	case "map":
		if sh.Key == nil || sh.Value == nil {
			return nil, fmt.Errorf("%s: map shape %s has no key or value", name, sh.Name)
		}
		if isFlattened(ref) {
			return dec.entry(start, sh, depth)
		}
		m := map[string]any{}
		err := dec.children(name, func(child xml.StartElement) error {
			e, err := dec.entry(child, sh, depth)
			if err == nil && e.ok {
				m[e.key] = e.value
			}
			return err
		})
		return m, err
	default:
		text, err := dec.text(name)
		if err != nil {
			return nil, err
		}
		v, err := parseScalar(ref, text)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return v, nil
	}
}

// structure reads a structure's attributes and member elements.
func (dec *decoder) structure(start xml.StartElement, sh *model.Shape, depth int) (map[string]any, error) {
	out := map[string]any{}
	byName := make(map[string]string, len(sh.Members))
	for _, mn := range sh.MemberNames {
		ref := sh.Members[mn]
		if !inBody(ref) {
			continue
		}
		if ref.XMLAttribute {
			want := localName(MemberName(mn, ref))
			for _, a := range start.Attr {
				if a.Name.Local == want {
					v, err := parseScalar(ref, a.Value)
					if err != nil {
						return nil, fmt.Errorf("%s@%s: %w", start.Name.Local, want, err)
					}
					if v != nil {
						out[mn] = v
					}
				}
			}
			continue
		}
		byName[localName(MemberName(mn, ref))] = mn
	}
	err := dec.children(start.Name.Local, func(child xml.StartElement) error {
		mn, ok := byName[child.Name.Local]
		if !ok {
			return dec.d.Skip()
		}
		ref := sh.Members[mn]
		v, err := dec.value(child, ref, depth+1)
		if err != nil || v == nil {
			return err
		}
		if isFlattened(ref) {
			switch ref.Shape.Type {
			case "list":
				l, _ := out[mn].([]any)
				out[mn] = append(l, v)
				return nil
			case "map":
				m, _ := out[mn].(map[string]any)
				if m == nil {
					m = map[string]any{}
					out[mn] = m
				}
				if e, ok := v.(entry); ok && e.ok {
					m[e.key] = e.value
				}
				return nil
			}
		}
		out[mn] = v
		return nil
	})
	return out, err
}

// entry reads one map entry element holding key and value elements.
func (dec *decoder) entry(start xml.StartElement, sh *model.Shape, depth int) (entry, error) {
	kn, vn := mapNames(sh)
	var e entry
	var haveKey bool
	err := dec.children(start.Name.Local, func(child xml.StartElement) error {
		switch child.Name.Local {
		case localName(kn):
			text, err := dec.text(child.Name.Local)
			e.key, haveKey = text, err == nil
			return err
		case localName(vn):
			v, err := dec.value(child, sh.Value, depth+1)
			e.value = v
			return err
		}
		return dec.d.Skip()
	})
	e.ok = haveKey && e.value != nil
	return e, err
}

// children calls fn for each child element of the element name, through its
// end element; fn must consume the child through its end element.
func (dec *decoder) children(name string, fn func(xml.StartElement) error) error {
	for {
		tok, err := dec.d.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", name, unexpectedEOF(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// text reads the character data of the element name through its end
// element, skipping any child elements.
func (dec *decoder) text(name string) (string, error) {
	var sb strings.Builder
	for {
		tok, err := dec.d.Token()
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, unexpectedEOF(err))
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			if err := dec.d.Skip(); err != nil {
				return "", fmt.Errorf("%s: %w", name, unexpectedEOF(err))
			}
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseScalar reads a scalar's text. Empty text for a non-string scalar is
// an absent value (nil, no error).
func parseScalar(ref *model.ShapeRef, text string) (any, error) {
	sh := ref.Shape
	if sh.Type == "string" {
		return text, nil
	}
	s := strings.TrimSpace(text)
	if s == "" {
		if sh.Type == "blob" {
			return []byte{}, nil
		}
		return nil, nil
	}
	switch sh.Type {
	case "boolean":
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("invalid boolean %q", clip(s))
	case "integer", "long", "short", "byte":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid integer %q", clip(s))
		}
		if sh.Type == "integer" && (n > math.MaxInt32 || n < math.MinInt32) {
			return nil, fmt.Errorf("integer %s out of range", s)
		}
		return n, nil
	case "float", "double":
		return ParseFloat(s)
	case "timestamp":
		t, err := ParseTime(s, timestampFormat(ref))
		if err != nil {
			return nil, fmt.Errorf("invalid timestamp %q", clip(s))
		}
		return t, nil
	case "blob":
		b, err := DecodeBase64(s)
		if err != nil {
			return nil, fmt.Errorf("invalid base64 %q", clip(s))
		}
		return b, nil
	}
	return nil, fmt.Errorf("shape %s: unsupported type %q", sh.Name, sh.Type)
}

// ParseFloat reads a float as AWS writes it, also "NaN", "Infinity" and "-Infinity".
func ParseFloat(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("invalid number %q", clip(s))
	}
	return f, nil
}

// DecodeBase64 reads standard base64, padded or not, ignoring whitespace.
func DecodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// clip shortens a hostile value for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
