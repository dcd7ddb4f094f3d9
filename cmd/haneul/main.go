// Command haneul is AWS on one machine.
//
//	haneul [serve] [--listen 127.0.0.1:4566] [--data-dir DIR] [--region ap-northeast-2] [--account 000000000000] [--log-level info]
//	haneul hosts [--endpoint http://127.0.0.1:4566]   (/etc/hosts lines for haneul's DNS names)
//	haneul version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"haneul/internal/awsproto/model"
	"haneul/internal/config"
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
	case "help":
		fmt.Println("usage: haneul [serve] [flags] | haneul hosts [--endpoint URL] | haneul version\nrun 'haneul serve -h' for the flags")
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
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
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
