package authstore

import (
	"errors"
	"fmt"
	"strings"
)

// API key lengths: a whole Anthropic API key has 108 characters; one under
// AnthropicAPIKeyMinLen was cut off or is something else. No API key of
// the providers CheckAPIKey knows is shorter than APIKeyMinLen.
const (
	AnthropicAPIKeyMinLen = 80
	APIKeyMinLen          = 20
)

// Prefixes that say whose key a secret is, whatever provider it is offered
// for.
const (
	anthropicKeyPrefix   = "sk-ant-"
	anthropicAdminPrefix = "sk-ant-admin01-"
	openRouterKeyPrefix  = "sk-or-"
)

// openAIKeyPrefixes start OpenAI's project, service-account and admin keys.
var openAIKeyPrefixes = []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}

// APIKeyKind is what CheckAPIKey knows of a provider's API keys.
type APIKeyKind struct {
	Provider string // normalised
	Label    string // "Anthropic", "OpenAI", "OpenRouter"
	Prefix   string // the usual start of its keys
	Name     string // what a key is called: "Anthropic API key"
}

// apiKeyKinds are the providers whose keys CheckAPIKey knows by sight.
var apiKeyKinds = []APIKeyKind{
	{"anthropic", "Anthropic", AnthropicAPIKeyPrefix, "Anthropic API key"},
	{"openai", "OpenAI", "sk-", "OpenAI API key"},
	{"openrouter", "OpenRouter", openRouterKeyPrefix, "OpenRouter API key"},
}

// APIKeyKindOf is what CheckAPIKey knows of provider's keys; false when it
// knows nothing of them (only the general rules apply).
func APIKeyKindOf(provider string) (APIKeyKind, bool) {
	provider = NormalizeProvider(provider)
	for _, k := range apiKeyKinds {
		if k.Provider == provider {
			return k, true
		}
	}
	return APIKeyKind{}, false
}

// KeyError says why a secret cannot be an API key of the provider it was
// offered for. Its text never contains any part of the secret. The
// wizard and the commands say what to do differently (pick another entry,
// pass another flag), so the cases they handle are marked: SetupToken, or
// Owner, the provider whose key it is.
type KeyError struct {
	Reason     string // what is wrong: "that is an OpenRouter key"
	SetupToken bool   // it is a Claude setup token, not an API key
	Owner      string // another provider the key belongs to (normalised), or ""
}

func (e *KeyError) Error() string { return e.Reason }

// CheckAPIKey cleans secret as an API key of provider and says whether it
// can be one (the wizard's rules, the same for `models auth
// paste-api-key`): err refuses one that cannot (a *KeyError, or
// ErrEmptyToken); warning flags one that merely looks unusual (never a
// refusal: providers change their formats). Neither quotes the secret,
// and each fits one line of a 60-column form.
//
// Every key is trimmed and must be one line without spaces or control
// characters, and not be a Claude setup token. For the providers of
// APIKeyKindOf a key is also refused when it is shorter than
// APIKeyMinLen or belongs to another of them (sk-ant-… for OpenAI or
// OpenRouter, sk-or-… for OpenAI, sk-proj-… for OpenRouter); an Anthropic
// API key must also start with sk-ant-, not be an Admin key, have only
// letters, digits, '-' and '_', and be at least AnthropicAPIKeyMinLen
// long. Another start than the usual one (sk-ant-api03-, sk-, sk-or-) is a
// warning.
func CheckAPIKey(provider, secret string) (clean, warning string, err error) {
	key, err := NormalizeToken("", secret) // trimmed, one line
	var te *TokenError
	if errors.As(err, &te) {
		return "", "", &KeyError{Reason: strings.Replace(te.Reason, "the token", "the key", 1)}
	}
	if err != nil {
		return "", "", err
	}
	if strings.HasPrefix(key, AnthropicSetupTokenPrefix) {
		return "", "", &KeyError{Reason: "that is a Claude setup token, not an API key", SetupToken: true}
	}
	kind, known := APIKeyKindOf(provider)
	if !known {
		return key, "", nil
	}
	if warning, err = checkKnownAPIKey(kind, key); err != nil {
		return "", "", err
	}
	return key, warning, nil
}

func checkKnownAPIKey(kind APIKeyKind, key string) (string, error) {
	refuse := func(format string, args ...any) (string, error) {
		return "", &KeyError{Reason: fmt.Sprintf(format, args...)}
	}
	other := func(owner string) (string, error) {
		k, _ := APIKeyKindOf(owner)
		return "", &KeyError{Reason: "that is an " + k.Label + " key", Owner: owner}
	}
	switch {
	case kind.Provider != "anthropic" && strings.HasPrefix(key, anthropicKeyPrefix):
		return other("anthropic")
	case kind.Provider == "openai" && strings.HasPrefix(key, openRouterKeyPrefix):
		return other("openrouter")
	case kind.Provider == "openrouter" && hasAnyPrefix(key, openAIKeyPrefixes):
		return other("openai")
	}
	if kind.Provider == "anthropic" {
		switch {
		case !strings.HasPrefix(key, anthropicKeyPrefix):
			return refuse("that is not an Anthropic API key (%s…)", AnthropicAPIKeyPrefix)
		case strings.HasPrefix(key, anthropicAdminPrefix):
			return refuse("an Admin key cannot call models: use an API key")
		}
		for i, r := range key {
			if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return refuse("character %d is not a key character: copy it again", i+1)
			}
		}
		if len(key) < AnthropicAPIKeyMinLen {
			return refuse("only %d of 108 characters: copy all of the key", len(key))
		}
	}
	if len(key) < APIKeyMinLen {
		return refuse("only %d characters, too short for an API key", len(key))
	}
	if !strings.HasPrefix(key, kind.Prefix) {
		return fmt.Sprintf("⚠ Unusual: %ss start with %s", kind.Name, kind.Prefix), nil
	}
	return "", nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
