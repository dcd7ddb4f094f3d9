// Package version names the haneul build.
package version

// Version is set at build time with -ldflags "-X haneul/internal/version.Version=v0.1.0".
var Version = "0.1.0-dev"
