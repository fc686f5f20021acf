package views_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	*views.SlowSaveDelay = time.Millisecond
	os.Exit(m.Run())
}

// testNow is the fixed clock of every TUI test (STYLE.md).
var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// Fake secrets of the right shape.
var (
	fakeOAT  = "sk-ant-oat01-FAKE" + strings.Repeat("T", 91)
	fakeAPI  = "sk-ant-api03-FAKE" + strings.Repeat("A", 80)
	fakeWork = "sk-ant-api03-FAKE" + strings.Repeat("W", 80)
	fakeSoon = "sk-ant-oat01-FAKE" + strings.Repeat("S", 91)
	fakeOAI  = "sk-proj-FAKE" + strings.Repeat("O", 40)
	fakeEnv  = "sk-ant-api03-FAKE" + strings.Repeat("E", 80)
	fakeOR   = "sk-or-v1-FAKE" + strings.Repeat("R", 50)
)

func ms(d time.Duration) int64 { return testNow.Add(d).UnixMilli() }

// populatedStore has two providers, an order override, a cooldown, an
// expiring token and an expired oauth profile, at testNow.
func populatedStore() string {
	return fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:default": {"type": "api_key", "provider": "anthropic", "key": %q},
    "anthropic:manual": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d},
    "anthropic:work": {"type": "api_key", "provider": "anthropic", "key": %q, "email": "me@work.example"},
    "anthropic:soon": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d},
    "openai:default": {"type": "api_key", "provider": "openai", "key": %q},
    "openai-codex:me@example.com": {"type": "oauth", "provider": "openai-codex", "access": "FAKE-access-token-abcdefghijklmnop", "refresh": "FAKE-refresh", "expires": %d}
  },
  "order": {
    "anthropic": ["anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"],
    "openai": ["openai:default"]
  },
  "usageStats": {
    "anthropic:work": {"lastUsed": %d, "cooldownUntil": %d, "errorCount": 1, "futureField": {"x": 1}},
    "openai:default": {"lastUsed": %d}
  },
  "futureTopLevel": true
}
`, fakeAPI, fakeOAT, ms(76*time.Hour), fakeWork, fakeSoon, ms(2*time.Hour), fakeOAI, ms(-3*time.Hour),
		ms(-3*time.Minute), ms(4*time.Minute+9*time.Second), ms(-50*time.Hour))
}

// fixture is one scratch installation and a dashboard on it, driven
// without a program: commands run inline and their messages are fed back.
type fixture struct {
	t        testing.TB
	root     string
	state    string
	getenv   map[string]string
	paths    authstore.Paths
	d        *views.Dashboard
	statuses []views.StatusMsg
	wizard   int // OpenWizardMsg seen
	now      time.Time
	// detect leaves the gateway to detection (else the tests speak for
	// clawdbot, as a fresh state dir says nothing).
	detect bool
}

func newFixture(t testing.TB, store string) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{t: t, root: root, state: filepath.Join(root, "state"), now: testNow,
		getenv: map[string]string{"ANTHROPIC_API_KEY": fakeEnv}}
	if store != "" {
		f.writeStore(store)
	}
	f.write(".env", "# daemon keys\nOPENROUTER_API_KEY="+fakeOR+"\n")
	return f
}

func (f *fixture) write(rel, content string) string {
	f.t.Helper()
	p := filepath.Join(f.state, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) storePath() string {
	return filepath.Join(f.state, "agents", "main", "agent", "auth-profiles.json")
}

func (f *fixture) writeStore(content string) {
	f.t.Helper()
	f.write(filepath.Join("agents", "main", "agent", "auth-profiles.json"), content)
}

func (f *fixture) env() views.Env {
	f.t.Helper()
	getenv := func(k string) string { return f.getenv[k] }
	paths, err := authstore.ResolvePaths("", func(k string) string {
		if k == "MOLTBOT_STATE_DIR" {
			return f.state
		}
		if k == "MOLTBOT_GATEWAY" && !f.detect {
			return "clawdbot" // a fresh state dir says nothing about the gateway
		}
		return ""
	}, f.root)
	if err != nil {
		f.t.Fatal(err)
	}
	f.paths = paths
	keys := tui.DefaultKeys()
	return views.Env{
		Paths: paths, Clock: func() time.Time { return testNow }, Getenv: getenv, Home: f.root,
		Keys: keys.Views, Styles: tui.NewTheme(nil).Views,
	}
}

// start builds the dashboard at w × h and loads the store.
func (f *fixture) start(w, h int) *fixture {
	f.t.Helper()
	f.d = views.NewDashboard(f.env())
	f.d.SetSize(w, h)
	f.run(f.d.Init())
	return f
}

// send feeds msg to the dashboard and runs what it asks for.
func (f *fixture) send(msgs ...tea.Msg) {
	f.t.Helper()
	for _, msg := range msgs {
		next, cmd := f.d.Update(msg)
		f.d = next.(*views.Dashboard)
		f.run(cmd)
	}
}

func (f *fixture) run(cmd tea.Cmd) {
	f.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			f.run(c)
		}
	case views.StatusMsg:
		f.statuses = append(f.statuses, msg)
	case views.OpenWizardMsg:
		f.wizard++
	default:
		f.send(msg)
	}
}

// keys sends key presses by name ("K", "space", "up", …).
func (f *fixture) keys(names ...string) {
	f.t.Helper()
	for _, n := range names {
		f.send(keyMsg(n))
	}
}

func keyMsg(name string) tea.KeyMsg {
	switch name {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "shift+up":
		return tea.KeyMsg{Type: tea.KeyShiftUp}
	case "shift+down":
		return tea.KeyMsg{Type: tea.KeyShiftDown}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

func (f *fixture) view() string { return ansi.Strip(f.d.View()) }

func (f *fixture) lastStatus() string {
	if len(f.statuses) == 0 {
		return ""
	}
	return f.statuses[len(f.statuses)-1].Text
}

// fileOrder reads order[provider] from the store on disk.
func (f *fixture) fileOrder(provider string) []string {
	f.t.Helper()
	var doc struct {
		Order map[string][]string `json:"order"`
	}
	data, err := os.ReadFile(f.storePath())
	if err != nil {
		f.t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		f.t.Fatal(err)
	}
	return doc.Order[provider]
}

func (f *fixture) readStore() string {
	f.t.Helper()
	data, err := os.ReadFile(f.storePath())
	if err != nil {
		f.t.Fatal(err)
	}
	return string(data)
}

// rowOf is the screen line that shows id in the profile table.
func rowOf(view, id string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, " "+id+" ") || strings.Contains(l, " "+id+"…") {
			if i := strings.Index(l, "││"); i >= 0 {
				return l[i:]
			}
			return l
		}
	}
	return ""
}

// shownIDs are the profile ids in the order the table lists them.
func shownIDs(view string, ids ...string) []string {
	type pos struct {
		id   string
		line int
	}
	var found []pos
	lines := strings.Split(view, "\n")
	for _, id := range ids {
		for i, l := range lines {
			if strings.Contains(l, " "+id+" ") && strings.Contains(l, "│") && i > 1 {
				found = append(found, pos{id, i})
				break
			}
		}
	}
	for i := range found {
		for j := i + 1; j < len(found); j++ {
			if found[j].line < found[i].line {
				found[i], found[j] = found[j], found[i]
			}
		}
	}
	out := make([]string, len(found))
	for i, p := range found {
		out[i] = p.id
	}
	return out
}

var anthropicIDs = []string{"anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"}

func TestDashboardShowsProfilesInEffectiveOrder(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	v := f.view()
	// anthropic:work is in cooldown, so the gateway tries it after soon.
	want := []string{"anthropic:manual", "anthropic:default", "anthropic:soon", "anthropic:work"}
	if got := shownIDs(v, anthropicIDs...); !reflect.DeepEqual(got, want) {
		t.Errorf("shown order %v, want %v\n%s", got, want, v)
	}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("ShownOrder() = %v, want %v", got, want)
	}
	for _, s := range []string{
		"agent main", "~/state/agents/main/agent/auth-profiles.json", "order: override",
		"anthropic · 4 profiles", "cooldown 4m 09s", "in 3d 4h", "in 2h 00m", "expiring",
		"anthropic:work", "ANTHROPIC_API_KEY", "from environment", authstore.Mask(fakeOAT),
		"openai-codex", "expired",
	} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q\n%s", s, v)
		}
	}
	for _, secret := range []string{fakeOAT, fakeAPI, fakeWork, fakeSoon, fakeOAI, fakeEnv, fakeOR, "FAKE-refresh"} {
		if strings.Contains(v, secret) || len(secret) > 30 && strings.Contains(v, secret[len(secret)-30:]) {
			t.Errorf("view shows a secret (or a long piece of one)")
		}
	}
	if row := rowOf(v, "ANTHROPIC_API_KEY"); !strings.Contains(row, "env") {
		t.Errorf("env row not marked env: %q", row)
	}
	if row := rowOf(v, "anthropic:manual"); !regexp.MustCompile(`1\s+anthropic:manual\s`).MatchString(row) || !strings.Contains(row, " ok ") {
		t.Errorf("manual row: %q", row)
	}
}

func TestDashboardCountdownsTickAndStatusesChange(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	if row := rowOf(f.view(), "anthropic:soon"); !strings.Contains(row, "expiring") || !strings.Contains(row, "in 2h 00m") {
		t.Fatalf("soon row at start: %q", row)
	}
	f.send(views.TickMsg{Time: testNow.Add(61 * time.Second)})
	if row := rowOf(f.view(), "anthropic:soon"); !strings.Contains(row, "in 1h 58m") {
		t.Errorf("soon after 61s: %q", row)
	}
	if row := rowOf(f.view(), "anthropic:work"); !strings.Contains(row, "cooldown 3m 08s") {
		t.Errorf("cooldown after 61s: %q", row)
	}
	// The cooldown ends: work is tried again in its place (3rd).
	f.send(views.TickMsg{Time: testNow.Add(5 * time.Minute)})
	want := []string{"anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"}
	if got := shownIDs(f.view(), anthropicIDs...); !reflect.DeepEqual(got, want) {
		t.Errorf("after the cooldown: %v, want %v", got, want)
	}
	// Two hours on, soon has expired and the order leaves it out.
	f.send(views.TickMsg{Time: testNow.Add(2*time.Hour + time.Second)})
	row := rowOf(f.view(), "anthropic:soon")
	if !strings.Contains(row, "expired") || !regexp.MustCompile(`–\s+anthropic:soon\s`).MatchString(row) || !strings.Contains(row, "1s ago") {
		t.Errorf("soon after expiry: %q", row)
	}
	// manual (3d 4h) becomes expiring a day before.
	if row := rowOf(f.view(), "anthropic:manual"); !strings.Contains(row, " ok ") {
		t.Errorf("manual should still be ok: %q", row)
	}
	f.send(views.TickMsg{Time: testNow.Add(52*time.Hour + time.Second)})
	if row := rowOf(f.view(), "anthropic:manual"); !strings.Contains(row, "expiring") || !strings.Contains(row, "in 23h 59m") {
		t.Errorf("manual a day before expiry: %q", row)
	}
}

// A drop moves exactly the carried profile: default goes first, and the
// others keep their stored relative order (work before soon, although the
// gateway tries work last while it cools down).
func TestKeyboardGrabMoveDropMovesOnlyThatProfile(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	before := f.readStore()
	// Select default (2nd), grab it, move it to the top, drop.
	f.keys("down", "space", "up")
	if !f.d.Moving() {
		t.Fatal("not moving after space")
	}
	if !strings.Contains(f.view(), "moving anthropic:default") {
		t.Errorf("no sign of the move in the view:\n%s", f.view())
	}
	if f.readStore() != before {
		t.Fatal("the file changed before the drop")
	}
	f.keys("space")
	stored := []string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"}
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, stored) {
		t.Errorf("file order %v, want %v", got, stored)
	}
	want := []string{"anthropic:default", "anthropic:manual", "anthropic:soon", "anthropic:work"}
	if got := shownIDs(f.view(), anthropicIDs...); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want the gateway's order after the save %v", got, want)
	}
	if f.d.SelectedProfile() != "anthropic:default" {
		t.Errorf("selection on %q, want the moved profile", f.d.SelectedProfile())
	}
	if got := f.fileOrder("openai"); !reflect.DeepEqual(got, []string{"openai:default"}) {
		t.Errorf("another provider's order changed: %v", got)
	}
	store := f.readStore()
	for _, keep := range []string{`"futureTopLevel": true`, `"futureField"`, fakeWork} {
		if !strings.Contains(store, keep) {
			t.Errorf("the save lost %q", keep)
		}
	}
	if st := f.lastStatus(); !strings.Contains(st, "moved anthropic:default to 1st of 4; saved the anthropic order") {
		t.Errorf("status %q", st)
	}
}

// Moving a profile that is cooling down one step up (shown last, stored
// third) leaves it where it is stored, and the status says in one short
// line why the gateway still tries it last.
func TestMovingACoolingDownProfileSaysWhyItStaysLast(t *testing.T) {
	f := newFixture(t, populatedStore()).start(100, 28)
	before := f.readStore()
	for i := 0; i < 5 && f.d.SelectedProfile() != "anthropic:work"; i++ {
		f.keys("down")
	}
	f.keys("K")
	if got := f.fileOrder("anthropic"); len(got) != 4 || got[2] != "anthropic:work" {
		t.Fatalf("file order %v: work should be third", got)
	}
	if f.readStore() != before {
		t.Error("the store was written although its order stays the same")
	}
	st := f.lastStatus()
	if !strings.Contains(st, "anthropic:work stays where it was: in cooldown until 15:08, the gateway tries it last anyway") {
		t.Errorf("status %q", st)
	}
	if w := lipgloss.Width(st); w > 96 {
		t.Errorf("status is %d columns: cut on a 100-column terminal", w)
	}
}

func TestMoveKeysSaveAtOnce(t *testing.T) {
	// Stored [manual default work soon]; work cools down, so the gateway
	// (and the screen) tries it last. Each key moves one profile one row.
	for _, tc := range []struct {
		keys   []string
		stored []string
		shown  []string
	}{
		{[]string{"end", "up", "up", "K"}, // soon above default
			[]string{"anthropic:manual", "anthropic:soon", "anthropic:default", "anthropic:work"},
			[]string{"anthropic:manual", "anthropic:soon", "anthropic:default", "anthropic:work"}},
		{[]string{"shift+down"}, // manual below default
			[]string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"},
			[]string{"anthropic:default", "anthropic:manual", "anthropic:soon", "anthropic:work"}},
		{[]string{"J", "J"}, // manual below default, then below soon
			[]string{"anthropic:default", "anthropic:work", "anthropic:soon", "anthropic:manual"},
			[]string{"anthropic:default", "anthropic:soon", "anthropic:manual", "anthropic:work"}},
		{[]string{"down", "shift+up"}, // default above manual
			[]string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"},
			[]string{"anthropic:default", "anthropic:manual", "anthropic:soon", "anthropic:work"}},
	} {
		t.Run(strings.Join(tc.keys, "+"), func(t *testing.T) {
			f := newFixture(t, populatedStore()).start(120, 28)
			f.keys(tc.keys...)
			if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, tc.stored) {
				t.Errorf("file order %v, want %v", got, tc.stored)
			}
			if got := f.d.ShownOrder(); !reflect.DeepEqual(got, tc.shown) {
				t.Errorf("shown %v, want %v", got, tc.shown)
			}
		})
	}
}

func TestEscCancelsAMoveAndWritesNothing(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	before := f.readStore()
	shown := f.d.ShownOrder()
	f.keys("space", "down", "down", "esc")
	if f.d.Moving() {
		t.Error("still moving after esc")
	}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, shown) {
		t.Errorf("order after esc %v, want %v", got, shown)
	}
	if f.readStore() != before {
		t.Error("esc wrote the file")
	}
	// A drop where the profile started writes nothing either.
	f.keys("space", "down", "up", "space")
	if f.readStore() != before {
		t.Error("a drop in place wrote the file")
	}
}

// profileRowY is the screen row of the table's i-th row at 120×28 (header,
// pane border, column header).
func profileRowY(i int) int { return 4 + i } // title, counts, pane border, column header

func mouse(action tea.MouseAction, x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Action: action, Button: tea.MouseButtonLeft}
}

func TestMouseDragReorders(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	x := 60
	// Press on soon (3rd row), drag it to the top, the row following the pointer.
	f.send(mouse(tea.MouseActionPress, x, profileRowY(2)))
	if f.d.SelectedProfile() != "anthropic:soon" {
		t.Fatalf("press selected %q", f.d.SelectedProfile())
	}
	f.send(mouse(tea.MouseActionMotion, x, profileRowY(1)))
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, []string{"anthropic:manual", "anthropic:soon", "anthropic:default", "anthropic:work"}) {
		t.Errorf("mid-drag order %v", got)
	}
	f.send(mouse(tea.MouseActionMotion, x, profileRowY(0)))
	f.send(mouse(tea.MouseActionMotion, x, 0)) // above the table: stays first
	want := []string{"anthropic:soon", "anthropic:manual", "anthropic:default", "anthropic:work"}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("dragged order %v, want %v", got, want)
	}
	if strings.Contains(f.readStore(), `"anthropic:soon",
      "anthropic:manual"`) {
		t.Error("saved before the release")
	}
	f.send(tea.MouseMsg{X: x, Y: 0, Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft})
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("file order %v, want %v", got, want)
	}
	if got := shownIDs(f.view(), anthropicIDs...); !reflect.DeepEqual(got, want) {
		t.Errorf("view after drop %v, want %v", got, want)
	}
}

func TestMouseClickOnlySelects(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	before := f.readStore()
	f.send(mouse(tea.MouseActionPress, 60, profileRowY(3)), mouse(tea.MouseActionRelease, 60, profileRowY(3)))
	if f.d.SelectedProfile() != "anthropic:work" {
		t.Errorf("click selected %q, want anthropic:work", f.d.SelectedProfile())
	}
	if f.d.Moving() || f.readStore() != before {
		t.Error("a click moved or saved")
	}
	// A click in the provider list selects the provider.
	f.send(mouse(tea.MouseActionPress, 3, 4), mouse(tea.MouseActionRelease, 3, 4))
	if f.d.SelectedProvider() != "openai" {
		t.Errorf("provider %q after clicking its row", f.d.SelectedProvider())
	}
}

func TestExternalWriteDuringAGrabIsNotLost(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("down", "space", "up") // moving default to the top
	// Meanwhile the gateway (or another moltbot) adds a profile and changes
	// another provider's order.
	ext := strings.Replace(populatedStore(), `"openai:default": {"type"`, `"anthropic:new": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKENNNNNNNNNNNNNNNNNNNNNNNN"},
    "openai:second": {"type": "api_key", "provider": "openai", "key": "sk-proj-FAKESSSSSSSSSSSSSSSSSSSSSSSS"},
    "openai:default": {"type"`, 1)
	ext = strings.Replace(ext, `"openai": ["openai:default"]`, `"openai": ["openai:second", "openai:default"]`, 1)
	f.writeStore(ext)
	f.keys("space") // drop without having seen the change
	// The new profile is not in the override: the drop does not bring it
	// in (the gateway does not use it, and a drop moves one profile only).
	want := []string{"anthropic:default", "anthropic:manual", "anthropic:work", "anthropic:soon"}
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("anthropic order %v, want default moved first and nothing else: %v", got, want)
	}
	if got := f.fileOrder("openai"); !reflect.DeepEqual(got, []string{"openai:second", "openai:default"}) {
		t.Errorf("the other provider's new order was lost: %v", got)
	}
	if !strings.Contains(f.readStore(), `"anthropic:new"`) || !strings.Contains(f.readStore(), `"openai:second"`) {
		t.Error("the externally added profiles were lost")
	}
}

func TestReloadDuringAGrabKeepsTheMove(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("down", "space", "up")
	ext := strings.Replace(populatedStore(), `"openai:default": {"type"`, `"anthropic:new": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKENNNNNNNNNNNNNNNNNNNNNNNN"},
    "openai:default": {"type"`, 1)
	f.writeStore(ext)
	f.send(views.FilesChangedMsg{})
	if !f.d.Moving() {
		t.Fatal("the reload ended the move")
	}
	want := []string{"anthropic:default", "anthropic:manual", "anthropic:soon", "anthropic:work", "anthropic:new"}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("order during the move after a reload %v, want %v", got, want)
	}
	if !strings.Contains(f.view(), "anthropic:new") {
		t.Error("the new profile is not shown")
	}
}

func TestExternalWriteAppearsAndSelectionStays(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("end", "up") // work, the last profile (before env rows)
	f.keys("up")
	sel := f.d.SelectedProfile()
	// Someone reorders anthropic so that the selected profile moves.
	ext := strings.Replace(populatedStore(), `"anthropic": ["anthropic:manual", "anthropic:default", "anthropic:work", "anthropic:soon"]`,
		`"anthropic": ["anthropic:soon", "anthropic:work", "anthropic:default", "anthropic:manual"]`, 1)
	ext = strings.Replace(ext, `"openai:default": {"type"`, `"anthropic:added": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEDDDDDDDDDDDDDDDDDDDDDDDD"},
    "openai:default": {"type"`, 1)
	f.writeStore(ext)
	f.send(views.FilesChangedMsg{})
	v := f.view()
	if !strings.Contains(v, "anthropic:added") {
		t.Errorf("the new profile is not shown:\n%s", v)
	}
	if f.d.SelectedProfile() != sel {
		t.Errorf("selection moved from %q to %q", sel, f.d.SelectedProfile())
	}
	want := []string{"anthropic:soon", "anthropic:default", "anthropic:manual", "anthropic:work"}
	if got := shownIDs(v, anthropicIDs...); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want the new order %v", got, want)
	}
}

func TestCorruptStoreIsShownInPlaceAndNothingIsWritten(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	bad := "{\n  \"version\": 1,\n  \"profiles\": {,\n}\n"
	f.writeStore(bad)
	f.send(views.FilesChangedMsg{})
	v := f.view()
	for _, s := range []string{"cannot be read", "~/state/agents/main/agent/auth-profiles.json:3:", "moltbot doctor --fix", "last good data"} {
		if !strings.Contains(v, s) {
			t.Errorf("view lacks %q:\n%s", s, v)
		}
	}
	if !strings.Contains(v, "anthropic:manual") {
		t.Error("the last good data is gone")
	}
	f.statuses = nil
	f.keys("K", "space", "d", "c")
	if f.readStore() != bad {
		t.Fatal("a key wrote over the corrupt store")
	}
	if f.d.Moving() {
		t.Error("a move started on a corrupt store")
	}
	if len(f.statuses) == 0 || !strings.Contains(f.statuses[0].Text, "fix it first") {
		t.Errorf("statuses %+v", f.statuses)
	}
	// Fixed by hand: the error goes away by itself.
	f.writeStore(populatedStore())
	f.send(views.FilesChangedMsg{})
	if strings.Contains(f.view(), "cannot be read") {
		t.Error("the error stayed after the file was fixed")
	}
}

func TestFailedSaveGoesBackToDiskAndSaysWhy(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("down", "space", "up")
	bad := "{ not json"
	f.writeStore(bad)
	f.keys("space")
	if f.readStore() != bad {
		t.Fatal("the drop overwrote a corrupt store")
	}
	var errText string
	for _, s := range f.statuses {
		if s.Level == views.StatusError {
			errText = s.Text
		}
	}
	if !strings.Contains(errText, "could not save the anthropic order") || !strings.Contains(errText, "corrupt") {
		t.Errorf("error status %q", errText)
	}
	if f.d.Moving() {
		t.Error("still moving")
	}
	// The screen shows what is on disk (the last good data, under the error).
	want := []string{"anthropic:manual", "anthropic:default", "anthropic:soon", "anthropic:work"}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v after the failure, want %v", got, want)
	}
	if !strings.Contains(f.view(), "cannot be read") {
		t.Error("the reason is not on screen")
	}
}

func TestRapidMovesLandInOrder(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	// Hold the first save's command instead of running it, as if the lock
	// were slow, and keep pressing J.
	next, first := f.d.Update(keyMsg("J"))
	f.d = next.(*views.Dashboard)
	next, second := f.d.Update(keyMsg("J"))
	f.d = next.(*views.Dashboard)
	if second != nil {
		t.Fatal("a second save started while the first was in flight")
	}
	want := []string{"anthropic:default", "anthropic:soon", "anthropic:manual", "anthropic:work"}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Fatalf("shown %v, want %v", got, want)
	}
	// A reload arriving now must not undo the moves on screen.
	f.send(views.FilesChangedMsg{})
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("a reload during the save showed %v, want %v", got, want)
	}
	f.run(first) // the first save lands, then the queued one
	stored := []string{"anthropic:default", "anthropic:work", "anthropic:soon", "anthropic:manual"}
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, stored) {
		t.Errorf("file %v, want both moves %v", got, stored)
	}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v after the saves, want %v", got, want)
	}
	// A third J would put manual below work, which the gateway tries last
	// anyway while it cools down: nothing is written, and the status says why.
	before := f.readStore()
	f.keys("J")
	if f.readStore() != before {
		t.Error("a move that changes nothing wrote the store")
	}
	if st := f.lastStatus(); !strings.Contains(st, "anthropic:manual stays where it was: anthropic:work is in cooldown until 15:08") {
		t.Errorf("status %q", st)
	}
}

func TestRemoveAsksFirst(t *testing.T) {
	f := newFixture(t, populatedStore())
	f.write("clawdbot.json", `{"auth": {"profiles": {"anthropic:default": {"provider": "anthropic", "mode": "api_key"}}}, "other": 1}`+"\n")
	f.start(120, 28)
	f.keys("down", "d")
	if v := f.view(); !strings.Contains(v, "Remove anthropic:default?") || !strings.Contains(v, "keep it") {
		t.Fatalf("no confirm dialog:\n%s", v)
	}
	f.keys("n")
	if !strings.Contains(f.readStore(), `"anthropic:default"`) {
		t.Fatal("n removed the profile")
	}
	if strings.Contains(f.view(), "Remove anthropic:default?") {
		t.Error("the dialog stayed open")
	}
	f.keys("d", "y")
	store := f.readStore()
	if strings.Contains(store, `"anthropic:default"`) {
		t.Errorf("the profile (or a reference to it) is still in the store:\n%s", store)
	}
	cfg, _ := os.ReadFile(filepath.Join(f.state, "clawdbot.json"))
	if strings.Contains(string(cfg), "anthropic:default") || !strings.Contains(string(cfg), `"other": 1`) {
		t.Errorf("config after remove: %s", cfg)
	}
	if strings.Contains(f.view(), "anthropic:default ") {
		t.Error("the removed profile is still shown")
	}
	if !strings.Contains(f.lastStatus(), "removed anthropic:default") {
		t.Errorf("status %q", f.lastStatus())
	}
}

func TestRemoveDialogClosesWhenTheProfileGoesAway(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("down", "d")
	f.writeStore(strings.Replace(populatedStore(), `"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "`+fakeAPI+`"},`, "", 1))
	f.send(views.FilesChangedMsg{})
	if strings.Contains(f.view(), "Remove anthropic:default?") {
		t.Error("the dialog still asks about a profile that is gone")
	}
}

func TestClearOrderReturnsToAutomatic(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	before := f.readStore()
	f.keys("c")
	// c asks first, as d does, showing what would go.
	v := f.view()
	for _, want := range []string{"Clear the anthropic order override?", "override (anthropic:manual,", "anthropic:soon) and tries", "y clear"} {
		if !strings.Contains(v, want) {
			t.Errorf("the question lacks %q:\n%s", want, v)
		}
	}
	f.keys("n")
	if f.readStore() != before {
		t.Fatal("n cleared the order")
	}
	if st := f.lastStatus(); !strings.Contains(st, "kept the anthropic order") {
		t.Errorf("after n: %q", st)
	}
	f.keys("c", "y")
	if got := f.fileOrder("anthropic"); got != nil {
		t.Errorf("anthropic order still %v", got)
	}
	if got := f.fileOrder("openai"); !reflect.DeepEqual(got, []string{"openai:default"}) {
		t.Errorf("openai order %v", got)
	}
	if v := f.view(); !strings.Contains(v, "order: automatic") {
		t.Errorf("header does not say automatic:\n%s", v)
	}
	// Automatic: tokens before keys, least recently used first, cooldown last.
	want := []string{"anthropic:manual", "anthropic:soon", "anthropic:default", "anthropic:work"}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("automatic order %v, want %v", got, want)
	}
	f.statuses = nil
	f.keys("c")
	if !strings.Contains(f.lastStatus(), "no order override") {
		t.Errorf("second c: %q", f.lastStatus())
	}
}

func TestEnvRowsAreReadOnly(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	before := f.readStore()
	f.keys("end")
	if f.d.SelectedProfile() != "" {
		t.Fatalf("end selected %q, want the env row", f.d.SelectedProfile())
	}
	for _, k := range []string{"space", "K", "d"} {
		f.statuses = nil
		f.keys(k)
		if !strings.Contains(f.lastStatus(), "read-only") {
			t.Errorf("%s on an env row: status %q", k, f.lastStatus())
		}
	}
	if f.d.Moving() || f.readStore() != before {
		t.Error("an env row was moved or something was written")
	}
	// .env credentials show under their provider.
	f.keys("left")
	for f.d.SelectedProvider() != "openrouter" {
		prev := f.d.SelectedProvider()
		f.keys("down")
		if f.d.SelectedProvider() == prev {
			t.Fatal("no openrouter provider")
		}
	}
	if row := rowOf(f.view(), "OPENROUTER_API_KEY"); !strings.Contains(row, "from .env") {
		t.Errorf(".env row: %q", row)
	}
}

func TestEmptyStateOffersTheWizard(t *testing.T) {
	f := newFixture(t, "")
	f.getenv = map[string]string{}
	f.start(100, 28)
	v := f.view()
	for _, s := range []string{"No credentials yet", "auth-profiles.json does not exist", "Press a to add one", "missing"} {
		if !strings.Contains(v, s) {
			t.Errorf("empty view lacks %q:\n%s", s, v)
		}
	}
	f.keys("a")
	if f.wizard != 1 {
		t.Error("a did not ask for the wizard")
	}
	if _, err := os.Stat(f.storePath()); err == nil {
		t.Error("showing the empty state created the store")
	}
}

func TestWizardClosedReloadsAndSelectsTheNewProfile(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	ext := strings.Replace(populatedStore(), `"openai:default": {"type"`, `"openai:fresh": {"type": "api_key", "provider": "openai", "key": "sk-proj-FAKEFFFFFFFFFFFFFFFFFFFFFFFF"},
    "openai:default": {"type"`, 1)
	f.writeStore(ext)
	f.send(views.WizardClosedMsg{Saved: "openai:fresh"})
	if f.d.SelectedProvider() != "openai" || f.d.SelectedProfile() != "openai:fresh" {
		t.Errorf("selected %s / %s, want openai / openai:fresh", f.d.SelectedProvider(), f.d.SelectedProfile())
	}
}

func TestPaneSwitchingAndProviderSelection(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	f.keys("tab", "down")
	if f.d.SelectedProvider() != "openai" {
		t.Fatalf("provider %q", f.d.SelectedProvider())
	}
	if v := f.view(); !strings.Contains(v, "openai · 1 profile") || !strings.Contains(v, "openai:default") {
		t.Errorf("openai not shown:\n%s", v)
	}
	f.keys("space") // in the provider list: go to the profiles
	f.keys("space")
	if f.d.Moving() {
		t.Error("a single profile could be grabbed")
	}
}

func TestViewFitsEverySize(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	for _, size := range [][2]int{{0, 0}, {1, 1}, {10, 3}, {60, 13}, {61, 13}, {80, 22}, {100, 28}, {137, 40}, {200, 48}, {300, 80}} {
		w, h := size[0], size[1]
		f.d.SetSize(w, h)
		for _, state := range []string{"plain", "moving", "confirm"} {
			switch state {
			case "moving":
				f.keys("space")
			case "confirm":
				f.keys("esc", "d")
			}
			out := f.d.View()
			if w == 0 || h == 0 {
				if out != "" {
					t.Errorf("%dx%d: view %q, want empty", w, h, out)
				}
				continue
			}
			lines := strings.Split(out, "\n")
			if len(lines) != h {
				t.Errorf("%dx%d %s: %d lines", w, h, state, len(lines))
			}
			for i, l := range lines {
				if lw := lipgloss.Width(l); lw != w {
					t.Errorf("%dx%d %s: line %d is %d wide: %q", w, h, state, i, lw, ansi.Strip(l))
				}
			}
		}
		f.keys("n")
	}
}

// Issue 14 changed this on purpose: at 60 columns the countdowns stay and
// the ids are cut in the middle (they used to stay whole while the
// countdowns went).
func TestNarrowTerminalDropsColumnsNotCountdowns(t *testing.T) {
	f := newFixture(t, populatedStore()).start(58, 13) // a 60×15 terminal's body
	v := f.view()
	for _, s := range []string{"anthro…:manual", "anthr…:default", "anthropic:soon", "STATUS", "in 3d 4h", "in 2h 00m"} {
		if !strings.Contains(v, s) {
			t.Errorf("60 columns lack %q:\n%s", s, v)
		}
	}
	for _, s := range []string{"SECRET", "LAST USED"} {
		if strings.Contains(v, s) {
			t.Errorf("60 columns still show %s:\n%s", s, v)
		}
	}
	wide := newFixture(t, populatedStore()).start(200, 40).view()
	for _, s := range []string{"SECRET", "TYPE", "EXPIRES", "NOTE", "LAST USED", authstore.Mask(fakeWork), "me@work.example"} {
		if !strings.Contains(wide, s) {
			t.Errorf("200 columns lack %q:\n%s", s, wide)
		}
	}
}

func TestHelpIsHonest(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	enabled := func() string {
		var s []string
		for _, b := range f.d.ShortHelp() {
			if b.Enabled() {
				s = append(s, b.Help().Desc)
			}
		}
		return strings.Join(s, ",")
	}
	if got := enabled(); !strings.Contains(got, "move") || !strings.Contains(got, "remove") || !strings.Contains(got, "clear order") {
		t.Errorf("help on a profile: %s", got)
	}
	f.keys("end") // env row: cannot move or remove
	if got := enabled(); strings.Contains(got, "move") || strings.Contains(got, "remove") {
		t.Errorf("help on an env row offers %s", got)
	}
	f.keys("home", "space")
	if got := enabled(); got != "move,drop & save,cancel move" {
		t.Errorf("help while moving: %s", got)
	}
}

// providerLine is the provider pane's line for provider p.
func providerLine(view, p string) string {
	for _, l := range strings.Split(view, "\n") {
		if i := strings.Index(l, "││"); i > 0 && strings.Contains(l[:i], " "+p+" ") {
			return l[:i]
		}
	}
	return ""
}

// The provider pane is drawn once and kept while nothing it shows changes;
// every change it shows must still reach the screen: a status crossing on a
// tick, the cursor, the focus, a reload, a corrupt store.
func TestProviderPaneFollowsEveryChange(t *testing.T) {
	store := func(expires time.Duration) string {
		return fmt.Sprintf(`{"version": 1, "profiles": {
  "anthropic:sub": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE-provider-pane", "expires": %d},
  "openai:default": {"type": "api_key", "provider": "openai", "key": "sk-FAKE-provider-pane"}}}`, ms(expires))
	}
	// At 60 columns the pane keeps its width whatever the statuses (and
	// shows them as signs), so only the memo's key can notice a change.
	f := newFixture(t, store(25*time.Hour)).start(60, 20)
	check := func(when, p, want string) {
		t.Helper()
		if l := providerLine(f.view(), p); !strings.Contains(l, want) {
			t.Errorf("%s: %s line %q lacks %q\n%s", when, p, l, want, f.view())
		}
	}
	check("at start", "anthropic", "✓")
	f.send(views.TickMsg{Time: testNow.Add(2 * time.Hour)})
	check("a tick into the warn window", "anthropic", "!")
	f.send(views.TickMsg{Time: testNow.Add(25*time.Hour + time.Second)})
	check("a tick past the expiry", "anthropic", "✗")

	check("cursor", "anthropic", "›")
	f.keys("tab")
	check("focus on providers", "anthropic", "▸")
	f.keys("down")
	check("cursor moved", "openai", "▸")
	if l := providerLine(f.view(), "anthropic"); strings.ContainsAny(l, "▸›") {
		t.Errorf("the cursor stayed on anthropic: %q", l)
	}

	f.writeStore(store(400 * 24 * time.Hour))
	f.send(views.FilesChangedMsg{})
	check("reload", "anthropic", "✓")

	// Greyed when the store turns corrupt: only colour shows it.
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	env := f.env()
	env.Styles = tui.NewTheme(r).Views
	f.d = views.NewDashboard(env)
	f.d.SetSize(100, 20)
	f.run(f.d.Init())
	f.keys("tab")
	left := func() string { return strings.Join(leftPane(f.d.View()), "\n") }
	before := left()
	f.writeStore(`{"version": 1, "profiles": {`)
	f.send(views.FilesChangedMsg{})
	if !strings.Contains(f.view(), "auth-profiles.json:1:") {
		t.Fatalf("the corrupt store is not reported:\n%s", f.view())
	}
	if after := left(); after == before {
		t.Errorf("the provider pane was not greyed when the store turned corrupt:\n%s", after)
	}
}

// leftPane is each screen line's part up to the end of the provider pane.
func leftPane(view string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		plain := ansi.Strip(l)
		if i := strings.Index(plain, "││"); i > 0 {
			out = append(out, ansi.Cut(l, 0, lipgloss.Width(plain[:i])+1))
		}
	}
	return out
}
