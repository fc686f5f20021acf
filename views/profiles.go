package views

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the profile table, the dashboard's right pane: the selected
// provider's profiles in the order the gateway tries them, then its
// read-only env rows; the cursor; and the columns and rows as last drawn,
// kept between frames (rows.go draws them).

// profileTable is the table's model. The cursor and the order shown live
// in list (a carried profile too: move.go moves it); rows are the profiles
// and envRows the env credentials, both as the report gave them.
type profileTable struct {
	keys    DashboardKeys
	list    reorderList
	rows    map[string]profileRow
	envRows []profileRow
	version int // bumped whenever rows are rebuilt
	cols    colsMemo
	cache   rowCache
	width   int // inner width of the pane
	height  int // visible rows, the column header not counted
}

// colsMemo remembers the table's columns for one set of rows and one
// width: measuring every row is not needed on every frame. The columns
// depend on the time only through whether some expiry has passed (see
// anyExpired), so a tick does not measure the rows again.
type colsMemo struct {
	version  int
	probeGen int
	expired  bool
	moving   bool
	width    int
	cols     []column
	gap      int
	key      string
}

// tableFrame is what one frame of the table depends on besides its rows.
type tableFrame struct {
	now     time.Time
	focused bool
	greyed  bool
	// ranks, while a profile is carried, is where each will be tried once
	// it is dropped (nil: the report's ranks).
	ranks map[string]int
	// probe is the PROBE cell of a row key; probeGen changes whenever a
	// probe starts or ends.
	probe    func(key string) (string, probeLevel)
	probeGen int
}

func newProfileTable(keys DashboardKeys) profileTable {
	return profileTable{keys: keys, rows: map[string]profileRow{}}
}

// SetSize sets the table's inner width and how many rows it shows.
func (t *profileTable) SetSize(w, rows int) {
	t.width, t.height = max(w, 0), max(rows, 0)
	t.list.scrollTo(t.height)
}

// setRows fills the table from the provider's report, keeping the cursor
// on keep (or on the carried profile). It reports false when a carried
// profile has gone from the store (the carry is then over).
func (t *profileTable) setRows(pr authstore.ProviderReport, keep string) bool {
	t.rows = make(map[string]profileRow, len(pr.Profiles))
	ids := make([]string, 0, len(pr.Profiles))
	safe := authstore.SafeText
	for _, p := range pr.Profiles {
		h := p.Health
		h.Reason = safe(h.Reason)
		t.rows[p.Profile.ID] = profileRow{
			key: p.Profile.ID, id: p.Profile.ID, label: safe(p.Profile.ID), email: safe(p.Profile.Email), typ: safe(p.Profile.Type),
			mask: safe(authstore.Mask(p.Profile.Secret())), health: h,
			rank: p.Rank, excluded: safe(p.Excluded), lastUsed: p.LastUsed,
		}
		ids = append(ids, p.Profile.ID)
	}
	t.envRows = t.envRows[:0]
	for _, e := range pr.Env {
		t.envRows = append(t.envRows, profileRow{
			key: e.Source + ":" + e.Var, id: e.Var, label: safe(e.Var), typ: "env", mask: safe(authstore.Mask(e.Value)),
			health: authstore.Health{Status: authstore.StatusStatic}, env: true, envSource: e.Source,
		})
	}
	t.version++
	grabbed := t.list.grab != nil
	ok := t.list.setRows(ids, len(t.envRows), keep)
	t.list.scrollTo(t.height)
	return ok || !grabbed
}

// reset forgets the cursor and any carry (another provider is shown).
func (t *profileTable) reset() { t.list = reorderList{} }

// clear empties the table (another agent is shown).
func (t *profileTable) clear() {
	t.list = reorderList{}
	t.rows = map[string]profileRow{}
	t.envRows = nil
	t.version++
}

// len is the number of rows, env rows included.
func (t *profileTable) len() int { return t.list.rows() }

// selectedID is the profile under the cursor; ok is false on an env row.
func (t *profileTable) selectedID() (string, bool) { return t.list.selectedID() }

// envRow is the env row under the cursor, if the cursor is on one.
func (t *profileTable) envRow() (profileRow, bool) {
	i := t.list.cursor - len(t.list.ids)
	if i < 0 || i >= len(t.envRows) {
		return profileRow{}, false
	}
	return t.envRows[i], true
}

// all is every row in shown order, env rows last.
func (t *profileTable) all() []profileRow {
	all := make([]profileRow, 0, t.list.rows())
	for _, id := range t.list.ids {
		all = append(all, t.rows[id])
	}
	return append(all, t.envRows...)
}

// selectedRow is the row under the cursor, as all lists it.
func (t *profileTable) selectedRow() (profileRow, bool) {
	if id, ok := t.list.selectedID(); ok {
		return t.rows[id], true
	}
	return t.envRow()
}

// Update moves the cursor with the navigation keys and the wheel (not
// during a carry: move.go has those keys then); it reports whether msg
// was one of them.
func (t *profileTable) Update(msg tea.Msg) bool {
	k := t.keys
	page := max(t.height-1, 1)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			t.list.moveCursor(-1)
		case key.Matches(msg, k.Down):
			t.list.moveCursor(1)
		case key.Matches(msg, k.PageUp):
			t.list.moveCursor(-page)
		case key.Matches(msg, k.PageDown):
			t.list.moveCursor(page)
		case key.Matches(msg, k.Top):
			t.list.setCursor(0)
		case key.Matches(msg, k.Bottom):
			t.list.setCursor(t.list.rows() - 1)
		default:
			return false
		}
	case tea.MouseMsg:
		switch {
		case msg.Action != tea.MouseActionPress:
			return false
		case msg.Button == tea.MouseButtonWheelUp:
			t.list.moveCursor(-1)
		case msg.Button == tea.MouseButtonWheelDown:
			t.list.moveCursor(1)
		default:
			return false
		}
	default:
		return false
	}
	t.list.scrollTo(t.height)
	return true
}

// rowAt is the row shown y lines below the first visible one, if any.
func (t *profileTable) rowAt(y int) (int, bool) {
	if y < 0 || y >= t.height {
		return 0, false
	}
	row := t.list.offset + y
	return row, row < t.list.rows()
}

// shown is every row as this frame shows it: the ranks a drop would give
// while a profile is carried, and the probe cells.
func (t *profileTable) shown(f tableFrame) []profileRow {
	all := make([]profileRow, 0, t.list.rows())
	for _, id := range t.list.ids {
		r := t.rows[id]
		if f.ranks != nil {
			// Where it will be tried once dropped: a profile in cooldown
			// keeps its last place whatever row it is shown in.
			r.rank = f.ranks[id]
		}
		if f.probe != nil {
			r.probe, r.probeLevel = f.probe(r.key)
		}
		all = append(all, r)
	}
	for _, r := range t.envRows {
		if f.probe != nil {
			r.probe, r.probeLevel = f.probe(r.key)
		}
		all = append(all, r)
	}
	return all
}

// visible is the range of rows on screen.
func (t *profileTable) visible() (first, end int) {
	return t.list.offset, min(t.list.offset+t.height, t.list.rows())
}

// View appends to lines the column header and the visible rows of all
// (from shown); the caller sizes lines for what it adds after them.
func (t *profileTable) View(lines []string, st DashboardStyles, all []profileRow, f tableFrame) []string {
	moving := t.list.grab != nil
	m := &t.cols
	expired := anyExpired(all, f.now)
	if m.cols == nil || m.version != t.version || m.probeGen != f.probeGen || m.expired != expired || m.moving != moving || m.width != t.width {
		cols, gap := fitColumns(tableColumns(all, f.now), t.width)
		for i := range cols {
			if cols[i].id == colProfile && cols[i].width < cols[i].ideal {
				labels := make([]string, len(all))
				for j, r := range all {
					labels[j] = r.label
				}
				cols[i].head = chooseHead(labels, cols[i].width)
			}
		}
		*m = colsMemo{version: t.version, probeGen: f.probeGen, expired: expired, moving: moving, width: t.width, cols: cols, gap: gap, key: columnsKey(cols)}
	}
	cols, gap := m.cols, m.gap
	lines = append(lines, renderColumnHeader(st, cols, gap, t.width))
	t.list.scrollTo(t.height)
	first, end := t.visible()
	for i := first; i < end && i < len(all); i++ {
		state := rowPlain
		if i == t.list.cursor {
			switch {
			case moving:
				state = rowGrabbed
			case f.focused:
				state = rowCursor
			default:
				state = rowCursorBlurred
			}
		}
		lines = append(lines, t.cache.render(st, f.greyed, all[i], cols, m.key, gap, f.now, state, t.width))
	}
	return lines
}

// anyExpired reports whether some row's expiry is not after now: the one
// way in which tableColumns depends on now (an expired countdown is wider).
func anyExpired(rows []profileRow, now time.Time) bool {
	for _, r := range rows {
		if !r.health.ExpiresAt.IsZero() && !r.health.ExpiresAt.After(now) {
			return true
		}
	}
	return false
}
