package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/moltbot/moltbot/views"
)

// palette is moltbot's colours as light/dark pairs. Text uses the
// terminal's own foreground; colour only ever repeats what the words say.
var palette = struct {
	Dim, Faint, Border, Accent lipgloss.AdaptiveColor
	OK, Warn, Bad              lipgloss.AdaptiveColor
	SelectedBG, GrabbedBG, Bar lipgloss.AdaptiveColor
	DialogBorder, HeaderAccent lipgloss.AdaptiveColor
}{
	Dim:          lipgloss.AdaptiveColor{Light: "#6e7781", Dark: "#8b949e"},
	Faint:        lipgloss.AdaptiveColor{Light: "#8c959f", Dark: "#6e7681"},
	Border:       lipgloss.AdaptiveColor{Light: "#d0d7de", Dark: "#3d444d"},
	Accent:       lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
	OK:           lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
	Warn:         lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
	Bad:          lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
	SelectedBG:   lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1c2b3a"},
	GrabbedBG:    lipgloss.AdaptiveColor{Light: "#fff8c5", Dark: "#3a3000"},
	Bar:          lipgloss.AdaptiveColor{Light: "#f6f8fa", Dark: "#161b22"},
	DialogBorder: lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
	HeaderAccent: lipgloss.AdaptiveColor{Light: "#8250df", Dark: "#d2a8ff"},
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
