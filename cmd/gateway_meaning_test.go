package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The gateway's keys keep the gateway's meaning for its release; moltbot's
// verdict sits in moltbot's own keys. openclaw 2026.6.1 with an API key and
// an expired token: the gateway calls the provider static, lists nothing in
// missingProvidersInUse and --check exits 0 (the samples' check table);
// moltbot's own row still says the token expired.
func TestGatewayKeysKeepTheGatewaysMeaning(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "MOLTBOT_GATEWAY") // the config says which gateway
	c.write("openclaw.json", `{"meta": {"lastTouchedVersion": "2026.6.1"}, "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-6"}}}}`+"\n")
	c.writeStore(fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:key": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE%s"},
    "anthropic:old": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-FAKE%s", "expires": %d}
  }
}
`, strings.Repeat("K", 91), strings.Repeat("O", 91), testNow.Add(-time.Hour).UnixMilli()))
	out, errOut, code := c.run("models", "status", "--json", "--check")
	if code != 0 {
		t.Errorf("--check exit %d, want 0 as openclaw 2026.6.1 (%s)", code, errOut)
	}
	var doc struct {
		Gateway struct{ Version string } `json:"gateway"`
		Auth    struct {
			Missing []string `json:"missingProvidersInUse"`
			OAuth   struct {
				Providers []struct{ Provider, Status string } `json:"providers"`
			} `json:"oauth"`
			Providers []struct{ Provider, Status string } `json:"providers"`
		} `json:"auth"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Gateway.Version != "2026.6.1" {
		t.Fatalf("gateway %+v", doc.Gateway)
	}
	if len(doc.Auth.Missing) != 0 {
		t.Errorf("missingProvidersInUse %v, want [] (a key is usable)", doc.Auth.Missing)
	}
	if len(doc.Auth.OAuth.Providers) != 1 || doc.Auth.OAuth.Providers[0].Status != "static" {
		t.Errorf("oauth.providers %+v, want anthropic static (the gateway judges the effective order)", doc.Auth.OAuth.Providers)
	}
	if len(doc.Auth.Providers) != 1 || doc.Auth.Providers[0].Status != "expired" {
		t.Errorf("our providers %+v, want anthropic expired (moltbot's verdict)", doc.Auth.Providers)
	}
}

// A usage-window block (openclaw 2026.5.12 and later: a subscription's
// limit reached, for days) shows as the gateway counts it: a cooldown, with
// its reason, in the row and in the counts; openrouter's cooldowns, which
// the gateway ignores, do not show. The same store judged as clawdbot,
// which has neither rule, shows the opposite.
func TestStatusShowsUsageWindowsAsTheReleaseCounts(t *testing.T) {
	store := fmt.Sprintf(`{"version": 1, "profiles": {
    "openai-codex:me": {"type": "api_key", "provider": "openai-codex", "key": "sk-FAKE%s"},
    "openrouter:k": {"type": "api_key", "provider": "openrouter", "key": "sk-or-v1-FAKE%s"}},
  "usageStats": {
    "openai-codex:me": {"blockedUntil": %d, "blockedReason": "subscription_limit", "blockedSource": "wham"},
    "openrouter:k": {"cooldownUntil": %d, "cooldownReason": "rate_limit"}}}
`, strings.Repeat("C", 40), strings.Repeat("R", 40), testNow.Add(73*time.Hour).UnixMilli(), testNow.Add(time.Hour).UnixMilli())
	for _, tc := range []struct {
		version       string
		want, notWant []string
	}{
		{"2026.6.1", []string{"cooldown (subscription_limit) 3d 1h", "1 cooling down or disabled"}, []string{"rate_limit"}},
		{"", []string{"cooldown (rate_limit) 1h", "1 cooling down or disabled"}, []string{"subscription_limit"}},
	} {
		c := newCLI(t)
		if tc.version != "" {
			delete(c.env, "MOLTBOT_GATEWAY") // the config says which gateway
			c.write("openclaw.json", `{"meta": {"lastTouchedVersion": "`+tc.version+`"}}`+"\n")
		}
		c.writeStore(store)
		out, errOut, code := c.run("models", "status")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.version, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("judged as %q: no %q in\n%s", tc.version, w, out)
			}
		}
		for _, w := range tc.notWant {
			if strings.Contains(out, w) {
				t.Errorf("judged as %q: %q in\n%s", tc.version, w, out)
			}
		}
	}
}
