package views

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the agent picker (`g`): every <state>/agents/<id>/agent that
// has a store, with a one-word summary of each, over the dashboard.

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

// agentPicker is the open picker: the agents and the highlighted one.
type agentPicker struct {
	agents []agentInfo
	cursor int
}

// AgentIDs are the agents the dashboard found (for tests and wiring).
func (d *Dashboard) AgentIDs() []string {
	return append([]string(nil), d.agentIDs...)
}

// Agent is the agent whose files are shown ("" when the agent directory
// came from the environment).
func (d *Dashboard) Agent() string { return d.env.Paths.AgentID }

// PickingAgent reports whether the agent picker is open.
func (d *Dashboard) PickingAgent() bool { return d.picker != nil }

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
	d.picker = &agentPicker{agents: d.agents}
	for i, a := range d.agents {
		if a.id == d.env.Paths.AgentID {
			d.picker.cursor = i
		}
	}
	return nil
}

// openAgents looks for agents and opens the picker.
func (d *Dashboard) openAgents() tea.Cmd {
	if d.saving != nil || d.busy != "" {
		return status(StatusWarn, "a save is in progress — wait a moment before switching agents")
	}
	if d.list.grab != nil {
		return status(StatusWarn, "finish the move first (space to drop, esc to cancel)")
	}
	return listAgents(d.env.Paths.StateDir, d.env.Getenv, d.now, d.warn, true)
}

func (d *Dashboard) onPickerKey(msg tea.KeyMsg) tea.Cmd {
	k := d.keys
	p := d.picker
	switch {
	case key.Matches(msg, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(msg, k.Down):
		p.cursor = min(p.cursor+1, len(p.agents)-1)
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = len(p.agents) - 1
	case key.Matches(msg, k.PickAgent):
		id := p.agents[p.cursor].id
		d.picker = nil
		if id == d.env.Paths.AgentID {
			return status(StatusInfo, "already showing agent %s", id)
		}
		return d.switchAgent(id)
	case key.Matches(msg, k.ClosePicker), key.Matches(msg, k.Agents):
		d.picker = nil
	}
	return nil
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
	d.list = reorderList{}
	d.rows = map[string]profileRow{}
	d.envRows = nil
	d.pending = map[string]authstore.Override{}
	d.queued = nil
	d.confirm = nil
	d.drag = nil
	d.probes = map[string]probeState{}
	d.endRenew()
	d.rowsVersion++
	return tea.Batch(d.reload(), emit(AgentSwitchedMsg{Paths: paths}), status(StatusInfo, "showing agent %s", id))
}

// agentPickerView draws the picker box.
func (d *Dashboard) agentPickerView() string {
	st := d.st
	p := d.picker
	w := min(max(d.width-8, 30), 60)
	inner := w - 4
	idW := 0
	for _, a := range p.agents {
		idW = max(idW, ansi.StringWidth(authstore.SafeText(a.id)))
	}
	idW = min(idW, inner/2)
	lines := []string{st.DialogTitle.Render("Show which agent?"), ""}
	rows := max(d.height-8, 1)
	off := 0
	if p.cursor >= rows {
		off = p.cursor - rows + 1
	}
	for i := off; i < len(p.agents) && i < off+rows; i++ {
		a := p.agents[i]
		mark := "  "
		if i == p.cursor {
			mark = st.Cursor.Render("▸") + " "
		}
		var what string
		switch {
		case a.problem != "":
			what = st.Bad.Render("✗ " + a.problem + " store")
		case a.profiles == 0:
			what = st.Dim.Render("no profiles")
		default:
			what = st.Dim.Render(fmt.Sprintf("%d %s · ", a.profiles, plural(a.profiles, "profile", "profiles"))) + st.badge(a.status).Render(string(a.status))
		}
		cur := "         "
		if a.id == d.env.Paths.AgentID {
			cur = st.Key.Render("● shown  ")
		}
		line := mark + fitCell(authstore.SafeText(a.id), idW) + "  " + cur + what
		if i == p.cursor {
			line = st.Text.Inherit(st.Selected).Render(ansi.Strip(ansi.Truncate(line, inner, "…")))
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", st.Key.Render("enter")+st.Dim.Render(" show   ")+st.Key.Render("esc")+st.Dim.Render(" cancel"))
	for i, l := range lines {
		lines[i] = FitLine(l, inner)
	}
	return st.Picker.Width(w - 2).Render(strings.Join(lines, "\n"))
}
