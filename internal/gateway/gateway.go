// Package gateway turns HTTP requests into AWS operations: it finds the
// service, protocol, operation, account and region of each request, decodes
// and validates its input through the protocol's codec, runs the service's
// handler and writes the answer (or the AWS error) back in the same protocol.
package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"haneul/internal/awsproto"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/validate"
	"haneul/internal/identity"
	"haneul/internal/ids"
	"haneul/internal/reqctx"
	"haneul/internal/service"
)

// Config is what a gateway is built from.
type Config struct {
	Registry *service.Registry
	Models   *model.Loader
	Catalog  *model.Catalog
	// Codecs maps protocol names (awsproto.Query, …) to their codecs.
	Codecs   map[string]awsproto.Codec
	Identity *identity.Directory
	// Region is the region of requests that do not name one.
	Region string
	Logger *slog.Logger
}

// Gateway is the http.Handler for AWS API requests.
type Gateway struct {
	Config
	index        *index
	interceptors []service.Service // the registered services that are service.Interceptors
}

// New builds a gateway.
func New(cfg Config) *Gateway {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	g := &Gateway{Config: cfg, index: newIndex(cfg.Catalog)}
	if cfg.Registry != nil {
		for _, e := range cfg.Registry.Entries() {
			if _, ok := e.Service.(service.Interceptor); ok {
				g.interceptors = append(g.interceptors, e.Service)
			}
		}
	}
	return g
}

// statusWriter records the status a handler wrote, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets streaming responses reach the client as they are written.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP handles one AWS API request.
func (g *Gateway) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w := &statusWriter{ResponseWriter: rw}
	req := &awsproto.Request{HTTP: r, RequestID: ids.UUID()}
	info := &reqctx.Info{RequestID: req.RequestID, Region: g.Region, Host: r.Host}
	defer func() {
		if p := recover(); p != nil {
			g.Logger.Error("panic serving request", "service", info.Service, "op", info.Operation, "panic", p, "stack", string(debug.Stack()))
			g.fail(w, req, awserr.ErrInternal)
		}
		level := slog.LevelInfo
		if w.status >= 500 && w.status != http.StatusNotImplemented {
			level = slog.LevelError
		}
		g.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("service", info.Service), slog.String("op", info.Operation),
			slog.String("account", info.Account), slog.String("region", info.Region),
			slog.Int("status", w.status), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", req.RequestID))
	}()
	g.serve(w, req, info)
}

func (g *Gateway) serve(w http.ResponseWriter, req *awsproto.Request, info *reqctx.Info) {
	r := req.HTTP
	cred, aerr := parseCredential(r)
	if aerr != nil {
		g.fail(w, req, aerr)
		return
	}
	if cred.Region != "" {
		info.Region = cred.Region
	}
	info.Caller = g.Identity.Resolve(cred.AccessKey)
	info.Account = info.Caller.Account
	// moto's server mode selects the account with a header; suites written for it depend on that.
	if acct := r.Header.Get("X-Moto-Account-Id"); identity.IsAccountID(acct) {
		info.Account = acct
		if info.Caller.ARN == "arn:aws:iam::"+info.Caller.Account+":root" {
			info.Caller = identity.Root(acct, cred.AccessKey)
		}
	}
	if g.intercept(w, r, info) {
		return
	}
	if bucket, ok := s3VirtualHost(r.Host); ok {
		rewriteVirtualHost(r, bucket)
		if cred.Service == "" {
			cred.Service = "s3"
		}
	}

	d, aerr := g.detect(req, cred)
	if aerr != nil {
		g.fail(w, req, aerr)
		return
	}
	req.Protocol = d.protocol
	info.Service = d.entry.Name
	codec, ok := g.Codecs[d.protocol]
	if !ok {
		g.fail(w, req, awserr.New("UnsupportedProtocol", 400, "haneul does not speak %s yet", d.protocol))
		return
	}
	svc, err := g.Models.Load(d.entry.Name)
	if err != nil {
		g.fail(w, req, awserr.ErrInternal)
		return
	}
	req.Service = svc
	op, err := codec.Operation(req)
	if err != nil {
		g.fail(w, req, asAWS(g.Logger, err))
		return
	}
	req.Operation = op
	info.Operation = op.Name

	entry, registered := g.Registry.Lookup(svc.Name)
	var handler service.Handler
	if registered {
		handler = entry.Handlers[op.Name]
	}
	// Input is decoded and validated before the NotImplemented check, so a
	// malformed request gets its 400 even for an operation haneul lacks.
	in, err := codec.Decode(req)
	if err != nil {
		g.fail(w, req, asAWS(g.Logger, err))
		return
	}
	ctx := reqctx.With(r.Context(), info)
	if registered {
		if p, ok := entry.Service.(service.Preparer); ok {
			if err := p.Prepare(ctx, op.Name, r, in); err != nil {
				g.fail(w, req, asAWS(g.Logger, err))
				return
			}
		}
	}
	if op.Input != nil {
		if vs := validate.Input(op.Input.Shape, in); len(vs) > 0 {
			g.fail(w, req, validationError(svc.Name, d.protocol, vs))
			return
		}
	}
	if handler == nil {
		g.fail(w, req, awserr.NotImplemented(svc.Metadata.ServiceID, op.Name))
		return
	}
	out, err := handler(ctx, in)
	if err != nil {
		g.fail(w, req, asAWS(g.Logger, err))
		return
	}
	if err := codec.Encode(w, req, out); err != nil {
		g.Logger.Error("encode response", "service", svc.Name, "op", op.Name, "err", err)
	}
}

// asAWS returns err as an AWS error; anything else is an internal failure, logged.
func asAWS(log *slog.Logger, err error) *awserr.Error {
	if aerr, ok := awserr.As(err); ok {
		return aerr
	}
	if err == context.Canceled {
		return awserr.New("RequestCanceled", 499, "The client canceled the request.")
	}
	log.Error("internal failure", "err", err)
	return awserr.ErrInternal
}

// fail writes err in the protocol of the request: the detected one, or the
// one its shape suggests when the service is unknown.
func (g *Gateway) fail(w http.ResponseWriter, req *awsproto.Request, err *awserr.Error) {
	protocol := req.Protocol
	if protocol == "" {
		switch {
		case req.HTTP.Header.Get("X-Amz-Target") != "":
			protocol = awsproto.JSON
		case req.HTTP.Header.Get("Smithy-Protocol") == "rpc-v2-cbor":
			protocol = awsproto.CBOR
		default:
			protocol = awsproto.Query
		}
	}
	codec, ok := g.Codecs[protocol]
	if !ok {
		codec = g.Codecs[awsproto.Query]
	}
	if codec == nil {
		http.Error(w, fmt.Sprintf("%s: %s", err.Code, err.Message), awsproto.ErrorStatus(req.Service, err))
		return
	}
	codec.EncodeError(w, req, err)
}

// intercept offers the request to the services that answer raw HTTP
// (service.Interceptor) and reports whether one of them answered it.
func (g *Gateway) intercept(w http.ResponseWriter, r *http.Request, info *reqctx.Info) bool {
	if len(g.interceptors) == 0 {
		return false
	}
	r = r.WithContext(reqctx.With(r.Context(), info))
	for _, svc := range g.interceptors {
		if svc.(service.Interceptor).Intercept(w, r) {
			info.Service = svc.Name()
			return true
		}
	}
	return false
}

// s3VirtualHost recognises virtual-hosted-style S3 host names:
// "<bucket>.s3.localhost", "<bucket>.s3.<region>.amazonaws.com", with any port.
func s3VirtualHost(host string) (string, bool) {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	i := strings.Index(host, ".s3.")
	if i <= 0 {
		i = strings.Index(host, ".s3-")
	}
	if i <= 0 {
		return "", false
	}
	return host[:i], true
}

// rewriteVirtualHost puts the bucket at the start of the path, where the S3
// model's routes expect it (path style).
func rewriteVirtualHost(r *http.Request, bucket string) {
	r.URL.Path = "/" + bucket + r.URL.Path
	if r.URL.RawPath != "" {
		r.URL.RawPath = "/" + bucket + r.URL.RawPath
	}
}

// routes reports whether a REST service's routes match the request.
func (g *Gateway) routes(req *awsproto.Request, e *model.CatalogEntry) bool {
	codec, ok := g.Codecs[restProtocol(e)]
	if !ok {
		return false
	}
	svc, err := g.Models.Load(e.Name)
	if err != nil {
		return false
	}
	probe := *req
	probe.Service = svc
	probe.Protocol = restProtocol(e)
	_, err = codec.Operation(&probe)
	return err == nil
}
