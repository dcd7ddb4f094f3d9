package jsonrpc

import (
	"haneul/internal/awsproto/awserr"
	"haneul/internal/awsproto/model"
)

// queryErrorCodes holds the awsQueryError codes of exception shapes whose
// botocore model lacks the error.code trait, by service and shape name.
//
// AWS: the Smithy models of SQS carry @awsQueryError codes that botocore's
// JSON rendering drops; the SDKs in query-compatible mode match on them.
var queryErrorCodes = map[string]map[string]string{
	"sqs": {
		"BatchEntryIdsNotDistinct":     "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
		"BatchRequestTooLong":          "AWS.SimpleQueueService.BatchRequestTooLong",
		"EmptyBatchRequest":            "AWS.SimpleQueueService.EmptyBatchRequest",
		"InvalidAddress":               "InvalidAddress",
		"InvalidBatchEntryId":          "AWS.SimpleQueueService.InvalidBatchEntryId",
		"InvalidSecurity":              "InvalidSecurity",
		"KmsAccessDenied":              "KMS.AccessDeniedException",
		"KmsDisabled":                  "KMS.DisabledException",
		"KmsInvalidKeyUsage":           "KMS.InvalidKeyUsageException",
		"KmsInvalidState":              "KMS.InvalidStateException",
		"KmsNotFound":                  "KMS.NotFoundException",
		"KmsOptInRequired":             "KMS.OptInRequired",
		"KmsThrottled":                 "KMS.ThrottlingException",
		"MessageNotInflight":           "AWS.SimpleQueueService.MessageNotInflight",
		"OverLimit":                    "OverLimit",
		"PurgeQueueInProgress":         "AWS.SimpleQueueService.PurgeQueueInProgress",
		"QueueDeletedRecently":         "AWS.SimpleQueueService.QueueDeletedRecently",
		"QueueDoesNotExist":            "AWS.SimpleQueueService.NonExistentQueue",
		"QueueNameExists":              "QueueAlreadyExists",
		"ReceiptHandleIsInvalid":       "ReceiptHandleIsInvalid",
		"RequestThrottled":             "RequestThrottled",
		"ResourceNotFoundException":    "ResourceNotFoundException",
		"TooManyEntriesInBatchRequest": "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
		"UnsupportedOperation":         "AWS.SimpleQueueService.UnsupportedOperation",
	},
}

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
		if sh.Error == nil || sh.Error.Code == "" {
			if svc != nil {
				if c, ok := queryErrorCodes[svc.Name][sh.Name]; ok {
					code = c
				}
			}
		}
	}
	fault := "Sender"
	if e.Receiver || status >= 500 {
		fault = "Receiver"
	}
	return code + ";" + fault
}
