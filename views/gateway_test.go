package views_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pendingConfig is a config last written by openclaw 2026.9.6, which keeps
// credentials in SQLite: beside it, a JSON store waits for openclaw's
// doctor to import it.
const pendingConfig = `{"meta":{"lastTouchedVersion":"2026.9.6"}}`

// A migration between gateway generations is pending (issue 13): the
// dashboard says so above the panes with openclaw's command, the title
// says it, and no key writes anything: each says why in one line.
func TestDashboardPendingMigrationBanner(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.detect = true
	f.write("openclaw.json", pendingConfig)
	f.start(120, 28)
	before := f.readStore()
	v := f.view()
	title := strings.SplitN(v, "\n", 2)[0]
	if !strings.Contains(title, "openclaw 2026.9.6 · SQLite · migration pending") {
		t.Errorf("the title does not say it:\n%s", title)
	}
	for _, want := range []string{"A migration between gateway generations is pending", "openclaw doctor --fix --non-interactive --yes", "moltbot never does"} {
		if !strings.Contains(v, want) {
			t.Errorf("the banner lacks %q:\n%s", want, v)
		}
	}
	f.statuses = nil
	f.keys("a", "K", "space", "d", "c", "r")
	if f.wizard != 0 {
		t.Error("the wizard opened: nothing it saved could be written")
	}
	if f.d.Moving() {
		t.Error("a move started")
	}
	if f.readStore() != before {
		t.Fatal("a key changed the store that waits for the migration")
	}
	refused := 0
	for _, s := range f.statuses {
		if strings.Contains(s.Text, "migration pending, nothing is written") && strings.Contains(s.Text, "openclaw doctor --fix --non-interactive --yes") {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("no key said why it did nothing: %+v", f.statuses)
	}
	// On a screen of 15 lines the command still shows.
	f.d.SetSize(80, 15)
	if v := f.view(); !strings.Contains(v, "openclaw doctor --fix") {
		t.Errorf("the command is cut off on a short screen:\n%s", v)
	}
}

// A fresh state dir says nothing about the gateway: the dashboard shows
// "no gateway files yet", and the add key says what to do instead of
// opening a wizard whose save would be refused.
func TestDashboardUnknownGateway(t *testing.T) {
	f := newFixture(t, "")
	f.detect = true
	f.getenv = map[string]string{}
	if err := os.Remove(filepath.Join(f.state, ".env")); err != nil {
		t.Fatal(err)
	}
	f.start(120, 28)
	v := f.view()
	title := strings.SplitN(v, "\n", 2)[0]
	if !strings.Contains(title, "no gateway files yet") {
		t.Errorf("title:\n%s", title)
	}
	if !strings.Contains(v, "No gateway files here yet.") || !strings.Contains(v, "--gateway clawdbot|openclaw-json|openclaw-split|openclaw-sqlite") {
		t.Errorf("the empty pane does not say what to do:\n%s", v)
	}
	f.statuses = nil
	f.keys("a")
	if f.wizard != 0 {
		t.Error("the wizard opened on a state dir moltbot may not write to")
	}
	if s := f.lastStatus(); !strings.Contains(s, "no gateway files here yet") || !strings.Contains(s, "--gateway") || strings.Contains(s, "\n") {
		t.Errorf("status %q", s)
	}
}
