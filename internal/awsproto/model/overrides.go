package model

// queryErrorCodes restores the awsQueryError codes of exception shapes, by
// service and shape name.
//
// AWS: the Smithy models of query-compatible services carry @awsQueryError
// codes; botocore's JSON rendering of SQS drops them, yet clients in query
// mode (and old query clients) match on them, e.g. QueueDoesNotExist is
// AWS.SimpleQueueService.NonExistentQueue on the query side.
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

// applyOverrides mends what the vendored models lack, once, at parse time.
func applyOverrides(s *Service) {
	for shape, code := range queryErrorCodes[s.Name] {
		sh, ok := s.Shapes[shape]
		if !ok {
			continue
		}
		et := ErrorTrait{SenderFault: true, HTTPStatusCode: 400}
		if sh.Error != nil {
			et = *sh.Error
		}
		if et.Code == "" {
			et.Code = code
		}
		sh.Error = &et
	}
}
