package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// TestTmuxFileTextCannotDriveTheTerminal runs the built binary in a real
// terminal (tmux) over a store whose email sets the window title and
// writes the clipboard (OSC 52) and whose disabledReason wipes the screen:
// `models status` and the dashboard leave the pane's title and tmux's
// paste buffers alone, and the screen shows the escapes as text.
func TestTmuxFileTextCannotDriveTheTerminal(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	c := newCLI(t)
	hostileFiles(c, "anthropic:t"+oscTitle, "me"+osc52+"@x", "anthropic", "billing"+wipe, "gone")
	script := filepath.Join(t.TempDir(), "run.sh")
	// Wait for the test to switch the clipboard on, then show the status,
	// then the dashboard.
	body := fmt.Sprintf("#!/bin/sh\nwhile [ ! -e %[1]s.go ]; do sleep 0.05; done\n"+
		"MOLTBOT_STATE_DIR=%[2]s HOME=%[3]s TERM=xterm-256color %[4]s models status; echo status-done\n"+
		"while [ ! -e %[1]s.dash ]; do sleep 0.05; done\n"+
		"MOLTBOT_STATE_DIR=%[2]s HOME=%[3]s TERM=xterm-256color exec %[4]s\n", script, c.state, c.home, bin)
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	term := tmuxtest.Start(t, 120, 30, "sh "+script)
	for _, opt := range [][]string{{"set-option", "-g", "set-clipboard", "on"}, {"set-option", "-g", "allow-rename", "on"}} {
		if out, err := term.Tmux(opt...); err != nil {
			t.Fatalf("tmux %v: %v %s", opt, err, out)
		}
	}
	title := func() string {
		out, _ := term.Tmux("display-message", "-p", "#{pane_title}")
		return strings.TrimSpace(out)
	}
	buffers := func() string {
		out, _ := term.Tmux("list-buffers")
		return strings.TrimSpace(out)
	}
	before := title()
	if err := os.WriteFile(script+".go", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := term.WaitFor("status-done")
	if !strings.Contains(s, `anthropic:t\x1b]0;PWNED-TITLE\x07`) {
		t.Errorf("models status does not show the id's escapes as text:\n%s", s)
	}
	if got := title(); got != before || strings.Contains(got, "PWNED") {
		t.Errorf("models status changed the pane title: %q → %q", before, got)
	}
	if b := buffers(); b != "" {
		t.Errorf("models status wrote tmux's clipboard: %s", b)
	}
	if err := os.WriteFile(script+".dash", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s = term.WaitFor(`billing\x1b[2J`) // the disabledReason, in the note or the detail line
	if !strings.Contains(s, "anthropic:plain") {
		t.Errorf("the dashboard screen was wiped:\n%s", s)
	}
	if got := title(); strings.Contains(got, "PWNED") {
		t.Errorf("the dashboard set the pane title: %q", got)
	}
	if b := buffers(); b != "" {
		t.Errorf("the dashboard wrote tmux's clipboard: %s", b)
	}
	term.Keys("q")
}
