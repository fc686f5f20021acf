package views

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// FitLine makes a styled line exactly w cells wide: cut with "…" when it is
// wider, padded with spaces when it is narrower. Every screen's lines and
// the root's bars go through it, so none is wider than the terminal.
func FitLine(s string, w int) string {
	sw := lipgloss.Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	if sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}
