package cmd

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// runCtx is c.run with ctx.
func (c *cli) runCtx(ctx context.Context, args ...string) (string, string, int) {
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
	code := Run(ctx, env, args)
	return out.String(), errb.String(), code
}

// TestInterruptDuringLockWait (issue 11, point 14): ctrl+c while a command
// waits for a busy lock says "interrupted; nothing was changed" and exits
// 130 (SIGTERM 143, SIGHUP 129); before, it said "context canceled" and
// exited 1.
func TestInterruptDuringLockWait(t *testing.T) {
	commands := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"paste-token", fakeOtherToken, []string{"models", "auth", "paste-token", "--provider", "openrouter"}},
		{"order set", "", []string{"models", "auth", "order", "set", "--provider", "anthropic", "anthropic:default"}},
		{"remove", "", []string{"models", "auth", "remove", "anthropic:default", "--yes"}},
	}
	signals := []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, ExitInterrupted}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}}
	for _, cmd := range commands {
		for _, s := range signals {
			t.Run(cmd.name+" "+s.sig.String(), func(t *testing.T) {
				c := newCLI(t)
				c.copyFixture("auth-store.json")
				c.holdLock()
				t.Cleanup(authstore.SetLockWait(10 * time.Second))
				before := c.tree()
				c.stdin = cmd.stdin
				ctx, cancel := context.WithCancelCause(context.Background())
				defer cancel(nil)
				time.AfterFunc(200*time.Millisecond, func() { cancel(&signalCause{s.sig}) })
				start := time.Now()
				_, errOut, code := c.runCtx(ctx, cmd.args...)
				if code != s.code || errOut != "moltbot: interrupted; nothing was changed\n" {
					t.Fatalf("exit %d, stderr %q; want %d and the interrupted line", code, errOut, s.code)
				}
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("took %v to give up", took)
				}
				assertSameTree(t, before, c.tree())
			})
		}
	}
}

// TestInterruptedLineNeedsASignal: a command's own errors are not taken for
// an interruption, and a cancelled context without a signal exits 130.
func TestInterruptedLineNeedsASignal(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.holdLock()
	t.Cleanup(authstore.SetLockWait(10 * time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	c.stdin = fakeOtherToken
	if _, errOut, code := c.runCtx(ctx, "models", "auth", "paste-token", "--provider", "openrouter"); code != ExitInterrupted || errOut != "moltbot: interrupted; nothing was changed\n" {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if err := os.Remove(c.storePath() + ".lock"); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "nope:x"); code == ExitInterrupted || strings.Contains(errOut, "interrupted") {
		t.Errorf("a plain error was reported as an interruption: %d %q", code, errOut)
	}
}
