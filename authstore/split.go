package authstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateKeys are the parts of the store that openclaw 2026.4.7–6.1
// (generation C) keeps in auth-state.json rather than auth-profiles.json.
var stateKeys = [...]string{"order", "lastGood", "usageStats"}

// splitStorage is generation C (openclaw 2026.4.7–6.1): auth-profiles.json
// holds {version, profiles}; auth-state.json holds {version, order?,
// lastGood?, usageStats?}. The gateway reads both and lets auth-state.json
// win per provider (order, lastGood) and per profile id (usageStats) over
// what is still inline; its first write of any kind moves the inline state
// out, and it deletes auth-state.json when that ends empty. One lock, the
// store's, guards both files.
//
// moltbot reads the two as one virtual document, merged exactly that way,
// so that every operation works on one *Store. A write sends each part
// where the gateway of this generation reads it:
//   - the credentials (and every other key) to auth-profiles.json;
//   - the state to auth-state.json when that exists, moving any inline
//     state there as C's own first write does;
//   - else the state stays inline: C reads it there and moves it on its
//     own next write, and a gateway downgraded to 2026.4.5 or older (which
//     never reads auth-state.json) still sees it. moltbot never creates
//     auth-state.json.
//
// Only files whose content changed are written; unknown fields and key
// order survive in both (openclaw itself drops them on its next write).
// auth-profiles.json gets its .bak as in every generation; auth-state.json
// gets none: it holds no credential, and what it holds is either one
// `order set` away or the gateway's own bookkeeping (cooldowns, last use),
// which a restored copy would only make stale. The .bak taken when the
// inline state is moved out keeps that state as it was.
type splitStorage struct{}

// splitRead is what one read of the two files found.
type splitRead struct {
	store  *Store // the merged virtual document
	fi     fs.FileInfo
	legacy []string

	profiles *object // auth-profiles.json as on disk (legacy import when absent)
	state    *object // auth-state.json as on disk; nil when absent
	stateFI  fs.FileInfo
}

func (splitStorage) read(p Paths) (stored, error) {
	r, err := readSplit(p, p.Store, p.StateFile)
	if err != nil {
		return stored{}, err
	}
	return r.stored(), nil
}

func (r splitRead) stored() stored {
	st := stored{store: r.store, legacy: r.legacy}
	if r.fi != nil {
		st.exists, st.modTime, st.size = true, r.fi.ModTime(), r.fi.Size()
	}
	if r.stateFI != nil {
		st.size += r.stateFI.Size()
		if r.stateFI.ModTime().After(st.modTime) {
			st.modTime = r.stateFI.ModTime()
		}
	}
	return st
}

// readSplit reads the store at storePath and the state file at statePath
// (both already symlink-resolved, or as named) and merges them.
func readSplit(p Paths, storePath, statePath string) (splitRead, error) {
	store, fi, legacy, err := readStore(p, storePath)
	if err != nil {
		return splitRead{}, err
	}
	r := splitRead{fi: fi, legacy: legacy}
	r.profiles, err = parseObject(store.doc.marshal())
	if err != nil {
		return splitRead{}, err
	}
	r.state, r.stateFI, err = readStateFile(p, statePath)
	if err != nil {
		return splitRead{}, err
	}
	if r.state == nil {
		r.store = store
		return r, nil
	}
	merged := mergeState(store.doc, r.state)
	r.store = &Store{doc: merged}
	r.store.refresh()
	if r.store.dupIDs {
		r.store.duplicates = store.duplicates
	}
	return r, nil
}

// readStateFile reads auth-state.json; a missing one is nil.
func readStateFile(p Paths, path string) (*object, fs.FileInfo, error) {
	data, fi, err := readRegular(path, "auth state", MaxStoreSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr) && nr.mode.IsDir():
		return nil, nil, &CorruptError{Path: path, Reason: "it is a directory, not a file"}
	case errors.As(err, &nr):
		if path != p.StateFile && nr.Target == "" {
			nr.Path, nr.Target = p.StateFile, path
		}
		return nil, nil, err
	case err != nil:
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("read auth state: %w", err)
	}
	if rest, n := trimBOMs(data); n > 0 {
		if _, err := parseDocument(rest); err == nil {
			return nil, nil, &CorruptError{Path: path, Line: 1, Column: 1, Reason: bomReason}
		}
	}
	doc, err := parseDocument(data)
	if err != nil {
		ce := corruptFromJSON(data, err)
		ce.Path = path
		return nil, nil, ce
	}
	return doc, fi, nil
}

// mergeState is the store as generation C reads it: the document of
// auth-profiles.json with each of order, lastGood and usageStats replaced
// by {...inline, ...state}. A state entry replaces the inline one whole:
// per provider for order and lastGood (keys compared normalised, as the
// gateway normalises both before merging), per profile id for usageStats.
// Merged keys keep the inline order, new ones follow.
func mergeState(profiles, state *object) *object {
	out, _ := parseObject(profiles.marshal())
	for _, k := range stateKeys {
		sraw, ok := state.get(k)
		if !ok || !isObject(sraw) {
			continue
		}
		st, err := parseObject(sraw)
		if err != nil {
			continue
		}
		merged, _ := out.child(k)
		for _, key := range st.keys {
			if k != "usageStats" {
				var alias []string
				for _, ik := range merged.keys {
					if ik != key && NormalizeProvider(ik) == NormalizeProvider(key) {
						alias = append(alias, ik)
					}
				}
				merged.deleteAll(alias)
			}
			merged.set(key, st.vals[key])
		}
		out.setChild(k, merged)
	}
	return out
}

// splitDocs are the two files' new content after a change to the merged
// document: what auth-profiles.json and auth-state.json should hold (state
// nil: delete auth-state.json).
func splitDocs(merged, oldState *object) (profiles, state *object) {
	profiles, _ = parseObject(merged.marshal())
	profiles.deleteAll(stateKeys[:])
	state, _ = parseObject(oldState.marshal())
	for i, k := range stateKeys {
		raw, ok := merged.get(k)
		switch {
		case !ok, isObject(raw) && countMembers(raw) == 0:
			state.delete(k)
		default:
			// A key new to the file goes where C writes it: {version,
			// order, lastGood, usageStats}.
			state.setBefore(k, raw, stateKeys[i+1:]...)
		}
	}
	for _, k := range state.keys {
		if k != "version" {
			return profiles, state
		}
	}
	return profiles, nil // nothing left but a version: C deletes the file
}

// inlineState lists the state keys that auth-profiles.json still holds.
func inlineState(profiles *object) []string {
	var out []string
	for _, k := range stateKeys {
		if _, ok := profiles.get(k); ok {
			out = append(out, k)
		}
	}
	return out
}

func (splitStorage) update(ctx context.Context, p Paths, fn func(*Store) error) (stored, error) {
	if err := mkdirAllOwned(p.AgentDir); err != nil {
		return stored{}, fmt.Errorf("create agent dir: %w", err)
	}
	lockPath, real, err := storeLockPath(p)
	if err != nil {
		return stored{}, err
	}
	realState, err := resolveReal(p.StateFile)
	if err != nil {
		return stored{}, err
	}
	lock, err := acquireStoreLock(ctx, p, lockPath)
	if err != nil {
		return stored{}, err
	}
	defer lock.release() //nolint:errcheck // a lock left behind goes stale
	lockHeld(ctx)
	removeAbandonedTemps(real)
	removeAbandonedTemps(realState)

	r, err := readSplit(p, real, realState)
	if err != nil {
		return stored{}, err
	}
	hook("store-read")
	store := r.store
	before := store.Marshal()
	if err := fn(store); err != nil {
		return stored{}, err
	}
	if bytes.Equal(before, store.Marshal()) {
		if err := lock.release(); err != nil {
			return stored{}, err
		}
		return r.stored(), nil
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return stored{}, interrupted(ctx.Err())
	}

	// What each file should hold now.
	newProfiles, newState := store.doc, (*object)(nil)
	if r.state != nil {
		newProfiles, newState = splitDocs(store.doc, r.state)
	}
	// auth-profiles.json first, then auth-state.json, as C writes them.
	if pdata := newProfiles.marshalFile(); r.fi == nil || !bytes.Equal(pdata, r.profiles.marshalFile()) {
		if r.fi != nil {
			if err := backup(lock, real, real+".bak"); err != nil {
				return stored{}, err
			}
		}
		if err := writeAtomic(lock, real, pdata, 0o600); err != nil {
			return stored{}, err
		}
	}
	switch {
	case r.state == nil:
	case newState == nil:
		if err := lock.removeIfHeld(realState); err != nil {
			return stored{}, err
		}
	default:
		if sdata := newState.marshalFile(); !bytes.Equal(sdata, r.state.marshalFile()) {
			if err := writeAtomic(lock, realState, sdata, 0o600); err != nil {
				return stored{}, err
			}
		}
	}
	if err := lock.release(); err != nil {
		return stored{}, err
	}
	st := stored{store: store}
	if fi, err := os.Stat(real); err == nil {
		st.exists, st.modTime, st.size = true, fi.ModTime(), fi.Size()
	} else {
		st.legacy = r.legacy // nothing written: still to import
	}
	if fi, err := os.Stat(realState); err == nil {
		st.size += fi.Size()
		if fi.ModTime().After(st.modTime) {
			st.modTime = fi.ModTime()
		}
	}
	return st, nil
}

// removeIfHeld deletes path if lock is still ours, and syncs its
// directory.
func (h *lockHandle) removeIfHeld(path string) error {
	renameMu.Lock()
	err := h.check()
	if err == nil {
		err = os.Remove(path)
	}
	renameMu.Unlock()
	if errors.Is(err, ErrLockLost) {
		return err
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("could not remove %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// SplitState is what a generation C store's two files say beside the
// credentials, for doctor.
type SplitState struct {
	StateFile bool // auth-state.json exists
	// Inline lists the state keys (order, lastGood, usageStats) that
	// auth-profiles.json still holds beside an auth-state.json: a
	// downgrade leftover. openclaw 2026.4.7–6.1 moves them out on its
	// first write and never writes them back, so something else did (an
	// openclaw 2026.4.5 or older, which ignores auth-state.json, a
	// restored backup, a hand edit). Until the next write the gateway
	// lets auth-state.json win over them per provider and profile.
	Inline []string
}

// InspectSplitState reports on p's auth-state.json and what
// auth-profiles.json still holds inline beside it. It reads, never writes.
func InspectSplitState(p Paths) (SplitState, error) {
	var s SplitState
	state, _, err := readStateFile(p, p.StateFile)
	if err != nil || state == nil {
		return s, err
	}
	s.StateFile = true
	data, _, err := readRegular(p.Store, "auth store", MaxStoreSize)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	doc, err := parseDocument(data)
	if err != nil {
		return s, nil // Load reports a corrupt store
	}
	s.Inline = inlineState(doc)
	return s, nil
}

// setBefore sets k to v; a key new to o goes before the first of next
// that o holds, else at the end.
func (o *object) setBefore(k string, v []byte, next ...string) {
	if _, ok := o.vals[k]; ok {
		o.vals[k] = v
		return
	}
	for i, key := range o.keys {
		for _, n := range next {
			if key == n {
				o.keys = append(o.keys[:i], append([]string{k}, o.keys[i:]...)...)
				o.vals[k] = v
				return
			}
		}
	}
	o.set(k, v)
}
