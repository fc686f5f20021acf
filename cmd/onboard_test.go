package cmd

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
)

// The whole wizard on a real pty: bubbletea hands the terminal to the fake
// `claude setup-token` with tea.Exec, the user types the code into it, and
// the wizard saves the captured token.
func TestOnboardSubscriptionThroughTeaExec(t *testing.T) {
	c := newCLI(t)
	c.env["TERM"] = "screen" // GNU screen: moltbot asks it no colour question (nobody here would answer)
	r := c.runInPTY(fakeclaudetest.ModeSlow, "onboard")
	r.screen.waitFor(t, "What do you want to add?")
	r.typeKeys(t, "\r") // Anthropic — Claude subscription
	r.screen.waitFor(t, "Saved as anthropic:default")
	r.typeKeys(t, "\r")
	r.screen.waitFor(t, "Start claude setup-token")
	r.typeKeys(t, "\r")
	r.screen.waitFor(t, "press ctrl+] to cancel")
	r.screen.waitFor(t, fakeclaudetest.PromptMarker)
	r.typeKeys(t, "FAKE-code-4711\r")
	r.screen.waitFor(t, "Captured a setup token")
	if strings.Contains(r.screen.String()[strings.LastIndex(r.screen.String(), "Captured a setup token"):], fakeclaudetest.DefaultToken[20:60]) {
		t.Fatal("the wizard shows the token")
	}
	r.typeKeys(t, "\r")
	r.screen.waitFor(t, "moltbot models auth order get --provider anthropic")
	r.typeKeys(t, "\r")
	if code := r.wait(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, r.stderr.String())
	}
	p := c.profile("anthropic:default")
	if p["type"] != "token" || p["token"] != fakeclaudetest.DefaultToken {
		t.Fatalf("stored profile: type %v, whole token: %v", p["type"], p["token"] == fakeclaudetest.DefaultToken)
	}
	// The test clock is fixed: the token's year starts at capture time.
	if want := float64(testNow.Add(365 * 24 * time.Hour).UnixMilli()); p["expires"] != want {
		t.Errorf("expires %v, want %v", p["expires"], want)
	}
	if cfg := readFile(t, filepath.Join(c.state, "clawdbot.json")); !strings.Contains(cfg, `"mode": "token"`) {
		t.Errorf("config not updated:\n%s", cfg)
	}
	r.screen.waitFor(t, "Saved anthropic:default. Check it with `moltbot models status`.") // after the wizard closed
}

func TestOnboardCtrlCWritesNothing(t *testing.T) {
	c := newCLI(t)
	c.env["TERM"] = "screen"
	c.writeStore(`{"version": 1, "profiles": {"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"}}}`)
	before := c.tree()
	r := c.runInPTY(fakeclaudetest.ModeOK, "onboard")
	r.screen.waitFor(t, "What do you want to add?")
	r.typeKeys(t, "\r")
	r.screen.waitFor(t, "Saved as anthropic:default")
	r.typeKeys(t, "\r")
	r.screen.waitFor(t, "already exists")
	r.typeKeys(t, "\x03")
	if code := r.wait(t); code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(r.stderr.String(), "nothing was saved") {
		t.Errorf("stderr:\n%s", r.stderr.String())
	}
	assertSameTree(t, before, c.tree())
}

func TestOnboardNeedsATerminal(t *testing.T) {
	c := newCLI(t)
	before := c.tree()
	out, errOut, code := c.run("onboard")
	if code != ExitFailure || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	assertOneLine(t, errOut, "needs a terminal")
	assertSameTree(t, before, c.tree())
}

// A run that yields no token, through the real handover: the wizard says
// why, the next key reaches it, and nothing is written.
func TestOnboardNoTokenThroughTeaExec(t *testing.T) {
	for _, tc := range []struct {
		mode, code, why string
	}{
		{fakeclaudetest.ModeExit1, "FAKE-code\r", "exited with status 1"},
		{fakeclaudetest.ModeNoToken, "FAKE-code\r", "exited without a usable token"},
		{fakeclaudetest.ModeCrash, "FAKE-code\r", "exited with status 2"},
		{fakeclaudetest.ModeHang, "FAKE-code\r\x1d", "cancelled with ctrl+]"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			c := newCLI(t)
			c.env["TERM"] = "screen"
			before := c.tree()
			r := c.runInPTY(tc.mode, "onboard")
			r.screen.waitFor(t, "What do you want to add?")
			r.typeKeys(t, "\r")
			r.screen.waitFor(t, "Saved as anthropic:default")
			r.typeKeys(t, "\r")
			r.screen.waitFor(t, "Start claude setup-token")
			r.typeKeys(t, "\r")
			r.screen.waitFor(t, fakeclaudetest.PromptMarker)
			r.typeKeys(t, tc.code)
			r.screen.waitFor(t, "No token was captured")
			r.screen.waitFor(t, tc.why)
			r.typeKeys(t, "\x03") // the first key after the handover reaches the wizard
			if code := r.wait(t); code != ExitFailure {
				t.Fatalf("exit %d", code)
			}
			assertSameTree(t, before, c.tree())
		})
	}
}
