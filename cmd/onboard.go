package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

func init() {
	extraCommands = append(extraCommands, func(a *app, root, _ *cobra.Command) {
		root.AddCommand(markWrites(&cobra.Command{
			Use:   "onboard",
			Short: "Add a credential step by step (the onboarding wizard)",
			Long: "The onboarding wizard: choose a provider and method (and, for an API key, the auth store or\n" +
				".env), name the profile, then either sign in with your Claude subscription (moltbot runs\n" +
				"`claude setup-token` in this terminal and captures the token it prints) or paste the key;\n" +
				"choose where it goes in the order, and save. `moltbot models auth add` asks the same steps.\n\n" +
				addKeys().Back.Help().Key + " goes back a step; " + addKeys().Quit.Help().Key + " leaves with nothing written. Needs a terminal; from a script use\n" +
				"`moltbot models auth paste-api-key` for an API key, `moltbot models auth paste-token` for a token.",
			Args: cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error {
				return a.runOnboard(c.Context())
			},
		}, "always"))
	})
}

func (a *app) runOnboard(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if !a.env.IsTerminal(a.env.Stdout) {
		return errors.New("`moltbot onboard` is interactive and needs a terminal; from a script, pipe the secret in: an API key to `moltbot models auth paste-api-key --provider P`, a token to `moltbot models auth paste-token --provider P`")
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	if err := writeRefusal(paths); err != nil {
		return err // before taking the screen: nothing could be saved
	}
	if _, err := authstore.LoadWithEnv(paths, a.env.Getenv); err != nil {
		return err // a corrupt store: say so before taking the screen
	}
	r := a.renderer()
	var wiz *views.Wizard
	app := tui.New(tui.Options{
		Paths:    paths,
		Clock:    a.env.Now,
		Getenv:   a.env.Getenv,
		Home:     a.env.Home,
		Renderer: r,
		NewWizard: func(env views.Env) views.Component {
			wiz = views.NewWizard(env, views.WizardOptions{Context: ctx, LookPath: a.lookPath})
			return wiz
		},
		StartInWizard: true,
	})
	defer app.Close() //nolint:errcheck // nothing is watched
	opts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithOutput(a.env.Stdout),
		tea.WithAltScreen(),
	}
	if a.env.IsTerminal(a.env.Stdin) {
		opts = append(opts, tea.WithInput(a.env.Stdin))
	} else {
		opts = append(opts, tea.WithInputTTY())
	}
	_, err = tea.NewProgram(app, opts...).Run()
	if err != nil && !(errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil) {
		return err
	}
	// The alternate screen is gone: repeat what happened on the main one.
	if wiz != nil {
		if saved := wiz.Saved(); saved != "" {
			fmt.Fprintf(a.env.Stdout, "Saved %s. Check it with `moltbot models status`.\n", saved)
			return nil
		}
	}
	return errCancelled
}

// lookPath finds an executable on the injected environment's PATH (the
// real one in production) as exec.LookPath does on the process's; an
// environment without PATH has none.
func (a *app) lookPath(name string) (string, error) {
	pathEnv := a.env.Getenv("PATH")
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			if !filepath.IsAbs(p) {
				if abs, err := filepath.Abs(p); err == nil {
					p = abs
				}
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, exec.ErrNotFound)
}
