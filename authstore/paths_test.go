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
	}
	cases := []struct {
		name  string
		agent string
		env   map[string]string // values may use $HOME and $ROOT
		dirs  []string          // created under $ROOT before resolving
		files []string          // created under $ROOT before resolving
		want  want
	}{
		{
			name: "nothing set, nothing exists: ~/.clawdbot",
			want: want{state: "$HOME/.clawdbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "only ~/.moltbot exists: ~/.moltbot",
			dirs: []string{"home/.moltbot"},
			want: want{state: "$HOME/.moltbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "both exist: ~/.clawdbot",
			dirs: []string{"home/.moltbot", "home/.clawdbot"},
			want: want{state: "$HOME/.clawdbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name:  "~/.moltbot is a file, not a dir: ~/.clawdbot",
			files: []string{"home/.moltbot"},
			want:  want{state: "$HOME/.clawdbot", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "MOLTBOT_STATE_DIR wins over CLAWDBOT_STATE_DIR and ~/.moltbot",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/molt", "CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			dirs: []string{"home/.moltbot"},
			want: want{state: "$ROOT/molt", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "CLAWDBOT_STATE_DIR alone",
			env:  map[string]string{"CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			want: want{state: "$ROOT/claw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "blank MOLTBOT_STATE_DIR falls through to CLAWDBOT_STATE_DIR",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "  ", "CLAWDBOT_STATE_DIR": "$ROOT/claw"},
			want: want{state: "$ROOT/claw", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "leading ~/ is expanded",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "~/gw-state"},
			want: want{state: "$HOME/gw-state", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name: "a bare ~ is the home dir",
			env:  map[string]string{"CLAWDBOT_STATE_DIR": "~"},
			want: want{state: "$HOME", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json"},
		},
		{
			name:  "--agent is trimmed and lower-cased",
			agent: "  Work-2.x_Y ",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/work-2.x_y/agent", agentID: "work-2.x_y", config: "clawdbot.json"},
		},
		{
			name:  "--agent beats CLAWDBOT_AGENT_DIR",
			agent: "ops",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_AGENT_DIR": "$ROOT/elsewhere"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/ops/agent", agentID: "ops", config: "clawdbot.json"},
		},
		{
			name: "CLAWDBOT_AGENT_DIR without --agent",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "CLAWDBOT_AGENT_DIR": "$ROOT/custom-agent", "PI_CODING_AGENT_DIR": "$ROOT/pi"},
			want: want{state: "$ROOT/s", agentDir: "$ROOT/custom-agent", agentID: "", config: "clawdbot.json"},
		},
		{
			name: "PI_CODING_AGENT_DIR when CLAWDBOT_AGENT_DIR is unset, ~ expanded",
			env:  map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "PI_CODING_AGENT_DIR": "~/pi-agent"},
			want: want{state: "$ROOT/s", agentDir: "$HOME/pi-agent", agentID: "", config: "clawdbot.json"},
		},
		{
			name:  "moltbot.json is preferred to clawdbot.json",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/moltbot.json", "s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "moltbot.json", configExists: true},
		},
		{
			name:  "clawdbot.json when it is the only config",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			files: []string{"s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json", configExists: true},
		},
		{
			name:  "a directory named moltbot.json is not a config",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s"},
			dirs:  []string{"s/moltbot.json"},
			files: []string{"s/clawdbot.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "clawdbot.json", configExists: true},
		},
		{
			name:  "MOLTBOT_CONFIG_PATH wins over CLAWDBOT_CONFIG_PATH and the state dir's files",
			env:   map[string]string{"MOLTBOT_STATE_DIR": "$ROOT/s", "MOLTBOT_CONFIG_PATH": "$ROOT/m.json5", "CLAWDBOT_CONFIG_PATH": "$ROOT/c.json"},
			files: []string{"s/moltbot.json", "m.json5", "c.json"},
			want:  want{state: "$ROOT/s", agentDir: "$STATE/agents/main/agent", agentID: "main", config: "$ROOT/m.json5", configExists: true},
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
			for _, f := range tc.files {
				writeFile(t, filepath.Join(root, f), []byte("{}"))
			}
			sub := func(s string) string {
				return strings.NewReplacer("$HOME", home, "$ROOT", root).Replace(s)
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
