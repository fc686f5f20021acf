package stress

import (
	"os"
	"os/exec"
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
// largest resident set of any run. "version-silent-pty" is `--version`
// with a pty nobody answers as its terminal (see terminal_test.go): the
// same as "version" plus the pty's set-up, since nothing asks the
// terminal anything (with bubbletea's init it was 5 s). "go-hello-world"
// is Go's floor on the machine: moltbot's start-up is measured against it.
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
