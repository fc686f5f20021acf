package cmd

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/huh"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// answerAdd replaces the form runner with scripted answers, one function per
// step in the order the steps must come, and checks that they all ran.
func answerAdd(t *testing.T, steps ...func(step views.AddStepID, v *views.AddValues) error) {
	t.Helper()
	old := runAddForm
	i := 0
	runAddForm = func(_ context.Context, _ *app, step views.AddStepID, sf views.StepForm, v *views.AddValues) error {
		if sf.Form == nil {
			t.Fatalf("step %s has no form", step)
		}
		if i >= len(steps) {
			t.Fatalf("unexpected step %s", step)
		}
		i++
		return steps[i-1](step, v)
	}
	t.Cleanup(func() {
		runAddForm = old
		if i != len(steps) && !t.Failed() {
			t.Errorf("%d of %d steps ran", i, len(steps))
		}
	})
}

// expect returns a step answer that checks the step's name and fills v.
func expect(t *testing.T, want views.AddStepID, fill func(v *views.AddValues)) func(views.AddStepID, *views.AddValues) error {
	return func(step views.AddStepID, v *views.AddValues) error {
		if step != want {
			t.Fatalf("step %s, want %s", step, want)
		}
		fill(v)
		return nil
	}
}

func TestAddNeedsTerminal(t *testing.T) {
	c := newCLI(t)
	before := c.tree()
	out, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure || out != "" {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "paste-token --provider")
	assertSameTree(t, before, c.tree())
}

func TestAddAPIKeyFirstWithOverride(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddAnthropicAPIKey }),
		expect(t, views.StepDestination, func(v *views.AddValues) { v.Destination = views.DestStore }),
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "team" }),
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = "  " + fakeAPIKey + "\n" }),
		expect(t, views.StepPlacement, func(v *views.AddValues) { v.Placement = authstore.PlaceFirst }),
	)
	out, errOut, code := c.run("models", "auth", "add")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p := c.profile("anthropic:team")
	if p["type"] != "api_key" || p["key"] != fakeAPIKey {
		t.Fatalf("profile %v", p)
	}
	got := c.storeJSON()["order"].(map[string]any)["anthropic"]
	if !reflect.DeepEqual(got, []any{"anthropic:team", "anthropic:manual", "anthropic:default"}) {
		t.Fatalf("order %v", got)
	}
	c.assertUnknownKept()
	assertNoSecret(t, out+errOut, fakeAPIKey)
	c.golden("TestAddAPIKeyFirstWithOverride", out+"--- stderr\n"+errOut)
}

func TestAddAPIKeyToEnv(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	envPath := c.write(".env", "# daemon env\nFOO=bar\n")
	storeBefore := readFile(t, c.storePath())
	c.terminal = true
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOpenRouterAPIKey }),
		expect(t, views.StepDestination, func(v *views.AddValues) { v.Destination = views.DestEnv }),
		// no profile name: nothing would use it
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = fakeOtherToken }),
	)
	out, errOut, code := c.run("models", "auth", "add")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := readFile(t, envPath); got != "# daemon env\nFOO=bar\nOPENROUTER_API_KEY="+fakeOtherToken+"\n" {
		t.Fatalf(".env:\n%s", got)
	}
	if fi, _ := os.Stat(envPath); fi.Mode().Perm() != 0o600 {
		t.Fatalf(".env mode %o", fi.Mode().Perm())
	}
	if readFile(t, c.storePath()) != storeBefore {
		t.Fatal("the store changed for a key that went to .env")
	}
	assertNoSecret(t, out+errOut, fakeOtherToken)
	c.golden("TestAddAPIKeyToEnv", out)
}

// TestAddAPIKeyToEnvBesideAMultiLineValue is the .env of issue 11: the key's
// name appears on a line inside another variable's quoted multi-line value.
// That line is part of the value, as the gateway's dotenv reads it: it is
// left alone and the key is added as an assignment of its own.
func TestAddAPIKeyToEnvBesideAMultiLineValue(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	body := "# daemon env\nPRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANFAKEFAKEFAKE\nOPENROUTER_API_KEY=inside\n-----END PRIVATE KEY-----\"\nFOO=bar\n"
	envPath := c.write(".env", body)
	c.terminal = true
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOpenRouterAPIKey }),
		expect(t, views.StepDestination, func(v *views.AddValues) { v.Destination = views.DestEnv }),
		// no profile name: nothing would use it
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = fakeOtherToken }),
	)
	out, errOut, code := c.run("models", "auth", "add")
	if code != 0 || !strings.Contains(out, "Saved OPENROUTER_API_KEY") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if got, want := readFile(t, envPath), body+"OPENROUTER_API_KEY="+fakeOtherToken+"\n"; got != want {
		t.Fatalf(".env:\n%s\nwant:\n%s", got, want)
	}
	// And the gateway (dotenv) reads the key, and the private key whole.
	env, _, code := c.run("models", "status", "--json")
	if code != 0 || !strings.Contains(env, `"var": "OPENROUTER_API_KEY"`) {
		t.Errorf("status does not see the key in .env:\n%s", env)
	}
}

func TestAddSetupTokenPasted(t *testing.T) {
	c := newCLI(t)
	c.terminal = true
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddSetupToken }),
		expect(t, views.StepName, func(v *views.AddValues) {}),
		expect(t, views.StepSecret, func(v *views.AddValues) {
			v.Secret = fakeSetupToken[:79] + " " + fakeSetupToken[79:] // huh turns the pasted line break into a space
		}),
	)
	out, errOut, code := c.run("models", "auth", "add")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p := c.profile("anthropic:default")
	if p["token"] != fakeSetupToken || p["expires"] != float64(testNow.AddDate(0, 0, 365).UnixMilli()) {
		t.Fatalf("profile %v", p)
	}
	if _, ok := c.storeJSON()["order"]; ok {
		t.Fatal("a first profile needs no order override")
	}
	c.golden("TestAddSetupTokenPasted", out+"--- stderr\n"+errOut)
}

func TestAddOtherTokenReplaceAskedThenAnotherName(t *testing.T) {
	c := newCLI(t)
	c.writeStore(`{
  "version": 1,
  "profiles": {
    "groq:default": { "type": "token", "provider": "groq", "token": "gsk-FAKE-old-0000000000000000" },
    "groq:b": { "type": "token", "provider": "groq", "token": "gsk-FAKE-b-00000000000000000000" }
  }
}
`)
	c.terminal = true
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOtherToken; v.OtherProvider = "Groq" }),
		expect(t, views.StepName, func(v *views.AddValues) {}), // "default" exists
		expect(t, views.StepReplace, func(v *views.AddValues) { v.Replace = false }),
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "new" }),
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = "gsk-FAKE-new-000000000000000000"; v.ExpiresIn = "30d" }),
		expect(t, views.StepPlacement, func(v *views.AddValues) { v.Placement = authstore.PlaceLast }),
	)
	out, errOut, code := c.run("models", "auth", "add")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if c.profile("groq:default")["token"] != "gsk-FAKE-old-0000000000000000" {
		t.Fatal("the existing profile was touched")
	}
	p := c.profile("groq:new")
	if p["expires"] != float64(testNow.AddDate(0, 0, 30).UnixMilli()) {
		t.Fatalf("profile %v", p)
	}
	// The config now lists groq:new alone, which would hide the other groq
	// profiles from the gateway: the override keeps them, the new one last.
	got := c.storeJSON()["order"].(map[string]any)["groq"]
	if !reflect.DeepEqual(got, []any{"groq:default", "groq:b", "groq:new"}) {
		t.Fatalf("order %v", got)
	}
	c.golden("TestAddOtherTokenReplaceAskedThenAnotherName", out)
}

func TestAddCancelledWritesNothing(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	before := c.tree()
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOpenAIAPIKey }),
		func(views.AddStepID, *views.AddValues) error { return huh.ErrUserAborted },
	)
	_, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, lastLine(errOut), "cancelled; nothing was saved")
	assertSameTree(t, before, c.tree())
}

func TestAddLockHeldWritesNothing(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	c.holdLock()
	before := c.tree()
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddOpenAIAPIKey }),
		expect(t, views.StepDestination, func(v *views.AddValues) { v.Destination = views.DestStore }),
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "second" }),
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = "sk-proj-FAKE-second-0000000000" }),
		expect(t, views.StepPlacement, func(v *views.AddValues) {}),
	)
	_, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, lastLine(errOut), "is locked by")
	assertSameTree(t, before, c.tree())
	if _, err := os.Stat(filepath.Join(c.state, "clawdbot.json")); err == nil {
		t.Fatal("config written although the store was not")
	}
	if strings.Contains(errOut, "second-0000") {
		t.Fatal("secret in the error")
	}
}

// lastLine is the last line of s (the error, after the step echoes).
func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:] + "\n"
}

func TestAddCorruptStoreAsksNothing(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-corrupt.json")
	c.terminal = true
	answerAdd(t) // no step may run
	before := c.tree()
	_, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "is corrupt")
	assertSameTree(t, before, c.tree())
}

// back answers a step with the back key.
func back(t *testing.T, want views.AddStepID) func(views.AddStepID, *views.AddValues) error {
	return func(step views.AddStepID, _ *views.AddValues) error {
		if step != want {
			t.Fatalf("step %s, want %s", step, want)
		}
		return views.ErrAddBack
	}
}

// TestAddRefusesWhatCannotBeAnAnthropicKey: `hello` is not saved as an
// Anthropic API key (it was, with a warning): one line says why, and
// nothing is written. (The form refuses it inline; the flow checks it again.)
func TestAddRefusesWhatCannotBeAnAnthropicKey(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	before := c.tree()
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) { v.Method = views.AddAnthropicAPIKey }),
		expect(t, views.StepDestination, func(v *views.AddValues) {}),
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "team" }),
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = "hello" }),
	)
	_, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, lastLine(errOut), "that is not an Anthropic API key (sk-ant-api03-…)")
	assertSameTree(t, before, c.tree())
}

// TestAddEscGoesBack: esc on a step's first question goes to the step
// before (past the sign-in, which would run claude again); on the first
// step it leaves with nothing written.
func TestAddEscGoesBack(t *testing.T) {
	c := newCLI(t)
	c.terminal = true
	old := captureSetupToken
	captureSetupToken = func(context.Context) (string, error) { return "", errPasteInstead }
	t.Cleanup(func() { captureSetupToken = old })
	answerAdd(t,
		expect(t, views.StepMethod, func(v *views.AddValues) {}),
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "first" }),
		back(t, views.StepSecret), // the paste prompt: back past the sign-in
		expect(t, views.StepName, func(v *views.AddValues) { v.Name = "second" }),
		expect(t, views.StepSecret, func(v *views.AddValues) { v.Secret = fakeSetupToken }),
	)
	if _, errOut, code := c.run("models", "auth", "add"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if c.profile("anthropic:first") != nil || c.profile("anthropic:second")["token"] != fakeSetupToken {
		t.Fatalf("store: %v", c.storeJSON()["profiles"])
	}

	c = newCLI(t)
	c.terminal = true
	before := c.tree()
	answerAdd(t, back(t, views.StepMethod))
	_, errOut, code := c.run("models", "auth", "add")
	if code != ExitFailure {
		t.Fatalf("esc on step 1: exit %d", code)
	}
	assertOneLine(t, lastLine(errOut), "cancelled; nothing was saved")
	assertSameTree(t, before, c.tree())
}
