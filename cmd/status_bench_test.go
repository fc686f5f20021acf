package cmd

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/benchcpu"
	"github.com/moltbot/moltbot/internal/fixtures"
)

// writeBigStore writes fixtures.MixedStore(n) as the main agent's store.
func writeBigStore(tb testing.TB, dir string, n int) {
	tb.Helper()
	agent := filepath.Join(dir, "agents", "main", "agent")
	if err := os.MkdirAll(agent, 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(agent, "auth-profiles.json"), fixtures.MixedStore(n, testNow), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkStatusCheck1000 is the work of `moltbot models status --check`
// on a 1,000-profile store: resolve paths, load, evaluate, render the text.
func BenchmarkStatusCheck1000(b *testing.B) {
	dir := b.TempDir()
	writeBigStore(b, dir, 1000)
	env := Env{
		Stdout: io.Discard, Stderr: io.Discard,
		Getenv:     func(k string) string { return map[string]string{"MOLTBOT_STATE_DIR": dir, "NO_COLOR": "1"}[k] },
		Now:        func() time.Time { return testNow },
		IsTerminal: func(any) bool { return false },
	}
	a := &app{env: env}
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		err := a.runStatus(context.Background(), statusOptions{check: true, warn: "24h"})
		var ee *ExitError
		if err != nil && !errors.As(err, &ee) {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusJSON1000 is the work of `moltbot models status --json`
// on a 1,000-profile store: resolve paths, load, evaluate, write the JSON.
func BenchmarkStatusJSON1000(b *testing.B) { benchStatusJSON(b, 1000) }

// BenchmarkStatusJSON100k is the same on 100,000 profiles (31 MB of store,
// 64 MB of JSON).
func BenchmarkStatusJSON100k(b *testing.B) { benchStatusJSON(b, 100_000) }

func benchStatusJSON(b *testing.B, n int) {
	dir := b.TempDir()
	writeBigStore(b, dir, n)
	a := &app{env: Env{
		Stdout: io.Discard, Stderr: io.Discard,
		Getenv:     func(k string) string { return map[string]string{"MOLTBOT_STATE_DIR": dir, "NO_COLOR": "1"}[k] },
		Now:        func() time.Time { return testNow },
		IsTerminal: func(any) bool { return false },
	}}
	b.ReportAllocs()
	defer benchcpu.Start(b)()
	for b.Loop() {
		if err := a.runStatus(context.Background(), statusOptions{json: true, warn: "24h"}); err != nil {
			b.Fatal(err)
		}
	}
}
