package s3

import (
	"net/http"

	"haneul/internal/awsproto/awserr"
)

// The S3 errors handlers return, with AWS's codes, statuses and messages.

func errNoSuchBucket(bucket string) *awserr.Error {
	return awserr.New("NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist").WithField("BucketName", bucket)
}

func errNoSuchKey(key string) *awserr.Error {
	return awserr.New("NoSuchKey", http.StatusNotFound, "The specified key does not exist.").WithField("Key", key)
}

func errNoSuchVersion(key, version string) *awserr.Error {
	return awserr.New("NoSuchVersion", http.StatusNotFound, "The specified version does not exist.").WithField("Key", key).WithField("VersionId", version)
}

func errNoSuchUpload(id string) *awserr.Error {
	return awserr.New("NoSuchUpload", http.StatusNotFound, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").WithField("UploadId", id)
}

func errAccessDenied() *awserr.Error {
	return awserr.New("AccessDenied", http.StatusForbidden, "Access Denied")
}

func errInvalidArgument(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidArgument", http.StatusBadRequest, format, args...)
}

func errMalformedXML() *awserr.Error {
	return awserr.New("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema")
}

func errPreconditionFailed(cond string) *awserr.Error {
	return awserr.New("PreconditionFailed", http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold").WithField("Condition", cond)
}

func errNotModified() *awserr.Error {
	return awserr.New("NotModified", http.StatusNotModified, "Not Modified")
}

// notFound is the NoSuch* error of a bucket sub-resource that is not configured.
func notFound(code, msg string) *awserr.Error {
	return awserr.New(code, http.StatusNotFound, "%s", msg)
}
