package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/views"
)

// shade is one colour in each colour depth: true colour, the nearest of
// the 256-colour cube, and one of the 16 ANSI colours picked by hand (the
// nearest would make expiring and expired the same red, and dim text
// bright blue on the blue selection).
type shade struct{ hex, c256, c16 string }

// pair is a colour for light and for dark backgrounds, in every depth.
func pair(light, dark shade) lipgloss.CompleteAdaptiveColor {
	return lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: light.hex, ANSI256: light.c256, ANSI: light.c16},
		Dark:  lipgloss.CompleteColor{TrueColor: dark.hex, ANSI256: dark.c256, ANSI: dark.c16},
	}
}

// palette is moltbot's colours as light/dark pairs. Text uses the
// terminal's own foreground; colour only ever repeats what the words say.
// With 16 colours: dim is grey (8), the selection blue (4) on dark and
// light grey (7) on light backgrounds, expiring yellow, expired red.
var palette = struct {
	Dim, Faint, Border, Accent lipgloss.CompleteAdaptiveColor
	OK, Warn, Bad              lipgloss.CompleteAdaptiveColor
	SelectedBG, GrabbedBG, Bar lipgloss.CompleteAdaptiveColor
	DialogBorder, HeaderAccent lipgloss.CompleteAdaptiveColor
}{
	Dim:          pair(shade{"#6e7781", "66", "8"}, shade{"#8b949e", "103", "8"}),
	Faint:        pair(shade{"#8c959f", "103", "8"}, shade{"#6e7681", "66", "8"}),
	Border:       pair(shade{"#d0d7de", "188", "8"}, shade{"#3d444d", "59", "8"}),
	Accent:       pair(shade{"#0969da", "26", "4"}, shade{"#58a6ff", "75", "14"}),
	OK:           pair(shade{"#1a7f37", "29", "2"}, shade{"#3fb950", "71", "10"}),
	Warn:         pair(shade{"#9a6700", "94", "3"}, shade{"#d29922", "172", "11"}),
	Bad:          pair(shade{"#cf222e", "160", "1"}, shade{"#f85149", "203", "9"}),
	SelectedBG:   pair(shade{"#ddf4ff", "195", "7"}, shade{"#1c2b3a", "17", "4"}),
	GrabbedBG:    pair(shade{"#fff8c5", "230", "11"}, shade{"#3a3000", "58", "5"}),
	Bar:          pair(shade{"#f6f8fa", "231", "7"}, shade{"#161b22", "232", "0"}),
	DialogBorder: pair(shade{"#cf222e", "160", "1"}, shade{"#f85149", "203", "9"}),
	HeaderAccent: pair(shade{"#8250df", "98", "5"}, shade{"#d2a8ff", "183", "13"}),
}

// Theme is every style of the program, made from one renderer so that
// colour follows the real terminal (and NO_COLOR).
type Theme struct {
	Views views.Styles
	// HelpBar styles the bubbles help bar at the bottom.
	HelpBar help.Styles
	// Status line styles, one per level; each message also starts with a
	// word or sign, so the level never depends on colour.
	StatusInfo, StatusSuccess, StatusWarn, StatusError lipgloss.Style
	Message                                            lipgloss.Style // the too-small and stub screens
	Dim                                                lipgloss.Style
}

// NewTheme builds the styles with r (nil: lipgloss's default renderer).
func NewTheme(r *lipgloss.Renderer) Theme {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	s := r.NewStyle
	dim := s().Foreground(palette.Dim)
	key := s().Foreground(palette.Accent).Bold(true)
	var t Theme
	t.Views.Dashboard = views.DashboardStyles{
		Header:       s().Foreground(palette.HeaderAccent).Bold(true),
		HeaderDim:    dim,
		Border:       s().Foreground(palette.Border),
		BorderFocus:  s().Foreground(palette.Accent),
		Title:        dim.Bold(true),
		TitleFocus:   s().Bold(true),
		ColumnHeader: s().Foreground(palette.Faint).Bold(true),
		Text:         s(),
		Dim:          dim,
		Env:          s().Foreground(palette.Dim).Italic(true),
		Cursor:       s().Foreground(palette.Accent).Bold(true),
		Selected:     s().Background(palette.SelectedBG),
		Grabbed:      s().Background(palette.GrabbedBG),
		OK:           s().Foreground(palette.OK),
		Warn:         s().Foreground(palette.Warn),
		Bad:          s().Foreground(palette.Bad).Bold(true),
		Static:       dim,
		ErrorBar:     s().Foreground(palette.Bad),
		ErrorText:    s().Foreground(palette.Bad).Bold(true),
		Dialog:       s().Border(lipgloss.RoundedBorder()).BorderForeground(palette.DialogBorder).Padding(0, 1),
		DialogTitle:  s().Bold(true),
		Picker:       s().Border(lipgloss.RoundedBorder()).BorderForeground(palette.Accent).Padding(0, 1),
		Key:          key,
		AlertBad:     s().Foreground(palette.Bad).Bold(true),
		AlertWarn:    s().Foreground(palette.Warn).Bold(true),
	}
	t.Views.Help = views.HelpStyles{
		Box:   s().Border(lipgloss.RoundedBorder()).BorderForeground(palette.Accent).Padding(0, 1),
		Title: s().Bold(true),
		Key:   key,
		Desc:  dim,
		Hint:  s().Foreground(palette.Faint).Italic(true),
	}
	t.HelpBar = help.Styles{
		Ellipsis:       dim,
		ShortKey:       s().Foreground(palette.Accent),
		ShortDesc:      dim,
		ShortSeparator: s().Foreground(palette.Border),
		FullKey:        s().Foreground(palette.Accent),
		FullDesc:       dim,
		FullSeparator:  s().Foreground(palette.Border),
	}
	t.StatusInfo = dim
	t.StatusSuccess = s().Foreground(palette.OK)
	t.StatusWarn = s().Foreground(palette.Warn)
	t.StatusError = s().Foreground(palette.Bad).Bold(true)
	t.Message = s()
	t.Dim = dim
	t.Views.Wizard = wizardStyles(s)
	t.Views.Status = statusStyles(r)
	return t
}

// NewStatusStyles are the styles of `models status`'s text, with r (nil:
// lipgloss's default renderer): the dashboard's palette, for a command
// that needs nothing else of the theme.
func NewStatusStyles(r *lipgloss.Renderer) views.StatusStyles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	return statusStyles(r)
}

func statusStyles(r *lipgloss.Renderer) views.StatusStyles {
	s := r.NewStyle
	return views.StatusStyles{
		Color:    r.ColorProfile() != termenv.Ascii,
		Heading:  s().Bold(true),
		Dim:      s().Foreground(palette.Dim),
		OK:       s().Foreground(palette.OK),
		Static:   s().Foreground(palette.Accent),
		Expiring: s().Foreground(palette.Warn).Bold(true),
		Expired:  s().Foreground(palette.Bad).Bold(true),
		Missing:  s().Foreground(palette.Bad).Bold(true),
		Cooldown: s().Foreground(palette.Warn),
		Disabled: s().Foreground(palette.Bad),
	}
}
