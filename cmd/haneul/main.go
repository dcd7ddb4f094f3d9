// Command haneul is AWS on one machine.
//
//	haneul [serve] [--listen 127.0.0.1:4566] [--data-dir DIR] [--region ap-northeast-2] [--account 000000000000] [--log-level info]
//	haneul version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
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
	case "help":
		fmt.Println("usage: haneul [serve] [flags] | haneul version\nrun 'haneul serve -h' for the flags")
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
