package views

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the dashboard's help: the bindings that work now, for the
// help bar and the full help (?), disabled when they cannot work so the
// help never offers a dead key.

// helpState is what decides which keys work now. The help is a function
// of it alone (shortHelp, fullHelp), so what the bar offers in each
// situation is tested apart from the dashboard.
type helpState struct {
	focus     pane
	navigable bool // there is more than one row or provider to go to
	panes     bool // there are providers, so the panes can be switched
	agents    bool // another agent has a store to switch to
	moving    bool // a profile is carried
	movable   bool // the selected row can be carried or moved a step
	removable bool // the selected row is a profile and a write can start
	clearable bool // the provider's order is an override and the store reads
	probeable bool // there is a credential to probe
	renewable bool // the selected row is a token R can renew now
	renewDue  bool // … and it is expiring or has expired
	// coolable: u can clear a cooldown now (the selected row's, or on the
	// provider pane one of the provider's).
	coolable bool
	// inOrder: x can take the selected profile out of the order now;
	// outOfOrder: x can put it back.
	inOrder, outOfOrder bool
	filtered            bool // a filter is shown (esc clears it)
	typing              bool // … and being typed
	trouble             bool // some profile shown needs attention (n/N; full help only)
	undoable            bool // z can undo a change now
	loaded              bool // there is data to filter
	copyable            bool // the selected row is a profile that can be copied to another agent now
	// readOnly: the gateway keeps moltbot from writing (a pending
	// migration, an unknown gateway), so add offers nothing either.
	readOnly bool
}

// helpState is the dashboard's situation for the help.
func (d *Dashboard) helpState() helpState {
	_, selected := d.table.selectedID()
	pr, ok := d.report.Provider(d.providers.selected())
	renewable := d.cannotRenew() == ""
	canChange := d.cannotChange() == ""
	row, hasRow := d.table.selectedRow()
	coolable := hasRow && cooling(row, d.now)
	if d.focus == paneProviders {
		coolable = len(coolingRows(d.table.all(), d.now)) > 0
	}
	x := canChange && hasRow && !row.env && d.focus == paneProfiles && d.providers.selected() != authstore.NoProvider
	return helpState{
		coolable:   canChange && coolable,
		inOrder:    x && !notListed(row.excluded),
		outOfOrder: x && notListed(row.excluded),
		filtered:   d.finder.active(),
		typing:     d.finder.typing,
		undoable:   canChange && d.undo.ready(),
		loaded:     d.hasSnap,
		focus:      d.focus,
		navigable:  d.table.len() > 1 || len(d.providers.provs) > 1,
		panes:      len(d.providers.provs) > 0,
		agents:     len(d.agentIDs) > 1,
		moving:     d.table.list.grab != nil,
		movable:    d.cannotMove() == "",
		removable:  selected && d.cannotWrite() == "",
		clearable:  ok && pr.Order.Source == authstore.SourceOverride && d.loadErr == nil && d.gatewayRefusal() == "",
		probeable:  d.loadErr == nil && d.table.len() > 0,
		renewable:  renewable,
		renewDue:   renewable && d.renewDue(),
		copyable:   d.focus == paneProfiles && d.cannotCopy() == "",
		readOnly:   d.gatewayRefusal() != "",
	}
}

// ShortHelp is the help bar for what can be done right now: an open
// dialog's keys, or the dashboard's.
func (d *Dashboard) ShortHelp() []key.Binding {
	if d.modal != nil {
		return d.modal.ShortHelp()
	}
	return shortHelp(d.keys, d.helpState())
}

// FullHelp is every binding, grouped, with the impossible ones disabled.
func (d *Dashboard) FullHelp() [][]key.Binding {
	s := d.helpState()
	s.trouble = d.anyTrouble() // a walk over every profile: not for every frame's bar
	return fullHelp(d.keys, s)
}

// shortHelp is the help bar in situation s.
func shortHelp(k DashboardKeys, s helpState) []key.Binding {
	switch {
	case s.typing:
		return []key.Binding{relabel(k.AcceptFilter, firstKey(k.AcceptFilter), "keep filter"), relabel(k.ClearFilter, firstKey(k.ClearFilter), "clear filter")}
	case s.moving:
		return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "move"), relabel(k.Drop, firstKey(k.Drop), k.Drop.Help().Desc), k.Cancel}
	case s.focus == paneProviders:
		return []key.Binding{enable(k.ClearFilter, s.filtered), relabel(k.Up, keyPair(k.Up, k.Down), "provider"), relabel(k.Right, firstKey(k.Right), "profiles"),
			enable(k.Undo, s.undoable), enable(k.Add, !s.readOnly), enable(k.ClearOrder, s.clearable), enable(relabel(k.Probe, firstKey(k.Probe), "probe all"), s.probeable), k.Reload,
			enable(relabel(k.ClearCooldown, firstKey(k.ClearCooldown), "clear cooldowns"), s.coolable)}
	}
	// The arrows need no introduction (the full help lists them). R shows
	// when the selected token is expiring or expired, early, because the
	// bar drops its last bindings when the window is narrow.
	// What fixes the selected row (u, x back in) and undo come early too.
	return []key.Binding{
		enable(k.ClearFilter, s.filtered),
		enable(relabel(k.Grab, firstKey(k.Grab), "move"), s.movable),
		enable(relabel(k.MoveUp, keyPair(k.MoveUp, k.MoveDown), "move+save"), s.movable),
		enable(relabel(k.Renew, firstKey(k.Renew), "renew"), s.renewDue),
		enable(k.ClearCooldown, s.coolable),
		enable(relabel(k.InOrder, firstKey(k.InOrder), "put back in order"), s.outOfOrder),
		enable(k.Undo, s.undoable),
		enable(k.Add, !s.readOnly), enable(k.Remove, s.removable), enable(k.ClearOrder, s.clearable),
		enable(relabel(k.Probe, keyPair(k.Probe, k.ProbeAll), "probe"), s.probeable),
	}
}

// fullHelp is every binding in situation s, grouped; what cannot work
// now is disabled (the help leaves it out), the mouse is described last.
func fullHelp(k DashboardKeys, s helpState) [][]key.Binding {
	inOrder := k.InOrder
	switch {
	case s.inOrder:
		inOrder = describe(inOrder, "take out of order")
	case s.outOfOrder:
		inOrder = describe(inOrder, "put back in order")
	}
	nav := s.navigable
	move := []key.Binding{enable(k.Grab, s.movable), enable(k.MoveUp, s.movable), enable(k.MoveDown, s.movable), enable(k.ClearOrder, s.clearable),
		enable(inOrder, s.inOrder || s.outOfOrder)}
	if s.moving {
		move = []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "move it"), k.Drop, k.Cancel}
		nav = false // the arrows move the profile now
	}
	still := !s.moving // what a move leaves for later
	return [][]key.Binding{
		{enable(k.Up, nav), enable(k.Down, nav), enable(k.PageUp, nav), enable(k.PageDown, nav), enable(k.Top, nav), enable(k.Bottom, nav)},
		{enable(k.NextPane, s.panes && still), enable(k.Left, s.panes && still), enable(k.Right, s.panes && still), enable(k.Reload, still)},
		move,
		{enable(k.Add, !s.readOnly && still), enable(k.Remove, s.removable && still), enable(k.Copy, s.copyable && still),
			enable(k.ClearCooldown, s.coolable && still), enable(k.Undo, s.undoable && still), enable(k.EditConfig, still)},
		{enable(k.Filter, s.loaded && still), enable(k.ClearFilter, s.filtered && still), enable(k.NextTrouble, s.trouble && still), enable(k.PrevTrouble, s.trouble && still)},
		{enable(k.Probe, s.probeable && still), enable(k.ProbeAll, s.probeable && still), enable(k.Renew, s.renewable && still), enable(k.Agents, s.agents && still)},
		{enable(k.Click, s.panes && still), enable(k.Drag, s.movable && still), enable(k.Wheel, nav)},
	}
}

// anyTrouble reports whether some profile shown needs attention (n/N).
func (d *Dashboard) anyTrouble() bool {
	for _, pr := range d.providers.provs {
		for _, p := range pr.Profiles {
			if needsAttention(p, d.now) {
				return true
			}
		}
	}
	return false
}

// renewDue reports whether the selected profile's token is expiring or
// has expired (whether R can renew it is cannotRenew's question).
func (d *Dashboard) renewDue() bool {
	id, ok := d.table.selectedID()
	if !ok {
		return false
	}
	st := d.table.rows[id].health.Status
	return st == authstore.StatusExpiring || st == authstore.StatusExpired
}

// enable returns a copy of b enabled or not (help shows only what works).
func enable(b key.Binding, on bool) key.Binding {
	b.SetEnabled(on && b.Enabled())
	return b
}
