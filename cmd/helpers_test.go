package cmd

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testNow is the fixed clock of every CLI test (STYLE.md).
var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// cli is one scratch installation: a state dir, an environment and a clock.
type cli struct {
	t        *testing.T
	state    string
	home     string
	env      map[string]string
	now      time.Time
	stdin    string
	terminal bool // pretend stdin/stdout are terminals
	width    int  // the pretend terminal's columns (0: not known)
}

// newCLI makes an empty state dir and an environment that points at it and
// nowhere else (no real HOME, no inherited API keys).
func newCLI(t *testing.T) *cli {
	t.Helper()
	root := t.TempDir()
	c := &cli{t: t, state: filepath.Join(root, "state"), home: filepath.Join(root, "home"), now: testNow}
	if err := os.MkdirAll(c.home, 0o700); err != nil {
		t.Fatal(err)
	}
	// A fresh state dir says nothing about the gateway: the tests speak for
	// clawdbot 2026.1 (generation A) unless they say otherwise.
	c.env = map[string]string{"MOLTBOT_STATE_DIR": c.state, "NO_COLOR": "1", "MOLTBOT_GATEWAY": "clawdbot"}
	return c
}

// agentDir is the default agent's directory.
func (c *cli) agentDir() string { return filepath.Join(c.state, "agents", "main", "agent") }

// storePath is the default agent's auth-profiles.json.
func (c *cli) storePath() string { return filepath.Join(c.agentDir(), "auth-profiles.json") }

// write puts content at rel (relative to the state dir), creating dirs 0700
// and the file 0600.
func (c *cli) write(rel, content string) string {
	c.t.Helper()
	p := filepath.Join(c.state, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// writeStore writes the default agent's store.
func (c *cli) writeStore(content string) {
	c.t.Helper()
	c.write(filepath.Join("agents", "main", "agent", "auth-profiles.json"), content)
}

// copyFixture writes testdata/<name> as the default agent's store.
func (c *cli) copyFixture(name string) {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		c.t.Fatal(err)
	}
	c.writeStore(string(data))
}

// run executes moltbot with args and returns stdout, stderr and exit code.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin:      strings.NewReader(c.stdin),
		Stdout:     &out,
		Stderr:     &errb,
		Getenv:     func(k string) string { return c.env[k] },
		Home:       c.home,
		Now:        func() time.Time { return c.now },
		IsTerminal: func(any) bool { return c.terminal },
		TermWidth:  func(any) int { return c.width },
	}
	code := Run(context.Background(), env, args)
	return out.String(), errb.String(), code
}

// golden compares got with testdata/<name>.golden (rewritten with -update).
// Paths of the scratch dir are replaced by $STATE so goldens are stable.
func (c *cli) golden(name, got string) {
	c.t.Helper()
	got = strings.ReplaceAll(got, c.state, "$STATE")
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			c.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		c.t.Fatalf("%v (run go test ./cmd -update to create it)", err)
	}
	if string(want) != got {
		c.t.Errorf("output differs from %s (go test ./cmd -update rewrites it)\n--- got:\n%s\n--- want:\n%s", p, got, want)
	}
}

// readFile returns a file's bytes, or "" when it does not exist.
func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(data)
}
