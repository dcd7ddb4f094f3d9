package sts

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"haneul/internal/clock"
	"haneul/internal/identity"
	"haneul/internal/reqctx"
	"haneul/internal/service"
	"haneul/internal/state"
)

func TestSweepForgetsExpiredSessions(t *testing.T) {
	store := state.New(state.Options{})
	clk := clock.NewFake(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC))
	dir := identity.NewDirectory("")
	s := New(service.Deps{Store: store, Clock: clk, Identity: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nil)
	if err := store.Open(); err != nil {
		t.Fatal(err)
	}
	ctx := reqctx.With(context.Background(), &reqctx.Info{Account: "123456789012", Caller: identity.Root("123456789012", "")})
	short, err := s.issue(ctx, identity.Root("123456789012", ""), 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	long, err := s.issue(ctx, identity.Root("123456789012", ""), 12*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance     time.Duration
		swept       int
		short, long bool // still resolvable
	}{
		{0, 0, true, true},
		{30 * time.Minute, 0, true, true}, // expired, within the grace period
		{time.Hour, 1, false, true},
		{12 * time.Hour, 1, false, false},
		{time.Hour, 0, false, false},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		n, err := s.sweep(ctx)
		if err != nil || n != st.swept {
			t.Fatalf("step %d: swept %d (%v), want %d", i, n, err, st.swept)
		}
		if _, ok := s.Resolve(*short.AccessKeyId); ok != st.short {
			t.Errorf("step %d: short-lived key resolvable = %v", i, ok)
		}
		if _, ok := s.Resolve(*long.AccessKeyId); ok != st.long {
			t.Errorf("step %d: long-lived key resolvable = %v", i, ok)
		}
	}
}
