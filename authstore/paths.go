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
	// MainAgentDB is the shared "main" agent's database
	// ($OPENCLAW_AGENT_DIR, else <state>/agents/main/agent): where the
	// shared credentials live while the state database does not own them
	// (no auth.sharedStore marker, "legacy-main").
	MainAgentDB string
	Env         string // <state>/.env
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

	// Ignored says which variables were set but left alone because the
	// gateway these files belong to ignores them (for doctor).
	Ignored []string

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
// the user's home directory. (json-gens.md §3 has each release's rules.)
//
// The state dir is the first of: $MOLTBOT_STATE_DIR (moltbot's own, so that
// a scratch dir always wins), $OPENCLAW_STATE_DIR, $CLAWDBOT_STATE_DIR
// (read by clawdbot and openclaw up to 2026.3.13: ignored when the default
// dir's config was last written by openclaw 2026.3.22 or later, which
// ignores it), then in $OPENCLAW_HOME (else home): .openclaw, .clawdbot (a
// symlink to .openclaw after openclaw moved it: followed), .moldbot,
// .moltbot (read by openclaw 2026.2.12–3.13 only); when none exists,
// .openclaw. The config: $MOLTBOT_CONFIG_PATH, $OPENCLAW_CONFIG_PATH,
// $CLAWDBOT_CONFIG_PATH (ignored like $CLAWDBOT_STATE_DIR), then
// openclaw.json, clawdbot.json, moldbot.json, moltbot.json in the state dir
// (and, when no variable named the state dir, openclaw.json and
// clawdbot.json in ~/.openclaw and ~/.clawdbot, as openclaw looks). The
// agent dir: --agent ID (the config's entry for it, else agents/<id>/agent),
// else $OPENCLAW_AGENT_DIR, $CLAWDBOT_AGENT_DIR (clawdbot's only: ignored
// when the config says openclaw), $PI_CODING_AGENT_DIR, else the config's
// default agent, else main. What was ignored, and why, is in Ignored.
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
	// newerThanClawdbotVars reports whether the gateway that owns the
	// default state dir ignores the CLAWDBOT_* variables (openclaw
	// 2026.3.22 and later), and its version.
	newerThanClawdbotVars := func() (string, bool) {
		if gwHome == "" {
			return "", false
		}
		def := defaultStateDir(gwHome)
		cfg, ok := findConfig(def, gwHome, true)
		if !ok {
			return "", false
		}
		c := readConfigForPaths(Paths{Config: cfg, ConfigExists: true})
		v, ok := parseVersion(c.version)
		return c.version, ok && !v.less(releaseNoClawdbotVars)
	}
	stateFromEnv := true
	switch {
	case firstNonEmpty(getenv("MOLTBOT_STATE_DIR"), getenv("OPENCLAW_STATE_DIR")) != "":
		p.StateDir = expand(firstNonEmpty(getenv("MOLTBOT_STATE_DIR"), getenv("OPENCLAW_STATE_DIR")))
	case strings.TrimSpace(getenv("CLAWDBOT_STATE_DIR")) != "":
		if v, newer := newerThanClawdbotVars(); newer {
			stateFromEnv = false
			p.StateDir = defaultStateDir(gwHome)
			p.Ignored = append(p.Ignored, "CLAWDBOT_STATE_DIR is set, but openclaw "+v+" (which last wrote "+p.StateDir+"'s config) ignores it: openclaw reads it only up to 2026.3.13")
		} else {
			p.StateDir = expand(getenv("CLAWDBOT_STATE_DIR"))
		}
	default:
		stateFromEnv = false
		if gwHome == "" {
			return Paths{}, errors.New("cannot find the state directory: $HOME is not set; set MOLTBOT_STATE_DIR or OPENCLAW_STATE_DIR")
		}
		p.StateDir = defaultStateDir(gwHome)
	}
	p.StateDir = abs(p.StateDir)

	// The config first: it may name the agents' directories.
	configVar := firstNonEmpty(getenv("MOLTBOT_CONFIG_PATH"), getenv("OPENCLAW_CONFIG_PATH"))
	if configVar == "" && strings.TrimSpace(getenv("CLAWDBOT_CONFIG_PATH")) != "" {
		// Ignored when the config found without it was last written by
		// an openclaw that no longer reads it.
		configVar = getenv("CLAWDBOT_CONFIG_PATH")
		if c, ok := findConfig(p.StateDir, gwHome, !stateFromEnv); ok {
			cv := readConfigForPaths(Paths{Config: c, ConfigExists: true}).version
			if v, ok := parseVersion(cv); ok && !v.less(releaseNoClawdbotVars) {
				p.Ignored = append(p.Ignored, "CLAWDBOT_CONFIG_PATH is set, but openclaw "+cv+" (which last wrote "+c+") ignores it: openclaw reads it only up to 2026.3.13")
				configVar = ""
			}
		}
	}
	if configVar != "" {
		p.Config = abs(expand(configVar))
		p.ConfigExists = isFile(p.Config)
	} else if c, ok := findConfig(p.StateDir, gwHome, !stateFromEnv); ok {
		p.Config, p.ConfigExists = c, true
	}
	cfg := readConfigForPaths(p)

	agentEnv := firstNonEmpty(getenv("OPENCLAW_AGENT_DIR"), getenv("CLAWDBOT_AGENT_DIR"), getenv("PI_CODING_AGENT_DIR"))
	if firstNonEmpty(getenv("OPENCLAW_AGENT_DIR")) == "" && firstNonEmpty(getenv("CLAWDBOT_AGENT_DIR")) != "" {
		if v, ok := parseVersion(cfg.version); ok && !v.less(version{2026, 1, 29}) {
			p.Ignored = append(p.Ignored, "CLAWDBOT_AGENT_DIR is set, but openclaw "+cfg.version+" ignores it: only clawdbot reads it")
			agentEnv = firstNonEmpty(getenv("PI_CODING_AGENT_DIR"))
		}
	}
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
	case agentEnv != "":
		p.AgentDir = abs(expand(agentEnv))
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
	mainDir := filepath.Join(p.StateDir, "agents", DefaultAgent, "agent")
	if d := strings.TrimSpace(getenv("OPENCLAW_AGENT_DIR")); d != "" {
		mainDir = abs(expand(d))
	}
	p.MainAgentDB = filepath.Join(mainDir, "openclaw-agent.sqlite")
	p.Env = filepath.Join(p.StateDir, ".env")
	p.LegacyAuth = filepath.Join(p.AgentDir, "auth.json")
	p.LegacyOAuth = filepath.Join(p.StateDir, "credentials", "oauth.json")

	p.detectIn = readDetectInputs(getenv)
	p.Gateway = detectGateway(p, cfg, p.detectIn)
	if !p.ConfigExists && p.Config == "" {
		p.configDefault = true
		name := "openclaw.json"
		switch {
		case p.Gateway.Name == "clawdbot", p.Gateway.Generation == GenClawdbot && p.Gateway.Name == "":
			name = "clawdbot.json" // the only name clawdbot reads
		case p.Gateway.Name == nameClawdbotOrOpenclaw:
			name = "clawdbot.json" // read by clawdbot and, after openclaw.json, by every openclaw
		}
		p.Config = filepath.Join(p.StateDir, name)
	}
	return p, nil
}

// releaseNoClawdbotVars is the first openclaw that no longer reads
// CLAWDBOT_STATE_DIR and CLAWDBOT_CONFIG_PATH (3.13 is the last that does).
var releaseNoClawdbotVars = version{2026, 3, 22}

// nameClawdbotOrOpenclaw is Gateway.Name when the files say only that it is
// one of the two (a store in a legacy dir, nothing to date it).
const nameClawdbotOrOpenclaw = "clawdbot or openclaw"

// defaultStateDir is the state dir in gwHome when no variable names one:
// .openclaw if it exists (even empty), else the first legacy dir that
// exists — .clawdbot (followed when it is openclaw's symlink), .moldbot,
// .moltbot (openclaw 2026.2.17–3.13's order; 3.22 on read .clawdbot only,
// and those two only until an openclaw migrates them) — else .openclaw.
func defaultStateDir(gwHome string) string {
	openclaw := filepath.Join(gwHome, ".openclaw")
	if isDir(openclaw) {
		return openclaw
	}
	for _, name := range []string{".clawdbot", ".moldbot", ".moltbot"} {
		d := filepath.Join(gwHome, name)
		if !isDir(d) {
			continue
		}
		if real, err := filepath.EvalSymlinks(d); err == nil {
			d = real // ~/.clawdbot -> ~/.openclaw once migrated
		}
		return d
	}
	return openclaw
}

// findConfig is the first config that exists for stateDir: openclaw.json,
// clawdbot.json, moldbot.json, moltbot.json in it; with alsoHome (no
// variable named the state dir) then openclaw.json and clawdbot.json in
// ~/.openclaw and ~/.clawdbot, as openclaw's candidate list crosses
// directories.
func findConfig(stateDir, gwHome string, alsoHome bool) (string, bool) {
	for _, name := range []string{"openclaw.json", "clawdbot.json", "moldbot.json", "moltbot.json"} {
		if c := filepath.Join(stateDir, name); isFile(c) {
			return c, true
		}
	}
	if !alsoHome || gwHome == "" {
		return "", false
	}
	for _, dir := range []string{".openclaw", ".clawdbot"} {
		for _, name := range []string{"openclaw.json", "clawdbot.json"} {
			if c := filepath.Join(gwHome, dir, name); isFile(c) {
				return c, true
			}
		}
	}
	return "", false
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
