package tui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/moltbot/moltbot/views"
)

// golden runs the whole program at w × h, waits for landmark, runs steps,
// quits, and compares the final frame with testdata/<TestName>.golden
// (go test ./tui -update rewrites it).
func golden(t *testing.T, a *App, w, h int, landmark string, steps ...func(tm *teatest.TestModel)) {
	t.Helper()
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(w, h))
	waitFor(t, tm, landmark)
	for _, step := range steps {
		step(tm)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

func waitFor(t *testing.T, tm *teatest.TestModel, landmark string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(landmark)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func keys(tm *teatest.TestModel, names ...string) {
	for _, n := range names {
		switch n {
		case "space":
			tm.Send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		case "down":
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		case "up":
			tm.Send(tea.KeyMsg{Type: tea.KeyUp})
		default:
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)})
		}
	}
}

func TestGoldenDashboard(t *testing.T) {
	golden(t, newScratch(t, "populated.json").app(false), 100, 30, "anthropic:manual")
}

func TestGoldenEmpty(t *testing.T) {
	s := newScratch(t, "")
	s.getenv = map[string]string{}
	golden(t, s.app(false), 100, 30, "No credentials yet")
}

func TestGoldenMoving(t *testing.T) {
	golden(t, newScratch(t, "populated.json").app(false), 100, 30, "anthropic:manual", func(tm *teatest.TestModel) {
		keys(tm, "down", "space", "up")
		waitFor(t, tm, "moving anthropic:default")
	})
}

func TestGoldenConfirmRemove(t *testing.T) {
	golden(t, newScratch(t, "populated.json").app(false), 100, 30, "anthropic:manual", func(tm *teatest.TestModel) {
		keys(tm, "down", "d")
		waitFor(t, tm, "keep it")
	})
}

func TestGoldenCorruptStore(t *testing.T) {
	s := newScratch(t, "populated.json")
	golden(t, s.app(false), 100, 30, "anthropic:manual", func(tm *teatest.TestModel) {
		s.writeStore("{\n  \"version\": 1,\n  \"profiles\": {\n    \"anthropic:x\": { \"type\": \"token\" \n  }\n}\n")
		tm.Send(views.FilesChangedMsg{})
		waitFor(t, tm, "doctor --fix")
	})
}

func TestGoldenNarrow(t *testing.T) {
	golden(t, newScratch(t, "populated.json").app(false), 60, 15, "anthropic:manual")
}

func TestGoldenWide(t *testing.T) {
	golden(t, newScratch(t, "populated.json").app(false), 200, 30, "anthropic:manual")
}
