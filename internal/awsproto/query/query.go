// Package query is the codec of the AWS query protocol: form-encoded requests
// naming an Action, XML responses wrapped in <OpResponse><OpResult>. IAM, STS,
// SNS, RDS, ELB, AutoScaling and CloudFormation speak it, and the
// query-compatible JSON services (SQS, CloudWatch) still answer it for old clients.
//
// The form decoder (DecodeForm) and the Action lookup (ActionOperation) are
// shared with the ec2 codec, whose protocol is a dialect of this one.
package query

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/xmlshape"
)

// Codec reads and writes the query protocol. Use New; it is safe for concurrent use.
type Codec struct {
	mu sync.Mutex
	// views caches the query view of query-compatible JSON models (see compat.go).
	views map[*model.Service]*model.Service
}

// New returns a query codec.
func New() *Codec { return &Codec{views: map[*model.Service]*model.Service{}} }

// ActionOperation finds the operation named by the request's Action parameter.
// A missing Action is MissingAction, an unknown one InvalidAction (both 400).
func ActionOperation(req *awsproto.Request) (*model.Operation, error) {
	action := req.Form.Get("Action")
	if action == "" {
		return nil, awserr.New("MissingAction", 400, "The request must contain the parameter Action.")
	}
	if req.Service == nil {
		return nil, awserr.InvalidAction(action)
	}
	op, ok := req.Service.Operations[action]
	if !ok {
		return nil, awserr.InvalidAction(action)
	}
	return op, nil
}

// Operation implements awsproto.Codec: the operation is the Action parameter.
func (c *Codec) Operation(req *awsproto.Request) (*model.Operation, error) {
	return ActionOperation(req)
}

// view returns the query view of svc, building it on first use.
func (c *Codec) view(svc *model.Service) *model.Service {
	if _, ok := compats[svc.Name]; !ok {
		return svc
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.views[svc]
	if !ok {
		v = queryView(svc)
		c.views[svc] = v
	}
	return v
}

// operation returns req's operation as the query view of its service sees it.
func (c *Codec) operation(req *awsproto.Request) (*model.Operation, error) {
	op := req.Operation
	if op == nil {
		var err error
		if op, err = ActionOperation(req); err != nil {
			return nil, err
		}
	}
	if op.Service == nil {
		return op, nil
	}
	if vop, ok := c.view(op.Service).Operations[op.Name]; ok {
		return vop, nil
	}
	return op, nil
}

// Decode implements awsproto.Codec: the input is read from req.Form.
func (c *Codec) Decode(req *awsproto.Request) (map[string]any, error) {
	op, err := c.operation(req)
	if err != nil {
		return nil, err
	}
	if op.Input == nil {
		return map[string]any{}, nil
	}
	return DecodeForm(req.Form, op.Input.Shape, QueryDialect)
}

// Encode implements awsproto.Codec:
//
//	<OpResponse xmlns="…"><OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>
func (c *Codec) Encode(w http.ResponseWriter, req *awsproto.Request, out map[string]any) error {
	op, err := c.operation(req)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(`<` + op.Name + `Response xmlns="`)
	escape(&b, namespace(op.Service))
	b.WriteString(`">`)
	// AWS: an operation without an output shape answers with ResponseMetadata alone.
	if op.Output != nil && op.Output.Shape != nil {
		wrapper := op.Output.ResultWrapper
		if wrapper == "" {
			wrapper = op.Name + "Result"
		}
		b.WriteString("<" + wrapper + ">")
		if err := xmlshape.EncodeMembers(&b, op.Output.Shape, out, xmlshape.Options{}); err != nil {
			return fmt.Errorf("query: encode %s output: %w", op.Name, err)
		}
		b.WriteString("</" + wrapper + ">")
	}
	b.WriteString("<ResponseMetadata><RequestId>")
	escape(&b, req.RequestID)
	b.WriteString("</RequestId></ResponseMetadata></" + op.Name + "Response>")
	write(w, req, http.StatusOK, "text/xml", b.Bytes())
	return nil
}

// EncodeError implements awsproto.Codec:
//
//	<ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	svc := req.Service
	if svc != nil {
		svc = c.view(svc)
	}
	status := awsproto.ErrorStatus(svc, e)
	code := e.Code
	var sh *model.Shape
	if svc != nil {
		// AWS: the code on the wire is the exception's error code trait
		// (IAM's NoSuchEntityException is NoSuchEntity), else its shape name.
		if sh = svc.ErrorShape(e.Code); sh != nil {
			code = sh.ErrorCode()
		}
	}
	typ := "Sender"
	if e.Receiver || status >= 500 || (sh != nil && sh.Fault) {
		typ = "Receiver"
	}
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse`)
	if svc != nil {
		b.WriteString(` xmlns="`)
		escape(&b, namespace(svc))
		b.WriteString(`"`)
	}
	b.WriteString(`><Error><Type>` + typ + `</Type><Code>`)
	escape(&b, code)
	b.WriteString(`</Code><Message>`)
	escape(&b, e.Message)
	b.WriteString(`</Message>`)
	writeFields(&b, sh, e.Fields, xmlshape.Options{})
	b.WriteString(`</Error><RequestId>`)
	escape(&b, req.RequestID)
	b.WriteString(`</RequestId></ErrorResponse>`)
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	write(w, req, status, "text/xml", b.Bytes())
}

// writeFields appends the further exception members an error carries; a
// field the shape does not model, or cannot encode, is dropped.
func writeFields(b *bytes.Buffer, sh *model.Shape, fields map[string]any, opts xmlshape.Options) {
	if sh == nil || sh.Type != "structure" || len(fields) == 0 {
		return
	}
	extra := make(map[string]any, len(fields))
	for k, v := range fields {
		if k != "message" && k != "Message" && sh.Members[k] != nil {
			extra[k] = v
		}
	}
	var fb bytes.Buffer
	if xmlshape.EncodeMembers(&fb, sh, extra, opts) == nil {
		b.Write(fb.Bytes())
	}
}

// write sends a response body with the request id header.
func write(w http.ResponseWriter, req *awsproto.Request, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// escape writes s as XML character data.
func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }
