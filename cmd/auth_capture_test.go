package cmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
	"github.com/moltbot/moltbot/ptyrun"
)

func TestMain(m *testing.M) {
	code := m.Run()
	fakeclaudetest.Cleanup()
	os.Exit(code)
}

// ptyScreen collects what is written to a terminal, safely across
// goroutines, for tests to wait on.
type ptyScreen struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *ptyScreen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *ptyScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *ptyScreen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; so far:\n%q", want, s.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ptyRun is a moltbot run on a real pseudo-terminal (stdin and stdout), its
// stderr collected apart; the test plays the user on the pty's master.
type ptyRun struct {
	master *os.File
	screen *ptyScreen // what reached the terminal
	stderr *ptyScreen
	done   chan int
}

// runInPTY starts moltbot args in c's installation with the fake claude
// (mode) first on PATH.
func (c *cli) runInPTY(mode string, args ...string) *ptyRun {
	c.t.Helper()
	bin := fakeclaudetest.Build(c.t)
	m, s, err := pty.Open()
	if err != nil {
		c.t.Skipf("no pty available: %v", err)
	}
	if err := pty.Setsize(m, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		c.t.Fatal(err)
	}
	// The fake reads its mode from the environment it inherits.
	c.t.Setenv(fakeclaudetest.EnvMode, mode)
	c.t.Setenv(fakeclaudetest.EnvFast, "1")
	c.env["PATH"] = filepath.Dir(bin)
	r := &ptyRun{master: m, screen: &ptyScreen{}, stderr: &ptyScreen{}, done: make(chan int, 1)}
	go func() { _, _ = io.Copy(r.screen, m) }()
	env := Env{
		Stdin:      s,
		Stdout:     s,
		Stderr:     r.stderr,
		Getenv:     func(k string) string { return c.env[k] },
		Home:       c.home,
		Now:        func() time.Time { return c.now },
		IsTerminal: isTerminal,
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- Run(ctx, env, args) }()
	c.t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			c.t.Error("moltbot did not end")
		}
		_ = s.Close()
		_ = m.Close()
	})
	return r
}

func (r *ptyRun) typeKeys(t *testing.T, s string) {
	t.Helper()
	if _, err := r.master.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func (r *ptyRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.done:
		r.done <- code // for the cleanup
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("moltbot did not finish; terminal:\n%q\nstderr:\n%s", r.screen.String(), r.stderr.String())
		return -1
	}
}

func TestSetupTokenCapturesFromClaudeInAPTY(t *testing.T) {
	c := newCLI(t)
	r := c.runInPTY(fakeclaudetest.ModeOK, "models", "auth", "setup-token")
	r.screen.waitFor(t, "press ctrl+] to cancel")
	r.screen.waitFor(t, fakeclaudetest.PromptMarker)
	r.typeKeys(t, "FAKE-code-4711\r")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, r.stderr.String())
	}
	p := c.profile("anthropic:default")
	if p["token"] != fakeclaudetest.DefaultToken || p["type"] != "token" {
		t.Fatalf("stored profile: type %v, token captured whole: %v", p["type"], p["token"] == fakeclaudetest.DefaultToken)
	}
	if want := float64(testNow.Add(365 * 24 * time.Hour).UnixMilli()); p["expires"] != want {
		t.Errorf("expires %v, want %v (capture time + 365 days)", p["expires"], want)
	}
	if cfg := readFile(t, filepath.Join(c.state, "clawdbot.json")); !strings.Contains(cfg, `"mode": "token"`) {
		t.Errorf("config not updated:\n%s", cfg)
	}
	errOut := r.stderr.String()
	if !strings.Contains(errOut, "Captured token sk-ant-oat01…") {
		t.Errorf("stderr:\n%s", errOut)
	}
	assertNoSecret(t, errOut, fakeclaudetest.DefaultToken)
	// claude's copy of the token is wiped from the screen once captured.
	screen := r.screen.String()
	if shown, cleared := strings.LastIndex(screen, ptyrun.TokenPrefix), strings.LastIndex(screen, ptyrun.ClearScreen); shown < 0 || cleared < shown {
		t.Errorf("the screen claude showed the token on was not cleared after it (token at %d, clear at %d)", shown, cleared)
	}
}

func TestSetupTokenCaptureFailuresWriteNothing(t *testing.T) {
	for _, tc := range []struct{ mode, why string }{
		{fakeclaudetest.ModeExit1, "No token was captured: claude setup-token exited with status 1"},
		{fakeclaudetest.ModeNoToken, "No token was captured: claude setup-token exited without a usable token"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c := newCLI(t)
			before := c.tree()
			r := c.runInPTY(tc.mode, "models", "auth", "setup-token")
			r.screen.waitFor(t, fakeclaudetest.PromptMarker)
			r.typeKeys(t, "FAKE-code-4711\r")
			r.stderr.waitFor(t, "Paste the token instead? [y/N]")
			r.typeKeys(t, "n\r")
			if code := r.wait(t); code != ExitFailure {
				t.Fatalf("exit %d", code)
			}
			errOut := r.stderr.String()
			if !strings.Contains(errOut, tc.why) || !strings.Contains(errOut, "moltbot: no token was captured; nothing was saved") {
				t.Fatalf("stderr does not say why:\n%s", errOut)
			}
			assertSameTree(t, before, c.tree())
		})
	}
}

func TestSetupTokenFailedCaptureThenPaste(t *testing.T) {
	c := newCLI(t)
	r := c.runInPTY(fakeclaudetest.ModeExit1, "models", "auth", "setup-token")
	r.screen.waitFor(t, fakeclaudetest.PromptMarker)
	r.typeKeys(t, "FAKE-code\r")
	r.stderr.waitFor(t, "Paste the token instead? [y/N]")
	r.typeKeys(t, "y\r")
	r.stderr.waitFor(t, "input is hidden")
	r.typeKeys(t, fakeSetupToken[:50]+"\r"+fakeSetupToken[50:]+"\r") // wrapped by the terminal
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, r.stderr.String())
	}
	if c.profile("anthropic:default")["token"] != fakeSetupToken {
		t.Fatal("pasted token not saved")
	}
	if strings.Contains(r.screen.String(), fakeSetupToken[20:60]) {
		t.Fatal("the pasted token was echoed")
	}
}

func TestSetupTokenClaudeMissingOffersPaste(t *testing.T) {
	c := newCLI(t)
	c.env["PATH"] = t.TempDir() // no claude here
	c.terminal = true
	c.stdin = fakeSetupToken + "\n"
	_, errOut, code := c.run("models", "auth", "setup-token")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "npm install -g @anthropic-ai/claude-code") || !strings.Contains(errOut, "Paste the setup token") {
		t.Fatalf("stderr:\n%s", errOut)
	}
	if c.profile("anthropic:default")["token"] != fakeSetupToken {
		t.Fatal("pasted token not saved")
	}
}
