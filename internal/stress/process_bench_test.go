package stress

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// mixedStore is a store of n profiles over ten providers: keys, setup
// tokens with expiries, OAuth logins, usage stats with cooldowns, and an
// order override for every provider.
func mixedStore(tb testing.TB, n int) []byte {
	tb.Helper()
	now := time.Now().UnixMilli()
	profiles := map[string]any{}
	usage := map[string]any{}
	order := map[string][]string{}
	for i := range n {
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
	return data
}

// BenchmarkProcess runs whole processes of the real binary, as a script
// or a monitoring check does: start, resolve, read, evaluate, print, exit.
// "version" (`moltbot --version`) is the floor: Go's start-up and the
// command tree; "status-check-1000" is `moltbot models status --check` on
// a 1,000-profile store. Each reports the wall time per run and the
// largest resident set of any run.
func BenchmarkProcess(b *testing.B) {
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"version", []string{"--version"}},
		{"status-check-1000", []string{"models", "status", "--check"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := newInstall(b, filepath.Join(b.TempDir(), "state"))
			writeFile(b, in.storePath(), mixedStore(b, 1000))
			var maxRSS int64
			for b.Loop() {
				cmd := in.command("", bc.args...)
				if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
					b.Fatal(err)
				}
				if code := cmd.ProcessState.ExitCode(); code > 2 {
					b.Fatalf("moltbot %v exited %d", bc.args, code)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					maxRSS = max(maxRSS, ru.Maxrss) // KiB on Linux
				}
			}
			b.ReportMetric(float64(maxRSS)/1024, "max-RSS-MiB")
		})
	}
}
