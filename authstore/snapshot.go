package authstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Snapshot is everything one agent's credentials look like at a moment: the
// store, the config's auth settings and the keys in the environment.
// Snapshots are values; a Store inside one is never changed after Load.
type Snapshot struct {
	Paths Paths
	Store *Store
	// Exists reports whether auth-profiles.json exists. When it does not,
	// Store holds what the first write would import from legacy files.
	Exists         bool
	LegacyImported []string // profile ids that came from legacy files
	ModTime        time.Time
	Size           int64

	Config    Config
	ConfigErr error // a config that cannot be read; the rest still works
	Env       []EnvCredential
	EnvErr    error

	// planned are order overrides not written yet (Plan), by provider.
	planned map[string]Override
	// storePath is StorePath's answer when the storage gave one.
	storePath string
}

// StorePath is the path the gateway's own `models status --json` shows as
// auth.storePath for this snapshot: auth-profiles.json; for SQLite the
// agent's own database when it has a credentials row, else the shared
// store (openclaw 2026.9.6's resolveAuthStorePathForDisplay).
func (snap Snapshot) StorePath() string {
	if snap.storePath != "" {
		return snap.storePath
	}
	return snap.Paths.StorePath()
}

// Load reads the store, the config and the environment for paths. A corrupt
// store is a *CorruptError; the config and .env are best effort (their
// errors are in ConfigErr and EnvErr).
func Load(paths Paths) (Snapshot, error) {
	return load(paths, os.Getenv)
}

// LoadWithEnv is Load with the environment read through getenv, for callers
// (and tests) whose environment is not the process's.
func LoadWithEnv(paths Paths, getenv Getenv) (Snapshot, error) {
	return load(paths, getenv)
}

func load(paths Paths, getenv Getenv) (Snapshot, error) {
	paths = paths.redetect()
	snap := Snapshot{Paths: paths}
	st, err := storageFor(paths).read(paths)
	if err != nil {
		return snap, err
	}
	snap.setStored(st)
	snap.loadSides(getenv)
	return snap, nil
}

// setStored fills in what a storage read or transaction returned.
func (snap *Snapshot) setStored(st stored) {
	snap.Store, snap.LegacyImported = st.store, st.legacy
	snap.Exists, snap.ModTime, snap.Size = st.exists, st.modTime, st.size
	snap.storePath = st.storePath
	if snap.Store != nil {
		snap.Store.rules = snap.Paths.Gateway.Rules()
	}
}

// loadSides reads what a snapshot holds beside the store: the config and
// the keys in the environment and .env (best effort: their errors are
// kept in ConfigErr and EnvErr).
func (snap *Snapshot) loadSides(getenv Getenv) {
	paths := snap.Paths
	snap.Config, snap.ConfigErr = LoadConfig(paths.Config)
	lines, err := LoadEnvFile(paths.Env)
	switch {
	case isUnreadable(err): // says what and where already
		snap.EnvErr = err
	case err != nil:
		snap.EnvErr = fmt.Errorf("read %s: %w", paths.Env, err)
	}
	snap.Env = FindEnvCredentials(getenv, lines)
}

// readStore reads the store at path (already symlink-resolved or not). A
// missing store yields an empty one with the legacy files imported.
func readStore(paths Paths, path string) (*Store, fs.FileInfo, []string, error) {
	data, fi, err := readRegular(path, "auth store", MaxStoreSize)
	if errors.Is(err, fs.ErrNotExist) {
		s, ids, err := importLegacy(paths)
		return s, nil, ids, err
	}
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr) && nr.mode.IsDir():
		return nil, nil, nil, &CorruptError{Path: path, Reason: "it is a directory, not a file"}
	case errors.As(err, &nr):
		if path != paths.Store && nr.Target == "" { // a transaction reads the resolved path
			nr.Path, nr.Target = paths.Store, path
		}
		return nil, nil, nil, err
	case err != nil:
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, nil, nil, err
		}
		return nil, nil, nil, fmt.Errorf("read auth store: %w", err)
	}
	s, err := ParseStore(data)
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.Path = path
		}
		return nil, nil, nil, err
	}
	return s, fi, nil, nil
}

// update runs one transaction (SPEC §3) in the agent's storage: take the
// lock (or the database's write lock), read the store fresh, let fn change
// it, write back what changed, release. fn sees the store as it is on disk
// now, never a copy from an earlier read. When fn returns an error or
// changes nothing, nothing is written.
func update(ctx context.Context, paths Paths, fn func(*Store) error) (Snapshot, error) {
	paths = paths.redetect()
	if g := paths.Gateway; g.Pending != nil {
		return Snapshot{}, &MigrationPendingError{Migration: *g.Pending}
	}
	rules := paths.Gateway.Rules()
	st, err := storageFor(paths).update(ctx, paths, func(s *Store) error {
		s.rules = rules // fn judges health as this gateway does
		return fn(s)
	})
	if err != nil {
		return Snapshot{}, err
	}
	// The snapshot after the change is the store as just written (or read,
	// when nothing changed): reading it again would parse it a second time
	// for nothing (half a second at 100,000 profiles). The store is the
	// caller's from here on; nothing changes it any more.
	snap := Snapshot{Paths: paths}
	snap.setStored(st)
	snap.loadSides(os.Getenv)
	return snap, nil
}

// removeAbandonedTemps deletes temp files that a writer killed mid-write
// left beside the store (they may hold secrets). Only called with the lock
// held: every writer of these names holds it, so any that exist are
// abandoned.
func removeAbandonedTemps(real string) {
	dir, base := filepath.Dir(real), filepath.Base(real)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		var rest string
		switch {
		case strings.HasPrefix(name, "."+base): // writeAtomic: "." + base + digits
			rest = name[len(base)+1:]
		case strings.HasPrefix(name, base+".bak.tmp-"): // backup(): bak + ".tmp-" + pid
			rest = name[len(base)+len(".bak.tmp-"):]
		case strings.HasPrefix(name, base+".lock.") && strings.HasSuffix(name, ".tmp") && len(name) > len(base)+len(".lock..tmp"):
			// acquirePIDLock's content file: lock + "." + pid + "." +
			// digits + ".tmp" (before: lock + "." + pid + ".tmp"); only a
			// dead process's, or an old one (a live writer links or
			// removes it within microseconds).
			pidText, _, _ := strings.Cut(name[len(base)+len(".lock."):len(name)-len(".tmp")], ".")
			pid, err := strconv.Atoi(pidText)
			if err != nil {
				continue
			}
			if pidAlive(pid) {
				if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) <= lockStale {
					continue
				}
			}
			rest = "0"
		default:
			continue
		}
		if rest != "" && strings.Trim(rest, "0123456789") == "" && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}

// resolveReal follows symlinks to the file that is really written; a path
// that does not exist yet (or a dangling link's target) is returned as is.
func resolveReal(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("resolve %s: %w", path, err)
	}
	if target, lerr := os.Readlink(path); lerr == nil { // dangling symlink
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		return target, nil
	}
	return path, nil
}

// importLegacy builds a store from the legacy files (SPEC §1): the agent's
// auth.json (provider → credential) and the state's credentials/oauth.json
// (provider → OAuth credential), each as "<provider>:default".
func importLegacy(paths Paths) (*Store, []string, error) {
	s := NewStore()
	var ids []string
	profiles, _ := s.doc.child("profiles")
	for _, src := range []struct {
		path, defType string
	}{{paths.LegacyAuth, ""}, {paths.LegacyOAuth, TypeOAuth}} {
		data, _, err := readRegular(src.path, "legacy auth file", MaxStoreSize)
		if err != nil {
			continue // absent or unreadable legacy files are simply not imported
		}
		doc, err := parseDocument(data)
		if err != nil {
			continue
		}
		providers := append([]string(nil), doc.keys...)
		sort.SliceStable(providers, func(i, j int) bool {
			return NormalizeProvider(providers[i]) < NormalizeProvider(providers[j])
		})
		for _, prov := range providers {
			cred, err := parseObject(doc.vals[prov])
			if err != nil {
				continue
			}
			id := NormalizeProvider(prov) + ":default"
			if _, dup := profiles.get(id); dup {
				continue
			}
			if rawString(cred, "type") == "" {
				t := src.defType
				switch {
				case t != "":
				case rawString(cred, "key") != "":
					t = TypeAPIKey
				case rawString(cred, "token") != "":
					t = TypeToken
				case rawString(cred, "access") != "":
					t = TypeOAuth
				}
				cred.setValue("type", t)
			}
			if rawString(cred, "provider") == "" {
				cred.setValue("provider", NormalizeProvider(prov))
			}
			profiles.setChild(id, cred)
			ids = append(ids, id)
		}
	}
	s.doc.setChild("profiles", profiles)
	s.refresh()
	return s, ids, nil
}
