package authstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolvePaths(t *testing.T) {
	type want struct {
		state, agentDir, agentID string
		config                   string // relative to the state dir unless absolute
		configExists             bool
		ignored                  string // a variable Ignored names; "" when none is
	}
	cases := []struct {
		name  string
		agent string
		env   map[string]string // values may use $HOME and $ROOT
		dirs  []string          // created under $ROOT before resolving
		files []string          // created under $ROOT before resolving
		// content of files, by name under $ROOT ("{}" when not given)
		content map[string]string
		links   map[string]string // symlinks under $ROOT: name → target
		want    want
	}{
		{
			name: "nothing set, nothing exists: ~/.openclaw, today's gateway",
			want: want{state: "$HOME/.openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "only ~/.clawdbot exists: ~/.clawdbot",
			dirs: []string{"home/.clawdbot"},
			want: want{state: "$HOME/.clawdbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "~/.openclaw wins over ~/.clawdbot and ~/.moltbot",
			dirs: []string{"home/.moltbot", "home/.clawdbot", "home/.openclaw"},
			want: want{state: "$HOME/.openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name:  "~/.clawdbot a symlink to ~/.openclaw (after openclaw's doctor): followed",
			dirs:  []string{"real-openclaw"},
			links: map[string]string{"home/.clawdbot": "$ROOT/real-openclaw"},
			want:  want{state: "$ROOT/real-openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "only ~/.moltbot exists: ~/.moltbot",
			dirs: []string{"home/.moltbot"},
			want: want{state: "$HOME/.moltbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name:  "~/.moltbot is a file, not a dir: ~/.openclaw",
			files: []string{"home/.moltbot"},
			want:  want{state: "$HOME/.openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "OPENCLAW_HOME moves the home the gateway looks in",
			env:  map[string]string{"OPENCLAW_HOME": "$ROOT/oh"},
			dirs: []string{"oh/.clawdbot", "home/.openclaw"},
			want: want{state: "$ROOT/oh/.clawdbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			// openclaw 2026.2.12–3.13 look for the legacy dirs in their
			// home, which OPENCLAW_HOME moves.
			name: "OPENCLAW_HOME moves ~/.moltbot too",
			env:  map[string]string{"OPENCLAW_HOME": "$ROOT/oh"},
			dirs: []string{"oh/.moltbot", "home/.moltbot"},
			want: want{state: "$ROOT/oh/.moltbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "~/.moldbot before ~/.moltbot (openclaw 2026.2.17–3.13; exp 3.13 moltbot-and-moldbot)",
			dirs: []string{"home/.moltbot", "home/.moldbot"},
			want: want{state: "$HOME/.moldbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name:  "moldbot.json before moltbot.json",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/moltbot.json", "s/moldbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "moldbot.json", configExists: true},
		},
		{
			// exp paths 6.1 clawdbot-state-env: openclaw 2026.3.22 and
			// later ignore CLAWDBOT_STATE_DIR.
			name:    "CLAWDBOT_STATE_DIR left alone when ~/.openclaw's config was written by openclaw 2026.6.1",
			env:     map[string]string{"CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			files:   []string{"home/.openclaw/openclaw.json", "claw/clawdbot.json"},
			content: map[string]string{"home/.openclaw/openclaw.json": `{"meta": {"lastTouchedVersion": "2026.6.1"}}`},
			want:    want{state: "$HOME/.openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json", configExists: true, ignored: "CLAWDBOT_STATE_DIR"},
		},
		{
			name:    "CLAWDBOT_STATE_DIR honoured when ~/.openclaw's config was written by openclaw 2026.3.13",
			env:     map[string]string{"CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			files:   []string{"home/.openclaw/openclaw.json"},
			content: map[string]string{"home/.openclaw/openclaw.json": `{"meta": {"lastTouchedVersion": "2026.3.13"}}`},
			want:    want{state: "$ROOT/claw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name:    "CLAWDBOT_CONFIG_PATH left alone when the state dir's config says openclaw 2026.4.5",
			env:     map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_CONFIG_PATH": "$ROOT/c.json"},
			files:   []string{"s/openclaw.json", "c.json"},
			content: map[string]string{"s/openclaw.json": `{"meta": {"lastTouchedVersion": "2026.4.5"}}`},
			want:    want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json", configExists: true, ignored: "CLAWDBOT_CONFIG_PATH"},
		},
		{
			name:    "CLAWDBOT_AGENT_DIR is clawdbot's only: left alone under openclaw",
			env:     map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_AGENT_DIR": "$ROOT/custom-agent"},
			files:   []string{"s/openclaw.json"},
			content: map[string]string{"s/openclaw.json": `{"meta": {"lastTouchedVersion": "2026.2.12"}}`},
			want:    want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json", configExists: true, ignored: "CLAWDBOT_AGENT_DIR"},
		},
		{
			// exp paths 6.1 state-env-no-cfg-home-cfg
			name:  "OPENCLAW_STATE_DIR without a config stays inside it, even with ~/.openclaw/openclaw.json",
			env:   map[string]string{"OPENCLAW_STATE_DIR": "$ROOT/os"},
			files: []string{"home/.openclaw/openclaw.json"},
			want:  want{state: "$ROOT/os", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "MOLTBOT_STATE_DIR (moltbot's own) wins over OPENCLAW_STATE_DIR and CLAWDBOT_STATE_DIR",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/molt", "OPENCLAW_STATE_DIR": "$ROOT/oc", "CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			dirs: []string{"home/.openclaw"},
			want: want{state: "$ROOT/molt", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "OPENCLAW_STATE_DIR wins over CLAWDBOT_STATE_DIR",
			env:  map[string]string{"OPENCLAW_STATE_DIR": "$ROOT/oc", "CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			want: want{state: "$ROOT/oc", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "CLAWDBOT_STATE_DIR alone",
			env:  map[string]string{"CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			want: want{state: "$ROOT/claw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "blank MOLTBOT_STATE_DIR falls through to CLAWDBOT_STATE_DIR",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "  ", "CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			want: want{state: "$ROOT/claw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "leading ~/ is expanded",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "~/gw-state"},
			want: want{state: "$HOME/gw-state", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name: "a bare ~ is the home dir",
			env:  map[string]string{"CLAWDBOT_STATE_DIR": "~"},
			want: want{state: "$HOME", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json"},
		},
		{
			name:  "--agent is trimmed and lower-cased",
			agent: "  Work-2.x_Y ",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/work-2.x_y/agent", agentID: "work-2.x_y", config: "openclaw.json"},
		},
		{
			name:  "--agent beats OPENCLAW_AGENT_DIR",
			agent: "ops",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "OPENCLAW_AGENT_DIR": "$ROOT/elsewhere"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/ops/agent", agentID: "ops", config: "openclaw.json"},
		},
		{
			name: "OPENCLAW_AGENT_DIR wins over CLAWDBOT_AGENT_DIR and PI_CODING_AGENT_DIR",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "OPENCLAW_AGENT_DIR": "$ROOT/oc-agent", "CLAWDBOT_AGENT_DIR": "$ROOT/custom-agent", "PI_CODING_AGENT_DIR": "$ROOT/pi"},
			want: want{state: "$ROOT/s", agentDir: "$ROOT/oc-agent", agentID: "", config: "openclaw.json"},
		},
		{
			name: "CLAWDBOT_AGENT_DIR without --agent",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_AGENT_DIR": "$ROOT/custom-agent", "PI_CODING_AGENT_DIR": "$ROOT/pi"},
			want: want{state: "$ROOT/s", agentDir: "$ROOT/custom-agent", agentID: "", config: "openclaw.json"},
		},
		{
			name: "PI_CODING_AGENT_DIR when the others are unset, ~ expanded",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "PI_CODING_AGENT_DIR": "~/pi-agent"},
			want: want{state: "$ROOT/s", agentDir: "$HOME/pi-agent", agentID: "", config: "openclaw.json"},
		},
		{
			name:    "the config's default agent and its agentDir (agents.list)",
			env:     map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files:   []string{"s/openclaw.json"},
			content: map[string]string{"s/openclaw.json": `{agents: {list: [{id: "Other"}, {id: "Work", default: true, agentDir: "$ROOT/custom"}]}}`},
			want:    want{state: "$ROOT/s", agentDir: "$ROOT/custom", agentID: "work", config: "openclaw.json", configExists: true},
		},
		{
			name:    "--agent with an agents.entries dir (entries win over list)",
			agent:   "ops",
			env:     map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files:   []string{"s/openclaw.json"},
			content: map[string]string{"s/openclaw.json": `{"agents": {"list": [{"id": "ops", "agentDir": "$ROOT/from-list"}], "entries": {"ops": {"agentDir": "$ROOT/from-entries"}}}}`},
			want:    want{state: "$ROOT/s", agentDir: "$ROOT/from-entries", agentID: "ops", config: "openclaw.json", configExists: true},
		},
		{
			name:  "openclaw.json, then clawdbot.json, then moltbot.json",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/moltbot.json", "s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json", configExists: true},
		},
		{
			name:  "openclaw.json first",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/moltbot.json", "s/clawdbot.json", "s/openclaw.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "openclaw.json", configExists: true},
		},
		{
			name:  "moltbot.json when it is the only config",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/moltbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "moltbot.json", configExists: true},
		},
		{
			name:  "a directory named openclaw.json is not a config",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			dirs:  []string{"s/openclaw.json"},
			files: []string{"s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json", configExists: true},
		},
		{
			name:  "an empty ~/.openclaw and ~/.clawdbot/clawdbot.json: the config from there, as openclaw reads it",
			dirs:  []string{"home/.openclaw"},
			files: []string{"home/.clawdbot/clawdbot.json"},
			want:  want{state: "$HOME/.openclaw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "$HOME/.clawdbot/clawdbot.json", configExists: true},
		},
		{
			name:    "clawdbot's own config names the file to create clawdbot.json",
			env:     map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "MOLTBOT_CONFIG_PATH": "$ROOT/s/clawdbot.json"},
			files:   []string{"s/clawdbot.json"},
			content: map[string]string{"s/clawdbot.json": `{"meta": {"lastTouchedVersion": "2026.1.24"}}`},
			want:    want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json", configExists: true},
		},
		{
			name:  "MOLTBOT_CONFIG_PATH wins over OPENCLAW_CONFIG_PATH, CLAWDBOT_CONFIG_PATH and the state dir's files",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "MOLTBOT_CONFIG_PATH": "$ROOT/m.json5", "OPENCLAW_CONFIG_PATH": "$ROOT/o.json", "CLAWDBOT_CONFIG_PATH": "$ROOT/c.json"},
			files: []string{"s/openclaw.json", "m.json5", "o.json", "c.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "$ROOT/m.json5", configExists: true},
		},
		{
			name:  "OPENCLAW_CONFIG_PATH wins over CLAWDBOT_CONFIG_PATH",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "OPENCLAW_CONFIG_PATH": "$ROOT/o.json", "CLAWDBOT_CONFIG_PATH": "$ROOT/c.json"},
			files: []string{"o.json", "c.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "$ROOT/o.json", configExists: true},
		},
		{
			name:  "CLAWDBOT_CONFIG_PATH, ~ expanded, not existing yet",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_CONFIG_PATH": "~/cfg/gw.json"},
			files: []string{"s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "$HOME/cfg/gw.json", configExists: false},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			home := filepath.Join(root, "home")
			if err := os.MkdirAll(home, 0o700); err != nil {
				t.Fatal(err)
			}
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(root, d), 0o700); err != nil {
					t.Fatal(err)
				}
			}
			sub := func(s string) string {
				return strings.NewReplacer("$HOME", home, "$ROOT", root).Replace(s)
			}
			for _, f := range tc.files {
				content := "{}"
				if c, ok := tc.content[f]; ok {
					content = sub(c)
				}
				writeFile(t, filepath.Join(root, f), []byte(content))
			}
			for name, target := range tc.links {
				if err := os.Symlink(sub(target), filepath.Join(root, name)); err != nil {
					t.Fatal(err)
				}
			}
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = sub(v)
			}
			got, err := ResolvePaths(tc.agent, mapEnv(env), home)
			if err != nil {
				t.Fatalf("ResolvePaths: %v", err)
			}
			state := sub(tc.want.state)
			subState := func(s string) string { return strings.ReplaceAll(sub(s), "$STATE", state) }
			config := subState(tc.want.config)
			if !filepath.IsAbs(config) {
				config = filepath.Join(state, config)
			}
			checks := []struct{ what, got, want string }{
				{"StateDir", got.StateDir, state},
				{"AgentDir", got.AgentDir, subState(tc.want.agentDir)},
				{"AgentID", got.AgentID, tc.want.agentID},
				{"Config", got.Config, config},
				{"Store", got.Store, filepath.Join(subState(tc.want.agentDir), "auth-profiles.json")},
				{"Backup", got.Backup, filepath.Join(subState(tc.want.agentDir), "auth-profiles.json.bak")},
				{"Lock", got.Lock(), filepath.Join(subState(tc.want.agentDir), "auth-profiles.json.lock")},
				{"Env", got.Env, filepath.Join(state, ".env")},
				{"LegacyAuth", got.LegacyAuth, filepath.Join(subState(tc.want.agentDir), "auth.json")},
				{"LegacyOAuth", got.LegacyOAuth, filepath.Join(state, "credentials", "oauth.json")},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if got.ConfigExists != tc.want.configExists {
				t.Errorf("ConfigExists = %v, want %v", got.ConfigExists, tc.want.configExists)
			}
			switch ignored := strings.Join(got.Ignored, "; "); {
			case tc.want.ignored == "" && ignored != "":
				t.Errorf("Ignored = %q, want nothing", ignored)
			case tc.want.ignored != "" && !strings.Contains(ignored, tc.want.ignored):
				t.Errorf("Ignored = %q, want it to name %s", ignored, tc.want.ignored)
			}
		})
	}
}

func TestResolvePathsRelativeStateDirIsMadeAbsolute(t *testing.T) {
	got, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": "rel/state"}), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Join(wd, "rel", "state"); got.StateDir != want {
		t.Errorf("StateDir = %q, want %q", got.StateDir, want)
	}
}

func TestResolvePathsRefusesInvalidAgentIDs(t *testing.T) {
	for _, id := range []string{"..", ".", "a/b", "../etc", "a b", "wörk", "a\\b", "x:y"} {
		t.Run(id, func(t *testing.T) {
			_, err := ResolvePaths(id, mapEnv(map[string]string{"MOLTBOT_STATE_DIR": t.TempDir()}), t.TempDir())
			if err == nil {
				t.Fatalf("agent %q accepted", id)
			}
			msg := err.Error()
			if !strings.Contains(msg, "invalid agent id") || !strings.Contains(msg, "letters, digits") {
				t.Errorf("error %q does not say what is wrong and what is allowed", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

func TestResolvePathsWithoutHome(t *testing.T) {
	_, err := ResolvePaths("", mapEnv(nil), "")
	if err == nil || !strings.Contains(err.Error(), "MOLTBOT_STATE_DIR") {
		t.Fatalf("err = %v, want a hint to set MOLTBOT_STATE_DIR", err)
	}
	// With the state dir given, no home is needed.
	if _, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": t.TempDir()}), ""); err != nil {
		t.Fatalf("with MOLTBOT_STATE_DIR: %v", err)
	}
}
