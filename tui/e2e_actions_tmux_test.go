package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxClearExcludeFilterUndo drives the built binary in tmux at 80×24
// through what no gateway offers: u clears a cooldown (after asking, and
// saying until when it would have lasted), x takes a profile out of the
// order, / finds a profile in the list, and z undoes, each a change of the
// file the gateway reads.
func TestTmuxClearExcludeFilterUndo(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	until := now.Add(2 * time.Hour).UnixMilli()
	key := func(c string) string { return "sk-ant-api03-FAKE" + strings.Repeat(c, 80) }
	doc := fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:one": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:two": { "type": "api_key", "provider": "anthropic", "key": %q, "email": "billing@team.example" },
    "anthropic:three": { "type": "api_key", "provider": "anthropic", "key": %q },
    "openai:default": { "type": "api_key", "provider": "openai", "key": "sk-proj-FAKE%s" }
  },
  "order": { "anthropic": ["anthropic:one", "anthropic:two", "anthropic:three"] },
  "usageStats": {
    "anthropic:two": { "lastUsed": %d, "disabledUntil": %d, "disabledReason": "billing", "errorCount": 2, "failureCounts": { "billing": 2 } }
  }
}
`, key("O"), key("T"), key("H"), strings.Repeat("P", 40), now.Add(-time.Minute).UnixMilli(), until)
	if err := os.WriteFile(store, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	type usage map[string]any
	read := func() (order []string, u map[string]usage) {
		t.Helper()
		var d struct {
			Order map[string][]string `json:"order"`
			Usage map[string]usage    `json:"usageStats"`
		}
		data, err := os.ReadFile(store)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatal(err)
		}
		return d.Order["anthropic"], d.Usage
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	term := tmuxtest.Start(t, 80, 24, command)
	contains := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }
	selected := func(id string) func(string) bool {
		return func(s string) bool {
			for _, l := range strings.Split(s, "\n") {
				if strings.Contains(l, id+" ") && strings.Contains(l, "▸") {
					return true
				}
			}
			return false
		}
	}
	term.WaitUntil("the profiles", contains("anthropic:three"))

	// / finds the profile by its email; the typed q is text, not quit.
	term.Keys("/")
	term.WaitUntil("the filter line", contains("type to filter"))
	term.Keys("-l", "billingq")
	term.WaitUntil("the typed filter", contains("/ billingq"))
	term.Keys("BSpace", "Enter")
	s := term.WaitUntil("the filtered table", contains("1 of 4 profiles"))
	if strings.Contains(s, "anthropic:one") || !strings.Contains(s, "anthropic:two") {
		t.Errorf("the filter shows:\n%s", s)
	}

	// u asks, saying until when it would have lasted; y clears it.
	term.WaitUntil("two selected", selected("anthropic:two"))
	term.Keys("u")
	s = term.WaitUntil("the question", contains("Clear the cooldown of anthropic:two?"))
	if !strings.Contains(s, "disabled (billing) until "+time.UnixMilli(until).Local().Format("15:04")) {
		t.Errorf("the question does not say until when:\n%s", s)
	}
	term.Keys("y")
	term.WaitUntil("the clear", contains("cleared anthropic:two"))
	if _, u := read(); u["anthropic:two"]["disabledUntil"] != nil || u["anthropic:two"]["errorCount"] != 0.0 || u["anthropic:two"]["lastUsed"] == nil {
		t.Errorf("usage after u: %v", u["anthropic:two"])
	}

	// esc clears the filter; x takes three out of the order.
	term.Keys("Escape")
	term.WaitUntil("all rows", contains("anthropic:one"))
	term.Keys("End")
	term.WaitUntil("three selected", selected("anthropic:three"))
	term.Keys("x")
	term.WaitUntil("the exclusion", contains("took anthropic:three out"))
	if got, _ := read(); !reflect.DeepEqual(got, []string{"anthropic:one", "anthropic:two"}) {
		t.Errorf("order after x: %v", got)
	}
	term.WaitUntil("the row says so", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "anthropic:three") && strings.Contains(l, "×") && strings.Contains(l, "not in order") {
				return true
			}
		}
		return false
	})

	// z undoes the exclusion, then the clear.
	term.Keys("z")
	term.WaitUntil("the first undo", contains("undid taking anthropic:three out"))
	if got, _ := read(); !reflect.DeepEqual(got, []string{"anthropic:one", "anthropic:two", "anthropic:three"}) {
		t.Errorf("order after z: %v", got)
	}
	term.Keys("z")
	term.WaitUntil("the second undo", contains("undid clearing the cooldown of anthropic:two"))
	if _, u := read(); u["anthropic:two"]["disabledUntil"] != float64(until) || u["anthropic:two"]["errorCount"] != 2.0 {
		t.Errorf("usage after the second z: %v", u["anthropic:two"])
	}
	term.Keys("z")
	term.WaitUntil("nothing left", contains("nothing to undo"))

	term.Keys("q")
	if s := term.WaitUntil("the exit", contains("moltbot-exit=")); !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("exit:\n%s", s)
	}
}
