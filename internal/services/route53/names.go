package route53

import (
	"strings"

	"haneul/internal/awsproto/awserr"
	"haneul/internal/dataplane/dns"
	"haneul/internal/ids"
)

// newID returns a Route 53 id: prefix ("Z" for hosted zones, "C" for
// changes, "N" for delegation sets) and 20 upper-case letters and digits,
// the shape of the ids AWS hands out today (Z0123456789ABCDEFGHIJ).
func newID(prefix string) string { return ids.Unique(prefix, 20) }

// canonical is a name as Route 53 stores and returns it: lower case,
// trailing dot, octal escapes ("*" as "\052").
func canonical(name string) string { return dns.Canonical(name) }

// reversed is a canonical name with its labels reversed
// ("www.example.com." → "com.example.www."), the order Route 53 sorts
// names in (AWS: "ListResourceRecordSets sorts results first by DNS name
// with the labels reversed, for example com.example.www.").
func reversed(name string) string {
	if name == "." {
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, j := 0, len(labels)-1; i < j; i, j = i+1, j-1 {
		labels[i], labels[j] = labels[j], labels[i]
	}
	return strings.Join(labels, ".") + "."
}

// unreversed undoes reversed.
func unreversed(key string) string { return reversed(key) }

// validDomain reports whether name is a domain name Route 53 accepts: labels
// of 1–63 bytes, at most 255 bytes in all.
func validDomain(name string) bool {
	n := strings.TrimSuffix(name, ".")
	if n == "" || len(n) > 253 || strings.Contains(n, "..") {
		return false
	}
	c := dns.Canonical(name)
	return c != "." && !strings.HasPrefix(c, ".")
}

func errNoSuchHostedZone(id string) error {
	return awserr.New("NoSuchHostedZone", 0, "No hosted zone found with ID: %s", id)
}

func errNoSuchChange(id string) error {
	return awserr.New("NoSuchChange", 0, "A change with the specified change ID does not exist.")
}

func errNoSuchHealthCheck(id string) error {
	return awserr.New("NoSuchHealthCheck", 0, "A health check with id %s does not exist.", id)
}

func invalidInput(format string, args ...any) error {
	return awserr.New("InvalidInput", 0, format, args...)
}
