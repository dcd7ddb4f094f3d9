package rest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/awstime"
	"haneul/internal/awsproto/contentenc"
	"haneul/internal/awsproto/model"
)

// MaxBody bounds a non-streaming REST request body.
const MaxBody = 20 << 20

// Decode builds op's input value from req: labels (req.Labels, as
// Operation filled them), query string, headers and the body, parsed by f.
// A streaming blob payload is handed on as an io.Reader over the request
// body, aws-chunked framing removed (see contentenc.ChunkedReader for the
// trailing checksum).
func Decode(req *awsproto.Request, op *model.Operation, f Format) (map[string]any, error) {
	in := map[string]any{}
	if op.Input == nil || op.Input.Shape == nil {
		return in, nil
	}
	sh := op.Input.Shape
	query, _ := url.ParseQuery(req.HTTP.URL.RawQuery)
	bound := map[string]bool{}
	var restMap string
	for _, name := range sh.MemberNames {
		m := sh.Members[name]
		var (
			v   any
			err error
		)
		switch m.Location {
		case "uri":
			s, ok := req.Labels[locName(m, name)]
			if !ok {
				continue
			}
			v, err = parseScalar(m, s, awstime.ISO8601)
		case "querystring":
			if m.Shape.Type == "map" && m.LocationName == "" {
				restMap = name
				continue
			}
			key := locName(m, name)
			bound[key] = true
			vs, ok := query[key]
			if !ok {
				continue
			}
			v, err = queryValue(m, vs)
		case "header":
			vs := req.HTTP.Header.Values(locName(m, name))
			if strings.EqualFold(locName(m, name), "Content-Encoding") {
				vs = withoutChunked(vs)
			}
			if len(vs) == 0 {
				continue
			}
			v, err = headerValue(m, vs)
		case "headers":
			v = prefixHeaders(m, locName(m, name), req.HTTP.Header)
			if v == nil {
				continue
			}
		default:
			continue
		}
		if err != nil {
			return nil, awserr.Serialization("%s: %v", name, err)
		}
		in[name] = v
	}
	if restMap != "" {
		if v := restQuery(sh.Members[restMap], query, bound); v != nil {
			in[restMap] = v
		}
	}
	if err := decodeBody(req, op.Input, f, in); err != nil {
		return nil, err
	}
	return in, nil
}

func queryValue(m *model.ShapeRef, vs []string) (any, error) {
	if m.Shape.Type == "list" {
		out := make([]any, 0, len(vs))
		for _, s := range vs {
			x, err := parseScalar(m.Shape.Member, s, awstime.ISO8601)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	}
	return parseScalar(m, vs[0], awstime.ISO8601)
}

// restQuery collects the query parameters no other member binds into a map
// of string or of list of strings.
func restQuery(m *model.ShapeRef, query url.Values, bound map[string]bool) any {
	out := map[string]any{}
	for k, vs := range query {
		if bound[k] || len(vs) == 0 {
			continue
		}
		if m.Shape.Value != nil && m.Shape.Value.Shape.Type == "list" {
			l := make([]any, len(vs))
			for i, s := range vs {
				l[i] = s
			}
			out[k] = l
		} else {
			out[k] = vs[0]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func headerValue(m *model.ShapeRef, vs []string) (any, error) {
	if m.Shape.Type != "list" {
		return parseScalar(m, strings.Join(vs, ","), awstime.HTTPDate)
	}
	var out []any
	elem := m.Shape.Member
	for _, v := range vs {
		parts := strings.Split(v, ",")
		if elem.Shape.Type == "timestamp" && timeFormat(elem, awstime.HTTPDate) == awstime.HTTPDate {
			// An http-date has a comma of its own: "Mon, 02 Jan 2006 ...".
			var joined []string
			for i := 0; i+1 < len(parts); i += 2 {
				joined = append(joined, parts[i]+","+parts[i+1])
			}
			parts = joined
		}
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if len(p) >= 2 && p[0] == '"' && p[len(p)-1] == '"' {
				p = p[1 : len(p)-1]
			}
			x, err := parseScalar(elem, p, awstime.HTTPDate)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
	}
	return out, nil
}

// prefixHeaders collects the headers starting with prefix (x-amz-meta-),
// keyed by the rest of the name in lower case.
func prefixHeaders(m *model.ShapeRef, prefix string, h http.Header) any {
	prefix = strings.ToLower(prefix)
	out := map[string]any{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if rest, ok := strings.CutPrefix(lk, prefix); ok && rest != "" && len(vs) > 0 {
			// AWS: S3 returns user metadata keys in lower case.
			out[rest] = strings.Join(vs, ",")
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// decodeBody reads the payload member or the body members.
func decodeBody(req *awsproto.Request, opRef *model.ShapeRef, f Format, in map[string]any) error {
	sh := opRef.Shape
	if sh.Payload != "" {
		m := sh.Members[sh.Payload]
		if m == nil {
			return nil
		}
		if m.Shape.Type == "blob" && (m.Shape.Streaming || m.Streaming) {
			in[sh.Payload] = streamBody(req)
			return nil
		}
		body, err := readBody(req)
		if err != nil || len(body) == 0 {
			return err
		}
		switch m.Shape.Type {
		case "blob":
			in[sh.Payload] = body
		case "string":
			in[sh.Payload] = string(body)
		default:
			v, err := f.DecodeDocument(body, m)
			if err != nil {
				return err
			}
			in[sh.Payload] = v
		}
		return nil
	}
	bs := For(req.Service).bodies[sh]
	if bs == nil || len(bs.Members) == 0 {
		return nil
	}
	body, err := readBody(req)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	ref := &model.ShapeRef{ShapeName: sh.Name, Shape: bs, LocationName: sh.LocationName, XMLNamespace: sh.XMLNamespace}
	if opRef.LocationName != "" {
		ref.LocationName, ref.XMLNamespace = opRef.LocationName, opRef.XMLNamespace
	}
	v, err := f.DecodeDocument(body, ref)
	if err != nil {
		return err
	}
	for k, x := range v {
		in[k] = x
	}
	return nil
}

// readBody reads the whole (non-streaming) body, at most MaxBody bytes,
// undoing gzip and aws-chunked content encodings.
func readBody(req *awsproto.Request) ([]byte, error) {
	if req.Body != nil {
		return contentenc.Gunzip(req.HTTP.Header, req.Body)
	}
	if req.HTTP.Body == nil {
		return nil, nil
	}
	r := io.LimitReader(streamBody(req), MaxBody+1)
	body, err := io.ReadAll(r)
	if err != nil {
		if e, ok := awserr.As(err); ok {
			return nil, e
		}
		return nil, awserr.Serialization("cannot read the request body: %v", err)
	}
	if len(body) > MaxBody {
		return nil, awserr.New("RequestEntityTooLarge", http.StatusRequestEntityTooLarge, "%s", fmt.Sprintf("the request body exceeds %d bytes", MaxBody))
	}
	req.Body = body
	return contentenc.Gunzip(req.HTTP.Header, body)
}

// streamBody is the request body as the service should see it.
func streamBody(req *awsproto.Request) io.Reader {
	if req.Body != nil {
		return bytes.NewReader(req.Body)
	}
	if req.HTTP.Body == nil {
		return bytes.NewReader(nil)
	}
	if contentenc.IsChunked(req.HTTP.Header) {
		return contentenc.NewChunkedReader(req.HTTP.Body)
	}
	return req.HTTP.Body
}

// withoutChunked drops the aws-chunked framing from Content-Encoding values.
func withoutChunked(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = contentenc.WithoutChunked(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
