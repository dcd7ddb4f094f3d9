package gateway

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// index finds services by the clues requests carry, built once from the model catalog.
type index struct {
	byTarget   map[string]*model.CatalogEntry   // X-Amz-Target prefix (json) and CBOR service name
	bySigning  map[string][]*model.CatalogEntry // SigV4 signing name
	byEndpoint map[string][]*model.CatalogEntry // endpoint prefix, the first label of AWS host names
	query      []*model.CatalogEntry            // services reachable through query or ec2
}

func newIndex(c *model.Catalog) *index {
	ix := &index{byTarget: map[string]*model.CatalogEntry{}, bySigning: map[string][]*model.CatalogEntry{}, byEndpoint: map[string][]*model.CatalogEntry{}}
	for _, e := range c.Entries {
		if e.TargetPrefix != "" {
			ix.byTarget[e.TargetPrefix] = e
		}
		ix.bySigning[e.SigningService()] = append(ix.bySigning[e.SigningService()], e)
		ix.byEndpoint[e.EndpointPrefix] = append(ix.byEndpoint[e.EndpointPrefix], e)
		if speaks(e, awsproto.Query) || speaks(e, awsproto.EC2) || e.QueryCompatible() {
			ix.query = append(ix.query, e)
		}
	}
	return ix
}

func speaks(e *model.CatalogEntry, protocol string) bool {
	for _, p := range e.AllProtocols() {
		if p == protocol {
			return true
		}
	}
	return false
}

func restProtocol(e *model.CatalogEntry) string {
	for _, p := range e.AllProtocols() {
		if p == awsproto.RESTJSON || p == awsproto.RESTXML {
			return p
		}
	}
	return ""
}

// queryProtocol is the form-encoded protocol a service speaks: ec2 for EC2,
// query for query services and for JSON services that are query-compatible.
func queryProtocol(e *model.CatalogEntry) string {
	if speaks(e, awsproto.EC2) {
		return awsproto.EC2
	}
	if speaks(e, awsproto.Query) || e.QueryCompatible() {
		return awsproto.Query
	}
	return ""
}

// detection is the service and protocol a request is for.
type detection struct {
	entry    *model.CatalogEntry
	protocol string
}

// maxRPCBody bounds the bodies the gateway reads whole (query, ec2, json, cbor).
// AWS: DynamoDB's BatchWriteItem, the largest RPC request, is limited to 16 MB.
const maxRPCBody = 20 << 20

// readBody reads the whole request body into req.Body, within maxRPCBody.
func readBody(req *awsproto.Request) *awserr.Error {
	if req.Body != nil || req.HTTP.Body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(req.HTTP.Body, maxRPCBody+1))
	if err != nil {
		return awserr.New("IncompleteBody", 400, "The request body could not be read: %v", err)
	}
	if len(b) > maxRPCBody {
		return awserr.New("RequestEntityTooLarge", 413, "Request body is larger than %d bytes", maxRPCBody)
	}
	req.Body = b
	return nil
}

// isForm reports whether the request carries form-encoded parameters.
func isForm(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

// parseForm merges the URL query and a form-encoded body into req.Form.
func parseForm(req *awsproto.Request) *awserr.Error {
	form, err := url.ParseQuery(req.HTTP.URL.RawQuery)
	if err != nil {
		form = url.Values{}
	}
	if isForm(req.HTTP) {
		if aerr := readBody(req); aerr != nil {
			return aerr
		}
		body, err := url.ParseQuery(string(bytes.TrimSpace(req.Body)))
		if err != nil {
			return awserr.New("MalformedQueryString", 400, "The query string is malformed: %v", err)
		}
		for k, vs := range body {
			form[k] = append(form[k], vs...)
		}
	}
	req.Form = form
	return nil
}

// detect finds the service and protocol of a request, reading its body when
// the protocol puts the operation there.
func (g *Gateway) detect(req *awsproto.Request, cred credential) (detection, *awserr.Error) {
	r := req.HTTP
	// JSON protocols name the operation in X-Amz-Target: "<targetPrefix>.<Operation>".
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		if e, ok := g.index.byTarget[prefix]; ok {
			return detection{e, awsproto.JSON}, readBody(req)
		}
		return detection{}, awserr.New("UnknownOperationException", 400, "Unable to determine service/operation name to be authorized")
	}
	// Smithy RPC v2 CBOR: POST /service/<ServiceName>/operation/<Operation>.
	if r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor" {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if len(parts) >= 4 && parts[0] == "service" && parts[2] == "operation" {
			if e, ok := g.index.byTarget[parts[1]]; ok {
				return detection{e, awsproto.CBOR}, readBody(req)
			}
		}
		return detection{}, awserr.New("UnknownOperationException", 404, "Unable to determine service/operation name to be authorized")
	}

	candidates := g.index.bySigning[cred.Service]
	if len(candidates) == 0 {
		if host := hostService(r.Host); host != "" {
			candidates = g.index.byEndpoint[host]
		}
	}
	// Query and EC2 requests carry an Action parameter, in the URL or a form body.
	if isForm(r) || r.URL.Query().Has("Action") {
		if len(candidates) == 0 || queryCapable(candidates) {
			if aerr := parseForm(req); aerr != nil {
				return detection{}, aerr
			}
			if d, ok := g.detectQuery(req.Form, candidates); ok {
				return d, nil
			}
		}
	}
	var rest []*model.CatalogEntry
	for _, e := range candidates {
		if restProtocol(e) != "" {
			rest = append(rest, e)
		}
	}
	switch {
	case len(rest) == 1:
		return detection{rest[0], restProtocol(rest[0])}, nil
	case len(rest) > 1:
		// Several REST services share a signing name (apigateway v1/v2): the one
		// whose routes match wins.
		for _, e := range rest {
			if g.routes(req, e) {
				return detection{e, restProtocol(e)}, nil
			}
		}
		return detection{rest[0], restProtocol(rest[0])}, nil
	case len(candidates) > 0:
		e := candidates[0]
		if p := queryProtocol(e); p != "" {
			if aerr := parseForm(req); aerr != nil {
				return detection{}, aerr
			}
			return detection{e, p}, nil
		}
		return detection{e, e.AllProtocols()[0]}, readBody(req)
	}
	// Nothing names a service: anonymous requests are S3's (public objects,
	// browser POST uploads, presigned SigV2 URLs).
	if e, ok := g.Catalog.Lookup("s3"); ok {
		return detection{e, awsproto.RESTXML}, nil
	}
	return detection{}, awserr.New("UnknownService", 400, "haneul cannot tell which AWS service this request is for")
}

func queryCapable(es []*model.CatalogEntry) bool {
	for _, e := range es {
		if queryProtocol(e) != "" {
			return true
		}
	}
	return false
}

// detectQuery picks the query service whose model has the Action (and whose
// API version matches Version when the request sends one).
func (g *Gateway) detectQuery(form url.Values, candidates []*model.CatalogEntry) (detection, bool) {
	action, version := form.Get("Action"), form.Get("Version")
	if action == "" {
		if len(candidates) == 1 && queryProtocol(candidates[0]) != "" {
			return detection{candidates[0], queryProtocol(candidates[0])}, true
		}
		return detection{}, false
	}
	pool := candidates
	if len(pool) == 0 {
		pool = g.index.query
	}
	var fallback *model.CatalogEntry
	for _, e := range pool {
		p := queryProtocol(e)
		if p == "" || !e.HasOperation(action) {
			continue
		}
		if version == "" || version == e.APIVersion {
			return detection{e, p}, true
		}
		if fallback == nil {
			fallback = e
		}
	}
	if fallback != nil {
		return detection{fallback, queryProtocol(fallback)}, true
	}
	// An unknown action on a known service: let its codec answer InvalidAction.
	for _, e := range pool {
		if p := queryProtocol(e); p != "" && ((version == "" && len(candidates) > 0) || version == e.APIVersion) {
			return detection{e, p}, true
		}
	}
	return detection{}, false
}

// hostService returns the endpoint prefix a host name like
// "sqs.ap-northeast-2.localhost" or "sts.amazonaws.com" starts with.
func hostService(host string) string {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok || rest == "" || net0(first) {
		return ""
	}
	return first
}

// net0 reports whether the label is numeric (an IP address, not a service name).
func net0(label string) bool {
	return label != "" && label[0] >= '0' && label[0] <= '9'
}
