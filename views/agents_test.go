package views_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moltbot/moltbot/views"
)

// writeAgent puts a store for agent id in the fixture's state dir.
func (f *fixture) writeAgent(id, content string) {
	f.t.Helper()
	f.write(filepath.Join("agents", id, "agent", "auth-profiles.json"), content)
}

func workStore() string {
	return `{"version":1,"profiles":{"openai:team":{"type":"api_key","provider":"openai","key":"` + fakeOAI + `"}}}`
}

func TestAgentPickerListsEveryAgentAndSwitches(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.writeAgent("work", workStore())
	f.writeAgent("broken", "{\n  \"version\": 1,\n  \"profiles\": {\n")
	f.write(filepath.Join("agents", "nostore", "agent", "auth.json"), "{}") // no store: not an agent to show
	f.start(120, 28)

	if got, want := f.d.AgentIDs(), []string{"main", "broken", "work"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("agents %v, want %v", got, want)
	}
	if v := f.view(); !strings.Contains(v, "agent main (3 agents: g)") {
		t.Errorf("header does not say which agent of how many\n%s", v)
	}

	f.keys("g")
	if !f.d.PickingAgent() {
		t.Fatalf("g did not open the picker (status %q)", f.lastStatus())
	}
	v := f.view()
	for _, want := range []string{"Show which agent?", "main", "● shown", "broken", "corrupt store", "work", "1 profile", "enter show"} {
		if !strings.Contains(v, want) {
			t.Errorf("picker lacks %q\n%s", want, v)
		}
	}
	// esc cancels: same agent, picker gone.
	f.keys("esc")
	if f.d.PickingAgent() || f.d.Agent() != "main" {
		t.Fatalf("esc: picking=%v agent=%q", f.d.PickingAgent(), f.d.Agent())
	}

	// Switch to the corrupt one: the corrupt-store screen, no crash.
	var switched []views.AgentSwitchedMsg
	f.keys("g", "down") // main → broken
	next, cmd := f.d.Update(keyMsg("enter"))
	f.d = next.(*views.Dashboard)
	for _, m := range exec(cmd) {
		switch m := m.(type) {
		case views.AgentSwitchedMsg:
			switched = append(switched, m)
		case views.StatusMsg:
			f.statuses = append(f.statuses, m)
		default:
			f.send(m)
		}
	}
	if f.d.Agent() != "broken" || len(switched) != 1 || switched[0].Paths.AgentID != "broken" ||
		switched[0].Paths.Store != filepath.Join(f.state, "agents", "broken", "agent", "auth-profiles.json") {
		t.Fatalf("switch: agent %q, messages %+v", f.d.Agent(), switched)
	}
	v = f.view()
	for _, want := range []string{"agent broken", "The auth store cannot be read", "agents/broken/agent/auth-profiles.json:", "doctor --fix"} {
		if !strings.Contains(v, want) {
			t.Errorf("corrupt agent view lacks %q\n%s", want, v)
		}
	}
	if strings.Contains(v, "anthropic:manual") {
		t.Errorf("the main agent's profiles are still shown after switching\n%s", v)
	}

	// And on to work: its own profiles, nothing of main's.
	f.keys("g", "end", "enter", "left", "down") // the openai provider
	v = f.view()
	if f.d.Agent() != "work" || !strings.Contains(v, "openai:team") || strings.Contains(v, "anthropic:manual") || strings.Contains(v, "cannot be read") {
		t.Errorf("after switching to work (agent %q):\n%s", f.d.Agent(), v)
	}
	if !strings.Contains(v, "agent work") {
		t.Errorf("header does not name the shown agent\n%s", v)
	}
}

func TestAgentPickerWithOneAgentSaysSo(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("g")
	if f.d.PickingAgent() {
		t.Error("the picker opened with only one agent")
	}
	if s := f.lastStatus(); !strings.Contains(s, "only one agent") {
		t.Errorf("status %q", s)
	}
	if v := f.view(); strings.Contains(v, "agents: g") {
		t.Errorf("header offers g with one agent\n%s", v)
	}
}

func TestResultsOfTheOldAgentAreIgnoredAfterASwitch(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.writeAgent("work", workStore())
	f.start(120, 28)
	// A load of main that was issued before the switch lands after it.
	stale := f.d.Init()
	f.keys("g", "end", "enter")
	if f.d.Agent() != "work" {
		t.Fatalf("agent %q", f.d.Agent())
	}
	for _, m := range exec(stale) {
		f.send(m)
	}
	f.keys("left", "down") // the openai provider
	if v := f.view(); strings.Contains(v, "anthropic:manual") || !strings.Contains(v, "openai:team") {
		t.Errorf("a stale load of the old agent was applied\n%s", v)
	}
}
