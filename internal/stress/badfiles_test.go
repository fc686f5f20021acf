//go:build unix

package stress

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs moltbot args and fails the test when it has not exited
// after d (it is killed then): a command must never wait on a file.
func (in *install) runWithin(d time.Duration, stdin string, args ...string) result {
	in.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, moltbot, args...)
	cmd.Env, cmd.Dir, cmd.Stdin = in.env, in.home, strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		in.t.Fatalf("moltbot %s: still running after %v (killed)", strings.Join(args, " "), d)
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		in.t.Fatalf("moltbot %s: %v", strings.Join(args, " "), err)
	}
	return r
}

const notRegularLine = "is a FIFO (named pipe), not a regular file; nothing was read from it (remove it or put the real file there)"

// TestFIFOsDoNotHangCommands puts a FIFO where the store, the config and
// .env belong: every command still ends at once, and says in one line what
// the file is. (Reading one used to wait forever for a writer.)
func TestFIFOsDoNotHangCommands(t *testing.T) {
	const limit = 10 * time.Second
	token := fakeToken("fifo")
	t.Run("store", func(t *testing.T) {
		in := newInstall(t, filepath.Join(t.TempDir(), "state"))
		mkfifo(t, in.storePath())
		want := "moltbot: auth store " + in.storePath() + " " + notRegularLine + "\n"
		for _, args := range [][]string{
			{"models", "status"},
			{"models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:fifo"},
			{"models", "auth", "order", "get", "--provider", "anthropic"},
		} {
			r := in.runWithin(limit, token+"\n", args...)
			if r.code != 1 || r.stderr != want {
				t.Errorf("%s: exit %d, stderr %q; want exit 1 and %q", strings.Join(args, " "), r.code, r.stderr, want)
			}
			oneLine(t, strings.Join(args, " "), r.stderr, token)
		}
		// Every agent's section says it; --check makes it exit 1.
		r := in.runWithin(limit, "", "models", "status", "--all-agents", "--check")
		if r.code != 1 || !strings.Contains(r.stdout, "Agent main\n  auth store "+in.storePath()+" "+notRegularLine+"\n") {
			t.Errorf("status --all-agents --check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r = in.runWithin(limit, "", "doctor")
		if r.code != 1 || !strings.Contains(r.stdout, "FAIL  store        auth store "+in.storePath()+" "+notRegularLine) {
			t.Errorf("doctor: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if fi, err := os.Lstat(in.storePath()); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("the FIFO store was replaced (%v)", err)
		}
	})
	t.Run("config", func(t *testing.T) {
		in := newInstall(t, filepath.Join(t.TempDir(), "state"))
		mkfifo(t, in.configPath())
		r := in.runWithin(limit, "", "models", "status")
		if r.code != 0 || !strings.Contains(r.stdout, "warning: config "+in.configPath()+" "+notRegularLine+"\n") {
			t.Errorf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r = in.runWithin(limit, token+"\n", "models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:fifo")
		if r.code != 1 || !strings.Contains(r.stderr, "config "+in.configPath()+" "+notRegularLine) {
			t.Errorf("paste-token: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		oneLine(t, "paste-token", r.stderr, token)
		r = in.runWithin(limit, "", "doctor")
		if r.code != 1 || !strings.Contains(r.stdout, "FAIL  config       config "+in.configPath()+" "+notRegularLine) {
			t.Errorf("doctor: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run(".env", func(t *testing.T) {
		in := newInstall(t, filepath.Join(t.TempDir(), "state"))
		env := filepath.Join(in.state, ".env")
		mkfifo(t, env)
		r := in.runWithin(limit, "", "models", "status")
		if r.code != 0 || !strings.Contains(r.stdout, "warning: .env "+env+" "+notRegularLine+"\n") {
			t.Errorf("status: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		r = in.runWithin(limit, "", "doctor")
		if r.code != 1 || !strings.Contains(r.stdout, "FAIL  env-file     .env "+env+" "+notRegularLine) {
			t.Errorf("doctor: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
}

// TestEndlessAndHugeStoresAreRefused: a store linked to /dev/zero is
// refused before anything is read (it used to grow memory without end), and
// a store over 64 MiB is refused with the limit.
func TestEndlessAndHugeStoresAreRefused(t *testing.T) {
	in := newInstall(t, filepath.Join(t.TempDir(), "state"))
	if err := os.MkdirAll(in.agentDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", in.storePath()); err != nil {
		t.Fatal(err)
	}
	r := in.runWithin(10*time.Second, "", "models", "status")
	want := "moltbot: auth store " + in.storePath() + " (a link to /dev/zero) is a character device, not a regular file; nothing was read from it (remove the link or point it at the real file)\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("status on /dev/zero: exit %d, stderr %q; want %q", r.code, r.stderr, want)
	}
	if err := os.Remove(in.storePath()); err != nil {
		t.Fatal(err)
	}

	writeFile(t, in.storePath(), nil)
	if err := os.Truncate(in.storePath(), 64<<20+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	r = in.runWithin(10*time.Second, "", "models", "status")
	want = "moltbot: auth store " + in.storePath() + " is larger than 64 MiB, the most moltbot reads for it; it was left as it is (is it the right file?)\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("status on a 64 MiB + 1 store: exit %d, stderr %q; want %q", r.code, r.stderr, want)
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
