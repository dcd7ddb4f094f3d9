package iam

import (
	"regexp"
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/ptr"
)

// AWS: entity names match [\w+=,.@-]+; paths are "/" or "/…/" of printable ASCII.
var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

// checkName validates an entity name of at most max characters; member is
// the request member's name as AWS's validation messages spell it.
func checkName(member, name string, max int) error {
	if name == "" {
		return awserr.New("ValidationError", 400, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	if len(name) > max {
		return awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", name, member, max)
	}
	if !namePattern.MatchString(name) {
		return awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name, member)
	}
	return nil
}

// pathOf returns the requested path, "/" when absent, after validating it.
func pathOf(member string, p *string) (string, error) {
	path := ptr.Or(p, "/")
	if len(path) > 512 || !pathPattern.MatchString(path) {
		return "", awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", path, member)
	}
	return path, nil
}

// prefixOf returns a PathPrefix filter ("/" when absent).
func prefixOf(p *string) (string, error) {
	prefix := ptr.Or(p, "/")
	if prefix == "" || prefix[0] != '/' || len(prefix) > 512 {
		return "", awserr.New("ValidationError", 400, "1 validation error detected: Value '%s' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*", prefix)
	}
	return prefix, nil
}

func iamARN(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

func userARN(account, path, name string) string   { return iamARN(account, "user", path, name) }
func groupARN(account, path, name string) string  { return iamARN(account, "group", path, name) }
func roleARN(account, path, name string) string   { return iamARN(account, "role", path, name) }
func policyARN(account, path, name string) string { return iamARN(account, "policy", path, name) }
func profileARN(account, path, name string) string {
	return iamARN(account, "instance-profile", path, name)
}

// parsePolicyARN splits a policy ARN into its account, path and name.
func parsePolicyARN(a string) (account, path, name string, ok bool) {
	rest, found := strings.CutPrefix(a, "arn:aws:iam::")
	if !found {
		return "", "", "", false
	}
	account, res, found := strings.Cut(rest, ":policy/")
	if !found || res == "" {
		return "", "", "", false
	}
	i := strings.LastIndex(res, "/")
	return account, "/" + res[:i+1], res[i+1:], true
}

func noSuchEntity(format string, args ...any) error {
	return awserr.New("NoSuchEntity", 404, format, args...)
}

func alreadyExists(format string, args ...any) error {
	return awserr.New("EntityAlreadyExists", 409, format, args...)
}

func deleteConflict(format string, args ...any) error {
	return awserr.New("DeleteConflict", 409, format, args...)
}

func limitExceeded(format string, args ...any) error {
	return awserr.New("LimitExceeded", 409, format, args...)
}

func invalidInput(format string, args ...any) error {
	return awserr.New("InvalidInput", 400, format, args...)
}
