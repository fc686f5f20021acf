package views

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is where the dashboard's data comes from and goes: reading the
// store, the config and .env in a command; turning a snapshot into the
// report and the rows shown; the results of the writes (a move, a
// clearing, a removal, a renewal); switching to another agent's files.

// Messages the dashboard sends itself. They carry values (snapshots are
// values whose stores are never changed after loading).
type (
	storeLoadedMsg struct {
		seq    int
		snap   authstore.Snapshot
		err    error
		agents []string // agents of the state directory that have a store
		// backup is the number of profiles in a good .bak, -1 when there
		// is none; looked for only when the store is corrupt or absent.
		backup int
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
		agents, _ := authstore.DiscoverAgents(paths)
		backup := -1
		if err != nil || !snap.Exists {
			if n, berr := authstore.CheckBackup(paths); berr == nil {
				backup = n
			}
		}
		return storeLoadedMsg{seq: seq, snap: snap, err: err, agents: agents, backup: backup}
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

func (d *Dashboard) onLoaded(msg storeLoadedMsg) tea.Cmd {
	if msg.seq <= d.appliedSeq {
		return nil // an older read finished after a newer one
	}
	d.appliedSeq = msg.seq
	d.loaded = true
	d.agentIDs = msg.agents
	d.backup = msg.backup
	if msg.snap.Paths.StateDir != "" {
		d.found = msg.snap.Paths
	}
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

// reportSideErrors mentions a .env that cannot be read, once per distinct
// problem (a config that cannot be read is shown above the panes), or how
// an edit of the config went.
func (d *Dashboard) reportSideErrors() tea.Cmd {
	if d.edited != nil {
		return d.editResult()
	}
	var parts []string
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
	d.hadStore = d.hadStore || snap.Exists
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
	d.providers.sizeFor(d.report.Providers)
	d.providers.setProviders(d.finder.providers(d.report.Providers), d.reportGen)
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
	// The provider as the filter keeps it, in the room the table has now
	// (it scrolls once).
	pr, _ := d.providers.report(d.providers.selected())
	d.layout()
	if !d.table.setRows(pr, keep) {
		d.moves.endDrag() // the carried profile is gone
	}
	if c, ok := d.modal.(*confirmDialog); ok && c.q.kind == askRemove {
		if _, ok := d.table.rows[c.q.id]; !ok {
			d.modal = nil // it went away on disk; nothing left to ask
		}
	}
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
		consider(u.BlockedUntil)
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
	if msg.err == nil && msg.res.Changed() && msg.res.Snapshot.Paths.Store == d.env.Paths.Store {
		d.undo.record(orderChange("the move of "+msg.req.move.ID, msg.res))
	}
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
	if msg.res.Changed() {
		text += " (" + firstKey(d.keys.Undo) + " undoes)"
	}
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
	d.undo.record(orderChange("clearing the "+msg.provider+" order override", msg.res))
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
	d.undo.record(change{kind: changeRemoved, what: "removing " + msg.id})
	if msg.configErr != nil {
		return status(StatusWarn, "removed %s from the store; the config was not changed: %v", msg.id, msg.configErr)
	}
	return status(StatusSuccess, "removed %s", msg.id)
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

func (d *Dashboard) onAgentsListed(msg agentsListedMsg) tea.Cmd {
	if msg.stateDir != d.env.Paths.StateDir {
		return nil
	}
	if msg.err != nil {
		if msg.open {
			return status(StatusError, "could not list the agents in %s: %v", d.displayPath(msg.stateDir), msg.err)
		}
		return nil
	}
	d.agents = msg.agents
	d.agentIDs = d.agentIDs[:0]
	for _, a := range msg.agents {
		d.agentIDs = append(d.agentIDs, a.id)
	}
	if !msg.open {
		return nil
	}
	others := 0
	for _, a := range d.agents {
		if a.id != d.env.Paths.AgentID {
			others++
		}
	}
	if others == 0 {
		return status(StatusInfo, "only one agent has a store here (%s); nothing to switch to", d.displayPath(filepath.Join(msg.stateDir, "agents")))
	}
	d.open(newAgentPicker(d.keys, d.st, d.agents, d.env.Paths.AgentID))
	return nil
}

// switchAgent shows another agent's store: everything about the old one
// (rows, probes, pending orders) is dropped and the new one is loaded.
func (d *Dashboard) switchAgent(id string) tea.Cmd {
	paths, err := d.env.Paths.ForAgent(id)
	if err != nil {
		return status(StatusError, "%v", err)
	}
	d.env.Paths = paths
	d.appliedSeq = d.loadSeq // loads of the old agent still on their way are ignored
	d.loaded, d.hasSnap, d.loadErr = false, false, nil
	d.hadStore, d.backup = false, -1
	d.snap = authstore.Snapshot{}
	d.report = authstore.Report{}
	d.reportGen++
	d.nextChange = time.Time{}
	d.configErr = ""
	d.table.clear()
	d.moves.forget()
	d.modal = nil
	d.probes.forget()
	d.renew.forget()
	d.undo.forget()
	return tea.Batch(d.reload(), emit(AgentSwitchedMsg{Paths: paths}), status(StatusInfo, "showing agent %s", id))
}
