package views

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

func reports(names ...string) []authstore.ProviderReport {
	out := make([]authstore.ProviderReport, len(names))
	for i, n := range names {
		out[i] = authstore.ProviderReport{Provider: n, Status: authstore.StatusOK,
			Profiles: make([]authstore.ProfileReport, i+1)}
	}
	return out
}

// The selection follows the provider, not the row: a new report that adds
// a provider above keeps it, one without it falls to its neighbour.
func TestProviderListKeepsTheSelectionByID(t *testing.T) {
	p := newProviderList(testKeys())
	p.SetSize(30, 10)
	p.setProviders(reports("anthropic", "openai", "openrouter"), 1)
	if p.selected() != "anthropic" {
		t.Fatalf("first report selects %q, want the first provider", p.selected())
	}
	if _, changed := p.Update(press("down")); !changed || p.selected() != "openai" {
		t.Fatalf("down: %q", p.selected())
	}
	p.setProviders(reports("amazon", "anthropic", "openai", "openrouter"), 2)
	if p.selected() != "openai" || p.cursor != 2 {
		t.Errorf("after a provider was added above: %q at %d", p.selected(), p.cursor)
	}
	p.setProviders(reports("amazon", "anthropic", "openrouter"), 3)
	if p.selected() != "openrouter" {
		t.Errorf("after openai went away: %q, want the one now at its place", p.selected())
	}
	p.setProviders(nil, 4)
	if p.selected() != "" {
		t.Errorf("no providers: %q", p.selected())
	}
}

func TestProviderListKeysAndMouse(t *testing.T) {
	names := []string{"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"}
	p := newProviderList(testKeys())
	p.SetSize(30, 6) // 4 rows
	p.setProviders(reports(names...), 1)
	for _, tc := range []struct {
		msg       tea.Msg
		want      string
		changed   bool
		unhandled bool
	}{
		{press("pgdown"), "a3", true, false},
		{press("up"), "a2", true, false},
		{press("end"), "a9", true, false},
		{press("down"), "a9", false, false}, // stays at the end
		{press("home"), "a0", true, false},
		{press("x"), "a0", false, true},
		{tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown}, "a1", true, false},
		{tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: 3}, "a2", true, false},
		{tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: 5}, "a2", false, true}, // the frame
	} {
		hit, changed := p.Update(tc.msg)
		if p.selected() != tc.want || changed != tc.changed || hit == tc.unhandled {
			t.Errorf("%v: selected %q changed %v hit %v; want %q %v %v", tc.msg, p.selected(), changed, hit, tc.want, tc.changed, !tc.unhandled)
		}
	}
}

// The pane scrolls to the cursor, marks it by focus, and gives way on a
// narrow screen: the count goes, then the status word becomes a sign.
func TestProviderListView(t *testing.T) {
	var st DashboardStyles
	p := newProviderList(testKeys())
	p.setProviders(reports("anthropic", "openai", "openrouter"), 1)
	p.SetSize(p.naturalWidth(100), 4) // 2 rows
	p.selectIndex(2)
	v := plain(p.View(st, true, false))
	if !strings.Contains(v, "▸ openrouter") || strings.Contains(v, "anthropic") || !strings.Contains(v, "(3) ok") {
		t.Errorf("scrolled, focused view:\n%s", v)
	}
	if v := plain(p.View(st, false, false)); !strings.Contains(v, "› openrouter") {
		t.Errorf("blurred view:\n%s", v)
	}
	p.SetSize(18, 5)
	if v := plain(p.View(st, false, false)); !strings.Contains(v, "openrouter  ok") || strings.Contains(v, "(3)") {
		t.Errorf("18 wide: the count goes first:\n%s", v)
	}
	p.SetSize(12, 5)
	if v := plain(p.View(st, false, false)); !strings.Contains(v, "› openr… ✓") {
		t.Errorf("12 wide: the status is a sign:\n%s", v)
	}
}
