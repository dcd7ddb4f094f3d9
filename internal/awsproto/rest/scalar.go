package rest

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
)

// parseScalar reads a label, query or header string as a value of ref's
// scalar shape. defaultTime is the location's timestamp format.
func parseScalar(ref *model.ShapeRef, s, defaultTime string) (any, error) {
	sh := ref.Shape
	switch sh.Type {
	case "string":
		if ref.JSONValue || sh.Document {
			// AWS: jsonvalue headers carry base64-encoded JSON text.
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("invalid base64 JSON value: %w", err)
			}
			return string(b), nil
		}
		return s, nil
	case "boolean":
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean", s)
		}
		return b, nil
	case "integer", "long", "short", "byte":
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		return i, nil
	case "float", "double":
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return f, nil
	case "timestamp":
		return awstime.Parse(s, timeFormat(ref, defaultTime))
	case "blob":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("invalid base64: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("a %s cannot be bound to a URI, query string or header", sh.Type)
}

// formatScalar writes a scalar value for a header or query string.
func formatScalar(ref *model.ShapeRef, v any, defaultTime string) (string, error) {
	sh := ref.Shape
	switch sh.Type {
	case "string":
		s, ok := v.(string)
		if !ok {
			break
		}
		if ref.JSONValue || sh.Document {
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		}
		return s, nil
	case "boolean":
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
	case "integer", "long", "short", "byte":
		if i, ok := jsonshape.Int(v); ok {
			return strconv.FormatInt(i, 10), nil
		}
	case "float", "double":
		if f, ok := jsonshape.Float(v); ok {
			switch {
			case math.IsNaN(f):
				return "NaN", nil
			case math.IsInf(f, 1):
				return "Infinity", nil
			case math.IsInf(f, -1):
				return "-Infinity", nil
			}
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	case "timestamp":
		if t, ok := v.(time.Time); ok {
			return awstime.Format(t, timeFormat(ref, defaultTime)), nil
		}
	case "blob":
		switch b := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(b), nil
		case string:
			return base64.StdEncoding.EncodeToString([]byte(b)), nil
		}
	}
	return "", fmt.Errorf("%T is not a value of %s shape %s", v, sh.Type, sh.Name)
}

func timeFormat(ref *model.ShapeRef, def string) string {
	if ref.TimestampFormat != "" {
		return ref.TimestampFormat
	}
	if ref.Shape.TimestampFormat != "" {
		return ref.Shape.TimestampFormat
	}
	return def
}
