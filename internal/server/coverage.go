package server

//go:generate go run ../../codegen/coverage -out ../../docs/services.md

import (
	"io"
	"log/slog"
	"sort"

	"haneul/internal/awsproto/model"
	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/service"
	"haneul/internal/state"
)

// Coverage is what haneul implements of one service's model.
type Coverage struct {
	Service     string // model name
	ServiceID   string // AWS's name for it
	Protocols   []string
	Implemented []string
	Missing     []string
}

// Coverages lists, for every service haneul runs, the model operations it
// implements and those it does not (they answer 501).
func Coverages() ([]Coverage, error) {
	store := state.New(state.Options{})
	deps := service.Deps{
		Store:    store,
		Clock:    clock.Real{},
		Identity: identity.NewDirectory(""),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	models := model.NewLoader()
	var out []Coverage
	for _, svc := range services(deps) {
		m, err := models.Load(svc.Name())
		if err != nil {
			return nil, err
		}
		h := svc.Handlers()
		c := Coverage{Service: svc.Name(), ServiceID: m.Metadata.ServiceID, Protocols: m.Metadata.AllProtocols()}
		for op := range m.Operations {
			if _, ok := h[op]; ok {
				c.Implemented = append(c.Implemented, op)
			} else {
				c.Missing = append(c.Missing, op)
			}
		}
		sort.Strings(c.Implemented)
		sort.Strings(c.Missing)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out, nil
}
