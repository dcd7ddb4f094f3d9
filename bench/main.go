// Command bench measures haneul against moto_server, side by side, and
// writes docs/PERFORMANCE.md.
//
//	go run ./bench [-rounds 3] [-duration 3s] [-clients 2,16] [-workloads all] [-curves all] [-curve-max 1000000] [-out docs/PERFORMANCE.md] [-smoke]
//
// It builds haneul, starts it and moto_server on free loopback ports, and
// runs every workload against both in alternation (haneul, moto, haneul,
// moto, …) for several rounds at each client concurrency, using
// aws-sdk-go-v2 clients. It also measures cold start (process start to the
// first answered STS GetCallerIdentity) and resident memory, idle and after
// the load. Then it grows the fixtures of each curve (DynamoDB items in a
// partition, SQS messages waiting, S3 keys, EC2 instances) through their
// sizes and measures the same call at each, plotting the cost against the
// size as PNGs beside the report. Both servers are stopped at the end, on
// error and on Ctrl-C.
//
// With -smoke it runs one short round, shrinks fixtures, skips moto when
// moto_server is not installed, and writes no report unless -out is given:
// CI runs it to keep the command working.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the command-line flags.
type options struct {
	Rounds    int
	Duration  time.Duration
	Clients   []int
	Workloads string
	Out       string
	Smoke     bool
	ColdRuns  int
	Curves    string
	CurveMax  int
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, opts)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&o.Rounds, "rounds", 3, "rounds per workload and concurrency; the median round is reported")
	fs.DurationVar(&o.Duration, "duration", 3*time.Second, "length of one measurement")
	clients := fs.String("clients", "2,16", "comma-separated client goroutine counts")
	fs.StringVar(&o.Workloads, "workloads", "all", "comma-separated workload names, or all")
	fs.StringVar(&o.Out, "out", "docs/PERFORMANCE.md", "report to write, relative to the module root; empty writes none")
	fs.BoolVar(&o.Smoke, "smoke", false, "one short round with small fixtures, for CI; writes no report unless -out is set")
	fs.IntVar(&o.ColdRuns, "cold-runs", 5, "cold starts per server; the median is reported")
	fs.StringVar(&o.Curves, "curves", "all", "comma-separated curve names (cost against data size), all, or none")
	fs.IntVar(&o.CurveMax, "curve-max", 1_000_000, "largest fixture size a curve grows to")
	list := fs.Bool("list", false, "list the workloads and curves and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *list {
		ws, _ := selectWorkloads("all")
		for _, w := range ws {
			fmt.Printf("%-28s %s\n", w.Name, w.Title)
		}
		cs, _ := selectCurves("all")
		for _, c := range cs {
			fmt.Printf("curve %-22s %s, against %s\n", c.Name, c.Title, c.Size)
		}
		return o, flag.ErrHelp
	}
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 256 {
			return o, fmt.Errorf("bad -clients entry %q (want 1..256)", s)
		}
		o.Clients = append(o.Clients, n)
	}
	if o.Smoke {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		o.Rounds, o.ColdRuns = 1, 1
		if !set["duration"] {
			o.Duration = 500 * time.Millisecond
		}
		if !set["out"] {
			o.Out = ""
		}
	}
	if o.Rounds < 1 || o.Rounds > 50 {
		return o, fmt.Errorf("-rounds %d out of range 1..50", o.Rounds)
	}
	if o.Duration <= 0 || o.Duration > 5*time.Minute {
		return o, fmt.Errorf("-duration %v out of range (0, 5m]", o.Duration)
	}
	if o.CurveMax < 1 {
		return o, fmt.Errorf("-curve-max %d must be positive", o.CurveMax)
	}
	if o.ColdRuns < 1 || o.ColdRuns > 50 {
		return o, fmt.Errorf("-cold-runs %d out of range 1..50", o.ColdRuns)
	}
	return o, nil
}

// run does the whole benchmark and writes the report.
func run(ctx context.Context, o options) error {
	ws, err := selectWorkloads(o.Workloads)
	if err != nil {
		return err
	}
	cs, err := selectCurves(o.Curves)
	if err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "haneul-bench-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "haneul")
	if err := buildHaneul(ctx, root, bin); err != nil {
		return err
	}

	rep := &report{
		Date:    time.Now(),
		Machine: describeMachine(),
		Opts:    o,
		Cold:    map[string][]time.Duration{},
		RSSIdle: map[string]int64{},
		RSSLoad: map[string]int64{},
	}
	servers := []server{haneulServer(bin)}
	motoBin := findMoto()
	if motoBin == "" {
		if !o.Smoke {
			return errors.New("moto_server not found on PATH (pip install 'moto[server]'); only -smoke runs without it")
		}
		rep.note("moto_server is not installed: moto was skipped.")
	} else {
		servers = append(servers, motoServer(motoBin))
	}
	rep.Versions = describeVersions(bin, motoBin)
	for _, s := range servers {
		rep.Servers = append(rep.Servers, s.Name)
	}
	logf("machine: %s, %d cores, %s", rep.Machine.CPU, rep.Machine.Cores, rep.Machine.Memory)
	logf("versions: %s; %s; %s", rep.Versions.Haneul, rep.Versions.Moto, rep.Versions.Go)

	for _, s := range servers {
		ds, err := coldStarts(ctx, s, o.ColdRuns)
		if err != nil {
			return fmt.Errorf("cold start: %w", err)
		}
		rep.Cold[s.Name] = ds
		logf("cold start %-6s median %s over %d runs %v", s.Name, ms(medianDuration(ds)), len(ds), ds)
	}

	procs := make([]*proc, len(servers))
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	for i, s := range servers {
		p, _, err := launch(ctx, s)
		if err != nil {
			return err
		}
		procs[i] = p
	}
	settle := time.Second
	if o.Smoke {
		settle = 200 * time.Millisecond
	}
	sleep(ctx, settle)
	for i, s := range servers {
		if rep.RSSIdle[s.Name], err = rssBytes(serverPID(procs[i].PID())); err != nil {
			return err
		}
		logf("idle rss   %-6s %s", s.Name, mb(rep.RSSIdle[s.Name]))
	}

	scale := Scale{Fixtures: 1000}
	if o.Smoke {
		scale.Fixtures = 50
	}
	for _, w := range ws {
		if err := runWorkload(ctx, rep, w, servers, procs, scale); err != nil {
			return err
		}
	}
	if rep.Ceiling, err = measureCeiling(ctx, o.Clients, o.Rounds, o.Duration); err != nil {
		return err
	}
	for i, s := range servers {
		if rep.RSSLoad[s.Name], err = rssBytes(serverPID(procs[i].PID())); err != nil {
			return err
		}
		logf("loaded rss %-6s %s", s.Name, mb(rep.RSSLoad[s.Name]))
	}
	// Curves run last: their fixtures are large, and would weigh on the
	// workloads and the memory figures above.
	for _, c := range cs {
		cr, err := measureCurve(ctx, c, o, servers, procs)
		if err != nil {
			return err
		}
		rep.Curves = append(rep.Curves, cr)
	}
	for _, p := range procs {
		p.stop()
	}

	doc := rep.markdown()
	if o.Out == "" {
		fmt.Println()
		fmt.Print(doc)
		return nil
	}
	out := o.Out
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if err := rep.plotCurves(filepath.Join(filepath.Dir(out), plotDir)); err != nil {
		return err
	}
	if err := os.WriteFile(out, []byte(doc), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	logf("wrote %s", out)
	return nil
}

// runWorkload sets w up on every server, then measures it at each client
// count for every round, alternating servers within a round.
func runWorkload(ctx context.Context, rep *report, w Workload, servers []server, procs []*proc, scale Scale) error {
	ops := make([]Op, len(servers))
	pids := make([]int, len(servers))
	for i, p := range procs {
		pids[i] = serverPID(p.PID())
	}
	setupErr := map[string]error{}
	maxClients := 0
	for _, c := range rep.Opts.Clients {
		maxClients = max(maxClients, c)
	}
	for i, s := range servers {
		cfg, err := clientConfig(procs[i].URL, maxClients)
		if err != nil {
			return err
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		t0 := time.Now()
		op, err := w.Setup(sctx, cfg, scale)
		if err == nil {
			err = warm(sctx, op, 20)
		}
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			setupErr[s.Name] = err
			logf("%s on %s: setup failed, skipped: %v", w.Name, s.Name, err)
			continue
		}
		logf("%s on %s: set up in %s", w.Name, s.Name, ms(time.Since(t0)))
		ops[i] = op
	}
	for _, c := range rep.Opts.Clients {
		row := row{Workload: w, Clients: c, Rounds: map[string][]Result{}, SetupErr: setupErr}
		for r := range rep.Opts.Rounds {
			for i, s := range servers {
				if ops[i] == nil {
					continue
				}
				res := measure(ctx, ops[i], c, rep.Opts.Duration, pids[i])
				if ctx.Err() != nil {
					return ctx.Err()
				}
				row.Rounds[s.Name] = append(row.Rounds[s.Name], res)
				logf("%-26s c=%-3d round %d/%d %-6s %9.0f ops/s  p50 %8s  p99 %8s  cpu/op %6s  errors %d%s",
					w.Name, c, r+1, rep.Opts.Rounds, s.Name, res.Rate(), ms(res.P50), ms(res.P99), us(res.CPUPerOp()), res.Errors, firstErr(res))
			}
		}
		if ratio, ok := row.ratio(); ok {
			logf("%-26s c=%-3d median haneul/moto = %.1fx", w.Name, c, ratio)
		}
		rep.Rows = append(rep.Rows, row)
	}
	return nil
}

// buildHaneul compiles ./cmd/haneul into bin.
func buildHaneul(ctx context.Context, root, bin string) error {
	logf("building haneul")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/haneul")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/haneul: %w\n%s", err, out)
	}
	return nil
}

// moduleRoot is the directory holding go.mod.
func moduleRoot() (string, error) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the haneul module; run from the repository")
	}
	return filepath.Dir(gomod), nil
}

func firstErr(r Result) string {
	if r.FirstErr == nil {
		return ""
	}
	s := r.FirstErr.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return " (first: " + s + ")"
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
