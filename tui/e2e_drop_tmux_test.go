package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxDropMovesOnlyThatProfile drives the built binary in tmux through
// the three ways a drop used to write more than the one move: a profile
// left out of the order came back, places set earlier were rewritten, and
// an order written during the grab was overwritten.
func TestTmuxDropMovesOnlyThatProfile(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
		t.Fatal(err)
	}
	names := []string{"alpha", "bravo", "charlie", "delta", "echo"}
	write := func(order ...string) {
		t.Helper()
		var profs []string
		for _, n := range names {
			profs = append(profs, fmt.Sprintf(`"anthropic:%s": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE%s"}`, n, strings.Repeat(strings.ToUpper(n[:1]), 60)))
		}
		var ids []string
		for _, o := range order {
			ids = append(ids, `"anthropic:`+o+`"`)
		}
		doc := fmt.Sprintf("{\n  \"version\": 1,\n  \"profiles\": {%s},\n  \"order\": {\"anthropic\": [%s]}\n}\n", strings.Join(profs, ", "), strings.Join(ids, ", "))
		if err := os.WriteFile(store+".tmp", []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(store+".tmp", store); err != nil {
			t.Fatal(err)
		}
	}
	stored := func() []string {
		t.Helper()
		var doc struct {
			Order map[string][]string `json:"order"`
		}
		data, err := os.ReadFile(store)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, id := range doc.Order["anthropic"] {
			out = append(out, strings.TrimPrefix(id, "anthropic:"))
		}
		return out
	}
	// bravo is left out of the order on purpose.
	write("alpha", "charlie", "delta", "echo")
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	term := tmuxtest.Start(t, 100, 30, command)
	contains := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }
	selected := func(id string) func(string) bool {
		return func(s string) bool {
			for _, l := range strings.Split(s, "\n") {
				if strings.Contains(l, "anthropic:"+id+" ") && (strings.Contains(l, "▸") || strings.Contains(l, "↕")) {
					return true
				}
			}
			return false
		}
	}
	term.WaitUntil("the profiles", contains("anthropic:echo"))

	// 1. echo (last in the order) one row down, past bravo (left out):
	// nothing is written, bravo stays out, and the status says why.
	term.Keys("End", "k")
	term.WaitUntil("echo selected", selected("echo"))
	term.Keys("J")
	term.WaitUntil("the reason", contains("stays where it was"))
	if got := stored(); !reflect.DeepEqual(got, []string{"alpha", "charlie", "delta", "echo"}) {
		t.Errorf("after J on echo: %v", got)
	}

	// 2. delta to the top, then charlie to the top: delta stays second.
	term.Keys("Home", "j", "j")
	term.WaitUntil("delta selected", selected("delta"))
	term.Keys("Space", "Home", "Space")
	term.WaitUntil("delta saved", contains("moved anthropic:delta"))
	term.Keys("Home", "j", "j")
	term.WaitUntil("charlie selected", selected("charlie"))
	term.Keys("Space", "Home", "Space")
	term.WaitUntil("charlie saved", contains("moved anthropic:charlie"))
	if got := stored(); !reflect.DeepEqual(got, []string{"charlie", "delta", "alpha", "echo"}) {
		t.Errorf("after two moves to the top: %v, want [charlie delta alpha echo]", got)
	}

	// 3. Grab echo; meanwhile someone else writes an order; drop echo at
	// the top: their order is kept with echo moved first, and the status
	// says the order changed meanwhile.
	term.Keys("End", "k")
	term.WaitUntil("echo selected", selected("echo"))
	term.Keys("Space")
	term.WaitUntil("the grab", contains("moving anthropic:echo"))
	write("alpha", "delta", "echo", "charlie")
	term.Keys("Home", "Space")
	term.WaitUntil("the drop", contains("changed on disk meanwhile"))
	if got := stored(); !reflect.DeepEqual(got, []string{"echo", "alpha", "delta", "charlie"}) {
		t.Errorf("after the drop beside another write: %v, want [echo alpha delta charlie]", got)
	}

	term.Keys("q")
	if s := term.WaitUntil("the exit", contains("moltbot-exit=")); !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("exit:\n%s", s)
	}
}
