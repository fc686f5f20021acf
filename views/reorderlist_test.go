package views

import (
	"reflect"
	"testing"
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
