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
	InUse    bool // a configured model uses this provider
	Missing  bool // in use, with nothing to authenticate with
}

// Report is the whole picture at one moment.
type Report struct {
	Now          time.Time
	Warn         time.Duration
	Providers    []ProviderReport // sorted by provider id
	MissingInUse []string
}

// BuildReport evaluates snap at now: every provider that has a profile, a
// key in the environment, an order, or is in use by a configured model.
func BuildReport(snap Snapshot, now time.Time, warn time.Duration) Report {
	if warn <= 0 {
		warn = DefaultWarn
	}
	r := Report{Now: now, Warn: warn}
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
	for _, p := range snap.Config.ProvidersInUse() {
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
	rep := ProfileReport{Profile: *p, Health: health(p, u, ok, now, warn)}
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

// Check is `--check`'s exit code: 1 when a credential is expired or missing
// (including a provider in use with no credential), 2 when one is expiring,
// else 0. Cooldowns do not count.
func (r Report) Check() int {
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
