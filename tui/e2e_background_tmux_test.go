package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/internal/tmuxtest"
)

// The dashboard in tmux, with tmux's own TERM, asks tmux for the
// background and colours for it: tmux answers OSC 11 with the pane's
// background when it knows it (here a white window-style: the light
// palette) and only the cursor report when it does not (the dark palette,
// at once). termenv never asked tmux, so a light tmux got the dark palette.
func TestTmuxDashboardColoursForTheBackground(t *testing.T) {
	bin := tmuxtest.BuildMoltbot(t)
	// The header's colour, as tmux re-encodes it at 256 colours.
	header := func(hex string) string {
		return "\x1b[" + termenv.ANSI256.Color(hex).Sequence(false) + "m moltbot"
	}
	light, dark := header(palette.HeaderAccent.Light.ANSI256), header(palette.HeaderAccent.Dark.ANSI256)
	if light == dark {
		t.Fatal("the light and dark header colours are the same at 256 colours")
	}
	for _, tc := range []struct {
		name, windowStyle, want, notWant string
	}{
		{"white pane", "bg=#ffffff", light, dark},
		{"background not known to tmux", "", dark, light},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			state := filepath.Join(dir, "state")
			store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
			if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(store, []byte(`{"version": 1, "profiles": {"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"}}}`), 0o600); err != nil {
				t.Fatal(err)
			}
			// moltbot starts once the pane's style is set (the ready file).
			ready := filepath.Join(dir, "ready")
			command := fmt.Sprintf(`while [ ! -f %s ]; do sleep 0.02; done; env -i PATH=/usr/bin:/bin HOME=%s TERM=tmux-256color TMUX="$TMUX" MOLTBOT_STATE_DIR=%s %s; echo moltbot-exit=$?; sleep 30`, ready, dir, state, bin)
			term := tmuxtest.Start(t, 100, 30, command)
			if tc.windowStyle != "" {
				if out, err := term.Tmux("set", "-g", "window-style", tc.windowStyle); err != nil {
					t.Fatalf("tmux set: %v %s", err, out)
				}
			}
			if err := os.WriteFile(ready, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			term.WaitFor("anthropic:default")
			took := time.Since(start)
			s := term.ScreenANSI()
			if !strings.Contains(s, tc.want) || strings.Contains(s, tc.notWant) {
				t.Errorf("header colour: want %q, not %q; screen:\n%q", tc.want, tc.notWant, s)
			}
			term.Keys("q")
			term.WaitFor("moltbot-exit=0")
			t.Logf("first frame after %v", took.Round(time.Millisecond))
		})
	}
}
