package views

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// HelpStyles are the styles of the full-help overlay (`?`).
type HelpStyles struct {
	Box   lipgloss.Style // the frame around the overlay
	Title lipgloss.Style
	Key   lipgloss.Style
	Desc  lipgloss.Style
	Hint  lipgloss.Style // "press any key to close"
}

// HelpView draws a screen's full help (every group of km.FullHelp in
// columns, then the global bindings on one line with the hint) as a framed
// box no larger than w × h. Disabled bindings are left out so the help only
// offers what works now.
func HelpView(km help.KeyMap, global []key.Binding, st HelpStyles, w, h int) string {
	if w < 10 || h < 4 {
		return ""
	}
	groups := km.FullHelp()
	var cols [][]string
	for _, g := range groups {
		var keys, descs []string
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			keys = append(keys, b.Help().Key)
			descs = append(descs, b.Help().Desc)
		}
		if len(keys) == 0 {
			continue
		}
		kw := 0
		for _, k := range keys {
			kw = max(kw, lipgloss.Width(k))
		}
		col := make([]string, len(keys))
		for i := range keys {
			col[i] = st.Key.Render(fitCell(keys[i], kw)) + " " + st.Desc.Render(descs[i])
		}
		cols = append(cols, col)
	}
	inner := w - 4 // frame and padding
	// Lay the groups out left to right, wrapping to a new band when full.
	var bands []string
	var band []string
	bandW := 0
	flush := func() {
		if len(band) > 0 {
			bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, band...))
		}
		band, bandW = nil, 0
	}
	for _, col := range cols {
		cw := 0
		for _, l := range col {
			cw = max(cw, lipgloss.Width(l))
		}
		padded := make([]string, len(col))
		for i, l := range col {
			padded[i] = FitLine(l, cw+4)
		}
		if bandW > 0 && bandW+cw > inner {
			flush()
		}
		band = append(band, strings.Join(padded, "\n"))
		bandW += cw + 4
	}
	flush()
	body := strings.Join(bands, "\n\n")
	lines := strings.Split(body, "\n")
	flow := func(g []key.Binding) []string {
		var items []string
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				items = append(items, st.Key.Render(b.Help().Key)+" "+st.Desc.Render(b.Help().Desc))
			}
		}
		if len(items) == 0 {
			return nil
		}
		return strings.Split(ansi.Wrap(strings.Join(items, st.Desc.Render(" · ")), inner, ""), "\n")
	}
	compact := len(lines)+6 > h-2
	if compact {
		// Too short for columns: let each group flow as one wrapped line.
		lines = lines[:0]
		for _, g := range append(groups, global) {
			lines = append(lines, flow(g)...)
		}
	} else {
		lines = append([]string{st.Title.Render("Keys"), ""}, lines...)
		lines = append(append(lines, ""), flow(global)...)
		lines = append(lines, st.Hint.Render("press any key to close"))
	}
	if len(lines) > h-2 {
		lines = append(lines[:max(h-3, 1)], st.Hint.Render("… (make the window taller to see all)"))
	}
	contentW := 0
	for _, l := range lines {
		contentW = max(contentW, lipgloss.Width(l))
	}
	contentW = min(contentW, inner)
	for i, l := range lines {
		// A band's last column brings padding that may not fit: spaces
		// are dropped before cutting, so only real text earns a "…".
		lines[i] = FitLine(ansi.Truncate(strings.TrimRight(l, " "), contentW, "…"), contentW)
	}
	return st.Box.Render(strings.Join(lines, "\n"))
}

// resetSGR ends every colour and attribute.
const resetSGR = "\x1b[m"

// Overlay draws fg centred over bg (both blocks of lines), keeping the
// rest of bg visible around it; the result is exactly w × h.
func Overlay(bg, fg string, w, h int) string {
	if fg == "" || w <= 0 || h <= 0 {
		return bg
	}
	bl := strings.Split(bg, "\n")
	fl := strings.Split(fg, "\n")
	fw := 0
	for _, l := range fl {
		fw = max(fw, lipgloss.Width(l))
	}
	fw = min(fw, w)
	x := max((w-fw)/2, 0)
	y := max((h-len(fl))/2, 0)
	for len(bl) < h {
		bl = append(bl, "")
	}
	for i, l := range fl {
		row := y + i
		if row >= h {
			break
		}
		base := FitLine(bl[row], w)
		// Each part exactly as wide as its place (a wide character cut by
		// an edge leaves a space), and every style closed at the box's
		// edges, so nothing under the box shows through it.
		left := FitLine(ansi.Truncate(base, x, ""), x)
		rest := w - x - fw
		right := ansi.TruncateLeft(base, x+fw, "")
		for n := x + fw + 1; lipgloss.Width(right) > rest && n <= w; n++ {
			right = ansi.TruncateLeft(base, n, "") // a wide character on the edge
		}
		right = strings.Repeat(" ", max(rest-lipgloss.Width(right), 0)) + right
		reset := ""
		if strings.Contains(base, "\x1b") || strings.Contains(l, "\x1b") {
			reset = resetSGR // (no colour, no escape sequences at all)
		}
		bl[row] = left + reset + FitLine(ansi.Truncate(l, fw, ""), fw) + reset + right
	}
	return strings.Join(bl[:h], "\n")
}
