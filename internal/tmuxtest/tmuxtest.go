// Package tmuxtest drives the built moltbot binary in a real terminal for
// end-to-end tests: a tmux server on a private socket (never the user's),
// keys sent with send-keys, the screen read with capture-pane.
package tmuxtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// BuildMoltbot builds ./cmd/moltbot into a temp dir and returns its path. It
// skips the test under -short or when tmux is not installed (CI installs it).
func BuildMoltbot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	bin := filepath.Join(t.TempDir(), "moltbot")
	build := exec.Command("go", "build", "-o", bin, "github.com/moltbot/moltbot/cmd/moltbot")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Term is one tmux session running a shell command.
type Term struct {
	t      *testing.T
	tmux   string
	socket string
}

// Start runs command (a shell command line) in a new width×height session
// on a private tmux server that is killed when the test ends.
func Start(t *testing.T, width, height int, command string) *Term {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	x := &Term{t: t, tmux: tmux, socket: fmt.Sprintf("moltbot-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	var socketPath string
	t.Cleanup(func() {
		_, _ = x.run("kill-server") // our own server only (-L)
		if socketPath != "" {
			_ = os.Remove(socketPath) // tmux leaves its socket file behind
		}
	})
	if out, err := x.run("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if out, err := x.run("display-message", "-p", "#{socket_path}"); err == nil {
		socketPath = strings.TrimSpace(out)
	}
	return x
}

func (x *Term) run(args ...string) (string, error) {
	cmd := exec.Command(x.tmux, append([]string{"-L", x.socket, "-f", "/dev/null"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Screen is the visible screen as text.
func (x *Term) Screen() string {
	out, _ := x.run("capture-pane", "-p", "-t", "e2e")
	return out
}

// Keys sends keys as tmux send-keys names them ("Enter", "-l", "text").
func (x *Term) Keys(keys ...string) {
	x.t.Helper()
	if out, err := x.run(append([]string{"send-keys", "-t", "e2e"}, keys...)...); err != nil {
		x.t.Fatalf("send-keys: %v %s", err, out)
	}
}

// WaitUntil polls the screen until ok accepts it (20 s at most) and returns
// it; what names the wait in the failure message.
func (x *Term) WaitUntil(what string, ok func(screen string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := x.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitFor waits until the screen contains want.
func (x *Term) WaitFor(want string) string {
	x.t.Helper()
	return x.WaitUntil(fmt.Sprintf("%q", want), func(s string) bool { return strings.Contains(s, want) })
}

// ScreenANSI is the visible screen with its colours and attributes, as
// tmux re-encodes them (SGR sequences).
func (x *Term) ScreenANSI() string {
	out, _ := x.run("capture-pane", "-p", "-e", "-t", "e2e")
	return out
}

// Tmux runs a tmux command on this test's server (e.g. "set", "-g",
// "window-style", "bg=#ffffff"; "display-message", "-p", "#{pane_title}")
// and returns its output.
func (x *Term) Tmux(args ...string) (string, error) {
	return x.run(args...)
}
