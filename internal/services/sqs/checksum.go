package sqs

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sort"
	"strings"
)

// md5Hex is the hex MD5 of s, as MD5OfMessageBody carries it.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sha256Hex is the content-based deduplication id of a body.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5Attributes computes MD5OfMessageAttributes (and, over the system
// attributes, MD5OfMessageSystemAttributes) as AWS does: the attributes
// sorted by name, each encoded as its name, its data type (each a 4-byte
// big-endian length then the UTF-8 bytes), one transport byte (1 for String
// and Number, 2 for Binary) and the value (length then bytes), all hashed
// together. It returns "" for no attributes.
// AWS: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
func md5Attributes(attrs []attrValue) string {
	if len(attrs) == 0 {
		return ""
	}
	sorted := attrs
	if !sort.SliceIsSorted(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name }) {
		sorted = append([]attrValue(nil), attrs...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	}
	h := md5.New()
	for _, a := range sorted {
		writeLenPrefixed(h, []byte(a.Name))
		writeLenPrefixed(h, []byte(a.DataType))
		if isBinaryType(a.DataType) {
			h.Write([]byte{2})
			writeLenPrefixed(h, a.Binary)
		} else {
			h.Write([]byte{1})
			writeLenPrefixed(h, []byte(a.String))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeLenPrefixed(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}

func isBinaryType(t string) bool { return t == "Binary" || strings.HasPrefix(t, "Binary.") }
