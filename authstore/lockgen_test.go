package authstore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The store's lock in each generation (json-gens.md §5): a regular file
// everywhere but under a gateway known to be A (clawdbot, openclaw up to
// 2026.2.12), where it is proper-lockfile's directory; its path derived
// as each gateway derives it.

const oneKey = `{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEAAAA"}}}`

// TestStoreLockFormPerGeneration: what is at the lock path while moltbot
// writes, for a gateway of each JSON generation.
func TestStoreLockFormPerGeneration(t *testing.T) {
	for _, tc := range []struct {
		release string
		state   string
		dir     bool
	}{
		{"clawdbot-2026.1.24", "", true},
		{"openclaw-2026.2.12", "", true},
		{"openclaw-2026.2.17", "", false},
		{"openclaw-2026.4.5", "", false},
		{"openclaw-2026.4.7", "", false},
		{"openclaw-2026.6.1", `{"version":1,"order":{"anthropic":["anthropic:a"]}}`, false},
	} {
		t.Run(tc.release, func(t *testing.T) {
			p := gatewayState(t, tc.release, "", oneKey, tc.state)
			lock := filepath.Join(p.AgentDir, "auth-profiles.json.lock")
			_, err := update(context.Background(), p, func(s *Store) error {
				fi, err := os.Lstat(lock)
				if err != nil {
					return err
				}
				if fi.IsDir() != tc.dir {
					return errors.New("lock form: dir=" + map[bool]string{true: "yes", false: "no"}[fi.IsDir()])
				}
				if !tc.dir {
					pl, ok := parseLockPayload(readFile(t, lock))
					if !ok || pl.PID != os.Getpid() || pl.CreatedAt.IsZero() {
						return errors.New("lock file payload: " + string(readFile(t, lock)))
					}
				}
				return addProfile("openai:x")(s)
			})
			if err != nil {
				t.Fatal(err)
			}
			mustNotExist(t, lock)
		})
	}
}

// TestOwnLockPayloadIsOpenclaws: moltbot's lock file reads like the one
// openclaw 2026.6.1 writes (vector lock/auth-profiles.json.lock): 2-space
// JSON, pid, then createdAt as an ISO string with milliseconds, then the
// starttime, a final newline; the pidns and bootid moltbot adds come last
// and every gateway's payload parses.
func TestOwnLockPayloadIsOpenclaws(t *testing.T) {
	vec := readFile(t, filepath.Join(gatewaysDir, "openclaw-2026.6.1", "lock", "auth-profiles.json.lock"))
	shape := regexp.MustCompile(`^\{\n  "pid": \d+,\n  "createdAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",\n  "starttime": \d+`)
	if !shape.Match(vec) || !strings.HasSuffix(string(vec), "}\n") {
		t.Fatalf("the vector is not what the test thinks: %q", vec)
	}
	own := ownLockPayload(1234, time.Date(2026, 12, 3, 14, 23, 1, 564e6, time.UTC), realProc{})
	if _, ok := selfStartTime(); ok && !shape.Match(own) {
		t.Errorf("own payload %q is not shaped like openclaw's %q", own, vec)
	}
	if !strings.HasSuffix(string(own), "}\n") || !strings.Contains(string(own), `"createdAt": "2026-12-03T14:23:01.564Z"`) {
		t.Errorf("own payload %q", own)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(own, &keys); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"openclaw-2026.2.17", "openclaw-2026.4.5", "openclaw-2026.5.12", "openclaw-2026.6.1"} {
		data := readFile(t, filepath.Join(gatewaysDir, rel, "lock", "auth-profiles.json.lock"))
		pl, ok := parseLockPayload(data)
		if !ok || pl.PID <= 0 || pl.CreatedAt.IsZero() || pl.HasStart != (rel == "openclaw-2026.6.1") {
			t.Errorf("%s: %+v %v", rel, pl, ok)
		}
	}
}

// TestLockPathPerGeneration: A locks realpath(store).lock, B and C
// realpath(dir)/auth-profiles.json.lock. A symlinked agent dir is the same
// for both; a symlinked store B/C would lock elsewhere than A, and the
// write is refused with one line that says why and what to do, nothing
// written.
func TestLockPathPerGeneration(t *testing.T) {
	t.Run("agent dir a symlink: B/C lock in the real dir", func(t *testing.T) {
		p := gatewayState(t, "openclaw-2026.6.1", "", oneKey, "")
		real := filepath.Join(t.TempDir(), "real-agent")
		if err := os.Rename(p.AgentDir, real); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(real, p.AgentDir); err != nil {
			t.Fatal(err)
		}
		_, err := update(context.Background(), p, func(s *Store) error {
			if fi, err := os.Lstat(filepath.Join(real, "auth-profiles.json.lock")); err != nil || !fi.Mode().IsRegular() {
				return errors.New("no lock file in the real agent dir")
			}
			return addProfile("openai:x")(s)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	for _, rel := range []string{"openclaw-2026.2.17", "openclaw-2026.6.1"} {
		t.Run(rel+": a symlinked store is refused", func(t *testing.T) {
			p := gatewayState(t, rel, "", "", "")
			target := filepath.Join(t.TempDir(), "shared.json")
			writeFile(t, target, []byte(oneKey))
			if err := os.Symlink(target, p.Store); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(p); err != nil {
				t.Fatalf("reading is fine: %v", err)
			}
			_, err := SetOrder(context.Background(), p, "anthropic", []string{"anthropic:a"})
			var se *SymlinkedStoreError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v", err)
			}
			msg := err.Error()
			for _, want := range []string{p.Store, target, filepath.Join(p.AgentDir, "auth-profiles.json.lock"), target + ".lock", "writes nothing", "mv "} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Error("more than one line")
			}
			if string(readFile(t, target)) != oneKey {
				t.Error("the target changed")
			}
			mustNotExist(t, p.Lock())
			mustNotExist(t, target+".lock")
		})
	}
	t.Run("clawdbot: a symlinked store is locked beside its target", func(t *testing.T) {
		p := gatewayState(t, "clawdbot-2026.1.24", "", "", "")
		target := filepath.Join(t.TempDir(), "shared.json")
		writeFile(t, target, []byte(oneKey))
		if err := os.Symlink(target, p.Store); err != nil {
			t.Fatal(err)
		}
		_, err := update(context.Background(), p, func(s *Store) error {
			if fi, err := os.Stat(target + ".lock"); err != nil || !fi.IsDir() {
				return errors.New("no directory lock beside the target")
			}
			return addProfile("openai:x")(s)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestForeignLocksAreHonouredInEveryGeneration: whatever form is at the
// lock path — a directory (A, an old moltbot) or a file (B, C) — a C
// writer waits for it.
func TestForeignLocksAreHonouredInEveryGeneration(t *testing.T) {
	withLockTimings(t, 200*time.Millisecond, 30*time.Second, 10*time.Second)
	for name, make := range map[string]func(string) error{
		"directory": func(path string) error { return os.Mkdir(path, 0o700) },
		"openclaw 6.1 file": func(path string) error {
			return os.WriteFile(path, readFile(t, filepath.Join(gatewaysDir, "openclaw-2026.6.1", "lock", "auth-profiles.json.lock")), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := gatewayState(t, "openclaw-2026.6.1", "", oneKey, "")
			if err := make(p.Lock()); err != nil {
				t.Fatal(err)
			}
			if name != "directory" {
				// A live holder: this process, in its own namespace.
				now := time.Now()
				data := ownLockPayload(os.Getpid(), now, fakeProc{})
				if err := os.WriteFile(p.Lock(), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := SetOrder(context.Background(), p, "anthropic", []string{"anthropic:a"})
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("err = %v, want ErrLocked", err)
			}
			if string(readFile(t, p.Store)) != oneKey {
				t.Error("written under someone else's lock")
			}
		})
	}
}

// TestEmptyLockDirectoryWedgesOpenclaw: an empty lock DIRECTORY older than
// 30 s beside a B or C store blocks those gateways for good (they cannot
// remove a directory: 4.7 fails, 5.12 spins). InspectStoreLock says so
// (doctor fails on it) and RemoveStaleLock removes it (doctor --fix); for
// a gateway known to be A, which removes it itself, it is only stale.
func TestEmptyLockDirectoryWedgesOpenclaw(t *testing.T) {
	for _, tc := range []struct {
		release string
		wedges  bool
	}{{"openclaw-2026.4.7", true}, {"openclaw-2026.2.17", true}, {"clawdbot-2026.1.24", false}} {
		t.Run(tc.release, func(t *testing.T) {
			p := gatewayState(t, tc.release, "", oneKey, "")
			if err := os.Mkdir(p.Lock(), 0o700); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			st, err := InspectStoreLock(p, now)
			if err != nil || !st.Held || !st.Dir || st.Stale || st.Wedges {
				t.Fatalf("a fresh directory: %+v %v", st, err)
			}
			old := now.Add(-10 * time.Minute)
			if err := os.Chtimes(p.Lock(), old, old); err != nil {
				t.Fatal(err)
			}
			st, err = InspectStoreLock(p, now)
			if err != nil || !st.Stale || st.Wedges != tc.wedges {
				t.Fatalf("10 minutes old: %+v %v", st, err)
			}
			if removed, err := RemoveStaleLock(p, now); !removed || err != nil {
				t.Fatalf("not removed: %v", err)
			}
			mustNotExist(t, p.Lock())
		})
	}
}

// TestZombieHolderIsDead: a lock whose pid is a zombie (exited, not yet
// reaped) is dead, as openclaw 2026.2.17 and later judge it: kill(pid, 0)
// alone would call it alive.
func TestZombieHolderIsDead(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "exit 0")
	if err := cmd.Start(); err != nil {
		t.Skip("cannot start a child:", err)
	}
	defer cmd.Wait() //nolint:errcheck // reaps it
	pid := cmd.Process.Pid
	deadline := time.Now().Add(5 * time.Second)
	for !procZombie(pid) {
		if time.Now().After(deadline) {
			t.Skip("no zombie state to see (/proc?)")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if pidAlive(pid) {
		t.Error("a zombie counts as alive")
	}
	ns, boot := selfNamespace()
	seen := lockSeen{mtime: time.Now(), payload: &lockPayload{PID: pid, CreatedAt: time.Now(), PIDNS: ns, BootID: boot}}
	if ns != "" && !judgeLock(seen, time.Now(), realProc{}).stale {
		t.Error("moltbot's own lock of a zombie is not stale")
	}
	seen.payload.PIDNS = ""
	seen.mtime, seen.payload.CreatedAt = time.Now().Add(-time.Minute), time.Now().Add(-time.Minute)
	if !judgeLock(seen, time.Now(), realProc{}).stale {
		t.Error("an old foreign lock of a zombie is not stale")
	}
}
