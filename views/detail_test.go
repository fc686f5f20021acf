package views

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
)

func TestWrapParts(t *testing.T) {
	parts := []string{"anthropic:work", "me@work.example", "sk-ant-api03…WWWW", "cooldown 2m 58s"}
	for _, tc := range []struct {
		w, n int
		want []string
	}{
		{100, 2, []string{"anthropic:work · me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		{40, 2, []string{"anthropic:work · me@work.example", "sk-ant-api03…WWWW · cooldown 2m 58s"}},
		// One line: everything on it (fitCell cuts it later).
		{40, 1, []string{"anthropic:work · me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		// Too narrow for two parts a line: the rest goes on the last line.
		{16, 2, []string{"anthropic:work", "me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		{16, 3, []string{"anthropic:work", "me@work.example", "sk-ant-api03…WWWW · cooldown 2m 58s"}},
	} {
		if got := wrapParts(parts, " · ", tc.w, tc.n); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("w=%d n=%d: %q, want %q", tc.w, tc.n, got, tc.want)
		}
	}
	if got := wrapParts([]string{"one"}, " · ", 2, 2); !reflect.DeepEqual(got, []string{"one"}) {
		t.Errorf("a single part: %q", got)
	}
}

// The detail pane says in full what the table cut: id, email, mask, the
// exact expiry and, when renewing is due, the key that does it; where the
// profile is tried; the probe. Env rows say where they come from.
func TestDetailPaneDescribesTheRow(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	var st DashboardStyles
	p := detailPane{}
	p.SetSize(200, 2)
	tok := profileRow{label: "anthropic:manual", email: "me@example.com", mask: "sk-ant-oat01…TTTT", rank: 2, lastUsed: now.Add(-time.Hour),
		health: authstore.Health{Status: authstore.StatusExpiring, ExpiresAt: now.Add(2 * time.Hour)}}
	got := plain(p.View(st, detailInfo{row: tok, now: now, total: 4, renewKey: "R", probe: "probe ✓ ok 212ms"}))
	want := "anthropic:manual · me@example.com · sk-ant-oat01…TTTT · expires 2026-01-02 17:04 · R renews it · used 1h ago · tried 2nd of 4 · probe ✓ ok 212ms"
	if strings.TrimSpace(got) != want {
		t.Errorf("token row:\n%q\nwant\n%q", strings.TrimSpace(got), want)
	}
	if got := plain(p.View(st, detailInfo{row: tok, now: now, total: 4})); strings.Contains(got, "renews") {
		t.Errorf("no renew key given, yet: %q", got)
	}
	env := profileRow{label: "OPENROUTER_API_KEY", mask: "sk-or-v1…RRRR", env: true, envSource: authstore.SourceDotEnv}
	if got := strings.TrimSpace(plain(p.View(st, detailInfo{row: env, now: now}))); got != "OPENROUTER_API_KEY · sk-or-v1…RRRR · from .env · read-only" {
		t.Errorf("env row: %q", got)
	}
	p.SetSize(40, 2)
	lines := p.View(st, detailInfo{row: tok, now: now, total: 4})
	if len(lines) != 2 || lipgloss.Width(lines[0]) != 40 || lipgloss.Width(lines[1]) != 40 {
		t.Errorf("40×2: %q", lines)
	}
	p.SetSize(40, 0)
	if lines := p.View(st, detailInfo{row: tok, now: now}); lines != nil {
		t.Errorf("no room: %q", lines)
	}
}
