package views_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// agentProfile reads profile id from agent's store on disk (nil when it
// is not there).
func (f *fixture) agentProfile(agent, id string) map[string]any {
	f.t.Helper()
	data, err := os.ReadFile(filepath.Join(f.state, "agents", agent, "agent", "auth-profiles.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Profiles map[string]map[string]any `json:"profiles"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		f.t.Fatal(err)
	}
	return doc.Profiles[id]
}

// pickerRow is the picker's line for agent ("" when it lists none).
func pickerRow(view, agent string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, "│ ▸ "+agent+" ") || strings.Contains(l, "│   "+agent+" ") {
			return l
		}
	}
	return ""
}

// TestCopyKeyCopiesTheSelectedProfileToAnAgent: the copy key asks which
// agent (the picker, without the agent shown), copies the profile there
// whole, says so; the same credential again is "already there".
func TestCopyKeyCopiesTheSelectedProfileToAnAgent(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.writeAgent("work", workStore())
	f.write(filepath.Join("agents", "home", "agent", ".keep"), "") // an agent without a store yet
	f.start(120, 28)
	f.keys("down") // anthropic:default
	if v := f.view(); !strings.Contains(rowOf(v, "anthropic:default"), "▸") {
		t.Fatalf("anthropic:default is not selected:\n%s", v)
	}
	f.keys("C")
	v := f.view()
	for _, want := range []string{"Copy anthropic:default to which agent?", "home", "no profiles", "work", "1 profile", "enter copy", "esc cancel"} {
		if !strings.Contains(v, want) {
			t.Errorf("copy picker lacks %q\n%s", want, v)
		}
	}
	if strings.Contains(v, "● shown") {
		t.Errorf("the agent shown is offered as a target\n%s", v)
	}
	f.keys("down", "enter") // home → work
	if s := f.lastStatus(); s != "copied anthropic:default to agent work" {
		t.Errorf("status %q", s)
	}
	p := f.agentProfile("work", "anthropic:default")
	if p["key"] != fakeAPI || p["type"] != "api_key" || p["provider"] != "anthropic" {
		t.Errorf("work holds %v", p)
	}
	if f.agentProfile("work", "openai:team") == nil {
		t.Error("work lost its own profile")
	}
	if f.d.Agent() != "main" {
		t.Errorf("copying switched the dashboard to %q", f.d.Agent())
	}

	// Again: the picker says work has it, and nothing is written.
	before, _ := os.ReadFile(filepath.Join(f.state, "agents", "work", "agent", "auth-profiles.json"))
	f.keys("C")
	if v := f.view(); !strings.Contains(pickerRow(v, "work"), "has it") {
		t.Errorf("the picker does not say work has it\n%s", v)
	}
	f.keys("end", "enter")
	if s := f.lastStatus(); s != "agent work already has anthropic:default (the same credential); nothing written" {
		t.Errorf("status %q", s)
	}
	after, _ := os.ReadFile(filepath.Join(f.state, "agents", "work", "agent", "auth-profiles.json"))
	if string(after) != string(before) {
		t.Error("an identical copy was written")
	}
	// esc (or the copy key again) closes the picker with nothing done.
	f.keys("C", "esc")
	f.keys("C", "C")
	if strings.Contains(f.view(), "to which agent?") {
		t.Error("the picker stayed open")
	}
}

// TestCopyKeyAsksBeforeReplacingADifferentCredential: a different
// credential at the same id in the target is replaced only after a yes.
func TestCopyKeyAsksBeforeReplacingADifferentCredential(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.writeAgent("work", `{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"`+fakeWork+`"}}}`)
	f.start(120, 28)
	f.keys("down", "C")
	if v := f.view(); !strings.Contains(pickerRow(v, "work"), "has a different one") {
		t.Errorf("the picker does not say work has another\n%s", v)
	}
	f.keys("enter")
	v := f.view()
	for _, want := range []string{"Replace anthropic:default in agent work?", "Agent work holds a different anthropic:default", "y replace", "n/esc keep it"} {
		if !strings.Contains(v, want) {
			t.Errorf("the question lacks %q\n%s", want, v)
		}
	}
	if strings.Contains(v, fakeWork) || strings.Contains(v, fakeAPI) {
		t.Fatal("a secret is on screen")
	}
	f.keys("n")
	if p := f.agentProfile("work", "anthropic:default"); p["key"] != fakeWork {
		t.Fatal("n replaced it")
	}
	if s := f.lastStatus(); s != "kept agent work's anthropic:default" {
		t.Errorf("status %q", s)
	}

	// Asked, and meanwhile work's credential changed again: yes replaces
	// only the one it was asked about.
	f.keys("C", "enter")
	f.writeAgent("work", `{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"`+fakeSoon+`"}}}`)
	f.keys("y")
	if p := f.agentProfile("work", "anthropic:default"); p["key"] != fakeSoon {
		t.Fatal("a credential nobody was asked about was replaced")
	}
	if v := f.view(); !strings.Contains(v, "Replace anthropic:default in agent work?") {
		t.Fatalf("not asked again about the new one:\n%s", v)
	}
	f.keys("y")
	if p := f.agentProfile("work", "anthropic:default"); p["key"] != fakeAPI {
		t.Errorf("y did not replace it: %v", p)
	}
	if s := f.lastStatus(); s != "replaced anthropic:default in agent work with this agent's" {
		t.Errorf("status %q", s)
	}
}

func TestCopyKeyRefusals(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("C")
	if f.d.PickingAgent() || !strings.HasPrefix(f.lastStatus(), "no other agent to copy anthropic:manual to") {
		t.Errorf("with one agent: status %q", f.lastStatus())
	}
	f.keys("end") // the env row ANTHROPIC_API_KEY
	f.keys("C")
	if s := f.lastStatus(); !strings.Contains(s, "read-only here") {
		t.Errorf("on an env row: status %q", s)
	}
}
