package views

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// DashboardKeys are the dashboard's bindings (SPEC §6). The same physical
// key may appear in two bindings only when they never apply at once (Grab
// and Drop); tui/keys_test.go checks each scope.
type DashboardKeys struct {
	Up, Down           key.Binding
	PageUp, PageDown   key.Binding
	Top, Bottom        key.Binding
	NextPane, PrevPane key.Binding
	Left, Right        key.Binding
	// Grab starts moving the selected profile; Drop and Cancel end the move.
	Grab, Drop, Cancel key.Binding
	// MoveUp and MoveDown move the selected profile one place and save.
	MoveUp, MoveDown key.Binding
	Add, Remove      key.Binding
	ClearOrder       key.Binding
	Reload           key.Binding
	// Probe checks the selected credential live; ProbeAll every credential
	// of the selected provider.
	Probe, ProbeAll key.Binding
	// Agents opens the agent picker; PickAgent and ClosePicker answer it.
	Agents, PickAgent, ClosePicker key.Binding
	// Renew runs `claude setup-token` again for the selected token profile
	// and replaces its token in place.
	Renew key.Binding
	// Confirm and Deny answer the remove dialog.
	Confirm, Deny key.Binding
}

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

// pane is where keyboard focus is.
type pane int

const (
	paneProviders pane = iota
	paneProfiles
)

// Messages the dashboard sends itself. They carry values (snapshots are
// values whose stores are never changed after loading).
type (
	storeLoadedMsg struct {
		seq    int
		snap   authstore.Snapshot
		err    error
		agents []string // agents of the state directory that have a store
	}
	orderSavedMsg struct {
		req saveReq
		res authstore.OrderResult
		err error
	}
	orderClearedMsg struct {
		provider string
		res      authstore.OrderResult
		err      error
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
	profileRemovedMsg struct {
		id        string
		snap      authstore.Snapshot
		err       error
		configErr error
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

// colsMemo remembers the table's columns for one set of rows and one
// width: measuring every row is not needed on every frame. The columns
// depend on the time only through whether some expiry has passed (see
// anyExpired), so a tick does not measure the rows again.
type colsMemo struct {
	version int
	expired bool
	moving  bool
	width   int
	cols    []column
	gap     int
	key     string
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

// provMemo is the provider pane as last drawn, and everything it was drawn
// from: the pane changes only with the report, the cursor, the focus, a
// load error or the size, so a tick does not draw it again.
type provMemo struct {
	key   provKey
	lines []string
}

type provKey struct {
	reportGen, cursor, offset int
	focus                     pane
	greyed                    bool
	w, h, rows                int
}

// confirmState is a change that waits for the user's yes: removing the
// profile id, or clearing provider's order override.
type confirmState struct {
	clear    bool // clear the override; else remove id
	id       string
	provider string
	// override is the override the question shows, for clear.
	override []string
}

// mouseDrag is a left-button press on a profile row, until release.
type mouseDrag struct {
	row   int
	moved bool
}

// saveTimeout bounds one transaction (the lock wait is ~10 s).
const saveTimeout = 30 * time.Second

// Dashboard is the live view of one agent's providers and profiles.
type Dashboard struct {
	env  Env
	keys DashboardKeys
	st   DashboardStyles

	width, height int
	now           time.Time
	warn          time.Duration

	loaded     bool // a load has finished, well or not
	hasSnap    bool
	snap       authstore.Snapshot // the last good one
	report     authstore.Report
	nextChange time.Time // when the report must be rebuilt as time passes
	loadErr    error     // the newest load failed; snap is older
	loadSeq    int       // loads issued
	appliedSeq int       // the newest load applied
	configErr  string    // last config/.env problem reported
	selectNext string    // profile to select after the next load

	provider   string // selected provider id
	provCursor int
	provOffset int
	focus      pane
	list       reorderList
	rows       map[string]profileRow
	envRows    []profileRow

	rev    int
	saving *saveReq
	queued []saveReq
	// pending are the overrides that the moves being saved will write, by
	// provider: shown until the save lands (authstore.Snapshot.Plan).
	pending map[string]authstore.Override
	carry   carryPreview
	// grabSeen is the override shown when the current grab began: a drop
	// says so when the order on disk changed meanwhile.
	grabSeen authstore.Override

	rowsVersion int      // bumped when the rows are rebuilt
	reportGen   int      // bumped whenever d.report is replaced
	colsCache   colsMemo // the table's columns for the current rows
	rowCache    rowCache // rendered rows
	provCache   provMemo // the drawn provider pane

	confirm *confirmState // a question awaiting y or n
	busy    string        // a write in progress ("removing …")
	drag    *mouseDrag

	probes   map[string]probeState // by row key (profile id, "env:VAR")
	probeSeq int
	// probeBatch are the probes started since the last summary.
	probeBatch []string
	probeSem   chan struct{} // bounds the probes in flight
	spin       spinner.Model
	spinning   bool // a spinner tick is on its way

	agentIDs []string     // agents with a store, from the last load
	agents   []agentInfo  // the same, summarised for the picker
	picker   *agentPicker // the open agent picker
	renewing string       // profile whose token is being renewed
}

var _ Component = (*Dashboard)(nil)

// NewDashboard makes the dashboard for env; Init loads the store.
func NewDashboard(env Env) *Dashboard {
	now := time.Now()
	if env.Clock != nil {
		now = env.Clock()
	}
	return &Dashboard{
		env:      env,
		keys:     env.Keys.Dashboard,
		st:       env.Styles.Dashboard,
		now:      now,
		warn:     authstore.DefaultWarn,
		focus:    paneProfiles,
		rows:     map[string]profileRow{},
		pending:  map[string]authstore.Override{},
		probes:   map[string]probeState{},
		probeSem: make(chan struct{}, probeParallel),
		spin:     newSpinner(),
	}
}

// Init loads the store.
func (d *Dashboard) Init() tea.Cmd { return d.reload() }

// SetSize tells the dashboard how much room it has.
func (d *Dashboard) SetSize(w, h int) {
	d.width, d.height = max(w, 0), max(h, 0)
	d.list.scrollTo(d.geom().listRows)
}

// CapturesInput is false: the dashboard never takes text.
func (d *Dashboard) CapturesInput() bool { return false }

// Moving reports whether a profile is being moved (keyboard or mouse).
func (d *Dashboard) Moving() bool { return d.list.grab != nil }

// SelectedProvider is the provider whose profiles are shown.
func (d *Dashboard) SelectedProvider() string { return d.provider }

// SelectedProfile is the profile id under the cursor ("" on an env row).
func (d *Dashboard) SelectedProfile() string {
	id, _ := d.list.selectedID()
	return id
}

// ShownOrder is the selected provider's profile ids as the screen shows
// them (during a move: the order being arranged).
func (d *Dashboard) ShownOrder() []string { return append([]string(nil), d.list.ids...) }

// reload reads the store, config and .env in a command.
func (d *Dashboard) reload() tea.Cmd {
	d.loadSeq++
	return loadStore(d.env.Paths, d.env.Getenv, d.loadSeq)
}

// loadStore reads everything for paths; getenv supplies process keys.
func loadStore(paths authstore.Paths, getenv func(string) string, seq int) tea.Cmd {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return func() tea.Msg {
		// One read of .env, through the injected environment (Load and then
		// withEnv read it twice).
		snap, err := authstore.LoadWithEnv(paths, getenv)
		agents, _ := authstore.DiscoverAgents(paths.StateDir)
		return storeLoadedMsg{seq: seq, snap: snap, err: err, agents: agents}
	}
}

// withEnv recomputes the snapshot's env credentials from getenv instead of
// the process environment authstore.Load consults, so that what the
// dashboard shows follows the program's injected environment.
func withEnv(snap authstore.Snapshot, getenv func(string) string) authstore.Snapshot {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	lines, err := authstore.LoadEnvFile(snap.Paths.Env)
	if err != nil {
		snap.EnvErr = fmt.Errorf("read %s: %w", snap.Paths.Env, err)
	}
	snap.Env = authstore.FindEnvCredentials(getenv, lines)
	return snap
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

func clearOrder(paths authstore.Paths, getenv func(string) string, provider string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.ClearOrder(ctx, paths, provider)
		if err == nil {
			res.Snapshot = withEnv(res.Snapshot, getenv)
		}
		return orderClearedMsg{provider: provider, res: res, err: err}
	}
}

func removeProfile(paths authstore.Paths, getenv func(string) string, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.RemoveProfile(ctx, paths, id)
		if err == nil && !res.Removed {
			err = fmt.Errorf("%s is no longer in the store (someone else removed it)", id)
		}
		if err != nil {
			return profileRemovedMsg{id: id, err: err}
		}
		// The config may have appeared since the paths were resolved.
		if fi, serr := os.Stat(paths.Config); serr == nil && fi.Mode().IsRegular() {
			paths.ConfigExists = true
		}
		cerr := authstore.RemoveConfigProfile(paths, id)
		return profileRemovedMsg{id: id, snap: withEnv(res.Snapshot, getenv), configErr: cerr}
	}
}

// status asks the root to show text in the status line.
func status(level StatusLevel, format string, args ...any) tea.Cmd {
	return emit(StatusMsg{Level: level, Text: fmt.Sprintf(format, args...)})
}

// Update handles keys, mouse, ticks, reloads and write results.
func (d *Dashboard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case TickMsg:
		d.now = msg.Time
		if !d.nextChange.IsZero() && !d.now.Before(d.nextChange) && d.hasSnap {
			d.rebuild()
		}
		return d, nil
	case FilesChangedMsg:
		return d, d.reload()
	case WizardClosedMsg:
		if msg.Saved != "" {
			d.selectNext = msg.Saved
		}
		// The wizard may have taken the spinner's tick; restarting it is
		// safe (the spinner drops a duplicate chain by its tag).
		if d.probesRunning() > 0 {
			d.spinning = true
			return d, tea.Batch(d.reload(), d.spin.Tick)
		}
		return d, d.reload()
	case probeDoneMsg:
		return d, d.onProbeDone(msg)
	case agentsListedMsg:
		return d, d.onAgentsListed(msg)
	case renewClaudeMsg:
		return d, d.onRenewClaude(msg)
	case LoginFinishedMsg:
		return d, d.onLogin(msg)
	case tokenRenewedMsg:
		return d, d.onRenewed(msg)
	case spinner.TickMsg:
		return d, d.onSpinnerTick(msg)
	case storeLoadedMsg:
		return d, d.onLoaded(msg)
	case orderSavedMsg:
		return d, d.onOrderSaved(msg)
	case orderClearedMsg:
		return d, d.onOrderCleared(msg)
	case profileRemovedMsg:
		return d, d.onRemoved(msg)
	case saveSlowMsg:
		if d.saving == nil || d.saving.rev != msg.rev {
			return d, nil
		}
		if msg.locked {
			return d, status(StatusInfo, "saving the %s order…", d.saving.provider)
		}
		return d, tea.Batch(status(StatusInfo, "saving the %s order — waiting for the store's lock (the gateway may be writing)…", d.saving.provider),
			waitLockHeld(msg.rev, d.saving.held, d.saving.settled))
	case tea.KeyMsg:
		return d, d.onKey(msg)
	case tea.MouseMsg:
		return d, d.onMouse(msg)
	}
	return d, nil
}

func (d *Dashboard) onLoaded(msg storeLoadedMsg) tea.Cmd {
	if msg.seq <= d.appliedSeq {
		return nil // an older read finished after a newer one
	}
	d.appliedSeq = msg.seq
	d.loaded = true
	d.agentIDs = msg.agents
	if msg.err != nil {
		d.loadErr = msg.err
		if d.list.grab != nil {
			d.list.cancel()
		}
		d.drag = nil
		return nil
	}
	d.loadErr = nil
	d.applySnapshot(msg.snap)
	return d.reportSideErrors()
}

// reportSideErrors mentions a config or .env that cannot be read, once per
// distinct problem.
func (d *Dashboard) reportSideErrors() tea.Cmd {
	var parts []string
	if d.snap.ConfigErr != nil {
		parts = append(parts, d.snap.ConfigErr.Error()+"; its auth settings are ignored")
	}
	if d.snap.EnvErr != nil {
		parts = append(parts, d.snap.EnvErr.Error())
	}
	text := strings.Join(parts, "; ")
	if text == d.configErr {
		return nil
	}
	d.configErr = text
	if text == "" {
		return nil
	}
	return status(StatusWarn, "%s", text)
}

// applySnapshot makes snap the shown data and keeps the selection.
func (d *Dashboard) applySnapshot(snap authstore.Snapshot) {
	d.snap, d.hasSnap = snap, true
	d.keepProbes()
	d.rebuild()
}

// rebuild recomputes the report at now and the rows of the selected
// provider, keeping the selection on the same provider and profile.
func (d *Dashboard) rebuild() {
	d.report = authstore.BuildReport(d.viewSnap(), d.now, d.warn)
	d.reportGen++
	d.nextChange = nextChange(d.snap, d.now, d.warn)
	if d.selectNext != "" {
		if p := authstore.ProviderOfID(d.selectNext); p != "" {
			if _, ok := d.report.Provider(p); ok {
				d.provider = p
			}
		}
	}
	d.syncProvider()
	keep, _ := d.list.selectedID()
	if d.selectNext != "" {
		if _, ok := d.rows[d.selectNext]; ok || d.list.grab == nil {
			keep = d.selectNext
		}
		d.selectNext = ""
	}
	d.loadRows(keep)
}

// syncProvider finds the selected provider in the report (or the one now
// at its place when it disappeared).
func (d *Dashboard) syncProvider() {
	provs := d.report.Providers
	for i, p := range provs {
		if p.Provider == d.provider {
			d.provCursor = i
			return
		}
	}
	if len(provs) == 0 {
		d.provider, d.provCursor = "", 0
		return
	}
	d.provCursor = min(max(d.provCursor, 0), len(provs)-1)
	d.provider = provs[d.provCursor].Provider
}

// loadRows fills the profile rows for the selected provider.
func (d *Dashboard) loadRows(keep string) {
	pr, _ := d.report.Provider(d.provider)
	d.rows = make(map[string]profileRow, len(pr.Profiles))
	ids := make([]string, 0, len(pr.Profiles))
	safe := authstore.SafeText
	for _, p := range pr.Profiles {
		h := p.Health
		h.Reason = safe(h.Reason)
		d.rows[p.Profile.ID] = profileRow{
			key: p.Profile.ID, id: p.Profile.ID, label: safe(p.Profile.ID), email: safe(p.Profile.Email), typ: safe(p.Profile.Type),
			mask: safe(authstore.Mask(p.Profile.Secret())), health: h,
			rank: p.Rank, excluded: safe(p.Excluded), lastUsed: p.LastUsed,
		}
		ids = append(ids, p.Profile.ID)
	}
	d.envRows = d.envRows[:0]
	for _, e := range pr.Env {
		d.envRows = append(d.envRows, profileRow{
			key: e.Source + ":" + e.Var, id: e.Var, label: safe(e.Var), typ: "env", mask: safe(authstore.Mask(e.Value)),
			health: authstore.Health{Status: authstore.StatusStatic}, env: true, envSource: e.Source,
		})
	}
	d.rowsVersion++
	if c := d.confirm; c != nil && !c.clear {
		if _, ok := d.rows[c.id]; !ok {
			d.confirm = nil // it went away on disk; nothing left to ask
		}
	}
	grabbed := d.list.grab
	if !d.list.setRows(ids, len(d.envRows), keep) && grabbed != nil {
		d.drag = nil
	}
	d.list.scrollTo(d.geom().listRows)
}

// nextChange is the first moment after now at which some profile's health
// or place in the order changes by itself (an expiry, the start of the warn
// window, the end of a cooldown), or zero when nothing will.
func nextChange(snap authstore.Snapshot, now time.Time, warn time.Duration) time.Time {
	if snap.Store == nil {
		return time.Time{}
	}
	nowMs := now.UnixMilli()
	var next int64
	consider := func(ms int64) {
		if ms > nowMs && (next == 0 || ms < next) {
			next = ms
		}
	}
	for _, p := range snap.Store.Profiles {
		if p.Expires > 0 {
			consider(p.Expires - warn.Milliseconds())
			consider(p.Expires)
		}
	}
	for _, u := range snap.Store.Usage {
		consider(u.CooldownUntil)
		consider(u.DisabledUntil)
	}
	if next == 0 {
		return time.Time{}
	}
	return time.UnixMilli(next)
}

// viewSnap is the last snapshot read with the moves being saved applied:
// what the screen shows.
func (d *Dashboard) viewSnap() authstore.Snapshot {
	v := d.snap
	if v.Store == nil {
		return v
	}
	for provider, o := range d.pending {
		v = v.Plan(provider, o)
	}
	return v
}

func (d *Dashboard) onOrderSaved(msg orderSavedMsg) tea.Cmd {
	d.saving = nil
	if msg.err != nil {
		d.queued = nil
		d.pending = map[string]authstore.Override{}
		d.list.cancel()
		if d.hasSnap {
			d.rebuild() // back to the last order read from disk until the reload lands
		}
		return tea.Batch(d.reload(), status(StatusError, "could not save the %s order (moving %s): %v — showing what is on disk", msg.req.provider, msg.req.move.ID, msg.err))
	}
	if len(d.queued) > 0 {
		next := d.queued[0]
		d.queued = d.queued[1:]
		return d.startSave(next)
	}
	d.pending = map[string]authstore.Override{}
	if msg.req.rev != d.rev {
		return d.reload()
	}
	d.loadErr = nil
	d.appliedSeq = d.loadSeq // reads issued before the write are older
	d.applySnapshot(msg.res.Snapshot)
	return d.movedStatus(msg.req, msg.res)
}

// movedStatus says where the moved profile went, that an order written
// meanwhile was kept, and how the gateway will try the order differently
// from how it was written (a cooldown puts a profile last for now).
func (d *Dashboard) movedStatus(req saveReq, res authstore.OrderResult) tea.Cmd {
	id, provider := req.move.ID, req.provider
	text := "moved " + id
	level := StatusSuccess
	if pr, ok := d.report.Provider(provider); ok {
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
	snap := d.viewSnap()
	if notes := snap.OrderNotes(provider, res.After.IDs, d.now); len(notes) > 0 {
		text += "; " + OrderNoteText(notes[0], d.now)
		level = StatusWarn
	}
	return status(level, "%s", text)
}

func (d *Dashboard) onOrderCleared(msg orderClearedMsg) tea.Cmd {
	d.busy = ""
	if msg.err != nil {
		return tea.Batch(d.reload(), status(StatusError, "could not clear the %s order: %v", msg.provider, msg.err))
	}
	d.appliedSeq = d.loadSeq
	d.loadErr = nil
	d.applySnapshot(msg.res.Snapshot)
	if !msg.res.Changed() {
		return status(StatusInfo, "%s has no order override to clear", msg.provider)
	}
	src := "automatic"
	if pr, ok := d.report.Provider(msg.provider); ok {
		src = string(pr.Order.Source)
	}
	return status(StatusSuccess, "cleared the %s order override; the order is now %s", msg.provider, src)
}

func (d *Dashboard) onRemoved(msg profileRemovedMsg) tea.Cmd {
	d.busy = ""
	if msg.err != nil {
		return tea.Batch(d.reload(), status(StatusError, "could not remove %s: %v", msg.id, msg.err))
	}
	d.appliedSeq = d.loadSeq
	d.loadErr = nil
	d.applySnapshot(msg.snap)
	if msg.configErr != nil {
		return status(StatusWarn, "removed %s from the store; the config was not changed: %v", msg.id, msg.configErr)
	}
	return status(StatusSuccess, "removed %s", msg.id)
}

// startGrab begins carrying the selected profile.
func (d *Dashboard) startGrab(mouse bool) bool {
	if !d.list.startGrab(mouse) {
		return false
	}
	view := d.viewSnap()
	d.grabSeen = view.Override(d.provider)
	return true
}

// requestSave bumps rev and writes move, or queues it behind the write in
// flight (one write at a time, so that they land in order). Until it lands
// the screen shows the order it will write. move.Seen is the override the
// user saw when the move began.
func (d *Dashboard) requestSave(provider string, move authstore.Move) tea.Cmd {
	view := d.viewSnap()
	planned := authstore.PlanMove(&view, provider, move, d.now)
	if cur := view.Override(provider); cur.Set && slices.Equal(planned, cur.IDs) {
		d.rebuild()
		return status(StatusInfo, "%s", d.unchangedWhy(move))
	}
	d.rev++
	req := saveReq{provider: provider, move: move, rev: d.rev}
	d.pending[provider] = authstore.Override{IDs: planned, Set: true}
	d.selectNext = move.ID
	d.rebuild()
	if d.saving != nil {
		d.queued = append(d.queued, req)
		return nil
	}
	return d.startSave(req)
}

// startSave runs req's transaction and, beside it, the notice that says
// what a slow save is doing.
func (d *Dashboard) startSave(req saveReq) tea.Cmd {
	held, settled := make(chan struct{}), make(chan struct{})
	req.held, req.settled = held, settled
	d.saving = &req
	return tea.Batch(saveMove(d.env.Paths, d.env.Getenv, req, held, settled), slowSaveNotice(req.rev, held, settled))
}

// unchangedWhy says why move leaves the stored order as it was: the
// gateway tries a profile in cooldown last wherever it is placed (the moved
// one, or the one it was carried past), or the profile was carried only
// among profiles the order leaves out.
func (d *Dashboard) unchangedWhy(move authstore.Move) string {
	passed := move.Below
	if move.Down {
		passed = move.Above
	}
	for _, id := range []string{move.ID, passed} {
		r, ok := d.rows[id]
		if !ok || r.health.Unusable == "" || !r.health.Until.After(d.now) {
			continue
		}
		state := "in " + r.health.Unusable
		if r.health.Unusable == authstore.UnusableDisabled {
			state = "disabled"
		}
		until := clockTime(r.health.Until, d.now)
		if id == move.ID {
			return fmt.Sprintf("%s stays where it was: %s until %s, the gateway tries it last anyway", id, state, until)
		}
		return fmt.Sprintf("%s stays where it was: %s is %s until %s and tried last anyway", move.ID, id, state, until)
	}
	return fmt.Sprintf("%s stays where it was: it moved only among profiles the order leaves out", move.ID)
}

// grabMove is the move that dropping the carried profile now would make.
func (d *Dashboard) grabMove() (authstore.Move, bool) {
	g := d.list.grab
	if g == nil {
		return authstore.Move{}, false
	}
	i := slices.Index(d.list.ids, g.id)
	if i < 0 {
		return authstore.Move{}, false
	}
	m := authstore.Move{ID: g.id, Down: i > slices.Index(g.orig, g.id)}
	if i > 0 {
		m.Above = d.list.ids[i-1]
	}
	if i+1 < len(d.list.ids) {
		m.Below = d.list.ids[i+1]
	}
	return m, true
}

// stepMove is the move K/J just made: the profile now at the cursor.
func (d *Dashboard) stepMove(down bool) authstore.Move {
	i := d.list.cursor
	m := authstore.Move{ID: d.list.ids[i], Down: down}
	if i > 0 {
		m.Above = d.list.ids[i-1]
	}
	if i+1 < len(d.list.ids) {
		m.Below = d.list.ids[i+1]
	}
	return m
}

// carryRanks numbers the rows while a profile is carried: the place the
// gateway will try each once the profile is dropped where it is now
// (authstore.PlanMove, then the gateway's own order rule: a profile in
// cooldown still goes last). Recomputed only when the list or the data
// changed.
func (d *Dashboard) carryRanks() carryPreview {
	if d.carry.ranks != nil && d.carry.listGen == d.list.gen && d.carry.reportGen == d.reportGen {
		return d.carry
	}
	c := carryPreview{listGen: d.list.gen, reportGen: d.reportGen, ranks: map[string]int{}}
	if m, ok := d.grabMove(); ok {
		view := d.viewSnap()
		m.Seen = view.Override(d.provider)
		eo := view.EffectiveOrderWith(d.provider, authstore.PlanMove(&view, d.provider, m, d.now), d.now)
		for i, id := range eo.IDs {
			c.ranks[id] = i + 1
		}
		c.total = len(eo.IDs)
	}
	d.carry = c
	return c
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

// canWrite says why a write cannot start now, or "".
func (d *Dashboard) cannotWrite() string {
	switch {
	case d.loadErr != nil:
		return "the store cannot be read; fix it first (see above)"
	case d.busy != "":
		return d.busy + " — wait a moment"
	}
	return ""
}

func (d *Dashboard) onKey(msg tea.KeyMsg) tea.Cmd {
	k := d.keys
	if d.picker != nil {
		return d.onPickerKey(msg)
	}
	if c := d.confirm; c != nil {
		switch {
		case key.Matches(msg, k.Confirm) && c.clear:
			d.confirm = nil
			if why := d.cannotWrite(); why != "" {
				return status(StatusWarn, "%s", why)
			}
			d.busy = "clearing the " + c.provider + " order"
			return clearOrder(d.env.Paths, d.env.Getenv, c.provider)
		case key.Matches(msg, k.Confirm):
			d.confirm = nil
			d.busy = "removing " + c.id
			return tea.Batch(status(StatusInfo, "removing %s…", c.id), removeProfile(d.env.Paths, d.env.Getenv, c.id))
		case key.Matches(msg, k.Deny):
			d.confirm = nil
			if c.clear {
				return status(StatusInfo, "kept the %s order", c.provider)
			}
			return status(StatusInfo, "kept it")
		}
		return nil
	}
	if d.list.grab != nil {
		return d.onMovingKey(msg)
	}
	switch {
	case key.Matches(msg, k.Add):
		return emit(OpenWizardMsg{})
	case key.Matches(msg, k.Reload):
		text := "reloaded"
		if len(d.probes) > 0 && d.probesRunning() == 0 {
			d.probes = map[string]probeState{} // a fresh look: old probe results go
			d.rowsVersion++
			text = "reloaded; probe results cleared"
		}
		return tea.Batch(d.reload(), status(StatusInfo, "%s", text))
	case key.Matches(msg, k.ProbeAll):
		return d.probeProvider()
	case key.Matches(msg, k.Agents):
		return d.openAgents()
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		d.focus = 1 - d.focus
		return nil
	case key.Matches(msg, k.Left):
		d.focus = paneProviders
		return nil
	case key.Matches(msg, k.Right):
		d.focus = paneProfiles
		return nil
	}
	if d.focus == paneProviders {
		switch {
		case key.Matches(msg, k.Up):
			d.selectProvider(d.provCursor - 1)
		case key.Matches(msg, k.Down):
			d.selectProvider(d.provCursor + 1)
		case key.Matches(msg, k.PageUp):
			d.selectProvider(d.provCursor - max(d.geom().provRows-1, 1))
		case key.Matches(msg, k.PageDown):
			d.selectProvider(d.provCursor + max(d.geom().provRows-1, 1))
		case key.Matches(msg, k.Top):
			d.selectProvider(0)
		case key.Matches(msg, k.Bottom):
			d.selectProvider(len(d.report.Providers) - 1)
		case key.Matches(msg, k.Grab):
			d.focus = paneProfiles
		case key.Matches(msg, k.ClearOrder):
			return d.clearOverride()
		case key.Matches(msg, k.Probe):
			return d.probeProvider() // the provider is what is selected here
		}
		return nil
	}
	page := max(d.geom().listRows-1, 1)
	switch {
	case key.Matches(msg, k.Up):
		d.list.moveCursor(-1)
	case key.Matches(msg, k.Down):
		d.list.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		d.list.moveCursor(-page)
	case key.Matches(msg, k.PageDown):
		d.list.moveCursor(page)
	case key.Matches(msg, k.Top):
		d.list.setCursor(0)
	case key.Matches(msg, k.Bottom):
		d.list.setCursor(d.list.rows() - 1)
	case key.Matches(msg, k.Grab):
		if why := d.cannotMove(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.startGrab(false)
	case key.Matches(msg, k.MoveUp), key.Matches(msg, k.MoveDown):
		if why := d.cannotMove(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		delta := -1
		if key.Matches(msg, k.MoveDown) {
			delta = 1
		}
		if !d.list.move(delta) {
			id, _ := d.list.selectedID()
			if delta > 0 {
				return status(StatusInfo, "%s is already the last profile; nothing moved", id)
			}
			return status(StatusInfo, "%s is already the first profile; nothing moved", id)
		}
		d.list.scrollTo(d.geom().listRows)
		m := d.stepMove(delta > 0)
		view := d.viewSnap()
		m.Seen = view.Override(d.provider)
		return d.requestSave(d.provider, m)
	case key.Matches(msg, k.Remove):
		if d.list.onEnvRow() {
			return status(StatusWarn, "%s", d.envReadOnly())
		}
		id, ok := d.list.selectedID()
		if !ok {
			return status(StatusInfo, "no profile selected")
		}
		if why := d.cannotWrite(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.confirm = &confirmState{id: id}
		return nil
	case key.Matches(msg, k.ClearOrder):
		return d.clearOverride()
	case key.Matches(msg, k.Probe):
		return d.probeSelected()
	case key.Matches(msg, k.Renew):
		return d.renewSelected()
	}
	d.list.scrollTo(d.geom().listRows)
	return nil
}

// cannotMove says why the selected row cannot be moved, or "".
func (d *Dashboard) cannotMove() string {
	if d.list.onEnvRow() {
		return d.envReadOnly()
	}
	if _, ok := d.list.selectedID(); !ok {
		return "no profile to move"
	}
	if d.provider == authstore.NoProvider {
		return `these profiles have no "provider" field: the gateway never uses them, so they have no order (see moltbot doctor)`
	}
	if len(d.list.ids) < 2 {
		return "only one profile: nothing to reorder"
	}
	return d.cannotWrite()
}

func (d *Dashboard) envReadOnly() string {
	if d.list.cursor-len(d.list.ids) < len(d.envRows) {
		r := d.envRows[d.list.cursor-len(d.list.ids)]
		where := "the environment"
		if r.envSource == authstore.SourceDotEnv {
			where = d.displayPath(d.env.Paths.Env)
		}
		return fmt.Sprintf("%s comes from %s and is read-only here (not part of the order; edit it there)", r.label, where)
	}
	return "environment keys are read-only here"
}

func (d *Dashboard) clearOverride() tea.Cmd {
	pr, ok := d.report.Provider(d.provider)
	if !ok {
		return nil
	}
	if pr.Order.Source != authstore.SourceOverride {
		return status(StatusInfo, "%s has no order override (its order is %s)", d.provider, pr.Order.Source)
	}
	if why := d.cannotWrite(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	view := d.viewSnap()
	d.confirm = &confirmState{clear: true, provider: d.provider, override: view.Override(d.provider).IDs}
	return nil
}

func (d *Dashboard) onMovingKey(msg tea.KeyMsg) tea.Cmd {
	k := d.keys
	rows := d.geom().listRows
	moved := false
	switch {
	case key.Matches(msg, k.Up), key.Matches(msg, k.MoveUp):
		moved = d.list.move(-1)
	case key.Matches(msg, k.Down), key.Matches(msg, k.MoveDown):
		moved = d.list.move(1)
	case key.Matches(msg, k.PageUp):
		moved = d.list.move(-max(rows-1, 1))
	case key.Matches(msg, k.PageDown):
		moved = d.list.move(max(rows-1, 1))
	case key.Matches(msg, k.Top):
		moved = d.list.moveTo(0)
	case key.Matches(msg, k.Bottom):
		moved = d.list.moveTo(len(d.list.ids) - 1)
	case key.Matches(msg, k.Cancel):
		d.list.cancel()
		d.drag = nil
		d.list.scrollTo(rows)
		return nil
	case key.Matches(msg, k.Drop):
		return d.drop()
	}
	if moved {
		d.list.scrollTo(rows)
	}
	return nil
}

// drop ends a move and saves when the profile was carried somewhere else.
func (d *Dashboard) drop() tea.Cmd {
	m, ok := d.grabMove()
	_, changed := d.list.drop()
	d.drag = nil
	if !ok || !changed {
		return nil
	}
	m.Seen = d.grabSeen
	return d.requestSave(d.provider, m)
}

func (d *Dashboard) selectProvider(i int) {
	provs := d.report.Providers
	if len(provs) == 0 {
		return
	}
	i = min(max(i, 0), len(provs)-1)
	if provs[i].Provider == d.provider {
		d.provCursor = i
		return
	}
	d.provCursor = i
	d.provider = provs[i].Provider
	d.list = reorderList{}
	d.loadRows("")
}

func (d *Dashboard) onMouse(msg tea.MouseMsg) tea.Cmd {
	if d.confirm != nil || d.picker != nil || d.width == 0 {
		return nil
	}
	g := d.geom()
	inProfiles := msg.X >= g.listX && msg.X < g.listX+g.listW
	inProviders := msg.X >= 0 && msg.X < g.provW
	switch {
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelUp:
		if inProviders {
			d.selectProvider(d.provCursor - 1)
		} else if d.list.grab == nil {
			d.list.moveCursor(-1)
			d.list.scrollTo(g.listRows)
		}
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelDown:
		if inProviders {
			d.selectProvider(d.provCursor + 1)
		} else if d.list.grab == nil {
			d.list.moveCursor(1)
			d.list.scrollTo(g.listRows)
		}
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if d.list.grab != nil {
			return nil // a keyboard move is in progress; finish it first
		}
		if inProviders && msg.Y >= g.provY && msg.Y < g.provY+g.provRows {
			d.focus = paneProviders
			d.selectProvider(d.provOffset + msg.Y - g.provY)
			return nil
		}
		if inProfiles && msg.Y >= g.listY && msg.Y < g.listY+g.listRows {
			row := d.list.offset + msg.Y - g.listY
			if row >= d.list.rows() {
				return nil
			}
			d.focus = paneProfiles
			d.list.setCursor(row)
			if row < len(d.list.ids) && d.cannotWrite() == "" {
				d.drag = &mouseDrag{row: row}
			}
		}
	case msg.Action == tea.MouseActionMotion && d.drag != nil:
		row := d.list.offset + msg.Y - g.listY
		switch {
		case msg.Y < g.listY:
			row = d.list.offset - 1 // above the list: scroll up one
		case msg.Y >= g.listY+g.listRows:
			row = d.list.offset + g.listRows // below: scroll down one
		}
		row = min(max(row, 0), len(d.list.ids)-1)
		if !d.drag.moved {
			if row == d.drag.row {
				return nil
			}
			if !d.startGrab(true) {
				d.drag = nil
				return nil
			}
			d.drag.moved = true
		}
		d.list.moveTo(row)
		d.list.scrollTo(g.listRows)
	case msg.Action == tea.MouseActionRelease && d.drag != nil:
		if d.drag.moved && d.list.grab != nil {
			return d.drop()
		}
		d.drag = nil
	}
	return nil
}

// geometry is where things are inside the dashboard's area; View and the
// mouse use the same numbers.
type geometry struct {
	errLines            int
	paneY, paneH        int
	provW               int
	provY, provRows     int
	listX, listY, listW int
	listRows            int
	detailRows          int // the selected row described in full below the list
}

const headerLines = 1

func (d *Dashboard) geom() geometry {
	var g geometry
	if d.width <= 0 || d.height <= 0 {
		return g
	}
	g.errLines = len(d.errorLines(d.width))
	g.paneY = headerLines + g.errLines
	g.paneH = max(d.height-g.paneY, 0)
	g.provW = d.providerPaneWidth()
	g.provY = g.paneY + 1
	g.provRows = max(g.paneH-2, 0)
	g.listX = g.provW + 1
	g.listW = max(d.width-g.provW-2, 0)
	inner := max(g.paneH-2, 0)
	switch {
	case inner >= 12:
		g.detailRows = 2 // room for a long id, an email and every note
	case inner >= 6:
		g.detailRows = 1
	}
	g.listY = g.paneY + 2 // border, column header
	g.listRows = max(inner-1-g.detailRows, 0)
	return g
}

// providerPaneWidth fits the provider list in its fullest form that the
// screen allows (see providerFormat), within about a third of the width.
func (d *Dashboard) providerPaneWidth() int {
	natural := len("Providers") + 6
	nameW, countW, badgeW := providerWidths(d.report.Providers)
	natural = max(natural, 2+nameW+1+countW+1+badgeW+2)
	limit := max(d.width*3/10, 18)
	return min(natural, limit, max(d.width/2, 1))
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

// View draws the dashboard into exactly its width × height.
func (d *Dashboard) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	g := d.geom()
	lines := make([]string, 0, d.height)
	lines = append(lines, d.headerLine())
	lines = append(lines, d.errorLines(d.width)...)
	if !d.loaded {
		lines = append(lines, d.st.Dim.Render(" Loading "+authstore.SafeText(d.displayPath(d.env.Paths.Store))+" …"))
	} else if g.paneH >= 3 {
		st := d.st
		if d.loadErr != nil {
			st = st.greyed()
		}
		left := d.providerPane(st, g)
		right := d.profilePane(st, g)
		for i := 0; i < g.paneH; i++ {
			lines = append(lines, left[i]+right[i])
		}
	}
	out := fitBlock(lines, d.width, d.height)
	if d.confirm != nil {
		out = Overlay(out, d.confirmDialog(), d.width, d.height)
	}
	if d.picker != nil {
		out = Overlay(out, d.agentPickerView(), d.width, d.height)
	}
	return out
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

func (d *Dashboard) headerLine() string {
	st := d.st
	agent := authstore.SafeText(d.env.Paths.AgentID)
	if agent == "" {
		agent = "(from $CLAWDBOT_AGENT_DIR)"
	}
	path := authstore.SafeText(d.displayPath(d.env.Paths.Store))
	agentPart := st.HeaderDim.Render(" agent ") + st.Header.Render(agent)
	if n := len(d.agentIDs); n > 1 {
		agentPart += st.HeaderDim.Render(fmt.Sprintf(" (%d agents: g)", n))
	}
	agentPart += st.HeaderDim.Render(" · ")
	left := st.Header.Render(" moltbot") + st.HeaderDim.Render(" ·") + agentPart
	right := ""
	if pr, ok := d.report.Provider(d.provider); ok && d.hasSnap {
		right = st.HeaderDim.Render("order: ") + st.Header.Render(string(pr.Order.Source)) + " "
	}
	// Narrow: the program name goes before the path is cut hard.
	const enough = 28
	room := d.width - lipgloss.Width(left) - lipgloss.Width(right) - 1
	if room < min(enough, lipgloss.Width(path)) {
		left = agentPart
		room = d.width - lipgloss.Width(left) - lipgloss.Width(right) - 1
	}
	if room < 12 {
		right = ""
		room = d.width - lipgloss.Width(left)
	}
	mid := st.HeaderDim.Render(truncateMiddle(path, room))
	gap := d.width - lipgloss.Width(left) - lipgloss.Width(mid) - lipgloss.Width(right)
	return left + mid + strings.Repeat(" ", max(gap, 0)) + right
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

// errorLines say what went wrong reading the store, where, and what to do.
func (d *Dashboard) errorLines(w int) []string {
	if d.loadErr == nil || w <= 0 {
		return nil
	}
	st := d.st
	bar := st.ErrorBar.Render("┃") + " "
	var title, detail, todo string
	var ce *authstore.CorruptError
	switch {
	case errors.As(d.loadErr, &ce):
		where := d.displayPath(ce.Path)
		if ce.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", where, ce.Line, ce.Column)
		}
		title = "The auth store cannot be read: " + where
		detail = ce.Reason
		todo = "Nothing was written. Fix the file by hand, or run `moltbot doctor --fix` (moves it aside, restores the .bak)."
	default:
		title = "The auth store cannot be read"
		detail = d.loadErr.Error()
		todo = "Check the file and its permissions; press r to retry."
	}
	if d.hasSnap {
		todo += " Showing the last good data, greyed; it reloads when the file changes."
	} else {
		todo += " It reloads when the file changes."
	}
	out := []string{bar + st.ErrorText.Render(authstore.SafeText(title)), bar + st.Text.Render(authstore.SafeText(detail))}
	for _, l := range strings.Split(ansi.Wordwrap(todo, max(w-3, 10), ""), "\n") {
		out = append(out, bar+st.Dim.Render(l))
	}
	if limit := max(d.height/3, 2); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// box draws a rounded frame of w × h with title in the top edge around
// content lines (cut or padded to fit).
func box(st DashboardStyles, title string, content []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return make([]string, max(h, 0))
	}
	border, titleStyle := st.Border, st.Title
	if focused {
		border, titleStyle = st.BorderFocus, st.TitleFocus
	}
	inner := w - 2
	out := make([]string, 0, h)
	var top string
	if title != "" && inner > 4 {
		t := ansi.Truncate(title, inner-3, "…")
		top = border.Render("╭─ ") + titleStyle.Render(t) + border.Render(" "+strings.Repeat("─", max(inner-lipgloss.Width(t)-3, 0))+"╮")
	} else {
		top = border.Render("╭" + strings.Repeat("─", inner) + "╮")
	}
	out = append(out, top)
	side := border.Render("│")
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(content) {
			line = content[i]
		}
		out = append(out, side+FitLine(line, inner)+side)
	}
	out = append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return out
}

func (d *Dashboard) providerPane(st DashboardStyles, g geometry) []string {
	provs := d.report.Providers
	rows := g.provRows
	if d.provCursor < d.provOffset {
		d.provOffset = d.provCursor
	}
	if rows > 0 && d.provCursor >= d.provOffset+rows {
		d.provOffset = d.provCursor - rows + 1
	}
	key := provKey{reportGen: d.reportGen, cursor: d.provCursor, offset: d.provOffset, focus: d.focus,
		greyed: d.loadErr != nil, w: g.provW, h: g.paneH, rows: rows}
	if d.provCache.lines != nil && d.provCache.key == key {
		return d.provCache.lines
	}
	inner := g.provW - 2
	nameW, countW, badgeW := providerWidths(provs)
	format := chooseProviderFormat(inner, nameW, countW, badgeW)
	content := make([]string, 0, rows)
	for i := d.provOffset; i < len(provs) && len(content) < rows; i++ {
		p := provs[i]
		mark := " "
		name := st.Text
		if i == d.provCursor {
			if d.focus == paneProviders {
				mark = st.Cursor.Render("▸")
				name = st.Text.Inherit(st.Selected)
			} else {
				mark = st.Dim.Render("›")
			}
		}
		badge := providerBadge(p)
		bs := st.badge(authstore.Status(badge))
		var right string
		switch format {
		case provFull:
			right = st.Dim.Render(padLeft(countLabel(p), countW)) + " " + bs.Render(fitCell(badge, badgeW))
		case provNoCount:
			right = bs.Render(fitCell(badge, badgeW))
		default:
			right = bs.Render(statusSign(badge))
		}
		nw := max(inner-2-lipgloss.Width(right)-1, 1)
		content = append(content, mark+" "+name.Render(fitCell(authstore.SafeText(p.Provider), nw))+" "+right)
	}
	lines := box(st, "Providers", content, g.provW, g.paneH, d.focus == paneProviders && d.loadErr == nil)
	d.provCache = provMemo{key: key, lines: lines}
	return lines
}

func (d *Dashboard) profilePane(st DashboardStyles, g geometry) []string {
	w := g.listW + 2
	pr, ok := d.report.Provider(d.provider)
	title := "Profiles"
	if ok {
		n := len(pr.Profiles)
		title = fmt.Sprintf("%s · %d %s", authstore.SafeText(pr.Provider), n, plural(n, "profile", "profiles"))
		if d.list.grab != nil {
			title = "moving " + authstore.SafeText(d.list.grab.id) + " · ↑/↓ then space to drop, esc to cancel"
		}
	}
	focused := d.focus == paneProfiles && d.loadErr == nil
	inner := g.listW
	if !ok || d.list.rows() == 0 {
		return box(st, title, d.emptyLines(st, pr, ok, inner), w, g.paneH, focused)
	}
	all := make([]profileRow, 0, d.list.rows())
	var carry carryPreview
	if d.list.grab != nil {
		carry = d.carryRanks()
	}
	for _, id := range d.list.ids {
		r := d.rows[id]
		if d.list.grab != nil {
			// Where it will be tried once dropped: a profile in cooldown
			// keeps its last place whatever row it is shown in.
			r.rank = carry.ranks[id]
		}
		r.probe, r.probeLevel = d.probeCell(r.key)
		all = append(all, r)
	}
	for _, r := range d.envRows {
		r.probe, r.probeLevel = d.probeCell(r.key)
		all = append(all, r)
	}
	m := &d.colsCache
	expired := anyExpired(all, d.now)
	if m.cols == nil || m.version != d.rowsVersion || m.expired != expired || m.moving != (d.list.grab != nil) || m.width != inner {
		cols, gap := fitColumns(tableColumns(all, d.now), inner)
		*m = colsMemo{version: d.rowsVersion, expired: expired, moving: d.list.grab != nil, width: inner, cols: cols, gap: gap, key: columnsKey(cols)}
	}
	cols, gap := m.cols, m.gap
	content := make([]string, 0, g.paneH)
	content = append(content, renderColumnHeader(st, cols, gap, inner))
	d.list.scrollTo(g.listRows)
	end := min(d.list.offset+g.listRows, len(all))
	for i := d.list.offset; i < end; i++ {
		state := rowPlain
		if i == d.list.cursor {
			switch {
			case d.list.grab != nil:
				state = rowGrabbed
			case focused:
				state = rowCursor
			default:
				state = rowCursorBlurred
			}
		}
		content = append(content, d.rowCache.render(st, d.loadErr != nil, all[i], cols, m.key, gap, d.now, state, inner))
	}
	if g.detailRows > 0 {
		detail := d.detailLines(st, all, pr, inner, g.detailRows)
		for len(content) < g.listRows+1+g.detailRows-len(detail) {
			content = append(content, "")
		}
		content = append(content, detail...)
	}
	if len(all) > g.listRows && g.listRows > 0 {
		title += fmt.Sprintf(" · %d–%d of %d", d.list.offset+1, end, len(all))
	}
	return box(st, title, content, w, g.paneH, focused)
}

// detailLines describe the selected row in full (ids and emails the table
// had to cut, the exact expiry, why the gateway skips it) in at most n
// lines of w, broken between parts.
func (d *Dashboard) detailLines(st DashboardStyles, all []profileRow, pr authstore.ProviderReport, w, n int) []string {
	if d.list.cursor < 0 || d.list.cursor >= len(all) {
		return nil
	}
	r := all[d.list.cursor]
	parts := []string{r.label}
	if r.env {
		parts = append(parts, r.mask, noteText(r, d.now), "read-only")
	} else {
		if r.email != "" {
			parts = append(parts, r.email)
		}
		if r.mask != "" {
			parts = append(parts, r.mask)
		}
		if !r.health.ExpiresAt.IsZero() {
			verb := "expires "
			if !r.health.ExpiresAt.After(d.now) {
				verb = "expired "
			}
			parts = append(parts, verb+r.health.ExpiresAt.In(d.now.Location()).Format("2006-01-02 15:04"))
			if d.renewDue() {
				parts = append(parts, "R renews it")
			}
		}
		switch {
		case r.health.Unusable != "" && r.health.Until.After(d.now):
			parts = append(parts, noteText(r, d.now)+" (until "+r.health.Until.In(d.now.Location()).Format("15:04")+")")
		case r.excluded != "":
			parts = append(parts, "not tried: "+r.excluded)
		}
		if !r.lastUsed.IsZero() {
			parts = append(parts, "used "+timefmt.Ago(r.lastUsed, d.now))
		}
		if total := len(pr.Order.IDs); r.rank > 0 {
			if d.list.grab != nil {
				total = d.carryRanks().total
			}
			parts = append(parts, fmt.Sprintf("tried %s of %d", ordinal(r.rank), total))
		}
	}
	if p := d.probeDetail(r.key); p != "" {
		parts = append(parts, authstore.SafeText(p))
	}
	lines := wrapParts(parts, " · ", w-1, n)
	for i, l := range lines {
		lines[i] = st.Dim.Render(fitCell(" "+l, w))
	}
	return lines
}

// wrapParts joins parts with sep into lines of at most w columns, breaking
// only between parts, in at most n lines; what is left over goes on the
// last line, which fitCell then cuts with "…".
func wrapParts(parts []string, sep string, w, n int) []string {
	var lines []string
	cur := ""
	for _, p := range parts {
		switch {
		case cur == "":
			cur = p
		case len(lines) < n-1 && lipgloss.Width(cur+sep+p) > w:
			lines = append(lines, cur)
			cur = p
		default:
			cur += sep + p
		}
	}
	return append(lines, cur)
}

func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return strconv.Itoa(n) + "th"
	case n%10 == 1:
		return strconv.Itoa(n) + "st"
	case n%10 == 2:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3:
		return strconv.Itoa(n) + "rd"
	}
	return strconv.Itoa(n) + "th"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// emptyLines is what the profile pane says when there is nothing to list.
func (d *Dashboard) emptyLines(st DashboardStyles, pr authstore.ProviderReport, ok bool, w int) []string {
	if d.snap.Store == nil {
		// The first read failed (a corrupt store): nothing good to show yet.
		return []string{"", "  " + st.Dim.Render("Nothing to show until the store can be read (see above).")}
	}
	var text []string
	key := st.Key.Render("a")
	store := authstore.SafeText(d.displayPath(d.env.Paths.Store))
	provider := authstore.SafeText(pr.Provider)
	switch {
	case len(d.snap.Store.Profiles) == 0 && !d.snap.Exists:
		text = []string{
			st.Text.Render("No credentials yet."),
			"",
			st.Dim.Render(store + " does not exist."),
		}
	case len(d.snap.Store.Profiles) == 0:
		text = []string{st.Text.Render("No credentials yet."), "", st.Dim.Render(store + " has no profiles.")}
	case ok:
		text = []string{st.Text.Render("No profiles for " + provider + ".")}
	default:
		text = []string{st.Text.Render("No providers.")}
	}
	if ok && pr.Missing {
		text = append(text, "", st.Bad.Render(provider+" is used by the configured model but has no credential:"),
			st.Bad.Render("the gateway cannot call it."))
	}
	text = append(text, "", "Press "+key+" to add one (the wizard walks you through it),",
		st.Dim.Render("or run `moltbot models auth paste-token --provider "+firstNonEmpty(provider, "anthropic")+"`."))
	out := make([]string, 0, len(text)+1)
	out = append(out, "")
	for _, t := range text {
		for _, l := range strings.Split(ansi.Wordwrap(t, max(w-4, 10), ""), "\n") {
			out = append(out, "  "+l)
		}
	}
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// confirmDialog asks before removing a profile or clearing an override.
func (d *Dashboard) confirmDialog() string {
	st := d.st
	c := d.confirm
	w := min(max(d.width-8, 30), 64)
	inner := w - 4
	title := "Remove " + ansi.Truncate(authstore.SafeText(c.id), inner-8, "…") + "?"
	text := fmt.Sprintf("The %s profile is deleted from auth-profiles.json (with its usage stats and its place in every order) and from the config's auth.profiles.", d.rows[c.id].typ)
	verb, keep := " remove   ", " keep it"
	if c.clear {
		title = "Clear the " + ansi.Truncate(authstore.SafeText(c.provider), inner-20, "…") + " order override?"
		text = fmt.Sprintf("The gateway stops using the override (%s) and tries the %s profiles in the order the config or its automatic rule gives.", authstore.ListIDs(c.override, 0), authstore.SafeText(c.provider))
		verb, keep = " clear   ", " keep it"
	}
	lines := []string{
		st.DialogTitle.Render(title),
		"",
		st.Text.Render(ansi.Wordwrap(text, inner, "")),
		"",
		st.Key.Render("y") + st.Dim.Render(verb) + st.Key.Render("n") + st.Dim.Render("/") + st.Key.Render("esc") + st.Dim.Render(keep),
	}
	return st.Dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

// ShortHelp is the help bar for what can be done right now.
func (d *Dashboard) ShortHelp() []key.Binding {
	k := d.keys
	switch {
	case d.picker != nil:
		return []key.Binding{relabel(k.Up, "↑/↓", "select"), k.PickAgent, k.ClosePicker}
	case d.confirm != nil && d.confirm.clear:
		return []key.Binding{relabel(k.Confirm, k.Confirm.Help().Key, "clear"), k.Deny}
	case d.confirm != nil:
		return []key.Binding{k.Confirm, k.Deny}
	case d.list.grab != nil:
		return []key.Binding{relabel(k.Up, "↑/↓", "move"), k.Drop, k.Cancel}
	case d.focus == paneProviders:
		return []key.Binding{relabel(k.Up, "↑/↓", "provider"), relabel(k.Right, "→", "profiles"), k.Add, d.enable(k.ClearOrder, d.canClear()), d.enable(relabel(k.Probe, "p", "probe all"), d.canProbe()), k.Reload}
	}
	movable := d.cannotMove() == ""
	// The arrows need no introduction (the full help lists them). R shows
	// when the selected token is expiring or expired, early, because the
	// bar drops its last bindings when the window is narrow.
	return []key.Binding{
		d.enable(relabel(k.Grab, "space", "move"), movable),
		d.enable(relabel(k.MoveUp, "K/J", "move+save"), movable),
		d.enable(relabel(k.Renew, "R", "renew"), d.renewDue()),
		k.Add, d.enable(k.Remove, d.canRemove()), d.enable(k.ClearOrder, d.canClear()),
		d.enable(relabel(k.Probe, "p/P", "probe"), d.canProbe()),
	}
}

// renewDue reports whether the selected profile is a token R can renew
// that is expiring or has expired.
func (d *Dashboard) renewDue() bool {
	id, ok := d.list.selectedID()
	if !ok {
		return false
	}
	st := d.rows[id].health.Status
	return (st == authstore.StatusExpiring || st == authstore.StatusExpired) && d.cannotRenew() == ""
}

// FullHelp is every binding, grouped, with the impossible ones disabled.
func (d *Dashboard) FullHelp() [][]key.Binding {
	k := d.keys
	movable := d.cannotMove() == ""
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextPane, k.Left, k.Right, k.Reload},
		{d.enable(k.Grab, movable), k.Drop, k.Cancel, d.enable(k.MoveUp, movable), d.enable(k.MoveDown, movable), d.enable(k.ClearOrder, d.canClear())},
		{k.Add, d.enable(k.Remove, d.canRemove())},
		{d.enable(k.Probe, d.canProbe()), d.enable(k.ProbeAll, d.canProbe()), d.enable(k.Renew, d.cannotRenew() == ""), k.Agents},
	}
}

// canProbe says whether there is a credential to probe.
func (d *Dashboard) canProbe() bool {
	return d.loadErr == nil && d.list.rows() > 0
}

func (d *Dashboard) canRemove() bool {
	_, ok := d.list.selectedID()
	return ok && d.cannotWrite() == ""
}

func (d *Dashboard) canClear() bool {
	pr, ok := d.report.Provider(d.provider)
	return ok && pr.Order.Source == authstore.SourceOverride && d.loadErr == nil
}

// enable returns a copy of b enabled or not (help shows only what works).
func (d *Dashboard) enable(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on && b.Enabled())
	return b
}

// relabel returns a copy of b with other help text.
func relabel(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}
