package views

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
)

func TestMoveStep(t *testing.T) {
	ids := []string{"a", "b", "c", "d"}
	tests := []struct {
		name     string
		i, delta int
		want     []string
		wantTo   int
	}{
		{"up one", 2, -1, []string{"a", "c", "b", "d"}, 1},
		{"down one", 1, 1, []string{"a", "c", "b", "d"}, 2},
		{"top stays", 0, -1, ids, 0},
		{"bottom stays", 3, 1, ids, 3},
		{"far up clamps to top", 3, -10, []string{"d", "a", "b", "c"}, 0},
		{"far down clamps to bottom", 0, 10, []string{"b", "c", "d", "a"}, 3},
		{"out of range is untouched", 7, -1, ids, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, to := moveStep(ids, tt.i, tt.delta)
			if !reflect.DeepEqual(got, tt.want) || to != tt.wantTo {
				t.Errorf("moveStep(%v, %d, %d) = %v, %d; want %v, %d", ids, tt.i, tt.delta, got, to, tt.want, tt.wantTo)
			}
		})
	}
	if !reflect.DeepEqual(ids, []string{"a", "b", "c", "d"}) {
		t.Errorf("moveStep changed its input: %v", ids)
	}
}

func TestMergeOrder(t *testing.T) {
	tests := []struct {
		name            string
		intended, fresh []string
		want            []string
	}{
		{"same set keeps the intended order", []string{"c", "a", "b"}, []string{"a", "b", "c"}, []string{"c", "a", "b"}},
		{"a new profile goes last", []string{"b", "a"}, []string{"a", "n", "b"}, []string{"b", "a", "n"}},
		{"a removed profile is dropped", []string{"b", "x", "a"}, []string{"a", "b"}, []string{"b", "a"}},
		{"duplicates are written once", []string{"a", "a", "b"}, []string{"a", "b"}, []string{"a", "b"}},
		{"nothing intended is the fresh order", nil, []string{"a", "b"}, []string{"a", "b"}},
		{"nothing fresh is empty", []string{"a"}, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeOrder(tt.intended, tt.fresh); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mergeOrder(%v, %v) = %v, want %v", tt.intended, tt.fresh, got, tt.want)
			}
		})
	}
}

func TestReorderListGrabMoveDrop(t *testing.T) {
	var l reorderList
	l.setRows([]string{"a", "b", "c"}, 1, "")
	l.setCursor(2)
	if !l.startGrab(false) {
		t.Fatal("could not grab c")
	}
	l.move(-1)
	l.move(-1)
	l.move(-1) // already at the top: no effect
	if got := l.ids; !reflect.DeepEqual(got, []string{"c", "a", "b"}) {
		t.Fatalf("after moving c up twice: %v", got)
	}
	if l.cursor != 0 {
		t.Errorf("cursor = %d, want 0 (on the moved profile)", l.cursor)
	}
	ids, changed := l.drop()
	if !changed || !reflect.DeepEqual(ids, []string{"c", "a", "b"}) {
		t.Errorf("drop = %v, %v", ids, changed)
	}
	if l.grab != nil {
		t.Error("still grabbing after drop")
	}
}

func TestReorderListMovesNeverEnterEnvRows(t *testing.T) {
	var l reorderList
	l.setRows([]string{"a", "b"}, 2, "")
	l.setCursor(1)
	l.startGrab(false)
	l.move(5)
	if !reflect.DeepEqual(l.ids, []string{"a", "b"}) || l.cursor != 1 {
		t.Errorf("moved into env rows: ids %v cursor %d", l.ids, l.cursor)
	}
	l.cancel()
	l.setCursor(3) // an env row
	if !l.onEnvRow() {
		t.Fatal("row 3 should be an env row")
	}
	if l.startGrab(false) {
		t.Error("an env row could be grabbed")
	}
	if _, ok := l.selectedID(); ok {
		t.Error("an env row has a profile id")
	}
}

func TestReorderListCancelRestores(t *testing.T) {
	var l reorderList
	l.setRows([]string{"a", "b", "c"}, 0, "")
	l.startGrab(false)
	l.moveTo(2)
	l.cancel()
	if !reflect.DeepEqual(l.ids, []string{"a", "b", "c"}) || l.cursor != 0 {
		t.Errorf("after cancel: %v cursor %d", l.ids, l.cursor)
	}
	if ids, changed := l.drop(); changed || ids != nil {
		t.Error("drop after cancel should do nothing")
	}
}

func TestReorderListReloadDuringGrab(t *testing.T) {
	var l reorderList
	l.setRows([]string{"a", "b", "c"}, 0, "")
	l.setCursor(2)
	l.startGrab(true)
	l.moveTo(0) // c a b
	// Someone adds n and removes a while the user is moving c.
	if ok := l.setRows([]string{"b", "c", "n"}, 0, "b"); !ok {
		t.Fatal("grab was cancelled though c still exists")
	}
	if !reflect.DeepEqual(l.ids, []string{"c", "b", "n"}) {
		t.Errorf("ids = %v, want the user's order with n last", l.ids)
	}
	if id, _ := l.selectedID(); id != "c" {
		t.Errorf("cursor on %q, want the moved profile c", id)
	}
	l.cancel()
	if !reflect.DeepEqual(l.ids, []string{"b", "c", "n"}) {
		t.Errorf("cancel after reload = %v, want the order before the move, refreshed", l.ids)
	}

	l.setCursor(1)
	l.startGrab(false)
	if ok := l.setRows([]string{"b", "n"}, 0, ""); ok {
		t.Error("the moved profile vanished but the grab went on")
	}
	if l.grab != nil {
		t.Error("grab not cleared")
	}
}

func TestReorderListKeepsSelectionByID(t *testing.T) {
	var l reorderList
	l.setRows([]string{"a", "b", "c"}, 0, "")
	l.setCursor(1)
	l.setRows([]string{"x", "c", "a", "b"}, 0, "b")
	if id, _ := l.selectedID(); id != "b" {
		t.Errorf("selected %q, want b", id)
	}
	l.setRows([]string{"x"}, 0, "b")
	if l.cursor != 0 {
		t.Errorf("cursor %d out of range after rows shrank", l.cursor)
	}
}

func TestScrollTo(t *testing.T) {
	l := reorderList{ids: make([]string, 20)}
	l.cursor = 15
	l.scrollTo(5)
	if l.offset != 11 {
		t.Errorf("offset = %d, want 11 (cursor on the last visible row)", l.offset)
	}
	l.cursor = 3
	l.scrollTo(5)
	if l.offset != 3 {
		t.Errorf("offset = %d, want 3", l.offset)
	}
}

func cols(ids ...colID) []colID { return ids }

func TestFitColumns(t *testing.T) {
	all := []column{
		{id: colMark, width: 1},
		{id: colRank, width: 1},
		{id: colProfile, width: 30, min: 20},
		{id: colType, width: 7, keep: 3},
		{id: colSecret, width: 17, keep: 2},
		{id: colStatus, width: 8},
		{id: colExpires, width: 10, keep: 4},
		{id: colNote, width: 15, keep: 5},
		{id: colLastUsed, width: 9, keep: 1},
	}
	every := cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote, colLastUsed)
	tests := []struct {
		width   int
		want    []colID
		profile int
		gap     int
	}{
		{200, every, 30, 2},
		{114, every, 30, 2},
		// One column short of room: a single-space gap keeps them all.
		{103, every, 27, 1},
		// Last used goes first; the gap stays wide when tightening saves nothing.
		{95, cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote), 22, 2},
		{73, cols(colMark, colRank, colProfile, colType, colStatus, colExpires, colNote), 25, 1},
		{56, cols(colMark, colRank, colProfile, colStatus, colNote), 23, 2},
		{40, cols(colMark, colRank, colProfile, colStatus), 24, 2},
		// Too narrow even for the essentials: the profile column gives way.
		{20, cols(colMark, colRank, colProfile, colStatus), 4, 2},
	}
	for _, tt := range tests {
		got, gap := fitColumns(all, tt.width)
		var ids []colID
		total := 0
		prof := 0
		for i, c := range got {
			ids = append(ids, c.id)
			total += c.width
			if i > 0 {
				total += gap
			}
			if c.id == colProfile {
				prof = c.width
			}
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("width %d: columns %v, want %v", tt.width, ids, tt.want)
		}
		if prof != tt.profile {
			t.Errorf("width %d: profile column %d wide, want %d", tt.width, prof, tt.profile)
		}
		if gap != tt.gap {
			t.Errorf("width %d: gap %d, want %d", tt.width, gap, tt.gap)
		}
		if total > tt.width {
			t.Errorf("width %d: table is %d wide", tt.width, total)
		}
	}
}

func TestTableColumnsLeaveOutEmptyOnes(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	keysOnly := []profileRow{{id: "openai:default", typ: "api_key", mask: "sk-proj-FAKE…OOOO", health: authstore.Health{Status: authstore.StatusStatic}, rank: 1}}
	var names []string
	for _, c := range tableColumns(keysOnly, now) {
		names = append(names, c.title)
	}
	if got := strings.Join(names, ","); got != ",#,PROFILE,TYPE,SECRET,STATUS" {
		t.Errorf("columns for an unused API key: %s", got)
	}
	rich := append(keysOnly, profileRow{
		id: "anthropic:work", typ: "token", rank: 2, lastUsed: now.Add(-time.Minute),
		health: authstore.Health{Status: authstore.StatusOK, ExpiresAt: now.Add(time.Hour), Unusable: authstore.UnusableCooldown, Until: now.Add(time.Minute)},
	})
	names = nil
	for _, c := range tableColumns(rich, now) {
		names = append(names, c.title)
	}
	if got := strings.Join(names, ","); got != ",#,PROFILE,TYPE,SECRET,STATUS,EXPIRES,NOTE,LAST USED" {
		t.Errorf("columns with expiry, cooldown and use: %s", got)
	}
}

func TestNoteText(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		row  profileRow
		want string
	}{
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableCooldown, Until: now.Add(4*time.Minute + 9*time.Second)}}, "cooldown 4m 09s"},
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableDisabled, Reason: "billing", Until: now.Add(3*time.Hour + 12*time.Minute)}}, "disabled (billing) 3h 12m"},
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableCooldown, Until: now.Add(-time.Second)}}, ""},
		{profileRow{excluded: "not in the override order"}, "not in order"},
		{profileRow{env: true, envSource: authstore.SourceDotEnv}, "from .env"},
		{profileRow{env: true, envSource: authstore.SourceProcessEnv}, "from environment"},
	}
	for _, tt := range tests {
		if got := noteText(tt.row, now); got != tt.want {
			t.Errorf("noteText(%+v) = %q, want %q", tt.row, got, tt.want)
		}
		if w := noteWidth(tt.row); len([]rune(tt.want)) > w && tt.want != "" {
			t.Errorf("noteWidth %d is narrower than %q", w, tt.want)
		}
	}
}

func displayWidth(s string) int { return lipgloss.Width(s) }

func TestFitCellNeverWider(t *testing.T) {
	for _, s := range []string{"", "abc", "anthropic:a-very-long-profile-name@example.com", "日本語のプロファイル"} {
		for w := 0; w < 12; w++ {
			if got := fitCell(s, w); displayWidth(got) != w {
				t.Errorf("fitCell(%q, %d) = %q is %d wide", s, w, got, displayWidth(got))
			}
		}
	}
}

func TestTruncateMiddle(t *testing.T) {
	p := "~/.clawdbot/agents/main/agent/auth-profiles.json"
	tests := []struct {
		w    int
		want string
	}{
		{60, p},
		{48, p},
		{40, "~/…/agents/main/agent/auth-profiles.json"},
		{34, "~/…/main/agent/auth-profiles.json"},
		{30, "~/…/agent/auth-profiles.json"},
		{24, "~/…/auth-profiles.json"},
		{21, "…/auth-profiles.json"},
		{10, "…iles.json"},
		{0, ""},
	}
	for _, tt := range tests {
		got := truncateMiddle(p, tt.w)
		if got != tt.want {
			t.Errorf("truncateMiddle(%d) = %q, want %q", tt.w, got, tt.want)
		}
		if lipgloss.Width(got) > tt.w {
			t.Errorf("truncateMiddle(%d) is %d wide", tt.w, lipgloss.Width(got))
		}
	}
	if got := truncateMiddle("/var/lib/moltbot/agents/main/agent/auth-profiles.json", 35); got != "/var/…/agent/auth-profiles.json" {
		t.Errorf("absolute path: %q", got)
	}
}
