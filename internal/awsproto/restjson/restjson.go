// Package restjson is the codec for the rest-json protocol (EFS, Lambda,
// API Gateway, ...): HTTP bindings from package rest with JSON bodies.
package restjson

import (
	"net/http"
	"strconv"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/rest"
)

// Codec reads and writes rest-json. The zero value is ready to use.
type Codec struct{}

// New returns a rest-json codec.
func New() *Codec { return &Codec{} }

var _ awsproto.Codec = (*Codec)(nil)

// Operation routes the request by method, path and query string and fills req.Labels.
func (c *Codec) Operation(req *awsproto.Request) (*model.Operation, error) {
	return rest.Operation(req)
}

func (c *Codec) operation(req *awsproto.Request) (*model.Operation, error) {
	if req.Operation != nil {
		return req.Operation, nil
	}
	return c.Operation(req)
}

// Decode builds the operation's input from labels, query, headers and the JSON body.
func (c *Codec) Decode(req *awsproto.Request) (map[string]any, error) {
	op, err := c.operation(req)
	if err != nil {
		return nil, err
	}
	return rest.Decode(req, op, Format{})
}

// Encode writes the operation's output.
func (c *Codec) Encode(w http.ResponseWriter, req *awsproto.Request, out map[string]any) error {
	op, err := c.operation(req)
	if err != nil {
		return err
	}
	return rest.Encode(w, req, op, out, Format{})
}

// EncodeError writes e: header X-Amzn-ErrorType: <code>, body
// {"message": ..., "__type": <code>} with the exception's other members.
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	sh, typeName, body := jsonshape.ErrorDocument(req.Service, e)
	body["__type"] = typeName
	raw, err := jsonshape.Marshal(body)
	if err != nil {
		raw = []byte(`{"__type":"InternalFailure","message":"cannot encode the error"}`)
	}
	h := w.Header()
	for k, vs := range e.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	rest.ErrorHeaders(h, sh, e.Fields)
	h.Set("X-Amzn-ErrorType", typeName)
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
	w.WriteHeader(awsproto.ErrorStatus(req.Service, e))
	if req.HTTP == nil || req.HTTP.Method != http.MethodHead {
		_, _ = w.Write(raw)
	}
}

// Format is the JSON body format of rest-json.
type Format struct{}

// ContentType implements rest.Format.
func (Format) ContentType() string { return "application/json" }

// DecodeDocument implements rest.Format.
func (Format) DecodeDocument(body []byte, ref *model.ShapeRef) (map[string]any, error) {
	return jsonshape.Decode(body, ref.Shape)
}

// EncodeDocument implements rest.Format.
func (Format) EncodeDocument(ref *model.ShapeRef, v map[string]any) ([]byte, error) {
	return jsonshape.Encode(ref.Shape, v)
}
