package views

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the move state (SPEC §6): carrying one profile of the table
// by keyboard or mouse, and the moves being saved. Grab, move and cancel
// only change memory (the table's reorderList); a drop, or K/J, becomes one
// authstore.MoveProfile transaction from a fresh read. The order rules live
// in authstore (PlanMove, Snapshot.Plan): this file asks them, it never
// decides an order itself.

type (
	orderSavedMsg struct {
		req saveReq
		res authstore.OrderResult
		err error
	}
	// saveSlowMsg fires a moment after a save starts, when that save is
	// still running: locked says whether it holds the store's lock by now
	// (then it is writing: "saving…") or is still waiting for it (the
	// gateway may be writing). It comes again with locked once the lock is
	// taken.
	saveSlowMsg struct {
		rev    int
		locked bool
	}
)

// saveReq is one move to write: a profile dropped beside its neighbours
// (or moved a step by K/J). Once started, held is closed when its
// transaction holds the store's lock and settled when the transaction is
// over (either way); the save command closes them, the slow-save notice
// waits on them.
type saveReq struct {
	provider string
	move     authstore.Move
	rev      int
	held     <-chan struct{}
	settled  <-chan struct{}
}

// carryPreview numbers the rows while a profile is carried: where the
// gateway will try each one once it is dropped there.
type carryPreview struct {
	listGen, reportGen int // what it was computed from
	ranks              map[string]int
	total              int
}

// mouseDrag is a left-button press on a profile row, until release.
type mouseDrag struct {
	row   int
	moved bool
}

// mover is the move state. The carried profile and its place are the
// table's reorderList; the mover knows what a drop would write and keeps
// the saves in order: one write at a time, the others queued, and until
// they land the orders they will write (pending) are what the screen
// shows.
type mover struct {
	keys    DashboardKeys
	rev     int
	saving  *saveReq
	queued  []saveReq
	pending map[string]authstore.Override // by provider (authstore.Snapshot.Plan)
	// grabSeen is the override shown when the current carry began: a drop
	// says so when the order on disk changed meanwhile.
	grabSeen authstore.Override
	drag     *mouseDrag
	carry    carryPreview
}

func newMover(keys DashboardKeys) mover {
	return mover{keys: keys, pending: map[string]authstore.Override{}}
}

// busy reports whether a save is being written.
func (m *mover) busy() bool { return m.saving != nil }

// planned is snap with the moves being saved applied: what to show.
func (m *mover) planned(snap authstore.Snapshot) authstore.Snapshot {
	if snap.Store == nil {
		return snap
	}
	for provider, o := range m.pending {
		snap = snap.Plan(provider, o)
	}
	return snap
}

// forget drops the queued saves, what they would show and a drag (another
// agent is shown; a save already running still ends in orderSavedMsg).
func (m *mover) forget() {
	m.pending = map[string]authstore.Override{}
	m.queued = nil
	m.drag = nil
}

// endDrag forgets a mouse press (the carry ended without it).
func (m *mover) endDrag() { m.drag = nil }

// grab begins carrying the profile under l's cursor; seen is the override
// shown now.
func (m *mover) grab(l *reorderList, seen authstore.Override, mouse bool) bool {
	if !l.startGrab(mouse) {
		return false
	}
	m.grabSeen = seen
	return true
}

// carryKey handles a key while a profile is carried (the table shows rows
// rows): up and down carry it, cancel puts it back, drop ends the carry.
// It returns the move to save when the profile was dropped somewhere else.
func (m *mover) carryKey(msg tea.KeyMsg, l *reorderList, rows int) (authstore.Move, bool) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.MoveUp):
		l.move(-1)
	case key.Matches(msg, k.Down), key.Matches(msg, k.MoveDown):
		l.move(1)
	case key.Matches(msg, k.PageUp):
		l.move(-max(rows-1, 1))
	case key.Matches(msg, k.PageDown):
		l.move(max(rows-1, 1))
	case key.Matches(msg, k.Top):
		l.moveTo(0)
	case key.Matches(msg, k.Bottom):
		l.moveTo(len(l.ids) - 1)
	case key.Matches(msg, k.Cancel):
		l.cancel()
		m.drag = nil
	case key.Matches(msg, k.Drop):
		return m.drop(l)
	default:
		return authstore.Move{}, false
	}
	l.scrollTo(rows)
	return authstore.Move{}, false
}

// drop ends the carry; it returns the move to save when the profile was
// carried somewhere else.
func (m *mover) drop(l *reorderList) (authstore.Move, bool) {
	mv, ok := grabMove(l)
	_, changed := l.drop()
	m.drag = nil
	if !ok || !changed {
		return authstore.Move{}, false
	}
	mv.Seen = m.grabSeen
	return mv, true
}

// press starts a possible drag of row (a left press on a profile row).
func (m *mover) press(row int) { m.drag = &mouseDrag{row: row} }

// dragging reports whether a left press is being held.
func (m *mover) dragging() bool { return m.drag != nil }

// motion carries the pressed profile to the row under the pointer, y
// lines below the table's first visible row (rows visible); above or below
// the table it scrolls one row. The first motion off the pressed row
// starts the carry (seen gives the override shown then).
func (m *mover) motion(l *reorderList, y, rows int, seen func() authstore.Override) {
	row := l.offset + y
	switch {
	case y < 0:
		row = l.offset - 1 // above the list: scroll up one
	case y >= rows:
		row = l.offset + rows // below: scroll down one
	}
	row = min(max(row, 0), len(l.ids)-1)
	if !m.drag.moved {
		if row == m.drag.row {
			return
		}
		if !m.grab(l, seen(), true) {
			m.drag = nil
			return
		}
		m.drag.moved = true
	}
	l.moveTo(row)
	l.scrollTo(rows)
}

// release ends a press: a drag drops (the move to save, if it moved
// anything), a click only selected.
func (m *mover) release(l *reorderList) (authstore.Move, bool) {
	if m.drag.moved && l.grab != nil {
		return m.drop(l)
	}
	m.drag = nil
	return authstore.Move{}, false
}

// grabMove is the move that dropping the carried profile now would make.
func grabMove(l *reorderList) (authstore.Move, bool) {
	g := l.grab
	if g == nil {
		return authstore.Move{}, false
	}
	i := slices.Index(l.ids, g.id)
	if i < 0 {
		return authstore.Move{}, false
	}
	mv := authstore.Move{ID: g.id, Down: i > slices.Index(g.orig, g.id)}
	if i > 0 {
		mv.Above = l.ids[i-1]
	}
	if i+1 < len(l.ids) {
		mv.Below = l.ids[i+1]
	}
	return mv, true
}

// stepMove is the move K/J just made: the profile now at the cursor.
func stepMove(l *reorderList, down bool) authstore.Move {
	i := l.cursor
	mv := authstore.Move{ID: l.ids[i], Down: down}
	if i > 0 {
		mv.Above = l.ids[i-1]
	}
	if i+1 < len(l.ids) {
		mv.Below = l.ids[i+1]
	}
	return mv
}

// ranks numbers the rows while a profile is carried: the place the gateway
// will try each once the profile is dropped where it is now
// (authstore.PlanMove, then the gateway's own order rule: a profile in
// cooldown still goes last). Recomputed only when the list or the data
// (reportGen) changed; view is the shown snapshot.
func (m *mover) ranks(l *reorderList, reportGen int, provider string, view func() authstore.Snapshot, now time.Time) carryPreview {
	if m.carry.ranks != nil && m.carry.listGen == l.gen && m.carry.reportGen == reportGen {
		return m.carry
	}
	c := carryPreview{listGen: l.gen, reportGen: reportGen, ranks: map[string]int{}}
	if mv, ok := grabMove(l); ok {
		v := view()
		mv.Seen = v.Override(provider)
		eo := v.EffectiveOrderWith(provider, authstore.PlanMove(&v, provider, mv, now), now)
		for i, id := range eo.IDs {
			c.ranks[id] = i + 1
		}
		c.total = len(eo.IDs)
	}
	m.carry = c
	return c
}

// request plans mv on view (the shown snapshot). When it would leave the
// stored order as it is, unchanged is true and nothing is written.
// Otherwise it bumps rev and returns the save's command, or queues it
// behind the save in flight (one write at a time, so that they land in
// order); until it lands the screen shows the order it will write.
func (m *mover) request(view *authstore.Snapshot, provider string, mv authstore.Move, now time.Time, paths authstore.Paths, getenv func(string) string) (cmd tea.Cmd, unchanged bool) {
	planned := authstore.PlanMove(view, provider, mv, now)
	if cur := view.Override(provider); cur.Set && slices.Equal(planned, cur.IDs) {
		return nil, true
	}
	m.rev++
	req := saveReq{provider: provider, move: mv, rev: m.rev}
	m.pending[provider] = authstore.Override{IDs: planned, Set: true}
	if m.saving != nil {
		m.queued = append(m.queued, req)
		return nil, false
	}
	return m.start(req, paths, getenv), false
}

// start runs req's transaction and, beside it, the notice that says what a
// slow save is doing.
func (m *mover) start(req saveReq, paths authstore.Paths, getenv func(string) string) tea.Cmd {
	held, settled := make(chan struct{}), make(chan struct{})
	req.held, req.settled = held, settled
	m.saving = &req
	return tea.Batch(saveMove(paths, getenv, req, held, settled), slowSaveNotice(req.rev, held, settled))
}

// saveOutcome is what the end of a save leaves the dashboard to do.
type saveOutcome int

const (
	saveLanded saveOutcome = iota // show the result
	saveFailed                    // back to what is on disk, say why
	saveNext                      // the next queued save is running
	saveStale                     // a newer move was made: read the store again
)

// saved is the end of a save: the next queued one starts, or the moves are
// over (landed, failed, or overtaken by a newer one).
func (m *mover) saved(msg orderSavedMsg, paths authstore.Paths, getenv func(string) string) (tea.Cmd, saveOutcome) {
	m.saving = nil
	if msg.err != nil {
		m.queued = nil
		m.pending = map[string]authstore.Override{}
		return nil, saveFailed
	}
	if len(m.queued) > 0 {
		next := m.queued[0]
		m.queued = m.queued[1:]
		return m.start(next, paths, getenv), saveNext
	}
	m.pending = map[string]authstore.Override{}
	if msg.req.rev != m.rev {
		return nil, saveStale
	}
	return nil, saveLanded
}

// slow says what a slow save is doing (nil once it is over).
func (m *mover) slow(msg saveSlowMsg) tea.Cmd {
	s := m.saving
	if s == nil || s.rev != msg.rev {
		return nil
	}
	if msg.locked {
		return status(StatusInfo, "saving the %s order…", s.provider)
	}
	return tea.Batch(status(StatusInfo, "saving the %s order — waiting for the store's lock (the gateway may be writing)…", s.provider),
		waitLockHeld(msg.rev, s.held, s.settled))
}

// saveMove writes req's move in one transaction from a fresh read
// (authstore.MoveProfile): only the moved profile changes place, and an
// order written meanwhile by someone else is kept. It closes held once the
// transaction holds the lock and settled when it is over.
func saveMove(paths authstore.Paths, getenv func(string) string, req saveReq, held, settled chan<- struct{}) tea.Cmd {
	return func() tea.Msg {
		defer close(settled)
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		ctx = authstore.WithLockHeld(ctx, func() { close(held) })
		res, err := authstore.MoveProfile(ctx, paths, req.provider, req.move)
		if err == nil {
			res.Snapshot = withEnv(res.Snapshot, getenv)
		}
		return orderSavedMsg{req: req, res: res, err: err}
	}
}

// slowSaveDelay is how long a save may take before the status line says so.
var slowSaveDelay = 400 * time.Millisecond

// slowSaveNotice waits slowSaveDelay and, when the save is not over by
// then, says whether it holds the lock yet (saveSlowMsg). A quick save says
// nothing: "saved" follows at once.
func slowSaveNotice(rev int, held, settled <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		timer := time.NewTimer(slowSaveDelay)
		defer timer.Stop()
		select {
		case <-settled:
			return nil
		case <-timer.C:
		}
		select {
		case <-held:
			return saveSlowMsg{rev: rev, locked: true}
		default:
			return saveSlowMsg{rev: rev}
		}
	}
}

// waitLockHeld reports when a save that was waiting for the lock gets it.
func waitLockHeld(rev int, held, settled <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-held:
			return saveSlowMsg{rev: rev, locked: true}
		case <-settled:
			return nil
		}
	}
}

// unchangedWhy says why mv leaves the stored order as it was: the gateway
// tries a profile in cooldown last wherever it is placed (the moved one,
// or the one it was carried past), or the profile was carried only among
// profiles the order leaves out.
func unchangedWhy(mv authstore.Move, rows map[string]profileRow, now time.Time) string {
	passed := mv.Below
	if mv.Down {
		passed = mv.Above
	}
	for _, id := range []string{mv.ID, passed} {
		r, ok := rows[id]
		if !ok || r.health.Unusable == "" || !r.health.Until.After(now) {
			continue
		}
		state := "in " + r.health.Unusable
		if r.health.Unusable == authstore.UnusableDisabled {
			state = "disabled"
		}
		until := clockTime(r.health.Until, now)
		if id == mv.ID {
			return fmt.Sprintf("%s stays where it was: %s until %s, the gateway tries it last anyway", id, state, until)
		}
		return fmt.Sprintf("%s stays where it was: %s is %s until %s and tried last anyway", mv.ID, id, state, until)
	}
	return fmt.Sprintf("%s stays where it was: it moved only among profiles the order leaves out", mv.ID)
}

// movedText says where the moved profile went (in report, read after the
// save), that an order written meanwhile was kept, and how the gateway will
// try the order differently from how it was written (a cooldown puts a
// profile last for now).
func movedText(req saveReq, res authstore.OrderResult, report authstore.Report, view authstore.Snapshot, now time.Time) (StatusLevel, string) {
	id, provider := req.move.ID, req.provider
	text := "moved " + id
	level := StatusSuccess
	if pr, ok := report.Provider(provider); ok {
		if i := slices.Index(pr.Order.IDs, id); i >= 0 {
			text = fmt.Sprintf("moved %s to %s of %d", id, ordinal(i+1), len(pr.Order.IDs))
		}
	}
	if res.Meanwhile {
		// Short enough for the status line: this is the part to read.
		text += "; the order had changed on disk meanwhile (kept)"
		level = StatusWarn
	} else {
		text += "; saved the " + provider + " order"
	}
	if notes := view.OrderNotes(provider, res.After.IDs, now); len(notes) > 0 {
		text += "; " + OrderNoteText(notes[0], now)
		level = StatusWarn
	}
	return level, text
}

// CancelMove puts a carried profile back where it was, saving nothing,
// and reports whether one was carried. The root calls it when asked to
// quit during a move, which would otherwise drop the move unsaved without
// a word.
func (d *Dashboard) CancelMove() bool {
	if d.table.list.grab == nil {
		return false
	}
	d.table.list.cancel()
	d.moves.endDrag()
	d.table.list.scrollTo(d.table.height)
	return true
}
