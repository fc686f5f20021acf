package views

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
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
