package views

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
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
	orderClearedMsg struct {
		provider string
		res      authstore.OrderResult
		err      error
	}
	profileRemovedMsg struct {
		id        string
		snap      authstore.Snapshot
		err       error
		configErr error
	}
)

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

	providers providerList
	focus     pane
	table     profileTable
	detail    detailPane
	moves     mover // the carried profile's drop, the saves in flight
	reportGen int   // bumped whenever d.report is replaced
	// modal is a dialog over the dashboard (a question, the agent
	// picker); it takes every key until it is done.
	modal   dialog
	writing string // a removal or a clearing in progress ("removing …")
	probes  prober
	renew   renewer

	agentIDs []string    // agents with a store, from the last load
	agents   []agentInfo // the same, summarised for the picker
}

var _ Component = (*Dashboard)(nil)

// NewDashboard makes the dashboard for env; Init loads the store.
func NewDashboard(env Env) *Dashboard {
	now := time.Now()
	if env.Clock != nil {
		now = env.Clock()
	}
	return &Dashboard{
		env:       env,
		keys:      env.Keys.Dashboard,
		st:        env.Styles.Dashboard,
		now:       now,
		warn:      authstore.DefaultWarn,
		focus:     paneProfiles,
		providers: newProviderList(env.Keys.Dashboard),
		table:     newProfileTable(env.Keys.Dashboard),
		moves:     newMover(env.Keys.Dashboard),
		probes:    newProber(),
		renew:     renewer{keys: env.Keys.Dashboard},
	}
}

// Init loads the store.
func (d *Dashboard) Init() tea.Cmd { return d.reload() }

// SetSize tells the dashboard how much room it has.
func (d *Dashboard) SetSize(w, h int) {
	d.width, d.height = max(w, 0), max(h, 0)
	d.layout()
}

// CapturesInput is false: the dashboard never takes text.
func (d *Dashboard) CapturesInput() bool { return false }

// Moving reports whether a profile is being moved (keyboard or mouse).
func (d *Dashboard) Moving() bool { return d.table.list.grab != nil }

// SelectedProvider is the provider whose profiles are shown.
func (d *Dashboard) SelectedProvider() string { return d.providers.selected() }

// SelectedProfile is the profile id under the cursor ("" on an env row).
func (d *Dashboard) SelectedProfile() string {
	id, _ := d.table.list.selectedID()
	return id
}

// ShownOrder is the selected provider's profile ids as the screen shows
// them (during a move: the order being arranged).
func (d *Dashboard) ShownOrder() []string { return append([]string(nil), d.table.list.ids...) }

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

// dialog is a Component shown over the dashboard (a question, the agent
// picker). It takes every key while open. Once it is done (answered or
// dismissed) the dashboard closes it and acts on its answer at once, a
// message like any other (nil when it was dismissed without one).
type dialog interface {
	Component
	Result() (answer tea.Msg, done bool)
}

// open shows m over the dashboard.
func (d *Dashboard) open(m dialog) {
	m.SetSize(d.width, d.height)
	d.modal = m
}

// onAnswer carries out (or not) what the confirm dialog asked.
func (d *Dashboard) onAnswer(msg confirmAnsweredMsg) tea.Cmd {
	q := msg.q
	switch {
	case !msg.yes && q.kind == askClearOrder:
		return status(StatusInfo, "kept the %s order", q.provider)
	case !msg.yes:
		return status(StatusInfo, "kept it")
	case q.kind == askClearOrder:
		if why := d.cannotWrite(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.writing = "clearing the " + q.provider + " order"
		return clearOrder(d.env.Paths, d.env.Getenv, q.provider)
	}
	d.writing = "removing " + q.id
	return tea.Batch(status(StatusInfo, "removing %s…", q.id), removeProfile(d.env.Paths, d.env.Getenv, q.id))
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
		// The wizard may have taken the spinner's tick.
		return d, tea.Batch(d.reload(), d.probes.resume())
	case probeDoneMsg:
		return d, d.probes.done(msg, d.env.Paths.Store)
	case agentsListedMsg:
		return d, d.onAgentsListed(msg)
	case agentPickedMsg:
		return d, d.onAgentPicked(msg)
	case confirmAnsweredMsg:
		return d, d.onAnswer(msg)
	case renewClaudeMsg:
		return d, d.renew.onClaude(msg)
	case LoginFinishedMsg:
		return d, d.renew.onLogin(msg, d.env.Paths, d.env.Getenv, d.now)
	case tokenRenewedMsg:
		return d, d.onRenewed(msg)
	case spinner.TickMsg:
		return d, d.probes.tick(msg)
	case storeLoadedMsg:
		return d, d.onLoaded(msg)
	case orderSavedMsg:
		return d, d.onOrderSaved(msg)
	case orderClearedMsg:
		return d, d.onOrderCleared(msg)
	case profileRemovedMsg:
		return d, d.onRemoved(msg)
	case saveSlowMsg:
		return d, d.moves.slow(msg)
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
		if d.table.list.grab != nil {
			d.table.list.cancel()
		}
		d.moves.endDrag()
		d.layout()
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
	d.probes.keep(d.snap)
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
				d.providers.choose(p)
			}
		}
	}
	d.providers.setProviders(d.report.Providers, d.reportGen)
	keep, _ := d.table.list.selectedID()
	if d.selectNext != "" {
		if _, ok := d.table.rows[d.selectNext]; ok || d.table.list.grab == nil {
			keep = d.selectNext
		}
		d.selectNext = ""
	}
	d.loadRows(keep)
}

// loadRows fills the profile table for the selected provider.
func (d *Dashboard) loadRows(keep string) {
	pr, _ := d.report.Provider(d.providers.selected())
	if !d.table.setRows(pr, keep) {
		d.moves.endDrag() // the carried profile is gone
	}
	if c, ok := d.modal.(*confirmDialog); ok && c.q.kind == askRemove {
		if _, ok := d.table.rows[c.q.id]; !ok {
			d.modal = nil // it went away on disk; nothing left to ask
		}
	}
	d.layout()
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
func (d *Dashboard) viewSnap() authstore.Snapshot { return d.moves.planned(d.snap) }

func (d *Dashboard) onOrderSaved(msg orderSavedMsg) tea.Cmd {
	next, outcome := d.moves.saved(msg, d.env.Paths, d.env.Getenv)
	switch outcome {
	case saveFailed:
		d.table.list.cancel()
		if d.hasSnap {
			d.rebuild() // back to the last order read from disk until the reload lands
		}
		return tea.Batch(d.reload(), status(StatusError, "could not save the %s order (moving %s): %v — showing what is on disk", msg.req.provider, msg.req.move.ID, msg.err))
	case saveNext:
		return next
	case saveStale:
		return d.reload()
	}
	d.loadErr = nil
	d.appliedSeq = d.loadSeq // reads issued before the write are older
	d.applySnapshot(msg.res.Snapshot)
	level, text := movedText(msg.req, msg.res, d.report, d.viewSnap(), d.now)
	return status(level, "%s", text)
}

func (d *Dashboard) onOrderCleared(msg orderClearedMsg) tea.Cmd {
	d.writing = ""
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
	d.writing = ""
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

// requestSave saves move (one from the carry or K/J), unless it would
// leave the stored order as it is: then the status line says why.
func (d *Dashboard) requestSave(move authstore.Move) tea.Cmd {
	view := d.viewSnap()
	cmd, unchanged := d.moves.request(&view, d.providers.selected(), move, d.now, d.env.Paths, d.env.Getenv)
	if unchanged {
		d.rebuild()
		return status(StatusInfo, "%s", unchangedWhy(move, d.table.rows, d.now))
	}
	d.selectNext = move.ID
	d.rebuild()
	return cmd
}

// carryRanks is where the gateway will try each row once the carried
// profile is dropped where it is now.
func (d *Dashboard) carryRanks() carryPreview {
	return d.moves.ranks(&d.table.list, d.reportGen, d.providers.selected(), d.viewSnap, d.now)
}

// seenOverride is the selected provider's override as shown now.
func (d *Dashboard) seenOverride() authstore.Override {
	view := d.viewSnap()
	return view.Override(d.providers.selected())
}

// canWrite says why a write cannot start now, or "".
func (d *Dashboard) cannotWrite() string {
	switch {
	case d.loadErr != nil:
		return "the store cannot be read; fix it first (see above)"
	case d.busy() != "":
		return d.busy() + " — wait a moment"
	}
	return ""
}

// busy is the write in progress, or "".
func (d *Dashboard) busy() string { return firstNonEmpty(d.writing, d.renew.busy()) }

func (d *Dashboard) onKey(msg tea.KeyMsg) tea.Cmd {
	k := d.keys
	d.layout()
	if d.modal != nil {
		next, cmd := d.modal.Update(msg)
		d.modal = next.(dialog)
		answer, done := d.modal.Result()
		if !done {
			return cmd
		}
		d.modal = nil
		if answer != nil {
			_, then := d.Update(answer)
			cmd = tea.Batch(cmd, then)
		}
		return cmd
	}
	if d.table.list.grab != nil {
		if m, ok := d.moves.carryKey(msg, &d.table.list, d.table.height); ok {
			return d.requestSave(m)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Add):
		return emit(OpenWizardMsg{})
	case key.Matches(msg, k.Reload):
		text := "reloaded"
		if d.probes.clearResults() { // a fresh look: old probe results go
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
		if hit, changed := d.providers.Update(msg); hit {
			if changed {
				d.providerChanged()
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Grab):
			d.focus = paneProfiles
		case key.Matches(msg, k.ClearOrder):
			return d.clearOverride()
		case key.Matches(msg, k.Probe):
			return d.probeProvider() // the provider is what is selected here
		}
		return nil
	}
	if d.table.Update(msg) {
		return nil
	}
	switch {
	case key.Matches(msg, k.Grab):
		if why := d.cannotMove(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.moves.grab(&d.table.list, d.seenOverride(), false)
	case key.Matches(msg, k.MoveUp), key.Matches(msg, k.MoveDown):
		if why := d.cannotMove(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		delta := -1
		if key.Matches(msg, k.MoveDown) {
			delta = 1
		}
		if !d.table.list.move(delta) {
			id, _ := d.table.list.selectedID()
			if delta > 0 {
				return status(StatusInfo, "%s is already the last profile; nothing moved", id)
			}
			return status(StatusInfo, "%s is already the first profile; nothing moved", id)
		}
		d.table.list.scrollTo(d.table.height)
		m := stepMove(&d.table.list, delta > 0)
		m.Seen = d.seenOverride()
		return d.requestSave(m)
	case key.Matches(msg, k.Remove):
		if d.table.list.onEnvRow() {
			return status(StatusWarn, "%s", d.envReadOnly())
		}
		id, ok := d.table.list.selectedID()
		if !ok {
			return status(StatusInfo, "no profile selected")
		}
		if why := d.cannotWrite(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.open(newConfirmDialog(k, d.st, question{kind: askRemove, id: id, typ: d.table.rows[id].typ}))
		return nil
	case key.Matches(msg, k.ClearOrder):
		return d.clearOverride()
	case key.Matches(msg, k.Probe):
		return d.probeSelected()
	case key.Matches(msg, k.Renew):
		return d.renewSelected()
	}
	return nil
}

// cannotMove says why the selected row cannot be moved, or "".
func (d *Dashboard) cannotMove() string {
	if d.table.list.onEnvRow() {
		return d.envReadOnly()
	}
	if _, ok := d.table.list.selectedID(); !ok {
		return "no profile to move"
	}
	if d.providers.selected() == authstore.NoProvider {
		return `these profiles have no "provider" field: the gateway never uses them, so they have no order (see moltbot doctor)`
	}
	if len(d.table.list.ids) < 2 {
		return "only one profile: nothing to reorder"
	}
	return d.cannotWrite()
}

func (d *Dashboard) envReadOnly() string {
	if d.table.list.cursor-len(d.table.list.ids) < len(d.table.envRows) {
		r := d.table.envRows[d.table.list.cursor-len(d.table.list.ids)]
		where := "the environment"
		if r.envSource == authstore.SourceDotEnv {
			where = d.displayPath(d.env.Paths.Env)
		}
		return fmt.Sprintf("%s comes from %s and is read-only here (not part of the order; edit it there)", r.label, where)
	}
	return "environment keys are read-only here"
}

func (d *Dashboard) clearOverride() tea.Cmd {
	pr, ok := d.report.Provider(d.providers.selected())
	if !ok {
		return nil
	}
	if pr.Order.Source != authstore.SourceOverride {
		return status(StatusInfo, "%s has no order override (its order is %s)", d.providers.selected(), pr.Order.Source)
	}
	if why := d.cannotWrite(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	view := d.viewSnap()
	p := d.providers.selected()
	d.open(newConfirmDialog(d.keys, d.st, question{kind: askClearOrder, provider: p, override: view.Override(p).IDs}))
	return nil
}

// providerChanged shows the newly selected provider's profiles.
func (d *Dashboard) providerChanged() {
	d.table.reset()
	d.loadRows("")
}

func (d *Dashboard) onMouse(msg tea.MouseMsg) tea.Cmd {
	if d.modal != nil || d.width == 0 {
		return nil
	}
	g := d.layout()
	inProfiles := msg.X >= g.listX && msg.X < g.listX+g.listW
	inProviders := msg.X >= 0 && msg.X < g.provW
	switch {
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelUp:
		if inProviders {
			d.providerMouse(msg, g)
		} else if d.table.list.grab == nil {
			d.table.Update(msg)
		}
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonWheelDown:
		if inProviders {
			d.providerMouse(msg, g)
		} else if d.table.list.grab == nil {
			d.table.Update(msg)
		}
	case msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft:
		if d.table.list.grab != nil {
			return nil // a keyboard move is in progress; finish it first
		}
		if inProviders && msg.Y >= g.provY && msg.Y < g.provY+g.provRows {
			d.focus = paneProviders
			d.providerMouse(msg, g)
			return nil
		}
		if inProfiles && msg.Y >= g.listY && msg.Y < g.listY+g.listRows {
			row, ok := d.table.rowAt(msg.Y - g.listY)
			if !ok {
				return nil
			}
			d.focus = paneProfiles
			d.table.list.setCursor(row)
			if row < len(d.table.list.ids) && d.cannotWrite() == "" {
				d.moves.press(row)
			}
		}
	case msg.Action == tea.MouseActionMotion && d.moves.dragging():
		d.moves.motion(&d.table.list, msg.Y-g.listY, g.listRows, d.seenOverride)
	case msg.Action == tea.MouseActionRelease && d.moves.dragging():
		if m, ok := d.moves.release(&d.table.list); ok {
			return d.requestSave(m)
		}
	}
	return nil
}

// providerMouse hands a wheel turn or a click to the provider list.
func (d *Dashboard) providerMouse(msg tea.MouseMsg, g geometry) {
	msg.Y -= g.paneY
	if _, changed := d.providers.Update(msg); changed {
		d.providerChanged()
	}
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
	g.errLines = len(d.errorLines(d.width))
	g.paneY = headerLines + g.errLines
	g.paneH = max(d.height-g.paneY, 0)
	g.provW = d.providers.naturalWidth(d.width)
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

// View draws the dashboard into exactly its width × height.
func (d *Dashboard) View() string {
	if d.width <= 0 || d.height <= 0 {
		return ""
	}
	g := d.layout()
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
		left := d.providers.View(st, d.focus == paneProviders, d.loadErr != nil)
		right := d.profilePane(st, g)
		for i := 0; i < g.paneH; i++ {
			lines = append(lines, left[i]+right[i])
		}
	}
	out := fitBlock(lines, d.width, d.height)
	if d.modal != nil {
		out = Overlay(out, d.modal.View(), d.width, d.height)
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
			b.WriteString(fitLine(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// fitLine cuts a styled line to w cells or pads it with spaces to w.
func fitLine(s string, w int) string {
	sw := lipgloss.Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	if sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
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
		agentPart += st.HeaderDim.Render(fmt.Sprintf(" (%d agents: %s)", n, firstKey(d.keys.Agents)))
	}
	agentPart += st.HeaderDim.Render(" · ")
	left := st.Header.Render(" moltbot") + st.HeaderDim.Render(" ·") + agentPart
	right := ""
	if pr, ok := d.report.Provider(d.providers.selected()); ok && d.hasSnap {
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
		todo = "Check the file and its permissions; press " + firstKey(d.keys.Reload) + " to retry."
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
		out = append(out, side+fitLine(line, inner)+side)
	}
	out = append(out, border.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return out
}

func (d *Dashboard) profilePane(st DashboardStyles, g geometry) []string {
	w := g.listW + 2
	pr, ok := d.report.Provider(d.providers.selected())
	title := "Profiles"
	moving := d.table.list.grab != nil
	if ok {
		n := len(pr.Profiles)
		title = fmt.Sprintf("%s · %d %s", authstore.SafeText(pr.Provider), n, plural(n, "profile", "profiles"))
		if moving {
			k := d.keys
			title = "moving " + authstore.SafeText(d.table.list.grab.id) + " · " + keyPair(k.Up, k.Down) + " then " + firstKey(k.Drop) + " to drop, " + firstKey(k.Cancel) + " to cancel"
		}
	}
	focused := d.focus == paneProfiles && d.loadErr == nil
	if !ok || d.table.len() == 0 {
		return box(st, title, d.emptyLines(st, pr, ok, g.listW), w, g.paneH, focused)
	}
	f := tableFrame{now: d.now, focused: focused, greyed: d.loadErr != nil, probe: d.probes.cell, probeGen: d.probes.gen}
	total := len(pr.Order.IDs)
	if moving {
		carry := d.carryRanks()
		f.ranks, total = carry.ranks, carry.total
	}
	all := d.table.shown(f)
	content := d.table.View(st, all, f)
	if g.detailRows > 0 {
		var detail []string
		if c := d.table.list.cursor; c >= 0 && c < len(all) {
			info := detailInfo{row: all[c], now: d.now, total: total, probe: d.probes.detail(all[c].key)}
			if d.renewDue() {
				info.renewKey = firstKey(d.keys.Renew)
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

// emptyLines is what the profile pane says when there is nothing to list.
func (d *Dashboard) emptyLines(st DashboardStyles, pr authstore.ProviderReport, ok bool, w int) []string {
	if d.snap.Store == nil {
		// The first read failed (a corrupt store): nothing good to show yet.
		return []string{"", "  " + st.Dim.Render("Nothing to show until the store can be read (see above).")}
	}
	var text []string
	key := renderKeyName(firstKey(d.keys.Add), st.Key, st.Dim)
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

// ShortHelp is the help bar for what can be done right now.
func (d *Dashboard) ShortHelp() []key.Binding {
	k := d.keys
	switch {
	case d.modal != nil:
		return d.modal.ShortHelp()
	case d.table.list.grab != nil:
		return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "move"), k.Drop, k.Cancel}
	case d.focus == paneProviders:
		return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "provider"), relabel(k.Right, firstKey(k.Right), "profiles"), k.Add, d.enable(k.ClearOrder, d.canClear()), d.enable(relabel(k.Probe, firstKey(k.Probe), "probe all"), d.canProbe()), k.Reload}
	}
	movable := d.cannotMove() == ""
	// The arrows need no introduction (the full help lists them). R shows
	// when the selected token is expiring or expired, early, because the
	// bar drops its last bindings when the window is narrow.
	return []key.Binding{
		d.enable(relabel(k.Grab, firstKey(k.Grab), "move"), movable),
		d.enable(relabel(k.MoveUp, keyPair(k.MoveUp, k.MoveDown), "move+save"), movable),
		d.enable(relabel(k.Renew, firstKey(k.Renew), "renew"), d.renewDue()),
		k.Add, d.enable(k.Remove, d.canRemove()), d.enable(k.ClearOrder, d.canClear()),
		d.enable(relabel(k.Probe, keyPair(k.Probe, k.ProbeAll), "probe"), d.canProbe()),
	}
}

// renewSelected starts renewing the selected token profile.
func (d *Dashboard) renewSelected() tea.Cmd {
	if why := d.cannotRenew(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	id, _ := d.table.selectedID()
	return d.renew.start(id)
}

// cannotRenew says why the selected row cannot be renewed, or "".
func (d *Dashboard) cannotRenew() string {
	if d.table.list.onEnvRow() {
		return d.envReadOnly()
	}
	id, ok := d.table.selectedID()
	if !ok {
		return "no profile selected"
	}
	if d.renew.id != "" {
		return "already renewing " + d.renew.id
	}
	if why := d.renew.refusal(id, d.table.rows[id].typ); why != "" {
		return why
	}
	return d.cannotWrite()
}

// onRenewed shows the store as the renewal left it.
func (d *Dashboard) onRenewed(msg tokenRenewedMsg) tea.Cmd {
	if !d.renew.finish(msg.id) || msg.store != d.env.Paths.Store {
		return nil
	}
	level, text := d.renew.renewResult(msg, d.now)
	if msg.err != nil {
		return tea.Batch(d.reload(), status(level, "%s", text))
	}
	d.appliedSeq = d.loadSeq
	d.loadErr = nil
	d.selectNext = msg.id
	d.applySnapshot(msg.snap)
	return status(level, "%s", text)
}

// probeRows probes rows of the selected provider.
func (d *Dashboard) probeRows(rows []profileRow) tea.Cmd {
	if d.loadErr != nil {
		return status(StatusWarn, "the store cannot be read; fix it first (see above)")
	}
	if len(rows) == 0 {
		return status(StatusInfo, "nothing to probe")
	}
	pr, _ := d.report.Provider(d.providers.selected())
	reqs := make([]probeReq, 0, len(rows))
	for _, r := range rows {
		if t, ok := probeTarget(r, pr, d.snap.Store); ok {
			reqs = append(reqs, probeReq{key: r.key, label: r.label, target: t})
		}
	}
	return d.probes.start(reqs, d.providers.selected(), d.env.Paths, d.env.Getenv)
}

// probeSelected probes the row under the cursor.
func (d *Dashboard) probeSelected() tea.Cmd {
	r, ok := d.table.selectedRow()
	if !ok {
		return status(StatusInfo, "no profile selected")
	}
	return d.probeRows([]profileRow{r})
}

// probeProvider probes every profile and env key of the selected provider.
func (d *Dashboard) probeProvider() tea.Cmd { return d.probeRows(d.table.all()) }

// renewDue reports whether the selected profile is a token R can renew
// that is expiring or has expired.
func (d *Dashboard) renewDue() bool {
	id, ok := d.table.list.selectedID()
	if !ok {
		return false
	}
	st := d.table.rows[id].health.Status
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
	return d.loadErr == nil && d.table.list.rows() > 0
}

func (d *Dashboard) canRemove() bool {
	_, ok := d.table.list.selectedID()
	return ok && d.cannotWrite() == ""
}

func (d *Dashboard) canClear() bool {
	pr, ok := d.report.Provider(d.providers.selected())
	return ok && pr.Order.Source == authstore.SourceOverride && d.loadErr == nil
}

// enable returns a copy of b enabled or not (help shows only what works).
func (d *Dashboard) enable(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on && b.Enabled())
	return b
}
