package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxCopyToAgent drives the built binary in tmux (100×30): C on a
// profile asks which agent in the picker, enter copies it there; on a
// profile the other agent holds differently it asks before replacing, and
// y replaces it.
func TestTmuxCopyToAgent(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	key := func(c string) string { return "sk-ant-api03-FAKE" + strings.Repeat(c, 80) }
	write := func(agent, doc string) string {
		p := filepath.Join(state, "agents", agent, "agent", "auth-profiles.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("main", fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:one": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:two": { "type": "api_key", "provider": "anthropic", "key": %q }
  },
  "order": { "anthropic": ["anthropic:one", "anthropic:two"] }
}
`, key("O"), key("T")))
	work := write("work", fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:two": { "type": "api_key", "provider": "anthropic", "key": %q }
  }
}
`, key("X")))
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	term := tmuxtest.Start(t, 100, 30, command)
	contains := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }
	workKey := func(id string) string {
		var doc struct {
			Profiles map[string]map[string]any `json:"profiles"`
		}
		data, err := os.ReadFile(work)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		s, _ := doc.Profiles[id]["key"].(string)
		return s
	}

	term.WaitUntil("the profiles", contains("anthropic:two"))
	term.Keys("C")
	s := term.WaitUntil("the copy picker", contains("Copy anthropic:one to which agent?"))
	if !strings.Contains(s, "work") || !strings.Contains(s, "enter copy") {
		t.Errorf("picker:\n%s", s)
	}
	term.Keys("Enter")
	term.WaitUntil("the copy", contains("copied anthropic:one to agent work"))
	if workKey("anthropic:one") != key("O") {
		t.Fatal("anthropic:one is not in work's store")
	}

	// anthropic:two: work holds another key; asked, y replaces it.
	term.Keys("j")
	term.Keys("C")
	term.WaitUntil("the picker saying work has another", contains("has a different one"))
	term.Keys("Enter")
	s = term.WaitUntil("the question", contains("Replace anthropic:two in agent work?"))
	if strings.Contains(s, key("X")) || strings.Contains(s, key("T")) {
		t.Fatal("a secret is on screen")
	}
	if workKey("anthropic:two") != key("X") {
		t.Fatal("replaced before the answer")
	}
	term.Keys("y")
	term.WaitUntil("the replacement", contains("replaced anthropic:two in agent work"))
	if workKey("anthropic:two") != key("T") {
		t.Error("y did not replace work's anthropic:two")
	}

	term.Keys("q")
	if s := term.WaitUntil("the exit", contains("moltbot-exit=")); !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("moltbot did not exit 0:\n%s", s)
	}
}
