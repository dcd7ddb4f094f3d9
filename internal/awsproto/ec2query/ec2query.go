// Package ec2query is the codec of the AWS ec2 protocol, the dialect of the
// query protocol EC2 speaks: members named by queryName, lists always
// flattened as Name.N, responses without a result wrapper and lists as <item>.
package ec2query

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/query"
	"haneul/internal/awsproto/xmlshape"
)

// Codec reads and writes the ec2 protocol. Its zero value is ready; it is
// safe for concurrent use.
type Codec struct{}

// New returns an ec2 codec.
func New() *Codec { return &Codec{} }

// xmlOptions is the ec2 XML dialect.
//
// AWS (ec2): list items are <item> elements.
var xmlOptions = xmlshape.Options{ListMember: "item"}

// Operation implements awsproto.Codec: the operation is the Action parameter.
func (*Codec) Operation(req *awsproto.Request) (*model.Operation, error) {
	return query.ActionOperation(req)
}

// Decode implements awsproto.Codec: the input is read from req.Form.
func (c *Codec) Decode(req *awsproto.Request) (map[string]any, error) {
	op := req.Operation
	if op == nil {
		var err error
		if op, err = c.Operation(req); err != nil {
			return nil, err
		}
	}
	if op.Input == nil {
		return map[string]any{}, nil
	}
	return query.DecodeForm(req.Form, op.Input.Shape, query.EC2Dialect)
}

// namespace is the xmlns of EC2 responses.
//
// AWS: http://ec2.amazonaws.com/doc/<api version>/, with the trailing slash
// the model's xmlNamespace lacks.
func namespace(svc *model.Service) string {
	v := "2016-11-15"
	if svc != nil && svc.Metadata.APIVersion != "" {
		v = svc.Metadata.APIVersion
	}
	return "http://ec2.amazonaws.com/doc/" + v + "/"
}

// Encode implements awsproto.Codec:
//
//	<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…</requestId>…members…</OpResponse>
func (c *Codec) Encode(w http.ResponseWriter, req *awsproto.Request, out map[string]any) error {
	op := req.Operation
	if op == nil {
		var err error
		if op, err = c.Operation(req); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	b.WriteString("<" + op.Name + `Response xmlns="`)
	escape(&b, namespace(op.Service))
	b.WriteString(`"><requestId>`)
	escape(&b, req.RequestID)
	b.WriteString("</requestId>")
	if op.Output != nil && op.Output.Shape != nil {
		if err := xmlshape.EncodeMembers(&b, op.Output.Shape, out, xmlOptions); err != nil {
			return fmt.Errorf("ec2query: encode %s output: %w", op.Name, err)
		}
	}
	b.WriteString("</" + op.Name + "Response>")
	write(w, req, http.StatusOK, b.Bytes())
	return nil
}

// EncodeError implements awsproto.Codec:
//
//	<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…</RequestID></Response>
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	code := e.Code
	if req.Service != nil {
		if sh := req.Service.ErrorShape(code); sh != nil {
			code = sh.ErrorCode()
		}
	}
	var b bytes.Buffer
	b.WriteString("<Response><Errors><Error><Code>")
	escape(&b, code)
	b.WriteString("</Code><Message>")
	escape(&b, e.Message)
	b.WriteString("</Message></Error></Errors><RequestID>")
	escape(&b, req.RequestID)
	b.WriteString("</RequestID></Response>")
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	write(w, req, awsproto.ErrorStatus(req.Service, e), b.Bytes())
}

// write sends a response body with the request id header.
func write(w http.ResponseWriter, req *awsproto.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// escape writes s as XML character data.
func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
