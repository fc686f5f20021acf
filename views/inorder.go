package views

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is taking a profile out of its provider's order and putting
// it back (`x`): one authstore.SetInOrder transaction from a fresh read.
// Without an override one is written from the order as it is, less the
// profile; a profile put back goes last. No question is asked: z undoes
// it. It also says, for the detail pane, how the stored override and the
// order the gateway will use differ, and why.

// inOrderSetMsg is the end of the transaction.
type inOrderSetMsg struct {
	id, provider string
	include      bool
	store        string
	res          authstore.OrderResult
	err          error
}

// notListed reports whether the order's list leaves the profile out (the
// override, the config's auth.order or auth.profiles does not name it):
// what x changes, as opposed to being skipped for a reason of its own.
func notListed(excluded string) bool { return strings.HasPrefix(excluded, "not in the ") }

// setInOrder writes id in or out of provider's order in a command.
func setInOrder(paths authstore.Paths, getenv func(string) string, provider, id string, include bool) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.SetInOrder(ctx, paths, provider, id, include)
		if err == nil {
			res.Snapshot = withEnv(res.Snapshot, getenv)
		}
		return inOrderSetMsg{id: id, provider: provider, include: include, store: paths.Store, res: res, err: err}
	}
}

// inOrderStatus says what x did (report is read after it).
func inOrderStatus(msg inOrderSetMsg, report authstore.Report, keys DashboardKeys) (StatusLevel, string) {
	id, p := msg.id, msg.provider
	switch {
	case !msg.res.Changed() && msg.include:
		return StatusInfo, fmt.Sprintf("%s is in the %s order already; nothing changed", id, p)
	case !msg.res.Changed():
		return StatusInfo, fmt.Sprintf("%s is out of the %s order already; nothing changed", id, p)
	}
	// Without an override one was written from the order as it was.
	written := ""
	if !msg.res.Before.Set {
		written = " (now an override in the store)"
	}
	if !msg.include {
		return StatusSuccess, fmt.Sprintf("took %s out of the %s order%s: the gateway no longer tries it · %s undoes", id, p, written, firstKey(keys.Undo))
	}
	text := fmt.Sprintf("put %s back in the %s order%s, last", id, p, written)
	if pr, ok := report.Provider(p); ok {
		if i := slices.Index(pr.Order.IDs, id); i >= 0 {
			text += fmt.Sprintf(": tried %s of %d", ordinal(i+1), len(pr.Order.IDs))
		} else {
			for _, ex := range pr.Order.Excluded {
				if ex.ID == id {
					text += "; the gateway skips it for now: " + ex.Reason
				}
			}
		}
	}
	return StatusSuccess, text + " · " + firstKey(keys.Undo) + " undoes"
}

// inOrderChange is the change x made, for undo.
func inOrderChange(msg inOrderSetMsg) change {
	what := "taking " + msg.id + " out of the " + msg.provider + " order"
	if msg.include {
		what = "putting " + msg.id + " back in the " + msg.provider + " order"
	}
	return orderChange(what, msg.res)
}

// orderDiff is how the order the gateway will use (eo) differs from the
// list it comes from (the stored override, the config's auth.order), and
// why, for the detail pane: "override manual › default › work · tried
// manual › work › default · default goes last: cooldown until 15:08".
// Ids lose the "provider:" they all share. Without a list it says where
// the automatic order comes from.
func orderDiff(view *authstore.Snapshot, eo authstore.EffectiveOrder, now time.Time) []string {
	short := func(id string) string {
		if rest, ok := strings.CutPrefix(id, eo.Provider+":"); ok && rest != "" {
			return authstore.SafeText(rest)
		}
		return authstore.SafeText(id)
	}
	chain := func(ids []string) string {
		if len(ids) == 0 {
			return "(none)"
		}
		const most = 12 // more would not fit in the pane anyway
		out := make([]string, 0, min(len(ids), most)+1)
		for i, id := range ids {
			if i == most-1 && len(ids) > most {
				out = append(out, fmt.Sprintf("… (%d in all)", len(ids)))
				break
			}
			out = append(out, short(id))
		}
		return strings.Join(out, " › ")
	}
	var list []string
	var name string
	switch eo.Source {
	case authstore.SourceOverride:
		list, name = view.Override(eo.Provider).IDs, "override"
	case authstore.SourceConfig:
		list, name = view.Config.Order[configOrderKey(view.Config, eo.Provider)], "config auth.order"
	default:
		parts := []string{"automatic order: " + chain(eo.IDs), "OAuth, tokens, then keys, least recently used first"}
		if out := notListedIDs(eo, short); out != "" {
			parts = append(parts, "not in the config's auth.profiles: "+out)
		}
		return parts
	}
	parts := []string{name + ": " + chain(list)}
	if slices.Equal(list, eo.IDs) {
		return append(parts, "the gateway tries it as written")
	}
	parts = append(parts, "tried: "+chain(eo.IDs))
	notes := view.OrderNotes(eo.Provider, list, now)
	const most = 4
	for i, n := range notes {
		if i == most && len(notes) > most+1 {
			parts = append(parts, fmt.Sprintf("and %d more going last or skipped", len(notes)-i))
			break
		}
		if n.Skipped {
			parts = append(parts, short(n.ID)+" skipped: "+authstore.SafeText(n.Reason))
			continue
		}
		what := n.Unusable
		if n.Reason != "" {
			what += " (" + authstore.SafeText(n.Reason) + ")"
		}
		parts = append(parts, short(n.ID)+" goes last: "+what+" until "+clockTime(n.Until, now))
	}
	if out := notListedIDs(eo, short); out != "" {
		parts = append(parts, "not listed: "+out)
	}
	return parts
}

// notListedIDs are the profiles eo's list leaves out, shortened.
func notListedIDs(eo authstore.EffectiveOrder, short func(string) string) string {
	var out []string
	for _, ex := range eo.Excluded {
		if ex.Kind == authstore.ExcludedNotListed {
			out = append(out, short(ex.ID))
		}
	}
	return strings.Join(out, ", ")
}

// configOrderKey is the key of the config's auth.order that applies to
// provider (normalised).
func configOrderKey(c authstore.Config, provider string) string {
	keys := make([]string, 0, len(c.Order))
	for k := range c.Order {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same pick as authstore when aliases collide
	for _, k := range keys {
		if authstore.NormalizeProvider(k) == provider {
			return k
		}
	}
	return ""
}
