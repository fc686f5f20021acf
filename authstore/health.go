package authstore

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// DefaultWarn is how far ahead an expiry counts as "expiring".
const DefaultWarn = 24 * time.Hour

// DefaultModel is what the gateway uses when the config names no model.
const DefaultModel = "anthropic/claude-opus-4-5"

// Status is a credential's expiry state, with the gateway's names.
type Status string

// The statuses, from the gateway's `models status --json`.
const (
	StatusStatic   Status = "static"
	StatusOK       Status = "ok"
	StatusExpiring Status = "expiring"
	StatusExpired  Status = "expired"
	StatusMissing  Status = "missing"
)

// rank orders statuses from best to worst for "the worst of" a provider.
func (s Status) rank() int {
	switch s {
	case StatusOK:
		return 1
	case StatusExpiring:
		return 2
	case StatusExpired, StatusMissing:
		return 3
	}
	return 0 // static
}

// Worse reports whether s is worse than t.
func (s Status) Worse(t Status) bool { return s.rank() > t.rank() }

// Unusable kinds: why usageStats keeps the gateway from using a profile.
const (
	UnusableCooldown = "cooldown"
	UnusableDisabled = "disabled"
)

// Health is one profile's state at a moment.
type Health struct {
	Status      Status
	Refreshable bool // an expired oauth profile with a refresh token
	// InvalidExpires: the status is "missing" because the gateway does
	// not take the profile's "expires" for a time (GatewayRules).
	InvalidExpires bool
	ExpiresAt      time.Time // zero when the credential does not expire
	Remaining      time.Duration
	// Unusable is "", UnusableCooldown or UnusableDisabled; Until says when
	// the gateway will try the profile again.
	Unusable string
	Reason   string
	Until    time.Time
}

// Label is the status as a user reads it: "expired (refreshable)".
func (h Health) Label() string {
	if h.Refreshable {
		return "expired (refreshable)"
	}
	return string(h.Status)
}

// Health computes a profile's health at now with the given warn window,
// by the rules of the gateway the store was loaded for (GatewayRules).
func (s *Store) Health(p Profile, now time.Time, warn time.Duration) Health {
	var h Health
	invalid := s.rules.InvalidExpires && p.ExpiresInvalid
	switch p.Type {
	case TypeAPIKey:
		h.Status = StatusStatic
	case TypeToken:
		h.Status = StatusStatic
		switch {
		case invalid:
			h.Status, h.InvalidExpires = StatusMissing, true
		case p.Expires > 0:
			h.Status, h.ExpiresAt, h.Remaining = expiryStatus(p.Expires, now, warn)
		}
	case TypeOAuth:
		if invalid {
			h.InvalidExpires = true
		}
		if p.Expires > 0 && !invalid {
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
		switch {
		case u.DisabledUntil > nowMs && u.DisabledUntil >= u.CooldownUntil:
			h.Unusable, h.Reason, h.Until = UnusableDisabled, u.DisabledReason, msTime(u.DisabledUntil)
		case u.CooldownUntil > nowMs:
			h.Unusable, h.Until = UnusableCooldown, msTime(u.CooldownUntil)
			if u.DisabledUntil > nowMs {
				h.Reason = u.DisabledReason
			}
		}
	}
	return h
}

func expiryStatus(expires int64, now time.Time, warn time.Duration) (Status, time.Time, time.Duration) {
	at := time.UnixMilli(expires)
	left := at.Sub(now)
	switch {
	case left <= 0:
		return StatusExpired, at, left
	case left <= warn:
		return StatusExpiring, at, left
	}
	return StatusOK, at, left
}

// NormalizeProvider compares provider ids the way the gateway does.
func NormalizeProvider(p string) string {
	p = strings.ToLower(strings.TrimSpace(p))
	switch p {
	case "z.ai", "z-ai":
		return "zai"
	case "opencode-zen":
		return "opencode"
	case "qwen":
		return "qwen-portal"
	}
	return p
}

// ProviderOfID is the provider part of a "provider:name" profile id.
func ProviderOfID(id string) string {
	if i := strings.IndexByte(id, ':'); i > 0 {
		return NormalizeProvider(id[:i])
	}
	return ""
}

// OrderSource says where an effective order came from.
type OrderSource string

// Order sources, as shown to the user.
const (
	SourceOverride  OrderSource = "override"  // the store's "order"
	SourceConfig    OrderSource = "config"    // config auth.order
	SourceAutomatic OrderSource = "automatic" // type, then least recently used
)

// Exclusion is a profile that the effective order leaves out, and why.
type Exclusion struct {
	ID     string
	Reason string // as a user reads it
	Kind   ExclusionKind
}

// ExclusionKind says why the effective order leaves a profile out.
type ExclusionKind string

// Why a profile is left out of the effective order.
const (
	// ExcludedNotListed: the order's list (the override, the config's
	// auth.order or auth.profiles) does not name it.
	ExcludedNotListed ExclusionKind = "not-listed"
	// ExcludedMissing: the list names a profile the store does not have.
	ExcludedMissing ExclusionKind = "missing"
	// ExcludedOtherProvider: the list names another provider's profile.
	ExcludedOtherProvider ExclusionKind = "other-provider"
	// ExcludedUnknownType, ExcludedNoSecret, ExcludedExpired: the profile
	// itself cannot be used (an expired token is skipped until renewed).
	ExcludedUnknownType ExclusionKind = "unknown-type"
	ExcludedNoSecret    ExclusionKind = "no-secret"
	ExcludedExpired     ExclusionKind = "expired"
	// ExcludedInvalidExpires: a token whose "expires" is no time the
	// gateway accepts (openclaw 2026.3.7 and later, GatewayRules).
	ExcludedInvalidExpires ExclusionKind = "invalid-expires"
)

// EffectiveOrder is the order in which the gateway tries a provider's
// profiles.
type EffectiveOrder struct {
	Provider string
	IDs      []string
	Source   OrderSource
	Excluded []Exclusion
}

// EffectiveOrder applies the gateway's rule (SPEC §2) for provider.
func (snap *Snapshot) EffectiveOrder(provider string, now time.Time) EffectiveOrder {
	provider = NormalizeProvider(provider)
	return snap.effectiveOrder(provider, now, snap.ownProfiles(provider), snap.normProvider)
}

// ownProfiles are the positions in Store.Profiles of provider's profiles
// (normalised "provider" field), in file order.
func (snap *Snapshot) ownProfiles(provider string) []int {
	var own []int
	for i, p := range snap.Store.Profiles {
		if NormalizeProvider(p.Provider) == provider {
			own = append(own, i)
		}
	}
	return own
}

// normProvider is the normalised "provider" of the profile at position i.
func (snap *Snapshot) normProvider(i int) string {
	return NormalizeProvider(snap.Store.Profiles[i].Provider)
}

// candidate is a usable profile with what the order is sorted by.
type candidate struct {
	p        *Profile // pointers: sorting moves a few words, not a Profile
	typeRank int
	lastUsed int64
	until    time.Time // when a profile in cooldown or disabled is tried again
}

// effectiveOrder is EffectiveOrder for a provider (normalised) whose
// profiles are already known: own are the positions in Store.Profiles, in
// file order, of those whose "provider" normalises to it, and providerOf
// is the normalised "provider" of the profile at a position. BuildReport
// finds them once for every provider instead of once per provider.
func (snap *Snapshot) effectiveOrder(provider string, now time.Time, own []int, providerOf func(int) string) EffectiveOrder {
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
	} else if ids, ok := snap.Config.orderFor(provider); ok {
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
	usable := make([]candidate, 0, len(list))
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
		case p.Type == TypeToken && s.rules.InvalidExpires && p.ExpiresInvalid:
			eo.Excluded = append(eo.Excluded, Exclusion{id, invalidExpiresReason(*p), ExcludedInvalidExpires})
		case p.Type == TypeToken && p.Expires > 0 && p.Expires <= nowMs:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "token expired", ExcludedExpired})
		default:
			usable = append(usable, candidate{p: p, typeRank: typeRank(p.Type), lastUsed: s.Usage[p.ID].LastUsed})
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
		slices.SortStableFunc(usable, func(a, b candidate) int {
			if a.typeRank != b.typeRank {
				return cmp.Compare(a.typeRank, b.typeRank)
			}
			return cmp.Compare(a.lastUsed, b.lastUsed)
		})
	}
	// Profiles in cooldown or disabled go last, soonest available first.
	ready := make([]candidate, 0, len(usable))
	var waiting []candidate
	for _, c := range usable {
		if h := s.Health(*c.p, now, 0); h.Unusable != "" {
			c.until = h.Until
			waiting = append(waiting, c)
		} else {
			ready = append(ready, c)
		}
	}
	slices.SortStableFunc(waiting, func(a, b candidate) int { return a.until.Compare(b.until) })
	if n := len(ready) + len(waiting); n > 0 {
		eo.IDs = make([]string, 0, n)
	}
	for _, c := range append(ready, waiting...) {
		eo.IDs = append(eo.IDs, c.p.ID)
	}
	return eo
}

func typeRank(t string) int {
	switch t {
	case TypeOAuth:
		return 0
	case TypeToken:
		return 1
	}
	return 2
}

// invalidExpiresReason says why a token with an invalid "expires" is left
// out (GatewayRules.InvalidExpires).
func invalidExpiresReason(p Profile) string {
	what := "a time after 8.64e15"
	if p.ExpiresIgnored != "" {
		what = p.ExpiresIgnored
	}
	return "its expires (" + what + ") is no time the gateway accepts, so it never uses it"
}
