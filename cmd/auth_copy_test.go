package cmd

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// copyCLI is the auth-store fixture in agent main, agent work with a store
// of its own (store-good.json: an anthropic order override), agent home
// with an empty directory, and a config that lists auth.profiles.
func copyCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	c.write("agents/work/agent/auth-profiles.json", readFile(t, "testdata/store-good.json"))
	c.write("agents/home/agent/.keep", "")
	c.write("clawdbot.json", `{"auth": {"profiles": {"anthropic:work": {"provider": "anthropic", "mode": "api_key"}}}}`+"\n")
	return c
}

// agentStore reads agent id's store as generic JSON.
func (c *cli) agentStore(id string) map[string]any {
	c.t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(readFile(c.t, filepath.Join(c.state, "agents", id, "agent", "auth-profiles.json"))), &doc); err != nil {
		c.t.Fatalf("agent %s: %v", id, err)
	}
	return doc
}

func (c *cli) agentProfile(id, profile string) map[string]any {
	c.t.Helper()
	p, _ := c.agentStore(id)["profiles"].(map[string]any)[profile].(map[string]any)
	return p
}

func TestCopyToOtherAgents(t *testing.T) {
	c := copyCLI(t)
	workOrder := c.agentStore("work")["order"]
	config := readFile(t, filepath.Join(c.state, "clawdbot.json"))
	out, errOut, code := c.run("models", "auth", "copy", "anthropic:manual", "--to-agent", "work,home")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	want := c.profile("anthropic:manual") // the whole profile, its unknown field too
	for _, agent := range []string{"work", "home"} {
		if got := c.agentProfile(agent, "anthropic:manual"); !reflect.DeepEqual(got, want) {
			t.Errorf("agent %s holds %v, want %v", agent, got, want)
		}
		if us, _ := c.agentStore(agent)["usageStats"].(map[string]any); us["anthropic:manual"] != nil {
			t.Errorf("agent %s got the source's usage stats", agent)
		}
	}
	if got := c.agentStore("work")["order"]; !reflect.DeepEqual(got, workOrder) {
		t.Errorf("work's order %v changed (want %v): copy leaves it unless --place", got, workOrder)
	}
	if got := readFile(t, filepath.Join(c.state, "clawdbot.json")); got != config {
		t.Errorf("the config changed (it is one file for every agent):\n%s", got)
	}
	assertNoSecret(t, out, fixtureSecrets...)

	// Again: the same credential is there, nothing is written.
	before := c.tree()
	out2, errOut, code := c.run("models", "auth", "copy", "anthropic:manual", "--to-agent", "home", "--to-agent", "work")
	if code != 0 || errOut != "" {
		t.Fatalf("again: exit %d, stderr:\n%s", code, errOut)
	}
	assertSameTree(t, before, c.tree())
	c.golden("TestCopyToOtherAgents", out+"---\n"+out2)
}

// TestCopyRefusesToOverwriteADifferentCredential: a different credential
// at the same id is kept unless --force; then no agent is written at all.
func TestCopyRefusesToOverwriteADifferentCredential(t *testing.T) {
	c := copyCLI(t)
	c.stdin = fakeAPIKey + "\n"
	if _, errOut, code := c.run("--agent", "work", "models", "auth", "paste-api-key", "--provider", "anthropic", "--profile-id", "anthropic:work"); code != 0 {
		t.Fatalf("setup: %s", errOut)
	}
	before := c.tree()
	out, errOut, code := c.run("models", "auth", "copy", "anthropic:work", "--to-agent", "home,work")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	assertOneLine(t, errOut, "agent work holds a different anthropic:work (pass --force to replace it); nothing was copied")
	assertSameTree(t, before, c.tree())
	assertNoSecret(t, out+errOut, fakeAPIKey)

	out2, errOut, code := c.run("models", "auth", "copy", "anthropic:work", "--to-agent", "home,work", "--force", "--place", "first")
	if code != 0 || errOut != "" {
		t.Fatalf("--force: exit %d, stderr:\n%s", code, errOut)
	}
	if got := c.agentProfile("work", "anthropic:work"); !reflect.DeepEqual(got, c.profile("anthropic:work")) {
		t.Errorf("work holds %v after --force", got)
	}
	order, _ := c.agentStore("work")["order"].(map[string]any)["anthropic"].([]any)
	if len(order) == 0 || order[0] != "anthropic:work" {
		t.Errorf("--place first: work's anthropic order %v", order)
	}
	c.golden("TestCopyRefusesToOverwriteADifferentCredential", out+errOut+"---\n"+out2)
}

func TestCopyUsageAndRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"anthropic:manual"}, ExitUsage, "missing --to-agent"},
		{[]string{"--to-agent", "work"}, ExitUsage, "copy takes exactly one profile id"},
		{[]string{"anthropic:manual", "--to-agent", "main"}, ExitUsage, `--to-agent "main" is the agent the profile is copied from (--agent main)`},
		{[]string{"anthropic:manual", "--to-agent", "../x"}, ExitUsage, `invalid agent id`},
		{[]string{"anthropic:manual", "--to-agent", "work", "--place", "middle"}, ExitUsage, `--place takes first or last`},
		{[]string{"anthropic:manual", "--to-agent", "wrok"}, 1, `no agent "wrok" here (did you mean "work"?): the agents are main, home, work; nothing was copied`},
		{[]string{"anthropic:nosuch", "--to-agent", "work"}, 1, `no profile "anthropic:nosuch" in`},
		{[]string{fakeAPIKey, "--to-agent", "work"}, ExitUsage, "not a secret"},
	} {
		c := copyCLI(t)
		before := c.tree()
		out, errOut, code := c.run(append([]string{"models", "auth", "copy"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tc.args, code, tc.code, errOut)
			continue
		}
		assertOneLine(t, errOut, tc.want)
		if out != "" {
			t.Errorf("%v: stdout %q", tc.args, out)
		}
		assertNoSecret(t, errOut, fakeAPIKey)
		assertSameTree(t, before, c.tree())
	}
}

// TestCopyToAConfigAgentDir: an agent whose directory the config gives
// is written there.
func TestCopyToAConfigAgentDir(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("auth-store.json")
	elsewhere := filepath.Join(c.home, "ops-agent")
	c.write("clawdbot.json", `{"agents": {"list": [{"id": "main"}, {"id": "ops", "agentDir": "~/ops-agent"}]}}`+"\n")
	out, errOut, code := c.run("models", "auth", "copy", "openai:default", "--to-agent", "ops")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(readFile(t, filepath.Join(elsewhere, "auth-profiles.json")), `"openai:default"`) || !strings.Contains(out, elsewhere) {
		t.Errorf("not copied to the config's agent dir:\n%s", out)
	}
}
