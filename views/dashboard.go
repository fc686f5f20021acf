package views

import (
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

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
	// Copy copies the selected profile to another agent (the agent picker
	// asks which).
	Copy key.Binding
	// Confirm and Deny answer the confirm dialog.
	Confirm, Deny key.Binding
	// Click, Drag and Wheel describe the mouse in the full help; no key
	// matches them.
	Click, Drag, Wheel key.Binding
	// ClearCooldown ends the selected profile's cooldown or disabled state
	// (all of the provider's, on the provider pane), after asking.
	ClearCooldown key.Binding
	// InOrder takes the selected profile out of its provider's order, or
	// puts it back.
	InOrder key.Binding
	// Filter starts typing a filter; AcceptFilter ends the typing and
	// keeps it; ClearFilter drops it.
	Filter, AcceptFilter, ClearFilter key.Binding
	// NextTrouble and PrevTrouble select the next or previous profile that
	// needs attention, across providers.
	NextTrouble, PrevTrouble key.Binding
	// Undo undoes the last change made in this session.
	Undo key.Binding
	// EditConfig opens the gateway's config in $VISUAL or $EDITOR.
	EditConfig key.Binding
}

// pane is where keyboard focus is.
type pane int

const (
	paneProviders pane = iota
	paneProfiles
)

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

	// hadStore says a load found the store; when a later one does not, it
	// was deleted meanwhile (the header says so). backup is the number of
	// profiles in a good .bak, -1 when there is none to restore.
	hadStore bool
	backup   int
	sum      reportSummary // the header's counts and badge (summary)
	// copyTargets are the agents the copy picker offers, by id.
	copyTargets map[string]authstore.Paths

	finder finder // the filter (/)
	undo   undoer // this session's changes (z)
	// edited is how the editor (e) ended, until the config is read again.
	edited *editorClosedMsg

	// found is the agent's files as the newest load found them: their
	// gateway detected again (a gateway may have written its first files,
	// or been upgraded, since the dashboard started).
	found authstore.Paths
}

var _ Component = (*Dashboard)(nil)

// NewDashboard makes the dashboard for env; Init loads the store.
func NewDashboard(env Env) *Dashboard {
	now := time.Now()
	if env.Clock != nil {
		now = env.Clock()
	}
	warn := env.Warn
	if warn <= 0 {
		warn = authstore.DefaultWarn
	}
	return &Dashboard{
		env:       env,
		keys:      env.Keys.Dashboard,
		st:        env.Styles.Dashboard,
		now:       now,
		warn:      warn,
		backup:    -1,
		focus:     paneProfiles,
		providers: newProviderList(env.Keys.Dashboard),
		table:     newProfileTable(env.Keys.Dashboard),
		moves:     newMover(env.Keys.Dashboard),
		finder:    finder{keys: env.Keys.Dashboard},
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

// CapturesInput is true while a filter is typed: every key is text then.
func (d *Dashboard) CapturesInput() bool { return d.finder.typing }

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

// AgentIDs are the agents the dashboard found (for tests and wiring).
func (d *Dashboard) AgentIDs() []string {
	return append([]string(nil), d.agentIDs...)
}

// Agent is the agent whose files are shown ("" when the agent directory
// came from the environment).
func (d *Dashboard) Agent() string { return d.env.Paths.AgentID }

// PickingAgent reports whether the agent picker is open.
func (d *Dashboard) PickingAgent() bool {
	_, ok := d.modal.(*agentPicker)
	return ok
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
	case copyTargetsListedMsg:
		return d, d.onCopyTargets(msg)
	case copyTargetPickedMsg:
		return d, d.onCopyPicked(msg)
	case profileCopiedMsg:
		return d, d.onCopied(msg)
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
	case usageClearedMsg, inOrderSetMsg, undoneMsg, editorFoundMsg, editorClosedMsg:
		return d, d.onAction(msg)
	}
	return d, nil
}

// onKey routes a key: to the open dialog, to the carry, to the
// dashboard's own actions, then to the focused pane.
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
	if d.finder.typing {
		return d.filterKey(msg)
	}
	if d.table.list.grab != nil {
		if m, ok := d.moves.carryKey(msg, &d.table.list, d.table.height); ok {
			return d.requestSave(m)
		}
		return nil
	}
	if cmd, ok := d.actionKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Add):
		if why := d.gatewayRefusal(); why != "" {
			return status(StatusWarn, "%s", why)
		}
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
	case key.Matches(msg, k.Copy):
		return d.copySelected()
	}
	return nil
}

// onMouse routes the mouse by where it is: the wheel and clicks to the
// pane under the pointer, a press, drag and release on a profile row to
// the move state.
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

// providerChanged shows the newly selected provider's profiles.
func (d *Dashboard) providerChanged() {
	d.table.reset()
	d.loadRows("")
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

// cannotWrite says why a write cannot start now, or "".
func (d *Dashboard) cannotWrite() string {
	switch {
	case d.gatewayRefusal() != "":
		return d.gatewayRefusal()
	case d.loadErr != nil:
		return "the store cannot be read; fix it first (see above)"
	case d.busy() != "":
		return d.busy() + " — wait a moment"
	}
	return ""
}

// gatewayPaths is the agent's files with their gateway as last detected.
func (d *Dashboard) gatewayPaths() authstore.Paths {
	if d.found.StateDir != "" {
		return d.found
	}
	return d.env.Paths
}

// gatewayRefusal says, in one line with what to do, why nothing may be
// written to these files (a migration between gateway generations is
// pending, or nothing says which gateway they are for), or "".
func (d *Dashboard) gatewayRefusal() string {
	g := d.gatewayPaths().Gateway
	switch {
	case g.Pending != nil:
		return "migration pending, nothing is written: run `" + g.Pending.Command + "` first"
	case g.Generation == authstore.GenUnknown:
		return "no gateway files here yet, so moltbot writes nothing: run the gateway once, or start moltbot with --gateway (see the pane)"
	}
	return ""
}

// busy is the write in progress, or "".
func (d *Dashboard) busy() string { return firstNonEmpty(d.writing, d.renew.busy()) }

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
	if d.finder.filtering() {
		return "clear the filter first (" + firstKey(d.keys.ClearFilter) + "): the order has profiles it hides"
	}
	if len(d.table.list.ids) < 2 {
		return "only one profile: nothing to reorder"
	}
	return d.cannotWrite()
}

// envReadOnly says why the env row under the cursor cannot be changed.
func (d *Dashboard) envReadOnly() string {
	if r, ok := d.table.envRow(); ok {
		where := "the environment"
		if r.envSource == authstore.SourceDotEnv {
			where = d.displayPath(d.env.Paths.Env)
		}
		return fmt.Sprintf("%s comes from %s and is read-only here (not part of the order; edit it there)", r.label, where)
	}
	return "environment keys are read-only here"
}

// clearOverride asks before clearing the selected provider's order
// override.
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
