package authstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The gateway locks its store with proper-lockfile: mkdir "<realpath>.lock",
// refresh the directory's mtime while held, and treat an entry older than the
// stale limit as abandoned. Newer gateways may leave a file holding
// {"pid":…,"createdAt":…} at the same path instead. We speak both.
var (
	lockStale   = 30 * time.Second // an untouched lock older than this is abandoned
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
type lockHandle struct {
	path string
	stop chan struct{}
	done chan struct{}
	once sync.Once
	err  error
}

// acquireLock takes the gateway-compatible lock directory at path, waiting
// with backoff up to lockWait.
func acquireLock(ctx context.Context, path string) (*lockHandle, error) {
	return acquire(ctx, path, func() error { return os.Mkdir(path, 0o700) })
}

// acquirePIDLock takes a lock *file* holding {"pid","createdAt"} at path.
// It is for files the gateway never locks (config, .env): a holder that
// died is recognised at once by its pid instead of after the 30 s stale
// limit, so a killed moltbot never blocks the next one.
func acquirePIDLock(ctx context.Context, path string) (*lockHandle, error) {
	return acquire(ctx, path, func() error {
		// Write the content first, then link it into place: the lock never
		// exists without its pid, even if we are killed half way.
		tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
		content := fmt.Sprintf(`{"pid":%d,"createdAt":%d}`, os.Getpid(), time.Now().UnixMilli())
		defer os.Remove(tmp)
		if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
			return err
		}
		return os.Link(tmp, path)
	})
}

func acquire(ctx context.Context, path string, take func() error) (*lockHandle, error) {
	start := time.Now()
	tries := 0
	h, err := acquireLoop(ctx, path, take, &tries)
	if f := lockObserver.Load(); f != nil {
		(*f)(LockWait{Path: path, Waited: time.Since(start), Tries: tries, Err: err})
	}
	return h, err
}

func acquireLoop(ctx context.Context, path string, take func() error, tries *int) (*lockHandle, error) {
	deadline := time.Now().Add(lockWait)
	delay := 5 * time.Millisecond
	for {
		*tries++
		err := take()
		if err == nil {
			h := &lockHandle{path: path, stop: make(chan struct{}), done: make(chan struct{})}
			go h.keepFresh()
			return h, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is in our own message
			}
			what := filepath.Base(strings.TrimSuffix(path, ".lock"))
			if what == "auth-profiles.json" {
				what = "the auth store"
			}
			return nil, fmt.Errorf("cannot lock %s: creating %s failed: %w (check that %s is writable by you)",
				what, path, err, filepath.Dir(path))
		}
		info, ok := inspectLock(path, time.Now())
		if !ok { // vanished between mkdir and stat: try again at once
			continue
		}
		if info.stale && removeStaleLock(path, info) {
			continue
		}
		// Held, or stale but not removable (someone refreshed it meanwhile,
		// or it is not ours to remove): wait like for a live holder, so a
		// lock we cannot remove never makes us spin.
		if time.Now().After(deadline) {
			return nil, &LockedError{Path: path, Holder: info.holder, Since: info.since}
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
			return nil, ctx.Err()
		case <-t.C:
		}
		// Transactions take milliseconds: a short cap keeps a waiter from
		// sleeping long after the lock is free (the stress test's tail).
		if delay < 40*time.Millisecond {
			delay *= 2
		}
	}
}

// keepFresh touches the lock so that nobody mistakes it for abandoned while
// a slow write is still under way.
func (h *lockHandle) keepFresh() {
	defer close(h.done)
	t := time.NewTicker(lockRefresh)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case now := <-t.C:
			_ = os.Chtimes(h.path, now, now)
		}
	}
}

// release removes the lock. Calling it again returns the first result, so a
// deferred release after an explicit one is harmless.
func (h *lockHandle) release() error {
	h.once.Do(func() {
		close(h.stop)
		<-h.done
		if err := os.Remove(h.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			h.err = fmt.Errorf("release lock %s: %w", h.path, err)
		}
	})
	return h.err
}

type lockInfo struct {
	fi     fs.FileInfo
	holder string
	since  time.Time
	stale  bool
}

// inspectLock describes whoever holds the lock at path. ok is false when the
// lock disappeared meanwhile.
func inspectLock(path string, now time.Time) (lockInfo, bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		return lockInfo{}, false
	}
	info := lockInfo{fi: fi, holder: "another process", since: fi.ModTime()}
	if fi.IsDir() {
		info.holder = "another process (lock directory, as the gateway makes)"
		info.stale = now.Sub(fi.ModTime()) > lockStale
		return info, true
	}
	// A file lock: {"pid":…,"createdAt":…}. Unreadable content falls back to
	// the mtime rule.
	var meta struct {
		PID       int   `json:"pid"`
		CreatedAt int64 `json:"createdAt"`
	}
	info.stale = now.Sub(fi.ModTime()) > lockStale
	if data, _, err := readRegular(path, "lock", maxLockSize); err == nil && json.Unmarshal(data, &meta) == nil {
		if meta.CreatedAt > 0 {
			info.since = time.UnixMilli(meta.CreatedAt)
			info.stale = now.Sub(info.since) > lockStale
		}
		if meta.PID > 0 {
			alive := pidAlive(meta.PID)
			state := "alive"
			if !alive {
				state = "no longer running"
				info.stale = true
			}
			info.holder = fmt.Sprintf("process %d (%s)", meta.PID, state)
		}
	}
	return info, true
}

// removeStaleLock removes an abandoned lock, but only if it is still the same
// entry we judged stale: a lock someone took meanwhile is left alone. It
// reports whether the lock is gone.
func removeStaleLock(path string, seen lockInfo) bool {
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

func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
