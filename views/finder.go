package views

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is finding things in a big store: the filter (`/`, as in k9s
// and lazygit: typed on a line under the panes, it keeps the providers
// and profiles whose id, email or provider holds the text; esc clears it)
// and the jumps to the next or previous profile that needs attention
// (n/N: expired, expiring, missing, cooling down, disabled), across
// providers. The filter only hides rows: the order, the ranks and every
// operation stay those of the whole store.

// finder is the filter's model: the text and whether it is being typed.
type finder struct {
	keys   DashboardKeys
	query  string
	typing bool
}

// active reports whether the filter line is shown.
func (f *finder) active() bool { return f.typing || f.query != "" }

// filtering reports whether rows are being hidden.
func (f *finder) filtering() bool { return strings.TrimSpace(f.query) != "" }

// start begins typing (again, at the end of the text kept).
func (f *finder) start() { f.typing = true }

// clear drops the filter; it reports whether one was shown.
func (f *finder) clear() bool {
	was := f.active()
	f.query, f.typing = "", false
	return was
}

// Update edits the text while it is typed: characters (a paste too) go
// in, backspace takes one out, ctrl+w a word, ctrl+u all; AcceptFilter ends
// the typing and keeps the filter, ClearFilter drops it. It reports
// whether the text changed.
func (f *finder) Update(msg tea.KeyMsg) (changed bool) {
	before := f.query
	switch {
	case key.Matches(msg, f.keys.ClearFilter):
		f.clear()
	case key.Matches(msg, f.keys.AcceptFilter):
		f.typing = false
	case msg.Type == tea.KeyBackspace:
		if r := []rune(f.query); len(r) > 0 {
			f.query = string(r[:len(r)-1])
		}
	case msg.Type == tea.KeyCtrlW:
		f.query = strings.TrimRightFunc(f.query, unicode.IsSpace)
		f.query = strings.TrimRightFunc(f.query, func(r rune) bool { return !unicode.IsSpace(r) })
	case msg.Type == tea.KeyCtrlU:
		f.query = ""
	case msg.Type == tea.KeyRunes, msg.Type == tea.KeySpace:
		for _, r := range msg.Runes {
			if unicode.IsPrint(r) && len(f.query) < 200 {
				f.query += string(r)
			}
		}
	}
	return f.query != before
}

// needle is the text rows are matched against: lower case, trimmed.
func (f *finder) needle() string { return strings.ToLower(strings.TrimSpace(f.query)) }

// providers is provs with only what the filter keeps: a provider whose id
// holds the text keeps all its rows; another keeps the profiles whose id
// or email holds it, and the env rows whose variable does, and goes when
// none does. Without a filter provs is returned as it is.
func (f *finder) providers(provs []authstore.ProviderReport) []authstore.ProviderReport {
	q := f.needle()
	if q == "" {
		return provs
	}
	var out []authstore.ProviderReport
	for _, pr := range provs {
		if kept, ok := filterProvider(pr, q); ok {
			out = append(out, kept)
		}
	}
	return out
}

// filterProvider is pr with the rows that hold q (all of them when its id
// does); ok is false when none does.
func filterProvider(pr authstore.ProviderReport, q string) (authstore.ProviderReport, bool) {
	if contains(pr.Provider, q) {
		return pr, true
	}
	kept := pr
	kept.Profiles = nil
	kept.Env = nil
	for _, p := range pr.Profiles {
		if contains(p.Profile.ID, q) || contains(p.Profile.Email, q) {
			kept.Profiles = append(kept.Profiles, p)
		}
	}
	for _, e := range pr.Env {
		if contains(e.Var, q) {
			kept.Env = append(kept.Env, e)
		}
	}
	return kept, len(kept.Profiles)+len(kept.Env) > 0
}

// contains is a case-insensitive match of file text against q (lower case).
func contains(s, q string) bool { return strings.Contains(strings.ToLower(s), q) }

// View is the filter line: what is typed (with a cursor while typing),
// how many profiles it keeps, and the keys that end it.
func (f *finder) View(st DashboardStyles, width, shown, total int) string {
	var b strings.Builder
	b.WriteString(" " + renderKeyName(keyName(f.keys.Filter), st.Key, st.Dim) + " ")
	b.WriteString(st.Text.Render(authstore.SafeText(f.query)))
	if f.typing {
		b.WriteString(st.Cursor.Render("▏"))
	}
	count := strconv.Itoa(shown) + " of " + strconv.Itoa(total) + " " + plural(total, "profile", "profiles")
	if !f.filtering() {
		count = "type to filter by id, email or provider"
	}
	b.WriteString(st.Dim.Render("   " + count + " · "))
	if f.typing {
		b.WriteString(renderKeyName(firstKey(f.keys.AcceptFilter), st.Key, st.Dim) + st.Dim.Render(" keeps it, "))
	}
	b.WriteString(renderKeyName(firstKey(f.keys.ClearFilter), st.Key, st.Dim) + st.Dim.Render(" clears it"))
	return FitLine(b.String(), width)
}

// needsAttention reports whether the gateway cannot use a profile now or
// soon: expired, expiring, missing, cooling down or disabled.
func needsAttention(p authstore.ProfileReport, now time.Time) bool {
	switch p.Health.Status {
	case authstore.StatusExpired, authstore.StatusExpiring, authstore.StatusMissing:
		return true
	}
	return p.Health.Unusable != "" && p.Health.Until.After(now)
}

// attention is where a jump to a profile that needs attention lands.
type attention struct {
	provider, id string
	n, of        int  // it is the n-th of the of profiles that need attention
	wrapped      bool // the search went past the end (or the start)
}

// nextAttention finds the profile that needs attention after (dir 1) or
// before (dir -1) profile id of provider in provs, in the order shown
// (providers, then each one's rows), going round at the ends. ok is false
// when no profile needs attention.
func nextAttention(provs []authstore.ProviderReport, provider, id string, dir int, now time.Time) (attention, bool) {
	type spot struct{ provider, id string }
	var all []spot
	var marks []int // positions in all of the profiles that need attention
	// here is where the selection is, in half steps: 2i on row i, 2i+1
	// between rows i and i+1 (an env row, after its provider's profiles);
	// -1 before everything.
	here := -1
	for _, pr := range provs {
		found := false
		for _, p := range pr.Profiles {
			if pr.Provider == provider && p.Profile.ID == id {
				here, found = 2*len(all), true
			}
			if needsAttention(p, now) {
				marks = append(marks, len(all))
			}
			all = append(all, spot{pr.Provider, p.Profile.ID})
		}
		if pr.Provider == provider && !found {
			here = 2*len(all) - 1
		}
	}
	if len(marks) == 0 {
		return attention{}, false
	}
	pick, wrapped := -1, false
	if dir > 0 {
		for i, m := range marks {
			if 2*m > here {
				pick = i
				break
			}
		}
		if pick < 0 {
			pick, wrapped = 0, true
		}
	} else {
		for i := len(marks) - 1; i >= 0; i-- {
			if 2*marks[i] < here {
				pick = i
				break
			}
		}
		if pick < 0 {
			pick, wrapped = len(marks)-1, true
		}
	}
	s := all[marks[pick]]
	return attention{provider: s.provider, id: s.id, n: pick + 1, of: len(marks), wrapped: wrapped}, true
}

// attentionWhy is what a profile that needs attention has, as the table
// says it: "expired", "cooldown 4m 09s", "disabled (billing) 5h 00m".
func attentionWhy(p authstore.ProfileReport, now time.Time) string {
	r := profileRow{health: p.Health}
	if p.Health.Unusable != "" && p.Health.Until.After(now) {
		return noteText(r, now)
	}
	return statusText(r)
}
