package views

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// The dialog asks, answers once (y or n, nothing else), and says what it
// will do with the keys that do it.
func TestConfirmDialogAnswers(t *testing.T) {
	q := question{kind: askRemove, id: "anthropic:work", typ: "api_key"}
	for _, tc := range []struct {
		keys []string
		want any
	}{
		{[]string{"x", "y"}, confirmAnsweredMsg{q: q, yes: true}},
		{[]string{"n"}, confirmAnsweredMsg{q: q}},
		{[]string{"esc", "y"}, confirmAnsweredMsg{q: q}}, // answered: y comes too late
		{[]string{"q", "space"}, nil},
	} {
		c := newConfirmDialog(testKeys(), DashboardStyles{}, q)
		for _, k := range tc.keys {
			if _, cmd := c.Update(press(k)); cmd != nil {
				t.Errorf("%v: a command (%v); the answer is Result's", tc.keys, msgOf(cmd))
			}
		}
		got, done := c.Result()
		if done != (tc.want != nil) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: Result() = %+v, %v; want %+v", tc.keys, got, done, tc.want)
		}
	}
}

func TestConfirmDialogView(t *testing.T) {
	keys := testKeys()
	c := newConfirmDialog(keys, DashboardStyles{}, question{kind: askRemove, id: "anthropic:work", typ: "api_key"})
	c.SetSize(100, 30)
	v := c.View()
	for _, want := range []string{"Remove anthropic:work?", "The api_key profile is deleted", "y remove   n/esc keep it"} {
		if !strings.Contains(v, want) {
			t.Errorf("remove dialog lacks %q:\n%s", want, v)
		}
	}
	if w := lipgloss.Width(v); w > 64 {
		t.Errorf("dialog is %d wide at 100 columns, want at most 64", w)
	}
	c = newConfirmDialog(keys, DashboardStyles{}, question{kind: askClearOrder, provider: "anthropic", override: []string{"anthropic:a", "anthropic:b"}})
	c.SetSize(100, 30)
	v = c.View()
	for _, want := range []string{"Clear the anthropic order", "override (anthropic:a,", "y clear   n/esc keep it"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("clear dialog lacks %q:\n%s", want, v)
		}
	}
	c.SetSize(40, 15)
	if w := lipgloss.Width(c.View()); w > 40 {
		t.Errorf("dialog is %d wide in 40 columns", w)
	}
	var help []string
	for _, b := range c.ShortHelp() {
		help = append(help, b.Help().Key+" "+b.Help().Desc)
	}
	if got := strings.Join(help, ", "); got != "y clear, n/esc keep" {
		t.Errorf("help %q", got)
	}
}

// The cooldown question lists each profile with until when it would have
// lasted, says what clearing does and that z undoes it, and fits.
func TestConfirmDialogCooldown(t *testing.T) {
	keys := testKeys()
	q := question{kind: askClearCooldown, provider: "anthropic", ids: []string{"anthropic:work"},
		states: []string{"anthropic:work: disabled (billing) until 20:04 (5h 00m left)"}}
	c := newConfirmDialog(keys, DashboardStyles{}, q)
	c.SetSize(100, 30)
	v := strings.Join(strings.Fields(c.View()), " ")
	for _, want := range []string{"Clear the cooldown of anthropic:work?", "anthropic:work: disabled (billing) until 20:04 (5h 00m left)",
		"The gateway tries it again at once", "nothing else. z undoes it.", "y clear n/esc keep waiting"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, c.View())
		}
	}
	var ids, states []string
	for i := 0; i < 7; i++ {
		ids = append(ids, "anthropic:p"+string(rune('a'+i)))
		states = append(states, ids[i]+": cooldown until 15:08 (4m 09s left)")
	}
	c = newConfirmDialog(keys, DashboardStyles{}, question{kind: askClearCooldown, provider: "anthropic", ids: ids, states: states})
	c.SetSize(60, 15)
	v = c.View()
	if !strings.Contains(v, "Clear the cooldowns of 7 anthropic profiles?") || !strings.Contains(v, "… and 3 more") || strings.Contains(v, "anthropic:pe:") {
		t.Errorf("seven profiles:\n%s", v)
	}
	if w := lipgloss.Width(v); w > 60 {
		t.Errorf("%d wide in 60 columns", w)
	}
	if got := shown(c.ShortHelp()); got != "y clear · n/esc keep" {
		t.Errorf("help %q", got)
	}
}
