package authstore

import (
	"slices"
	"sort"
)

// knownProviders are provider ids the gateways know out of the box, so
// that a credential for one may be added before anything on disk names it:
// clawdbot 2026.1's (its env-key map and login flows) and openclaw
// 2026.6's bundled provider plugins (docs/providers, docs/concepts/
// model-providers.md), normalised. A provider missing here is still
// known once the store, the config (auth.profiles, auth.order, a model,
// models.providers, plugins.entries) or the environment names it.
var knownProviders = []string{
	"alibaba", "amazon-bedrock", "anthropic", "anthropic-vertex", "arcee",
	"byteplus", "byteplus-plan", "cerebras", "chutes", "claude-cli",
	"cloudflare-ai-gateway", "codex-cli", "copilot-proxy", "deepgram",
	"deepinfra", "deepseek", "ds4", "fireworks", "github-copilot", "gmi",
	"google", "google-antigravity", "google-gemini-cli", "google-vertex",
	"groq", "huggingface", "inferrs", "kilocode", "kimi", "kimi-coding",
	"litellm", "lmstudio", "minimax", "minimax-cn", "minimax-portal",
	"mistral", "moonshot", "novita", "nvidia", "ollama", "ollama-cloud",
	"openai", "openai-codex", "opencode", "opencode-go", "openrouter",
	"perplexity", "qianfan", "qwen-oauth", "qwen-portal", "sglang",
	"stepfun", "stepfun-plan", "synthetic", "tencent-tokenhub", "together",
	"venice", "vercel-ai-gateway", "vllm", "volcengine", "volcengine-plan",
	"xai", "xiaomi", "xiaomi-token-plan", "zai",
}

// KnownProviders is the provider ids moltbot knows without looking at any
// file (see knownProviders), with those of EnvVars, normalised and sorted.
func KnownProviders() []string {
	out := slices.Clone(knownProviders)
	for _, ev := range EnvVars {
		out = append(out, ev.Provider)
	}
	for i, p := range out {
		out[i] = NormalizeProvider(p)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Providers is every provider id snap knows of, normalised and sorted:
// the store's profiles (their "provider" field and their id's prefix) and
// order keys, the config's auth.profiles, auth.order, models in use and
// the providers it names elsewhere (Config.NamedProviders), the
// credentials found in the environment and .env, and KnownProviders.
func (snap *Snapshot) Providers() []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if p = NormalizeProvider(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if s := snap.Store; s != nil {
		for _, p := range s.Profiles {
			add(p.Provider)
			add(ProviderOfID(p.ID))
		}
		for k := range s.Order {
			add(k)
		}
	}
	c := snap.Config
	for _, id := range c.ProfileIDs {
		add(c.Profiles[id].Provider)
		add(ProviderOfID(id))
	}
	for k := range c.Order {
		add(k)
	}
	for _, p := range c.ProvidersInUse() {
		add(p)
	}
	for _, p := range c.NamedProviders {
		add(p)
	}
	for _, e := range snap.Env {
		add(e.Provider)
	}
	for _, p := range KnownProviders() {
		add(p)
	}
	sort.Strings(out)
	return out
}

// KnowsProvider reports whether anything knows provider (see Providers):
// a provider nothing knows is almost always a typo.
func (snap *Snapshot) KnowsProvider(provider string) bool {
	return slices.Contains(snap.Providers(), NormalizeProvider(provider))
}

// ProviderSuggestions are the known providers close to provider (see
// Suggest), for "did you mean".
func (snap *Snapshot) ProviderSuggestions(provider string) []string {
	return Suggest(NormalizeProvider(provider), snap.Providers())
}
