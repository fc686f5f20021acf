package stress

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The background-colour query a terminal program sends (OSC 11).
const bgQuery = "\x1b]11;?"

// silentTerminal is a pty that plays a terminal which never answers: what
// runs on it gets it as its controlling terminal, in the foreground (as
// under `script`, `expect` or `docker run -t`), and whatever it writes is
// collected; nothing is written back unless the test types.
type silentTerminal struct {
	master *os.File
	mu     sync.Mutex
	out    bytes.Buffer
	done   chan struct{} // closed when the far end hung up
}

func newSilentTerminal(t testing.TB) (*silentTerminal, *os.File) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pty available: %v", err)
	}
	if err := pty.Setsize(m, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	st := &silentTerminal{master: m, done: make(chan struct{})}
	go func() {
		defer close(st.done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			st.mu.Lock()
			st.out.Write(buf[:n])
			st.mu.Unlock()
			if err != nil {
				return // EIO: every descriptor of the program's side is closed
			}
		}
	}()
	t.Cleanup(func() { _ = m.Close() })
	return st, s
}

func (st *silentTerminal) String() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.out.String()
}

// start runs moltbot args on the terminal with env (nothing else inherited).
func (st *silentTerminal) start(t testing.TB, tty *os.File, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(moltbot, args...)
	cmd.Env, cmd.Dir = env, dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = tty.Close() // the program holds the only descriptors now
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// wait waits for the program to exit (20 s at most) and for its output.
func (st *silentTerminal) wait(t testing.TB, cmd *exec.Cmd) int {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("moltbot %v did not finish in 20 s; terminal:\n%q", cmd.Args[1:], st.String())
	}
	select {
	case <-st.done:
	case <-time.After(5 * time.Second):
		t.Fatalf("the terminal did not hang up after moltbot %v exited", cmd.Args[1:])
	}
	return cmd.ProcessState.ExitCode()
}

// withEnv is base with the given KEY=value entries replacing or adding to
// it, and those named "KEY=" removed.
func withEnv(base []string, kv ...string) []string {
	out := []string{}
	for _, e := range base {
		keep := true
		for _, o := range kv {
			k, _, _ := strings.Cut(o, "=")
			if strings.HasPrefix(e, k+"=") {
				keep = false
			}
		}
		if keep {
			out = append(out, e)
		}
	}
	for _, o := range kv {
		if !strings.HasSuffix(o, "=") {
			out = append(out, o)
		}
	}
	return out
}

// oneProfileStore is a store with one fake API key.
func oneProfileStore() []byte {
	return []byte(`{"version": 1, "profiles": {"anthropic:default": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKEkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"}}}`)
}

// On a terminal that answers nothing, every command finishes at once: the
// ones that print no colour never ask the terminal anything, and coloured
// `models status` asks once and gives up after termbg's 300 ms. (With
// bubbletea's package init each of them waited termenv's 5 s.)
func TestCommandsDoNotWaitForASilentTerminal(t *testing.T) {
	in := newInstall(t, t.TempDir())
	writeFile(t, in.storePath(), oneProfileStore())
	colour := withEnv(in.env, "TERM=xterm-256color", "NO_COLOR=")
	var summary []string
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		asks bool   // sends the background query (once)
		want string // in the output
	}{
		{"--version", colour, []string{"--version"}, false, "moltbot "},
		{"models status --json", colour, []string{"models", "status", "--json"}, false, `"anthropic:default"`},
		{"models status --plain", colour, []string{"models", "status", "--plain"}, false, "anthropic:default"},
		{"NO_COLOR=1 models status --check", withEnv(colour, "NO_COLOR=1"), []string{"models", "status", "--check"}, false, "anthropic:default"},
		{"TERM=dumb models status", withEnv(colour, "TERM=dumb"), []string{"models", "status"}, false, "anthropic:default"},
		{"models status (colour)", colour, []string{"models", "status"}, true, "anthropic:default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term, tty := newSilentTerminal(t)
			start := time.Now()
			cmd := term.start(t, tty, in.home, tc.env, tc.args...)
			code := term.wait(t, cmd)
			took := time.Since(start)
			out := term.String()
			if code > 2 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%q", tc.want, out)
			}
			if n := strings.Count(out, bgQuery); n != map[bool]int{false: 0, true: 1}[tc.asks] {
				t.Errorf("asked the terminal for its background %d times, want %v:\n%q", n, map[bool]string{false: "never", true: "once"}[tc.asks], out)
			}
			// Well under 1 s when the machine is idle; 2 s leaves room for
			// a loaded CI machine and is still far from termenv's 5 s.
			if took > 2*time.Second {
				t.Errorf("took %v on a terminal that answers nothing; want well under 1 s", took.Round(time.Millisecond))
			}
			summary = append(summary, fmt.Sprintf("%s %.0f ms", tc.name, float64(took.Microseconds())/1000))
		})
	}
	writeSummary(t, "silent terminal (a pty nobody answers): "+strings.Join(summary, ", "))
}

// The dashboard on a terminal that answers nothing asks once, gives up
// after 300 ms and draws; `q` quits it. (Before: bubbletea's init, then
// termenv's colour cache asking foreground and background again: 5 s each.)
func TestDashboardDrawsOnASilentTerminal(t *testing.T) {
	in := newInstall(t, t.TempDir())
	writeFile(t, in.storePath(), oneProfileStore())
	term, tty := newSilentTerminal(t)
	start := time.Now()
	cmd := term.start(t, tty, in.home, withEnv(in.env, "TERM=xterm-256color", "NO_COLOR="))
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(term.String(), "anthropic:default") {
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard did not draw; terminal:\n%q", term.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(start)
	if _, err := term.master.WriteString("q"); err != nil {
		t.Fatal(err)
	}
	if code := term.wait(t, cmd); code != 0 {
		t.Errorf("exit %d", code)
	}
	if n := strings.Count(term.String(), bgQuery); n != 1 {
		t.Errorf("asked the terminal for its background %d times, want once", n)
	}
	if took > 2*time.Second {
		t.Errorf("the first frame took %v on a terminal that answers nothing; want well under 1 s", took.Round(time.Millisecond))
	}
	writeSummary(t, fmt.Sprintf("silent terminal: the dashboard's first frame after %.0f ms", float64(took.Microseconds())/1000))
}

// The issue's own check: `script -qc 'moltbot --version' /dev/null` with
// nobody behind script's output returns at once.
func TestScriptVersionReturnsAtOnce(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script (util-linux) is not installed; .ci/run installs it")
	}
	in := newInstall(t, t.TempDir())
	cmd := exec.Command(script, "-qc", moltbot+" --version", "/dev/null")
	cmd.Env = withEnv(in.env, "TERM=xterm-256color", "NO_COLOR=")
	cmd.Dir = in.home
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err = <-exited:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("script -qc 'moltbot --version' did not finish in 20 s: %q", out.String())
	}
	took := time.Since(start)
	if err != nil {
		t.Fatalf("script: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "moltbot ") || strings.Contains(out.String(), bgQuery) {
		t.Errorf("output %q: want the version and no terminal query", out.String())
	}
	if took > 2*time.Second {
		t.Errorf("took %v; want at once", took.Round(time.Millisecond))
	}
	writeSummary(t, fmt.Sprintf("script -qc 'moltbot --version' /dev/null: %.0f ms", float64(took.Microseconds())/1000))
}
