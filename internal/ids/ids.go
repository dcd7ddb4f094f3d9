// Package ids makes identifiers shaped like AWS's.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" // base32 alphabet: AWS unique ids use it

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// Unique returns prefix followed by n characters of AWS's unique-id alphabet
// (upper-case letters and digits 2–7), as IAM ids (AIDA…, AROA…) and access
// key ids (AKIA…, ASIA…) are written.
func Unique(prefix string, n int) string {
	b := random(n)
	out := make([]byte, n)
	for i, c := range b {
		out[i] = upperAlnum[int(c)%len(upperAlnum)]
	}
	return prefix + string(out)
}

// Hex returns prefix + "-" + n lower-case hex digits: EC2-style ids (vpc-0a1b…, 17 digits).
func Hex(prefix string, n int) string {
	return prefix + "-" + hex.EncodeToString(random((n + 1) / 2))[:n]
}

// Secret returns a 40-character secret access key.
func Secret() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := random(40)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// UUID returns a random RFC 4122 version 4 UUID, the form of AWS request ids.
func UUID() string {
	b := random(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
