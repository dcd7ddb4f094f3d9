package state

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

const (
	snapshotVersion = 1
	// snapshotChunk is the payload size at which a snapshot frame is cut.
	snapshotChunk = 256 << 10
)

// capture copies every table of dbs. The caller holds every DB's write lock;
// the copies are lazy (copy-on-write) and can be encoded after the locks
// are released.
func (s *Store) capture(dbs []*DB) []tableImage {
	var imgs []tableImage
	for _, db := range dbs {
		imgs = append(imgs, db.images()...)
	}
	return imgs
}

// maybeCheckpoint starts a background snapshot unless one is pending. The
// journal writer calls it when the journal has grown past SnapshotEvery.
func (s *Store) maybeCheckpoint() {
	if !s.snapping.CompareAndSwap(false, true) {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.snapping.Store(false)
		if err := s.checkpoint(); err != nil {
			s.log.Error("state: snapshot failed; the journal is kept", "err", err)
		}
	}()
}

// checkpoint writes a snapshot of the open store and starts a new journal
// generation. Every DB's write lock is held only while the tables are copied
// and the journal is cut.
func (s *Store) checkpoint() error {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if s.phase.Load() != phaseOpen {
		return nil
	}
	gen := s.j.generation() + 1
	path := s.journalPath(gen)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("state: create journal: %w", err)
	}
	if err := syncDir(s.opts.Dir); err != nil {
		f.Close()
		return fmt.Errorf("state: create journal %s: %w", path, err)
	}
	dbs := s.sortedDBs()
	lockAll(dbs)
	imgs := s.capture(dbs)
	s.j.rotate(f, gen)
	unlockAll(dbs)
	if err := s.writeSnapshot(gen, imgs); err != nil {
		return err
	}
	s.removeJournalsBefore(gen)
	return nil
}

// writeSnapshot writes imgs as the snapshot from which journal generation
// gen on is to be replayed: to a temporary file, fsynced, renamed over the
// previous snapshot, and the directory fsynced.
func (s *Store) writeSnapshot(gen int64, imgs []tableImage) error {
	start := time.Now()
	dir := s.opts.Dir
	tmp := filepath.Join(dir, snapshotTmp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("state: write snapshot: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	count, err := encodeSnapshot(w, gen, imgs)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, snapshotName))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state: write snapshot: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("state: write snapshot: %w", err)
	}
	s.log.Info("state: snapshot written", "generation", gen, "records", count, "took", time.Since(start))
	return nil
}

// encodeSnapshot writes a header frame, the records of imgs in frames of
// about snapshotChunk bytes, and an end frame carrying the record count.
func encodeSnapshot(w io.Writer, gen int64, imgs []tableImage) (int64, error) {
	var frame []byte
	writeRecord := func(payload []byte) error {
		frame = appendFrame(frame[:0], payload)
		_, err := w.Write(frame)
		return err
	}
	header, err := json.Marshal(record{Version: snapshotVersion, Gen: gen})
	if err != nil {
		return 0, err
	}
	if err := writeRecord(header); err != nil {
		return 0, err
	}
	var (
		e     opEncoder
		count int64
	)
	for _, img := range imgs {
		if err := e.begin(img.service); err != nil {
			return count, err
		}
		err := img.each(func(sc Scope, key string, v []byte) error {
			if err := e.op(img.table, sc, key, v, false); err != nil {
				return err
			}
			count++
			if len(e.buf) < snapshotChunk {
				return nil
			}
			if err := writeRecord(e.end()); err != nil {
				return err
			}
			return e.begin(img.service)
		})
		if err != nil {
			return count, err
		}
		if e.n > 0 {
			if err := writeRecord(e.end()); err != nil {
				return count, err
			}
		}
	}
	trailer, err := json.Marshal(record{End: true, Count: count})
	if err != nil {
		return count, err
	}
	return count, writeRecord(trailer)
}

// loadSnapshot applies the snapshot, if any, and returns the first journal
// generation to replay after it. Unlike a journal's tail, a damaged snapshot
// is an error: it was complete and fsynced before it was renamed into place.
func (s *Store) loadSnapshot() (int64, error) {
	path := filepath.Join(s.opts.Dir, snapshotName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("state: load snapshot: %w", err)
	}
	defer f.Close()
	gen, err := s.readSnapshot(f)
	if err != nil {
		return 0, fmt.Errorf("state: load snapshot %s: %w", path, err)
	}
	return gen, nil
}

func (s *Store) readSnapshot(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var (
		remaining = fi.Size()
		buf       []byte
		gen       int64
		count     int64
	)
	for i := 0; ; i++ {
		payload, err := readFrame(r, remaining, buf)
		if err == io.EOF {
			return 0, errors.New("no end record")
		}
		if err != nil {
			return 0, err
		}
		remaining -= int64(frameHeader + len(payload))
		buf = payload
		var rec record
		if err := json.Unmarshal(payload, &rec); err != nil {
			return 0, fmt.Errorf("record %d: %w", i, err)
		}
		switch {
		case i == 0:
			if rec.Version != snapshotVersion {
				return 0, fmt.Errorf("unsupported snapshot version %d", rec.Version)
			}
			gen = rec.Gen
		case rec.End:
			if rec.Count != count {
				return 0, fmt.Errorf("end record counts %d records, read %d", rec.Count, count)
			}
			return gen, nil
		default:
			count += int64(len(rec.Ops))
			if err := s.apply(&rec); err != nil {
				return 0, err
			}
		}
	}
}
