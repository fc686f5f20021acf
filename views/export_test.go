package views

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// SlowSaveDelay lets the external tests shorten the "still saving" notice
// timer, which their inline command runner would otherwise sleep through.
var SlowSaveDelay = &slowSaveDelay

// LookClaude lets the external tests stand in for the PATH lookup that R
// (renew in place) does before it hands the terminal to claude.
var LookClaude = &lookClaude

// Loaded is the message a finished load of snap sends d: the fuzz target
// shows snapshots built in memory, without files.
func Loaded(d *Dashboard, snap authstore.Snapshot) tea.Msg {
	d.loadSeq++
	return storeLoadedMsg{seq: d.loadSeq, snap: snap}
}
