package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// withClaude puts an executable `claude` on the command's PATH.
func (c *cli) withClaude() {
	c.t.Helper()
	bin := filepath.Join(c.state, "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "claude"), []byte("#!/bin/sh\n"), 0o700); err != nil {
		c.t.Fatal(err)
	}
	c.env["PATH"] = bin
}

// lockTimes hides the lock's timestamps, which are real (local) time.
var lockTimes = regexp.MustCompile(`since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d|since \d\d:\d\d:\d\d`)

func maskLockTimes(s string) string { return lockTimes.ReplaceAllString(s, "since <time>") }

const doctorProblemStore = `{
  "version": 1,
  "profiles": {
    "anthropic:sub": {
      "type": "token",
      "provider": "anthropic",
      "token": "sk-ant-oat01-FAKETTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT",
      "expires": 1767225600000
    },
    "anthropic:work": {
      "type": "api_key",
      "provider": "anthropic",
      "key": "sk-ant-api03-FAKEWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"
    },
    "openrouter:x": {
      "type": "token",
      "provider": "openrouter",
      "token": "sk-or-v1-FAKE000000000000000000000000000000000000000000000000000000000000PPPP",
      "expires": 1767400000000
    },
    "openai-codex:me": {
      "type": "oauth",
      "provider": "openai-codex",
      "access": "FAKEACCESSxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "refresh": "FAKEREFRESHyyyyyyyyyyyyyyyyyyyy",
      "expires": 1767000000000
    },
    "weird:y": {
      "type": "magic",
      "provider": "weird"
    }
  },
  "order": {
    "anthropic": [
      "anthropic:gone",
      "anthropic:work",
      "anthropic:sub"
    ]
  },
  "usageStats": {
    "anthropic:work": {
      "disabledUntil": 1767380000000,
      "disabledReason": "billing",
      "futureStat": 1
    }
  },
  "gatewayFutureKey": true
}
`

// setUpProblems writes a store with every kind of problem doctor knows.
func (c *cli) setUpProblems() {
	c.t.Helper()
	c.writeStore(doctorProblemStore)
	c.write("clawdbot.json", `{ "auth": { "profiles": { "anthropic:ghost": { "provider": "anthropic", "mode": "token" } }, "order": { "openrouter": ["openrouter:x", "openrouter:old"] } } }`)
	env := c.write(".env", "OPENAI_API_KEY=sk-FAKE-env-000000000000\n")
	for path, mode := range map[string]os.FileMode{c.storePath(): 0o644, c.agentDir(): 0o755, env: 0o640} {
		if err := os.Chmod(path, mode); err != nil {
			c.t.Fatal(err)
		}
	}
	lock := c.storePath() + ".lock"
	if err := os.Mkdir(lock, 0o700); err != nil {
		c.t.Fatal(err)
	}
	old := time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)
	if err := os.Chtimes(lock, old, old); err != nil {
		c.t.Fatal(err)
	}
}

func TestDoctorHealthy(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.withClaude()
	before := c.tree()
	out, errOut, code := c.run("doctor")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	assertNoSecret(t, out)
	assertSameTree(t, before, c.tree())
	c.golden("TestDoctorHealthy", out)
}

func TestDoctorProblemsAndFix(t *testing.T) {
	c := newCLI(t)
	c.setUpProblems()
	before := c.tree()
	out, errOut, code := c.run("doctor")
	if code != ExitFailure || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertNoSecret(t, out)
	assertSameTree(t, before, c.tree()) // checking writes nothing
	c.golden("TestDoctorProblems", maskLockTimes(out))

	out, errOut, code = c.run("doctor", "--fix")
	if code != ExitFailure || errOut != "" { // the expired token is still there
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	assertNoSecret(t, out)
	c.golden("TestDoctorFix", maskLockTimes(out))

	for path, want := range map[string]os.FileMode{c.storePath(): 0o600, c.agentDir(): 0o700, filepath.Join(c.state, ".env"): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %o", path, fi.Mode(), err, want)
		}
	}
	if _, err := os.Stat(c.storePath() + ".lock"); !os.IsNotExist(err) {
		t.Error("the stale lock is still there")
	}
	doc := c.storeJSON()
	if got := doc["order"].(map[string]any)["anthropic"]; !reflect.DeepEqual(got, []any{"anthropic:work", "anthropic:sub"}) {
		t.Errorf("order after prune: %v", got)
	}
	if doc["gatewayFutureKey"] != true || doc["usageStats"].(map[string]any)["anthropic:work"].(map[string]any)["futureStat"] != 1.0 {
		t.Error("unknown fields lost by the prune")
	}
	// The config is never edited by --fix (its dangling auth.order entry is
	// reported with the edit to make).
	if cfg := readFile(t, filepath.Join(c.state, "clawdbot.json")); !strings.Contains(cfg, "openrouter:old") {
		t.Error("config edited")
	}

	// A second --fix has nothing left to do.
	out, _, _ = c.run("doctor", "--fix")
	if strings.Contains(out, "fixed ") {
		t.Fatalf("second --fix repaired again:\n%s", out)
	}
}

func TestDoctorJSON(t *testing.T) {
	c := newCLI(t)
	c.setUpProblems()
	out, _, code := c.run("doctor", "--json")
	if code != ExitFailure {
		t.Fatalf("exit %d", code)
	}
	assertNoSecret(t, out)
	var doc struct {
		AgentDir  string         `json:"agentDir"`
		StorePath string         `json:"storePath"`
		OK        bool           `json:"ok"`
		Summary   map[string]int `json:"summary"`
		Fixed     []string       `json:"fixed"`
		Checks    []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Message  string `json:"message"`
			Problems []struct {
				Status  string `json:"status"`
				Message string `json:"message"`
				Fix     string `json:"fix"`
				AutoFix bool   `json:"autoFix"`
			} `json:"problems"`
		} `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var ids []string
	for _, ch := range doc.Checks {
		ids = append(ids, ch.ID)
		for _, p := range ch.Problems {
			if p.Status != "warn" && p.Status != "fail" {
				t.Errorf("%s: problem status %q", ch.ID, p.Status)
			}
		}
	}
	want := []string{"gateway", "store", "agent-dir", "dirs", "store-mode", "env-file", "lock", "order", "credentials", "config", "claude"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("check ids %v, want %v (the schema is stable)", ids, want)
	}
	if doc.OK || doc.Summary["fail"] != 3 || doc.Fixed == nil {
		t.Errorf("ok=%v summary=%v fixed=%v", doc.OK, doc.Summary, doc.Fixed)
	}
	c.golden("TestDoctorJSON", maskLockTimes(out))
}

func TestDoctorCorruptStore(t *testing.T) {
	corrupt := "{\n  \"version\": 1,\n  \"profiles\": {\n    \"x\": 1,\n  }\n}\n"
	t.Run("with-backup", func(t *testing.T) {
		c := newCLI(t)
		c.withClaude()
		c.writeStore(corrupt)
		bak := readTestdata(t, "auth-store.json")
		c.write("agents/main/agent/auth-profiles.json.bak", bak)
		before := c.tree()
		out, _, code := c.run("doctor")
		if code != ExitFailure {
			t.Fatalf("exit %d", code)
		}
		assertSameTree(t, before, c.tree())
		fixOut, _, code := c.run("doctor", "--fix")
		if code != 0 {
			t.Fatalf("exit %d after restoring the backup:\n%s", code, fixOut)
		}
		c.golden("TestDoctorCorruptStore_with-backup", out+"--- doctor --fix\n"+fixOut)
		if got := readFile(t, c.storePath()); got != bak {
			t.Fatal("the backup was not restored")
		}
		aside := c.storePath() + ".corrupt-20260102-150405"
		if got := readFile(t, aside); got != corrupt {
			t.Fatalf("corrupt store not kept aside at %s", aside)
		}
		if fi, _ := os.Stat(c.storePath()); fi.Mode().Perm() != 0o600 {
			t.Fatalf("restored store mode %o", fi.Mode().Perm())
		}
	})
	t.Run("no-backup", func(t *testing.T) {
		c := newCLI(t)
		c.writeStore(corrupt)
		out, _, _ := c.run("doctor", "--fix")
		if _, err := os.Stat(c.storePath()); !os.IsNotExist(err) {
			t.Fatal("with no backup the store should be gone (moved aside)")
		}
		if readFile(t, c.storePath()+".corrupt-20260102-150405") != corrupt {
			t.Fatal("corrupt store not kept")
		}
		c.golden("TestDoctorCorruptStore_no-backup", out)
	})
	t.Run("corrupt-backup-too", func(t *testing.T) {
		c := newCLI(t)
		c.writeStore(corrupt)
		c.write("agents/main/agent/auth-profiles.json.bak", "not json")
		out, _, _ := c.run("doctor", "--fix")
		if !strings.Contains(out, "the backup is corrupt too, so the store starts empty") {
			t.Fatalf("output:\n%s", out)
		}
		if readFile(t, c.storePath()+".bak") != "not json" {
			t.Fatal("the corrupt backup must be left alone")
		}
	})
}

func TestDoctorEmptyStateWritesNothing(t *testing.T) {
	c := newCLI(t)
	before := c.tree()
	out, _, code := c.run("doctor")
	if code != ExitFailure { // the default model needs anthropic, and there is nothing
		t.Fatalf("exit %d:\n%s", code, out)
	}
	c.run("doctor", "--fix")
	assertSameTree(t, before, c.tree())
	c.golden("TestDoctorEmptyState", out)
}

func TestDoctorLeavesALiveLock(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.withClaude()
	if err := os.Mkdir(c.storePath()+".lock", 0o700); err != nil {
		t.Fatal(err)
	}
	out, _, code := c.run("doctor", "--fix")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if _, err := os.Stat(c.storePath() + ".lock"); err != nil {
		t.Fatal("--fix removed a lock that someone holds")
	}
	if !strings.Contains(out, "ok    lock         held by another process") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestDoctorStaleFileLockOfDeadProcess(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	// A lock file left by a moltbot of this PID namespace that no longer
	// runs: stale at once.
	ns, boot, ok := pidNamespaceForTest(t)
	if !ok {
		t.Skip("this system does not say which PID namespace a process is in")
	}
	c.write("agents/main/agent/auth-profiles.json.lock", `{"pid":999999999,"createdAt":`+jsonNumber(time.Now().UnixMilli())+`,"pidns":`+jsonString(ns)+`,"bootid":`+jsonString(boot)+`}`)
	out, _, _ := c.run("doctor", "--fix")
	if !strings.Contains(out, "fixed  removed the stale lock") {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := os.Stat(c.storePath() + ".lock"); !os.IsNotExist(err) {
		t.Fatal("stale file lock still there")
	}
}

// TestDoctorKeepsYoungForeignFileLock (issue 11, point 2): a young lock
// file whose pid does not run here may be a gateway's in a container:
// doctor --fix leaves it, and says when it was taken.
func TestDoctorKeepsYoungForeignFileLock(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	created := time.Now().Add(-2 * time.Second)
	c.write("agents/main/agent/auth-profiles.json.lock", `{"pid":999999999,"createdAt":`+jsonNumber(created.UnixMilli())+`}`)
	out, _, _ := c.run("doctor", "--fix")
	if _, err := os.Stat(c.storePath() + ".lock"); err != nil {
		t.Fatal("--fix removed a young lock of another PID namespace")
	}
	if !strings.Contains(out, "held by process 999999999 (not running here") || !strings.Contains(out, " since "+created.Local().Format("15:04:05")) {
		t.Fatalf("output:\n%s", out)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pidNamespaceForTest is this process's PID namespace and boot id, as
// moltbot writes them into its own lock files.
func pidNamespaceForTest(t *testing.T) (ns, boot string, ok bool) {
	t.Helper()
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "", "", false
	}
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", "", false
	}
	return ns, strings.TrimSpace(string(b)), true
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestDoctorReadOnlyAgentDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write into a read-only directory")
	}
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	if err := os.Chmod(c.agentDir(), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(c.agentDir(), 0o700) })
	out, _, code := c.run("doctor")
	if code != ExitFailure || !strings.Contains(out, "is not writable by you") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// On a terminal doctor's heading and repairs read ~/… paths (the fix
// commands stay whole, to be pasted).
func TestDoctorFixOnATerminalReadsTilde(t *testing.T) {
	c := newCLI(t)
	c.home = filepath.Dir(c.state)
	c.setUpProblems()
	c.terminal = true
	out, _, _ := c.run("doctor", "--fix")
	for _, want := range []string{
		"Agent main: ~/state/agents/main/agent\n",
		"fixed  chmod 600 ~/state/agents/main/agent/auth-profiles.json (was 644)\n",
		"fixed  chmod 600 ~/state/.env (was 640)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor --fix on a terminal lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "fixed") && strings.Contains(l, c.state) {
			t.Errorf("a repair shows a whole path on a terminal: %q", l)
		}
	}
}

// TestDoctorFixLeavesWhatIsNotAFileAlone: a store that is a link to a FIFO
// (or a device, such as /dev/zero) is reported with the command that
// removes the link, and --fix neither reads it nor changes the mode of what
// it points to.
func TestDoctorFixLeavesWhatIsNotAFileAlone(t *testing.T) {
	c := newCLI(t)
	outside := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(outside, 0o666); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	if err := os.Chmod(outside, 0o666); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.MkdirAll(c.agentDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, c.storePath()); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var out, errOut string
	var code int
	go func() {
		defer close(done)
		out, errOut, code = c.run("doctor", "--fix")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("doctor --fix is still waiting on the FIFO")
	}
	want := "FAIL  store        auth store " + c.storePath() + " (a link to " + outside + ") is a FIFO (named pipe), not a regular file; nothing was read from it (remove the link or point it at the real file)\n" +
		"                   fix: rm " + c.storePath() + "\n"
	if code != ExitFailure || errOut != "" || !strings.Contains(out, want) || strings.Contains(out, "fixed ") {
		t.Errorf("exit %d, stderr %q\n%s\nwant it to hold:\n%s", code, errOut, out, want)
	}
	if fi, err := os.Stat(outside); err != nil || fi.Mode().Perm() != 0o666 {
		t.Errorf("the FIFO the store points to was changed: %v, %v", fi.Mode(), err)
	}
}

// TestDoctorStripsAByteOrderMark: a store that starts with a UTF-8
// byte-order mark is named as such by every command, and `doctor --fix`
// removes the mark and nothing else (it does not move the store aside).
func TestDoctorStripsAByteOrderMark(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	good := readFile(t, c.storePath())
	c.writeStore("\xEF\xBB\xBF" + good)
	_, errOut, code := c.run("models", "status")
	want := "moltbot: " + c.storePath() + ":1:1 is corrupt: it starts with a UTF-8 byte-order mark (bytes EF BB BF, which some editors add), and JSON does not allow one: the gateway cannot read it either, sees no profiles, and its next write replaces the file (run `moltbot doctor --fix` to remove it; nothing else changes)\n"
	if code != ExitFailure || errOut != want {
		t.Errorf("status: exit %d\n%q\nwant\n%q", code, errOut, want)
	}
	out, _, code := c.run("doctor")
	if code != ExitFailure || !strings.Contains(out, "FAIL  store        "+c.storePath()+":1:1 is corrupt: it starts with a UTF-8 byte-order mark") ||
		!strings.Contains(out, "fix: moltbot doctor --fix (removes the byte-order mark; every other byte stays as it is)") {
		t.Errorf("doctor: exit %d\n%s", code, out)
	}
	out, _, _ = c.run("doctor", "--fix")
	if !strings.Contains(out, "fixed  removed the UTF-8 byte-order mark from "+c.storePath()+"\n") || !strings.Contains(out, "ok    store        auth-profiles.json parses") {
		t.Errorf("doctor --fix:\n%s", out)
	}
	if got := readFile(t, c.storePath()); got != good {
		t.Errorf("store after --fix differs from the store without the mark:\n%s", got)
	}
	if matches, _ := filepath.Glob(c.storePath() + ".corrupt-*"); len(matches) != 0 {
		t.Errorf("the store was moved aside: %v", matches)
	}
}

// TestDoctorWarnsAboutADuplicatedProfileID: an id written twice in
// "profiles" is read as the gateway reads it (the last one), and doctor
// says where both are before a write drops the first.
func TestDoctorWarnsAboutADuplicatedProfileID(t *testing.T) {
	c := newCLI(t)
	c.withClaude()
	c.writeStore(`{
  "version": 1,
  "profiles": {
    "anthropic:work": {
      "type": "api_key",
      "provider": "anthropic",
      "key": "sk-ant-api03-FAKEFIRSTFIRSTFIRSTFIRSTFIRSTFIRSTFIRSTFIRST"
    },
    "anthropic:work": {
      "type": "api_key",
      "provider": "anthropic",
      "key": "sk-ant-api03-FAKELASTLASTLASTLASTLASTLASTLASTLASTLASTLAST"
    }
  }
}
`)
	out, _, code := c.run("doctor")
	want := `warn  store        anthropic:work is in "profiles" 2 times (lines 4 and 9): the gateway reads only the last, and the next change to a profile keeps only that one
                   fix: edit ` + c.storePath() + `: keep one anthropic:work entry (the one at line 9 is in use)
`
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("doctor: exit %d\n%s\nwant it to hold:\n%s", code, out, want)
	}
	out, _, _ = c.run("models", "status", "--plain")
	if !strings.Contains(out, "sk-ant-api03…LAST") {
		t.Errorf("status does not show the last key:\n%s", out)
	}
}

// TestDoctorDirectoriesOthersCanWriteIn: a directory the credentials
// depend on that its group or everyone may write in is a failure (they can
// replace the store), and --fix takes the write bits away and nothing else.
func TestDoctorDirectoriesOthersCanWriteIn(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.withClaude()
	cfgDir := filepath.Join(t.TempDir(), "shared-config")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	c.env["MOLTBOT_CONFIG_PATH"] = filepath.Join(cfgDir, "clawdbot.json")
	modes := map[string]os.FileMode{
		c.state:                                  0o777, // world-writable
		filepath.Join(c.state, "agents", "main"): 0o775, // group-writable
		c.agentDir():                             0o770,
		cfgDir:                                   os.ModeSticky | 0o777, // as /tmp: others can still add files
	}
	for dir, m := range modes {
		if err := os.Chmod(dir, m); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := c.run("doctor")
	for _, want := range []string{
		"FAIL  agent-dir    mode 0770 lets other users create and replace files in it, the store included (want 0700)\n",
		"FAIL  dirs         3 directories are writable by others\n",
		"- fail: the state directory " + c.state + " is mode 0777: other users can replace what is in it, credentials included\n",
		"  fix: moltbot doctor --fix (chmod go-w " + c.state + ")\n",
		"- fail: the agents directory " + filepath.Join(c.state, "agents", "main") + " is mode 0775: its group can replace what is in it, credentials included\n",
		"- fail: the config directory " + cfgDir + " is mode 1777: other users can replace what is in it, credentials included\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if code != ExitFailure {
		t.Errorf("exit %d", code)
	}
	out, _, _ = c.run("doctor", "--fix")
	if !strings.Contains(out, "fixed  chmod go-w "+c.state+" (was 777)\n") || !strings.Contains(out, "ok    dirs ") || !strings.Contains(out, "ok    agent-dir ") {
		t.Errorf("doctor --fix:\n%s", out)
	}
	for dir, want := range map[string]os.FileMode{
		c.state: 0o755, filepath.Join(c.state, "agents", "main"): 0o755, c.agentDir(): 0o700, cfgDir: os.ModeSticky | 0o755,
	} {
		if fi, err := os.Stat(dir); err != nil || fi.Mode()&(os.ModePerm|os.ModeSticky) != want {
			t.Errorf("%s: mode %v after --fix (%v), want %v", dir, fi.Mode(), err, want)
		}
	}
}

// TestDoctorFileTheGatewayCannotRead: a store (config, .env) that the
// owner of its directory cannot read — what `sudo moltbot …` used to leave,
// root:root 0600 in the service user's directory — is a failure, with the
// chown (or chmod) that gives it back.
func TestDoctorFileTheGatewayCannotRead(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.withClaude()
	cfg := c.write("clawdbot.json", "{}\n")
	env := c.write(".env", "FOO=bar\n")
	if os.Geteuid() != 0 {
		// Without root, only the mode can make it unreadable to its owner.
		if err := os.Chmod(c.storePath(), 0o200); err != nil {
			t.Fatal(err)
		}
		out, _, code := c.run("doctor")
		want := "FAIL  store-mode   auth store " + c.storePath() + " cannot be read by "
		if code != ExitFailure || !strings.Contains(out, want) || !strings.Contains(out, "fix: chmod u+r "+c.storePath()+"\n") {
			t.Errorf("doctor: exit %d\n%s", code, out)
		}
		t.Skip("the chown case needs root (it runs in CI, as root)")
	}
	// The service user: an id no account has, so names are numbers.
	const svc = 4242
	for _, dir := range []string{c.state, filepath.Join(c.state, "agents"), filepath.Join(c.state, "agents", "main"), c.agentDir()} {
		if err := os.Chown(dir, svc, svc); err != nil {
			t.Fatal(err)
		}
	}
	// The store and .env stay root's (0600); the config is the service
	// user's but has lost its read bit.
	if err := os.Chown(cfg, svc, svc); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(cfg, 0o200); err != nil {
		t.Fatal(err)
	}
	out, _, code := c.run("doctor")
	for _, want := range []string{
		"FAIL  store-mode   auth store " + c.storePath() + " cannot be read by 4242, who owns its directory (and runs the gateway, normally): the gateway gets \"permission denied\"\n" +
			"                   fix: sudo chown 4242:4242 " + c.storePath() + "\n",
		"FAIL  env-file     .env " + env + " cannot be read by 4242, who owns its directory (and runs the gateway, normally): the gateway gets \"permission denied\"\n" +
			"                   fix: sudo chown 4242:4242 " + env + "\n",
		"FAIL  config       config " + cfg + " cannot be read by 4242, who owns its directory (and runs the gateway, normally): the gateway gets \"permission denied\"\n" +
			"                   fix: chmod u+r " + cfg + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks:\n%s\nin:\n%s", want, out)
		}
	}
	if code != ExitFailure {
		t.Errorf("exit %d", code)
	}
	// Given back, nothing is reported.
	for _, f := range []string{c.storePath(), env} {
		if err := os.Chown(f, svc, svc); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := c.run("doctor"); strings.Contains(out, "cannot be read by") {
		t.Errorf("still reported after the chown:\n%s", out)
	}
}

// TestDoctorFailsOnALockDirectoryThatWedgesOpenclaw (issue 13): an empty
// lock directory older than 30 s beside an openclaw 2026.2.17+ store (an
// old moltbot's, a clawdbot's) blocks that gateway's locked writes for
// good: it cannot remove a directory. doctor fails on it; --fix removes it.
func TestDoctorFailsOnALockDirectoryThatWedgesOpenclaw(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "MOLTBOT_GATEWAY")
	c.write("openclaw.json", `{"meta":{"lastTouchedVersion":"2026.4.7","lastTouchedAt":"2026-04-08T00:00:00.000Z"}}`)
	c.copyFixture("auth-store.json")
	c.withClaude()
	lock := c.storePath() + ".lock"
	if err := os.Mkdir(lock, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-10 * time.Minute)
	if err := os.Chtimes(lock, old, old); err != nil {
		t.Fatal(err)
	}
	out, _, code := c.run("doctor")
	if code == 0 || !strings.Contains(out, "FAIL  lock") || !strings.Contains(out, "openclaw 2026.4.7 · split JSON cannot remove a directory") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	out, _, _ = c.run("doctor", "--fix")
	if !strings.Contains(out, "removed the stale lock") {
		t.Fatalf("output:\n%s", out)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Fatal("the lock directory is still there")
	}
}

// TestDoctorWarnsOfInlineStateBesideAuthState (issue 13): order, lastGood
// or usageStats inline beside auth-state.json is a downgrade leftover:
// doctor says what each gateway makes of it.
func TestDoctorWarnsOfInlineStateBesideAuthState(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "MOLTBOT_GATEWAY")
	c.write("openclaw.json", `{"meta":{"lastTouchedVersion":"2026.6.1","lastTouchedAt":"2026-06-02T00:00:00.000Z"}}`)
	c.write("agents/main/agent/auth-profiles.json", `{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEAAAA"}},"order":{"anthropic":["anthropic:a"]}}`)
	c.write("agents/main/agent/auth-state.json", `{"version":1,"usageStats":{"anthropic:a":{"lastUsed":1}}}`)
	out, _, _ := c.run("doctor")
	if !strings.Contains(out, "holds order inline beside auth-state.json") || !strings.Contains(out, "remove ") {
		t.Fatalf("output:\n%s", out)
	}
}

// doctor's file checks follow the gateway's generation: for openclaw's
// SQLite store it names the databases and checks them (and the -wal beside
// each, which holds recent writes, secrets included) for 0600.
func TestDoctorChecksTheDatabasesOfOpenclawsSQLiteStore(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "MOLTBOT_GATEWAY") // the files say which
	c.copySample("b-token-order-cooldown")
	// Copied without keeping modes: SQLite then gives the -wal and -shm it
	// creates the database's mode too.
	db := filepath.Join(c.state, "state", "openclaw.sqlite")
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	wal := db + "-wal"
	out, _, code := c.run("doctor")
	if code != 1 {
		t.Errorf("exit %d, want 1 (a readable database)", code)
	}
	for _, want := range []string{
		"ok    store        openclaw.sqlite + openclaw-agent.sqlite can be read: 1 profile",
		"FAIL  store-mode   3 store files are readable by others",
		"fail: openclaw.sqlite is mode 0644: other users can read the credentials (want 0600)",
		"fail: openclaw.sqlite-wal is mode 0644",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "auth-profiles.json") {
		t.Errorf("doctor speaks of auth-profiles.json on a SQLite store:\n%s", out)
	}
	if _, _, code := c.run("doctor", "--fix"); code != 0 {
		out, _, _ := c.run("doctor")
		t.Errorf("after --fix exit %d:\n%s", code, out)
	}
	for _, f := range []string{db, wal} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s after --fix: %v %v", filepath.Base(f), fi.Mode(), err)
		}
	}
}

// Messages name the file that holds what changed: openclaw's shared state
// database for the main agent's credentials, not an auth-profiles.json that
// does not exist there.
func TestMessagesNameTheSQLiteFiles(t *testing.T) {
	c := newCLI(t)
	delete(c.env, "MOLTBOT_GATEWAY")
	c.copySample("a-api-key")
	c.stdin = "sk-ant-oat01-FAKE" + strings.Repeat("N", 91) + "\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:sub")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, filepath.Join("state", "openclaw.sqlite")) || strings.Contains(out+errOut, "auth-profiles.json") {
		t.Errorf("paste-token output:\n%s%s", out, errOut)
	}
}
