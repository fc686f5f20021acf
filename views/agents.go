package views

import (
	"errors"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is about the other agents of the state directory: finding
// every <state>/agents/<id>/agent that has a store, summarising each for
// the picker (agentpicker.go), and switching the dashboard to one.

// AgentSwitchedMsg says the dashboard now shows another agent's files; the
// root re-points its file watcher (and the wizard) at Paths.
type AgentSwitchedMsg struct{ Paths authstore.Paths }

// agentInfo is one agent as the picker lists it.
type agentInfo struct {
	id       string
	profiles int
	status   authstore.Status // worst provider status; "" when unreadable
	problem  string           // why its store cannot be read ("corrupt")
	// note says, in the copy picker, what the agent holds at the id being
	// copied ("has it", "has another").
	note string
}

// agentsListedMsg is the result of looking for agents; open asks for the
// picker (the `g` key) rather than a quiet refresh of the header.
type agentsListedMsg struct {
	stateDir string
	agents   []agentInfo
	err      error
	open     bool
}

// listAgents finds the agents under stateDir and summarises each store.
func listAgents(stateDir string, getenv func(string) string, now time.Time, warn time.Duration, open bool) tea.Cmd {
	return func() tea.Msg {
		ids, err := authstore.DiscoverAgents(stateDir)
		msg := agentsListedMsg{stateDir: stateDir, err: err, open: open}
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		for _, id := range ids {
			info, _ := summarizeAgent(agentPaths(authstore.Paths{StateDir: stateDir}, id), getenv, now, warn)
			msg.agents = append(msg.agents, info)
		}
		return msg
	}
}

// summarizeAgent reads the agent at paths and sums it up for the picker;
// snap is what was read (nothing when it cannot be read).
func summarizeAgent(paths authstore.Paths, getenv func(string) string, now time.Time, warn time.Duration) (agentInfo, authstore.Snapshot) {
	info := agentInfo{id: paths.AgentID}
	snap, lerr := authstore.LoadWithEnv(paths, getenv)
	var ce *authstore.CorruptError
	switch {
	case errors.As(lerr, &ce):
		info.problem = "corrupt"
	case lerr != nil:
		info.problem = "unreadable"
	default:
		rep := authstore.BuildReport(snap, now, warn)
		for _, p := range rep.Providers {
			info.profiles += len(p.Profiles)
			if info.status == "" || p.Status.Worse(info.status) {
				info.status = p.Status
			}
		}
	}
	return info, snap
}

// agentPaths are base's files for another agent of the same state
// directory: the store and its neighbours move, the state-wide files
// (config, .env, legacy OAuth) stay.
func agentPaths(base authstore.Paths, id string) authstore.Paths {
	p := base
	p.AgentID = id
	p.AgentDir = filepath.Join(base.StateDir, "agents", id, "agent")
	p.Store = filepath.Join(p.AgentDir, "auth-profiles.json")
	p.Backup = p.Store + ".bak"
	p.LegacyAuth = filepath.Join(p.AgentDir, "auth.json")
	if p.Env == "" {
		p.Env = filepath.Join(base.StateDir, ".env")
	}
	if p.LegacyOAuth == "" {
		p.LegacyOAuth = filepath.Join(base.StateDir, "credentials", "oauth.json")
	}
	if p.Config == "" {
		p.Config = filepath.Join(base.StateDir, "clawdbot.json")
	}
	return p
}
