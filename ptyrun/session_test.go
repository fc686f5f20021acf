package ptyrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// screen is a thread-safe output sink the tests can wait on.
type screen struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the output contains want.
func (s *screen) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; output so far:\n%q", want, s.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func requirePTY(t *testing.T) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pty available: %v", err)
	}
	_ = s.Close()
	_ = m.Close()
}

func helperCmd(mode string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	// A -race child sleeps a second before exiting unless told not to.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	// The test binary links bubbletea (tea_test.go), whose init asks the
	// terminal for its background colour and waits 5 s for an answer that
	// nobody gives here; termenv skips the query for TERM=dumb.
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "GORACE="+gorace, "TERM=dumb")
	return cmd
}

// pipeIn is a keyboard made of a pipe; the test types into w.
type pipeIn struct {
	r, w *os.File
}

func newPipeIn(t *testing.T) *pipeIn {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close(); _ = r.Close() })
	return &pipeIn{r: r, w: w}
}

func (p *pipeIn) typeKeys(t *testing.T, s string) {
	t.Helper()
	if _, err := p.w.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// started runs s in the background; wait returns Run's error.
type started struct {
	done chan error
}

func start(s *Session) *started {
	st := &started{done: make(chan error, 1)}
	go func() { st.done <- s.Run() }()
	return st
}

func (st *started) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-st.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// newPipeSession makes a session on pipes (no terminal) with a screen.
func newPipeSession(t *testing.T, ctx context.Context, cmd *exec.Cmd, opts Options) (*Session, *pipeIn, *screen) {
	t.Helper()
	requirePTY(t)
	in := newPipeIn(t)
	out := &screen{}
	s := New(ctx, cmd, opts)
	s.SetStdin(in.r)
	s.SetStdout(out)
	s.SetStderr(io.Discard)
	return s, in, out
}

func assertReaped(t *testing.T, res Result) {
	t.Helper()
	if !res.Started || res.PID <= 0 {
		t.Fatalf("child not started: %+v", res)
	}
	if err := syscall.Kill(res.PID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("child %d still exists after Run (zombie or alive): kill(0) = %v", res.PID, err)
	}
}

func TestSessionExitCodes(t *testing.T) {
	for _, code := range []int{0, 1, 7} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			s, _, out := newPipeSession(t, nil, helperCmd(fmt.Sprintf("exit:%d", code)), Options{Name: "helper"})
			err := s.Run()
			res := s.Result()
			if res.ExitCode != code || res.Cancelled || res.TimedOut || res.Signal != "" {
				t.Fatalf("Result = %+v, want exit %d", res, code)
			}
			if !strings.Contains(out.String(), "hello from helper\r\n") {
				t.Fatalf("child output not relayed: %q", out.String())
			}
			// Decided by the token only: exit 0 without a token is a failure too.
			var ce *CaptureError
			if !errors.As(err, &ce) || !errors.Is(err, ErrNoToken) || res.Reason != NoToken {
				t.Fatalf("Run() = %v, want a *CaptureError (no token)", err)
			}
			want := "helper exited without a usable token: no setup token"
			if code != 0 {
				want = fmt.Sprintf("helper exited with status %d: no setup token", code)
			}
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q does not say %q", err, want)
			}
			assertReaped(t, res)
		})
	}
}

func TestSessionRelaysInputAndOutput(t *testing.T) {
	s, in, out := newPipeSession(t, nil, helperCmd("echo"), Options{})
	st := start(s)
	out.waitFor(t, "ready")
	in.typeKeys(t, "hello pty\r")
	out.waitFor(t, "got <hello pty>")
	in.typeKeys(t, "quit\r")
	_ = st.wait(t)
	if res := s.Result(); res.ExitCode != 0 {
		t.Fatalf("exit code %d, want 0 (quit reached the child)", res.ExitCode)
	}
	assertReaped(t, s.Result())
}

func TestSessionCtrlCReachesChild(t *testing.T) {
	s, in, out := newPipeSession(t, nil, helperCmd("sigint"), Options{})
	st := start(s)
	out.waitFor(t, "ready")
	in.typeKeys(t, "\x03")
	_ = st.wait(t)
	res := s.Result()
	if res.ExitCode != 3 || res.Cancelled {
		t.Fatalf("Result = %+v, want the child's SIGINT exit 3 and no cancel", res)
	}
	if !strings.Contains(out.String(), "caught SIGINT") {
		t.Fatalf("child did not get SIGINT: %q", out.String())
	}
}

func TestSessionEscapeKeyIsNotPassedThrough(t *testing.T) {
	for _, tc := range []struct{ name, key string }{
		{"ctrl+] byte", "\x1d"},
		{"kitty keyboard", "\x1b[93;5u"},
		{"modifyOtherKeys", "\x1b[27;5;93~"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, in, out := newPipeSession(t, nil, helperCmd("rawbytes"), Options{Name: "helper"})
			st := start(s)
			out.waitFor(t, "ready")
			in.typeKeys(t, "a")
			out.waitFor(t, "<61>")
			in.typeKeys(t, tc.key+"b")
			err := st.wait(t)
			res := s.Result()
			if !res.Cancelled || res.Signal != "SIGHUP" {
				t.Fatalf("Result = %+v, want cancelled by SIGHUP", res)
			}
			if got := out.String(); strings.Contains(got, "<1d>") || strings.Contains(got, "<1b>") || strings.Contains(got, "<62>") {
				t.Fatalf("the escape key (or what followed it) reached the child: %q", got)
			}
			if !errors.Is(err, ErrCancelled) || !errors.Is(err, ErrNoToken) || errors.Is(err, ErrTimeout) {
				t.Fatalf("Run() = %v, want ErrCancelled", err)
			}
			if want := "cancelled with ctrl+]: helper was stopped"; !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q, want it to say %q", err, want)
			}
			assertReaped(t, res)
		})
	}
}

func TestSessionEscapeKillsStubbornChild(t *testing.T) {
	s, in, out := newPipeSession(t, nil, helperCmd("stubborn"), Options{KillGrace: 100 * time.Millisecond})
	st := start(s)
	out.waitFor(t, "ready")
	in.typeKeys(t, "\x03\x1d") // ctrl+c is ignored, ctrl+] is not
	_ = st.wait(t)
	res := s.Result()
	if !res.Cancelled || res.Signal != "SIGKILL" || res.ExitCode != -1 {
		t.Fatalf("Result = %+v, want cancelled, ended by SIGKILL after SIGHUP and SIGTERM were ignored", res)
	}
	assertReaped(t, res)
}

func TestSessionTimeout(t *testing.T) {
	s, _, _ := newPipeSession(t, nil, helperCmd("sleep"), Options{Name: "helper", Timeout: 300 * time.Millisecond})
	err := s.Run()
	res := s.Result()
	if !res.TimedOut || res.Cancelled || res.Signal != "SIGHUP" {
		t.Fatalf("Result = %+v, want timed out, ended by SIGHUP", res)
	}
	if !errors.Is(err, ErrTimeout) || errors.Is(err, ErrCancelled) {
		t.Fatalf("Run() = %v, want ErrTimeout", err)
	}
	if want := "helper timed out after 300ms"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want %q", err, want)
	}
	assertReaped(t, res)
}

func TestSessionContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, _, out := newPipeSession(t, ctx, helperCmd("sleep"), Options{})
	st := start(s)
	out.waitFor(t, "ready")
	cancel()
	err := st.wait(t)
	res := s.Result()
	if !res.Cancelled || res.TimedOut || res.Signal != "SIGHUP" {
		t.Fatalf("Result = %+v, want cancelled", res)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrCancelled) {
		t.Fatalf("Run() = %v, want context.Canceled", err)
	}
	assertReaped(t, res)

	// Already cancelled: nothing starts.
	s, _, _ = newPipeSession(t, ctx, helperCmd("exit:0"), Options{})
	if err := s.Run(); !errors.Is(err, context.Canceled) || s.Result().Started {
		t.Fatalf("Run() with a done context = %v, started %v", err, s.Result().Started)
	}
}

func TestSessionStartFailure(t *testing.T) {
	s, _, _ := newPipeSession(t, nil, exec.Command(t.TempDir()+"/no-such-claude", "setup-token"), Options{Name: "claude setup-token"})
	err := s.Run()
	if err == nil || !strings.HasPrefix(err.Error(), "start claude setup-token: ") {
		t.Fatalf("Run() = %v, want a start error", err)
	}
	if s.Result().Started {
		t.Fatal("Result says started")
	}
	if err := s.Run(); err == nil {
		t.Fatal("a second Run succeeded")
	}
}

func TestSessionDefaultSizeWithoutTerminal(t *testing.T) {
	s, in, out := newPipeSession(t, nil, helperCmd("size"), Options{DefaultSize: Size{Cols: 123, Rows: 45}})
	st := start(s)
	out.waitFor(t, "size 123x45")
	in.typeKeys(t, "q\r")
	_ = st.wait(t)
}

func TestSessionCapturesToken(t *testing.T) {
	tok := fakeToken(108, 42)
	for _, cols := range []int{40, 80, 200} {
		t.Run(fmt.Sprint(cols), func(t *testing.T) {
			s, _, out := newPipeSession(t, nil, helperCmd("token:"+tok), Options{DefaultSize: Size{Cols: cols, Rows: 24}})
			if err := s.Run(); err != nil {
				t.Fatalf("Run() = %v\noutput: %q", err, out.String())
			}
			res := s.Result()
			if got, ok := res.Token(); !ok || got != tok {
				t.Fatalf("Token() = %q, %v", got, ok)
			}
			if cols < 108 && strings.Contains(out.String(), tok) {
				t.Fatal("the child did not wrap the token; the test proves nothing")
			}
			if res.Reason != Found || res.Err() != nil {
				t.Fatalf("Reason %v, Err %v", res.Reason, res.Err())
			}
			for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
				if txt := fmt.Sprintf(f, res); strings.Contains(txt, tok[13:]) {
					t.Fatalf("fmt %s of Result shows the token: %s", f, txt)
				}
			}
		})
	}
}

func TestSessionBanner(t *testing.T) {
	s, _, out := newPipeSession(t, nil, helperCmd("exit:0"), Options{Banner: CancelHint("helper")})
	_ = s.Run()
	if got := out.String(); !strings.HasPrefix(got, "Running helper — press ctrl+] to cancel\r\n") || !strings.Contains(got, "hello from helper") {
		t.Fatalf("output = %q, want the banner first", got)
	}
}

// After Run, the next key belongs to whoever reads the keyboard next (the
// TUI): the relay must not have swallowed it.
func TestSessionLeavesNextKeyForTUI(t *testing.T) {
	s, in, _ := newPipeSession(t, nil, helperCmd("exit:0"), Options{})
	_ = s.Run()
	in.typeKeys(t, "x")
	buf := make([]byte, 8)
	_ = in.r.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := in.r.Read(buf)
	if err != nil || string(buf[:n]) != "x" {
		t.Fatalf("next key after Run: %q, %v", buf[:n], err)
	}
}

// A grandchild still running (here one that ignores SIGHUP) must not keep
// Run from returning once the child has exited.
func TestSessionGrandchildHoldingPTY(t *testing.T) {
	s, _, out := newPipeSession(t, nil, helperCmd("grandchild"), Options{})
	st := start(s)
	_ = st.wait(t)
	var gpid int
	if _, err := fmt.Sscanf(out.String()[strings.Index(out.String(), "grandchild "):], "grandchild %d", &gpid); err != nil || gpid <= 0 {
		t.Fatalf("no grandchild pid in %q", out.String())
	}
	_ = syscall.Kill(gpid, syscall.SIGKILL)
	if res := s.Result(); res.ExitCode != 0 {
		t.Fatalf("Result = %+v", res)
	}
	assertReaped(t, s.Result())
}

// outerTerm is a pty standing in for the user's real terminal: the session
// gets its slave side as stdin and stdout; the test plays the terminal on
// the master side.
type outerTerm struct {
	master, slave *os.File
	screen        *screen
}

func newOuterTerm(t *testing.T, cols, rows int) *outerTerm {
	t.Helper()
	m, sl, err := pty.Open()
	if err != nil {
		t.Skipf("no pty available: %v", err)
	}
	if err := pty.Setsize(m, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.Fatal(err)
	}
	o := &outerTerm{master: m, slave: sl, screen: &screen{}}
	go func() { _, _ = io.Copy(o.screen, m) }()
	t.Cleanup(func() { _ = sl.Close(); _ = m.Close() })
	return o
}

func (o *outerTerm) termios(t *testing.T) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(o.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return *tio
}

func (o *outerTerm) typeKeys(t *testing.T, s string) {
	t.Helper()
	if _, err := o.master.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestSessionTerminalSizeRawModeAndResize(t *testing.T) {
	o := newOuterTerm(t, 100, 30)
	before := o.termios(t)
	s := New(nil, helperCmd("size"), Options{DefaultSize: Size{Cols: 11, Rows: 11}})
	s.SetStdin(o.slave)
	s.SetStdout(o.slave)
	st := start(s)
	o.screen.waitFor(t, "size 100x30")
	during := o.termios(t)
	if during.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG) != 0 {
		t.Fatalf("terminal not in raw mode while the child runs: lflag %#x", during.Lflag)
	}
	if err := pty.Setsize(o.master, &pty.Winsize{Cols: 50, Rows: 20}); err != nil {
		t.Fatal(err)
	}
	// The kernel sends SIGWINCH only to the terminal's own foreground
	// process group; stand in for it.
	if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
		t.Fatal(err)
	}
	o.screen.waitFor(t, "size 50x20")
	o.typeKeys(t, "q\r")
	_ = st.wait(t)
	if after := o.termios(t); after != before {
		t.Fatalf("terminal settings not restored:\nbefore %+v\nafter  %+v", before, after)
	}
	assertReaped(t, s.Result())
}

type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("screen exploded") }

func TestSessionRestoresTerminalOnEveryExit(t *testing.T) {
	tests := []struct {
		name  string
		mode  string
		opts  Options
		ctx   func() (context.Context, context.CancelFunc)
		keys  string
		panic bool
		reset bool // the child was killed or failed, so modes are reset
		check func(t *testing.T, res Result, err error)
	}{
		{name: "normal exit", mode: "exit:0", check: func(t *testing.T, res Result, _ error) {
			if res.ExitCode != 0 {
				t.Fatalf("%+v", res)
			}
		}},
		{name: "non-zero exit", mode: "exit:3", reset: true, check: func(t *testing.T, res Result, _ error) {
			if res.ExitCode != 3 {
				t.Fatalf("%+v", res)
			}
		}},
		{name: "escape key", mode: "sleep", keys: "\x1d", reset: true, check: func(t *testing.T, res Result, _ error) {
			if !res.Cancelled {
				t.Fatalf("%+v", res)
			}
		}},
		{name: "timeout", mode: "stubborn", reset: true, opts: Options{Timeout: 200 * time.Millisecond, KillGrace: 50 * time.Millisecond}, check: func(t *testing.T, res Result, _ error) {
			if !res.TimedOut || res.Signal == "" {
				t.Fatalf("%+v", res)
			}
		}},
		{name: "context", mode: "sleep", reset: true, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, check: func(t *testing.T, res Result, err error) {
			if !res.Cancelled || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%+v %v", res, err)
			}
		}},
		{name: "panic in the relay", mode: "sleep", panic: true, check: func(t *testing.T, res Result, err error) {
			if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "screen exploded") {
				t.Fatalf("Run() = %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOuterTerm(t, 80, 24)
			before := o.termios(t)
			ctx := context.Background()
			if tt.ctx != nil {
				var cancel context.CancelFunc
				ctx, cancel = tt.ctx()
				defer cancel()
			}
			s := New(ctx, helperCmd(tt.mode), tt.opts)
			s.SetStdin(o.slave)
			s.SetStdout(o.slave)
			if tt.panic {
				s.SetStdout(panicWriter{})
			}
			st := start(s)
			if tt.keys != "" {
				o.screen.waitFor(t, "ready")
				if o.termios(t).Lflag&unix.ICANON != 0 {
					t.Fatal("not in raw mode while running")
				}
				o.typeKeys(t, tt.keys)
			}
			err := st.wait(t)
			if after := o.termios(t); after != before {
				t.Fatalf("terminal settings not restored:\nbefore %+v\nafter  %+v", before, after)
			}
			tt.check(t, s.Result(), err)
			assertReaped(t, s.Result())
			if tt.reset {
				o.screen.waitFor(t, resetModes)
			} else if !tt.panic && strings.Contains(o.screen.String(), resetModes) {
				t.Fatal("reset terminal modes after a child that exited by itself")
			}
		})
	}
}
