package authstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// storage is one generation's way of keeping an agent's credentials (see
// Generation). Everything above it — the operations, health, order, the
// report — works on a *Store whatever the storage: a storage turns what is
// on disk into one Store as the gateway would read it, and writes a
// changed Store back where the gateway of that generation reads each part.
type storage interface {
	// read returns the agent's store as the gateway would read it, without
	// taking any lock (the gateways' own readers take none).
	read(p Paths) (stored, error)
	// update runs fn on a fresh read inside the generation's transaction
	// (its lock, or the database's write lock), and writes back only what
	// changed. When fn fails or changes nothing, nothing is written.
	update(ctx context.Context, p Paths, fn func(*Store) error) (stored, error)
}

// stored is what a storage read: the store and what is known of it.
type stored struct {
	store   *Store
	exists  bool // the store exists on disk (else store holds what a first write would import)
	modTime time.Time
	size    int64
	legacy  []string // ids the first write would import from legacy files
	// storePath is the path the gateway's `models status --json` shows as
	// auth.storePath, when the storage decides it (SQLite); "" otherwise.
	storePath string
}

// storageFor is the storage of p's gateway generation.
func storageFor(p Paths) storage {
	switch p.Gateway.Generation {
	case GenSplitJSON:
		return splitStorage{}
	case GenSQLite:
		return sqliteStorage{}
	case GenUnknown:
		return unknownStorage{}
	}
	return jsonStorage{}
}

// unknownStorage is a state dir where nothing says which gateway it
// belongs to: it reads as empty (or what legacy files hold), and nothing
// is written — a JSON store written there would make openclaw 2026.6.5
// and later refuse every credential until its doctor imported it.
type unknownStorage struct{ jsonStorage }

func (unknownStorage) update(context.Context, Paths, func(*Store) error) (stored, error) {
	return stored{}, ErrUnknownGateway
}

// ErrUnknownGateway says that moltbot cannot tell which gateway generation
// to write for.
var ErrUnknownGateway = errors.New("no gateway files here yet (no store, database or config version), so moltbot cannot tell which gateway generation to write for: run the gateway once (e.g. `openclaw models status`), or say which with --gateway clawdbot|openclaw-json|openclaw-split|openclaw-sqlite (or MOLTBOT_GATEWAY)")

// jsonStorage is generations A and B: one auth-profiles.json with the
// order, lastGood and usageStats inline, under the gateway's lock (a
// directory for a gateway known to be A, else a regular file: see
// LockForm).
type jsonStorage struct{}

func (jsonStorage) read(p Paths) (stored, error) {
	store, fi, legacy, err := readStore(p, p.Store)
	if err != nil {
		return stored{}, err
	}
	st := stored{store: store, legacy: legacy}
	if fi != nil {
		st.exists, st.modTime, st.size = true, fi.ModTime(), fi.Size()
	}
	return st, nil
}

func (jsonStorage) update(ctx context.Context, p Paths, fn func(*Store) error) (stored, error) {
	if err := mkdirAllOwned(p.AgentDir); err != nil {
		return stored{}, fmt.Errorf("create agent dir: %w", err)
	}
	lockPath, real, err := storeLockPath(p)
	if err != nil {
		return stored{}, err
	}
	lock, err := acquireStoreLock(ctx, p, lockPath)
	if err != nil {
		return stored{}, err
	}
	// Deferred, so that the lock is released on every return and also when
	// fn panics (the panic then goes on to the caller).
	defer lock.release() //nolint:errcheck // a lock left behind goes stale
	lockHeld(ctx)
	removeAbandonedTemps(real)

	store, fi, legacy, err := readStore(p, real)
	if err != nil {
		return stored{}, err
	}
	hook("store-read")
	before := store.Marshal()
	if err := fn(store); err != nil {
		return stored{}, err
	}
	after := store.Marshal()
	if !bytes.Equal(before, after) {
		// Asked to stop (ctrl+c, SIGTERM, SIGHUP) before anything was
		// written: write nothing. Once the write has begun it finishes.
		if errors.Is(ctx.Err(), context.Canceled) {
			return stored{}, interrupted(ctx.Err())
		}
		if fi != nil {
			if err := backup(lock, real, real+".bak"); err != nil {
				return stored{}, err
			}
		}
		if err := writeAtomic(lock, real, after, 0o600); err != nil {
			return stored{}, err
		}
	}
	if err := lock.release(); err != nil {
		return stored{}, err
	}
	st := stored{store: store}
	if fi, err := os.Stat(real); err == nil {
		st.exists, st.modTime, st.size = true, fi.ModTime(), fi.Size()
	} else {
		st.legacy = legacy // nothing written: still to import
	}
	return st, nil
}

// storeLockPath is where p's gateway locks the store, and the store's
// real path (symlinks followed: the file that is really written, as every
// gateway writes through a symlinked store).
//
// The gateways derive the lock path differently (json-gens.md §5): A's
// proper-lockfile resolves the store FILE (realpath(store) + ".lock"),
// B's and C's file lock only its DIRECTORY (realpath(dir)/
// auth-profiles.json.lock). The two differ only when auth-profiles.json
// is itself a symlink to another directory or name. A is then locked as it
// locks itself; for B and C, whose generation the files never prove to be
// A, no single lock keeps every gateway out, and the write is refused.
func storeLockPath(p Paths) (lock, real string, err error) {
	real, err = resolveReal(p.Store)
	if err != nil {
		return "", "", err
	}
	if p.Gateway.Generation == GenClawdbot || p.Gateway.Lock == LockDir {
		return real + ".lock", real, nil
	}
	dir, err := resolveReal(filepath.Dir(p.Store))
	if err != nil {
		return "", "", err
	}
	lock = filepath.Join(dir, filepath.Base(p.Store)) + ".lock"
	if lock != real+".lock" {
		return "", "", &SymlinkedStoreError{Store: p.Store, Target: real, Lock: lock, GatewayLock: real + ".lock"}
	}
	return lock, real, nil
}

// SymlinkedStoreError refuses a write to an auth-profiles.json that is a
// symlink elsewhere, for a gateway that is not known to be clawdbot:
// openclaw 2026.2.17 and later lock beside the link, clawdbot and openclaw
// up to 2026.2.12 beside its target, and no one lock keeps both out.
type SymlinkedStoreError struct {
	Store, Target     string
	Lock, GatewayLock string // the B/C lock path and the A lock path
}

func (e *SymlinkedStoreError) Error() string {
	return fmt.Sprintf("%s is a symlink to %s: openclaw 2026.2.17 and later lock %s, but clawdbot and openclaw up to 2026.2.12 lock %s, so no single lock keeps every gateway out and moltbot writes nothing (replace the link with the file: mv %s %s)",
		e.Store, e.Target, e.Lock, e.GatewayLock, shellQuoteArg(e.Target), shellQuoteArg(e.Store))
}

// shellQuoteArg quotes s for a shell command line in a message.
func shellQuoteArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// acquireStoreLock takes the store's lock in the form p's gateway honours:
// proper-lockfile's directory only for a gateway known to be A, else a
// regular file (A waits on it, B and C read its pid; a directory would make
// openclaw 2026.5.12 spin and 6.1 fail, then save without a lock).
func acquireStoreLock(ctx context.Context, p Paths, path string) (*lockHandle, error) {
	if p.Gateway.Lock == LockDir {
		return acquireLock(ctx, path)
	}
	return acquirePIDLock(ctx, path)
}

// sqliteStorage is generation D: see sqlite_storage.go.

// MigrationPendingError says that the files are between two generations
// (a legacy JSON store beside an empty SQLite one): the gateway refuses
// them until its doctor migrates them, and moltbot writes nothing.
type MigrationPendingError struct {
	Migration Migration
}

func (e *MigrationPendingError) Error() string {
	return fmt.Sprintf("%s; moltbot does not migrate between gateway generations: run `%s`, then try again", e.Migration.Reason, e.Migration.Command)
}
