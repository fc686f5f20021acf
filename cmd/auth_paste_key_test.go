package cmd

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasteAPIKey: openclaw's paste-api-key for scripts: the key piped in
// (any line ending), an api_key profile at <provider>:manual, the config's
// auth.profiles entry with mode api_key; the key is never printed.
func TestPasteAPIKey(t *testing.T) {
	for _, ending := range []string{"\n", "\r\n", ""} {
		c := newCLI(t)
		c.stdin = "  " + fakeAPIKey + ending
		out, errOut, code := c.run("models", "auth", "paste-api-key", "--provider", "Anthropic")
		if code != 0 || errOut != "" {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
		p := c.profile("anthropic:manual")
		if p["type"] != "api_key" || p["provider"] != "anthropic" || p["key"] != fakeAPIKey || len(p) != 3 {
			t.Fatalf("profile %v, want the gateway's api_key shape", p)
		}
		var cfg struct {
			Auth struct {
				Profiles map[string]map[string]string `json:"profiles"`
			} `json:"auth"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.state, "clawdbot.json"))), &cfg); err != nil {
			t.Fatal(err)
		}
		if got := cfg.Auth.Profiles["anthropic:manual"]; got["provider"] != "anthropic" || got["mode"] != "api_key" {
			t.Fatalf("config auth.profiles entry = %v", got)
		}
		assertNoSecret(t, out+errOut, fakeAPIKey)
		c.golden("TestPasteAPIKey", out)
	}
}

func TestPasteAPIKeyProfileIDAndTerminalPrompt(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.terminal = true
	c.stdin = fakeOtherToken + "\n"
	out, errOut, code := c.run("models", "auth", "paste-api-key", "--provider", "openrouter", "--profile-id", "openrouter:team")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if !strings.HasPrefix(errOut, "Paste the openrouter API key (input is hidden), then press Enter: ") {
		t.Errorf("prompt:\n%s", errOut)
	}
	if p := c.profile("openrouter:team"); p["key"] != fakeOtherToken || p["type"] != "api_key" {
		t.Errorf("profile %v", p)
	}
	if !strings.HasPrefix(out, "Saved openrouter:team (api_key sk-or-v1-FAK…PPPP) in ") {
		t.Errorf("stdout:\n%s", out)
	}
	c.assertUnknownKept()
	assertNoSecret(t, out+errOut, fakeOtherToken)
}

// TestPasteAPIKeyChecksTheKeyAsTheWizardDoes: what the wizard refuses is
// refused here too, with what to run instead; nothing is written.
func TestPasteAPIKeyChecksTheKeyAsTheWizardDoes(t *testing.T) {
	for _, tc := range []struct {
		name, provider, stdin string
		args                  []string
		code                  int
		want                  string
	}{
		{"hello", "anthropic", "hello\n", nil, 1, "that is not an Anthropic API key (sk-ant-api03-…); nothing was saved"},
		{"cut-short", "anthropic", fakeAPIKey[:50] + "\n", nil, 1, "only 50 of 108 characters: copy all of the key; nothing was saved"},
		{"setup-token", "anthropic", fakeSetupToken + "\n", nil, 1, "that is a Claude setup token, not an API key; nothing was saved: save it with `moltbot models auth paste-token --provider anthropic`"},
		{"other-providers-key", "openai", fakeOtherToken + "\n", nil, 1, "that is an OpenRouter key, not one for openai; nothing was saved: use --provider openrouter"},
		{"two-lines", "openai", "sk-proj-FAKE0000000000\nsk-proj-FAKE1111111111\n", nil, 1, "the key has a space or line break inside it"},
		{"empty", "openai", "\n", nil, 1, "no key on stdin"},
		{"key-as-argument", "openai", "", []string{fakeAPIKey}, ExitUsage, "takes no arguments"},
		{"no-provider", "", fakeAPIKey, nil, ExitUsage, "missing --provider"},
		{"id-of-other-provider", "anthropic", fakeAPIKey, []string{"--profile-id", "openai:x"}, ExitUsage, "names provider openai"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.stdin = tc.stdin
			args := append([]string{"models", "auth", "paste-api-key"}, tc.args...)
			if tc.provider != "" {
				args = append(args, "--provider", tc.provider)
			}
			before := c.tree()
			out, errOut, code := c.run(args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			assertOneLine(t, errOut, tc.want)
			assertNoSecret(t, out+errOut, fakeAPIKey, fakeSetupToken, fakeOtherToken)
			assertSameTree(t, before, c.tree())
		})
	}
}

func TestPasteAPIKeyUnusualIsSavedWithAWarning(t *testing.T) {
	c := newCLI(t)
	c.stdin = "FAKEopenaiKeyWithoutTheUsualStart0000\n"
	_, errOut, code := c.run("models", "auth", "paste-api-key", "--provider", "openai")
	if code != 0 || errOut != "warning: Unusual: OpenAI API keys start with sk-\n" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if c.profile("openai:manual")["key"] != "FAKEopenaiKeyWithoutTheUsualStart0000" {
		t.Error("not saved")
	}
}

// TestScriptsAreSentToPasteAPIKey: paste-token and add used to send a user
// with an API key to each other; both now name paste-api-key.
func TestScriptsAreSentToPasteAPIKey(t *testing.T) {
	c := newCLI(t)
	c.stdin = fakeAPIKey + "\n"
	_, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	assertOneLine(t, errOut, "`moltbot models auth paste-api-key --provider anthropic`")
	for _, args := range [][]string{{"models", "auth", "add"}, {"onboard"}} {
		_, errOut, code = c.run(args...)
		if code != 1 {
			t.Fatalf("%v: exit %d", args, code)
		}
		assertOneLine(t, errOut, "an API key to `moltbot models auth paste-api-key --provider P`")
	}
}
