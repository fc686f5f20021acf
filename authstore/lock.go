package authstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// The gateway locks its store with proper-lockfile: mkdir "<realpath>.lock",
// refresh the directory's mtime while held, and treat an entry older than the
// stale limit as abandoned. Newer gateways leave a file holding
// {"pid":…,"createdAt":…[,"starttime":…]} at the same path instead. We speak
// both; judgeLock says when either may be broken.
var (
	lockStale   = 30 * time.Second // an untouched lock older than this may be abandoned
	lockRefresh = 10 * time.Second // how often a held lock's mtime is touched
	lockWait    = 10 * time.Second // how long to wait for a busy lock
)

// LockWait is what taking one lock cost: how long the caller waited and
// how many times it tried. Err is nil when the lock was taken.
type LockWait struct {
	Path   string
	Waited time.Duration
	Tries  int
	Err    error
}

var lockObserver atomic.Pointer[func(LockWait)]

// ObserveLocks calls f after every attempt to take a lock (the store's,
// the config's or .env's) has ended, taken or not; nil stops it. It is for
// diagnostics (`MOLTBOT_DEBUG=lock`) and for the stress test's figures.
func ObserveLocks(f func(LockWait)) {
	if f == nil {
		lockObserver.Store(nil)
		return
	}
	lockObserver.Store(&f)
}

// lockHandle is a held lock; release it exactly once.
//
// It keeps the lock's own inode open: the refresh touches that inode (never
// whatever the path names by then), and while it is open its number cannot
// be reused, so "the path still names our inode, with the mtime we last
// set (and, for a file, the bytes we wrote)" proves the lock is still ours.
// That is checked before every rename under it and before it is removed,
// as proper-lockfile does: a writer paused for longer than the stale limit
// (SIGSTOP, ctrl+z, a suspended VM) may have been taken for dead.
type lockHandle struct {
	path    string // the lock
	guarded string // the file it guards, for messages
	content []byte // a lock file's bytes; nil for a directory

	mu    sync.Mutex // guards f, mtime, lost
	f     *os.File   // the lock's inode
	dev   uint64
	ino   uint64
	mtime unix.Timespec // as we last set it
	lost  bool

	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error
}

// acquireLock takes the gateway-compatible lock directory at path (the
// lock of guarded), waiting with backoff up to lockWait.
func acquireLock(ctx context.Context, path string) (*lockHandle, error) {
	return acquire(ctx, path, func() (*lockHandle, error) {
		if err := os.Mkdir(path, 0o700); err != nil {
			return nil, err
		}
		f, err := openNoFollow(path, unix.O_DIRECTORY)
		if err != nil {
			_ = os.Remove(path)
			return nil, err
		}
		return &lockHandle{path: path, f: f}, nil
	})
}

// acquirePIDLock takes a lock *file* at path holding this process's pid,
// createdAt, starttime, PID namespace and boot id. It is for files the
// gateway never locks (config, .env): a holder that died in this namespace
// is recognised at once by its pid instead of after the stale limit, so a
// killed moltbot never blocks the next one.
func acquirePIDLock(ctx context.Context, path string) (*lockHandle, error) {
	return acquire(ctx, path, func() (*lockHandle, error) {
		// Write the content first, then link it into place: the lock never
		// exists without its pid, even if we are killed half way. The temp
		// name is new (O_EXCL, never through a symlink) and says whose it
		// is, for removeAbandonedTemps.
		content := ownLockPayload(os.Getpid(), time.Now(), realProc{})
		f, tmp, err := createTemp(filepath.Dir(path), fmt.Sprintf("%s.%d.", filepath.Base(path), os.Getpid()), ".tmp")
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp)
		if _, err := f.Write(content); err != nil {
			f.Close()
			return nil, err
		}
		if err := os.Link(tmp, path); err != nil {
			f.Close()
			if errors.Is(err, fs.ErrNotExist) {
				// Our content file was removed meanwhile (another moltbot's
				// removeAbandonedTemps, in another PID namespace): again.
				return nil, errLockVanished
			}
			return nil, err
		}
		return &lockHandle{path: path, f: f, content: content}, nil
	})
}

// errLockVanished is take's answer when the lock it was making, or had just
// made, was removed before it could be looked at: try again.
var errLockVanished = errors.New("lock vanished")

func acquire(ctx context.Context, path string, take func() (*lockHandle, error)) (*lockHandle, error) {
	start := time.Now()
	tries := 0
	h, err := acquireLoop(ctx, path, take, &tries)
	if f := lockObserver.Load(); f != nil {
		(*f)(LockWait{Path: path, Waited: time.Since(start), Tries: tries, Err: err})
	}
	return h, err
}

func acquireLoop(ctx context.Context, path string, take func() (*lockHandle, error), tries *int) (*lockHandle, error) {
	deadline := time.Now().Add(lockWait)
	delay := 5 * time.Millisecond
	for {
		*tries++
		h, err := take()
		if errors.Is(err, errLockVanished) && *tries < 1000 {
			continue
		}
		if err == nil {
			if err := h.start(); err != nil {
				continue // removed at once by someone who judged it stale: try again
			}
			return h, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			var pe *fs.PathError
			var le *os.LinkError
			switch {
			case errors.As(err, &pe):
				err = pe.Err // the path is in our own message
			case errors.As(err, &le):
				err = le.Err
			}
			return nil, fmt.Errorf("cannot lock %s: creating %s failed: %w (check that %s is writable by you)",
				lockedWhat(path), path, err, filepath.Dir(path))
		}
		seen, ok := lookAtLock(path)
		if !ok { // vanished between mkdir and stat: try again at once
			continue
		}
		v := judgeLock(seen.lockSeen, time.Now(), realProc{})
		if v.stale && removeStaleLock(path, seen) {
			continue
		}
		// Held, or stale but not removable (someone refreshed it meanwhile,
		// or it is not ours to remove): wait like for a live holder, so a
		// lock we cannot remove never makes us spin.
		if time.Now().After(deadline) {
			return nil, &LockedError{Path: path, Holder: v.holder, Since: v.since, Taken: v.taken}
		}
		// Jitter keeps several waiting processes from retrying in lockstep.
		sleep := delay + time.Duration(rand.Int64N(int64(delay)))
		if remaining := time.Until(deadline); sleep > remaining {
			sleep = remaining + time.Millisecond
		}
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, interrupted(ctx.Err())
		case <-stopping():
			t.Stop()
			return nil, interrupted(context.Canceled)
		case <-t.C:
		}
		// Transactions take milliseconds: a short cap keeps a waiter from
		// sleeping long after the lock is free (the stress test's tail).
		if delay < 40*time.Millisecond {
			delay *= 2
		}
	}
}

// interrupted turns a cancelled wait into ErrInterrupted; a deadline stays
// what it is.
func interrupted(err error) error {
	if errors.Is(err, context.Canceled) {
		return &interruptedError{err}
	}
	return err
}

// lockedWhat names the file a lock guards, for messages.
func lockedWhat(lock string) string {
	what := filepath.Base(strings.TrimSuffix(lock, ".lock"))
	if what == "auth-profiles.json" {
		what = "the auth store"
	}
	return what
}

// start records the identity of the lock just made, registers it with the
// process and starts its refresh.
func (h *lockHandle) start() error {
	h.guarded = strings.TrimSuffix(h.path, ".lock")
	var st unix.Stat_t
	if err := unix.Fstat(int(h.f.Fd()), &st); err != nil {
		h.f.Close()
		return err
	}
	h.dev, h.ino, h.mtime = uint64(st.Dev), uint64(st.Ino), st.Mtim
	if err := h.checkLocked(); err != nil {
		h.f.Close()
		return errLockVanished
	}
	h.stop, h.done = make(chan struct{}), make(chan struct{})
	registerLock(h)
	go h.keepFresh()
	return nil
}

// keepFresh touches the lock so that nobody mistakes it for abandoned while
// a slow write is still under way. It touches the lock's own inode, and
// stops once the lock is no longer ours.
func (h *lockHandle) keepFresh() {
	defer close(h.done)
	t := time.NewTicker(lockRefresh)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.mu.Lock()
			err := h.checkLocked()
			if err == nil {
				h.touchLocked()
			}
			h.mu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// touchLocked sets the lock's mtime to now through its descriptor and
// remembers what the file system stored. h.mu is held.
func (h *lockHandle) touchLocked() {
	now := time.Now()
	tv := []unix.Timeval{unix.NsecToTimeval(now.UnixNano()), unix.NsecToTimeval(now.UnixNano())}
	if unix.Futimes(int(h.f.Fd()), tv) != nil {
		return
	}
	var st unix.Stat_t
	if unix.Fstat(int(h.f.Fd()), &st) == nil {
		h.mtime = st.Mtim
	}
}

// check reports whether the lock is still ours: the path names our inode,
// with the mtime we last set, and (a lock file) the bytes we wrote. Once it
// is not, it never is again.
func (h *lockHandle) check() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.checkLocked()
}

func (h *lockHandle) checkLocked() error {
	if !h.lost && !h.stillOurs() {
		h.lost = true
	}
	if h.lost {
		return &LockLostError{Path: h.guarded}
	}
	return nil
}

func (h *lockHandle) stillOurs() bool {
	var st unix.Stat_t
	if unix.Lstat(h.path, &st) != nil {
		return false
	}
	if uint64(st.Dev) != h.dev || uint64(st.Ino) != h.ino || st.Mtim != h.mtime {
		return false
	}
	if h.content == nil {
		return true
	}
	data, err := readLockFile(h.path)
	return err == nil && bytes.Equal(data, h.content)
}

// release removes the lock if it is still ours; one that was taken over is
// left to its new holder. Calling it again returns the first result, so a
// deferred release after an explicit one is harmless. A lock lost after
// the transaction's last write is no error: that write was made under it.
func (h *lockHandle) release() error {
	h.once.Do(func() {
		close(h.stop)
		<-h.done
		h.mu.Lock()
		h.removeLocked()
		h.mu.Unlock()
		unregisterLock(h)
	})
	return h.err
}

// removeLocked removes the lock if it is ours and closes its descriptor.
// h.mu is held.
func (h *lockHandle) removeLocked() {
	if h.f == nil {
		return
	}
	if h.checkLocked() == nil {
		if err := os.Remove(h.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			h.err = fmt.Errorf("release lock %s: %w", h.path, err)
		}
	}
	h.f.Close()
	h.f = nil
	h.lost = true // released: nothing may be written under it any more
}

// seenLock is one look at a lock, with what is needed to remove exactly
// that entry.
type seenLock struct {
	lockSeen
	fi fs.FileInfo
}

// lookAtLock describes whatever is at path. ok is false when nothing is.
func lookAtLock(path string) (seenLock, bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		return seenLock{}, false
	}
	s := seenLock{fi: fi, lockSeen: lockSeen{dir: fi.IsDir(), mtime: fi.ModTime()}}
	if !s.dir {
		if data, err := readLockFile(path); err == nil {
			if p, ok := parseLockPayload(data); ok {
				s.payload = &p
			}
		}
	}
	return s, true
}

// readLockFile reads a lock file without following a symlink or blocking
// on a FIFO, and at most 64 KiB of it.
func readLockFile(path string) ([]byte, error) {
	f, err := openNoFollow(path, unix.O_NONBLOCK)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// openNoFollow opens path read-only, refusing a symlink as its last part.
func openNoFollow(path string, flags int) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|flags, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// inspectLock describes whoever holds the lock at path. ok is false when the
// lock disappeared meanwhile.
func inspectLock(path string, now time.Time) (seenLock, lockVerdict, bool) {
	seen, ok := lookAtLock(path)
	if !ok {
		return seen, lockVerdict{}, false
	}
	return seen, judgeLock(seen.lockSeen, now, realProc{}), true
}

// removeStaleLock removes an abandoned lock, but only if it is still the same
// entry we judged stale: a lock someone took meanwhile is left alone. It
// reports whether the lock is gone.
func removeStaleLock(path string, seen seenLock) bool {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil || !os.SameFile(fi, seen.fi) || !fi.ModTime().Equal(seen.fi.ModTime()) {
		return false
	}
	// A directory lock is empty; a file lock is a file.
	err = os.Remove(path)
	return err == nil || errors.Is(err, fs.ErrNotExist)
}
