package rest

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
)

// Encode writes out, op's output value: header-bound members as headers,
// the statusCode member (else the operation's responseCode, else 200) as
// the status, and the payload member or the body members as the body,
// rendered by f. A streaming payload (io.Reader or []byte) is copied as is.
func Encode(w http.ResponseWriter, req *awsproto.Request, op *model.Operation, out map[string]any, f Format) error {
	status := op.HTTP.ResponseCode
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	var (
		body        []byte
		stream      io.Reader
		contentType string
	)
	if op.Output != nil && op.Output.Shape != nil {
		sh := op.Output.Shape
		for _, name := range sh.MemberNames {
			m := sh.Members[name]
			v, ok := out[name]
			if !ok || v == nil {
				continue
			}
			switch m.Location {
			case "header":
				s, err := headerString(m, v)
				if err != nil {
					return fmt.Errorf("rest: %s output %s: %w", op.Name, name, err)
				}
				h.Set(locName(m, name), s)
			case "headers":
				if err := setPrefixHeaders(h, locName(m, name), v); err != nil {
					return fmt.Errorf("rest: %s output %s: %w", op.Name, name, err)
				}
			case "statusCode":
				if n, ok := jsonshape.Int(v); ok && n >= 100 && n <= 999 {
					status = int(n)
				}
			}
		}
		var err error
		if body, stream, contentType, err = encodeBody(req, op.Output, out, f); err != nil {
			return fmt.Errorf("rest: %s output: %w", op.Name, err)
		}
		// A streaming payload may carry its own status: S3's ranged GetObject
		// answers 206, which its output shape has no member for.
		if sc, ok := stream.(interface{ HTTPStatus() int }); ok && sc.HTTPStatus() != 0 {
			status = sc.HTTPStatus()
		}
	}
	if req.RequestID != "" && h.Get(awsproto.HeaderRequestID) == "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
	if contentType != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	if stream == nil && h.Get("Content-Length") == "" && req.HTTP.Method != http.MethodHead {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if req.HTTP.Method == http.MethodHead {
		return nil
	}
	if stream != nil {
		_, err := io.Copy(w, stream)
		if c, ok := stream.(io.Closer); ok {
			c.Close()
		}
		return err
	}
	_, err := w.Write(body)
	return err
}

// encodeBody renders the payload member or the body members.
func encodeBody(req *awsproto.Request, opRef *model.ShapeRef, out map[string]any, f Format) (body []byte, stream io.Reader, contentType string, err error) {
	sh := opRef.Shape
	if sh.Payload != "" {
		m := sh.Members[sh.Payload]
		v, ok := out[sh.Payload]
		if m == nil || !ok || v == nil {
			return nil, nil, "", nil
		}
		switch m.Shape.Type {
		case "blob", "string":
			switch x := v.(type) {
			case io.Reader:
				return nil, x, "application/octet-stream", nil
			case []byte:
				return x, nil, "application/octet-stream", nil
			case string:
				ct := "application/octet-stream"
				if m.Shape.Type == "string" {
					ct = "text/plain"
				}
				return []byte(x), nil, ct, nil
			}
			return nil, nil, "", fmt.Errorf("payload %s: %T is not a blob", sh.Payload, v)
		}
		mv, ok := v.(map[string]any)
		if !ok {
			return nil, nil, "", fmt.Errorf("payload %s: %T is not a structure", sh.Payload, v)
		}
		body, err = f.EncodeDocument(m, mv)
		return body, nil, f.ContentType(), err
	}
	bs := For(req.Service).bodies[sh]
	if bs == nil || len(bs.Members) == 0 {
		return nil, nil, "", nil
	}
	ref := &model.ShapeRef{ShapeName: sh.Name, Shape: bs, LocationName: sh.LocationName, XMLNamespace: sh.XMLNamespace}
	if opRef.LocationName != "" {
		ref.LocationName, ref.XMLNamespace = opRef.LocationName, opRef.XMLNamespace
	}
	body, err = f.EncodeDocument(ref, out)
	return body, nil, f.ContentType(), err
}

// headerString renders a header-bound value; lists are comma-separated.
func headerString(m *model.ShapeRef, v any) (string, error) {
	if m.Shape.Type != "list" {
		return formatScalar(m, v, awstime.HTTPDate)
	}
	l, ok := v.([]any)
	if !ok {
		if ss, isStrings := v.([]string); isStrings {
			return strings.Join(ss, ","), nil
		}
		return "", fmt.Errorf("%T is not a list", v)
	}
	parts := make([]string, 0, len(l))
	for _, e := range l {
		s, err := formatScalar(m.Shape.Member, e, awstime.HTTPDate)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(s, ",\"") && m.Shape.Member.Shape.Type == "string" {
			s = strconv.Quote(s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ","), nil
}

// setPrefixHeaders writes a map as prefixed headers, names as the model
// spells them and not canonicalised.
//
// AWS: S3 sends user metadata as lower-case x-amz-meta-* names, and
// botocore keeps the case of the rest of the name as received.
func setPrefixHeaders(h http.Header, prefix string, v any) error {
	switch m := v.(type) {
	case map[string]any:
		for k, e := range m {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("header %s%s: %T is not a string", prefix, k, e)
			}
			h[prefix+k] = []string{s}
		}
	case map[string]string:
		for k, s := range m {
			h[prefix+k] = []string{s}
		}
	default:
		return fmt.Errorf("%T is not a map", v)
	}
	return nil
}

// ErrorHeaders sets the header-bound members of an exception (for example
// Lambda's Retry-After) from its fields.
func ErrorHeaders(h http.Header, sh *model.Shape, fields map[string]any) {
	if sh == nil {
		return
	}
	for name, v := range fields {
		m := sh.Members[name]
		if m == nil || m.Location != "header" {
			continue
		}
		if s, err := headerString(m, v); err == nil {
			h.Set(locName(m, name), s)
		}
	}
}
