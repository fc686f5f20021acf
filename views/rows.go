package views

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// This file is the profile table's row renderer: what one row shows, the
// columns the rows call for, how a narrow table sheds columns, and the
// cache of drawn rows.

// profileRow is what one row of the profile table shows. Env rows are
// read-only credentials found in the environment or .env.
//
// The row is where file text becomes display text: label and every shown
// text field (email, typ, mask, excluded, health.Reason) are made safe with
// authstore.SafeText when the row is built, before any width is measured;
// key and id stay exact, for the operations.
type profileRow struct {
	key      string // identifies the credential across reloads (probe results)
	id       string // the profile id (env var name) exactly as in the file
	label    string // id as shown: authstore.SafeText(id)
	email    string
	typ      string
	mask     string // authstore.Mask of the secret, never the secret
	health   authstore.Health
	rank     int
	excluded string
	lastUsed time.Time

	env       bool
	envSource string // authstore.SourceProcessEnv or SourceDotEnv

	// probe is the PROBE cell ("✓ ok 212ms", a spinner while running); the
	// dashboard fills it in for each frame.
	probe      string
	probeLevel probeLevel
}

type colID int

const (
	colMark colID = iota // selection / move marker
	colRank
	colProfile
	colType
	colSecret
	colStatus
	colProbe
	colExpires
	colNote
	colLastUsed
)

// tableColumns are the columns the rows call for at now: a column nobody
// has anything for (no expiry, no cooldown, never used) is left out.
func tableColumns(rows []profileRow, now time.Time) []column {
	rankW, profW, idW, statusW, noteW, secretW := 1, len("PROFILE"), len("PROFILE"), len("STATUS"), 0, 0
	anyExpiry, anyExpired, anyUsed := false, false, false
	probeW, excludedW := 0, 0
	for _, r := range rows {
		probeW = max(probeW, lipgloss.Width(r.probe))
		rankW = max(rankW, lipgloss.Width(rankText(r)))
		profW = max(profW, lipgloss.Width(profileText(r)))
		idW = max(idW, lipgloss.Width(r.label))
		statusW = max(statusW, lipgloss.Width(statusText(r)), len(r.health.Unusable))
		if notListed(r.excluded) {
			// Said there when the note column goes ("excluded" when
			// the status word gives way).
			excludedW = max(excludedW, len("not in order"))
		}
		secretW = max(secretW, lipgloss.Width(r.mask))
		if n := noteWidth(r); n > noteW {
			noteW = n
		}
		if !r.health.ExpiresAt.IsZero() {
			anyExpiry = true
			if !r.health.ExpiresAt.After(now) {
				anyExpired = true
			}
		}
		if !r.lastUsed.IsZero() {
			anyUsed = true
		}
	}
	cols := []column{
		{id: colMark, width: 1},
		{id: colRank, title: "#", width: rankW},
		// Emails give way first, then whole ids (see fitColumns).
		{id: colProfile, title: "PROFILE", width: profW, ideal: idW, min: min(idW, minIDWidth)},
		{id: colType, title: "TYPE", width: len("api_key"), keep: 3},
	}
	if secretW > 0 {
		cols = append(cols, column{id: colSecret, title: "SECRET", width: max(secretW, len("SECRET")), keep: 2})
	}
	// The status word is the last to go (the row's style and the detail
	// pane still say it).
	status := column{id: colStatus, title: "STATUS", width: statusW, keep: 8}
	if excludedW > statusW {
		status.width, status.shrink = excludedW, max(statusW, len("excluded"))
	}
	cols = append(cols, status)
	if probeW > 0 {
		// Asked for a moment ago, but the countdowns matter more: a probe
		// adds a column when there is room, the detail pane and the status
		// line say the result anyway.
		cols = append(cols, column{id: colProbe, title: "PROBE", width: max(probeW, len("PROBE")), keep: 5})
	}
	if anyExpiry {
		w := len("in 23h 59m") // countdowns keep one width as they tick
		if anyExpired {
			w = len("23h 59m ago")
		}
		cols = append(cols, column{id: colExpires, title: "EXPIRES", width: w, keep: 7})
	}
	if noteW > 0 {
		cols = append(cols, column{id: colNote, title: "NOTE", width: max(noteW, len("NOTE")), keep: 6})
	}
	if anyUsed {
		cols = append(cols, column{id: colLastUsed, title: "LAST USED", width: len("LAST USED"), keep: 1})
	}
	return cols
}

func rankText(r profileRow) string {
	switch {
	case r.env:
		return "" // the type column and the note say env
	case r.rank > 0:
		return strconv.Itoa(r.rank)
	case notListed(r.excluded):
		return "×" // the order leaves it out (x puts it back), as opposed to skipped
	}
	return "–"
}

func profileText(r profileRow) string {
	if r.email != "" {
		return r.label + " · " + r.email
	}
	return r.label
}

func statusText(r profileRow) string {
	return r.health.Label()
}

// noteText says why the gateway will not use a profile now: a cooldown or
// a disable with its countdown, or why the order leaves it out.
func noteText(r profileRow, now time.Time) string {
	switch {
	case r.env && r.envSource == authstore.SourceDotEnv:
		return "from .env"
	case r.env:
		return "from environment"
	case notListed(r.excluded):
		return "not in order" // never tried, whatever its cooldown
	case r.health.Unusable == authstore.UnusableDisabled && r.health.Until.After(now):
		return unusableWhat(r.health.Unusable, r.health.Reason) + " " + timefmt.Short(r.health.Until.Sub(now))
	case r.health.Unusable == authstore.UnusableCooldown && r.health.Until.After(now):
		return "cooldown " + timefmt.Short(r.health.Until.Sub(now))
	case r.excluded != "":
		return shortReason(r.excluded)
	}
	return ""
}

// shortReason is an exclusion reason short enough for the table; the
// detail line shows it in full.
func shortReason(reason string) string {
	switch {
	case strings.HasPrefix(reason, "not in the "):
		return "not in order"
	case reason == "token expired":
		return "skipped: expired"
	case strings.HasPrefix(reason, "belongs to provider"):
		return "other provider"
	case strings.HasPrefix(reason, "unknown type"):
		return "unknown type"
	}
	return reason
}

// noteWidth is the widest the note can become, so the column does not
// change width as its countdown ticks.
func noteWidth(r profileRow) int {
	const countdown = 8 // "23h 59m" and a space
	switch {
	case r.env && r.envSource == authstore.SourceDotEnv:
		return len("from .env")
	case r.env:
		return len("from environment")
	case notListed(r.excluded):
		return len("not in order")
	case r.health.Unusable == authstore.UnusableDisabled:
		return lipgloss.Width(unusableWhat(r.health.Unusable, r.health.Reason)) + countdown
	case r.health.Unusable == authstore.UnusableCooldown:
		return len("cooldown") + countdown
	case r.excluded != "":
		return lipgloss.Width(shortReason(r.excluded))
	}
	return 0
}

func expiresText(r profileRow, now time.Time) string {
	if r.health.ExpiresAt.IsZero() {
		return ""
	}
	return timefmt.Until(r.health.ExpiresAt, now)
}

func lastUsedText(r profileRow, now time.Time) string {
	if r.lastUsed.IsZero() {
		return ""
	}
	return timefmt.Ago(r.lastUsed, now)
}

// rowState is how a row is drawn.
type rowState int

const (
	rowPlain rowState = iota
	rowCursor
	rowCursorBlurred // selected, but the pane does not have focus
	rowGrabbed
)

// renderRow draws one profile row in the given columns.
func renderRow(st DashboardStyles, r profileRow, cols []column, gap int, now time.Time, state rowState, width int) string {
	var b strings.Builder
	b.Grow(width + 64)
	base := st.Text
	switch {
	case r.env:
		base = st.Env
	case r.rank == 0:
		base = st.Dim
	}
	var bg lipgloss.Style
	hasBG := false
	switch state {
	case rowCursor:
		bg, hasBG = st.Selected, true
	case rowGrabbed:
		bg, hasBG = st.Grabbed, true
	}
	paint := func(s lipgloss.Style, text string) string {
		if hasBG {
			s = s.Inherit(bg)
		}
		return s.Render(text)
	}
	pad := strings.Repeat(" ", gap)
	hasType, hasNote := false, false
	for _, c := range cols {
		hasType = hasType || c.id == colType
		hasNote = hasNote || c.id == colNote
	}
	for i, c := range cols {
		if i > 0 {
			if hasBG {
				b.WriteString(paint(base, pad))
			} else {
				b.WriteString(pad)
			}
		}
		var cell string
		style := base
		right := false
		switch c.id {
		case colMark:
			switch state {
			case rowCursor:
				cell, style = "▸", st.Cursor
			case rowCursorBlurred:
				cell, style = "›", st.Dim
			case rowGrabbed:
				cell, style = "↕", st.Cursor
			default:
				cell = " "
			}
		case colRank:
			cell, right = rankText(r), true
		case colProfile:
			extra := r.email
			if r.env && !hasType {
				extra = "env" // the type column would have said so
			}
			// The email shows when enough of it fits to be read (the
			// detail line has it whole); "me…" would only be noise.
			if extra != "" && c.width >= lipgloss.Width(r.label)+3+min(lipgloss.Width(extra), 8) {
				id := r.label
				rest := fitCell(" · "+extra, c.width-lipgloss.Width(id))
				b.WriteString(paint(base, id))
				b.WriteString(paint(st.Dim, rest))
				continue
			}
			cell = cutID(r.label, c.width, c.head)
		case colType:
			cell = r.typ
			if r.env {
				cell = "env"
			}
		case colSecret:
			cell, style = r.mask, st.Dim
		case colStatus:
			cell, style = statusText(r), st.badge(r.health.Status)
			if !hasNote && notListed(r.excluded) {
				// No note column to say it: never tried matters most.
				cell, style = "not in order", st.Dim
				if c.width < len(cell) {
					cell = "excluded"
				}
			} else if !hasNote && r.health.Unusable != "" && r.health.Until.After(now) {
				// No note column to say it: being skipped matters more than "static".
				cell, style = r.health.Unusable, st.Warn
			}
		case colProbe:
			cell = r.probe
			switch r.probeLevel {
			case probeGood:
				style = st.OK
			case probeSoft:
				style = st.Warn
			case probeBad:
				style = st.Bad
			default:
				style = st.Dim
			}
		case colExpires:
			cell = expiresText(r, now)
			if r.health.Status == authstore.StatusExpiring || r.health.Status == authstore.StatusExpired {
				style = st.badge(r.health.Status)
			} else {
				style = st.Dim
			}
		case colNote:
			cell = noteText(r, now)
			switch {
			case r.health.Unusable != "" && r.health.Until.After(now):
				style = st.Warn
			default:
				style = st.Dim
			}
		case colLastUsed:
			cell, style = lastUsedText(r, now), st.Dim
		}
		if right {
			cell = padLeft(cell, c.width)
		} else {
			cell = fitCell(cell, c.width)
		}
		b.WriteString(paint(style, cell))
	}
	line := b.String()
	if w := lipgloss.Width(line); w < width {
		line += paint(base, strings.Repeat(" ", width-w))
	}
	return line
}

// rowCache keeps rendered rows between frames: from one second to the next
// only countdown cells change, and styling text is most of a frame's cost.
type rowCache struct {
	m map[string]string
}

// render returns the row drawn as renderRow would, from the cache when the
// same row was drawn the same way before.
func (c *rowCache) render(st DashboardStyles, greyed bool, r profileRow, cols []column, colsKey string, gap int, now time.Time, state rowState, width int) string {
	var k strings.Builder
	k.Grow(160)
	for _, s := range []string{
		r.label, r.email, r.typ, r.mask, string(r.health.Status), r.health.Label(), strconv.Itoa(r.rank), r.excluded, r.envSource,
		expiresText(r, now), noteText(r, now), lastUsedText(r, now), r.probe, colsKey,
	} {
		k.WriteString(s)
		k.WriteByte(0)
	}
	flags := []byte{byte(state), byte(gap), 0, 0, byte(r.probeLevel)}
	if r.env {
		flags[2] = 1
	}
	if greyed {
		flags[3] = 1
	}
	if r.health.Unusable != "" && r.health.Until.After(now) {
		flags[3] |= 2
	}
	k.Write(flags)
	k.WriteString(strconv.Itoa(width))
	key := k.String()
	if out, ok := c.m[key]; ok {
		return out
	}
	out := renderRow(st, r, cols, gap, now, state, width)
	if c.m == nil || len(c.m) > 4096 {
		c.m = make(map[string]string, 64)
	}
	c.m[key] = out
	return out
}

// columnsKey identifies a column layout for the row cache.
func columnsKey(cols []column) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString(strconv.Itoa(int(c.id)))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(c.width))
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(c.head))
		b.WriteByte(',')
	}
	return b.String()
}

// renderColumnHeader draws the table's title row.
func renderColumnHeader(st DashboardStyles, cols []column, gap, width int) string {
	var b strings.Builder
	pad := strings.Repeat(" ", gap)
	for i, c := range cols {
		if i > 0 {
			b.WriteString(pad)
		}
		if c.id == colRank {
			b.WriteString(padLeft(c.title, c.width))
			continue
		}
		b.WriteString(fitCell(c.title, c.width))
	}
	return st.ColumnHeader.Render(fitCell(b.String(), width))
}

// fitCell cuts s to w cells (with "…") and pads it with spaces to exactly w.
func fitCell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := lipgloss.Width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = lipgloss.Width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	sw := lipgloss.Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-sw) + s
}
