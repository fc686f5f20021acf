package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestOrderGet(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	out, errOut, code := c.run("models", "auth", "order", "get", "--provider", "anthropic")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertNoSecret(t, out)
	c.golden("TestOrderGet", out)
}

func TestOrderGetJSON(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	out, _, code := c.run("models", "auth", "order", "get", "--provider", "anthropic", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	assertNoSecret(t, out)
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	// The gateway's keys, as scripts written for it read them.
	for _, k := range []string{"agentId", "agentDir", "provider", "authStorePath", "order"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing gateway key %q", k)
		}
	}
	if !reflect.DeepEqual(doc["order"], []any{"anthropic:manual", "anthropic:default"}) {
		t.Errorf("order = %v", doc["order"])
	}
	c.golden("TestOrderGetJSON", out)

	// No override: "order" is null, as the gateway writes it.
	c2 := newCLI(t)
	out, _, _ = c2.run("models", "auth", "order", "get", "--provider", "anthropic", "--json")
	if !strings.Contains(out, `"order": null`) || !strings.Contains(out, `"source": "automatic"`) {
		t.Fatalf("without an override:\n%s", out)
	}
}

func TestOrderGetFallbacks(t *testing.T) {
	// A JSON5 config with auth.order: the override is absent, the config applies.
	c := newCLI(t)
	cfg, _ := os.ReadFile(filepath.Join("testdata", "gateway-config-hand-edited.json5"))
	c.write("clawdbot.json", string(cfg))
	store := strings.Replace(readTestdata(t, "auth-store.json"), `"order": {
    "anthropic": [
      "anthropic:manual",
      "anthropic:default"
    ]
  },`, "", 1)
	c.writeStore(store)
	out, _, code := c.run("models", "auth", "order", "get", "--provider", "anthropic")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	// Automatic, for a provider with neither.
	out2, _, _ := c.run("models", "auth", "order", "get", "--provider", "openai")
	c.golden("TestOrderGetFallbacks", out+"---\n"+out2)
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestOrderSetMatchesGatewayBytes(t *testing.T) {
	want := readTestdata(t, "gateway-store-after-order-set.json")
	c := newCLI(t)
	c.writeStore(strings.Replace(want, `"anthropic:manual",
      "anthropic:default"`, `"anthropic:default"`, 1))
	out, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:manual", "anthropic:default")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := readFile(t, c.storePath()); got != want {
		t.Fatalf("store differs from what the gateway writes:\n%s", got)
	}
	c.golden("TestOrderSetMatchesGatewayBytes", out)
}

func TestOrderSetKeepsUnknownFieldsAndWarnsAboutLeftOut(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	out, errOut, code := c.run("models", "auth", "order", "set", "--provider", "Anthropic", "anthropic:work", "anthropic:manual", "anthropic:work")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := c.storeJSON()["order"].(map[string]any)["anthropic"]
	if !reflect.DeepEqual(got, []any{"anthropic:work", "anthropic:manual"}) {
		t.Fatalf("order = %v", got)
	}
	c.assertUnknownKept()
	c.golden("TestOrderSetKeepsUnknownFieldsAndWarnsAboutLeftOut", out)
}

func TestOrderClear(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	out, errOut, code := c.run("models", "auth", "order", "clear", "--provider", "anthropic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, ok := c.storeJSON()["order"]; ok {
		t.Fatal(`an empty "order" object should be removed, as the gateway does`)
	}
	c.assertUnknownKept()

	// Clearing again changes nothing and says so.
	before := c.tree()
	out2, _, code := c.run("models", "auth", "order", "clear", "--provider", "anthropic")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	assertSameTree(t, before, c.tree())
	c.golden("TestOrderClear", out+"---\n"+out2)
}

func TestOrderRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		fixture string
		code    int
		want    string
	}{
		{"unknown-id", []string{"set", "--provider", "anthropic", "anthropic:manual", "anthropic:nope"}, "auth-store.json", ExitFailure,
			`auth profile "anthropic:nope" not found in $STATE/agents/main/agent/auth-profiles.json; anthropic profiles: anthropic:default, anthropic:manual, anthropic:work`},
		{"other-provider", []string{"set", "--provider", "anthropic", "openai:default"}, "auth-store.json", ExitFailure,
			`auth profile "openai:default" is for openai, not anthropic; anthropic profiles: anthropic:default, anthropic:manual, anthropic:work`},
		{"unknown-provider", []string{"set", "--provider", "mistral", "mistral:default"}, "auth-store.json", ExitFailure, "mistral profiles: (none)"},
		{"no-ids", []string{"set", "--provider", "anthropic"}, "auth-store.json", ExitUsage, "missing profile ids"},
		{"missing-provider", []string{"set", "anthropic:manual"}, "auth-store.json", ExitUsage, "missing --provider"},
		{"missing-provider-get", []string{"get"}, "auth-store.json", ExitUsage, "missing --provider"},
		{"corrupt-store", []string{"set", "--provider", "anthropic", "anthropic:manual"}, "store-corrupt.json", ExitFailure, "is corrupt"},
		{"corrupt-store-get", []string{"get", "--provider", "anthropic"}, "store-corrupt.json", ExitFailure, "is corrupt"},
		{"corrupt-store-clear", []string{"clear", "--provider", "anthropic"}, "store-corrupt.json", ExitFailure, "is corrupt"},
		{"extra-arg-get", []string{"get", "--provider", "anthropic", "x"}, "auth-store.json", ExitUsage, "unknown command"},
		{"unknown-sub", []string{"sort"}, "auth-store.json", ExitUsage, `unknown command "sort"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.copyFixture(tc.fixture)
			before := c.tree()
			out, errOut, code := c.run(append([]string{"models", "auth", "order"}, tc.args...)...)
			if code != tc.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			assertOneLine(t, strings.ReplaceAll(errOut, c.state, "$STATE"), tc.want)
			assertSameTree(t, before, c.tree())
		})
	}
}

func TestOrderSetLockHeld(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.holdLock()
	before := c.tree()
	_, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "is locked by")
	assertSameTree(t, before, c.tree())
}

func TestOrderOnEmptyStateCreatesNothing(t *testing.T) {
	c := newCLI(t)
	before := c.tree()
	for _, args := range [][]string{
		{"get", "--provider", "anthropic"},
		{"clear", "--provider", "anthropic"},
		{"set", "--provider", "anthropic", "anthropic:default"},
	} {
		c.run(append([]string{"models", "auth", "order"}, args...)...)
	}
	assertSameTree(t, before, c.tree())
}

// order set says when the gateway will try the order differently from how
// it was set: a profile cooling down goes last for now, an expired token
// is skipped. The order itself is written as given.
func TestOrderSetSaysWhereTheGatewayDiffers(t *testing.T) {
	c := newCLI(t)
	key := func(f string) string { return "sk-ant-api03-FAKE" + strings.Repeat(f, 60) }
	c.writeStore(fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": %q},
    "anthropic:b": {"type": "api_key", "provider": "anthropic", "key": %q},
    "anthropic:old": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE%s", "expires": %d}
  },
  "usageStats": {"anthropic:a": {"cooldownUntil": %d}}
}
`, key("A"), key("B"), strings.Repeat("O", 91), testNow.Add(-time.Hour).UnixMilli(), testNow.Add(10*time.Minute).UnixMilli()))
	out, errOut, code := c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:a", "anthropic:old", "anthropic:b")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := c.storeJSON()["order"].(map[string]any)["anthropic"]; !reflect.DeepEqual(got, []any{"anthropic:a", "anthropic:old", "anthropic:b"}) {
		t.Errorf("stored %v", got)
	}
	if !strings.Contains(out, "Effective order (override): anthropic:b, anthropic:a") {
		t.Errorf("stdout:\n%s", out)
	}
	for _, want := range []string{
		"note: anthropic:a goes last while in cooldown (until 15:14)",
		"note: anthropic:old is skipped: token expired",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// Nothing to say when the gateway tries it as set.
	_, errOut, _ = c.run("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:b")
	if errOut != "" {
		t.Errorf("stderr %q", errOut)
	}
}

// TestOrderGetJSONAuthStatePath: openclaw 2026.4.7 and later print
// authStatePath (where the order is kept) in `models auth order get
// --json`; moltbot prints the same key with the same path (found by the
// interop test against openclaw 2026.6.1 and 2026.9.6), and none for the
// generations whose gateway prints authStorePath only.
func TestOrderGetJSONAuthStatePath(t *testing.T) {
	for _, tc := range []struct {
		gateway string
		want    func(c *cli) string // "" = the key is absent
	}{
		{"clawdbot", func(*cli) string { return "" }},
		{"openclaw-json", func(*cli) string { return "" }},
		{"openclaw-split", func(c *cli) string { return filepath.Join(c.agentDir(), "auth-state.json") }},
		// Which database: authstore's TestSQLiteStorePathAsTheGatewayShowsIt.
		{"openclaw-sqlite", func(c *cli) string { return ".sqlite" }},
	} {
		t.Run(tc.gateway, func(t *testing.T) {
			c := newCLI(t)
			c.env["MOLTBOT_GATEWAY"] = tc.gateway
			if tc.gateway != "openclaw-sqlite" {
				c.copyFixture("auth-store.json")
			}
			out, errOut, code := c.run("models", "auth", "order", "get", "--provider", "anthropic", "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			got, ok := doc["authStatePath"]
			switch want := tc.want(c); {
			case want == "" && ok:
				t.Errorf("authStatePath = %v, but this gateway prints authStorePath only", got)
			case want == ".sqlite":
				if s, _ := got.(string); !strings.HasSuffix(s, ".sqlite") {
					t.Errorf("authStatePath = %v, want a database", got)
				}
			case want != "" && got != want:
				t.Errorf("authStatePath = %v, want %s", got, want)
			}
		})
	}
}
