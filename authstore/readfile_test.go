package authstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test when fn has not returned after d: a read that
// blocks on a FIFO would otherwise hang the whole test binary.
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still blocked after %v", what, d)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
}

// TestFIFOsAreNeverRead: a FIFO in place of each gateway file is refused at
// once with a line that says what it is; nothing waits for a writer that
// never comes.
func TestFIFOsAreNeverRead(t *testing.T) {
	const line = "is a FIFO (named pipe), not a regular file; nothing was read from it"
	t.Run("store", func(t *testing.T) {
		p := newTestPaths(t)
		mkfifo(t, p.Store)
		within(t, 5*time.Second, "Load", func() {
			_, err := Load(p)
			var nr *NotRegularError
			if !errors.As(err, &nr) || !strings.Contains(err.Error(), "auth store "+p.Store+" "+line) {
				t.Errorf("Load: %v", err)
			}
		})
		within(t, 5*time.Second, "Update", func() {
			_, err := update(context.Background(), p, func(s *Store) error {
				t.Error("the transaction ran on a FIFO")
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), line) {
				t.Errorf("Update: %v", err)
			}
		})
		if fi, err := os.Lstat(p.Store); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced: %v", err)
		}
	})
	t.Run("config", func(t *testing.T) {
		p := newTestPaths(t)
		mkfifo(t, p.Config)
		within(t, 5*time.Second, "Load", func() {
			snap, err := Load(p)
			if err != nil || snap.ConfigErr == nil || !strings.Contains(snap.ConfigErr.Error(), "config "+p.Config+" "+line) {
				t.Errorf("Load: %v, ConfigErr %v", err, snap.ConfigErr)
			}
		})
		within(t, 5*time.Second, "SetConfigProfile", func() {
			if err := SetConfigProfile(p, "anthropic:x", "anthropic", TypeToken); err == nil || !strings.Contains(err.Error(), line) {
				t.Errorf("SetConfigProfile: %v", err)
			}
		})
	})
	t.Run(".env", func(t *testing.T) {
		p := newTestPaths(t)
		mkfifo(t, p.Env)
		within(t, 5*time.Second, "Load", func() {
			snap, err := Load(p)
			if err != nil || snap.EnvErr == nil || !strings.Contains(snap.EnvErr.Error(), ".env "+p.Env+" "+line) {
				t.Errorf("Load: %v, EnvErr %v", err, snap.EnvErr)
			}
		})
		within(t, 5*time.Second, "SetEnvVar", func() {
			if err := SetEnvVar(p, "OPENAI_API_KEY", fakeOAI); err == nil || !strings.Contains(err.Error(), line) {
				t.Errorf("SetEnvVar: %v", err)
			}
		})
	})
	t.Run("backup", func(t *testing.T) {
		p := newTestPaths(t)
		writeFile(t, p.Store, []byte("{\"version\":1,\"profiles\":{}}\n"))
		mkfifo(t, p.Backup)
		within(t, 5*time.Second, "CheckBackup", func() {
			if _, err := CheckBackup(p); err == nil || !strings.Contains(err.Error(), line) {
				t.Errorf("CheckBackup: %v", err)
			}
		})
	})
	t.Run("legacy files", func(t *testing.T) {
		p := newTestPaths(t)
		mkfifo(t, p.LegacyAuth)
		mkfifo(t, p.LegacyOAuth)
		within(t, 5*time.Second, "Load", func() {
			if snap, err := Load(p); err != nil || len(snap.Store.Profiles) != 0 {
				t.Errorf("Load: %v", err)
			}
		})
	})
	t.Run("lock file", func(t *testing.T) {
		p := newTestPaths(t)
		mkfifo(t, p.Lock())
		within(t, 5*time.Second, "InspectStoreLock", func() {
			if st, err := InspectStoreLock(p, time.Now()); err != nil || !st.Held {
				t.Errorf("InspectStoreLock: %+v, %v", st, err)
			}
		})
	})
}

// TestDeviceStoreIsRefused: a store linked to /dev/zero (which never ends)
// is refused before a byte is read, and the message names the link.
func TestDeviceStoreIsRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	p := newTestPaths(t)
	if err := os.MkdirAll(p.AgentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", p.Store); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, "Load", func() {
		_, err := Load(p)
		want := "auth store " + p.Store + " (a link to /dev/zero) is a character device, not a regular file; nothing was read from it (remove the link or point it at the real file)"
		if err == nil || err.Error() != want {
			t.Errorf("Load: %v\nwant %s", err, want)
		}
	})
	within(t, 5*time.Second, "Update", func() {
		_, err := update(context.Background(), p, func(*Store) error { return nil })
		if err == nil || !strings.Contains(err.Error(), p.Store+" (a link to /dev/zero) is a character device") {
			t.Errorf("Update: %v", err)
		}
	})
}

// TestOversizedFilesAreRefused: a store over 64 MiB, or a config or .env
// over 4 MiB, is refused with what the limit is; a file at the limit is
// read.
func TestOversizedFilesAreRefused(t *testing.T) {
	p := newTestPaths(t)
	sparse := func(path string, size int64) {
		t.Helper()
		writeFile(t, path, nil)
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
	}
	sparse(p.Store, MaxStoreSize+1)
	_, err := Load(p)
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != "auth store "+p.Store+" is larger than 64 MiB, the most moltbot reads for it; it was left as it is (is it the right file?)" {
		t.Errorf("Load of a 64 MiB + 1 store: %v", err)
	}
	if _, err := update(context.Background(), p, func(*Store) error { return nil }); !errors.As(err, &tl) {
		t.Errorf("Update of a 64 MiB + 1 store: %v", err)
	}
	if fi, _ := os.Stat(p.Store); fi.Size() != MaxStoreSize+1 {
		t.Error("the oversized store was changed")
	}

	sparse(p.Config, MaxConfigSize+1)
	sparse(p.Env, MaxConfigSize+1)
	if err := os.Remove(p.Store); err != nil {
		t.Fatal(err)
	}
	snap, err := Load(p)
	if err != nil || !errors.As(snap.ConfigErr, &tl) || !strings.Contains(snap.ConfigErr.Error(), "larger than 4 MiB") {
		t.Errorf("config over 4 MiB: %v, %v", err, snap.ConfigErr)
	}
	if !errors.As(snap.EnvErr, &tl) || !strings.Contains(snap.EnvErr.Error(), ".env "+p.Env+" is larger than 4 MiB") {
		t.Errorf(".env over 4 MiB: %v", snap.EnvErr)
	}
	if err := SetEnvVar(p, "K", "v"); !errors.As(err, &tl) {
		t.Errorf("SetEnvVar on a .env over 4 MiB: %v", err)
	}

	// A file exactly at the limit is read.
	sparse(p.Env, MaxConfigSize)
	if _, err := LoadEnvFile(p.Env); err != nil {
		t.Errorf(".env of exactly 4 MiB: %v", err)
	}
}

// TestReadRegularCapsWhatItReads: a "regular" file that says it is empty
// but never ends (as /proc files do) is cut off at the limit.
func TestReadRegularCapsWhatItReads(t *testing.T) {
	const proc = "/proc/self/cmdline"
	if _, err := os.Stat(proc); err != nil {
		t.Skip("no /proc")
	}
	data, _, err := readRegular(proc, "test file", 1<<20)
	if err != nil || len(data) == 0 {
		t.Fatalf("reading %s: %d bytes, %v", proc, len(data), err)
	}
	_, _, err = readRegular(proc, "test file", 2)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("a %d-byte file read with a 2-byte limit: %v", len(data), err)
	}
}
