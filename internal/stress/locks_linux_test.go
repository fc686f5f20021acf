//go:build linux

package stress

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests in this file pause, hang up on and interrupt the real binary
// while it holds or waits for a lock (issue 11, points 1, 2, 4, 5, 11, 14).

var (
	hookedOnce sync.Once
	hookedBin  string
	hookedErr  error
)

// hookedMoltbot is moltbot built with the test hook (-tags
// moltbot_testhooks): MOLTBOT_TEST_HOOK=store-read=stop makes it SIGSTOP
// itself right after it read the store under its lock, =sleep:2s makes it
// sleep there. Release builds have no such hook.
func hookedMoltbot(t *testing.T) string {
	t.Helper()
	hookedOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		hookedBin = filepath.Join(filepath.Dir(moltbot), "moltbot-hooked")
		build := exec.Command(goTool, "build", "-tags", "moltbot_testhooks", "-o", hookedBin, "github.com/moltbot/moltbot/cmd/moltbot")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			hookedErr = fmt.Errorf("go build -tags moltbot_testhooks: %v\n%s", err, out)
		}
	})
	if hookedErr != nil {
		t.Fatal(hookedErr)
	}
	return hookedBin
}

// started is a moltbot running in the background.
type started struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

// start runs bin with args and stdin; hook sets MOLTBOT_TEST_HOOK.
func (in *install) start(bin, hook, stdin string, args ...string) *started {
	in.t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string(nil), in.env...)
	if hook != "" {
		cmd.Env = append(cmd.Env, "MOLTBOT_TEST_HOOK="+hook)
	}
	cmd.Dir, cmd.Stdin = in.home, strings.NewReader(stdin)
	s := &started{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	in.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Process.Signal(syscall.SIGCONT)
	})
	return s
}

// wait waits up to d for the command to exit and returns its exit code.
func (s *started) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		default:
			t.Fatal(err)
		}
	case <-time.After(d):
		t.Fatalf("moltbot did not exit within %v; stderr so far:\n%s", d, s.stderr.String())
	}
	return -1
}

// running reports whether the command has not exited yet.
func (s *started) running() bool {
	select {
	case err := <-s.done:
		s.done <- err
		return false
	default:
		return true
	}
}

// waitState waits until the process is in state (a letter of
// /proc/<pid>/stat: T stopped, S sleeping).
func waitState(t *testing.T, pid int, state byte) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatalf("process %d: %v", pid, err)
		}
		if i := bytes.LastIndexByte(data, ')'); i >= 0 && len(data) > i+2 && data[i+2] == state {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("process %d never reached state %c", pid, state)
}

// waitExists waits until path exists.
func waitExists(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Lstat(path); err == nil {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

// sameEntry reports whether path is still exactly the entry fi was.
func sameEntry(path string, fi os.FileInfo) bool {
	now, err := os.Lstat(path)
	return err == nil && os.SameFile(now, fi) && now.ModTime().Equal(fi.ModTime())
}

// realPath is path with its symlinks resolved (as moltbot names it).
func realPath(t *testing.T, path string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, filepath.Base(path))
}

// TestPausedWriterNeverWritesAfterLosingItsLock (issue 11, point 1): writer
// A is stopped (SIGSTOP) right after it read the store under its lock; once
// the lock is older than the stale limit, writer B breaks it and saves
// (exit 0); a gateway then takes the lock directory. A is resumed: it
// writes nothing, removes nothing, says the lock was taken over, exit 1.
// Before, A wrote its stale copy over B's acknowledged write and removed
// the gateway's lock. One variant ages the lock while A is stopped; the
// other waits out the real 30 s (in parallel with the other tests; skipped
// with -short).
func TestPausedWriterNeverWritesAfterLosingItsLock(t *testing.T) {
	bin := hookedMoltbot(t)
	for _, variant := range []string{"lock aged while paused", "paused 31 s"} {
		t.Run(variant, func(t *testing.T) {
			real := variant == "paused 31 s"
			if real {
				if testing.Short() {
					t.Skip("waits 31 s of real time (-short)")
				}
				t.Parallel()
			}
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			writeFile(t, in.storePath(), []byte(stressStore))
			tokA, tokB := fakeToken("paused-A"), fakeToken("writer-B")

			a := in.start(bin, "store-read=stop", tokA+"\n", "models", "auth", "paste-token", "--provider", "together", "--profile-id", "together:a")
			waitState(t, a.cmd.Process.Pid, 'T')
			stoppedAt := time.Now()
			if fi, err := os.Lstat(in.lockPath()); err != nil || !fi.IsDir() {
				t.Fatalf("A is stopped without its lock: %v", err)
			}
			if real {
				time.Sleep(time.Until(stoppedAt.Add(31 * time.Second)))
			} else {
				past := time.Now().Add(-time.Minute)
				if err := os.Chtimes(in.lockPath(), past, past); err != nil {
					t.Fatal(err)
				}
			}

			b := in.paste("together", "together:b", tokB)
			if b.code != 0 {
				t.Fatalf("writer B: exit %d: %s", b.code, b.stderr)
			}
			afterB := readFile(t, in.storePath())
			if got, want := marshal(mustParseDoc(t, afterB)), withProfile(t, []byte(stressStore), "together", "together:b", tokB); got != want {
				t.Fatal("writer B's save is not the old store plus its profile")
			}
			bakB, configB := readFile(t, in.storePath()+".bak"), readFile(t, in.configPath())

			// The gateway takes the lock.
			if err := os.Mkdir(in.lockPath(), 0o700); err != nil {
				t.Fatalf("the gateway cannot take the lock: %v", err)
			}
			gw, err := os.Lstat(in.lockPath())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Remove(in.lockPath()) })

			if err := a.cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
			code := a.wait(t, 20*time.Second)
			want := "moltbot: the lock on " + realPath(t, in.storePath()) + " was taken over while this command was paused; nothing was written\n"
			if code != 1 || a.stderr.String() != want {
				t.Errorf("writer A: exit %d, stderr %q\nwant exit 1 and %q", code, a.stderr.String(), want)
			}
			if !sameEntry(in.lockPath(), gw) {
				t.Error("the gateway's lock directory was removed, replaced or touched")
			}
			if got := readFile(t, in.storePath()); !bytes.Equal(got, afterB) {
				t.Error("writer B's acknowledged write was overwritten")
			}
			if !bytes.Equal(readFile(t, in.storePath()+".bak"), bakB) || !bytes.Equal(readFile(t, in.configPath()), configB) {
				t.Error("writer A changed the .bak or the config")
			}
			if strings.Contains(string(readFile(t, in.storePath())), tokA) {
				t.Error("writer A's token is in the store")
			}
			if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak", "auth-profiles.json.lock"); len(extra) > 0 {
				t.Errorf("left in the agent dir: %v", extra)
			}
			if !t.Failed() {
				writeSummary(t, fmt.Sprintf("paused writer (%s, stopped %v): B broke the lock and saved, a gateway took it, A resumed: exit 1, wrote nothing, the gateway's lock kept",
					variant, time.Since(stoppedAt).Round(time.Second)))
			}
		})
	}
}

// TestYoungForeignLockIsWaitedFor (issue 11, point 2): a young lock file
// whose pid does not run here (a gateway in a container, with its own PID
// namespace, on a shared volume) is waited for, never broken; once its
// holder removes it the command goes ahead. Before, it was broken in
// 0.3 ms and the gateway then overwrote the acknowledged write.
func TestYoungForeignLockIsWaitedFor(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content func(pid int) []byte
	}{
		{"no namespace (a gateway's lock)", func(pid int) []byte {
			return fmt.Appendf(nil, `{"pid":%d,"createdAt":%d}`, pid, time.Now().UnixMilli())
		}},
		{"another namespace", func(pid int) []byte {
			return fmt.Appendf(nil, `{"pid":%d,"createdAt":%d,"starttime":1,"pidns":"pid:[4026532999]","bootid":"FAKE-boot"}`, pid, time.Now().UnixMilli())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			writeFile(t, in.storePath(), []byte(stressStore))
			content := tc.content(deadPID(t))
			writeFile(t, in.lockPath(), content)
			tok := fakeToken("foreign-wait")
			s := in.start(moltbot, "", tok+"\n", "models", "auth", "paste-token", "--provider", "venice", "--profile-id", "venice:a")
			time.Sleep(1500 * time.Millisecond)
			if !s.running() {
				t.Fatalf("paste-token did not wait for the lock: it exited (%s)", s.stderr.String())
			}
			if got, err := os.ReadFile(in.lockPath()); err != nil || !bytes.Equal(got, content) {
				t.Fatalf("the foreign lock was broken or changed: %v", err)
			}
			if string(readFile(t, in.storePath())) != stressStore {
				t.Fatal("the store changed while the foreign lock was held")
			}
			if err := os.Remove(in.lockPath()); err != nil {
				t.Fatal(err)
			}
			if code := s.wait(t, 15*time.Second); code != 0 {
				t.Fatalf("exit %d after the lock was freed: %s", code, s.stderr.String())
			}
			if got, want := marshal(mustParseDoc(t, readFile(t, in.storePath()))), withProfile(t, []byte(stressStore), "venice", "venice:a", tok); got != want {
				t.Error("the store is not the old one plus the new profile")
			}
		})
	}
}

// TestSignalsLeaveNoLock (issue 11, points 11 and 14): SIGHUP (an SSH
// connection dropped), like SIGTERM and ctrl+c, ends a command cleanly:
// while it waits for a busy lock, it gives up at once; while its
// transaction is under way, the transaction finishes or is abandoned
// before anything is written. Either way it says so in one line, exits
// 128+signal, and leaves no lock of its own (the gateway's stays), no temp
// file, and the store old or new. Before, SIGHUP killed it and left its
// lock behind for 30 s; ctrl+c said "context canceled", exit 1.
func TestSignalsLeaveNoLock(t *testing.T) {
	bin := hookedMoltbot(t)
	const line = "moltbot: interrupted; nothing was changed\n"
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String()+" while waiting for a busy lock", func(t *testing.T) {
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			writeFile(t, in.storePath(), []byte(stressStore))
			if err := os.Mkdir(in.lockPath(), 0o700); err != nil {
				t.Fatal(err)
			}
			gw, _ := os.Lstat(in.lockPath())
			s := in.start(moltbot, "", fakeToken("sig-wait")+"\n", "models", "auth", "paste-token", "--provider", "synthetic", "--profile-id", "synthetic:a")
			time.Sleep(300 * time.Millisecond)
			sent := time.Now()
			_ = s.cmd.Process.Signal(sig)
			code := s.wait(t, 5*time.Second)
			if code != 128+int(sig) || s.stderr.String() != line {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, s.stderr.String(), 128+int(sig), line)
			}
			t.Logf("%v: exited %v after the signal", sig, time.Since(sent).Round(time.Millisecond))
			if !sameEntry(in.lockPath(), gw) {
				t.Error("the gateway's lock was touched")
			}
			if string(readFile(t, in.storePath())) != stressStore {
				t.Error("the store changed")
			}
			if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.lock"); len(extra) > 0 {
				t.Errorf("left in the agent dir: %v", extra)
			}
			if extra := leftovers(t, in.state, "agents"); len(extra) > 0 {
				t.Errorf("left in the state dir: %v", extra)
			}
		})
		t.Run(sig.String()+" during the transaction", func(t *testing.T) {
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			writeFile(t, in.storePath(), []byte(stressStore))
			tok := fakeToken("sig-mid")
			s := in.start(bin, "store-read=sleep:1500ms", tok+"\n", "models", "auth", "paste-token", "--provider", "synthetic", "--profile-id", "synthetic:a")
			waitExists(t, in.lockPath()) // the transaction holds its lock
			time.Sleep(100 * time.Millisecond)
			_ = s.cmd.Process.Signal(sig)
			code := s.wait(t, 15*time.Second)
			store := readFile(t, in.storePath())
			switch {
			case string(store) == stressStore:
				if code != 128+int(sig) || s.stderr.String() != line {
					t.Errorf("abandoned: exit %d, stderr %q; want %d and %q", code, s.stderr.String(), 128+int(sig), line)
				}
			case marshal(mustParseDoc(t, store)) == withProfile(t, []byte(stressStore), "synthetic", "synthetic:a", tok):
				if code != 0 {
					t.Errorf("finished: exit %d, stderr %q", code, s.stderr.String())
				}
			default:
				t.Fatal("the store is neither the old nor the new version")
			}
			if _, err := os.Lstat(in.lockPath()); err == nil {
				t.Error("the lock was left behind")
			}
			if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
				t.Errorf("left in the agent dir: %v", extra)
			}
		})
	}

	// A second ctrl+c does not wait for the transaction: the command exits
	// at once, its lock removed, the store old.
	t.Run("a second ctrl+c exits at once", func(t *testing.T) {
		in := newInstall(t, filepath.Join(t.TempDir(), "state"))
		writeFile(t, in.storePath(), []byte(stressStore))
		s := in.start(bin, "store-read=sleep:20s", fakeToken("sig-twice")+"\n", "models", "auth", "paste-token", "--provider", "synthetic", "--profile-id", "synthetic:a")
		waitExists(t, in.lockPath())
		time.Sleep(100 * time.Millisecond)
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(200 * time.Millisecond)
		if !s.running() {
			t.Fatalf("the first ctrl+c did not wait for the transaction: %s", s.stderr.String())
		}
		sent := time.Now()
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		code := s.wait(t, 5*time.Second)
		if code != 130 || !strings.Contains(s.stderr.String(), "moltbot: interrupted again; stopped at once") {
			t.Errorf("exit %d, stderr %q", code, s.stderr.String())
		}
		t.Logf("exited %v after the second ctrl+c", time.Since(sent).Round(time.Millisecond))
		if _, err := os.Lstat(in.lockPath()); err == nil {
			t.Error("the lock was left behind")
		}
		if string(readFile(t, in.storePath())) != stressStore {
			t.Error("the store changed")
		}
		if extra := leftovers(t, in.agentDir(), "auth-profiles.json"); len(extra) > 0 {
			t.Errorf("left in the agent dir: %v", extra)
		}
	})
}

// TestPlantedTempSymlinksAreNotFollowed (issue 11, point 4): with links
// planted at the names a paste-token used to create predictably (its pid is
// made predictable: 1, in a new PID namespace), the command saves and the
// links' targets are untouched. Before, the config lock's content file
// (clawdbot.json.lock.<pid>.tmp) was written through the link. Needs root
// (for the PID namespace).
func TestPlantedTempSymlinksAreNotFollowed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to start moltbot in its own PID namespace (CI runs as root)")
	}
	in := newInstall(t, filepath.Join(t.TempDir(), "state"))
	writeFile(t, in.storePath(), []byte(stressStore))
	writeFile(t, in.configPath(), []byte("{}\n"))
	victims := map[string]string{}
	for _, name := range []string{in.configPath() + ".lock.1.tmp", in.storePath() + ".bak.tmp-1"} {
		victim := filepath.Join(t.TempDir(), "victim")
		writeFile(t, victim, []byte("victim's content\n"))
		if err := os.Symlink(victim, name); err != nil {
			t.Fatal(err)
		}
		victims[name] = victim
	}
	cmd := in.command(fakeToken("planted")+"\n", "models", "auth", "paste-token", "--provider", "chutes", "--profile-id", "chutes:a")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Skipf("cannot start a process in a new PID namespace here: %v", err)
		}
		t.Fatalf("paste-token: %v\n%s", err, out)
	}
	for link, victim := range victims {
		if got := string(readFile(t, victim)); got != "victim's content\n" {
			t.Errorf("%s's target was written: %q", filepath.Base(link), got)
		}
	}
	if _, ok := mustParseDoc(t, readFile(t, in.storePath()))["profiles"].(map[string]any)["chutes:a"]; !ok {
		t.Error("the profile was not saved")
	}
}

// TestRootKeepsStateDirOwnership (issue 11, point 5): `sudo moltbot …
// paste-token` on a state dir owned by the gateway's service user (here
// nobody) leaves the store, the .bak, the config and any directory it
// made owned by that user. Before, they became root's and the gateway got
// "permission denied".
func TestRootKeepsStateDirOwnership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (CI runs as root): only root writes files for another user")
	}
	const uid, gid = 65534, 65534
	for _, fresh := range []bool{false, true} {
		name := "existing files"
		if fresh {
			name = "a state dir without an agent yet"
		}
		t.Run(name, func(t *testing.T) {
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			if fresh {
				if err := os.MkdirAll(in.state, 0o700); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, in.storePath(), []byte(stressStore))
				writeFile(t, in.storePath()+".bak", []byte(stressStore))
				writeFile(t, in.configPath(), []byte("{}\n"))
			}
			err := filepath.Walk(in.state, func(p string, _ os.FileInfo, err error) error {
				if err != nil {
					return err
				}
				return os.Lchown(p, uid, gid)
			})
			if err != nil {
				t.Fatal(err)
			}
			in.mustRun(fakeToken("root-1")+"\n", "models", "auth", "paste-token", "--provider", "kimi", "--profile-id", "kimi:a")
			in.mustRun(fakeToken("root-2")+"\n", "models", "auth", "paste-token", "--provider", "kimi", "--profile-id", "kimi:b")
			for _, p := range []string{in.storePath(), in.storePath() + ".bak", in.configPath(), in.agentDir(), filepath.Dir(in.agentDir()), filepath.Join(in.state, "agents")} {
				fi, err := os.Lstat(p)
				if err != nil {
					t.Fatal(err)
				}
				st := fi.Sys().(*syscall.Stat_t)
				if st.Uid != uid || st.Gid != gid {
					t.Errorf("%s belongs to %d:%d, want %d:%d", p, st.Uid, st.Gid, uid, gid)
				}
				if !fi.IsDir() && fi.Mode().Perm() != 0o600 {
					t.Errorf("%s is mode %o", p, fi.Mode().Perm())
				}
			}
		})
	}
}
