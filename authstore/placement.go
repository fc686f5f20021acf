package authstore

import (
	"slices"
	"sort"
	"time"
)

// Placement says where a newly added profile should go in its provider's
// order.
type Placement int

// Placements.
const (
	PlaceFirst Placement = iota // the gateway tries it before the others
	PlaceLast                   // the gateway tries it after the others
)

// PlaceProfile puts id first or last in provider's order, inside a
// transaction (s is the fresh store, already holding id; cfg the config as
// read). It writes the store's order override only when that is needed, and
// reports whether it did:
//
//   - The store has an override: id is moved (or added) within it.
//   - The config has an auth.order for the provider: that list would leave
//     the new profile out, so an override is written from it with id in place.
//   - Otherwise the order is automatic (by type, then least recently used).
//     The caller records id in the config's auth.profiles, and once that
//     lists some of a provider's profiles the gateway tries only those. If
//     the automatic order after that still holds every profile it held before
//     and puts id where asked, nothing is written. Else an override is
//     written: the order as it was, with id in place, followed by the
//     provider's profiles it leaves out for now (an expired token, say) so
//     that renewing them later still works.
func PlaceProfile(s *Store, cfg Config, provider, id string, where Placement, now time.Time) bool {
	provider = NormalizeProvider(provider)
	if ids, ok := s.OrderOverride(provider); ok {
		next := place(ids, id, where)
		if slices.Equal(next, ids) {
			return false
		}
		s.SetOrder(provider, next)
		return true
	}
	if ids, ok := cfg.OrderFor(provider); ok {
		s.SetOrder(provider, place(ids, id, where))
		return true
	}
	before := (&Snapshot{Store: s, Config: cfg}).EffectiveOrder(provider, now)
	after := (&Snapshot{Store: s, Config: cfg.withProfile(id, provider)}).EffectiveOrder(provider, now)
	if n := len(after.IDs); n > 0 && containsAll(after.IDs, before.IDs) &&
		(where == PlaceFirst && after.IDs[0] == id || where == PlaceLast && after.IDs[n-1] == id) {
		return false
	}
	base := append([]string(nil), before.IDs...)
	for _, ex := range before.Excluded {
		if p, ok := s.Profile(ex.ID); ok && NormalizeProvider(p.Provider) == provider && ex.ID != id {
			base = append(base, ex.ID)
		}
	}
	s.SetOrder(provider, place(base, id, where))
	return true
}

func containsAll(ids, want []string) bool {
	have := make(map[string]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	for _, id := range want {
		if !have[id] {
			return false
		}
	}
	return true
}

// place returns ids with id moved (or added) to the front or the back.
func place(ids []string, id string, where Placement) []string {
	rest := without(ids, id)
	if where == PlaceFirst {
		return append([]string{id}, rest...)
	}
	return append(rest, id)
}

// withProfile returns a copy of c whose auth.profiles also lists id.
func (c Config) withProfile(id, provider string) Config {
	if _, ok := c.Profiles[id]; ok {
		return c
	}
	profiles := make(map[string]ConfigProfile, len(c.Profiles)+1)
	for k, v := range c.Profiles {
		profiles[k] = v
	}
	profiles[id] = ConfigProfile{Provider: provider}
	c.Profiles = profiles
	c.ProfileIDs = append(append([]string(nil), c.ProfileIDs...), id)
	sort.Strings(c.ProfileIDs)
	return c
}
