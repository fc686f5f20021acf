package tui

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// These run the whole program (teatest) with the file watcher on.

func fileOrder(t *testing.T, s *scratch, provider string) []string {
	t.Helper()
	var doc struct {
		Order map[string][]string `json:"order"`
	}
	if err := json.Unmarshal([]byte(s.readStore()), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Order[provider]
}

func finish(t *testing.T, tm *teatest.TestModel) *App {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
}

func TestEndToEndExternalWriteAppears(t *testing.T) {
	s := newScratch(t, "populated.json")
	tm := teatest.NewTestModel(t, s.app(true), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "anthropic:manual")
	data, err := os.ReadFile("testdata/populated.json")
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), `"openai:default": {`,
		`"anthropic:added": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEDDDDDDDDDDDDDDDDDDDD" },
    "openai:default": {`, 1)
	// The watcher starts alongside the first load; write until it is seen
	// (the first write may come before the watch is in place).
	var out bytes.Buffer
	deadline := time.Now().Add(10 * time.Second)
	for !bytes.Contains(out.Bytes(), []byte("anthropic:added")) {
		if time.Now().After(deadline) {
			t.Fatalf("the external write never appeared:\n%s", out.String())
		}
		s.writeStore(changed)
		for i := 0; i < 10 && !bytes.Contains(out.Bytes(), []byte("anthropic:added")); i++ {
			time.Sleep(50 * time.Millisecond)
			if _, err := out.ReadFrom(tm.Output()); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := finish(t, tm)
	if got := a.Dashboard().ShownOrder(); got[len(got)-1] != "anthropic:added" {
		t.Errorf("shown %v", got)
	}
}

func TestEndToEndKeyboardReorder(t *testing.T) {
	s := newScratch(t, "populated.json")
	tm := teatest.NewTestModel(t, s.app(true), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "anthropic:manual")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("J")})
	waitFor(t, tm, "saved the anthropic order")
	a := finish(t, tm)
	// J moves manual one row down, below default; the others keep their
	// stored order (work, cooling down, is still stored before soon).
	stored := []string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"}
	if got := fileOrder(t, s, "anthropic"); !reflect.DeepEqual(got, stored) {
		t.Errorf("file %v, want %v", got, stored)
	}
	want := []string{"anthropic:default", "anthropic:manual", "anthropic:soon", "anthropic:work"}
	if got := a.Dashboard().ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want %v", got, want)
	}
}

func TestEndToEndMouseDrag(t *testing.T) {
	s := newScratch(t, "populated.json")
	tm := teatest.NewTestModel(t, s.app(true), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "anthropic:manual")
	// Rows start at y=4 (title, counts, pane border, column header); soon
	// is 3rd.
	left := tea.MouseButtonLeft
	tm.Send(tea.MouseMsg{X: 50, Y: 6, Action: tea.MouseActionPress, Button: left})
	tm.Send(tea.MouseMsg{X: 50, Y: 5, Action: tea.MouseActionMotion, Button: left})
	tm.Send(tea.MouseMsg{X: 51, Y: 4, Action: tea.MouseActionMotion, Button: left})
	tm.Send(tea.MouseMsg{X: 51, Y: 4, Action: tea.MouseActionRelease, Button: left})
	waitFor(t, tm, "saved the anthropic order")
	a := finish(t, tm)
	want := []string{"anthropic:soon", "anthropic:manual", "anthropic:default", "anthropic:work"}
	if got := fileOrder(t, s, "anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("file %v, want %v", got, want)
	}
	if got := a.Dashboard().ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want %v", got, want)
	}
}
