package authstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Copying a credential to other agents (users who run several agents keep
// them in sync): the same id, the same type, the same secret, expiry,
// email and every other field of the profile, each target in one
// transaction from a fresh read of its own store.
//
// The config needs nothing: it is one file for every agent (auth.profiles
// is keyed by profile id, and the copy keeps the id), so what it says of
// the profile holds in each target already.
//
// With openclaw's SQLite generation (2026.6.5+) every agent also sees the
// profiles of the shared store (the main agent's, in state-db mode): a
// shared profile copied to another agent is found there by the fresh read
// already, the same credential, and reported as CopyAlready with nothing
// written.

// CopyOptions say how CopyProfile treats each target.
type CopyOptions struct {
	// Place, when not nil, puts the copy first or last in its provider's
	// order in each target it is written to (see PlaceProfile). Nil leaves
	// the targets' orders alone.
	Place *Placement
	// Force replaces a different credential at the same id in a target.
	Force bool
	// Replace, when not nil, replaces a different credential only while it
	// is still this one: the one the user was shown when asked (the
	// dashboard's confirmation). One that changed meanwhile is a conflict.
	Replace *Profile
}

// CopyOutcome is what copying did to one target.
type CopyOutcome int

// Copy outcomes.
const (
	// CopyWritten: the target had no profile with the id; it has the copy.
	CopyWritten CopyOutcome = iota
	// CopyReplaced: a different credential was there (Existing) and was
	// replaced, as Force or Replace allowed.
	CopyReplaced
	// CopyAlready: the same credential is there (or, with SQLite, visible
	// there from the shared store): nothing was written.
	CopyAlready
	// CopyConflict: a different credential is there (Existing) and was
	// left alone: nothing was written there.
	CopyConflict
	// CopyFailed: the target could not be read or written (Err); nothing
	// was written there.
	CopyFailed
	// CopySkipped: nothing was written there because another target was
	// refused (a conflict or a failure found before any write): a copy is
	// made everywhere or, as far as can be known beforehand, nowhere.
	CopySkipped
)

// CopyTarget is what happened in one target agent.
type CopyTarget struct {
	Paths   Paths
	Outcome CopyOutcome
	// Existing is the profile the target held at the id before (for
	// CopyReplaced, CopyAlready and CopyConflict).
	Existing Profile
	// UsageReset reports that the replaced profile's usage stats were
	// dropped (they belonged to the old secret).
	UsageReset bool
	// Placed reports that the target's order override was written to put
	// the copy where CopyOptions.Place asked; Override is it then.
	Placed   bool
	Override []string
	Snapshot Snapshot // the target after the copy (CopyWritten, CopyReplaced)
	Err      error    // CopyFailed
}

// Wrote reports whether the target was written.
func (t CopyTarget) Wrote() bool { return t.Outcome == CopyWritten || t.Outcome == CopyReplaced }

// CopyResult is what CopyProfile did: the profile copied and each target
// in the order given.
type CopyResult struct {
	Profile Profile
	Targets []CopyTarget
}

// Refused reports whether any target did not end up with the credential.
func (r CopyResult) Refused() bool {
	for _, t := range r.Targets {
		if t.Outcome >= CopyConflict {
			return true
		}
	}
	return false
}

// NoProfileError says that the profile to copy is not in the source
// agent's store.
type NoProfileError struct {
	ID   string
	Path string
	IDs  []string // the ids that are there
}

func (e *NoProfileError) Error() string {
	return fmt.Sprintf("no profile %q in %s; profiles: %s", e.ID, SafeText(e.Path), ListIDs(e.IDs, 0))
}

// ErrCopyToSelf says that a target is the agent the profile is copied
// from.
var ErrCopyToSelf = errors.New("that is the agent it is copied from")

// CopyProfile copies the profile id of the agent at from to each agent of
// to (see the top of this file). Before writing anything it reads every
// target fresh: when one holds a different credential at the id (and
// neither Force nor a matching Replace allows replacing it), or cannot be
// read, no target is written (each says why in the result). Then each
// target is one transaction from a fresh read, which checks again; a
// target changed meanwhile is refused alone. The error is for the source
// (the profile is not there, or not a credential the gateway can use, or
// a target is the source itself); what happened in each target is in the
// result.
func CopyProfile(ctx context.Context, from Paths, id string, to []Paths, opt CopyOptions) (CopyResult, error) {
	src, err := Load(from)
	if err != nil {
		return CopyResult{}, err
	}
	p, ok := src.Store.Profile(id)
	if !ok {
		return CopyResult{}, &NoProfileError{ID: id, Path: from.Store, IDs: ProfileIDs(src.Store.Profiles)}
	}
	if !p.Usable() {
		return CopyResult{}, fmt.Errorf("%s is not a credential the gateway can use (it needs a type of api_key, token or oauth, a provider and a secret); nothing was copied", SafeText(id))
	}
	raw, _ := src.Store.profileJSON(id)
	res := CopyResult{Profile: p, Targets: make([]CopyTarget, len(to))}
	for i, t := range to {
		if t.SameAgent(from) {
			return CopyResult{}, fmt.Errorf("cannot copy %s to agent %s: %w", SafeText(id), SafeText(t.AgentID), ErrCopyToSelf)
		}
		res.Targets[i] = CopyTarget{Paths: t}
	}

	// Every target first, read fresh, so that a refusal writes nothing.
	refused := false
	for i := range res.Targets {
		tg := &res.Targets[i]
		snap, err := Load(tg.Paths)
		if err != nil {
			tg.Outcome, tg.Err, refused = CopyFailed, err, true
			continue
		}
		if g := snap.Paths.Gateway; g.Pending != nil {
			tg.Outcome, tg.Err, refused = CopyFailed, &MigrationPendingError{Migration: *g.Pending}, true
			continue
		}
		tg.Outcome = classifyCopy(snap.Store, p, opt, &tg.Existing)
		switch {
		case tg.Outcome == CopyConflict:
			refused = true
		case tg.Wrote() && snap.Paths.Gateway.Generation == GenUnknown:
			tg.Outcome, tg.Err, refused = CopyFailed, ErrUnknownGateway, true
		}
	}
	if refused {
		for i := range res.Targets {
			if tg := &res.Targets[i]; tg.Wrote() {
				tg.Outcome = CopySkipped
			}
		}
		return res, nil
	}

	for i := range res.Targets {
		tg := &res.Targets[i]
		if !tg.Wrote() {
			continue
		}
		*tg = copyTo(ctx, tg.Paths, p, raw, opt)
	}
	return res, nil
}

// classifyCopy says what copying p into s would do; existing receives the
// profile s holds at p's id.
func classifyCopy(s *Store, p Profile, opt CopyOptions, existing *Profile) CopyOutcome {
	cur, ok := s.Profile(p.ID)
	if !ok {
		return CopyWritten
	}
	*existing = cur
	switch {
	case SameCredential(cur, p):
		return CopyAlready
	case opt.Force, opt.Replace != nil && SameCredential(cur, *opt.Replace):
		return CopyReplaced
	}
	return CopyConflict
}

// copyTo writes p (its profile object raw) into the agent at paths in one
// transaction from a fresh read.
func copyTo(ctx context.Context, paths Paths, p Profile, raw json.RawMessage, opt CopyOptions) CopyTarget {
	tg := CopyTarget{Paths: paths}
	snap, err := update(ctx, paths, func(s *Store) error {
		tg = CopyTarget{Paths: paths}
		tg.Outcome = classifyCopy(s, p, opt, &tg.Existing)
		if !tg.Wrote() {
			return nil // the same one arrived meanwhile, or another: write nothing
		}
		s.putProfileJSON(p.ID, raw)
		if tg.Outcome == CopyReplaced && tg.Existing.Secret() != p.Secret() {
			tg.UsageReset = s.ResetUsage(p.ID)
		}
		if opt.Place != nil {
			cfg, _ := LoadConfig(paths.Config)
			if tg.Placed = PlaceProfile(s, cfg, p.Provider, p.ID, *opt.Place, time.Now()); tg.Placed {
				tg.Override, _ = s.OrderOverride(p.Provider)
			}
		}
		return nil
	})
	if err != nil {
		return CopyTarget{Paths: paths, Outcome: CopyFailed, Err: err}
	}
	tg.Snapshot = snap
	return tg
}

// SameCredential reports whether a and b are the same credential: the
// same type, provider, secret (and refresh token), expiry, email and
// account. Fields the gateway does not authenticate with do not count.
func SameCredential(a, b Profile) bool {
	return a.Type == b.Type && NormalizeProvider(a.Provider) == NormalizeProvider(b.Provider) &&
		a.Secret() == b.Secret() && a.Refresh == b.Refresh && a.Expires == b.Expires &&
		a.Email == b.Email && a.AccountID == b.AccountID
}

// profileJSON is the profile object stored at id, as written.
func (s *Store) profileJSON(id string) (json.RawMessage, bool) {
	profiles, ok := s.doc.child("profiles")
	if !ok {
		return nil, false
	}
	return profiles.get(id)
}

// putProfileJSON stores raw (a profile object) at id, in place of what was
// there (keeping its place) or at the end.
func (s *Store) putProfileJSON(id string, raw json.RawMessage) {
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		raw = b.Bytes()
	}
	profiles, _ := s.doc.child("profiles")
	profiles.set(id, raw)
	s.doc.setChild("profiles", profiles)
	s.refresh()
}
