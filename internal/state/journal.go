package state

import (
	"fmt"
	"log/slog"
	"os"
	"sync"
)

// A journal appends records to the journal file of the current generation.
// Appenders queue frames into the open batch; a single writer goroutine
// writes each batch with one write and one fsync, then wakes every committer
// of that batch (group commit).
type journal struct {
	log   *slog.Logger
	every int64  // bytes of journal after which full is called
	full  func() // asks for a snapshot; called by the writer

	mu     sync.Mutex
	cur    *batch   // batch receiving appends
	queue  []*batch // sealed batches, to write before cur
	gen    int64    // generation of the file that cur goes to
	size   int64    // bytes appended to generation gen
	err    error    // sticky: once a write fails, every append fails
	closed bool

	kick chan struct{} // wakes the writer; capacity 1
	stop chan struct{} // closed by close
	done chan struct{} // closed when the writer has exited

	// Owned by the writer goroutine.
	f   *os.File
	off int64 // end of the last fully written batch in f
}

// A batch is a run of frames written and fsynced together.
type batch struct {
	buf  []byte
	done chan struct{} // closed once written, fsynced and err set
	err  error
	next *os.File // after this batch, continue in next (a rotation)
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

// wait blocks until the batch is durable and returns the outcome.
func (b *batch) wait() error {
	<-b.done
	return b.err
}

// openJournal starts a writer appending to f, the file of generation gen,
// whose content ends at offset off.
func openJournal(f *os.File, gen, off, every int64, log *slog.Logger, full func()) *journal {
	j := &journal{
		log:   log,
		every: every,
		full:  full,
		cur:   newBatch(),
		gen:   gen,
		kick:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		f:     f,
		off:   off,
	}
	go j.run()
	return j
}

// append queues payload as one frame and returns the batch that will carry
// it. The caller holds the lock(s) that order its commit.
func (j *journal) append(payload []byte) (*batch, error) {
	j.mu.Lock()
	if j.err != nil {
		j.mu.Unlock()
		return nil, j.err
	}
	if j.closed {
		j.mu.Unlock()
		return nil, ErrClosed
	}
	b := j.cur
	b.buf = appendFrame(b.buf, payload)
	j.size += int64(frameHeader + len(payload))
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
	return b, nil
}

// rotate seals the open batch so that it goes to the current file, and sends
// every later append to f, the file of generation gen. The caller holds
// every DB's write lock, so the cut is consistent with a snapshot.
func (j *journal) rotate(f *os.File, gen int64) {
	j.mu.Lock()
	j.cur.next = f
	j.queue = append(j.queue, j.cur)
	j.cur = newBatch()
	j.gen, j.size = gen, 0
	j.mu.Unlock()
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

// generation returns the generation new appends go to.
func (j *journal) generation() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.gen
}

// close writes every queued batch, stops the writer and closes the file. It
// returns the sticky write error, if any.
func (j *journal) close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		<-j.done
		return j.err
	}
	j.closed = true
	j.mu.Unlock()
	close(j.stop)
	<-j.done
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Close(); err != nil && j.err == nil {
		j.err = fmt.Errorf("state: close journal: %w", err)
	}
	return j.err
}

func (j *journal) run() {
	defer close(j.done)
	for {
		select {
		case <-j.kick:
			j.flush()
			j.mu.Lock()
			full := j.err == nil && j.size >= j.every
			j.mu.Unlock()
			if full && j.full != nil {
				j.full()
			}
		case <-j.stop:
			j.flush()
			return
		}
	}
}

// flush writes every sealed batch and the open one, in order.
func (j *journal) flush() {
	j.mu.Lock()
	bs := j.queue
	j.queue = nil
	if len(j.cur.buf) > 0 {
		bs = append(bs, j.cur)
		j.cur = newBatch()
	}
	j.mu.Unlock()
	for _, b := range bs {
		j.write(b)
	}
}

func (j *journal) write(b *batch) {
	j.mu.Lock()
	err := j.err
	j.mu.Unlock()
	if err == nil && len(b.buf) > 0 {
		if _, err = j.f.Write(b.buf); err == nil {
			err = j.f.Sync()
		}
		if err != nil {
			err = fmt.Errorf("state: journal %s: %w", j.f.Name(), err)
			j.log.Error("state: journal write failed; further commits will fail", "err", err)
			// Cut off any partial write, so that nothing acknowledged
			// later could follow a torn record.
			if terr := j.f.Truncate(j.off); terr != nil {
				j.log.Error("state: truncate journal after failed write", "err", terr)
			}
			j.mu.Lock()
			j.err = err
			j.mu.Unlock()
		} else {
			j.off += int64(len(b.buf))
		}
	}
	b.err = err
	close(b.done)
	if b.next != nil {
		if cerr := j.f.Close(); cerr != nil {
			j.log.Warn("state: close rotated journal", "file", j.f.Name(), "err", cerr)
		}
		j.f, j.off = b.next, 0
	}
}
