package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// writeBigStore writes a store with n profiles spread over 10 providers,
// mixing types, expiries, cooldowns and an order override.
func writeBigStore(tb testing.TB, dir string, n int) {
	tb.Helper()
	profiles := map[string]any{}
	usage := map[string]any{}
	order := map[string][]string{}
	now := testNow.UnixMilli()
	for i := 0; i < n; i++ {
		prov := fmt.Sprintf("provider%d", i%10)
		id := fmt.Sprintf("%s:p%04d", prov, i)
		switch i % 3 {
		case 0:
			profiles[id] = map[string]any{"type": "api_key", "provider": prov, "key": fmt.Sprintf("sk-FAKE%060d", i)}
		case 1:
			profiles[id] = map[string]any{"type": "token", "provider": prov, "token": fmt.Sprintf("sk-ant-oat01-FAKE%080d", i), "expires": now + int64(i)*3_600_000}
		default:
			profiles[id] = map[string]any{"type": "oauth", "provider": prov, "access": fmt.Sprintf("FAKEACCESS%040d", i), "refresh": "FAKEREFRESH", "expires": now - 1000 + int64(i)*60_000}
		}
		usage[id] = map[string]any{"lastUsed": now - int64(i)*1000, "cooldownUntil": now + int64(i%7)*1000}
		if i%20 == 0 {
			order[prov] = append(order[prov], id)
		}
	}
	data, err := json.MarshalIndent(map[string]any{"version": 1, "profiles": profiles, "order": order, "usageStats": usage}, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	agent := filepath.Join(dir, "agents", "main", "agent")
	if err := os.MkdirAll(agent, 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(agent, "auth-profiles.json"), data, 0o600); err != nil {
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
	for b.Loop() {
		err := a.runStatus(context.Background(), statusOptions{check: true, warn: "24h"})
		var ee *ExitError
		if err != nil && !errors.As(err, &ee) {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusJSON1000 is `models status --json` on the same store.
func BenchmarkStatusJSON1000(b *testing.B) {
	dir := b.TempDir()
	writeBigStore(b, dir, 1000)
	paths, err := authstore.ResolvePaths("", func(k string) string { return map[string]string{"MOLTBOT_STATE_DIR": dir}[k] }, "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		snap, err := authstore.Load(paths)
		if err != nil {
			b.Fatal(err)
		}
		rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
		if err := json.NewEncoder(io.Discard).Encode(statusJSON(snap, rep)); err != nil {
			b.Fatal(err)
		}
	}
}
