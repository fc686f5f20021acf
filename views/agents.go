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
			info := agentInfo{id: id}
			paths := agentPaths(authstore.Paths{StateDir: stateDir}, id)
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
			msg.agents = append(msg.agents, info)
		}
		return msg
	}
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

// AgentIDs are the agents the dashboard found (for tests and wiring).
func (d *Dashboard) AgentIDs() []string {
	return append([]string(nil), d.agentIDs...)
}

// Agent is the agent whose files are shown ("" when the agent directory
// came from the environment).
func (d *Dashboard) Agent() string { return d.env.Paths.AgentID }

// PickingAgent reports whether the agent picker is open.
func (d *Dashboard) PickingAgent() bool {
	_, ok := d.modal.(*agentPicker)
	return ok
}

func (d *Dashboard) onAgentsListed(msg agentsListedMsg) tea.Cmd {
	if msg.stateDir != d.env.Paths.StateDir {
		return nil
	}
	if msg.err != nil {
		if msg.open {
			return status(StatusError, "could not list the agents in %s: %v", d.displayPath(msg.stateDir), msg.err)
		}
		return nil
	}
	d.agents = msg.agents
	d.agentIDs = d.agentIDs[:0]
	for _, a := range msg.agents {
		d.agentIDs = append(d.agentIDs, a.id)
	}
	if !msg.open {
		return nil
	}
	others := 0
	for _, a := range d.agents {
		if a.id != d.env.Paths.AgentID {
			others++
		}
	}
	if others == 0 {
		return status(StatusInfo, "only one agent has a store here (%s); nothing to switch to", d.displayPath(filepath.Join(msg.stateDir, "agents")))
	}
	d.open(newAgentPicker(d.keys, d.st, d.agents, d.env.Paths.AgentID))
	return nil
}

// openAgents looks for agents and opens the picker.
func (d *Dashboard) openAgents() tea.Cmd {
	if d.moves.busy() || d.busy() != "" {
		return status(StatusWarn, "a save is in progress — wait a moment before switching agents")
	}
	if d.table.list.grab != nil {
		return status(StatusWarn, "finish the move first (%s to drop, %s to cancel)", firstKey(d.keys.Drop), firstKey(d.keys.Cancel))
	}
	return listAgents(d.env.Paths.StateDir, d.env.Getenv, d.now, d.warn, true)
}

// onAgentPicked shows the agent chosen in the picker.
func (d *Dashboard) onAgentPicked(msg agentPickedMsg) tea.Cmd {
	if msg.id == d.env.Paths.AgentID {
		return status(StatusInfo, "already showing agent %s", msg.id)
	}
	return d.switchAgent(msg.id)
}

// switchAgent shows another agent's store: everything about the old one
// (rows, probes, pending orders) is dropped and the new one is loaded.
func (d *Dashboard) switchAgent(id string) tea.Cmd {
	paths := agentPaths(d.env.Paths, id)
	d.env.Paths = paths
	d.appliedSeq = d.loadSeq // loads of the old agent still on their way are ignored
	d.loaded, d.hasSnap, d.loadErr = false, false, nil
	d.snap = authstore.Snapshot{}
	d.report = authstore.Report{}
	d.reportGen++
	d.nextChange = time.Time{}
	d.configErr = ""
	d.table.clear()
	d.moves.forget()
	d.modal = nil
	d.probes.forget()
	d.renew.forget()
	return tea.Batch(d.reload(), emit(AgentSwitchedMsg{Paths: paths}), status(StatusInfo, "showing agent %s", id))
}
