package authstore

import (
	"slices"
	"strings"
	"time"
)

// ProfileReport is one profile as `models status` and the dashboard show it.
type ProfileReport struct {
	Profile  Profile
	Health   Health
	Rank     int    // 1-based place in the effective order; 0 when left out
	Excluded string // why the effective order leaves it out
	LastUsed time.Time
}

// ProviderReport is one provider: its health, effective order and profiles.
type ProviderReport struct {
	Provider string
	Status   Status // the worst of its profiles (static for keys only)
	Order    EffectiveOrder
	// Profiles are in effective order, then the ones it leaves out (in file
	// order), so a list shows what the gateway will try first.
	Profiles []ProfileReport
	Env      []EnvCredential
	InUse    bool // a configured model (or the gateway's default) uses this provider
	// Missing is moltbot's verdict: in use, and nothing the gateway would
	// try (its effective order is empty: an expired token does not
	// count) and no key in the environment.
	Missing bool
	// GatewayStatus and GatewayMissing are the same things with the
	// gateway's meaning, by its release's rules (GatewayRules): the
	// provider's status in `models status --json` auth.oauth.providers,
	// and whether it is in missingProvidersInUse.
	GatewayStatus  Status
	GatewayMissing bool

	gatewayProfiles int // profiles the gateway loads (a known type)
	// gatewayIndeterminate (openclaw 2026.6.5 and later): in use with
	// nothing usable and no sign of auth at all (no profile of it, nothing
	// in the config's auth): the gateway calls its model route
	// "indeterminate" — not in missingProvidersInUse, but --check says 1.
	gatewayIndeterminate bool
}

// Report is the whole picture at one moment.
type Report struct {
	Now       time.Time
	Warn      time.Duration
	Rules     GatewayRules     // of the gateway the snapshot was loaded for
	Providers []ProviderReport // sorted by provider id
	// MissingInUse is the gateway's missingProvidersInUse: the providers
	// in use that it finds nothing for, with the meaning of its release
	// (clawdbot … openclaw 2026.5.7: no profile and no key at all, so an
	// expired token still counts; 2026.5.12 on: no usable one).
	MissingInUse []string
	// UnusableInUse is moltbot's verdict (ProviderReport.Missing): the
	// providers in use with nothing the gateway would try, whatever its
	// release says.
	UnusableInUse []string
}

// BuildReport evaluates snap at now: every provider that has a profile, a
// key in the environment, an order, or is in use by a configured model.
func BuildReport(snap Snapshot, now time.Time, warn time.Duration) Report {
	if warn <= 0 {
		warn = DefaultWarn
	}
	r := Report{Now: now, Warn: warn, Rules: snap.Store.rules}
	profiles := snap.Store.Profiles
	// Each profile's provider is found once: its normalised "provider"
	// field, the gateway's rule (EffectiveOrder's too). A profile without
	// one is listed under NoProvider, never hidden nor guessed from its id.
	norm := make([]string, len(profiles))
	listed := map[string][]int{} // provider → positions of its profiles, in file order
	set := map[string]bool{}
	for i, p := range profiles {
		norm[i] = NormalizeProvider(p.Provider)
		key := norm[i]
		if key == "" {
			key = NoProvider
		}
		set[key] = true
		listed[key] = append(listed[key], i)
	}
	for k := range snap.Store.Order {
		if k := NormalizeProvider(k); k != "" {
			set[k] = true
		}
	}
	for _, e := range snap.Env {
		set[e.Provider] = true
	}
	inUse := map[string]bool{}
	for _, p := range snap.Config.providersInUse(snap.Paths.Gateway.DefaultModel()) {
		inUse[p] = true
		set[p] = true
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	// Sorted by id, the profiles without a provider last.
	slices.SortFunc(names, func(a, b string) int {
		if (a == NoProvider) != (b == NoProvider) {
			if a == NoProvider {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	if len(names) > 0 {
		r.Providers = make([]ProviderReport, 0, len(names))
	}

	providerOf := func(i int) string { return norm[i] }
	// Scratch by position, reused for every provider: each profile's usage
	// (looked up once), effectiveOrder's seen, and each profile's rank and
	// exclusion (index + 1 into the provider's Excluded, reset after each
	// provider), so that no map from id is needed.
	sc := newEvalScratch(snap.Store)
	rankAt := make([]int32, len(profiles))
	excludedAt := make([]int32, len(profiles))
	for _, name := range names {
		pr := ProviderReport{Provider: name, Status: StatusStatic, InUse: inUse[name]}
		if name == NoProvider {
			r.Providers = append(r.Providers, snap.noProviderReport(listed[name], now, warn, sc))
			continue
		}
		var ordered, excludedPos []int
		pr.Order, ordered, excludedPos = snap.effectiveOrder(name, now, listed[name], providerOf, sc)
		for k, i := range ordered {
			rankAt[i] = int32(k + 1)
		}
		for k, i := range excludedPos {
			if i >= 0 {
				excludedAt[i] = int32(k + 1)
			}
		}
		// The ranked profiles first, each in its place (ranks are 1..n, each
		// once: no sort needed), then the rest in file order.
		pr.Profiles = make([]ProfileReport, len(pr.Order.IDs), max(len(listed[name]), len(pr.Order.IDs)))
		for _, i := range listed[name] {
			rep := snap.profileReport(i, now, warn, sc)
			rep.Rank = int(rankAt[i])
			if k := excludedAt[i]; k > 0 {
				rep.Excluded = pr.Order.Excluded[k-1].Reason
			}
			if rep.Rank == 0 && rep.Excluded == "" {
				rep.Excluded = "not usable"
			}
			// Only credentials that can expire decide the provider's health
			// (SPEC §2); keys and entries of unknown type are static.
			if t := rep.Profile.Type; t == TypeToken || t == TypeOAuth {
				if rep.Health.Status.Worse(pr.Status) {
					pr.Status = rep.Health.Status
				}
			}
			if rep.Rank > 0 && rep.Rank <= len(pr.Order.IDs) {
				pr.Profiles[rep.Rank-1] = rep
			} else {
				pr.Profiles = append(pr.Profiles, rep)
			}
		}
		for _, i := range ordered {
			rankAt[i] = 0
		}
		for _, i := range excludedPos {
			if i >= 0 {
				excludedAt[i] = 0
			}
		}
		for _, e := range snap.Env {
			if e.Provider == name {
				pr.Env = append(pr.Env, e)
			}
		}
		if pr.InUse && len(pr.Order.IDs) == 0 && len(pr.Env) == 0 {
			pr.Missing = true
			pr.Status = StatusMissing
			r.UnusableInUse = append(r.UnusableInUse, name)
		}
		snap.judgeAsGateway(&pr, r.Rules)
		if pr.GatewayMissing {
			r.MissingInUse = append(r.MissingInUse, name)
		}
		r.Providers = append(r.Providers, pr)
	}
	return r
}

// profileReport is the profile at position i with its health and last use
// (its usage entry looked up once).
func (snap *Snapshot) profileReport(i int, now time.Time, warn time.Duration, sc *evalScratch) ProfileReport {
	p := &snap.Store.Profiles[i]
	u, ok := sc.usageOf(snap.Store, i)
	rep := ProfileReport{Profile: *p, Health: health(p, u, ok, now, warn, snap.Store.rules)}
	if u.LastUsed > 0 {
		rep.LastUsed = msTime(u.LastUsed)
	}
	return rep
}

// NoProvider is the ProviderReport.Provider of the profiles that have no
// usable "provider" field. The gateway never uses them; they are listed so
// that nothing in the store is hidden. It is no provider id a store can
// name (NormalizeProvider never returns it for a real one).
const NoProvider = "(no provider)"

// noProviderReport lists the profiles at positions (which have no
// provider): none is ranked, each says why.
func (snap *Snapshot) noProviderReport(positions []int, now time.Time, warn time.Duration, sc *evalScratch) ProviderReport {
	pr := ProviderReport{Provider: NoProvider, Status: StatusStatic, Order: EffectiveOrder{Source: SourceAutomatic}}
	for _, i := range positions {
		rep := snap.profileReport(i, now, warn, sc)
		rep.Excluded = NoProviderReason
		pr.Order.Excluded = append(pr.Order.Excluded, Exclusion{ID: rep.Profile.ID, Reason: NoProviderReason, Kind: ExcludedNotListed})
		pr.Profiles = append(pr.Profiles, rep)
	}
	return pr
}

// NoProviderReason says why a profile without a provider is never used.
const NoProviderReason = `no "provider" field: the gateway never uses it`

// Provider returns the report for provider (normalised), if any.
func (r Report) Provider(provider string) (ProviderReport, bool) {
	provider = NormalizeProvider(provider)
	for _, p := range r.Providers {
		if p.Provider == provider {
			return p, true
		}
	}
	return ProviderReport{}, false
}

// Check is `--check`'s exit code, as the gateway's release computes it
// on the same state (GatewayRules): 1 when something is expired or
// missing, 2 when something is expiring, else 0.
//
//   - clawdbot … openclaw 2026.5.7: 1 when a provider in use has no
//     credential at all or ANY token or OAuth profile is expired or
//     missing, whichever provider it belongs to; else 2 when one is
//     expiring. Cooldowns do not count.
//   - 2026.5.12 … 6.1: only providers in use without a key in the
//     environment, by their status over the effective order (an API key
//     beside an expired token is fine); 1 also when missingProvidersInUse
//     is not empty.
//   - 2026.6.5 and later: 1 when missingProvidersInUse is not empty
//     (cooldowns count there) or a provider in use has no sign of auth at
//     all (its route is "indeterminate"); 2 when the profile a provider in
//     use would try first is expiring.
func (r Report) Check() int {
	switch {
	case r.Rules.Selected:
		return r.checkSelected()
	case r.Rules.Effective:
		return r.checkEffective()
	}
	code := 0
	if len(r.MissingInUse) > 0 {
		return 1
	}
	for _, p := range r.Providers {
		if p.Provider == NoProvider {
			continue // never used by the gateway; doctor warns about them
		}
		for _, pr := range p.Profiles {
			if t := pr.Profile.Type; t != TypeToken && t != TypeOAuth {
				continue // keys do not expire; broken entries are doctor's business
			}
			switch pr.Health.Status {
			case StatusExpired, StatusMissing:
				return 1
			case StatusExpiring:
				code = 2
			}
		}
	}
	return code
}

// checkEffective is Check for openclaw 2026.5.12 … 6.1.
func (r Report) checkEffective() int {
	if len(r.MissingInUse) > 0 {
		return 1
	}
	code := 0
	for _, p := range r.Providers {
		if !p.InUse || p.gatewayProfiles == 0 || len(p.Env) > 0 {
			continue
		}
		switch p.GatewayStatus {
		case StatusExpired, StatusMissing:
			return 1
		case StatusExpiring:
			code = 2
		}
	}
	return code
}

// checkSelected is Check for openclaw 2026.6.5 and later.
func (r Report) checkSelected() int {
	if len(r.MissingInUse) > 0 {
		return 1
	}
	for _, p := range r.Providers {
		if p.gatewayIndeterminate {
			return 1
		}
	}
	for _, p := range r.Providers {
		if !p.InUse || len(p.Env) > 0 {
			continue
		}
		for _, pr := range p.Profiles {
			if pr.Rank > 0 && usableBy(pr, r.Rules) {
				if pr.Health.Status == StatusExpiring {
					return 2
				}
				break
			}
		}
	}
	return 0
}

// usableBy reports whether the gateway counts a profile of the effective
// order as usable (openclaw 2026.5.12 on: a key, or a token or OAuth
// profile that is ok, expiring or never expires; 2026.6.5 on: and not in
// cooldown or disabled).
func usableBy(pr ProfileReport, rules GatewayRules) bool {
	if rules.Selected && pr.Health.Unusable != "" {
		return false
	}
	if pr.Profile.Type == TypeAPIKey {
		return true
	}
	switch pr.Health.Status {
	case StatusOK, StatusExpiring, StatusStatic:
		return true
	}
	return false
}

// judgeAsGateway fills in pr's GatewayStatus and GatewayMissing by the
// gateway's rules (see GatewayRules); pr's profiles, order and env are
// known.
func (snap *Snapshot) judgeAsGateway(pr *ProviderReport, rules GatewayRules) {
	var loaded []ProfileReport // what the gateway loads: a known type
	for _, p := range pr.Profiles {
		switch p.Profile.Type {
		case TypeAPIKey, TypeToken, TypeOAuth:
			loaded = append(loaded, p)
		}
	}
	pr.gatewayProfiles = len(loaded)
	if !rules.Effective {
		pr.GatewayStatus = worstStatus(loaded, true)
		pr.GatewayMissing = pr.InUse && len(loaded) == 0 && len(pr.Env) == 0
		return
	}
	usable := false
	for _, p := range loaded {
		if p.Rank > 0 && usableBy(p, rules) {
			usable = true
			break
		}
	}
	pr.GatewayMissing = pr.InUse && !usable && len(pr.Env) == 0
	if rules.Selected && pr.GatewayMissing && !snap.authEvidence(pr) {
		pr.GatewayMissing, pr.gatewayIndeterminate = false, true
	}

	// The status is judged over the effective order; when that is empty,
	// over the explicit order's profiles, else over all of them.
	var effective []ProfileReport
	for _, p := range loaded {
		if p.Rank > 0 {
			effective = append(effective, p)
		}
	}
	if len(effective) == 0 {
		explicit, isExplicit := snap.explicitOrder(pr.Provider)
		switch {
		case isExplicit:
			for _, id := range explicit {
				for _, p := range loaded {
					if p.Profile.ID == id {
						effective = append(effective, p)
						break
					}
				}
			}
		default:
			effective = loaded
		}
	}
	pr.GatewayStatus = worstStatus(effective, !rules.MissingApart)
}

// authEvidence is openclaw 2026.9.6's "profile evidence" for a provider
// (model-auth-availability hasProfileEvidence): a profile of it in the
// store (of any type or health), an auth.profiles entry of it or an
// auth.order list for it in the config.
func (snap *Snapshot) authEvidence(pr *ProviderReport) bool {
	if len(pr.Profiles) > 0 || len(snap.Config.profilesFor(pr.Provider)) > 0 {
		return true
	}
	_, ok := snap.Config.OrderFor(pr.Provider)
	return ok
}

// explicitOrder is the order the gateway takes as given for provider: the
// store's override, else the config's auth.order.
func (snap *Snapshot) explicitOrder(provider string) ([]string, bool) {
	if o := snap.Override(provider); o.Set {
		return o.IDs, true
	}
	return snap.Config.OrderFor(provider)
}

// worstStatus is a provider's status over profiles, as the gateway
// computes it: "missing" without any; "static" with keys only; else the
// worst of its tokens and OAuth profiles. Before openclaw 2026.6.1
// (missingIsExpired) a missing one makes the provider "expired"; later
// "expired" beats "missing".
func worstStatus(profiles []ProfileReport, missingIsExpired bool) Status {
	if len(profiles) == 0 {
		return StatusMissing
	}
	var expired, missing, expiring, expirable, key bool
	for _, p := range profiles {
		switch p.Profile.Type {
		case TypeAPIKey:
			key = true
			continue
		case TypeToken, TypeOAuth:
		default:
			continue
		}
		expirable = true
		switch p.Health.Status {
		case StatusExpired:
			expired = true
		case StatusMissing:
			missing = true
		case StatusExpiring:
			expiring = true
		}
	}
	switch {
	case !expirable && key:
		return StatusStatic
	case !expirable:
		return StatusMissing
	case missingIsExpired && (expired || missing):
		return StatusExpired
	case expired:
		return StatusExpired
	case missing:
		return StatusMissing
	case expiring:
		return StatusExpiring
	}
	return StatusOK
}

// Counts are the numbers `models status` sums up under its table and the
// dashboard shows above its panes.
type Counts struct {
	// ExpiredOrMissing counts profiles expired or without a credential,
	// and the providers in use with nothing the gateway would try
	// (UnusableInUse: moltbot's verdict, whatever the gateway's release
	// calls it).
	ExpiredOrMissing int
	Expiring         int // within the report's warn window
	Unusable         int // cooling down or disabled now
}

// Counts sums the report up.
func (r Report) Counts() Counts {
	c := Counts{ExpiredOrMissing: len(r.UnusableInUse)}
	for _, p := range r.Providers {
		for _, pr := range p.Profiles {
			switch pr.Health.Status {
			case StatusExpired, StatusMissing:
				c.ExpiredOrMissing++
			case StatusExpiring:
				c.Expiring++
			}
			if pr.Health.Unusable != "" {
				c.Unusable++
			}
		}
	}
	return c
}

// UsableNow reports whether the gateway has something to call the
// provider with at this moment: a key in the environment, or a profile in
// its order that has not expired (or will be refreshed), has its secret,
// and is not cooling down or disabled. Stricter than Missing, which a
// cooldown does not make true.
func (p ProviderReport) UsableNow() bool {
	if len(p.Env) > 0 {
		return true
	}
	for _, pr := range p.Profiles {
		h := pr.Health
		if pr.Rank == 0 || h.Unusable != "" || h.Status == StatusMissing || h.Status == StatusExpired && !h.Refreshable {
			continue
		}
		return true
	}
	return false
}
