package cmd

import (
	"strings"
	"testing"
)

const removeConfig = `{
  "auth": {
    "profiles": {
      "anthropic:manual": { "provider": "anthropic", "mode": "token" },
      "anthropic:default": { "provider": "anthropic", "mode": "api_key" },
      "anthropic:ghost": { "provider": "anthropic", "mode": "token" }
    }
  },
  "meta": { "keep": true }
}
`

func TestRemoveYes(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.write("clawdbot.json", removeConfig)
	out, errOut, code := c.run("models", "auth", "remove", "anthropic:manual", "--yes")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertNoSecret(t, out)
	c.golden("TestRemoveYes", out)

	doc := c.storeJSON()
	if _, ok := doc["profiles"].(map[string]any)["anthropic:manual"]; ok {
		t.Fatal("profile still there")
	}
	if _, ok := doc["usageStats"].(map[string]any)["anthropic:manual"]; ok {
		t.Fatal("its usageStats are still there")
	}
	if lg := doc["lastGood"].(map[string]any); lg["anthropic"] != nil || lg["openai"] != "openai:default" {
		t.Fatalf("lastGood = %v", lg)
	}
	if o := doc["order"].(map[string]any)["anthropic"]; len(o.([]any)) != 1 || o.([]any)[0] != "anthropic:default" {
		t.Fatalf("order = %v", o)
	}
	c.assertUnknownKept()
	cfg := readFile(t, c.state+"/clawdbot.json")
	if strings.Contains(cfg, "anthropic:manual") || !strings.Contains(cfg, "anthropic:ghost") || !strings.Contains(cfg, `"keep": true`) {
		t.Fatalf("config after remove:\n%s", cfg)
	}
}

func TestRemoveConfigOnlyEntry(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.write("clawdbot.json", removeConfig)
	storeBefore := readFile(t, c.storePath())
	out, errOut, code := c.run("models", "auth", "remove", "anthropic:ghost", "-y")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if readFile(t, c.storePath()) != storeBefore {
		t.Fatal("the store changed for a config-only entry")
	}
	c.golden("TestRemoveConfigOnlyEntry", out)
}

func TestRemoveTerminalConfirm(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	before := c.tree()
	c.stdin = "\n" // Enter: the default is no
	out, errOut, code := c.run("models", "auth", "remove", "anthropic:work")
	if code != ExitFailure || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.HasPrefix(errOut, "Remove anthropic:work (api_key sk-ant-api03…WWWW, me@work.example)? [y/N] moltbot: kept anthropic:work") {
		t.Fatalf("stderr:\n%s", errOut)
	}
	assertSameTree(t, before, c.tree())

	c.stdin = "yes\n"
	out, _, code = c.run("models", "auth", "remove", "anthropic:work")
	if code != 0 || !strings.HasPrefix(out, "Removed anthropic:work") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if c.profile("anthropic:work") != nil {
		t.Fatal("not removed")
	}
}

func TestRemoveRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		fixture string
		code    int
		want    string
	}{
		{"no-terminal-no-yes", []string{"anthropic:work"}, "auth-store.json", ExitFailure, "pass --yes"},
		{"unknown-id", []string{"anthropic:nope", "--yes"}, "auth-store.json", ExitFailure,
			`no profile "anthropic:nope" in $STATE/agents/main/agent/auth-profiles.json; profiles: anthropic:default, anthropic:manual, anthropic:work, openai:default`},
		{"secret-as-id", []string{fakeSetupToken, "--yes"}, "auth-store.json", ExitFailure, "it looks like a secret"},
		{"no-args", nil, "auth-store.json", ExitUsage, "exactly one profile id"},
		{"two-args", []string{"anthropic:work", "openai:default"}, "auth-store.json", ExitUsage, "exactly one profile id"},
		{"corrupt-store", []string{"anthropic:work", "--yes"}, "store-corrupt.json", ExitFailure, "is corrupt"},
		{"no-store", []string{"anthropic:work", "--yes"}, "", ExitFailure, "profiles: (none)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if tc.fixture != "" {
				c.copyFixture(tc.fixture)
			}
			before := c.tree()
			out, errOut, code := c.run(append([]string{"models", "auth", "remove"}, tc.args...)...)
			if code != tc.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			assertOneLine(t, strings.ReplaceAll(errOut, c.state, "$STATE"), tc.want)
			assertNoSecret(t, errOut, fakeSetupToken)
			assertSameTree(t, before, c.tree())
		})
	}
}

func TestRemoveLockHeld(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.holdLock()
	before := c.tree()
	_, errOut, code := c.run("models", "auth", "remove", "anthropic:work", "--yes")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "is locked by")
	assertSameTree(t, before, c.tree())
}

func TestRemoveNotesConfigOrder(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	cfg := `{ "auth": { "order": { "anthropic": ["anthropic:work", "anthropic:default"] } } }` + "\n"
	cfgPath := c.write("clawdbot.json", cfg)
	_, errOut, code := c.run("models", "auth", "remove", "anthropic:work", "--yes")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if readFile(t, cfgPath) != cfg {
		t.Fatal("the config's auth.order was edited")
	}
	want := "note: the config's auth.order for anthropic still lists anthropic:work; edit " + cfgPath + " to drop it\n"
	if errOut != want {
		t.Fatalf("stderr %q, want %q", errOut, want)
	}
}
