package views

import "slices"

// This file is how the profile table's columns share its width: which give
// way first when it is narrow, and how wide each one is.

// column is one table column. keep orders the optional columns: the lowest
// goes first when the table does not fit; 0 means always shown.
type column struct {
	id    colID
	title string
	width int // natural width (content and title); the profile column's includes emails
	// ideal and min are the profile column's: its longest id, kept whole
	// until the columns with a keep below cutIDs have gone, and the least
	// it is cut to (in the middle, see cutID) before the countdowns go.
	ideal, min int
	keep       int
	// head is the profile column's: how many cells of a cut id come
	// before the "…" (chooseHead keeps the ids shown distinct).
	head int
	// shrink, for another column, is the width it gives way to when the
	// ids are cut (0: none); its cells then use their short forms.
	shrink int
}

// colGap is the space between columns; tight tables use 1.
const colGap = 2

// cutIDs is the keep level at which ids start to be cut: the type, the
// secret and the last use go before an id loses a character; the probe,
// the note, the expiry countdown and then the status word only after.
const cutIDs = 4

// minIDWidth is the least a cut id keeps ("anth…on-team").
const minIDWidth = 12

// fitColumns chooses the columns that fit in width and their widths. What
// gives way, in this order: the emails beside the ids, the optional
// columns of lowest keep, then the ids (cut in the middle, down to
// minIDWidth), then the other optional columns (the countdowns, the status
// word last). A column given up comes back when the room it needs is left
// over, so nothing is cut while space is unused. When giving way would be
// needed anyway, a single-space gap is tried and kept if it gives up less.
// The returned gap is the one to draw with.
func fitColumns(cols []column, width int) ([]column, int) {
	best, lost := fitWithGap(cols, width, colGap)
	if lost > 0 {
		if tight, l := fitWithGap(cols, width, 1); l < lost {
			return tight, 1
		}
	}
	return best, colGap
}

// fitWithGap fits cols in width with gap between them; lost measures what
// was given up (a thousand for each column gone, one for each cell cut
// from the longest id), so that two gaps can be compared.
func fitWithGap(cols []column, width, gap int) ([]column, int) {
	prof := -1
	for i, c := range cols {
		if c.id == colProfile {
			prof = i
		}
	}
	present := make([]bool, len(cols))
	for i := range present {
		present[i] = true
	}
	floor := 0 // the profile column's least width now
	if prof >= 0 {
		floor = max(cols[prof].ideal, 1)
	}
	shrunk := false // the columns that can shrink have
	widthOf := func(c column) int {
		if shrunk && c.shrink > 0 {
			return c.shrink
		}
		return c.width
	}
	need := func(extra, fl int) int {
		total, n := 0, 0
		for i, c := range cols {
			if !present[i] && i != extra {
				continue
			}
			if i == prof {
				total += fl
			} else {
				total += widthOf(c)
			}
			n++
		}
		return total + max(n-1, 0)*gap
	}
	// The optional columns in the order they go.
	var order []int
	for i, c := range cols {
		if c.keep > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cols[a].keep - cols[b].keep })
	type gone struct{ col, floor int }
	var dropped []gone
	lost := 0
	for _, i := range order {
		if need(-1, floor) <= width {
			break
		}
		if prof >= 0 && cols[i].keep > cutIDs && !shrunk {
			floor, shrunk = max(min(floor, cols[prof].min), 1), true
			if need(-1, floor) <= width {
				break
			}
		}
		present[i] = false
		dropped = append(dropped, gone{i, floor})
	}
	if need(-1, floor) > width {
		floor = 1 // only the essentials are left; the id is cut further
	}
	// Give back what fits in what is left over, the most important first.
	for j := len(dropped) - 1; j >= 0; j-- {
		if need(dropped[j].col, max(dropped[j].floor, floor)) <= width {
			present[dropped[j].col] = true
		} else {
			lost += 1000
		}
	}
	shown := make([]column, 0, len(cols))
	for i, c := range cols {
		if present[i] {
			c.width = widthOf(c)
			shown = append(shown, c)
		}
	}
	if prof < 0 {
		return shown, lost
	}
	// The profile column takes what is left, up to its natural width.
	used := 0
	for i, c := range shown {
		if c.id != colProfile {
			used += c.width
		}
		if i > 0 {
			used += gap
		}
	}
	for i := range shown {
		if shown[i].id == colProfile {
			w := max(min(width-used, shown[i].width), 1)
			shown[i].width = w
			lost += max(shown[i].ideal-w, 0)
		}
	}
	return shown, lost
}
