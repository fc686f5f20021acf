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
	copyable  bool // the selected row is a profile that can be copied to another agent now
	// readOnly: the gateway keeps moltbot from writing (a pending
	// migration, an unknown gateway), so add offers nothing either.
	readOnly bool
}

// helpState is the dashboard's situation for the help.
func (d *Dashboard) helpState() helpState {
	_, selected := d.table.selectedID()
	pr, ok := d.report.Provider(d.providers.selected())
	renewable := d.cannotRenew() == ""
	return helpState{
		focus:     d.focus,
		navigable: d.table.len() > 1 || len(d.providers.provs) > 1,
		panes:     len(d.providers.provs) > 0,
		agents:    len(d.agentIDs) > 1,
		moving:    d.table.list.grab != nil,
		movable:   d.cannotMove() == "",
		removable: selected && d.cannotWrite() == "",
		clearable: ok && pr.Order.Source == authstore.SourceOverride && d.loadErr == nil && d.gatewayRefusal() == "",
		probeable: d.loadErr == nil && d.table.len() > 0,
		renewable: renewable,
		renewDue:  renewable && d.renewDue(),
		copyable:  d.focus == paneProfiles && d.cannotCopy() == "",
		readOnly:  d.gatewayRefusal() != "",
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
func (d *Dashboard) FullHelp() [][]key.Binding { return fullHelp(d.keys, d.helpState()) }

// shortHelp is the help bar in situation s.
func shortHelp(k DashboardKeys, s helpState) []key.Binding {
	switch {
	case s.moving:
		return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "move"), relabel(k.Drop, firstKey(k.Drop), k.Drop.Help().Desc), k.Cancel}
	case s.focus == paneProviders:
		return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "provider"), relabel(k.Right, firstKey(k.Right), "profiles"), enable(k.Add, !s.readOnly),
			enable(k.ClearOrder, s.clearable), enable(relabel(k.Probe, firstKey(k.Probe), "probe all"), s.probeable), k.Reload}
	}
	// The arrows need no introduction (the full help lists them). R shows
	// when the selected token is expiring or expired, early, because the
	// bar drops its last bindings when the window is narrow.
	return []key.Binding{
		enable(relabel(k.Grab, firstKey(k.Grab), "move"), s.movable),
		enable(relabel(k.MoveUp, keyPair(k.MoveUp, k.MoveDown), "move+save"), s.movable),
		enable(relabel(k.Renew, firstKey(k.Renew), "renew"), s.renewDue),
		enable(k.Add, !s.readOnly), enable(k.Remove, s.removable), enable(k.ClearOrder, s.clearable),
		enable(relabel(k.Probe, keyPair(k.Probe, k.ProbeAll), "probe"), s.probeable),
	}
}

// fullHelp is every binding in situation s, grouped; what cannot work
// now is disabled (the help leaves it out), the mouse is described last.
func fullHelp(k DashboardKeys, s helpState) [][]key.Binding {
	nav := s.navigable
	move := []key.Binding{enable(k.Grab, s.movable), enable(k.MoveUp, s.movable), enable(k.MoveDown, s.movable), enable(k.ClearOrder, s.clearable)}
	if s.moving {
		move = []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "move it"), k.Drop, k.Cancel}
		nav = false // the arrows move the profile now
	}
	return [][]key.Binding{
		{enable(k.Up, nav), enable(k.Down, nav), enable(k.PageUp, nav), enable(k.PageDown, nav), enable(k.Top, nav), enable(k.Bottom, nav)},
		{enable(k.NextPane, s.panes && !s.moving), enable(k.Left, s.panes && !s.moving), enable(k.Right, s.panes && !s.moving), enable(k.Reload, !s.moving)},
		move,
		{enable(k.Add, !s.moving && !s.readOnly), enable(k.Remove, s.removable && !s.moving), enable(k.Copy, s.copyable && !s.moving)},
		{enable(k.Probe, s.probeable && !s.moving), enable(k.ProbeAll, s.probeable && !s.moving), enable(k.Renew, s.renewable && !s.moving), enable(k.Agents, s.agents && !s.moving)},
		{enable(k.Click, s.panes && !s.moving), enable(k.Drag, s.movable && !s.moving), enable(k.Wheel, nav)},
	}
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
