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

// renewer is renewing in place: the profile whose token is being renewed
// ("" when none), from finding claude to the end of the transaction.
type renewer struct {
	keys DashboardKeys
	id   string
}

// busy says what the renewer is doing, for "wait a moment" ("" idle).
func (r *renewer) busy() string {
	if r.id == "" {
		return ""
	}
	return "renewing " + r.id
}

// refusal says why profile id of type typ is not something R renews, or
// "" when it is an Anthropic setup token.
func (r *renewer) refusal(id, typ string) string {
	if authstore.NormalizeProvider(authstore.ProviderOfID(id)) == "anthropic" && typ == authstore.TypeToken {
		return ""
	}
	what := typ
	if what == authstore.TypeToken {
		what = "not an Anthropic token"
	}
	return fmt.Sprintf("%s renews Anthropic setup tokens; %s is %s — press %s to add a new credential instead", firstKey(r.keys.Renew), id, firstNonEmpty(what, "of no known type"), firstKey(r.keys.Add))
}

// start renews id: find claude, then hand it the terminal.
func (r *renewer) start(id string) tea.Cmd {
	r.id = id
	return findClaude(id)
}

// onClaude runs `claude setup-token` once claude is found.
func (r *renewer) onClaude(msg renewClaudeMsg) tea.Cmd {
	if msg.id != r.id {
		return nil
	}
	if msg.err != nil {
		r.id = ""
		return status(StatusError, "cannot renew %s: %v; its token is unchanged", msg.id, msg.err)
	}
	return SetupTokenLogin(context.Background(), msg.path, LoginOptions{ID: renewLoginPrefix + msg.id})
}

// onLogin handles the end of `claude setup-token` started by R: the
// captured token goes into the profile in one transaction.
func (r *renewer) onLogin(msg LoginFinishedMsg, paths authstore.Paths, getenv func(string) string, now time.Time) tea.Cmd {
	id, ok := strings.CutPrefix(msg.ID, renewLoginPrefix)
	if !ok || id == "" || id != r.id {
		return nil // not ours (the wizard's, or a renewal already given up)
	}
	if msg.Err != nil {
		r.id = ""
		if msg.Cancelled() {
			return status(StatusWarn, "renew cancelled; %s keeps its old token", id)
		}
		return status(StatusError, "renew failed: %v; %s keeps its old token", msg.Err, id)
	}
	token, err := authstore.NormalizeToken("anthropic", msg.Token)
	if err != nil {
		r.id = ""
		return status(StatusError, "the captured token was refused (%v); %s keeps its old token", err, id)
	}
	return renewToken(paths, getenv, id, token, now, firstKey(r.keys.Add))
}

// finish ends the renewal of id; it reports whether that renewal was
// this one's (a result for another is stale).
func (r *renewer) finish(id string) bool {
	if id != r.id {
		return false
	}
	r.id = ""
	return true
}

// forget gives the renewal up (another agent is shown).
func (r *renewer) forget() { r.id = "" }

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

// renewResult is what the status line says about the end of a renewal.
func (r *renewer) renewResult(msg tokenRenewedMsg, now time.Time) (StatusLevel, string) {
	if msg.err != nil {
		text := msg.err.Error()
		if errors.Is(msg.err, authstore.ErrLocked) {
			text += " (the gateway may be writing; try " + firstKey(r.keys.Renew) + " again)"
		}
		return StatusError, fmt.Sprintf("could not save the renewed token: %s; %s keeps its old token", text, msg.id)
	}
	mask := ""
	if p, ok := msg.snap.Store.Profile(msg.id); ok {
		mask = authstore.Mask(p.Secret()) + ", "
	}
	return StatusSuccess, fmt.Sprintf("renewed %s: %sexpires %s; usage stats reset", msg.id, mask, msg.expires.In(now.Location()).Format("2006-01-02"))
}

// renewSelected starts renewing the selected token profile.
func (d *Dashboard) renewSelected() tea.Cmd {
	if why := d.cannotRenew(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	id, _ := d.table.selectedID()
	return d.renew.start(id)
}

// cannotRenew says why the selected row cannot be renewed, or "".
func (d *Dashboard) cannotRenew() string {
	if d.table.list.onEnvRow() {
		return d.envReadOnly()
	}
	id, ok := d.table.selectedID()
	if !ok {
		return "no profile selected"
	}
	if d.renew.id != "" {
		return "already renewing " + d.renew.id
	}
	if why := d.renew.refusal(id, d.table.rows[id].typ); why != "" {
		return why
	}
	return d.cannotWrite()
}
