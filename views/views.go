// Package views holds moltbot's screens: the dashboard, the reorderable
// profile list, the wizard and the help overlay. Each screen declares what
// it needs (its key map and style shapes); tui fills them in.
package views

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// Component is a screen the root program routes to.
type Component interface {
	tea.Model
	help.KeyMap
	// SetSize tells the screen how much room it has.
	SetSize(width, height int)
	// CapturesInput reports whether the screen is taking text, in which case
	// the root leaves global keys (q, ?) to it.
	CapturesInput() bool
}

// Env is what every screen gets from the program: where the files are and
// what time it is.
type Env struct {
	Paths authstore.Paths
	// Clock gives the first "now"; afterwards screens use TickMsg times.
	Clock func() time.Time
	// Getenv reads the process environment, for provider keys such as
	// ANTHROPIC_API_KEY that the gateway would use; nil is an empty
	// environment, so tests never see the machine's keys.
	Getenv func(string) string
	// Home is the user's home directory; paths under it are shown as "~/…".
	Home string
	// Warn is how far ahead an expiry counts as expiring (the dashboard's
	// --warn); zero is authstore.DefaultWarn.
	Warn time.Duration
	// Keys and Styles are filled by tui (keys.go, theme.go), the only code
	// that chooses bindings and colours.
	Keys   KeyMap
	Styles Styles
}

// KeyMap is every screen's bindings. Each screen declares its own shape
// (DashboardKeys, …) and tui/keys.go fills it in.
type KeyMap struct {
	Dashboard DashboardKeys
	Wizard    WizardKeys
}

// Styles is every screen's styles, made by tui/theme.go from one renderer.
type Styles struct {
	Dashboard DashboardStyles
	Help      HelpStyles
	Wizard    WizardStyles
	// Status is `models status`'s text (no screen: a command prints it).
	Status StatusStyles
}

// FilesChangedMsg is broadcast by the root when the store, its lock, the
// config or .env changed on disk (debounced); screens showing that data
// reload it in a command.
type FilesChangedMsg struct{}

// TickMsg is the root's once-a-second tick; screens keep Time as "now".
type TickMsg struct{ Time time.Time }

// StatusLevel says how a status line message should look.
type StatusLevel int

// Status levels.
const (
	StatusInfo StatusLevel = iota
	StatusSuccess
	StatusWarn
	StatusError
)

// StatusMsg asks the root to show text in the status line. Seq identifies
// the message so that a clear-timer cannot erase a newer one.
type StatusMsg struct {
	Level StatusLevel
	Text  string
	Seq   int
}

// WizardClosedMsg says the wizard closed; Saved names the profile it wrote
// ("" when the user left with nothing written).
type WizardClosedMsg struct{ Saved string }

// OpenWizardMsg asks the root to open the wizard.
type OpenWizardMsg struct{}

// ExecReturnedMsg is implemented by the messages that say a program run
// in the terminal (claude setup-token, the editor) has ended and the
// terminal is the program's again: bubbletea gives it back without the
// mouse reports, which the root turns on again.
type ExecReturnedMsg interface{ ExecReturned() }

// emit wraps a message in a command.
func emit(m tea.Msg) tea.Cmd { return func() tea.Msg { return m } }
