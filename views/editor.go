package views

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is editing the gateway's config (`e`): the terminal goes to
// $VISUAL, else $EDITOR, else the first of editor, nano and vi found on
// PATH (tea.ExecProcess), and comes back when it exits. The live reload
// then shows the result; a config the edit left unreadable is shown above
// the panes (header.go) and in the status line, and nothing is ever
// written over it (authstore never rewrites a config it cannot parse).

type (
	// editorFoundMsg is the editor to run on path (or why there is none),
	// and the config's content before the edit.
	editorFoundMsg struct {
		argv   []string
		path   string
		before [sha256.Size]byte
		err    error
	}
	// editorClosedMsg says the editor exited; changed reports whether the
	// file is not what it was.
	editorClosedMsg struct {
		path    string
		err     error
		changed bool
	}
)

// lookEditor finds a program on PATH (tests stand in for it).
var lookEditor = exec.LookPath

// defaultEditors are tried, in order, when neither $VISUAL nor $EDITOR is
// set: Debian's alternative, then two found nearly everywhere.
var defaultEditors = []string{"editor", "nano", "vi"}

// findEditor chooses the editor in a command (it stats PATH and reads the
// config).
func findEditor(getenv func(string) string, path string) tea.Cmd {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	look := lookEditor
	visual, editor := getenv("VISUAL"), getenv("EDITOR")
	return func() tea.Msg {
		msg := editorFoundMsg{path: path, before: fileSum(path)}
		msg.argv, msg.err = chooseEditor(visual, editor, look)
		if msg.argv != nil {
			msg.argv = append(msg.argv, path)
		}
		return msg
	}
}

// chooseEditor is the command line of the editor to run (without the
// file), from $VISUAL, $EDITOR or the defaults.
func chooseEditor(visual, editor string, look func(string) (string, error)) ([]string, error) {
	for _, v := range []struct{ name, value string }{{"$VISUAL", visual}, {"$EDITOR", editor}} {
		argv := strings.Fields(v.value)
		if len(argv) == 0 {
			continue
		}
		p, err := look(argv[0])
		if err != nil {
			return nil, fmt.Errorf("%s is %q, which is not on PATH; fix it, or unset it", v.name, v.value)
		}
		return append([]string{p}, argv[1:]...), nil
	}
	for _, name := range defaultEditors {
		if p, err := look(name); err == nil {
			return []string{p}, nil
		}
	}
	return nil, errors.New("no editor: set $VISUAL or $EDITOR (e.g. export EDITOR=nano), or install nano or vi")
}

// fileSum is the SHA-256 of path's content (of nothing when it cannot be
// read: a file created by the edit then counts as changed).
func fileSum(path string) [sha256.Size]byte {
	data, err := os.ReadFile(path) // #nosec G304 -- the config the user asked to edit
	if err != nil {
		return [sha256.Size]byte{}
	}
	return sha256.Sum256(data)
}

// runEditorHook is runEditor (tests record the command instead).
var runEditorHook = runEditor

// runEditor hands the terminal to the editor found.
func runEditor(msg editorFoundMsg) tea.Cmd {
	c := exec.Command(msg.argv[0], msg.argv[1:]...) // #nosec G204 -- the user's own $EDITOR
	path, before := msg.path, msg.before
	return tea.ExecProcess(c, func(err error) tea.Msg {
		return editorClosedMsg{path: path, err: err, changed: fileSum(path) != before}
	})
}

// editedStatus says how the edit went once the config was read again:
// cerr is why the config cannot be read now (nil: it can).
func editedStatus(msg editorClosedMsg, cerr error, shown string, editKey string) (StatusLevel, string) {
	switch {
	case cerr != nil:
		return StatusError, fmt.Sprintf("the config you saved cannot be read (see above); nothing will be written to it — press %s to fix it", editKey)
	case msg.err != nil && msg.changed:
		return StatusWarn, fmt.Sprintf("the editor ended with an error (%v); %s changed and reads well", msg.err, shown)
	case msg.err != nil:
		return StatusError, fmt.Sprintf("the editor ended with an error: %v; %s is unchanged", msg.err, shown)
	case msg.changed:
		return StatusSuccess, "saved " + shown + "; showing what it says now"
	}
	return StatusInfo, shown + " unchanged"
}

// configNote is the error line text for a config that cannot be read, for
// the header: where, what, and what to do.
func configNote(err error, home string) (title, detail string) {
	var ce *authstore.ConfigError
	if errors.As(err, &ce) {
		where := DisplayPath(ce.Path, home)
		if ce.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", where, ce.Line, ce.Column)
		}
		return "The config cannot be read: " + where, ce.Err.Error()
	}
	return "The config cannot be read", err.Error()
}

// ExecReturned marks the editor's end as the terminal coming back.
func (editorClosedMsg) ExecReturned() {}
