package authstore

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Agents are found in every generation: openclaw 2026.9.6's agents have no
// auth-profiles.json, only their own database (the main agent's
// credentials may be only in the shared state database), and an agent the
// config gives its own directory is looked for there.
func TestDiscoverAgentsInEveryGeneration(t *testing.T) {
	state := copySample(t, sampleA) // shared state database only
	p, err := ResolvePaths("", mapEnv(map[string]string{"OPENCLAW_STATE_DIR": state}), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ids, err := DiscoverAgents(p)
	if err != nil || !slices.Equal(ids, []string{"main"}) {
		t.Fatalf("sample a: %v %v, want [main] (credentials in the shared state db)", ids, err)
	}
	// A second agent with its own database, in a directory the config names.
	custom := filepath.Join(t.TempDir(), "work-agent")
	writeFile(t, filepath.Join(custom, "openclaw-agent.sqlite"), readFile(t, filepath.Join(state, "state", "openclaw.sqlite")))
	cfg := string(readFile(t, filepath.Join(state, "openclaw.json")))
	cfg = strings.Replace(cfg, "{", `{"agents": {"entries": {"main": {}, "work": {"agentDir": "`+custom+`"}}},`, 1)
	writeFile(t, filepath.Join(state, "openclaw.json"), []byte(cfg))
	ids, err = DiscoverAgents(p)
	if err != nil || !slices.Equal(ids, []string{"main", "work"}) {
		t.Fatalf("with work: %v %v", ids, err)
	}
	w, err := p.ForAgent("work")
	if err != nil || w.AgentDir != custom {
		t.Errorf("work's dir %q %v, want the config's %q", w.AgentDir, err, custom)
	}
}
