package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxOnboardSubscription drives the built binary in a real terminal:
// `moltbot onboard` in tmux at 100×30 on a private socket, with the fake
// `claude` first on PATH. The user picks the subscription, types a code
// into claude, confirms the masked token, and the profile is in the store.
func TestTmuxOnboardSubscription(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	// A directory holding only `claude`: a link to the fake.
	claudeDir := filepath.Join(dir, "claude-bin")
	if err := os.MkdirAll(claudeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fakeclaudetest.Build(t), filepath.Join(claudeDir, "claude")); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}

	command := fmt.Sprintf("env -i PATH=%s:/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_GATEWAY=clawdbot MOLTBOT_STATE_DIR=%s %s=%s %s=1 sh -c '%s onboard; echo moltbot-exit=$?; sleep 30'",
		claudeDir, home, state, fakeclaudetest.EnvMode, fakeclaudetest.ModeOK, fakeclaudetest.EnvFast, bin)
	term := tmuxtest.Start(t, 100, 30, command)
	waitFor, keys := term.WaitFor, term.Keys

	waitFor("What do you want to add?")
	keys("Enter") // Anthropic — Claude subscription (setup-token)
	waitFor("Saved as anthropic:default")
	keys("Enter")
	waitFor("Start claude setup-token")
	start := time.Now()
	keys("Enter")
	s := waitFor(fakeclaudetest.PromptMarker)
	if !strings.Contains(s, "press ctrl+] to cancel") {
		t.Errorf("no cancel hint before the handover:\n%s", s)
	}
	keys("-l", "FAKE-code-4711")
	keys("Enter")
	s = waitFor("Captured a setup token")
	end := time.Now()
	tok := fakeclaudetest.DefaultToken
	if strings.Contains(s, tok[20:60]) {
		t.Fatalf("the token is on screen:\n%s", s)
	}
	if !strings.Contains(s, tok[:12]+"…"+tok[len(tok)-4:]) {
		t.Errorf("the masked token is not shown:\n%s", s)
	}
	keys("Enter")
	waitFor("Next, try:")
	keys("Enter")
	s = waitFor("moltbot-exit=")
	if !strings.Contains(s, "moltbot-exit=0") || !strings.Contains(s, "Saved anthropic:default.") {
		t.Errorf("onboard did not end well:\n%s", s)
	}
	if strings.Contains(s, tok[20:60]) {
		t.Errorf("claude's copy of the token is still on screen after the capture:\n%s", s)
	}

	var doc struct {
		Profiles map[string]struct {
			Type, Provider, Token string
			Expires               int64
		}
	}
	data, err := os.ReadFile(filepath.Join(state, "agents", "main", "agent", "auth-profiles.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Profiles["anthropic:default"]
	if p.Type != "token" || p.Provider != "anthropic" || p.Token != tok {
		t.Fatalf("stored: type %q provider %q, whole token %v", p.Type, p.Provider, p.Token == tok)
	}
	year := 365 * 24 * time.Hour
	if at := time.UnixMilli(p.Expires); at.Before(start.Add(year).Add(-time.Second)) || at.After(end.Add(year).Add(time.Second)) {
		t.Errorf("expires %v, want capture time + 365 days (%v … %v)", at, start.Add(year), end.Add(year))
	}
}
