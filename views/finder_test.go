package views

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

var finderNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// prof is a profile report of id in health h.
func prof(id, email string, h authstore.Health) authstore.ProfileReport {
	return authstore.ProfileReport{Profile: authstore.Profile{ID: id, Email: email}, Health: h}
}

func finderProviders() []authstore.ProviderReport {
	ok := authstore.Health{Status: authstore.StatusStatic}
	cool := authstore.Health{Status: authstore.StatusStatic, Unusable: authstore.UnusableCooldown, Until: finderNow.Add(time.Minute)}
	over := authstore.Health{Status: authstore.StatusStatic, Unusable: authstore.UnusableCooldown, Until: finderNow.Add(-time.Minute)}
	soon := authstore.Health{Status: authstore.StatusExpiring}
	gone := authstore.Health{Status: authstore.StatusExpired}
	return []authstore.ProviderReport{
		{Provider: "anthropic", Profiles: []authstore.ProfileReport{prof("anthropic:a", "", ok), prof("anthropic:b", "me@work.example", cool), prof("anthropic:c", "", over)},
			Env: []authstore.EnvCredential{{Var: "ANTHROPIC_API_KEY"}}},
		{Provider: "openai", Profiles: []authstore.ProfileReport{prof("openai:x", "", soon)}},
		{Provider: "zai", Profiles: []authstore.ProfileReport{prof("zai:y", "", ok), prof("zai:z", "", gone)}},
	}
}

func profileIDsOf(provs []authstore.ProviderReport) []string {
	var out []string
	for _, pr := range provs {
		for _, p := range pr.Profiles {
			out = append(out, p.Profile.ID)
		}
		for _, e := range pr.Env {
			out = append(out, e.Var)
		}
	}
	return out
}

// The filter keeps a provider whole when its id matches, else the
// profiles whose id or email does (and env rows by variable), any case.
func TestFinderFilters(t *testing.T) {
	provs := finderProviders()
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", []string{"anthropic:a", "anthropic:b", "anthropic:c", "ANTHROPIC_API_KEY", "openai:x", "zai:y", "zai:z"}},
		{"  ", []string{"anthropic:a", "anthropic:b", "anthropic:c", "ANTHROPIC_API_KEY", "openai:x", "zai:y", "zai:z"}},
		{"WORK", []string{"anthropic:b"}},
		{"api_key", []string{"ANTHROPIC_API_KEY"}},
		{"open", []string{"openai:x"}},
		{"anthropic", []string{"anthropic:a", "anthropic:b", "anthropic:c", "ANTHROPIC_API_KEY"}},
		{":z", []string{"zai:z"}},
		{"nothing", nil},
	} {
		f := finder{query: tc.q}
		if got := profileIDsOf(f.providers(provs)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q keeps %v, want %v", tc.q, got, tc.want)
		}
	}
	// The report itself is not changed.
	if got := profileIDsOf(provs); len(got) != 7 {
		t.Errorf("the report lost rows: %v", got)
	}
}

// Typing: characters and pastes go in, backspace, ctrl+w and ctrl+u take
// out, enter keeps the filter, esc drops it.
func TestFinderTyping(t *testing.T) {
	f := finder{keys: testKeys()}
	f.start()
	for _, m := range []tea.KeyMsg{press("a"), press("n"), {Type: tea.KeySpace, Runes: []rune{' '}}, {Type: tea.KeyRunes, Runes: []rune("work x"), Paste: true}} {
		f.Update(m)
	}
	if f.query != "an work x" {
		t.Fatalf("query %q", f.query)
	}
	f.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	f.Update(tea.KeyMsg{Type: tea.KeyCtrlW})
	if f.query != "an " {
		t.Errorf("after backspace, ctrl+w: %q", f.query)
	}
	if changed := f.Update(press("enter")); changed || f.typing || !f.active() {
		t.Errorf("enter: changed %v typing %v active %v", changed, f.typing, f.active())
	}
	f.start()
	f.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	if f.query != "" || !f.typing {
		t.Errorf("ctrl+u: %q typing %v", f.query, f.typing)
	}
	f.query = "x"
	if changed := f.Update(press("esc")); !changed || f.active() {
		t.Errorf("esc: changed %v active %v", changed, f.active())
	}
	v := ansi.Strip((&finder{keys: testKeys(), query: "wo", typing: true}).View(DashboardStyles{}, 80, 2, 9))
	if !strings.Contains(v, "/ wo▏   2 of 9 profiles · enter keeps it, esc clears it") {
		t.Errorf("view %q", v)
	}
}

// n and N visit the profiles that need attention (expired, expiring,
// cooling down; not a cooldown that has ended) in the order shown, round
// at the ends, from wherever the selection is.
func TestNextAttention(t *testing.T) {
	provs := finderProviders()
	for _, tc := range []struct {
		name         string
		provider, id string
		dir          int
		want         string
		n            int
		wrapped      bool
	}{
		{"from the first", "anthropic", "anthropic:a", 1, "anthropic:b", 1, false},
		{"skips an ended cooldown", "anthropic", "anthropic:b", 1, "openai:x", 2, false},
		{"from the last", "zai", "zai:z", 1, "anthropic:b", 1, true},
		{"back from the first", "anthropic", "anthropic:b", -1, "zai:z", 3, true},
		{"back", "zai", "zai:y", -1, "openai:x", 2, false},
		{"from an env row", "anthropic", "", 1, "openai:x", 2, false},
		{"back from an env row", "anthropic", "", -1, "anthropic:b", 1, false},
		{"from a provider gone from the list", "nosuch", "", 1, "anthropic:b", 1, false},
	} {
		at, ok := nextAttention(provs, tc.provider, tc.id, tc.dir, finderNow)
		if !ok || at.id != tc.want || at.n != tc.n || at.of != 3 || at.wrapped != tc.wrapped {
			t.Errorf("%s: %+v %v; want %s (%d of 3, wrapped %v)", tc.name, at, ok, tc.want, tc.n, tc.wrapped)
		}
	}
	if _, ok := nextAttention(provs[:1][:0], "", "", 1, finderNow); ok {
		t.Error("found something in nothing")
	}
}
