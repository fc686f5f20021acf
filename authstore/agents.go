package authstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// DiscoverAgents lists the agents of p's gateway that have credentials
// files in any generation (auth-profiles.json, auth-state.json, their own
// openclaw-agent.sqlite; for the main agent also openclaw's shared state
// database), among the config's agents and the <state>/agents/<id>/agent
// directories (KnownAgents), sorted with the default agent first. Each
// agent's directory is the config's when it names one.
func DiscoverAgents(p Paths) ([]string, error) {
	if _, err := os.Stat(p.StateDir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range KnownAgents(p) {
		q, err := p.ForAgent(id)
		if err != nil {
			continue
		}
		if q.hasCredentialsFiles() {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// hasCredentialsFiles reports whether any file that holds the agent's
// credentials exists (see DiscoverAgents).
func (p Paths) hasCredentialsFiles() bool {
	for _, f := range []string{p.Store, p.StateFile, p.AgentDB} {
		if _, err := os.Lstat(f); err == nil {
			return true
		}
	}
	return p.AgentID == DefaultAgent && p.Gateway.Generation == GenSQLite && exists(p.SharedDB)
}

// KnownAgents lists the agents that exist for p's gateway, sorted with the
// default agent first: the config's agents (agents.entries, else
// agents.list; without either, the gateway has one agent, main), every
// <state>/agents/<id>/agent directory (whatever generation's files it
// holds). An agent in none of these is almost always a
// typo: openclaw's --agent refuses one its config does not list.
func KnownAgents(p Paths) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	cfg := readConfigForPaths(p)
	for _, a := range cfg.list {
		add(a.id)
	}
	if len(cfg.list) == 0 {
		add(DefaultAgent)
	}
	if entries, err := os.ReadDir(filepath.Join(p.StateDir, "agents")); err == nil {
		for _, e := range entries {
			if validAgentID(e.Name()) && isDir(filepath.Join(p.StateDir, "agents", e.Name(), "agent")) {
				add(e.Name())
			}
		}
	}
	sort.SliceStable(ids, func(i, j int) bool {
		if (ids[i] == DefaultAgent) != (ids[j] == DefaultAgent) {
			return ids[i] == DefaultAgent
		}
		return ids[i] < ids[j]
	})
	return ids
}

// AgentKnown reports whether id (trimmed, lower-cased) is one of
// KnownAgents(p).
func AgentKnown(p Paths, id string) bool {
	return slices.Contains(KnownAgents(p), strings.ToLower(strings.TrimSpace(id)))
}

// ForAgent is p for another agent of the same gateway: the same state
// directory, config and .env; the agent's own directory where the config
// puts it (agents.list[].agentDir), else <state>/agents/<id>/agent; and the
// generation detected again from that agent's files (as --agent id would
// resolve them).
func (p Paths) ForAgent(id string) (Paths, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" || !validAgentID(id) {
		return Paths{}, errors.New("invalid agent id " + quote(id) + ": use letters, digits, '.', '_' or '-'")
	}
	q := p
	q.AgentID = id
	q.AgentDir = filepath.Join(p.StateDir, "agents", id, "agent")
	cfg := readConfigForPaths(p)
	if d := strings.TrimSpace(cfg.agentDir(id)); d != "" {
		switch {
		case d == "~" && p.home != "":
			d = p.home
		case strings.HasPrefix(d, "~/") && p.home != "":
			d = filepath.Join(p.home, d[2:])
		}
		if a, err := filepath.Abs(d); err == nil {
			d = a
		}
		q.AgentDir = d
	}
	q.Store = filepath.Join(q.AgentDir, "auth-profiles.json")
	q.Backup = q.Store + ".bak"
	q.StateFile = filepath.Join(q.AgentDir, "auth-state.json")
	q.AgentDB = filepath.Join(q.AgentDir, "openclaw-agent.sqlite")
	q.LegacyAuth = filepath.Join(q.AgentDir, "auth.json")
	q.Gateway = detectGateway(q, cfg, p.detectIn)
	return q, nil
}

// SameAgent reports whether p and q are the same agent's files.
func (p Paths) SameAgent(q Paths) bool {
	return filepath.Clean(p.AgentDir) == filepath.Clean(q.AgentDir)
}

// ConfiguredAgents are the agents the config lists (agents.entries, else
// agents.list), in its order; none when it lists none.
func ConfiguredAgents(p Paths) []string {
	var ids []string
	for _, a := range readConfigForPaths(p).list {
		ids = append(ids, a.id)
	}
	return ids
}
