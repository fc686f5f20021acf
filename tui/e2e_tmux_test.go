package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestTmuxEndToEnd drives the built binary in a real terminal: tmux at
// 100×30 on a private socket, a scratch state dir, keys sent with
// send-keys, the screen read with capture-pane.
func TestTmuxEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (CI installs it)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "moltbot")
	build := exec.Command("go", "build", "-o", bin, "github.com/moltbot/moltbot/cmd/moltbot")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "state")
	store := filepath.Join(state, "agents", "main", "agent", "auth-profiles.json")
	if err := os.MkdirAll(filepath.Dir(store), 0o700); err != nil {
		t.Fatal(err)
	}
	key := func(c string) string { return "sk-ant-api03-FAKE" + strings.Repeat(c, 80) }
	doc := fmt.Sprintf(`{
  "version": 1,
  "profiles": {
    "anthropic:one": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:two": { "type": "api_key", "provider": "anthropic", "key": %q },
    "anthropic:three": { "type": "api_key", "provider": "anthropic", "key": %q }
  },
  "order": { "anthropic": ["anthropic:one", "anthropic:two", "anthropic:three"] }
}
`, key("O"), key("T"), key("H"))
	if err := os.WriteFile(store, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}

	socket := fmt.Sprintf("moltbot-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())
	run := func(args ...string) (string, error) {
		cmd := exec.Command(tmux, append([]string{"-L", socket, "-f", "/dev/null"}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	var socketPath string
	t.Cleanup(func() {
		_, _ = run("kill-server")
		if socketPath != "" {
			_ = os.Remove(socketPath) // tmux leaves its socket file behind
		}
	})

	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	// The shell prints the exit code on the normal screen afterwards and
	// stays a while so that the screen can be read (the server is killed at
	// the end).
	command := fmt.Sprintf("env -i PATH=/usr/bin:/bin HOME=%s TERM=xterm-256color MOLTBOT_STATE_DIR=%s sh -c '%s; echo moltbot-exit=$?; sleep 30'", home, state, bin)
	if out, err := run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if out, err := run("display-message", "-p", "#{socket_path}"); err == nil {
		socketPath = strings.TrimSpace(out)
	}

	screen := func() string {
		out, _ := run("capture-pane", "-p", "-t", "e2e")
		return out
	}
	waitScreen := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	contains := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }

	s := waitScreen("the profiles", contains("anthropic:three"))
	for _, want := range []string{"anthropic:one", "anthropic:two", "order: override", "Providers"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, key("O")) {
		t.Fatal("a secret is on screen")
	}

	// Select two and move it up with K: saved at once.
	if out, err := run("send-keys", "-t", "e2e", "j"); err != nil {
		t.Fatalf("send-keys: %v %s", err, out)
	}
	waitScreen("the selection on two", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "anthropic:two") && strings.Contains(l, "▸") {
				return true
			}
		}
		return false
	})
	_, _ = run("send-keys", "-t", "e2e", "K")
	waitScreen("the save", contains("saved the anthropic order"))

	var got struct {
		Order map[string][]string `json:"order"`
	}
	data, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"anthropic:two", "anthropic:one", "anthropic:three"}
	if !reflect.DeepEqual(got.Order["anthropic"], want) {
		t.Errorf("file order %v, want %v", got.Order["anthropic"], want)
	}
	s = screen()
	if i, j := strings.Index(s, "anthropic:two"), strings.Index(s, "anthropic:one"); i < 0 || j < 0 || i > j {
		t.Errorf("screen does not show two above one:\n%s", s)
	}

	// q quits and gives the terminal back: the alternate screen is gone and
	// the shell's line shows the exit code.
	_, _ = run("send-keys", "-t", "e2e", "q")
	s = waitScreen("the exit", contains("moltbot-exit="))
	if !strings.Contains(s, "moltbot-exit=0") {
		t.Errorf("moltbot did not exit 0:\n%s", s)
	}
	if strings.Contains(s, "Providers") {
		t.Errorf("the dashboard is still on screen after quitting:\n%s", s)
	}
}
