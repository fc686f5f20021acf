package views_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/views"
)

// titleOf is the view's first line.
func titleOf(view string) string { return strings.SplitN(view, "\n", 2)[0] }

// Issue 14 part 2.7: the title shows a badge when something expires
// within --warn, or a provider in use has nothing usable; the line under
// it counts what `models status` counts.
func TestTitleBadgeSeesTroubleComing(t *testing.T) {
	token := func(expires time.Duration) string {
		return fmt.Sprintf(`{"version": 1, "profiles": {
  "anthropic:sub": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d}}}`, fakeOAT, ms(expires))
	}
	for _, tc := range []struct {
		name    string
		store   string
		warn    time.Duration
		badge   string
		counts  string
		noBadge bool
	}{
		{name: "all well", store: token(30 * 24 * time.Hour), noBadge: true, counts: "All credentials are usable."},
		{name: "expiring within the default 24h", store: token(5 * time.Hour), badge: "! 1 expiring",
			counts: "0 expired or missing · 1 expiring within 24h · 0 cooling down or disabled"},
		{name: "outside the window", store: token(30 * time.Hour), noBadge: true},
		{name: "inside a --warn 3d window", store: token(30 * time.Hour), warn: 72 * time.Hour, badge: "! 1 expiring",
			counts: "1 expiring within 3d"},
		// The only credential of the provider the default model uses.
		{name: "expired", store: token(-time.Hour), badge: "✗ anthropic: no usable credential",
			counts: "2 expired or missing"}, // the token, and the provider in use with nothing usable: as models status counts them
		{name: "cooling down", store: fmt.Sprintf(`{"version": 1, "profiles": {
  "anthropic:k": {"type": "api_key", "provider": "anthropic", "key": %q}},
  "usageStats": {"anthropic:k": {"cooldownUntil": %d}}}`, fakeAPI, ms(10*time.Minute)),
			badge: "✗ anthropic: no usable credential", counts: "1 cooling down or disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.store)
			f.getenv = map[string]string{} // no ANTHROPIC_API_KEY to fall back on
			env := f.env()
			env.Warn = tc.warn
			f.d = views.NewDashboard(env)
			f.d.SetSize(100, 28)
			f.run(f.d.Init())
			v := f.view()
			title := titleOf(v)
			if tc.noBadge && (strings.Contains(title, "✗") || strings.Contains(title, "!")) {
				t.Errorf("a badge with nothing to see:\n%s", v)
			}
			if tc.badge != "" && !strings.Contains(title, tc.badge) {
				t.Errorf("title %q lacks the badge %q", title, tc.badge)
			}
			if tc.counts != "" && !strings.Contains(strings.Split(v, "\n")[1], tc.counts) {
				t.Errorf("the counts line lacks %q:\n%s", tc.counts, v)
			}
		})
	}
}

// Issue 14 part 1.5: a store deleted while the dashboard is open says so,
// not "No credentials yet".
func TestDeletedStoreSaysSo(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 28)
	if err := os.Remove(f.storePath()); err != nil {
		t.Fatal(err)
	}
	f.send(views.FilesChangedMsg{})
	v := f.view()
	if strings.Contains(v, "No credentials yet") {
		t.Errorf("a deleted store reads as a new one:\n%s", v)
	}
	for _, want := range []string{"The auth store was deleted: ~/state/agents/main/agent/auth-profiles.json", "Press a to add a credential"} {
		if !strings.Contains(v, want) {
			t.Errorf("the view lacks %q:\n%s", want, v)
		}
	}
	// A store that never existed is still a new installation.
	ff := newFixture(t, "")
	ff.getenv = map[string]string{}
	fresh := ff.start(100, 28).view()
	if !strings.Contains(fresh, "No credentials yet") || strings.Contains(fresh, "deleted") {
		t.Errorf("a fresh state directory:\n%s", fresh)
	}
	// And one that comes back is shown again.
	f.writeStore(populatedStore())
	f.send(views.FilesChangedMsg{})
	if v := f.view(); strings.Contains(v, "deleted") || !strings.Contains(v, "anthropic:manual") {
		t.Errorf("the store is back:\n%s", v)
	}
}

// Issue 14 part 1.1: the corrupt store's location is shown whole at
// 60×15, and restoring the .bak is offered only when there is one.
func TestCorruptStoreLocationFitsAt60x15(t *testing.T) {
	f := newFixture(t, populatedStore()).start(60, 13)
	f.writeStore(`{"version": 1, "profiles": {`)
	f.send(views.FilesChangedMsg{})
	v := f.view()
	flat := strings.ReplaceAll(strings.ReplaceAll(v, "\n┃ ", ""), "\n", "")
	if !strings.Contains(flat, "~/state/agents/main/agent/auth-profiles.json:1:") {
		t.Errorf("the location is cut:\n%s", v)
	}
	if strings.Contains(v, "restores the .bak") || !strings.Contains(v, "doctor --fix") {
		t.Errorf("no .bak here, but the text promises one (or lost the fix):\n%s", v)
	}
	f.write("agents/main/agent/auth-profiles.json.bak", populatedStore())
	f.send(views.FilesChangedMsg{})
	if flat := strings.Join(strings.Fields(strings.ReplaceAll(f.view(), "┃", "")), " "); !strings.Contains(flat, "restores the .bak: 6 profiles") {
		t.Errorf("a good .bak is not offered:\n%s", f.view())
	}
}

// Issue 14 part 1.1: at 60×15 the empty store still says what to press;
// its blank lines and the least important hint give way first.
func TestEmptyStoreSaysWhatToPressAt60x15(t *testing.T) {
	f := newFixture(t, "")
	f.getenv = map[string]string{}
	v := f.start(58, 13).view()
	flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "│", " ")), " ")
	for _, want := range []string{"No credentials yet.", "Press a to add one", "anthropic is used by the configured model but has no credential"} {
		if !strings.Contains(flat, want) {
			t.Errorf("60×15 lacks %q:\n%s", want, v)
		}
	}
}

// A store corrupt from the first read has nothing to show below: at 60×15
// the reason and what to do are whole.
func TestCorruptFromTheStartIsWholeAt60x15(t *testing.T) {
	f := newFixture(t, `{"version": 1, "profiles": {,}}`).start(58, 13)
	v := f.view()
	flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "┃", "")), " ")
	for _, want := range []string{"invalid character ',' looking for beginning of object key string",
		"there is no good .bak to restore). It reloads when the file changes.", "Nothing to show until the store can be read (see above)."} {
		if !strings.Contains(strings.ReplaceAll(flat, "│", ""), want) && !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(flat, "│", "")), " "), want) {
			t.Errorf("60×15 lacks %q:\n%s", want, v)
		}
	}
}
