package ssm

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
)

// AWS: a parameter hierarchy has at most 15 levels.
const maxDepth = 15

// Messages AWS answers with.
const (
	msgBadName = `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). ` +
		`If formed as a path, it can consist of sub-paths divided by slash symbol; ` +
		`each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`
)

func validation(format string, args ...any) error {
	return awserr.New("ValidationException", 400, format, args...)
}

func notFound(name string) error {
	// AWS: ParameterNotFound carries no message for Get*, the name for Delete*.
	return awserr.New("ParameterNotFound", 0, "Parameter %s not found.", name)
}

// nameChar reports whether c may appear in a parameter name.
func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' || c == '/'
}

// checkName validates a name a caller creates.
// AWS: names use letters, digits, . - _ and /; a path starts with /, has no
// empty segments, and at most 15 levels; "aws" and "ssm" prefixes are reserved.
func checkName(name string) error {
	for i := 0; i < len(name); i++ {
		if !nameChar(name[i]) {
			return validation("%s", msgBadName)
		}
	}
	lower := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm") {
		return validation("%s", msgBadName)
	}
	if strings.Contains(name, "/") {
		if !strings.HasPrefix(name, "/") {
			return validation("Parameter name must be a fully qualified name.")
		}
		if strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
			return validation("%s", msgBadName)
		}
		if strings.Count(name, "/") > maxDepth {
			return awserr.New("HierarchyLevelLimitExceededException", 0,
				"A hierarchy can have a maximum of 15 levels. For more information, see Requirements and Constraints for Parameter Names in the AWS Systems Manager User Guide.")
		}
	}
	return nil
}

// parameterARN is a parameter's ARN. AWS: a name that starts with / is not
// given a second one (parameter/app/db, never parameter//app/db).
func parameterARN(region, account, name string) string {
	return arn.New("ssm", region, account, "parameter/"+strings.TrimPrefix(name, "/"))
}

// selector is what a Get names: a parameter and optionally a version or a label.
type selector struct {
	name    string
	version int64  // 0: none
	label   string // "": none
	raw     string // ":3" or ":label", as GetParameter echoes it
}

// parseSelector splits "name", "name:3" and "name:label".
// AWS: the selector is what follows the last colon; a number is a version.
func parseSelector(s string) selector {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return selector{name: s}
	}
	sel := selector{name: s[:i], raw: s[i:]}
	if v, err := strconv.ParseInt(s[i+1:], 10, 64); err == nil {
		sel.version = v
	} else {
		sel.label = s[i+1:]
	}
	return sel
}

// ciphertext is what a SecureString's value reads as without decryption: a
// stable, opaque base64 blob shaped like a KMS ciphertext. It depends on the
// key, the parameter, the version and the value, and reveals none of them.
func ciphertext(keyID, name string, version int64, value string) string {
	h1 := sha256.Sum256([]byte("haneul-ssm\x00" + keyID + "\x00" + name + "\x00" + strconv.FormatInt(version, 10) + "\x00" + value))
	h2 := sha256.Sum256(h1[:])
	// AWS: KMS ciphertext blobs start with version byte 0x01 and a key-reference header.
	blob := append([]byte{0x01, 0x02, 0x02, 0x00, 0x78}, h1[:]...)
	blob = append(blob, h2[:]...)
	// Pad as long as the value, so the blob grows with it as a KMS ciphertext does.
	for i := 0; len(blob) < 5+2*sha256.Size+len(value); i++ {
		block := sha256.Sum256(append(h2[:], byte(i), byte(i>>8)))
		blob = append(blob, block[:]...)
	}
	blob = blob[:5+2*sha256.Size+len(value)]
	return base64.StdEncoding.EncodeToString(blob)
}
