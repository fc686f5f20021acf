package stress

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/fixtures"
)

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
			writeFile(b, in.storePath(), fixtures.MixedStore(1000, time.Now()))
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
