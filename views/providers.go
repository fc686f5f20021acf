package views

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"strconv"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the provider list, the dashboard's left pane: every
// provider of the report with its number of credentials and its worst
// status, the selected one, and how the pane gives way on a narrow screen.

// providerList is the left pane. The selection is kept by provider id: a
// new report keeps it on the same provider, or on the one now at its
// place when it went away.
type providerList struct {
	keys          DashboardKeys
	provs         []authstore.ProviderReport
	gen           int    // the report generation provs come from
	name          string // the selected provider's id
	cursor        int
	offset        int // first visible row
	width, height int // the pane, frame included
	memo          provMemo
	// all is every provider, filtered out or not: the columns are sized
	// for them, so the pane keeps its width while a filter is typed.
	all []authstore.ProviderReport
}

// provMemo is the pane as last drawn and what it was drawn from: the pane
// changes only with the report, the cursor, the focus, a load error or
// the size, so a tick does not draw it again.
type provMemo struct {
	key   provKey
	lines []string
}

type provKey struct {
	gen, cursor, offset int
	focused, greyed     bool
	w, h                int
}

func newProviderList(keys DashboardKeys) providerList { return providerList{keys: keys} }

// SetSize sets the pane's size, frame included.
func (p *providerList) SetSize(w, h int) { p.width, p.height = max(w, 0), max(h, 0) }

// rows is how many providers the pane shows at once.
func (p *providerList) rows() int { return max(p.height-2, 0) }

// selected is the selected provider's id ("" when there is none).
func (p *providerList) selected() string { return p.name }

// setProviders shows the providers of a report (generation gen) and keeps
// the selection on the selected provider, or, when it went away, on the
// one now at its place.
func (p *providerList) setProviders(provs []authstore.ProviderReport, gen int) {
	p.provs, p.gen = provs, gen
	for i, pr := range provs {
		if pr.Provider == p.name {
			p.cursor = i
			return
		}
	}
	if len(provs) == 0 {
		p.name, p.cursor = "", 0
		return
	}
	p.cursor = min(max(p.cursor, 0), len(provs)-1)
	p.name = provs[p.cursor].Provider
}

// report is the shown report of provider name (as the filter keeps it).
func (p *providerList) report(name string) (authstore.ProviderReport, bool) {
	for _, pr := range p.provs {
		if pr.Provider == name {
			return pr, true
		}
	}
	return authstore.ProviderReport{}, false
}

// sizeFor sizes the pane for all, the providers before any filter.
func (p *providerList) sizeFor(all []authstore.ProviderReport) { p.all = all }

// sizing is what the pane is sized for.
func (p *providerList) sizing() []authstore.ProviderReport {
	if p.all != nil {
		return p.all
	}
	return p.provs
}

// choose makes name the selected provider; the next setProviders finds it.
func (p *providerList) choose(name string) { p.name = name }

// selectIndex selects row i (clamped) and reports whether another provider
// is selected now.
func (p *providerList) selectIndex(i int) bool {
	if len(p.provs) == 0 {
		return false
	}
	i = min(max(i, 0), len(p.provs)-1)
	p.cursor = i
	if p.provs[i].Provider == p.name {
		return false
	}
	p.name = p.provs[i].Provider
	return true
}

// Update moves the selection: the navigation keys, the wheel, a click on a
// row (mouse positions relative to the pane's top left corner). hit says
// whether msg was for the list, changed whether another provider is
// selected now.
func (p *providerList) Update(msg tea.Msg) (hit, changed bool) {
	k := p.keys
	page := max(p.rows()-1, 1)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			return true, p.selectIndex(p.cursor - 1)
		case key.Matches(msg, k.Down):
			return true, p.selectIndex(p.cursor + 1)
		case key.Matches(msg, k.PageUp):
			return true, p.selectIndex(p.cursor - page)
		case key.Matches(msg, k.PageDown):
			return true, p.selectIndex(p.cursor + page)
		case key.Matches(msg, k.Top):
			return true, p.selectIndex(0)
		case key.Matches(msg, k.Bottom):
			return true, p.selectIndex(len(p.provs) - 1)
		}
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			return false, false
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			return true, p.selectIndex(p.cursor - 1)
		case tea.MouseButtonWheelDown:
			return true, p.selectIndex(p.cursor + 1)
		case tea.MouseButtonLeft:
			if msg.Y >= 1 && msg.Y < 1+p.rows() {
				return true, p.selectIndex(p.offset + msg.Y - 1)
			}
		}
	}
	return false, false
}

// naturalWidth is the pane's width on a screen total cells wide: the
// fullest form of the rows (see providerFormat) that fits within about a
// third of the screen, and no wider than that form needs, so that the
// profile table gets the rest.
func (p *providerList) naturalWidth(total int) int {
	nameW, countW, badgeW := providerWidths(p.sizing())
	limit := min(max(total*3/10, 18), max(total/2, 1))
	title := len("Providers") + 6
	// Each form's rows plus the frame (chooseProviderFormat's sums).
	for _, inner := range []int{2 + nameW + 1 + countW + 1 + badgeW, 2 + nameW + 1 + badgeW, 2 + nameW + 1 + 1} {
		if w := max(title, inner+2); w <= limit {
			return w
		}
	}
	return limit
}

// View draws the pane: focused when keys move it, greyed when its data is
// no longer current (st is then the greyed styles).
func (p *providerList) View(st DashboardStyles, focused, greyed bool) []string {
	rows := p.rows()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if rows > 0 && p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	mk := provKey{gen: p.gen, cursor: p.cursor, offset: p.offset, focused: focused, greyed: greyed, w: p.width, h: p.height}
	if p.memo.lines != nil && p.memo.key == mk {
		return p.memo.lines
	}
	inner := p.width - 2
	nameW, countW, badgeW := providerWidths(p.sizing())
	format := chooseProviderFormat(inner, nameW, countW, badgeW)
	content := make([]string, 0, rows)
	for i := p.offset; i < len(p.provs) && len(content) < rows; i++ {
		pr := p.provs[i]
		mark := " "
		name := st.Text
		if i == p.cursor {
			if focused {
				mark = st.Cursor.Render("▸")
				name = st.Text.Inherit(st.Selected)
			} else {
				mark = st.Dim.Render("›")
			}
		}
		badge := providerBadge(pr)
		bs := st.badge(authstore.Status(badge))
		var right string
		switch format {
		case provFull:
			right = st.Dim.Render(padLeft(countLabel(pr), countW)) + " " + bs.Render(fitCell(badge, badgeW))
		case provNoCount:
			right = bs.Render(fitCell(badge, badgeW))
		default:
			right = bs.Render(statusSign(badge))
		}
		nw := max(inner-2-lipgloss.Width(right)-1, 1)
		content = append(content, mark+" "+name.Render(fitCell(authstore.SafeText(pr.Provider), nw))+" "+right)
	}
	lines := box(st, "Providers", content, p.width, p.height, focused && !greyed)
	p.memo = provMemo{key: mk, lines: lines}
	return lines
}

func providerWidths(provs []authstore.ProviderReport) (nameW, countW, badgeW int) {
	countW = 1
	for _, p := range provs {
		nameW = max(nameW, lipgloss.Width(authstore.SafeText(p.Provider)))
		countW = max(countW, len(countLabel(p)))
		badgeW = max(badgeW, lipgloss.Width(providerBadge(p)))
	}
	return min(nameW, 24), countW, badgeW
}

// providerFormat is how much of a provider row fits in inner cells: the
// count goes first, then the badge shrinks to a sign (still not colour).
type providerFormat int

const (
	provFull providerFormat = iota
	provNoCount
	provSign
)

func chooseProviderFormat(inner, nameW, countW, badgeW int) providerFormat {
	switch {
	case 2+nameW+1+countW+1+badgeW <= inner:
		return provFull
	case 2+nameW+1+badgeW <= inner:
		return provNoCount
	}
	return provSign
}

// statusSign is a one-cell stand-in for a status word in narrow panes.
func statusSign(s string) string {
	switch authstore.Status(s) {
	case authstore.StatusOK:
		return "✓"
	case authstore.StatusExpiring:
		return "!"
	case authstore.StatusExpired:
		return "✗"
	case authstore.StatusMissing:
		return "?"
	}
	return "·"
}

func providerCount(p authstore.ProviderReport) int { return len(p.Profiles) + len(p.Env) }

// countLabel is the number of rows in parentheses, so that without colour
// "(3) expiring" cannot be read as "three expiring".
func countLabel(p authstore.ProviderReport) string { return "(" + strconv.Itoa(providerCount(p)) + ")" }

func providerBadge(p authstore.ProviderReport) string {
	if p.Missing {
		return "missing"
	}
	return string(p.Status)
}
