package authstore

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeToken(t *testing.T) {
	whole := fakeSecret(AnthropicSetupTokenPrefix, 108, 'T')
	for _, tc := range []struct {
		name, provider, raw string
		want                string // "" = refused
		reason              string // part of the refusal
	}{
		{"anthropic-lf", "anthropic", whole + "\n", whole, ""},
		{"anthropic-crlf", "anthropic", whole + "\r\n", whole, ""},
		{"anthropic-wrapped", "Anthropic", whole[:79] + "\r\n" + whole[79:] + "\n\n", whole, ""},
		{"anthropic-spaces-and-tabs", "anthropic", "  " + whole[:40] + " \t" + whole[40:], whole, ""},
		{"anthropic-short", "anthropic", whole[:89], "", "only 89 characters"},
		{"anthropic-min-length", "anthropic", whole[:90], whole[:90], ""},
		{"anthropic-api-key", "anthropic", fakeSecret(AnthropicAPIKeyPrefix, 108, 'K'), "", "Anthropic API key"},
		{"anthropic-other", "anthropic", "sk-proj-FAKE00000000000000000000", "", "should start with " + AnthropicSetupTokenPrefix},
		{"anthropic-two", "anthropic", whole + whole, "", "more than one"},
		{"anthropic-quote", "anthropic", whole[:100] + `"` + whole[100:], "", "at character 101"},
		{"anthropic-ansi", "anthropic", "\x1b[33m" + whole + "\x1b[0m", "", "should start with"},
		{"anthropic-empty", "anthropic", " \r\n", "", "empty"},
		{"other-crlf", "openrouter", "sk-or-FAKE-1\r\n", "sk-or-FAKE-1", ""},
		{"other-none", "openrouter", "sk-or-FAKE-1", "sk-or-FAKE-1", ""},
		{"other-inner-space", "openrouter", "sk-or FAKE", "", "space or line break inside"},
		{"other-inner-newline", "openrouter", "sk-or\nFAKE\n", "", "at character 6"},
		{"other-control", "openrouter", "sk-or\x00FAKE", "", "control"},
		{"other-empty", "openrouter", "\n", "", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeToken(tc.provider, tc.raw)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("got %q, %v", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("want a refusal saying %q, got %q, %v", tc.reason, got, err)
			}
			var te *TokenError
			if !errors.As(err, &te) && !errors.Is(err, ErrEmptyToken) {
				t.Fatalf("error type %T", err)
			}
			if strings.Contains(err.Error(), "FAKE") { // every fake's secret part
				t.Fatalf("the refusal quotes the token: %v", err)
			}
		})
	}
}

func FuzzNormalizeToken(f *testing.F) {
	f.Add("anthropic", fakeSecret(AnthropicSetupTokenPrefix, 108, 'T')+"\r\n")
	f.Add("openrouter", "sk-or-FAKE \n")
	f.Fuzz(func(t *testing.T, provider, raw string) {
		got, err := NormalizeToken(provider, raw)
		if err != nil {
			if got != "" {
				t.Fatal("a refused token came back")
			}
			return
		}
		if got == "" || strings.ContainsAny(got, " \t\r\n") {
			t.Fatalf("accepted %q", got)
		}
		if NormalizeProvider(provider) == "anthropic" && (!strings.HasPrefix(got, AnthropicSetupTokenPrefix) || len(got) < AnthropicSetupTokenMinLen) {
			t.Fatalf("accepted a bad setup token %q", got)
		}
		// Cleaning is idempotent.
		if again, err := NormalizeToken(provider, got); err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q, %v", got, again, err)
		}
	})
}
