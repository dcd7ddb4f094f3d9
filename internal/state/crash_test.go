package state

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const helperDirEnv = "HANEUL_STATE_HELPER_DIR"

// TestHelperWriter is not a test: TestKill9 runs the test binary with it as
// a child process that writes until it is killed. It prints each key once
// its Update has been acknowledged.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		t.Skip("helper process for TestKill9")
	}
	f := newFixture(dir, 16<<10) // small, so snapshots rotate the journal while killed
	if err := f.s.Open(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out sync.Mutex
	for w := range 4 {
		go func() {
			for i := 0; ; i++ {
				key := fmt.Sprintf("%d-w%d-%07d", os.Getpid(), w, i)
				err := f.db.Update(context.Background(), func(tx *Tx) error {
					f.users.Put(tx, scA, key, user{Name: key, Age: i})
					return nil
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				out.Lock()
				os.Stdout.WriteString(key + "\n")
				out.Unlock()
			}
		}()
	}
	select {}
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperDirEnv+"="+dir)
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		n, killed := 0, false
		for {
			line, err := r.ReadString('\n')
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(line, "-w") {
				continue // test framework output
			}
			acked[strings.TrimSuffix(line, "\n")] = true
			if n++; n == 3000 && !killed {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("round %d: child exited on its own after %d keys: %v", round, n, err)
		}
		t.Logf("round %d: %d keys acknowledged before SIGKILL (%v)", round, n, err)

		f := openFixture(t, dir, 0)
		got := map[string]bool{}
		for _, k := range f.keys(t, scA) {
			got[k] = true
		}
		missing := 0
		for k := range acked {
			if !got[k] {
				missing++
				if missing < 10 {
					t.Errorf("round %d: acknowledged key %s lost", round, k)
				}
			}
		}
		if missing > 0 {
			t.Fatalf("round %d: %d of %d acknowledged keys lost", round, missing, len(acked))
		}
		t.Logf("round %d: %d acknowledged, %d recovered", round, len(acked), len(got))
		if err := f.s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
