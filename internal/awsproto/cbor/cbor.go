// Package cbor is the codec for Smithy RPC v2 CBOR (CloudWatch's preferred
// protocol): POST /service/<ServiceName>/operation/<Operation> with a CBOR body.
package cbor

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	fxcbor "github.com/fxamacker/cbor/v2"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/contentenc"
	"haneul/internal/awsproto/jsonrpc"
	"haneul/internal/awsproto/model"
)

// ContentType is the media type of RPC v2 CBOR bodies.
const ContentType = "application/cbor"

// Decode limits: request bodies are already size-bounded by the gateway;
// these bound the work a small hostile body can ask for.
const (
	maxNesting = 64
	maxItems   = 1 << 16
)

// Codec reads and writes Smithy RPC v2 CBOR.
type Codec struct {
	dec fxcbor.DecMode
	enc fxcbor.EncMode
}

var _ awsproto.Codec = (*Codec)(nil)

// New returns an RPC v2 CBOR codec.
func New() *Codec {
	dec, err := fxcbor.DecOptions{
		MaxNestedLevels:  maxNesting,
		MaxArrayElements: maxItems,
		MaxMapPairs:      maxItems,
		IndefLength:      fxcbor.IndefLengthAllowed,
		DupMapKey:        fxcbor.DupMapKeyEnforcedAPF,
		DefaultMapType:   reflect.TypeOf(map[string]any(nil)),
		UTF8:             fxcbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("cbor: decode options: %v", err)) // static options; cannot fail
	}
	enc, err := fxcbor.EncOptions{
		Time:    fxcbor.TimeUnixDynamic,
		TimeTag: fxcbor.EncTagRequired,
	}.EncMode()
	if err != nil {
		panic(fmt.Sprintf("cbor: encode options: %v", err))
	}
	return &Codec{dec: dec, enc: enc}
}

// Operation finds the operation named by the request path,
// /service/<ServiceName>/operation/<Operation>. The service name may be the
// model's targetPrefix (what aws-sdk-go-v2 sends for CloudWatch,
// GraniteServiceVersion20100801) or its serviceId without spaces.
func (c *Codec) Operation(req *awsproto.Request) (*model.Operation, error) {
	path := req.HTTP.URL.EscapedPath()
	i := strings.LastIndex(path, "/service/")
	if i < 0 || req.Service == nil {
		return nil, unknownOperation(path)
	}
	svcName, opName, ok := strings.Cut(path[i+len("/service/"):], "/operation/")
	if !ok || opName == "" || strings.Contains(opName, "/") || !c.serviceNamed(req.Service, svcName) {
		return nil, unknownOperation(path)
	}
	op, found := req.Service.Operations[opName]
	if !found {
		return nil, unknownOperation(path)
	}
	if req.HTTP.Method != http.MethodPost {
		return nil, awserr.New("UnknownOperationException", http.StatusMethodNotAllowed, "RPC v2 requests must be POST, not %s", req.HTTP.Method)
	}
	return op, nil
}

func (c *Codec) serviceNamed(svc *model.Service, name string) bool {
	md := svc.Metadata
	for _, n := range []string{md.TargetPrefix, strings.ReplaceAll(md.ServiceID, " ", ""), md.EndpointPrefix} {
		if n != "" && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func unknownOperation(path string) *awserr.Error {
	// AWS: RPC v2 routes by path, so an unknown operation is a 404.
	return awserr.New("UnknownOperationException", http.StatusNotFound, "Unknown operation path %q", path)
}

func (c *Codec) operation(req *awsproto.Request) (*model.Operation, error) {
	if req.Operation != nil {
		return req.Operation, nil
	}
	return c.Operation(req)
}

// Decode parses the CBOR body into the operation's input value. An empty
// body is an empty input.
func (c *Codec) Decode(req *awsproto.Request) (map[string]any, error) {
	op, err := c.operation(req)
	if err != nil {
		return nil, err
	}
	body := req.Body
	if req.HTTP != nil {
		if body, err = contentenc.Gunzip(req.HTTP.Header, body); err != nil {
			return nil, err
		}
	}
	if len(body) == 0 || op.Input == nil {
		return map[string]any{}, nil
	}
	return c.DecodeBody(body, op.Input)
}

// DecodeBody parses body as a CBOR map holding a value of the structure ref names.
func (c *Codec) DecodeBody(body []byte, ref *model.ShapeRef) (map[string]any, error) {
	var raw any
	if err := c.dec.Unmarshal(body, &raw); err != nil {
		return nil, awserr.Serialization("cannot parse the request body as CBOR: %v", err)
	}
	v, err := fromCBOR(ref, raw, "")
	if err != nil {
		return nil, awserr.Serialization("%v", err)
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// Encode writes out as the operation's CBOR output.
func (c *Codec) Encode(w http.ResponseWriter, req *awsproto.Request, out map[string]any) error {
	op, err := c.operation(req)
	if err != nil {
		return err
	}
	var doc any = map[string]any{}
	if op.Output != nil && out != nil {
		if doc, err = toCBOR(op.Output, out, ""); err != nil {
			return err
		}
	}
	body, err := c.enc.Marshal(doc)
	if err != nil {
		return fmt.Errorf("cbor: encode %s output: %w", op.Name, err)
	}
	c.writeHeaders(w, req, len(body))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// EncodeError writes e as a CBOR map with __type "<namespace>#<Name>",
// message and the exception's other members.
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	var sh *model.Shape
	typeName := e.Code
	if req.Service != nil {
		sh = req.Service.ErrorShape(e.Code)
	}
	doc := map[string]any{}
	if sh != nil {
		typeName = sh.Name
		if len(e.Fields) > 0 {
			if v, err := toCBOR(&model.ShapeRef{ShapeName: sh.Name, Shape: sh}, e.Fields, ""); err == nil {
				doc, _ = v.(map[string]any)
			}
		}
	}
	doc["__type"] = jsonrpc.Namespace(req.Service) + "#" + typeName
	doc["message"] = e.Message
	if sh != nil {
		if _, ok := sh.Members["Message"]; ok {
			doc["Message"] = e.Message
		}
	}
	body, err := c.enc.Marshal(doc)
	if err != nil {
		body, _ = c.enc.Marshal(map[string]any{"__type": "InternalFailure", "message": e.Message})
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	c.writeHeaders(w, req, len(body))
	status := awsproto.ErrorStatus(req.Service, e)
	if req.Service != nil && req.Service.Metadata.QueryCompatible() {
		w.Header().Set("X-Amzn-Query-Error", jsonrpc.QueryError(req.Service, sh, e, status))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (c *Codec) writeHeaders(w http.ResponseWriter, req *awsproto.Request, n int) {
	h := w.Header()
	h.Set("Smithy-Protocol", "rpc-v2-cbor")
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(n))
	if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
}
