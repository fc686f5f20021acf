package authstore

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// This file is clearing a profile's cooldown or disabled state by hand
// (the dashboard's u, `models auth cooldown clear`) and putting it back
// (the dashboard's undo), as named operations like those of ops.go.

// usageStateFields are the usageStats fields that keep the gateway from
// using a profile for now, or count towards keeping it out: a block, a
// cooldown or a disable, their reasons, sources, scopes and models, and the
// failure counts behind them — the fields openclaw's own reset
// (resetAuthProfileFailureState) clears. Clearing a profile's state removes
// these and sets errorCount to 0, as the gateways do, and nothing else
// (lastUsed, lastFailureAt and fields moltbot does not know stay).
var usageStateFields = []string{
	"blockedUntil", "blockedReason", "blockedSource", "blockedModel", "blockedScope",
	"cooldownUntil", "cooldownReason", "cooldownClassification", "cooldownModel",
	"disabledUntil", "disabledReason",
	"failureCounts",
}

// errorCountField is reset to 0 rather than removed, as both gateways do
// (clawdbot's clearAuthProfileCooldown, openclaw's reset).
const errorCountField = "errorCount"

// UsageCleared is one profile whose cooldown or disabled state was
// cleared, and what it was.
type UsageCleared struct {
	ID     string
	Health Health // before
	// Until is when the gateway would have tried the profile again: the
	// latest of the block, cooldown and disable that were still running;
	// zero when none was (only stale state or error counts were reset).
	// Kind (UnusableCooldown, UnusableDisabled or UsageBlocked) and Reason
	// ("billing", "rate_limit"…, as the gateway wrote it) are that one's.
	Until        time.Time
	Kind, Reason string
}

// UsageBlocked is the kind of a state openclaw records as blockedUntil (a
// profile blocked for one model or all of them).
const UsageBlocked = "blocked"

// UsageResult says what ClearUsageState changed. Restore, passed to
// RestoreUsageState, puts back exactly what was removed (undo).
type UsageResult struct {
	Snapshot Snapshot
	Cleared  []UsageCleared
	Restore  UsageBackup
}

// UsageBackup is what ClearUsageState removed, to put back. Its content is
// the store's own and stays inside authstore.
type UsageBackup struct {
	fields map[string][]backupField // profile id → removed fields, in file order
	// secrets fingerprints each profile's secret when it was cleared: a
	// profile given a new secret since has new usage stats of its own.
	secrets map[string][sha256.Size]byte
}

type backupField struct {
	key string
	raw []byte
	pos int // its place among the entry's keys, to put it back there
}

// Empty reports whether there is nothing to restore.
func (b UsageBackup) Empty() bool { return len(b.fields) == 0 }

// IDs are the profiles whose state the backup holds, sorted.
func (b UsageBackup) IDs() []string { return slices.Sorted(maps.Keys(b.fields)) }

// ClearUsageState clears the cooldown and disabled state of ids (all of
// provider's profiles when ids is empty and provider is not): the fields
// the gateway reads to skip a profile (usageStateFields) go and a non-zero
// errorCount becomes 0; nothing else changes. A profile with none of them
// is left alone; an id that is not in the store is a *ProfileGoneError
// (nothing is written). now decides which states were still running
// (UsageCleared.Health and Until).
func ClearUsageState(ctx context.Context, paths Paths, ids []string, provider string, now time.Time) (UsageResult, error) {
	var res UsageResult
	snap, err := update(ctx, paths, func(s *Store) error {
		res = UsageResult{Restore: UsageBackup{fields: map[string][]backupField{}, secrets: map[string][sha256.Size]byte{}}}
		targets := ids
		if len(targets) == 0 && provider != "" {
			targets = ProviderProfileIDs(s, provider)
		}
		before := map[string]Health{}
		for _, id := range targets {
			p, ok := s.Profile(id)
			if !ok {
				return &ProfileGoneError{ID: id, Path: paths.Store}
			}
			before[id] = s.Health(p, now, 0)
			res.Restore.secrets[id] = sha256.Sum256([]byte(p.Secret()))
		}
		removed := s.dropUsageFields(targets, usageStateFields)
		for _, id := range targets {
			if fields, ok := removed[id]; ok && res.Restore.fields[id] == nil {
				c := UsageCleared{ID: id, Health: before[id]}
				c.Until, c.Kind, c.Reason = activeUntil(fields, now)
				res.Cleared = append(res.Cleared, c)
				res.Restore.fields[id] = fields
			}
		}
		for id := range res.Restore.secrets {
			if _, ok := res.Restore.fields[id]; !ok {
				delete(res.Restore.secrets, id)
			}
		}
		return nil
	})
	if err != nil {
		return UsageResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// activeUntil is the latest of the times in fields that is after now,
// with its kind and reason (zero and "" when none is).
func activeUntil(fields []backupField, now time.Time) (time.Time, string, string) {
	raw := map[string][]byte{}
	for _, f := range fields {
		raw[f.key] = f.raw
	}
	var latest int64
	var kind, reason string
	for _, w := range []struct{ until, reason, kind string }{
		{"disabledUntil", "disabledReason", UnusableDisabled}, // first: a tie reads as disabled, as in Health
		{"cooldownUntil", "cooldownReason", UnusableCooldown},
		{"blockedUntil", "blockedReason", UsageBlocked},
	} {
		if ms := timeValue(raw[w.until]); ms > now.UnixMilli() && ms > latest {
			latest, kind, reason = ms, w.kind, stringValue(raw[w.reason])
		}
	}
	if latest == 0 {
		return time.Time{}, "", ""
	}
	return msTime(latest), kind, reason
}

// StaleUndoError says that an undo was refused: the store changed since
// the change it would undo, in a way that makes undoing it wrong (a
// profile is gone, someone else wrote the order, the gateway recorded new
// failures). Nothing was written.
type StaleUndoError struct {
	Why string
}

func (e *StaleUndoError) Error() string { return e.Why }

// RestoreResult says what RestoreUsageState put back.
type RestoreResult struct {
	Snapshot Snapshot
	Restored []string // sorted
}

// RestoreUsageState puts back what a ClearUsageState removed (undo), each
// field as it was. It is refused with a *StaleUndoError, and nothing is
// written, when a profile is gone or has a new secret, or when the gateway
// has written new failure state for it since (a cleared field is back, or
// errorCount is no longer 0): its state is then newer than the one the
// undo would bring back.
func RestoreUsageState(ctx context.Context, paths Paths, b UsageBackup) (RestoreResult, error) {
	var res RestoreResult
	snap, err := update(ctx, paths, func(s *Store) error {
		res = RestoreResult{}
		ids := b.IDs()
		for _, id := range ids {
			p, ok := s.Profile(id)
			switch {
			case !ok:
				return &StaleUndoError{Why: fmt.Sprintf("%s is no longer in the store", id)}
			case sha256.Sum256([]byte(p.Secret())) != b.secrets[id]:
				return &StaleUndoError{Why: fmt.Sprintf("%s has a new secret since, with usage stats of its own", id)}
			}
			if k, ok := s.newUsageState(id, b.fields[id]); ok {
				return &StaleUndoError{Why: fmt.Sprintf("the gateway has recorded new failures for %s since (%s)", id, k)}
			}
		}
		for _, id := range ids {
			s.putUsageFields(id, b.fields[id])
		}
		res.Restored = ids
		return nil
	})
	if err != nil {
		return RestoreResult{}, err
	}
	res.Snapshot = snap
	return res, nil
}

// newUsageState reports whether id's usage stats hold state written after
// cleared was taken away: a cleared field that is back, or an error count
// that is no longer 0. It names the field.
func (s *Store) newUsageState(id string, cleared []backupField) (string, bool) {
	usage, ok := s.doc.child("usageStats")
	if !ok {
		return "", false
	}
	entry, ok := usage.child(id)
	if !ok {
		return "", false
	}
	for _, f := range cleared {
		raw, present := entry.get(f.key)
		if !present {
			continue
		}
		if f.key != errorCountField || intValue(raw) != 0 {
			return f.key, true
		}
	}
	return "", false
}

// dropUsageFields removes keys from the usageStats entries of ids, sets a
// non-zero errorCount to 0, and returns, per id, what was there before, in
// file order. An entry left empty is removed. The usage object is read
// and written once, however many ids.
func (s *Store) dropUsageFields(ids, keys []string) map[string][]backupField {
	usage, ok := s.doc.child("usageStats")
	if !ok {
		return nil
	}
	out := map[string][]backupField{}
	var emptied []string
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		entry, ok := usage.child(id)
		if !ok {
			continue
		}
		var removed []backupField
		for pos, k := range append([]string(nil), entry.keys...) {
			raw, _ := entry.get(k)
			switch {
			case slices.Contains(keys, k):
				removed = append(removed, backupField{key: k, raw: slices.Clone([]byte(raw)), pos: pos})
				entry.delete(k)
			case k == errorCountField && intValue(raw) != 0:
				removed = append(removed, backupField{key: k, raw: slices.Clone([]byte(raw)), pos: pos})
				entry.set(k, json.RawMessage("0"))
			}
		}
		if len(removed) == 0 {
			continue
		}
		out[id] = removed
		if len(entry.keys) == 0 {
			emptied = append(emptied, id)
		} else {
			usage.setChild(id, entry)
		}
	}
	if len(out) == 0 {
		return nil
	}
	usage.deleteAll(emptied)
	s.doc.setChild("usageStats", usage)
	s.refresh()
	return out
}

// putUsageFields sets fields in id's usageStats entry, creating it (and
// usageStats) when needed. A field that is not there goes back to its
// place (fields are in file order, so each lands where it was).
func (s *Store) putUsageFields(id string, fields []backupField) {
	usage, ok := s.doc.child("usageStats")
	if !ok {
		usage = newObject()
	}
	entry, ok := usage.child(id)
	if !ok {
		entry = newObject()
	}
	for _, f := range fields {
		if _, present := entry.get(f.key); present {
			entry.set(f.key, f.raw)
			continue
		}
		entry.set(f.key, f.raw)
		at := min(max(f.pos, 0), len(entry.keys)-1)
		entry.keys = slices.Insert(slices.Delete(entry.keys, len(entry.keys)-1, len(entry.keys)), at, f.key)
	}
	usage.setChild(id, entry)
	s.doc.setChild("usageStats", usage)
	s.refresh()
}
