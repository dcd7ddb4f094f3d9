package gateway

import (
	"net/http"
	"strings"

	"haneul/internal/awsproto/awserr"
)

// credential is what a request's signature says about its sender. haneul does
// not verify signatures; it reads the access key and the credential scope.
type credential struct {
	AccessKey string
	Region    string // from the SigV4 scope; "" when absent
	Service   string // signing name from the SigV4 scope; "" when absent
}

// parseCredential reads the SigV4 (header or presigned query), SigV4a or SigV2
// credential of r. An Authorization header AWS could not parse is an error.
func parseCredential(r *http.Request) (credential, *awserr.Error) {
	if h := r.Header.Get("Authorization"); h != "" {
		return parseAuthorization(h)
	}
	q := r.URL.Query()
	if c := q.Get("X-Amz-Credential"); c != "" {
		cred, ok := parseScope(c)
		if !ok {
			return credential{}, awserr.New("AuthorizationQueryParametersError", 400,
				"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
		}
		return cred, nil
	}
	if k := q.Get("AWSAccessKeyId"); k != "" {
		return credential{AccessKey: k}, nil
	}
	return credential{}, nil
}

func parseAuthorization(h string) (credential, *awserr.Error) {
	scheme, rest, _ := strings.Cut(h, " ")
	switch scheme {
	case "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256":
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if k == "Credential" {
				if cred, ok := parseScope(v); ok {
					return cred, nil
				}
			}
		}
		// AWS: a SigV4 header without a well-formed Credential is IncompleteSignature.
		return credential{}, awserr.New("IncompleteSignature", 403,
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization=%s", h)
	case "AWS":
		// SigV2, still sent by some S3 tools: "AWS AKID:signature".
		if k, _, ok := strings.Cut(rest, ":"); ok && k != "" {
			return credential{AccessKey: k}, nil
		}
	}
	return credential{}, awserr.New("IncompleteSignature", 403, "Authorization header is invalid or malformed: %s", h)
}

// parseScope parses "AKID/20260101/us-east-1/sts/aws4_request" (SigV4) or
// "AKID/20260101/sts/aws4_request" (SigV4a, no region).
func parseScope(c string) (credential, bool) {
	parts := strings.Split(c, "/")
	switch {
	case len(parts) == 5 && parts[0] != "" && parts[4] == "aws4_request":
		return credential{AccessKey: parts[0], Region: parts[2], Service: parts[3]}, true
	case len(parts) == 4 && parts[0] != "" && parts[3] == "aws4_request":
		return credential{AccessKey: parts[0], Service: parts[2]}, true
	}
	return credential{}, false
}
