package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/views"
)

// loaded is an App at w × h whose dashboard has read the store (the load
// command is run inline; ticks and the watcher are not started).
func loaded(t *testing.T, s *scratch, w, h int) *App {
	t.Helper()
	a := s.app(false)
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a.Update(a.Dashboard().Init()())
	return a
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestAppBeforeTheFirstSizeAndTooSmall(t *testing.T) {
	a := newScratch(t, "populated.json").app(false)
	if v := a.View(); v != "" {
		t.Errorf("0×0 view %q, want empty", v)
	}
	// Issue 14: the notice fits the terminal it is shown in, wrapped rather
	// than cut (it used to be one line cut with "…").
	for _, size := range [][2]int{{59, 30}, {100, 14}, {40, 10}, {20, 3}, {12, 2}, {1, 1}} {
		a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		v := a.View()
		lines := strings.Split(v, "\n")
		if len(lines) > size[1] {
			t.Errorf("%v: the notice takes %d lines", size, len(lines))
		}
		for _, l := range lines {
			if lipgloss.Width(l) > size[0] || strings.Contains(l, "…") {
				t.Errorf("%v: notice line %q is cut or too wide", size, l)
			}
		}
		flat := strings.Join(strings.Fields(v), " ")
		if size[0] >= 40 && !strings.Contains(flat, "at least 60×15 (this is "+strconv.Itoa(size[0])+"×"+strconv.Itoa(size[1])+"); enlarge the window") {
			t.Errorf("%v: %q does not say the minimum", size, v)
		}
		if size[0] >= 12 && !strings.Contains(flat, "60×15") {
			t.Errorf("%v: %q does not say the minimum", size, v)
		}
	}
	a.Update(tea.WindowSizeMsg{Width: 60, Height: 15})
	if v := ansi.Strip(a.View()); strings.Contains(v, "at least") || len(strings.Split(v, "\n")) != 15 {
		t.Errorf("60×15 is big enough:\n%s", v)
	}
}

func TestAppFillsTheTerminalExactly(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	for _, size := range [][2]int{{100, 30}, {60, 15}, {200, 50}, {77, 19}, {100, 30}} {
		a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(a.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for i, l := range lines {
			if lipgloss.Width(l) != size[0] {
				t.Errorf("%v: line %d is %d wide", size, i, lipgloss.Width(l))
			}
		}
	}
}

func TestAppQuitsAndShowsHelp(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")}); cmd != nil && isQuit(cmd) {
		t.Fatal("? quit")
	}
	v := ansi.Strip(a.View())
	for _, want := range []string{"Keys", "grab to move", "move up & save", "clear order", "press any key to close"} {
		if !strings.Contains(v, want) {
			t.Errorf("full help lacks %q:\n%s", want, v)
		}
	}
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyDown}) // any key closes it…
	if strings.Contains(ansi.Strip(a.View()), "press any key to close") || isQuit(cmd) {
		t.Error("help did not close")
	}
	if a.Dashboard().SelectedProfile() != "anthropic:manual" {
		t.Error("…without acting on the key")
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); !isQuit(cmd) {
		t.Error("q did not quit")
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); !isQuit(cmd) {
		t.Error("ctrl+c did not quit")
	}
	if v := ansi.Strip(a.View()); !strings.Contains(v, "anthropic:manual") {
		t.Error("the view blanked itself on quit")
	}
}

func TestAppSplitsRunesTypedTogether(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	// tmux and ssh deliver "jj" as one message; it means two presses.
	a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jj")})
	if got := a.Dashboard().SelectedProfile(); got != "anthropic:soon" {
		t.Errorf("after jj: %q, want the third profile", got)
	}
}

func TestAppStatusLine(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	status := func() string {
		lines := strings.Split(ansi.Strip(a.View()), "\n")
		return strings.TrimSpace(lines[len(lines)-2])
	}
	a.Update(views.StatusMsg{Level: views.StatusSuccess, Text: "first"})
	first := a.status.seq
	a.Update(views.StatusMsg{Level: views.StatusInfo, Text: "second"})
	if status() != "· second" {
		t.Errorf("status %q", status())
	}
	a.Update(clearStatusMsg{seq: first}) // the first one's timer must not clear the second
	if status() != "· second" {
		t.Errorf("an old timer cleared a newer message: %q", status())
	}
	a.Update(clearStatusMsg{seq: a.status.seq})
	if status() != "" {
		t.Errorf("status not cleared: %q", status())
	}
	_, cmd := a.Update(views.StatusMsg{Level: views.StatusError, Text: "lock busy"})
	if cmd != nil {
		t.Error("an error schedules its own clearing")
	}
	if status() != "✗ error: lock busy" {
		t.Errorf("error status %q", status())
	}
	a.Update(tea.KeyMsg{Type: tea.KeyDown})
	if status() != "" {
		t.Errorf("error stayed after a key: %q", status())
	}
}

func TestAppOpensTheWizard(t *testing.T) {
	s := newScratch(t, "populated.json")
	a := loaded(t, s, 100, 30)
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	_, cmd = a.Update(cmd()) // OpenWizardMsg: the wizard reads the store
	a.Update(cmd())          // and shows step 1
	v := ansi.Strip(a.View())
	if !strings.Contains(v, "What do you want to add?") || !strings.Contains(v, "step 1 of 5") {
		t.Fatalf("no wizard screen:\n%s", v)
	}
	_, cmd = a.Update(tea.KeyMsg{Type: tea.KeyEsc})
	_, cmd = a.Update(cmd()) // WizardClosedMsg: back, and the dashboard reloads
	if cmd != nil {
		a.Update(cmd())
	}
	if v := ansi.Strip(a.View()); !strings.Contains(v, "anthropic:manual") {
		t.Errorf("not back on the dashboard:\n%s", v)
	}
}

// ctrl+c in a wizard opened from the dashboard cancels the wizard, not the
// whole program: nothing is written and the dashboard comes back.
func TestAppCtrlCInTheWizardReturnsToTheDashboard(t *testing.T) {
	s := newScratch(t, "populated.json")
	before := s.readStore()
	a := loaded(t, s, 100, 30)
	_, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a")})
	_, cmd = a.Update(cmd())
	a.Update(cmd())
	a.Update(tea.KeyMsg{Type: tea.KeyEnter}) // into the next step: ctrl+c is not "back"
	_, cmd = a.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if isQuit(cmd) {
		t.Fatal("ctrl+c in the wizard quit the program")
	}
	for i := 0; cmd != nil && i < 5; i++ { // WizardClosedMsg, then the reload
		_, cmd = a.Update(cmd())
	}
	if v := ansi.Strip(a.View()); !strings.Contains(v, "anthropic:manual") || strings.Contains(v, "Add a credential") {
		t.Fatalf("not back on the dashboard:\n%s", v)
	}
	if after := s.readStore(); after != before {
		t.Error("cancelling the wizard changed the store")
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); !isQuit(cmd) {
		t.Error("ctrl+c on the dashboard did not quit")
	}
}

// The help bar never loses "? help" and "q quit": at 100 columns with every
// dashboard binding on (R shows for an expiring token), the last screen
// bindings give way instead.
func TestAppHelpBarKeepsHelpAndQuit(t *testing.T) {
	s := newScratch(t, "populated.json")
	for _, w := range []int{100, 80, 60} {
		a := loaded(t, s, w, 30)
		for i := 0; i < 5 && a.Dashboard().SelectedProfile() != "anthropic:soon"; i++ {
			a.Update(tea.KeyMsg{Type: tea.KeyDown}) // to the expiring token
		}
		if got := a.Dashboard().SelectedProfile(); got != "anthropic:soon" {
			t.Fatalf("selected %q", got)
		}
		lines := strings.Split(ansi.Strip(a.View()), "\n")
		bar := lines[len(lines)-1]
		if !strings.HasSuffix(strings.TrimRight(bar, " "), "? help · q quit") || strings.Contains(bar, "…") {
			t.Errorf("%d columns: help bar %q", w, bar)
		}
		if w == 100 && !strings.Contains(bar, "R renew") {
			t.Errorf("100 columns: the renew key gave way: %q", bar)
		}
	}
}

// injectedWizard stands in for the wizard in TestAppUsesTheInjectedWizard.
type injectedWizard struct{}

func (injectedWizard) Init() tea.Cmd                         { return nil }
func (w injectedWizard) Update(tea.Msg) (tea.Model, tea.Cmd) { return w, nil }
func (injectedWizard) View() string                          { return "injected wizard" }
func (injectedWizard) SetSize(int, int)                      {}
func (injectedWizard) CapturesInput() bool                   { return true }
func (injectedWizard) ShortHelp() []key.Binding              { return nil }
func (injectedWizard) FullHelp() [][]key.Binding             { return nil }

func TestAppUsesTheInjectedWizard(t *testing.T) {
	s := newScratch(t, "")
	a := New(Options{Paths: s.paths, StartInWizard: true, NewWizard: func(views.Env) views.Component {
		return injectedWizard{}
	}})
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	if !strings.Contains(ansi.Strip(a.View()), "injected wizard") {
		t.Fatal("did not start in the wizard")
	}
	if _, cmd := a.Update(views.WizardClosedMsg{}); !isQuit(cmd) {
		t.Error("closing the wizard of `moltbot onboard` did not quit")
	}
}
