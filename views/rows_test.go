package views

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
)

func cols(ids ...colID) []colID { return ids }

// fitAll are the columns of a table with everything: an email beside the
// longest id (30 cells with it, 20 without), every optional column.
func fitAll() []column {
	return []column{
		{id: colMark, width: 1},
		{id: colRank, width: 1},
		{id: colProfile, width: 30, ideal: 20, min: minIDWidth},
		{id: colType, width: 7, keep: 3},
		{id: colSecret, width: 17, keep: 2},
		{id: colStatus, width: 8, keep: 8},
		{id: colExpires, width: 10, keep: 7},
		{id: colNote, width: 15, keep: 6},
		{id: colLastUsed, width: 9, keep: 1},
	}
}

// Issue 14: columns give way by priority — emails, then last use, secret
// and type, then the id (cut in the middle), then the note, the countdown,
// and the status word last.
func TestFitColumns(t *testing.T) {
	every := cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote, colLastUsed)
	tests := []struct {
		width   int
		want    []colID
		profile int
		gap     int
	}{
		{200, every, 30, 2},
		{114, every, 30, 2},
		// The email goes first; the gap stays wide.
		{104, every, 20, 2},
		// Last used goes next: tightening the gap would keep nothing more.
		{95, cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote), 22, 2},
		// Without the secret, a single-space gap brings last used back.
		{80, cols(colMark, colRank, colProfile, colType, colStatus, colExpires, colNote, colLastUsed), 22, 1},
		{62, cols(colMark, colRank, colProfile, colStatus, colExpires, colNote), 22, 1},
		// Then the id is cut, before any countdown goes.
		{54, cols(colMark, colRank, colProfile, colStatus, colExpires, colNote), 14, 1},
		{52, cols(colMark, colRank, colProfile, colStatus, colExpires, colNote), 12, 1},
		// The note goes before the expiry countdown, and the id gets its
		// room back.
		{51, cols(colMark, colRank, colProfile, colStatus, colExpires), 23, 2},
		{36, cols(colMark, colRank, colProfile, colStatus, colExpires), 12, 1},
		{35, cols(colMark, colRank, colProfile, colStatus), 22, 1},
		// The status word is the last to go.
		{25, cols(colMark, colRank, colProfile, colStatus), 12, 1},
		{24, cols(colMark, colRank, colProfile), 20, 1},
		// Too narrow even for that: the id is cut further.
		{8, cols(colMark, colRank, colProfile), 4, 1},
	}
	for _, tt := range tests {
		got, gap := fitColumns(fitAll(), tt.width)
		var ids []colID
		total := 0
		prof := 0
		for i, c := range got {
			ids = append(ids, c.id)
			total += c.width
			if i > 0 {
				total += gap
			}
			if c.id == colProfile {
				prof = c.width
			}
		}
		if !reflect.DeepEqual(ids, tt.want) {
			t.Errorf("width %d: columns %v, want %v", tt.width, ids, tt.want)
		}
		if prof != tt.profile {
			t.Errorf("width %d: profile column %d wide, want %d", tt.width, prof, tt.profile)
		}
		if gap != tt.gap {
			t.Errorf("width %d: gap %d, want %d", tt.width, gap, tt.gap)
		}
		if total > tt.width {
			t.Errorf("width %d: table is %d wide", tt.width, total)
		}
	}
}

// Nothing is cut while space is left over: at every width, a column left
// out would not fit in what is left, and an id is cut only when every
// column of lower priority has gone.
func TestFitColumnsLeaveNoRoomUnused(t *testing.T) {
	for width := 6; width <= 130; width++ {
		got, gap := fitColumns(fitAll(), width)
		shown := map[colID]column{}
		used := 0
		for i, c := range got {
			shown[c.id] = c
			used += c.width
			if i > 0 {
				used += gap
			}
		}
		if used > width {
			t.Fatalf("width %d: %d used", width, used)
		}
		prof := shown[colProfile]
		left := width - used
		for _, c := range fitAll() {
			if _, ok := shown[c.id]; ok || c.keep == 0 {
				continue
			}
			// Room for it, with the id cut only as far as the column's
			// priority allows.
			floor := prof.ideal
			if c.keep > cutIDs {
				floor = prof.min
			}
			if room := left + prof.width - floor; prof.width >= floor && c.width+gap <= room {
				t.Errorf("width %d: %v left out with %d cells unused", width, c.id, room)
			}
		}
		if prof.width < prof.ideal {
			for _, c := range fitAll() {
				if _, ok := shown[c.id]; ok && c.keep > 0 && c.keep < cutIDs {
					t.Errorf("width %d: the id is cut to %d while %v (keep %d) is shown", width, prof.width, c.id, c.keep)
				}
			}
		}
		if prof.width < min(prof.width+left, fitAll()[2].width) && left > 0 {
			t.Errorf("width %d: the profile column is %d wide with %d cells unused", width, prof.width, left)
		}
	}
}

func TestCutIDKeepsIDsDistinct(t *testing.T) {
	tests := []struct {
		labels []string
		w      int
		want   []string
	}{
		// The part after the provider, whole when it fits.
		{[]string{"anthropic:default", "anthropic:manual", "anthropic:work"}, 15,
			[]string{"anthro…:default", "anthrop…:manual", "anthropic:work"}},
		// Otherwise the end, from one short head for every row.
		{[]string{"anthropic:work-subscription-team", "anthropic:work-subscription-home"}, 12,
			[]string{"ant…ion-team", "ant…ion-home"}},
		// Ids that differ only in the middle: another head is found.
		{[]string{"anthropic:a-team-shared-backup-key", "anthropic:b-team-shared-backup-key"}, 16,
			[]string{"anthropic:a…-key", "anthropic:b…-key"}},
		{[]string{"ANTHROPIC_API_KEY", "anthropic:default"}, 12, []string{"ANT…_API_KEY", "ant…:default"}},
	}
	for _, tt := range tests {
		head := chooseHead(tt.labels, tt.w)
		seen := map[string]bool{}
		for i, l := range tt.labels {
			got := cutID(l, tt.w, head)
			if w := displayWidth(got); w > tt.w {
				t.Errorf("cutID(%q, %d) = %q is %d wide", l, tt.w, got, w)
			}
			if seen[got] {
				t.Errorf("%q cut to %d reads %q, as another id does", l, tt.w, got)
			}
			seen[got] = true
			if tt.want != nil && got != tt.want[i] {
				t.Errorf("cutID(%q, %d, %d) = %q, want %q", l, tt.w, head, got, tt.want[i])
			}
		}
	}
	for _, s := range []string{"", "a", "anthropic:x", "日本語のプロファイル:名前"} {
		for w := 0; w < 14; w++ {
			if got := cutID(s, w, chooseHead([]string{s}, w)); displayWidth(got) > w {
				t.Errorf("cutID(%q, %d) = %q is too wide", s, w, got)
			}
		}
	}
}

func TestTableColumnsLeaveOutEmptyOnes(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	keysOnly := []profileRow{{id: "openai:default", typ: "api_key", mask: "sk-proj-FAKE…OOOO", health: authstore.Health{Status: authstore.StatusStatic}, rank: 1}}
	var names []string
	for _, c := range tableColumns(keysOnly, now) {
		names = append(names, c.title)
	}
	if got := strings.Join(names, ","); got != ",#,PROFILE,TYPE,SECRET,STATUS" {
		t.Errorf("columns for an unused API key: %s", got)
	}
	rich := append(keysOnly, profileRow{
		id: "anthropic:work", typ: "token", rank: 2, lastUsed: now.Add(-time.Minute),
		health: authstore.Health{Status: authstore.StatusOK, ExpiresAt: now.Add(time.Hour), Unusable: authstore.UnusableCooldown, Until: now.Add(time.Minute)},
	})
	names = nil
	for _, c := range tableColumns(rich, now) {
		names = append(names, c.title)
	}
	if got := strings.Join(names, ","); got != ",#,PROFILE,TYPE,SECRET,STATUS,EXPIRES,NOTE,LAST USED" {
		t.Errorf("columns with expiry, cooldown and use: %s", got)
	}
}

func TestNoteText(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		row  profileRow
		want string
	}{
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableCooldown, Until: now.Add(4*time.Minute + 9*time.Second)}}, "cooldown 4m 09s"},
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableDisabled, Reason: "billing", Until: now.Add(3*time.Hour + 12*time.Minute)}}, "disabled (billing) 3h 12m"},
		{profileRow{health: authstore.Health{Unusable: authstore.UnusableCooldown, Until: now.Add(-time.Second)}}, ""},
		{profileRow{excluded: "not in the override order"}, "not in order"},
		{profileRow{env: true, envSource: authstore.SourceDotEnv}, "from .env"},
		{profileRow{env: true, envSource: authstore.SourceProcessEnv}, "from environment"},
	}
	for _, tt := range tests {
		if got := noteText(tt.row, now); got != tt.want {
			t.Errorf("noteText(%+v) = %q, want %q", tt.row, got, tt.want)
		}
		if w := noteWidth(tt.row); len([]rune(tt.want)) > w && tt.want != "" {
			t.Errorf("noteWidth %d is narrower than %q", w, tt.want)
		}
	}
}

func displayWidth(s string) int { return lipgloss.Width(s) }

func TestFitCellNeverWider(t *testing.T) {
	for _, s := range []string{"", "abc", "anthropic:a-very-long-profile-name@example.com", "日本語のプロファイル"} {
		for w := 0; w < 12; w++ {
			if got := fitCell(s, w); displayWidth(got) != w {
				t.Errorf("fitCell(%q, %d) = %q is %d wide", s, w, got, displayWidth(got))
			}
		}
	}
}
