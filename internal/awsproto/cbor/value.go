package cbor

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
)

// fromCBOR converts v, a generic value as fxamacker/cbor decodes it into an
// empty interface, into the model-shaped value of ref. A CBOR null or
// undefined is nil (absent).
func fromCBOR(ref *model.ShapeRef, v any, path string) (any, error) {
	if v == nil {
		return nil, nil
	}
	sh := ref.Shape
	if sh == nil {
		return nil, fmt.Errorf("%s: shape %q is not linked", where(path), ref.ShapeName)
	}
	if sh.Document {
		return document(v), nil
	}
	switch sh.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, mismatch(path, "a map", v)
		}
		out := make(map[string]any, len(obj))
		for name, mv := range obj {
			mref, ok := sh.Members[name]
			if !ok {
				continue // AWS: unknown members are ignored.
			}
			x, err := fromCBOR(mref, mv, path+"."+name)
			if err != nil {
				return nil, err
			}
			if x != nil {
				out[name] = x
			}
		}
		return out, nil
	case "list":
		arr, ok := v.([]any)
		if !ok {
			return nil, mismatch(path, "an array", v)
		}
		out := make([]any, 0, len(arr))
		for i, e := range arr {
			x, err := fromCBOR(sh.Member, e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			if x != nil {
				out = append(out, x)
			}
		}
		return out, nil
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, mismatch(path, "a map", v)
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			x, err := fromCBOR(sh.Value, e, path+"."+k)
			if err != nil {
				return nil, err
			}
			if x != nil {
				out[k] = x
			}
		}
		return out, nil
	case "string":
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, mismatch(path, "a text string", v)
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, mismatch(path, "a boolean", v)
	case "integer", "long", "short", "byte":
		switch n := v.(type) {
		case uint64:
			if n <= math.MaxInt64 {
				return int64(n), nil
			}
		case int64:
			return n, nil
		}
		return nil, mismatch(path, "an integer", v)
	case "float", "double":
		switch n := v.(type) {
		case float64:
			return n, nil
		case float32:
			return float64(n), nil
		case uint64:
			return float64(n), nil
		case int64:
			return float64(n), nil
		}
		return nil, mismatch(path, "a float", v)
	case "timestamp":
		switch t := v.(type) {
		case time.Time:
			return t.UTC(), nil
		case float64:
			return awstime.FromEpoch(t)
		case uint64:
			return awstime.FromEpoch(float64(t))
		case int64:
			return awstime.FromEpoch(float64(t))
		}
		return nil, mismatch(path, "a timestamp (tag 1)", v)
	case "blob":
		switch b := v.(type) {
		case []byte:
			return b, nil
		}
		return nil, mismatch(path, "a byte string", v)
	}
	return nil, fmt.Errorf("%s: unsupported shape type %q", where(path), sh.Type)
}

// document converts decoded CBOR into a JSON-like document value.
func document(v any) any {
	switch x := v.(type) {
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = document(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = document(e)
		}
		return out
	case string, bool, int64, float64, nil:
		return x
	}
	return fmt.Sprint(v)
}

// toCBOR converts a model-shaped value of ref into a value the encoder
// writes in the protocol's wire form (timestamps become tag 1 through the
// encoder's time options).
func toCBOR(ref *model.ShapeRef, v any, path string) (any, error) {
	sh := ref.Shape
	if sh == nil {
		return nil, fmt.Errorf("cbor: %s: shape %q is not linked", where(path), ref.ShapeName)
	}
	if sh.Document {
		return v, nil
	}
	switch sh.Type {
	case "structure":
		m, ok := v.(map[string]any)
		if !ok {
			break
		}
		out := make(map[string]any, len(m))
		for name, mv := range m {
			mref, ok := sh.Members[name]
			if !ok || mv == nil {
				continue
			}
			x, err := toCBOR(mref, mv, path+"."+name)
			if err != nil {
				return nil, err
			}
			out[name] = x
		}
		return out, nil
	case "list":
		l, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, 0, len(l))
		for i, e := range l {
			if e == nil {
				continue
			}
			x, err := toCBOR(sh.Member, e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			if ms, isStrings := v.(map[string]string); isStrings {
				out := make(map[string]any, len(ms))
				for k, s := range ms {
					out[k] = s
				}
				return out, nil
			}
			break
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			if e == nil {
				continue
			}
			x, err := toCBOR(sh.Value, e, path+"."+k)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case "string":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "integer", "long", "short", "byte":
		if i, ok := jsonshape.Int(v); ok {
			return i, nil
		}
	case "float":
		if f, ok := jsonshape.Float(v); ok {
			return float32(f), nil
		}
	case "double":
		if f, ok := jsonshape.Float(v); ok {
			return f, nil
		}
	case "timestamp":
		if t, ok := v.(time.Time); ok {
			// AWS: epoch seconds, millisecond precision.
			return t.Round(time.Millisecond).UTC(), nil
		}
	case "blob":
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	}
	return nil, fmt.Errorf("cbor: %s: %T is not a value of %s shape %s", where(path), v, sh.Type, sh.Name)
}

func where(path string) string {
	if path == "" {
		return "body"
	}
	return path[1:]
}

func mismatch(path, want string, got any) error {
	return fmt.Errorf("%s: expected %s, got %T", where(path), want, got)
}
