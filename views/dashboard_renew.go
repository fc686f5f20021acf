package views

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is renew in place (`R`): run `claude setup-token` again for an
// Anthropic token profile and put the new token, and a new year of life,
// into the same profile in one transaction. Its id, its place in every
// order and its unknown fields stay; its usage stats start clean. A
// cancelled or failed login changes nothing.

// renewLoginPrefix marks the LoginFinishedMsg IDs of renewals.
const renewLoginPrefix = "renew:"

type (
	// renewClaudeMsg says whether `claude` was found for renewing id.
	renewClaudeMsg struct {
		id   string
		path string
		err  error
	}
	// tokenRenewedMsg is the end of the renew transaction.
	tokenRenewedMsg struct {
		id      string
		store   string
		expires time.Time
		snap    authstore.Snapshot
		err     error
	}
)

// lookClaude finds the login program (tests stand in for the PATH).
var lookClaude = func() (string, error) { return FindClaude(nil) }

// findClaude looks for the login program in a command (it stats PATH).
func findClaude(id string) tea.Cmd {
	look := lookClaude
	return func() tea.Msg {
		p, err := look()
		return renewClaudeMsg{id: id, path: p, err: err}
	}
}

// cannotRenew says why the selected row cannot be renewed, or "".
func (d *Dashboard) cannotRenew() string {
	if d.table.list.onEnvRow() {
		return d.envReadOnly()
	}
	id, ok := d.table.list.selectedID()
	if !ok {
		return "no profile selected"
	}
	if d.renewing != "" {
		return "already renewing " + d.renewing
	}
	r := d.table.rows[id]
	if authstore.NormalizeProvider(authstore.ProviderOfID(id)) != "anthropic" || r.typ != authstore.TypeToken {
		what := r.typ
		if what == authstore.TypeToken {
			what = "not an Anthropic token"
		}
		return fmt.Sprintf("%s renews Anthropic setup tokens; %s is %s — press %s to add a new credential instead", firstKey(d.keys.Renew), id, firstNonEmpty(what, "of no known type"), firstKey(d.keys.Add))
	}
	return d.cannotWrite()
}

// renewSelected starts renewing the selected token profile: find claude,
// then hand it the terminal.
func (d *Dashboard) renewSelected() tea.Cmd {
	if why := d.cannotRenew(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	id, _ := d.table.list.selectedID()
	d.renewing = id
	d.busy = "renewing " + id
	return findClaude(id)
}

func (d *Dashboard) onRenewClaude(msg renewClaudeMsg) tea.Cmd {
	if msg.id != d.renewing {
		return nil
	}
	if msg.err != nil {
		d.endRenew()
		return status(StatusError, "cannot renew %s: %v; its token is unchanged", msg.id, msg.err)
	}
	return SetupTokenLogin(context.Background(), msg.path, LoginOptions{ID: renewLoginPrefix + msg.id})
}

// onLogin handles the end of `claude setup-token` started by R.
func (d *Dashboard) onLogin(msg LoginFinishedMsg) tea.Cmd {
	id, ok := strings.CutPrefix(msg.ID, renewLoginPrefix)
	if !ok || id == "" || id != d.renewing {
		return nil // not ours (the wizard's, or a renewal already given up)
	}
	if msg.Err != nil {
		d.endRenew()
		if msg.Cancelled() {
			return status(StatusWarn, "renew cancelled; %s keeps its old token", id)
		}
		return status(StatusError, "renew failed: %v; %s keeps its old token", msg.Err, id)
	}
	token, err := authstore.NormalizeToken("anthropic", msg.Token)
	if err != nil {
		d.endRenew()
		return status(StatusError, "the captured token was refused (%v); %s keeps its old token", err, id)
	}
	return renewToken(d.env.Paths, d.env.Getenv, id, token, d.now, firstKey(d.keys.Add))
}

func (d *Dashboard) endRenew() {
	d.renewing = ""
	if strings.HasPrefix(d.busy, "renewing ") {
		d.busy = ""
	}
}

// renewToken replaces id's token and expiry in one transaction from a
// fresh read. The profile must still be an Anthropic token: if someone
// removed or changed it meanwhile, nothing is written (and the error says
// to add it again with addKey).
func renewToken(paths authstore.Paths, getenv func(string) string, id, token string, now time.Time, addKey string) tea.Cmd {
	expires := now.Add(authstore.SetupTokenLife)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.RenewToken(ctx, paths, id, token, expires)
		snap := res.Snapshot
		var gone *authstore.ProfileGoneError
		if errors.As(err, &gone) {
			err = fmt.Errorf("%s is no longer in the store (someone removed it); add the token with %s", id, addKey)
		}
		if err == nil {
			snap = withEnv(snap, getenv)
		}
		return tokenRenewedMsg{id: id, store: paths.Store, expires: expires, snap: snap, err: err}
	}
}

func (d *Dashboard) onRenewed(msg tokenRenewedMsg) tea.Cmd {
	if msg.id != d.renewing {
		return nil
	}
	d.endRenew()
	if msg.store != d.env.Paths.Store {
		return nil
	}
	if msg.err != nil {
		text := msg.err.Error()
		if errors.Is(msg.err, authstore.ErrLocked) {
			text += " (the gateway may be writing; try " + firstKey(d.keys.Renew) + " again)"
		}
		return tea.Batch(d.reload(), status(StatusError, "could not save the renewed token: %s; %s keeps its old token", text, msg.id))
	}
	d.appliedSeq = d.loadSeq
	d.loadErr = nil
	d.selectNext = msg.id
	d.applySnapshot(msg.snap)
	mask := ""
	if p, ok := msg.snap.Store.Profile(msg.id); ok {
		mask = authstore.Mask(p.Secret()) + ", "
	}
	return status(StatusSuccess, "renewed %s: %sexpires %s; usage stats reset", msg.id, mask, msg.expires.In(d.now.Location()).Format("2006-01-02"))
}
