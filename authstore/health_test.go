package authstore

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// prof describes one profile of a table test's store.
type prof struct {
	id, typ, provider, secret string
	expires                   int64
	refresh                   string
}

// usage is one usageStats entry of a table test's store.
type usage struct {
	lastUsed, cooldownUntil, disabledUntil int64
	reason                                 string
}

// buildStore makes a store with profiles in the given file order.
func buildStore(t testing.TB, profiles []prof, order map[string][]string, stats map[string]usage) *Store {
	t.Helper()
	doc := newObject()
	doc.setValue("version", 1)
	ps := newObject()
	for _, p := range profiles {
		o := newObject()
		if p.typ != "" {
			o.setValue("type", p.typ)
		}
		if p.provider != "" {
			o.setValue("provider", p.provider)
		}
		switch p.typ {
		case TypeAPIKey:
			o.setValue("key", p.secret)
		case TypeToken:
			o.setValue("token", p.secret)
		case TypeOAuth:
			o.setValue("access", p.secret)
			if p.refresh != "" {
				o.setValue("refresh", p.refresh)
			}
		}
		if p.expires != 0 {
			o.setValue("expires", p.expires)
		}
		ps.setChild(p.id, o)
	}
	doc.setChild("profiles", ps)
	if order != nil {
		doc.setValue("order", order)
	}
	if stats != nil {
		us := newObject()
		for id, u := range stats {
			o := newObject()
			if u.lastUsed != 0 {
				o.setValue("lastUsed", u.lastUsed)
			}
			if u.cooldownUntil != 0 {
				o.setValue("cooldownUntil", u.cooldownUntil)
			}
			if u.disabledUntil != 0 {
				o.setValue("disabledUntil", u.disabledUntil)
			}
			if u.reason != "" {
				o.setValue("disabledReason", u.reason)
			}
			us.setChild(id, o)
		}
		doc.setChild("usageStats", us)
	}
	return mustParse(t, string(doc.marshal()))
}

func TestHealth(t *testing.T) {
	warn := 24 * time.Hour
	cases := []struct {
		name        string
		p           prof
		u           *usage
		status      Status
		label       string
		refreshable bool
		expiresAt   time.Time
		unusable    string
		reason      string
		until       time.Time
	}{
		{name: "api key is static", p: prof{typ: TypeAPIKey, secret: "k"}, status: StatusStatic, label: "static"},
		{name: "api key without a key is missing", p: prof{typ: TypeAPIKey}, status: StatusMissing, label: "missing"},
		{name: "token without expires is static", p: prof{typ: TypeToken, secret: "t"}, status: StatusStatic, label: "static"},
		{name: "token far from expiry is ok", p: prof{typ: TypeToken, secret: "t", expires: ms(48 * time.Hour)}, status: StatusOK, label: "ok", expiresAt: fixedNow.Add(48 * time.Hour)},
		{name: "token 1ms past the warn window is ok", p: prof{typ: TypeToken, secret: "t", expires: ms(warn + time.Millisecond)}, status: StatusOK, label: "ok", expiresAt: fixedNow.Add(warn + time.Millisecond)},
		{name: "token at the warn boundary is expiring", p: prof{typ: TypeToken, secret: "t", expires: ms(warn)}, status: StatusExpiring, label: "expiring", expiresAt: fixedNow.Add(warn)},
		{name: "token 1ms before expiry is expiring", p: prof{typ: TypeToken, secret: "t", expires: ms(time.Millisecond)}, status: StatusExpiring, label: "expiring", expiresAt: fixedNow.Add(time.Millisecond)},
		{name: "token expiring now is expired", p: prof{typ: TypeToken, secret: "t", expires: ms(0)}, status: StatusExpired, label: "expired", expiresAt: fixedNow},
		{name: "token without a token is missing", p: prof{typ: TypeToken, expires: ms(time.Hour * 48)}, status: StatusMissing, label: "missing", expiresAt: fixedNow.Add(48 * time.Hour)},
		{name: "oauth without expires is missing", p: prof{typ: TypeOAuth, secret: "a"}, status: StatusMissing, label: "missing"},
		{name: "oauth expired without refresh", p: prof{typ: TypeOAuth, secret: "a", expires: ms(-time.Hour)}, status: StatusExpired, label: "expired", expiresAt: fixedNow.Add(-time.Hour)},
		{name: "oauth expired with refresh is refreshable, never ok", p: prof{typ: TypeOAuth, secret: "a", refresh: "r", expires: ms(-time.Hour)}, status: StatusExpired, label: "expired (refreshable)", refreshable: true, expiresAt: fixedNow.Add(-time.Hour)},
		{name: "oauth expiring with refresh is just expiring", p: prof{typ: TypeOAuth, secret: "a", refresh: "r", expires: ms(time.Hour)}, status: StatusExpiring, label: "expiring", expiresAt: fixedNow.Add(time.Hour)},
		{name: "oauth ok", p: prof{typ: TypeOAuth, secret: "a", expires: ms(72 * time.Hour)}, status: StatusOK, label: "ok", expiresAt: fixedNow.Add(72 * time.Hour)},
		{name: "unknown type is missing", p: prof{typ: "aws_sdk", secret: "x"}, status: StatusMissing, label: "missing"},
		{
			name: "cooldown", p: prof{typ: TypeAPIKey, secret: "k"}, u: &usage{cooldownUntil: ms(4 * time.Minute)},
			status: StatusStatic, label: "static", unusable: UnusableCooldown, until: fixedNow.Add(4 * time.Minute),
		},
		{
			name: "cooldown in the past is over", p: prof{typ: TypeAPIKey, secret: "k"}, u: &usage{cooldownUntil: ms(-time.Second), disabledUntil: ms(-time.Second), reason: "billing"},
			status: StatusStatic, label: "static",
		},
		{
			name: "disabled with reason", p: prof{typ: TypeToken, secret: "t"}, u: &usage{disabledUntil: ms(5 * time.Hour), reason: "billing"},
			status: StatusStatic, label: "static", unusable: UnusableDisabled, reason: "billing", until: fixedNow.Add(5 * time.Hour),
		},
		{
			name: "disabled outlasting a cooldown is disabled until the later time", p: prof{typ: TypeAPIKey, secret: "k"},
			u:      &usage{cooldownUntil: ms(time.Minute), disabledUntil: ms(time.Hour), reason: "auth"},
			status: StatusStatic, label: "static", unusable: UnusableDisabled, reason: "auth", until: fixedNow.Add(time.Hour),
		},
		{
			// The gateway's kind: disabled while a disablement runs, until
			// the latest window ends ("[disabled:billing 2h]").
			name: "a disable under a longer cooldown is disabled until the later time", p: prof{typ: TypeAPIKey, secret: "k"},
			u:      &usage{cooldownUntil: ms(2 * time.Hour), disabledUntil: ms(time.Hour), reason: "billing"},
			status: StatusStatic, label: "static", unusable: UnusableDisabled, reason: "billing", until: fixedNow.Add(2 * time.Hour),
		},
		{
			name: "cooldown and expiry are independent", p: prof{typ: TypeToken, secret: "t", expires: ms(-time.Minute)}, u: &usage{cooldownUntil: ms(time.Minute)},
			status: StatusExpired, label: "expired", expiresAt: fixedNow.Add(-time.Minute), unusable: UnusableCooldown, until: fixedNow.Add(time.Minute),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.id, tc.p.provider = "anthropic:x", "anthropic"
			var stats map[string]usage
			if tc.u != nil {
				stats = map[string]usage{tc.p.id: *tc.u}
			}
			s := buildStore(t, []prof{tc.p}, nil, stats)
			h := s.Health(s.Profiles[0], fixedNow, warn)
			if h.Status != tc.status || h.Label() != tc.label || h.Refreshable != tc.refreshable {
				t.Errorf("status %q label %q refreshable %v, want %q %q %v", h.Status, h.Label(), h.Refreshable, tc.status, tc.label, tc.refreshable)
			}
			if !h.ExpiresAt.Equal(tc.expiresAt) {
				t.Errorf("ExpiresAt = %v, want %v", h.ExpiresAt, tc.expiresAt)
			}
			if !tc.expiresAt.IsZero() && h.Remaining != tc.expiresAt.Sub(fixedNow) {
				t.Errorf("Remaining = %v, want %v", h.Remaining, tc.expiresAt.Sub(fixedNow))
			}
			if h.Unusable != tc.unusable || h.Reason != tc.reason || !h.Until.Equal(tc.until) {
				t.Errorf("unusable %q reason %q until %v, want %q %q %v", h.Unusable, h.Reason, h.Until, tc.unusable, tc.reason, tc.until)
			}
		})
	}
}

func TestStatusWorse(t *testing.T) {
	order := []Status{StatusStatic, StatusOK, StatusExpiring, StatusExpired}
	for i := range order {
		for j := range order {
			if got := order[i].Worse(order[j]); got != (i > j) {
				t.Errorf("%s.Worse(%s) = %v", order[i], order[j], got)
			}
		}
	}
	if StatusMissing.Worse(StatusExpired) || StatusExpired.Worse(StatusMissing) || !StatusMissing.Worse(StatusExpiring) {
		t.Error("missing must rank with expired, above expiring")
	}
}

func TestNormalizeProvider(t *testing.T) {
	cases := map[string]string{
		"anthropic":      "anthropic",
		" Anthropic ":    "anthropic",
		"z.ai":           "zai",
		"Z-AI":           "zai",
		"zai":            "zai",
		"opencode-zen":   "opencode",
		"OpenCode":       "opencode",
		"qwen":           "qwen-portal",
		"qwen-portal":    "qwen-portal",
		"openai-codex":   "openai-codex",
		"":               "",
		"  ":             "",
		"google-vertex ": "google-vertex",
	}
	for in, want := range cases {
		if got := NormalizeProvider(in); got != want {
			t.Errorf("NormalizeProvider(%q) = %q, want %q", in, got, want)
		}
	}
	ids := map[string]string{"z.ai:me": "zai", "Anthropic:default": "anthropic", "nocolon": "", ":x": "", "qwen:a:b": "qwen-portal"}
	for in, want := range ids {
		if got := ProviderOfID(in); got != want {
			t.Errorf("ProviderOfID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEffectiveOrder(t *testing.T) {
	future := ms(48 * time.Hour)
	cases := []struct {
		name     string
		profiles []prof
		order    map[string][]string
		stats    map[string]usage
		config   string
		provider string
		want     []string
		source   OrderSource
		excluded []Exclusion
	}{
		{
			name: "automatic: oauth, then token, then api_key",
			profiles: []prof{
				{id: "a:key", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:tok", typ: TypeToken, provider: "a", secret: "t"},
				{id: "a:oauth", typ: TypeOAuth, provider: "a", secret: "o", expires: future},
				{id: "b:key", typ: TypeAPIKey, provider: "b", secret: "k"},
			},
			provider: "a", want: []string{"a:oauth", "a:tok", "a:key"}, source: SourceAutomatic,
		},
		{
			name: "automatic: same type, least recently used first (never used first of all)",
			profiles: []prof{
				{id: "a:recent", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:old", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:never", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:tok", typ: TypeToken, provider: "a", secret: "t"},
			},
			stats:    map[string]usage{"a:recent": {lastUsed: ms(-time.Minute)}, "a:old": {lastUsed: ms(-time.Hour)}, "a:tok": {lastUsed: ms(-time.Second)}},
			provider: "a", want: []string{"a:tok", "a:never", "a:old", "a:recent"}, source: SourceAutomatic,
		},
		{
			name: "automatic drops unusable profiles and says why",
			profiles: []prof{
				{id: "a:empty", typ: TypeAPIKey, provider: "a", secret: "  "},
				{id: "a:expired", typ: TypeToken, provider: "a", secret: "t", expires: ms(-time.Second)},
				{id: "a:oauth-expired", typ: TypeOAuth, provider: "a", secret: "o", refresh: "r", expires: ms(-time.Second)},
				{id: "a:weird", typ: "aws_sdk", provider: "a", secret: ""},
				{id: "a:ok", typ: TypeAPIKey, provider: "a", secret: "k"},
			},
			provider: "a", want: []string{"a:oauth-expired", "a:ok"}, source: SourceAutomatic,
			excluded: []Exclusion{{"a:empty", "no secret", ExcludedNoSecret}, {"a:expired", "token expired", ExcludedExpired}, {"a:weird", `unknown type "aws_sdk"`, ExcludedUnknownType}},
		},
		{
			name: "store override keeps its order, drops bad ids, de-duplicates, excludes the unlisted",
			profiles: []prof{
				{id: "a:1", typ: TypeOAuth, provider: "a", secret: "o", expires: future},
				{id: "a:2", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:3", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "b:1", typ: TypeAPIKey, provider: "b", secret: "k"},
			},
			order:    map[string][]string{"a": {"a:2", "a:gone", "a:2", "b:1", "a:1"}},
			config:   `{auth: {order: {a: ["a:3"]}}}`,
			provider: "a", want: []string{"a:2", "a:1"}, source: SourceOverride,
			excluded: []Exclusion{{"a:gone", "no such profile in the store", ExcludedMissing}, {"b:1", `belongs to provider "b"`, ExcludedOtherProvider}, {"a:3", "not in the override order", ExcludedNotListed}},
		},
		{
			name: "config auth.order when the store has none",
			profiles: []prof{
				{id: "a:1", typ: TypeOAuth, provider: "a", secret: "o", expires: future},
				{id: "a:2", typ: TypeAPIKey, provider: "a", secret: "k"},
			},
			order:    map[string][]string{"b": {"b:1"}},
			config:   `{auth: {order: {a: ["a:2", "a:1"]}, profiles: {"a:1": {provider: "a", mode: "oauth"}}}}`,
			provider: "a", want: []string{"a:2", "a:1"}, source: SourceConfig,
		},
		{
			name: "config auth.order names a subset",
			profiles: []prof{
				{id: "a:1", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:2", typ: TypeAPIKey, provider: "a", secret: "k"},
			},
			config:   `{auth: {order: {A: ["a:2"]}}}`,
			provider: "a", want: []string{"a:2"}, source: SourceConfig,
			excluded: []Exclusion{{"a:1", "not in the config's auth.order", ExcludedNotListed}},
		},
		{
			name: "config auth.profiles: only those, sorted like automatic",
			profiles: []prof{
				{id: "a:key", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:tok", typ: TypeToken, provider: "a", secret: "t"},
				{id: "a:unlisted", typ: TypeOAuth, provider: "a", secret: "o", expires: future},
			},
			config:   `{auth: {profiles: {"a:key": {provider: "a", mode: "api_key"}, "a:tok": {provider: "A", mode: "token"}, "a:missing": {provider: "a", mode: "token"}, "b:x": {provider: "b", mode: "token"}}}}`,
			provider: "a", want: []string{"a:tok", "a:key"}, source: SourceAutomatic,
			excluded: []Exclusion{{"a:missing", "no such profile in the store", ExcludedMissing}, {"a:unlisted", "not in the config's auth.profiles", ExcludedNotListed}},
		},
		{
			name: "cooldown and disabled go to the end, soonest available first",
			profiles: []prof{
				{id: "a:1", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:2", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:3", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:4", typ: TypeAPIKey, provider: "a", secret: "k"},
			},
			order: map[string][]string{"a": {"a:1", "a:2", "a:3", "a:4"}},
			stats: map[string]usage{
				"a:1": {cooldownUntil: ms(10 * time.Minute)},
				"a:2": {disabledUntil: ms(5 * time.Minute), reason: "billing"},
				"a:3": {cooldownUntil: ms(-time.Minute)}, // over
			},
			provider: "a", want: []string{"a:3", "a:4", "a:2", "a:1"}, source: SourceOverride,
		},
		{
			name: "automatic: an oauth profile in cooldown goes after an api key",
			profiles: []prof{
				{id: "a:key", typ: TypeAPIKey, provider: "a", secret: "k"},
				{id: "a:oauth", typ: TypeOAuth, provider: "a", secret: "o", expires: future},
			},
			stats:    map[string]usage{"a:oauth": {cooldownUntil: ms(time.Minute)}},
			provider: "a", want: []string{"a:key", "a:oauth"}, source: SourceAutomatic,
		},
		{
			name: "aliases: z.ai, z-ai and zai are one provider, the store order key z.ai applies",
			profiles: []prof{
				{id: "zai:1", typ: TypeAPIKey, provider: "z.ai", secret: "k"},
				{id: "zai:2", typ: TypeAPIKey, provider: "Z-AI", secret: "k"},
				{id: "zai:3", typ: TypeAPIKey, provider: "zai", secret: "k"},
			},
			order:    map[string][]string{"z.ai": {"zai:3", "zai:1", "zai:2"}},
			provider: "z-ai", want: []string{"zai:3", "zai:1", "zai:2"}, source: SourceOverride,
		},
		{
			name: "aliases: opencode-zen is opencode",
			profiles: []prof{
				{id: "opencode:a", typ: TypeAPIKey, provider: "opencode-zen", secret: "k"},
				{id: "opencode:b", typ: TypeToken, provider: "opencode", secret: "t"},
			},
			provider: "opencode", want: []string{"opencode:b", "opencode:a"}, source: SourceAutomatic,
		},
		{
			name: "aliases: config auth.order under qwen applies to qwen-portal",
			profiles: []prof{
				{id: "qwen-portal:a", typ: TypeOAuth, provider: "qwen-portal", secret: "o", expires: future},
				{id: "qwen-portal:b", typ: TypeOAuth, provider: "qwen", secret: "o", expires: future},
			},
			config:   `{auth: {order: {qwen: ["qwen-portal:b", "qwen-portal:a"]}}}`,
			provider: "qwen", want: []string{"qwen-portal:b", "qwen-portal:a"}, source: SourceConfig,
		},
		{
			name:     "no profiles at all",
			profiles: []prof{{id: "b:1", typ: TypeAPIKey, provider: "b", secret: "k"}},
			provider: "a", want: nil, source: SourceAutomatic,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := Snapshot{Store: buildStore(t, tc.profiles, tc.order, tc.stats)}
			if tc.config != "" {
				c, err := ParseConfig("cfg.json5", []byte(tc.config))
				if err != nil {
					t.Fatal(err)
				}
				snap.Config = c
			}
			eo := snap.EffectiveOrder(tc.provider, fixedNow)
			if !equalStrings(eo.IDs, tc.want) {
				t.Errorf("IDs = %v, want %v", eo.IDs, tc.want)
			}
			if eo.Source != tc.source {
				t.Errorf("Source = %q, want %q", eo.Source, tc.source)
			}
			if eo.Provider != NormalizeProvider(tc.provider) {
				t.Errorf("Provider = %q", eo.Provider)
			}
			if len(eo.Excluded) != len(tc.excluded) {
				t.Fatalf("Excluded = %v, want %v", eo.Excluded, tc.excluded)
			}
			for i := range tc.excluded {
				if eo.Excluded[i] != tc.excluded[i] {
					t.Errorf("Excluded[%d] = %v, want %v", i, eo.Excluded[i], tc.excluded[i])
				}
			}
		})
	}
}

func TestBuildReport(t *testing.T) {
	s := buildStore(t, []prof{
		{id: "anthropic:work", typ: TypeAPIKey, provider: "anthropic", secret: fakeAPI},
		{id: "anthropic:sub", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(3 * time.Hour)},
		{id: "anthropic:old", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(-time.Hour)},
		{id: "openai:default", typ: TypeAPIKey, provider: "openai", secret: fakeOAI},
		{id: "bedrock:x", typ: "aws_sdk", provider: "bedrock"},
		{id: "zai:k", typ: TypeAPIKey, provider: "z.ai", secret: "k"},
	}, map[string][]string{"anthropic": {"anthropic:work", "anthropic:sub"}}, map[string]usage{
		"openai:default": {lastUsed: ms(-3 * time.Minute), cooldownUntil: ms(4 * time.Minute)},
	})
	cfg, err := ParseConfig("c", []byte(`{agents: {defaults: {model: {primary: "anthropic/claude-opus-4-5", fallbacks: ["openrouter/x/y"]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	env := []EnvCredential{{Provider: "openai", Var: "OPENAI_API_KEY", Source: SourceDotEnv, Value: fakeOAI}, {Provider: "groq", Var: "GROQ_API_KEY", Source: SourceProcessEnv, Value: "gsk_FAKE"}}
	r := BuildReport(Snapshot{Store: s, Config: cfg, Env: env}, fixedNow, 0)

	if r.Warn != DefaultWarn || !r.Now.Equal(fixedNow) {
		t.Errorf("Warn %v Now %v", r.Warn, r.Now)
	}
	var names []string
	for _, p := range r.Providers {
		names = append(names, p.Provider)
	}
	if want := []string{"anthropic", "bedrock", "groq", "openai", "openrouter", "zai"}; !equalStrings(names, want) {
		t.Errorf("providers = %v, want %v", names, want)
	}
	if !equalStrings(r.MissingInUse, []string{"openrouter"}) {
		t.Errorf("MissingInUse = %v", r.MissingInUse)
	}
	a, _ := r.Provider("Anthropic")
	var ids []string
	var ranks []int
	for _, p := range a.Profiles {
		ids = append(ids, p.Profile.ID)
		ranks = append(ranks, p.Rank)
	}
	if want := []string{"anthropic:work", "anthropic:sub", "anthropic:old"}; !equalStrings(ids, want) {
		t.Errorf("anthropic profiles = %v, want effective order then the rest: %v", ids, want)
	}
	if ranks[0] != 1 || ranks[1] != 2 || ranks[2] != 0 {
		t.Errorf("ranks = %v", ranks)
	}
	if a.Profiles[2].Excluded != "not in the override order" {
		t.Errorf("excluded reason = %q", a.Profiles[2].Excluded)
	}
	if a.Status != StatusExpired || !a.InUse || a.Missing {
		t.Errorf("anthropic: status %s inUse %v missing %v", a.Status, a.InUse, a.Missing)
	}
	o, _ := r.Provider("openai")
	if o.Status != StatusStatic || len(o.Env) != 1 || o.Env[0].Var != "OPENAI_API_KEY" || o.InUse {
		t.Errorf("openai = %+v", o)
	}
	if got := o.Profiles[0]; got.Health.Unusable != UnusableCooldown || !got.LastUsed.Equal(fixedNow.Add(-3*time.Minute)) || got.Rank != 1 {
		t.Errorf("openai profile = %+v", got)
	}
	b, _ := r.Provider("bedrock")
	if b.Status != StatusStatic || len(b.Profiles) != 1 || b.Profiles[0].Excluded == "" || b.Profiles[0].Rank != 0 {
		t.Errorf("an entry of unknown type must not make its provider missing, and is shown excluded: %+v", b)
	}
	if z, ok := r.Provider("z.ai"); !ok || z.Provider != "zai" || len(z.Profiles) != 1 {
		t.Errorf("zai = %+v", z)
	}
	if or, _ := r.Provider("openrouter"); !or.Missing || or.Status != StatusMissing || !or.InUse {
		t.Errorf("openrouter = %+v", or)
	}
	if _, ok := r.Provider("nope"); ok {
		t.Error("Provider found a provider that is not there")
	}
	if r.Check() != 1 {
		t.Errorf("Check = %d", r.Check())
	}
}

func TestReportCheck(t *testing.T) {
	apiKey := prof{id: "anthropic:k", typ: TypeAPIKey, provider: "anthropic", secret: fakeAPI}
	cases := []struct {
		name     string
		profiles []prof
		stats    map[string]usage
		config   string
		env      []EnvCredential
		want     int
		missing  []string
		unusable []string // moltbot's verdict, when it differs from missing
	}{
		{name: "empty store, no model, no key: the default model's provider is missing", want: 1, missing: []string{"anthropic"}},
		{name: "empty store with ANTHROPIC_API_KEY", env: []EnvCredential{{Provider: "anthropic", Var: "ANTHROPIC_API_KEY", Source: SourceProcessEnv, Value: "x"}}, want: 0},
		{name: "an anthropic api key", profiles: []prof{apiKey}, want: 0},
		{name: "token without expiry", profiles: []prof{{id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT}}, want: 0},
		{name: "token ok", profiles: []prof{{id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(30 * 24 * time.Hour)}}, want: 0},
		{name: "token expiring", profiles: []prof{apiKey, {id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(time.Hour)}}, want: 2},
		{
			name: "expired beats expiring",
			profiles: []prof{
				{id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(time.Hour)},
				{id: "anthropic:old", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(-time.Hour)},
			},
			want: 1,
		},
		{name: "expired oauth, even refreshable", profiles: []prof{apiKey, {id: "openai-codex:me", typ: TypeOAuth, provider: "openai-codex", secret: "a", refresh: "r", expires: ms(-time.Minute)}}, want: 1},
		{name: "oauth without expires is missing", profiles: []prof{apiKey, {id: "openai-codex:me", typ: TypeOAuth, provider: "openai-codex", secret: "a"}}, want: 1},
		{
			name: "cooldown and disabled alone do not count", profiles: []prof{apiKey},
			stats: map[string]usage{"anthropic:k": {cooldownUntil: ms(time.Minute), disabledUntil: ms(time.Hour), reason: "billing"}}, want: 0,
		},
		{name: "a broken api key entry is doctor's business", profiles: []prof{apiKey, {id: "anthropic:bad", typ: TypeAPIKey, provider: "anthropic"}}, want: 0},
		{
			// clawdbot lists only providers with no credential at all: an
			// expired token still counts there (moltbot's own verdict,
			// UnusableInUse, lists it).
			name: "in-use provider whose only token expired: 1, but not missing to clawdbot", profiles: []prof{{id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(-time.Hour)}},
			want: 1, unusable: []string{"anthropic"},
		},
		{
			name: "configured model: anthropic not in use, openai has a key", config: `{agents: {defaults: {model: "openai/gpt-5"}}}`,
			profiles: []prof{{id: "openai:k", typ: TypeAPIKey, provider: "openai", secret: fakeOAI}}, want: 0,
		},
		{
			name: "a fallback's provider with nothing", config: `{agents: {defaults: {model: {primary: "openai/gpt-5", fallbacks: ["openrouter/a/b"]}}}}`,
			profiles: []prof{{id: "openai:k", typ: TypeAPIKey, provider: "openai", secret: fakeOAI}}, want: 1, missing: []string{"openrouter"},
		},
		{
			name: "imageModel's provider with nothing", config: `{agents: {defaults: {model: "anthropic/x", imageModel: {primary: "google/gemini"}}}}`,
			profiles: []prof{apiKey}, want: 1, missing: []string{"google"},
		},
		{
			name: "an in-use provider served by a key in .env", config: `{agents: {defaults: {model: "z.ai/glm-4.7"}}}`,
			env: []EnvCredential{{Provider: "zai", Var: "ZAI_API_KEY", Source: SourceDotEnv, Value: "x"}}, want: 0,
		},
		{
			name: "an in-use provider whose profile is in cooldown is not missing", config: `{agents: {defaults: {model: "anthropic/x"}}}`,
			profiles: []prof{apiKey}, stats: map[string]usage{"anthropic:k": {cooldownUntil: ms(time.Hour)}}, want: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := Snapshot{Store: buildStore(t, tc.profiles, nil, tc.stats), Env: tc.env}
			if tc.config != "" {
				c, err := ParseConfig("c", []byte(tc.config))
				if err != nil {
					t.Fatal(err)
				}
				snap.Config = c
			}
			r := BuildReport(snap, fixedNow, 24*time.Hour)
			if got := r.Check(); got != tc.want {
				t.Errorf("Check = %d, want %d", got, tc.want)
			}
			if !equalStrings(r.MissingInUse, tc.missing) {
				t.Errorf("MissingInUse = %v, want %v", r.MissingInUse, tc.missing)
			}
			unusable := tc.unusable
			if unusable == nil {
				unusable = tc.missing
			}
			if !equalStrings(r.UnusableInUse, unusable) {
				t.Errorf("UnusableInUse = %v, want %v", r.UnusableInUse, unusable)
			}
		})
	}
}

// The warn window passed to BuildReport decides expiring vs ok.
func TestBuildReportWarnWindow(t *testing.T) {
	s := buildStore(t, []prof{{id: "anthropic:t", typ: TypeToken, provider: "anthropic", secret: fakeOAT, expires: ms(36 * time.Hour)}}, nil, nil)
	if got := BuildReport(Snapshot{Store: s}, fixedNow, 24*time.Hour).Check(); got != 0 {
		t.Errorf("24h window: Check = %d", got)
	}
	r := BuildReport(Snapshot{Store: s}, fixedNow, 48*time.Hour)
	if got := r.Check(); got != 2 {
		t.Errorf("48h window: Check = %d", got)
	}
	if a, _ := r.Provider("anthropic"); a.Status != StatusExpiring || !strings.Contains(string(a.Profiles[0].Health.Status), "expiring") {
		t.Errorf("status %s", a.Status)
	}
}

// TestUsageWindowsFollowTheRelease: which usage state keeps a profile out
// changed with the gateway's releases (npm pack of each, bisected):
// openrouter's cooldowns are ignored from openclaw 2026.2.24 and
// kilocode's from 2026.3.7; a usage-window block (blockedUntil, openclaw
// 2026.5.12 and later) counts as a cooldown, until the latest window.
func TestUsageWindowsFollowTheRelease(t *testing.T) {
	at := func(d time.Duration) int64 { return fixedNow.Add(d).UnixMilli() }
	data := fmt.Sprintf(`{"version":1,"profiles":{
	  "openai-codex:me":{"type":"oauth","provider":"openai-codex","access":"a","refresh":"r","expires":%d},
	  "openai-codex:both":{"type":"oauth","provider":"openai-codex","access":"a","refresh":"r","expires":%d},
	  "anthropic:billing":{"type":"api_key","provider":"anthropic","key":"sk-FAKE"},
	  "openrouter:k":{"type":"api_key","provider":"OpenRouter","key":"sk-FAKE"},
	  "kilocode:k":{"type":"api_key","provider":"kilocode","key":"sk-FAKE"}},
	 "usageStats":{
	  "openai-codex:me":{"blockedUntil":%d,"blockedReason":"subscription_limit","blockedSource":"wham"},
	  "openai-codex:both":{"cooldownUntil":%d,"cooldownReason":"rate_limit","blockedUntil":%d,"blockedReason":"subscription_limit"},
	  "anthropic:billing":{"disabledUntil":%d,"disabledReason":"billing","blockedUntil":%d},
	  "openrouter:k":{"cooldownUntil":%d,"cooldownReason":"rate_limit"},
	  "kilocode:k":{"disabledUntil":%d,"disabledReason":"billing"}}}`,
		at(30*24*time.Hour), at(30*24*time.Hour),
		at(72*time.Hour), at(time.Minute), at(48*time.Hour), at(5*time.Hour), at(72*time.Hour),
		at(time.Hour), at(time.Hour))
	type want struct {
		kind, reason string
		until        time.Duration
	}
	none := want{}
	cases := []struct {
		release string
		want    map[string]want
	}{
		{"2026.1.24", map[string]want{ // clawdbot: no blocks, no bypass
			"openai-codex:me":   none,
			"openai-codex:both": {UnusableCooldown, "rate_limit", time.Minute},
			"anthropic:billing": {UnusableDisabled, "billing", 5 * time.Hour},
			"openrouter:k":      {UnusableCooldown, "rate_limit", time.Hour},
			"kilocode:k":        {UnusableDisabled, "billing", time.Hour},
		}},
		{"2026.2.24", map[string]want{"openrouter:k": none, "kilocode:k": {UnusableDisabled, "billing", time.Hour}}},
		{"2026.5.7", map[string]want{"openai-codex:me": none, "openrouter:k": none, "kilocode:k": none}},
		{"2026.5.12", map[string]want{
			"openai-codex:me":   {UnusableCooldown, "subscription_limit", 72 * time.Hour},
			"openai-codex:both": {UnusableCooldown, "rate_limit", 48 * time.Hour},
			"anthropic:billing": {UnusableDisabled, "billing", 72 * time.Hour},
		}},
		{"2026.9.6", map[string]want{
			"openai-codex:me": {UnusableCooldown, "subscription_limit", 72 * time.Hour},
			"openrouter:k":    none, "kilocode:k": none,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.release, func(t *testing.T) {
			s, err := ParseStore([]byte(data))
			if err != nil {
				t.Fatal(err)
			}
			v, _ := parseVersion(tc.release)
			s.rules = rulesOf(v)
			for id, w := range tc.want {
				p, _ := s.Profile(id)
				h := s.Health(p, fixedNow, DefaultWarn)
				var until time.Time
				if w.kind != "" {
					until = fixedNow.Add(w.until)
				}
				if h.Unusable != w.kind || h.Reason != w.reason || !h.Until.Equal(until) {
					t.Errorf("%s: %q %q until %v, want %q %q until %v", id, h.Unusable, h.Reason, h.Until, w.kind, w.reason, until)
				}
			}
			// The order the gateway tries: a blocked profile waits behind
			// one that is not (from 2026.5.12), a bypassed one never waits.
			snap := Snapshot{Store: s}
			order := snap.EffectiveOrder("openai-codex", fixedNow)
			blockedLast := []string{"openai-codex:both", "openai-codex:me"}
			if v.less(releaseBlocked) {
				blockedLast = []string{"openai-codex:me", "openai-codex:both"}
			}
			if got := order.IDs; !slices.Equal(got, blockedLast) {
				t.Errorf("openai-codex order %v, want %v", got, blockedLast)
			}
		})
	}
}
