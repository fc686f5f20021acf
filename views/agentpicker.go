package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the agent picker (`g`): the agents of the state directory
// that have a store, a one-word summary of each, over the dashboard. While
// open it takes every key; its answer is an agentPickedMsg, or nothing when
// it is closed.

// agentPickedMsg says the user chose agent id.
type agentPickedMsg struct{ id string }

// agentPicker is the open picker: the agents, the one shown now, the
// highlighted one. The same picker asks where to copy a profile
// (newCopyPicker): then its answer is a copyTargetPickedMsg.
type agentPicker struct {
	keys          DashboardKeys
	st            DashboardStyles
	title, verb   string // "Show which agent?", "show"
	agents        []agentInfo
	shown         string
	cursor        int
	width, height int
	done          bool
	picked        tea.Msg
	// pick makes the answer for the agent id chosen; close is the key
	// that opened the picker, which closes it again.
	pick  func(id string) tea.Msg
	close key.Binding
	// pickHelp describes PickAgent in the help ("" keeps the binding's).
	pickHelp string
}

var _ dialog = (*agentPicker)(nil)

// newAgentPicker asks which of agents to show; the cursor starts on the
// one shown now.
func newAgentPicker(keys DashboardKeys, st DashboardStyles, agents []agentInfo, shown string) *agentPicker {
	p := &agentPicker{keys: keys, st: st, title: "Show which agent?", verb: "show", agents: agents, shown: shown,
		pick: func(id string) tea.Msg { return agentPickedMsg{id: id} }, close: keys.Agents}
	for i, a := range agents {
		if a.id == shown {
			p.cursor = i
		}
	}
	return p
}

// Init does nothing: the agents were listed before the picker opened.
func (p *agentPicker) Init() tea.Cmd { return nil }

// SetSize is the room the picker is centred in.
func (p *agentPicker) SetSize(w, h int) { p.width, p.height = w, h }

// CapturesInput is false: the picker takes keys, not text.
func (p *agentPicker) CapturesInput() bool { return false }

// Result is the agent picked (nil when the picker was closed), once done.
func (p *agentPicker) Result() (tea.Msg, bool) {
	if p.picked != nil {
		return p.picked, true
	}
	return nil, p.done
}

// Update moves the highlight, picks (agentPickedMsg) or closes.
func (p *agentPicker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || p.done || len(p.agents) == 0 {
		return p, nil
	}
	k := p.keys
	switch {
	case key.Matches(km, k.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(km, k.Down):
		p.cursor = min(p.cursor+1, len(p.agents)-1)
	case key.Matches(km, k.Top):
		p.cursor = 0
	case key.Matches(km, k.Bottom):
		p.cursor = len(p.agents) - 1
	case key.Matches(km, k.PickAgent):
		p.done = true
		p.picked = p.pick(p.agents[p.cursor].id)
	case key.Matches(km, k.ClosePicker), key.Matches(km, p.close):
		p.done = true
	}
	return p, nil
}

// View is the picker's box (Overlay centres it).
func (p *agentPicker) View() string {
	st := p.st
	w := min(max(p.width-4, 30), 60)
	inner := w - 4
	idW := 0
	for _, a := range p.agents {
		idW = max(idW, ansi.StringWidth(authstore.SafeText(a.id)))
	}
	idW = min(idW, inner/2)
	// "● shown" shrinks to its dot when a row would not fit otherwise.
	shownLabel, whatW := "● shown  ", 0
	for _, a := range p.agents {
		whatW = max(whatW, lipgloss.Width(fmt.Sprintf("%d %s · %s", a.profiles, plural(a.profiles, "profile", "profiles"), a.status)), lipgloss.Width("✗ "+a.problem+" store"))
	}
	if 2+idW+2+lipgloss.Width(shownLabel)+whatW > inner {
		shownLabel = "● "
	}
	lines := []string{st.DialogTitle.Render(p.title), ""}
	rows := max(p.height-8, 1)
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
		cur := strings.Repeat(" ", lipgloss.Width(shownLabel))
		switch {
		case p.shown == "": // the copy picker: no agent is "shown"
			cur = ""
		case a.id == p.shown:
			cur = st.Key.Render(shownLabel)
		}
		if a.note != "" {
			what += st.Dim.Render(" · " + a.note)
		}
		line := mark + fitCell(authstore.SafeText(a.id), idW) + "  " + cur + what
		if i == p.cursor {
			line = st.Text.Inherit(st.Selected).Render(ansi.Strip(ansi.Truncate(line, inner, "…")))
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", renderKeyName(firstKey(p.keys.PickAgent), st.Key, st.Dim)+st.Dim.Render(" "+p.verb+"   ")+
		renderKeyName(firstKey(p.keys.ClosePicker), st.Key, st.Dim)+st.Dim.Render(" cancel"))
	for i, l := range lines {
		lines[i] = FitLine(l, inner)
	}
	return st.Picker.Width(w - 2).Render(strings.Join(lines, "\n"))
}

// ShortHelp is the picker's keys.
func (p *agentPicker) ShortHelp() []key.Binding {
	k := p.keys
	return []key.Binding{relabel(k.Up, keyPair(k.Up, k.Down), "select"), p.pickBinding(), k.ClosePicker}
}

// FullHelp is the picker's keys.
func (p *agentPicker) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, p.pickBinding(), k.ClosePicker}}
}

// pickBinding is PickAgent as this picker's help names it.
func (p *agentPicker) pickBinding() key.Binding {
	if p.pickHelp == "" {
		return p.keys.PickAgent
	}
	return describe(p.keys.PickAgent, p.pickHelp)
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
