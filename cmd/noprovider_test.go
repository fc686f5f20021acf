package cmd

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// noProviderStore has anthropic:a and anthropic:b, b without a "provider"
// field: the gateway never uses b.
func noProviderStore() string {
	return `{
  "version": 1,
  "profiles": {
    "anthropic:a": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE` + strings.Repeat("A", 80) + `" },
    "anthropic:b": { "type": "api_key", "key": "sk-ant-api03-FAKE` + strings.Repeat("B", 80) + `" }
  }
}
`
}

// One membership rule everywhere: a profile belongs to the provider its
// "provider" field names. The profile without one is listed apart, never
// hidden, by status (text and JSON), doctor and the dashboard alike, and
// `order set` refuses it.
func TestNoProviderProfileIsTheSameEverywhere(t *testing.T) {
	c := newCLI(t)
	c.writeStore(noProviderStore())

	out, _, code := c.run("models", "status")
	if code != 0 || !strings.Contains(out, "(no provider)") || !regexpLine(out, "anthropic:b", "api_key") {
		t.Errorf("status (exit %d) does not list b apart:\n%s", code, out)
	}
	if i, j := strings.Index(out, "(no provider)"), strings.Index(out, "anthropic:b"); i < 0 || j < i {
		t.Errorf("b is not under (no provider):\n%s", out)
	}

	out, _, _ = c.run("models", "status", "--json")
	var doc struct {
		Auth struct {
			Providers []struct {
				Provider   string `json:"provider"`
				NoProvider bool   `json:"noProvider"`
				Profiles   []struct {
					ProfileID string `json:"profileId"`
					Rank      int    `json:"rank"`
				} `json:"profiles"`
			} `json:"providers"`
			OAuth struct {
				Profiles []struct {
					ProfileID string `json:"profileId"`
				} `json:"profiles"`
			} `json:"oauth"`
		} `json:"auth"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var cliGroups = map[string][]string{}
	for _, p := range doc.Auth.Providers {
		name := p.Provider
		if p.NoProvider {
			name = authstore.NoProvider
		}
		for _, pr := range p.Profiles {
			cliGroups[name] = append(cliGroups[name], pr.ProfileID)
		}
	}
	want := map[string][]string{"anthropic": {"anthropic:a"}, authstore.NoProvider: {"anthropic:b"}}
	if !mapsEqual(cliGroups, want) {
		t.Errorf("--json groups %v, want %v", cliGroups, want)
	}
	for _, p := range doc.Auth.OAuth.Profiles {
		if p.ProfileID == "anthropic:b" {
			t.Error("the gateway's oauth.profiles lists a profile the gateway does not use")
		}
	}

	// The dashboard shows the same groups.
	paths, err := authstore.ResolvePaths("", func(k string) string { return c.env[k] }, c.home)
	if err != nil {
		t.Fatal(err)
	}
	keys := tui.DefaultKeys()
	d := views.NewDashboard(views.Env{Paths: paths, Clock: func() time.Time { return testNow }, Getenv: func(string) string { return "" },
		Home: c.home, Keys: keys.Views, Styles: tui.NewTheme(nil).Views})
	d.SetSize(120, 30)
	runCmd(d, d.Init())
	dashGroups := map[string][]string{}
	for range 2 {
		dashGroups[d.SelectedProvider()] = d.ShownOrder()
		next, cmd := d.Update(tea.KeyMsg{Type: tea.KeyTab})
		d = next.(*views.Dashboard)
		runCmd(d, cmd)
		next, cmd = d.Update(tea.KeyMsg{Type: tea.KeyDown})
		d = next.(*views.Dashboard)
		runCmd(d, cmd)
		next, cmd = d.Update(tea.KeyMsg{Type: tea.KeyTab})
		d = next.(*views.Dashboard)
		runCmd(d, cmd)
	}
	if !mapsEqual(dashGroups, want) {
		t.Errorf("dashboard groups %v, want %v:\n%s", dashGroups, want, ansi.Strip(d.View()))
	}
	if v := ansi.Strip(d.View()); !strings.Contains(v, "(no provider)") {
		t.Errorf("the dashboard does not name the group:\n%s", v)
	}

	// order set refuses b for anthropic, and says why.
	_, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b", "anthropic:a")
	if code != 1 || !strings.Contains(errOut, `"anthropic:b" is for no provider, not anthropic`) {
		t.Errorf("order set: exit %d, %s", code, errOut)
	}

	// doctor counts every profile status lists, and says how to fix b.
	out, _, _ = c.run("doctor")
	if !strings.Contains(out, `anthropic:b has no "provider" field, so the gateway never uses it`) || !strings.Contains(out, `add "provider": "anthropic" to anthropic:b`) {
		t.Errorf("doctor:\n%s", out)
	}
	if !strings.Contains(out, "parses: 2 profiles") {
		t.Errorf("doctor's count:\n%s", out)
	}
}

func runCmd(d *views.Dashboard, cmd tea.Cmd) {
	for _, msg := range drain(cmd) {
		next, more := d.Update(msg)
		*d = *next.(*views.Dashboard)
		runCmd(d, more)
	}
}

// drain runs cmd and the batches it returns, collecting the messages that
// are not ticks (commands that would wait are not run).
func drain(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	switch m := msg.(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, drain(c)...)
		}
		return out
	case nil:
		return nil
	}
	return []tea.Msg{msg}
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// regexpLine reports whether a line of out holds every part, in order.
func regexpLine(out string, parts ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}
