package authstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// takeOver is what a lock looks like to a writer that was paused for longer
// than the stale limit: someone broke it and took it themselves.
type takeOver struct {
	name string
	do   func(t *testing.T, lock string) // replaces the lock; leaves the new one
}

var storeTakeOvers = []takeOver{
	{"broken and taken by the gateway (a new lock directory)", func(t *testing.T, lock string) {
		mustRemove(t, lock)
		if err := os.Mkdir(lock, 0o700); err != nil {
			t.Fatal(err)
		}
	}},
	{"broken and taken by a newer gateway (a lock file)", func(t *testing.T, lock string) {
		mustRemove(t, lock)
		writeFile(t, lock, []byte(`{"pid":1,"createdAt":1767366245000}`))
	}},
	{"refreshed by someone else (same directory, another mtime)", func(t *testing.T, lock string) {
		later := time.Now().Add(time.Second)
		if err := os.Chtimes(lock, later, later); err != nil {
			t.Fatal(err)
		}
	}},
}

func mustRemove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// lockState is what a test remembers of the lock left by the new holder.
func lockState(t *testing.T, lock string) (os.FileInfo, []byte) {
	t.Helper()
	fi, err := os.Lstat(lock)
	if err != nil {
		t.Fatalf("the new holder's lock is gone: %v", err)
	}
	var data []byte
	if !fi.IsDir() {
		data = readFile(t, lock)
	}
	return fi, data
}

func assertLockKept(t *testing.T, lock string, fi os.FileInfo, data []byte) {
	t.Helper()
	now, nowData := lockState(t, lock)
	if !os.SameFile(fi, now) || !now.ModTime().Equal(fi.ModTime()) || string(nowData) != string(data) {
		t.Error("the new holder's lock was removed, replaced or touched")
	}
}

// TestUpdateWritesNothingAfterLosingItsLock (issue 11, point 1): a
// transaction whose lock was taken over while it was paused writes
// nothing (no store, no .bak, no temp file), leaves the new holder's lock
// alone, and says so with a *LockLostError. This is what every writer of
// the store goes through: commands and the dashboard's saves alike.
func TestUpdateWritesNothingAfterLosingItsLock(t *testing.T) {
	for _, to := range storeTakeOvers {
		t.Run(to.name, func(t *testing.T) {
			withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
			p := newTestPaths(t)
			orig := storeWithOneProfile(t, p)
			writeFile(t, p.Store+".bak", []byte(`{"version":1,"profiles":{}}`))
			oldBak := readFile(t, p.Store+".bak")
			var fi os.FileInfo
			var data []byte
			_, err := update(context.Background(), p, func(s *Store) error {
				to.do(t, p.Lock())
				fi, data = lockState(t, p.Lock())
				return addProfile("openai:late")(s)
			})
			var lost *LockLostError
			if !errors.As(err, &lost) || !errors.Is(err, ErrLockLost) {
				t.Fatalf("err = %v, want a *LockLostError", err)
			}
			want := "the lock on " + p.Store + " was taken over while this command was paused; nothing was written"
			if err.Error() != want {
				t.Errorf("err = %q\nwant  %q", err, want)
			}
			if string(readFile(t, p.Store)) != string(orig) {
				t.Error("the store was written after the lock was lost")
			}
			if string(readFile(t, p.Store+".bak")) != string(oldBak) {
				t.Error("the .bak was written after the lock was lost")
			}
			assertLockKept(t, p.Lock(), fi, data)
			if extra := dirExtras(t, p.AgentDir, "auth-profiles.json", "auth-profiles.json.bak", "auth-profiles.json.lock"); len(extra) > 0 {
				t.Errorf("left in the agent dir: %v", extra)
			}
		})
	}
}

// TestLostLockIsNeverRefreshed: once the lock was taken over, the refresh
// stops touching the path (it would keep the new holder's lock young).
func TestLostLockIsNeverRefreshed(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 20*time.Millisecond)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	_, err := update(context.Background(), p, func(s *Store) error {
		storeTakeOvers[0].do(t, p.Lock())
		old := time.Now().Add(-time.Minute).Truncate(time.Second)
		if err := os.Chtimes(p.Lock(), old, old); err != nil {
			return err
		}
		time.Sleep(200 * time.Millisecond) // ten refresh periods
		if fi, err := os.Stat(p.Lock()); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("the new holder's lock was touched: %v", err)
		}
		return addProfile("openai:late")(s)
	})
	if !errors.Is(err, ErrLockLost) {
		t.Fatalf("err = %v, want ErrLockLost", err)
	}
}

// TestFileLockEditsWriteNothingAfterLosingTheirLock: the config's and
// .env's lock files are checked the same way, the bytes included (a lock
// file rewritten in place, same inode and mtime, is someone else's).
func TestFileLockEditsWriteNothingAfterLosingTheirLock(t *testing.T) {
	takeOvers := []takeOver{
		{"removed and made again by another process", func(t *testing.T, lock string) {
			mustRemove(t, lock)
			writeFile(t, lock, []byte(`{"pid":1,"createdAt":1767366245000}`))
		}},
		{"rewritten in place, same inode and mtime", func(t *testing.T, lock string) {
			fi, err := os.Stat(lock)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(lock, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString(`{"pid":1,"createdAt":1767366245000}`); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := os.Chtimes(lock, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
	}
	edits := []struct {
		name string
		path func(Paths) string
		edit func(lock *lockHandle, p Paths) error
	}{
		{"config", func(p Paths) string { return p.Config }, func(lock *lockHandle, p Paths) error {
			return editConfigLocked(lock, p.Config, func(o *object) bool { o.setValue("x:y", "z"); return true }, "")
		}},
		{".env", func(p Paths) string { return p.Env }, func(lock *lockHandle, p Paths) error {
			return writeAtomic(lock, p.Env, []byte("OPENAI_API_KEY="+fakeOAI+"\n"), 0o600)
		}},
	}
	for _, e := range edits {
		for _, to := range takeOvers {
			t.Run(e.name+", "+to.name, func(t *testing.T) {
				p := newTestPaths(t)
				path := e.path(p)
				orig := []byte("{\"gateway\":{}}\n")
				writeFile(t, path, orig)
				var fi os.FileInfo
				var data []byte
				err := withFileLock(path, func(lock *lockHandle) error {
					to.do(t, path+".lock")
					fi, data = lockState(t, path+".lock")
					return e.edit(lock, p)
				})
				if !errors.Is(err, ErrLockLost) || err.Error() != "the lock on "+path+" was taken over while this command was paused; nothing was written" {
					t.Fatalf("err = %v, want a *LockLostError", err)
				}
				if string(readFile(t, path)) != string(orig) {
					t.Error("the file was written after its lock was lost")
				}
				assertLockKept(t, path+".lock", fi, data)
				if extra := dirExtras(t, filepath.Dir(path), filepath.Base(path), filepath.Base(path)+".lock"); len(extra) > 0 {
					t.Errorf("left beside it: %v", extra)
				}
			})
		}
	}
}

// dirExtras lists dir's entries other than want.
func dirExtras(t *testing.T, dir string, want ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
next:
	for _, e := range entries {
		for _, w := range want {
			if e.Name() == w {
				continue next
			}
		}
		if e.IsDir() && e.Name() == "agents" {
			continue
		}
		extra = append(extra, e.Name())
	}
	return extra
}
