package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the confirm dialog: a change that waits for the user's yes
// (removing a profile, clearing an order override, clearing a cooldown),
// drawn over the
// dashboard. While open it takes every key; its answer is a
// confirmAnsweredMsg, which the dashboard acts on at once.

// askKind is the change a question is about.
type askKind int

const (
	askRemove        askKind = iota // remove the profile id
	askClearOrder                   // clear provider's order override
	askCopyReplace                  // replace another agent's different credential at id by a copy
	askClearCooldown                // clear the cooldown of ids
)

// question is what the dialog asks, with what its text shows.
type question struct {
	kind     askKind
	id       string   // askRemove: the profile
	typ      string   // askRemove: its type
	provider string   // askClearOrder: whose override
	override []string // askClearOrder: the override as shown when asked
	ids      []string // askClearCooldown: the profiles
	states   []string // askClearCooldown: each one's state as shown when asked
	// askCopyReplace: the agent copied to, what it holds at id (replaced
	// only while it still does), and both described for the question.
	to         authstore.Paths
	existing   authstore.Profile
	had, comes string
}

// confirmAnsweredMsg is the user's answer to q.
type confirmAnsweredMsg struct {
	q   question
	yes bool
}

// confirmDialog is the open question.
type confirmDialog struct {
	keys          DashboardKeys
	st            DashboardStyles
	q             question
	width, height int
	answer        *confirmAnsweredMsg
}

var _ dialog = (*confirmDialog)(nil)

func newConfirmDialog(keys DashboardKeys, st DashboardStyles, q question) *confirmDialog {
	return &confirmDialog{keys: keys, st: st, q: q}
}

// Init does nothing: the question is all there is.
func (c *confirmDialog) Init() tea.Cmd { return nil }

// SetSize is the room the dialog is centred in.
func (c *confirmDialog) SetSize(w, h int) { c.width, c.height = w, h }

// CapturesInput is false: the dialog takes keys, not text (q still quits).
func (c *confirmDialog) CapturesInput() bool { return false }

// Result is the answer, once there is one.
func (c *confirmDialog) Result() (tea.Msg, bool) {
	if c.answer == nil {
		return nil, false
	}
	return *c.answer, true
}

// Update answers on Confirm or Deny; other keys do nothing.
func (c *confirmDialog) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok || c.answer != nil {
		return c, nil
	}
	switch {
	case key.Matches(k, c.keys.Confirm):
		c.answer = &confirmAnsweredMsg{q: c.q, yes: true}
	case key.Matches(k, c.keys.Deny):
		c.answer = &confirmAnsweredMsg{q: c.q}
	}
	return c, nil
}

// View is the dialog's box (Overlay centres it).
func (c *confirmDialog) View() string {
	st, q := c.st, c.q
	w := min(max(c.width-8, 30), 64)
	inner := w - 4
	title := "Remove " + ansi.Truncate(authstore.SafeText(q.id), inner-8, "…") + "?"
	text := fmt.Sprintf("The %s profile is deleted from auth-profiles.json (with its usage stats and its place in every order) and from the config's auth.profiles.", q.typ)
	verb, keep := " remove   ", " keep it"
	var listed []string
	switch q.kind {
	case askClearOrder:
		title = "Clear the " + ansi.Truncate(authstore.SafeText(q.provider), inner-20, "…") + " order override?"
		text = fmt.Sprintf("The gateway stops using the override (%s) and tries the %s profiles in the order the config or its automatic rule gives.", authstore.ListIDs(q.override, 0), authstore.SafeText(q.provider))
		verb = " clear   "
	case askCopyReplace:
		title = "Replace " + ansi.Truncate(authstore.SafeText(q.id), inner-26, "…") + " in agent " + ansi.Truncate(authstore.SafeText(q.to.AgentID), 12, "…") + "?"
		text = fmt.Sprintf("Agent %s holds a different %s (%s). The copy (%s) replaces it there, in its place in that agent's order.",
			authstore.SafeText(q.to.AgentID), authstore.SafeText(q.id), q.had, q.comes)
		verb = " replace   "
	case askClearCooldown:
		title, text, listed = c.cooldownText(inner)
		verb, keep = " clear   ", " keep waiting"
	}
	lines := []string{st.DialogTitle.Render(title), ""}
	for _, l := range listed {
		lines = append(lines, st.Warn.Render(l))
	}
	if len(listed) > 0 {
		lines = append(lines, "")
	}
	lines = append(lines,
		st.Text.Render(ansi.Wordwrap(text, inner, "")),
		"",
		renderKeyName(keyName(c.keys.Confirm), st.Key, st.Dim)+st.Dim.Render(verb)+renderKeyName(keyName(c.keys.Deny), st.Key, st.Dim)+st.Dim.Render(keep),
	)
	return st.Dialog.Width(w - 2).Render(strings.Join(lines, "\n"))
}

// cooldownText is the clear-cooldown question: its title, what clearing
// does, and each profile's state, one line each (at most a few: the rest
// are counted), cut to inner cells.
func (c *confirmDialog) cooldownText(inner int) (title, text string, listed []string) {
	q := c.q
	n := len(q.ids)
	if n == 1 {
		title = "Clear the cooldown of " + ansi.Truncate(authstore.SafeText(q.ids[0]), inner-26, "…") + "?"
	} else {
		title = fmt.Sprintf("Clear the cooldowns of %d %s profiles?", n, ansi.Truncate(authstore.SafeText(q.provider), inner-36, "…"))
	}
	const most = 5 // lines
	for i, s := range q.states {
		if len(listed) >= most-1 && i < n-1 || len(listed) >= most {
			listed = append(listed[:min(len(listed), most-1)], fmt.Sprintf("… and %d more", n-i))
			break
		}
		listed = append(listed, strings.Split(ansi.Wordwrap(authstore.SafeText(s), inner, ""), "\n")...)
	}
	text = fmt.Sprintf("The gateway tries %s again at once: its cooldown, disabled and blocked times, their reasons and error counts are cleared from usageStats, nothing else. %s undoes it.",
		plural(n, "it", "them"), firstKey(c.keys.Undo))
	return title, text, listed
}

// ShortHelp is the two answers.
func (c *confirmDialog) ShortHelp() []key.Binding {
	switch c.q.kind {
	case askClearOrder, askClearCooldown:
		return []key.Binding{describe(c.keys.Confirm, "clear"), c.keys.Deny}
	case askCopyReplace:
		return []key.Binding{describe(c.keys.Confirm, "replace"), c.keys.Deny}
	}
	return []key.Binding{c.keys.Confirm, c.keys.Deny}
}

// FullHelp is the two answers.
func (c *confirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// onAnswer carries out (or not) what the confirm dialog asked.
func (d *Dashboard) onAnswer(msg confirmAnsweredMsg) tea.Cmd {
	q := msg.q
	switch {
	case q.kind == askCopyReplace:
		return d.copyAnswer(msg)
	case !msg.yes && q.kind == askClearOrder:
		return status(StatusInfo, "kept the %s order", q.provider)
	case !msg.yes && q.kind == askClearCooldown:
		return status(StatusInfo, "left %s to wait", authstore.ListIDs(q.ids, 0))
	case !msg.yes:
		return status(StatusInfo, "kept it")
	case q.kind == askClearCooldown:
		return d.clearCooldown(q)
	case q.kind == askClearOrder:
		if why := d.cannotWrite(); why != "" {
			return status(StatusWarn, "%s", why)
		}
		d.writing = "clearing the " + q.provider + " order"
		return clearOrder(d.env.Paths, d.env.Getenv, q.provider)
	}
	d.writing = "removing " + q.id
	return tea.Batch(status(StatusInfo, "removing %s…", q.id), removeProfile(d.env.Paths, d.env.Getenv, q.id))
}
