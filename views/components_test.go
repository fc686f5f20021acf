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

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func testKeys() DashboardKeys {
	return DashboardKeys{
		Up: bind("↑/k", "up", "up", "k"), Down: bind("↓/j", "down", "down", "j"),
		PageUp: bind("pgup", "page up", "pgup"), PageDown: bind("pgdn", "page down", "pgdown"),
		Top: bind("home", "first", "home"), Bottom: bind("end", "last", "end"),
		NextPane: bind("tab", "switch pane", "tab"), PrevPane: bind("shift+tab", "switch pane", "shift+tab"),
		Left: bind("←/h", "providers", "left", "h"), Right: bind("→/l", "profiles", "right", "l"),
		Grab: bind("space/enter", "grab to move", " ", "enter"), Drop: bind("space/enter", "drop & save", " ", "enter"),
		Cancel:   bind("esc", "cancel move", "esc"),
		MoveUp:   bind("K/⇧↑", "move up & save", "K", "shift+up"),
		MoveDown: bind("J/⇧↓", "move down & save", "J", "shift+down"),
		Add:      bind("a", "add", "a"), Remove: bind("d", "remove", "d"), ClearOrder: bind("c", "clear order", "c"),
		Reload: bind("r", "reload", "r"), Probe: bind("p", "probe profile", "p"), ProbeAll: bind("P", "probe provider", "P"),
		Agents: bind("g", "pick agent", "g"), PickAgent: bind("enter", "show agent", "enter", " "), ClosePicker: bind("esc", "cancel", "esc"),
		Renew: bind("R", "renew token", "R"), Confirm: bind("y", "remove", "y"), Deny: bind("n/esc", "keep", "n", "esc"),
		Click: bind("click", "select a row or provider", "mouse:click"), Drag: bind("drag", "move a profile, release saves", "mouse:drag"),
		Wheel:         bind("wheel", "scroll", "mouse:wheel"),
		Copy:          bind("C", "copy to agent", "C"),
		ClearCooldown: bind("u", "clear cooldown", "u"), InOrder: bind("x", "exclude/include", "x"),
		Filter: bind("/", "filter", "/"), AcceptFilter: bind("enter", "keep filter", "enter"), ClearFilter: bind("esc", "clear filter", "esc"),
		NextTrouble: bind("n", "next to fix", "n"), PrevTrouble: bind("N", "previous to fix", "N"),
		Undo: bind("z", "undo", "z"), EditConfig: bind("e", "edit config", "e"),
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
