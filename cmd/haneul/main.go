// Command haneul is AWS on one machine.
//
//	haneul [serve] [--listen 127.0.0.1:4566] [--data-dir DIR] [--region ap-northeast-2] [--account 000000000000] [--log-level info]
//	haneul hosts [--endpoint http://127.0.0.1:4566]   (/etc/hosts lines for haneul's DNS names)
//	haneul explain --from i-… --to internet --port 80 [--protocol tcp] [--account …] [--region …]
//	haneul version
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"haneul/internal/awsproto/model"
	"haneul/internal/config"
	"haneul/internal/logbuf"
	"haneul/internal/server"
	"haneul/internal/version"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "haneul:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args)
	case "version":
		fmt.Printf("haneul %s (%s, %s, AWS models from %s)\n", version.Version, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH, model.Version())
		return nil
	case "hosts":
		return hosts(args)
	case "explain":
		return explain(args)
	case "help":
		fmt.Println("usage: haneul [serve] [flags] | haneul hosts | haneul explain --from A --to B --port N | haneul version\nrun 'haneul serve -h' for the flags")
		return nil
	}
	return fmt.Errorf("unknown command %q (want serve or version)", cmd)
}

func serve(args []string) error {
	cfg, err := config.Load("haneul serve", args)
	if err != nil {
		return err
	}
	level, _ := cfg.Level()
	// One log line per request: batched, so logging costs no system call per request.
	logs := logbuf.New(os.Stderr, 100*time.Millisecond)
	defer logs.Close()
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return server.Run(ctx, cfg, server.WithLogger(logger))
}

// hosts prints /etc/hosts lines for every name a running haneul's DNS server
// answers, for tools that cannot use that DNS server:
//
//	haneul hosts | sudo tee -a /etc/hosts
func hosts(args []string) error {
	fs := flag.NewFlagSet("haneul hosts", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:4566", "haneul's AWS endpoint")
	if err := fs.Parse(args); err != nil {
		return err
	}
	resp, err := http.Get(strings.TrimSuffix(*endpoint, "/") + "/_haneul/hosts")
	if err != nil {
		return fmt.Errorf("hosts: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("hosts: %s answered %s", *endpoint, resp.Status)
	}
	_, err = io.Copy(os.Stdout, resp.Body)
	return err
}

// explain asks a running haneul whether one point of a VPC network reaches
// another, and prints the verdict hop by hop:
//
//	haneul explain --from internet --to i-0abc… --port 3000
func explain(args []string) error {
	fs := flag.NewFlagSet("haneul explain", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:4566", "haneul's AWS endpoint")
	from := fs.String("from", "", "source: an instance or interface id, a private IP, internet[:ip], s3 or dynamodb")
	to := fs.String("to", "", "destination, in the same forms")
	port := fs.Int("port", 0, "destination port")
	protocol := fs.String("protocol", "tcp", "tcp, udp or icmp")
	account := fs.String("account", "", "account (default: the server's)")
	region := fs.String("region", "", "region (default: the server's)")
	asJSON := fs.Bool("json", false, "print the verdict as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("explain: --from and --to are required")
	}
	q := url.Values{"from": {*from}, "to": {*to}, "port": {strconv.Itoa(*port)}, "protocol": {*protocol}}
	if *account != "" {
		q.Set("account", *account)
	}
	if *region != "" {
		q.Set("region", *region)
	}
	resp, err := http.Get(strings.TrimSuffix(*endpoint, "/") + "/_haneul/explain?" + q.Encode())
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	if resp.StatusCode != http.StatusOK || *asJSON {
		os.Stdout.Write(body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("explain: %s", resp.Status)
		}
		return nil
	}
	var v struct {
		Reachable bool
		Reason    string
		Hops      []struct {
			Component, Kind, Detail string
			Allowed                 bool
		}
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	for i, h := range v.Hops {
		mark := "pass"
		if !h.Allowed {
			mark = "STOP"
		}
		fmt.Printf("%2d. %-4s %-24s %-22s %s\n", i+1, mark, h.Kind, h.Component, h.Detail)
	}
	if v.Reachable {
		fmt.Printf("reachable: %s → %s on %s/%d\n", *from, *to, *protocol, *port)
	} else {
		fmt.Printf("NOT reachable: %s\n", v.Reason)
	}
	return nil
}
