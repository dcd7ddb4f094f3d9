package sqs

import (
	"context"
	"regexp"
	"strings"

	"haneul/internal/arn"
	"haneul/internal/awsproto/awserr"
	"haneul/internal/identity"
	"haneul/internal/reqctx"
	"haneul/internal/state"
)

// defaultHost is the host of queue URLs built outside a request.
const defaultHost = "localhost:4566"

// queueURL is the URL of queue name in sc as the client reaches it:
// http://<host the client used>/<account>/<queue>.
func queueURL(ctx context.Context, sc state.Scope, name string) string {
	host := reqctx.From(ctx).Host
	if host == "" {
		host = defaultHost
	}
	return "http://" + host + "/" + sc.Account + "/" + name
}

// queueARN is arn:aws:sqs:<region>:<account>:<name>.
func queueARN(sc state.Scope, name string) string {
	return arn.New("sqs", sc.Region, sc.Account, name)
}

// parseQueueARN returns the scope and name of a queue ARN.
func parseQueueARN(s string) (state.Scope, string, bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != "sqs" || !identity.IsAccountID(a.Account) || !validName(a.Resource) {
		return state.Scope{}, "", false
	}
	return state.Scope{Account: a.Account, Region: a.Region}, a.Resource, true
}

// parseQueuePath splits "/<account>/<queue>".
func parseQueuePath(p string) (account, name string, ok bool) {
	p = strings.TrimPrefix(p, "/")
	account, name, ok = strings.Cut(p, "/")
	if !ok || !identity.IsAccountID(account) || !validName(name) {
		return "", "", false
	}
	return account, name, true
}

// resolveURL finds the scope and name a QueueUrl names. Only the account and
// the queue name matter: any scheme and host (127.0.0.1:4566,
// sqs.<region>.localhost…, sqs.<region>.amazonaws.com) reach the queue, in
// the region of the request.
func resolveURL(ctx context.Context, u string) (state.Scope, string, error) {
	path := u
	if i := strings.Index(path, "://"); i >= 0 {
		path = path[i+3:]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		} else {
			path = ""
		}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	account, name, ok := parseQueuePath(path)
	if !ok {
		// AWS: InvalidAddress for a URL that names no queue.
		return state.Scope{}, "", awserr.New("InvalidAddress", 0, "The address %s is not valid for this endpoint.", u)
	}
	return state.Scope{Account: account, Region: reqctx.From(ctx).Region}, name, nil
}

var (
	stdName  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	fifoName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,75}\.fifo$`)
)

func validName(n string) bool { return stdName.MatchString(n) || fifoName.MatchString(n) }

// invalidQueueName is AWS's error for a name that breaks the rules of its type.
func invalidQueueName(fifo bool) *awserr.Error {
	if fifo {
		return awserr.New("InvalidParameterValue", 400, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	}
	return awserr.New("InvalidParameterValue", 400, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
}

func queueDoesNotExist() *awserr.Error {
	return awserr.New("QueueDoesNotExist", 0, "The specified queue does not exist.")
}
