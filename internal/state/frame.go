package state

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// frameHeader is the size of a frame's header: payload length and CRC-32C.
const frameHeader = 8

// maxFrame bounds a payload's length, so that a corrupt header cannot ask
// for an absurd allocation.
const maxFrame = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errTorn reports a frame that is incomplete or fails its checksum.
var errTorn = errors.New("torn or corrupt frame")

// appendFrame appends payload to dst as a frame.
func appendFrame(dst, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.LittleEndian.AppendUint32(dst, crc32.Checksum(payload, castagnoli))
	return append(dst, payload...)
}

// readFrame reads one frame from r, of which at most remaining bytes are
// left, reusing buf. It returns io.EOF at a clean end and an error wrapping
// errTorn for a truncated or corrupt frame.
func readFrame(r *bufio.Reader, remaining int64, buf []byte) (payload []byte, err error) {
	var h [frameHeader]byte
	n, err := io.ReadFull(r, h[:])
	switch {
	case n == 0 && err == io.EOF:
		return nil, io.EOF
	case err != nil:
		return nil, fmt.Errorf("%w: short header (%d bytes)", errTorn, n)
	}
	size := int64(binary.LittleEndian.Uint32(h[:4]))
	if size > maxFrame || size > remaining-frameHeader {
		return nil, fmt.Errorf("%w: length %d exceeds the %d bytes left", errTorn, size, remaining-frameHeader)
	}
	if int64(cap(buf)) < size {
		buf = make([]byte, size)
	}
	payload = buf[:size]
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, fmt.Errorf("%w: short payload: %v", errTorn, err)
	}
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(h[4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", errTorn)
	}
	return payload, nil
}
