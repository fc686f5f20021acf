package authstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// DefaultAgent is the agent used when neither --agent nor an agent-dir
// environment variable says otherwise.
const DefaultAgent = "main"

// Paths are the files one agent's credentials live in (SPEC §1).
type Paths struct {
	StateDir string // the gateway's state directory
	AgentID  string // empty when the agent dir came from the environment
	AgentDir string
	Store    string // auth-profiles.json
	Backup   string // auth-profiles.json.bak
	Env      string // <state>/.env
	// Config is the config file to read; ConfigExists reports whether it is
	// there. When none exists it names clawdbot.json, the file to create.
	Config       string
	ConfigExists bool
	LegacyAuth   string // <agent dir>/auth.json
	LegacyOAuth  string // <state>/credentials/oauth.json
}

// Lock is the gateway-compatible lock path for the store as named (the
// transaction resolves symlinks first and locks the real file's path).
func (p Paths) Lock() string { return p.Store + ".lock" }

// Getenv reads one environment variable; tests pass a map-backed function.
type Getenv func(string) string

// ResolvePaths finds the files for agent (empty: the default agent) the way
// the gateway does. home is the user's home directory.
func ResolvePaths(agent string, getenv Getenv, home string) (Paths, error) {
	expand := func(p string) string {
		p = strings.TrimSpace(p)
		if p == "~" {
			return home
		}
		if strings.HasPrefix(p, "~/") {
			return filepath.Join(home, p[2:])
		}
		return p
	}
	var p Paths
	switch {
	case strings.TrimSpace(getenv("MOLTBOT_STATE_DIR")) != "":
		p.StateDir = expand(getenv("MOLTBOT_STATE_DIR"))
	case strings.TrimSpace(getenv("CLAWDBOT_STATE_DIR")) != "":
		p.StateDir = expand(getenv("CLAWDBOT_STATE_DIR"))
	default:
		if home == "" {
			return Paths{}, errors.New("cannot find the state directory: $HOME is not set; set MOLTBOT_STATE_DIR")
		}
		p.StateDir = filepath.Join(home, ".clawdbot")
		molt := filepath.Join(home, ".moltbot")
		if isDir(molt) && !isDir(p.StateDir) {
			p.StateDir = molt
		}
	}
	if !filepath.IsAbs(p.StateDir) {
		if abs, err := filepath.Abs(p.StateDir); err == nil {
			p.StateDir = abs
		}
	}

	agent = strings.ToLower(strings.TrimSpace(agent))
	if agent != "" {
		if !validAgentID(agent) {
			return Paths{}, errors.New("invalid agent id " + quote(agent) + ": use letters, digits, '.', '_' or '-'")
		}
		p.AgentID = agent
		p.AgentDir = filepath.Join(p.StateDir, "agents", agent, "agent")
	} else if d := firstNonEmpty(getenv("CLAWDBOT_AGENT_DIR"), getenv("PI_CODING_AGENT_DIR")); d != "" {
		p.AgentDir = expand(d)
		if abs, err := filepath.Abs(p.AgentDir); err == nil {
			p.AgentDir = abs
		}
	} else {
		p.AgentID = DefaultAgent
		p.AgentDir = filepath.Join(p.StateDir, "agents", DefaultAgent, "agent")
	}

	p.Store = filepath.Join(p.AgentDir, "auth-profiles.json")
	p.Backup = p.Store + ".bak"
	p.Env = filepath.Join(p.StateDir, ".env")
	p.LegacyAuth = filepath.Join(p.AgentDir, "auth.json")
	p.LegacyOAuth = filepath.Join(p.StateDir, "credentials", "oauth.json")

	if c := firstNonEmpty(getenv("MOLTBOT_CONFIG_PATH"), getenv("CLAWDBOT_CONFIG_PATH")); c != "" {
		p.Config = expand(c)
		p.ConfigExists = isFile(p.Config)
	} else {
		p.Config = filepath.Join(p.StateDir, "clawdbot.json")
		for _, name := range []string{"moltbot.json", "clawdbot.json"} {
			if c := filepath.Join(p.StateDir, name); isFile(c) {
				p.Config, p.ConfigExists = c, true
				break
			}
		}
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
