package cmd

import (
	"context"
	"errors"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/tui"
)

// runRoot opens the dashboard on a terminal, or prints `models status`
// when stdout is not a terminal.
func (a *app) runRoot(c *cobra.Command) error {
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if !a.env.IsTerminal(a.env.Stdout) {
		return a.runStatus(ctx, statusOptions{})
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	// One renderer decides colour for the whole program, from the real
	// output and the injected environment (NO_COLOR, COLORTERM, …).
	r := a.renderer()
	app := tui.New(tui.Options{
		Paths:    paths,
		Clock:    a.env.Now,
		Getenv:   a.env.Getenv,
		Home:     a.env.Home,
		Renderer: r,
		Watch:    true,
	})
	defer app.Close() //nolint:errcheck // nothing to do about a failed unwatch on exit
	opts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithOutput(a.env.Stdout),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
		tea.WithReportFocus(),
	}
	if a.env.IsTerminal(a.env.Stdin) {
		opts = append(opts, tea.WithInput(a.env.Stdin))
	} else {
		opts = append(opts, tea.WithInputTTY())
	}
	_, err = tea.NewProgram(app, opts...).Run()
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // interrupted by a signal: the terminal is restored, nothing to add
	}
	return err
}

// renderer is the one lipgloss renderer of a program on a.env.Stdout:
// colour decided from the real output and the injected environment
// (NO_COLOR, COLORTERM, …), and whether the background is dark known before
// the program owns the terminal's input.
func (a *app) renderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(a.env.Stdout, termenv.WithEnvironment(environ{a.env.Getenv}), termenv.WithColorCache(true))
	r.SetHasDarkBackground(a.darkBackground(r))
	return r
}

// darkBackground reports whether the terminal behind r is dark. When r
// writes to the process's stdout, bubbletea's init has already asked the
// terminal (lipgloss's default renderer keeps the answer): asking again
// would cost another round trip — over ssh, a network one — or, on a
// terminal that answers neither query, another 5 s wait.
func (a *app) darkBackground(r *lipgloss.Renderer) bool {
	if f, ok := a.env.Stdout.(*os.File); ok && f == os.Stdout {
		return lipgloss.HasDarkBackground()
	}
	return r.HasDarkBackground()
}

// environ adapts Env.Getenv for termenv.
type environ struct{ getenv func(string) string }

// Environ is not used by termenv's colour detection.
func (e environ) Environ() []string { return nil }

// Getenv reads the injected environment.
func (e environ) Getenv(k string) string { return e.getenv(k) }
