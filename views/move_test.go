package views

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

func carryList(ids ...string) *reorderList {
	l := &reorderList{}
	l.setRows(ids, 0, "")
	return l
}

// The keyboard carry: keys move the carried profile, esc puts it back, a
// drop where it started saves nothing, a drop elsewhere is the move from
// its new neighbours, with the override seen when the carry began.
func TestMoverCarryKeys(t *testing.T) {
	seen := authstore.Override{IDs: []string{"a", "b", "c", "d"}, Set: true}
	m := newMover(testKeys())
	l := carryList("a", "b", "c", "d")
	l.setCursor(1)
	if !m.grab(l, seen, false) {
		t.Fatal("could not grab b")
	}
	for _, k := range []string{"down", "J", "up"} {
		if _, ok := m.carryKey(press(k), l, 10); ok {
			t.Fatalf("%s saved", k)
		}
	}
	if !reflect.DeepEqual(l.ids, []string{"a", "c", "b", "d"}) {
		t.Fatalf("after down, J, up: %v", l.ids)
	}
	mv, ok := m.carryKey(press("space"), l, 10)
	want := authstore.Move{ID: "b", Above: "c", Below: "d", Down: true, Seen: seen}
	if !ok || !reflect.DeepEqual(mv, want) {
		t.Errorf("drop: %+v %v, want %+v", mv, ok, want)
	}
	if l.grab != nil {
		t.Error("still carrying after the drop")
	}

	l = carryList("a", "b", "c")
	m.grab(l, seen, false)
	m.carryKey(press("end"), l, 10)
	m.carryKey(press("esc"), l, 10)
	if l.grab != nil || !reflect.DeepEqual(l.ids, []string{"a", "b", "c"}) || l.cursor != 0 {
		t.Errorf("esc: %v cursor %d grab %v", l.ids, l.cursor, l.grab)
	}
	m.grab(l, seen, false)
	m.carryKey(press("down"), l, 10)
	m.carryKey(press("up"), l, 10)
	if _, ok := m.carryKey(press("space"), l, 10); ok {
		t.Error("a drop where it started asks for a save")
	}
}

// The mouse: a press without motion only selects; motion off the pressed
// row starts the carry and the row follows the pointer (beyond the table
// it moves one row a motion); the release drops.
func TestMoverMouseDrag(t *testing.T) {
	seen := authstore.Override{}
	calls := 0
	seenFn := func() authstore.Override { calls++; return seen }
	m := newMover(testKeys())
	l := carryList("a", "b", "c", "d", "e")
	m.press(2)
	m.motion(l, 2, 3, seenFn) // still on the pressed row
	if l.grab != nil || calls != 0 {
		t.Fatal("a motion on the pressed row started a carry")
	}
	if _, ok := m.release(l); ok || m.dragging() {
		t.Fatal("a click saved or kept dragging")
	}

	l.setCursor(2)
	m.press(2)
	m.motion(l, 0, 3, seenFn)
	if l.grab == nil || calls != 1 || !reflect.DeepEqual(l.ids, []string{"c", "a", "b", "d", "e"}) {
		t.Fatalf("drag to row 0: %v (grab %v, seen asked %d times)", l.ids, l.grab, calls)
	}
	m.motion(l, 5, 3, seenFn) // below the table: the row under its last one, scrolled into view
	if !reflect.DeepEqual(l.ids, []string{"a", "b", "d", "c", "e"}) || l.offset != 1 {
		t.Errorf("dragged below: %v offset %d", l.ids, l.offset)
	}
	m.motion(l, 5, 3, seenFn)
	if !reflect.DeepEqual(l.ids, []string{"a", "b", "d", "e", "c"}) || l.offset != 2 {
		t.Errorf("dragged below again: %v offset %d", l.ids, l.offset)
	}
	m.motion(l, -1, 3, seenFn) // above: the row over the first one
	if !reflect.DeepEqual(l.ids, []string{"a", "c", "b", "d", "e"}) || l.offset != 1 {
		t.Errorf("dragged above: %v offset %d", l.ids, l.offset)
	}
	m.motion(l, 2, 3, seenFn)
	if !reflect.DeepEqual(l.ids, []string{"a", "b", "d", "c", "e"}) {
		t.Errorf("back into the table: %v", l.ids)
	}
	mv, ok := m.release(l)
	if !ok || mv.ID != "c" || mv.Above != "d" || mv.Below != "e" || !mv.Down || calls != 1 {
		t.Errorf("release: %+v %v (seen asked %d times)", mv, ok, calls)
	}
	if m.dragging() || l.grab != nil {
		t.Error("still dragging after the release")
	}
}

func snapshotOf(t *testing.T, store string) authstore.Snapshot {
	t.Helper()
	s, err := authstore.ParseStore([]byte(store))
	if err != nil {
		t.Fatal(err)
	}
	return authstore.Snapshot{Store: s, Exists: true}
}

// Saves go one at a time, in order; until they land the screen shows what
// they will write; a failure forgets the queue.
func TestMoverSavesInOrder(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	key := func(c string) string { return `"sk-ant-api03-FAKE` + strings.Repeat(c, 40) + `"` }
	snap := snapshotOf(t, `{"version": 1, "profiles": {
  "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": `+key("A")+`},
  "anthropic:b": {"type": "api_key", "provider": "anthropic", "key": `+key("B")+`},
  "anthropic:c": {"type": "api_key", "provider": "anthropic", "key": `+key("C")+`}},
  "order": {"anthropic": ["anthropic:a", "anthropic:b", "anthropic:c"]}}`)
	var paths authstore.Paths
	m := newMover(testKeys())
	order := func() []string { v := m.planned(snap); return v.Override("anthropic").IDs }

	view := m.planned(snap)
	first, unchanged := m.request(&view, "anthropic", authstore.Move{ID: "anthropic:c", Below: "anthropic:a", Seen: view.Override("anthropic")}, now, paths, nil)
	if first == nil || unchanged || !m.busy() {
		t.Fatalf("first move: cmd %v unchanged %v busy %v", first != nil, unchanged, m.busy())
	}
	if got := order(); !reflect.DeepEqual(got, []string{"anthropic:c", "anthropic:a", "anthropic:b"}) {
		t.Errorf("shown while saving: %v", got)
	}
	view = m.planned(snap)
	second, _ := m.request(&view, "anthropic", authstore.Move{ID: "anthropic:b", Below: "anthropic:c", Seen: view.Override("anthropic")}, now, paths, nil)
	if second != nil {
		t.Fatal("a second save started while the first runs")
	}
	if got := order(); !reflect.DeepEqual(got, []string{"anthropic:b", "anthropic:c", "anthropic:a"}) {
		t.Errorf("shown with one queued: %v", got)
	}
	view = m.planned(snap)
	if _, unchanged := m.request(&view, "anthropic", authstore.Move{ID: "anthropic:b", Below: "anthropic:c", Seen: view.Override("anthropic")}, now, paths, nil); !unchanged {
		t.Error("a move to where it is was not noticed")
	}

	next, outcome := m.saved(orderSavedMsg{req: m.runningSave(t, 1)}, paths, nil)
	if outcome != saveNext || next == nil || !m.busy() {
		t.Fatalf("first landed: outcome %v next %v", outcome, next != nil)
	}
	if _, outcome := m.saved(orderSavedMsg{req: m.runningSave(t, 2)}, paths, nil); outcome != saveLanded || m.busy() {
		t.Errorf("second landed: outcome %v", outcome)
	}
	if got := order(); !reflect.DeepEqual(got, []string{"anthropic:a", "anthropic:b", "anthropic:c"}) {
		t.Errorf("after the saves the snapshot read decides: %v", got)
	}

	view = m.planned(snap)
	m.request(&view, "anthropic", authstore.Move{ID: "anthropic:c", Below: "anthropic:a"}, now, paths, nil)
	view = m.planned(snap)
	m.request(&view, "anthropic", authstore.Move{ID: "anthropic:a", Below: "anthropic:c"}, now, paths, nil)
	if _, outcome := m.saved(orderSavedMsg{req: m.runningSave(t, 3), err: errors.New("locked")}, paths, nil); outcome != saveFailed {
		t.Errorf("failed save: outcome %v", outcome)
	}
	if m.busy() || len(m.queued) != 0 || len(m.pending) != 0 {
		t.Error("a failed save left its queue behind")
	}
}

// runningSave is the save running now, which must be rev.
func (m *mover) runningSave(t *testing.T, rev int) saveReq {
	t.Helper()
	if m.saving == nil || m.saving.rev != rev {
		t.Fatalf("running save %+v, want rev %d", m.saving, rev)
	}
	return *m.saving
}

// A slow save says so, once per state of the lock, and nothing after it
// ended.
func TestMoverSlowSave(t *testing.T) {
	m := newMover(testKeys())
	m.saving = &saveReq{provider: "anthropic", rev: 4, held: make(chan struct{}), settled: make(chan struct{})}
	texts := func(cmd tea.Cmd) string {
		var out []string
		switch msg := msgOf(cmd).(type) {
		case StatusMsg:
			out = append(out, msg.Text)
		case tea.BatchMsg:
			out = append(out, msgOf(msg[0]).(StatusMsg).Text)
		}
		return strings.Join(out, "|")
	}
	if got := texts(m.slow(saveSlowMsg{rev: 4})); !strings.Contains(got, "waiting for the store's lock") {
		t.Errorf("waiting: %q", got)
	}
	if got := texts(m.slow(saveSlowMsg{rev: 4, locked: true})); got != "saving the anthropic order…" {
		t.Errorf("locked: %q", got)
	}
	if m.slow(saveSlowMsg{rev: 3}) != nil {
		t.Error("an older save's notice was shown")
	}
}
