package ptyrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	fc "github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
)

// fakeClaude returns `claude setup-token` (the fake) in mode, printing tok.
func fakeClaude(t *testing.T, mode, tok string, env ...string) *exec.Cmd {
	t.Helper()
	requirePTY(t)
	cmd := exec.Command(fc.Build(t), "setup-token")
	cmd.Env = append(fc.Env(mode, tok), env...)
	return cmd
}

func TestFakeClaudeCapturesWholeToken(t *testing.T) {
	tests := []struct {
		mode string
		cols int
	}{
		{fc.ModeOK, 40},
		{fc.ModeOK, 80},
		{fc.ModeOK, 200},
		{fc.ModeSlow, 80},
		{fc.ModeSlow, 40},
		{fc.ModeBrowser, 80},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%s-%d", tt.mode, tt.cols), func(t *testing.T) {
			tok := fakeToken(104+i, int64(100+i))
			s, in, out := newPipeSession(t, nil, fakeClaude(t, tt.mode, tok), Options{
				Name:        "claude setup-token",
				DefaultSize: Size{Cols: tt.cols, Rows: 30},
				Timeout:     20 * time.Second,
			})
			st := start(s)
			if tt.mode != fc.ModeBrowser {
				out.waitFor(t, fc.PromptMarker)
				in.typeKeys(t, "fake-code-123\r")
			}
			if err := st.wait(t); err != nil {
				t.Fatalf("Run() = %v\noutput: %q", err, out.String())
			}
			res := s.Result()
			if got, ok := res.Token(); !ok || got != tok {
				t.Fatalf("Token() = %q, %v, want %q", got, ok, tok)
			}
			if res.ExitCode != 0 || res.Cancelled || res.TimedOut {
				t.Fatalf("Result = %+v", res)
			}
			// The screen shows the token hard-wrapped at cols-1 (so the
			// capture really had to re-join it) from column 2.
			w := min(tt.cols-1, len(tok))
			row := "\x1b[2G\x1b[38;5;220m" + tok[:w] + "\x1b[39m"
			if !strings.Contains(out.String(), row) {
				t.Fatalf("no %d-character first token row in the output", w)
			}
			if w < len(tok) && strings.Contains(out.String(), tok) {
				t.Fatal("the token appeared unwrapped")
			}
			assertReaped(t, res)
		})
	}
}

func TestFakeClaudeDefaultToken(t *testing.T) {
	tok := fc.DefaultToken
	if len(tok) != 108 || !strings.HasPrefix(tok, TokenPrefix) || !strings.Contains(tok, "FAKE") || !strings.HasSuffix(tok, "AA") {
		t.Fatalf("DefaultToken has the wrong shape: %d chars", len(tok))
	}
	cmd := exec.Command(fc.Build(t), "setup-token")
	cmd.Env = append(os.Environ(), fc.EnvMode+"="+fc.ModeBrowser, fc.EnvFast+"=1")
	s, _, out := newPipeSession(t, nil, cmd, Options{})
	if err := s.Run(); err != nil {
		t.Fatalf("Run() = %v\n%q", err, out.String())
	}
	if got, _ := s.Result().Token(); got != tok {
		t.Fatalf("the fake's built-in token differs from fakeclaudetest.DefaultToken: %q", got)
	}
}

func TestFakeClaudeVersion(t *testing.T) {
	out, err := exec.Command(fc.Build(t), "--version").Output()
	if err != nil || !strings.Contains(string(out), "(Claude Code)") {
		t.Fatalf("claude --version = %q, %v", out, err)
	}
	if err := exec.Command(fc.Build(t), "login").Run(); err == nil {
		t.Fatal("an unsupported subcommand succeeded")
	}
}

// ctrl+c only clears the input, \n does not submit, \r does; the code
// reaches the child intact through the relay.
func TestFakeClaudeInputEditing(t *testing.T) {
	codes := filepath.Join(t.TempDir(), "codes")
	s, in, out := newPipeSession(t, nil, fakeClaude(t, fc.ModeOK, "", fc.EnvCodeFile+"="+codes), Options{})
	st := start(s)
	out.waitFor(t, fc.PromptMarker)
	in.typeKeys(t, "wrong-code")
	out.waitFor(t, "****g-code") // masked: all but the last 6 are '*'
	if strings.Contains(out.String(), "wrong-code") {
		t.Fatalf("input is not masked: %q", out.String())
	}
	in.typeKeys(t, "\x03")
	time.Sleep(50 * time.Millisecond)
	in.typeKeys(t, "abc\ndef\x7fX\x1b[200~-pasted\x1b[201~\r")
	if err := st.wait(t); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	got, err := os.ReadFile(codes)
	if err != nil || string(got) != "abcdeX-pasted\n" {
		t.Fatalf("codes submitted = %q, %v; want just abcdeX-pasted", got, err)
	}
}

func TestFakeClaudeResizeDuringSuccess(t *testing.T) {
	o := newOuterTerm(t, 80, 30)
	tok := fakeToken(108, 77)
	cmd := fakeClaude(t, fc.ModeOK, tok, fc.EnvExitDelay+"=3s")
	s := New(nil, cmd, Options{})
	s.SetStdin(o.slave)
	s.SetStdout(o.slave)
	st := start(s)
	o.screen.waitFor(t, fc.PromptMarker)
	o.typeKeys(t, "code\r")
	o.screen.waitFor(t, "revoke")
	if err := pty.Setsize(o.master, &pty.Winsize{Cols: 50, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatal(err)
	}
	o.screen.waitFor(t, tok[:49]+"\x1b[39m") // redrawn in rows of 49
	if err := st.wait(t); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if got, _ := s.Result().Token(); got != tok {
		t.Fatalf("Token() = %q", got)
	}
}

// A whole token already printed still counts when the user presses ctrl+]
// before the program exits by itself.
func TestFakeClaudeCancelAfterToken(t *testing.T) {
	tok := fakeToken(108, 66)
	s, in, out := newPipeSession(t, nil, fakeClaude(t, fc.ModeOK, tok, fc.EnvExitDelay+"=30s"), Options{})
	st := start(s)
	out.waitFor(t, fc.PromptMarker)
	in.typeKeys(t, "code\r")
	out.waitFor(t, "revoke")
	in.typeKeys(t, "\x1d")
	if err := st.wait(t); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	res := s.Result()
	if got, ok := res.Token(); !ok || got != tok || !res.Cancelled {
		t.Fatalf("Token() = %q, %v; Result %+v", got, ok, res)
	}
	assertReaped(t, res)
}

func TestFakeClaudeFailures(t *testing.T) {
	tok := fakeToken(108, 55)
	tests := []struct {
		mode    string
		opts    Options
		after   func(t *testing.T, in *pipeIn, out *screen) // after the code is typed
		reason  Reason
		is      error
		message string
		check   func(t *testing.T, res Result, out string)
	}{
		{
			mode: fc.ModeBadCode,
			after: func(t *testing.T, in *pipeIn, out *screen) {
				out.waitFor(t, "retry")
				in.typeKeys(t, "\x03") // does not end it
				time.Sleep(100 * time.Millisecond)
				in.typeKeys(t, "\x1d")
			},
			reason:  NoToken,
			is:      ErrCancelled,
			message: "cancelled with ctrl+]: claude setup-token was stopped and no token was captured",
			check: func(t *testing.T, res Result, _ string) {
				if !res.Cancelled || res.ExitCode != 129 {
					t.Fatalf("Result = %+v, want cancelled, exit 129 from SIGHUP", res)
				}
			},
		},
		{
			mode:    fc.ModeExit1,
			reason:  NoToken,
			is:      ErrNoToken,
			message: "claude setup-token exited with status 1: no setup token (sk-ant-oat01-…) appeared in the output",
		},
		{
			mode:    fc.ModeCrash,
			reason:  TooShort,
			is:      ErrNoToken,
			message: "claude setup-token exited with status 2: the token in the output was only",
			check: func(t *testing.T, res Result, out string) {
				if !strings.Contains(out, tok[:30]) {
					t.Fatal("the crash did not print part of the token; the test proves nothing")
				}
			},
		},
		{
			mode: fc.ModeHang,
			opts: Options{Timeout: 2500 * time.Millisecond},
			after: func(t *testing.T, in *pipeIn, out *screen) {
				out.waitFor(t, "sign-in")
				in.typeKeys(t, "\x03") // ignored
			},
			reason:  NoToken,
			is:      ErrTimeout,
			message: "claude setup-token timed out after 2.5s and was stopped; no token was captured",
			check: func(t *testing.T, res Result, _ string) {
				if !res.TimedOut || res.Cancelled {
					t.Fatalf("Result = %+v", res)
				}
			},
		},
		{
			mode:    fc.ModeNoToken,
			reason:  NoToken,
			is:      ErrNoToken,
			message: "claude setup-token exited without a usable token: no setup token (sk-ant-oat01-…) appeared in the output",
			check: func(t *testing.T, res Result, _ string) {
				if res.ExitCode != 0 {
					t.Fatalf("Result = %+v, want exit 0 (and still a failure)", res)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			opts := tt.opts
			opts.Name = "claude setup-token"
			opts.KillGrace = time.Second
			s, in, out := newPipeSession(t, context.Background(), fakeClaude(t, tt.mode, tok), opts)
			st := start(s)
			out.waitFor(t, fc.PromptMarker)
			in.typeKeys(t, "some-code\r")
			if tt.after != nil {
				tt.after(t, in, out)
			}
			err := st.wait(t)
			res := s.Result()
			if _, ok := res.Token(); ok || err == nil {
				t.Fatalf("captured a token in %s mode (err %v)", tt.mode, err)
			}
			if res.Reason != tt.reason {
				t.Fatalf("Reason = %v, want %v", res.Reason, tt.reason)
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("Run() = %v, want errors.Is %v", err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), tt.message) {
				t.Fatalf("error:\n  %s\nwant it to start:\n  %s", err, tt.message)
			}
			if strings.Contains(err.Error(), tok[13:30]) {
				t.Fatalf("error quotes the token: %s", err)
			}
			if tt.check != nil {
				tt.check(t, res, out.String())
			}
			assertReaped(t, res)
		})
	}
}
