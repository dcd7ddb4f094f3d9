package s3

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// blobStore keeps object bytes in files named by generated ids beneath
// dir/blobs/<first two hex digits>/<id>. A blob is written to dir/tmp,
// fsynced, renamed into place and its directory fsynced before the record
// that names it is committed, so an acknowledged write survives kill -9.
// Object keys never become paths.
type blobStore struct {
	dir     string
	durable bool // fsync files and directories (false for a memory store)
}

// segment is one blob of an object's bytes; a multipart object has one per part.
type segment struct {
	ID   string `json:"i"`
	Size int64  `json:"s"`
}

func newBlobStore(dir string, durable bool) (*blobStore, error) {
	for _, d := range []string{filepath.Join(dir, "tmp"), filepath.Join(dir, "blobs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("s3: blob directory: %w", err)
		}
	}
	// The 256 fan-out directories exist up front: committing a blob is a rename.
	for i := range 256 {
		if err := os.MkdirAll(filepath.Join(dir, "blobs", fmt.Sprintf("%02x", i)), 0o755); err != nil {
			return nil, fmt.Errorf("s3: blob directory: %w", err)
		}
	}
	return &blobStore{dir: dir, durable: durable}, nil
}

func newBlobID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// path is where blob id lives. Ids are generated hex strings; anything else
// is refused so a corrupted record cannot name a path outside the store.
func (b *blobStore) path(id string) (string, error) {
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", fmt.Errorf("s3: invalid blob id %q", id)
	}
	return filepath.Join(b.dir, "blobs", id[:2], id), nil
}

// blobWriter is a blob being written.
type blobWriter struct {
	store *blobStore
	f     *os.File
	id    string
	n     int64
}

// create starts a new blob.
func (b *blobStore) create() (*blobWriter, error) {
	id := newBlobID()
	f, err := os.OpenFile(filepath.Join(b.dir, "tmp", id), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("s3: create blob: %w", err)
	}
	return &blobWriter{store: b, f: f, id: id}, nil
}

func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.n += int64(n)
	return n, err
}

// commit makes the blob durable and moves it into place.
func (w *blobWriter) commit() (segment, error) {
	if w.store.durable {
		if err := w.f.Sync(); err != nil {
			w.abort()
			return segment{}, fmt.Errorf("s3: sync blob: %w", err)
		}
	}
	if err := w.f.Close(); err != nil {
		w.abort()
		return segment{}, fmt.Errorf("s3: close blob: %w", err)
	}
	dst, _ := w.store.path(w.id)
	if err := os.Rename(w.f.Name(), dst); err != nil {
		w.abort()
		return segment{}, fmt.Errorf("s3: place blob: %w", err)
	}
	if w.store.durable {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return segment{}, err
		}
	}
	return segment{ID: w.id, Size: w.n}, nil
}

// abort discards the blob.
func (w *blobWriter) abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("s3: sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("s3: sync %s: %w", dir, err)
	}
	return nil
}

// write stores everything r yields as one blob.
func (b *blobStore) write(r io.Reader) (segment, error) {
	w, err := b.create()
	if err != nil {
		return segment{}, err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.abort()
		return segment{}, err
	}
	return w.commit()
}

// remove deletes blobs; missing files are not an error.
func (b *blobStore) remove(segs []segment) {
	for _, s := range segs {
		if p, err := b.path(s.ID); err == nil {
			os.Remove(p)
		}
	}
}

// sweep removes the temporary files and the blobs not in live, returning
// how many blobs it removed.
func (b *blobStore) sweep(live map[string]bool) int {
	if ents, err := os.ReadDir(filepath.Join(b.dir, "tmp")); err == nil {
		for _, e := range ents {
			os.Remove(filepath.Join(b.dir, "tmp", e.Name()))
		}
	}
	n := 0
	dirs, _ := os.ReadDir(filepath.Join(b.dir, "blobs"))
	for _, d := range dirs {
		sub := filepath.Join(b.dir, "blobs", d.Name())
		ents, _ := os.ReadDir(sub)
		for _, e := range ents {
			if !live[e.Name()] {
				if os.Remove(filepath.Join(sub, e.Name())) == nil {
					n++
				}
			}
		}
	}
	return n
}

// reader reads bytes [off, off+n) of an object made of segs. The first
// file is opened at once (so a missing blob is an error before any answer
// is written); later ones as the read reaches them.
type reader struct {
	store  *blobStore
	segs   []segment
	off    int64 // offset within segs[0]
	left   int64
	f      *os.File
	status int
}

func (b *blobStore) open(segs []segment, off, n int64) (*reader, error) {
	for len(segs) > 0 && off >= segs[0].Size {
		off -= segs[0].Size
		segs = segs[1:]
	}
	r := &reader{store: b, segs: segs, off: off, left: n}
	if n > 0 && len(segs) > 0 {
		if err := r.next(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// HTTPStatus is the status the response carries (206 for a range), read by
// the rest codec; 0 means the operation's default.
func (r *reader) HTTPStatus() int { return r.status }

func (r *reader) next() error {
	p, err := r.store.path(r.segs[0].ID)
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("s3: open blob: %w", err)
	}
	if r.off > 0 {
		if _, err := f.Seek(r.off, io.SeekStart); err != nil {
			f.Close()
			return fmt.Errorf("s3: seek blob: %w", err)
		}
	}
	r.f = f
	return nil
}

func (r *reader) Read(p []byte) (int, error) {
	for {
		if r.left <= 0 {
			return 0, io.EOF
		}
		if r.f == nil {
			if len(r.segs) == 0 {
				return 0, io.ErrUnexpectedEOF
			}
			if err := r.next(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		n, err := r.f.Read(p)
		r.left -= int64(n)
		if errors.Is(err, io.EOF) {
			r.f.Close()
			r.f, r.off, r.segs = nil, 0, r.segs[1:]
			err = nil
			if n == 0 {
				continue
			}
		}
		return n, err
	}
}

// WriteTo copies with a large buffer: downloads are the hot path.
func (r *reader) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// Close releases the open file.
func (r *reader) Close() error {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	return nil
}
