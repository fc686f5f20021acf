package views

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the dashboard's layout and drawing: where each part goes
// (geometry, shared with the mouse), the header, the error lines, the
// frames, and the profile pane that puts the table and the detail pane
// together.

// DashboardStyles are the dashboard's styles; tui/theme.go fills them from
// one renderer. Status is always also spelled out, so no style here is the
// only carrier of meaning.
type DashboardStyles struct {
	Header, HeaderDim   lipgloss.Style
	Border, BorderFocus lipgloss.Style
	Title, TitleFocus   lipgloss.Style
	ColumnHeader        lipgloss.Style
	Text, Dim, Env      lipgloss.Style
	Cursor              lipgloss.Style // the ▸ / ↕ marker
	Selected, Grabbed   lipgloss.Style // row backgrounds
	OK, Warn, Bad       lipgloss.Style // badges and countdowns
	Static              lipgloss.Style
	ErrorBar, ErrorText lipgloss.Style
	Dialog, DialogTitle lipgloss.Style
	Picker              lipgloss.Style // the agent picker's frame
	Key                 lipgloss.Style // keys named in running text
	// AlertBad and AlertWarn are the title's badge (its text says it too).
	AlertBad, AlertWarn lipgloss.Style
}

// badge is the style of a health status.
func (s DashboardStyles) badge(st authstore.Status) lipgloss.Style {
	switch st {
	case authstore.StatusOK:
		return s.OK
	case authstore.StatusExpiring:
		return s.Warn
	case authstore.StatusExpired, authstore.StatusMissing:
		return s.Bad
	}
	return s.Static
}

// greyed is the set of styles for data that is no longer current (the last
// good view under a store that cannot be read): everything dim, nothing
// highlighted.
func (s DashboardStyles) greyed() DashboardStyles {
	g := s
	for _, p := range []*lipgloss.Style{&g.Text, &g.Env, &g.OK, &g.Warn, &g.Bad, &g.Static, &g.Cursor, &g.Title, &g.TitleFocus, &g.ColumnHeader} {
		*p = s.Dim
	}
	g.BorderFocus = s.Border
	g.Selected = lipgloss.Style{}
	g.Grabbed = lipgloss.Style{}
	return g
}

// geometry is where things are inside the dashboard's area; View and the
// mouse use the same numbers.
type geometry struct {
	headLines           int // title, counts, error lines
	filterY             int // the filter line (under the panes), when shown
	paneY, paneH        int
	provW               int
	provY, provRows     int
	listX, listY, listW int
	listRows            int
	detailRows          int // the selected row described in full below the list
}

// layout computes the geometry and gives each part its size.
func (d *Dashboard) layout() geometry {
	g := d.geom()
	d.providers.SetSize(g.provW, g.paneH)
	d.table.SetSize(g.listW, g.listRows)
	d.detail.SetSize(g.listW, g.detailRows)
	if d.modal != nil {
		d.modal.SetSize(d.width, d.height)
	}
	return g
}

func (d *Dashboard) geom() geometry {
	var g geometry
	if d.width <= 0 || d.height <= 0 {
		return g
	}
	g.headLines = d.header().lineCount()
	g.paneY = g.headLines
	g.paneH = max(d.height-g.paneY, 0)
	if d.finder.active() && g.paneH > 3 {
		g.paneH--
		g.filterY = g.paneY + g.paneH
	}
	g.provW = d.providers.naturalWidth(d.width)
	g.provY = g.paneY + 1
	g.provRows = max(g.paneH-2, 0)
	g.listX = g.provW + 1
	g.listW = max(d.width-g.provW-2, 0)
	inner := max(g.paneH-2, 0)
	switch {
	case inner >= 16:
		// And how the order differs from its list, with room to spare
		// when the table leaves some.
		g.detailRows = 3 + min(max(inner-1-3-d.table.len(), 0), 4)
	case inner >= 12:
		g.detailRows = 2 // room for a long id, an email and every note
	case inner >= 6:
		g.detailRows = 1
	}
	// On a short screen, rows the table does not need go to the
	// description too, as far as it needs them (nothing is cut while room
	// is left over), a blank line apart from the table.
	if room := inner - 1 - d.table.len() - 1; inner < 16 && g.detailRows > 0 && room > g.detailRows {
		if info, ok := d.detailInfo(nil); ok {
			g.detailRows = min(max(d.detail.need(info, g.listW), g.detailRows), room, maxDetailRows)
		}
	}
	g.listY = g.paneY + 2 // border, column header
	g.listRows = max(inner-1-g.detailRows, 0)
	return g
}

// View draws the dashboard into exactly its width × height.
func (d *Dashboard) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	g := d.layout()
	lines := make([]string, 0, d.height)
	lines = append(lines, d.header().lines()...)
	if !d.loaded {
		lines = append(lines, d.st.Dim.Render(" Loading "+authstore.SafeText(d.displayPath(d.env.Paths.Store))+" …"))
	} else if g.paneH >= 3 {
		st := d.st
		if d.loadErr != nil {
			st = st.greyed()
		}
		left := d.providers.View(st, d.focus == paneProviders, d.loadErr != nil)
		right := d.profilePane(st, g)
		for i := 0; i < g.paneH; i++ {
			lines = append(lines, left[i]+right[i])
		}
		if g.filterY > 0 {
			lines = append(lines, d.finder.View(d.st, d.width, countProfiles(d.providers.provs), countProfiles(d.report.Providers)))
		}
	}
	out := fitBlock(lines, d.width, d.height)
	if d.modal != nil {
		out = Overlay(out, d.modal.View(), d.width, d.height)
	}
	return out
}

// countProfiles is the number of profiles of provs.
func countProfiles(provs []authstore.ProviderReport) int {
	n := 0
	for _, pr := range provs {
		n += len(pr.Profiles)
	}
	return n
}

// fitBlock makes lines exactly w × h: cut, padded, no line wider.
func fitBlock(lines []string, w, h int) string {
	var b strings.Builder
	b.Grow(h * (w + 16))
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(FitLine(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// header is the lines above the panes as they are now.
func (d *Dashboard) header() header {
	found := d.gatewayPaths()
	h := header{keys: d.keys, st: d.st, width: d.width, height: d.height, home: d.env.Home,
		agent: d.env.Paths.AgentID, agents: len(d.agentIDs), store: found.StorePath(), err: d.loadErr, stale: d.hasSnap,
		gateway: gatewayTitle(found.Gateway), pending: found.Gateway.Pending, warn: d.warn, backup: d.backup}
	if d.hasSnap {
		h.configErr = d.snap.ConfigErr
	}
	if pr, ok := d.report.Provider(d.providers.selected()); ok && d.hasSnap {
		h.order = string(pr.Order.Source)
	}
	if d.hasSnap && d.loadErr == nil {
		sum := d.summary()
		h.counts = &sum.counts
		// Not while the gateway keeps moltbot from writing (a pending
		// migration, no gateway files yet): the title names that instead.
		if found.Gateway.Pending == nil && found.Gateway.Generation != authstore.GenUnknown {
			h.badge, h.bad = sum.badge, sum.bad
		}
		h.deleted = d.hadStore && !d.snap.Exists
	}
	return h
}

// reportSummary is what the header says about the report: its counts and
// the badge. It changes only with the report (summary keeps it).
type reportSummary struct {
	gen    int // the report generation it was made from (0: none yet)
	counts authstore.Counts
	badge  string
	bad    bool
}

// summary is the report's summary, made once per report.
func (d *Dashboard) summary() *reportSummary {
	if d.sum.gen != d.reportGen || d.sum.gen == 0 {
		d.sum = reportSummary{gen: d.reportGen, counts: d.report.Counts()}
		d.sum.badge, d.sum.bad = titleBadge(d.report)
	}
	return &d.sum
}

// titleBadge is the title's badge: what needs attention first (a provider
// in use with nothing usable, then an expired credential, then one
// expiring within the warn window), and whether it is a failure already.
// The same credentials make `models status --check` fail.
func titleBadge(r authstore.Report) (string, bool) {
	var ps []string
	for _, p := range r.Providers {
		if p.InUse && !p.UsableNow() {
			ps = append(ps, p.Provider)
		}
	}
	if len(ps) == 1 {
		return "✗ " + ps[0] + ": no usable credential", true
	} else if len(ps) > 1 {
		return fmt.Sprintf("✗ %d providers in use: no usable credential", len(ps)), true
	}
	c := r.Counts()
	switch r.Check() {
	case 1:
		return fmt.Sprintf("✗ %d expired", c.ExpiredOrMissing), true
	case 2:
		return fmt.Sprintf("! %d expiring", c.Expiring), false
	}
	return "", false
}

// displayPath shows paths under the home directory as "~/…".
func (d *Dashboard) displayPath(p string) string {
	return DisplayPath(p, d.env.Home)
}

// DisplayPath abbreviates a path under home to "~/…" for display.
func DisplayPath(p, home string) string {
	if home == "" || p == "" {
		return p
	}
	home = filepath.Clean(home)
	if p == home {
		return "~"
	}
	if rel, ok := strings.CutPrefix(p, home+string(filepath.Separator)); ok {
		return "~/" + rel
	}
	return p
}

func (d *Dashboard) profilePane(st DashboardStyles, g geometry) []string {
	w := g.listW + 2
	pr, ok := d.report.Provider(d.providers.selected())
	title := "Profiles"
	moving := d.table.list.grab != nil
	if ok {
		n := len(pr.Profiles)
		title = fmt.Sprintf("%s · %d %s", authstore.SafeText(pr.Provider), n, plural(n, "profile", "profiles"))
		if d.finder.filtering() {
			title += fmt.Sprintf(" · %d shown", len(d.table.list.ids))
		}
		if moving {
			// The id whole if it fits, then the keys if they fit too (the
			// help bar names them anyway).
			k := d.keys
			room := max(g.listW-3, 1) // the frame's corner and dashes
			title = "moving " + cutID(authstore.SafeText(d.table.list.grab.id), room-len("moving "), 3)
			if hint := " · " + keyPair(k.Up, k.Down) + " then " + firstKey(k.Drop) + " to drop, " + firstKey(k.Cancel) + " to cancel"; lipgloss.Width(title+hint) <= room {
				title += hint
			}
		}
	}
	focused := d.focus == paneProfiles && d.loadErr == nil
	if !ok || d.table.len() == 0 {
		return box(st, title, d.emptyLines(st, pr, ok, g.listW, max(g.paneH-2, 0)), w, g.paneH, focused)
	}
	f := tableFrame{now: d.now, focused: focused, greyed: d.loadErr != nil, probe: d.probes.cell, probeGen: d.probes.gen}
	total := len(pr.Order.IDs)
	if moving {
		carry := d.carryRanks()
		f.ranks, total = carry.ranks, carry.total
	}
	all := d.table.shown(f)
	content := d.table.View(make([]string, 0, g.paneH), st, all, f)
	if g.detailRows > 0 {
		var detail []string
		if info, has := d.detailInfo(all); has {
			info.total = total
			if d.cannotChange() == "" {
				info.inOrderKey, info.clearKey = firstKey(d.keys.InOrder), firstKey(d.keys.ClearCooldown)
			}
			if ok && g.detailRows >= 3 && !moving && pr.Provider != authstore.NoProvider {
				info.order = d.detail.orderLine(d.reportGen, pr.Provider, func() []string {
					view := d.viewSnap()
					return orderDiff(&view, pr.Order, d.now)
				})
			}
			detail = d.detail.View(st, info)
		}
		for len(content) < g.listRows+1+g.detailRows-len(detail) {
			content = append(content, "")
		}
		content = append(content, detail...)
	}
	if first, end := d.table.visible(); len(all) > g.listRows && g.listRows > 0 {
		title += fmt.Sprintf(" · %d–%d of %d", first+1, end, len(all))
	}
	return box(st, title, content, w, g.paneH, focused)
}

// maxDetailRows bounds the description under the table.
const maxDetailRows = 4

// detailInfo is what the detail pane describes: the row under the cursor
// among all (the rows as this frame shows them; nil: as the table has
// them), with the number of profiles in the order.
func (d *Dashboard) detailInfo(all []profileRow) (detailInfo, bool) {
	c := d.table.list.cursor
	var r profileRow
	switch {
	case all != nil && c >= 0 && c < len(all):
		r = all[c]
	case all == nil:
		row, ok := d.table.selectedRow()
		if !ok {
			return detailInfo{}, false
		}
		r = row
	default:
		return detailInfo{}, false
	}
	info := detailInfo{row: r, now: d.now, probe: d.probes.detail(r.key)}
	if pr, ok := d.report.Provider(d.providers.selected()); ok {
		info.total = len(pr.Order.IDs)
	}
	if d.renewDue() && d.cannotRenew() == "" {
		info.renewKey = firstKey(d.keys.Renew)
	}
	return info, true
}

// emptyLines is what the profile pane says when there is nothing to list,
// in at most h lines w wide: the blank lines between its parts go first,
// then its least important parts (what to press stays).
func (d *Dashboard) emptyLines(st DashboardStyles, pr authstore.ProviderReport, ok bool, w, h int) []string {
	if d.gatewayPaths().Gateway.Pending != nil {
		return d.gatewayLines(st, w)
	}
	if d.snap.Store == nil {
		// The first read failed (a corrupt store): nothing good to show yet.
		out := []string{""}
		for _, l := range strings.Split(ansi.Wordwrap("Nothing to show until the store can be read (see above).", max(w-4, 10), ""), "\n") {
			out = append(out, "  "+st.Dim.Render(l))
		}
		return out
	}
	if d.gatewayPaths().Gateway.Generation == authstore.GenUnknown && len(d.snap.Store.Profiles) == 0 {
		return d.gatewayLines(st, w)
	}
	if d.finder.filtering() {
		q := authstore.SafeText(d.finder.query)
		text := "Nothing matches “" + q + "” (ids, emails and providers are searched)."
		if ok {
			text = "No " + authstore.SafeText(pr.Provider) + " profile matches “" + q + "”."
		}
		out := []string{""}
		for _, l := range strings.Split(ansi.Wordwrap(text, max(w-4, 10), ""), "\n") {
			out = append(out, "  "+st.Text.Render(l))
		}
		return append(out, "", "  "+renderKeyName(firstKey(d.keys.ClearFilter), st.Key, st.Dim)+st.Dim.Render(" clears the filter"))
	}
	key := renderKeyName(firstKey(d.keys.Add), st.Key, st.Dim)
	store := authstore.SafeText(d.displayPath(d.gatewayPaths().StorePath()))
	provider := authstore.SafeText(pr.Provider)
	// Parts in the order shown; keep says which stay longest.
	type part struct {
		keep  int
		lines []string
	}
	var parts []part
	switch {
	case len(d.snap.Store.Profiles) == 0 && !d.snap.Exists && d.hadStore:
		parts = append(parts, part{4, []string{st.Text.Render("The store was deleted while moltbot was open (see above).")}},
			part{1, []string{st.Dim.Render(store + " does not exist any more.")}})
	case len(d.snap.Store.Profiles) == 0 && !d.snap.Exists:
		parts = append(parts, part{4, []string{st.Text.Render("No credentials yet.")}}, part{1, []string{st.Dim.Render(store + " does not exist.")}})
	case len(d.snap.Store.Profiles) == 0:
		parts = append(parts, part{4, []string{st.Text.Render("No credentials yet.")}}, part{1, []string{st.Dim.Render(store + " has no profiles.")}})
	case ok:
		parts = append(parts, part{4, []string{st.Text.Render("No profiles for " + provider + ".")}})
	default:
		parts = append(parts, part{4, []string{st.Text.Render("No providers.")}})
	}
	if ok && pr.Missing {
		parts = append(parts, part{2, []string{st.Bad.Render(provider + " is used by the configured model but has no credential:"),
			st.Bad.Render("the gateway cannot call it.")}})
	}
	parts = append(parts, part{3, []string{"Press " + key + " to add one (the wizard walks you through it)."}},
		part{0, []string{st.Dim.Render("Or run `moltbot models auth paste-token --provider " + firstNonEmpty(provider, "anthropic") + "`.")}})
	wrap := func(p part) []string {
		var out []string
		for _, t := range p.lines {
			for _, l := range strings.Split(ansi.Wordwrap(t, max(w-4, 10), ""), "\n") {
				out = append(out, "  "+l)
			}
		}
		return out
	}
	for minKeep := 0; ; minKeep++ {
		var kept [][]string
		n := 0
		for _, p := range parts {
			if p.keep >= minKeep {
				kept = append(kept, wrap(p))
				n += len(kept[len(kept)-1])
			}
		}
		spaced := n + len(kept) // a blank line before each part
		if spaced <= h || minKeep >= 4 {
			out := make([]string, 0, spaced)
			for _, k := range kept {
				if spaced <= h {
					out = append(out, "")
				}
				out = append(out, k...)
			}
			return out
		}
		if n <= h {
			out := make([]string, 0, n)
			for _, k := range kept {
				out = append(out, k...)
			}
			return out
		}
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
