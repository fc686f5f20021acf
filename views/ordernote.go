package views

import (
	"fmt"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

// OrderNoteText says one authstore.OrderNote as a user reads it: "a:x is
// skipped: token expired", "a:y goes last while in cooldown (until
// 15:04)". Times are in now's location; a day away or more they carry the
// date.
func OrderNoteText(n authstore.OrderNote, now time.Time) string {
	if n.Skipped {
		return fmt.Sprintf("%s is skipped: %s", n.ID, n.Reason)
	}
	what := n.Unusable
	if n.Unusable == authstore.UnusableDisabled {
		what = "disabled"
		if n.Reason != "" {
			what += " (" + n.Reason + ")"
		}
	} else {
		what = "in " + what
	}
	return fmt.Sprintf("%s goes last while %s (until %s)", n.ID, what, clockTime(n.Until, now))
}

// clockTime is t as "15:04", or "Jan 2 15:04" when it is not within the
// next day of now.
func clockTime(t, now time.Time) string {
	t = t.In(now.Location())
	if t.Sub(now) < 24*time.Hour && t.Sub(now) > -24*time.Hour {
		return t.Format("15:04")
	}
	return t.Format("Jan 2 15:04")
}
