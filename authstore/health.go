package authstore

import (
	"sort"
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
	Refreshable bool      // an expired oauth profile with a refresh token
	ExpiresAt   time.Time // zero when the credential does not expire
	Remaining   time.Duration
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

// Health computes a profile's health at now with the given warn window.
func (s *Store) Health(p Profile, now time.Time, warn time.Duration) Health {
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
	Reason string
}

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
	s := snap.Store
	provider = NormalizeProvider(provider)
	eo := EffectiveOrder{Provider: provider, Source: SourceAutomatic}
	var list []string
	explicit := false
	// notListed explains a profile of the provider that list leaves out;
	// empty when list is every profile of the provider.
	notListed := ""
	if ids, ok := s.OrderOverride(provider); ok {
		list, eo.Source, explicit = ids, SourceOverride, true
		notListed = "not in the override order"
	} else if ids, ok := snap.Config.orderFor(provider); ok {
		list, eo.Source, explicit = ids, SourceConfig, true
		notListed = "not in the config's auth.order"
	} else if ids := snap.Config.profilesFor(provider); len(ids) > 0 {
		list = ids
		notListed = "not in the config's auth.profiles"
	} else {
		for _, p := range s.Profiles {
			if NormalizeProvider(p.Provider) == provider {
				list = append(list, p.ID)
			}
		}
	}

	seen := make(map[string]bool, len(list))
	usable := make([]*Profile, 0, len(list)) // pointers: sorting moves 8 bytes, not a Profile
	for _, id := range list {
		if seen[id] {
			continue
		}
		seen[id] = true
		i, ok := s.position(id)
		if !ok {
			eo.Excluded = append(eo.Excluded, Exclusion{id, "no such profile in the store"})
			continue
		}
		p := &s.Profiles[i]
		switch {
		case NormalizeProvider(p.Provider) != provider:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "belongs to provider " + quote(p.Provider)})
		case p.Type != TypeAPIKey && p.Type != TypeToken && p.Type != TypeOAuth:
			eo.Excluded = append(eo.Excluded, Exclusion{id, "unknown type " + quote(p.Type)})
		case strings.TrimSpace(p.Secret()) == "":
			eo.Excluded = append(eo.Excluded, Exclusion{id, "no secret"})
		case p.Type == TypeToken && p.Expires > 0 && p.Expires <= now.UnixMilli():
			eo.Excluded = append(eo.Excluded, Exclusion{id, "token expired"})
		default:
			usable = append(usable, p)
		}
	}
	if notListed != "" {
		// Profiles of the provider that the list does not name are never tried.
		for _, p := range s.Profiles {
			if NormalizeProvider(p.Provider) == provider && !seen[p.ID] {
				eo.Excluded = append(eo.Excluded, Exclusion{p.ID, notListed})
			}
		}
	}
	if !explicit {
		sort.SliceStable(usable, func(i, j int) bool {
			a, b := usable[i], usable[j]
			if ta, tb := typeRank(a.Type), typeRank(b.Type); ta != tb {
				return ta < tb
			}
			return s.Usage[a.ID].LastUsed < s.Usage[b.ID].LastUsed
		})
	}
	// Profiles in cooldown or disabled go last, soonest available first.
	ready := make([]*Profile, 0, len(usable))
	var waiting []*Profile
	until := map[string]time.Time{}
	for _, p := range usable {
		if h := s.Health(*p, now, 0); h.Unusable != "" {
			waiting = append(waiting, p)
			until[p.ID] = h.Until
		} else {
			ready = append(ready, p)
		}
	}
	sort.SliceStable(waiting, func(i, j int) bool { return until[waiting[i].ID].Before(until[waiting[j].ID]) })
	for _, p := range append(ready, waiting...) {
		eo.IDs = append(eo.IDs, p.ID)
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
