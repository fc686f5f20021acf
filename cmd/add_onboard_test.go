package cmd

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// onboardStep is what the wizard shows (a landmark) and the keys the user
// then presses ("enter", "down", "up", "ctrl+u", or text, pasted).
type onboardStep struct {
	landmark string
	keys     []string
}

func on(landmark string, keys ...string) onboardStep { return onboardStep{landmark, keys} }

// onboard runs the wizard of `moltbot onboard` on c's files, with a
// `claude` that yields token, and walks it through steps. Commands run
// inline and their messages are fed back; one still running after a
// moment while the wizard waits for nothing of its own is a timer (the
// cursor's blink) and is left behind.
func (c *cli) onboard(token string, steps ...onboardStep) {
	c.t.Helper()
	getenv := func(k string) string { return c.env[k] }
	paths, err := authstore.ResolvePaths("", getenv, c.home)
	if err != nil {
		c.t.Fatal(err)
	}
	env := views.Env{
		Paths: paths, Clock: func() time.Time { return testNow }, Getenv: getenv, Home: c.home,
		Keys: tui.DefaultKeys().Views, Styles: tui.NewTheme(nil).Views,
	}
	w := views.NewWizard(env, views.WizardOptions{
		Context:  context.Background(),
		LookPath: func(name string) (string, error) { return "/opt/fake/" + name, nil },
		Login: func(_ context.Context, _ string, o views.LoginOptions) tea.Cmd {
			return func() tea.Msg { return views.LoginFinishedMsg{ID: o.ID, Token: token, At: testNow} }
		},
	})
	closed := false
	var send func(tea.Msg)
	var run func(cmds ...tea.Cmd)
	run = func(cmds ...tea.Cmd) {
		ch := make(chan tea.Msg, len(cmds))
		n := 0
		for _, cmd := range cmds {
			if cmd != nil {
				n++
				go func() { ch <- cmd() }()
			}
		}
		start := time.Now()
		for n > 0 {
			select {
			case msg := <-ch:
				n--
				switch m := msg.(type) {
				case nil:
				case tea.BatchMsg:
					run(m...)
				case views.WizardClosedMsg:
					closed = true
				default:
					if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice { // tea.Sequence
						for i := 0; i < v.Len(); i++ {
							if cmd, ok := v.Index(i).Interface().(tea.Cmd); ok {
								run(cmd)
							}
						}
						continue
					}
					send(msg)
				}
				continue
			case <-time.After(10 * time.Millisecond):
			}
			if waited := time.Since(start); waited > 5*time.Second || waited > 100*time.Millisecond && !w.Busy() {
				return
			}
		}
	}
	send = func(msg tea.Msg) {
		next, cmd := w.Update(msg)
		w = next.(*views.Wizard)
		run(cmd)
	}
	w.SetSize(100, 28)
	run(w.Init())
	for _, s := range steps {
		if v := ansi.Strip(w.View()); !strings.Contains(v, s.landmark) {
			c.t.Fatalf("the wizard lacks %q:\n%s", s.landmark, v)
		}
		for _, k := range s.keys {
			switch k {
			case "enter":
				send(tea.KeyMsg{Type: tea.KeyEnter})
			case "down":
				send(tea.KeyMsg{Type: tea.KeyDown})
			case "up":
				send(tea.KeyMsg{Type: tea.KeyUp})
			case "ctrl+u":
				send(tea.KeyMsg{Type: tea.KeyCtrlU})
			default:
				send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k), Paste: true})
			}
		}
	}
	if !closed || w.Saved() == "" {
		c.t.Fatalf("the wizard did not save and close:\n%s", ansi.Strip(w.View()))
	}
}

// TestAddAndOnboardStoreTheSame: `models auth add` and `moltbot onboard`
// are one flow; given the same answers they leave the same files (store,
// config, .env), byte for byte.
func TestAddAndOnboardStoreTheSame(t *testing.T) {
	existing := `{"version": 1, "profiles": {` +
		`"anthropic:default": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKEold0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000AA", "expires": 1767500000000},` +
		`"anthropic:manual": {"type": "api_key", "provider": "anthropic", "key": "` + fakeAPIKey + `"},` +
		`"groq:a": {"type": "token", "provider": "groq", "token": "gsk-FAKE-a-0000000000000000"}}}`
	const done = "Press enter to finish."
	for _, tc := range []struct {
		name    string
		store   string
		capture bool // claude yields fakeSetupToken
		add     []func(views.AddStepID, *views.AddValues) error
		onboard []onboardStep
	}{
		{
			name: "subscription captured, replacing", store: existing, capture: true,
			add: []func(views.AddStepID, *views.AddValues) error{
				expect(t, views.StepMethod, func(v *views.AddValues) {}),
				expect(t, views.StepName, func(v *views.AddValues) {}),
				expect(t, views.StepReplace, func(v *views.AddValues) { v.Replace = true }),
				expect(t, views.StepPlacement, func(v *views.AddValues) { v.Placement = authstore.PlaceLast }),
			},
			onboard: []onboardStep{
				on("What do you want to add?", "enter"), on("Saved as", "enter"),
				on("Choose another name", "up", "enter"), on("Start claude setup-token", "enter"),
				on("Yes, use this token", "enter"), on("Where in the order", "down", "enter"), on(done, "enter"),
			},
		},
		{
			name: "Anthropic key into the store, first", store: existing,
			add: []func(views.AddStepID, *views.AddValues) error{
				expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddAnthropicAPIKey }),
				expect(t, views.StepDestination, func(v *views.AddValues) {}),
				expect(t, views.StepName, func(v *views.AddValues) { v.Name = "team" }),
				expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = fakeAPIKey[:80] + "TEAM" }),
				expect(t, views.StepPlacement, func(v *views.AddValues) {}),
			},
			onboard: []onboardStep{
				on("What do you want to add?", "down", "enter"), on("Where should the key go?", "enter"),
				on("Saved as", "ctrl+u", "team", "enter"), on("Paste the Anthropic API key", fakeAPIKey[:80]+"TEAM", "enter"),
				on("Where in the order", "enter"), on(done, "enter"),
			},
		},
		{
			name: "OpenRouter key into .env", store: existing,
			add: []func(views.AddStepID, *views.AddValues) error{
				expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOpenRouterAPIKey }),
				expect(t, views.StepDestination, func(v *views.AddValues) { v.Destination = views.DestEnv }),
				expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = fakeOtherToken }),
			},
			onboard: []onboardStep{
				on("What do you want to add?", "down", "down", "down", "enter"), on("Where should the key go?", "down", "enter"),
				on("Paste the OpenRouter API key", fakeOtherToken, "enter"), on(done, "enter"),
			},
		},
		{
			name: "another provider's token, expiring", store: existing,
			add: []func(views.AddStepID, *views.AddValues) error{
				expect(t, views.StepMethod, func(v *views.AddValues) { v.Method, v.OtherProvider = views.AddOtherToken, "Groq" }),
				expect(t, views.StepName, func(v *views.AddValues) { v.Name = "b" }),
				expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret, v.ExpiresIn = "gsk-FAKE-b-0000000000000000", "30d" }),
				expect(t, views.StepPlacement, func(v *views.AddValues) {}),
			},
			onboard: []onboardStep{
				on("What do you want to add?", "down", "down", "down", "down", "enter"), on("Provider id", "Groq", "enter"),
				on("Saved as", "ctrl+u", "b", "enter"), on("Paste the groq token", "gsk-FAKE-b-0000000000000000", "enter"),
				on("Expires in", "30d", "enter"), on("Where in the order", "enter"), on(done, "enter"),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			add, onb := newCLI(t), newCLI(t)
			for _, c := range []*cli{add, onb} {
				c.writeStore(tc.store)
				c.write(".env", "# daemon env\nFOO=bar\n")
			}
			old := captureSetupToken
			captureSetupToken = func(context.Context) (string, error) { return fakeSetupToken, nil }
			t.Cleanup(func() { captureSetupToken = old })
			answerAdd(t, tc.add...)
			add.terminal = true
			if _, errOut, code := add.run("models", "auth", "add"); code != 0 {
				t.Fatalf("add: exit %d: %s", code, errOut)
			}
			onb.onboard(fakeSetupToken, tc.onboard...)
			before := newCLI(t)
			before.writeStore(tc.store)
			before.write(".env", "# daemon env\nFOO=bar\n")
			if same(before.tree(), add.tree()) {
				t.Fatal("add wrote nothing")
			}
			assertSameTree(t, add.tree(), onb.tree())
		})
	}
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
