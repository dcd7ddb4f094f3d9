package iam

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode"

	"haneul/internal/awsproto/awserr"
)

// docKind is what a policy document is for; the rules differ.
type docKind int

const (
	identityPolicy docKind = iota // managed and inline policies
	trustPolicy                   // a role's AssumeRolePolicyDocument
)

// AWS: policy size quotas, counted without whitespace.
const (
	managedPolicySize = 6144
	rolePolicySize    = 10240
	userPolicySize    = 2048
	groupPolicySize   = 5120
	trustPolicySize   = 2048
)

func malformed(format string, args ...any) error {
	return awserr.New("MalformedPolicyDocument", 400, format, args...)
}

// checkDocument validates a policy document as IAM does before storing it.
// The document itself is stored exactly as sent.
func checkDocument(doc string, kind docKind, quota int, quotaName string) error {
	if strings.TrimSpace(doc) == "" {
		return malformed("Syntax errors in policy.")
	}
	if size := len(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, doc)); size > quota {
		return limitExceeded("Cannot exceed quota for %s: %d", quotaName, quota)
	}
	var raw any
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return malformed("This policy contains invalid Json")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return malformed("Syntax errors in policy.")
	}
	// AWS: a document without Version is read as 2008-10-17, so it is accepted.
	if v, has := obj["Version"]; has && v != "2012-10-17" && v != "2008-10-17" {
		return malformed("The policy failed legacy parsing")
	}
	for k := range obj {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return malformed("Syntax errors in policy.")
		}
	}
	var stmts []any
	switch st := obj["Statement"].(type) {
	case nil:
		return malformed("Syntax errors in policy.")
	case []any:
		stmts = st
	case map[string]any:
		stmts = []any{st}
	default:
		return malformed("Syntax errors in policy.")
	}
	if len(stmts) == 0 {
		return malformed("Syntax errors in policy.")
	}
	for _, s := range stmts {
		st, ok := s.(map[string]any)
		if !ok {
			return malformed("Syntax errors in policy.")
		}
		if err := checkStatement(st, kind); err != nil {
			return err
		}
	}
	return nil
}

func checkStatement(st map[string]any, kind docKind) error {
	for k := range st {
		switch k {
		case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition":
		default:
			return malformed("Syntax errors in policy.")
		}
	}
	switch e := st["Effect"].(type) {
	case nil:
		return malformed("Missing required field Effect")
	case string:
		if e != "Allow" && e != "Deny" {
			return malformed("Invalid effect: %s", e)
		}
	default:
		return malformed("Syntax errors in policy.")
	}
	_, action := st["Action"]
	_, notAction := st["NotAction"]
	if !action && !notAction {
		return malformed("Policy statement must contain actions.")
	}
	if action && notAction {
		return malformed("Syntax errors in policy.")
	}
	_, resource := st["Resource"]
	_, notResource := st["NotResource"]
	_, principal := st["Principal"]
	_, notPrincipal := st["NotPrincipal"]
	switch kind {
	case identityPolicy:
		if principal || notPrincipal {
			return malformed("Policy document should not specify a principal.")
		}
		if !resource && !notResource {
			return malformed("Policy statement must contain resources.")
		}
	case trustPolicy:
		if resource {
			return malformed("Has prohibited field Resource")
		}
		if notResource {
			return malformed("Has prohibited field NotResource")
		}
		if !principal && !notPrincipal {
			return malformed("Missing required field Principal")
		}
	}
	return nil
}

// encodeDocument returns a policy document as IAM's query API returns it:
// URL-encoded per RFC 3986, every byte but the unreserved A–Z a–z 0–9 - . _ ~
// percent-encoded (so a space is %20, not +).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}
