package cmd

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestStatusText(t *testing.T) {
	for _, tc := range []struct{ name, fixture string }{
		{"good", "store-good.json"},
		{"expired", "store-expired.json"},
		{"expiring", "store-expiring.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.copyFixture(tc.fixture)
			c.write(".env", "# daemon env\nOPENROUTER_API_KEY=sk-or-v1-FAKE0000000000000000000000000000000000000000000000000000000000PPPP\n")
			c.env["ANTHROPIC_API_KEY"] = "sk-ant-api03-FAKEENV000000000000000000000000000000000000000000000000000000000000000000000"
			out, errOut, code := c.run("models", "status")
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			c.golden("TestStatusText_"+tc.name, out)
			assertNoSecrets(t, out, c)
		})
	}
}

// On a terminal too narrow for one line per profile, each profile takes
// two: what it is, then its expiry and notes. Nothing is cut and no line is
// wider than the terminal; without a known width the lines stay whole.
func TestStatusTextFitsTheTerminal(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-expired.json")
	c.env["ANTHROPIC_API_KEY"] = "sk-ant-api03-FAKEENV000000000000000000000000000000000000000000000000000000000000000000000"
	wide, _, _ := c.run("models", "status")
	c.terminal, c.width = true, 80
	out, errOut, code := c.run("models", "status")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	c.golden("TestStatusTextFitsTheTerminal", out)
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Store ") {
			continue // a path is what it is
		}
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("%d columns: %q", w, l)
		}
	}
	if !strings.Contains(wide, "expired 3h 00m ago") || !strings.Contains(out, "expired 3h 00m ago") {
		t.Errorf("the expiry is missing:\n%s", out)
	}
	if strings.Count(out, "\n") <= strings.Count(wide, "\n") {
		t.Error("the narrow output did not stack")
	}
	assertNoSecrets(t, out, c)
}

// On a terminal the store's path reads ~/… when it is under home, as on
// the dashboard; piped, it stays whole.
func TestStatusTextPathUnderHome(t *testing.T) {
	c := newCLI(t)
	c.home = filepath.Dir(c.state) // the state dir is ~/state
	c.copyFixture("store-good.json")
	piped, _, _ := c.run("models", "status")
	c.terminal = true
	term, _, _ := c.run("models", "status")
	if want := "Store ~/state/agents/main/agent/auth-profiles.json\n"; !strings.Contains(term, want) {
		t.Errorf("on a terminal: no %q in\n%s", want, term)
	}
	if want := "Store " + c.storePath() + "\n"; !strings.Contains(piped, want) {
		t.Errorf("piped: no %q in\n%s", want, piped)
	}
}

func TestStatusJSON(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-expired.json")
	c.env["ANTHROPIC_API_KEY"] = "sk-ant-api03-FAKEENV000000000000000000000000000000000000000000000000000000000000000000000"
	out, _, code := c.run("models", "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	c.golden("TestStatusJSON", out)
	assertNoSecrets(t, out, c)

	var doc struct {
		AgentDir string `json:"agentDir"`
		Check    int    `json:"checkExitCode"`
		Auth     struct {
			StorePath        string `json:"storePath"`
			UnusableProfiles []struct {
				ProfileID string `json:"profileId"`
				Kind      string `json:"kind"`
				Reason    string `json:"reason"`
			} `json:"unusableProfiles"`
			OAuth struct {
				WarnAfterMs int64 `json:"warnAfterMs"`
				Profiles    []struct {
					ProfileID string `json:"profileId"`
					Status    string `json:"status"`
				} `json:"profiles"`
			} `json:"oauth"`
		} `json:"auth"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Auth.StorePath != c.storePath() || doc.AgentDir != c.agentDir() {
		t.Errorf("paths: %q %q", doc.Auth.StorePath, doc.AgentDir)
	}
	if doc.Auth.OAuth.WarnAfterMs != 86400000 || doc.Check != 1 {
		t.Errorf("warnAfterMs %d check %d", doc.Auth.OAuth.WarnAfterMs, doc.Check)
	}
	st := map[string]string{}
	for _, p := range doc.Auth.OAuth.Profiles {
		st[p.ProfileID] = p.Status
	}
	if st["anthropic:sub"] != "expired" || st["anthropic:work"] != "static" || st["openai-codex:me@example.com"] != "expired" {
		t.Errorf("statuses %v", st)
	}
	if len(doc.Auth.UnusableProfiles) != 2 {
		t.Errorf("unusable %+v", doc.Auth.UnusableProfiles)
	}
}

func TestStatusCheckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fixture string
		env     map[string]string
		config  string
		args    []string
		want    int
	}{
		{name: "all good", fixture: "store-good.json", want: 0},
		{name: "expired token", fixture: "store-expired.json", want: 1},
		{name: "expiring in two hours", fixture: "store-expiring.json", want: 2},
		{name: "expiring outside a short warn window", fixture: "store-expiring.json", args: []string{"--warn", "90m"}, want: 0},
		{name: "corrupt store", fixture: "store-corrupt.json", want: 1},
		{name: "empty state uses the default model: anthropic missing", want: 1},
		{name: "empty state with ANTHROPIC_API_KEY", env: map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-FAKEKEY0000000000000000"}, want: 0},
		{name: "configured model without credential", fixture: "store-good.json", config: `{agents: {defaults: {model: {primary: "anthropic/claude-sonnet-4-5", fallbacks: ["google/gemini-2.5-pro"]}}}}`, want: 1},
		{name: "configured model with .env key", fixture: "store-good.json", config: `{agents: {defaults: {model: "google/gemini-2.5-pro"}}}`, env: map[string]string{"GEMINI_API_KEY": "FAKEGEMINIKEY000000000000000000"}, want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if tc.fixture != "" {
				c.copyFixture(tc.fixture)
			}
			for k, v := range tc.env {
				c.env[k] = v
			}
			if tc.config != "" {
				c.write("clawdbot.json", tc.config)
			}
			before := readFile(t, c.storePath())
			_, errOut, code := c.run(append([]string{"models", "status", "--check"}, tc.args...)...)
			if code != tc.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.want, errOut)
			}
			if after := readFile(t, c.storePath()); after != before {
				t.Error("status changed the store")
			}
		})
	}
}

func TestStatusCorruptSaysWhereAndWhat(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-corrupt.json")
	out, errOut, code := c.run("models", "status")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.storePath()+":4:") || !strings.Contains(errOut, "doctor --fix") {
		t.Errorf("stderr should be one line naming path:line:col and the fix, got %q", errOut)
	}
	out, _, code = c.run("models", "status", "--json")
	if code != 1 || !strings.Contains(out, `"kind": "corrupt"`) || !strings.Contains(out, `"line": 4`) {
		t.Errorf("--json on a corrupt store: exit %d\n%s", code, out)
	}
}

func TestStatusEmptyState(t *testing.T) {
	c := newCLI(t)
	out, _, code := c.run("models", "status")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	c.golden("TestStatusEmptyState", out)
}

func TestStatusPlain(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-good.json")
	out, _, code := c.run("models", "status", "--plain")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	c.golden("TestStatusPlain", out)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if n := strings.Count(line, "\t"); n != 8 {
			t.Errorf("want 9 tab-separated fields, got %d in %q", n+1, line)
		}
	}
}

func TestStatusUsageErrors(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"models", "status", "--json", "--plain"},
		{"models", "status", "--warn", "soon"},
		{"models", "status", "--bogus"},
		{"models", "status", "extra"},
	} {
		_, errOut, code := c.run(args...)
		if code != ExitUsage || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 64 and one line", args, code, errOut)
		}
	}
}

func TestStatusAgentFlag(t *testing.T) {
	c := newCLI(t)
	c.write("agents/work/agent/auth-profiles.json", readFile(t, "testdata/store-good.json"))
	out, _, code := c.run("models", "status", "--agent", " Work ", "--json")
	if code != 0 || !strings.Contains(out, `"agentId": "work"`) || !strings.Contains(out, "anthropic:sub") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// assertNoSecrets fails if any secret of the fixture stores or the test
// environment appears in out.
func assertNoSecrets(t *testing.T, out string, c *cli) {
	t.Helper()
	secrets := []string{}
	for _, f := range []string{"store-good.json", "store-expired.json"} {
		var doc struct {
			Profiles map[string]map[string]any `json:"profiles"`
		}
		if err := json.Unmarshal([]byte(readFile(t, "testdata/"+f)), &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range doc.Profiles {
			for _, k := range []string{"key", "token", "access", "refresh"} {
				if s, ok := p[k].(string); ok {
					secrets = append(secrets, s)
				}
			}
		}
	}
	for _, v := range c.env {
		if strings.HasPrefix(v, "sk-") {
			secrets = append(secrets, v)
		}
	}
	for _, s := range secrets {
		if strings.Contains(out, s) || strings.Contains(out, s[:20]) {
			t.Errorf("output contains a secret (or 20 characters of one): %s…", s[:8])
		}
	}
}

func TestStatusAllAgents(t *testing.T) {
	c := newCLI(t)
	c.copyFixture("store-good.json")                                                            // main: all good
	c.write("agents/ops/agent/auth-profiles.json", readFile(t, "testdata/store-expiring.json")) // ops: expiring
	c.write("agents/broken/agent/auth-profiles.json", readFile(t, "testdata/store-corrupt.json"))
	c.write("agents/empty/agent/.keep", "") // no store: not listed

	out, _, code := c.run("models", "status", "--all-agents", "--check")
	if code != 1 {
		t.Errorf("worst of good/expiring/corrupt should be 1, got %d", code)
	}
	iMain, iBroken, iOps := strings.Index(out, "Agent main"), strings.Index(out, "Agent broken"), strings.Index(out, "Agent ops")
	if iMain != 0 || iBroken < 0 || iOps < iBroken || strings.Contains(out, "Agent empty") {
		t.Errorf("want sections main, broken, ops (main first, no empty):\n%s", out)
	}
	if !strings.Contains(out, "is corrupt") {
		t.Errorf("the corrupt agent's section should say so:\n%s", out)
	}
	if last := strings.TrimSuffix(lastLine(out), "\n"); last != "3 agents · worst: broken (a credential is expired or missing, or the store cannot be read)" {
		t.Errorf("closing line %q should name the worst agent", last)
	}

	os.Remove(filepath.Join(c.state, "agents/broken/agent/auth-profiles.json"))
	out, _, _ = c.run("models", "status", "--all-agents")
	if last := strings.TrimSuffix(lastLine(out), "\n"); last != "2 agents · worst: ops (a credential expires within 24h)" {
		t.Errorf("closing line %q should name the worst agent", last)
	}
	os.Remove(filepath.Join(c.state, "agents/ops/agent/auth-profiles.json"))
	c.write("agents/ops/agent/auth-profiles.json", readFile(t, "testdata/store-good.json"))
	if out, _, _ = c.run("models", "status", "--all-agents"); strings.TrimSuffix(lastLine(out), "\n") != "2 agents · all credentials are usable" {
		t.Errorf("closing line %q, want all usable", strings.TrimSuffix(lastLine(out), "\n"))
	}
	c.write("agents/ops/agent/auth-profiles.json", readFile(t, "testdata/store-expiring.json"))
	out, _, code = c.run("models", "status", "--all-agents", "--json", "--check")
	if code != 2 {
		t.Errorf("worst of good/expiring should be 2, got %d", code)
	}
	var doc struct {
		Agents []struct {
			AgentID string `json:"agentId"`
		} `json:"agents"`
		Check int `json:"checkExitCode"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Agents) != 2 || doc.Agents[1].AgentID != "ops" || doc.Check != 2 {
		t.Errorf("json: %v %+v", err, doc)
	}
	if _, errOut, code := c.run("models", "status", "--all-agents", "--agent", "ops"); code != ExitUsage {
		t.Errorf("--all-agents with --agent: exit %d %q", code, errOut)
	}
}

func TestStatusProbe(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path] = r.Header.Get("x-api-key") + r.Header.Get("Authorization")
		mu.Unlock()
		if strings.Contains(r.Header.Get("Authorization"), "FAKEOOO") { // openai key: rejected
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided"}}`)
			return
		}
		io.WriteString(w, `{"data":[]}`)
	}))
	defer srv.Close()

	c := newCLI(t)
	c.copyFixture("store-good.json")
	c.env["ANTHROPIC_BASE_URL"] = srv.URL
	c.env["OPENAI_BASE_URL"] = srv.URL

	out, errOut, code := c.run("models", "status", "--probe", "--check")
	if code != 1 {
		t.Errorf("a rejected key with --check should exit 1, got %d (%s)", code, errOut)
	}
	for _, want := range []string{"Live probes", "anthropic:work", "openai:default", "auth", "Incorrect API key"} {
		if !strings.Contains(out, want) {
			t.Errorf("probe output lacks %q:\n%s", want, out)
		}
	}
	assertNoSecrets(t, out, c)

	out, _, code = c.run("models", "status", "--json", "--probe-provider", "anthropic")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Auth struct {
			Probes []struct {
				ProfileID string `json:"profileId"`
				Outcome   string `json:"outcome"`
			} `json:"probes"`
		} `json:"auth"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Auth.Probes) != 2 || doc.Auth.Probes[0].Outcome != "ok" {
		t.Errorf("anthropic probes: %+v", doc.Auth.Probes)
	}
	if _, errOut, code := c.run("models", "status", "--probe", "--plain"); code != ExitUsage {
		t.Errorf("--probe --plain: exit %d %q", code, errOut)
	}
	if _, errOut, code := c.run("models", "status", "--probe-profile", "nope:x"); code != ExitUsage || !strings.Contains(errOut, "nope:x") {
		t.Errorf("unknown --probe-profile: exit %d %q", code, errOut)
	}
	before := readFile(t, c.storePath())
	c.run("models", "status", "--probe")
	if readFile(t, c.storePath()) != before {
		t.Error("probing changed the store")
	}
}

// TestStatusExpiresAsAStringIsNoExpiry is issue 11's string expiry: the
// gateway counts an "expires" only when it is a finite number > 0, so a
// token whose expiry is the string "1767193445000" (two days before the
// test clock) is in use there. moltbot used to read the digits, show it
// expired, leave it out of the order and exit 1 on --check.
func TestStatusExpiresAsAStringIsNoExpiry(t *testing.T) {
	c := newCLI(t)
	c.writeStore(`{
  "version": 1,
  "profiles": {
    "anthropic:default": {
      "type": "token",
      "provider": "anthropic",
      "token": "` + fakeSetupToken + `",
      "expires": "1767193445000"
    }
  }
}
`)
	out, errOut, code := c.run("models", "status", "--plain")
	if code != 0 || !strings.Contains(out, "anthropic:default") || !strings.Contains(out, "static") || strings.Contains(out, "expired") {
		t.Errorf("status --plain: exit %d\n%s%s", code, out, errOut)
	}
	if _, _, code := c.run("models", "status", "--check"); code != 0 {
		t.Errorf("status --check: exit %d, want 0 (the gateway uses the token)", code)
	}
	out, _, _ = c.run("models", "auth", "order", "get", "--provider", "anthropic", "--json")
	if !strings.Contains(out, `"ids": [
      "anthropic:default"
    ]`) {
		t.Errorf("effective order does not hold the token:\n%s", out)
	}
	// doctor says the field is not a number, and how to write it as one.
	out, _, _ = c.run("doctor")
	want := `warn  credentials  anthropic:default: "expires" is the string "1767193445000", not a number of ms > 0: the gateway ignores it, so the token never expires (openclaw does not use it at all)
                   fix: edit ` + c.storePath() + `: write "expires": 1767193445000 in anthropic:default (a number, without quotes)`
	if !strings.Contains(out, want) {
		t.Errorf("doctor:\n%s\nwant it to hold:\n%s", out, want)
	}
}
