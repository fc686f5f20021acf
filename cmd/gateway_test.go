package cmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/views"
)

// The gateways' generations, faked with what each leaves on disk (issue
// 13): the config's meta.lastTouchedVersion and the files beside the store.

// detect makes c's gateway a matter of detection (newCLI speaks for
// clawdbot).
func (c *cli) detect() *cli {
	delete(c.env, "MOLTBOT_GATEWAY")
	return c
}

// config writes the gateway's config, last written by version v.
func (c *cli) config(name, v string) {
	c.write(name, `{"meta":{"lastTouchedVersion":"`+v+`","lastTouchedAt":"2026-01-01T00:00:00.000Z"}}`)
}

// splitState is an auth-state.json of openclaw 2026.4.7–6.1.
const splitState = `{"version":1,"order":{"anthropic":["anthropic:work","anthropic:manual"]}}`

// installGateway puts a fake npm install of name@version on c's PATH (only
// its package.json is read).
func (c *cli) installGateway(name, version string) {
	c.t.Helper()
	root := filepath.Join(filepath.Dir(c.state), "npm")
	pkg := filepath.Join(root, "lib", "node_modules", name)
	c.writeAbs(filepath.Join(pkg, "package.json"), `{"name":"`+name+`","version":"`+version+`"}`)
	c.writeAbs(filepath.Join(pkg, name+".mjs"), "")
	bin := filepath.Join(root, "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(pkg, name+".mjs"), filepath.Join(bin, name)); err != nil {
		c.t.Fatal(err)
	}
	c.env["PATH"] = bin
}

// copySample copies the state dir openclaw 2026.9.6 left in
// authstore/testdata/openclaw-2026.9.6/<name> into c's.
func (c *cli) copySample(name string) {
	c.t.Helper()
	from := filepath.Join("..", "authstore", "testdata", "openclaw-2026.9.6", name)
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		c.writeAbs(filepath.Join(c.state, rel), string(data))
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

func (c *cli) writeAbs(p, content string) {
	c.t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// The status header names the gateway and, per generation, where the
// credentials are: one file, or for split JSON both.
func TestStatusHeaderPerGeneration(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *cli)
		want  string
	}{
		{"clawdbot", func(c *cli) { c.config("clawdbot.json", "2026.1.24-3") }, "Gateway clawdbot 2026.1.24-3 · JSON\nConfig $STATE/clawdbot.json\n"},
		{"openclaw-json", func(c *cli) { c.config("openclaw.json", "2026.3.13") }, "Gateway openclaw 2026.3.13 · JSON\n"},
		{"openclaw-split", func(c *cli) {
			c.config("openclaw.json", "2026.6.1")
			c.write("agents/main/agent/auth-state.json", splitState)
		}, "Store $STATE/agents/main/agent/auth-profiles.json (credentials)\n      $STATE/agents/main/agent/auth-state.json (order and usage)\nGateway openclaw 2026.6.1 · split JSON\n"},
		{"no-version", func(c *cli) {}, "Gateway "},
		{"openclaw-sqlite", func(c *cli) {
			if err := os.Remove(c.storePath()); err != nil {
				t.Fatal(err)
			}
			c.copySample("b-token-order-cooldown")
		}, "Store $STATE/state/openclaw.sqlite (shared credentials and usage)\n      $STATE/agents/main/agent/openclaw-agent.sqlite (this agent's order and own credentials)\nGateway openclaw 2026.9.6 · SQLite (shared state db)\n"},
		{"flag", func(c *cli) { c.config("openclaw.json", "2026.3.13") }, "Gateway openclaw 2026.3.13 · split JSON (set by --gateway/MOLTBOT_GATEWAY)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t).detect()
			c.copyFixture("auth-store.json")
			tc.setup(c)
			args := []string{"models", "status"}
			if tc.name == "flag" {
				args = append(args, "--gateway", "openclaw-split")
			}
			out, errOut, _ := c.run(args...)
			if errOut != "" {
				t.Fatalf("stderr: %s", errOut)
			}
			if got := strings.ReplaceAll(out, c.state, "$STATE"); !strings.Contains(got, tc.want) {
				t.Errorf("the header lacks %q:\n%s", tc.want, got)
			}
			c.golden("TestStatusHeader_"+tc.name, out[:strings.Index(out, "\n\n")+1])
		})
	}
}

// models status --json carries the gateway at the top level: name,
// version, generation, storage, lock, how it was detected, its files.
func TestStatusJSONGateway(t *testing.T) {
	c := newCLI(t).detect()
	c.copyFixture("auth-store.json")
	c.config("openclaw.json", "2026.6.1")
	c.write("agents/main/agent/auth-state.json", splitState)
	out, _, code := c.run("models", "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Gateway struct {
			Name, Version, Generation, Storage, Lock string
			Override                                 bool
			Detected                                 []string
			Files                                    []struct {
				Path, Holds string
				Exists      bool
			}
			Pending *struct{ Reason, Command string }
		}
		Auth struct{ StorePath string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	g := doc.Gateway
	if g.Name != "openclaw" || g.Version != "2026.6.1" || g.Generation != "openclaw-split" || g.Storage != "split JSON" || g.Lock != "file" || g.Override || g.Pending != nil {
		t.Errorf("gateway %+v", g)
	}
	if len(g.Detected) == 0 || !strings.Contains(strings.Join(g.Detected, "\n"), "auth-state.json") {
		t.Errorf("detected %q does not say how", g.Detected)
	}
	if len(g.Files) != 2 || g.Files[0].Path != c.storePath() || filepath.Base(g.Files[1].Path) != "auth-state.json" || !g.Files[1].Exists || g.Files[1].Holds == "" {
		t.Errorf("files %+v", g.Files)
	}
	if doc.Auth.StorePath != c.storePath() {
		t.Errorf("auth.storePath %q changed", doc.Auth.StorePath)
	}

	// --all-agents: per agent.
	out, _, _ = c.run("models", "status", "--json", "--all-agents")
	var all struct {
		Agents []struct {
			Gateway struct{ Generation string }
		}
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || len(all.Agents) != 1 || all.Agents[0].Gateway.Generation != "openclaw-split" {
		t.Errorf("--all-agents: %v %+v", err, all)
	}
}

// openclaw 2026.9.6's SQLite store: auth.storePath is the agent's database
// (as openclaw's own --json says), and the gateway object lists both
// databases.
func TestStatusJSONGatewaySQLite(t *testing.T) {
	c := newCLI(t).detect()
	c.copySample("b-token-order-cooldown")
	out, _, _ := c.run("models", "status", "--json")
	var doc struct {
		Gateway struct {
			Generation, Lock, Version string
			SharedStateDB             *bool
			Files                     []struct{ Path string }
		}
		Auth struct {
			StorePath   string
			StoreExists bool
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	g := doc.Gateway
	if g.Generation != "openclaw-sqlite" || g.Lock != "sqlite" || g.Version != "2026.9.6" || g.SharedStateDB == nil || !*g.SharedStateDB || len(g.Files) != 2 {
		t.Errorf("gateway %+v", g)
	}
	if want := filepath.Join(c.agentDir(), "openclaw-agent.sqlite"); doc.Auth.StorePath != want || !doc.Auth.StoreExists {
		t.Errorf("auth.storePath %q (exists %v), want %q", doc.Auth.StorePath, doc.Auth.StoreExists, want)
	}
}

// --gateway and --state-dir on any command, as MOLTBOT_GATEWAY and
// MOLTBOT_STATE_DIR; a wrong generation is a usage error naming the four.
func TestGatewayAndStateDirFlags(t *testing.T) {
	c := newCLI(t).detect()
	for _, args := range [][]string{
		{"--gateway", "openclaw", "models", "status"},
		{"models", "status", "--gateway=sqlite3"},
		{"doctor", "--gateway", ""},
	} {
		out, errOut, code := c.run(args...)
		if code != ExitUsage || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		assertOneLine(t, errOut, "use clawdbot, openclaw-json, openclaw-split or openclaw-sqlite")
	}
	c.env["MOLTBOT_GATEWAY"] = "openclaw-9"
	_, errOut, code := c.run("models", "status")
	if code != ExitUsage {
		t.Errorf("MOLTBOT_GATEWAY=openclaw-9: exit %d", code)
	}
	assertOneLine(t, errOut, `MOLTBOT_GATEWAY="openclaw-9" names no gateway: use clawdbot, openclaw-json, openclaw-split or openclaw-sqlite`)
	// The flag wins over the variable, and takes the short names too.
	out, _, code := c.run("models", "status", "--gateway", "B")
	if code == ExitUsage || !strings.Contains(out, "Gateway openclaw · JSON (set by") {
		t.Errorf("--gateway B: exit %d\n%s", code, out)
	}
	delete(c.env, "MOLTBOT_GATEWAY")

	// --state-dir: another state dir than MOLTBOT_STATE_DIR's.
	other := filepath.Join(t.TempDir(), "gw")
	c.writeAbs(filepath.Join(other, "agents", "main", "agent", "auth-profiles.json"), readFile(t, filepath.Join("testdata", "auth-store.json")))
	out, errOut, code = c.run("--state-dir", other, "models", "status", "--plain")
	if code != 0 || !strings.Contains(out, "anthropic:work") {
		t.Errorf("--state-dir: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = c.run("models", "status", "--state-dir="+other, "--json")
	if !strings.Contains(out, `"storePath": "`+filepath.Join(other, "agents", "main", "agent", "auth-profiles.json")+`"`) {
		t.Errorf("--state-dir after the command:\n%s", out)
	}
	_, errOut, code = c.run("--state-dir=", "models", "status")
	if code != ExitUsage {
		t.Errorf("--state-dir=: exit %d", code)
	}
	assertOneLine(t, errOut, "state directory is empty")

	// Completion offers the four, with what each is.
	out, _, _ = c.run("__complete", "models", "status", "--gateway", "")
	for _, want := range []string{"clawdbot\t", "openclaw-json\t", "openclaw-split\t", "openclaw-sqlite\topenclaw 2026.6.5 and later"} {
		if !strings.Contains(out, want) {
			t.Errorf("completion lacks %q:\n%s", want, out)
		}
	}
}

// noRead is a stdin that must not be read: a command that would refuse
// anyway must say so before it asks for a secret.
type noRead struct{ t *testing.T }

func (r noRead) Read([]byte) (int, error) {
	r.t.Helper()
	r.t.Error("stdin was read before the refusal")
	return 0, os.ErrClosed
}

// runNoStdin runs args with a stdin that fails the test when read.
func (c *cli) runNoStdin(args ...string) (string, string, int) {
	c.t.Helper()
	var out, errb strings.Builder
	env := Env{
		Stdin: noRead{c.t}, Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return c.env[k] }, Home: c.home,
		Now: func() time.Time { return c.now }, IsTerminal: func(any) bool { return c.terminal },
		TermWidth: func(any) int { return c.width },
	}
	code := Run(context.Background(), env, args)
	return out.String(), errb.String(), code
}

// pendingMigration is openclaw 2026.9.6's config beside a JSON store it has
// not imported: openclaw refuses those credentials until its doctor runs.
func pendingMigration(t *testing.T) *cli {
	c := newCLI(t).detect()
	c.copyFixture("auth-store.json")
	c.write("openclaw.json", `{"meta":{"lastTouchedVersion":"2026.9.6"}}`)
	return c
}

const migrateCommand = "openclaw doctor --fix --non-interactive --yes"

// A pending migration (issue 13, point 5): status, --json and doctor say
// so with openclaw's command; every write refuses before asking anything,
// and nothing is written.
func TestPendingMigration(t *testing.T) {
	c := pendingMigration(t)
	before := c.tree()

	out, errOut, code := c.run("models", "status")
	if code != ExitFailure || errOut != "" {
		t.Errorf("status: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"Gateway openclaw 2026.9.6 · SQLite · migration pending", "Migration pending:", "Run `" + migrateCommand + "`", "never migrates"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// (No golden: the reason's words are authstore's, per generation.)

	out, _, code = c.run("models", "status", "--json", "--check")
	var doc struct {
		Gateway struct {
			Generation string
			Pending    *struct{ Reason, Command string }
		}
		Auth struct {
			Error struct{ Kind, Message, Command string }
		}
		CheckExitCode int
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != ExitFailure || doc.CheckExitCode != 1 || doc.Auth.Error.Kind != "migration-pending" || doc.Auth.Error.Command != migrateCommand ||
		doc.Gateway.Generation != "openclaw-sqlite" || doc.Gateway.Pending == nil || doc.Gateway.Pending.Command != migrateCommand {
		t.Errorf("--json: exit %d %+v", code, doc)
	}

	out, _, code = c.run("doctor")
	if code != ExitFailure || !strings.Contains(out, "FAIL  gateway      openclaw 2026.9.6 · SQLite: migration pending:") || !strings.Contains(out, "fix: "+migrateCommand) {
		t.Errorf("doctor: exit %d\n%s", code, out)
	}

	c.terminal = true
	for _, args := range [][]string{
		{"models", "auth", "paste-token", "--provider", "anthropic"},
		{"models", "auth", "setup-token", "--paste", "--yes"},
		{"models", "auth", "add"},
		{"onboard"},
		{"models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work"},
		{"models", "auth", "order", "clear", "--provider", "anthropic"},
		{"models", "auth", "remove", "anthropic:work"},
	} {
		out, errOut, code := c.runNoStdin(args...)
		if code != ExitFailure || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		assertOneLine(t, errOut, "run `"+migrateCommand+"`")
	}
	c.terminal = false
	c.run("doctor", "--fix")
	assertSameTree(t, before, c.tree())
}

// A state dir with no gateway files says nothing about the gateway: reads
// say "no gateway files yet"; every write refuses in one line, before it
// asks for a secret, and writes nothing at all.
func TestFreshStateDirWritesNothing(t *testing.T) {
	c := newCLI(t).detect()
	out, _, _ := c.run("models", "status")
	for _, want := range []string{"Gateway none found: no gateway files yet", "No gateway files here yet", "--gateway clawdbot|openclaw-json|openclaw-split|openclaw-sqlite"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	c.golden("TestFreshStateDirStatus", out)
	out, _, _ = c.run("doctor")
	if !strings.Contains(out, "FAIL  gateway      no gateway files in "+c.state+" yet") || !strings.Contains(out, "fix: run the gateway once") {
		t.Errorf("doctor:\n%s", out)
	}

	old := runAddForm
	runAddForm = func(context.Context, *app, views.AddStepID, views.StepForm, *views.AddValues) error {
		t.Error("a form was shown before the refusal")
		return context.Canceled
	}
	t.Cleanup(func() { runAddForm = old })
	c.terminal = true
	for _, args := range [][]string{
		{"models", "auth", "paste-token", "--provider", "anthropic"},
		{"models", "auth", "setup-token", "--paste"},
		{"models", "auth", "add"},
		{"onboard"},
		{"models", "auth", "order", "clear", "--provider", "anthropic"},
	} {
		out, errOut, code := c.runNoStdin(args...)
		if code != ExitFailure || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		assertOneLine(t, errOut, "no gateway files in "+c.state+" yet")
		assertOneLine(t, errOut, "--gateway clawdbot|openclaw-json|openclaw-split|openclaw-sqlite (or MOLTBOT_GATEWAY)")
	}
	if _, err := os.Stat(c.state); !os.IsNotExist(err) {
		t.Errorf("the state dir was created: %v", err)
	}
	// Named, the same command writes.
	c.terminal = false
	c.stdin = "sk-ant-oat01-FAKETTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT\n"
	if _, errOut, code := c.run("--gateway", "clawdbot", "models", "auth", "paste-token", "--provider", "anthropic"); code != 0 {
		t.Fatalf("with --gateway: exit %d %s", code, errOut)
	}
	if readFile(t, c.storePath()) == "" {
		t.Error("nothing written with --gateway")
	}
}

// doctor's gateway check: which generation and how it was decided; a
// warning when detection guessed, with how to confirm.
func TestDoctorGatewayCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *cli)
		want  []string
	}{
		{"version", func(c *cli) { c.config("openclaw.json", "2026.3.13"); c.copyFixture("auth-store.json") },
			[]string{"ok    gateway      openclaw 2026.3.13 · JSON\n", "· the config was last written by version 2026.3.13 (meta.lastTouchedVersion)"}},
		{"split", func(c *cli) {
			c.copyFixture("auth-store.json")
			c.write("agents/main/agent/auth-state.json", splitState)
		}, []string{"ok    gateway      ", "· auth-state.json exists"}},
		{"no-version", func(c *cli) { c.copyFixture("auth-store.json") },
			[]string{"warn  gateway      ", "no version to go by", "fix: check with `openclaw --version` (or `clawdbot --version`), then name it with --gateway"}},
		{"installed-only", func(c *cli) { c.installGateway("openclaw", "2026.4.5") },
			[]string{"warn  gateway      openclaw 2026.4.5 · JSON: taken from the gateway installed on $PATH", "· openclaw 2026.4.5 is the one installed on $PATH", "fix: if the gateway that runs is another install"}},
		{"override", func(c *cli) { c.env["MOLTBOT_GATEWAY"] = "openclaw-json" },
			[]string{"ok    gateway      openclaw · JSON\n", "· set by --gateway / MOLTBOT_GATEWAY (openclaw-json)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t).detect()
			tc.setup(c)
			out, _, _ := c.run("doctor")
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("doctor lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// openclaw 2026.9.6's own state dir with a legacy auth-profiles.json left
// in the main agent's dir, whose database has no profiles: openclaw refuses
// with AUTH_PROFILE_MIGRATION_REQUIRED, and so does every moltbot write.
func TestPendingMigrationBesideSQLite(t *testing.T) {
	c := newCLI(t).detect()
	c.copySample("b-token-order-cooldown")
	c.copyFixture("auth-store.json")
	before := c.tree()
	out, _, code := c.run("models", "status")
	if code != ExitFailure || !strings.Contains(out, "· migration pending") || !strings.Contains(out, "Run `"+migrateCommand+"`") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	c.terminal = true
	_, errOut, code := c.runNoStdin("models", "auth", "paste-token", "--provider", "anthropic")
	if code != ExitFailure {
		t.Errorf("paste-token: exit %d", code)
	}
	assertOneLine(t, errOut, "AUTH_PROFILE_MIGRATION_REQUIRED")
	// Reading a WAL database makes SQLite create and use its -wal and -shm
	// (openclaw's readers too); every other byte stays.
	after := c.tree()
	for _, tree := range []map[string]string{before, after} {
		for k := range tree {
			if strings.HasSuffix(k, "-shm") || strings.HasSuffix(k, "-wal") {
				delete(tree, k)
			}
		}
	}
	assertSameTree(t, before, after)
}
