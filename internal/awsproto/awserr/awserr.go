// Package awserr is the one error type services return and codecs render.
//
// A service names the error by its AWS code (or by the model's exception shape
// name); the codec of the protocol the client spoke looks the code up in the
// service's model for the HTTP status and the query-compatible code, and writes
// the error in that protocol's shape. Anything that is not an *Error reaching a
// codec is an internal failure: logged, and answered with InternalFailure.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an AWS error as a client sees it.
type Error struct {
	// Code is the error code clients match on ("NoSuchEntity", "ValidationException").
	// It may also be the name of an exception shape in the service's model.
	Code string
	// Message is the human-readable message.
	Message string
	// Status is the HTTP status; 0 means "as the model says for Code, else 400".
	Status int
	// Receiver marks a server-side fault (the query protocols' <Type>Receiver</Type>).
	Receiver bool
	// Fields holds further members of the exception structure (for example
	// DynamoDB's CancellationReasons), keyed by member name.
	Fields map[string]any
	// Header holds extra response headers the error carries (for example S3's x-amz-delete-marker).
	Header http.Header
}

// New returns a client error with a formatted message.
func New(code string, status int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Status: status, Message: msg}
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// WithField returns e with an extra exception member set.
func (e *Error) WithField(name string, v any) *Error {
	if e.Fields == nil {
		e.Fields = map[string]any{}
	}
	e.Fields[name] = v
	return e
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Errors every protocol needs, independent of any service model.
var (
	// ErrInternal is what clients see for a failure that is haneul's, not theirs.
	ErrInternal = &Error{Code: "InternalFailure", Status: 500, Receiver: true, Message: "The request processing has failed because of an unknown error, exception or failure."}
)

// InvalidAction is the error for an action the service does not have.
func InvalidAction(action string) *Error {
	return New("InvalidAction", 400, "The action or operation requested is invalid. Verify that the action is typed correctly: %s", action)
}

// NotImplemented is the error for an operation the model defines but haneul does not implement yet.
func NotImplemented(service, op string) *Error {
	return New("NotImplemented", 501, "haneul does not implement %s.%s yet", service, op)
}

// Serialization is the error for a body the protocol cannot parse.
func Serialization(format string, args ...any) *Error {
	return New("SerializationException", 400, format, args...)
}
