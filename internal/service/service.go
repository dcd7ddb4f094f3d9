// Package service is the registry of haneul's AWS services: each registers
// its operations as handlers, and the gateway finds the handler for a request.
//
// A service package implements Service. Its generated api_gen.go binds every
// method whose name and signature match a model operation
// (func(ctx, *XRequest) (*XResponse, error)), so adding an operation means
// adding one method. An operation the model defines and the service lacks
// answers 501 NotImplemented naming Service.Operation.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/mail"
	"haneul/internal/state"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
	"haneul/internal/awsproto/typed"
)

// Handler runs one operation on a model-shaped input value.
type Handler func(ctx context.Context, in map[string]any) (map[string]any, error)

// Service is one AWS service as haneul runs it.
type Service interface {
	// Name is the service's model name ("iam", "sts", "sqs", …).
	Name() string
	// Handlers lists the implemented operations, keyed by operation name.
	Handlers() map[string]Handler
}

// Starter is implemented by services with background work (controllers, data planes).
// Start returns once the work is running; ctx ends it.
type Starter interface {
	Start(ctx context.Context) error
}

// Closer is implemented by services holding resources beyond the state store.
type Closer interface {
	Close() error
}

// Resetter is implemented by services that keep derived in-memory state beyond
// the state store and must drop it when haneul is reset.
type Resetter interface {
	Reset()
}

// Preparer is implemented by services whose requests carry input outside
// the places the model names, for example SQS's query clients, which send the
// queue URL as the request path. Prepare runs before validation and may add
// or rewrite members of in; an error it returns is the answer, in place of
// the model's generic constraint error (SQS's InvalidAttributeName, say).
type Preparer interface {
	Prepare(ctx context.Context, op string, r *http.Request, in map[string]any) error
}

// Interceptor is implemented by services that answer some HTTP requests
// outside the model's operations, before the gateway decodes them: S3's
// website endpoints and CORS preflights, say. Intercept returns true when it
// has answered the request; it may also set response headers and return
// false, leaving the answer to the operation.
type Interceptor interface {
	Intercept(w http.ResponseWriter, r *http.Request) bool
}

// Typed adapts a handler over generated structs to a Handler.
func Typed[I, O any](f func(context.Context, *I) (*O, error)) Handler {
	return func(ctx context.Context, raw map[string]any) (map[string]any, error) {
		in := new(I)
		if err := typed.Decode(raw, in); err != nil {
			return nil, awserr.New("ValidationError", 400, "%v", err)
		}
		out, err := f(ctx, in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return map[string]any{}, nil
		}
		return typed.Encode(out), nil
	}
}

// Entry is a registered service with its operations.
type Entry struct {
	Service  Service
	Handlers map[string]Handler
}

// Registry holds the registered services, by model name.
type Registry struct {
	entries map[string]*Entry
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{entries: map[string]*Entry{}} }

// Register adds a service, checking its handlers against the model's list
// of operations (the catalog: the full model is parsed only when the first
// request needs it, which keeps start-up fast). Registering a name twice, or
// a handler for an operation the model lacks, is a programming error and
// panics at start-up.
func (r *Registry) Register(s Service, m *model.CatalogEntry) {
	name := s.Name()
	if _, dup := r.entries[name]; dup {
		panic(fmt.Sprintf("service: %s registered twice", name))
	}
	h := s.Handlers()
	for op := range h {
		if !m.HasOperation(op) {
			panic(fmt.Sprintf("service: %s: handler for %s, which the model does not define", name, op))
		}
	}
	r.entries[name] = &Entry{Service: s, Handlers: h}
}

// Lookup returns the named service, if registered.
func (r *Registry) Lookup(name string) (*Entry, bool) {
	e, ok := r.entries[name]
	return e, ok
}

// Names lists the registered services in order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.entries))
	for n := range r.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Entries lists the registered services in name order.
func (r *Registry) Entries() []*Entry {
	var es []*Entry
	for _, n := range r.Names() {
		es = append(es, r.entries[n])
	}
	return es
}

// Deps is what the server hands every service constructor.
type Deps struct {
	Store    *state.Store
	Clock    clock.Clock
	Identity *identity.Directory
	Logger   *slog.Logger
	// Region is the default region.
	Region string
	// Mail is the inbox where e-mail haneul's services send lands; nil
	// when there is none (e-mail is then only recorded by its sender).
	Mail *mail.Inbox
}

// WithDefaults fills what a caller left unset: the real clock, the default
// logger and us-east-1, so every service constructor (and test) gets the
// same defaults from one place.
func (d Deps) WithDefaults() Deps {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Region == "" {
		d.Region = "us-east-1"
	}
	return d
}
