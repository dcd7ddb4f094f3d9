package jsonshape

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/model"
)

// Encode renders v, a model-shaped value of structure shape sh, as a JSON
// object. Keys the shape does not have are dropped.
func Encode(sh *model.Shape, v map[string]any) ([]byte, error) {
	var doc any = map[string]any{}
	if sh != nil && v != nil {
		var err error
		if doc, err = ToJSON(&model.ShapeRef{ShapeName: sh.Name, Shape: sh}, v); err != nil {
			return nil, err
		}
	}
	return Marshal(doc)
}

// Marshal writes a wire value (as ToJSON returns) without HTML escaping.
func Marshal(doc any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("jsonshape: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ToJSON converts a model-shaped value of ref into a value encoding/json
// writes as the protocol's wire form: timestamps as epoch seconds (or the
// ref's timestampFormat), blobs base64, non-finite floats as strings.
func ToJSON(ref *model.ShapeRef, v any) (any, error) {
	return toJSON(ref, v, "")
}

func toJSON(ref *model.ShapeRef, v any, path string) (any, error) {
	sh := ref.Shape
	if sh == nil {
		return nil, fmt.Errorf("jsonshape: %s: shape %q is not linked", where(path), ref.ShapeName)
	}
	if sh.Document {
		return v, nil
	}
	switch sh.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			return nil, encMismatch(path, sh, v)
		}
		out := make(map[string]any, len(m))
		for name, mv := range m {
			mref, ok := sh.Members[name]
			if !ok || mv == nil || (mref.Location != "" && mref.Location != "body") {
				continue
			}
			x, err := toJSON(mref, mv, path+"."+name)
			if err != nil {
				return nil, err
			}
			key := name
			if mref.LocationName != "" {
				key = mref.LocationName
			}
			out[key] = x
		}
		return out, nil
	case "list":
		l, ok := v.([]any)
		if !ok {
			if ss, isStrings := v.([]string); isStrings {
				l = make([]any, len(ss))
				for i, s := range ss {
					l[i] = s
				}
			} else {
				return nil, encMismatch(path, sh, v)
			}
		}
		out := make([]any, 0, len(l))
		for i, e := range l {
			if e == nil {
				continue
			}
			x, err := toJSON(sh.Member, e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case "map":
		var out map[string]any
		switch m := v.(type) {
		case map[string]any:
			out = make(map[string]any, len(m))
			for k, e := range m {
				if e == nil {
					continue
				}
				x, err := toJSON(sh.Value, e, path+"."+k)
				if err != nil {
					return nil, err
				}
				out[k] = x
			}
		case map[string]string:
			out = make(map[string]any, len(m))
			for k, e := range m {
				out[k] = e
			}
		default:
			return nil, encMismatch(path, sh, v)
		}
		return out, nil
	case "string":
		switch s := v.(type) {
		case string:
			return s, nil
		case fmt.Stringer:
			return s.String(), nil
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "integer", "long", "short", "byte":
		if i, ok := Int(v); ok {
			return i, nil
		}
	case "float", "double":
		if f, ok := Float(v); ok {
			switch {
			case math.IsNaN(f):
				return "NaN", nil
			case math.IsInf(f, 1):
				return "Infinity", nil
			case math.IsInf(f, -1):
				return "-Infinity", nil
			}
			return f, nil
		}
	case "timestamp":
		if t, ok := v.(time.Time); ok {
			format := timestampFormat(ref)
			if format == awstime.EpochSeconds {
				return json.Number(awstime.EpochString(t)), nil
			}
			return awstime.Format(t, format), nil
		}
	case "blob":
		switch b := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(b), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(b)), nil
		}
	}
	return nil, encMismatch(path, sh, v)
}

// Int converts any Go integer (or an integral float) to int64.
func Int(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int16:
		return int64(n), true
	case int8:
		return int64(n), true
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint:
		return int64(n), n <= math.MaxInt64
	case uint64:
		return int64(n), n <= math.MaxInt64
	case float64:
		return int64(n), n == math.Trunc(n) && math.Abs(n) < 1<<63
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// Float converts any Go number to float64.
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	if i, ok := Int(v); ok {
		return float64(i), true
	}
	return 0, false
}

func encMismatch(path string, sh *model.Shape, v any) error {
	return fmt.Errorf("jsonshape: %s: %T is not a value of %s shape %s", where(path), v, sh.Type, sh.Name)
}
