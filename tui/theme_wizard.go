package tui

import (
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/views"
)

// wizardStyles are the wizard's styles and its huh theme, from the palette.
func wizardStyles(s func() lipgloss.Style) views.WizardStyles {
	dim := s().Foreground(palette.Dim)
	return views.WizardStyles{
		Title: s().Foreground(palette.HeaderAccent).Bold(true),
		Step:  dim,
		Text:  s(),
		Dim:   dim,
		OK:    s().Foreground(palette.OK),
		Warn:  s().Foreground(palette.Warn),
		Bad:   s().Foreground(palette.Bad).Bold(true),
		Code:  s().Foreground(palette.Accent),
		Key:   s().Foreground(palette.Accent).Bold(true),
		Form:  huhTheme(s),
	}
}

// huhTheme is huh's base theme in moltbot's palette. Whatever colour
// says, the words and markers (">" on the chosen option, "*" on a wrong
// field) say too, so NO_COLOR works.
func huhTheme(s func() lipgloss.Style) *huh.Theme {
	t := huh.ThemeBase()
	f := &t.Focused
	f.Base = f.Base.BorderForeground(palette.Accent)
	f.Title = s().Foreground(palette.Accent).Bold(true)
	f.NoteTitle = f.Title.MarginBottom(1)
	f.Description = s().Foreground(palette.Dim)
	f.ErrorIndicator = s().Foreground(palette.Bad).SetString(" *")
	f.ErrorMessage = s().Foreground(palette.Bad)
	f.SelectSelector = s().Foreground(palette.Accent).SetString("> ")
	f.Option = s()
	f.SelectedOption = s().Foreground(palette.OK)
	f.SelectedPrefix = s().Foreground(palette.OK).SetString("[•] ")
	f.UnselectedPrefix = s().Foreground(palette.Dim).SetString("[ ] ")
	f.TextInput.Cursor = s().Foreground(palette.Accent)
	f.TextInput.Placeholder = s().Foreground(palette.Faint)
	f.TextInput.Prompt = s().Foreground(palette.Accent)
	t.Blurred = *f
	t.Blurred.Base = t.Blurred.Base.BorderStyle(lipgloss.HiddenBorder())
	t.Blurred.Title = s().Foreground(palette.Dim).Bold(true)
	t.Blurred.SelectSelector = s().SetString("  ")
	return t
}
