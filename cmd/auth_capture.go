package cmd

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/moltbot/moltbot/ptyrun"
	"github.com/moltbot/moltbot/views"
)

// errPasteInstead says no token was captured and the user will paste one:
// the caller asks for it its own way (hidden prompt, or the add form).
var errPasteInstead = errors.New("no token captured; paste it instead")

// captureToken gets a Claude setup token for `models auth setup-token` and
// `models auth add` from `claude setup-token` run in a pty on the user's
// terminal. When claude is missing, or nothing was captured and the user
// agrees to paste, it says why and returns errPasteInstead. Tests set
// captureSetupToken to skip claude.
func (a *app) captureToken(ctx context.Context, pr *prompter) (string, error) {
	if captureSetupToken != nil {
		return captureSetupToken(ctx)
	}
	path, err := a.lookPath("claude")
	if err != nil {
		fmt.Fprintf(a.env.Stderr, "`claude` (Claude Code) is not on your PATH, so moltbot cannot run `%s` for you.\n"+
			"Install it with `%s` and run this again, or paste a token made with `%s` elsewhere.\n",
			views.SetupTokenCommand, views.ClaudeInstallHint, views.SetupTokenCommand)
		return "", errPasteInstead
	}
	s := ptyrun.New(ctx, exec.Command(path, "setup-token"), ptyrun.Options{
		Name:    views.SetupTokenCommand,
		Banner:  ptyrun.CancelHint(views.SetupTokenCommand),
		Timeout: views.DefaultLoginTimeout,
	})
	s.SetStdin(a.env.Stdin)
	s.SetStdout(a.env.Stdout)
	runErr := s.Run()
	if tok, ok := s.Result().Token(); ok {
		// claude printed the token in full; moltbot has it now, so it need
		// not stay on the screen or in the scrollback (as in the wizard).
		if a.env.IsTerminal(a.env.Stdout) {
			fmt.Fprint(a.env.Stdout, ptyrun.ClearScreen)
		}
		return tok, nil
	}
	if ctx.Err() != nil {
		return "", errCancelled
	}
	fmt.Fprintf(a.env.Stderr, "No token was captured: %v.\n", runErr)
	paste, err := pr.confirm(ctx, "Paste the token instead?")
	if err != nil {
		return "", err
	}
	if !paste {
		return "", errors.New("no token was captured; nothing was saved (run it again, or pass --paste to paste a token)")
	}
	return "", errPasteInstead
}
