package authstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// plantLink makes path a symlink to a victim file outside the state dir,
// as someone who may write the directory (the service user, say) could,
// and returns the victim. age > 0 dates the link itself back.
func plantLink(t *testing.T, path string, age time.Duration) string {
	t.Helper()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("victim's content\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if age > 0 {
		ts := unix.NsecToTimespec(time.Now().Add(-age).UnixNano())
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, []unix.Timespec{ts, ts}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			t.Fatal(err)
		}
	}
	return victim
}

func assertVictimUntouched(t *testing.T, victim string) {
	t.Helper()
	if got := string(readFile(t, victim)); got != "victim's content\n" {
		t.Errorf("the symlink's target was written: %q", got)
	}
	if m := fileMode(t, victim); m != 0o644 {
		t.Errorf("the symlink's target's mode changed to %o", m)
	}
}

// TestNoFileIsCreatedThroughAPlantedSymlink (issue 11, point 4): a symlink
// planted at any name moltbot creates beside the gateway's files (temp
// files, lock files, the backup) is never followed. The operation succeeds
// safely or fails with one clear line, and the link's target is untouched.
// Before, the config's and .env's lock content files had a predictable
// name (<file>.lock.<pid>.tmp) written with os.WriteFile: paste-token
// overwrote the target.
func TestNoFileIsCreatedThroughAPlantedSymlink(t *testing.T) {
	withLockTimings(t, 300*time.Millisecond, 30*time.Second, 10*time.Second)
	pid := os.Getpid()
	setConfig := func(p Paths) error { return SetConfigProfile(p, "openai:a", "openai", "api_key") }
	setEnv := func(p Paths) error { return SetEnvVar(p, "OPENAI_API_KEY", fakeOAI) }
	update := func(p Paths) error { _, err := update(context.Background(), p, addProfile("openai:a")); return err }
	cases := []struct {
		name string
		link func(p Paths) string // where the link is planted
		age  time.Duration
		op   func(p Paths) error
		fail string // "" when the operation must succeed, else a part of its one line
	}{
		{"the config lock's old content file name", func(p Paths) string { return fmt.Sprintf("%s.lock.%d.tmp", p.Config, pid) }, 0, setConfig, ""},
		{"the .env lock's old content file name", func(p Paths) string { return fmt.Sprintf("%s.lock.%d.tmp", p.Env, pid) }, 0, setEnv, ""},
		{"the backup's link name", func(p Paths) string { return fmt.Sprintf("%s.tmp-%d", p.Backup, pid) }, 0, update, ""},
		{"the backup itself", func(p Paths) string { return p.Backup }, 0, update, ""},
		{"the store's lock, young", func(p Paths) string { return p.Lock() }, 0, update, "is locked by another process"},
		{"the store's lock, old", func(p Paths) string { return p.Lock() }, time.Minute, update, ""},
		{"the config's lock, young", func(p Paths) string { return p.Config + ".lock" }, 0, setConfig, "is locked by another process"},
		{"the config's lock, old", func(p Paths) string { return p.Config + ".lock" }, time.Minute, setConfig, ""},
		{"the .env's lock, old", func(p Paths) string { return p.Env + ".lock" }, time.Minute, setEnv, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPaths(t)
			storeWithOneProfile(t, p)
			writeFile(t, p.Config, []byte("{}\n"))
			writeFile(t, p.Env, []byte("A=1\n"))
			link := tc.link(p)
			victim := plantLink(t, link, tc.age)
			err := tc.op(p)
			switch {
			case tc.fail == "" && err != nil:
				t.Fatalf("failed: %v", err)
			case tc.fail != "" && (err == nil || !strings.Contains(err.Error(), tc.fail) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("err = %v, want one line saying %q", err, tc.fail)
			}
			assertVictimUntouched(t, victim)
			if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink == 0 && link != p.Backup {
				t.Errorf("%s is a file now", link)
			}
		})
	}
}

// TestQuarantineIgnoresAPlantedSymlink: doctor --fix moves a corrupt store
// aside to a name that exists nowhere yet; a link planted at the first
// choice is passed over, not followed or replaced.
func TestQuarantineIgnoresAPlantedSymlink(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte("{corrupt"))
	storeWithOneProfile(t, Paths{Store: p.Backup})
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	link := p.Store + ".corrupt-20260102-150405"
	victim := plantLink(t, link, 0)
	res, err := QuarantineCorruptStore(context.Background(), p, now)
	if err != nil || !res.Restored || res.MovedTo == link {
		t.Fatalf("quarantine: %+v, %v", res, err)
	}
	assertVictimUntouched(t, victim)
	if string(readFile(t, res.MovedTo)) != "{corrupt" {
		t.Error("the corrupt store was not moved aside")
	}
}
