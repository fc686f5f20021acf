package tui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// sgrColour is the foreground escape a true-colour terminal gets for hex
// (as termenv converts it).
func sgrColour(hex string) string {
	return termenv.TrueColor.Color(hex).Sequence(false)
}

// dashboardAndStatus renders the dashboard's first frame and `models
// status`'s text (with the styles cmd uses) on a dark true-colour terminal.
func dashboardAndStatus(t *testing.T, s *scratch) (dash, status string) {
	t.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	a := New(Options{Paths: s.paths, Clock: func() time.Time { return testNow }, Getenv: func(k string) string { return s.getenv[k] }, Home: s.root, Renderer: r})
	a.Update(tea.WindowSizeMsg{Width: 140, Height: 30})
	a.Update(a.Dashboard().Init()())
	snap, err := authstore.LoadWithEnv(s.paths, func(k string) string { return s.getenv[k] })
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	views.WriteStatusText(&b, snap, authstore.BuildReport(snap, testNow, authstore.DefaultWarn), views.StatusTextOptions{Styles: NewStatusStyles(r)})
	return a.View(), b.String()
}

// One palette colours both the dashboard and `models status`: recolour an
// entry of it and both change, to the same colour.
func TestOnePaletteColoursDashboardAndStatus(t *testing.T) {
	s := newScratch(t, "populated.json")
	saved := palette
	t.Cleanup(func() { palette = saved })
	for _, tc := range []struct {
		name  string
		entry *lipgloss.CompleteAdaptiveColor
	}{
		{"OK", &palette.OK},     // ok badges
		{"Warn", &palette.Warn}, // expiring, cooldowns
		{"Bad", &palette.Bad},   // expired
		{"Dim", &palette.Dim},   // notes
	} {
		t.Run(tc.name, func(t *testing.T) {
			palette = saved
			old := sgrColour(tc.entry.Dark.TrueColor)
			dash, status := dashboardAndStatus(t, s)
			if !strings.Contains(dash, old) || !strings.Contains(status, old) {
				t.Fatalf("palette.%s (%s) is not in both outputs to begin with:\n%s\n%s", tc.name, tc.entry.Dark.TrueColor, dash, status)
			}
			*tc.entry = pair(shade{"#123456", "24", "4"}, shade{"#123456", "24", "4"})
			dash, status = dashboardAndStatus(t, s)
			for what, out := range map[string]string{"the dashboard": dash, "models status": status} {
				if !strings.Contains(out, sgrColour("#123456")) {
					t.Errorf("%s does not take palette.%s's new colour", what, tc.name)
				}
				if strings.Contains(out, old) {
					t.Errorf("%s still shows palette.%s's old colour", what, tc.name)
				}
			}
		})
	}
}

// Where colour is off, `models status` prints no escape at all.
func TestStatusStylesWithoutColour(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	if NewStatusStyles(r).Color {
		t.Error("an ASCII renderer gives colour")
	}
	r.SetColorProfile(termenv.ANSI256)
	if !NewStatusStyles(r).Color {
		t.Error("a 256-colour renderer gives none")
	}
}
