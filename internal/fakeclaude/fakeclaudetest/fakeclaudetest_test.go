package fakeclaudetest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Cleanup()
	os.Exit(code)
}

func TestBuildOnceAndPath(t *testing.T) {
	bin := Build(t)
	if again := Build(t); again != bin {
		t.Fatalf("Build built twice: %s, %s", bin, again)
	}
	t.Setenv("PATH", strings.TrimPrefix(PathEnv(t), "PATH="))
	path, err := exec.LookPath("claude")
	if err != nil || path != bin {
		t.Fatalf("claude resolves to %q (%v), want %s", path, err, bin)
	}
	cmd := exec.Command(path, "--version")
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "Claude Code") {
		t.Fatalf("claude --version = %q, %v", out, err)
	}
}

func TestEnv(t *testing.T) {
	env := strings.Join(Env(ModeSlow, ""), "\n")
	for _, want := range []string{EnvMode + "=slow", EnvToken + "=" + DefaultToken, EnvFast + "=1"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s", want)
		}
	}
}
