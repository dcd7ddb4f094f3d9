package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A proc is a server process started by the benchmark. It runs in its own
// process group so stop can end it together with anything it started.
type proc struct {
	name string
	cmd  *exec.Cmd
	// URL is the AWS endpoint, http://127.0.0.1:<port>.
	URL     string
	started time.Time
	done    chan struct{} // closed when the process has exited
	err     error         // exit status, valid after done
	log     *tailBuffer
}

// startProc starts argv, which must make the server listen on port.
func startProc(name string, port int, argv ...string) (*proc, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	log := &tailBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	p := &proc{name: name, cmd: cmd, URL: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan struct{}), log: log}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// PID is the process id of the server.
func (p *proc) PID() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended, with its exit status and
// the end of its output.
func (p *proc) exited() (bool, error) {
	select {
	case <-p.done:
		return true, fmt.Errorf("%s exited (%v): %s", p.name, p.err, strings.TrimSpace(p.log.String()))
	default:
		return false, nil
	}
}

// stop ends the process group: SIGTERM, then SIGKILL after two seconds. It
// is safe to call more than once.
func (p *proc) stop() {
	if p == nil {
		return
	}
	pgid := p.PID()
	select {
	case <-p.done:
		_ = syscall.Kill(-pgid, syscall.SIGKILL) // stragglers in the group
		return
	default:
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// rssBytes is the resident set size of pid, from VmRSS in /proc/<pid>/status.
func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read rss: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("parse VmRSS of %d: %w", pid, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// serverPID is the process whose memory stands for the server: pid itself,
// unless pid is a wrapper (a shell, a pyenv shim) whose descendant runs
// python, in which case that descendant.
func serverPID(pid int) int {
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
		if strings.HasPrefix(string(comm), "python") {
			return p
		}
		queue = append(queue, children(p)...)
	}
	return pid
}

// children lists the child processes of pid.
func children(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

var errNotReady = errors.New("server did not answer in time")

// clockTick is the unit of utime and stime in /proc/<pid>/stat; USER_HZ is
// 100 on every Linux the benchmark runs on.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time, user plus system, that pid has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	// The command name, field 2, may hold spaces; fields after its closing
	// parenthesis are plain. utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(u+s) * clockTick, nil
}
