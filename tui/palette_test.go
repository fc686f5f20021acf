package tui

import (
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// sgrColours are the ANSI colour numbers (0–15) a rendered string sets as
// foreground and background (-1: none).
func sgrColours(s string) (fg, bg int) {
	fg, bg = -1, -1
	for _, m := range regexp.MustCompile(`\x1b\[([0-9;]*)m`).FindAllStringSubmatch(s, -1) {
		for _, p := range regexp.MustCompile(`;`).Split(m[1], -1) {
			n, err := strconv.Atoi(p)
			if err != nil {
				continue
			}
			switch {
			case n >= 30 && n <= 37:
				fg = n - 30
			case n >= 90 && n <= 97:
				fg = n - 90 + 8
			case n >= 40 && n <= 47:
				bg = n - 40
			case n >= 100 && n <= 107:
				bg = n - 100 + 8
			}
		}
	}
	return fg, bg
}

// Issue 14 part 1.4: with 16 colours (TERM=xterm) expiring and expired are
// not the same red, and dim text is not bright blue on the blue selection:
// each shade in the palette has a 16-colour pick of its own.
func TestSixteenColoursKeepStatusesApart(t *testing.T) {
	for _, dark := range []bool{true, false} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI)
		r.SetHasDarkBackground(dark)
		st := NewTheme(r).Views.Dashboard
		warn, _ := sgrColours(st.Warn.Render("expiring"))
		bad, _ := sgrColours(st.Bad.Render("expired"))
		ok, _ := sgrColours(st.OK.Render("ok"))
		if warn < 0 || bad < 0 || warn == bad || ok == warn || ok == bad {
			t.Errorf("dark=%v: ok %d, expiring %d, expired %d: want three different colours", dark, ok, warn, bad)
		}
		_, sel := sgrColours(st.Selected.Render("row"))
		for name, style := range map[string]lipgloss.Style{"dim": st.Dim, "cursor": st.Cursor, "text": st.Text, "warn": st.Warn, "bad": st.Bad} {
			fg, _ := sgrColours(style.Inherit(st.Selected).Render("x"))
			if fg >= 0 && (fg == sel || fg%8 == sel%8) {
				t.Errorf("dark=%v: %s text is colour %d on the selection's colour %d", dark, name, fg, sel)
			}
		}
		if dim, _ := sgrColours(st.Dim.Render("dim")); dim == 4 || dim == 12 {
			t.Errorf("dark=%v: dim text is blue (%d)", dark, dim)
		}
	}
}
