package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

func TestPasteTokenPipedLineEndings(t *testing.T) {
	for _, tc := range []struct{ name, ending string }{
		{"lf", "\n"}, {"crlf", "\r\n"}, {"none", ""}, {"trailing-blank-lines", "\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.stdin = fakeOtherToken + tc.ending
			out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "openrouter")
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr:\n%s", code, errOut)
			}
			if got := c.profile("openrouter:manual")["token"]; got != fakeOtherToken {
				t.Fatalf("saved token %q, want exactly the piped one", got)
			}
			assertNoSecret(t, out, fakeOtherToken)
			c.golden("TestPasteTokenPipedLineEndings", out)
			// The file is the gateway's shape, byte for byte.
			want, _ := os.ReadFile(filepath.Join("testdata", "gateway-store-after-paste-token.json"))
			if got := readFile(t, c.storePath()); got != string(want) {
				t.Fatalf("store differs from the gateway's:\n%s", got)
			}
			fi, err := os.Stat(c.storePath())
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("store mode %v (%v), want 0600", fi.Mode(), err)
			}
			var cfg struct {
				Auth struct {
					Profiles map[string]map[string]string `json:"profiles"`
				} `json:"auth"`
			}
			if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.state, "clawdbot.json"))), &cfg); err != nil {
				t.Fatal(err)
			}
			if got := cfg.Auth.Profiles["openrouter:manual"]; got["provider"] != "openrouter" || got["mode"] != "token" {
				t.Fatalf("config auth.profiles entry = %v", got)
			}
		})
	}
}

func TestPasteTokenAnthropicWrappedAndExpiry(t *testing.T) {
	c := newCLI(t)
	// Copied from a terminal that wrapped it at 80 columns, with CRLFs.
	c.stdin = fakeSetupToken[:79] + "\r\n" + fakeSetupToken[79:] + "\r\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "Anthropic", "--expires-in", "365d")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	p := c.profile("anthropic:manual")
	if p["token"] != fakeSetupToken {
		t.Fatalf("token not re-joined: %q", p["token"])
	}
	if want := float64(testNow.AddDate(0, 0, 365).UnixMilli()); p["expires"] != want {
		t.Fatalf("expires %v, want %v", p["expires"], want)
	}
	assertNoSecret(t, out, fakeSetupToken)
	c.golden("TestPasteTokenAnthropicWrappedAndExpiry", out)
}

func TestPasteTokenReplacesAndKeepsUnknownFields(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.stdin = fakeSetupToken + "\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic", "--expires-in", "30")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	c.golden("TestPasteTokenReplacesAndKeepsUnknownFields", out)
	p := c.profile("anthropic:manual")
	if p["token"] != fakeSetupToken || p["futureProfileField"] != "kept" {
		t.Fatalf("profile after replace: %v", p)
	}
	doc := c.storeJSON()
	if _, ok := doc["usageStats"].(map[string]any)["anthropic:manual"]; ok {
		t.Fatal("a new token should start with clean usage stats")
	}
	if _, ok := doc["usageStats"].(map[string]any)["openai:default"]; !ok {
		t.Fatal("other profiles' usage stats must stay")
	}
	if fk, _ := doc["gatewayFutureKey"].(map[string]any); fk["x"] != 1.0 {
		t.Fatalf("unknown top-level key lost: %v", doc)
	}
	// The previous file is kept as .bak.
	if bak := readFile(t, c.storePath()+".bak"); !strings.Contains(bak, "FAKETTTT") {
		t.Fatal("no .bak of the previous store")
	}
}

func TestPasteTokenOrderOverrideNote(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json") // anthropic's override lists manual and default only
	c.stdin = fakeSetupToken
	_, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:new")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Automatic order, but the config's auth.profiles now lists only the new
	// openai profile: the gateway would stop trying openai:default.
	c.stdin = "sk-FAKE-openai-token-00000000000"
	_, errOut2, code := c.run("models", "auth", "paste-token", "--provider", "openai")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut2)
	}
	c.golden("TestPasteTokenOrderOverrideNote", errOut+errOut2)
}

func TestPasteTokenTerminalPrompt(t *testing.T) {
	c := newCLI(t)
	c.terminal = true
	// Pasted at the prompt, wrapped: the second half arrives as a second line.
	c.stdin = fakeSetupToken[:60] + "\n" + fakeSetupToken[60:] + "\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := c.profile("anthropic:manual")["token"]; got != fakeSetupToken {
		t.Fatalf("token %q", got)
	}
	assertNoSecret(t, out+errOut, fakeSetupToken)
	c.golden("TestPasteTokenTerminalPrompt", errOut)
}

func TestPasteTokenJSON5ConfigIsNotRewritten(t *testing.T) {
	c := newCLI(t)
	cfg, err := os.ReadFile(filepath.Join("testdata", "gateway-config-hand-edited.json5"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := c.write("moltbot.json", string(cfg))
	c.stdin = fakeOtherToken + "\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "openrouter")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := readFile(t, cfgPath); got != string(cfg) {
		t.Fatalf("a JSON5 config was rewritten:\n%s", got)
	}
	if c.profile("openrouter:manual")["token"] != fakeOtherToken {
		t.Fatal("the store write must stand")
	}
	if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, `"openrouter:manual": { "provider": "openrouter", "mode": "token" }`) {
		t.Fatalf("want one warning with the line to add, got:\n%s", errOut)
	}
	c.golden("TestPasteTokenJSON5ConfigIsNotRewritten", out+errOut)
}

func TestPasteTokenGatewayConfigKeepsOtherKeys(t *testing.T) {
	c := newCLI(t)
	cfg, _ := os.ReadFile(filepath.Join("testdata", "gateway-config-after-paste-token.json"))
	cfgPath := c.write("clawdbot.json", string(cfg))
	c.stdin = fakeSetupToken
	if _, errOut, code := c.run("models", "auth", "paste-token", "--provider", "anthropic"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := readFile(t, cfgPath)
	want := strings.Replace(string(cfg), `        "mode": "token"
      }
    }`, `        "mode": "token"
      },
      "anthropic:manual": {
        "provider": "anthropic",
        "mode": "token"
      }
    }`, 1)
	if got != want {
		t.Fatalf("config:\n%s\nwant:\n%s", got, want)
	}
}

// Every refusal: one clear line, the right exit code, no file touched, no
// secret echoed.
func TestPasteTokenRefusals(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		stdin    string
		terminal bool
		fixture  string
		code     int
		want     string
	}{
		{"token-as-argument", []string{"--provider", "anthropic", fakeSetupToken}, "", false, "auth-store.json", ExitUsage, "takes no arguments"},
		{"missing-provider", nil, fakeOtherToken, false, "", ExitUsage, "missing --provider"},
		{"empty-pipe", []string{"--provider", "openrouter"}, "", false, "auth-store.json", ExitFailure, "no token on stdin"},
		{"blank-pipe", []string{"--provider", "anthropic"}, " \r\n\n", false, "", ExitFailure, "no token on stdin"},
		{"truncated-anthropic", []string{"--provider", "anthropic"}, fakeSetupToken[:79] + "\n", false, "auth-store.json", ExitFailure, "cut off where the terminal wrapped it"},
		{"api-key-as-setup-token", []string{"--provider", "anthropic"}, fakeAPIKey, false, "", ExitFailure, "that is an Anthropic API key"},
		{"not-a-setup-token", []string{"--provider", "anthropic"}, fakeOtherToken, false, "", ExitFailure, "should start with sk-ant-oat01-"},
		{"two-tokens", []string{"--provider", "anthropic"}, fakeSetupToken + "\n" + fakeSetupToken, false, "", ExitFailure, "more than one setup token"},
		{"inner-space", []string{"--provider", "openrouter"}, "sk-or-v1-FAKE 0000000000", false, "", ExitFailure, "space or line break inside"},
		{"bad-expiry", []string{"--provider", "openrouter", "--expires-in", "soon"}, fakeOtherToken, false, "", ExitUsage, "--expires-in"},
		{"zero-expiry", []string{"--provider", "openrouter", "--expires-in", "0"}, fakeOtherToken, false, "", ExitUsage, "more than zero"},
		{"id-of-other-provider", []string{"--provider", "openrouter", "--profile-id", "anthropic:x"}, fakeOtherToken, false, "", ExitUsage, "names provider anthropic"},
		{"empty-at-prompt", []string{"--provider", "openrouter"}, "\n", true, "auth-store.json", ExitFailure, "no token entered"},
		{"truncated-at-prompt", []string{"--provider", "anthropic"}, fakeSetupToken[:50] + "\n\n", true, "", ExitFailure, "cut off"},
		{"corrupt-store", []string{"--provider", "openrouter"}, fakeOtherToken, false, "store-corrupt.json", ExitFailure, "is corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if tc.fixture != "" {
				c.copyFixture(tc.fixture)
			}
			c.stdin, c.terminal = tc.stdin, tc.terminal
			before := c.tree()
			out, errOut, code := c.run(append([]string{"models", "auth", "paste-token"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut)
			}
			if out != "" {
				t.Fatalf("stdout should be empty, got:\n%s", out)
			}
			if tc.terminal { // the prompt lines come first
				errOut = errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:]
			}
			assertOneLine(t, errOut, tc.want)
			assertNoSecret(t, errOut, fakeSetupToken, fakeOtherToken, fakeAPIKey)
			assertSameTree(t, before, c.tree())
		})
	}
}

func TestPasteTokenLockHeld(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.holdLock()
	before := c.tree()
	c.stdin = fakeOtherToken
	_, errOut, code := c.run("models", "auth", "paste-token", "--provider", "openrouter")
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertOneLine(t, errOut, "auth store is locked by")
	assertSameTree(t, before, c.tree())
}

func TestPasteTokenReadOnlyAgentDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write into a read-only directory")
	}
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	if err := os.Chmod(c.agentDir(), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(c.agentDir(), 0o700) })
	before := c.tree()
	c.stdin = fakeOtherToken
	_, errOut, code := c.run("models", "auth", "paste-token", "--provider", "openrouter")
	if code != ExitFailure {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertOneLine(t, errOut, "writable")
	assertSameTree(t, before, c.tree())
}

func TestPasteTokenProviderAlias(t *testing.T) {
	c := newCLI(t)
	c.stdin = "zai-FAKE-token-0000000000000000\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", " Z.AI ")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if p := c.profile("zai:manual"); p["provider"] != "zai" {
		t.Fatalf("alias not normalised: %v\n%s", p, out)
	}
}

// ptyTerminal is a real pseudo-terminal for stdin/stderr; what the
// "screen" showed is collected from its master side.
type ptyTerminal struct {
	master, tty *os.File
	mu          sync.Mutex
	screen      bytes.Buffer
}

func openPTY(t *testing.T) *ptyTerminal {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	p := &ptyTerminal{master: master, tty: tty}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.screen.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { tty.Close(); master.Close() })
	return p
}

func (p *ptyTerminal) shown() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.screen.String()
}

// waitFor waits (bounded) until the terminal has shown s.
func (p *ptyTerminal) waitFor(t *testing.T, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(p.shown(), s) {
			return
		}
	}
	t.Fatalf("the terminal never showed %q; it shows:\n%s", s, p.shown())
}

// waitEchoOff waits (bounded) until the hidden prompt has turned echo off,
// so that what is typed next is not echoed by the terminal itself.
func (p *ptyTerminal) waitEchoOff(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if !p.echoOn(t) {
			return
		}
	}
	t.Fatal("the prompt never turned echo off")
}

func (p *ptyTerminal) echoOn(t *testing.T) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Skipf("termios: %v", err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// runOnPTY runs moltbot with the pty as stdin and stderr.
func runOnPTY(ctx context.Context, c *cli, p *ptyTerminal, stdout *bytes.Buffer, args ...string) <-chan int {
	env := Env{
		Stdin: p.tty, Stdout: stdout, Stderr: p.tty,
		Getenv: func(k string) string { return c.env[k] }, Home: c.home,
		Now: func() time.Time { return c.now }, IsTerminal: isTerminal,
	}
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, args) }()
	return done
}

func TestPasteTokenHiddenOnARealTerminal(t *testing.T) {
	p := openPTY(t)
	c := newCLI(t)
	var out bytes.Buffer
	done := runOnPTY(context.Background(), c, p, &out, "models", "auth", "paste-token", "--provider", "anthropic")
	p.waitFor(t, "input is hidden")
	p.waitEchoOff(t)
	// Pasted as the terminal wrapped it: two lines, the second arriving
	// after the first was read. Echo must stay off in between.
	if _, err := p.master.Write([]byte(fakeSetupToken[:80] + "\r")); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "too short for a whole setup token")
	if p.echoOn(t) {
		t.Fatal("echo came back on between the two lines of the token")
	}
	if _, err := p.master.Write([]byte(fakeSetupToken[80:] + "\r")); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit %d; terminal:\n%s", code, p.shown())
	}
	if got := c.profile("anthropic:manual")["token"]; got != fakeSetupToken {
		t.Fatalf("saved %q", got)
	}
	if strings.Contains(p.shown(), "FAKEZZZZ") || strings.Contains(out.String(), "FAKEZZZZ") {
		t.Fatalf("the token was echoed:\n%s", p.shown())
	}
	if !p.echoOn(t) {
		t.Fatal("echo left off")
	}
}

func TestPasteTokenInterruptedRestoresEcho(t *testing.T) {
	p := openPTY(t)
	c := newCLI(t)
	before := c.tree()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := runOnPTY(ctx, c, p, &out, "models", "auth", "paste-token", "--provider", "openrouter")
	p.waitFor(t, "input is hidden")
	cancel() // what SIGINT does through watchSignals
	// ctrl+c exits 130, as everywhere (issue 11, point 14); it was 1.
	if code := <-done; code != ExitInterrupted {
		t.Fatalf("exit %d", code)
	}
	p.waitFor(t, "cancelled; nothing was saved")
	if !p.echoOn(t) {
		t.Fatal("echo left off after an interrupted hidden prompt")
	}
	assertSameTree(t, before, c.tree())
}

// On a terminal the paths in what a command says read ~/… (as in models
// status and on the dashboard); piped, they stay whole for scripts.
func TestPathsReadTildeOnATerminalOnly(t *testing.T) {
	c := newCLI(t)
	c.home = filepath.Dir(c.state) // the state dir is under home
	c.stdin = fakeOtherToken + "\n"
	out, errOut, code := c.run("models", "auth", "paste-token", "--provider", "openrouter")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, " in "+c.storePath()+"\n") || strings.Contains(out, "~/") {
		t.Errorf("piped: want whole paths\n%s", out)
	}

	c.terminal = true
	for _, args := range [][]string{
		{"models", "auth", "order", "get", "--provider", "openrouter"},
		{"models", "auth", "remove", "openrouter:manual", "--yes"},
	} {
		out, errOut, code := c.run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if !strings.Contains(out, "~/state/agents/main/agent/auth-profiles.json") || strings.Contains(out, c.state) {
			t.Errorf("%v on a terminal: want ~/… paths\n%s", args, out)
		}
	}
}
