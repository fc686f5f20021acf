package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxAddAPIKey drives the built `moltbot models auth add` in a real
// terminal (tmux, 80×24): the steps are the wizard's forms run one after
// another, esc goes back a step, `hello` is refused as an Anthropic API key
// with one line, and a real-shaped key is saved.
func TestTmuxAddAPIKey(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state, home := filepath.Join(dir, "state"), filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_GATEWAY=clawdbot MOLTBOT_STATE_DIR=%s sh -c '%s models auth add; echo moltbot-exit=$?; sleep 30'",
		home, state, bin)
	term := tmuxtest.Start(t, 80, 24, command)
	waitFor, keys := term.WaitFor, term.Keys

	waitFor("What do you want to add?")
	keys("Down", "Enter") // Anthropic — API key
	waitFor("Where should the key go?")
	keys("Escape") // back to step 1
	waitFor("What do you want to add?")
	keys("Enter")
	waitFor("Where should the key go?")
	keys("Enter") // the auth store
	waitFor("Saved as anthropic:default")
	keys("C-u")
	keys("-l", "work")
	waitFor("Saved as anthropic:work") // the description follows the name
	keys("Enter")
	waitFor("Paste the Anthropic API key")
	keys("-l", "hello")
	keys("Enter")
	s := waitFor("that is not an Anthropic API key (sk-ant-api03-…)")
	if strings.Contains(s, "Unusual") || strings.Contains(s, "hello") {
		t.Fatalf("want one error and no echo of the key:\n%s", s)
	}
	key := "sk-ant-api03-FAKE" + strings.Repeat("t", 89) + "AA"
	keys("C-u")
	keys("-l", key)
	keys("Enter")
	s = waitFor("moltbot-exit=")
	if !strings.Contains(s, "moltbot-exit=0") || !strings.Contains(s, "Saved anthropic:work") || strings.Contains(s, key[20:60]) {
		t.Fatalf("add did not end well:\n%s", s)
	}
	if data, err := os.ReadFile(filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")); err != nil || !strings.Contains(string(data), `"key": "`+key+`"`) {
		t.Fatalf("stored: %v\n%s", err, data)
	}
}
