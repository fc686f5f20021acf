package tui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/views"
)

// yields runs cmd (and the commands of a batch) and reports whether one of
// them yields a message like want.
func yields(cmd tea.Cmd, want tea.Msg) bool {
	if cmd == nil {
		return false
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if yields(c, want) {
				return true
			}
		}
		return false
	}
	return reflect.TypeOf(msg) == reflect.TypeOf(want) && fmt.Sprint(msg) == fmt.Sprint(want)
}

// Issue 14 part 1.5: q during a move cancels the move first (it used to
// quit and drop the move without a word); q again quits.
func TestQuitDuringAMoveCancelsItFirst(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	before := s.readStore()
	press(a, " ")
	press(a, "j")
	if !a.Dashboard().Moving() {
		t.Fatal("not moving")
	}
	_, _, bar := screen(a)
	if !strings.Contains(bar, "q cancel move") {
		t.Errorf("the bar does not say what q does now: %s", bar)
	}
	// (Not run: it is the status line's timer, not a quit.)
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); cmd != nil && reflect.ValueOf(cmd).Pointer() == reflect.ValueOf(tea.Quit).Pointer() {
		t.Fatal("q quit during a move")
	}
	if a.Dashboard().Moving() {
		t.Error("q did not cancel the move")
	}
	if _, status, _ := screen(a); !strings.Contains(status, "move cancelled, nothing was saved; q again quits") {
		t.Errorf("status %q", status)
	}
	if s.readStore() != before {
		t.Error("the cancelled move was saved")
	}
	if got := a.Dashboard().ShownOrder(); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:default", "anthropic:soon", "anthropic:work"}) {
		t.Errorf("order after the cancel %v", got)
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); !isQuit(cmd) {
		t.Error("q again did not quit")
	}
}

// ctrl+z suspends (bubbletea's tea.Suspend); back from it, the mouse is
// turned on again and the files are read again.
func TestCtrlZSuspendsAndResumeRestoresTheMouse(t *testing.T) {
	s := newScratch(t, "populated.json")
	o := s.options(false)
	o.Mouse = true
	a := New(o)
	t.Cleanup(func() { _ = a.Close() })
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyCtrlZ})
	if cmd == nil || !yields(cmd, tea.SuspendMsg{}) {
		t.Fatal("ctrl+z does not suspend")
	}
	_, cmd = a.Update(tea.ResumeMsg{})
	if !yields(cmd, tea.EnableMouseCellMotion()) {
		t.Error("the mouse stays off after a resume")
	}
}

// Issue 14 part 1.5: ? on an empty store lists no key that does nothing
// there, lists the mouse and ctrl+z where they work, and the box hides
// what is under it.
func TestFullHelpOverlayIsHonestAndOpaque(t *testing.T) {
	empty := newScratch(t, "")
	empty.getenv = map[string]string{}
	a := loaded(t, empty, 100, 30)
	press(a, "?")
	v, _, _ := screen(a)
	for _, gone := range []string{"drop & save", "cancel move", "grab to move", "page up", "drag", "remove"} {
		if strings.Contains(v, gone) {
			t.Errorf("? on an empty store offers %q:\n%s", gone, v)
		}
	}
	for _, want := range []string{"a add", "reload", "ctrl+z suspend", "q quit", "click select"} {
		if !strings.Contains(v, want) {
			t.Errorf("? on an empty store lacks %q:\n%s", want, v)
		}
	}
	s := newScratch(t, "populated.json")
	b := loaded(t, s, 100, 30)
	press(b, "?")
	v, _, _ = screen(b)
	for _, want := range []string{"space/enter grab to move", "c", "clear order", "click", "drag", "move a profile, release saves", "wheel"} {
		if !strings.Contains(v, want) {
			t.Errorf("? on a profile lacks %q:\n%s", want, v)
		}
	}
}

// Overlay covers every cell of its box: a style open under the box's left
// edge (a selected row's background) does not run on into the box.
func TestOverlayIsOpaque(t *testing.T) {
	bg := strings.Repeat("\x1b[44m"+strings.Repeat("x", 20)+"\x1b[0m\n", 3)
	out := views.Overlay(strings.TrimSuffix(bg, "\n"), "ab\ncd", 20, 3)
	for i, l := range strings.Split(out, "\n") {
		if lipgloss.Width(l) != 20 {
			t.Errorf("line %d is %d wide", i, lipgloss.Width(l))
		}
		plain := ansi.Strip(l)
		if i < 2 && !strings.Contains(plain, []string{"ab", "cd"}[i]) {
			t.Errorf("line %d %q lacks the box", i, plain)
		}
		if j := strings.Index(l, []string{"ab", "cd", "xx"}[i]); i < 2 && j >= 0 {
			before := l[:j]
			if strings.LastIndex(before, "\x1b[44m") > strings.LastIndex(before, "\x1b[0m") && strings.LastIndex(before, "\x1b[44m") > strings.LastIndex(before, "\x1b[m") {
				t.Errorf("line %d: the background under the box runs into it: %q", i, l)
			}
		}
	}
	// Wide characters cut by the box's edges keep every line as wide.
	wide := strings.Repeat("日本語のテキストです\n", 3)
	for i, l := range strings.Split(views.Overlay(strings.TrimSuffix(wide, "\n"), "abc", 20, 3), "\n") {
		if lipgloss.Width(l) != 20 {
			t.Errorf("wide: line %d is %d wide: %q", i, lipgloss.Width(l), l)
		}
	}
}

// Issue 14 part 1.1: at 60×15 a long status message is wrapped over the
// lines it needs, not cut.
func TestLongStatusWrapsAt60x15(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 60, 15)
	msg := "could not save the anthropic order (moving anthropic:default): the lock on auth-profiles.json is held by pid 4242 since 15:04:05"
	a.Update(views.StatusMsg{Level: views.StatusError, Text: msg})
	v, status, _ := screen(a)
	if !strings.Contains(status, msg) {
		t.Errorf("status %q lacks the whole message:\n%s", status, v)
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 15 {
		t.Errorf("%d lines", len(lines))
	}
	for i, l := range lines {
		if lipgloss.Width(l) != 60 {
			t.Errorf("line %d is %d wide", i, lipgloss.Width(l))
		}
	}
	// The next key clears the error and the body gets its lines back.
	press(a, "j")
	if a.layout.Status.H != 1 || a.layout.Body.H != 13 {
		t.Errorf("after the error: status %d lines, body %d", a.layout.Status.H, a.layout.Body.H)
	}
}

// Back from claude or the editor, the mouse is turned on again (bubbletea
// hands the terminal back without it).
func TestMouseComesBackAfterAProgramInTheTerminal(t *testing.T) {
	s := newScratch(t, "populated.json")
	o := s.options(false)
	o.Mouse = true
	a := New(o)
	t.Cleanup(func() { _ = a.Close() })
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	var back views.ExecReturnedMsg = views.LoginFinishedMsg{ID: "x"}
	if _, cmd := a.Update(back); !yields(cmd, tea.EnableMouseCellMotion()) {
		t.Error("the mouse stays off after claude")
	}
}
