package views

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

var addFakeToken = "sk-ant-oat01-FAKE" + strings.Repeat("Z", 89) + "AA"

// addFormDriver runs a huh form the way a program would: every message goes
// through Update, the commands it returns are run and their messages fed
// back. Timers (cursor blink) are dropped, so a test never waits on them.
type addFormDriver struct {
	t    *testing.T
	form *huh.Form
}

func newAddFormDriver(t *testing.T, f *huh.Form) *addFormDriver {
	return newSizedAddFormDriver(t, f, 100, 30)
}

func newSizedAddFormDriver(t *testing.T, f *huh.Form, w, h int) *addFormDriver {
	t.Helper()
	d := &addFormDriver{t: t, form: f}
	d.run(f.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// run executes cmd and feeds back what it yields, expanding batches and
// sequences.
func (d *addFormDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-ch:
	case <-time.After(300 * time.Millisecond): // a timer (cursor blink): not needed here
		return
	}
	switch m := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range m {
			d.run(c)
		}
	default:
		// tea.Sequence's message is an unexported slice of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice {
			for i := 0; i < v.Len(); i++ {
				if c, ok := v.Index(i).Interface().(tea.Cmd); ok {
					d.run(c)
				}
			}
			return
		}
		d.send(msg)
	}
}

func (d *addFormDriver) send(msg tea.Msg) {
	if d.form.State != huh.StateNormal {
		return
	}
	next, cmd := d.form.Update(msg)
	d.form = next.(*huh.Form)
	d.run(cmd)
}

func (d *addFormDriver) keys(msgs ...tea.KeyMsg) *addFormDriver {
	for _, m := range msgs {
		d.send(m)
	}
	return d
}

func (d *addFormDriver) typ(s string) *addFormDriver {
	return d.keys(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func (d *addFormDriver) view() string { return ansi.Strip(d.form.View()) }

func (d *addFormDriver) completed() bool { return d.form.State == huh.StateCompleted }

var (
	keyEnter     = tea.KeyMsg{Type: tea.KeyEnter}
	keyDown      = tea.KeyMsg{Type: tea.KeyDown}
	keyClearLine = tea.KeyMsg{Type: tea.KeyCtrlU} // delete to the start of the line
)

// stepForm builds one row's form as the table does.
func stepForm(t *testing.T, id AddStepID, v *AddValues, c AddContext) *huh.Form {
	t.Helper()
	for _, s := range AddSteps {
		if s.ID == id {
			if s.Form == nil {
				t.Fatalf("step %s has no form", id)
			}
			return s.Form(v, c).Form
		}
	}
	t.Fatalf("no step %s", id)
	return nil
}

func TestMethodFormOtherProvider(t *testing.T) {
	v := NewAddValues()
	d := newAddFormDriver(t, stepForm(t, StepMethod, v, AddContext{}))
	for _, c := range AddChoices {
		if !strings.Contains(d.view(), c.Label) {
			t.Fatalf("step 1 does not offer %q:\n%s", c.Label, d.view())
		}
	}
	d.keys(keyDown, keyDown, keyDown, keyDown, keyEnter)
	if d.completed() || !strings.Contains(d.view(), "Provider id") {
		t.Fatalf("other provider should ask for its id:\n%s", d.view())
	}
	d.keys(keyEnter) // empty: refused inline
	if d.completed() {
		t.Fatal("an empty provider id was accepted")
	}
	d.typ("Groq").keys(keyEnter)
	if !d.completed() {
		t.Fatalf("not completed:\n%s", d.view())
	}
	if v.Method != AddOtherToken || v.Provider() != "groq" || v.ProfileID() != "groq:default" {
		t.Fatalf("values %+v, provider %q", v, v.Provider())
	}
}

func TestMethodFormKnownProviderSkipsID(t *testing.T) {
	v := NewAddValues()
	d := newAddFormDriver(t, stepForm(t, StepMethod, v, AddContext{})).keys(keyDown, keyDown, keyEnter)
	if !d.completed() || v.Method != AddOpenAIAPIKey || v.Provider() != "openai" {
		t.Fatalf("completed=%v values %+v", d.completed(), v)
	}
}

func TestDestinationForm(t *testing.T) {
	v := NewAddValues()
	v.Method = AddOpenRouterAPIKey
	d := newAddFormDriver(t, stepForm(t, StepDestination, v, AddContext{}))
	if !strings.Contains(d.view(), "The auth store (recommended)") || !strings.Contains(d.view(), ".env, as OPENROUTER_API_KEY") {
		t.Fatalf("view:\n%s", d.view())
	}
	d.keys(keyDown, keyEnter)
	if !d.completed() || !v.ToEnv() {
		t.Fatalf("completed=%v destination %q", d.completed(), v.Destination)
	}
}

func TestNameFormValidates(t *testing.T) {
	v := NewAddValues()
	d := newAddFormDriver(t, stepForm(t, StepName, v, AddContext{}))
	if !strings.Contains(d.view(), "Saved as anthropic:default") {
		t.Fatalf("the description should say what the id will be:\n%s", d.view())
	}
	d.keys(keyClearLine).typ("Work Laptop").keys(keyEnter)
	if d.completed() || !strings.Contains(d.view(), "lower-case letters") {
		t.Fatalf("a bad name was accepted:\n%s", d.view())
	}
	d.keys(keyClearLine).typ("work.laptop-2").keys(keyEnter)
	if !d.completed() || v.ProfileID() != "anthropic:work.laptop-2" {
		t.Fatalf("completed=%v id %q", d.completed(), v.ProfileID())
	}
}

func TestReplaceForm(t *testing.T) {
	v := NewAddValues()
	v.Replace = true // from an earlier name: asked afresh
	d := newAddFormDriver(t, stepForm(t, StepReplace, v, AddContext{Lookup: AddLookup{Exists: true, Existing: "token sk-ant-oat01…AAAA, expires in 3d"}}))
	if !strings.Contains(d.view(), "anthropic:default already exists") || !strings.Contains(d.view(), "expires in 3d") {
		t.Fatalf("view:\n%s", d.view())
	}
	d.keys(keyEnter) // the default is not to replace
	if !d.completed() || v.Replace {
		t.Fatalf("completed=%v replace=%v", d.completed(), v.Replace)
	}
	v2 := NewAddValues()
	d2 := newAddFormDriver(t, stepForm(t, StepReplace, v2, AddContext{})).keys(tea.KeyMsg{Type: tea.KeyUp}, keyEnter)
	if !d2.completed() || !v2.Replace {
		t.Fatal("“Replace it” should replace")
	}
}

func TestSecretFormAPIKeyWarnsButAccepts(t *testing.T) {
	v := NewAddValues()
	v.Method = AddOpenAIAPIKey
	secret := "pk-FAKE-unusual-0000000000"
	// At the smallest supported width the warning must not push the input
	// out of the form (it keeps the height it had before the warning).
	h, _ := newFormHost(secretForm(v, AddContext{}), testWizardKeys(), nil, false)
	d := newSizedAddFormDriver(t, h.form(), 60, 15)
	d.typ(secret)
	h.sf.Form = d.form
	h.refresh()
	d.form = h.form()
	view := d.view()
	if !strings.Contains(view, "> ***") {
		t.Fatalf("the input is not visible any more:\n%s", view)
	}
	if !strings.Contains(view, "Unusual: OpenAI API keys start with sk-") {
		t.Fatalf("no prefix warning for the entered key:\n%s", view)
	}
	if strings.Contains(view, secret) || strings.Contains(view, "unusual") {
		t.Fatalf("the secret is shown:\n%s", view)
	}
	d.keys(keyEnter)
	if !d.completed() {
		t.Fatalf("an unusual key was refused:\n%s", d.view())
	}
	if got, err := v.CleanSecret(); err != nil || got != secret {
		t.Fatalf("secret %q, %v", got, err)
	}
}

func TestSecretFormRefusesWhatCannotBeAnAnthropicKey(t *testing.T) {
	v := NewAddValues()
	v.Method = AddAnthropicAPIKey
	d := newSizedAddFormDriver(t, stepForm(t, StepSecret, v, AddContext{QuitKey: "ctrl+q"}), 60, 15)
	d.keys(keyEnter)
	if d.completed() || !strings.Contains(strings.Join(strings.Fields(d.view()), " "), "paste the Anthropic API key (ctrl+q leaves without saving)") {
		t.Fatalf("an empty key was accepted, or the quit key is not the keymap's:\n%s", d.view())
	}
	d.typ("hello").keys(keyEnter)
	flat := strings.Join(strings.Fields(d.view()), " ")
	if d.completed() || !strings.Contains(d.view(), "that is not an Anthropic API key (sk-ant-api03-…)") {
		t.Fatalf("hello was accepted as an Anthropic API key:\n%s", d.view())
	}
	if strings.Count(flat, "not an Anthropic API key") != 1 || strings.Contains(flat, "Unusual") {
		t.Fatalf("want one error, no warning:\n%s", d.view())
	}
	d.keys(keyClearLine).typ(addFakeAPIKey).keys(keyEnter)
	if !d.completed() {
		t.Fatalf("a real-shaped key was refused:\n%s", d.view())
	}
}

func TestSecretFormSetupToken(t *testing.T) {
	v := NewAddValues()
	v.Paste = true
	d := newAddFormDriver(t, stepForm(t, StepSecret, v, AddContext{})).typ(addFakeToken[:70]).keys(keyEnter)
	if d.completed() || !strings.Contains(d.view(), "cut off") {
		t.Fatalf("a truncated token was accepted:\n%s", d.view())
	}
	// Pasted wrapped: the input turns the line break into a space, which
	// the setup token's cleaning removes.
	d.keys(keyClearLine, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(addFakeToken[:79] + "\n" + addFakeToken[79:]), Paste: true}, keyEnter)
	if !d.completed() {
		t.Fatalf("not completed (a token needs no destination):\n%s", d.view())
	}
	cred, err := v.Credential(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC))
	if err != nil || cred.Secret != addFakeToken || cred.Type != authstore.TypeToken {
		t.Fatalf("credential %+v, %v", cred.ID, err)
	}
	if want := time.Date(2027, 1, 2, 15, 4, 5, 0, time.UTC).UnixMilli(); cred.Expires != want {
		t.Fatalf("expires %d, want a year after it was pasted (%d)", cred.Expires, want)
	}
}

func TestSecretFormOtherTokenExpiry(t *testing.T) {
	v := NewAddValues()
	v.Method, v.OtherProvider = AddOtherToken, "mistral"
	d := newAddFormDriver(t, stepForm(t, StepSecret, v, AddContext{}))
	if !strings.Contains(d.view(), "Paste the mistral token") {
		t.Fatalf("view:\n%s", d.view())
	}
	d.typ("mistral-FAKE-token-0000").keys(keyEnter)
	if d.completed() || !strings.Contains(d.view(), "Expires in") {
		t.Fatalf("should ask for the expiry:\n%s", d.view())
	}
	d.typ("soon").keys(keyEnter)
	if d.completed() {
		t.Fatal("a bad duration was accepted")
	}
	d.keys(keyClearLine).typ("30d").keys(keyEnter)
	if !d.completed() {
		t.Fatalf("not completed:\n%s", d.view())
	}
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	cred, err := v.Credential(now)
	if err != nil || cred.Expires != now.AddDate(0, 0, 30).UnixMilli() || cred.ID != "mistral:default" {
		t.Fatalf("credential %s expires %d: %v", cred.ID, cred.Expires, err)
	}
}

func TestPlacementForm(t *testing.T) {
	v := NewAddValues()
	d := newAddFormDriver(t, stepForm(t, StepPlacement, v, AddContext{Lookup: AddLookup{Others: []string{"anthropic:work"}}}))
	if !strings.Contains(d.view(), "anthropic already has anthropic:work") {
		t.Fatalf("view:\n%s", d.view())
	}
	d.keys(keyDown, keyEnter)
	if !d.completed() || v.Placement != authstore.PlaceLast {
		t.Fatalf("placement %v", v.Placement)
	}
}

func TestValidateProfileName(t *testing.T) {
	for name, ok := range map[string]bool{
		"default": true, "work.2": true, "a_b-c": true,
		"": false, "Work": false, "a b": false, "a:b": false, "é": false, "a/b": false,
	} {
		if err := ValidateProfileName(name); (err == nil) != ok {
			t.Errorf("ValidateProfileName(%q) = %v", name, err)
		}
	}
}

func TestValidateProviderID(t *testing.T) {
	for id, ok := range map[string]bool{
		"groq": true, "Z.AI": true, "my_prov-1": true,
		"": false, " ": false, "a:b": false, "a/b": false, "a b": false,
	} {
		if err := ValidateProviderID(id); (err == nil) != ok {
			t.Errorf("ValidateProviderID(%q) = %v", id, err)
		}
	}
}

// Fake keys of the real shapes.
var (
	addFakeAPIKey    = "sk-ant-api03-FAKE" + strings.Repeat("k", 89) + "AA" // 108 characters, as real ones
	addFakeOpenAI    = "sk-proj-FAKE" + strings.Repeat("p", 100)
	addFakeOpenRoute = "sk-or-v1-FAKE" + strings.Repeat("0", 60)
)

// TestCheckSecret: what each method accepts, warns about and refuses. A
// key that cannot be the chosen kind is refused with one error; one that
// is merely unusual (another start than the usual, which providers do
// change) is accepted with a warning.
func TestCheckSecret(t *testing.T) {
	const ok = ""
	for _, tc := range []struct {
		m      AddMethod
		secret string
		err    string // "" = accepted
		warn   string // "" = no warning
	}{
		// Anthropic API keys.
		{AddAnthropicAPIKey, addFakeAPIKey, ok, ok},
		{AddAnthropicAPIKey, "  " + addFakeAPIKey + "\n", ok, ok},
		{AddAnthropicAPIKey, "sk-ant-api03-FAKE" + strings.Repeat("K", 70), ok, ok}, // 87: shorter than real ones, not cut off
		{AddAnthropicAPIKey, "sk-ant-api04-FAKE" + strings.Repeat("k", 91), ok, "start with sk-ant-api03-"},
		{AddAnthropicAPIKey, "hello", "that is not an Anthropic API key (sk-ant-api03-…)", ok},
		{AddAnthropicAPIKey, "sk-ant-api03-FAKEshort", "only 22 of 108 characters", ok},
		{AddAnthropicAPIKey, addFakeAPIKey[:60], "only 60 of 108 characters", ok},
		{AddAnthropicAPIKey, addFakeOpenAI, "not an Anthropic API key", ok},
		{AddAnthropicAPIKey, addFakeToken, "that is a setup token: pick the Claude subscription", ok},
		{AddAnthropicAPIKey, "sk-ant-admin01-FAKE" + strings.Repeat("a", 89), "an Admin key cannot call models", ok},
		{AddAnthropicAPIKey, addFakeAPIKey[:50] + "." + addFakeAPIKey[51:], "character 51", ok},
		{AddAnthropicAPIKey, addFakeAPIKey[:50] + " " + addFakeAPIKey[51:], "space", ok},
		{AddAnthropicAPIKey, "", "no token given", ok},
		// OpenAI.
		{AddOpenAIAPIKey, addFakeOpenAI, ok, ok},
		{AddOpenAIAPIKey, "sk-FAKE" + strings.Repeat("0", 44), ok, ok},
		{AddOpenAIAPIKey, "pk-FAKE-unusual-0000000000", ok, "start with sk-"},
		{AddOpenAIAPIKey, "hello", "only 5 characters, too short for an API key", ok},
		{AddOpenAIAPIKey, addFakeAPIKey, "that is an Anthropic key: pick Anthropic in step 1", ok},
		{AddOpenAIAPIKey, addFakeOpenRoute, "that is an OpenRouter key: pick OpenRouter in step 1", ok},
		// OpenRouter.
		{AddOpenRouterAPIKey, addFakeOpenRoute, ok, ok},
		{AddOpenRouterAPIKey, "or-FAKE-" + strings.Repeat("0", 40), ok, "start with sk-or-"},
		{AddOpenRouterAPIKey, addFakeOpenAI, "that is an OpenAI key: pick OpenAI in step 1", ok},
		{AddOpenRouterAPIKey, "sk-ant-oat01-x", "setup token", ok},
		{AddOpenRouterAPIKey, "hello", "too short", ok},
		// Tokens: the setup token's own checks; another provider's is free.
		{AddSetupToken, addFakeToken, ok, ok},
		{AddSetupToken, "hello", "not a Claude setup token", ok},
		{AddSetupToken, addFakeToken[:70], "cut off", ok},
		{AddOtherToken, "anything-goes", ok, ok},
		{AddOtherToken, "two words", "space", ok},
	} {
		clean, warn, err := CheckSecret(tc.m, ChoiceFor(tc.m).Provider, tc.secret)
		name := fmt.Sprintf("%s %.24q", tc.m, tc.secret)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: refused: %v", name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", name, err, tc.err)
		case tc.err == "" && clean != strings.TrimSpace(tc.secret):
			t.Errorf("%s: cleaned to %q", name, clean)
		}
		if tc.warn == "" && warn != "" || tc.warn != "" && !strings.Contains(warn, tc.warn) {
			t.Errorf("%s: warning %q, want %q", name, warn, tc.warn)
		}
		if kw := KeyWarning(tc.m, tc.secret); kw != warn {
			t.Errorf("%s: KeyWarning %q, CheckSecret's warning %q", name, kw, warn)
		}
		if len(tc.secret) > 8 && (strings.Contains(warn, tc.secret) || err != nil && strings.Contains(err.Error(), tc.secret)) {
			t.Errorf("%s: the message quotes the secret", name)
		}
		if w := ansi.StringWidth(warn); w > 54 { // "┃ " plus this in the form of a 60-column wizard
			t.Errorf("warning %q is %d columns wide: it would wrap in a 60-column terminal", warn, w)
		}
		if err != nil && ansi.StringWidth(err.Error()) > 53 && tc.err != "space" && tc.m != AddSetupToken && tc.m != AddOtherToken {
			t.Errorf("error %q is %d columns wide: it would wrap in a 60-column terminal", err, ansi.StringWidth(err.Error()))
		}
		if err != nil && !errors.Is(err, authstore.ErrEmptyToken) {
			var te *authstore.TokenError
			if !errors.As(err, &te) {
				t.Errorf("%s: %T is not a *authstore.TokenError", name, err)
			}
		}
	}
}

func TestAddValuesCredential(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	v := NewAddValues()
	v.Method, v.Name, v.Secret = AddOpenRouterAPIKey, "team", "  "+addFakeOpenRoute+"  \n"
	cred, err := v.Credential(now)
	if err != nil || cred != (authstore.Credential{ID: "openrouter:team", Provider: "openrouter", Type: authstore.TypeAPIKey, Secret: addFakeOpenRoute}) {
		t.Fatalf("%+v %v", cred.ID, err)
	}
	if v.EnvVar() != "OPENROUTER_API_KEY" || !v.AsksDestination() || v.ToEnv() {
		t.Fatalf("env var %q", v.EnvVar())
	}
	v.Secret = "sk-or FAKE"
	_, err = v.Credential(now)
	var te *authstore.TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "the key has a space") {
		t.Fatalf("err %v", err)
	}
	v.Secret = "   "
	if _, err := v.Credential(now); !errors.Is(err, authstore.ErrEmptyToken) {
		t.Fatalf("empty: %v", err)
	}
	// Tokens never go to .env.
	v.Method = AddOtherToken
	if v.AsksDestination() || v.ToEnv() {
		t.Fatal("a token offered .env")
	}
	// A captured setup token's year starts when it was made; a pasted one's
	// when it is saved.
	v = NewAddValues()
	v.Secret, v.IssuedAt = addFakeToken, now.Add(-time.Hour)
	if cred, _ := v.Credential(now); cred.Expires != now.Add(-time.Hour).Add(authstore.SetupTokenLife).UnixMilli() {
		t.Errorf("captured: expires %d", cred.Expires)
	}
	v.Paste = true
	if cred, _ := v.Credential(now); cred.Expires != now.Add(authstore.SetupTokenLife).UnixMilli() {
		t.Errorf("pasted: expires %d", cred.Expires)
	}
}

func testWizardKeys() WizardKeys {
	return WizardKeys{
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "cancel")),
		Done: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
	}
}
