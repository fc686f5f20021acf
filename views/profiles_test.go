package views

import (
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// providerReport is a report of api-key profiles ids (ranked in that
// order) and env keys vars.
func providerReport(ids []string, vars ...string) authstore.ProviderReport {
	pr := authstore.ProviderReport{Provider: "anthropic"}
	for i, id := range ids {
		pr.Profiles = append(pr.Profiles, authstore.ProfileReport{
			Profile: authstore.Profile{ID: id, Type: authstore.TypeAPIKey, Provider: "anthropic", Key: "sk-ant-api03-FAKE" + strings.Repeat("K", 40)},
			Health:  authstore.Health{Status: authstore.StatusStatic},
			Rank:    i + 1,
		})
	}
	for _, v := range vars {
		pr.Env = append(pr.Env, authstore.EnvCredential{Var: v, Value: "sk-ant-api03-FAKE" + strings.Repeat("E", 40), Source: authstore.SourceProcessEnv})
	}
	return pr
}

func TestProfileTableRowsAndSelection(t *testing.T) {
	tb := newProfileTable(testKeys())
	tb.SetSize(80, 3)
	tb.setRows(providerReport([]string{"a:1", "a:2", "a:3", "a:4"}, "ANTHROPIC_API_KEY"), "")
	if id, ok := tb.selectedID(); !ok || id != "a:1" || tb.len() != 5 {
		t.Fatalf("first load: %q %v, %d rows", id, ok, tb.len())
	}
	for _, k := range []string{"down", "pgdown"} { // a page is 2 rows of 3
		if !tb.Update(press(k)) {
			t.Fatalf("%s not handled", k)
		}
	}
	if id, _ := tb.selectedID(); id != "a:4" {
		t.Errorf("down, pgdown: on %q, want a:4", id)
	}
	if first, end := tb.visible(); first != 1 || end != 4 {
		t.Errorf("visible %d–%d, want the cursor's window 1–4", first, end)
	}
	tb.Update(press("end"))
	if r, ok := tb.envRow(); !ok || r.label != "ANTHROPIC_API_KEY" {
		t.Errorf("end: env row %+v %v", r, ok)
	}
	if tb.Update(press("x")) {
		t.Error("x is not a table key")
	}
	// A reload with the profiles reordered keeps the cursor on the same id.
	tb.Update(press("home"))
	tb.Update(press("down")) // a:2
	tb.setRows(providerReport([]string{"a:3", "a:2", "a:new"}), "a:2")
	if id, _ := tb.selectedID(); id != "a:2" || tb.len() != 3 {
		t.Errorf("after a reload: on %q of %d rows", id, tb.len())
	}
	// Wheel moves the cursor too; a click row is relative to the first
	// visible row.
	tb.Update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if id, _ := tb.selectedID(); id != "a:new" {
		t.Errorf("wheel down: on %q", id)
	}
	if row, ok := tb.rowAt(2); !ok || row != 2 {
		t.Errorf("rowAt(2) = %d %v", row, ok)
	}
	if _, ok := tb.rowAt(3); ok {
		t.Error("rowAt below the table")
	}
}

// A carried profile survives a reload in its carried place; when it is
// gone from the store, setRows says so.
func TestProfileTableCarryAcrossReloads(t *testing.T) {
	tb := newProfileTable(testKeys())
	tb.SetSize(80, 10)
	tb.setRows(providerReport([]string{"a:1", "a:2", "a:3"}), "")
	tb.list.setCursor(2)
	tb.list.startGrab(false)
	tb.list.moveTo(0)
	if !tb.setRows(providerReport([]string{"a:1", "a:2", "a:3", "a:4"}), "") {
		t.Fatal("the carry ended though a:3 is still there")
	}
	if !reflect.DeepEqual(tb.list.ids, []string{"a:3", "a:1", "a:2", "a:4"}) {
		t.Errorf("ids %v", tb.list.ids)
	}
	if tb.setRows(providerReport([]string{"a:1", "a:2"}), "") {
		t.Error("a:3 is gone, yet the carry goes on")
	}
}

// The frame decides the ranks while carrying, the probe cells and the
// cursor's mark; the columns follow the probe cells.
func TestProfileTableView(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	var st DashboardStyles
	tb := newProfileTable(testKeys())
	tb.SetSize(90, 5)
	tb.setRows(providerReport([]string{"a:1", "a:2"}, "ANTHROPIC_API_KEY"), "")
	f := tableFrame{now: now, focused: true}
	v := plain(tb.View(nil, st, tb.shown(f), f))
	if !strings.Contains(v, "▸  1  a:1") || strings.Contains(v, "PROBE") {
		t.Errorf("plain frame:\n%s", v)
	}
	f.focused = false
	if v := plain(tb.View(nil, st, tb.shown(f), f)); !strings.Contains(v, "›  1  a:1") {
		t.Errorf("blurred:\n%s", v)
	}
	f.probe = func(k string) (string, probeLevel) {
		if k == "a:2" {
			return "✓ ok 212ms", probeGood
		}
		return "", probeNone
	}
	f.probeGen = 1
	if v := plain(tb.View(nil, st, tb.shown(f), f)); !strings.Contains(v, "PROBE") || !strings.Contains(v, "✓ ok 212ms") {
		t.Errorf("with a probe:\n%s", v)
	}
	tb.list.startGrab(false)
	tb.list.move(1)
	f.ranks = map[string]int{"a:2": 1, "a:1": 2}
	all := tb.shown(f)
	if all[0].label != "a:2" || all[0].rank != 1 || all[1].rank != 2 {
		t.Errorf("carried ranks: %+v", all[:2])
	}
	if v := plain(tb.View(nil, st, all, f)); !strings.Contains(v, "↕  2  a:1") {
		t.Errorf("carried row:\n%s", v)
	}
}
