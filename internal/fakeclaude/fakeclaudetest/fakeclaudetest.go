// Package fakeclaudetest builds the fake `claude` program
// (internal/fakeclaude) for tests and describes how to drive it.
//
// Typical use in a test that runs the wizard or ptyrun against it:
//
//	bin := fakeclaudetest.Build(t)         // .../claude, built once per test binary
//	cmd := exec.Command(bin, "setup-token")
//	cmd.Env = fakeclaudetest.Env(fakeclaudetest.ModeOK, fakeclaudetest.DefaultToken)
//
// or put filepath.Dir(bin) first on PATH so that `claude` resolves to it.
// Call Cleanup from TestMain after m.Run to remove the build directory.
package fakeclaudetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// Environment variables the fake reads (see internal/fakeclaude).
const (
	EnvMode      = "FAKECLAUDE_MODE"
	EnvToken     = "FAKECLAUDE_TOKEN"
	EnvFast      = "FAKECLAUDE_FAST"
	EnvStartup   = "FAKECLAUDE_STARTUP"
	EnvSpinner   = "FAKECLAUDE_SPINNER"
	EnvExitDelay = "FAKECLAUDE_EXIT_DELAY"
	EnvCodeFile  = "FAKECLAUDE_CODE_FILE"
)

// Modes of the fake, selected with EnvMode.
const (
	// ModeOK waits for a code (any non-empty one, submitted with \r),
	// prints the token wrapped at the pty width, and exits 0.
	ModeOK = "ok"
	// ModeSlow is ModeOK with every write dribbled in 1–13 byte pieces.
	ModeSlow = "slow"
	// ModeBrowser succeeds with nothing typed, as after a browser login.
	ModeBrowser = "browser"
	// ModeBadCode rejects every code ("OAuth error", "Press Enter to
	// retry") and never exits by itself.
	ModeBadCode = "badcode"
	// ModeExit1 fails after the code and exits 1 without a token.
	ModeExit1 = "exit1"
	// ModeCrash panics (exit 2) in the middle of printing the token.
	ModeCrash = "crash"
	// ModeHang spins forever after the code and ignores SIGINT (SIGHUP
	// and SIGTERM still end it).
	ModeHang = "hang"
	// ModeNoToken exits 0 after the code without printing a token.
	ModeNoToken = "notoken"
)

// DefaultToken is the token the fake prints unless EnvToken says otherwise:
// the real shape (108 characters, ending AA) and obviously fake.
const DefaultToken = "sk-ant-oat01-FAKEfakeSetupTokenForTestsOnly_notARealCredential-0123456789abcdefghijKLMNOPQRSTuvwxyz_FAKE-0AA"

// PromptMarker appears in the fake's output once it waits for a code.
// (Ink separates words with cursor jumps, so match single words.)
const PromptMarker = "prompted"

var (
	once     sync.Once
	buildDir string
	binPath  string
	buildErr error
	buildOut []byte
)

// Build compiles the fake once per test binary and returns the path of the
// executable, named "claude". It skips the test if the go tool is missing
// and fails it if the build fails.
func Build(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		goTool, err := goPath()
		if err != nil {
			buildErr = err
			return
		}
		buildDir, err = os.MkdirTemp("", "fakeclaude-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(buildDir, "claude")
		cmd := exec.Command(goTool, "build", "-o", binPath, "github.com/moltbot/moltbot/internal/fakeclaude")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		if _, ok := buildErr.(*exec.Error); ok {
			tb.Skipf("cannot build the fake claude: %v", buildErr)
		}
		tb.Fatalf("build the fake claude: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// PathEnv returns a PATH=… entry with the fake's directory first, so that
// `claude` resolves to the fake: append it to a command's Env.
func PathEnv(tb testing.TB) string {
	tb.Helper()
	return "PATH=" + filepath.Dir(Build(tb)) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// Cleanup removes what Build made. Call it from TestMain after m.Run.
func Cleanup() {
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

// Env returns the environment for running the fake in mode with token
// (DefaultToken when empty) and short delays: the current environment plus
// the fake's variables. Add more entries (EnvCodeFile, …) by appending.
func Env(mode, token string) []string {
	if token == "" {
		token = DefaultToken
	}
	return append(os.Environ(), EnvMode+"="+mode, EnvToken+"="+token, EnvFast+"=1")
}

func goPath() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		return "", &exec.Error{Name: "go", Err: exec.ErrNotFound}
	}
	return p, nil
}
