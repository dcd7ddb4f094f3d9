// Package restxml is the codec for the rest-xml protocol (S3, Route 53,
// CloudFront): HTTP bindings from package rest with XML bodies written and
// read by package xmlshape.
package restxml

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/rest"
	"haneul/internal/awsproto/xmlshape"
)

// Codec reads and writes rest-xml. The zero value is ready to use.
type Codec struct{}

// New returns a rest-xml codec.
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

// Decode builds the operation's input from labels, query, headers and the XML body.
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
	if isS3(req.Service) {
		s3Headers(w.Header(), req)
		if op.Name == "GetBucketLocation" {
			return bucketLocation(w, out)
		}
	}
	return rest.Encode(w, req, op, out, Format{})
}

// bucketLocation writes S3's GetBucketLocation answer.
//
// AWS: the body is a bare <LocationConstraint> root element holding the
// region (empty for us-east-1), not a wrapper around it; botocore and the
// Go SDK read the root element's text.
func bucketLocation(w http.ResponseWriter, out map[string]any) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	if v, ok := out["LocationConstraint"].(string); ok {
		_ = xml.EscapeText(&b, []byte(v))
	}
	b.WriteString("</LocationConstraint>")
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}

// EncodeError writes e in S3's <Error> shape for S3 and in the
// <ErrorResponse> shape for the other rest-xml services. HEAD errors carry
// no body.
func (c *Codec) EncodeError(w http.ResponseWriter, req *awsproto.Request, e *awserr.Error) {
	var sh *model.Shape
	code := e.Code
	if req.Service != nil {
		if sh = req.Service.ErrorShape(e.Code); sh != nil {
			code = sh.ErrorCode()
		}
	}
	status := awsproto.ErrorStatus(req.Service, e)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if isS3(req.Service) {
		// AWS: S3 errors are <Error><Code/><Message/>...<RequestId/><HostId/></Error>.
		b.WriteString("<Error>")
		element(&b, "Code", code)
		element(&b, "Message", e.Message)
		fields(&b, sh, e.Fields)
		element(&b, "RequestId", req.RequestID)
		element(&b, "HostId", hostID(req))
		b.WriteString("</Error>")
	} else {
		// AWS: Route 53 and CloudFront wrap the error in <ErrorResponse>.
		b.WriteString(`<ErrorResponse xmlns="`)
		_ = xml.EscapeText(&b, []byte(namespace(req)))
		b.WriteString(`"><Error>`)
		fault := "Sender"
		if e.Receiver || status >= 500 {
			fault = "Receiver"
		}
		element(&b, "Type", fault)
		element(&b, "Code", code)
		element(&b, "Message", e.Message)
		fields(&b, sh, e.Fields)
		b.WriteString("</Error>")
		element(&b, "RequestId", req.RequestID)
		b.WriteString("</ErrorResponse>")
	}
	h := w.Header()
	for k, vs := range e.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	rest.ErrorHeaders(h, sh, e.Fields)
	if isS3(req.Service) {
		s3Headers(h, req)
	} else if req.RequestID != "" {
		h.Set(awsproto.HeaderRequestID, req.RequestID)
	}
	if req.HTTP != nil && req.HTTP.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// fields writes the exception's other body members.
func fields(b *bytes.Buffer, sh *model.Shape, f map[string]any) {
	if sh == nil || len(f) == 0 {
		return
	}
	body := map[string]any{}
	for k, v := range f {
		if k != "Message" && k != "message" && k != "Code" {
			body[k] = v
		}
	}
	var tmp bytes.Buffer
	if err := xmlshape.EncodeMembers(&tmp, sh, body, xmlshape.Options{}); err == nil {
		b.Write(tmp.Bytes())
	}
}

func element(b *bytes.Buffer, name, text string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">")
}

func isS3(svc *model.Service) bool {
	return svc != nil && (svc.Metadata.EndpointPrefix == "s3" || svc.Name == "s3" || svc.Name == "s3control")
}

// s3Headers sets the request-id headers S3 answers with.
func s3Headers(h http.Header, req *awsproto.Request) {
	if req.RequestID == "" {
		return
	}
	h.Set("X-Amz-Request-Id", req.RequestID)
	h.Set("X-Amz-Id-2", hostID(req))
}

// hostID is S3's x-amz-id-2, derived from the request id.
func hostID(req *awsproto.Request) string { return req.RequestID }

// namespace is the xmlns of <ErrorResponse>: the service's document namespace.
func namespace(req *awsproto.Request) string {
	svc := req.Service
	if svc == nil {
		return ""
	}
	if svc.Metadata.XMLNamespace != "" {
		return svc.Metadata.XMLNamespace
	}
	for _, op := range svc.Operations {
		if op.Input != nil && op.Input.XMLNamespace != nil && op.Input.XMLNamespace.URI != "" {
			return op.Input.XMLNamespace.URI
		}
	}
	return "https://" + svc.Metadata.EndpointPrefix + ".amazonaws.com/doc/" + svc.Metadata.APIVersion + "/"
}

// Format is the XML body format of rest-xml.
type Format struct{}

// ContentType implements rest.Format.
func (Format) ContentType() string { return "application/xml" }

// DecodeDocument implements rest.Format.
func (Format) DecodeDocument(body []byte, ref *model.ShapeRef) (map[string]any, error) {
	v, err := xmlshape.Unmarshal(body, ref)
	if err != nil {
		// AWS: S3 and Route 53 answer a body they cannot parse with MalformedXML.
		return nil, awserr.New("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema: %v", err)
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// EncodeDocument implements rest.Format.
func (Format) EncodeDocument(ref *model.ShapeRef, v map[string]any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xmlshape.Encode(&b, ref, "", v, xmlshape.Options{}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
