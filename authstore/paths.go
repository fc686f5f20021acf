package authstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// DefaultAgent is the agent used when neither --agent nor an agent-dir
// environment variable nor the config says otherwise.
const DefaultAgent = "main"

// Paths are the files one agent's credentials live in, and what moltbot
// found out about the gateway that owns them (Gateway).
type Paths struct {
	StateDir string // the gateway's state directory
	AgentID  string // empty when the agent dir came from the environment
	AgentDir string
	Store    string // auth-profiles.json (generations A–C)
	Backup   string // auth-profiles.json.bak
	// StateFile is auth-state.json (generation C: order, lastGood and
	// usageStats, apart from the credentials).
	StateFile string
	// SharedDB and AgentDB are openclaw's SQLite databases (generation D):
	// the shared state database and this agent's own.
	SharedDB string
	AgentDB  string
	Env      string // <state>/.env
	// Config is the config file to read; ConfigExists reports whether it is
	// there. When none exists it names the file to create: clawdbot.json
	// for clawdbot, else openclaw.json.
	Config       string
	ConfigExists bool
	LegacyAuth   string // <agent dir>/auth.json
	LegacyOAuth  string // <state>/credentials/oauth.json
	// Gateway is the gateway generation these files belong to, and how
	// that was decided (detectGateway). Load and every transaction decide
	// again from the files as they are then.
	Gateway Gateway

	detectIn      detectInputs
	configDefault bool   // Config is in the state dir, found or to be created
	home          string // the user's home, for a "~" in the config's agent dirs (ForAgent)
}

// Lock is the gateway-compatible lock path for the store as named (the
// transaction resolves symlinks first and locks the real file's path).
func (p Paths) Lock() string { return p.Store + ".lock" }

// Getenv reads one environment variable; tests pass a map-backed function.
type Getenv func(string) string

// ResolvePaths finds the files for agent (empty: the default agent) the way
// the gateway does, and which gateway generation they belong to. home is
// the user's home directory.
//
// The state dir is the first of: $MOLTBOT_STATE_DIR (moltbot's own, so that
// a scratch dir always wins), $OPENCLAW_STATE_DIR, $CLAWDBOT_STATE_DIR,
// then in $OPENCLAW_HOME (else home): .openclaw, .clawdbot (a symlink to
// .openclaw after openclaw's doctor moved it: followed), then ~/.moltbot;
// when none exists, .openclaw. The config: $MOLTBOT_CONFIG_PATH,
// $OPENCLAW_CONFIG_PATH, $CLAWDBOT_CONFIG_PATH, then openclaw.json,
// clawdbot.json, moltbot.json in the state dir (and, when no variable
// named the state dir, in ~/.openclaw and ~/.clawdbot, as openclaw looks).
// The agent dir: --agent ID (the config's entry for it, else
// agents/<id>/agent), else $OPENCLAW_AGENT_DIR, $CLAWDBOT_AGENT_DIR,
// $PI_CODING_AGENT_DIR, else the config's default agent, else main.
func ResolvePaths(agent string, getenv Getenv, home string) (Paths, error) {
	expandIn := func(home, p string) string {
		p = strings.TrimSpace(p)
		if p == "~" {
			return home
		}
		if strings.HasPrefix(p, "~/") {
			return filepath.Join(home, p[2:])
		}
		return p
	}
	expand := func(p string) string { return expandIn(home, p) }
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	p := Paths{home: home}
	gwHome := home
	if h := strings.TrimSpace(getenv("OPENCLAW_HOME")); h != "" {
		gwHome = abs(expand(h))
	}
	stateFromEnv := true
	if d := firstNonEmpty(getenv("MOLTBOT_STATE_DIR"), getenv("OPENCLAW_STATE_DIR"), getenv("CLAWDBOT_STATE_DIR")); d != "" {
		p.StateDir = expand(d)
	} else {
		stateFromEnv = false
		if gwHome == "" {
			return Paths{}, errors.New("cannot find the state directory: $HOME is not set; set MOLTBOT_STATE_DIR or OPENCLAW_STATE_DIR")
		}
		openclaw, clawdbot := filepath.Join(gwHome, ".openclaw"), filepath.Join(gwHome, ".clawdbot")
		molt := filepath.Join(home, ".moltbot")
		switch {
		case isDir(openclaw):
			p.StateDir = openclaw
		case isDir(clawdbot):
			p.StateDir = clawdbot
			if real, err := filepath.EvalSymlinks(clawdbot); err == nil {
				p.StateDir = real // ~/.clawdbot -> ~/.openclaw once migrated
			}
		case home != "" && isDir(molt):
			p.StateDir = molt
		default:
			p.StateDir = openclaw
		}
	}
	p.StateDir = abs(p.StateDir)

	// The config first: it may name the agents' directories.
	if c := firstNonEmpty(getenv("MOLTBOT_CONFIG_PATH"), getenv("OPENCLAW_CONFIG_PATH"), getenv("CLAWDBOT_CONFIG_PATH")); c != "" {
		p.Config = abs(expand(c))
		p.ConfigExists = isFile(p.Config)
	} else {
		dirs := []string{p.StateDir}
		if !stateFromEnv && gwHome != "" {
			dirs = append(dirs, filepath.Join(gwHome, ".openclaw"), filepath.Join(gwHome, ".clawdbot"))
		}
	find:
		for i, dir := range dirs {
			names := []string{"openclaw.json", "clawdbot.json", "moltbot.json"}
			if i > 0 {
				names = names[:2]
			}
			for _, name := range names {
				if c := filepath.Join(dir, name); isFile(c) {
					p.Config, p.ConfigExists = c, true
					break find
				}
			}
		}
	}
	cfg := readConfigForPaths(p)

	agent = strings.ToLower(strings.TrimSpace(agent))
	switch {
	case agent != "":
		if !validAgentID(agent) {
			return Paths{}, errors.New("invalid agent id " + quote(agent) + ": use letters, digits, '.', '_' or '-'")
		}
		p.AgentID = agent
		p.AgentDir = filepath.Join(p.StateDir, "agents", agent, "agent")
		if d := cfg.agentDir(agent); d != "" {
			p.AgentDir = abs(expand(d))
		}
	case firstNonEmpty(getenv("OPENCLAW_AGENT_DIR"), getenv("CLAWDBOT_AGENT_DIR"), getenv("PI_CODING_AGENT_DIR")) != "":
		p.AgentDir = abs(expand(firstNonEmpty(getenv("OPENCLAW_AGENT_DIR"), getenv("CLAWDBOT_AGENT_DIR"), getenv("PI_CODING_AGENT_DIR"))))
	default:
		p.AgentID = DefaultAgent
		if id := cfg.defaultAgent(); id != "" && validAgentID(id) {
			p.AgentID = id
		}
		p.AgentDir = filepath.Join(p.StateDir, "agents", p.AgentID, "agent")
		if d := cfg.agentDir(p.AgentID); d != "" {
			p.AgentDir = abs(expand(d))
		}
	}

	p.Store = filepath.Join(p.AgentDir, "auth-profiles.json")
	p.Backup = p.Store + ".bak"
	p.StateFile = filepath.Join(p.AgentDir, "auth-state.json")
	p.AgentDB = filepath.Join(p.AgentDir, "openclaw-agent.sqlite")
	p.SharedDB = filepath.Join(p.StateDir, "state", "openclaw.sqlite")
	p.Env = filepath.Join(p.StateDir, ".env")
	p.LegacyAuth = filepath.Join(p.AgentDir, "auth.json")
	p.LegacyOAuth = filepath.Join(p.StateDir, "credentials", "oauth.json")

	p.detectIn = readDetectInputs(getenv)
	p.Gateway = detectGateway(p, cfg, p.detectIn)
	if !p.ConfigExists && p.Config == "" {
		p.configDefault = true
		name := "openclaw.json"
		if p.Gateway.Name == "clawdbot" || p.Gateway.Generation == GenClawdbot && p.Gateway.Name == "" {
			name = "clawdbot.json" // the only name clawdbot reads
		}
		p.Config = filepath.Join(p.StateDir, name)
	}
	return p, nil
}

// DefaultPaths resolves paths from the process environment.
func DefaultPaths(agent string) (Paths, error) {
	home, _ := os.UserHomeDir()
	return ResolvePaths(agent, os.Getenv, home)
}

func validAgentID(id string) bool {
	if id == "." || id == ".." {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// isFile reports whether something other than a directory is at p: a
// FIFO or a device named like the config is the config the gateway would
// try to read, and reading it is refused with a clear error.
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
