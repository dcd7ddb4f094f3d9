package server

import (
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/mail"
)

// mail serves haneul's inbox, the e-mail its services sent:
//
//	GET    /_haneul/mail[?to=&limit=&before=&account=&region=]   newest first, paged by NextToken
//	GET    /_haneul/mail/<id>[?account=&region=]                  one message
//	DELETE /_haneul/mail[?account=&region=]                       empty the inbox
//
// account and region default to the server's.
func (s *Server) mail(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	account, region := q.Get("account"), q.Get("region")
	if account == "" {
		account = s.cfg.Account
	}
	if region == "" {
		region = s.cfg.Region
	}
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/_haneul/mail"), "/")
	switch {
	case r.Method == http.MethodGet && id == "":
		limit := 0
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				writeJSON(w, http.StatusBadRequest, map[string]any{"status": "error", "message": "limit must be 1 to 1000"})
				return
			}
			limit = n
		}
		msgs, next := s.inbox.List(account, region, mail.Query{To: q.Get("to"), Before: q.Get("before"), Limit: limit})
		out := map[string]any{"Messages": msgs}
		if next != "" {
			out["NextToken"] = next
		}
		writeJSON(w, http.StatusOK, out)
	case r.Method == http.MethodGet:
		m, ok := s.inbox.Get(account, region, id)
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"status": "error", "message": "no message " + id})
			return
		}
		writeJSON(w, http.StatusOK, m)
	case r.Method == http.MethodDelete && id == "":
		n, err := s.inbox.Clear(r.Context(), account, region)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "message": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"Deleted": n})
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"status": "error", "message": r.Method + " " + r.URL.Path + " is not supported"})
	}
}
