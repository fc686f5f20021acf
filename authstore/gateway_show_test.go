package authstore

import (
	"os"
	"path/filepath"
	"testing"
)

// resolveGen resolves agent's paths in state with the gateway given as gen
// ("" to detect).
func resolveGen(t *testing.T, state, agent, gen string) Paths {
	t.Helper()
	env := map[string]string{"MOLTBOT_STATE_DIR": state}
	if gen != "" {
		env["MOLTBOT_GATEWAY"] = gen
	}
	p, err := ResolvePaths(agent, mapEnv(env), filepath.Join(filepath.Dir(state), "home"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// StoreFiles names, per generation, the files that hold the agent's
// credentials, the main one first: what the status header and --json show.
func TestStoreFilesPerGeneration(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	names := func(p Paths) []string {
		var out []string
		for _, f := range p.StoreFiles() {
			rel, _ := filepath.Rel(state, f.Path)
			out = append(out, rel)
		}
		return out
	}
	same := func(what string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %q, want %q", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: %q, want %q", what, got, want)
			}
		}
	}
	store := "agents/main/agent/auth-profiles.json"
	same("clawdbot", names(resolveGen(t, state, "", "clawdbot")), store)
	same("unknown", names(resolveGen(t, state, "", "")), store)
	// Split JSON: auth-state.json only once it exists (else the state is
	// inline, in the one file).
	split := resolveGen(t, state, "", "openclaw-split")
	same("split, no auth-state.json", names(split), store)
	writeFile(t, split.StateFile, []byte(`{"version":1}`))
	files := split.StoreFiles()
	same("split", names(split), store, "agents/main/agent/auth-state.json")
	if files[0].Exists || !files[1].Exists || files[0].Holds != "credentials" || files[1].Holds != "order and usage" {
		t.Errorf("split files %+v", files)
	}
	// SQLite: the shared state database when it owns the shared
	// credentials, else the main agent's; and the agent's own.
	d := resolveGen(t, state, "", "openclaw-sqlite")
	same("sqlite, legacy-main, main agent", names(d), "agents/main/agent/openclaw-agent.sqlite")
	d.Gateway.Shared = true
	same("sqlite, state-db, main agent", names(d), "state/openclaw.sqlite", "agents/main/agent/openclaw-agent.sqlite")
	work := resolveGen(t, state, "work", "openclaw-sqlite")
	same("sqlite, legacy-main, work", names(work), "agents/main/agent/openclaw-agent.sqlite", "agents/work/agent/openclaw-agent.sqlite")
	if work.StorePath() != work.AgentDB || split.StorePath() != split.Store {
		t.Errorf("StorePath: %s, %s", work.StorePath(), split.StorePath())
	}
}

// Doubt: sure when given or dated; guessed from a store without a version,
// or from the gateway on $PATH when there are no files.
func TestDoubt(t *testing.T) {
	root := t.TempDir()
	state := filepath.Join(root, "state")
	if d := resolveGen(t, state, "", "").Doubt(); d != Sure {
		t.Errorf("nothing at all: %v", d)
	}
	if d := resolveGen(t, state, "", "openclaw-json").Doubt(); d != Sure {
		t.Errorf("given: %v", d)
	}
	// The gateway on $PATH, no files.
	pkg := filepath.Join(root, "npm", "lib", "node_modules", "openclaw")
	writeFile(t, filepath.Join(pkg, "package.json"), []byte(`{"name":"openclaw","version":"2026.4.5"}`))
	writeFile(t, filepath.Join(pkg, "openclaw.mjs"), nil)
	bin := filepath.Join(root, "npm", "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(pkg, "openclaw.mjs"), filepath.Join(bin, "openclaw")); err != nil {
		t.Fatal(err)
	}
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": state, "PATH": bin}), filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Gateway.Generation != GenOpenclawJSON || p.Doubt() != DoubtInstalledOnly {
		t.Errorf("only on $PATH: %v %v", p.Gateway.Generation, p.Doubt())
	}
	// A store without a version.
	writeFile(t, filepath.Join(state, "agents", "main", "agent", "auth-profiles.json"), []byte(`{"version":1,"profiles":{}}`))
	if d := resolveGen(t, state, "", "").Doubt(); d != DoubtNoVersion {
		t.Errorf("store without a version: %v", d)
	}
	// Dated by the config.
	writeFile(t, filepath.Join(state, "openclaw.json"), []byte(`{"meta":{"lastTouchedVersion":"2026.3.13"}}`))
	if d := resolveGen(t, state, "", "").Doubt(); d != Sure {
		t.Errorf("dated: %v", d)
	}
}
