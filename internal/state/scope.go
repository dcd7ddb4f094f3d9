package state

import "strings"

// Scope is where a resource lives: an account and a region ("" for global
// services such as IAM).
type Scope struct{ Account, Region string }

// compareScope orders scopes by account, then region.
func compareScope(a, b Scope) int {
	if c := strings.Compare(a.Account, b.Account); c != 0 {
		return c
	}
	return strings.Compare(a.Region, b.Region)
}
