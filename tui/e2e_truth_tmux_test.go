package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// truthStore writes, at the real time (the binary reads the real clock),
// a store with long ids sharing their beginning, emails, a token expiring
// in 5 hours, one expired 3 hours ago, one far off, a key cooling down for
// 9 minutes and one left out of the order; it returns the state dir.
func truthStore(t *testing.T, dir string) string {
	t.Helper()
	state := filepath.Join(dir, "state")
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ms := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	tok := func(c string) string { return "sk-ant-oat01-FAKE" + strings.Repeat(c, 91) }
	key := func(c string) string { return "sk-ant-api03-FAKE" + strings.Repeat(c, 80) }
	doc := fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:default": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d},
    "anthropic:work-subscription-team": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d, "email": "someone.long@work.example.com"},
    "anthropic:work-subscription-home": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d, "email": "me@home.example"},
    "anthropic:cooling": {"type": "api_key", "provider": "anthropic", "key": %q},
    "anthropic:api": {"type": "api_key", "provider": "anthropic", "key": %q},
    "openai-codex:someone.very.long.address@example.com": {"type": "oauth", "provider": "openai-codex", "access": "FAKE-access", "refresh": "FAKE-refresh", "expires": %d}
  },
  "order": {"anthropic": ["anthropic:work-subscription-team", "anthropic:default", "anthropic:cooling", "anthropic:work-subscription-home"]},
  "usageStats": {"anthropic:cooling": {"lastUsed": %d, "cooldownUntil": %d, "errorCount": 2}}
}`, tok("T"), ms(200*24*time.Hour), tok("W"), ms(5*time.Hour), tok("H"), ms(-3*time.Hour), key("C"), key("A"),
		ms(20*time.Hour), ms(-time.Minute), ms(9*time.Minute))
	if err := os.WriteFile(store, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return state
}

// truthCommand runs the binary in a scratch home with state, then prints
// its exit code and stays a while so that the screen can be read.
func truthCommand(t *testing.T, bin, dir, state, extra string) string {
	t.Helper()
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_GATEWAY=clawdbot MOLTBOT_STATE_DIR=%s %s sh -c '%s; echo moltbot-exit=$?; sleep 30'",
		home, state, extra, bin)
}

// rowWith is the screen line that contains every one of parts.
func rowWith(screen string, parts ...string) string {
	for _, l := range strings.Split(screen, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return l
		}
	}
	return ""
}

// Issue 14 part 1.1, in a real terminal: at 80×24 every countdown is on
// the screen, and the ids that had to be cut still read differently.
func TestTmuxEveryCountdownAt80x24(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := truthStore(t, dir)
	term := tmuxtest.Start(t, 80, 24, truthCommand(t, bin, dir, state, ""))
	s := term.WaitFor("anthropic:default")
	for _, tc := range []struct {
		row  string
		want *regexp.Regexp
	}{
		{"team", regexp.MustCompile(`expiring +in 4h 5\dm`)},
		{"home", regexp.MustCompile(`expired +3h 0\dm ago`)},
		{"anthropic:default", regexp.MustCompile(`ok +in 199d|ok +in 200d`)},
		{"anthropic:cooling", regexp.MustCompile(`cooldown [89]m \d\ds`)},
	} {
		row := rowWith(s, tc.row)
		if row == "" || !tc.want.MatchString(row) {
			t.Errorf("the %s row %q lacks %v:\n%s", tc.row, row, tc.want, s)
		}
	}
	team, home := rowWith(s, "team"), rowWith(s, "home")
	if team == "" || home == "" || strings.Contains(team, "anthropic…") || strings.Contains(home, "anthropic…") {
		t.Errorf("the cut ids do not read differently:\n%s", s)
	}
	if !strings.Contains(strings.Split(s, "\n")[1], "1 expired or missing · 2 expiring within 24h") {
		t.Errorf("no counts line:\n%s", s)
	}
}

// Issue 14 part 1.1: at 60×15 the title, the counts, a long status
// message and the full help are whole; below 60×15 the notice that says
// so is whole too.
func TestTmuxMessagesFitAt60x15(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := truthStore(t, dir)
	envKey := "ANTHROPIC_API_KEY=sk-ant-api03-FAKE" + strings.Repeat("E", 80)
	term := tmuxtest.Start(t, 60, 15, truthCommand(t, bin, dir, state, envKey))
	s := term.WaitFor("anthropic:api")
	lines := strings.Split(s, "\n")
	if !strings.Contains(lines[0], "✗ anthropic") && !strings.Contains(lines[0], "✗ 1 expired") && !strings.Contains(lines[0], "✗ 2 expired") {
		t.Errorf("no badge in the title %q", lines[0])
	}
	if strings.HasSuffix(strings.TrimSpace(lines[0]), "…") || strings.Contains(lines[1], "…") {
		t.Errorf("the title or the counts are cut:\n%s", s)
	}
	// The env row's refusal is a long message: wrapped, whole.
	term.Keys("End")
	term.WaitUntil("the env row selected", func(s string) bool { return strings.Contains(rowWith(s, "▸"), "API_KEY") })
	term.Keys("d")
	want := "ANTHROPIC_API_KEY comes from the environment and is read-only here (not part of the order; edit it there)"
	s = term.WaitUntil("the whole message", func(s string) bool {
		// (A line may end after a hyphen.)
		return strings.Contains(strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "- ", "-"), want)
	})
	for i, l := range strings.Split(s, "\n") {
		if len([]rune(l)) > 60 {
			t.Errorf("line %d is wider than 60: %q", i, l)
		}
	}
	term.Keys("?")
	s = term.WaitFor("ctrl+z suspend")
	if strings.Contains(s, "taller") {
		t.Errorf("the full help does not fit at 60×15:\n%s", s)
	}
	term.Keys("Escape")
	if out, err := term.Tmux("resize-window", "-t", "e2e", "-x", "44", "-y", "10"); err != nil {
		t.Fatalf("resize: %v %s", err, out)
	}
	s = term.WaitUntil("the too-small notice", func(s string) bool {
		return strings.Contains(strings.Join(strings.Fields(s), " "), "moltbot needs at least 60×15 (this is 44×10); enlarge the window")
	})
	if strings.Contains(s, "…") {
		t.Errorf("the notice is cut:\n%s", s)
	}
}

// Issue 14 part 1.4: on TERM=dumb moltbot prints models status after one
// line saying why, and never takes the alternate screen.
func TestTmuxDumbTerminalFallsBackToStatus(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := truthStore(t, dir)
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=dumb MOLTBOT_GATEWAY=clawdbot MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	term := tmuxtest.Start(t, 100, 30, command)
	s := term.WaitFor("moltbot-exit=")
	for _, want := range []string{"TERM=dumb", "models status", "anthropic:work-subscription-team", "expired or missing"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "╭─ Providers") {
		t.Errorf("the dashboard was drawn:\n%s", s)
	}
	if out, _ := term.Tmux("display-message", "-p", "-t", "e2e", "#{alternate_on}#{mouse_any_flag}"); strings.TrimSpace(out) != "00" {
		t.Errorf("alternate screen / mouse flags %q, want 00", out)
	}
}

// Issue 14 part 1.5: q during a grab cancels the grab (nothing saved) and
// says so; q again quits.
func TestTmuxQuitDuringAGrab(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	dir := t.TempDir()
	state := truthStore(t, dir)
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	before, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	term := tmuxtest.Start(t, 100, 30, truthCommand(t, bin, dir, state, ""))
	term.WaitFor("anthropic:default")
	term.Keys("Space")
	term.WaitFor("moving")
	term.Keys("j")
	term.Keys("q")
	s := term.WaitFor("move cancelled, nothing was saved")
	if strings.Contains(s, "moltbot-exit=") {
		t.Fatalf("q quit during the grab:\n%s", s)
	}
	after, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("the cancelled move was saved")
	}
	term.Keys("q")
	if s := term.WaitFor("moltbot-exit="); !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("q again did not quit cleanly:\n%s", s)
	}
}
