package authstore

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestInspectAndRemoveStaleLock(t *testing.T) {
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	now := time.Now()

	st, err := InspectStoreLock(p, now)
	if err != nil || st.Held {
		t.Fatalf("no lock: %+v, %v", st, err)
	}
	if removed, err := RemoveStaleLock(p, now); removed || err != nil {
		t.Fatalf("removed a lock that is not there: %v", err)
	}

	// A fresh directory lock, as the gateway makes: held, not stale, kept.
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	st, _ = InspectStoreLock(p, now)
	if !st.Held || !st.Dir || st.Stale || st.Path != p.Lock() {
		t.Fatalf("fresh lock: %+v", st)
	}
	if removed, _ := RemoveStaleLock(p, now); removed {
		t.Fatal("removed a live lock")
	}

	// Untouched for longer than the stale limit: removed.
	old := now.Add(-2 * lockStale)
	if err := os.Chtimes(p.Lock(), old, old); err != nil {
		t.Fatal(err)
	}
	st, _ = InspectStoreLock(p, now)
	if !st.Stale || st.Since.Sub(old).Abs() > time.Second {
		t.Fatalf("old lock: %+v", st)
	}
	if removed, err := RemoveStaleLock(p, now); !removed || err != nil {
		t.Fatalf("stale lock not removed: %v", err)
	}
	if _, err := os.Lstat(p.Lock()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("lock still there")
	}

	if st.Taken {
		t.Error("a lock directory's mtime was taken for when it was taken")
	}

	// A young file lock of a process not running here: it may run in a
	// container, so it is not stale.
	writeFile(t, p.Lock(), []byte(`{"pid":999999999,"createdAt":`+itoa(now.UnixMilli())+`}`))
	st, _ = InspectStoreLock(p, now)
	if !st.Held || st.Dir || st.Stale || !st.Taken || !strings.Contains(st.Holder, "999999999") {
		t.Fatalf("young foreign holder: %+v", st)
	}
	if removed, _ := RemoveStaleLock(p, now); removed {
		t.Fatal("removed a young lock of another namespace")
	}

	// One a moltbot of this namespace left when it died is stale at once.
	writeFile(t, p.Lock(), []byte(ourLockFile(t, 999999999, now)))
	st, _ = InspectStoreLock(p, now)
	if !st.Held || st.Dir || !st.Stale || !strings.Contains(st.Holder, "999999999") {
		t.Fatalf("dead holder: %+v", st)
	}
}

func itoa(n int64) string { return strings.TrimSpace(string(mustMarshal(n))) }

func TestCheckPermissionsAndFix(t *testing.T) {
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	writeFile(t, p.Env, []byte("X=1\n"))
	for path, mode := range map[string]fs.FileMode{p.Store: 0o644, p.AgentDir: 0o755, p.Env: 0o600} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]PermCheck{}
	for _, pc := range CheckPermissions(p) {
		got[pc.Name] = pc
	}
	if pc := got["auth store"]; !pc.Exists || !pc.TooOpen() || pc.Mode != 0o644 || pc.Want != 0o600 {
		t.Fatalf("store: %+v", pc)
	}
	if pc := got["agent directory"]; !pc.IsDir || !pc.TooOpen() || !pc.Writable || pc.Want != 0o700 {
		t.Fatalf("agent dir: %+v", pc)
	}
	if pc := got[".env"]; pc.TooOpen() {
		t.Fatalf(".env: %+v", pc)
	}
	if pc := got["auth store backup"]; pc.Exists || pc.TooOpen() || pc.Err != nil {
		t.Fatalf("backup: %+v", pc)
	}
	for _, pc := range CheckPermissions(p) {
		if pc.TooOpen() {
			if err := FixPermission(pc); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, pc := range CheckPermissions(p) {
		if pc.TooOpen() || pc.Exists && pc.Mode != pc.Want {
			t.Fatalf("after fix: %+v", pc)
		}
	}
}

func TestCheckPermissionsFollowsSymlinkedStore(t *testing.T) {
	p := newTestPaths(t)
	real := filepath.Join(t.TempDir(), "real-store.json")
	writeFile(t, real, []byte(`{"version":1,"profiles":{}}`))
	if err := os.Chmod(real, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(p.AgentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, p.Store); err != nil {
		t.Fatal(err)
	}
	for _, pc := range CheckPermissions(p) {
		if pc.Name == "auth store" && (pc.Path != real || !pc.TooOpen()) {
			t.Fatalf("store check looked at %s (%+v), want the link's target", pc.Path, pc)
		}
	}
}

func TestDanglingOrderPrune(t *testing.T) {
	s, err := ParseStore([]byte(`{
  "version": 1,
  "profiles": {
    "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": "sk-FAKE-a"},
    "zai:b": {"type": "api_key", "provider": "zai", "key": "sk-FAKE-b"}
  },
  "order": {
    "anthropic": ["anthropic:gone", "anthropic:a", "anthropic:gone2"],
    "z.ai": ["zai:b"],
    "openai": ["openai:gone"]
  },
  "futureTop": 1
}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []OrderEntry{{"anthropic", "anthropic:gone"}, {"anthropic", "anthropic:gone2"}, {"openai", "openai:gone"}}
	if got := s.DanglingOrder(); !reflect.DeepEqual(got, want) {
		t.Fatalf("dangling %v", got)
	}
	if got := s.PruneDanglingOrder(); !reflect.DeepEqual(got, want) {
		t.Fatalf("pruned %v", got)
	}
	wantOrder := map[string][]string{"anthropic": {"anthropic:a"}, "z.ai": {"zai:b"}}
	if !reflect.DeepEqual(s.Order, wantOrder) {
		t.Fatalf("order after prune %v (an emptied list is removed, alias keys kept)", s.Order)
	}
	if !strings.Contains(string(s.Marshal()), `"futureTop": 1`) {
		t.Fatal("unknown field lost")
	}
	if s.PruneDanglingOrder() != nil {
		t.Fatal("second prune found more")
	}

	// Every list emptied: the "order" object goes, as the gateway does.
	s2, _ := ParseStore([]byte(`{"version":1,"profiles":{},"order":{"openai":["openai:gone"]}}`))
	s2.PruneDanglingOrder()
	if strings.Contains(string(s2.Marshal()), `"order"`) {
		t.Fatalf("empty order object kept:\n%s", s2.Marshal())
	}
}

func TestConfigDanglingOrder(t *testing.T) {
	s, _ := ParseStore([]byte(`{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"k"}}}`))
	cfg, err := ParseConfig("c.json5", []byte(`{auth: {order: {openai: ["openai:x"], anthropic: ["anthropic:a", "anthropic:old"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []OrderEntry{{"anthropic", "anthropic:old"}, {"openai", "openai:x"}}
	if got := cfg.DanglingOrder(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
}

func TestQuarantineCorruptStore(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	corrupt := []byte("{\"version\": 1, \"profiles\": [")
	ctx := context.Background()

	t.Run("restores-valid-backup", func(t *testing.T) {
		p := newTestPaths(t)
		good := storeWithOneProfile(t, p)
		writeFile(t, p.Backup, good)
		writeFile(t, p.Store, corrupt)
		res, err := QuarantineCorruptStore(ctx, p, now)
		if err != nil || !res.Restored || res.Profiles != 1 || res.MovedTo != p.Store+".corrupt-20260102-150405" {
			t.Fatalf("%+v, %v", res, err)
		}
		if string(readFile(t, p.Store)) != string(good) || string(readFile(t, res.MovedTo)) != string(corrupt) {
			t.Fatal("files not where they should be")
		}
		if fi, _ := os.Stat(p.Store); fi.Mode().Perm() != 0o600 {
			t.Fatalf("restored mode %o", fi.Mode().Perm())
		}
		assertNoLock(t, p)

		// Again on the same second: a fresh name, the first one is kept.
		writeFile(t, p.Store, corrupt)
		res2, err := QuarantineCorruptStore(ctx, p, now)
		if err != nil || res2.MovedTo != p.Store+".corrupt-20260102-150405-1" {
			t.Fatalf("%+v, %v", res2, err)
		}
	})
	t.Run("no-backup", func(t *testing.T) {
		p := newTestPaths(t)
		writeFile(t, p.Store, corrupt)
		res, err := QuarantineCorruptStore(ctx, p, now)
		if err != nil || res.Restored || res.BackupProblem != "there is no backup" {
			t.Fatalf("%+v, %v", res, err)
		}
		if _, err := os.Stat(p.Store); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("corrupt store still in place")
		}
	})
	t.Run("corrupt-backup", func(t *testing.T) {
		p := newTestPaths(t)
		writeFile(t, p.Store, corrupt)
		writeFile(t, p.Backup, corrupt)
		res, err := QuarantineCorruptStore(ctx, p, now)
		if err != nil || res.Restored || res.BackupProblem != "the backup is corrupt too" {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("valid-store-left-alone", func(t *testing.T) {
		p := newTestPaths(t)
		good := storeWithOneProfile(t, p)
		res, err := QuarantineCorruptStore(ctx, p, now)
		if err != nil || res.MovedTo != "" || string(readFile(t, p.Store)) != string(good) {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("missing-store", func(t *testing.T) {
		p := newTestPaths(t)
		if err := os.MkdirAll(p.AgentDir, 0o700); err != nil {
			t.Fatal(err)
		}
		if res, err := QuarantineCorruptStore(ctx, p, now); err != nil || res.MovedTo != "" {
			t.Fatalf("%+v, %v", res, err)
		}
	})
	t.Run("lock-held", func(t *testing.T) {
		withLockTimings(t, 100*time.Millisecond, 30*time.Second, 10*time.Second)
		p := newTestPaths(t)
		writeFile(t, p.Store, corrupt)
		if err := os.Mkdir(p.Lock(), 0o700); err != nil {
			t.Fatal(err)
		}
		_, err := QuarantineCorruptStore(ctx, p, now)
		if !errors.Is(err, ErrLocked) || string(readFile(t, p.Store)) != string(corrupt) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestSetLockWait(t *testing.T) {
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	before := lockWait
	restore := SetLockWait(50 * time.Millisecond)
	if lockWait != 50*time.Millisecond {
		t.Fatalf("lockWait %v", lockWait)
	}
	_, err := update(context.Background(), p, addProfile("openai:x"))
	restore()
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err %v", err)
	}
	if lockWait != before {
		t.Fatalf("restore left lockWait at %v, want %v", lockWait, before)
	}
}
