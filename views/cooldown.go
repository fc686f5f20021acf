package views

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// This file is clearing a cooldown by hand (`u`): the selected profile's
// cooldown or disabled state, or on the provider pane every one of the
// provider's, after asking (confirm.go) and saying until when it would
// have lasted; then one authstore.ClearUsageState transaction, which
// clears what the gateway reads and nothing else. z undoes it.

// usageClearedMsg is the end of the clearing transaction.
type usageClearedMsg struct {
	ids   []string
	store string
	res   authstore.UsageResult
	err   error
}

// cooling is a row whose cooldown or disabled state is running at now.
func cooling(r profileRow, now time.Time) bool {
	return !r.env && r.health.Unusable != "" && r.health.Until.After(now)
}

// coolingRows are the rows of rows that are cooling down or disabled.
func coolingRows(rows []profileRow, now time.Time) []profileRow {
	var out []profileRow
	for _, r := range rows {
		if cooling(r, now) {
			out = append(out, r)
		}
	}
	return out
}

// cooldownState says a row's state, why, and until when it lasts:
// "cooldown (rate_limit) until 15:08 (4m 09s left)", "disabled (billing)
// until Jan 3 20:04 (1d 5h left)".
func cooldownState(r profileRow, now time.Time) string {
	return unusableWhat(r.health.Unusable, r.health.Reason) + " " + cooldownUntil(r, now)
}

// cooldownUntil is until when a row's cooldown or disablement lasts:
// "until 15:08 (4m 09s left)".
func cooldownUntil(r profileRow, now time.Time) string {
	return fmt.Sprintf("until %s (%s left)", clockTime(r.health.Until, now), timefmt.Short(r.health.Until.Sub(now)))
}

// unusableWhat is a cooling kind with its reason, as the gateway wrote it
// ("rate_limit", "subscription_limit", "billing"…; already made safe):
// "cooldown (rate_limit)", "disabled (billing)", or the kind alone.
func unusableWhat(kind, reason string) string {
	if reason == "" {
		return kind
	}
	return kind + " (" + reason + ")"
}

// cooldownQuestion asks before clearing rows (all cooling).
func cooldownQuestion(provider string, rows []profileRow, now time.Time) question {
	q := question{kind: askClearCooldown, provider: provider}
	for _, r := range rows {
		q.ids = append(q.ids, r.id)
		q.states = append(q.states, r.label+": "+cooldownState(r, now))
	}
	return q
}

// clearUsage clears ids' cooldown and disabled state in a command.
func clearUsage(paths authstore.Paths, getenv func(string) string, ids []string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.ClearUsageState(ctx, paths, ids, "", now)
		if err == nil {
			res.Snapshot = withEnv(res.Snapshot, getenv)
		}
		return usageClearedMsg{ids: ids, store: paths.Store, res: res, err: err}
	}
}

// clearedStatus says what the clearing did: what was cleared and until
// when it would have lasted, or that there was nothing left to clear.
func clearedStatus(msg usageClearedMsg, undoKey string, now time.Time) (StatusLevel, string) {
	if len(msg.res.Cleared) == 0 {
		return StatusInfo, fmt.Sprintf("nothing to clear: %s is no longer cooling down or disabled (it ended, or the gateway cleared it)", authstore.ListIDs(msg.ids, 0))
	}
	tail := " · " + undoKey + " undoes"
	if len(msg.res.Cleared) > 1 {
		return StatusSuccess, fmt.Sprintf("cleared the cooldowns of %d profiles (%s)%s", len(msg.res.Cleared), authstore.ListIDs(clearedIDs(msg.res), 0), tail)
	}
	c := msg.res.Cleared[0]
	if c.Until.IsZero() {
		return StatusSuccess, "cleared " + c.ID + ": its cooldown had ended; its error counts are reset" + tail
	}
	what := c.Kind
	if c.Reason != "" {
		what += " (" + c.Reason + ")"
	}
	return StatusSuccess, fmt.Sprintf("cleared %s: its %s would have lasted until %s%s", c.ID, what, clockTime(c.Until, now), tail)
}

func clearedIDs(res authstore.UsageResult) []string {
	ids := make([]string, len(res.Cleared))
	for i, c := range res.Cleared {
		ids[i] = c.ID
	}
	return ids
}

// usageChange is the change a clearing made, for undo.
func usageChange(msg usageClearedMsg) change {
	what := "clearing the cooldown of " + authstore.ListIDs(clearedIDs(msg.res), 0)
	return change{kind: changeUsage, what: what, usage: msg.res.Restore}
}
