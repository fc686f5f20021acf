package authstore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv selects what TestHelperProcess does when the test binary runs
// itself as a child process.
const helperEnv = "AUTHSTORE_TEST_HELPER"

// helperCommand runs this test binary as a helper process.
func helperCommand(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + mode}, env...)...)
	return cmd
}

// TestHelperProcess is not a test: it is the body of the child processes
// the multi-process tests start.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	gateway := "clawdbot"
	if g := os.Getenv("AUTHSTORE_GATEWAY"); g != "" {
		gateway = g
	}
	paths, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": os.Getenv("AUTHSTORE_STATE"), "MOLTBOT_GATEWAY": gateway}), "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	switch mode {
	case "increment":
		os.Exit(helperIncrement(paths))
	case "increment-split":
		os.Exit(helperIncrementSplit(paths))
	case "crashwriter":
		os.Exit(helperCrashWriter(paths))
	case "readonly":
		os.Exit(helperReadOnly(paths))
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
	os.Exit(3)
}

// counterOf reads the unknown top-level field the increment workers share.
func counterOf(s *Store) int64 {
	var n int64
	if raw, ok := s.doc.get("x-counter"); ok {
		_ = json.Unmarshal(raw, &n)
	}
	return n
}

// helperIncrement does AUTHSTORE_N read-modify-write increments of a counter
// kept as a field this program does not know, and adds its own profile.
func helperIncrement(paths Paths) int {
	n, _ := strconv.Atoi(os.Getenv("AUTHSTORE_N"))
	worker := os.Getenv("AUTHSTORE_WORKER")
	locked := 0
	for i := 0; i < n; {
		_, err := update(context.Background(), paths, func(s *Store) error {
			s.doc.setValue("x-counter", counterOf(s)+1)
			if i == 0 {
				s.PutProfile(Credential{ID: "w" + worker + ":default", Provider: "w" + worker, Type: TypeAPIKey, Secret: "sk-FAKE-" + worker})
			}
			return nil
		})

		if errors.Is(err, ErrLocked) { // starved for lockWait: try again, the count must still be exact
			locked++
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "worker", worker, ":", err)
			return 2
		}
		i++
	}
	fmt.Printf("locked-retries=%d\n", locked)
	return 0
}

// helperIncrementSplit does AUTHSTORE_N transactions on a split store
// (generation C), each incrementing a counter in each file: an unknown
// key of auth-profiles.json and a usageStats entry of auth-state.json.
func helperIncrementSplit(paths Paths) int {
	n, _ := strconv.Atoi(os.Getenv("AUTHSTORE_N"))
	for i := 0; i < n; {
		_, err := update(context.Background(), paths, func(s *Store) error {
			s.doc.setValue("x-counter", counterOf(s)+1)
			s.putUsageFields("counter:x", []backupField{{key: "lastUsed", raw: mustMarshal(s.Usage["counter:x"].LastUsed + 1)}})
			return nil
		})
		if errors.Is(err, ErrLocked) {
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		i++
	}
	return 0
}

// TestNoLostUpdateAcrossProcessesSplit: the same on a split store
// (openclaw 2026.4.7–6.1): no update of either file is lost, and the two
// stay two.
func TestNoLostUpdateAcrossProcessesSplit(t *testing.T) {
	workers, each := 6, 100
	if testing.Short() {
		each = 20
	}
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte(`{"version":1,"profiles":{"counter:x":{"type":"api_key","provider":"counter","key":"sk-FAKE"}}}`))
	writeFile(t, p.StateFile, []byte(`{"version":1,"usageStats":{"counter:x":{"lastUsed":0,"x-keep":true}}}`))
	cmds := make([]*exec.Cmd, workers)
	outs := make([]*strings.Builder, workers)
	for w := range cmds {
		cmds[w] = helperCommand(t, "increment-split", "AUTHSTORE_STATE="+p.StateDir, "AUTHSTORE_GATEWAY=openclaw-split", "AUTHSTORE_N="+strconv.Itoa(each))
		outs[w] = &strings.Builder{}
		cmds[w].Stdout, cmds[w].Stderr = outs[w], outs[w]
		if err := cmds[w].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for w, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("worker %d: %v\n%s", w, err, outs[w])
		}
	}
	profiles, err := ParseStore(readFile(t, p.Store))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counterOf(profiles), int64(workers*each); got != want {
		t.Errorf("auth-profiles.json counter = %d, want %d", got, want)
	}
	if _, inline := profiles.doc.get("usageStats"); inline {
		t.Error("usageStats went inline")
	}
	state, err := ParseStore(readFile(t, p.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := state.Usage["counter:x"].LastUsed, int64(workers*each); got != want {
		t.Errorf("auth-state.json counter = %d, want %d", got, want)
	}
	if !strings.Contains(string(readFile(t, p.StateFile)), `"x-keep": true`) {
		t.Error("an unknown usage field was lost")
	}
	assertNoLock(t, p)
}

// TestNoLostUpdateAcrossProcesses: several OS processes doing
// read-modify-write transactions at once lose no update.
func TestNoLostUpdateAcrossProcesses(t *testing.T) {
	workers, each := 8, 200
	if testing.Short() {
		each = 40
	}
	p := newTestPaths(t)
	// A store with content the workers do not know about, which must survive.
	writeFile(t, p.Store, []byte(richStore))

	cmds := make([]*exec.Cmd, workers)
	outs := make([]*strings.Builder, workers)
	for w := range cmds {
		cmds[w] = helperCommand(t, "increment", "AUTHSTORE_STATE="+p.StateDir, "AUTHSTORE_N="+strconv.Itoa(each), "AUTHSTORE_WORKER="+strconv.Itoa(w))
		outs[w] = &strings.Builder{}
		cmds[w].Stdout, cmds[w].Stderr = outs[w], outs[w]
	}
	start := time.Now()
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for w, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("worker %d: %v\n%s", w, err, outs[w])
		}
	}
	t.Logf("%d processes × %d transactions in %v", workers, each, time.Since(start).Round(time.Millisecond))

	data := readFile(t, p.Store)
	s, err := ParseStore(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counterOf(s), int64(workers*each); got != want {
		t.Errorf("counter = %d, want %d: updates were lost", got, want)
	}
	for w := range workers {
		if _, ok := s.Profile(fmt.Sprintf("w%d:default", w)); !ok {
			t.Errorf("worker %d's profile was lost", w)
		}
	}
	for _, path := range unknownPaths {
		if got, want := docRaw(t, data, path...), docRaw(t, []byte(richStore), path...); got != want {
			t.Errorf("%v = %s, want %s", path, got, want)
		}
	}
	assertNoLock(t, p)
	assertDirEntries(t, p.AgentDir, "auth-profiles.json", "auth-profiles.json.bak")
}

// crashStore is generation g of the big store the crash writer writes: every
// byte of it depends on g, so a mix of two versions cannot pass for either.
func crashStore(g int64) []byte {
	doc := newObject()
	doc.setValue("version", 1)
	doc.setValue("generation", g)
	profiles := newObject()
	for i := range 300 {
		o := newObject()
		o.setValue("type", TypeToken)
		o.setValue("provider", "anthropic")
		o.setValue("token", fmt.Sprintf("sk-ant-oat01-FAKE-%d-%d-%s", g, i, strings.Repeat("x", 80)))
		o.setValue("expires", 1798184318701+g)
		profiles.setChild(fmt.Sprintf("anthropic:p%04d", i), o)
	}
	doc.setChild("profiles", profiles)
	doc.setValue("trailer", fmt.Sprintf("end-of-generation-%d", g))
	return doc.marshalFile()
}

func generationOf(s *Store) int64 {
	var g int64
	if raw, ok := s.doc.get("generation"); ok {
		_ = json.Unmarshal(raw, &g)
	}
	return g
}

// helperCrashWriter rewrites the store with the next generation until it is
// killed.
func helperCrashWriter(paths Paths) int {
	fmt.Println("ready")
	for {
		_, err := update(context.Background(), paths, func(s *Store) error {
			next, err := ParseStore(crashStore(generationOf(s) + 1))
			if err != nil {
				return err
			}
			s.doc = next.doc
			s.refresh()
			return nil
		})

		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println("wrote")
	}
}

// TestKilledWriterLeavesOldOrNew: a writer killed with SIGKILL at random
// moments leaves a store that is exactly one whole version, never a partial
// or mixed file; the .bak is a whole version too.
func TestKilledWriterLeavesOldOrNew(t *testing.T) {
	rounds := 100
	if testing.Short() {
		rounds = 20
	}
	p := newTestPaths(t)
	var last int64
	midWrite := 0
	rng := rand.New(rand.NewPCG(1, 2))
	perWrite := 20 * time.Millisecond // how long one transaction takes here; measured below
	for round := range rounds {
		cmd := helperCommand(t, "crashwriter", "AUTHSTORE_STATE="+p.StateDir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		out := bufio.NewReader(stdout)
		line, err := out.ReadString('\n')
		if err != nil || line != "ready\n" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("round %d: helper did not start: %q %v\n%s", round, line, err, stderr.String())
		}
		// Let it finish zero or one whole writes (timing them), then kill it
		// at a random moment within about one write's time: most kills land
		// inside a transaction, at a different point each time.
		for range rng.IntN(2) {
			t0 := time.Now()
			if line, err := out.ReadString('\n'); err != nil || line != "wrote\n" {
				t.Fatalf("round %d: writer stopped: %q %v\n%s", round, line, err, stderr.String())
			}
			perWrite = (3*perWrite + time.Since(t0)) / 4
		}
		drained := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, out); close(drained) }()
		time.Sleep(time.Duration(rng.Int64N(int64(perWrite) * 5 / 4)))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-drained // Wait closes the pipe: finish reading first
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: writer ended by itself (%v) before the kill:\n%s", round, err, stderr.String())
		}

		// A killed holder's lock would take lockStale to be taken over;
		// remove it as a user (or doctor) would.
		lockLeft := !os.IsNotExist(os.Remove(p.Lock()))

		data, err := os.ReadFile(p.Store)
		if os.IsNotExist(err) && last == 0 {
			continue // killed before the first write finished: no store yet is the old version
		}
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		s, err := ParseStore(data)
		if err != nil {
			t.Fatalf("round %d: the store does not parse after a kill: %v", round, err)
		}
		g := generationOf(s)
		if string(data) != string(crashStore(g)) {
			t.Fatalf("round %d: the store is not exactly generation %d", round, g)
		}
		if g < last {
			t.Fatalf("round %d: generation went back from %d to %d", round, last, g)
		}
		if bak, err := os.ReadFile(p.Backup); err == nil {
			b, err := ParseStore(bak)
			if err != nil {
				t.Fatalf("round %d: the .bak does not parse: %v", round, err)
			}
			// Equal generations: killed after the backup, before the write.
			if gb := generationOf(b); gb > g || string(bak) != string(crashStore(gb)) {
				t.Fatalf("round %d: .bak is not a whole version no newer than the store (generation %d, store %d)", round, gb, g)
			}
		} else if g > 1 {
			t.Fatalf("round %d: no .bak at generation %d: %v", round, g, err)
		}
		last = g
		if entries, _ := os.ReadDir(p.AgentDir); lockLeft || len(entries) > 2 {
			midWrite++ // a temp file or lock was left: the kill landed inside a transaction
		}
	}
	if last == 0 {
		t.Fatal("the writer never completed a write")
	}
	t.Logf("%d rounds, generation %d reached, %d kills left temp files or a lock behind, %v per write", rounds, last, midWrite, perWrite)
	// The next transaction cleans up whatever the killed writers left.
	mustUpdate(t, p, addProfile("a:1"))
	assertDirEntries(t, p.AgentDir, "auth-profiles.json", "auth-profiles.json.bak")
}

// helperReadOnly tries to write where it may not and prints each error on a
// line of its own.
func helperReadOnly(paths Paths) int {
	_, err := update(context.Background(), paths, addProfile("a:1"))
	fmt.Printf("update: %v\n", err)
	fmt.Printf("env: %v\n", SetEnvVar(paths, "K", "v"))
	fmt.Printf("config: %v\n", SetConfigProfile(paths, "a:1", "a", "token"))
	return 0
}

// A read-only agent dir and state dir: clear errors, nothing written, no
// temp file or lock left behind. Root ignores permissions, so as root the
// attempt runs in a child process as nobody.
func TestReadOnlyDirectories(t *testing.T) {
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(root, "state")
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": state, "MOLTBOT_GATEWAY": "clawdbot"}), "")
	if err != nil {
		t.Fatal(err)
	}
	orig := []byte(richStore)
	writeFile(t, p.Store, orig)
	writeFile(t, p.Env, []byte("A=1\n"))
	writeFile(t, p.Config, []byte("{}\n"))
	for _, f := range []string{p.Store, p.Env, p.Config} {
		if err := os.Chmod(f, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	dirs := []string{state, filepath.Join(state, "agents"), filepath.Join(state, "agents", "main"), p.AgentDir}
	for _, d := range dirs {
		if err := os.Chmod(d, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, d := range dirs {
			_ = os.Chmod(d, 0o700)
		}
	})

	var out string
	if os.Geteuid() != 0 {
		var b strings.Builder
		_, err := update(context.Background(), p, addProfile("a:1"))
		fmt.Fprintf(&b, "update: %v\n", err)
		fmt.Fprintf(&b, "env: %v\n", SetEnvVar(p, "K", "v"))
		fmt.Fprintf(&b, "config: %v\n", SetConfigProfile(p, "a:1", "a", "token"))
		out = b.String()
	} else {
		out = runAsNobody(t, root, "readonly", "AUTHSTORE_STATE="+state)
	}
	t.Logf("as uid %d:\n%s", os.Geteuid(), out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("output:\n%s", out)
	}
	for i, want := range []string{"update: cannot lock the auth store", "env: cannot lock .env: creating " + state, "config: cannot lock clawdbot.json: creating " + state} {
		if !strings.HasPrefix(lines[i], want) || !strings.Contains(lines[i], "permission denied") || !strings.Contains(lines[i], "writable") {
			t.Errorf("error %q, want %q… permission denied … writable", lines[i], want)
		}
	}
	if string(readFile(t, p.Store)) != string(orig) || string(readFile(t, p.Env)) != "A=1\n" || string(readFile(t, p.Config)) != "{}\n" {
		t.Error("a file changed")
	}
	assertDirEntries(t, p.AgentDir, "auth-profiles.json")
	assertDirEntries(t, state, ".env", "agents", "clawdbot.json")
}

// runAsNobody runs the helper as the unprivileged user nobody. The test
// binary is copied into dir (made traversable) so that nobody can run it.
func runAsNobody(t *testing.T, dir, mode string, env ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	binDir := filepath.Join(dir, "bin")
	if err := os.Mkdir(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(binDir, "authstore.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o005); err != nil {
				t.Skipf("cannot make %s traversable for nobody: %v", d, err)
			}
		}
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append([]string{helperEnv + "=" + mode, "PATH=/usr/bin:/bin"}, env...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run a helper as nobody: %v\n%s", err, out)
	}
	return string(out)
}
