package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/internal/termbg"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/tui"
)

// runRoot opens the dashboard on a terminal, or prints `models status`
// when stdout is not a terminal or the terminal cannot draw it
// (TERM=dumb: no cursor movement, no alternate screen).
func (a *app) runRoot(c *cobra.Command) error {
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	warn, err := timefmt.Parse(a.warn)
	if err != nil {
		return usageError("--warn: %v", err)
	}
	if !a.env.IsTerminal(a.env.Stdout) {
		return a.runStatus(ctx, statusOptions{warn: a.warn})
	}
	if a.env.Getenv("TERM") == "dumb" {
		fmt.Fprintln(a.env.Stderr, "moltbot: TERM=dumb cannot show the dashboard; here is `moltbot models status` instead")
		return a.runStatus(ctx, statusOptions{warn: a.warn})
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
		Warn:     warn,
		Renderer: r,
		Watch:    true,
		Mouse:    true,
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
// the program owns the terminal's input. lipgloss's default renderer gets
// the same answer: huh's base theme and bubbles' default styles render
// through it, and left alone it would ask the terminal itself, mid-program,
// while bubbletea reads the answer as keys (and termenv waits 5 s).
func (a *app) renderer() *lipgloss.Renderer {
	r := a.newRenderer()
	dark := a.darkBackground(r)
	r.SetHasDarkBackground(dark)
	lipgloss.SetHasDarkBackground(dark)
	return r
}

// newRenderer is a renderer on a.env.Stdout whose colour follows the
// injected environment. Its background is not known yet: see
// darkBackground.
func (a *app) newRenderer() *lipgloss.Renderer {
	return lipgloss.NewRenderer(a.env.Stdout, termenv.WithEnvironment(environ{a.env.Getenv}))
}

// darkBackground reports whether the terminal behind r has a dark
// background, asking the terminal at most once per invocation and only when
// the answer is used: r renders colour (not NO_COLOR, TERM=dumb or a pipe)
// to a terminal. Without an answer (not asked, or no answer within
// termbg.Timeout) it is dark, as lipgloss assumes.
func (a *app) darkBackground(r *lipgloss.Renderer) bool {
	a.background.Do(func() {
		if r.ColorProfile() == termenv.Ascii {
			return
		}
		f, ok := a.env.Stdout.(*os.File)
		if !ok || !a.env.IsTerminal(f) {
			return
		}
		if c, ok := termbg.Ask(f, a.env.Getenv); ok {
			a.lightBackground = !c.Dark()
		}
	})
	return !a.lightBackground
}

// environ adapts Env.Getenv for termenv.
type environ struct{ getenv func(string) string }

// Environ is not used by termenv's colour detection.
func (e environ) Environ() []string { return nil }

// Getenv reads the injected environment.
func (e environ) Getenv(k string) string { return e.getenv(k) }
