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
	u, ok := s.Usage[p.ID]
	return health(&p, u, ok, now, warn, s.rules)
}

// health is Health with the profile's usage entry (ok: it has one) already
// looked up, judged by rules.
func health(p *Profile, u Usage, ok bool, now time.Time, warn time.Duration, rules GatewayRules) Health {
	var h Health
	invalid := rules.InvalidExpires && p.ExpiresInvalid
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
	if ok {
		var until int64
		h.Unusable, h.Reason, until = rules.unusable(u, p.Provider, now.UnixMilli())
		if h.Unusable != "" {
			h.Until = msTime(until)
		}
	}
	return h
}

// unusable says whether a profile of provider with usage entry u is kept
// from use at nowMs, as the gateway's `models status` says it
// (resolveProfileUnusableUntilForDisplay and the kind beside it): never for
// a provider whose state the release ignores; else until the latest of the
// cooldown, the disablement and (r.Blocked) the usage-window block, when
// that is after nowMs; "disabled" (with its reason) while a disablement
// runs, else "cooldown" (with the cooldown's reason, or the block's when
// only the block runs); "" when none runs.
func (r GatewayRules) unusable(u Usage, provider string, nowMs int64) (kind, reason string, until int64) {
	until = max(u.CooldownUntil, u.DisabledUntil)
	if r.Blocked {
		until = max(until, u.BlockedUntil)
	}
	switch {
	case until <= nowMs || r.bypassesCooldowns(provider):
		return "", "", 0
	case u.DisabledUntil > nowMs:
		return UnusableDisabled, u.DisabledReason, until
	case u.CooldownUntil > nowMs:
		return UnusableCooldown, u.CooldownReason, until
	}
	return UnusableCooldown, u.BlockedReason, until
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
	eo, _, _ := snap.effectiveOrder(provider, now, snap.ownProfiles(provider), snap.normProvider, nil)
	return eo
}

// evalScratch is what BuildReport gives effectiveOrder for every provider,
// by position in Store.Profiles: each profile's usage entry, looked up
// once, and seen, all false between calls.
type evalScratch struct {
	usage    []Usage
	hasUsage []bool
	seen     []bool
}

func newEvalScratch(s *Store) *evalScratch {
	n := len(s.Profiles)
	sc := &evalScratch{usage: make([]Usage, n), hasUsage: make([]bool, n), seen: make([]bool, n)}
	for i := range s.Profiles {
		sc.usage[i], sc.hasUsage[i] = s.Usage[s.Profiles[i].ID]
	}
	return sc
}

// usageOf is the usage entry of the profile at position i (sc may be nil).
func (sc *evalScratch) usageOf(s *Store, i int) (Usage, bool) {
	if sc != nil {
		return sc.usage[i], sc.hasUsage[i]
	}
	u, ok := s.Usage[s.Profiles[i].ID]
	return u, ok
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
	lastUsed int64
	until    int64 // ms (0 for a time <= 0, as msTime has it): when it is tried again
	pos      int32 // in Store.Profiles
	seq      int32 // its place before a sort: the sorts are stable through it
	typeRank int8
	waiting  bool // in a cooldown or disabled
}

// effectiveOrder is EffectiveOrder for a provider (normalised) whose
// profiles are already known: own are the positions in Store.Profiles, in
// file order, of those whose "provider" normalises to it, and providerOf
// is the normalised "provider" of the profile at a position. BuildReport
// finds them once for every provider instead of once per provider, and
// gives its scratch (nil: none). Besides the order it returns the
// positions of its IDs and of
// its Excluded entries (-1 for an id the store does not have), so that a
// caller needs no map from id to place.
func (snap *Snapshot) effectiveOrder(provider string, now time.Time, own []int, providerOf func(int) string, sc *evalScratch) (eo EffectiveOrder, ordered, excludedAt []int) {
	s := snap.Store
	eo = EffectiveOrder{Provider: provider, Source: SourceAutomatic}
	var list []string
	explicit, automatic := false, false
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
		automatic = true
	}
	exclude := func(pos int, id, reason string, kind ExclusionKind) {
		eo.Excluded = append(eo.Excluded, Exclusion{id, reason, kind})
		excludedAt = append(excludedAt, pos)
	}

	nowMs := now.UnixMilli()
	var usable []candidate
	consider := func(i int) {
		p := &s.Profiles[i]
		switch {
		case providerOf(i) != provider:
			exclude(i, p.ID, "belongs to provider "+quote(p.Provider), ExcludedOtherProvider)
		case p.Type != TypeAPIKey && p.Type != TypeToken && p.Type != TypeOAuth:
			exclude(i, p.ID, "unknown type "+quote(p.Type), ExcludedUnknownType)
		case strings.TrimSpace(p.Secret()) == "":
			exclude(i, p.ID, "no secret", ExcludedNoSecret)
		case p.Type == TypeToken && s.rules.InvalidExpires && p.ExpiresInvalid:
			exclude(i, p.ID, invalidExpiresReason(*p), ExcludedInvalidExpires)
		case p.Type == TypeToken && p.Expires > 0 && p.Expires <= nowMs:
			exclude(i, p.ID, "token expired", ExcludedExpired)
		default:
			c := candidate{pos: int32(i), typeRank: int8(typeRank(p.Type)), seq: int32(len(usable))}
			if u, ok := sc.usageOf(s, i); ok {
				c.lastUsed = u.LastUsed
				if kind, _, until := s.rules.unusable(u, provider, nowMs); kind != "" {
					c.waiting, c.until = true, max(until, 0)
				}
			}
			usable = append(usable, c)
		}
	}
	if automatic {
		// Every profile of the provider, in file order: each once, and
		// where it is is known.
		usable = make([]candidate, 0, len(own))
		for _, i := range own {
			consider(i)
		}
	} else {
		usable = make([]candidate, 0, len(list))
		var seen []bool
		if sc != nil {
			seen = sc.seen
		} else {
			seen = make([]bool, len(s.Profiles))
		}
		var missing map[string]bool // ids named that the store does not have
		for _, id := range list {
			i, ok := s.position(id)
			switch {
			case !ok && missing[id]:
			case !ok:
				if missing == nil {
					missing = map[string]bool{}
				}
				missing[id] = true
				exclude(-1, id, "no such profile in the store", ExcludedMissing)
			case !seen[i]:
				seen[i] = true
				consider(i)
			}
		}
		if notListed != "" {
			// Profiles of the provider that the list does not name are
			// never tried.
			for _, i := range own {
				if !seen[i] {
					exclude(i, s.Profiles[i].ID, notListed, ExcludedNotListed)
				}
			}
		}
		for _, c := range usable { // leave seen as it was given
			seen[int(c.pos)] = false
		}
		for _, i := range excludedAt {
			if i >= 0 {
				seen[i] = false
			}
		}
	}
	if !explicit {
		slices.SortFunc(usable, func(a, b candidate) int {
			if a.typeRank != b.typeRank {
				return cmp.Compare(a.typeRank, b.typeRank)
			}
			if a.lastUsed != b.lastUsed {
				return cmp.Compare(a.lastUsed, b.lastUsed)
			}
			return cmp.Compare(a.seq, b.seq)
		})
	}
	// Profiles in cooldown or disabled go last, soonest available first.
	nWaiting := 0
	for _, c := range usable {
		if c.waiting {
			nWaiting++
		}
	}
	waiting := make([]candidate, 0, nWaiting)
	if n := len(usable); n > 0 {
		eo.IDs = make([]string, 0, n)
		ordered = make([]int, 0, n)
	}
	for k, c := range usable {
		if c.waiting {
			c.seq = int32(k)
			waiting = append(waiting, c)
			continue
		}
		eo.IDs = append(eo.IDs, s.Profiles[c.pos].ID)
		ordered = append(ordered, int(c.pos))
	}
	slices.SortFunc(waiting, func(a, b candidate) int {
		if a.until != b.until {
			return cmp.Compare(a.until, b.until)
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, c := range waiting {
		eo.IDs = append(eo.IDs, s.Profiles[c.pos].ID)
		ordered = append(ordered, int(c.pos))
	}
	return eo, ordered, excludedAt
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
