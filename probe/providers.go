package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/moltbot/moltbot/authstore"
)

// authStyle is how a provider wants the credential sent.
type authStyle int

const (
	bearerAuth    authStyle = iota // Authorization: Bearer <secret>
	anthropicAuth                  // x-api-key, or Bearer + the OAuth beta for setup tokens
	googleAuth                     // x-goog-api-key (never the ?key= query: it would sit in URLs and errors)
)

// endpoint is the cheapest authenticated request a provider offers.
type endpoint struct {
	base  string   // default base URL, without an API version
	path  string   // appended to the base: path and query
	trim  []string // suffixes an overriding base URL may carry ("/v1"), longest first
	env   []string // variables that override the base URL, first set wins
	auth  authStyle
	oauth bool // whether an oauth access token can be checked here
	// keyInfo marks OpenRouter's /key answer, which reports a spent credit limit.
	keyInfo bool
}

// endpoints maps a normalised provider id to its probe. Providers missing
// here get Unsupported rather than a guessed URL whose 404 would look like a
// broken credential.
var endpoints = map[string]endpoint{
	"anthropic": {
		base: "https://api.anthropic.com", path: "/v1/models?limit=1", trim: []string{"/v1"},
		env: []string{"ANTHROPIC_BASE_URL"}, auth: anthropicAuth, oauth: true,
	},
	"openai": {
		base: "https://api.openai.com", path: "/v1/models", trim: []string{"/v1"},
		env: []string{"OPENAI_BASE_URL"},
	},
	"openrouter": {
		base: "https://openrouter.ai", path: "/api/v1/key", trim: []string{"/api/v1", "/api", "/v1"},
		env: []string{"OPENROUTER_BASE_URL"}, keyInfo: true,
	},
	"google": {
		base: "https://generativelanguage.googleapis.com", path: "/v1beta/models?pageSize=1",
		trim: []string{"/v1beta", "/v1"}, env: []string{"GEMINI_BASE_URL", "GOOGLE_BASE_URL", "GOOGLE_GEMINI_BASE_URL"},
		auth: googleAuth,
	},
	"groq": {
		base: "https://api.groq.com", path: "/openai/v1/models", trim: []string{"/openai/v1", "/openai", "/v1"},
		env: []string{"GROQ_BASE_URL"},
	},
	"mistral": {
		base: "https://api.mistral.ai", path: "/v1/models", trim: []string{"/v1"},
		env: []string{"MISTRAL_BASE_URL"},
	},
	"xai": {
		base: "https://api.x.ai", path: "/v1/models", trim: []string{"/v1"},
		env: []string{"XAI_BASE_URL"},
	},
	"deepseek": {
		base: "https://api.deepseek.com", path: "/models", trim: []string{"/v1"},
		env: []string{"DEEPSEEK_BASE_URL"},
	},
	"cerebras": {
		base: "https://api.cerebras.ai", path: "/v1/models", trim: []string{"/v1"},
		env: []string{"CEREBRAS_BASE_URL"},
	},
	"moonshot": {
		base: "https://api.moonshot.ai", path: "/v1/models", trim: []string{"/v1"},
		env: []string{"MOONSHOT_BASE_URL"},
	},
}

// aliases are other names people give a provider in the table above.
var aliases = map[string]string{"gemini": "google"}

// Providers returns the (normalised) provider ids Run can check, sorted.
func Providers() []string {
	ids := make([]string, 0, len(endpoints))
	for id := range endpoints {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// lookup finds the probe for provider (already normalised), or says why
// there is none.
func lookup(provider string, t Target) (endpoint, string) {
	if a, ok := aliases[provider]; ok {
		provider = a
	}
	ep, ok := endpoints[provider]
	switch {
	case !ok:
		return ep, fmt.Sprintf("no live check for provider %q", provider)
	case t.Secret == "":
		return ep, "no secret stored"
	case t.Type == authstore.TypeOAuth && !ep.oauth:
		return ep, fmt.Sprintf("no live check for %s oauth profiles", provider)
	}
	return ep, ""
}

// baseURL is the override (if any) or the default, without a trailing "/"
// or a tolerated version suffix. A malformed override is an error that names
// the variable to fix, not the value (it could hold credentials).
func (ep endpoint) baseURL(override string) (string, error) {
	b := strings.TrimSpace(override)
	if b == "" {
		b = ep.base
	}
	b = strings.TrimRight(b, "/")
	for _, s := range ep.trim {
		if len(b) > len(s) && strings.EqualFold(b[len(b)-len(s):], s) {
			b = b[:len(b)-len(s)]
			break
		}
	}
	u, err := url.Parse(b)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("the base URL is not an http(s) URL: check %s", strings.Join(ep.env, " / "))
	}
	return b, nil
}

// request builds the probe request with the credential in its header.
func (ep endpoint) request(ctx context.Context, base string, t Target) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+ep.path, nil)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "moltbot-probe/1")
	switch ep.auth {
	case anthropicAuth:
		h.Set("anthropic-version", "2023-06-01")
		if anthropicOAuth(t) {
			h.Set("Authorization", "Bearer "+t.Secret)
			h.Set("anthropic-beta", "oauth-2025-04-20")
		} else {
			h.Set("x-api-key", t.Secret)
		}
	case googleAuth:
		h.Set("x-goog-api-key", t.Secret)
	default:
		h.Set("Authorization", "Bearer "+t.Secret)
	}
	return req, nil
}

// anthropicOAuth reports whether an Anthropic secret is an OAuth/setup token
// (Bearer) rather than an API key (x-api-key). The secret's prefix decides
// when it has a known one, since a pasted "token" may well be an API key.
func anthropicOAuth(t Target) bool {
	switch {
	case strings.HasPrefix(t.Secret, "sk-ant-oat"):
		return true
	case strings.HasPrefix(t.Secret, "sk-ant-api"):
		return false
	}
	return t.Type == authstore.TypeToken || t.Type == authstore.TypeOAuth
}

// headerUnsafe says why a secret cannot be sent in a header ("" when it
// can). net/http would refuse it anyway, with an error that is less clear.
func headerUnsafe(secret string) string {
	for i := 0; i < len(secret); i++ {
		c := secret[i]
		if c == '\r' || c == '\n' {
			return "the stored secret contains a line break: store it again as one line"
		}
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return "the stored secret contains control characters: store it again"
		}
	}
	return ""
}

// EnvBaseURL returns an Options.BaseURL that reads the usual override
// variables through getenv: ANTHROPIC_BASE_URL, OPENAI_BASE_URL,
// OPENROUTER_BASE_URL, GEMINI_BASE_URL (or GOOGLE_BASE_URL,
// GOOGLE_GEMINI_BASE_URL), GROQ_BASE_URL, MISTRAL_BASE_URL, XAI_BASE_URL,
// DEEPSEEK_BASE_URL, CEREBRAS_BASE_URL, MOONSHOT_BASE_URL. A value may end in
// "/" or the API version ("https://openrouter.ai/api/v1" works). getenv may
// be nil (no overrides).
func EnvBaseURL(getenv func(string) string) func(provider string) string {
	return func(provider string) string {
		if getenv == nil {
			return ""
		}
		provider = authstore.NormalizeProvider(provider)
		if a, ok := aliases[provider]; ok {
			provider = a
		}
		for _, v := range endpoints[provider].env {
			if s := strings.TrimSpace(getenv(v)); s != "" {
				return s
			}
		}
		return ""
	}
}
