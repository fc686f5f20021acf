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

func TestFitColumns(t *testing.T) {
	all := []column{
		{id: colMark, width: 1},
		{id: colRank, width: 1},
		{id: colProfile, width: 30, min: 20},
		{id: colType, width: 7, keep: 3},
		{id: colSecret, width: 17, keep: 2},
		{id: colStatus, width: 8},
		{id: colExpires, width: 10, keep: 4},
		{id: colNote, width: 15, keep: 5},
		{id: colLastUsed, width: 9, keep: 1},
	}
	every := cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote, colLastUsed)
	tests := []struct {
		width   int
		want    []colID
		profile int
		gap     int
	}{
		{200, every, 30, 2},
		{114, every, 30, 2},
		// One column short of room: a single-space gap keeps them all.
		{103, every, 27, 1},
		// Last used goes first; the gap stays wide when tightening saves nothing.
		{95, cols(colMark, colRank, colProfile, colType, colSecret, colStatus, colExpires, colNote), 22, 2},
		{73, cols(colMark, colRank, colProfile, colType, colStatus, colExpires, colNote), 25, 1},
		{56, cols(colMark, colRank, colProfile, colStatus, colNote), 23, 2},
		{40, cols(colMark, colRank, colProfile, colStatus), 24, 2},
		// Too narrow even for the essentials: the profile column gives way.
		{20, cols(colMark, colRank, colProfile, colStatus), 4, 2},
	}
	for _, tt := range tests {
		got, gap := fitColumns(all, tt.width)
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
