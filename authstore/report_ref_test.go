package authstore

// The evaluation as it was before BuildReport stopped doing work twice
// (issue 15): the reference that BuildReport and EffectiveOrder must match
// on every store (TestBuildReportMatchesReference, FuzzBuildReport).

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// BuildReport evaluates snap at now: every provider that has a profile, a
// key in the environment, an order, or is in use by a configured model.
func buildReportRef(snap Snapshot, now time.Time, warn time.Duration) Report {
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
	for _, name := range names {
		pr := ProviderReport{Provider: name, Status: StatusStatic, InUse: inUse[name]}
		if name == NoProvider {
			r.Providers = append(r.Providers, noProviderReportRef(&snap, listed[name], now, warn))
			continue
		}
		pr.Order = effectiveOrderRef(&snap, name, now, listed[name], providerOf)
		rank := make(map[string]int, len(pr.Order.IDs))
		for i, id := range pr.Order.IDs {
			rank[id] = i + 1
		}
		excluded := make(map[string]string, len(pr.Order.Excluded))
		for _, ex := range pr.Order.Excluded {
			excluded[ex.ID] = ex.Reason
		}
		// The ranked profiles first, each in its place (ranks are 1..n, each
		// once: no sort needed), then the rest in file order.
		pr.Profiles = make([]ProfileReport, len(pr.Order.IDs), max(len(listed[name]), len(pr.Order.IDs)))
		for _, i := range listed[name] {
			p := profiles[i]
			rep := ProfileReport{Profile: p, Health: healthRef(snap.Store, p, now, warn), Rank: rank[p.ID], Excluded: excluded[p.ID]}
			if u := snap.Store.Usage[p.ID]; u.LastUsed > 0 {
				rep.LastUsed = msTime(u.LastUsed)
			}
			if rep.Rank == 0 && rep.Excluded == "" {
				rep.Excluded = "not usable"
			}
			// Only credentials that can expire decide the provider's health
			// (SPEC §2); keys and entries of unknown type are static.
			if p.Type == TypeToken || p.Type == TypeOAuth {
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

// noProviderReport lists the profiles at positions (which have no
// provider): none is ranked, each says why.
func noProviderReportRef(snap *Snapshot, positions []int, now time.Time, warn time.Duration) ProviderReport {
	pr := ProviderReport{Provider: NoProvider, Status: StatusStatic, Order: EffectiveOrder{Source: SourceAutomatic}}
	for _, i := range positions {
		p := snap.Store.Profiles[i]
		rep := ProfileReport{Profile: p, Health: healthRef(snap.Store, p, now, warn), Excluded: NoProviderReason}
		if u := snap.Store.Usage[p.ID]; u.LastUsed > 0 {
			rep.LastUsed = msTime(u.LastUsed)
		}
		pr.Order.Excluded = append(pr.Order.Excluded, Exclusion{ID: p.ID, Reason: NoProviderReason, Kind: ExcludedNotListed})
		pr.Profiles = append(pr.Profiles, rep)
	}
	return pr
}

// effectiveOrder is EffectiveOrder for a provider (normalised) whose
// profiles are already known: own are the positions in Store.Profiles, in
// file order, of those whose "provider" normalises to it, and providerOf
// is the normalised "provider" of the profile at a position. BuildReport
// finds them once for every provider instead of once per provider.
func effectiveOrderRef(snap *Snapshot, provider string, now time.Time, own []int, providerOf func(int) string) EffectiveOrder {
	s := snap.Store
	eo := EffectiveOrder{Provider: provider, Source: SourceAutomatic}
	var list []string
	explicit := false
	// notListed explains a profile of the provider that list leaves out;
	// empty when list is every profile of the provider.
	notListed := ""
	if stored := snap.Override(provider); stored.Set {
		list, eo.Source, explicit = stored.IDs, SourceOverride, true
		notListed = "not in the override order"
	} else if ids, ok := snap.Config.OrderFor(provider); ok {
		list, eo.Source, explicit = ids, SourceConfig, true
		notListed = "not in the config's auth.order"
	} else if ids := snap.Config.profilesFor(provider); len(ids) > 0 {
		list = ids
		notListed = "not in the config's auth.profiles"
	} else {
		list = make([]string, len(own))
		for k, i := range own {
			list[k] = s.Profiles[i].ID
		}
	}

	nowMs := now.UnixMilli()
	seen := make(map[string]bool, len(list))
	usable := make([]candidateRef, 0, len(list))
	for _, id := range list {
		if seen[id] {
			continue
		}
		seen[id] = true
		i, ok := s.position(id)
		if !ok {
			eo.Excluded = append(eo.Excluded, Exclusion{id, "no such profile in the store", ExcludedMissing})
			continue
		}
		p := &s.Profiles[i]
		switch {
		case providerOf(i) != provider:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "belongs to provider " + quote(p.Provider), ExcludedOtherProvider})
		case p.Type != TypeAPIKey && p.Type != TypeToken && p.Type != TypeOAuth:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "unknown type " + quote(p.Type), ExcludedUnknownType})
		case strings.TrimSpace(p.Secret()) == "":
			eo.Excluded = append(eo.Excluded, Exclusion{id, "no secret", ExcludedNoSecret})
		case p.Type == TypeToken && p.Expires > 0 && p.Expires <= nowMs:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "token expired", ExcludedExpired})
		default:
			usable = append(usable, candidateRef{p: p, typeRank: typeRank(p.Type), lastUsed: s.Usage[p.ID].LastUsed})
		}
	}
	if notListed != "" {
		// Profiles of the provider that the list does not name are never tried.
		for _, i := range own {
			if id := s.Profiles[i].ID; !seen[id] {
				eo.Excluded = append(eo.Excluded, Exclusion{id, notListed, ExcludedNotListed})
			}
		}
	}
	if !explicit {
		slices.SortStableFunc(usable, func(a, b candidateRef) int {
			if a.typeRank != b.typeRank {
				return cmp.Compare(a.typeRank, b.typeRank)
			}
			return cmp.Compare(a.lastUsed, b.lastUsed)
		})
	}
	// Profiles in cooldown or disabled go last, soonest available first.
	ready := make([]candidateRef, 0, len(usable))
	var waiting []candidateRef
	for _, c := range usable {
		if h := healthRef(s, *c.p, now, 0); h.Unusable != "" {
			c.until = h.Until
			waiting = append(waiting, c)
		} else {
			ready = append(ready, c)
		}
	}
	slices.SortStableFunc(waiting, func(a, b candidateRef) int { return a.until.Compare(b.until) })
	if n := len(ready) + len(waiting); n > 0 {
		eo.IDs = make([]string, 0, n)
	}
	for _, c := range append(ready, waiting...) {
		eo.IDs = append(eo.IDs, c.p.ID)
	}
	return eo
}

// Health computes a profile's health at now with the given warn window.
func healthRef(s *Store, p Profile, now time.Time, warn time.Duration) Health {
	var h Health
	switch p.Type {
	case TypeAPIKey:
		h.Status = StatusStatic
	case TypeToken:
		h.Status = StatusStatic
		if p.Expires > 0 {
			h.Status, h.ExpiresAt, h.Remaining = expiryStatus(p.Expires, now, warn)
		}
	case TypeOAuth:
		if p.Expires > 0 {
			h.Status, h.ExpiresAt, h.Remaining = expiryStatus(p.Expires, now, warn)
			h.Refreshable = h.Status == StatusExpired && strings.TrimSpace(p.Refresh) != ""
		} else {
			h.Status = StatusMissing
		}
	default:
		h.Status = StatusMissing
	}
	if p.Type != TypeOAuth && p.Type != "" && strings.TrimSpace(p.Secret()) == "" {
		h.Status = StatusMissing
	}
	if u, ok := s.Usage[p.ID]; ok {
		nowMs := now.UnixMilli()
		// The latest of the two, named after the disablement while it runs
		// (clawdbot's rules: no blockedUntil, no provider bypass).
		if until := max(u.CooldownUntil, u.DisabledUntil); until > nowMs {
			h.Unusable, h.Reason, h.Until = UnusableCooldown, u.CooldownReason, msTime(until)
			if u.DisabledUntil > nowMs {
				h.Unusable, h.Reason = UnusableDisabled, u.DisabledReason
			}
		}
	}
	return h
}

type candidateRef struct {
	p        *Profile
	typeRank int
	lastUsed int64
	until    time.Time
}
