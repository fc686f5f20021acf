package views

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file routes the dashboard's keys and messages to the parts that do
// what no gateway offers: clearing a cooldown (cooldown.go), taking a
// profile out of the order (inorder.go), finding things (finder.go),
// undoing (undo.go) and editing the config (editor.go). Each part has the
// rules; here is only what the dashboard knows: what is selected, whether
// a write can start, and showing what a write left.

// actionKey handles the keys of those parts (not during a carry); ok is
// false for any other key.
func (d *Dashboard) actionKey(msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Filter):
		d.finder.start()
		d.layout()
		return nil, true
	case key.Matches(msg, k.ClearFilter) && d.finder.active():
		d.finder.clear()
		d.refilter()
		return status(StatusInfo, "filter cleared"), true
	case key.Matches(msg, k.NextTrouble):
		return d.jumpAttention(1), true
	case key.Matches(msg, k.PrevTrouble):
		return d.jumpAttention(-1), true
	case key.Matches(msg, k.ClearCooldown):
		return d.askClearCooldown(), true
	case key.Matches(msg, k.InOrder):
		return d.toggleInOrder(), true
	case key.Matches(msg, k.Undo):
		return d.startUndo(), true
	case key.Matches(msg, k.EditConfig):
		return findEditor(d.env.Getenv, d.env.Paths.Config), true
	}
	return nil, false
}

// filterKey gives a key to the filter being typed.
func (d *Dashboard) filterKey(msg tea.KeyMsg) tea.Cmd {
	if d.finder.Update(msg) || !d.finder.active() {
		d.refilter()
	}
	d.layout()
	return nil
}

// onAction handles the results of those parts' commands.
func (d *Dashboard) onAction(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case usageClearedMsg:
		return d.onUsageCleared(msg)
	case inOrderSetMsg:
		return d.onInOrderSet(msg)
	case undoneMsg:
		return d.onUndone(msg)
	case editorFoundMsg:
		if msg.err != nil {
			return status(StatusWarn, "cannot edit %s: %v", d.displayPath(msg.path), msg.err)
		}
		return runEditorHook(msg)
	case editorClosedMsg:
		d.edited = &msg
		return d.reload()
	}
	return nil
}

// cannotChange says why a change cannot start now, or "": a write in
// progress, moves still being saved, a store that cannot be read.
func (d *Dashboard) cannotChange() string {
	if d.moves.busy() {
		return "a save is in progress — wait a moment"
	}
	return d.cannotWrite()
}

// landed shows the snapshot a write of this dashboard returned, as read
// after it.
func (d *Dashboard) landed(snap authstore.Snapshot) {
	d.appliedSeq = d.loadSeq // reads issued before the write are older
	d.loadErr = nil
	d.applySnapshot(snap)
}

// refilter shows the providers and rows the filter keeps.
func (d *Dashboard) refilter() {
	d.reportGen++
	d.providers.sizeFor(d.report.Providers)
	d.providers.setProviders(d.finder.providers(d.report.Providers), d.reportGen)
	keep, _ := d.table.list.selectedID()
	d.loadRows(keep)
}

// jumpAttention selects the next (dir 1) or previous (dir -1) profile
// that needs attention, among the providers shown.
func (d *Dashboard) jumpAttention(dir int) tea.Cmd {
	id, _ := d.table.selectedID()
	at, ok := nextAttention(d.providers.provs, d.providers.selected(), id, dir, d.now)
	if !ok {
		where := ""
		if d.finder.filtering() {
			where = " among the profiles the filter shows"
		}
		return status(StatusInfo, "nothing needs attention%s: no profile is expired, expiring, missing, cooling down or disabled", where)
	}
	if at.provider != d.providers.selected() {
		d.providers.choose(at.provider)
		d.providers.setProviders(d.providers.provs, d.reportGen)
		d.table.reset()
	}
	d.focus = paneProfiles
	d.loadRows(at.id)
	why := ""
	if pr, ok := d.providers.report(at.provider); ok {
		for _, p := range pr.Profiles {
			if p.Profile.ID == at.id {
				why = attentionWhy(p, d.now)
			}
		}
	}
	text := fmt.Sprintf("%s: %s (%d of %d needing attention)", at.id, why, at.n, at.of)
	if at.wrapped && at.of > 1 {
		if dir > 0 {
			text += "; back at the first"
		} else {
			text += "; back at the last"
		}
	}
	return status(StatusInfo, "%s", text)
}

// askClearCooldown asks before clearing the selected profile's cooldown
// or, on the provider pane, every one of the provider's shown.
func (d *Dashboard) askClearCooldown() tea.Cmd {
	var rows []profileRow
	provider := d.providers.selected()
	if d.focus == paneProviders {
		if rows = coolingRows(d.table.all(), d.now); len(rows) == 0 {
			return status(StatusInfo, "no %s profile is cooling down or disabled; nothing to clear", provider)
		}
	} else {
		r, ok := d.table.selectedRow()
		switch {
		case ok && r.env:
			return status(StatusWarn, "%s", d.envReadOnly())
		case !ok:
			return status(StatusInfo, "no profile selected")
		case !cooling(r, d.now):
			return status(StatusInfo, "%s is not cooling down or disabled; nothing to clear", r.label)
		}
		rows = []profileRow{r}
	}
	if why := d.cannotChange(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	d.open(newConfirmDialog(d.keys, d.st, cooldownQuestion(provider, rows, d.now)))
	return nil
}

// clearCooldown clears what q asked about (answered yes).
func (d *Dashboard) clearCooldown(q question) tea.Cmd {
	if why := d.cannotChange(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	d.writing = "clearing the cooldown of " + authstore.ListIDs(q.ids, 0)
	return clearUsage(d.env.Paths, d.env.Getenv, q.ids, d.now)
}

func (d *Dashboard) onUsageCleared(msg usageClearedMsg) tea.Cmd {
	d.writing = ""
	if msg.store != d.env.Paths.Store {
		return nil // another agent is shown now
	}
	if msg.err != nil {
		return tea.Batch(d.reload(), status(StatusError, "could not clear the cooldown of %s: %v", authstore.ListIDs(msg.ids, 0), msg.err))
	}
	d.landed(msg.res.Snapshot)
	if !msg.res.Restore.Empty() {
		d.undo.record(usageChange(msg))
	}
	level, text := clearedStatus(msg, firstKey(d.keys.Undo), d.now)
	return status(level, "%s", text)
}

// toggleInOrder takes the selected profile out of its provider's order,
// or puts it back when the order leaves it out.
func (d *Dashboard) toggleInOrder() tea.Cmd {
	if d.focus == paneProviders {
		return status(StatusInfo, "select a profile first (%s): %s takes one profile out of the order or puts it back", firstKey(d.keys.Right), firstKey(d.keys.InOrder))
	}
	r, ok := d.table.selectedRow()
	switch {
	case ok && r.env:
		return status(StatusWarn, "%s", d.envReadOnly())
	case !ok:
		return status(StatusInfo, "no profile selected")
	case d.providers.selected() == authstore.NoProvider:
		return status(StatusWarn, `%s has no "provider" field: the gateway never uses it, so it is in no order (see moltbot doctor)`, r.label)
	}
	if why := d.cannotChange(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	include := notListed(r.excluded)
	if include {
		d.writing = "putting " + r.id + " back in the order"
	} else {
		d.writing = "taking " + r.id + " out of the order"
	}
	return setInOrder(d.env.Paths, d.env.Getenv, d.providers.selected(), r.id, include)
}

func (d *Dashboard) onInOrderSet(msg inOrderSetMsg) tea.Cmd {
	d.writing = ""
	if msg.store != d.env.Paths.Store {
		return nil
	}
	if msg.err != nil {
		verb := "take " + msg.id + " out of"
		if msg.include {
			verb = "put " + msg.id + " back in"
		}
		return tea.Batch(d.reload(), status(StatusError, "could not %s the %s order: %v", verb, msg.provider, msg.err))
	}
	d.landed(msg.res.Snapshot)
	if msg.res.Changed() {
		d.undo.record(inOrderChange(msg))
	}
	level, text := inOrderStatus(msg, d.report, d.keys)
	return status(level, "%s", text)
}

// startUndo undoes the newest change of this session.
func (d *Dashboard) startUndo() tea.Cmd {
	if why := d.undo.refusal(firstKey(d.keys.Undo)); why != "" {
		return status(StatusInfo, "%s", why)
	}
	if why := d.cannotChange(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	d.writing = "undoing"
	return d.undo.start(d.env.Paths, d.env.Getenv)
}

func (d *Dashboard) onUndone(msg undoneMsg) tea.Cmd {
	d.writing = ""
	if msg.store != d.env.Paths.Store {
		return nil
	}
	level, text := d.undo.finish(msg)
	if msg.err != nil {
		return tea.Batch(d.reload(), status(level, "%s", text))
	}
	d.landed(msg.snap)
	return status(level, "%s", text)
}

// editResult is the status after the config was read again following an
// edit.
func (d *Dashboard) editResult() tea.Cmd {
	msg := *d.edited
	d.edited = nil
	level, text := editedStatus(msg, d.snap.ConfigErr, d.displayPath(msg.path), firstKey(d.keys.EditConfig))
	return status(level, "%s", text)
}
