package stress

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/fixtures"
)

// mixedStore is fixtures.MixedStore(n) made once per test binary: the
// benchmark functions run several times and the store need not change.
var mixedStore = func() func(n int) []byte {
	var mu sync.Mutex
	made := map[int][]byte{}
	return func(n int) []byte {
		mu.Lock()
		defer mu.Unlock()
		if made[n] == nil {
			made[n] = fixtures.MixedStore(n, time.Now())
		}
		return made[n]
	}
}()

// BenchmarkProcess runs whole processes of the real binary, as a script
// or a monitoring check does: start, resolve, read, evaluate, print, exit
// (stdout is /dev/null). "version" (`moltbot --version`) is the floor:
// Go's start-up and the command tree; "status-check-1000" is `moltbot
// models status --check` on a 1,000-profile store; "status-json-1000" and
// "status-json-100k" are `models status --json` on 1,000 and 100,000
// profiles (31 MB of store, 64 MB of JSON). Each reports the wall time
// per run, the CPU time per run (user+sys, which other jobs on the machine
// do not change) and the largest resident set of any run.
// "version-silent-pty" is `--version` with a pty nobody answers as its
// terminal (see terminal_test.go): the same as "version" plus the pty's
// set-up, since nothing asks the terminal anything (with bubbletea's init
// it was 5 s). "go-hello-world" is Go's floor on the machine: moltbot's
// start-up is measured against it.
func BenchmarkProcess(b *testing.B) {
	for _, bc := range []struct {
		name     string
		profiles int
		args     []string
	}{
		{"version", 0, []string{"--version"}},
		{"status-check-1000", 1000, []string{"models", "status", "--check"}},
		{"status-json-1000", 1000, []string{"models", "status", "--json"}},
		{"status-json-100k", 100_000, []string{"models", "status", "--json"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			in := newInstall(b, filepath.Join(b.TempDir(), "state"))
			if bc.profiles > 0 {
				writeFile(b, in.storePath(), mixedStore(bc.profiles))
			}
			var maxRSS int64
			var cpu time.Duration
			for b.Loop() {
				cmd := in.command("", bc.args...)
				if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
					b.Fatal(err)
				}
				if code := cmd.ProcessState.ExitCode(); code > 2 {
					b.Fatalf("moltbot %v exited %d", bc.args, code)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					maxRSS = max(maxRSS, ru.Maxrss) // KiB on Linux
				}
			}
			b.ReportMetric(float64(maxRSS)/1024, "max-RSS-MiB")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
	// The floor: a Go program that only prints a line, built as moltbot is
	// (CGO_ENABLED=0), started the same way.
	b.Run("go-hello-world", func(b *testing.B) {
		dir := b.TempDir()
		src := filepath.Join(dir, "hello.go")
		writeFile(b, src, []byte("package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"))
		hello := filepath.Join(dir, "hello")
		build := exec.Command(goTool(), "build", "-o", hello, src)
		build.Dir, build.Env = dir, append(os.Environ(), "CGO_ENABLED=0", "GO111MODULE=off")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("go build hello: %v\n%s", err, out)
		}
		for b.Loop() {
			if err := exec.Command(hello).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("version-silent-pty", func(b *testing.B) {
		in := newInstall(b, filepath.Join(b.TempDir(), "state"))
		env := withEnv(in.env, "TERM=xterm-256color", "NO_COLOR=")
		for b.Loop() {
			term, tty := newSilentTerminal(b)
			if code := term.wait(b, term.start(b, tty, in.home, env, "--version")); code != 0 {
				b.Fatalf("moltbot --version exited %d: %q", code, term.String())
			}
			_ = term.master.Close() // not only at the end: one pty per run
		}
	})
}
