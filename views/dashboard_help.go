package views

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the dashboard's help: the bindings that work now, for the
// help bar and the full help (?), disabled when they cannot work so the
// help never offers a dead key.

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
