package authstore

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckAPIKey(t *testing.T) {
	for _, tc := range []struct {
		provider, secret string
		clean            string
		warn, refuse     string // parts of the warning / the refusal
		owner            string
		setupToken       bool
	}{
		{provider: "anthropic", secret: "  " + fakeAPI + "\n", clean: fakeAPI},
		{provider: "anthropic", secret: "hello", refuse: "not an Anthropic API key"},
		{provider: "anthropic", secret: fakeAPI[:40], refuse: "only 40 of 108 characters"},
		{provider: "anthropic", secret: fakeOAT, refuse: "a Claude setup token, not an API key", setupToken: true},
		{provider: "anthropic", secret: "sk-ant-api04-FAKE" + strings.Repeat("u", 91), clean: "sk-ant-api04-FAKE" + strings.Repeat("u", 91), warn: "Anthropic API keys start with sk-ant-api03-"},
		{provider: "openai", secret: fakeOAI, clean: fakeOAI},
		{provider: "openai", secret: fakeAPI, refuse: "that is an Anthropic key", owner: "anthropic"},
		{provider: "openai", secret: "sk-or-v1-FAKE0000000000000000", refuse: "that is an OpenRouter key", owner: "openrouter"},
		{provider: "openai", secret: "hello", refuse: "only 5 characters"},
		{provider: "openai", secret: "FAKEkeyWithoutThePrefix0000", clean: "FAKEkeyWithoutThePrefix0000", warn: "OpenAI API keys start with sk-"},
		{provider: "openrouter", secret: fakeOAI, refuse: "that is an OpenAI key", owner: "openai"},
		// A provider moltbot knows no key format of: the general rules only.
		{provider: "groq", secret: "gsk_FAKE00000000", clean: "gsk_FAKE00000000"},
		{provider: "groq", secret: "gsk_FAKE 0000", refuse: "the key has a space or line break inside it"},
		{provider: "groq", secret: fakeOAT, refuse: "setup token", setupToken: true},
		{provider: "groq", secret: " \n", refuse: ErrEmptyToken.Error()},
	} {
		clean, warn, err := CheckAPIKey(tc.provider, tc.secret)
		name := tc.provider + " " + tc.secret[:min(len(tc.secret), 16)]
		if tc.refuse != "" {
			if err == nil || !strings.Contains(err.Error(), tc.refuse) || clean != "" {
				t.Errorf("%s: %q, %v; want a refusal saying %q", name, clean, err, tc.refuse)
				continue
			}
			if strings.Contains(err.Error(), tc.secret) && len(strings.TrimSpace(tc.secret)) > 6 {
				t.Errorf("%s: the refusal quotes the secret", name)
			}
			var ke *KeyError
			if errors.As(err, &ke) && (ke.Owner != tc.owner || ke.SetupToken != tc.setupToken) {
				t.Errorf("%s: %+v, want owner %q, setup token %v", name, ke, tc.owner, tc.setupToken)
			}
			continue
		}
		if err != nil || clean != tc.clean || tc.warn == "" && warn != "" || !strings.Contains(warn, tc.warn) {
			t.Errorf("%s: %q, %q, %v; want %q with warning %q", name, clean, warn, err, tc.clean, tc.warn)
		}
	}
}
