package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"haneul/internal/awsproto/model"
	"haneul/internal/service"
	"haneul/internal/version"
)

// admin serves the operational endpoints:
//
//	GET  /_haneul/health          version, services, status
//	POST /_haneul/reset[?service=] drop all state (or one service's)
//	POST /moto-api/reset          the same, for suites written for moto's server mode
func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_haneul/health" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		services := map[string]string{}
		for _, n := range s.registry.Names() {
			services[n] = "running"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"status":   "running",
			"version":  version.Version,
			"models":   model.Version(),
			"services": services,
			"region":   s.cfg.Region,
			"account":  s.cfg.Account,
			"durable":  s.cfg.DataDir != "",
			"started":  s.started,
		})
	case (r.URL.Path == "/_haneul/reset" || r.URL.Path == "/moto-api/reset") && r.Method == http.MethodPost:
		var names []string
		if svc := r.URL.Query().Get("service"); svc != "" {
			names = strings.Split(svc, ",")
			for _, n := range names {
				if _, ok := s.registry.Lookup(n); !ok {
					writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error", "message": "unknown service " + n})
					return
				}
			}
		}
		if err := s.reset(names...); err != nil {
			s.log.Error("reset", "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "no such endpoint: " + r.Method + " " + r.URL.Path})
	}
}

// reset drops the state of the named services (all when none are named).
func (s *Server) reset(names ...string) error {
	if err := s.store.Reset(names...); err != nil {
		return err
	}
	for _, e := range s.registry.Entries() {
		if len(names) > 0 && !contains(names, e.Service.Name()) {
			continue
		}
		if rs, ok := e.Service.(service.Resetter); ok {
			rs.Reset()
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
