package views_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// longIDStore is what a real installation looks like after a while: long
// ids that share their beginning, emails, a token expiring today, one
// expired, one far off, a key cooling down and one left out of the order.
func longIDStore() string {
	return fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:default": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d},
    "anthropic:work-subscription-team": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d, "email": "someone.long@work.example.com"},
    "anthropic:work-subscription-home": {"type": "token", "provider": "anthropic", "token": %q, "expires": %d, "email": "me@home.example"},
    "anthropic:cooling": {"type": "api_key", "provider": "anthropic", "key": %q},
    "anthropic:api": {"type": "api_key", "provider": "anthropic", "key": %q},
    "openai-codex:someone.very.long.address@example.com": {"type": "oauth", "provider": "openai-codex", "access": "FAKE-access", "refresh": "FAKE-refresh", "expires": %d}
  },
  "order": {"anthropic": ["anthropic:work-subscription-team", "anthropic:default", "anthropic:cooling", "anthropic:work-subscription-home"]},
  "usageStats": {
    "anthropic:cooling": {"lastUsed": %d, "cooldownUntil": %d, "errorCount": 2},
    "anthropic:default": {"lastUsed": %d}
  }
}`, fakeOAT, ms(200*24*time.Hour), fakeSoon, ms(5*time.Hour), fakeOAT+"H", ms(-3*time.Hour), fakeAPI, fakeWork,
		ms(20*time.Hour), ms(-time.Minute), ms(9*time.Minute), ms(-3*time.Minute))
}

// tableCells are the profile table's rows as text (the right pane's
// lines between the column header and the first blank line).
func tableRows(view string) []string {
	var rows []string
	in := false
	for _, l := range strings.Split(view, "\n") {
		i := strings.Index(l, "││")
		if i < 0 {
			continue
		}
		right := strings.TrimSuffix(l[i+len("││"):], "│")
		switch {
		case strings.Contains(right, "PROFILE"):
			in = true
		case in && strings.TrimSpace(right) == "":
			return rows
		case in:
			rows = append(rows, right)
		}
	}
	return rows
}

// Issue 14: at 80×24 every countdown is on screen; at 60×15 the ids that
// are cut still read differently.
func TestEveryCountdownIsVisibleAt80x24(t *testing.T) {
	f := newFixture(t, longIDStore()).start(80, 22) // an 80×24 terminal's body
	v := f.view()
	for id, want := range map[string][]string{
		"team":    {"expiring", "in 5h 00m"},
		"home":    {"expired", "3h 00m ago"},
		"default": {"ok", "in 200d"},
		"cooling": {"cooldown 9m 00s"},
	} {
		found := false
		for _, r := range tableRows(v) {
			if !strings.Contains(r, id) {
				continue
			}
			found = true
			for _, w := range want {
				if !strings.Contains(r, w) {
					t.Errorf("the %s row lacks %q: %q\n%s", id, w, r, v)
				}
			}
		}
		if !found {
			t.Errorf("no row shows %s:\n%s", id, v)
		}
	}
}

func TestCutIDsStayDistinctAt60x15(t *testing.T) {
	for _, size := range [][2]int{{58, 13}, {78, 22}, {98, 28}} {
		f := newFixture(t, longIDStore()).start(size[0], size[1])
		v := f.view()
		rows := tableRows(v)
		if len(rows) != 6 { // five profiles and the env key
			t.Fatalf("%v: %d rows:\n%s", size, len(rows), v)
		}
		seen := map[string]bool{}
		for _, r := range rows {
			// The id is the first word after the rank.
			fields := strings.Fields(strings.TrimLeft(r, " ▸›"))
			id := fields[0]
			if len(fields) > 1 && (fields[0] == "–" || fields[0] >= "0" && fields[0] <= "9") {
				id = fields[1]
			}
			if seen[id] {
				t.Errorf("%v: two rows read %q:\n%s", size, id, v)
			}
			seen[id] = true
		}
		for _, w := range []string{"in 5h 00m", "3h 00m ago"} {
			if !strings.Contains(v, w) {
				t.Errorf("%v: %q is not shown:\n%s", size, w, v)
			}
		}
	}
}
