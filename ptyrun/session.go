// Package ptyrun runs an interactive program (`claude setup-token`) in a
// pseudo-terminal on the user's real terminal and captures the setup token
// it prints, so that nobody has to copy a token the terminal wrapped in two.
//
// A Session satisfies bubbletea's tea.ExecCommand structurally (Run,
// SetStdin, SetStdout, SetStderr), so a TUI hands it the terminal with
// tea.Exec; it also runs on its own. The Scanner that finds the token is
// usable by itself. Captured output lives only in memory.
package ptyrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/muesli/cancelreader"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// EscapeKey is the byte of ctrl+], the key a Session keeps for itself: it
// is never passed to the child and ends it. The child (like the real
// `claude setup-token`) may ignore ctrl+c, so the user needs a way out.
const EscapeKey = 0x1d

// EscapeKeyName is how to tell users about EscapeKey, e.g. in a Banner.
const EscapeKeyName = "ctrl+]"

// ClearScreen wipes the terminal's main screen and its scrollback (where
// the terminal supports it). Write it once a token is captured: the child
// printed the token in full, and it need not stay on the screen.
const ClearScreen = "\x1b[H\x1b[2J\x1b[3J"

// CancelHint is a Banner for running name: it tells the user the one key
// the session keeps for itself.
func CancelHint(name string) string {
	return "Running " + name + " — press " + EscapeKeyName + " to cancel"
}

// Defaults used when Options leave a field zero.
const (
	// DefaultKillGrace is the wait between the signals that end a child.
	DefaultKillGrace = 2 * time.Second
	// DefaultCols is the pty width when no terminal tells the real one.
	DefaultCols = 80
	// DefaultRows is the pty height when no terminal tells the real one.
	DefaultRows = 24
)

// resetModes undoes what a killed or failed child may have left on: colours, hidden
// cursor, bracketed paste, focus and mouse reports, modifyOtherKeys and a
// pushed kitty keyboard mode (the same resets the real claude sends when it
// exits), then starts a fresh line.
const resetModes = "\x1b[0m\x1b[?25h\x1b[?2004l\x1b[?1004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[>4m\x1b[<u\r\n"

// drainWait bounds how long Run waits for the last output after the child
// has exited (a grandchild may hold the pty open) and for the relays to
// stop once the pty is closed.
const drainWait = time.Second

// Sentinel errors that a failed Run's error matches with errors.Is.
var (
	// ErrNoToken is matched by every *CaptureError: no whole token was
	// captured.
	ErrNoToken = errors.New("no token captured")
	// ErrCancelled is matched when the user pressed EscapeKey, the
	// Session's context ended, or this process got SIGINT/SIGTERM/SIGHUP.
	ErrCancelled = errors.New("cancelled")
	// ErrTimeout is matched when Options.Timeout ran out.
	ErrTimeout = errors.New("timed out")
)

// Size is a terminal size in character cells.
type Size struct {
	Cols, Rows int
}

// Options tune a Session. The zero value is usable.
type Options struct {
	// Name is how messages call the command, e.g. "claude setup-token".
	// Empty means the command line.
	Name string
	// Banner, when not empty, is printed on its own line just before the
	// terminal is handed over, to announce EscapeKeyName (the child never
	// sees that key, so the user cannot learn it from the child).
	Banner string
	// Timeout ends the child (as EscapeKey does) when it runs longer;
	// zero means no limit.
	Timeout time.Duration
	// KillGrace is how long to wait after SIGHUP, and again after
	// SIGTERM, before the next, harder signal. Zero means
	// DefaultKillGrace.
	KillGrace time.Duration
	// DefaultSize is the pty size when neither stdout nor stdin is a
	// terminal (tests, pipes). Zero fields mean DefaultCols×DefaultRows.
	DefaultSize Size
}

// Session runs one command in a pty. Create it with New, optionally point
// its input and output elsewhere (tea.Exec does that), call Run once, then
// read Result.
//
// While it runs, the real terminal (stdin, when it is one) is in raw mode;
// every key but EscapeKey goes to the child (ctrl+c included: the child
// decides what it means), the child's output is copied to stdout and to a
// Scanner, and window-size changes (SIGWINCH) are forwarded. SIGINT,
// SIGTERM and SIGHUP sent to this process end the child as EscapeKey does
// instead of killing this process with the terminal still raw. The terminal
// is restored and the child reaped on every way out: normal exit, non-zero
// exit, EscapeKey, timeout, context cancellation, a signal, or a panic.
//
// Ending the child means SIGHUP (what a closed terminal sends), then
// SIGTERM, then SIGKILL, each to its process group, Options.KillGrace
// apart.
//
// Success is decided only by the token: a child that exits 0 without
// printing a whole token has failed, and a whole token captured before the
// user cancelled still counts.
type Session struct {
	ctx    context.Context
	cmd    *exec.Cmd
	opts   Options
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	ran    bool
	result Result
}

var _ interface {
	Run() error
	SetStdin(io.Reader)
	SetStdout(io.Writer)
	SetStderr(io.Writer)
} = (*Session)(nil)

// New prepares a Session that will run cmd. cmd's Stdin, Stdout, Stderr and
// SysProcAttr are replaced by the pty when it runs; set its Env and Dir as
// usual. Use exec.Command, not exec.CommandContext: ending the child is the
// Session's job (through ctx), with a gentler ladder of signals than
// SIGKILL. A nil ctx means context.Background().
func New(ctx context.Context, cmd *exec.Cmd, opts Options) *Session {
	if ctx == nil {
		ctx = context.Background()
	}
	return &Session{ctx: ctx, cmd: cmd, opts: opts}
}

// SetStdin sets the keyboard side of the terminal (default os.Stdin).
func (s *Session) SetStdin(r io.Reader) { s.stdin = r }

// SetStdout sets the screen side of the terminal (default os.Stdout).
func (s *Session) SetStdout(w io.Writer) { s.stdout = w }

// SetStderr is accepted for tea.ExecCommand and otherwise unused: the
// child's stderr is the pty, like its stdout.
func (s *Session) SetStderr(w io.Writer) { s.stderr = w }

// Result returns what the last Run found out. It is the zero Result before
// Run.
func (s *Session) Result() Result { return s.result }

// Result is the outcome of a Session: how the child ended and whether a
// whole token was captured. Only the token decides success; an exit status
// of 0 does not mean a token was made. Its String and GoString never show
// the token.
type Result struct {
	// Name is the command as messages call it.
	Name string
	// Started says the child process was started.
	Started bool
	// PID is the child's process id (0 if it did not start).
	PID int
	// ExitCode is the child's exit status, or -1 when it did not start or
	// was ended by a signal.
	ExitCode int
	// Signal names the signal that ended the child, if one did.
	Signal string
	// Cancelled says the child was ended on purpose: EscapeKey, the
	// context, or a signal to this process (see Interrupted).
	Cancelled bool
	// Interrupted is the signal this process got that ended the session.
	Interrupted os.Signal
	// TimedOut says Options.Timeout ended the child.
	TimedOut bool
	// Reason is Found when a whole token was captured, and otherwise why
	// not (as the Scanner saw it).
	Reason Reason
	// Elapsed is how long the child ran.
	Elapsed time.Duration

	token   string
	scanErr error
	ctxErr  error
	timeout time.Duration
}

// Token returns the captured token, if a whole one was.
func (r Result) Token() (string, bool) { return r.token, r.token != "" }

// Err returns nil when a whole token was captured and otherwise a
// *CaptureError saying why not.
func (r Result) Err() error {
	if r.token != "" {
		return nil
	}
	return &CaptureError{Result: r}
}

// String describes the result without the token.
func (r Result) String() string {
	if r.token != "" {
		return fmt.Sprintf("%s: token captured (%d characters)", r.Name, len(r.token))
	}
	return r.Err().Error()
}

// GoString is String, so that %#v cannot print the token either.
func (r Result) GoString() string { return "ptyrun.Result{" + r.String() + "}" }

// CaptureError says why a Session captured no token, as one line a user
// can act on. It never contains any part of a token. It matches ErrNoToken,
// and ErrCancelled or ErrTimeout when those apply, and unwraps to the
// context's error and the *ScanError.
type CaptureError struct {
	Result Result
}

// Error says what happened to the child and what the output held.
func (e *CaptureError) Error() string {
	r := e.Result
	name := r.Name
	detail := "no token was captured"
	if r.scanErr != nil {
		detail = r.scanErr.Error()
	}
	switch {
	case !r.Started:
		return fmt.Sprintf("%s did not start; no token was captured", name)
	case r.Cancelled && r.Interrupted != nil:
		return fmt.Sprintf("%s was stopped because this program got %v; no token was captured", name, r.Interrupted)
	case r.Cancelled && r.ctxErr != nil:
		return fmt.Sprintf("%s was stopped (%v); no token was captured", name, r.ctxErr)
	case r.Cancelled:
		return fmt.Sprintf("cancelled with %s: %s was stopped and no token was captured", EscapeKeyName, name)
	case r.TimedOut:
		return fmt.Sprintf("%s timed out after %v and was stopped; no token was captured", name, r.timeout)
	case r.Signal != "":
		return fmt.Sprintf("%s was killed by signal %q: %s", name, r.Signal, detail)
	case r.ExitCode != 0:
		return fmt.Sprintf("%s exited with status %d: %s", name, r.ExitCode, detail)
	default:
		return fmt.Sprintf("%s exited without a usable token: %s", name, detail)
	}
}

// Is matches ErrNoToken always, ErrCancelled and ErrTimeout when they apply.
func (e *CaptureError) Is(target error) bool {
	switch target {
	case ErrNoToken:
		return true
	case ErrCancelled:
		return e.Result.Cancelled
	case ErrTimeout:
		return e.Result.TimedOut
	}
	return false
}

// Unwrap returns the context's error (if the context ended the child) and
// the *ScanError (if the output was scanned).
func (e *CaptureError) Unwrap() []error {
	var errs []error
	if e.Result.ctxErr != nil {
		errs = append(errs, e.Result.ctxErr)
	}
	if e.Result.scanErr != nil {
		errs = append(errs, e.Result.scanErr)
	}
	return errs
}

// Run runs the command to its end and returns nil exactly when a whole token
// was captured (see Result for the rest). Otherwise the error is a
// *CaptureError, or a plain error when the pty or the command could not be
// started at all. Run can be called once.
func (s *Session) Run() error {
	if s.ran {
		return errors.New("ptyrun: a Session can only run once")
	}
	if s.cmd == nil {
		return errors.New("ptyrun: no command to run")
	}
	s.ran = true
	s.result = Result{Name: s.name(), ExitCode: -1, Reason: NoToken}
	res := &s.result

	stdin, stdout := s.stdin, s.stdout
	if stdin == nil {
		stdin = os.Stdin
	}
	if stdout == nil {
		stdout = os.Stdout
	}
	inFd, inTTY := termFd(stdin)
	outFd, outTTY := termFd(stdout)
	sizeFd := -1
	switch {
	case outTTY:
		sizeFd = outFd
	case inTTY:
		sizeFd = inFd
	}

	if err := s.ctx.Err(); err != nil {
		res.Cancelled, res.ctxErr = true, err
		return res.Err()
	}

	master, tty, err := openPTY()
	if err != nil {
		return fmt.Errorf("open a pseudo-terminal for %s: %w", res.Name, err)
	}
	defer master.Close()
	// On a terminal the banner keeps the last row while the child runs
	// (banner.go); elsewhere it is one line before the child's output.
	var pin *pinnedBanner
	if outTTY {
		pin, _ = newPinnedBanner(stdout, s.opts.Banner, s.size(sizeFd))
	}
	screen := stdout
	if pin != nil {
		setSize(master, pin.childSize())
		pin.start()
		screen = pin
	} else {
		setSize(master, s.size(sizeFd))
		if s.opts.Banner != "" {
			_, _ = io.WriteString(stdout, s.opts.Banner+"\r\n")
		}
	}

	// Raw mode on the real terminal, restored on every way out of Run
	// (deferred calls also run while a panic unwinds).
	if inTTY {
		if old, err := term.MakeRaw(inFd); err == nil {
			defer func() { _ = term.Restore(inFd, old) }()
		}
	}

	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = tty, tty, tty
	if s.cmd.SysProcAttr == nil {
		s.cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	s.cmd.SysProcAttr.Setsid = true  // own session and process group...
	s.cmd.SysProcAttr.Setctty = true // ...with the pty as controlling terminal,
	s.cmd.SysProcAttr.Ctty = 0       // which is the child's stdin
	start := time.Now()
	err = s.cmd.Start()
	_ = tty.Close() // the child has its own copy
	if err != nil {
		return fmt.Errorf("start %s: %w", res.Name, err)
	}
	res.Started, res.PID = true, s.cmd.Process.Pid

	exited := make(chan struct{})
	go func() {
		_ = s.cmd.Wait() // reaps the child; the status is in ProcessState
		close(exited)
	}()

	panics := make(chan any, 3)
	out := &sink{w: screen, scan: NewScanner()}
	defer out.wipe()

	// child → screen and scanner
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		defer catch(panics)
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				out.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()

	// keyboard → child, in two steps so that a child that stops reading
	// cannot block the watch for EscapeKey
	toChild := make(chan []byte, 64)
	stopWriter := make(chan struct{})
	go func() {
		defer catch(panics)
		for {
			select {
			case b := <-toChild:
				if _, err := master.Write(b); err != nil {
					return
				}
			case <-stopWriter:
				return
			}
		}
	}()
	escape := make(chan struct{}, 1)
	in := newCancelReader(stdin)
	inDone := make(chan struct{})
	go func() {
		defer close(inDone)
		defer catch(panics)
		buf := make([]byte, 4096)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				b := buf[:n]
				i := escapeIndex(b)
				if i >= 0 {
					b = b[:i]
				}
				if len(b) > 0 {
					select {
					case toChild <- append([]byte(nil), b...):
					default: // the child is not reading; drop rather than block
					}
				}
				if i >= 0 {
					escape <- struct{}{}
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()

	var winch chan os.Signal
	if sizeFd >= 0 {
		winch = make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var timeout <-chan time.Time
	if s.opts.Timeout > 0 {
		t := time.NewTimer(s.opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}

	var panicked any
	killed := false
wait:
	for {
		select {
		case <-exited:
			break wait
		case <-winch:
			if pin != nil {
				pin.resize(s.size(sizeFd))
				setSize(master, pin.childSize())
			} else {
				setSize(master, s.size(sizeFd))
			}
			continue
		case <-escape:
			res.Cancelled = true
		case <-timeout:
			res.TimedOut, res.timeout = true, s.opts.Timeout
		case <-s.ctx.Done():
			res.Cancelled, res.ctxErr = true, s.ctx.Err()
		case sig := <-sigs:
			res.Cancelled, res.Interrupted = true, sig
		case p := <-panics:
			panicked = p
		}
		killed = true
		s.stop(exited)
		break wait
	}
	res.Elapsed = time.Since(start)

	// Let the last output through, then close the pty so that the relays
	// stop even if a grandchild still holds it.
	select {
	case <-outDone:
	case <-time.After(drainWait):
	}
	_ = master.Close()
	select {
	case <-outDone:
	case <-time.After(drainWait):
	}
	close(stopWriter)
	// Stop reading the keyboard without eating the next key: the TUI
	// reads it after we return.
	if in.Cancel() {
		select {
		case <-inDone:
			_ = in.Close()
		case <-time.After(drainWait):
		}
	}
	out.close()
	if pin != nil {
		pin.stop()
	}
	if p := recoverLate(panics); panicked == nil {
		panicked = p
	}
	st := s.cmd.ProcessState
	if outTTY && (killed || st == nil || !st.Success()) {
		// A child that was killed, crashed or failed may not have undone
		// its terminal modes.
		_, _ = io.WriteString(stdout, resetModes)
	}
	if st != nil {
		res.ExitCode = st.ExitCode()
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.Signal = unix.SignalName(ws.Signal())
			if res.Signal == "" {
				res.Signal = ws.Signal().String()
			}
		}
	}
	if tok, ok := out.scan.Token(); ok {
		res.token, res.Reason = tok, Found
	} else {
		res.Reason, res.scanErr = out.scan.Reason(), out.scan.Err()
	}
	if res.token == "" && panicked != nil {
		return fmt.Errorf("ptyrun: internal error while relaying %s: %v", res.Name, panicked)
	}
	return res.Err()
}

// stop ends the child: SIGHUP (what a closed terminal sends), then SIGTERM,
// then SIGKILL, each to its whole process group, waiting KillGrace between
// them. It returns once the child has been reaped.
func (s *Session) stop(exited <-chan struct{}) {
	grace := s.opts.KillGrace
	if grace <= 0 {
		grace = DefaultKillGrace
	}
	pid := s.cmd.Process.Pid
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		_ = syscall.Kill(-pid, sig)
		select {
		case <-exited:
			return
		case <-time.After(grace):
		}
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	<-exited
}

func (s *Session) name() string {
	if s.opts.Name != "" {
		return s.opts.Name
	}
	if s.cmd == nil {
		return "command"
	}
	return strings.Join(s.cmd.Args, " ")
}

// size is the real terminal's size, or the default one.
func (s *Session) size(fd int) Size {
	if fd >= 0 {
		if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
			return Size{Cols: w, Rows: h}
		}
	}
	sz := s.opts.DefaultSize
	if sz.Cols <= 0 {
		sz.Cols = DefaultCols
	}
	if sz.Rows <= 0 {
		sz.Rows = DefaultRows
	}
	return sz
}

// openPTY opens a pty pair. pty.Open leaves the master in blocking mode
// (its ioctls go through Fd), and a blocking read cannot be interrupted by
// Close; so the master is re-made as a non-blocking, pollable file.
func openPTY() (master, tty *os.File, err error) {
	m, t, err := pty.Open()
	if err != nil {
		return nil, nil, err
	}
	fd, err := unix.FcntlInt(m.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	_ = m.Close()
	if err != nil {
		_ = t.Close()
		return nil, nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		_ = t.Close()
		return nil, nil, err
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), t, nil
}

// setSize sets the pty's window size without calling Fd (which would make
// the master blocking again). The kernel sends the child SIGWINCH.
func setSize(master *os.File, sz Size) {
	rc, err := master.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(sz.Rows), Col: uint16(sz.Cols)})
	})
}

// termFd returns v's file descriptor and whether it is a terminal.
func termFd(v any) (int, bool) {
	f, ok := v.(interface{ Fd() uintptr })
	if !ok {
		return -1, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// escapeIndex finds EscapeKey in a chunk of keyboard input: the plain byte,
// or its encodings under the kitty keyboard protocol (CSI 93;5u, with an
// optional event type) and xterm's modifyOtherKeys (CSI 27;5;93~), which a
// child may turn on in the real terminal.
func escapeIndex(b []byte) int {
	best := -1
	for _, k := range escapeEncodings {
		if i := strings.Index(string(b), k); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

var escapeEncodings = []string{"\x1d", "\x1b[93;5u", "\x1b[93;5:1u", "\x1b[27;5;93~"}

// sink copies the child's output to the screen and the scanner. After
// close, writes are dropped, so a straggling relay can neither draw over the
// TUI that takes the terminal back nor touch the finished scan.
type sink struct {
	w      io.Writer
	mu     sync.Mutex // guards scan and closed
	scan   *Scanner
	closed bool
}

func (k *sink) Write(p []byte) {
	k.mu.Lock()
	closed := k.closed
	if !closed {
		_, _ = k.scan.Write(p)
	}
	k.mu.Unlock()
	if !closed {
		_, _ = k.w.Write(p) // a broken screen must not stop the capture
	}
}

func (k *sink) close() {
	k.mu.Lock()
	k.closed = true
	_ = k.scan.Close()
	k.mu.Unlock()
}

func (k *sink) wipe() {
	k.mu.Lock()
	k.scan.Wipe()
	k.mu.Unlock()
}

// catch turns a panic in a relay goroutine into a value for Run, which
// then stops the child and restores the terminal instead of crashing with
// the terminal in raw mode.
func catch(panics chan<- any) {
	if p := recover(); p != nil {
		select {
		case panics <- p:
		default:
		}
	}
}

func recoverLate(panics <-chan any) any {
	select {
	case p := <-panics:
		return p
	default:
		return nil
	}
}

// canceler is a reader whose pending Read can be abandoned without losing
// data (cancelreader), or, for inputs it cannot handle, one that cannot.
type canceler interface {
	io.Reader
	Cancel() bool
	Close() error
}

func newCancelReader(r io.Reader) canceler {
	if cr, err := cancelreader.NewReader(r); err == nil {
		return cr
	}
	return &plainReader{r: r}
}

// plainReader stands in for inputs that epoll cannot watch (regular
// files): its Read cannot be interrupted, so Cancel reports false and Run
// does not wait for it.
type plainReader struct {
	r        io.Reader
	canceled atomic.Bool
}

func (p *plainReader) Read(b []byte) (int, error) {
	if p.canceled.Load() {
		return 0, cancelreader.ErrCanceled
	}
	return p.r.Read(b)
}

func (p *plainReader) Cancel() bool { p.canceled.Store(true); return false }

func (p *plainReader) Close() error { return nil }
