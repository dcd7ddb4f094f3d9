// Package server assembles haneul: the state store, the services, the gateway
// and the operational endpoints, behind one HTTP listener.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"haneul/internal/awsproto/model"
	"haneul/internal/clock"
	"haneul/internal/config"
	"haneul/internal/dataplane/dns"
	"haneul/internal/gateway"
	"haneul/internal/identity"
	"haneul/internal/mail"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Server is a running haneul.
type Server struct {
	cfg      config.Config
	log      *slog.Logger
	store    *state.Store
	inbox    *mail.Inbox
	registry *service.Registry
	gateway  *gateway.Gateway
	started  time.Time

	http   *http.Server
	dns    *dns.Server // nil when disabled or its port was taken
	cancel context.CancelFunc
}

// Option changes how a server is built (tests inject clocks and loggers).
type Option func(*options)

type options struct {
	clock  clock.Clock
	logger *slog.Logger
}

// WithClock makes services read time from c.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sends logs to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New builds a server: it opens (and, with a data directory, restores) the
// state and registers every service, but does not listen yet.
func New(cfg config.Config, opts ...Option) (*Server, error) {
	o := options{clock: clock.Real{}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	catalog, err := model.LoadCatalog()
	if err != nil {
		return nil, err
	}
	store := state.New(state.Options{Dir: cfg.DataDir, Logger: o.logger})
	inbox := mail.New(store, o.clock)
	deps := service.Deps{
		Store:    store,
		Clock:    o.clock,
		Identity: identity.NewDirectory(cfg.Account),
		Logger:   o.logger,
		Region:   cfg.Region,
		Mail:     inbox,
	}
	models := model.NewLoader()
	registry := service.NewRegistry()
	for _, svc := range services(deps) {
		e, ok := catalog.Lookup(svc.Name())
		if !ok {
			return nil, fmt.Errorf("server: no vendored model for service %s", svc.Name())
		}
		registry.Register(svc, e)
	}
	if err := store.Open(); err != nil {
		return nil, fmt.Errorf("server: open state: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		log:      o.logger,
		store:    store,
		inbox:    inbox,
		registry: registry,
		started:  o.clock.Now(),
		gateway: gateway.New(gateway.Config{
			Registry: registry,
			Models:   models,
			Catalog:  catalog,
			Codecs:   codecs(),
			Identity: deps.Identity,
			Region:   cfg.Region,
			Logger:   o.logger,
		}),
	}
	return s, nil
}

// Handler is the whole HTTP surface: operational endpoints and the AWS API.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Operational endpoints sit beside the AWS API; every other path is AWS's
		// (never cleaned: S3 keys may contain "//" and "..").
		if strings.HasPrefix(r.URL.Path, "/_haneul/") || strings.HasPrefix(r.URL.Path, "/moto-api/") {
			s.admin(w, r)
			return
		}
		s.gateway.ServeHTTP(w, r)
	})
}

// Serve starts the services' background work and serves on ln until ctx ends
// or Close is called.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	ctx, s.cancel = context.WithCancel(ctx)
	for _, e := range s.registry.Entries() {
		if st, ok := e.Service.(service.Starter); ok {
			if err := st.Start(ctx); err != nil {
				return fmt.Errorf("server: start %s: %w", e.Service.Name(), err)
			}
		}
	}
	s.startDNS()
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case <-ctx.Done():
		return s.shutdown()
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

// shutdown stops accepting requests, lets in-flight ones finish (briefly),
// then closes services and the state store.
func (s *Server) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		// A client holding a connection it never used, or a long poll, keeps
		// Shutdown waiting; after the grace period such connections are cut.
		s.log.Warn("closing connections still open after the grace period", "err", err)
		_ = s.http.Close()
	}
	return s.Close()
}

// Close releases services and the state store without serving any more. It
// is safe to call more than once.
func (s *Server) Close() error {
	if s.cancel != nil {
		s.cancel()
	}
	var errs []error
	if s.dns != nil {
		errs = append(errs, s.dns.Close())
	}
	for _, e := range s.registry.Entries() {
		if c, ok := e.Service.(service.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	errs = append(errs, s.store.Close())
	return errors.Join(errs...)
}

// startDNS starts the DNS server over Route 53's zones and the names
// services register, on cfg.DNSListen. A taken port is logged, not fatal:
// the AWS endpoint matters more than the resolver beside it.
func (s *Server) startDNS() {
	if s.cfg.DNSListen == "" || s.cfg.DNSListen == "off" {
		return
	}
	src, ok := lookup[interface{ Authority() *dns.Authority }](s, "route53")
	if !ok {
		return
	}
	srv, err := dns.Listen(s.cfg.DNSListen, src.Authority(), s.log)
	if err != nil {
		s.log.Warn("DNS server not started", "addr", s.cfg.DNSListen, "err", err)
		return
	}
	s.dns = srv
	s.log.Info("haneul DNS listening", "addr", srv.Addr())
}

// Run listens on cfg.Listen and serves until ctx ends.
func Run(ctx context.Context, cfg config.Config, opts ...Option) error {
	s, err := New(cfg, opts...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return errors.Join(fmt.Errorf("server: %w", err), s.Close())
	}
	s.log.Info("haneul listening", "addr", ln.Addr().String(), "region", cfg.Region, "account", cfg.Account, "data_dir", cfg.DataDir)
	return s.Serve(ctx, ln)
}
