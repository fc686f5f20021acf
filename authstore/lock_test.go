package authstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// withLockTimings shortens the lock's waits for one test.
func withLockTimings(t *testing.T, wait, stale, refresh time.Duration) {
	t.Helper()
	oldWait, oldStale, oldRefresh := lockWait, lockStale, lockRefresh
	lockWait, lockStale, lockRefresh = wait, stale, refresh
	t.Cleanup(func() { lockWait, lockStale, lockRefresh = oldWait, oldStale, oldRefresh })
}

// storeWithOneProfile writes a small valid store and returns its bytes.
func storeWithOneProfile(t *testing.T, p Paths) []byte {
	t.Helper()
	data := []byte(indentJSON(t, `{"version":1,"profiles":{"anthropic:default":{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}}}`))
	writeFile(t, p.Store, data)
	return data
}

func addProfile(id string) func(*Store) error {
	return func(s *Store) error {
		s.PutProfile(Credential{ID: id, Provider: ProviderOfID(id), Type: TypeAPIKey, Secret: "sk-FAKE-" + id})
		return nil
	}
}

func assertNoLock(t *testing.T, p Paths) {
	t.Helper()
	if _, err := os.Lstat(p.Lock()); !os.IsNotExist(err) {
		t.Errorf("lock %s still there (%v)", p.Lock(), err)
	}
}

// A lock directory made by someone else (the gateway's proper-lockfile) makes
// Update wait; it goes ahead once the directory is removed.
func TestUpdateWaitsForForeignLockDirectory(t *testing.T) {
	withLockTimings(t, 10*time.Second, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	var released atomic.Bool
	done := make(chan error, 1)
	go func() {
		_, err := update(context.Background(), p, func(s *Store) error {
			if !released.Load() {
				return errors.New("fn ran while someone else held the lock")
			}
			return addProfile("openai:default")(s)
		})

		done <- err
	}()
	// Give Update time to try (and wrongly succeed, if it did not honour the
	// lock) before letting go.
	time.Sleep(300 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Update returned while the lock was held: %v", err)
	default:
	}
	released.Store(true)
	if err := os.Remove(p.Lock()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Update did not finish after the lock was removed")
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Store.Profile("openai:default"); !ok {
		t.Error("the update was not written")
	}
	assertNoLock(t, p)
}

func TestUpdateGivesUpOnBusyLock(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	orig := storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	since := time.Now().Add(-5 * time.Second).Truncate(time.Second)
	if err := os.Chtimes(p.Lock(), since, since); err != nil {
		t.Fatal(err)
	}
	called := false
	_, err := update(context.Background(), p, func(*Store) error { called = true; return nil })
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("err %T is not a *LockedError", err)
	}
	if le.Path != p.Lock() || !le.Since.Equal(since) || !strings.Contains(le.Holder, "lock directory") {
		t.Errorf("LockedError = %+v", le)
	}
	msg := err.Error()
	for _, want := range []string{"locked by", le.Holder, since.Local().Format("15:04:05"), p.Lock(), "try again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
	if called {
		t.Error("fn ran without the lock")
	}
	if got := readFile(t, p.Store); string(got) != string(orig) {
		t.Error("the store changed")
	}
	// The foreign lock is left alone.
	if fi, err := os.Stat(p.Lock()); err != nil || !fi.IsDir() {
		t.Errorf("foreign lock removed: %v", err)
	}
}

func TestStaleDirectoryLockIsTakenOver(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-31 * time.Second)
	if err := os.Chtimes(p.Lock(), old, old); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, p, addProfile("openai:default"))
	assertNoLock(t, p)

	// 29 s old is not stale yet.
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	recent := time.Now().Add(-29 * time.Second)
	if err := os.Chtimes(p.Lock(), recent, recent); err != nil {
		t.Fatal(err)
	}
	if _, err := update(context.Background(), p, addProfile("x:y")); !errors.Is(err, ErrLocked) {
		t.Fatalf("a 29 s old lock was not honoured: %v", err)
	}
}

// A stale lock that cannot be removed (here: a directory that is not empty)
// must not make Update spin: it waits, then reports the lock.
func TestUnremovableStaleLockTimesOut(t *testing.T) {
	withLockTimings(t, 300*time.Millisecond, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	writeFile(t, filepath.Join(p.Lock(), "something"), []byte("x"))
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p.Lock(), old, old); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := update(context.Background(), p, addProfile("x:y"))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("err = %v, want ErrLocked", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Update did not give up on a lock it cannot remove")
	}
}

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// ourLockFile is a lock file as a moltbot of this PID namespace writes it,
// for pid; it skips the test where the namespace cannot be known.
func ourLockFile(t *testing.T, pid int, created time.Time) string {
	t.Helper()
	ns, boot := selfNamespace()
	if ns == "" {
		t.Skip("this system does not say which PID namespace a process is in")
	}
	return fmt.Sprintf(`{"pid":%d,"createdAt":%d,"starttime":1,"pidns":%q,"bootid":%q}`, pid, created.UnixMilli(), ns, boot)
}

// Lock files: the gateway's {"pid","createdAt"[,"starttime"]} and
// moltbot's own (which add "pidns" and "bootid"). A young lock is never
// broken unless it proves it comes from this namespace and its process is
// gone (issue 11, point 2: before, any dead-looking pid was broken at once,
// so a container gateway's lock was broken in 0.3 ms).
func TestFileLock(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
	now := time.Now()
	dead := deadPID(t)
	self, _ := selfStartTime()
	cases := []struct {
		name    string
		content string
		mtime   time.Time
		stale   bool
		holder  string
	}{
		{"dead pid of a moltbot here", ourLockFile(t, dead, now), now, true, ""},
		{"dead-looking pid, no namespace, young (a container's gateway)", fmt.Sprintf(`{"pid":%d,"createdAt":%d}`, dead, now.UnixMilli()), now, false,
			fmt.Sprintf("process %d (not running here: it may run in another PID namespace, such as a container)", dead)},
		{"dead-looking pid, other namespace, young", fmt.Sprintf(`{"pid":%d,"createdAt":%d,"starttime":1,"pidns":"pid:[1]","bootid":"FAKE"}`, dead, now.UnixMilli()), now, false,
			fmt.Sprintf("process %d (not running here: it may run in another PID namespace, such as a container)", dead)},
		{"dead pid, 31 s old", fmt.Sprintf(`{"pid":%d,"createdAt":%d}`, dead, now.Add(-31*time.Second).UnixMilli()), now.Add(-31 * time.Second), true, ""},
		{"live pid, fresh", fmt.Sprintf(`{"pid":%d,"createdAt":%d}`, os.Getpid(), now.Add(-2*time.Second).UnixMilli()), now, false, fmt.Sprintf("process %d (alive)", os.Getpid())},
		{"live pid, 31 s old, no starttime", fmt.Sprintf(`{"pid":%d,"createdAt":%d}`, os.Getpid(), now.Add(-31*time.Second).UnixMilli()), now.Add(-31 * time.Second), true, ""},
		{"live pid, 31 s old, its starttime (a live openclaw)", fmt.Sprintf(`{"pid":%d,"createdAt":%d,"starttime":%d}`, os.Getpid(), now.Add(-31*time.Second).UnixMilli(), self), now.Add(-31 * time.Second), self == 0, fmt.Sprintf("process %d (alive)", os.Getpid())},
		{"unreadable content, fresh mtime", `garbage`, now, false, "another process"},
		{"unreadable content, old mtime", `garbage`, now.Add(-time.Minute), true, ""},
		{"no createdAt, live pid, old mtime", fmt.Sprintf(`{"pid":%d}`, os.Getpid()), now.Add(-time.Minute), true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPaths(t)
			orig := storeWithOneProfile(t, p)
			writeFile(t, p.Lock(), []byte(tc.content))
			if err := os.Chtimes(p.Lock(), tc.mtime, tc.mtime); err != nil {
				t.Fatal(err)
			}
			_, err := update(context.Background(), p, addProfile("openai:default"))
			if tc.stale {
				if err != nil {
					t.Fatalf("stale file lock not taken over: %v", err)
				}
				assertNoLock(t, p)
				return
			}
			var le *LockedError
			if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
				t.Fatalf("err = %v, want a *LockedError", err)
			}
			if le.Holder != tc.holder {
				t.Errorf("Holder = %q, want %q", le.Holder, tc.holder)
			}
			if got := readFile(t, p.Store); string(got) != string(orig) {
				t.Error("the store changed")
			}
			if got := readFile(t, p.Lock()); string(got) != tc.content {
				t.Error("a live file lock was changed")
			}
		})
	}
}

func TestLockReleased(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	orig := storeWithOneProfile(t, p)

	t.Run("after success", func(t *testing.T) {
		mustUpdate(t, p, addProfile("a:1"))
		assertNoLock(t, p)
	})
	t.Run("after no change", func(t *testing.T) {
		mustUpdate(t, p, func(*Store) error { return nil })
		assertNoLock(t, p)
	})
	t.Run("after fn error", func(t *testing.T) {
		before := readFile(t, p.Store)
		boom := errors.New("boom")
		_, err := update(context.Background(), p, func(s *Store) error {
			s.RemoveProfile("a:1")
			return boom
		})

		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		assertNoLock(t, p)
		if string(readFile(t, p.Store)) != string(before) {
			t.Error("a failed fn's change was written")
		}
	})
	t.Run("after a panic in fn", func(t *testing.T) {
		before := readFile(t, p.Store)
		func() {
			defer func() {
				if r := recover(); r != "kaboom" {
					t.Errorf("recovered %v, want the panic to reach the caller", r)
				}
			}()
			_, _ = update(context.Background(), p, func(s *Store) error {
				s.RemoveProfile("a:1")
				panic("kaboom")
			})

		}()
		assertNoLock(t, p)
		if string(readFile(t, p.Store)) != string(before) {
			t.Error("a panicking fn's change was written")
		}
		// The next transaction does not wait for anything.
		mustUpdate(t, p, addProfile("a:2"))
	})
	t.Run("after a corrupt store", func(t *testing.T) {
		writeFile(t, p.Store, []byte("{oops"))
		var ce *CorruptError
		if _, err := update(context.Background(), p, addProfile("a:3")); !errors.As(err, &ce) {
			t.Fatalf("err = %v", err)
		}
		assertNoLock(t, p)
		writeFile(t, p.Store, orig)
	})
}

func TestUpdateHonoursContextWhileWaiting(t *testing.T) {
	withLockTimings(t, 10*time.Second, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := update(ctx, p, addProfile("a:1"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// A held lock's mtime is refreshed so that a slow transaction is never taken
// for abandoned.
func TestHeldLockIsKeptFresh(t *testing.T) {
	withLockTimings(t, time.Second, 30*time.Second, 20*time.Millisecond)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	mustUpdate(t, p, func(s *Store) error {
		first, err := os.Stat(p.Lock())
		if err != nil {
			return err
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			time.Sleep(30 * time.Millisecond)
			fi, err := os.Stat(p.Lock())
			if err != nil {
				return err
			}
			if fi.ModTime().After(first.ModTime()) {
				return addProfile("a:1")(s)
			}
		}
		return errors.New("the lock's mtime was not refreshed while held")
	})
}

// The lock is taken at the real path of a symlinked store, and the symlink
// stays a symlink after a write.
func TestSymlinkedStore(t *testing.T) {
	p := newTestPaths(t)
	realDir := filepath.Join(t.TempDir(), "shared")
	real := filepath.Join(realDir, "profiles.json")
	writeFile(t, real, []byte(indentJSON(t, `{"version":1,"profiles":{}}`)))
	if err := os.MkdirAll(p.AgentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, p.Store); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, p, func(s *Store) error {
		if fi, err := os.Stat(real + ".lock"); err != nil || !fi.IsDir() {
			return fmt.Errorf("no lock at the real path: %v", err)
		}
		if _, err := os.Lstat(p.Lock()); !os.IsNotExist(err) {
			return fmt.Errorf("lock taken at the symlink's path: %v", err)
		}
		return addProfile("a:1")(s)
	})
	mustUpdate(t, p, addProfile("a:2"))
	fi, err := os.Lstat(p.Store)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the store symlink was replaced: %v", err)
	}
	s, err := ParseStore(readFile(t, real))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Profile("a:2"); !ok {
		t.Error("the real file was not updated")
	}
	bak, err := ParseStore(readFile(t, real+".bak"))
	if err != nil {
		t.Fatalf("no valid .bak beside the real file: %v", err)
	}
	if _, ok := bak.Profile("a:1"); !ok || len(bak.Profiles) != 1 {
		t.Errorf(".bak = %s", bak.Marshal())
	}
	if _, err := os.Lstat(real + ".lock"); !os.IsNotExist(err) {
		t.Error("lock left at the real path")
	}
}

// A dangling symlink: the first write creates its target.
func TestDanglingSymlinkedStore(t *testing.T) {
	p := newTestPaths(t)
	real := filepath.Join(t.TempDir(), "profiles.json")
	if err := os.MkdirAll(p.AgentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, p.Store); err != nil {
		t.Fatal(err)
	}
	snap, err := Load(p)
	if err != nil || snap.Exists {
		t.Fatalf("Load of a dangling link: exists=%v err=%v", snap.Exists, err)
	}
	mustUpdate(t, p, addProfile("a:1"))
	if fi, err := os.Lstat(p.Store); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced")
	}
	if _, err := ParseStore(readFile(t, real)); err != nil {
		t.Fatal(err)
	}
}

// ObserveLocks hears of every lock attempt: how long it waited, how many
// tries, and whether it was taken.
func TestObserveLocksReportsWaits(t *testing.T) {
	withLockTimings(t, 600*time.Millisecond, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	var seen []LockWait
	ObserveLocks(func(w LockWait) { seen = append(seen, w) })
	t.Cleanup(func() { ObserveLocks(nil) })

	if _, err := update(context.Background(), p, addProfile("openai:a")); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0].Path != p.Lock() || seen[0].Tries != 1 || seen[0].Err != nil || seen[0].Waited > 100*time.Millisecond {
		t.Fatalf("a free lock: %+v", seen)
	}

	// Held by someone else for 200 ms: waited at least that, several tries.
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(200 * time.Millisecond); os.Remove(p.Lock()) }()
	if _, err := update(context.Background(), p, addProfile("openai:b")); err != nil {
		t.Fatal(err)
	}
	if w := seen[len(seen)-1]; len(seen) != 2 || w.Err != nil || w.Waited < 200*time.Millisecond || w.Tries < 2 {
		t.Fatalf("a lock held for 200 ms: %+v", seen)
	}

	// Never free: the attempt that gave up is reported with its error.
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := update(context.Background(), p, addProfile("openai:c")); !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if w := seen[len(seen)-1]; len(seen) != 3 || !errors.Is(w.Err, ErrLocked) || w.Waited < 600*time.Millisecond {
		t.Fatalf("a lock never freed: %+v", seen)
	}
	ObserveLocks(nil)
	os.Remove(p.Lock())
	if _, err := update(context.Background(), p, addProfile("openai:d")); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Errorf("ObserveLocks(nil) did not stop the reports: %+v", seen)
	}
}
