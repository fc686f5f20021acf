package tui

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/views"
)

// reboundKeys is DefaultKeys with keys moved elsewhere, as a changed
// keys.go would have them: every place on screen that names one of them
// must follow, or the screen tells the user to press a key that does
// nothing.
func reboundKeys() Keys {
	k := DefaultKeys()
	d := &k.Views.Dashboard
	set := func(b *key.Binding, name string) {
		*b = key.NewBinding(key.WithKeys(name), key.WithHelp(name, b.Help().Desc))
	}
	set(&d.Up, "w")
	set(&d.Down, "s")
	set(&d.Right, "L")
	set(&d.Grab, "m")
	set(&d.Drop, "m")
	set(&d.Cancel, "x")
	set(&d.MoveUp, "W")
	set(&d.MoveDown, "S")
	set(&d.Add, "+")
	set(&d.Remove, "D")
	set(&d.Reload, "f5")
	set(&d.Probe, "t")
	set(&d.ProbeAll, "T")
	set(&d.Agents, "G")
	set(&d.PickAgent, "o")
	set(&d.Renew, "ctrl+r")
	set(&d.Confirm, "Y")
	set(&d.Deny, "N")
	set(&d.ClearCooldown, "U")
	set(&d.InOrder, "O")
	set(&d.Undo, "Z")
	set(&d.PrevTrouble, "B")
	set(&k.Global.Help, "H")
	set(&k.Global.Quit, "Q")
	set(&k.Global.Interrupt, "ctrl+q")
	return k
}

// press sends one key by its binding name and runs what comes back (one
// level: statuses and store reads), as the program would.
func press(a *App, name string) {
	var msg tea.KeyMsg
	switch name {
	case "ctrl+r":
		msg = tea.KeyMsg{Type: tea.KeyCtrlR}
	case "ctrl+q":
		msg = tea.KeyMsg{Type: tea.KeyCtrlQ}
	case "ctrl+c":
		msg = tea.KeyMsg{Type: tea.KeyCtrlC}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
	}
	_, cmd := a.Update(msg)
	runAll(a, cmd)
}

// runAll runs cmd (and batches) and feeds the results back, except quits
// and the status line's timers.
func runAll(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			runAll(a, c)
		}
	case views.StatusMsg:
		a.Update(msg) // not its clear timer: the test reads the status
	default:
		_, next := a.Update(msg)
		runAll(a, next)
	}
}

// screen is the whole terminal as text; bar its last line (the help bar),
// status the lines above it (a long message is wrapped), joined.
func screen(a *App) (all, status, bar string) {
	v := ansi.Strip(a.View())
	lines := strings.Split(v, "\n")
	n := max(a.layout.Status.H, 1)
	return v, strings.Join(strings.Fields(strings.Join(lines[len(lines)-1-n:len(lines)-1], " ")), " "), strings.TrimSpace(lines[len(lines)-1])
}

// TestRebindingAKeyChangesTheScreen: key names on screen come from the
// keymap (issue 15, point 2). With the keys moved (add on +, grab on m, …)
// the help bar, the hints in the body, the titles, the dialogs and the
// status lines name the new keys, never the old ones.
func TestRebindingAKeyChangesTheScreen(t *testing.T) {
	s := newScratch(t, "populated.json")
	s.writeAgentStore("work", teamStore(""))
	a := newApp(s.options(false), reboundKeys())
	t.Cleanup(func() { _ = a.Close() })
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.Update(a.Dashboard().Init()())

	want := func(where, got string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(got, p) {
				t.Errorf("%s lacks %q:\n%s", where, p, got)
			}
		}
	}
	deny := func(where, got string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if strings.Contains(got, p) {
				t.Errorf("%s still says %q:\n%s", where, p, got)
			}
		}
	}

	v, _, bar := screen(a)
	want("help bar on a profile", bar, "m move", "W/S move+save", "+ add", "D remove", "t/T probe", "H help", "Q quit")
	deny("help bar on a profile", bar, "space move", "K/J", "a add", "p/P", "? help", "q quit")
	want("header", v, "(2 agents: G)")

	// The expiring token: its renew key, in the bar and the detail line.
	for i := 0; i < 5 && a.Dashboard().SelectedProfile() != "anthropic:soon"; i++ {
		press(a, "s")
	}
	v, _, bar = screen(a)
	want("help bar on an expiring token", bar, "ctrl+r renew")
	want("detail line of an expiring token", v, "ctrl+r renews it")
	deny("detail line of an expiring token", v, "R renews it")

	// An API key cannot be renewed: the refusal names the keys.
	press(a, "w") // anthropic:default
	press(a, "ctrl+r")
	_, status, _ := screen(a)
	want("renew refusal", status, "ctrl+r renews Anthropic setup tokens", "press + to add")

	// The provider pane's bar.
	press(a, "tab")
	_, _, bar = screen(a)
	want("help bar on the providers", bar, "w/s provider", "L profiles", "t probe all", "f5 reload")
	deny("help bar on the providers", bar, "↑/↓", "→ profiles")
	press(a, "tab")

	// A move: the title, the bar, and what g says meanwhile.
	press(a, "m")
	v, _, bar = screen(a)
	want("title while moving", v, "w/s then m to drop, x to cancel")
	deny("title while moving", v, "space to drop", "esc to cancel")
	want("help bar while moving", bar, "w/s move", "m drop & save", "x cancel move")
	press(a, "x")

	// The remove dialog.
	press(a, "D")
	v, _, bar = screen(a)
	want("remove dialog", v, "Y remove   N keep it")
	want("help bar in the dialog", bar, "Y remove", "N keep")
	press(a, "N")

	// The agent picker.
	press(a, "G")
	v, _, bar = screen(a)
	want("agent picker", v, "Show which agent?", "o show   esc cancel")
	want("help bar in the picker", bar, "w/s select", "o show agent")
	press(a, "esc")

	// Clearing a cooldown, taking a profile out of the order, undoing.
	press(a, "s")
	press(a, "s") // anthropic:work, cooling down
	press(a, "U")
	v, _, bar = screen(a)
	want("cooldown question", v, "Z undoes it", "Y clear   N keep waiting")
	deny("cooldown question", v, "z undoes")
	want("help bar in the cooldown question", bar, "Y clear", "N keep")
	press(a, "Y")
	_, status, bar = screen(a)
	want("after clearing", status, "· Z undoes")
	want("help bar after a change", bar, "Z undo")
	press(a, "w")
	press(a, "w") // anthropic:default
	press(a, "O")
	v, status, bar = screen(a)
	want("after taking it out", status, "· Z undoes")
	want("detail of a profile out of the order", v, "O puts it back")
	want("help bar on a profile out of the order", bar, "O put back in order")
	deny("after taking it out", v+status+bar, "x puts it back", "z undo")

	// ctrl+c is a binding too: moved to ctrl+q, it is what quits.
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyCtrlQ}); !isQuit(cmd) {
		t.Error("the interrupt key moved to ctrl+q does not quit")
	}
	if _, cmd := a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Q")}); !isQuit(cmd) {
		t.Error("the quit key moved to Q does not quit")
	}

	// The empty store's hint, and a store that cannot be read.
	empty := newScratch(t, "")
	empty.getenv = map[string]string{}
	e := newApp(empty.options(false), reboundKeys())
	e.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	e.Update(e.Dashboard().Init()())
	v, _, _ = screen(e)
	want("empty state", v, "Press + to add one")
	deny("empty state", v, "Press a to")

	if err := os.MkdirAll(filepath.Dir(empty.storePath()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(empty.storePath(), 0o600); err != nil { // unreadable, not corrupt
		t.Skipf("no fifo here: %v", err)
	}
	e.Update(e.Dashboard().Init()())
	v, _, _ = screen(e)
	want("unreadable store", v, "press f5 to retry")
	deny("unreadable store", v, "press r to retry")
}
