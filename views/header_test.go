package views

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
)

func TestTruncateMiddle(t *testing.T) {
	p := "~/.clawdbot/agents/main/agent/auth-profiles.json"
	tests := []struct {
		w    int
		want string
	}{
		{60, p},
		{48, p},
		{40, "~/…/agents/main/agent/auth-profiles.json"},
		{34, "~/…/main/agent/auth-profiles.json"},
		{30, "~/…/agent/auth-profiles.json"},
		{24, "~/…/auth-profiles.json"},
		{21, "…/auth-profiles.json"},
		{10, "…iles.json"},
		{0, ""},
	}
	for _, tt := range tests {
		got := truncateMiddle(p, tt.w)
		if got != tt.want {
			t.Errorf("truncateMiddle(%d) = %q, want %q", tt.w, got, tt.want)
		}
		if lipgloss.Width(got) > tt.w {
			t.Errorf("truncateMiddle(%d) is %d wide", tt.w, lipgloss.Width(got))
		}
	}
	if got := truncateMiddle("/var/lib/moltbot/agents/main/agent/auth-profiles.json", 35); got != "/var/…/agent/auth-profiles.json" {
		t.Errorf("absolute path: %q", got)
	}
}

// The title line fits any width: the program name goes first, then the
// order source, and the path loses whole directories from its middle.
func TestHeaderTitleLine(t *testing.T) {
	h := header{keys: testKeys(), home: "/home/u", agent: "main", agents: 3,
		store: "/home/u/.clawdbot/agents/main/agent/auth-profiles.json", order: "override"}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{120, " moltbot · agent main (3 agents: g) · ~/.clawdbot/agents/main/agent/auth-profiles.json  order: override "},
		{100, " moltbot · agent main (3 agents: g) · ~/…/agents/main/agent/auth-profiles.json  order: override "},
		{70, " agent main (3 agents: g) · ~/…/auth-profiles.json  order: override "},
		{50, " agent main (3 agents: g) · ~/…/auth-profiles.json"},
	} {
		h.width = tc.w
		got := h.titleLine()
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(tc.want), " ") {
			t.Errorf("%d wide:\n%q\nwant\n%q", tc.w, got, tc.want)
		}
		if lipgloss.Width(got) != tc.w {
			t.Errorf("%d wide: the line is %d", tc.w, lipgloss.Width(got))
		}
	}
}

// What failed, where, and what to do: a corrupt store names the file, line
// and column; another failure says to retry with the reload key.
func TestHeaderErrorLines(t *testing.T) {
	h := header{keys: testKeys(), home: "/home/u", width: 100, height: 30}
	if h.errorLines() != nil {
		t.Error("error lines without an error")
	}
	h.err = &authstore.CorruptError{Path: "/home/u/s/auth-profiles.json", Line: 3, Column: 14, Reason: "invalid character ','"}
	h.stale = true
	got := strings.Join(h.errorLines(), "\n")
	for _, want := range []string{"The auth store cannot be read: ~/s/auth-profiles.json:3:14", "invalid character ','", "moltbot doctor --fix", "Showing the last good data"} {
		if !strings.Contains(got, want) {
			t.Errorf("corrupt store lacks %q:\n%s", want, got)
		}
	}
	h.err, h.stale = errors.New("read auth store: input/output error"), false
	got = strings.Join(h.errorLines(), "\n")
	for _, want := range []string{"input/output error", "press r to retry", "It reloads when the file changes"} {
		if !strings.Contains(got, want) {
			t.Errorf("unreadable store lacks %q:\n%s", want, got)
		}
	}
	h.height = 6
	if n := len(h.errorLines()); n != 2 {
		t.Errorf("at 6 lines high: %d error lines, want 2 (a third, at least 2)", n)
	}
}

// Issue 14: the corrupt store's location (path:line:col) is never cut: at
// 60 columns a long one is wrapped, and the text offers to restore the
// .bak only when there is a good one.
func TestHeaderCorruptLocationIsWrappedNotCut(t *testing.T) {
	long := "/srv/gateway/state-directories/production/agents/main/agent/auth-profiles.json"
	h := header{keys: testKeys(), width: 60, height: 13, backup: -1,
		err: &authstore.CorruptError{Path: long, Line: 12, Column: 7, Reason: "invalid character '}'"}}
	lines := h.errorLines()
	var joined strings.Builder
	for _, l := range lines {
		if lipgloss.Width(l) > 60 {
			t.Errorf("line wider than 60: %q", l)
		}
		joined.WriteString(strings.TrimPrefix(l, "┃ "))
	}
	if !strings.Contains(joined.String(), long+":12:7") {
		t.Errorf("the location is cut:\n%s", strings.Join(lines, "\n"))
	}
	all := strings.Join(lines, "\n")
	if strings.Contains(all, "restores the .bak") || !strings.Contains(all, "no good .bak") {
		t.Errorf("without a .bak the text must not promise to restore it:\n%s", all)
	}
	h.backup = 3
	all = strings.ReplaceAll(strings.Join(h.errorLines(), " "), "┃ ", "")
	if !strings.Contains(all, "restores the .bak: 3 profiles") {
		t.Errorf("with a good .bak the text says it is restored:\n%s", all)
	}
}

// Issue 14: the title shows a badge when something needs attention, and
// the badge is kept whole however narrow the title gets.
func TestHeaderBadgeIsNeverCut(t *testing.T) {
	h := header{keys: testKeys(), home: "/home/u", agent: "main", agents: 2, order: "override",
		store: "/home/u/.clawdbot/agents/main/agent/auth-profiles.json", badge: "✗ google: no usable credential", bad: true}
	for _, w := range []int{120, 80, 60} {
		h.width = w
		got := h.titleLine()
		if !strings.Contains(got, h.badge) {
			t.Errorf("%d wide: the badge is cut: %q", w, got)
		}
		if lipgloss.Width(got) != w {
			t.Errorf("%d wide: the line is %d", w, lipgloss.Width(got))
		}
	}
	h.width = 120
	if got := h.titleLine(); !strings.HasPrefix(got, " moltbot ✗ google") {
		t.Errorf("the badge follows the program's name: %q", got)
	}
}

// The counts line says what `models status` says under its table, in
// fewer words when that does not fit.
func TestHeaderCountsLine(t *testing.T) {
	h := header{width: 100, warn: 24 * time.Hour, counts: &authstore.Counts{ExpiredOrMissing: 2, Expiring: 1, Unusable: 1}}
	if got, want := strings.TrimSpace(h.countsLine()), "2 expired or missing · 1 expiring within 24h · 1 cooling down or disabled"; got != want {
		t.Errorf("counts line %q, want %q", got, want)
	}
	h.width = 60
	if got := h.countsLine(); lipgloss.Width(got) > 60 || !strings.Contains(got, "2 expired/missing") || !strings.Contains(got, "1 expiring (24h)") {
		t.Errorf("at 60 columns: %q", got)
	}
	h.counts = &authstore.Counts{}
	if got := strings.TrimSpace(h.countsLine()); got != "All credentials are usable." {
		t.Errorf("all well: %q", got)
	}
	h.counts = nil
	if got := h.countsLine(); got != "" {
		t.Errorf("no report, no counts: %q", got)
	}
}

// A config that cannot be read is shown above the panes with where it
// broke and what to do, under the store's own error when both are wrong.
func TestHeaderConfigErrorLines(t *testing.T) {
	cfgErr := &authstore.ConfigError{Path: "/home/u/.clawdbot/clawdbot.json", Line: 3, Column: 40, Err: errors.New("invalid character ',' looking for beginning of value")}
	h := header{keys: testKeys(), home: "/home/u", width: 100, height: 30, configErr: cfgErr}
	got := strings.Join(h.errorLines(), "\n")
	for _, want := range []string{"┃ The config cannot be read: ~/.clawdbot/clawdbot.json:3:40", "┃ invalid character ','", "Press e to edit it"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	h.err = &authstore.CorruptError{Path: "/home/u/s.json", Line: 1, Column: 2, Reason: "bad"}
	lines := h.errorLines()
	if !strings.Contains(lines[0], "The auth store cannot be read") || len(lines) > 10 {
		t.Errorf("store first, at most a third of the height:\n%s", strings.Join(lines, "\n"))
	}
	h.err, h.configErr = nil, nil
	if lines := h.errorLines(); lines != nil {
		t.Errorf("no error, lines %q", lines)
	}
}

// The gateway sits at the right of the title, before the order source;
// on a narrow screen it goes first, before the program name.
func TestHeaderTitleLineGateway(t *testing.T) {
	h := header{keys: testKeys(), home: "/home/u", agent: "main",
		store: "/home/u/.openclaw/agents/main/agent/openclaw-agent.sqlite", order: "override", gateway: "openclaw 2026.9.6 · SQLite (shared state db)"}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{140, " moltbot · agent main · ~/.openclaw/agents/main/agent/openclaw-agent.sqlite  openclaw 2026.9.6 · SQLite (shared state db)  order: override "},
		{130, " moltbot · agent main · ~/…/main/agent/openclaw-agent.sqlite  openclaw 2026.9.6 · SQLite (shared state db)  order: override "},
		{110, " moltbot · agent main · ~/.openclaw/agents/main/agent/openclaw-agent.sqlite  order: override "},
		{90, " moltbot · agent main · ~/…/agents/main/agent/openclaw-agent.sqlite  order: override "},
	} {
		h.width = tc.w
		got := h.titleLine()
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(tc.want), " ") {
			t.Errorf("%d wide:\n%q\nwant\n%q", tc.w, got, tc.want)
		}
		if lipgloss.Width(got) != tc.w {
			t.Errorf("%d wide: the line is %d", tc.w, lipgloss.Width(got))
		}
	}
}
