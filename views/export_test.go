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

// LookEditor lets the external tests stand in for the PATH lookup of e.
var LookEditor = &lookEditor

// StubEditor makes e record the editor's command line instead of handing
// the terminal to it; restore undoes that.
func StubEditor() (argv *[]string, restore func()) {
	var got []string
	old := runEditorHook
	runEditorHook = func(m editorFoundMsg) tea.Cmd { got = m.argv; return nil }
	return &got, func() { runEditorHook = old }
}

// EditorClosed is the message the editor's end sends (changed: the file
// is not what it was).
func EditorClosed(path string, changed bool) tea.Msg {
	return editorClosedMsg{path: path, changed: changed}
}
