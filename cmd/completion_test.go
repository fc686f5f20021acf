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

func TestCompletionOffersProfileIDs(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	out, _, _ := c.run("__complete", "models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "")
	if !strings.Contains(out, "anthropic:manual\ttoken") || strings.Contains(out, "openai:default") || strings.Contains(out, "anthropic:work\t") {
		t.Fatalf("order set completions:\n%s", out)
	}
	out, _, _ = c.run("__complete", "models", "auth", "remove", "")
	if !strings.Contains(out, "openai:default\tapi_key") {
		t.Fatalf("remove completions:\n%s", out)
	}
	out, _, _ = c.run("__complete", "models", "auth", "paste-token", "--provider", "")
	if !strings.Contains(out, "anthropic\n") || !strings.Contains(out, "openrouter\n") {
		t.Fatalf("provider completions:\n%s", out)
	}
	assertNoSecret(t, out)
}
