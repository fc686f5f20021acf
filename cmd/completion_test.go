package cmd

import (
	"strings"
	"testing"
)

func TestCompletion(t *testing.T) {
	c := newCLI(t)
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out, errOut, code := c.run("completion", shell)
		if code != 0 || errOut != "" || !strings.Contains(out, shell+" completion") || !strings.Contains(out, "moltbot") {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes", shell, code, errOut, len(out))
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}} {
		out, errOut, code := c.run(args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %d bytes", args, code, len(out))
		}
		assertOneLine(t, errOut, "bash|zsh|fish|powershell")
	}
}

func TestCompletionOffersCommands(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run("__complete", "models", "auth", "")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, sub := range []string{"add", "paste-token", "setup-token", "order", "remove"} {
		if !strings.Contains(out, sub+"\t") {
			t.Errorf("no completion for %s:\n%s", sub, out)
		}
	}
}

func TestVersion(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run("--version")
	if code != 0 || !strings.HasPrefix(out, "moltbot ") || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d: %q", code, out)
	}
}
