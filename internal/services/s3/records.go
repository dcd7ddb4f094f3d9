package s3

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"haneul/internal/ptr"
)

// bucketRec is a bucket and its configuration. Sub-resources a bucket has
// not been given are nil (or "").
type bucketRec struct {
	Name       string
	Owner      string // account id
	Region     string
	Created    time.Time
	Versioning string // "", "Enabled" or "Suspended"
	MFADelete  string

	Tags         []Tag
	Encryption   *ServerSideEncryptionConfiguration
	Ownership    *OwnershipControls
	PublicAccess *PublicAccessBlockConfiguration
	ACL          []Grant
	Policy       string
	CORS         *CORSConfiguration
	Website      *WebsiteConfiguration
	Lifecycle    *BucketLifecycleConfiguration
	LifecycleGen uint64 `json:",omitempty"` // changes with each PutBucketLifecycleConfiguration
	Notification *NotificationConfiguration
	Logging      *LoggingEnabled
	Replication  *ReplicationConfiguration
	ObjectLock   *ObjectLockConfiguration
	Accelerate   string
	RequestPayer string
}

// objectRec is one version of an object (the current one in objects, older
// ones in versions), or a delete marker.
type objectRec struct {
	Key          string
	VersionID    string // "" is the null version
	Seq          uint64
	DeleteMarker bool `json:",omitempty"`
	Size         int64
	ETag         string // quoted, as sent in headers
	LastModified time.Time
	Blobs        []segment `json:",omitempty"`
	Owner        string

	ContentType        string            `json:",omitempty"`
	ContentEncoding    string            `json:",omitempty"`
	ContentDisposition string            `json:",omitempty"`
	ContentLanguage    string            `json:",omitempty"`
	CacheControl       string            `json:",omitempty"`
	Expires            string            `json:",omitempty"`
	WebsiteRedirect    string            `json:",omitempty"`
	Metadata           map[string]string `json:",omitempty"`
	StorageClass       string            `json:",omitempty"`
	SSE                string            `json:",omitempty"`
	KMSKeyID           string            `json:",omitempty"`
	Checksums          map[string]string `json:",omitempty"` // algorithm (CRC32, SHA256, …) → base64 value
	ChecksumType       string            `json:",omitempty"`
	PartsCount         int64             `json:",omitempty"`
	Tags               []Tag             `json:",omitempty"`
	ACL                []Grant           `json:",omitempty"`
}

// versionID is the id clients see: "null" for the null version.
func (o objectRec) versionID() string {
	if o.VersionID == "" {
		return "null"
	}
	return o.VersionID
}

// uploadRec is a multipart upload in progress.
type uploadRec struct {
	Bucket, Key, UploadID string
	Initiated             time.Time
	Owner                 string
	Object                objectRec // the metadata the completed object gets
	ChecksumAlgorithm     string
	ChecksumType          string
}

// partRec is one uploaded part.
type partRec struct {
	Number       int64
	Blob         segment
	ETag         string
	LastModified time.Time
	Checksums    map[string]string `json:",omitempty"`
}

// canonicalID is the 64-hex-digit canonical user id S3 shows for an account.
func canonicalID(account string) string {
	h := sha256.Sum256([]byte("haneul-s3-owner:" + account))
	return hex.EncodeToString(h[:])
}

// owner is the Owner element of an account.
func owner(account string) *Owner {
	return &Owner{ID: ptr.To(canonicalID(account)), DisplayName: ptr.To("haneul-" + account)}
}
