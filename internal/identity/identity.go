// Package identity maps access keys to the principals and accounts they
// belong to. haneul does not check signatures: any credentials work, and the
// access key only decides the account (and, for keys haneul's IAM or STS
// issued, the user or role session) a request acts as.
package identity

import (
	"regexp"
	"sync"
)

// DefaultAccount is the account of requests whose access key says nothing else.
const DefaultAccount = "000000000000"

// Principal is who a request acts as.
type Principal struct {
	Account     string
	ARN         string // arn:aws:iam::123456789012:root, …:user/alice, arn:aws:sts::…:assumed-role/r/s
	UserID      string // AIDA…, AROA…:session, or the account id for root
	AccessKeyID string
}

// Root is an account's root principal.
func Root(account, accessKey string) Principal {
	return Principal{Account: account, ARN: "arn:aws:iam::" + account + ":root", UserID: account, AccessKeyID: accessKey}
}

// Resolver finds the principal for an access key it issued.
type Resolver interface {
	Resolve(accessKeyID string) (Principal, bool)
}

// Directory resolves access keys through the registered resolvers (IAM's
// access keys, STS's session credentials), falling back to the rules for keys
// haneul did not issue: a 12-digit key id is that account's root; anything
// else is the default account's root.
type Directory struct {
	defaultAccount string
	mu             sync.RWMutex
	resolvers      []Resolver
}

// NewDirectory returns a directory whose fallback account is defaultAccount.
func NewDirectory(defaultAccount string) *Directory {
	if defaultAccount == "" {
		defaultAccount = DefaultAccount
	}
	return &Directory{defaultAccount: defaultAccount}
}

// DefaultAccount is the account of requests nothing else places.
func (d *Directory) DefaultAccount() string { return d.defaultAccount }

// Add registers a resolver.
func (d *Directory) Add(r Resolver) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.resolvers = append(d.resolvers, r)
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is a 12-digit account id.
func IsAccountID(s string) bool { return accountID.MatchString(s) }

// Resolve returns the principal for an access key ("" for unsigned requests).
func (d *Directory) Resolve(accessKeyID string) Principal {
	if accessKeyID == "" {
		return Root(d.defaultAccount, "")
	}
	if IsAccountID(accessKeyID) {
		return Root(accessKeyID, accessKeyID)
	}
	d.mu.RLock()
	rs := d.resolvers
	d.mu.RUnlock()
	for _, r := range rs {
		if p, ok := r.Resolve(accessKeyID); ok {
			return p
		}
	}
	return Root(d.defaultAccount, accessKeyID)
}
