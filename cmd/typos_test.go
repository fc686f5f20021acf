package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// typoCLI is the auth-store fixture in agent main, a second agent "work"
// with a store, and a config that lists an agent "ops" (no directory yet)
// besides those two.
func typoCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.write("agents/work/agent/auth-profiles.json", readFile(t, "testdata/store-good.json"))
	c.write("clawdbot.json", `{"agents": {"list": [{"id": "main"}, {"id": "work"}, {"id": "ops"}]}}`+"\n")
	return c
}

// TestTyposAreErrorsForWritesAndWarningsForReads: a --provider or --agent
// that nothing knows used to pass silently (exit 0, "no usable profile",
// "No credentials yet"). A command that writes refuses it (exit 1, one
// line, nothing changed); one that reads warns on stderr and goes on; both
// say "did you mean" when a known name is close.
func TestTyposAreErrorsForWritesAndWarningsForReads(t *testing.T) {
	var transcript strings.Builder
	for _, tc := range []struct {
		args  []string
		stdin string
		code  int
		want  string // in stderr
	}{
		// Reads: a warning, the command's usual output, exit 0.
		{[]string{"models", "auth", "order", "get", "--provider", "nosuch"}, "", 0, `warning: unknown provider "nosuch": no profile, config entry or environment key names it`},
		{[]string{"models", "auth", "order", "get", "--provider", "antropic"}, "", 0, `(did you mean "anthropic"?)`},
		{[]string{"models", "auth", "order", "get", "--provider", "antropic", "--json"}, "", 0, `(did you mean "anthropic"?)`},
		{[]string{"--agent", "nosuch", "models", "status"}, "", 0, `warning: no agent "nosuch" here: the agents are main, ops, work`},
		{[]string{"--agent", "wrok", "models", "status", "--json"}, "", 0, `(did you mean "work"?)`},
		{[]string{"--agent", "wrok", "models", "auth", "order", "get", "--provider", "anthropic"}, "", 0, `(did you mean "work"?)`},
		{[]string{"--agent", "wrok", "doctor"}, "", -1, `warning: no agent "wrok" here (did you mean "work"?)`},
		{[]string{"models", "status", "--probe-provider", "antropic"}, "", 0, `warning: unknown provider "antropic" (did you mean "anthropic"?)`},
		// Writes: refused, exit 1, nothing changed.
		{[]string{"models", "auth", "order", "clear", "--provider", "nosuch"}, "", 1, `moltbot: unknown provider "nosuch"`},
		{[]string{"models", "auth", "order", "clear", "--provider", "antropic"}, "", 1, `(did you mean "anthropic"?): no profile, config entry or environment key names it, and it is not one moltbot knows; nothing was changed`},
		{[]string{"models", "auth", "order", "set", "--provider", "antropic", "anthropic:work"}, "", 1, `(did you mean "anthropic"?)`},
		{[]string{"models", "auth", "paste-token", "--provider", "antropic"}, fakeSetupToken, 1, `nothing was saved (if the spelling is right, configure the provider first: a model "antropic/…" in the config's agents.defaults.model, or models.providers.antropic)`},
		{[]string{"models", "auth", "paste-api-key", "--provider", "opnai"}, fakeAPIKey, 1, `(did you mean "openai"?)`},
		{[]string{"--agent", "wrok", "models", "auth", "order", "clear", "--provider", "anthropic"}, "", 1, `moltbot: no agent "wrok" here (did you mean "work"?): the agents are main, ops, work (the config's agents list and the directories in $STATE/agents); nothing was changed`},
		{[]string{"--agent", "wrok", "models", "auth", "paste-token", "--provider", "anthropic"}, fakeSetupToken, 1, `(did you mean "work"?)`},
		{[]string{"--agent", "wrok", "models", "auth", "remove", "anthropic:work", "--yes"}, "", 1, `(did you mean "work"?)`},
		{[]string{"--agent", "wrok", "doctor", "--fix"}, "", 1, `(did you mean "work"?)`},
	} {
		c := typoCLI(t)
		before := c.tree()
		c.stdin = tc.stdin
		out, errOut, code := c.run(tc.args...)
		errOut = strings.ReplaceAll(errOut, c.state, "$STATE")
		name := strings.Join(tc.args, " ")
		if tc.code >= 0 && code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and %q", name, code, errOut, tc.code, tc.want)
			continue
		}
		fmt.Fprintf(&transcript, "$ moltbot %s\n%s", name, errOut)
		if tc.code == 1 {
			assertOneLine(t, errOut, tc.want)
			if out != "" {
				t.Errorf("%s: a refusal printed\n%s", name, out)
			}
			assertSameTree(t, before, c.tree())
			continue
		}
		if strings.Count(errOut, "warning:") != 1 {
			t.Errorf("%s: want one warning:\n%s", name, errOut)
		}
		if strings.HasSuffix(name, "--json") && !json.Valid([]byte(out)) {
			t.Errorf("%s: stdout is not JSON any more:\n%s", name, out)
		}
		if tc.args[0] != "--agent" || tc.args[2] != "doctor" {
			assertSameTree(t, before, c.tree())
		}
	}
	newCLI(t).golden("TestTyposAreErrorsForWritesAndWarningsForReads", transcript.String())
}

// TestKnownNamesPassQuietly: every source that knows a provider or an
// agent keeps the typo check quiet.
func TestKnownNamesPassQuietly(t *testing.T) {
	c := typoCLI(t)
	c.write("clawdbot.json", `{"agents": {"list": [{"id": "main"}, {"id": "work"}, {"id": "ops"}], "defaults": {"model": "custom-llm/big"}},
 "models": {"providers": {"myproxy": {"baseUrl": "http://127.0.0.1:9"}}}, "auth": {"order": {"ordered": []}}}`+"\n")
	c.env["GROQ_API_KEY"] = "gsk_FAKE000000000000000000000000"
	for _, args := range [][]string{
		{"models", "auth", "order", "get", "--provider", "anthropic"},      // the store
		{"models", "auth", "order", "get", "--provider", "Anthropic"},      // normalised
		{"models", "auth", "order", "get", "--provider", "myproxy"},        // models.providers
		{"models", "auth", "order", "get", "--provider", "custom-llm"},     // a model in use
		{"models", "auth", "order", "get", "--provider", "ordered"},        // auth.order
		{"models", "auth", "order", "get", "--provider", "groq"},           // the environment
		{"models", "auth", "order", "get", "--provider", "github-copilot"}, // known to the gateways
		{"models", "auth", "order", "clear", "--provider", "mistral"},
		{"--agent", "work", "models", "status"}, // a directory with a store
		{"--agent", "ops", "models", "status"},  // only in the config
		{"--agent", "ops", "models", "auth", "order", "clear", "--provider", "anthropic"},
		{"--agent", " MAIN ", "models", "status"},
	} {
		if _, errOut, code := c.run(args...); code != 0 || errOut != "" {
			t.Errorf("%s: exit %d, stderr:\n%s", strings.Join(args, " "), code, errOut)
		}
	}
}

// TestDashboardRefusesAnUnknownAgent: the dashboard writes (reorder, add,
// remove), so on a terminal a misspelt --agent is refused before it takes
// the screen; piped, `moltbot` prints models status, a read: a warning.
func TestDashboardRefusesAnUnknownAgent(t *testing.T) {
	c := typoCLI(t)
	c.terminal = true
	out, errOut, code := c.run("--agent", "wrok")
	if code != 1 || out != "" {
		t.Fatalf("on a terminal: exit %d, stdout:\n%s", code, out)
	}
	assertOneLine(t, errOut, `no agent "wrok" here (did you mean "work"?)`)
	c.terminal = false
	out, errOut, code = c.run("--agent", "wrok")
	if code != 0 || !strings.HasPrefix(errOut, "warning: no agent \"wrok\" here") || !strings.Contains(out, "Agent wrok") {
		t.Fatalf("piped: exit %d, stderr:\n%s\nstdout:\n%s", code, errOut, out)
	}
}
