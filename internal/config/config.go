// Package config is haneul's typed configuration: defaults, HANEUL_*
// environment variables, then command-line flags, in rising precedence.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"haneul/internal/identity"
)

// Config is everything a haneul server is started with.
type Config struct {
	// Listen is the address of the AWS endpoint (loopback unless told otherwise).
	Listen string
	// DataDir makes state durable when set; empty keeps it in memory.
	DataDir string
	// Region is the region of requests that do not name one.
	Region string
	// Account is the account of requests whose credentials do not name one.
	Account string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// DNSListen is the address of the DNS server (UDP and TCP) that answers
	// for Route 53's zones and haneul's own names; "" or "off" disables it.
	DNSListen string
}

// Default returns the configuration haneul runs with when told nothing.
func Default() Config {
	return Config{Listen: "127.0.0.1:4566", Region: "ap-northeast-2", Account: identity.DefaultAccount, LogLevel: "info", DNSListen: "127.0.0.1:5353"}
}

// FromEnv overlays HANEUL_* variables on c.
func (c Config) FromEnv(getenv func(string) string) Config {
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&c.Listen, "HANEUL_LISTEN")
	set(&c.DataDir, "HANEUL_DATA_DIR")
	set(&c.Region, "HANEUL_REGION")
	set(&c.Account, "HANEUL_ACCOUNT_ID")
	set(&c.LogLevel, "HANEUL_LOG_LEVEL")
	set(&c.DNSListen, "HANEUL_DNS_LISTEN")
	return c
}

// Flags registers the configuration's flags on fs, defaulting to c's values.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to listen on (HANEUL_LISTEN)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory that makes state durable; empty keeps it in memory (HANEUL_DATA_DIR)")
	fs.StringVar(&c.Region, "region", c.Region, "region of requests that name none (HANEUL_REGION)")
	fs.StringVar(&c.Account, "account", c.Account, "account of requests whose credentials name none (HANEUL_ACCOUNT_ID)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (HANEUL_LOG_LEVEL)")
	fs.StringVar(&c.DNSListen, "dns-listen", c.DNSListen, "address of the DNS server for Route 53 zones and haneul names; \"\" or off disables it (HANEUL_DNS_LISTEN)")
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if !identity.IsAccountID(c.Account) {
		return fmt.Errorf("config: account %q is not a 12-digit account id", c.Account)
	}
	if c.Region == "" {
		return fmt.Errorf("config: region is empty")
	}
	if _, err := c.Level(); err != nil {
		return err
	}
	return nil
}

// Level parses LogLevel.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))); err != nil {
		return 0, fmt.Errorf("config: log level %q: want debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}

// Load builds the configuration from defaults, the environment and args.
func Load(name string, args []string) (Config, error) {
	c := Default().FromEnv(os.Getenv)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("config: unexpected arguments %q", fs.Args())
	}
	return c, c.Validate()
}
