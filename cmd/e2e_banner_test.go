package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/internal/fakeclaude/fakeclaudetest"
	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// lastScreenLine is the screen's last line that is not blank.
func lastScreenLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return lines[len(lines)-1]
}

// Issue 14 part 1.1: while claude runs, "press ctrl+] to cancel" stays on
// the screen: at 60×15, where claude's own output is taller than the
// screen (the banner used to scroll away above it), and after the window
// is resized (claude redraws its whole screen then).
func TestTmuxCancelBannerStaysWhileClaudeRuns(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	claudeDir := filepath.Join(dir, "claude-bin")
	if err := os.MkdirAll(claudeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fakeclaudetest.Build(t), filepath.Join(claudeDir, "claude")); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// A shell with a screenful of history above, as in real use.
	command := fmt.Sprintf("env -i PATH=%s:/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_GATEWAY=clawdbot MOLTBOT_STATE_DIR=%s %s=%s %s=1 sh -c 'seq 1 30; %s onboard; echo moltbot-exit=$?; seq 100 140; sleep 30'",
		claudeDir, home, filepath.Join(dir, "state"), fakeclaudetest.EnvMode, fakeclaudetest.ModeOK, fakeclaudetest.EnvFast, bin)
	term := tmuxtest.Start(t, 60, 15, command)
	term.WaitFor("What do you want to add?")
	term.Keys("Enter")
	term.WaitFor("Saved as anthropic:default")
	term.Keys("Enter")
	term.WaitFor("Start claude setup-token")
	term.Keys("Enter")
	const banner = "press ctrl+] to cancel"
	bannerLast := func(s string) bool {
		return strings.Contains(s, fakeclaudetest.PromptMarker) && strings.Contains(lastScreenLine(s), banner)
	}
	term.WaitUntil("the banner on the last row at 60×15", bannerLast)
	for _, size := range [][2]int{{80, 24}, {70, 12}, {100, 30}, {60, 15}} {
		if out, err := term.Tmux("resize-window", "-t", "e2e", "-x", fmt.Sprint(size[0]), "-y", fmt.Sprint(size[1])); err != nil {
			t.Fatalf("resize: %v %s", err, out)
		}
		s := term.WaitUntil(fmt.Sprintf("the banner on the last row at %dx%d", size[0], size[1]), bannerLast)
		if n := strings.Count(s, banner); n != 1 {
			t.Errorf("%v: the banner is on the screen %d times:\n%s", size, n, s)
		}
	}
	term.Keys("-l", "FAKE-code-4711")
	term.Keys("Enter")
	s := term.WaitFor("Captured a setup token")
	if strings.Contains(s, banner) {
		t.Errorf("the banner stays after claude ended:\n%s", s)
	}
	term.Keys("C-c")
	// The shell gets the whole screen back (no scroll region left behind):
	// its output reaches the last row again.
	s = term.WaitFor("140")
	rows := strings.Split(s, "\n")
	if len(rows) < 14 || strings.TrimSpace(rows[13]) != "140" { // the cursor waits on the row below
		t.Errorf("after moltbot the last row is not the shell's:\n%s", s)
	}
}
