//go:build linux

package stress

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of size on a fresh temp dir and unmounts it
// when the test ends. It skips the test unless it runs as root in a place
// that allows mounts (a container may not).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs (run the suite as root, e.g. in CI's container, to cover this)")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): skipped", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

func remount(t *testing.T, dir string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|flags, data); err != nil {
		t.Fatalf("remount %s: %v", dir, err)
	}
}

// bigToken is an obviously fake 2 KB token: a store of a few of these
// fills a 64 KB disk.
func bigToken(tag string) string {
	return "sk-FAKE-" + tag + "-" + strings.Repeat("FAKE", 500)
}

// TestFullDisk: paste-token on a disk that fills up fails with one clear
// line and exit 1, and the store is still the last acknowledged version
// (no partial file, no temp file, no lock); once there is room again the
// next command works.
func TestFullDisk(t *testing.T) {
	mnt := mountTmpfs(t, "64k")
	in := newInstall(t, filepath.Join(mnt, "state"))
	in.mustRun(fakeToken("disk-first")+"\n", "models", "auth", "paste-token", "--provider", "groq", "--profile-id", "groq:first")
	last := readFile(t, in.storePath())
	acked, configFailures := 1, 0
	var storeFailure string
	for i := 0; i < 100 && storeFailure == ""; i++ {
		id, tok := fmt.Sprintf("groq:p%03d", i), bigToken(fmt.Sprintf("disk-%03d", i))
		r := in.paste("groq", id, tok)
		if r.code == 0 {
			acked++
			last = readFile(t, in.storePath())
			continue
		}
		what := fmt.Sprintf("paste-token #%d on a full disk", i)
		if r.code != 1 {
			t.Errorf("%s: exit %d, want 1", what, r.code)
		}
		oneLine(t, what, r.stderr, tok)
		if !strings.Contains(r.stderr, "no space left on device") {
			t.Errorf("%s: the error does not say the disk is full: %s", what, r.stderr)
		}
		data := readFile(t, in.storePath())
		if strings.Contains(r.stderr, "was saved in the store") {
			// The store had room, the config did not: the error says the
			// profile was saved, and it was, exactly.
			configFailures++
			if got, want := marshal(mustParseDoc(t, data)), withProfile(t, last, "groq", id, tok); got != want {
				t.Fatalf("%s: the error says the profile was saved, but the store is not the old one plus it", what)
			}
			t.Logf("config full: %s", strings.TrimSpace(r.stderr))
			last = data
			continue
		}
		storeFailure = strings.TrimSpace(r.stderr)
		if string(data) != string(last) {
			t.Fatalf("%s: the store is not the last acknowledged version", what)
		}
		mustParseDoc(t, data)
	}
	if storeFailure == "" {
		t.Fatal("the disk never filled up")
	}
	t.Logf("after %d saved profiles (%d config failures first): %s", acked, configFailures, storeFailure)
	if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
		t.Errorf("left in the agent dir on a full disk: %v", extra)
	}
	if extra := leftovers(t, in.state, "agents", "clawdbot.json"); len(extra) > 0 {
		t.Errorf("left in the state dir on a full disk: %v", extra)
	}

	remount(t, mnt, 0, "size=1m")
	tok := bigToken("disk-after")
	in.mustRun(tok+"\n", "models", "auth", "paste-token", "--provider", "groq", "--profile-id", "groq:after")
	if got, want := marshal(mustParseDoc(t, readFile(t, in.storePath()))), withProfile(t, last, "groq", "groq:after", tok); got != want {
		t.Error("with room again, paste-token did not save exactly its profile")
	}
	if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
		t.Errorf("left in the agent dir: %v", extra)
	}
}

// TestReadOnlyFileSystem: on a read-only mount (which stops root too) every
// writing command fails with one clear line and exit 1 and changes
// nothing; reading commands still work.
func TestReadOnlyFileSystem(t *testing.T) {
	mnt := mountTmpfs(t, "1m")
	in := newInstall(t, filepath.Join(mnt, "state"))
	in.mustRun(fakeToken("ro-a")+"\n", "models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:a")
	in.mustRun(fakeToken("ro-b")+"\n", "models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:b")
	store, config := readFile(t, in.storePath()), readFile(t, in.configPath())
	remount(t, mnt, syscall.MS_RDONLY, "")
	t.Cleanup(func() { remount(t, mnt, 0, "") })

	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{fakeToken("ro-c") + "\n", []string{"models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:c"}},
		{fakeToken("ro-a2") + "\n", []string{"models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:a"}},
		{"", []string{"models", "auth", "order", "set", "--provider", "mistral", "mistral:b", "mistral:a"}},
		{"", []string{"models", "auth", "remove", "mistral:a", "--yes"}},
	} {
		what := c.args[2]
		if what == "order" {
			what += " " + c.args[3]
		}
		r := in.run(c.stdin, c.args...)
		if r.code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s%s", what, r.code, r.stdout, r.stderr)
		}
		oneLine(t, what, r.stderr, strings.TrimSpace(c.stdin))
		if !strings.Contains(r.stderr, "read-only file system") {
			t.Errorf("%s: the error does not say the file system is read-only: %s", what, r.stderr)
		}
		t.Logf("%s: %s", what, strings.TrimSpace(r.stderr))
	}
	if string(readFile(t, in.storePath())) != string(store) || string(readFile(t, in.configPath())) != string(config) {
		t.Error("a file changed on a read-only file system")
	}
	r := in.run("", "models", "auth", "order", "get", "--provider", "mistral")
	if r.code != 0 || !strings.Contains(r.stdout, "mistral:a") {
		t.Errorf("order get on a read-only file system: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestReadOnlyDirectories: the state and agent directories are not
// writable by the user running moltbot (root ignores modes, so as root the
// commands run as nobody, who owns the files but may not write the
// directories). Every writing command fails with one clear line and exit 1
// and changes nothing; reading commands still work.
func TestReadOnlyDirectories(t *testing.T) {
	root := t.TempDir()
	// Let nobody reach the state dir (t.TempDir makes its dirs private).
	for _, d := range []string{filepath.Dir(root), root} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	in := newInstall(t, filepath.Join(root, "state"))
	in.home = filepath.Join(root, "home")
	if err := os.Mkdir(in.home, 0o700); err != nil {
		t.Fatal(err)
	}
	for i, kv := range in.env {
		if strings.HasPrefix(kv, "HOME=") {
			in.env[i] = "HOME=" + in.home
		}
	}
	in.mustRun(fakeToken("rod-a")+"\n", "models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:a")
	in.mustRun(fakeToken("rod-b")+"\n", "models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:b")
	store, config := readFile(t, in.storePath()), readFile(t, in.configPath())

	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		for _, p := range []string{in.home, in.state, in.configPath(), filepath.Join(in.state, "agents"), filepath.Join(in.state, "agents", "main"), in.agentDir(), in.storePath(), in.storePath() + ".bak"} {
			if err := os.Lchown(p, 65534, 65534); err != nil {
				t.Skipf("cannot hand the state dir to nobody: %v", err)
			}
		}
	}
	dirs := []string{in.state, filepath.Join(in.state, "agents"), filepath.Join(in.state, "agents", "main"), in.agentDir()}
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
	run := func(stdin string, args ...string) result {
		cmd := in.command(stdin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		r := result{stdout: out.String(), stderr: errb.String()}
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Skipf("cannot run moltbot as nobody: %v", err)
			}
			r.code = ee.ExitCode()
		}
		return r
	}

	for _, c := range []struct {
		name, stdin string
		args        []string
	}{
		{"paste-token (new)", fakeToken("rod-c") + "\n", []string{"models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:c"}},
		{"paste-token (replace)", fakeToken("rod-a2") + "\n", []string{"models", "auth", "paste-token", "--provider", "mistral", "--profile-id", "mistral:a"}},
		{"order set", "", []string{"models", "auth", "order", "set", "--provider", "mistral", "mistral:b", "mistral:a"}},
		{"remove", "", []string{"models", "auth", "remove", "mistral:a", "--yes"}},
	} {
		r := run(c.stdin, c.args...)
		if r.code != 1 {
			t.Errorf("%s: exit %d, want 1\n%s%s", c.name, r.code, r.stdout, r.stderr)
		}
		oneLine(t, c.name, r.stderr, strings.TrimSpace(c.stdin))
		if !strings.Contains(r.stderr, "permission denied") || !strings.Contains(r.stderr, "writable") {
			t.Errorf("%s: the error does not say what is not writable: %s", c.name, r.stderr)
		}
		t.Logf("%s: %s", c.name, strings.TrimSpace(r.stderr))
	}
	if string(readFile(t, in.storePath())) != string(store) || string(readFile(t, in.configPath())) != string(config) {
		t.Error("a file changed in a read-only directory")
	}
	if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
		t.Errorf("left in the agent dir: %v", extra)
	}
	if r := run("", "models", "auth", "order", "get", "--provider", "mistral"); r.code != 0 || !strings.Contains(r.stdout, "mistral:a") {
		t.Errorf("order get in a read-only directory: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestWriteFailsMidFile is the full disk without root or a mount: the
// writer runs under a file-size limit (RLIMIT_FSIZE, `ulimit -f`), so
// writing the new store fails part way through the temp file (EFBIG; Go
// ignores SIGXFSZ). It must fail with one clear line and exit 1, and leave
// the store and the directory as they were. The .bak is kept before the
// write starts, so it is then the store itself (still a good copy) or, had
// that failed too, the old backup.
func TestWriteFailsMidFile(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash for ulimit -f")
	}
	in := newInstall(t, filepath.Join(t.TempDir(), "state"))
	writeFile(t, in.storePath(), bigStore(60)) // ~13 KB
	writeFile(t, in.storePath()+".bak", []byte(stressStore))
	before, beforeBak := readFile(t, in.storePath()), readFile(t, in.storePath()+".bak")
	if len(before) < 12*1024 {
		t.Fatalf("the store is only %d bytes: it must not fit under the limit", len(before))
	}

	tok := fakeToken("xai")
	// 8 blocks of 1 KiB: a store write stops after 8 KiB.
	cmd := exec.Command(bash, "-c", `ulimit -f 8 && exec "$0" "$@"`, moltbot,
		"models", "auth", "paste-token", "--provider", "xai", "--profile-id", "xai:p1")
	cmd.Env, cmd.Dir, cmd.Stdin = in.env, in.home, strings.NewReader(tok+"\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("paste-token under a file-size limit: %v, want exit 1\n%s", err, stderr.String())
	}
	oneLine(t, "paste-token under a file-size limit", stderr.String(), tok)
	for _, want := range []string{"could not write " + in.storePath(), "file too large", "it was left as it was"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the error %q does not say %q", strings.TrimSpace(stderr.String()), want)
		}
	}
	if got := readFile(t, in.storePath()); string(got) != string(before) {
		t.Error("the store changed")
	}
	if got := readFile(t, in.storePath()+".bak"); string(got) != string(before) && string(got) != string(beforeBak) {
		t.Error("the .bak is neither the store nor the old backup")
	}
	if extra := leftovers(t, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
		t.Errorf("left in the agent dir: %v", extra)
	}
	t.Logf("under ulimit -f 8: %s", strings.TrimSpace(stderr.String()))

	// Without the limit the same command works.
	in.mustRun(tok+"\n", "models", "auth", "paste-token", "--provider", "xai", "--profile-id", "xai:p1")
	if got, want := marshal(mustParseDoc(t, readFile(t, in.storePath()))), withProfile(t, before, "xai", "xai:p1", tok); got != want {
		t.Error("without the limit, paste-token did not save exactly its profile")
	}
}
