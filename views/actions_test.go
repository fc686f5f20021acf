package views_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/views"
)

// usage is the store's usageStats entry of id, as written.
func (f *fixture) usage(id string) map[string]any {
	f.t.Helper()
	var doc struct {
		Usage map[string]map[string]any `json:"usageStats"`
	}
	if err := json.Unmarshal([]byte(f.readStore()), &doc); err != nil {
		f.t.Fatal(err)
	}
	return doc.Usage[id]
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

// selectProfile moves the cursor to id in the profile table.
func (f *fixture) selectProfile(id string) {
	f.t.Helper()
	f.keys("home")
	for i := 0; i < 20 && f.d.SelectedProfile() != id; i++ {
		f.keys("down")
	}
	if f.d.SelectedProfile() != id {
		f.t.Fatalf("cannot select %s:\n%s", id, f.view())
	}
}

// u asks first, showing until when the cooldown would have lasted; y
// clears exactly what the gateway reads; z puts it back.
func TestClearCooldownAsksClearsAndUndoes(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	before := f.readStore()
	f.selectProfile("anthropic:default")
	f.keys("u")
	if st := f.lastStatus(); !strings.Contains(st, "anthropic:default is not cooling down or disabled; nothing to clear") {
		t.Errorf("u on a profile without a cooldown: %q", st)
	}
	f.selectProfile("anthropic:work")
	f.keys("u")
	v := f.view()
	for _, want := range []string{"Clear the cooldown of anthropic:work?", "anthropic:work: cooldown until 15:08 (4m 09s left)", "z undoes it", "y clear   n/esc keep waiting"} {
		if !strings.Contains(v, want) {
			t.Errorf("the question lacks %q:\n%s", want, v)
		}
	}
	f.keys("n")
	if f.readStore() != before {
		t.Fatal("n cleared the cooldown")
	}
	f.keys("u", "y")
	if got, want := f.usage("anthropic:work"), map[string]any{"lastUsed": float64(ms(-3 * time.Minute)), "errorCount": 0.0, "futureField": map[string]any{"x": 1.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf("usage after clearing %v, want %v", got, want)
	}
	if st := f.lastStatus(); st != "cleared anthropic:work: its cooldown would have lasted until 15:08 · z undoes" {
		t.Errorf("status %q", st)
	}
	if row := rowOf(f.view(), "anthropic:work"); strings.Contains(row, "cooldown") || f.d.SelectedProfile() != "anthropic:work" {
		t.Errorf("after clearing, the row %q (selected %s)", row, f.d.SelectedProfile())
	}
	f.keys("z")
	if !sameJSON(t, f.readStore(), before) || !regexp.MustCompile(`"lastUsed": \d+,\s+"cooldownUntil": \d+,\s+"errorCount": 1,`).MatchString(f.readStore()) {
		t.Errorf("undo did not put the store back as it was:\n%s", f.readStore())
	}
	if st := f.lastStatus(); st != "undid clearing the cooldown of anthropic:work" {
		t.Errorf("undo status %q", st)
	}
	if row := rowOf(f.view(), "anthropic:work"); !strings.Contains(row, "cooldown 4m 09s") {
		t.Errorf("after undo the row is %q", row)
	}
	f.keys("z")
	if st := f.lastStatus(); !strings.HasPrefix(st, "nothing to undo in this session") {
		t.Errorf("second z: %q", st)
	}
}

// On the provider pane u asks about every profile of the provider that is
// cooling down.
func TestClearCooldownOfAProvider(t *testing.T) {
	store := strings.Replace(populatedStore(), `"openai:default": {"lastUsed": `+strconv.FormatInt(ms(-50*time.Hour), 10)+`}`,
		`"openai:default": {"lastUsed": `+strconv.FormatInt(ms(-50*time.Hour), 10)+`, "disabledUntil": `+strconv.FormatInt(ms(5*time.Hour), 10)+`, "disabledReason": "billing", "errorCount": 2}`, 1)
	f := newFixture(t, store).start(100, 30)
	f.keys("tab", "down") // openai
	f.keys("u")
	if v := f.view(); !strings.Contains(v, "Clear the cooldown of openai:default?") || !strings.Contains(v, "disabled (billing) until 20:04 (5h 00m left)") {
		t.Fatalf("question:\n%s", v)
	}
	f.keys("y")
	if u := f.usage("openai:default"); u["disabledUntil"] != nil || u["disabledReason"] != nil || u["errorCount"] != 0.0 {
		t.Errorf("openai:default usage %v", u)
	}
	if st := f.lastStatus(); st != "cleared openai:default: its disabled (billing) would have lasted until 20:04 · z undoes" {
		t.Errorf("status %q", st)
	}
	if u := f.usage("anthropic:work"); u["cooldownUntil"] == nil {
		t.Error("another provider's cooldown was cleared")
	}
	f.keys("u")
	if st := f.lastStatus(); st != "no openai profile is cooling down or disabled; nothing to clear" {
		t.Errorf("u again: %q", st)
	}
}

// x takes a profile out of the order and puts it back; the row says "not
// in order" and how to undo; z undoes each step.
func TestExcludeAndInclude(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	f.selectProfile("anthropic:default")
	f.keys("x")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:work", "anthropic:soon"}) {
		t.Fatalf("order after x: %v", got)
	}
	v := f.view()
	if row := rowOf(v, "anthropic:default"); !strings.Contains(row, "×") || !strings.Contains(row, "not in order") {
		t.Errorf("the excluded row: %q", row)
	}
	if !strings.Contains(v, "not tried: not in the override order · x puts it back") {
		t.Errorf("detail:\n%s", v)
	}
	if st := f.lastStatus(); st != "took anthropic:default out of the anthropic order: the gateway no longer tries it · z undoes" {
		t.Errorf("status %q", st)
	}
	if f.d.SelectedProfile() != "anthropic:default" {
		t.Errorf("the selection moved to %s", f.d.SelectedProfile())
	}
	f.keys("x")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:work", "anthropic:soon", "anthropic:default"}) {
		t.Fatalf("order after x again: %v", got)
	}
	if st := f.lastStatus(); st != "put anthropic:default back in the anthropic order, last: tried 3rd of 4 · z undoes" {
		t.Errorf("status %q", st)
	}
	f.keys("z")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:work", "anthropic:soon"}) {
		t.Errorf("after one undo: %v", got)
	}
	f.keys("z")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"}) {
		t.Errorf("after two undos: %v", got)
	}
	if st := f.lastStatus(); st != "undid taking anthropic:default out of the anthropic order" {
		t.Errorf("undo status %q", st)
	}
	// An env row is not in any order.
	before := f.readStore()
	f.keys("end", "x")
	if f.readStore() != before || !strings.Contains(f.lastStatus(), "read-only") {
		t.Errorf("x on an env row: %q", f.lastStatus())
	}
	// The only profile left cannot go: the gateway would have nothing to try.
	f.keys("tab", "down", "tab") // openai
	f.keys("x")
	if st := f.lastStatus(); !strings.Contains(st, "could not take openai:default out of the openai order") || !strings.Contains(st, "nothing to try") {
		t.Errorf("x on the last profile: %q", st)
	}
}

// The detail pane shows the stored override beside the order the gateway
// will use, and why they differ.
func TestDetailShowsOverrideBesideEffectiveOrder(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	v := f.view()
	for _, want := range []string{"override: manual › default › work › soon", "tried: manual › default › soon › work", "work goes last: cooldown until 15:08"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	// Without an override: where the automatic order comes from.
	f.keys("c", "y")
	if v := f.view(); !strings.Contains(v, "automatic order: manual › soon › default › work") {
		t.Errorf("automatic:\n%s", v)
	}
}

// z undoes a move and a clear; when the store moved on since, it says
// why and writes nothing; a removal is not undoable.
func TestUndoOrderChangesOrRefuses(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	orig := f.fileOrder("anthropic")
	f.selectProfile("anthropic:default")
	f.keys("K")
	if !strings.Contains(f.lastStatus(), "(z undoes)") {
		t.Errorf("the move does not say how to undo it: %q", f.lastStatus())
	}
	f.keys("c", "y")
	f.keys("z")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"}) {
		t.Errorf("after undoing the clear: %v", got)
	}
	if st := f.lastStatus(); st != "undid clearing the anthropic order override" {
		t.Errorf("status %q", st)
	}
	f.keys("z")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, orig) {
		t.Errorf("after undoing the move: %v, want %v", got, orig)
	}
	// Someone else writes the order after a move: undo refuses.
	f.keys("K")
	changed := strings.Replace(populatedStore(), `"anthropic": ["anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"]`,
		`"anthropic": ["anthropic:soon", "anthropic:manual"]`, 1)
	f.writeStore(changed)
	f.send(views.FilesChangedMsg{})
	f.keys("z")
	if st := f.lastStatus(); !strings.Contains(st, "cannot undo the move of anthropic:") || !strings.Contains(st, "the anthropic order changed on disk since (now: anthropic:soon, anthropic:manual); nothing changed") {
		t.Errorf("stale undo: %q", st)
	}
	if f.readStore() != changed {
		t.Error("a refused undo wrote the store")
	}
	// A removal asks first and cannot be undone.
	f.selectProfile("anthropic:default")
	f.keys("d", "y")
	f.keys("z")
	if st := f.lastStatus(); !strings.HasPrefix(st, "removing anthropic:default cannot be undone") {
		t.Errorf("z after a remove: %q", st)
	}
}

// The gateway recording new failures after a clear makes its undo wrong.
func TestUndoOfACooldownClearRefusesNewFailures(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	f.selectProfile("anthropic:work")
	f.keys("u", "y")
	again := strings.Replace(populatedStore(), `"cooldownUntil": `+strconv.FormatInt(ms(4*time.Minute+9*time.Second), 10), `"cooldownUntil": `+strconv.FormatInt(ms(25*time.Minute), 10), 1)
	f.writeStore(again)
	f.send(views.FilesChangedMsg{})
	f.keys("z")
	if st := f.lastStatus(); !strings.Contains(st, "cannot undo clearing the cooldown of anthropic:work: the gateway has recorded new failures for anthropic:work since") {
		t.Errorf("status %q", st)
	}
	if f.readStore() != again {
		t.Error("the refused undo wrote the store")
	}
}

// / filters providers and profiles by id, email or provider while typed
// (the dashboard takes every key as text), enter keeps it, esc clears it.
func TestFilter(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	f.keys("/")
	if !f.d.CapturesInput() {
		t.Fatal("typing a filter does not capture input")
	}
	f.keys("w", "o", "r", "k")
	v := f.view()
	if got := shownIDs(v, "anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"); !reflect.DeepEqual(got, []string{"anthropic:work"}) {
		t.Errorf("work shows %v:\n%s", got, v)
	}
	if strings.Contains(v, "openai") {
		t.Errorf("openai is shown though nothing of it matches:\n%s", v)
	}
	if !strings.Contains(v, "/ work▏") || !strings.Contains(v, "1 of 6 profiles · enter keeps it, esc clears it") {
		t.Errorf("filter line:\n%s", v)
	}
	// By email, and keys that act elsewhere are text here.
	f.keys("ctrl+u")
	for _, k := range []string{"m", "e", "@", "w", "x", "q"} {
		f.keys(k)
	}
	if v := f.view(); !strings.Contains(v, "/ me@wxq") || !strings.Contains(v, "Nothing matches “me@wxq”") {
		t.Errorf("no match:\n%s", v)
	}
	f.keys("backspace", "backspace", "backspace")
	if got := shownIDs(f.view(), anthropicIDs...); !reflect.DeepEqual(got, []string{"anthropic:work"}) {
		t.Errorf("me@ shows %v", got)
	}
	f.keys("enter")
	if f.d.CapturesInput() {
		t.Error("enter did not end the typing")
	}
	if !strings.Contains(f.view(), "/ me@") {
		t.Error("enter dropped the filter")
	}
	// Moving needs the whole order.
	f.keys("space")
	if st := f.lastStatus(); !strings.Contains(st, "clear the filter first (esc)") {
		t.Errorf("space while filtered: %q", st)
	}
	f.keys("esc")
	if got := shownIDs(f.view(), anthropicIDs...); len(got) != 4 || strings.Contains(f.view(), "/ me@") {
		t.Errorf("esc left %v:\n%s", got, f.view())
	}
	// By provider: every row of the providers whose id holds it.
	f.keys("/", "o", "p", "e", "n", "a", "i", "enter")
	if lp := strings.Join(leftPane(f.view()), "\n"); strings.Contains(lp, "anthropic") || !strings.Contains(lp, "openai-codex") {
		t.Errorf("providers by provider filter:\n%s", lp)
	}
}

// n and N go to the next and previous profile that needs attention,
// across providers, round at the ends.
func TestNextAndPreviousNeedingAttention(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 30)
	want := []struct{ id, status string }{
		{"anthropic:soon", "anthropic:soon: expiring (1 of 3 needing attention)"},
		{"anthropic:work", "anthropic:work: cooldown 4m 09s (2 of 3 needing attention)"},
		{"openai-codex:me@example.com", "openai-codex:me@example.com: expired (refreshable) (3 of 3 needing attention)"},
		{"anthropic:soon", "anthropic:soon: expiring (1 of 3 needing attention); back at the first"},
	}
	for i, w := range want {
		f.keys("n")
		if f.d.SelectedProfile() != w.id || f.lastStatus() != w.status {
			t.Errorf("n #%d: %s, %q; want %s, %q", i+1, f.d.SelectedProfile(), f.lastStatus(), w.id, w.status)
		}
	}
	f.keys("N")
	if f.d.SelectedProfile() != "openai-codex:me@example.com" || !strings.HasSuffix(f.lastStatus(), "back at the last") {
		t.Errorf("N: %s, %q", f.d.SelectedProfile(), f.lastStatus())
	}
	if f.d.SelectedProvider() != "openai-codex" {
		t.Errorf("provider %s", f.d.SelectedProvider())
	}
}

// e runs $VISUAL/$EDITOR on the config; a broken edit is shown above the
// panes with where it broke, and nothing is written over it.
func TestEditConfig(t *testing.T) {
	f := newFixture(t, populatedStore())
	cfg := f.write("clawdbot.json", `{"auth": {"profiles": {"anthropic:default": {"provider": "anthropic", "mode": "api_key"}}}}`+"\n")
	var looked []string
	old := *views.LookEditor
	*views.LookEditor = func(name string) (string, error) {
		looked = append(looked, name)
		if name == "myedit" {
			return "/opt/bin/myedit", nil
		}
		return "", errors.New("not found")
	}
	t.Cleanup(func() { *views.LookEditor = old })
	f.start(100, 30)
	f.keys("e")
	if st := f.lastStatus(); !strings.Contains(st, "no editor: set $VISUAL or $EDITOR") {
		t.Errorf("no editor: %q (looked for %v)", st, looked)
	}
	argv, restore := views.StubEditor()
	t.Cleanup(restore)
	f.getenv["EDITOR"] = "myedit -w"
	f.keys("e")
	if !reflect.DeepEqual(*argv, []string{"/opt/bin/myedit", "-w", cfg}) {
		t.Errorf("editor command %v", *argv)
	}
	f.getenv["VISUAL"] = "nosuch"
	f.keys("e")
	if st := f.lastStatus(); st != `cannot edit ~/state/clawdbot.json: $VISUAL is "nosuch", which is not on PATH; fix it, or unset it` {
		t.Errorf("a $VISUAL that is not there: %q", st)
	}
	// What the user saved: a stray comma on line 3.
	broken := "{\n  auth: {\n    order: { anthropic: [\"anthropic:a\",, ] },\n  },\n}\n"
	if err := os.WriteFile(cfg, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	f.send(views.EditorClosed(cfg, true))
	v := f.view()
	for _, want := range []string{"The config cannot be read: ~/state/clawdbot.json:3:40", "invalid character ','", "nothing is", "Press e to edit it"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) {
			t.Errorf("the view lacks %q:\n%s", want, v)
		}
	}
	if st := f.lastStatus(); !strings.Contains(st, "the config you saved cannot be read (see above)") {
		t.Errorf("status %q", st)
	}
	// A removal still works on the store and leaves the broken config as it is.
	f.selectProfile("anthropic:default")
	f.keys("d", "y")
	if got, _ := os.ReadFile(cfg); string(got) != broken {
		t.Errorf("the broken config was rewritten:\n%s", got)
	}
	// Fixed: the lines go, and the status says it was saved.
	if err := os.WriteFile(cfg, []byte(`{"auth": {"order": {"openai": ["openai:default"]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f.send(views.EditorClosed(cfg, true))
	if v := f.view(); strings.Contains(v, "cannot be read") {
		t.Errorf("still says cannot be read:\n%s", v)
	}
	if st := f.lastStatus(); st != "saved ~/state/clawdbot.json; showing what it says now" {
		t.Errorf("status %q", st)
	}
}

// Without an override, x writes one from the order as it is (the config's
// here) and says so; z takes it away again.
func TestExcludeWithoutAnOverride(t *testing.T) {
	store := strings.Replace(populatedStore(), `"anthropic": ["anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"],`, "", 1)
	f := newFixture(t, store)
	f.write("clawdbot.json", `{"auth": {"order": {"anthropic": ["anthropic:default", "anthropic:manual"]}}}`+"\n")
	f.start(100, 30)
	f.selectProfile("anthropic:manual")
	f.keys("x")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, []string{"anthropic:default"}) {
		t.Errorf("override written: %v", got)
	}
	if st := f.lastStatus(); !strings.Contains(st, "took anthropic:manual out of the anthropic order (now an override in the store)") {
		t.Errorf("status %q", st)
	}
	f.keys("z")
	if got := f.fileOrder("anthropic"); got != nil {
		t.Errorf("after z the override is %v, want none", got)
	}
	if v := f.view(); !strings.Contains(v, "order: config") {
		t.Errorf("the header does not say config:\n%s", v)
	}
}
