package views_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/moltbot/moltbot/ptyrun"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// goldenWizard is the whole program as `moltbot onboard` starts it, with
// claude found (or not) and each login answered by answer.
type goldenWizard struct {
	t       *testing.T
	f       *wizFixture
	missing bool
	answer  func() views.LoginFinishedMsg
	tm      *teatest.TestModel
}

func (g *goldenWizard) start(w, h int) {
	opts := views.WizardOptions{
		Context: context.Background(),
		LookPath: func(name string) (string, error) {
			if g.missing {
				return "", errors.New("not found")
			}
			return "/opt/fake/" + name, nil
		},
		Login: func(_ context.Context, _ string, o views.LoginOptions) tea.Cmd {
			return func() tea.Msg {
				m := g.answer()
				m.ID = o.ID
				return m
			}
		},
	}
	app := tui.New(tui.Options{
		Paths: g.f.paths, Clock: func() time.Time { return testNow }, Home: g.f.root,
		NewWizard:     func(env views.Env) views.Component { return views.NewWizard(env, opts) },
		StartInWizard: true,
	})
	g.tm = teatest.NewTestModel(g.t, app, teatest.WithInitialTermSize(w, h))
}

func (g *goldenWizard) waitFor(landmark string) {
	g.t.Helper()
	teatest.WaitFor(g.t, g.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(landmark)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// keys sends key names ("enter", "down", "esc") or text, then waits for
// landmark.
func (g *goldenWizard) keys(landmark string, names ...string) {
	g.t.Helper()
	for _, n := range names {
		switch n {
		case "enter":
			g.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		case "down":
			g.tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		case "ctrl+u":
			g.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		default:
			g.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n), Paste: len(n) > 1})
		}
	}
	g.waitFor(landmark)
}

// golden quits and compares the last frame with testdata/<test name>.golden.
func (g *goldenWizard) golden() {
	g.t.Helper()
	if err := g.tm.Quit(); err != nil {
		g.t.Fatal(err)
	}
	fm := g.tm.FinalModel(g.t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(g.t, []byte(fm.View()))
}

func captureOK() views.LoginFinishedMsg { return views.LoginFinishedMsg{Token: wizToken} }

func captureExit1() views.LoginFinishedMsg {
	return views.LoginFinishedMsg{Err: &ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, ExitCode: 1}}}
}

func TestGoldenWizard(t *testing.T) {
	existing := storeWith(tokenProfile("anthropic:default", wizOldToken, testNow.Add(50*time.Hour)))
	other := storeWith(keyProfile("anthropic:default", "anthropic", wizAPIKey))
	for _, tc := range []struct {
		name    string
		w, h    int
		store   string
		missing bool
		answer  func() views.LoginFinishedMsg
		run     func(g *goldenWizard)
	}{
		{name: "provider", w: 100, h: 30, run: func(g *goldenWizard) {}},
		{name: "name", w: 100, h: 30, run: func(g *goldenWizard) { g.keys("Saved as anthropic:default", "enter") }},
		{name: "replace", w: 100, h: 30, store: existing, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Choose another name", "enter")
		}},
		{name: "handover", w: 100, h: 30, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude setup-token", "enter")
		}},
		{name: "handover-60x15", w: 60, h: 15, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude setup-token", "enter")
		}},
		{name: "captured", w: 100, h: 30, answer: captureOK, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude", "enter")
			g.keys("Yes, use this token", "enter")
		}},
		{name: "no-token", w: 100, h: 30, answer: captureExit1, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude", "enter")
			g.keys("Paste the token", "enter")
		}},
		{name: "no-token-60x15", w: 60, h: 15, answer: captureExit1, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude", "enter")
			g.keys("Paste the token", "enter")
		}},
		{name: "claude-missing", w: 100, h: 30, missing: true, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("npm install -g @anthropic-ai/claude-code", "enter")
		}},
		{name: "api-key", w: 100, h: 30, run: func(g *goldenWizard) {
			g.keys("Anthropic — API key", "down")
			g.keys("Where should the key go?", "enter")
			g.keys("Saved as", "enter")
			g.keys("Paste the Anthropic API key", "enter")
			g.keys("*****", wizOpenAI)
			g.keys("not an Anthropic API key", "enter")
		}},
		{name: "api-key-unusual", w: 100, h: 30, run: func(g *goldenWizard) {
			g.keys("Anthropic — API key", "down")
			g.keys("Where should the key go?", "enter")
			g.keys("Saved as", "enter")
			g.keys("Paste the Anthropic API key", "enter")
			g.keys("Unusual", "sk-ant-api04-FAKE"+strings.Repeat("u", 91))
		}},
		{name: "store-or-env", w: 100, h: 30, run: func(g *goldenWizard) {
			g.keys("Anthropic — API key", "down")
			g.keys("Where should the key go?", "enter")
		}},
		{name: "env-key", w: 100, h: 30, run: func(g *goldenWizard) {
			g.keys("Anthropic — API key", "down")
			g.keys("Where should the key go?", "enter")
			g.keys(".env, as ANTHROPIC_API_KEY", "down")
			g.keys("Paste the Anthropic API key", "enter")
		}},
		{name: "placement", w: 100, h: 30, store: other, run: func(g *goldenWizard) {
			g.keys("Anthropic — API key", "down")
			g.keys("Where should the key go?", "enter")
			g.keys("Saved as", "enter")
			g.keys("Saved as anthropic:work", "ctrl+u", "work")
			g.keys("Paste the Anthropic API key", "enter")
			g.keys("*****", wizAPIKey)
			g.keys("Where in the order", "enter")
		}},
		{name: "result", w: 100, h: 30, answer: captureOK, run: func(g *goldenWizard) {
			g.keys("Saved as", "enter")
			g.keys("Start claude", "enter")
			g.keys("Yes, use this token", "enter")
			g.keys("Next, try:", "enter")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &goldenWizard{t: t, f: newWizFixture(t, tc.store), missing: tc.missing, answer: tc.answer}
			if g.answer == nil {
				g.answer = func() views.LoginFinishedMsg { return views.LoginFinishedMsg{Err: errors.New("unexpected login")} }
			}
			g.start(tc.w, tc.h)
			g.waitFor("What do you want to add?")
			tc.run(g)
			g.golden()
		})
	}
}
