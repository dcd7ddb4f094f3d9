package server

import (
	"haneul/internal/service"
	"haneul/internal/services/sts"
)

// services builds every service haneul runs. Adding a service means adding it here.
func services(deps service.Deps) []service.Service {
	return []service.Service{
		sts.New(deps, nil),
	}
}
