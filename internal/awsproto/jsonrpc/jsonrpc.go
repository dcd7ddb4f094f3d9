// Package jsonrpc is the codec for the awsJson1_0 and awsJson1_1 protocols
// (DynamoDB, SQS, SSM, ECS, ACM, CloudWatch Logs, ...): POST / with the
// operation in the X-Amz-Target header and a JSON body.
package jsonrpc

import (
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/contentenc"
	"haneul/internal/awsproto/jsonshape"
	"haneul/internal/awsproto/model"
)

// Codec reads and writes the awsJson protocols. The zero value is ready to use.
type Codec struct{}

// New returns a json protocol codec.
func New() *Codec { return &Codec{} }

var _ awsproto.Codec = (*Codec)(nil)

// Operation finds the operation named by the X-Amz-Target header,
// "<targetPrefix>.<Operation>".
func (c *Codec) Operation(req *awsproto.Request) (*model.Operation, error) {
	target := req.HTTP.Header.Get("X-Amz-Target")
	i := strings.LastIndexByte(target, '.')
	if i < 0 || i == len(target)-1 {
		return nil, unknownOperation(target)
	}
	prefix, name := target[:i], target[i+1:]
	if req.Service == nil {
		return nil, unknownOperation(target)
	}
	if want := req.Service.Metadata.TargetPrefix; want != "" && !strings.EqualFold(prefix, want) {
		return nil, unknownOperation(target)
	}
	op, found := req.Service.Operations[name]
	if !found {
		return nil, unknownOperation(target)
	}
	return op, nil
}

func unknownOperation(target string) *awserr.Error {
	// AWS: DynamoDB and SQS answer an unknown target with UnknownOperationException, 400.
	return awserr.New("UnknownOperationException", http.StatusBadRequest, "Unknown operation %q", target)
}

// Decode parses the JSON body into the operation's input value.
func (c *Codec) Decode(req *awsproto.Request) (map[string]any, error) {
	op, err := c.operation(req)
	if err != nil {
		return nil, err
	}
	if op.Input == nil {
		return map[string]any{}, nil
	}
	body := req.Body
	if req.HTTP != nil {
		if body, err = contentenc.Gunzip(req.HTTP.Header, body); err != nil {
			return nil, err
		}
	}
	return jsonshape.Decode(body, op.Input.Shape)
}

func (c *Codec) operation(req *awsproto.Request) (*model.Operation, error) {
	if req.Operation != nil {
		return req.Operation, nil
	}
	return c.Operation(req)
}

// Encode writes out as the operation's JSON output document.
func (c *Codec) Encode(w http.ResponseWriter, req *awsproto.Request, out map[string]any) error {
	op, err := c.operation(req)
	if err != nil {
		return err
	}
	var sh *model.Shape
	if op.Output != nil {
		sh = op.Output.Shape
	}
	body, err := jsonshape.Encode(sh, out)
	if err != nil {
		return err
	}
	writeHeaders(w, req, len(body))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// EncodeError writes e as {"__type": "<namespace>#<Name>", "message": ...}.
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	sh, typeName, body := jsonshape.ErrorDocument(req.Service, e)
	body["__type"] = Namespace(req.Service) + "#" + typeName
	raw, err := jsonshape.Marshal(body)
	if err != nil {
		raw = []byte(`{"__type":"InternalFailure","message":"cannot encode the error"}`)
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeHeaders(w, req, len(raw))
	w.Header().Set("X-Amzn-ErrorType", typeName)
	status := awsproto.ErrorStatus(req.Service, e)
	if req.Service != nil && req.Service.Metadata.QueryCompatible() {
		w.Header().Set("X-Amzn-Query-Error", QueryError(req.Service, sh, e, status))
	}
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

func writeHeaders(w http.ResponseWriter, req *awsproto.Request, n int) {
	h := w.Header()
	version := "1.0"
	if req.Service != nil && req.Service.Metadata.JSONVersion != "" {
		version = req.Service.Metadata.JSONVersion
	}
	h.Set("Content-Type", "application/x-amz-json-"+version)
	h.Set("Content-Length", strconv.Itoa(n))
	if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
}

// Namespace is the Smithy namespace clients see before '#' in __type. Clients
// keep only what follows the '#'.
func Namespace(svc *model.Service) string {
	if svc == nil {
		return "com.amazonaws"
	}
	// AWS: DynamoDB spells its namespace with the API version.
	if svc.Metadata.TargetPrefix == "DynamoDB_20120810" {
		return "com.amazonaws.dynamodb.v20120810"
	}
	return "com.amazonaws." + strings.ToLower(svc.Metadata.EndpointPrefix)
}
