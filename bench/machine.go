package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine describes the computer the numbers come from.
type machine struct {
	CPU    string // model name from /proc/cpuinfo
	Cores  int    // runtime.NumCPU
	Memory string // MemTotal from /proc/meminfo, in GiB
	OS     string
	// Load is /proc/loadavg when the run started: other work on the
	// machine competes with the servers and the client.
	Load string
}

func describeMachine() machine {
	m := machine{Cores: runtime.NumCPU(), CPU: "unknown", Memory: "unknown", OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
						m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
					}
				}
			}
		}
	}
	return m
}

// versions names what was measured.
type versions struct {
	Haneul string // `haneul version`
	Moto   string // moto's __version__, or why it is missing
	Go     string
}

func describeVersions(haneulBin, motoBin string) versions {
	v := versions{Go: runtime.Version(), Haneul: "unknown", Moto: "not installed"}
	if out, err := exec.Command(haneulBin, "version").Output(); err == nil {
		v.Haneul = strings.TrimSpace(string(out))
	}
	if motoBin == "" {
		return v
	}
	v.Moto = "unknown"
	// moto_server has no --version; ask the python that runs it.
	if py := shebangPython(motoBin); py != "" {
		if out, err := exec.Command(py, "-c", "import moto; print(moto.__version__)").Output(); err == nil {
			v.Moto = "moto " + strings.TrimSpace(string(out))
			return v
		}
	}
	if out, err := exec.Command("python3", "-c", "import moto; print(moto.__version__)").Output(); err == nil {
		v.Moto = "moto " + strings.TrimSpace(string(out))
	}
	return v
}

// shebangPython returns the interpreter named on the first line of script,
// if it is a python.
func shebangPython(script string) string {
	b, err := os.ReadFile(script)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(strings.TrimPrefix(line, "#!"))
	if !strings.HasPrefix(line, "#!") || len(f) == 0 {
		return ""
	}
	if strings.HasSuffix(f[0], "/env") && len(f) > 1 {
		return f[1]
	}
	if strings.Contains(f[0], "python") {
		return f[0]
	}
	return ""
}
