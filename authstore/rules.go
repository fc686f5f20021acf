package authstore

// GatewayRules are the ways gateway releases differ in judging the same
// credentials (json-gens.md §6, sqlite.md §2d). They decide the keys that
// keep the gateway's meaning — each profile's and provider's status in
// `models status --json`, missingProvidersInUse, the `--check` exit code
// — and which profiles the gateway leaves out of its order. moltbot's own
// verdicts (Report.UnusableInUse, ProviderReport.Status) do not depend on
// them beyond what the gateway really uses.
type GatewayRules struct {
	// InvalidExpires (openclaw 2026.3.7 and later): a token or OAuth
	// profile whose "expires" is present but no valid time (not a JSON
	// number, ≤ 0, not finite, after 8.64e15) is not eligible: status
	// "missing" (reason invalid_expires), left out of the order. Before
	// (clawdbot, openclaw up to 2026.3.2) such a token never expires
	// ("static") and is used.
	InvalidExpires bool
	// Effective (openclaw 2026.5.12 and later): a provider's status is
	// judged over its effective order only (an API key beside an expired
	// token is "static"); missingProvidersInUse lists providers in use
	// with no USABLE credential (an expired token does not count);
	// `--check` looks only at providers in use, skipping those with a key
	// in the environment. Before, the status is the worst of all the
	// provider's tokens and OAuth profiles, missingProvidersInUse lists
	// providers in use with no profile at all, and `--check` fails on any
	// expired or missing token or OAuth profile of any provider.
	Effective bool
	// MissingApart (openclaw 2026.6.1 and later): a provider whose worst
	// token or OAuth profile is missing has the status "missing"; before,
	// a missing one made the provider "expired".
	MissingApart bool
	// Selected (openclaw 2026.6.5 and later, SQLite): a profile in
	// cooldown or disabled is not usable either (an API key in cooldown
	// makes its provider missing), and `--check` says 2 only when the
	// profile each provider in use would try first is expiring.
	Selected bool
	// Blocked (openclaw 2026.5.12 and later): a profile's usageStats
	// "blockedUntil" — a subscription's usage window, written when the
	// provider says its limit is reached (blockedReason
	// "subscription_limit"), which can last days — keeps the gateway from
	// using it as a cooldown does, and `models status` shows it as one
	// (resolveProfileUnusableUntil: the latest of blockedUntil,
	// cooldownUntil and disabledUntil). Before, the field did not exist.
	Blocked bool
	// BypassOpenRouter (openclaw 2026.2.24 and later) and BypassKilocode
	// (2026.3.7 and later): the gateway ignores the cooldowns, blocks and
	// disables of these providers' profiles, whose own services handle
	// their limits (isAuthCooldownBypassedForProvider).
	BypassOpenRouter, BypassKilocode bool
}

// bypassesCooldowns reports whether the gateway ignores provider's
// cooldown, block and disabled state.
func (r GatewayRules) bypassesCooldowns(provider string) bool {
	switch NormalizeProvider(provider) {
	case "openrouter":
		return r.BypassOpenRouter
	case "kilocode":
		return r.BypassKilocode
	}
	return false
}

// Releases whose behaviour was measured (json-gens.md, sqlite.md): the
// rules and the default model change at these.
var (
	releaseBypassOpenRouter = version{2026, 2, 24} // npm pack: 2.23 has no bypass
	releaseInvalidExpires   = version{2026, 3, 7}  // first with invalid_expires (npm pack: 3.2 has none); kilocode's bypass too
	releaseBlocked          = version{2026, 5, 12} // npm pack: 5.7 reads no blockedUntil
	releaseEffective        = version{2026, 5, 12} // 5.7 is the last with the old status and check
	releaseMissingApart     = version{2026, 5, 29} // npm pack: 5.28 has not, 6.1 has (only betas between)
	releaseSQLite           = version{2026, 6, 5}
)

// defaultModels are the gateway's model when the config names none, at
// each release it was measured (`models status --json` on a fresh state
// dir); a release between two takes the older one's.
var defaultModels = []struct {
	from  version
	model string
}{
	{version{0, 0, 0}, "anthropic/claude-opus-4-5"},     // clawdbot 2026.1.24
	{version{2026, 2, 12}, "anthropic/claude-opus-4-6"}, // openclaw 2026.2.12 … 3.13
	{version{2026, 4, 5}, "openai/gpt-5.4"},             // 4.5, 4.7
	{version{2026, 5, 7}, "openai/gpt-5.5"},             // 5.7 … 6.1
	{version{2026, 9, 6}, "openai/gpt-6-astra"},         // 9.6 (SQLite)
}

// JudgedAs is the release whose rules moltbot applies to this gateway:
// its version when known; else the newest release of its generation (an
// upgrade is likelier than not); for a store nothing dates (clawdbot or
// any openclaw up to 2026.6.1) or no gateway at all, clawdbot 2026.1.24,
// as moltbot always did.
func (g Gateway) JudgedAs() string {
	if _, ok := parseVersion(g.Version); ok {
		return g.Version
	}
	switch g.Generation {
	case GenClawdbot:
		if g.Name == "openclaw" {
			return "2026.2.12"
		}
	case GenOpenclawJSON:
		if g.Override {
			return "2026.4.5"
		}
	case GenSplitJSON:
		return "2026.6.1"
	case GenSQLite:
		return "2026.9.6"
	}
	return "2026.1.24"
}

// Rules are the rules of the release the gateway is judged as.
func (g Gateway) Rules() GatewayRules {
	v, _ := parseVersion(g.JudgedAs())
	return rulesOf(v)
}

func rulesOf(v version) GatewayRules {
	return GatewayRules{
		InvalidExpires:   !v.less(releaseInvalidExpires),
		Effective:        !v.less(releaseEffective),
		MissingApart:     !v.less(releaseMissingApart),
		Selected:         !v.less(releaseSQLite),
		Blocked:          !v.less(releaseBlocked),
		BypassOpenRouter: !v.less(releaseBypassOpenRouter),
		BypassKilocode:   !v.less(releaseInvalidExpires),
	}
}

// DefaultModel is the model the gateway uses when its config names none:
// it decides which provider is in use on a fresh install (openclaw
// 2026.4.5 and later default to an OpenAI model).
func (g Gateway) DefaultModel() string {
	v, _ := parseVersion(g.JudgedAs())
	model := defaultModels[0].model
	for _, d := range defaultModels {
		if !v.less(d.from) {
			model = d.model
		}
	}
	return model
}
