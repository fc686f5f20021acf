package views

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is undo (`z`): the changes made in this session, newest last,
// and undoing the newest as one more transaction from a fresh read
// (authstore.RevertOrder for an order, RestoreUsageState for a cooldown
// clear). When the store changed since in a way that makes the undo wrong
// (someone else wrote the order, the profile is gone, the gateway recorded
// new failures) nothing is written and the status line says why. Removing
// a profile asks first and cannot be undone: it stops undo there.

// changeKind is what a change did.
type changeKind int

const (
	changeOrder   changeKind = iota // an order override written or cleared
	changeUsage                     // cooldown or disabled state cleared
	changeRemoved                   // a profile removed: not undoable
)

// change is one change made in this session, with what undoes it.
type change struct {
	kind changeKind
	// what names the change in a sentence: "the move of anthropic:a",
	// "clearing the anthropic order override".
	what     string
	provider string
	// changeOrder: the override the change left (from) and the one before
	// it (to), as authstore.RevertOrder takes them.
	from, to authstore.Override
	// changeUsage: what the clear removed.
	usage authstore.UsageBackup
}

// undoneMsg is the end of an undo's transaction.
type undoneMsg struct {
	c     change
	store string
	snap  authstore.Snapshot
	err   error
}

// maxUndo bounds the changes kept.
const maxUndo = 50

// undoer is the changes of this session and the undo in progress.
type undoer struct {
	changes []change
	running bool
}

// record keeps c as the newest change.
func (u *undoer) record(c change) {
	if c.kind == changeRemoved {
		// Nothing before a removal can be undone past it: keep it alone.
		u.changes = u.changes[:0]
	}
	u.changes = append(u.changes, c)
	if len(u.changes) > maxUndo {
		u.changes = append(u.changes[:0:0], u.changes[len(u.changes)-maxUndo:]...)
	}
}

// forget drops every change (another agent is shown).
func (u *undoer) forget() { u.changes, u.running = nil, false }

// ready reports whether z can undo something now.
func (u *undoer) ready() bool {
	return !u.running && len(u.changes) > 0 && u.changes[len(u.changes)-1].kind != changeRemoved
}

// refusal says why there is nothing to undo, or "".
func (u *undoer) refusal(undoKey string) string {
	switch {
	case u.running:
		return "undoing already — wait a moment"
	case len(u.changes) == 0:
		return "nothing to undo in this session (" + undoKey + " undoes moves, order clears, exclusions and cooldown clears)"
	}
	if c := u.changes[len(u.changes)-1]; c.kind == changeRemoved {
		return c.what + " cannot be undone (it was confirmed first); nothing changed — add the credential again with the wizard"
	}
	return ""
}

// start undoes the newest change in a command.
func (u *undoer) start(paths authstore.Paths, getenv func(string) string) tea.Cmd {
	c := u.changes[len(u.changes)-1]
	u.running = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		var snap authstore.Snapshot
		var err error
		switch c.kind {
		case changeOrder:
			var res authstore.OrderResult
			res, err = authstore.RevertOrder(ctx, paths, c.provider, c.from, c.to)
			snap = res.Snapshot
		case changeUsage:
			var res authstore.RestoreResult
			res, err = authstore.RestoreUsageState(ctx, paths, c.usage)
			snap = res.Snapshot
		case changeRemoved:
			err = errors.New("a removal cannot be undone")
		}
		if err == nil {
			snap = withEnv(snap, getenv)
		}
		return undoneMsg{c: c, store: paths.Store, snap: snap, err: err}
	}
}

// finish ends the undo: a change that was undone, or can never be, goes;
// one that failed for another reason (the lock was busy) stays to try
// again. It returns what the status line says.
func (u *undoer) finish(msg undoneMsg) (StatusLevel, string) {
	u.running = false
	var stale *authstore.StaleUndoError
	switch {
	case msg.err == nil:
		u.pop()
		return StatusSuccess, "undid " + msg.c.what
	case errors.As(msg.err, &stale):
		u.pop()
		return StatusWarn, fmt.Sprintf("cannot undo %s: %s; nothing changed", msg.c.what, stale.Why)
	}
	return StatusError, fmt.Sprintf("could not undo %s: %v", msg.c.what, msg.err)
}

// pop drops the newest change.
func (u *undoer) pop() {
	if len(u.changes) > 0 {
		u.changes = u.changes[:len(u.changes)-1]
	}
}

// orderChange is the change an order result made, for undo.
func orderChange(what string, res authstore.OrderResult) change {
	return change{kind: changeOrder, what: what, provider: res.Provider, from: res.After, to: res.Before}
}
