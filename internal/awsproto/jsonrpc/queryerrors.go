package jsonrpc

import (
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// QueryError is the x-amzn-query-error header value for e,
// "<query error code>;Sender|Receiver", for services that moved from the
// query protocol (the awsQueryCompatible trait). sh is the exception shape
// e's code names, or nil.
//
// AWS: SQS's QueueDoesNotExist answers AWS.SimpleQueueService.NonExistentQueue;Sender.
func QueryError(svc *model.Service, sh *model.Shape, e *awserr.Error, status int) string {
	code := e.Code
	if sh != nil {
		code = sh.ErrorCode()
	}
	fault := "Sender"
	if e.Receiver || status >= 500 {
		fault = "Receiver"
	}
	return code + ";" + fault
}
