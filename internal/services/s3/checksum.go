package s3

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"

	"haneul/internal/awsproto/awserr"
)

// crc64NVME is the CRC-64/NVME table (reflected polynomial 0x9a6c9329ac4bc9b5);
// Go's crc64 applies the all-ones initial value and final xor it needs.
var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

// algorithms are the checksum algorithms S3 stores, by their API names.
var algorithms = []string{"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"}

func newHash(alg string) hash.Hash {
	switch alg {
	case "CRC32":
		return crc32.NewIEEE()
	case "CRC32C":
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case "CRC64NVME":
		return crc64.New(crc64NVME)
	case "SHA1":
		return sha1.New()
	case "SHA256":
		return sha256.New()
	}
	return nil
}

// checksumHeader is the request or response header carrying alg's value.
func checksumHeader(alg string) string { return "x-amz-checksum-" + strings.ToLower(alg) }

// upload is what streaming a request body into a blob found.
type upload struct {
	segs      []segment
	size      int64
	md5       []byte
	checksums map[string]string
}

// wantSums are the checksums a client sent (or announced) for a body.
type wantSums struct {
	contentMD5 string            // Content-MD5, base64
	algorithm  string            // x-amz-sdk-checksum-algorithm
	values     map[string]string // algorithm → base64 value from headers
}

func (w wantSums) algs() []string {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		a = strings.ToUpper(a)
		if newHash(a) != nil && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if w.algorithm != "" {
		add(w.algorithm)
	}
	for a := range w.values {
		add(a)
	}
	return out
}

// receive streams body into a new blob, computing its MD5 and the
// checksums asked for, and checks them against what the client sent,
// including aws-chunked trailing checksums. An empty body makes no blob.
func (s *Service) receive(body io.Reader, want wantSums, trailer func() http.Header) (upload, error) {
	if body == nil {
		body = strings.NewReader("")
	}
	algs := want.algs()
	m := md5.New()
	hashes := map[string]hash.Hash{}
	writers := []io.Writer{m}
	for _, a := range algs {
		if hashes[a] == nil {
			hashes[a] = newHash(a)
			writers = append(writers, hashes[a])
		}
	}
	w, err := s.blobs.create()
	if err != nil {
		return upload{}, err
	}
	writers = append(writers, w)
	n, err := io.Copy(io.MultiWriter(writers...), body)
	if err != nil {
		w.abort()
		if e, ok := awserr.As(err); ok {
			return upload{}, e
		}
		return upload{}, awserr.New("IncompleteBody", http.StatusBadRequest, "The request body terminated unexpectedly")
	}
	up := upload{size: n, md5: m.Sum(nil), checksums: map[string]string{}}
	values := map[string]string{}
	for a, v := range want.values {
		values[strings.ToUpper(a)] = v
	}
	if trailer != nil {
		for k, vs := range trailer() {
			if a, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-checksum-"); ok && len(vs) > 0 {
				a = strings.ToUpper(a)
				values[a] = vs[0]
				if hashes[a] == nil && newHash(a) != nil {
					// A trailer the headers did not announce: kept as sent.
					up.checksums[a] = vs[0]
				}
			}
		}
	}
	if want.contentMD5 != "" && want.contentMD5 != base64.StdEncoding.EncodeToString(up.md5) {
		w.abort()
		return upload{}, awserr.New("BadDigest", http.StatusBadRequest, "The Content-MD5 you specified did not match what we received.")
	}
	for a, h := range hashes {
		got := base64.StdEncoding.EncodeToString(h.Sum(nil))
		if v, ok := values[a]; ok && v != got {
			w.abort()
			return upload{}, awserr.New("BadDigest", http.StatusBadRequest, "The %s you specified did not match the calculated checksum.", a)
		}
		if _, ok := values[a]; ok || a == strings.ToUpper(want.algorithm) {
			up.checksums[a] = got
		}
	}
	if n == 0 {
		w.abort()
		return up, nil
	}
	seg, err := w.commit()
	if err != nil {
		return upload{}, err
	}
	up.segs = []segment{seg}
	return up, nil
}

// etag is the quoted hex MD5 S3 uses as a single-part object's ETag.
func etag(sum []byte) string { return `"` + hex.EncodeToString(sum) + `"` }
