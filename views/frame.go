package views

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// This file is the frame every pane is drawn in.

// box draws a rounded frame of w × h with title in the top edge around
// content lines (cut or padded to fit).
func box(st DashboardStyles, title string, content []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return make([]string, max(h, 0))
	}
	border, titleStyle := st.Border, st.Title
	if focused {
		border, titleStyle = st.BorderFocus, st.TitleFocus
	}
	inner := w - 2
	out := make([]string, 0, h)
	var top string
	if title != "" && inner > 4 {
		t := ansi.Truncate(title, inner-3, "…")
		top = border.Render("╭─ ") + titleStyle.Render(t) + border.Render(" "+strings.Repeat("─", max(inner-lipgloss.Width(t)-3, 0))+"╮")
	} else {
		top = border.Render("╭" + strings.Repeat("─", inner) + "╮")
	}
	out = append(out, top)
	side := border.Render("│")
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(content) {
			line = content[i]
		}
		out = append(out, side+FitLine(line, inner)+side)
	}
	out = append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return out
}
