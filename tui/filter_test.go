package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// While a filter is typed, q and ? are text, not quit and help; keys that
// arrive together (tmux, ssh) are taken as one piece of text; esc clears.
func TestFilterTakesEveryKeyAsText(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := s.app(false)
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.Update(a.Dashboard().Init()())
	press(a, "/")
	for _, k := range []string{"q", "?"} {
		if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}); isQuit(cmd) {
			t.Fatalf("%s quit while a filter was typed", k)
		}
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("wx")}); isQuit(cmd) {
		t.Fatal("quit")
	}
	v, _, bar := screen(a)
	if !strings.Contains(v, "/ q?wx▏") || a.showHelp {
		t.Errorf("the filter line does not hold q?wx (help shown: %v):\n%s", a.showHelp, v)
	}
	if bar != "enter keep filter · esc clear filter" {
		t.Errorf("help bar while typing: %q", bar)
	}
	press(a, "esc")
	if v, _, _ := screen(a); strings.Contains(v, "/ q?wx") || a.Dashboard().CapturesInput() {
		t.Errorf("esc left the filter:\n%s", v)
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); !isQuit(cmd) {
		t.Error("q does not quit once the filter is gone")
	}
}
