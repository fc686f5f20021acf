package views

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/probe"
)

// StatusStyles are the styles of `moltbot models status`'s text: the same
// palette as the dashboard (tui/theme.go fills both).
type StatusStyles struct {
	// Color is false when the output takes no colour (NO_COLOR, a pipe, a
	// terminal without colour): text is then printed as it is, never
	// through lipgloss, since rendering 1,000 rows only to get the same
	// text back was most of the command's time.
	Color    bool
	Heading  lipgloss.Style // "Agent", "Store", provider names
	Dim      lipgloss.Style // notes, emails, the summary
	OK       lipgloss.Style // the "ok" badge
	Static   lipgloss.Style // keys that do not expire
	Expiring lipgloss.Style // the "expiring" badge, warnings
	Expired  lipgloss.Style // the "expired" badge, failed probes
	Missing  lipgloss.Style // the "missing" badge and hint
	Cooldown lipgloss.Style // "cooldown 4m"
	Disabled lipgloss.Style // "disabled (billing) 2h"
}

// StatusTextOptions say where the text goes.
type StatusTextOptions struct {
	Styles StatusStyles
	// Width is the terminal's columns; 0 (a pipe) means no limit.
	Width int
	// ShowPath shows a path (~/… on a terminal); nil shows it as it is.
	ShowPath func(string) string
}

func (o StatusTextOptions) render(s lipgloss.Style, text string) string {
	if !o.Styles.Color {
		return text
	}
	return s.Render(text)
}

// badge renders label in the style of status st.
func (o StatusTextOptions) badge(st authstore.Status, label string) string {
	s := o.Styles
	switch st {
	case authstore.StatusOK:
		return o.render(s.OK, label)
	case authstore.StatusStatic:
		return o.render(s.Static, label)
	case authstore.StatusExpiring:
		return o.render(s.Expiring, label)
	case authstore.StatusExpired:
		return o.render(s.Expired, label)
	case authstore.StatusMissing:
		return o.render(s.Missing, label)
	}
	return label
}

// WriteStatusText prints the human-readable report: one block per
// provider, rows aligned across the whole output. Every piece of file text
// (ids, emails, providers, types, reasons, env names, paths, errors) goes
// through authstore.SafeText before it is styled and measured, so nothing
// in a store reaches the terminal as control and the columns still line
// up.
func WriteStatusText(out io.Writer, snap authstore.Snapshot, rep authstore.Report, o StatusTextOptions) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	st := o.Styles
	safe := authstore.SafeText
	writeStatusHeader(w, snap.Paths, snap.Exists, o)
	if len(snap.LegacyImported) > 0 {
		fmt.Fprintf(w, "%s\n", o.render(st.Dim, "Legacy credentials found ("+authstore.ListIDs(snap.LegacyImported, 0)+"): the first change imports them into the store."))
	}
	if snap.ConfigErr != nil {
		fmt.Fprintf(w, "%s %s\n", o.render(st.Expiring, "warning:"), safe(snap.ConfigErr.Error()))
	}
	if snap.EnvErr != nil {
		fmt.Fprintf(w, "%s %v\n", o.render(st.Expiring, "warning:"), snap.EnvErr)
	}
	fmt.Fprintln(w)

	switch {
	case len(snap.Store.Profiles) == 0 && snap.Paths.Gateway.Generation == authstore.GenUnknown:
		fmt.Fprintln(w, "No gateway files here yet, so nothing to show, and moltbot writes nothing until it knows")
		fmt.Fprintln(w, "which gateway this is: run the gateway once (e.g. `openclaw models status`), or name it with")
		fmt.Fprintln(w, "`--gateway "+gatewayNames+"` (or MOLTBOT_GATEWAY).")
		fmt.Fprintln(w)
	case len(snap.Store.Profiles) == 0 && len(snap.Env) == 0:
		fmt.Fprintln(w, "No credentials yet. Add one with `moltbot onboard`, or pipe a token into")
		fmt.Fprintln(w, "`moltbot models auth paste-token --provider anthropic`.")
		fmt.Fprintln(w)
	}

	var tbl statusTable
	for i, p := range rep.Providers {
		if i > 0 {
			tbl.heading("")
		}
		head := o.render(st.Heading, safe(p.Provider)) + "  " + o.badge(p.Status, string(p.Status))
		var notes []string
		if p.InUse {
			notes = append(notes, "in use")
		}
		if len(p.Order.IDs) > 0 || p.Order.Source != authstore.SourceAutomatic {
			notes = append(notes, "order: "+string(p.Order.Source))
		}
		if len(notes) > 0 {
			head += "  " + o.render(st.Dim, strings.Join(notes, " · "))
		}
		tbl.heading(head)
		if p.Missing {
			hint := "no credential: add one with `moltbot models auth paste-token --provider " + authstore.ShellQuote(p.Provider) + "`"
			if snap.Paths.Gateway.Generation == authstore.GenUnknown {
				hint = "no credential (name the gateway first: see above)"
			}
			if v := authstore.EnvProviderVar(p.Provider); v != "" {
				hint += " or set " + v
			}
			tbl.heading("  " + o.render(st.Missing, hint))
		}
		for _, pr := range p.Profiles {
			tbl.row(statusProfileCells(o, pr, rep.Now))
		}
		for _, e := range p.Env {
			tbl.row([]string{"", safe(e.Var) + o.render(st.Dim, " ("+safe(e.Source)+")"), "env", safe(authstore.Mask(e.Value)), o.badge(authstore.StatusStatic, "static")})
		}
	}
	tbl.write(w, o.Width)

	c := rep.Counts()
	fmt.Fprintln(w)
	// moltbot's verdict: a provider in use with nothing the gateway would
	// try counts, whatever the gateway's release calls it (Report.Counts).
	summary := fmt.Sprintf("%d expired or missing · %d expiring within %s · %d cooling down or disabled", c.ExpiredOrMissing, c.Expiring, timefmt.Window(rep.Warn), c.Unusable)
	if c == (authstore.Counts{}) {
		summary = "All credentials are usable."
	}
	fmt.Fprintln(w, o.render(st.Dim, summary))
}

// statusProfileCells is one profile's row: rank, id, type, mask, status, expiry,
// cooldown, last used; the file's text in it made safe (SafeText).
func statusProfileCells(o StatusTextOptions, pr authstore.ProfileReport, now time.Time) []string {
	st := o.Styles
	p, h := pr.Profile, pr.Health
	safe := authstore.SafeText
	rank := ""
	if pr.Rank > 0 {
		rank = strconv.Itoa(pr.Rank) + "."
	}
	id := safe(p.ID)
	if p.Email != "" && !strings.Contains(p.ID, p.Email) {
		id += o.render(st.Dim, " ("+safe(p.Email)+")")
	}
	typ := safe(p.Type)
	if typ == "" {
		typ = "?"
	}
	status := o.badge(h.Status, h.Label())
	expiry := ""
	if !h.ExpiresAt.IsZero() {
		if h.Status == authstore.StatusExpired {
			expiry = "expired " + timefmt.Short(-h.Remaining) + " ago"
		} else {
			expiry = "expires " + timefmt.Until(h.ExpiresAt, now)
		}
	}
	extra := ""
	switch {
	case h.Unusable != "":
		style := st.Cooldown
		if h.Unusable == authstore.UnusableDisabled {
			style = st.Disabled
		}
		extra = o.render(style, unusableWhat(h.Unusable, safe(h.Reason))+" "+timefmt.Short(h.Until.Sub(now)))
	case pr.Excluded != "":
		extra = o.render(st.Dim, "skipped: "+safe(pr.Excluded))
	case !pr.LastUsed.IsZero():
		extra = o.render(st.Dim, "used "+timefmt.Ago(pr.LastUsed, now))
	}
	if pr.Excluded != "" && h.Unusable != "" {
		extra += o.render(st.Dim, " · skipped: "+safe(pr.Excluded))
	}
	return []string{rank, id, typ, safe(authstore.Mask(p.Secret())), status, expiry, extra}
}

// WriteProbeResults prints `--probe`'s results as a section after the
// report: each profile, its outcome, the latency and the provider's words.
func WriteProbeResults(out io.Writer, rs []probe.Result, timeout time.Duration, o StatusTextOptions) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	st := o.Styles
	fmt.Fprintln(w)
	fmt.Fprintln(w, o.render(st.Heading, "Live probes")+o.render(st.Dim, fmt.Sprintf(" (one free request each, %s timeout)", timefmt.Short(timeout))))
	if len(rs) == 0 {
		fmt.Fprintln(w, "  nothing to probe")
		return
	}
	var tbl statusTable
	for _, r := range rs {
		style := st.OK
		switch r.Outcome {
		case probe.OK:
		case probe.Unsupported:
			style = st.Dim
		case probe.RateLimited, probe.Timeout:
			style = st.Expiring
		default:
			style = st.Expired
		}
		lat := ""
		if r.Latency > 0 {
			lat = fmt.Sprintf("%dms", r.Latency.Milliseconds())
		}
		tbl.row([]string{authstore.SafeText(r.ProfileID), o.render(style, string(r.Outcome)), lat, o.render(st.Dim, authstore.SafeText(r.Detail))})
	}
	tbl.write(w, o.Width)
}

// statusTable aligns cells (which may hold colour codes) across all rows.
type statusTable struct {
	lines []statusTableLine
}

type statusTableLine struct {
	heading string
	cells   []string
}

func (t *statusTable) heading(s string)   { t.lines = append(t.lines, statusTableLine{heading: s}) }
func (t *statusTable) row(cells []string) { t.lines = append(t.lines, statusTableLine{cells: cells}) }

// write prints the table. When a row would be wider than width (a
// terminal's; 0 means no limit), each profile takes two lines instead: the
// identifying cells aligned, then its expiry and notes below, indented.
func (t *statusTable) write(w io.Writer, width int) {
	cut := 1 << 30
	if width > 0 && t.width(cut) > width {
		// Stack: the first line keeps what fits of rank, id, type,
		// secret and status; the rest goes below.
		for cut = 5; cut > 2 && t.width(cut) > width; cut-- {
		}
	}
	widths := t.columnWidths(cut)
	indent := 0
	if len(widths) > 1 {
		indent = 2 + widths[0] + 2 + 2 // under the id, a step in
	}
	for _, l := range t.lines {
		if l.cells == nil {
			fmt.Fprintln(w, l.heading)
			continue
		}
		head, tail := l.cells, []string(nil)
		if len(head) > cut {
			head, tail = head[:cut], head[cut:]
		}
		fmt.Fprintln(w, alignStatusRow(head, widths))
		var rest []string
		for _, c := range tail {
			if c != "" {
				rest = append(rest, c)
			}
		}
		if len(rest) > 0 {
			fmt.Fprintln(w, strings.Repeat(" ", indent)+strings.Join(rest, " · "))
		}
	}
}

// columnWidths is the widest cell of each of the first n columns.
func (t *statusTable) columnWidths(n int) []int {
	var widths []int
	for _, l := range t.lines {
		for i, c := range l.cells {
			if i >= n {
				break
			}
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	return widths
}

// width is the widest first line of a row when only its first n cells are
// on it, aligned.
func (t *statusTable) width(n int) int {
	widths := t.columnWidths(n)
	widest := 0
	for _, l := range t.lines {
		if l.cells != nil {
			widest = max(widest, ansi.StringWidth(alignStatusRow(l.cells[:min(n, len(l.cells))], widths)))
		}
	}
	return widest
}

// alignStatusRow lays cells out in columns of widths: the rank right-aligned, the
// others left-aligned, trailing empty cells and padding dropped.
func alignStatusRow(cells []string, widths []int) string {
	var b strings.Builder
	b.WriteString("  ")
	last := len(cells) - 1
	for last > 0 && cells[last] == "" {
		last--
	}
	for i := 0; i <= last; i++ {
		c := cells[i]
		if i == 0 { // rank, right-aligned
			b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)) + c)
		} else {
			b.WriteString(c)
			if i < last {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)))
			}
		}
		if i < last {
			b.WriteString("  ")
		}
	}
	return b.String()
}

// WriteStatusPlain prints `models status --plain`: one tab-separated line
// per credential for scripts (StatusPlain).
func WriteStatusPlain(w io.Writer, rep authstore.Report) {
	io.WriteString(w, StatusPlain(rep)) //nolint:errcheck // stdout
}

// StatusPlain is one tab-separated line per credential: provider, rank (0
// = not tried), profile id, type, status, expires (RFC 3339 or -),
// remaining seconds (or -), mask, source. Each field is made safe
// (SafeText escapes a tab or line break inside it too), so a field never
// splits a line or its columns.
func StatusPlain(rep authstore.Report) string {
	var w strings.Builder
	safe := authstore.SafeText
	for _, p := range rep.Providers {
		for _, pr := range p.Profiles {
			exp, rem := "-", "-"
			if !pr.Health.ExpiresAt.IsZero() {
				exp = pr.Health.ExpiresAt.UTC().Format(time.RFC3339)
				rem = strconv.FormatInt(int64(pr.Health.Remaining/time.Second), 10)
			}
			status := string(pr.Health.Status)
			if pr.Health.Unusable != "" {
				status += "," + pr.Health.Unusable
			}
			fmt.Fprintf(&w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safe(p.Provider), pr.Rank, safe(pr.Profile.ID), safe(pr.Profile.Type), status, exp, rem, safe(authstore.Mask(pr.Profile.Secret())), "store")
		}
		for _, e := range p.Env {
			fmt.Fprintf(&w, "%s\t0\t%s\tenv\tstatic\t-\t-\t%s\t%s\n", safe(p.Provider), safe(e.Var), safe(authstore.Mask(e.Value)), safe(e.Source))
		}
		if p.Missing {
			fmt.Fprintf(&w, "%s\t0\t-\t-\tmissing\t-\t-\t-\t-\n", safe(p.Provider))
		}
	}
	return w.String()
}
