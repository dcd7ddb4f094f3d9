package server

import (
	"haneul/internal/service"
	"haneul/internal/services/budgets"
	"haneul/internal/services/iam"
	"haneul/internal/services/s3"
	"haneul/internal/services/ssm"
	"haneul/internal/services/sts"
)

// services builds every service haneul runs. Adding a service means adding it here.
func services(deps service.Deps) []service.Service {
	iamSvc := iam.New(deps)
	return []service.Service{
		iamSvc,
		sts.New(deps, iamSvc), // STS assumes IAM's roles
		ssm.New(deps),
		budgets.New(deps),
		s3.MustNew(deps),
	}
}
