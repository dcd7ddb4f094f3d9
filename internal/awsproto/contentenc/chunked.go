package contentenc

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"haneul/internal/awsproto/awserr"
)

// Limits on aws-chunked framing.
const (
	maxLine     = 4096
	maxTrailers = 32
	maxChunk    = 1 << 40
)

// IsChunked reports whether the request body uses aws-chunked framing:
// Content-Encoding lists aws-chunked, or x-amz-content-sha256 names a
// STREAMING-* payload.
func IsChunked(h http.Header) bool {
	return Has(h, "aws-chunked") || strings.HasPrefix(h.Get("X-Amz-Content-Sha256"), "STREAMING-")
}

// WithoutChunked returns a Content-Encoding value with aws-chunked removed.
//
// AWS: S3 does not store aws-chunked as the object's Content-Encoding.
func WithoutChunked(v string) string {
	var keep []string
	for part := range strings.SplitSeq(v, ",") {
		if p := strings.TrimSpace(part); p != "" && !strings.EqualFold(p, "aws-chunked") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ",")
}

// ChunkedReader reads the payload of an aws-chunked body: the chunk sizes,
// chunk signatures and trailers are removed, so what it yields is exactly
// the bytes the client sent. Signatures are not verified.
type ChunkedReader struct {
	r       *bufio.Reader
	left    int64 // bytes left in the current chunk
	done    bool
	err     error
	trailer http.Header
}

// NewChunkedReader returns a reader of r's aws-chunked payload.
func NewChunkedReader(r io.Reader) *ChunkedReader {
	return &ChunkedReader{r: bufio.NewReader(r), trailer: http.Header{}}
}

// Trailer returns the trailing headers (x-amz-checksum-crc32 ...), complete
// once Read has returned io.EOF.
func (c *ChunkedReader) Trailer() http.Header { return c.trailer }

// Read implements io.Reader.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	for c.err == nil && c.left == 0 && !c.done {
		c.err = c.nextChunk()
	}
	if c.err != nil {
		return 0, c.err
	}
	if c.done {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left == 0 && err == nil {
		err = c.crlf()
	}
	if errors.Is(err, io.EOF) {
		err = malformed("the body ends inside a chunk")
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// nextChunk reads a chunk header; a zero-size chunk reads the trailers.
func (c *ChunkedReader) nextChunk() error {
	line, err := c.line()
	if err != nil {
		return err
	}
	sizeHex, _, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
	if err != nil || size < 0 || size > maxChunk {
		return malformed("invalid chunk size %q", sizeHex)
	}
	if size > 0 {
		c.left = size
		return nil
	}
	for range maxTrailers + 1 {
		line, err := c.line()
		if errors.Is(err, io.EOF) {
			break // some clients end the body without the final CRLF
		}
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return malformed("invalid trailer %q", line)
		}
		if len(c.trailer) >= maxTrailers {
			return malformed("too many trailers")
		}
		c.trailer.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	c.done = true
	return nil
}

func (c *ChunkedReader) crlf() error {
	line, err := c.line()
	if err != nil {
		return err
	}
	if line != "" {
		return malformed("chunk data longer than its size")
	}
	return nil
}

// line reads one CRLF-terminated line, at most maxLine bytes.
func (c *ChunkedReader) line() (string, error) {
	var b []byte
	for {
		frag, err := c.r.ReadSlice('\n')
		b = append(b, frag...)
		if len(b) > maxLine {
			return "", malformed("chunk header line too long")
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(b) == 0 {
			return "", io.EOF
		}
		if errors.Is(err, io.EOF) {
			return "", malformed("truncated chunk header")
		}
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func malformed(format string, args ...any) *awserr.Error {
	// AWS: S3 answers a broken aws-chunked body with IncompleteBody / InvalidChunkSizeError; a plain 400 suffices.
	return awserr.New("IncompleteBody", http.StatusBadRequest, "aws-chunked: "+format, args...)
}
