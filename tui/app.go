// Package tui is moltbot's full-screen program: the root model that routes
// messages between screens, lays them out, owns the status line, the help
// bar, the clock tick and the file watcher, and the only code that picks key
// bindings (keys.go) and colours (theme.go).
package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// Options is what the program needs from the command that starts it.
type Options struct {
	Paths authstore.Paths
	// Clock is "now"; the root's tick reads it once a second.
	Clock func() time.Time
	// Getenv is the process environment (provider keys); nil is empty.
	Getenv func(string) string
	// Home abbreviates paths on screen.
	Home string
	// Warn is how far ahead an expiry counts as expiring (0: the default).
	Warn time.Duration
	// Mouse says the program reports the mouse (tea.WithMouseCellMotion):
	// it is turned on again when the terminal comes back after a suspend
	// or a program run in it.
	Mouse bool
	// Renderer decides colour (nil: lipgloss's default renderer).
	Renderer *lipgloss.Renderer
	// NewWizard makes the add-a-credential screen; nil is views.NewWizard
	// with the real PATH and environment.
	NewWizard func(views.Env) views.Component
	// StartInWizard opens the wizard first and quits when it closes
	// (`moltbot onboard`).
	StartInWizard bool
	// Watch reloads when the files change on disk.
	Watch bool
}

// statusLine is the message at the bottom.
type statusLine struct {
	level views.StatusLevel
	text  string
	seq   int
}

// clearStatusMsg ends a status message, unless a newer one replaced it.
type clearStatusMsg struct{ seq int }

// How long messages stay; errors stay until a key is pressed.
const (
	infoFor = 5 * time.Second
	warnFor = 15 * time.Second
)

// App is the root model.
type App struct {
	opts   Options
	env    views.Env
	keys   Keys
	theme  Theme
	layout layout
	help   help.Model

	dash     *views.Dashboard
	wizard   views.Component // nil when closed
	showHelp bool

	status    statusLine
	statusSeq int
	watch     *watcher
}

// New builds the root model.
func New(o Options) *App { return newApp(o, DefaultKeys()) }

// newApp builds the root model with keys (tests move keys to check that
// the screen follows).
func newApp(o Options, keys Keys) *App {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	theme := NewTheme(o.Renderer)
	env := views.Env{
		Paths:  o.Paths,
		Clock:  o.Clock,
		Getenv: o.Getenv,
		Home:   o.Home,
		Warn:   o.Warn,
		Keys:   keys.Views,
		Styles: theme.Views,
	}
	h := help.New()
	h.Styles = theme.HelpBar
	h.ShortSeparator = " · "
	a := &App{opts: o, env: env, keys: keys, theme: theme, help: h}
	a.dash = views.NewDashboard(env)
	if o.StartInWizard {
		a.wizard = a.newWizard()
	}
	return a
}

// Dashboard is the dashboard screen (for tests and wiring).
func (a *App) Dashboard() *views.Dashboard { return a.dash }

// Close stops the file watcher; call it after the program ends.
func (a *App) Close() error {
	if a.watch != nil {
		return a.watch.Close()
	}
	return nil
}

func (a *App) newWizard() views.Component {
	if a.opts.NewWizard != nil {
		return a.opts.NewWizard(a.env)
	}
	return views.NewWizard(a.env, views.WizardOptions{})
}

// current is the screen that gets keys.
func (a *App) current() views.Component {
	if a.wizard != nil {
		return a.wizard
	}
	return a.dash
}

// tick is the one clock of the program.
func (a *App) tick() tea.Cmd {
	clock := a.opts.Clock
	return tea.Every(time.Second, func(time.Time) tea.Msg { return views.TickMsg{Time: clock()} })
}

// Init loads the dashboard, starts the clock and the watcher.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.dash.Init(), a.tick()}
	if a.wizard != nil {
		cmds = append(cmds, a.wizard.Init())
	}
	if a.opts.Watch {
		cmds = append(cmds, startWatch(a.opts.Paths))
	}
	return tea.Batch(cmds...)
}

// Update routes: size, keys, app messages, then the active screen.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return a, a.resize(msg.Width, msg.Height)

	case tea.KeyMsg:
		// Keys typed faster than the terminal is read (tmux, ssh, a quick
		// typist) arrive as one message with several runes; a screen that
		// is not taking text wants them one at a time.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !a.current().CapturesInput() {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
			}
			return a, tea.Sequence(cmds...)
		}
		if a.status.level == views.StatusError && a.status.text != "" {
			a.status = statusLine{} // an error stays until the next key
			refit := a.fitStatus()
			_, cmd := a.Update(msg)
			return a, tea.Batch(refit, cmd)
		}
		// The interrupt key (ctrl+c) quits, also while a screen takes
		// text, except in a wizard opened from the dashboard: there it
		// cancels the wizard (which writes nothing) and the dashboard comes
		// back, as esc on its first step does.
		if key.Matches(msg, a.keys.Global.Interrupt) {
			if a.wizard == nil || a.opts.StartInWizard {
				return a, tea.Quit
			}
			a.showHelp = false
			return a, a.updateCurrent(msg)
		}
		// ctrl+z suspends from anywhere, as in any terminal program; the
		// program comes back with tea.ResumeMsg.
		if key.Matches(msg, a.keys.Global.Suspend) {
			return a, tea.Suspend
		}
		if a.showHelp {
			a.showHelp = false
			if key.Matches(msg, a.keys.Global.Quit) {
				return a, a.quit()
			}
			return a, nil
		}
		if !a.current().CapturesInput() {
			switch {
			case key.Matches(msg, a.keys.Global.Quit):
				return a, a.quit()
			case key.Matches(msg, a.keys.Global.Help):
				a.showHelp = true
				return a, nil
			}
		}

	case tea.MouseMsg:
		if a.showHelp || a.layout.TooSmall {
			return a, nil
		}
		b := a.layout.Body
		msg.X -= b.X
		msg.Y -= b.Y
		return a, a.updateCurrent(msg)

	case views.TickMsg:
		return a, tea.Batch(a.broadcast(msg), a.tick())

	case tea.ResumeMsg:
		// Back from ctrl+z: bubbletea restored the screen but not the
		// mouse, and the files may have changed meanwhile.
		return a, tea.Batch(a.mouseOn(), a.broadcast(views.FilesChangedMsg{}))

	case views.ExecReturnedMsg:
		// Back from a program run in the terminal (claude setup-token, the
		// editor): the same, for the mouse.
		return a, tea.Batch(a.mouseOn(), a.updateCurrent(msg))

	case views.StatusMsg:
		a.statusSeq++
		a.status = statusLine{level: msg.Level, text: msg.Text, seq: a.statusSeq}
		cmd := a.fitStatus()
		switch msg.Level {
		case views.StatusError:
			return a, cmd
		case views.StatusWarn:
			return a, tea.Batch(cmd, clearAfter(warnFor, a.statusSeq))
		}
		return a, tea.Batch(cmd, clearAfter(infoFor, a.statusSeq))

	case clearStatusMsg:
		if msg.seq == a.status.seq {
			a.status = statusLine{}
			return a, a.fitStatus()
		}
		return a, nil

	case watchStartedMsg:
		a.watch = msg.w
		return a, msg.w.next()

	case filesChangedMsg:
		cmds := []tea.Cmd{a.broadcast(views.FilesChangedMsg{})}
		if a.watch != nil {
			cmds = append(cmds, a.watch.next())
		}
		return a, tea.Batch(cmds...)

	case views.AgentSwitchedMsg:
		// The dashboard shows another agent: watch its files, and let a
		// wizard opened from now on write there.
		a.opts.Paths, a.env.Paths = msg.Paths, msg.Paths
		if !a.opts.Watch {
			return a, nil
		}
		if a.watch != nil {
			_ = a.watch.Close()
			a.watch = nil
		}
		return a, startWatch(msg.Paths)

	case views.OpenWizardMsg:
		if a.wizard == nil {
			a.wizard = a.newWizard()
			a.wizard.SetSize(a.layout.Body.W, a.layout.Body.H)
			return a, a.wizard.Init()
		}
		return a, nil

	case views.WizardClosedMsg:
		a.wizard = nil
		if a.opts.StartInWizard {
			return a, tea.Quit
		}
		_, cmd := a.dash.Update(msg)
		return a, cmd
	}
	return a, a.updateCurrent(msg)
}

// resize lays the terminal out at w × h and gives every screen its room.
func (a *App) resize(w, h int) tea.Cmd {
	a.layout = computeLayout(w, h, len(a.statusLines(w)))
	body := a.layout.Body
	a.dash.SetSize(body.W, body.H)
	if a.wizard != nil {
		a.wizard.SetSize(body.W, body.H)
		// The wizard's forms size themselves from the message too.
		next, cmd := a.wizard.Update(tea.WindowSizeMsg{Width: body.W, Height: body.H})
		a.wizard = next.(views.Component)
		return cmd
	}
	return nil
}

// fitStatus lays the terminal out again when the status message needs
// another number of lines than the status line has.
func (a *App) fitStatus() tea.Cmd {
	l := a.layout
	if l.TooSmall || l.Width == 0 || len(a.statusLines(l.Width)) == l.Status.H {
		return nil
	}
	return a.resize(l.Width, l.Height)
}

// statusLines is the status message drawn w cells wide: a sign for its
// level, then the text, wrapped (not cut) in up to maxStatusLines lines.
func (a *App) statusLines(w int) []string {
	s := a.status
	if s.text == "" || w <= 0 {
		return []string{""}
	}
	var style lipgloss.Style
	var sign string
	switch s.level {
	case views.StatusSuccess:
		style, sign = a.theme.StatusSuccess, "✓ "
	case views.StatusWarn:
		style, sign = a.theme.StatusWarn, "! "
	case views.StatusError:
		style, sign = a.theme.StatusError, "✗ error: "
	default:
		style, sign = a.theme.StatusInfo, "· "
	}
	// Messages quote ids, providers and errors from files: one sanitiser
	// makes them data, never terminal control.
	text := sign + authstore.SafeText(s.text)
	inner := max(w-1, 1)
	// Broken between words (or after a hyphen), a word longer than the
	// line wherever it must be.
	lines := strings.Split(ansi.Hardwrap(ansi.Wordwrap(text, inner, ""), inner, true), "\n")
	if len(lines) > maxStatusLines {
		lines = lines[:maxStatusLines]
		lines[maxStatusLines-1] = ansi.Truncate(lines[maxStatusLines-1]+" …", inner, "…")
	}
	for i, l := range lines {
		lines[i] = " " + style.Render(l)
	}
	return lines
}

// quit ends the program, except during a move on the dashboard: then it
// cancels the move first (nothing is saved) and says so; the quit key
// again quits.
func (a *App) quit() tea.Cmd {
	if a.wizard == nil && a.dash.CancelMove() {
		_, cmd := a.Update(views.StatusMsg{Level: views.StatusInfo,
			Text: "move cancelled, nothing was saved; " + a.keys.Global.Quit.Help().Key + " again quits"})
		return cmd
	}
	return tea.Quit
}

// mouseOn turns mouse reports on again when the program uses the mouse
// (bubbletea turns them off when it hands the terminal over).
func (a *App) mouseOn() tea.Cmd {
	if !a.opts.Mouse {
		return nil
	}
	return tea.EnableMouseCellMotion
}

func clearAfter(d time.Duration, seq int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return clearStatusMsg{seq: seq} })
}

// updateCurrent hands msg to the active screen and keeps what it returns.
func (a *App) updateCurrent(msg tea.Msg) tea.Cmd {
	if a.wizard != nil {
		next, cmd := a.wizard.Update(msg)
		a.wizard = next.(views.Component)
		return cmd
	}
	next, cmd := a.dash.Update(msg)
	a.dash = next.(*views.Dashboard)
	return cmd
}

// broadcast sends msg to every screen (size, ticks and reloads only).
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	next, cmd := a.dash.Update(msg)
	a.dash = next.(*views.Dashboard)
	cmds := []tea.Cmd{cmd}
	if a.wizard != nil {
		n, c := a.wizard.Update(msg)
		a.wizard = n.(views.Component)
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

// View draws the whole terminal: exactly width × height, never wider.
func (a *App) View() string {
	l := a.layout
	if l.Width == 0 || l.Height == 0 {
		return ""
	}
	if l.TooSmall {
		lines := tooSmallNotice(l.Width, l.Height)
		for i, line := range lines {
			lines[i] = a.theme.Message.Render(line)
		}
		return strings.Join(lines, "\n")
	}
	screen := a.current()
	body := clip(screen.View(), l.Body.W, l.Body.H)
	out := body + "\n" + a.statusView(l.Status.W) + "\n" + a.helpView(l.Help.W)
	if a.showHelp {
		// Over the whole terminal: at 60×15 every key fits.
		global := append(a.globals(), a.keys.Global.Suspend)
		out = views.Overlay(out, views.HelpView(screen, global, a.theme.Views.Help, l.Width-4, l.Height), l.Width, l.Height)
	}
	return out
}

func (a *App) statusView(w int) string {
	lines := a.statusLines(w)
	for i, l := range lines {
		lines[i] = views.FitLine(l, w)
	}
	for len(lines) < a.layout.Status.H {
		lines = append(lines, views.FitLine("", w))
	}
	return strings.Join(lines[:max(a.layout.Status.H, 1)], "\n")
}

// globals are the help and quit keys as they act now: during a move the
// quit key cancels the move first.
func (a *App) globals() []key.Binding {
	q := a.keys.Global.Quit
	if a.wizard == nil && a.dash.Moving() {
		q.SetHelp(q.Help().Key, "cancel move")
	}
	return []key.Binding{a.keys.Global.Help, q}
}

func (a *App) helpView(w int) string {
	screen := a.current()
	var bindings []key.Binding
	for _, b := range screen.ShortHelp() {
		if b.Enabled() {
			bindings = append(bindings, b)
		}
	}
	var global []key.Binding
	if !screen.CapturesInput() { // while it takes text, q and ? are text
		global = a.globals()
	}
	// When the bar is too wide, the screen's last bindings give way (the
	// full help still has them); "? help" and "q quit" always stay.
	for n := len(bindings); ; n-- {
		bar := " " + a.help.ShortHelpView(append(bindings[:n:n], global...))
		if n == 0 || lipgloss.Width(bar) <= w {
			return views.FitLine(bar, w)
		}
	}
}
