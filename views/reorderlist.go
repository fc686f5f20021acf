package views

import "slices"

// This file is the reorderable list under the profile table: which row is
// selected, which one is being carried and where to. It holds ids, never a
// store: saving is the move state's business (move.go).

// grabState is a move in progress: the order before it began (esc puts it
// back) and whether the mouse started it.
type grabState struct {
	id    string
	orig  []string
	mouse bool
}

// reorderList is the selected provider's rows: movable profile ids in shown
// order, then read-only env rows. Only memory changes here.
type reorderList struct {
	ids    []string
	env    int // number of env rows after the ids
	cursor int
	offset int // first visible row
	grab   *grabState
	gen    int // bumped whenever ids change
}

// rows is the number of rows, env rows included.
func (l *reorderList) rows() int { return len(l.ids) + l.env }

// selectedID is the profile under the cursor; ok is false on an env row or
// an empty list.
func (l *reorderList) selectedID() (string, bool) {
	if l.cursor >= 0 && l.cursor < len(l.ids) {
		return l.ids[l.cursor], true
	}
	return "", false
}

// onEnvRow reports whether the cursor is on a read-only env row.
func (l *reorderList) onEnvRow() bool {
	return l.cursor >= len(l.ids) && l.cursor < l.rows()
}

// setRows replaces the rows with fresh ones (after a reload) and keeps the
// cursor on keepID when it is still there. During a move the user's order
// wins: ids that still exist keep their places and new ones go last. It
// reports false when the profile being moved has disappeared (the move is
// then cancelled).
func (l *reorderList) setRows(ids []string, env int, keepID string) bool {
	ok := true
	if l.grab != nil {
		merged := mergeOrder(l.ids, ids)
		if slices.Index(merged, l.grab.id) < 0 {
			l.grab = nil
			ok = false
		} else {
			l.grab.orig = mergeOrder(l.grab.orig, ids)
			keepID = l.grab.id
			ids = merged
		}
	}
	l.ids = append(l.ids[:0:0], ids...)
	l.gen++
	l.env = env
	if i := slices.Index(l.ids, keepID); keepID != "" && i >= 0 {
		l.cursor = i
	}
	l.clamp()
	return ok
}

func (l *reorderList) clamp() {
	if l.cursor >= l.rows() {
		l.cursor = l.rows() - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
}

// moveCursor moves the selection by delta rows, stopping at the ends.
func (l *reorderList) moveCursor(delta int) {
	l.cursor += delta
	l.clamp()
}

// setCursor selects row i (clamped).
func (l *reorderList) setCursor(i int) {
	l.cursor = i
	l.clamp()
}

// startGrab begins moving the selected profile; env rows cannot be moved.
func (l *reorderList) startGrab(mouse bool) bool {
	id, ok := l.selectedID()
	if !ok || l.grab != nil {
		return false
	}
	l.grab = &grabState{id: id, orig: append([]string(nil), l.ids...), mouse: mouse}
	l.gen++
	return true
}

// move shifts the profile under the cursor by delta places within the
// profiles (never among env rows) and keeps the cursor on it.
func (l *reorderList) move(delta int) bool {
	if l.cursor >= len(l.ids) {
		return false
	}
	ids, to := moveStep(l.ids, l.cursor, delta)
	if to == l.cursor {
		return false
	}
	l.ids, l.cursor = ids, to
	l.gen++
	return true
}

// moveTo puts the profile under the cursor at index to (clamped to the
// profiles), as a mouse drag does.
func (l *reorderList) moveTo(to int) bool {
	return l.move(to - l.cursor)
}

// drop ends the move and returns the order to save; changed is false when
// the profile ended where it started.
func (l *reorderList) drop() (ids []string, changed bool) {
	if l.grab == nil {
		return nil, false
	}
	changed = !slices.Equal(l.grab.orig, l.ids)
	l.grab = nil
	return append([]string(nil), l.ids...), changed
}

// cancel ends the move and puts the order back as it was.
func (l *reorderList) cancel() {
	if l.grab == nil {
		return
	}
	id := l.grab.id
	l.ids = mergeOrder(l.grab.orig, l.ids)
	l.grab = nil
	l.gen++
	if i := slices.Index(l.ids, id); i >= 0 {
		l.cursor = i
	}
}

// scrollTo adjusts the first visible row so that the cursor is visible in a
// window of height rows.
func (l *reorderList) scrollTo(height int) {
	if height <= 0 {
		l.offset = 0
		return
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+height {
		l.offset = l.cursor - height + 1
	}
	if max := l.rows() - height; l.offset > max {
		l.offset = max
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// moveStep returns ids with the element at i moved by delta places (clamped
// to the list) and its new index. ids itself is not changed.
func moveStep(ids []string, i, delta int) ([]string, int) {
	if i < 0 || i >= len(ids) {
		return ids, i
	}
	to := i + delta
	if to < 0 {
		to = 0
	}
	if to > len(ids)-1 {
		to = len(ids) - 1
	}
	if to == i {
		return ids, i
	}
	out := make([]string, 0, len(ids))
	moved := ids[i]
	for j, id := range ids {
		if j != i {
			out = append(out, id)
		}
	}
	out = append(out[:to], append([]string{moved}, out[to:]...)...)
	return out, to
}

// mergeOrder lays the user's intended order onto a fresh list of ids: the
// intended ids that still exist, in the intended order, then any fresh ids
// the intended order did not know about, in their fresh order. This is how a
// move survives someone else's write made while it was in progress.
func mergeOrder(intended, fresh []string) []string {
	have := make(map[string]bool, len(fresh))
	for _, id := range fresh {
		have[id] = true
	}
	out := make([]string, 0, len(fresh))
	seen := make(map[string]bool, len(fresh))
	for _, id := range intended {
		if have[id] && !seen[id] {
			out = append(out, id)
			seen[id] = true
		}
	}
	for _, id := range fresh {
		if !seen[id] {
			out = append(out, id)
			seen[id] = true
		}
	}
	return out
}
