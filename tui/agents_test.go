package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// writeAgentStore writes agent id's store the way the gateway does (a temp
// file renamed over it).
func (s *scratch) writeAgentStore(id, content string) {
	s.t.Helper()
	p := filepath.Join(s.state, "agents", id, "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p+".tmp-test", []byte(content), 0o600); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(p+".tmp-test", p); err != nil {
		s.t.Fatal(err)
	}
}

func teamStore(extra string) string {
	return `{"version":1,"profiles":{"anthropic:team":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKE` +
		strings.Repeat("M", 80) + `"}` + extra + `}}`
}

func TestGoldenAgentPicker(t *testing.T) {
	s := newScratch(t, "populated.json")
	s.writeAgentStore("work", teamStore(""))
	s.writeAgentStore("broken", "{\n  \"version\": 1,\n")
	golden(t, s.app(false), 100, 30, "3 agents: g", func(tm *teatest.TestModel) {
		keys(tm, "g")
		waitFor(t, tm, "Show which agent?")
	})
}

// After a switch the live reload follows the agent shown: a write to the
// new agent's store appears without a key.
func TestLiveReloadFollowsTheAgentShown(t *testing.T) {
	s := newScratch(t, "populated.json")
	s.writeAgentStore("work", teamStore(""))
	a := s.app(true)
	tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "2 agents: g")
	keys(tm, "g")
	waitFor(t, tm, "Show which agent?")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitFor(t, tm, "anthropic:team")
	// Give the new watcher a moment to be in place, then write.
	time.Sleep(200 * time.Millisecond)
	s.writeAgentStore("work", teamStore(`,"anthropic:late":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKE`+strings.Repeat("L", 80)+`"}`))
	waitFor(t, tm, "anthropic:late")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*App)
	if got := fm.Dashboard().Agent(); got != "work" {
		t.Errorf("agent %q, want work", got)
	}
	if got := fm.opts.Paths.AgentID; got != "work" {
		t.Errorf("the root still points at agent %q (the wizard would write there)", got)
	}
}
