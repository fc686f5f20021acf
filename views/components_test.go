package views

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// The components' own tests run inside the package, which cannot import
// tui (it imports views): they get this keymap, the default one's shape
// with the same keys, and unstyled styles.

func bind(help string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, help))
}

func testKeys() DashboardKeys {
	return DashboardKeys{
		Up: bind("↑/k", "up", "k"), Down: bind("↓/j", "down", "j"),
		PageUp: bind("pgup", "pgup"), PageDown: bind("pgdn", "pgdown"),
		Top: bind("home", "home"), Bottom: bind("end", "end"),
		NextPane: bind("tab", "tab"), PrevPane: bind("shift+tab", "shift+tab"),
		Left: bind("←/h", "left", "h"), Right: bind("→/l", "right", "l"),
		Grab: bind("space", " ", "enter"), Drop: bind("space", " ", "enter"), Cancel: bind("esc", "esc"),
		MoveUp: bind("K/⇧↑", "K", "shift+up"), MoveDown: bind("J/⇧↓", "J", "shift+down"),
		Add: bind("a", "a"), Remove: bind("d", "d"), ClearOrder: bind("c", "c"), Reload: bind("r", "r"),
		Probe: bind("p", "p"), ProbeAll: bind("P", "P"),
		Agents: bind("g", "g"), PickAgent: bind("enter", "enter", " "), ClosePicker: bind("esc", "esc"),
		Renew: bind("R", "R"), Confirm: bind("y", "y"), Deny: bind("n/esc", "n", "esc"),
	}
}

// press is the key message of a key name ("down", "esc", "K", …).
func press(name string) tea.KeyMsg {
	switch name {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// plain is lines without styling, joined.
func plain(lines []string) string { return ansi.Strip(strings.Join(lines, "\n")) }

// msgOf runs cmd and returns its message (nil for no command).
func msgOf(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}
