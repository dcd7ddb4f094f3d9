// Package jsonshape converts between JSON documents and model-shaped values,
// the body format shared by the json (awsJson1_0/1_1) and rest-json protocols.
package jsonshape

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/model"
)

// Decode parses body as a JSON object holding a value of structure shape sh.
// An empty body is an empty input. Members the shape does not have are
// ignored; a value of the wrong type is a SerializationException.
func Decode(body []byte, sh *model.Shape) (map[string]any, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, awserr.Serialization("cannot parse the request body as JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, awserr.Serialization("unexpected data after the JSON document")
	}
	if sh == nil {
		return map[string]any{}, nil
	}
	v, err := FromJSON(&model.ShapeRef{ShapeName: sh.Name, Shape: sh}, raw)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// FromJSON converts v, a value decoded by encoding/json with UseNumber, into
// the model-shaped value of ref. A JSON null is a nil result (an absent value).
func FromJSON(ref *model.ShapeRef, v any) (any, error) {
	out, err := fromJSON(ref, v, "")
	if err != nil {
		return nil, awserr.Serialization("%v", err)
	}
	return out, nil
}

func fromJSON(ref *model.ShapeRef, v any, path string) (any, error) {
	if v == nil {
		return nil, nil
	}
	sh := ref.Shape
	if sh == nil {
		return nil, fmt.Errorf("%s: shape %q is not linked", where(path), ref.ShapeName)
	}
	if sh.Document {
		return Document(v), nil
	}
	switch sh.Type {
	case "structure":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, mismatch(path, "an object", v)
		}
		out := make(map[string]any, len(obj))
		for name, mv := range obj {
			mref, ok := sh.Members[name]
			if !ok {
				continue // AWS: unknown members are ignored.
			}
			if mref.LocationName != "" && mref.Location == "" && mref.LocationName != name {
				continue
			}
			x, err := fromJSON(mref, mv, path+"."+name)
			if err != nil {
				return nil, err
			}
			if x != nil {
				out[name] = x
			}
		}
		// Body members renamed with locationName (rest-json) are read by their wire name.
		for name, mref := range sh.Members {
			if mref.Location != "" || mref.LocationName == "" || mref.LocationName == name {
				continue
			}
			if mv, ok := obj[mref.LocationName]; ok {
				x, err := fromJSON(mref, mv, path+"."+name)
				if err != nil {
					return nil, err
				}
				if x != nil {
					out[name] = x
				}
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
			x, err := fromJSON(sh.Member, e, path+"["+strconv.Itoa(i)+"]")
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
			return nil, mismatch(path, "an object", v)
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			x, err := fromJSON(sh.Value, e, path+"."+k)
			if err != nil {
				return nil, err
			}
			if x != nil {
				out[k] = x
			}
		}
		return out, nil
	case "string":
		s, ok := v.(string)
		if !ok {
			return nil, mismatch(path, "a string", v)
		}
		return s, nil
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, mismatch(path, "a boolean", v)
		}
		return b, nil
	case "integer", "long", "short", "byte":
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch(path, "an integer", v)
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(string(n), 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return nil, fmt.Errorf("%s: %s is not an integer", where(path), n)
			}
			i = int64(f)
		}
		return i, nil
	case "float", "double":
		switch n := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s is not a number", where(path), n)
			}
			return f, nil
		case string:
			// AWS: non-finite floats travel as the strings NaN, Infinity, -Infinity.
			switch n {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
		}
		return nil, mismatch(path, "a number", v)
	case "timestamp":
		switch t := v.(type) {
		case json.Number:
			f, err := strconv.ParseFloat(string(t), 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s is not a timestamp", where(path), t)
			}
			ts, err := awstime.FromEpoch(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where(path), err)
			}
			return ts, nil
		case string:
			ts, err := awstime.Parse(t, timestampFormat(ref))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where(path), err)
			}
			return ts, nil
		}
		return nil, mismatch(path, "a timestamp", v)
	case "blob":
		s, ok := v.(string)
		if !ok {
			return nil, mismatch(path, "a base64 string", v)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
				return nil, fmt.Errorf("%s: invalid base64", where(path))
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: unsupported shape type %q", where(path), sh.Type)
}

// Document converts a JSON value decoded with UseNumber into a document value:
// numbers become int64 when integral and float64 otherwise.
func Document(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Document(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Document(e)
		}
		return out
	}
	return v
}

func timestampFormat(ref *model.ShapeRef) string {
	if ref.TimestampFormat != "" {
		return ref.TimestampFormat
	}
	if ref.Shape != nil && ref.Shape.TimestampFormat != "" {
		return ref.Shape.TimestampFormat
	}
	return awstime.EpochSeconds
}

func where(path string) string {
	if path == "" {
		return "body"
	}
	return path[1:]
}

func mismatch(path, want string, got any) error {
	kind := "a value"
	switch got.(type) {
	case string:
		kind = "a string"
	case json.Number:
		kind = "a number"
	case bool:
		kind = "a boolean"
	case []any:
		kind = "an array"
	case map[string]any:
		kind = "an object"
	}
	return fmt.Errorf("%s: expected %s, got %s", where(path), want, kind)
}
