// Package cmd holds moltbot's cobra commands: flags, terminal checks and
// wiring. Rendering lives in tui/ and views/, file access in authstore/.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// Exit codes shared by every command.
const (
	ExitOK       = 0
	ExitFailure  = 1
	ExitExpiring = 2  // `--check`: something expires soon
	ExitUsage    = 64 // EX_USAGE: bad flags or arguments
	// ExitInterrupted is ctrl+c's code (128 + SIGINT); SIGTERM and SIGHUP
	// give 128 + theirs.
	ExitInterrupted = 130
)

// Set by -ldflags "-X github.com/moltbot/moltbot/cmd.version=…" in release
// builds; otherwise read from the module's build info.
var (
	version = ""
	commit  = ""
	date    = ""
)

// ExitError carries an exit code out of a command. A nil Err means the
// command already said what it had to say.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks a mistake in how the command was called (exit 64).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// exitCode is a result code without a message.
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}

// Env is what commands need from the outside world; tests replace it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Home   string
	Now    func() time.Time
	// IsTerminal reports whether f (Stdin/Stdout) is an interactive terminal.
	IsTerminal func(f any) bool
	// TermWidth is the width in columns of the terminal f is, or 0 when f
	// is not a terminal (or nil: no width known, nothing is fitted).
	TermWidth func(f any) int
}

// DefaultEnv is the real process environment.
func DefaultEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Home:       home,
		Now:        time.Now,
		IsTerminal: isTerminal,
		TermWidth:  termWidth,
	}
}

// app is the state shared by one invocation's commands.
type app struct {
	env   Env
	agent string // --agent
	warn  string // the dashboard's --warn
	// --state-dir and --gateway: read by authstore as MOLTBOT_STATE_DIR
	// and MOLTBOT_GATEWAY through env.Getenv (see gatewayFlags).
	stateDir stateDirFlag
	gateway  gatewayFlag

	// background asks the terminal for its background colour once (see
	// darkBackground); lightBackground is its answer.
	background      sync.Once
	lightBackground bool
}

// paths resolves the files for this invocation's agent.
func (a *app) paths() (authstore.Paths, error) {
	if err := refuseSecretFlag("agent", a.agent, "an agent id such as main or work"); err != nil {
		return authstore.Paths{}, err
	}
	if err := a.checkGatewayEnv(); err != nil {
		return authstore.Paths{}, err
	}
	p, err := authstore.ResolvePaths(a.agent, a.env.Getenv, a.env.Home)
	if err != nil {
		return p, usageError("%v", err)
	}
	return p, nil
}

// shown is how a path reads in what is written to w: under home as ~/… on
// a terminal (as on the dashboard and in models status), whole when piped,
// for whatever reads it.
func (a *app) shown(w io.Writer, path string) string {
	if sw, ok := w.(safeWriter); ok {
		w = sw.w
	}
	if a.env.IsTerminal != nil && a.env.IsTerminal(w) {
		return views.DisplayPath(path, a.env.Home)
	}
	return path
}

// NewRootCommand builds the command tree around env.
func NewRootCommand(env Env) *cobra.Command {
	a := &app{env: env}
	a.env.Getenv = a.withFlags(env.Getenv)
	root := &cobra.Command{
		Use:   "moltbot",
		Short: "Manage a moltbot gateway's model credentials",
		Long: "moltbot shows, adds, checks and orders the model-provider credentials (auth profiles)\n" +
			"of an AI gateway (clawdbot, openclaw), in the gateway's own files, safely beside a running gateway.\n" +
			"It finds out which gateway release wrote the files (see `moltbot doctor`) and never migrates them.\n\n" +
			"Run without arguments on a terminal for the live dashboard.",
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runRoot(c)
		},
	}
	// An --agent that names no agent: refused when the command writes,
	// a warning when it reads (typos.go).
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return a.checkAgentFlag(c) }
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetVersionTemplate("moltbot {{.Version}}\n")
	root.PersistentFlags().StringVar(&a.agent, "agent", "", "agent id (default: main, or $CLAWDBOT_AGENT_DIR)")
	root.Flags().StringVar(&a.warn, "warn", "24h", "how far ahead an expiry counts as expiring: the title's badge and counts (e.g. 24h, 3d, 90m)")
	a.addGatewayFlags(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: ExitUsage, Err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	models := &cobra.Command{
		Use:   "models",
		Short: "Inspect and change model credentials",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return unknownSubcommand(c, args[0])
		},
	}
	root.AddCommand(models)
	models.AddCommand(a.newStatusCommand())
	for _, add := range extraCommands {
		add(a, root, models)
	}
	return root
}

// extraCommands lets each command file register itself without one file
// having to know every command.
var extraCommands []func(a *app, root, models *cobra.Command)

// Execute runs moltbot with the process's arguments and returns the exit code.
func Execute() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	stop := watchSignals(cancel, os.Stderr)
	defer stop()
	// lipgloss's default renderer would ask the terminal for its background
	// the first time anything renders an adaptive colour through it, with
	// termenv's 5 s wait: moltbot asks itself, only where colour is shown
	// (darkBackground), and tells it the answer; until then it is dark.
	lipgloss.SetHasDarkBackground(true)
	env := DefaultEnv()
	if debugs(env.Getenv("MOLTBOT_DEBUG"), "lock") {
		authstore.ObserveLocks(func(w authstore.LockWait) { fmt.Fprintln(env.Stderr, lockWaitLine(w)) })
	}
	code := Run(ctx, env, os.Args[1:])
	// A transaction still under way (the dashboard's last save) ends before
	// the process does, and releases its lock; a lock wait gives up.
	authstore.Interrupt()
	authstore.WaitIdle(drainWait)
	return code
}

// drainWait bounds how long an ending process waits for its transactions
// under way (they take milliseconds; a second ctrl+c stops the wait).
const drainWait = 10 * time.Second

// signalCause is why the command's context was cancelled: a signal.
type signalCause struct{ sig os.Signal }

func (s *signalCause) Error() string { return "interrupted by " + s.sig.String() }

// signalExitCode is 128 + the signal's number, as shells report it.
func signalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitInterrupted
}

// stopSignals ask moltbot to stop: ctrl+c, kill, and a terminal hang-up
// (an SSH connection dropped). A signal the process was started with
// ignored (nohup, a background job) stays ignored.
func stopSignals() []os.Signal {
	var sigs []os.Signal
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}

// watchSignals handles the stop signals: the first asks the command to stop
// cleanly (its context is cancelled, every lock wait gives up, a
// transaction that holds its lock finishes and releases it); a second one
// exits at once, after waiting for a rename under way and removing this
// process's locks and temp files, so every file is as it was or fully
// written. stop ends the watch.
func watchSignals(cancel context.CancelCauseFunc, stderr io.Writer) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, stopSignals()...)
	done := make(chan struct{})
	go func() {
		select {
		case first := <-ch:
			cancel(&signalCause{first})
			authstore.Interrupt()
		case <-done:
			return
		}
		select {
		case second := <-ch:
			authstore.Abandon()
			fmt.Fprintln(stderr, "moltbot: interrupted again; stopped at once")
			os.Exit(signalExitCode(second))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// debugs reports whether MOLTBOT_DEBUG's comma-separated list names what.
func debugs(list, what string) bool {
	for _, w := range strings.Split(list, ",") {
		if strings.TrimSpace(w) == what {
			return true
		}
	}
	return false
}

// lockWaitLine is what MOLTBOT_DEBUG=lock prints for one lock taken (or
// not): the lock's path, the wait in milliseconds and the tries, e.g.
//
//	moltbot: debug: lock /…/auth-profiles.json.lock taken after 12.3 ms, 4 attempts
func lockWaitLine(w authstore.LockWait) string {
	outcome := "taken"
	if w.Err != nil {
		outcome = "not taken"
	}
	return fmt.Sprintf("moltbot: debug: lock %s %s after %.1f ms, %s", w.Path, outcome,
		float64(w.Waited.Microseconds())/1000, plural(w.Tries, "attempt"))
}

// Run executes args against env and returns the exit code; errors are
// printed as one line on env.Stderr.
func Run(ctx context.Context, env Env, args []string) int {
	root := NewRootCommand(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitFailure
	var ee *ExitError
	if interruptedBy(ctx, err) {
		code = ExitInterrupted
		var sc *signalCause
		if errors.As(context.Cause(ctx), &sc) {
			code = signalExitCode(sc.sig)
		}
		if err.Error() == authstore.ErrInterrupted.Error() || err.Error() == context.Canceled.Error() {
			err = authstore.ErrInterrupted // "interrupted; nothing was changed"
		}
	} else if errors.Is(err, authstore.ErrLockLost) {
		// Its own line says it all: "the lock on … was taken over while
		// this command was paused; nothing was written".
		code = ExitFailure
	} else if errors.As(err, &ee) {
		code = ee.Code
		if ee.Err == nil {
			return code
		}
	} else if isCobraUsageError(err) {
		code = ExitUsage
		err = fmt.Errorf("%w (see 'moltbot --help')", err)
	}
	// One line, whatever file text or argument the error repeats: a
	// secret given as an argument is not shown, and nothing in the line is
	// terminal control.
	fmt.Fprintf(env.Stderr, "moltbot: %s\n", authstore.SafeText(hideSecretArgs(err.Error(), args)))
	return code
}

// interruptedBy reports whether err is the command giving up because it was
// asked to stop (ctrl+c, SIGTERM, SIGHUP): a lock wait that gave up, or a
// prompt or wait that ended when the context was cancelled.
func interruptedBy(ctx context.Context, err error) bool {
	if errors.Is(err, authstore.ErrInterrupted) {
		return true
	}
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, errCancelled))
}

// isCobraUsageError recognises cobra's own argument errors, which are plain
// errors ("unknown command", "accepts 0 arg(s)").
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand", "invalid argument", "flag needs an argument", "required flag"} {
		if len(msg) >= len(p) && containsFold(msg, p) {
			return true
		}
	}
	return false
}

func versionString() string {
	v, c, d := version, commit, date
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if c == "" {
					c = s.Value
				}
			case "vcs.time":
				if d == "" {
					d = s.Value
				}
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	out := v
	if c != "" {
		out += " (commit " + c
		if d != "" {
			out += ", built " + d
		}
		out += ")"
	}
	return out
}
