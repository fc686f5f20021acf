package tui

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/moltbot/moltbot/views"
)

// Keys is every binding of the program; this file is the only place that
// chooses them (SPEC §6).
type Keys struct {
	Global GlobalKeys
	Views  views.KeyMap
}

// GlobalKeys work on every screen that is not taking text; Interrupt
// also while it is.
type GlobalKeys struct {
	Help key.Binding
	Quit key.Binding
	// Interrupt quits from anywhere, except in a wizard opened from the
	// dashboard, which it cancels.
	Interrupt key.Binding
	// Suspend puts moltbot in the background (the shell's fg brings it
	// back), as ctrl+z does to any program.
	Suspend key.Binding
}

// DefaultKeys are moltbot's bindings.
func DefaultKeys() Keys {
	return Keys{
		Global: GlobalKeys{
			Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
			Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
			Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
			Suspend:   key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		},
		Views: views.KeyMap{Dashboard: views.DashboardKeys{
			Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
			PageDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
			Top:         key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
			Bottom:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
			NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
			PrevPane:    key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "switch pane")),
			Left:        key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "providers")),
			Right:       key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "profiles")),
			Grab:        key.NewBinding(key.WithKeys(" ", "enter"), key.WithHelp("space/enter", "grab to move")),
			Drop:        key.NewBinding(key.WithKeys(" ", "enter"), key.WithHelp("space/enter", "drop & save")),
			Cancel:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel move")),
			MoveUp:      key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K/⇧↑", "move up & save")),
			MoveDown:    key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J/⇧↓", "move down & save")),
			Add:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
			Remove:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "remove")),
			ClearOrder:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "clear order")),
			Reload:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
			Probe:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "probe profile")),
			ProbeAll:    key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "probe provider")),
			Agents:      key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "pick agent")),
			PickAgent:   key.NewBinding(key.WithKeys("enter", " "), key.WithHelp("enter", "show agent")),
			ClosePicker: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Renew:       key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "renew token")),
			Copy:        key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy to agent")),
			Confirm:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "remove")),
			Deny:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep")),
			// The mouse, for the full help: no key is called these.
			Click: key.NewBinding(key.WithKeys("mouse:click"), key.WithHelp("click", "select a row or provider")),
			Drag:  key.NewBinding(key.WithKeys("mouse:drag"), key.WithHelp("drag", "move a profile, release saves")),
			Wheel: key.NewBinding(key.WithKeys("mouse:wheel"), key.WithHelp("wheel", "scroll")),

			ClearCooldown: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear cooldown")),
			InOrder:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "exclude/include")),
			Filter:        key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
			AcceptFilter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			ClearFilter:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
			NextTrouble:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next to fix")),
			PrevTrouble:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous to fix")),
			Undo:          key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "undo")),
			EditConfig:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit config")),
		}, Wizard: wizardKeys()},
	}
}

// wizardKeys are the onboarding wizard's own bindings; its forms keep
// huh's (enter, arrows, tab).
func wizardKeys() views.WizardKeys {
	return views.WizardKeys{
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel")),
		Done: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
	}
}

// scopes lists, per situation, the bindings that are live at the same
// time; within one scope no two may share a key.
func (k Keys) scopes() map[string][]key.Binding {
	d := k.Views.Dashboard
	g := []key.Binding{k.Global.Help, k.Global.Quit, k.Global.Interrupt, k.Global.Suspend}
	with := func(bs ...key.Binding) []key.Binding { return append(append([]key.Binding(nil), g...), bs...) }
	return map[string][]key.Binding{
		"dashboard": with(d.Up, d.Down, d.PageUp, d.PageDown, d.Top, d.Bottom, d.NextPane, d.PrevPane,
			d.Left, d.Right, d.Grab, d.MoveUp, d.MoveDown, d.Add, d.Remove, d.ClearOrder, d.Reload,
			d.Probe, d.ProbeAll, d.Agents, d.Renew, d.Copy, d.ClearCooldown, d.InOrder, d.Filter, d.ClearFilter,
			d.NextTrouble, d.PrevTrouble, d.Undo, d.EditConfig),
		// While a filter is typed every other key is text (q and ? too).
		"filtering": {k.Global.Interrupt, k.Global.Suspend, d.AcceptFilter, d.ClearFilter},
		"agents":    with(d.Up, d.Down, d.Top, d.Bottom, d.PickAgent, d.ClosePicker),
		"copy to":   with(d.Up, d.Down, d.Top, d.Bottom, d.PickAgent, d.ClosePicker, d.Copy),
		"moving":    with(d.Up, d.Down, d.PageUp, d.PageDown, d.Top, d.Bottom, d.MoveUp, d.MoveDown, d.Drop, d.Cancel),
		"confirm":   with(d.Confirm, d.Deny),
		"wizard":    {k.Views.Wizard.Back, k.Views.Wizard.Quit, k.Views.Wizard.Done, k.Global.Suspend},
	}
}
