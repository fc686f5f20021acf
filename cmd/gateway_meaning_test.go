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
