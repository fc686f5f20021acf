package views

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// This file cuts ids to a column's width in the middle, so that ids that
// share a beginning ("anthropic:work-a", "anthropic:work-b") stay
// distinct: the end of an id is what tells it from its neighbours.

// cutID is s in w cells: whole when it fits; else, when the part after
// the provider (":work") fits with a cell of the provider before it,
// "anthro…:work"; else its first head cells, "…", and its end.
func cutID(s string, w, head int) string {
	sw := lipgloss.Width(s)
	if sw <= w {
		return s
	}
	if w < 3 {
		return ansi.Truncate(s, w, "…")
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		if rest := lipgloss.Width(s[i:]); rest <= w-2 {
			head = w - 1 - rest
		}
	}
	head = min(max(head, 1), w-2)
	tail := w - 1 - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

// chooseHead is the head cutID should use for the ids in a column w cells
// wide whose part after the provider does not fit: one head for all of
// them, so that they line up. It is short (the end is what tells ids
// apart); another is tried when two ids would look the same.
func chooseHead(labels []string, w int) int {
	if w < 3 {
		return 0
	}
	distinct := func(head int) bool {
		seen := make(map[string]bool, len(labels))
		for _, l := range labels {
			s := cutID(l, w, head)
			if seen[s] {
				return false
			}
			seen[s] = true
		}
		return true
	}
	def := min(max((w-1)/3, 1), 6, w-2)
	if distinct(def) {
		return def
	}
	for h := 1; h <= w-2; h++ {
		if h != def && distinct(h) {
			return h
		}
	}
	return def
}
