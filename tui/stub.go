package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/views"
)

// stub stands in for the wizard until it exists: it says how to add a
// credential meanwhile and goes back on esc.
type stub struct {
	keys  StubKeys
	theme Theme
	w, h  int
}

var _ views.Component = (*stub)(nil)

func newStub(_ views.Env, keys StubKeys, theme Theme) *stub {
	return &stub{keys: keys, theme: theme}
}

// Init starts nothing.
func (s *stub) Init() tea.Cmd { return nil }

// SetSize keeps the area to centre the text in.
func (s *stub) SetSize(w, h int) { s.w, s.h = w, h }

// CapturesInput is false: the stub takes no text.
func (s *stub) CapturesInput() bool { return false }

// Update goes back on esc or enter.
func (s *stub) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, s.keys.Back) {
		return s, func() tea.Msg { return views.WizardClosedMsg{} }
	}
	return s, nil
}

// View says how to add a credential meanwhile.
func (s *stub) View() string {
	text := s.theme.Message.Bold(true).Render("Add a credential") + "\n\n" +
		s.theme.Message.Render("The wizard is coming — use `moltbot models auth paste-token` meanwhile:") + "\n\n" +
		s.theme.Dim.Render("  moltbot models auth paste-token --provider anthropic") + "\n\n" +
		s.theme.Dim.Render("The dashboard picks the new profile up by itself.")
	return lipgloss.Place(s.w, s.h, lipgloss.Center, lipgloss.Center, text)
}

// ShortHelp is the way back.
func (s *stub) ShortHelp() []key.Binding { return []key.Binding{s.keys.Back} }

// FullHelp is the way back.
func (s *stub) FullHelp() [][]key.Binding { return [][]key.Binding{{s.keys.Back}} }
