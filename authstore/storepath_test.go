package authstore

import (
	"path/filepath"
	"testing"
)

// TestSQLiteStorePathAsTheGatewayShowsIt: openclaw 2026.9.6's `models
// status --json` auth.storePath (and `order get`'s authStatePath) is the
// selected agent's own database when it has a credentials row, else the
// shared store (profiles resolveAuthStorePathForDisplay). Its samples say
// so: a (one API key pasted on a fresh install) and c (a migrated
// clawdbot home) show state/openclaw.sqlite, b (after `order set`, which
// made the main agent's database) agents/main/agent/openclaw-agent.sqlite.
// Found by the interop test: moltbot said the agent's database for a and c,
// which does not exist.
func TestSQLiteStorePathAsTheGatewayShowsIt(t *testing.T) {
	for _, tc := range []struct{ sample, want string }{
		{sampleA, "state/openclaw.sqlite"},
		{sampleB, "agents/main/agent/openclaw-agent.sqlite"},
		{sampleC, "state/openclaw.sqlite"},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			state := copySample(t, tc.sample)
			snap, err := Load(sqlitePaths(t, state, ""))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := snap.StorePath(), filepath.Join(state, tc.want); got != want {
				t.Errorf("StorePath() = %s, openclaw shows %s", got, want)
			}
		})
	}
}

// TestStorePathJSON: the JSON generations' storePath is auth-profiles.json.
func TestStorePathJSON(t *testing.T) {
	p := newTestPaths(t)
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.StorePath(); got != p.Store {
		t.Errorf("StorePath() = %s, want %s", got, p.Store)
	}
}
