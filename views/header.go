package views

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// This file is the lines above the panes: the title line (the program, a
// badge when something needs attention, the agent shown and how many there
// are, the store, the gateway, the selected provider's order source), the
// counts `models status` prints under its table, and, when the store
// cannot be read, waits for a migration or has gone, what happened, where,
// and what to do.

// header is those lines' model, made for each frame from the dashboard's
// state (Dashboard.header).
type header struct {
	keys          DashboardKeys
	st            DashboardStyles
	width, height int
	home          string // paths under it show as "~/…"
	agent         string // "" when the agent directory came from the environment
	agents        int    // agents of the state directory with a store
	store         string // the store's path
	order         string // the selected provider's order source ("" none)
	gateway       string // the gateway that wrote the files (gatewayTitle)
	// pending is a migration between gateway generations the files wait
	// for: said above the panes, and nothing is written.
	pending   *authstore.Migration
	err       error // why the newest read failed
	stale     bool  // … and older data is shown, greyed
	configErr error // why the config cannot be read
	// badge is what needs attention first ("" nothing), bad whether it is
	// already a failure rather than a warning.
	badge string
	bad   bool
	// counts are the report's counts, shown when there is a report to
	// count (nil: none); warn is the window "expiring" means.
	counts *authstore.Counts
	warn   time.Duration
	// backup is the number of profiles in a good .bak beside the store, or
	// -1 when there is none that could be restored.
	backup int
	// deleted says the store existed and is gone now.
	deleted bool
}

// lines are the header's lines, in order.
func (h header) lines() []string {
	out := []string{h.titleLine()}
	if l := h.countsLine(); l != "" {
		out = append(out, l)
	}
	return append(out, h.errorLines()...)
}

// lineCount is len(lines()), without drawing the title and the counts.
func (h header) lineCount() int {
	n := 1
	if h.counts != nil && h.width > 0 {
		n++
	}
	return n + len(h.errorLines())
}

// titleLine is the program, the badge, the agent (and how many there
// are), the store, the gateway and the selected provider's order source,
// giving way on a narrow screen in this order: the gateway, the program's
// name, the order source, the number of agents, the path (losing
// directories from its middle first); the badge is never cut.
func (h header) titleLine() string {
	st := h.st
	agent := authstore.SafeText(h.agent)
	if agent == "" {
		agent = "(from $CLAWDBOT_AGENT_DIR)"
	}
	path := authstore.SafeText(DisplayPath(h.store, h.home))
	pathW := lipgloss.Width(path)
	baseW := min(lipgloss.Width("…/"+filepath.Base(path)), pathW)
	agentPart := st.HeaderDim.Render(" agent ") + st.Header.Render(agent)
	agents := ""
	if h.agents > 1 {
		agents = st.HeaderDim.Render(fmt.Sprintf(" (%d agents: %s)", h.agents, firstKey(h.keys.Agents)))
	}
	sep := st.HeaderDim.Render(" · ")
	badge := ""
	if h.badge != "" {
		style := st.AlertWarn
		if h.bad {
			style = st.AlertBad
		}
		badge = " " + style.Render(authstore.SafeText(h.badge)) + st.HeaderDim.Render(" ·")
	}
	order := ""
	if h.order != "" {
		order = st.HeaderDim.Render("order: ") + st.Header.Render(h.order) + " "
	}
	gateway := ""
	if h.gateway != "" {
		gateway = "  " + st.HeaderDim.Render(authstore.SafeText(h.gateway)) + " " // two spaces before it
		if order != "" {
			gateway += " "
		}
	}
	name := st.Header.Render(" moltbot")
	if badge == "" {
		name += st.HeaderDim.Render(" ·")
	}
	for _, v := range []struct {
		left, right string
		minPath     int
	}{
		{name + badge + agentPart + agents + sep, gateway + order, min(28, pathW)},
		{name + badge + agentPart + agents + sep, order, min(28, pathW)},
		{badge + agentPart + agents + sep, order, baseW},
		{badge + agentPart + agents + sep, "", baseW},
		{badge + agentPart + sep, "", baseW},
	} {
		room := h.width - lipgloss.Width(v.left) - lipgloss.Width(v.right)
		if v.right != "" && !strings.HasPrefix(v.right, " ") {
			room -= 2 // two spaces before the order source
		}
		if room < v.minPath {
			continue
		}
		mid := st.HeaderDim.Render(truncateMiddle(path, room))
		gap := h.width - lipgloss.Width(v.left) - lipgloss.Width(mid) - lipgloss.Width(v.right)
		return v.left + mid + strings.Repeat(" ", max(gap, 0)) + v.right
	}
	// No room for the path: the agent alone (the badge is never cut).
	if left := badge + agentPart + agents; lipgloss.Width(left) <= h.width {
		return FitLine(left, h.width)
	}
	return FitLine(badge+agentPart, h.width)
}

// countsLine is what `models status` prints under its table: how many
// are expired or missing, expiring, cooling down or disabled. A shorter
// wording is used when the full one does not fit.
func (h header) countsLine() string {
	c := h.counts
	if c == nil || h.width <= 0 {
		return ""
	}
	st := h.st
	if *c == (authstore.Counts{}) {
		return " " + st.OK.Render("All credentials are usable.")
	}
	window := timefmt.Window(h.warn)
	paint := func(n int, style lipgloss.Style, text string) string {
		if n == 0 {
			style = st.Dim
		}
		return style.Render(strconv.Itoa(n) + " " + text)
	}
	sep := st.Dim.Render(" · ")
	for _, words := range [][3]string{
		{"expired or missing", "expiring within " + window, "cooling down or disabled"},
		{"expired/missing", "expiring (" + window + ")", "cooling/disabled"},
	} {
		line := " " + paint(c.ExpiredOrMissing, st.Bad, words[0]) + sep + paint(c.Expiring, st.Warn, words[1]) + sep + paint(c.Unusable, st.Warn, words[2])
		if lipgloss.Width(line) <= h.width {
			return line
		}
	}
	return " " + paint(c.ExpiredOrMissing, st.Bad, "expired") + sep + paint(c.Expiring, st.Warn, "expiring") + sep + paint(c.Unusable, st.Warn, "cooling")
}

// truncateMiddle shortens a path to w cells by dropping whole directories
// from its middle: "~/.clawdbot/…/agent/auth-profiles.json".
func truncateMiddle(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	parts := strings.Split(s, "/")
	if len(parts) >= 3 {
		head := parts[0]
		if head == "" && len(parts) > 3 { // an absolute path: keep its first directory
			head = "/" + parts[1]
			parts = parts[1:]
		}
		tail := parts[len(parts)-1]
		best := ""
		for i := len(parts) - 1; i >= 1; i-- {
			cand := head + "/…/" + strings.Join(parts[i:], "/")
			if i == 1 {
				cand = head + "/" + strings.Join(parts[i:], "/")
			}
			if lipgloss.Width(cand) > w {
				break
			}
			best = cand
		}
		if best != "" {
			return best
		}
		if lipgloss.Width("…/"+tail) <= w {
			return "…/" + tail
		}
	}
	return ansi.TruncateLeft(s, lipgloss.Width(s)-w+1, "…")
}

// errorLines say what went wrong reading the store (or that it waits for
// a migration, or has gone) and the config, where, and what to do, in at
// most a third of the height; the store's location is never cut: a long
// one is wrapped.
func (h header) errorLines() []string {
	w := h.width
	if w <= 0 || h.err == nil && !h.deleted && h.pending == nil && h.configErr == nil {
		return nil
	}
	st := h.st
	bar := st.ErrorBar.Render("┃") + " "
	out, head := h.storeLines(bar)
	if h.pending != nil {
		return out[:min(len(out), max(h.height/3, 2))]
	}
	if h.configErr != nil {
		title, detail := configNote(h.configErr, h.home)
		out = append(out, bar+st.ErrorText.Render(authstore.SafeText(title)), bar+st.Text.Render(authstore.SafeText(detail)))
		todo := "Its auth settings (auth.order, auth.profiles, the models) are ignored here, and nothing is written to it. Press " +
			firstKey(h.keys.EditConfig) + " to edit it; it reloads when the file changes."
		for _, l := range strings.Split(ansi.Wordwrap(todo, max(w-3, 10), ""), "\n") {
			out = append(out, bar+st.Dim.Render(l))
		}
	}
	// A third of the height, but room for what happened, where, why and
	// the first lines of what to do. With no good data to show below (the
	// first read failed), all the room the panes can spare.
	limit := max(min(max(h.height/3, head+4), h.height-4), head, 2)
	if h.err != nil && !h.stale {
		limit = max(h.height-4, head, 2)
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// storeLines say what went wrong reading the store (or that it waits for a
// migration, or has gone), where, and what to do (nothing when it was
// read); head is how many of them say what happened and where, which are
// never cut.
func (h header) storeLines(bar string) (out []string, head int) {
	if h.err == nil && h.pending == nil && !h.deleted {
		return nil, 0
	}
	st, w := h.st, h.width
	wrap := func(s string) []string { return strings.Split(ansi.Wordwrap(s, max(w-3, 10), ""), "\n") }
	if p := h.pending; p != nil {
		// Before any read error: it is why the files cannot be used. What
		// to run first, so that a short screen keeps it; then why.
		out = []string{bar + st.ErrorText.Render("A migration between gateway generations is pending: moltbot changes nothing here")}
		for _, l := range wrap(authstore.SafeText("Run `" + p.Command + "` (openclaw's doctor migrates them; moltbot never does). It reloads when the files change.")) {
			out = append(out, bar+st.Text.Render(l))
		}
		for _, l := range wrap(authstore.SafeText(p.Reason + ".")) {
			out = append(out, bar+st.Dim.Render(l))
		}
		return out, 1
	}
	var where []string // what happened and where: never cut
	var detail, todo string
	var ce *authstore.CorruptError
	reload := " It reloads when the file changes."
	switch {
	case h.err == nil: // deleted
		bar = st.Warn.Render("┃") + " "
		where = h.where("The auth store was deleted:", DisplayPath(h.store, h.home))
		for i := range where {
			where[i] = st.Warn.Render(where[i])
		}
		todo = "Press " + firstKey(h.keys.Add) + " to add a credential (that makes a new store)"
		if h.backup >= 0 {
			todo += fmt.Sprintf(", or copy %s.bak back (it holds %d %s)", filepath.Base(h.store), h.backup, plural(h.backup, "profile", "profiles"))
		}
		todo += "." + reload
	case errors.As(h.err, &ce):
		loc := DisplayPath(ce.Path, h.home)
		if ce.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", loc, ce.Line, ce.Column)
		}
		where = h.where("The auth store cannot be read:", loc)
		detail = ce.Reason
		fix := fmt.Sprintf("moves it aside, restores the .bak: %d %s", h.backup, plural(h.backup, "profile", "profiles"))
		if h.backup < 0 {
			fix = "moves it aside; there is no good .bak to restore"
		}
		todo = "Nothing was written. Fix it by hand, or run `moltbot doctor --fix` (" + fix + ")."
	default:
		where = []string{"The auth store cannot be read"}
		detail = h.err.Error()
		todo = "Check the file and its permissions; press " + firstKey(h.keys.Reload) + " to retry."
	}
	if h.err != nil {
		if h.stale {
			todo += " Showing the last good data, greyed; it reloads when the file changes."
		} else {
			todo += reload
		}
		for i := range where {
			where[i] = st.ErrorText.Render(authstore.SafeText(where[i]))
		}
	}
	out = make([]string, 0, len(where)+4)
	for _, l := range where {
		out = append(out, bar+l)
	}
	if detail != "" {
		for _, l := range strings.Split(ansi.Hardwrap(ansi.Wordwrap(authstore.SafeText(detail), max(w-3, 10), ""), max(w-3, 10), true), "\n") {
			out = append(out, bar+st.Text.Render(l))
		}
	}
	for _, l := range wrap(todo) {
		out = append(out, bar+st.Dim.Render(l))
	}
	return out, len(where)
}

// where is title and the location of a file: on one line when they fit,
// else the location on lines of its own, broken after a "/" (or anywhere,
// for a name longer than a line).
func (h header) where(title, location string) []string {
	location = authstore.SafeText(location)
	w := max(h.width-2, 10) // the bar and its space
	if lipgloss.Width(title+" "+location) <= w {
		return []string{title + " " + location}
	}
	out := []string{title}
	line := ""
	for _, part := range strings.SplitAfter(location, "/") {
		if line != "" && lipgloss.Width(line+part) > w {
			out = append(out, line)
			line = ""
		}
		line += part
		for lipgloss.Width(line) > w {
			out = append(out, ansi.Truncate(line, w, ""))
			line = ansi.TruncateLeft(line, w, "")
		}
	}
	return append(out, line)
}
