package authstore

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// Every file this package creates beside the gateway's files is new: made
// with O_CREAT|O_EXCL|O_NOFOLLOW under a name nobody else picked, so a
// symlink planted where a temp or lock file will be (by someone who may
// write the directory but not the file it points at) is never followed.
// A replaced file keeps its owner and group, and a new file or directory
// takes its directory's: `sudo moltbot …` on a service user's state dir
// leaves files that user can still read and write.

// createTemp creates a new file dir/prefix<digits>suffix, mode 0600, never
// through a symlink and never one that exists.
func createTemp(dir, prefix, suffix string) (*os.File, string, error) {
	for range 10000 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64()>>1, 10)+suffix)
		fd, err := unix.Open(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err == nil {
			return os.NewFile(uintptr(fd), name), name, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			return nil, "", &fs.PathError{Op: "create", Path: name, Err: err}
		}
	}
	return nil, "", &fs.PathError{Op: "create", Path: filepath.Join(dir, prefix+"…"+suffix), Err: fs.ErrExist}
}

// ownerFor is who the file at path should belong to: its owner when it
// exists, else the owner of its directory. ok is false when neither can be
// looked at.
func ownerFor(path string) (uid, gid int, ok bool) {
	var st unix.Stat_t
	if unix.Stat(path, &st) == nil {
		return int(st.Uid), int(st.Gid), true
	}
	if unix.Stat(filepath.Dir(path), &st) == nil {
		return int(st.Uid), int(st.Gid), true
	}
	return 0, 0, false
}

// giveTo makes f belong to uid:gid. Only root can give a file away: for
// anyone else a refused chown leaves the file theirs, as it always was.
func giveTo(f *os.File, uid, gid int) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if int(st.Uid) == uid && int(st.Gid) == gid {
		return nil
	}
	if err := f.Chown(uid, gid); err != nil && os.Geteuid() == 0 {
		return err
	}
	return nil
}

// mkdirAllOwned is os.MkdirAll(dir, 0700) where every directory it creates
// takes the owner and group of the directory it is created in.
func mkdirAllOwned(dir string) error {
	if fi, err := os.Stat(dir); err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: dir, Err: unix.ENOTDIR}
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAllOwned(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return nil // made meanwhile by someone else
		}
		return err
	}
	var st unix.Stat_t
	if unix.Stat(parent, &st) == nil && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid()) {
		if err := os.Lchown(dir, int(st.Uid), int(st.Gid)); err != nil && os.Geteuid() == 0 {
			return err
		}
	}
	return nil
}

// renameIfHeld renames from over to if lock is still ours: the check and
// the rename are the last two steps, so a writer that was paused until its
// lock was broken writes nothing.
func (h *lockHandle) renameIfHeld(from, to string) error {
	renameMu.Lock()
	defer renameMu.Unlock()
	if err := h.check(); err != nil {
		return err
	}
	return os.Rename(from, to)
}

// writeAtomic replaces path with data under lock: a new temp file in the
// same directory (0600 from its first byte, then perm), written, given the
// owner of the file it replaces (or of the directory, for a new file),
// fsynced and closed; then, if the lock is still ours, renamed over path,
// and the directory fsynced. A crash leaves the old or the new file; a lost
// lock leaves the old one and a *LockLostError.
func writeAtomic(lock *lockHandle, path string, data []byte, perm fs.FileMode) error {
	if err := lock.check(); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	uid, gid, haveOwner := ownerFor(path)
	f, tmp, err := createTemp(dir, "."+filepath.Base(path), "")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temp file's random name would only confuse
		}
		return fmt.Errorf("cannot create a file in %s: %w (check that it is writable by you)", dir, err)
	}
	registerTemp(tmp)
	defer unregisterTemp(tmp)
	closed, renamed := false, false
	defer func() {
		if !closed {
			f.Close()
		}
		if !renamed {
			_ = os.Remove(tmp)
		}
	}()
	failed := func(err error) error {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("could not write %s: %w; it was left as it was (free some space or fix the directory, then try again)", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return failed(err)
	}
	if _, err := f.Write(data); err != nil {
		return failed(err)
	}
	if haveOwner {
		if err := giveTo(f, uid, gid); err != nil {
			return failed(err)
		}
	}
	if err := f.Sync(); err != nil {
		return failed(err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return failed(err)
	}
	if err := lock.renameIfHeld(tmp, path); err != nil {
		if errors.Is(err, ErrLockLost) {
			return err
		}
		return failed(err)
	}
	renamed = true
	return syncDir(dir)
}

// backup makes bak a copy of the current file (a hard link when the file
// system allows it: no data is copied and the old inode stays intact when
// the new file is renamed over the store), replaced atomically under lock.
func backup(lock *lockHandle, path, bak string) error {
	fp, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("keep backup %s: %w", bak, err)
	}
	if fb, err := os.Lstat(bak); err == nil && os.SameFile(fp, fb) {
		// Already the backup (a writer stopped after linking it): and
		// renaming a link over another link of the same file would do
		// nothing and leave the temp name behind.
		return nil
	}
	// A hard link copies nothing and keeps the old inode intact when the
	// new file is renamed over the store. But a store that others can read
	// (made by hand, say) is copied into a private file instead: the backup
	// must not stay readable once the store is private again.
	if fp.Mode().Perm()&0o077 == 0 {
		if err := lock.check(); err != nil {
			return err
		}
		// link(2) never follows a symlink at its new name: whatever was
		// planted there is removed (the link itself, not what it points
		// at), and one planted again meanwhile makes the link fail.
		tmp := fmt.Sprintf("%s.tmp-%d", bak, os.Getpid())
		_ = os.Remove(tmp)
		if err := os.Link(path, tmp); err == nil {
			registerTemp(tmp)
			err := lock.renameIfHeld(tmp, bak)
			_ = os.Remove(tmp) // normally gone already
			unregisterTemp(tmp)
			if errors.Is(err, ErrLockLost) {
				return err
			}
			if err != nil {
				return fmt.Errorf("keep backup %s: %w", bak, err)
			}
			return syncDir(filepath.Dir(bak))
		}
	}
	data, _, err := readRegular(path, "auth store", MaxStoreSize)
	if err != nil {
		return fmt.Errorf("keep backup %s: %w", bak, err)
	}
	return writeAtomic(lock, bak, data, 0o600)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
