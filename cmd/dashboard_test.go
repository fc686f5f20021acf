package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRootWithoutATerminalPrintsStatus(t *testing.T) {
	c := newCLI(t)
	c.writeStore(`{
  "version": 1,
  "profiles": {
    "anthropic:default": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE` + strings.Repeat("A", 80) + `" }
  }
}
`)
	out, errOut, code := c.run()
	wantOut, wantErr, wantCode := c.run("models", "status")
	if out != wantOut || errOut != wantErr || code != wantCode {
		t.Errorf("moltbot piped = (%q, %q, %d), want models status (%q, %q, %d)", out, errOut, code, wantOut, wantErr, wantCode)
	}
	if !strings.Contains(out, "anthropic:default") {
		t.Errorf("status output lacks the profile:\n%s", out)
	}
	if strings.Contains(out, strings.Repeat("A", 40)) {
		t.Error("a secret was printed")
	}
}

// Issue 14 part 1.4: on TERM=dumb the dashboard cannot be drawn (no cursor
// movement): `moltbot` prints `models status` after a one-line note, and
// turns on neither the alternate screen nor mouse tracking.
func TestRootOnADumbTerminalPrintsStatus(t *testing.T) {
	c := newCLI(t)
	c.writeStore(`{"version": 1, "profiles": {"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE` + strings.Repeat("A", 80) + `"}}}`)
	c.env["TERM"] = "dumb"
	wantOut, _, wantCode := c.run("models", "status")
	c.terminal = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return c.env[k] }, Home: c.home, Now: func() time.Time { return c.now },
		IsTerminal: func(any) bool { return true }, TermWidth: func(any) int { return 80 },
	}, nil)
	if ctx.Err() != nil {
		t.Fatal("moltbot on TERM=dumb did not return (it started the dashboard)")
	}
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?1002h", "\x1b[?1000h", "\x1b[?1006h"} {
		if strings.Contains(out.String(), seq) {
			t.Errorf("TERM=dumb: the output turns on %q", seq)
		}
	}
	if out.String() != wantOut || code != wantCode {
		t.Errorf("TERM=dumb: (%q, %d), want models status (%q, %d)", out.String(), code, wantOut, wantCode)
	}
	if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "TERM=dumb") {
		t.Errorf("TERM=dumb: want one line saying why, got %q", errb.String())
	}
}

// `moltbot --warn` takes the durations `models status --warn` takes, and
// refuses nonsense with a usage error.
func TestRootWarnFlag(t *testing.T) {
	c := newCLI(t)
	if _, errOut, code := c.run("--warn", "soon"); code != ExitUsage || !strings.Contains(errOut, "--warn") {
		t.Errorf("--warn soon: exit %d, %q", code, errOut)
	}
	if _, errOut, code := c.run("--warn", "3d"); code == ExitUsage {
		t.Errorf("--warn 3d refused: %q", errOut)
	}
}
