package authstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// This file holds what `moltbot doctor` needs to look at and repair: the
// lock, file modes, order entries that point nowhere, and a corrupt store.

// LockState describes the store's lock at one moment.
type LockState struct {
	Path   string    // the lock path (next to the symlink-resolved store)
	Held   bool      // something is at Path
	Dir    bool      // it is a directory, as the gateway's proper-lockfile makes
	Holder string    // who holds it, as far as can be told ("process 123 (alive)")
	Since  time.Time // when it was taken (Taken), else when it was last refreshed (its mtime)
	Taken  bool      // Since is a lock file's createdAt
	Stale  bool      // abandoned: older than the stale limit, or its process is gone
	// Wedges reports a stale lock DIRECTORY beside the store of a gateway
	// whose lock is a file (openclaw 2026.2.17 and later, or one not known
	// to be clawdbot): those gateways cannot remove a directory, so every
	// one of their locked writes fails (2026.4.7) or spins (2026.5.12)
	// until it is gone. An old moltbot, or clawdbot, left it.
	Wedges bool
}

// lockPathForInspection is the store's lock path as p's gateway derives
// it; for a symlinked store that B and C would lock elsewhere than A, the
// path B and C use (the write itself is refused, see storeLockPath).
func lockPathForInspection(p Paths) (string, error) {
	lock, _, err := storeLockPath(p)
	var se *SymlinkedStoreError
	if errors.As(err, &se) {
		return se.Lock, nil
	}
	return lock, err
}

// InspectStoreLock reports on the store's lock. Ages are measured against
// now, which must be the real clock: the lock's mtime is real time.
func InspectStoreLock(paths Paths, now time.Time) (LockState, error) {
	path, err := lockPathForInspection(paths)
	if err != nil {
		return LockState{}, err
	}
	st := LockState{Path: path}
	seen, v, ok := inspectLock(st.Path, now)
	if !ok {
		return st, nil
	}
	st.Held, st.Dir, st.Holder, st.Since, st.Taken, st.Stale = true, seen.dir, v.holder, v.since, v.taken, v.stale
	st.Wedges = st.Dir && st.Stale && paths.Gateway.Lock == LockFile
	return st, nil
}

// RemoveStaleLock removes the store's lock if it is stale, checking again
// just before removing so that a lock taken meanwhile is left alone. It
// reports whether it removed one.
func RemoveStaleLock(paths Paths, now time.Time) (bool, error) {
	st, err := InspectStoreLock(paths, now)
	if err != nil || !st.Held || !st.Stale {
		return false, err
	}
	seen, v, ok := inspectLock(st.Path, now)
	if !ok || !v.stale {
		return false, nil
	}
	fi, err := os.Lstat(st.Path)
	if err != nil || !os.SameFile(fi, seen.fi) || !fi.ModTime().Equal(seen.fi.ModTime()) {
		return false, nil
	}
	if err := os.Remove(st.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("remove stale lock %s: %w", st.Path, err)
	}
	return true, nil
}

// SetLockWait changes how long a transaction waits for a busy lock before
// failing with a *LockedError, and returns a function that restores the
// previous wait. Tests use it to see a held lock fail fast; it must not be
// called while transactions run.
func SetLockWait(d time.Duration) (restore func()) {
	old := lockWait
	lockWait = d
	return func() { lockWait = old }
}

// PermCheck is a file or directory whose permissions matter because it
// holds credentials (or, for the agent dir, lists them).
type PermCheck struct {
	Name     string // what it is, for the user: "auth store", "agent directory"
	Path     string // the symlink-resolved path
	Exists   bool
	IsDir    bool
	Mode     fs.FileMode // permission bits
	Want     fs.FileMode // what moltbot creates it with
	Writable bool        // this process may write it (directories: create files in it)
	// Irregular names what a file that should be a regular file is instead
	// ("a FIFO (named pipe)"); its mode is then none of moltbot's business
	// (a store linked to /dev/zero must not make --fix chmod /dev/zero).
	Irregular string
	Err       error // stat failed for another reason than absence
}

// TooOpen reports whether users other than the owner have any access.
func (p PermCheck) TooOpen() bool { return p.Exists && p.Irregular == "" && p.Mode&0o077 != 0 }

// CheckPermissions looks at the agent directory (0700, first), the files
// that hold credentials in the gateway's generation (0600: the JSON store,
// auth-state.json and the backup, or openclaw's databases with their -wal
// and -shm) and the daemon's .env (0600, last).
func CheckPermissions(paths Paths) []PermCheck {
	type item struct {
		name, path string
		want       fs.FileMode
	}
	items := []item{{"agent directory", paths.AgentDir, 0o700}}
	// The files that hold credentials in this generation: the JSON store
	// and its backup (and auth-state.json), or openclaw's databases with
	// the -wal and -shm beside them (a WAL holds recent secrets too).
	for _, f := range paths.StoreFiles() {
		items = append(items, item{"auth store", f.Path, 0o600})
		if paths.Gateway.Generation == GenSQLite {
			items = append(items, item{"auth store", f.Path + "-wal", 0o600}, item{"auth store", f.Path + "-shm", 0o600})
		}
	}
	if paths.Gateway.Generation != GenSQLite {
		items = append(items, item{"auth store backup", paths.Backup, 0o600})
	}
	items = append(items, item{".env", paths.Env, 0o600})
	out := make([]PermCheck, 0, len(items))
	for _, it := range items {
		pc := PermCheck{Name: it.name, Path: it.path, Want: it.want}
		if real, err := resolveReal(it.path); err == nil {
			pc.Path = real
		}
		fi, err := os.Stat(pc.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			pc.Err = err
		default:
			pc.Exists, pc.IsDir, pc.Mode = true, fi.IsDir(), fi.Mode().Perm()
			pc.Writable = unix.Access(pc.Path, unix.W_OK) == nil
			if it.want&0o100 == 0 && !fi.Mode().IsRegular() { // a file, not a directory
				pc.Irregular = fileKind(fi.Mode())
			}
		}
		out = append(out, pc)
	}
	return out
}

// FixPermission sets p's mode to what moltbot would have created it with.
func FixPermission(p PermCheck) error {
	if !p.Exists {
		return nil
	}
	if err := os.Chmod(p.Path, p.Want); err != nil {
		return fmt.Errorf("chmod %o %s: %w", p.Want, p.Path, err)
	}
	return nil
}

// OrderEntry is one id in a provider's order list.
type OrderEntry struct {
	Provider string // the key as written in the file
	ID       string
}

// DanglingOrder lists the store's order entries that name no profile, in
// file order.
func (s *Store) DanglingOrder() []OrderEntry {
	order, ok := s.doc.child("order")
	if !ok {
		return nil
	}
	var out []OrderEntry
	for _, k := range order.keys {
		for _, id := range s.Order[k] {
			if _, ok := s.Profile(id); !ok {
				out = append(out, OrderEntry{k, id})
			}
		}
	}
	return out
}

// PruneDanglingOrder removes the order entries that name no profile and
// returns them. A list that becomes empty is removed (an empty override
// would keep the gateway from using any profile of that provider), and so
// is the "order" object when nothing is left in it.
func (s *Store) PruneDanglingOrder() []OrderEntry {
	dangling := s.DanglingOrder()
	if len(dangling) == 0 {
		return nil
	}
	order, _ := s.doc.child("order")
	for _, k := range append([]string(nil), order.keys...) {
		ids, ok := s.Order[k]
		if !ok {
			continue
		}
		kept := make([]string, 0, len(ids))
		for _, id := range ids {
			if _, ok := s.Profile(id); ok {
				kept = append(kept, id)
			}
		}
		switch {
		case len(kept) == len(ids):
		case len(kept) == 0:
			order.delete(k)
		default:
			order.setValue(k, kept)
		}
	}
	if len(order.keys) == 0 {
		s.doc.delete("order")
	} else {
		s.doc.setChild("order", order)
	}
	s.refresh()
	return dangling
}

// DanglingOrder lists the config's auth.order entries that name no profile
// in s, sorted by provider key.
func (c Config) DanglingOrder(s *Store) []OrderEntry {
	keys := make([]string, 0, len(c.Order))
	for k := range c.Order {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []OrderEntry
	for _, k := range keys {
		for _, id := range c.Order[k] {
			if _, ok := s.Profile(id); !ok {
				out = append(out, OrderEntry{k, id})
			}
		}
	}
	return out
}

// CheckBackup reads the store's .bak and reports how many profiles it holds.
// A missing backup is fs.ErrNotExist; an unreadable one a *CorruptError.
func CheckBackup(paths Paths) (int, error) {
	real, err := resolveReal(paths.Store)
	if err != nil {
		return 0, err
	}
	data, _, err := readRegular(real+".bak", "auth store backup", MaxStoreSize)
	if err != nil {
		return 0, err
	}
	s, err := ParseStore(data)
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.Path = real + ".bak"
		}
		return 0, err
	}
	return len(s.Profiles), nil
}

// QuarantineResult says what QuarantineCorruptStore did.
type QuarantineResult struct {
	MovedTo  string // where the corrupt store now is; "" when nothing was moved
	Restored bool   // the backup was valid and is the store now
	// BackupProblem says why the backup was not restored: there is none, or
	// it is corrupt too.
	BackupProblem string
	Profiles      int // profiles in the restored store
	// State reports that the file moved aside was auth-state.json (the
	// order and usage of a split store), not the credentials.
	State bool
}

// QuarantineCorruptStore moves a corrupt store aside, to
// "auth-profiles.json.corrupt-<UTC timestamp>", and puts a valid .bak in its
// place (the .bak itself is kept). It works under the store's lock and
// checks the file again there: a store that parses (someone fixed it
// meanwhile) or is absent is left alone and MovedTo stays empty.
//
// For a split store (openclaw 2026.4.7–6.1) a corrupt auth-state.json is
// moved aside the same way when auth-profiles.json itself is sound; it has
// no backup (State is then set), and the gateway reads the state inline
// or none, as it does itself when it cannot parse the file.
func QuarantineCorruptStore(ctx context.Context, paths Paths, now time.Time) (QuarantineResult, error) {
	var res QuarantineResult
	lockPath, real, err := storeLockPath(paths)
	if err != nil {
		return res, err
	}
	lock, err := acquireStoreLock(ctx, paths, lockPath)
	if err != nil {
		return res, err
	}
	defer lock.release() //nolint:errcheck // a lock left behind goes stale

	moveAside := func(path, what string) error {
		dest := path + ".corrupt-" + now.UTC().Format("20060102-150405")
		for i := 1; ; i++ {
			if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
				break
			}
			dest = fmt.Sprintf("%s.corrupt-%s-%d", path, now.UTC().Format("20060102-150405"), i)
		}
		if err := lock.renameIfHeld(path, dest); err != nil {
			if errors.Is(err, ErrLockLost) {
				return err
			}
			return fmt.Errorf("move corrupt %s aside: %w", what, err)
		}
		res.MovedTo = dest
		return syncDir(filepath.Dir(path))
	}

	fi, err := os.Lstat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("look at %s: %w", real, err)
	}
	if !fi.IsDir() {
		data, _, err := readRegular(real, "auth store", MaxStoreSize)
		if err != nil {
			return res, err
		}
		if _, err := ParseStore(data); err == nil {
			return quarantineState(paths, &res, moveAside)
		}
	}
	if err := moveAside(real, "store"); err != nil {
		return res, err
	}

	bak, _, err := readRegular(real+".bak", "auth store backup", MaxStoreSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		res.BackupProblem = "there is no backup"
	case err != nil:
		res.BackupProblem = "the backup cannot be read: " + err.Error()
	default:
		s, perr := ParseStore(bak)
		if perr != nil {
			res.BackupProblem = "the backup is corrupt too"
			break
		}
		if err := writeAtomic(lock, real, bak, 0o600); err != nil {
			return res, fmt.Errorf("restore backup: %w", err)
		}
		res.Restored, res.Profiles = true, len(s.Profiles)
	}
	return res, lock.release()
}

// quarantineState moves a corrupt auth-state.json aside (see
// QuarantineCorruptStore); one that parses, or none, is left alone.
func quarantineState(paths Paths, res *QuarantineResult, moveAside func(path, what string) error) (QuarantineResult, error) {
	if paths.Gateway.Generation != GenSplitJSON {
		return *res, nil
	}
	realState, err := resolveReal(paths.StateFile)
	if err != nil {
		return *res, err
	}
	var ce *CorruptError
	if _, _, err := readStateFile(paths, realState); !errors.As(err, &ce) {
		return *res, nil
	}
	if err := moveAside(realState, "auth-state.json"); err != nil {
		return *res, err
	}
	res.State = true
	res.BackupProblem = "auth-state.json has no backup"
	return *res, nil
}

// StripStoreBOM removes the UTF-8 byte-order mark a store starts with, the
// one thing that keeps it (and the gateway) from reading it. It works under
// the store's lock, reads the file again there, and replaces it atomically
// with the same bytes minus the mark; a store that does not start with one,
// or that would still not parse without it, is left alone (removed is then
// false). The .bak is not touched: the file with the mark was never a store
// the gateway could read.
func StripStoreBOM(ctx context.Context, paths Paths) (removed bool, err error) {
	lockPath, real, err := storeLockPath(paths)
	if err != nil {
		return false, err
	}
	lock, err := acquireStoreLock(ctx, paths, lockPath)
	if err != nil {
		return false, err
	}
	defer lock.release() //nolint:errcheck // a lock left behind goes stale
	data, fi, err := readRegular(real, "auth store", MaxStoreSize)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	rest, n := trimBOMs(data)
	if n == 0 {
		return false, nil
	}
	if _, err := parseStore(rest); err != nil {
		return false, nil
	}
	if err := writeAtomic(lock, real, rest, fi.Mode().Perm()&0o600); err != nil {
		return false, err
	}
	return true, lock.release()
}

// DuplicateProfile is a profile id written more than once in "profiles".
// The gateway (JSON.parse) reads the last one only, and so does moltbot;
// the next write that changes a profile keeps only that one.
type DuplicateProfile struct {
	ID    string
	Lines []int // where each one is, in file order
}

// duplicateProfiles lists the ids that data's "profiles" (the last
// "profiles", the one JSON.parse keeps) holds more than once, in order of
// first appearance, with the line of each. data is a store that parses.
func duplicateProfiles(data []byte) []DuplicateProfile {
	pStart, pEnd := -1, -1
	_ = scanObject(data, func(key string, start, end int) {
		if key == "profiles" {
			pStart, pEnd = start, end
		}
	})
	if pStart < 0 {
		return nil
	}
	var out []DuplicateProfile
	at := map[string]int{} // id → index in out, or -1 when seen once
	first := map[string]int{}
	_ = scanObject(data[pStart:pEnd], func(id string, start, _ int) {
		line, _ := lineCol(data, int64(pStart+start))
		i, seen := at[id]
		switch {
		case !seen:
			at[id], first[id] = -1, line
		case i < 0:
			at[id] = len(out)
			out = append(out, DuplicateProfile{ID: id, Lines: []int{first[id], line}})
		default:
			out[i].Lines = append(out[i].Lines, line)
		}
	})
	return out
}

// DirCheck is a directory the credentials depend on: whoever can write in
// it can replace the files in it (rename a store of their own over ours).
type DirCheck struct {
	Name   string // "state directory", "agents directory", "config directory"
	Path   string // symlinks resolved
	Exists bool
	Mode   uint32 // as chmod takes it: permission, setuid, setgid and sticky bits
	Err    error  // stat failed for another reason than absence
}

// WritableByOthers reports whether users other than the owner may create,
// rename or remove files in the directory.
func (d DirCheck) WritableByOthers() bool { return d.Exists && d.Mode&0o022 != 0 }

// CheckDirectories looks at the directories above the agent directory
// that the credentials depend on: the state directory, those between it
// and the agent directory (agents/ and agents/<id>/), and the config's
// directory when that is another one. (The agent directory itself is in
// CheckPermissions.) Each is listed once, in that order.
func CheckDirectories(paths Paths) []DirCheck {
	var items []DirCheck
	seen := map[string]bool{}
	add := func(name, path string) {
		if path == "" {
			return
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		if real, err := resolveReal(path); err == nil {
			path = real
		}
		if seen[path] {
			return
		}
		seen[path] = true
		d := DirCheck{Name: name, Path: path}
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			d.Err = err
		case fi.IsDir():
			d.Exists, d.Mode = true, chmodBits(fi.Mode())
		}
		items = append(items, d)
	}
	agentReal := paths.AgentDir
	if real, err := resolveReal(agentReal); err == nil {
		agentReal = real
	}
	seen[agentReal] = true // checked as the agent directory
	add("state directory", paths.StateDir)
	if rel, err := filepath.Rel(paths.StateDir, paths.AgentDir); err == nil && !strings.HasPrefix(rel, "..") {
		// agents/, agents/<id>/: each can have the agent dir renamed away.
		parts := strings.Split(rel, string(filepath.Separator))
		for i := 1; i < len(parts); i++ {
			add("agents directory", filepath.Join(append([]string{paths.StateDir}, parts[:i]...)...))
		}
	}
	add("config directory", filepath.Dir(paths.Config))
	return items
}

// FixDirectory removes the group and world write bits of d (chmod go-w);
// every other bit (read, search, sticky, setgid) stays as it is.
func FixDirectory(d DirCheck) error {
	if !d.WritableByOthers() {
		return nil
	}
	m := fs.FileMode(d.Mode & 0o777 &^ 0o022)
	for bit, flag := range map[uint32]fs.FileMode{0o4000: fs.ModeSetuid, 0o2000: fs.ModeSetgid, 0o1000: fs.ModeSticky} {
		if d.Mode&bit != 0 {
			m |= flag
		}
	}
	if err := os.Chmod(d.Path, m); err != nil {
		return fmt.Errorf("chmod go-w %s: %w", d.Path, err)
	}
	return nil
}

// chmodBits is m as the number chmod takes (and ls shows): 01777 for a
// sticky, world-writable directory.
func chmodBits(m fs.FileMode) uint32 {
	b := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		b |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		b |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		b |= 0o1000
	}
	return b
}

// Unreadable is a gateway file that the owner of its directory (the user
// the gateway runs as, normally) cannot read: what `sudo moltbot …` used to
// leave behind, a root:root 0600 file in the service user's directory.
type Unreadable struct {
	Name string // "auth store", "config", ".env"
	Path string // symlinks resolved
	// Owner and Group are the directory's, as names when they have one:
	// the chown that fixes it. ChmodOnly is set when the file already
	// belongs to that user and only lacks its read bit.
	Owner, Group string
	ChmodOnly    bool
}

// CheckReadableByDirOwner lists the store, the config and .env when the
// owner of the directory they are in cannot read them. Nothing is reported
// for a directory that root owns (root reads everything), or on systems
// without Unix ownership.
func CheckReadableByDirOwner(paths Paths) []Unreadable {
	var out []Unreadable
	for _, it := range []struct{ name, path string }{
		{"auth store", paths.Store},
		{"config", paths.Config},
		{".env", paths.Env},
	} {
		path := it.path
		if real, err := resolveReal(path); err == nil {
			path = real
		}
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		di, err := os.Stat(filepath.Dir(path))
		if err != nil {
			continue
		}
		st, ok1 := fi.Sys().(*syscall.Stat_t)
		ds, ok2 := di.Sys().(*syscall.Stat_t)
		if !ok1 || !ok2 || ds.Uid == 0 || canRead(ds.Uid, ds.Gid, st.Uid, st.Gid, fi.Mode().Perm()) {
			continue
		}
		out = append(out, Unreadable{
			Name: it.name, Path: path,
			Owner: userName(ds.Uid), Group: groupName(ds.Gid),
			ChmodOnly: st.Uid == ds.Uid,
		})
	}
	return out
}

// canRead reports whether user uid (whose primary group is, we assume,
// the directory's group dirGID when the user database does not say) may
// read a file owned by fuid:fgid with mode.
func canRead(uid, dirGID, fuid, fgid uint32, mode fs.FileMode) bool {
	switch {
	case fuid == uid:
		return mode&0o400 != 0
	case inGroup(uid, dirGID, fgid):
		return mode&0o040 != 0
	}
	return mode&0o004 != 0
}

func inGroup(uid, dirGID, gid uint32) bool {
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return gid == dirGID
	}
	ids, err := u.GroupIds()
	if err != nil {
		ids = []string{u.Gid}
	}
	return slices.Contains(ids, strconv.FormatUint(uint64(gid), 10))
}

func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username
	}
	return id
}

func groupName(gid uint32) string {
	id := strconv.FormatUint(uint64(gid), 10)
	if g, err := user.LookupGroupId(id); err == nil && g.Name != "" {
		return g.Name
	}
	return id
}
