// Package reqctx carries what the gateway learned about a request (who is
// calling, in which account and region, which operation) to the service
// handling it.
package reqctx

import (
	"context"

	"haneul/internal/identity"
)

// Info describes one request.
type Info struct {
	RequestID string
	Service   string // model name: "iam", "sqs", …
	Operation string
	Account   string
	Region    string
	// Caller is the principal the request's access key belongs to.
	Caller identity.Principal
	// Host is the Host header the client sent, for services that build URLs from it.
	Host string
}

type key struct{}

// With returns ctx carrying info.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, key{}, info)
}

// From returns the request's Info. Outside a request (tests, controllers) it
// returns an Info for the default account with an empty region.
func From(ctx context.Context) *Info {
	if info, ok := ctx.Value(key{}).(*Info); ok {
		return info
	}
	return &Info{Account: identity.DefaultAccount}
}
