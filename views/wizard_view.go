package views

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/ptyrun"
)

// How the wizard draws itself: a header with the step the flow is at, the
// answers so far (when there is room), the screen's text and its form.

// View draws the header, the answers so far (when there is room), the
// screen's text and its form, within w × h.
func (w *Wizard) View() string {
	if w.w <= 0 || w.h <= 0 {
		return ""
	}
	st := w.st
	left := st.Title.Render("Add a credential")
	right := ""
	if w.screen != screenBroken {
		n, total := w.flow.Position()
		right = st.Step.Render(fmt.Sprintf("step %d of %d · %s", n, total, w.flow.Step().Title(w.v)))
	}
	header := " " + left
	if gap := w.w - lipgloss.Width(header) - lipgloss.Width(right) - 1; gap >= 2 {
		header += strings.Repeat(" ", gap) + right
	}
	lines := []string{header, ""}

	fw, fh := w.formSize()
	var form []string
	if w.host != nil {
		form = strings.Split(strings.TrimRight(w.host.form().View(), "\n"), "\n")
	}
	text := w.textLines(fw)
	if sum := w.summary(); len(sum) > 0 && w.h-2-len(text)-len(form) >= len(sum)+1+1 && fh >= st.SummaryMinSpare {
		for _, s := range sum {
			lines = append(lines, "  "+st.OK.Render("✓ ")+st.Dim.Render(authstore.SafeText(s)))
		}
		lines = append(lines, "")
	}
	for _, l := range text {
		lines = append(lines, "  "+l)
	}
	if len(text) > 0 && len(form) > 0 {
		lines = append(lines, "")
	}
	for _, l := range form {
		lines = append(lines, "  "+l)
	}
	if len(lines) > w.h {
		lines = lines[:w.h]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > w.w {
			lines[i] = ansi.Truncate(l, w.w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// summary echoes the answers of the steps before this one.
func (w *Wizard) summary() []string {
	if w.screen == screenBroken || w.screen == screenLoading {
		return nil
	}
	return w.flow.Echoes()
}

// resizeForm gives the form the room under the wizard's own text, and
// returns what the form asks for (dynamic titles and descriptions).
func (w *Wizard) resizeForm() tea.Cmd {
	if w.host == nil || w.w <= 0 || w.h <= 0 {
		return nil
	}
	fw, fh := w.formSize()
	next, cmd := w.host.form().Update(tea.WindowSizeMsg{Width: fw, Height: fh})
	if f, ok := next.(*huh.Form); ok {
		w.host.sf.Form = f
	}
	return cmd
}

// formSize is the form's width and height: what is left under the header
// and the screen's text.
func (w *Wizard) formSize() (int, int) {
	fw := min(max(w.w-4, 10), w.st.FormMaxWidth)
	text := len(w.textLines(fw))
	used := 2 + text // header + blank
	if text > 0 {
		used++ // blank line between the text and the form
	}
	return fw, max(w.h-used, 3)
}

// textBuilder gathers a screen's text, wrapped to width.
type textBuilder struct {
	st    WizardStyles
	width int
	lines []string
}

// para adds s wrapped to width in style; indent is the room kept on the
// left of every line but the first (whose own start, e.g. "✗ ", takes that
// room).
func (t *textBuilder) para(style lipgloss.Style, indent int, s string) {
	s = authstore.SafeText(s) // details, notes and errors quote file text
	text := strings.TrimLeft(s, " ")
	lead := len(s) - len(text)
	for i, l := range wrapWords(text, t.width-lead, indent-lead) {
		pad := strings.Repeat(" ", lead)
		if i > 0 {
			pad = strings.Repeat(" ", indent)
		}
		t.lines = append(t.lines, pad+style.Render(l))
	}
}

// code adds a command to type, indented.
func (t *textBuilder) code(c string) {
	t.lines = append(t.lines, "    "+t.st.Code.Render(authstore.SafeText(c)))
}

// textLines is the screen's own text above its form, wrapped to width.
func (w *Wizard) textLines(width int) []string {
	t := &textBuilder{st: w.st, width: width}
	st := w.st
	if ls, ok := loginScreens[w.screen]; ok {
		ls.text(w, t)
		return t.lines
	}
	switch w.screen {
	case screenForm:
		if w.stepErr != nil {
			t.para(st.Bad, 2, "✗ "+w.stepErr.Error())
		}
	case screenRunning:
		t.para(st.Text, 0, "Running `"+SetupTokenCommand+"`… press "+ptyrun.EscapeKeyName+" to cancel.")
	case screenSaving:
		t.para(st.Text, 0, "Saving…")
	case screenResult:
		w.resultText(t)
	case screenBroken:
		t.para(st.Bad, 2, "✗ "+w.brokenError.Error())
		t.para(st.Text, 2, "  Nothing can be added until the store can be read: `moltbot doctor` says what is wrong.")
		t.para(st.Dim, 2, "  Press "+w.keyName(w.keys.Done)+" to leave.")
	default: // loading, checking, finding: a moment
	}
	return t.lines
}

// resultText says what was written and what to try next, or why nothing
// was.
func (w *Wizard) resultText(t *textBuilder) {
	st, s := w.st, w.saved
	if s.err != nil {
		t.para(st.Bad, 2, "✗ Nothing was saved: "+s.err.Error())
		t.para(st.Dim, 2, "  Press "+w.keyName(w.keys.Done)+" to try again, "+w.keyName(w.keys.Back)+" to go back.")
		return
	}
	t.para(st.OK, 2, "✓ "+s.title)
	for _, d := range s.details {
		t.para(st.Text, 4, "  "+d)
	}
	for _, n := range s.notes {
		t.para(st.Warn, 2, "⚠ "+n)
	}
	if len(s.next) > 0 {
		t.lines = append(t.lines, "")
		t.para(st.Text, 0, "Next, try:")
		for _, c := range s.next {
			t.code(c)
		}
	}
	t.lines = append(t.lines, "")
	t.para(st.Dim, 0, "Press "+w.keyName(w.keys.Done)+" to finish.")
}

// wrapWords wraps s at spaces into lines of at most width cells; lines
// after the first get indent cells less (the caller indents them). A word
// longer than a line is cut. Unlike lipgloss it never breaks at a hyphen,
// so commands like `claude setup-token` stay whole.
func wrapWords(s string, width, indent int) []string {
	var lines []string
	line := ""
	limit := func() int {
		if len(lines) == 0 {
			return max(width, 8)
		}
		return max(width-indent, 8)
	}
	for _, word := range strings.Split(s, " ") {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line)+1+lipgloss.Width(word) <= limit():
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		for lipgloss.Width(line) > limit() {
			head := ansi.Truncate(line, limit(), "")
			lines = append(lines, head)
			line = strings.TrimPrefix(line, head)
		}
	}
	return append(lines, line)
}

// describeExisting says what a profile holds without its secret:
// "token sk-ant-oat01…AAAA, expires in 3d".
func describeExisting(p authstore.Profile, now time.Time) string {
	s := p.Type
	if s == "" {
		s = "unknown type"
	}
	if m := authstore.Mask(p.Secret()); m != "" {
		s += " " + m
	}
	if p.Email != "" {
		s += ", " + p.Email
	}
	if p.Type == authstore.TypeToken || p.Type == authstore.TypeOAuth {
		switch at := p.ExpiresAt(); {
		case p.Expires <= 0:
			s += ", no expiry recorded"
		case at.After(now):
			s += ", expires in " + timefmt.Short(at.Sub(now).Round(time.Minute))
		default:
			s += ", expired " + timefmt.Short(now.Sub(at).Round(time.Minute)) + " ago"
		}
	}
	return authstore.SafeText(s) // type and email are file text (a form shows it raw)
}
