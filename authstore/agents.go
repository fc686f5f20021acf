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

// DiscoverAgents lists the agents under stateDir that have a store
// (<state>/agents/<id>/agent/auth-profiles.json), sorted, with the default
// agent first. A missing agents directory is no agents.
func DiscoverAgents(stateDir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(stateDir, "agents"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() || !validAgentID(e.Name()) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(stateDir, "agents", e.Name(), "agent", "auth-profiles.json")); err == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.SliceStable(ids, func(i, j int) bool {
		if (ids[i] == DefaultAgent) != (ids[j] == DefaultAgent) {
			return ids[i] == DefaultAgent
		}
		return ids[i] < ids[j]
	})
	return ids, nil
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
