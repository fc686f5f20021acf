package authstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectGatewayTable is json-gens.md §8's decision table, row by row,
// on a fresh state dir per case: each combination of evidence, the
// version boundaries of every generation (with a -beta and a -3 suffix),
// evidence beating an older config version, and the override.
func TestDetectGatewayTable(t *testing.T) {
	const inline = `{"version":1,"profiles":{},"order":{"anthropic":["anthropic:a"]}}`
	type files struct {
		version   string // the config's meta.lastTouchedVersion ("" none, "-" no config)
		store     string // auth-profiles.json content ("" absent)
		state     bool   // auth-state.json exists
		configNm  string // the config's name (default openclaw.json)
		override  string // MOLTBOT_GATEWAY
		installed string // the version of the openclaw on $PATH
	}
	type want struct {
		gen      Generation
		name     string
		version  string
		lock     LockForm
		judged   string // JudgedAs
		describe string // a part of Describe()
		how      string // a part of How
	}
	cases := []struct {
		name string
		in   files
		want want
	}{
		// Row 8: nothing at all.
		{"fresh state dir: unknown, nothing written", files{version: "-"},
			want{gen: GenUnknown, lock: LockNone, judged: "2026.1.24", describe: "none found", how: "no store, config version or database"}},
		{"fresh state dir, openclaw 2026.6.1 on $PATH: C from the hint", files{version: "-", installed: "2026.6.1"},
			want{gen: GenSplitJSON, name: "openclaw", version: "2026.6.1", lock: LockFile, judged: "2026.6.1", how: "installed on $PATH"}},
		// Rows 5 and 6: the config's version, at every boundary.
		{"clawdbot 2026.1.24: A, its directory lock", files{version: "2026.1.24"},
			want{gen: GenClawdbot, name: "clawdbot", version: "2026.1.24", lock: LockDir, judged: "2026.1.24", describe: "clawdbot 2026.1.24 · JSON"}},
		{"clawdbot 2026.1.24-3 (a -N suffix is its base release)", files{version: "2026.1.24-3"},
			want{gen: GenClawdbot, name: "clawdbot", version: "2026.1.24-3", lock: LockDir, judged: "2026.1.24-3"}},
		{"openclaw 2026.1.29: still A", files{version: "2026.1.29"},
			want{gen: GenClawdbot, name: "openclaw", version: "2026.1.29", lock: LockDir, judged: "2026.1.29"}},
		{"openclaw 2026.2.12: the last A", files{version: "2026.2.12"},
			want{gen: GenClawdbot, name: "openclaw", version: "2026.2.12", lock: LockDir}},
		{"openclaw 2026.2.17: B, a lock file", files{version: "2026.2.17", store: inline},
			want{gen: GenOpenclawJSON, name: "openclaw", version: "2026.2.17", lock: LockFile, describe: "openclaw 2026.2.17 · JSON"}},
		{"openclaw 2026.4.5: the last B", files{version: "2026.4.5", store: inline},
			want{gen: GenOpenclawJSON, name: "openclaw", version: "2026.4.5", lock: LockFile}},
		// Row 4: a C version, no auth-state.json yet.
		{"openclaw 2026.4.7, inline store: C (state stays inline)", files{version: "2026.4.7", store: inline},
			want{gen: GenSplitJSON, name: "openclaw", version: "2026.4.7", lock: LockFile, describe: "openclaw 2026.4.7 · split JSON"}},
		{"openclaw 2026.6.1: C", files{version: "2026.6.1"},
			want{gen: GenSplitJSON, name: "openclaw", version: "2026.6.1", lock: LockFile}},
		{"openclaw 2026.6.1-beta.3: C", files{version: "2026.6.1-beta.3"},
			want{gen: GenSplitJSON, name: "openclaw", version: "2026.6.1-beta.3", lock: LockFile, judged: "2026.6.1-beta.3"}},
		// Row 1 (the SQLite helper's branches): a D version beats a JSON store.
		{"openclaw 2026.6.5: D", files{version: "2026.6.5"},
			want{gen: GenSQLite, name: "openclaw", version: "2026.6.5", lock: LockNone}},
		// Row 3: auth-state.json.
		{"auth-state.json, no config version: C, version unknown", files{store: `{"version":1,"profiles":{}}`, state: true},
			want{gen: GenSplitJSON, name: "openclaw", lock: LockFile, judged: "2026.6.1", describe: "openclaw 2026.4.7–2026.6.1 (exact version unknown) · split JSON", how: "auth-state.json exists"}},
		{"auth-state.json and config 2026.6.1: C 2026.6.1", files{version: "2026.6.1", state: true},
			want{gen: GenSplitJSON, name: "openclaw", version: "2026.6.1", lock: LockFile, judged: "2026.6.1"}},
		{"evidence beats an older version: auth-state.json with config 2026.4.5 is C", files{version: "2026.4.5", store: inline, state: true},
			want{gen: GenSplitJSON, name: "openclaw", lock: LockFile, judged: "2026.6.1", describe: "2026.4.7–2026.6.1", how: "older than the files"}},
		{"auth-state.json with a clawdbot config: C, and openclaw", files{version: "2026.1.24", state: true},
			want{gen: GenSplitJSON, name: "openclaw", lock: LockFile, judged: "2026.6.1"}},
		{"a newer version beats auth-state.json: 2026.6.5 is D", files{version: "2026.6.5", state: true},
			want{gen: GenSQLite, name: "openclaw", version: "2026.6.5", lock: LockNone}},
		// Row 7: a store and nothing to date it.
		{"a store without a version in a legacy-named dir: A, B or C, a lock file", files{store: inline, configNm: "clawdbot.json"},
			want{gen: GenOpenclawJSON, name: "clawdbot or openclaw", lock: LockFile, judged: "2026.1.24", describe: "clawdbot or openclaw 2026.1–2026.6.1 (exact version unknown) · JSON"}},
		{"a store beside an openclaw.json without a version: openclaw", files{store: inline},
			want{gen: GenOpenclawJSON, name: "openclaw", lock: LockFile, judged: "2026.1.24"}},
		// The override wins over everything.
		{"override clawdbot over auth-state.json: A, directory lock", files{version: "2026.6.1", state: true, override: "clawdbot"},
			want{gen: GenClawdbot, name: "clawdbot", version: "2026.6.1", lock: LockDir, how: "MOLTBOT_GATEWAY"}},
		{"override openclaw-json without a version: judged as its newest, 2026.4.5", files{version: "-", override: "openclaw-json"},
			want{gen: GenOpenclawJSON, name: "openclaw", lock: LockFile, judged: "2026.4.5"}},
		{"override openclaw-split", files{version: "-", override: "c"},
			want{gen: GenSplitJSON, name: "openclaw", lock: LockFile, judged: "2026.6.1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			state := filepath.Join(root, "state")
			agent := filepath.Join(state, "agents", "main", "agent")
			if err := os.MkdirAll(agent, 0o700); err != nil {
				t.Fatal(err)
			}
			if tc.in.version != "-" {
				name := tc.in.configNm
				if name == "" {
					name = "openclaw.json"
				}
				cfg := `{}`
				if tc.in.version != "" {
					cfg = `{"meta": {"lastTouchedVersion": "` + tc.in.version + `", "lastTouchedAt": "2026-06-01T00:00:00.000Z"}}`
				}
				writeFile(t, filepath.Join(state, name), []byte(cfg))
			}
			if tc.in.store != "" {
				writeFile(t, filepath.Join(agent, "auth-profiles.json"), []byte(tc.in.store))
			}
			if tc.in.state {
				writeFile(t, filepath.Join(agent, "auth-state.json"), []byte(`{"version":1,"order":{"anthropic":["anthropic:a"]}}`))
			}
			env := map[string]string{"MOLTBOT_STATE_DIR": state}
			if tc.in.override != "" {
				env["MOLTBOT_GATEWAY"] = tc.in.override
			}
			if tc.in.installed != "" {
				env["PATH"] = fakeInstall(t, root, tc.in.installed)
			}
			p, err := ResolvePaths("", mapEnv(env), filepath.Join(root, "home"))
			if err != nil {
				t.Fatal(err)
			}
			g := p.Gateway
			if g.Generation != tc.want.gen || g.Name != tc.want.name || g.Version != tc.want.version || g.Lock != tc.want.lock {
				t.Errorf("got %v %q %q lock %v, want %v %q %q lock %v\nhow: %s", g.Generation, g.Name, g.Version, g.Lock,
					tc.want.gen, tc.want.name, tc.want.version, tc.want.lock, strings.Join(g.How, "; "))
			}
			if tc.want.judged != "" && g.JudgedAs() != tc.want.judged {
				t.Errorf("JudgedAs = %q, want %q", g.JudgedAs(), tc.want.judged)
			}
			if d := g.Describe(); !strings.Contains(d, tc.want.describe) {
				t.Errorf("Describe = %q, want it to hold %q", d, tc.want.describe)
			}
			if how := strings.Join(g.How, "; "); !strings.Contains(how, tc.want.how) {
				t.Errorf("How = %q, want it to hold %q", how, tc.want.how)
			}
		})
	}
}

// fakeInstall puts an npm-style openclaw of version v on a PATH under
// root and returns that PATH.
func fakeInstall(t *testing.T, root, v string) string {
	t.Helper()
	pkg := filepath.Join(root, "prefix", "node_modules", "openclaw")
	writeFile(t, filepath.Join(pkg, "package.json"), []byte(`{"name":"openclaw","version":"`+v+`"}`))
	writeFile(t, filepath.Join(pkg, "openclaw.mjs"), []byte("// fake\n"))
	bin := filepath.Join(root, "prefix", "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(pkg, "openclaw.mjs"), filepath.Join(bin, "openclaw")); err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestGenerationOfVersionBoundaries: every boundary release and the ones
// next to it, suffixes belonging to their base release.
func TestGenerationOfVersionBoundaries(t *testing.T) {
	for v, want := range map[string]Generation{
		"2026.1.24": GenClawdbot, "2026.1.24-3": GenClawdbot, "2026.1.29": GenClawdbot, "2026.2.12": GenClawdbot,
		"2026.2.17": GenOpenclawJSON, "2026.3.13": GenOpenclawJSON, "2026.4.5": GenOpenclawJSON,
		"2026.4.7": GenSplitJSON, "2026.5.12": GenSplitJSON, "2026.6.1": GenSplitJSON, "2026.6.1-beta.3": GenSplitJSON,
		"2026.6.5": GenSQLite, "2026.9.6": GenSQLite, "v2026.4.7": GenSplitJSON,
	} {
		if got, _, ok := generationOfVersion(v); !ok || got != want {
			t.Errorf("generationOfVersion(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, bad := range []string{"", "dev", "2026.4", "2026.x.1"} {
		if _, _, ok := generationOfVersion(bad); ok {
			t.Errorf("generationOfVersion(%q) is ok", bad)
		}
	}
}
