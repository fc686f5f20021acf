package authstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// This file holds every change moltbot makes to a store, as named
// operations. Each is one transaction from a fresh read of the store (see
// update) and returns what it changed, for the caller's message. Callers
// (the commands, the dashboard, the wizard) never see the store's
// representation and never run a transaction of their own: the rules for a
// change live here once.

// Override is a provider's stored order override: the list the gateway
// tries first. Set is false when the store has none for the provider (IDs
// is then nil), which is not the same as an empty list.
type Override struct {
	IDs []string
	Set bool
}

// Equal reports whether o and p are the same override.
func (o Override) Equal(p Override) bool { return o.Set == p.Set && slices.Equal(o.IDs, p.IDs) }

// overrideOf reads provider's override from s.
func overrideOf(s *Store, provider string) Override {
	ids, ok := s.OrderOverride(provider)
	if !ok {
		return Override{}
	}
	return Override{IDs: slices.Clone(ids), Set: true}
}

// SaveOptions say what else saving a credential does.
type SaveOptions struct {
	// Place, when not nil, puts the profile first or last among its
	// provider's profiles (see PlaceProfile). Nil leaves the order alone,
	// as the gateway's paste commands do.
	Place *Placement
}

// SaveResult says what saving a credential changed.
type SaveResult struct {
	Snapshot Snapshot // the agent's files after the save
	Profile  Profile  // as stored
	// Replaced reports that a profile with this id existed; it keeps its
	// place in the file and in every order list.
	Replaced bool
	// UsageReset reports that the profile's usage stats were dropped: its
	// cooldowns and error counts belonged to the old secret.
	UsageReset bool
	// Placed reports that the order override was written to put the
	// profile where SaveOptions.Place asked; Override is the override then.
	Placed   bool
	Override []string
}

// SaveCredential adds c, or replaces the profile with c's id (paste-token,
// setup-token, add, the wizard). A replaced profile keeps its place and
// its order entries, and every field moltbot does not know; when its secret
// changes its usage stats are reset.
func SaveCredential(ctx context.Context, paths Paths, c Credential, opt SaveOptions) (SaveResult, error) {
	var res SaveResult
	snap, err := update(ctx, paths, func(s *Store) error {
		res = SaveResult{}
		putCredential(s, c, &res)
		if opt.Place != nil {
			cfg, _ := LoadConfig(paths.Config)
			now := time.Now()
			if res.Placed = PlaceProfile(s, cfg, c.Provider, c.ID, *opt.Place, now); res.Placed {
				res.Override, _ = s.OrderOverride(c.Provider)
			}
		}
		return nil
	})

	if err != nil {
		return SaveResult{}, err
	}
	res.Snapshot = snap
	res.Profile, _ = snap.Store.Profile(c.ID)
	return res, nil
}

// putCredential writes c into s and records in res what that changed.
func putCredential(s *Store, c Credential, res *SaveResult) {
	old, existed := s.Profile(c.ID)
	res.Replaced = existed
	s.PutProfile(c)
	if existed && old.Secret() != c.Secret {
		res.UsageReset = s.ResetUsage(c.ID)
	}
}

// ProfileGoneError says that the profile an operation was asked to change
// is not in the store (any more: someone else may have removed it).
type ProfileGoneError struct {
	ID   string
	Path string
}

func (e *ProfileGoneError) Error() string {
	return fmt.Sprintf("%s is no longer in %s (someone else removed it?)", e.ID, e.Path)
}

// RenewToken replaces the token of the existing token profile id with
// token, expiring at expires (the dashboard's renew). The profile keeps its
// id, provider, email, place and order entries; its usage stats are reset.
// When the profile was removed or is no longer a token, nothing is written.
func RenewToken(ctx context.Context, paths Paths, id, token string, expires time.Time) (SaveResult, error) {
	var res SaveResult
	snap, err := update(ctx, paths, func(s *Store) error {
		res = SaveResult{}
		p, ok := s.Profile(id)
		switch {
		case !ok:
			return &ProfileGoneError{ID: id, Path: paths.Store}
		case p.Type != TypeToken:
			return fmt.Errorf("%s is now a %s profile, not a token; nothing was replaced", id, p.Type)
		}
		provider := p.Provider
		if NormalizeProvider(provider) == "" {
			provider = "anthropic"
		}
		s.PutProfile(Credential{ID: id, Provider: provider, Type: TypeToken, Secret: token, Expires: expires.UnixMilli(), Email: p.Email})
		res.Replaced = true
		res.UsageReset = s.ResetUsage(id)
		return nil
	})

	if err != nil {
		return SaveResult{}, err
	}
	res.Snapshot = snap
	res.Profile, _ = snap.Store.Profile(id)
	return res, nil
}

// RemoveResult says what removing a profile changed.
type RemoveResult struct {
	Snapshot Snapshot
	// Removed is false when the profile was already gone (nothing written).
	Removed bool
	Profile Profile // what was removed
}

// RemoveProfile deletes the profile id with its usage stats, its lastGood
// entries and its place in every order list (an override left empty is
// removed, as it would leave the provider nothing to try).
func RemoveProfile(ctx context.Context, paths Paths, id string) (RemoveResult, error) {
	var res RemoveResult
	snap, err := update(ctx, paths, func(s *Store) error {
		res = RemoveResult{}
		res.Profile, _ = s.Profile(id)
		res.Removed = s.RemoveProfile(id)
		return nil
	})

	if err != nil {
		return RemoveResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// OrderResult says what an order operation changed.
type OrderResult struct {
	Snapshot Snapshot
	Provider string   // normalised
	Before   Override // the stored override before the change
	After    Override // and after
	// Meanwhile reports that the override on disk was no longer the one
	// the caller's view was built from: the change was applied to the
	// newer one, and the other change kept.
	Meanwhile bool
}

// Changed reports whether the stored override changed.
func (r OrderResult) Changed() bool { return !r.Before.Equal(r.After) }

// OrderIDError says that an id given for provider's order is not one of
// its profiles.
type OrderIDError struct {
	ID       string
	Provider string // the order's provider (normalised)
	Owner    string // the provider the profile belongs to; "" when there is no such profile
	Store    string // the store's path
	Valid    []string
}

func (e *OrderIDError) Error() string {
	valid := ListIDs(e.Valid, 0)
	if e.Owner == "" {
		return fmt.Sprintf("auth profile %q not found in %s; %s profiles: %s", e.ID, SafeText(e.Store), SafeText(e.Provider), valid)
	}
	return fmt.Sprintf("auth profile %q is for %s, not %s; %s profiles: %s", e.ID, SafeText(e.Owner), SafeText(e.Provider), SafeText(e.Provider), valid)
}

// CheckOrderIDs checks that every id is a profile of provider (its
// "provider" field, normalised), as `order set` requires. It is exported so
// that a command can refuse a bad id before it asks for anything; SetOrder
// checks again inside its transaction.
func CheckOrderIDs(snap Snapshot, provider string, ids []string) error {
	return checkOrderIDs(snap.Store, snap.Paths.Store, NormalizeProvider(provider), ids)
}

func checkOrderIDs(s *Store, path, provider string, ids []string) error {
	for _, id := range ids {
		p, ok := s.Profile(id)
		if ok && NormalizeProvider(p.Provider) == provider {
			continue
		}
		e := &OrderIDError{ID: id, Provider: provider, Store: path, Valid: ProviderProfileIDs(s, provider)}
		if ok {
			e.Owner = p.Provider
			if e.Owner == "" {
				e.Owner = "no provider"
			}
		}
		return e
	}
	return nil
}

// SetOrder writes provider's order override: the gateway tries these
// profiles, in this order, and no others. Every id must be one of the
// provider's profiles (*OrderIDError otherwise; nothing is written). An
// empty list clears the override.
func SetOrder(ctx context.Context, paths Paths, provider string, ids []string) (OrderResult, error) {
	provider = NormalizeProvider(provider)
	res := OrderResult{Provider: provider}
	snap, err := update(ctx, paths, func(s *Store) error {
		if err := checkOrderIDs(s, paths.Store, provider, ids); err != nil {
			return err
		}
		res.Before = overrideOf(s, provider)
		s.SetOrder(provider, ids)
		res.After = overrideOf(s, provider)
		return nil
	})

	if err != nil {
		return OrderResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// ClearOrder removes provider's order override (every alias of it): the
// config's auth.order or the automatic order applies again.
func ClearOrder(ctx context.Context, paths Paths, provider string) (OrderResult, error) {
	provider = NormalizeProvider(provider)
	res := OrderResult{Provider: provider}
	snap, err := update(ctx, paths, func(s *Store) error {
		res.Before = overrideOf(s, provider)
		s.ClearOrder(provider)
		return nil
	})

	if err != nil {
		return OrderResult{}, err
	}
	res.Snapshot = snap
	// What the store holds now: with openclaw's SQLite store, an agent's
	// order cleared brings back the one it inherits from the shared store.
	res.After = overrideOf(snap.Store, provider)
	return res, nil
}

// Move is one profile carried to a new place in its provider's list, as
// the user saw it: the rows shown right above and below it where it was
// dropped. A drop moves exactly this profile; every other keeps its place.
type Move struct {
	ID string
	// Above and Below are the profiles shown right above and below ID
	// where it was dropped; "" at the top or the bottom.
	Above, Below string
	// Down reports that it was carried downwards (it then goes right after
	// Above), else upwards (right before Below).
	Down bool
	// Seen is the override the caller's view showed when the move began.
	// When the store's differs, the move is applied to the store's, and
	// OrderResult.Meanwhile says so.
	Seen Override
}

// MoveProfile applies m to provider's order override (see PlanMove) from
// a fresh read.
func MoveProfile(ctx context.Context, paths Paths, provider string, m Move) (OrderResult, error) {
	provider = NormalizeProvider(provider)
	res := OrderResult{Provider: provider}
	snap, err := update(ctx, paths, func(s *Store) error {
		p, ok := s.Profile(m.ID)
		if !ok {
			return &ProfileGoneError{ID: m.ID, Path: paths.Store}
		}
		if NormalizeProvider(p.Provider) != provider {
			return &OrderIDError{ID: m.ID, Provider: provider, Owner: p.Provider, Store: paths.Store, Valid: ProviderProfileIDs(s, provider)}
		}
		cfg, _ := LoadConfig(paths.Config)
		fresh := Snapshot{Paths: paths, Store: s, Config: cfg}
		res.Before = overrideOf(s, provider)
		res.Meanwhile = !res.Before.Equal(m.Seen)
		next := PlanMove(&fresh, provider, m, time.Now())
		s.SetOrder(provider, next)
		res.After = overrideOf(s, provider)
		return nil
	})

	if err != nil {
		return OrderResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// PlanMove is the override that m leaves in snap: the stored override with
// m.ID taken out and put back next to the neighbour it was dropped beside
// (after Above when carried down, before Below when carried up; first at
// the top, last at the bottom). Profiles the override leaves out stay out;
// the others keep their relative order. Without an override, the list
// moved in is the provider's order as the gateway would use it, followed by
// the profiles it skips for now (an expired token, say: renewing it must
// not leave it out), but not those a config list leaves out.
//
// The dashboard calls it while a profile is carried, to number each row
// with the place the gateway will try it after the drop
// (snap.EffectiveOrderWith); MoveProfile calls it on the fresh store.
func PlanMove(snap *Snapshot, provider string, m Move, now time.Time) []string {
	provider = NormalizeProvider(provider)
	base := snap.Override(provider).IDs
	if !snap.Override(provider).Set {
		base = snap.orderBase(provider, now)
	}
	rest := without(base, m.ID)
	at := func(i int) []string { return slices.Insert(slices.Clone(rest), i, m.ID) }
	after := func(id string) (int, bool) {
		i := slices.Index(rest, id)
		return i + 1, i >= 0 && id != ""
	}
	before := func(id string) (int, bool) {
		i := slices.Index(rest, id)
		return i, i >= 0 && id != ""
	}
	switch {
	case m.Above == "":
		return at(0)
	case m.Below == "":
		return at(len(rest))
	}
	first, second := after, before
	a, b := m.Above, m.Below
	if !m.Down {
		first, second, a, b = before, after, m.Below, m.Above
	}
	if i, ok := first(a); ok {
		return at(i)
	}
	if i, ok := second(b); ok {
		return at(i)
	}
	return at(len(rest))
}

// orderBase is the list an override starts from when the store has none:
// the effective order, then the provider's profiles that it skips for a
// reason of their own (expired, no secret), in file order. Profiles that
// a config list leaves out stay out.
func (snap *Snapshot) orderBase(provider string, now time.Time) []string {
	eo := snap.EffectiveOrder(provider, now)
	base := slices.Clone(eo.IDs)
	for _, ex := range eo.Excluded {
		if ex.Kind == ExcludedNotListed || ex.Kind == ExcludedMissing || ex.Kind == ExcludedOtherProvider {
			continue
		}
		base = append(base, ex.ID)
	}
	return base
}

// EffectiveOrderWith is the order the gateway would use for provider if
// its stored override were ids: what a planned change (a move being
// carried) will lead to.
func (snap *Snapshot) EffectiveOrderWith(provider string, ids []string, now time.Time) EffectiveOrder {
	planned := snap.Plan(provider, Override{IDs: ids, Set: len(ids) > 0})
	return planned.EffectiveOrder(provider, now)
}

// Plan returns a copy of snap in which provider's order override is o:
// what a change not yet written will look like once it is. The store is
// shared, not copied; EffectiveOrder, BuildReport and Override follow the
// plan.
func (snap Snapshot) Plan(provider string, o Override) Snapshot {
	planned := make(map[string]Override, len(snap.planned)+1)
	for k, v := range snap.planned {
		planned[k] = v
	}
	planned[NormalizeProvider(provider)] = o
	snap.planned = planned
	return snap
}

// Override is provider's order override as snap has it: the store's, or
// the planned one (Plan).
func (snap *Snapshot) Override(provider string) Override {
	provider = NormalizeProvider(provider)
	if o, ok := snap.planned[provider]; ok {
		return o
	}
	return overrideOf(snap.Store, provider)
}

// SetInOrder excludes the profile id from provider's order (include false:
// the gateway no longer tries it) or includes it again (true: it goes
// last). Without an override one is written from the order as it is
// (PlanMove's base). Excluding the only profile left in the override is
// refused: an empty override would leave the provider nothing to try.
func SetInOrder(ctx context.Context, paths Paths, provider, id string, include bool) (OrderResult, error) {
	provider = NormalizeProvider(provider)
	res := OrderResult{Provider: provider}
	snap, err := update(ctx, paths, func(s *Store) error {
		if err := checkOrderIDs(s, paths.Store, provider, []string{id}); err != nil {
			return err
		}
		res.Before = overrideOf(s, provider)
		res.After = res.Before
		base := res.Before.IDs
		if !res.Before.Set {
			cfg, _ := LoadConfig(paths.Config)
			base = (&Snapshot{Paths: paths, Store: s, Config: cfg}).orderBase(provider, time.Now())
		}
		if slices.Contains(base, id) == include {
			return nil
		}
		next := without(base, id)
		if include {
			next = append(next, id)
		} else if len(next) == 0 {
			return fmt.Errorf("%s is the only profile in the %s order; excluding it would leave the gateway nothing to try (clear the order instead)", id, provider)
		}
		s.SetOrder(provider, next)
		res.After = overrideOf(s, provider)
		return nil
	})

	if err != nil {
		return OrderResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// RevertOrder undoes an order change (the dashboard's undo): provider's
// override goes from from, what the change left, back to to, what was
// there before it (no override when to is unset). It is refused with a
// *StaleUndoError, and nothing is written, when the stored override is no
// longer from (someone else wrote the order since) or to names a profile
// that is gone or no longer the provider's.
func RevertOrder(ctx context.Context, paths Paths, provider string, from, to Override) (OrderResult, error) {
	provider = NormalizeProvider(provider)
	res := OrderResult{Provider: provider}
	snap, err := update(ctx, paths, func(s *Store) error {
		res.Before = overrideOf(s, provider)
		if !res.Before.Equal(from) {
			now := "none"
			if res.Before.Set {
				now = ListIDs(res.Before.IDs, 0)
			}
			return &StaleUndoError{Why: fmt.Sprintf("the %s order changed on disk since (now: %s)", provider, now)}
		}
		if to.Set {
			var oe *OrderIDError
			if err := checkOrderIDs(s, paths.Store, provider, to.IDs); errors.As(err, &oe) {
				if oe.Owner == "" {
					return &StaleUndoError{Why: fmt.Sprintf("%s is no longer in the store", oe.ID)}
				}
				return &StaleUndoError{Why: fmt.Sprintf("%s is no longer a %s profile", oe.ID, provider)}
			}
			s.SetOrder(provider, to.IDs)
		} else {
			s.ClearOrder(provider)
		}
		res.After = overrideOf(s, provider)
		return nil
	})

	if err != nil {
		return OrderResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// PruneDanglingOrder removes the store's order entries that name no
// profile (doctor --fix) and returns them.
func PruneDanglingOrder(ctx context.Context, paths Paths) ([]OrderEntry, error) {
	var pruned []OrderEntry
	_, err := update(ctx, paths, func(s *Store) error {
		pruned = s.PruneDanglingOrder()
		return nil
	})

	return pruned, err
}

// ProviderProfiles are provider's profiles in file order. A profile
// belongs to the provider its "provider" field names (normalised): the
// gateway's rule, and the only one moltbot uses. NoProvider lists the
// profiles without one.
func (s *Store) ProviderProfiles(provider string) []Profile {
	provider = NormalizeProvider(provider)
	var out []Profile
	for _, p := range s.Profiles {
		if NormalizeProvider(p.Provider) == provider {
			out = append(out, p)
		}
	}
	return out
}

// ProviderProfileIDs lists the ids of provider's profiles in file order
// (Store.ProviderProfiles).
func ProviderProfileIDs(s *Store, provider string) []string {
	return ProfileIDs(s.ProviderProfiles(provider))
}

// OrderNote says how the gateway will try one profile of a written order
// differently from how it was written.
type OrderNote struct {
	ID string
	// Skipped: the gateway does not try it at all (Reason says why: an
	// expired token, no secret…). Otherwise it goes last while Unusable
	// (UnusableCooldown or UnusableDisabled, with Reason) until Until.
	Skipped  bool
	Unusable string
	Reason   string
	Until    time.Time
}

// OrderNotes explains where the order the gateway will use for provider
// differs from written, the order just set: for each profile that it
// skips or puts last for now, in written order. None when they agree.
func (snap *Snapshot) OrderNotes(provider string, written []string, now time.Time) []OrderNote {
	eo := snap.EffectiveOrder(provider, now)
	// Sets, not a search per id: with 100,000 profiles a search per id was
	// most of a save.
	inOrder := make(map[string]bool, len(eo.IDs))
	for _, id := range eo.IDs {
		inOrder[id] = true
	}
	usable := make([]string, 0, len(written))
	for _, id := range written {
		if inOrder[id] {
			usable = append(usable, id)
		}
	}
	if len(usable) == len(written) && slices.Equal(usable, eo.IDs) {
		return nil
	}
	excluded := make(map[string]string, len(eo.Excluded))
	for _, ex := range eo.Excluded {
		if _, dup := excluded[ex.ID]; !dup {
			excluded[ex.ID] = ex.Reason
		}
	}
	var notes []OrderNote
	for _, id := range written {
		if reason, ok := excluded[id]; ok {
			notes = append(notes, OrderNote{ID: id, Skipped: true, Reason: reason})
			continue
		}
		p, ok := snap.Store.Profile(id)
		if !ok {
			continue
		}
		if h := snap.Store.Health(p, now, 0); h.Unusable != "" {
			notes = append(notes, OrderNote{ID: id, Unusable: h.Unusable, Reason: h.Reason, Until: h.Until})
		}
	}
	return notes
}

// ProfileIDs lists the ids of ps.
func ProfileIDs(ps []Profile) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}
