package state

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

const (
	lockName      = "LOCK"
	snapshotName  = "snapshot"
	snapshotTmp   = "snapshot.tmp"
	journalPrefix = "journal-"
	journalSuffix = ".log"
)

func (s *Store) journalPath(gen int64) string {
	return filepath.Join(s.opts.Dir, fmt.Sprintf("%s%016x%s", journalPrefix, gen, journalSuffix))
}

// journalGens lists the generations of the journal files in dir, ascending.
func journalGens(dir string) ([]int64, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("state: list %s: %w", dir, err)
	}
	var gens []int64
	for _, e := range ents {
		hex, ok := strings.CutPrefix(e.Name(), journalPrefix)
		if !ok {
			continue
		}
		if hex, ok = strings.CutSuffix(hex, journalSuffix); !ok {
			continue
		}
		if gen, err := strconv.ParseInt(hex, 16, 64); err == nil {
			gens = append(gens, gen)
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// openDir locks the directory, loads the snapshot, replays the journals and
// starts the journal writer.
func (s *Store) openDir() error {
	dir := s.opts.Dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state: open %s: %w", dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return err
	}
	s.lock = lock
	if err := os.Remove(filepath.Join(dir, snapshotTmp)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("state: remove stale snapshot: %w", err)
	}
	snapGen, err := s.loadSnapshot()
	if err != nil {
		return err
	}
	gens, err := journalGens(dir)
	if err != nil {
		return err
	}
	gen, replayed := snapGen, false
	for _, g := range gens {
		if g < snapGen {
			continue // covered by the snapshot; removed below
		}
		n, err := s.replayJournal(s.journalPath(g))
		if err != nil {
			return err
		}
		replayed = replayed || n > 0
		gen = max(gen, g)
	}
	if replayed {
		gen++
		if err := s.writeSnapshot(gen, s.capture(s.sortedDBs())); err != nil {
			return err
		}
	}
	s.removeJournalsBefore(gen)
	path := s.journalPath(gen)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("state: open journal: %w", err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("state: open journal %s: %w", path, err)
	}
	s.j = openJournal(f, gen, fi.Size(), s.opts.SnapshotEvery, s.log, s.maybeCheckpoint)
	s.log.Debug("state: opened", "dir", dir, "generation", gen)
	return nil
}

// replayJournal applies the records of the journal at path and returns how
// many it applied. A torn or corrupt record ends the replay and is cut off
// the file, with everything after it.
func (s *Store) replayJournal(path string) (int, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("state: replay %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("state: replay %s: %w", path, err)
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var (
		off, size = int64(0), fi.Size()
		buf       []byte
		n         int
	)
	for {
		payload, err := readFrame(r, size-off, buf)
		if err == io.EOF {
			return n, nil
		}
		var rec record
		if err == nil {
			buf = payload
			if err = json.Unmarshal(payload, &rec); err != nil {
				err = fmt.Errorf("%w: %v", errTorn, err)
			}
		}
		if err != nil {
			s.log.Warn("state: truncating torn journal tail",
				"file", path, "offset", off, "dropped_bytes", size-off, "err", err)
			if err := f.Truncate(off); err != nil {
				return n, fmt.Errorf("state: replay %s: truncate torn tail: %w", path, err)
			}
			if err := f.Sync(); err != nil {
				return n, fmt.Errorf("state: replay %s: %w", path, err)
			}
			return n, nil
		}
		if err := s.apply(&rec); err != nil {
			return n, fmt.Errorf("state: replay %s at offset %d: %w", path, off, err)
		}
		off += int64(frameHeader + len(payload))
		n++
	}
}

// removeJournalsBefore removes the journals older than gen, which a durable
// snapshot covers.
func (s *Store) removeJournalsBefore(gen int64) {
	gens, err := journalGens(s.opts.Dir)
	if err != nil {
		s.log.Warn("state: remove old journals", "err", err)
		return
	}
	for _, g := range gens {
		if g >= gen {
			break
		}
		if err := os.Remove(s.journalPath(g)); err != nil {
			s.log.Warn("state: remove old journal", "err", err)
		}
	}
	if err := syncDir(s.opts.Dir); err != nil {
		s.log.Warn("state: remove old journals", "err", err)
	}
}

// syncDir fsyncs a directory, making renames and creations in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
