package views

import (
	"context"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
)

// This file is copying the selected profile to another agent (the Copy
// key): the agent picker asks where to (newCopyPicker), authstore.
// CopyProfile writes it there in one transaction from a fresh read, and a
// different credential already there is replaced only after the confirm
// dialog's yes (and only while it is still the one asked about).

// Messages of a copy.
type (
	// copyTargetsListedMsg is the agents a profile may be copied to.
	copyTargetsListedMsg struct {
		from   string // the agent dir copied from (a switch meanwhile makes it stale)
		id     string
		agents []agentInfo
		paths  map[string]authstore.Paths
		err    error
	}
	// copyTargetPickedMsg is the agent chosen in the copy picker.
	copyTargetPickedMsg struct{ id, to string }
	// profileCopiedMsg is what copying did.
	profileCopiedMsg struct {
		id   string
		from string
		res  authstore.CopyResult
		err  error
	}
)

// copySelected starts copying the selected profile: it lists the other
// agents for the picker.
func (d *Dashboard) copySelected() tea.Cmd {
	if why := d.cannotCopy(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	id, _ := d.table.selectedID()
	return listCopyTargets(d.env.Paths, d.env.Getenv, id, d.now, d.warn)
}

// cannotCopy says why the selected row cannot be copied now, or "".
func (d *Dashboard) cannotCopy() string {
	if d.table.list.onEnvRow() {
		return d.envReadOnly()
	}
	id, ok := d.table.selectedID()
	if !ok {
		return "no profile selected"
	}
	if d.providers.selected() == authstore.NoProvider {
		return id + ` has no "provider" field: the gateway cannot use it, so it is not copied (see moltbot doctor)`
	}
	return d.cannotWrite()
}

// listCopyTargets finds the agents other than from's (authstore.
// KnownAgents: the config's and those with a directory) and what each
// holds at id.
func listCopyTargets(from authstore.Paths, getenv func(string) string, id string, now time.Time, warn time.Duration) tea.Cmd {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return func() tea.Msg {
		msg := copyTargetsListedMsg{from: from.AgentDir, id: id, paths: map[string]authstore.Paths{}}
		src, err := authstore.LoadWithEnv(from, getenv)
		if err != nil {
			msg.err = err
			return msg
		}
		p, _ := src.Store.Profile(id)
		for _, agent := range authstore.KnownAgents(from) {
			to, err := from.ForAgent(agent)
			if err != nil || to.SameAgent(from) {
				continue
			}
			info, snap := summarizeAgent(to, getenv, now, warn)
			if info.problem == "" && snap.Store != nil {
				if cur, ok := snap.Store.Profile(id); ok {
					info.note = "has a different one"
					if authstore.SameCredential(cur, p) {
						info.note = "has it"
					}
				}
			}
			msg.agents = append(msg.agents, info)
			msg.paths[agent] = to
		}
		return msg
	}
}

// newCopyPicker asks which agent gets a copy of profile id.
func newCopyPicker(keys DashboardKeys, st DashboardStyles, agents []agentInfo, id string) *agentPicker {
	p := newAgentPicker(keys, st, agents, "")
	p.title, p.verb, p.pickHelp = "Copy "+authstore.SafeText(id)+" to which agent?", "copy", "copy there"
	p.pick = func(to string) tea.Msg { return copyTargetPickedMsg{id: id, to: to} }
	p.close = keys.Copy
	return p
}

// onCopyTargets opens the copy picker.
func (d *Dashboard) onCopyTargets(msg copyTargetsListedMsg) tea.Cmd {
	if msg.from != d.env.Paths.AgentDir {
		return nil // the dashboard switched agents meanwhile
	}
	if msg.err != nil {
		return status(StatusError, "could not read the store to copy %s: %v", msg.id, msg.err)
	}
	if len(msg.agents) == 0 {
		return status(StatusInfo, "no other agent to copy %s to (agents are the config's agents list and the directories in %s)", msg.id, d.displayPath(filepath.Join(d.env.Paths.StateDir, "agents")))
	}
	d.copyTargets = msg.paths
	d.open(newCopyPicker(d.keys, d.st, msg.agents, msg.id))
	return nil
}

// onCopyPicked copies to the agent chosen (asking first when it holds a
// different credential: see onCopied).
func (d *Dashboard) onCopyPicked(msg copyTargetPickedMsg) tea.Cmd {
	to, ok := d.copyTargets[msg.to]
	if !ok {
		return nil
	}
	return d.startCopy(msg.id, to, nil)
}

// startCopy runs the copy of id to the agent at to; replace is the
// credential there the user agreed to replace (nil: replace nothing).
func (d *Dashboard) startCopy(id string, to authstore.Paths, replace *authstore.Profile) tea.Cmd {
	if why := d.cannotWrite(); why != "" {
		return status(StatusWarn, "%s", why)
	}
	d.writing = "copying " + id + " to agent " + to.AgentID
	from := d.env.Paths
	return tea.Batch(status(StatusInfo, "copying %s to agent %s…", id, to.AgentID), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		res, err := authstore.CopyProfile(ctx, from, id, []authstore.Paths{to}, authstore.CopyOptions{Replace: replace})
		return profileCopiedMsg{id: id, from: from.AgentDir, res: res, err: err}
	})
}

// onCopied says what the copy did, or asks before replacing a different
// credential.
func (d *Dashboard) onCopied(msg profileCopiedMsg) tea.Cmd {
	d.writing = ""
	if msg.err != nil {
		return status(StatusError, "could not copy %s: %v", msg.id, msg.err)
	}
	if len(msg.res.Targets) != 1 {
		return nil
	}
	t := msg.res.Targets[0]
	agent := t.Paths.AgentID
	switch t.Outcome {
	case authstore.CopyWritten:
		return status(StatusSuccess, "copied %s to agent %s", msg.id, agent)
	case authstore.CopyReplaced:
		return status(StatusSuccess, "replaced %s in agent %s with this agent's", msg.id, agent)
	case authstore.CopyAlready:
		return status(StatusInfo, "agent %s already has %s (the same credential); nothing written", agent, msg.id)
	case authstore.CopyConflict:
		if msg.from != d.env.Paths.AgentDir {
			return nil
		}
		d.open(newConfirmDialog(d.keys, d.st, question{
			kind: askCopyReplace, id: msg.id, to: t.Paths, existing: t.Existing,
			had: describeExisting(t.Existing, d.now), comes: describeExisting(msg.res.Profile, d.now),
		}))
		return nil
	}
	return status(StatusError, "could not copy %s to agent %s: %v", msg.id, agent, t.Err)
}

// copyAnswer carries out the answer to "replace it in that agent?".
func (d *Dashboard) copyAnswer(msg confirmAnsweredMsg) tea.Cmd {
	q := msg.q
	if !msg.yes {
		return status(StatusInfo, "kept agent %s's %s", q.to.AgentID, q.id)
	}
	existing := q.existing
	return d.startCopy(q.id, q.to, &existing)
}
