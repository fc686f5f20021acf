package views_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/ptyrun"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// Obviously fake secrets of the right shapes.
var (
	wizToken    = "sk-ant-oat01-FAKE" + strings.Repeat("w", 89) + "AA" // 108 characters
	wizOldToken = "sk-ant-oat01-FAKE" + strings.Repeat("o", 89) + "AA"
	wizAPIKey   = "sk-ant-api03-FAKE" + strings.Repeat("k", 80)
	wizOpenAI   = "sk-proj-FAKE" + strings.Repeat("p", 40)
)

// wizFixture is a scratch gateway state dir with the home beside it.
type wizFixture struct {
	t     *testing.T
	root  string
	state string
	paths authstore.Paths
}

func newWizFixture(t *testing.T, store string) *wizFixture {
	t.Helper()
	root := t.TempDir()
	f := &wizFixture{t: t, root: root, state: filepath.Join(root, "state")}
	if err := os.MkdirAll(f.state, 0o700); err != nil {
		t.Fatal(err)
	}
	if store != "" {
		p := filepath.Join(f.state, "agents", "main", "agent", "auth-profiles.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(store), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := authstore.ResolvePaths("", func(k string) string {
		if k == "MOLTBOT_STATE_DIR" {
			return f.state
		}
		if k == "MOLTBOT_GATEWAY" {
			return "clawdbot" // a fresh state dir says nothing about the gateway
		}
		return ""
	}, root)
	if err != nil {
		t.Fatal(err)
	}
	f.paths = paths
	return f
}

// files is every file under the state dir and its bytes.
func (f *wizFixture) files() map[string]string {
	f.t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(f.state, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *wizFixture) snapshot() authstore.Snapshot {
	f.t.Helper()
	snap, err := authstore.Load(f.paths)
	if err != nil {
		f.t.Fatal(err)
	}
	return snap
}

// configProfile is the config's auth.profiles[id] ("" mode when absent).
func (f *wizFixture) configMode(id string) string {
	f.t.Helper()
	data, err := os.ReadFile(f.snapshot().Paths.Config)
	if err != nil {
		return ""
	}
	var cfg struct {
		Auth struct {
			Profiles map[string]struct{ Provider, Mode string } `json:"profiles"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		f.t.Fatal(err)
	}
	return cfg.Auth.Profiles[id].Mode
}

func storeWith(profiles ...string) string {
	return `{"version": 1, "profiles": {` + strings.Join(profiles, ",") + `}}`
}

func tokenProfile(id, token string, expires time.Time) string {
	return fmt.Sprintf(`%q: {"type": "token", "provider": "anthropic", "token": %q, "expires": %d}`, id, token, expires.UnixMilli())
}

func keyProfile(id, provider, key string) string {
	return fmt.Sprintf(`%q: {"type": "api_key", "provider": %q, "key": %q}`, id, provider, key)
}

// wizEnv is the Env a program would give the wizard, on the test clock.
func wizEnv(f *wizFixture) views.Env {
	keys := tui.DefaultKeys()
	theme := tui.NewTheme(nil)
	return views.Env{
		Paths:  f.paths,
		Clock:  func() time.Time { return testNow },
		Getenv: func(string) string { return "" },
		Home:   f.root,
		Keys:   keys.Views,
		Styles: theme.Views,
	}
}

// wizDriver runs a wizard without a program: commands run inline, their
// messages are fed back; the login is recorded instead of run.
type wizDriver struct {
	t      *testing.T
	f      *wizFixture
	w      *views.Wizard
	closed []views.WizardClosedMsg
	logins []views.LoginOptions
	claude error // LookPath's answer: nil finds /opt/fake/claude
	// login, when set, answers each login at once (else the test sends
	// the LoginFinishedMsg itself).
	login func(views.LoginOptions) views.LoginFinishedMsg
}

func newWizDriver(t *testing.T, f *wizFixture) *wizDriver {
	return newSizedWizDriver(t, f, 100, 28)
}

func newSizedWizDriver(t *testing.T, f *wizFixture, w, h int) *wizDriver {
	t.Helper()
	d := &wizDriver{t: t, f: f}
	d.w = views.NewWizard(wizEnv(f), d.options())
	d.w.SetSize(w, h)
	d.run(d.w.Init())
	return d
}

func (d *wizDriver) options() views.WizardOptions {
	return views.WizardOptions{
		Context: context.Background(),
		LookPath: func(name string) (string, error) {
			if d.claude != nil {
				return "", d.claude
			}
			return "/opt/fake/" + name, nil
		},
		Login: func(_ context.Context, path string, o views.LoginOptions) tea.Cmd {
			if path != "/opt/fake/claude" {
				d.t.Errorf("login runs %q", path)
			}
			d.logins = append(d.logins, o)
			if d.login == nil {
				return nil
			}
			msg := d.login(o)
			return func() tea.Msg { return msg }
		},
	}
}

func (d *wizDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.collect([]tea.Cmd{cmd})
}

// collect runs cmds at once and handles their messages as they come. A
// command still running after a moment while the wizard is not busy is a
// timer (cursor blink) and is left behind.
func (d *wizDriver) collect(cmds []tea.Cmd) {
	ch := make(chan tea.Msg, len(cmds))
	n := 0
	for _, c := range cmds {
		if c != nil {
			n++
			go func() { ch <- c() }()
		}
	}
	start := time.Now()
	for n > 0 {
		select {
		case msg := <-ch:
			n--
			d.handle(msg)
			continue
		case <-time.After(20 * time.Millisecond):
		}
		waited := time.Since(start)
		if waited > 5*time.Second || waited > 250*time.Millisecond && !d.w.Busy() {
			return
		}
	}
}

func (d *wizDriver) handle(msg tea.Msg) {
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		d.collect(m)
	case views.WizardClosedMsg:
		d.closed = append(d.closed, m)
	default:
		v := reflect.ValueOf(msg)
		if v.Kind() == reflect.Slice { // tea.Sequence: one after the other
			for i := 0; i < v.Len(); i++ {
				if c, ok := v.Index(i).Interface().(tea.Cmd); ok {
					d.run(c)
				}
			}
			return
		}
		if strings.Contains(reflect.TypeOf(msg).PkgPath(), "bubbles/cursor") {
			return // cursor blinks would start timers
		}
		d.send(msg)
	}
}

func (d *wizDriver) send(msg tea.Msg) *wizDriver {
	next, cmd := d.w.Update(msg)
	d.w = next.(*views.Wizard)
	d.run(cmd)
	return d
}

func (d *wizDriver) keys(names ...string) *wizDriver {
	for _, n := range names {
		switch n {
		case "enter":
			d.send(tea.KeyMsg{Type: tea.KeyEnter})
		case "down":
			d.send(tea.KeyMsg{Type: tea.KeyDown})
		case "up":
			d.send(tea.KeyMsg{Type: tea.KeyUp})
		case "esc":
			d.send(tea.KeyMsg{Type: tea.KeyEsc})
		case "ctrl+c":
			d.send(tea.KeyMsg{Type: tea.KeyCtrlC})
		case "ctrl+u":
			d.send(tea.KeyMsg{Type: tea.KeyCtrlU})
		default:
			d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)})
		}
	}
	return d
}

// paste sends text the way a terminal's bracketed paste arrives.
func (d *wizDriver) paste(s string) *wizDriver {
	return d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

func (d *wizDriver) view() string { return ansi.Strip(d.w.View()) }

func (d *wizDriver) expect(what ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range what {
		if !strings.Contains(v, s) {
			d.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (d *wizDriver) lastLoginID() string {
	d.t.Helper()
	if len(d.logins) == 0 {
		d.t.Fatal("no login was started")
	}
	return d.logins[len(d.logins)-1].ID
}

// captured answers the last login with tok.
func (d *wizDriver) captured(tok string) *wizDriver {
	return d.send(views.LoginFinishedMsg{ID: d.lastLoginID(), Token: tok})
}

func (d *wizDriver) failed(err error) *wizDriver {
	return d.send(views.LoginFinishedMsg{ID: d.lastLoginID(), Err: err})
}

func noSecretOnScreen(t *testing.T, v string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(v, s) || strings.Contains(v, s[len(s)-20:]) {
			t.Fatalf("a secret is on screen:\n%s", v)
		}
	}
}

func TestWizardSetupTokenCapturedAndSaved(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, "")
	d := newWizDriver(t, f)
	// Four steps: the order is not asked with no other anthropic profile.
	d.expect("step 1 of 4", "What do you want to add?", "Anthropic — Claude subscription (setup-token)")
	d.keys("enter") // Claude subscription (the default)
	d.expect("step 2 of 4", "Profile name", "default")
	d.keys("enter")
	d.expect("step 3 of 4", "claude setup-token", "ctrl+] at any time to cancel", "Start claude setup-token")
	if len(d.logins) != 0 {
		t.Fatal("the login started before the user chose to start it")
	}
	d.keys("enter")
	if len(d.logins) != 1 {
		t.Fatalf("%d logins started, want 1", len(d.logins))
	}
	d.captured(wizToken)
	d.expect("Captured a setup token", authstore.Mask(wizToken), "108 characters", "Save it as anthropic:default?")
	noSecretOnScreen(t, d.view(), wizToken)
	if len(f.files()) != 0 {
		t.Fatal("something was written before the user confirmed")
	}
	d.keys("enter")
	d.expect("step 4 of 4", "Saved anthropic:default", "expires in 365d", "moltbot models status",
		"moltbot models auth order get --provider anthropic", "mode token")
	noSecretOnScreen(t, d.view(), wizToken)

	p, ok := f.snapshot().Store.Profile("anthropic:default")
	if !ok || p.Type != authstore.TypeToken || p.Token != wizToken || p.Provider != "anthropic" {
		t.Fatalf("stored profile %+v", p)
	}
	if want := testNow.Add(authstore.SetupTokenLife).UnixMilli(); p.Expires != want {
		t.Errorf("expires %d, want capture time + 365 days %d", p.Expires, want)
	}
	if m := f.configMode("anthropic:default"); m != "token" {
		t.Errorf("config auth.profiles mode %q, want token", m)
	}
	d.keys("enter")
	if len(d.closed) != 1 || d.closed[0].Saved != "anthropic:default" {
		t.Fatalf("closed with %+v", d.closed)
	}
}

func TestWizardNoTokenSaysWhyAndOffersWaysOn(t *testing.T) {
	t.Parallel()
	started := ptyrun.Result{Name: views.SetupTokenCommand, Started: true}
	exit1 := started
	exit1.ExitCode = 1
	cancelled := started
	cancelled.Cancelled, cancelled.ExitCode = true, -1
	timedOut := started
	timedOut.TimedOut, timedOut.ExitCode = true, -1
	exit0 := started
	cases := []struct {
		name  string
		msg   views.LoginFinishedMsg
		shows []string
	}{
		{"exit1", views.LoginFinishedMsg{Err: &ptyrun.CaptureError{Result: exit1}}, []string{"exited with status 1"}},
		{"cancelled", views.LoginFinishedMsg{Err: &ptyrun.CaptureError{Result: cancelled}}, []string{"cancelled with ctrl+]", "when you are ready"}},
		{"timeout", views.LoginFinishedMsg{Err: &ptyrun.CaptureError{Result: timedOut}}, []string{"timed out"}},
		{"no token", views.LoginFinishedMsg{Err: &ptyrun.CaptureError{Result: exit0}}, []string{"exited without a usable token"}},
		{"cut off", views.LoginFinishedMsg{Err: fmt.Errorf("%s: %w", views.SetupTokenCommand, &ptyrun.ScanError{Reason: ptyrun.TooShort, Length: 60})},
			[]string{"only 60 characters", "paste it instead"}},
		{"truncated token", views.LoginFinishedMsg{Token: wizToken[:70]}, []string{"cut off"}},
		{"did not start", views.LoginFinishedMsg{Err: errors.New("start claude setup-token: permission denied")}, []string{"permission denied"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newWizFixture(t, "")
			d := newWizDriver(t, f)
			d.keys("enter", "enter", "enter")
			msg := c.msg
			msg.ID = d.lastLoginID()
			d.send(msg)
			d.expect(append([]string{"No token was captured", "Try again", "Paste the token", "Back"}, c.shows...)...)
			if c.msg.Token != "" {
				noSecretOnScreen(t, d.view(), c.msg.Token)
			}
			if len(f.files()) != 0 {
				t.Fatal("a failed capture wrote files")
			}
		})
	}
}

func TestWizardNoTokenTryAgainPasteBack(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, "")
	d := newWizDriver(t, f)
	d.keys("enter", "enter", "enter")
	first := d.lastLoginID()
	d.failed(&ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, ExitCode: 1}})

	// try again: a second run; a late answer from the first is ignored
	d.keys("enter")
	if len(d.logins) != 2 || d.lastLoginID() == first {
		t.Fatalf("try again did not start a new run: %+v", d.logins)
	}
	d.send(views.LoginFinishedMsg{ID: first, Token: wizOldToken})
	if strings.Contains(d.view(), "Captured") {
		t.Fatal("a stale login result was taken")
	}
	d.failed(&ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, Cancelled: true}})

	// back: the pre-handover screen
	d.keys("down", "down", "enter")
	d.expect("Start claude setup-token")
	d.keys("enter")
	d.failed(&ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, ExitCode: 1}})

	// paste it: hidden input; a cut-off token is refused inline
	d.keys("down", "enter")
	d.expect("Paste the setup token", "Input is hidden")
	d.paste(wizToken[:60]).keys("enter")
	d.expect("cut off")
	d.keys("ctrl+u")
	d.paste(wizToken[:50] + "\n" + wizToken[50:]).keys("enter") // a wrapped paste is re-joined
	d.expect("Saved anthropic:default")
	noSecretOnScreen(t, d.view(), wizToken)
	if p, _ := f.snapshot().Store.Profile("anthropic:default"); p.Token != wizToken {
		t.Fatalf("stored token %q", authstore.Mask(p.Token))
	}
}

func TestWizardClaudeMissing(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, "")
	d := newWizDriver(t, f)
	d.claude = errors.New("not found")
	d.keys("enter", "enter")
	d.expect("Claude Code is not installed", "npm install -g @anthropic-ai/claude-code", "Paste a token", "Look again")
	// installed meanwhile: look again goes on to the handover
	d.claude = nil
	d.keys("down", "enter")
	d.expect("Start claude setup-token")
	d.keys("esc") // back to the name
	d.expect("Profile name")
	d.claude = errors.New("not found")
	d.keys("enter")
	d.keys("enter") // paste a token
	d.paste(wizToken).keys("enter")
	d.expect("Saved anthropic:default")
	if len(d.logins) != 0 {
		t.Fatal("claude was run although it is missing")
	}
}

func TestWizardAPIKeyToStoreWithPlacement(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, storeWith(keyProfile("anthropic:default", "anthropic", wizAPIKey)))
	d := newWizDriver(t, f)
	d.keys("down", "enter") // Anthropic API key
	// anthropic:default is the only anthropic profile: replacing it asks no order.
	d.expect("step 2 of 5", "Where should the key go?", "The auth store", ".env, as ANTHROPIC_API_KEY")
	d.keys("enter")
	d.keys("ctrl+u", "work", "enter") // beside it: the order is asked too
	d.expect("step 4 of 6", "Paste the Anthropic API key", "Input is hidden")
	// An OpenAI key cannot be an Anthropic one: refused, with one error.
	d.paste(wizOpenAI).keys("enter")
	d.expect("step 4 of 6", "that is not an Anthropic API key (sk-ant-api03-…)")
	if v := d.view(); strings.Contains(v, "Unusual") || strings.Count(v, "Anthropic API key (") != 1 {
		t.Fatalf("want one error, no warning:\n%s", v)
	}
	// A key of another Anthropic kind is only unusual: a warning.
	d.keys("ctrl+u")
	d.paste("sk-ant-api04-FAKE" + strings.Repeat("k", 91))
	d.expect("Unusual: Anthropic API keys start with sk-ant-api03-")
	d.keys("ctrl+u")
	d.paste(wizAPIKey[:len(wizAPIKey)-1] + "Z").keys("enter")
	d.expect("step 5 of 6", "Where in the order", "anthropic already has anthropic:default")
	d.keys("down", "enter") // last
	d.expect("Saved anthropic:work")
	snap := f.snapshot()
	eo := snap.EffectiveOrder("anthropic", testNow)
	if got := strings.Join(eo.IDs, " "); got != "anthropic:default anthropic:work" {
		t.Errorf("order %q, want the new key last", got)
	}
	if m := f.configMode("anthropic:work"); m != "api_key" {
		t.Errorf("config mode %q", m)
	}
}

func TestWizardAPIKeyToEnv(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, "")
	d := newWizDriver(t, f)
	d.keys("down", "down", "enter") // OpenAI API key
	d.expect("step 2 of 5", "Where should the key go?")
	d.keys("down", "enter") // .env: no profile name to ask
	d.expect("step 3 of 4 · API key", "Paste the OpenAI API key")
	d.paste(wizOpenAI).keys("enter")
	d.expect("step 4 of 4", "Saved OPENAI_API_KEY in", "Restart the gateway daemon")
	noSecretOnScreen(t, d.view(), wizOpenAI)
	data, err := os.ReadFile(f.paths.Env)
	if err != nil || !strings.Contains(string(data), "OPENAI_API_KEY="+wizOpenAI) {
		t.Fatalf(".env: %v", err)
	}
	if _, err := os.Stat(f.paths.Store); err == nil {
		t.Error("a key for .env also went to the store")
	}
	d.keys("enter")
	if len(d.closed) != 1 || d.closed[0].Saved != "OPENAI_API_KEY" {
		t.Fatalf("closed with %+v", d.closed)
	}
}

func TestWizardAsksBeforeReplacing(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, storeWith(tokenProfile("anthropic:default", wizOldToken, testNow.Add(48*time.Hour))))
	d := newWizDriver(t, f)
	d.keys("enter", "enter")
	d.expect("anthropic:default already exists", "token "+authstore.Mask(wizOldToken)+", expires in 2d", "Replace it", "Choose another name")
	d.keys("enter") // the default answer is the safe one
	d.expect("Profile name")
	d.keys("ctrl+u", "spare", "enter")
	d.expect("Start claude setup-token")
	d.keys("esc", "ctrl+u", "default", "enter")
	d.keys("up", "enter") // replace
	d.keys("enter")
	d.captured(wizToken).keys("enter")
	d.expect("Replaced anthropic:default")
	snap := f.snapshot()
	if p, _ := snap.Store.Profile("anthropic:default"); p.Token != wizToken {
		t.Error("the profile was not replaced")
	}
	if _, ok := snap.Store.Profile("anthropic:spare"); ok {
		t.Error("a name the user went back from was saved")
	}
}

func TestWizardEscGoesBack(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, storeWith(keyProfile("anthropic:default", "anthropic", wizAPIKey)))
	d := newWizDriver(t, f)
	steps := []struct{ keys, want string }{
		{"enter", "Profile name"},
		{"enter", "already exists"},
		{"esc", "Profile name"},
		{"esc", "What do you want to add?"},
		{"down", ""},
		{"enter", "Where should the key go?"},
		{"enter", "Profile name"},
		{"ctrl+u work enter", "Paste the Anthropic API key"},
		{"esc", "Profile name"},
		{"esc", "Where should the key go?"},
		{"enter", "Profile name"},
		{"enter", "Paste the Anthropic API key"},
	}
	for _, s := range steps {
		for _, k := range strings.Fields(s.keys) {
			d.keys(k)
		}
		if s.want != "" {
			d.expect(s.want)
		}
	}
	if d.w.Values().Method != views.AddAnthropicAPIKey {
		t.Error("going back lost the chosen method")
	}
	d.paste(wizAPIKey).keys("enter")
	d.expect("Where in the order")
	d.keys("esc")
	d.expect("Paste the Anthropic API key")
	d.keys("esc", "esc", "esc", "esc")
	if len(d.closed) != 1 || d.closed[0].Saved != "" {
		t.Fatalf("esc on the first step: closed %+v", d.closed)
	}
	if len(f.files()) != 1 {
		t.Error("going back wrote files")
	}
}

func TestWizardCtrlCWritesNothing(t *testing.T) {
	t.Parallel()
	store := storeWith(tokenProfile("anthropic:default", wizOldToken, testNow.Add(48*time.Hour)),
		keyProfile("openai:default", "openai", wizOpenAI))
	stops := map[string][]string{
		"method":    {},
		"name":      {"enter"},
		"replace":   {"enter", "enter"},
		"handover":  {"enter", "enter", "up", "enter"},
		"captured":  {"enter", "enter", "up", "enter", "enter", "captured"},
		"notoken":   {"enter", "enter", "up", "enter", "enter", "failed"},
		"where":     {"down", "enter"},
		"secret":    {"down", "enter", "enter", "enter"},
		"placement": {"down", "down", "enter", "enter", "ctrl+u", "two", "enter", "pastekey", "enter"},
	}
	for name, keys := range stops {
		t.Run(name, func(t *testing.T) {
			f := newWizFixture(t, store)
			before := f.files()
			d := newWizDriver(t, f)
			for _, k := range keys {
				switch k {
				case "captured":
					d.captured(wizToken)
				case "failed":
					d.failed(&ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, ExitCode: 1}})
				case "pastekey":
					d.paste(wizOpenAI)
				default:
					d.keys(k)
				}
			}
			view := d.view()
			d.keys("ctrl+c")
			if len(d.closed) != 1 || d.closed[0].Saved != "" {
				t.Fatalf("ctrl+c on\n%s\nclosed %+v", view, d.closed)
			}
			if after := f.files(); !reflect.DeepEqual(before, after) {
				t.Fatalf("ctrl+c on\n%s\nchanged the state dir", view)
			}
			if d.w.Values().Secret != "" {
				t.Error("the wizard kept the secret after closing")
			}
		})
	}
}

func TestWizardCorruptStoreStopsBeforeAsking(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, `{"version": 1, "profiles": {`)
	before := f.files()
	d := newWizDriver(t, f)
	d.expect("moltbot doctor", "Press enter to leave")
	if strings.Contains(d.view(), "What do you want to add?") {
		t.Fatal("the wizard asks questions it cannot save")
	}
	d.keys("enter")
	if len(d.closed) != 1 || d.closed[0].Saved != "" {
		t.Fatalf("closed %+v", d.closed)
	}
	if !reflect.DeepEqual(before, f.files()) {
		t.Fatal("files changed")
	}
}

func TestWizardFitsSmallTerminals(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{60, 13}, {100, 28}, {200, 50}} {
		f := newWizFixture(t, storeWith(keyProfile("anthropic:default", "anthropic", wizAPIKey)))
		d := newSizedWizDriver(t, f, sz[0], sz[1])
		check := func(step string) {
			t.Helper()
			lines := strings.Split(d.w.View(), "\n")
			if len(lines) > sz[1] {
				t.Fatalf("%dx%d %s: %d lines", sz[0], sz[1], step, len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Fatalf("%dx%d %s: line of %d cells: %q", sz[0], sz[1], step, w, l)
				}
			}
		}
		check("method")
		d.keys("enter", "ctrl+u", "x", "enter")
		check("handover")
		if !strings.Contains(d.view(), "Start claude setup-token") {
			t.Fatalf("%dx%d: the choice is cut off:\n%s", sz[0], sz[1], d.view())
		}
		d.keys("enter")
		d.failed(&ptyrun.CaptureError{Result: ptyrun.Result{Name: views.SetupTokenCommand, Started: true, ExitCode: 1}})
		check("no token")
		if flat := strings.Join(strings.Fields(d.view()), " "); !strings.Contains(flat, "Try again") || !strings.Contains(flat, "exited with status 1") {
			t.Fatalf("%dx%d: the recovery screen is cut off:\n%s", sz[0], sz[1], d.view())
		}
	}
	if v := views.NewWizard(views.Env{}, views.WizardOptions{}).View(); v != "" {
		t.Errorf("0×0 view %q", v)
	}
}

func TestWizardTokenYearStartsAtCapture(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, "")
	d := newWizDriver(t, f)
	d.keys("enter", "enter", "enter")
	at := testNow.Add(-3 * time.Minute) // the run ended a while before the user confirmed
	d.send(views.LoginFinishedMsg{ID: d.lastLoginID(), Token: wizToken, At: at})
	d.send(views.TickMsg{Time: testNow})
	d.keys("enter")
	p, _ := f.snapshot().Store.Profile("anthropic:default")
	if want := at.Add(authstore.SetupTokenLife).UnixMilli(); p.Expires != want {
		t.Errorf("expires %d, want capture time + 365 days %d", p.Expires, want)
	}
}

func TestWizardFailedSaveSaysWhyAndRetries(t *testing.T) {
	t.Parallel()
	f := newWizFixture(t, storeWith(keyProfile("openai:default", "openai", wizOpenAI)))
	d := newWizDriver(t, f)
	d.keys("enter", "enter", "enter")
	d.captured(wizToken)
	// Someone breaks the store while the user looks at the token.
	good, err := os.ReadFile(f.paths.Store)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.paths.Store, []byte(`{"version": 1, "profiles": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	d.keys("enter")
	d.expect("Nothing was saved", "Press enter to try again, esc to go back")
	noSecretOnScreen(t, d.view(), wizToken)
	if err := os.WriteFile(f.paths.Store, good, 0o600); err != nil {
		t.Fatal(err)
	}
	d.keys("enter")
	d.expect("Saved anthropic:default")
	snap := f.snapshot()
	if p, _ := snap.Store.Profile("anthropic:default"); p.Token != wizToken {
		t.Fatal("not saved on retry")
	}
	if _, ok := snap.Store.Profile("openai:default"); !ok {
		t.Fatal("the retry lost another profile")
	}
}

// TestWizardNamesKeysFromTheKeymap: every key the wizard names in its text
// is the keymap's; rebound, the screen names the new key.
func TestWizardNamesKeysFromTheKeymap(t *testing.T) {
	t.Parallel()
	rebind := func(env *views.Env) {
		k := &env.Keys.Wizard
		k.Back = key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "back"))
		k.Quit = key.NewBinding(key.WithKeys("ctrl+q"), key.WithHelp("ctrl+q", "cancel"))
		k.Done = key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "done"))
	}
	start := func(store string) (*wizFixture, *views.Wizard, func(...tea.Msg)) {
		f := newWizFixture(t, store)
		env := wizEnv(f)
		rebind(&env)
		w := views.NewWizard(env, views.WizardOptions{LookPath: func(string) (string, error) { return "", errors.New("none") }})
		w.SetSize(100, 28)
		d := &wizDriver{t: t, f: f, w: w}
		d.run(w.Init())
		return f, w, func(msgs ...tea.Msg) {
			for _, m := range msgs {
				d.send(m)
			}
		}
	}
	enter, down := tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyDown}
	view := func(w *views.Wizard) string { return strings.Join(strings.Fields(ansi.Strip(w.View())), " ") }

	// The store cannot be read: the key that leaves.
	_, w, _ := start(`{"version": 1, "profiles": {`)
	if v := view(w); !strings.Contains(v, "Press f to leave") {
		t.Errorf("broken store:\n%s", v)
	}
	// An empty key: the key that leaves without saving.
	f, w, send := start("")
	send(down, enter, enter, enter, enter) // Anthropic API key, the store, default
	if v := view(w); !strings.Contains(v, "paste the Anthropic API key (ctrl+q leaves without saving)") {
		t.Errorf("empty key:\n%s", v)
	}
	// A failed save: the keys that retry and go back.
	send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(wizAPIKey), Paste: true})
	if err := os.MkdirAll(filepath.Dir(f.paths.Store), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.paths.Store, []byte(`{"version": 1, "profiles": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	send(enter)
	if v := view(w); !strings.Contains(v, "Press f to try again, ctrl+b to go back.") {
		t.Errorf("failed save:\n%s", v)
	}
	// Saved: the key that finishes.
	if err := os.Remove(f.paths.Store); err != nil {
		t.Fatal(err)
	}
	send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("f")})
	if v := view(w); !strings.Contains(v, "Saved anthropic:default") || !strings.Contains(v, "Press f to finish.") {
		t.Errorf("result:\n%s", v)
	}
}
