package views

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/ptyrun"
)

// SetupTokenCommand is how screens and messages name the login program.
const SetupTokenCommand = "claude setup-token"

// DefaultLoginTimeout bounds one `claude setup-token` run: long enough to
// sign in in a browser and paste a code, short enough that a forgotten
// terminal does not keep the child forever.
const DefaultLoginTimeout = 15 * time.Minute

// ClaudeInstallHint tells a user without Claude Code how to get it.
const ClaudeInstallHint = "npm install -g @anthropic-ai/claude-code"

// LoginOptions tune SetupTokenLogin. The zero value is usable.
type LoginOptions struct {
	// ID is copied into the LoginFinishedMsg so that the screen that asked
	// can tell its own result from a stale one (e.g. a profile id or an
	// attempt counter).
	ID string
	// Env is the child's environment; nil inherits this process's.
	Env []string
	// Timeout ends the child when it runs longer; zero means
	// DefaultLoginTimeout, negative means no limit.
	Timeout time.Duration
	// KillGrace is passed to ptyrun (zero: ptyrun's default).
	KillGrace time.Duration
	// Clock stamps LoginFinishedMsg.At (nil: time.Now).
	Clock func() time.Time
}

// LoginFinishedMsg is what SetupTokenLogin's command yields when
// `claude setup-token` has ended and the TUI has the terminal back.
//
// Token is the captured setup token, held only in memory: never print it,
// show it through authstore.Mask. Err is nil exactly when Token is set;
// otherwise it says in one line why there is none (a *ptyrun.CaptureError
// matching ptyrun.ErrNoToken and, when they apply, ptyrun.ErrCancelled or
// ptyrun.ErrTimeout; or a plain error when the pty or the program could not
// be started). Result tells how the child ended.
type LoginFinishedMsg struct {
	ID     string
	Token  string
	Err    error
	Result ptyrun.Result
	// At is when the run ended: a captured token's year starts then.
	At time.Time
}

// String describes the message without the token, so that logging it by
// mistake leaks nothing.
func (m LoginFinishedMsg) String() string {
	if m.Err != nil {
		return fmt.Sprintf("LoginFinishedMsg{%s: %v}", m.ID, m.Err)
	}
	return fmt.Sprintf("LoginFinishedMsg{%s: token captured (%d characters)}", m.ID, len(m.Token))
}

// ExecReturned marks claude's end as the terminal coming back.
func (LoginFinishedMsg) ExecReturned() {}

// GoString is String, so that %#v cannot print the token either.
func (m LoginFinishedMsg) GoString() string { return m.String() }

// Cancelled reports whether the user ended the run (ctrl+]) or it was
// stopped from outside, rather than the program failing by itself.
func (m LoginFinishedMsg) Cancelled() bool { return errors.Is(m.Err, ptyrun.ErrCancelled) }

// SetupTokenLogin returns a command that hands the terminal to
// `<claudePath> setup-token` in a pty (tea.Exec with a ptyrun.Session),
// announcing ctrl+] as the way out, clears the screen claude printed the
// token on once it is captured, and yields a LoginFinishedMsg when the
// TUI has the terminal back. The program's exit status does not decide
// success: only a whole captured token does. ctx cancels the run.
func SetupTokenLogin(ctx context.Context, claudePath string, opts LoginOptions) tea.Cmd {
	cmd := exec.Command(claudePath, "setup-token")
	cmd.Env = opts.Env
	timeout := opts.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultLoginTimeout
	case timeout < 0:
		timeout = 0
	}
	s := ptyrun.New(ctx, cmd, ptyrun.Options{
		Name:      SetupTokenCommand,
		Banner:    ptyrun.CancelHint(SetupTokenCommand),
		Timeout:   timeout,
		KillGrace: opts.KillGrace,
	})
	id, clock := opts.ID, opts.Clock
	if clock == nil {
		clock = time.Now
	}
	return tea.Exec(&loginExec{s: s}, func(err error) tea.Msg {
		at := clock()
		res := s.Result()
		tok, ok := res.Token()
		if ok {
			err = nil
		} else if err == nil {
			err = res.Err()
		}
		return LoginFinishedMsg{ID: id, Token: tok, Err: err, Result: res, At: at}
	})
}

// loginExec runs a Session for tea.Exec and, when a token was captured,
// clears the screen it was printed on: claude shows the token in full, and
// moltbot has it now, so it need not stay in the terminal's scrollback.
type loginExec struct {
	s   *ptyrun.Session
	out io.Writer
}

func (l *loginExec) Run() error {
	err := l.s.Run()
	if _, ok := l.s.Result().Token(); ok {
		out := l.out
		if out == nil {
			out = os.Stdout
		}
		_, _ = io.WriteString(out, ptyrun.ClearScreen)
	}
	return err
}

func (l *loginExec) SetStdin(r io.Reader)  { l.s.SetStdin(r) }
func (l *loginExec) SetStdout(w io.Writer) { l.out = w; l.s.SetStdout(w) }
func (l *loginExec) SetStderr(w io.Writer) { l.s.SetStderr(w) }

var _ tea.ExecCommand = (*loginExec)(nil)

// FindClaude looks `claude` up on the PATH that lookPath sees
// (exec.LookPath when nil). The error, when there is one, says how to
// install Claude Code.
func FindClaude(lookPath func(string) (string, error)) (string, error) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	p, err := lookPath("claude")
	if err != nil {
		return "", ErrClaudeMissing
	}
	return p, nil
}

// ErrClaudeMissing says `claude` is not on PATH and how to get it.
var ErrClaudeMissing = errors.New("`claude` (Claude Code) is not on your PATH: install it with `" + ClaudeInstallHint + "`, or paste a token made elsewhere")
