package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

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

// maxStatusLines bounds the status line when a message is wrapped.
const maxStatusLines = 3

// computeLayout splits a w × h terminal: the active screen on top, then
// the status line (statusLines high, 1 to maxStatusLines: a long message
// is wrapped, not cut) and a help bar.
func computeLayout(w, h, statusLines int) layout {
	l := layout{Width: max(w, 0), Height: max(h, 0)}
	if w < MinWidth || h < MinHeight {
		l.TooSmall = true
		return l
	}
	n := min(max(statusLines, 1), maxStatusLines)
	l.Body = rect{0, 0, w, h - 1 - n}
	l.Status = rect{0, h - 1 - n, w, n}
	l.Help = rect{0, h - 1, w, 1}
	return l
}

// tooSmallNotice says the minimum size in a w × h terminal that is smaller
// than that: wrapped to its width, in as many of its lines as it has, and
// in fewer words when it has few.
func tooSmallNotice(w, h int) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	for _, text := range []string{
		"moltbot needs at least " + strconv.Itoa(MinWidth) + "×" + strconv.Itoa(MinHeight) + " (this is " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + "); enlarge the window",
		"moltbot needs " + strconv.Itoa(MinWidth) + "×" + strconv.Itoa(MinHeight) + " (this is " + strconv.Itoa(w) + "×" + strconv.Itoa(h) + ")",
		"needs " + strconv.Itoa(MinWidth) + "×" + strconv.Itoa(MinHeight),
	} {
		lines := strings.Split(ansi.Wordwrap(text, w, ""), "\n")
		fits := len(lines) <= h
		for _, l := range lines {
			fits = fits && lipgloss.Width(l) <= w
		}
		if fits {
			return lines
		}
	}
	return []string{ansi.Truncate(strconv.Itoa(MinWidth)+"×"+strconv.Itoa(MinHeight), w, "")}
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
