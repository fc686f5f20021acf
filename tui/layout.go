package tui

import (
	"strings"

	"github.com/moltbot/moltbot/views"
)

// The smallest terminal moltbot draws into; below it one line says so.
const (
	MinWidth  = 60
	MinHeight = 15
)

// rect is an area of the terminal.
type rect struct{ X, Y, W, H int }

// layout is where the body, the status line and the help bar go.
type layout struct {
	Width, Height int
	TooSmall      bool
	Body          rect
	Status        rect
	Help          rect
}

// computeLayout splits a w × h terminal: the active screen on top, then a
// status line and a help bar.
func computeLayout(w, h int) layout {
	l := layout{Width: max(w, 0), Height: max(h, 0)}
	if w < MinWidth || h < MinHeight {
		l.TooSmall = true
		return l
	}
	l.Body = rect{0, 0, w, h - 2}
	l.Status = rect{0, h - 2, w, 1}
	l.Help = rect{0, h - 1, w, 1}
	return l
}

// clip makes s exactly w × h: lines cut (measured in cells, escape codes
// kept) or padded with spaces, missing lines added, extra ones dropped.
func clip(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		b.WriteString(views.FitLine(line, w))
	}
	return b.String()
}
