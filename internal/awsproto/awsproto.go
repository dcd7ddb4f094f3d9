// Package awsproto is haneul's wire layer: it knows the AWS protocols and never a service.
//
// A request is matched to a service and operation (by the gateway and the router),
// decoded by the codec of the protocol the client spoke into an input value,
// handed to the service, and the service's output value or *awserr.Error is
// encoded by the same codec.
//
// # Values
//
// Codecs and services exchange untyped values shaped by the model:
//
//	structure → map[string]any, keyed by member name; absent members are absent
//	list      → []any
//	map       → map[string]any
//	string    → string (enums too)
//	integer, long → int64
//	float, double → float64
//	boolean   → bool
//	timestamp → time.Time
//	blob      → []byte; a streaming blob payload → io.Reader (input) or io.Reader / []byte (output)
//	document  → any holding JSON-like values
//
// Package typed converts these values to and from the generated Go structs that
// service handlers see, so a handler reads like an SDK call.
package awsproto

import (
	"net/http"
	"net/url"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// Protocol names, as the models spell them.
const (
	Query    = "query"
	EC2      = "ec2"
	JSON     = "json"
	RESTJSON = "rest-json"
	RESTXML  = "rest-xml"
	CBOR     = "smithy-rpc-v2-cbor"
)

// Request is one AWS request as it moves through the wire layer.
type Request struct {
	HTTP      *http.Request
	Service   *model.Service
	Operation *model.Operation // nil until the operation is known
	Protocol  string           // the protocol the client spoke
	RequestID string
	// Body is the whole request body, read by the gateway for every protocol
	// except REST operations with a streaming payload (whose codec reads HTTP.Body).
	Body []byte
	// Form holds the query-string and form-body parameters (query and ec2 protocols).
	Form url.Values
	// Labels holds the URI label values the REST router matched, keyed by label name.
	Labels map[string]string
}

// Codec reads and writes one protocol.
type Codec interface {
	// Operation finds the operation the request calls (query/ec2: the Action
	// parameter; json: X-Amz-Target; cbor: the URL path; REST: method, path and
	// query against the model's HTTP bindings, filling req.Labels). An unknown
	// operation is an *awserr.Error.
	Operation(req *Request) (*model.Operation, error)
	// Decode builds the operation's input value. A body the protocol cannot parse,
	// or a value of the wrong type, is an *awserr.Error (a 4xx), never a panic.
	Decode(req *Request) (map[string]any, error)
	// Encode writes the operation's output value with the operation's success status.
	Encode(w http.ResponseWriter, req *Request, out map[string]any) error
	// EncodeError writes err in the protocol's error shape. req.Operation may be nil.
	EncodeError(w http.ResponseWriter, req *Request, err *awserr.Error)
}

// ErrorStatus is the HTTP status for err: its own, the model's for its code, or 400/500.
func ErrorStatus(svc *model.Service, err *awserr.Error) int {
	if err.Status != 0 {
		return err.Status
	}
	if svc != nil {
		if sh := svc.ErrorShape(err.Code); sh != nil && sh.Error != nil && sh.Error.HTTPStatusCode != 0 {
			return sh.Error.HTTPStatusCode
		}
	}
	if err.Receiver {
		return 500
	}
	return 400
}

// HeaderRequestID is the header most protocols return the request id in.
const HeaderRequestID = "X-Amzn-Requestid"
