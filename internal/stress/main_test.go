package stress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// moltbot is the path of the binary TestMain builds (without -race: the
// children's speed is what is measured, and the race detector only matters
// for in-process code).
var moltbot string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "moltbot-stress-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	moltbot = filepath.Join(dir, "moltbot")
	build := exec.Command(goTool(), "build", "-o", moltbot, "github.com/moltbot/moltbot/cmd/moltbot")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build moltbot: %v\n%s", err, out)
		return 1
	}
	// The state dirs live in t.TempDir()s; a binary others can run lets the
	// tests that switch users do so.
	_ = os.Chmod(dir, 0o755)
	return m.Run()
}

// goTool is the go command that runs the tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// install is one scratch moltbot installation: a state dir and the
// environment the binary runs with (nothing inherited from this machine).
type install struct {
	t     testing.TB
	state string
	home  string
	env   []string
}

func newInstall(t testing.TB, state string) *install {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	return &install{t: t, state: state, home: home, env: []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"MOLTBOT_STATE_DIR=" + state,
		"MOLTBOT_GATEWAY=clawdbot", // a fresh state dir says nothing about the gateway
		"NO_COLOR=1",
		"TERM=dumb",
	}}
}

func (in *install) agentDir() string  { return filepath.Join(in.state, "agents", "main", "agent") }
func (in *install) storePath() string { return filepath.Join(in.agentDir(), "auth-profiles.json") }
func (in *install) lockPath() string  { return in.storePath() + ".lock" }
func (in *install) configPath() string {
	return filepath.Join(in.state, "clawdbot.json")
}

// command is moltbot args with stdin, not started.
func (in *install) command(stdin string, args ...string) *exec.Cmd {
	cmd := exec.Command(moltbot, args...)
	cmd.Env = in.env
	cmd.Dir = in.home
	cmd.Stdin = strings.NewReader(stdin)
	return cmd
}

// result is what one finished command did.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
	// lockWaits are the store-lock waits it reported under
	// MOLTBOT_DEBUG=lock (their lines are not in stderr).
	lockWaits []time.Duration
}

// lockLine is a MOLTBOT_DEBUG=lock line: the lock, its outcome, the wait.
var lockLine = regexp.MustCompile(`^moltbot: debug: lock (\S+) (taken|not taken) after ([0-9.]+) ms, \d+ attempts?$`)

// splitLockLines takes the MOLTBOT_DEBUG=lock lines out of stderr and
// returns the rest and the waits for the store's lock.
func splitLockLines(stderr string) (rest string, waits []time.Duration) {
	var keep []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		m := lockLine.FindStringSubmatch(strings.TrimSuffix(l, "\n"))
		if m == nil {
			keep = append(keep, l)
			continue
		}
		if strings.HasSuffix(m[1], "auth-profiles.json.lock") {
			ms, _ := strconv.ParseFloat(m[3], 64)
			waits = append(waits, time.Duration(ms*float64(time.Millisecond)))
		}
	}
	return strings.Join(keep, ""), waits
}

// run runs moltbot args to completion with stdin piped in.
func (in *install) run(stdin string, args ...string) result {
	in.t.Helper()
	cmd := in.command(stdin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), took: time.Since(start)}
	r.stderr, r.lockWaits = splitLockLines(errb.String())
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		in.t.Fatalf("moltbot %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustRun runs a command that must succeed.
func (in *install) mustRun(stdin string, args ...string) result {
	in.t.Helper()
	r := in.run(stdin, args...)
	if r.code != 0 {
		in.t.Fatalf("moltbot %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// paste saves token as profile id of provider through the real
// paste-token command, the token piped in as a script would.
func (in *install) paste(provider, id, token string) result {
	return in.run(token+"\n", "models", "auth", "paste-token", "--provider", provider, "--profile-id", id)
}

// writeFile writes a 0600 file, creating its directories 0700.
func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// doc is a JSON document decoded generically (numbers kept exact).
type doc = map[string]any

func parseDoc(data []byte) (doc, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v doc
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON document")
	}
	if _, ok := v["profiles"].(map[string]any); !ok {
		return nil, errors.New(`"profiles" is not an object`)
	}
	return v, nil
}

func mustParseDoc(t testing.TB, data []byte) doc {
	t.Helper()
	v, err := parseDoc(data)
	if err != nil {
		t.Fatalf("the store does not parse: %v\n%.400s", err, data)
	}
	return v
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// fakeToken is an obviously fake token of a realistic length whose text
// says who wrote it.
func fakeToken(tag string) string {
	const pad = "FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE"
	tok := "sk-FAKE-" + tag + "-"
	if n := 100 - len(tok); n > 0 {
		tok += pad[:n]
	}
	return tok
}

// dirNames lists dir's entries, sorted.
func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// leftovers are the entries of dir that are not in want: lock entries and
// temp files a transaction should have removed.
func leftovers(t testing.TB, dir string, want ...string) []string {
	t.Helper()
	var extra []string
	for _, n := range dirNames(t, dir) {
		found := false
		for _, w := range want {
			found = found || n == w
		}
		if !found {
			extra = append(extra, n)
		}
	}
	return extra
}

func modeOf(t testing.TB, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// oneLine checks that stderr is a single clear line (no stack, no usage
// dump) and does not show a secret.
func oneLine(t testing.TB, what, stderr string, secrets ...string) {
	t.Helper()
	s := strings.TrimRight(stderr, "\n")
	if s == "" || strings.Contains(s, "\n") {
		t.Errorf("%s: stderr is not one line:\n%s", what, stderr)
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(stderr, sec) {
			t.Errorf("%s: stderr shows a secret", what)
		}
	}
}

// writeSummary logs a one-line summary of what a test measured, and
// appends it to the file named by MOLTBOT_STRESS_SUMMARY when that is set
// (for the README's numbers).
func writeSummary(t testing.TB, line string) {
	t.Helper()
	t.Log("SUMMARY " + line)
	path := os.Getenv("MOLTBOT_STRESS_SUMMARY")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}
