package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/awsproto/model"
	"haneul/internal/dataplane/dns"
	"haneul/internal/network"
	"haneul/internal/service"
	"haneul/internal/services/sns"
	"haneul/internal/version"
)

// admin serves the operational endpoints:
//
//	GET  /_haneul/health          version, services, status
//	POST /_haneul/reset[?service=] drop all state (or one service's)
//	POST /moto-api/reset          the same, for suites written for moto's server mode
//	GET  /_haneul/hosts           /etc/hosts lines for every name haneul's DNS answers
//	GET  /_haneul/ca.pem          the local CA that signs ACM certificates, to trust
//	GET  /_haneul/sns/deliveries[?account=&region=]   messages SNS recorded (e-mail, SMS, push, …)
//	GET  /_haneul/sns/SimpleNotificationService.pem   the certificate SNS signs messages with
//	GET|DELETE /_haneul/mail[/<id>]  the inbox of the e-mail haneul's services sent (see mail.go)
//	GET  /_haneul/explain?from=&to=&port=[&protocol=tcp&account=&region=]
//	                              can from reach to? hop by hop, like Reachability Analyzer
//	POST /_haneul/ec2/cpu?instance=|group=&percent=[&account=&region=]
//	                              the CPUUtilization an instance (or every instance of an
//	                              Auto Scaling group) reports to CloudWatch; DELETE clears it
func (s *Server) admin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_haneul/ec2/cpu" && (r.Method == http.MethodPost || r.Method == http.MethodDelete):
		s.setCPU(w, r)
	case r.URL.Path == "/_haneul/explain" && r.Method == http.MethodGet:
		s.explain(w, r)
	case r.URL.Path == "/_haneul/sns/deliveries" && r.Method == http.MethodGet:
		// What SNS delivered where haneul has no real endpoint: e-mail, SMS,
		// mobile push, Lambda and Firehose messages, confirmations, HTTP results.
		d, ok := lookup[interface {
			Deliveries(account, region string) []sns.Delivery
		}](s, "sns")
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "sns is not running"})
			return
		}
		account, region := r.URL.Query().Get("account"), r.URL.Query().Get("region")
		if account == "" {
			account = s.cfg.Account
		}
		if region == "" {
			region = s.cfg.Region
		}
		writeJSON(w, http.StatusOK, map[string]any{"Deliveries": d.Deliveries(account, region)})
	case r.URL.Path == "/_haneul/mail" || strings.HasPrefix(r.URL.Path, "/_haneul/mail/"):
		s.mail(w, r)
	case r.URL.Path == sns.CertPath && r.Method == http.MethodGet:
		// The certificate whose key signs SNS messages: the envelopes'
		// SigningCertURL, for subscribers that verify signatures.
		c, ok := lookup[interface {
			SigningCertPEM(context.Context) (string, error)
		}](s, "sns")
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "sns is not running"})
			return
		}
		pem, err := c.SigningCertPEM(r.Context())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = io.WriteString(w, pem)
	case r.URL.Path == "/_haneul/hosts" && r.Method == http.MethodGet:
		a, ok := lookup[interface{ Authority() *dns.Authority }](s, "route53")
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "route53 is not running"})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_ = a.Authority().Hosts(w)
	case r.URL.Path == "/_haneul/ca.pem" && r.Method == http.MethodGet:
		c, ok := lookup[interface {
			CAPEM(context.Context) (string, error)
		}](s, "acm")
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "acm is not running"})
			return
		}
		pem, err := c.CAPEM(r.Context())
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = io.WriteString(w, pem)
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

// explain answers whether one point of a VPC network reaches another, and
// which route table, gateway, security group or network ACL decides it.
func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fail := func(status int, format string, args ...any) {
		writeJSON(w, status, map[string]any{"status": "error", "message": fmt.Sprintf(format, args...)})
	}
	src, ok := lookup[network.Source](s, "ec2")
	if !ok {
		fail(http.StatusNotFound, "ec2 is not running")
		return
	}
	from, err := network.ParsePoint(q.Get("from"))
	if err != nil {
		fail(http.StatusBadRequest, "from: %v", err)
		return
	}
	to, err := network.ParsePoint(q.Get("to"))
	if err != nil {
		fail(http.StatusBadRequest, "to: %v", err)
		return
	}
	port, err := strconv.Atoi(q.Get("port"))
	if err != nil || port < 0 || port > 65535 {
		fail(http.StatusBadRequest, "port: want a number from 0 to 65535, got %q", q.Get("port"))
		return
	}
	protocol := q.Get("protocol")
	if protocol == "" {
		protocol = "tcp"
	}
	account, region := q.Get("account"), q.Get("region")
	if account == "" {
		account = s.cfg.Account
	}
	if region == "" {
		region = s.cfg.Region
	}
	v, err := network.ExplainFrom(r.Context(), src, account, region, network.Query{From: from, To: to, Protocol: protocol, Port: port})
	if err != nil {
		fail(http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// lookup returns the named service as T, when it runs and implements T.
func lookup[T any](s *Server, name string) (T, bool) {
	var zero T
	e, ok := s.registry.Lookup(name)
	if !ok {
		return zero, false
	}
	v, ok := e.Service.(T)
	return v, ok
}

// setCPU sets (POST) or clears (DELETE) the CPU utilisation haneul reports
// for an instance or an Auto Scaling group's instances: CloudWatch
// publishes it as AWS/EC2 CPUUtilization each minute, until instances run
// for real. Parameters come from the query string or a form body.
func (s *Server) setCPU(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, format string, args ...any) {
		writeJSON(w, status, map[string]any{"status": "error", "message": fmt.Sprintf(format, args...)})
	}
	c, ok := lookup[interface {
		SetCPU(ctx context.Context, account, region, target string, percent float64, unset bool) error
	}](s, "cloudwatch")
	if !ok {
		fail(http.StatusNotFound, "cloudwatch is not running")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "%v", err)
		return
	}
	target := r.Form.Get("instance")
	if g := r.Form.Get("group"); g != "" {
		if target != "" {
			fail(http.StatusBadRequest, "give instance or group, not both")
			return
		}
		target = g
	}
	if target == "" {
		fail(http.StatusBadRequest, "instance (an instance id) or group (an Auto Scaling group name) is required")
		return
	}
	unset := r.Method == http.MethodDelete
	var percent float64
	if !unset {
		var err error
		if percent, err = strconv.ParseFloat(r.Form.Get("percent"), 64); err != nil {
			fail(http.StatusBadRequest, "percent: want a number from 0 to 100, got %q", r.Form.Get("percent"))
			return
		}
	}
	account, region := r.Form.Get("account"), r.Form.Get("region")
	if account == "" {
		account = s.cfg.Account
	}
	if region == "" {
		region = s.cfg.Region
	}
	if err := c.SetCPU(r.Context(), account, region, target, percent, unset); err != nil {
		fail(http.StatusBadRequest, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "target": target, "percent": percent, "cleared": unset})
}
