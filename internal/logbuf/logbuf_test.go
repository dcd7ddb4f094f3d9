package logbuf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int // writes
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.b.Write(p)
}

func (s *syncBuf) String() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.n
}

func TestBatchesAndFlushes(t *testing.T) {
	var out syncBuf
	w := New(&out, time.Hour) // no timer flush during the test
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				w.Write([]byte{'a' + byte(g), '\n'})
			}
		}()
	}
	wg.Wait()
	if s, _ := out.String(); s != "" {
		t.Fatalf("wrote before a flush: %q", s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, writes := out.String()
	if strings.Count(s, "\n") != 400 || writes != 1 {
		t.Fatalf("%d lines in %d writes", strings.Count(s, "\n"), writes)
	}
	if err := w.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
}

func TestTimerFlush(t *testing.T) {
	var out syncBuf
	w := New(&out, time.Millisecond)
	defer w.Close()
	w.Write([]byte("line\n"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		if s, _ := out.String(); s == "line\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the timer never flushed")
		}
		time.Sleep(time.Millisecond)
	}
}
