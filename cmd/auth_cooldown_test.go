package cmd

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// usageOf is the store's usageStats entry of id.
func (c *cli) usageOf(id string) map[string]any {
	c.t.Helper()
	u, _ := c.storeJSON()["usageStats"].(map[string]any)
	e, _ := u[id].(map[string]any)
	return e
}

// cooldown clear clears what the gateway reads to skip a profile, says
// what it cleared and until when it would have lasted, and keeps the rest.
func TestCooldownClear(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-cooldowns.json")
	out, errOut, code := c.run("models", "auth", "cooldown", "clear", "anthropic:work", "openai:default", "anthropic:default")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got, want := c.usageOf("anthropic:work"), map[string]any{"lastUsed": 1767366065000.0, "errorCount": 0.0, "lastFailureAt": 1767366065000.0, "futureStat": 7.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("anthropic:work usage %v, want %v", got, want)
	}
	if got, want := c.usageOf("openai:default"), map[string]any{"lastUsed": 1767186245000.0, "errorCount": 0.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("openai:default usage %v, want %v", got, want)
	}
	// Not named: untouched.
	if got := c.usageOf("anthropic:team"); got["blockedUntil"] == nil {
		t.Errorf("anthropic:team was cleared: %v", got)
	}
	c.assertUnknownKept()
	assertNoSecret(t, out)

	// Again: nothing left to clear, nothing written, exit 0.
	before := c.tree()
	out2, errOut, code := c.run("models", "auth", "cooldown", "clear", "anthropic:work")
	if code != 0 || errOut != "" {
		t.Fatalf("again: exit %d: %s", code, errOut)
	}
	assertSameTree(t, before, c.tree())
	c.golden("TestCooldownClear", out+"---\n"+out2)
}

func TestCooldownClearProvider(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-cooldowns.json")
	out, errOut, code := c.run("models", "auth", "cooldown", "clear", "--provider", "Anthropic")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, id := range []string{"anthropic:work", "anthropic:team"} {
		u := c.usageOf(id)
		for _, k := range []string{"disabledUntil", "disabledReason", "blockedUntil", "blockedReason", "blockedSource", "failureCounts"} {
			if _, ok := u[k]; ok {
				t.Errorf("%s keeps %s", id, k)
			}
		}
	}
	if c.usageOf("openai:default")["cooldownUntil"] == nil {
		t.Error("another provider's cooldown was cleared")
	}
	// A cooldown that has ended leaves only its error count to reset.
	out2, errOut, code := c.run("models", "auth", "cooldown", "clear", "--provider", "openai")
	if code != 0 || errOut != "" {
		t.Fatalf("openai: exit %d: %s", code, errOut)
	}
	// Nothing at all to clear for a provider.
	out3, _, code := c.run("models", "auth", "cooldown", "clear", "--provider", "anthropic")
	if code != 0 {
		t.Fatalf("anthropic again: exit %d", code)
	}
	c.golden("TestCooldownClearProvider", out+"---\n"+out2+"---\n"+out3)
}

func TestCooldownClearRefusals(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown-id", []string{"anthropic:work", "anthropic:nope"}, ExitFailure,
			`auth profile "anthropic:nope" not found in $STATE/agents/main/agent/auth-profiles.json; profiles: anthropic:default, anthropic:work, anthropic:team, openai:default, openai:old`},
		{"other-provider", []string{"--provider", "anthropic", "openai:default"}, ExitFailure,
			`auth profile "openai:default" is for openai, not anthropic; anthropic profiles: anthropic:default, anthropic:work, anthropic:team`},
		{"unknown-provider", []string{"--provider", "mistral"}, ExitFailure,
			"no mistral profiles in $STATE/agents/main/agent/auth-profiles.json; providers with profiles: anthropic, openai"},
		{"misspelt-provider", []string{"--provider", "anthropc"}, ExitFailure, `unknown provider "anthropc"`},
		{"nothing-named", nil, ExitUsage, "say whose cooldown to clear"},
		{"secret-arg", []string{"sk-ant-api03-FAKEWWWWWWWWWWWWWWWWWWWWWWWW"}, ExitFailure, "it looks like a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.copyFixture("store-cooldowns.json")
			before := c.tree()
			out, errOut, code := c.run(append([]string{"models", "auth", "cooldown", "clear"}, tc.args...)...)
			if code != tc.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			assertOneLine(t, strings.ReplaceAll(errOut, c.state, "$STATE"), tc.want)
			if strings.Contains(errOut, "FAKEWWWW") {
				t.Errorf("the secret-looking argument was repeated: %s", errOut)
			}
			assertSameTree(t, before, c.tree())
		})
	}
	// A store another process holds the lock of: one line, nothing changed.
	c := newCLI(t)
	c.copyFixture("store-cooldowns.json")
	c.holdLock()
	before := c.tree()
	_, errOut, code := c.run("models", "auth", "cooldown", "clear", "anthropic:work")
	if code != ExitFailure {
		t.Fatalf("locked: exit %d", code)
	}
	assertOneLine(t, errOut, "nothing was changed")
	assertSameTree(t, before, c.tree())
	// A corrupt store is refused.
	c = newCLI(t)
	c.copyFixture("store-corrupt.json")
	_, errOut, code = c.run("models", "auth", "cooldown", "clear", "anthropic:work")
	if code != ExitFailure {
		t.Fatalf("corrupt: exit %d", code)
	}
	assertOneLine(t, errOut, "is corrupt")
}

// The store stays what the gateway itself would write: two-space JSON.
func TestCooldownClearWritesGatewayJSON(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-cooldowns.json")
	if _, _, code := c.run("models", "auth", "cooldown", "clear", "openai:default"); code != 0 {
		t.Fatal(code)
	}
	data := readFile(t, c.storePath())
	var v any
	if err := json.Unmarshal([]byte(data), &v); err != nil || !strings.HasSuffix(data, "}\n") || !strings.Contains(data, "\n  \"usageStats\": {\n") {
		t.Errorf("store after clearing:\n%s", data)
	}
}
