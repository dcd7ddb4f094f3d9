package main

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// A server is one implementation under test.
type server struct {
	// Name labels the server in output: "haneul" or "moto".
	Name string
	// Argv is the command line that serves on 127.0.0.1:port.
	Argv func(port int) []string
	// Ready bounds how long startup may take.
	Ready time.Duration
}

func haneulServer(bin string) server {
	return server{
		Name: "haneul",
		Argv: func(port int) []string {
			return []string{bin, "serve", "--listen", "127.0.0.1:" + strconv.Itoa(port), "--log-level", "warn"}
		},
		Ready: 15 * time.Second,
	}
}

func motoServer(bin string) server {
	return server{
		Name: "moto",
		Argv: func(port int) []string {
			return []string{bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port)}
		},
		Ready: 60 * time.Second,
	}
}

// findMoto returns the moto_server script to run, looking through a pyenv
// shim to the real script so the shim's own start-up (a bash script that
// runs pyenv) is not counted against moto. It returns "" when moto_server is
// not installed.
func findMoto() string {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return ""
	}
	if out, err := exec.Command("pyenv", "which", "moto_server").Output(); err == nil {
		if real := string(trimNL(out)); real != "" {
			return real
		}
	}
	return path
}

// launch starts s on a free loopback port and waits until it answers STS
// GetCallerIdentity. It returns the process and the cold start: the time
// from process start to the first successful answer.
func launch(ctx context.Context, s server) (*proc, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	p, err := startProc(s.Name, port, s.Argv(port)...)
	if err != nil {
		return nil, 0, err
	}
	cold, err := waitReady(ctx, p, s.Ready)
	if err != nil {
		p.stop()
		return nil, 0, fmt.Errorf("%s: %w", s.Name, err)
	}
	return p, cold, nil
}

// waitReady polls p with STS GetCallerIdentity every millisecond until one
// succeeds, the process dies, or limit passes.
func waitReady(ctx context.Context, p *proc, limit time.Duration) (time.Duration, error) {
	cfg, err := clientConfig(p.URL, 1)
	if err != nil {
		return 0, err
	}
	client := sts.NewFromConfig(cfg)
	deadline := p.started.Add(limit)
	for time.Now().Before(deadline) {
		if dead, err := p.exited(); dead {
			return 0, err
		}
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("wait for %s: %w", p.name, err)
		}
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := client.GetCallerIdentity(actx, &sts.GetCallerIdentityInput{})
		cancel()
		if err == nil {
			return time.Since(p.started), nil
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("%s after %v: %w: %s", p.name, limit, errNotReady, p.log.String())
}

// coldStarts launches s n times and returns each cold start.
func coldStarts(ctx context.Context, s server, n int) ([]time.Duration, error) {
	var ds []time.Duration
	for range n {
		p, d, err := launch(ctx, s)
		if err != nil {
			return ds, err
		}
		p.stop()
		ds = append(ds, d)
	}
	return ds, nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
