package views

import (
	"strings"
	"testing"

	"github.com/moltbot/moltbot/authstore"
)

func TestAgentPickerPicksOrCloses(t *testing.T) {
	agents := []agentInfo{
		{id: "main", profiles: 6, status: authstore.StatusExpired},
		{id: "broken", problem: "corrupt"},
		{id: "work", profiles: 1, status: authstore.StatusStatic},
	}
	for _, tc := range []struct {
		keys []string
		want string // "" closed without a pick; "-" still open
	}{
		{[]string{"enter"}, "main"}, // starts on the agent shown
		{[]string{"down", "down", "down", "enter"}, "work"},
		{[]string{"end", "up", "space"}, "broken"},
		{[]string{"down", "esc"}, ""},
		{[]string{"g"}, ""}, // g again closes
		{[]string{"x", "down"}, "-"},
	} {
		p := newAgentPicker(testKeys(), DashboardStyles{}, agents, "main")
		for _, k := range tc.keys {
			p.Update(press(k))
		}
		msg, done := p.Result()
		got := "-"
		switch m := msg.(type) {
		case agentPickedMsg:
			got = m.id
		case nil:
			if done {
				got = ""
			}
		}
		if got != tc.want {
			t.Errorf("%v: %q (done %v), want %q", tc.keys, got, done, tc.want)
		}
	}
}

func TestAgentPickerView(t *testing.T) {
	var agents []agentInfo
	for _, id := range []string{"main", "broken", "work", "a3", "a4", "a5", "a6", "a7", "a8", "a9"} {
		agents = append(agents, agentInfo{id: id, profiles: 1, status: authstore.StatusOK})
	}
	agents[1] = agentInfo{id: "broken", problem: "corrupt"}
	p := newAgentPicker(testKeys(), DashboardStyles{}, agents, "main")
	p.SetSize(100, 12) // 4 rows of agents
	v := p.View()
	for _, want := range []string{"Show which agent?", "▸ main", "● shown", "✗ corrupt store", "1 profile · ok", "enter show   esc cancel"} {
		if !strings.Contains(v, want) {
			t.Errorf("picker lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "a3") || strings.Contains(v, "a4") {
		t.Errorf("not the 4 rows there is room for:\n%s", v)
	}
	p.Update(press("end"))
	if v := p.View(); !strings.Contains(v, "▸ a9") || strings.Contains(v, "main") {
		t.Errorf("scrolled to the end:\n%s", v)
	}
}
