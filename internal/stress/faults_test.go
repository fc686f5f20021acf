package stress

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigStore is a store of n profiles (about 200 bytes each), so that one
// write takes long enough for a kill to land inside it.
func bigStore(n int) []byte {
	var b strings.Builder
	b.WriteString("{\n  \"version\": 1,\n  \"profiles\": {\n")
	for i := range n {
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    \"bulk:p%04d\": {\n      \"type\": \"token\",\n      \"provider\": \"bulk\",\n      \"token\": %q,\n      \"expires\": %d\n    }%s\n",
			i, fakeToken(fmt.Sprintf("bulk-%04d", i)), 1798184318701+int64(i), sep)
	}
	b.WriteString("  },\n  \"x-future\": {\"kept\": true}\n}\n")
	return []byte(b.String())
}

// withProfile is the store document old after paste-token saved id.
func withProfile(t testing.TB, old []byte, provider, id, token string) string {
	t.Helper()
	d := mustParseDoc(t, old)
	d["profiles"].(map[string]any)[id] = map[string]any{"type": "token", "provider": provider, "token": token}
	return marshal(d)
}

// killIterations is how many writers TestKilledWritersLeaveOldOrNew kills.
func killIterations() int {
	if testing.Short() {
		return 100
	}
	return 500
}

// TestKilledWritersLeaveOldOrNew kills the real binary's paste-token with
// SIGKILL at random instants, most of them inside its transaction: after
// each kill the store parses and is exactly the old or the new version,
// and the next successful command leaves no temp file or lock behind.
func TestKilledWritersLeaveOldOrNew(t *testing.T) {
	in := newInstall(t, filepath.Join(t.TempDir(), "state"))
	writeFile(t, in.storePath(), bigStore(1000))
	agentFiles := []string{"auth-profiles.json", "auth-profiles.json.bak"}

	// How long one whole command takes here (the median of a few): kills
	// are spread over that.
	var took []time.Duration
	for i := range 5 {
		r := in.paste("deepseek", "deepseek:k0", fakeToken(fmt.Sprintf("kill-calibrate-%d", i)))
		if r.code != 0 {
			t.Fatalf("paste-token: exit %d: %s", r.code, r.stderr)
		}
		took = append(took, r.took)
	}
	slices.Sort(took)
	span := took[len(took)/2]
	old := readFile(t, in.storePath())

	iters := killIterations()
	rng := rand.New(rand.NewPCG(3, uint64(time.Now().UnixNano())))
	var completed, unchanged, replaced, lockLeft, tempLeft, configTemps, cleanups int
	var windowReplaced, windowUnchanged int
	cleanup := func() {
		// The next successful command takes over a killed writer's lock
		// (made stale below) and removes the temp files it left.
		cleanups++
		tok := fakeToken(fmt.Sprintf("kill-cleanup-%d", cleanups))
		r := in.paste("deepseek", "deepseek:clean", tok)
		if r.code != 0 {
			t.Fatalf("the command after a kill failed: exit %d: %s", r.code, r.stderr)
		}
		data := readFile(t, in.storePath())
		if got, want := marshal(mustParseDoc(t, data)), withProfile(t, old, "deepseek", "deepseek:clean", tok); got != want {
			t.Fatal("the command after a kill did not save exactly its profile")
		}
		old = data
		if extra := leftovers(t, in.agentDir(), agentFiles...); len(extra) > 0 {
			t.Fatalf("left in the agent dir after a successful command: %v", extra)
		}
		if extra := leftovers(t, in.state, "agents", "clawdbot.json"); len(extra) > 0 {
			configTemps = len(extra)
			t.Errorf("left in the state dir after a successful command: %v", extra)
		}
	}
	for i := range iters {
		id := fmt.Sprintf("deepseek:k%d", i%4)
		tok := fakeToken(fmt.Sprintf("kill-i%05d", i))
		cmd := in.command(tok+"\n", "models", "auth", "paste-token", "--provider", "deepseek", "--profile-id", id)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			completed++
		case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		default:
			t.Fatalf("iteration %d: paste-token failed by itself: %v\n%s", i, err, stderr.String())
		}

		if _, err := os.Lstat(in.lockPath()); err == nil {
			lockLeft++
			// What a dead holder's lock looks like a minute later: stale.
			past := time.Now().Add(-time.Minute)
			if err := os.Chtimes(in.lockPath(), past, past); err != nil {
				t.Fatal(err)
			}
		}
		extra := leftovers(t, in.agentDir(), append(agentFiles, "auth-profiles.json.lock")...)
		if len(extra) > 0 {
			tempLeft++
		}
		if err == nil && len(extra)+len(leftovers(t, in.agentDir(), agentFiles...)) > 0 {
			// It ran to completion: it took over the killed writers' lock
			// and must have removed the temp files they left.
			t.Fatalf("iteration %d: a successful paste-token left %v", i, leftovers(t, in.agentDir(), agentFiles...))
		}
		data := readFile(t, in.storePath())
		switch {
		case string(data) == string(old):
			if err == nil {
				t.Fatalf("iteration %d: paste-token exited 0 but the store is unchanged", i)
			}
			unchanged++
		default:
			d, perr := parseDoc(data)
			if perr != nil {
				t.Fatalf("iteration %d: the store does not parse after a kill: %v", i, perr)
			}
			if marshal(d) != withProfile(t, old, "deepseek", id, tok) {
				t.Fatalf("iteration %d: the store is neither the old version nor the old one plus %s", i, id)
			}
			if m := modeOf(t, in.storePath()); m != 0o600 {
				t.Fatalf("iteration %d: store mode %o", i, m)
			}
			if _, err := parseDoc(readFile(t, in.storePath()+".bak")); err != nil {
				t.Fatalf("iteration %d: the .bak does not parse: %v", i, err)
			}
			replaced++
			old = data
		}
		if (i+1)%50 == 0 {
			cleanup()
		}
		// Keep the kills spread over the whole write even when this
		// machine's speed changes meanwhile (other tests, CI neighbours).
		if (i+1)%25 == 0 {
			switch {
			case replaced == windowReplaced:
				span = span * 3 / 2
			case unchanged == windowUnchanged:
				span = span * 2 / 3
			}
			windowReplaced, windowUnchanged = replaced, unchanged
		}
	}
	cleanup()
	writeSummary(t, fmt.Sprintf("deepseek: %d SIGKILLs spread over about %v (one paste-token on a %d KB store): %d before any change, %d after the store was replaced (%d of them ran to completion), %d inside the transaction (lock left held), %d of those mid-write (temp file left); config temp files left: %d",
		iters, span.Round(time.Millisecond), len(old)/1024, unchanged, replaced, completed, lockLeft, tempLeft, configTemps))
	if unchanged == 0 || replaced == 0 {
		t.Errorf("the kills did not spread over the write (%d before, %d after)", unchanged, replaced)
	}
}

// TestSymlinkedStore: with auth-profiles.json a symlink to a file
// elsewhere, commands follow it: the lock and the .bak are made beside the
// real file (as the gateway's proper-lockfile resolves the path), the real
// file gets the new content and the symlink stays a symlink.
func TestSymlinkedStore(t *testing.T) {
	in := newInstall(t, filepath.Join(t.TempDir(), "state"))
	realDir := filepath.Join(t.TempDir(), "shared")
	real := filepath.Join(realDir, "profiles.json")
	first := []byte(stressStore)
	writeFile(t, real, first)
	if err := os.MkdirAll(in.agentDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, in.storePath()); err != nil {
		t.Fatal(err)
	}

	// The gateway holds the lock at the real path: the command waits for it.
	if err := os.Mkdir(real+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	tok := fakeToken("symlink-1")
	cmd := in.command(tok+"\n", "models", "auth", "paste-token", "--provider", "cerebras", "--profile-id", "cerebras:a")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("paste-token did not wait for the lock beside the real file (%v):\n%s", err, out.String())
	case <-time.After(500 * time.Millisecond):
	}
	if string(readFile(t, real)) != string(first) {
		t.Fatal("the store changed while the gateway held the lock")
	}
	if _, err := os.Lstat(in.lockPath()); err == nil {
		t.Error("a lock was made at the symlink's path")
	}
	if err := os.Remove(real + ".lock"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("paste-token: %v\n%s", err, out.String())
	}
	in.mustRun(fakeToken("symlink-2")+"\n", "models", "auth", "paste-token", "--provider", "cerebras", "--profile-id", "cerebras:b")

	if fi, err := os.Lstat(in.storePath()); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the store symlink was replaced by a file: %v", err)
	}
	if target, _ := os.Readlink(in.storePath()); target != real {
		t.Errorf("the symlink points at %s, want %s", target, real)
	}
	d := mustParseDoc(t, readFile(t, real))
	if _, ok := d["profiles"].(map[string]any)["cerebras:b"]; !ok {
		t.Error("the real file does not hold the new profile")
	}
	bak := mustParseDoc(t, readFile(t, real+".bak"))
	if got, want := marshal(bak), withProfile(t, first, "cerebras", "cerebras:a", tok); got != want {
		t.Errorf(".bak beside the real file is not the previous version")
	}
	if m := modeOf(t, real); m != 0o600 {
		t.Errorf("real file mode %o, want 600", m)
	}
	if extra := leftovers(t, in.agentDir(), "auth-profiles.json"); len(extra) > 0 {
		t.Errorf("beside the symlink: %v (want only the symlink)", extra)
	}
	if extra := leftovers(t, realDir, "profiles.json", "profiles.json.bak"); len(extra) > 0 {
		t.Errorf("beside the real file: %v", extra)
	}
}

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(moltbot, "--version")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// ourLockFile is a lock file as a moltbot of this PID namespace writes it.
func ourLockFile(t *testing.T, pid int) []byte {
	t.Helper()
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Skip("no /proc/self/ns/pid here")
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Skip("no boot id here")
	}
	return fmt.Appendf(nil, `{"pid":%d,"createdAt":%d,"starttime":1,"pidns":%q,"bootid":%q}`, pid, time.Now().UnixMilli(), ns, strings.TrimSpace(string(boot)))
}

// TestAbandonedLocksAreTakenOver: a lock file a killed moltbot of this PID
// namespace left (its pid is dead) and a lock directory untouched for a
// minute (an old gateway that crashed) are taken over by the next command;
// it does not wait out its 10 s and fail. (A young lock file that does not
// prove it comes from this namespace is waited for instead: see
// TestYoungForeignLockIsWaitedFor.)
func TestAbandonedLocksAreTakenOver(t *testing.T) {
	cases := []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{"file lock of a killed moltbot", func(t *testing.T, path string) {
			writeFile(t, path, ourLockFile(t, deadPID(t)))
		}},
		{"lock directory 60 s old", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
			past := time.Now().Add(-60 * time.Second)
			if err := os.Chtimes(path, past, past); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstall(t, filepath.Join(t.TempDir(), "state"))
			writeFile(t, in.storePath(), []byte(stressStore))
			tc.make(t, in.lockPath())
			tok := fakeToken("takeover")
			r := in.paste("moonshot", "moonshot:a", tok)
			if r.code != 0 {
				t.Fatalf("exit %d after %v: %s", r.code, r.took.Round(time.Millisecond), r.stderr)
			}
			t.Logf("took over in %v", r.took.Round(time.Millisecond))
			if got, want := marshal(mustParseDoc(t, readFile(t, in.storePath()))), withProfile(t, []byte(stressStore), "moonshot", "moonshot:a", tok); got != want {
				t.Error("the store is not the old one plus the new profile")
			}
			if _, err := os.Lstat(in.lockPath()); err == nil {
				t.Error("the lock is still there")
			}
			r = in.run("", "models", "auth", "order", "set", "--provider", "moonshot", "moonshot:a")
			if r.code != 0 {
				t.Errorf("order set after the takeover: exit %d: %s", r.code, r.stderr)
			}
		})
	}
}
