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

// TestTmuxEndToEnd drives the built binary in a real terminal: tmux at
// 100×30 on a private socket, a scratch state dir, keys sent with
// send-keys, the screen read with capture-pane.
func TestTmuxEndToEnd(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
		t.Fatal(err)
	}
	key := func(c string) string { return "sk-ant-api03-FAKE" + strings.Repeat(c, 80) }
	doc := fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:one": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:two": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:three": { "type": "api_key", "provider": "anthropic", "key": %q }
  },
  "order": { "anthropic": ["anthropic:one", "anthropic:two", "anthropic:three"] }
}
`, key("O"), key("T"), key("H"))
	if err := os.WriteFile(store, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}

	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// The shell prints the exit code on the normal screen afterwards and
	// stays a while so that the screen can be read (the server is killed at
	// the end).
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	term := tmuxtest.Start(t, 100, 30, command)
	screen, waitScreen := term.Screen, term.WaitUntil
	contains := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }

	s := waitScreen("the profiles", contains("anthropic:three"))
	for _, want := range []string{"anthropic:one", "anthropic:two", "order: override", "Providers"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, key("O")) {
		t.Fatal("a secret is on screen")
	}

	// Select two and move it up with K: saved at once.
	term.Keys("j")
	waitScreen("the selection on two", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "anthropic:two") && strings.Contains(l, "▸") {
				return true
			}
		}
		return false
	})
	term.Keys("K")
	waitScreen("the save", contains("saved the anthropic order"))

	var got struct {
		Order map[string][]string `json:"order"`
	}
	data, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"anthropic:two", "anthropic:one", "anthropic:three"}
	if !reflect.DeepEqual(got.Order["anthropic"], want) {
		t.Errorf("file order %v, want %v", got.Order["anthropic"], want)
	}
	s = screen()
	if i, j := strings.Index(s, "anthropic:two"), strings.Index(s, "anthropic:one"); i < 0 || j < 0 || i > j {
		t.Errorf("screen does not show two above one:\n%s", s)
	}

	// q quits and gives the terminal back: the alternate screen is gone and
	// the shell's line shows the exit code.
	term.Keys("q")
	s = waitScreen("the exit", contains("moltbot-exit="))
	if !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("moltbot did not exit 0:\n%s", s)
	}
	if strings.Contains(s, "Providers") {
		t.Errorf("the dashboard is still on screen after quitting:\n%s", s)
	}
}
