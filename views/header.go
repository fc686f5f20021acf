package views

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is the lines above the panes: the title line (the program,
// the agent shown and how many there are, the store, the selected
// provider's order source) and, when the store cannot be read, what
// failed, where, and what to do.

// header is those lines' model, made for each frame from the dashboard's
// state (Dashboard.header).
type header struct {
	keys          DashboardKeys
	st            DashboardStyles
	width, height int
	home          string // paths under it show as "~/…"
	agent         string // "" when the agent directory came from the environment
	agents        int    // agents of the state directory with a store
	store         string // the store's path
	order         string // the selected provider's order source ("" none)
	gateway       string // the gateway that wrote the files (gatewayTitle)
	// pending is a migration between gateway generations the files wait
	// for: said above the panes, and nothing is written.
	pending   *authstore.Migration
	err       error // why the newest read failed
	stale     bool  // … and older data is shown, greyed
	configErr error // why the config cannot be read
}

// titleLines is the title line's height.
const titleLines = 1

// titleLine is the program, the agent (and how many there are), the store
// and the selected provider's order source, giving way from the left on a
// narrow screen.
func (h header) titleLine() string {
	st := h.st
	agent := authstore.SafeText(h.agent)
	if agent == "" {
		agent = "(from $CLAWDBOT_AGENT_DIR)"
	}
	path := authstore.SafeText(DisplayPath(h.store, h.home))
	agentPart := st.HeaderDim.Render(" agent ") + st.Header.Render(agent)
	if h.agents > 1 {
		agentPart += st.HeaderDim.Render(fmt.Sprintf(" (%d agents: %s)", h.agents, firstKey(h.keys.Agents)))
	}
	agentPart += st.HeaderDim.Render(" · ")
	left := st.Header.Render(" moltbot") + st.HeaderDim.Render(" ·") + agentPart
	right := ""
	if h.order != "" {
		right = st.HeaderDim.Render("order: ") + st.Header.Render(h.order) + " "
	}
	gateway := ""
	if h.gateway != "" {
		gateway = st.HeaderDim.Render(authstore.SafeText(h.gateway)) + " "
		if right != "" {
			gateway += " "
		}
	}
	// Narrow: the gateway, then the program name go before the path is
	// cut hard.
	const enough = 28
	room := h.width - lipgloss.Width(left) - lipgloss.Width(gateway+right) - 2 // two spaces before it
	if room >= min(enough, lipgloss.Width(path)) {
		right = gateway + right
	} else {
		room = h.width - lipgloss.Width(left) - lipgloss.Width(right) - 1
	}
	if room < min(enough, lipgloss.Width(path)) {
		left = agentPart
		room = h.width - lipgloss.Width(left) - lipgloss.Width(right) - 1
	}
	if room < 12 {
		right = ""
		room = h.width - lipgloss.Width(left)
	}
	mid := st.HeaderDim.Render(truncateMiddle(path, room))
	gap := h.width - lipgloss.Width(left) - lipgloss.Width(mid) - lipgloss.Width(right)
	return left + mid + strings.Repeat(" ", max(gap, 0)) + right
}

// truncateMiddle shortens a path to w cells by dropping whole directories
// from its middle: "~/.clawdbot/…/agent/auth-profiles.json".
func truncateMiddle(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= w {
		return s
	}
	parts := strings.Split(s, "/")
	if len(parts) >= 3 {
		head := parts[0]
		if head == "" && len(parts) > 3 { // an absolute path: keep its first directory
			head = "/" + parts[1]
			parts = parts[1:]
		}
		tail := parts[len(parts)-1]
		best := ""
		for i := len(parts) - 1; i >= 1; i-- {
			cand := head + "/…/" + strings.Join(parts[i:], "/")
			if i == 1 {
				cand = head + "/" + strings.Join(parts[i:], "/")
			}
			if lipgloss.Width(cand) > w {
				break
			}
			best = cand
		}
		if best != "" {
			return best
		}
		if lipgloss.Width("…/"+tail) <= w {
			return "…/" + tail
		}
	}
	return ansi.TruncateLeft(s, lipgloss.Width(s)-w+1, "…")
}

// errorLines say what went wrong reading the store, where, and what to
// do, in at most a third of the height.
func (h header) errorLines() []string {
	w := h.width
	if h.err == nil && h.pending == nil && h.configErr == nil || w <= 0 {
		return nil
	}
	st := h.st
	bar := st.ErrorBar.Render("┃") + " "
	out := h.storeLines(bar)
	if h.configErr != nil {
		title, detail := configNote(h.configErr, h.home)
		out = append(out, bar+st.ErrorText.Render(authstore.SafeText(title)), bar+st.Text.Render(authstore.SafeText(detail)))
		todo := "Its auth settings (auth.order, auth.profiles, the models) are ignored here, and nothing is written to it. Press " +
			firstKey(h.keys.EditConfig) + " to edit it; it reloads when the file changes."
		for _, l := range strings.Split(ansi.Wordwrap(todo, max(w-3, 10), ""), "\n") {
			out = append(out, bar+st.Dim.Render(l))
		}
	}
	if limit := max(h.height/3, 2); len(out) > limit {
		out = out[:limit]
	}
	return out
}

// storeLines say what went wrong reading the store, where, and what to
// do (nothing when it was read).
func (h header) storeLines(bar string) []string {
	if h.err == nil && h.pending == nil {
		return nil
	}
	st, w := h.st, h.width
	var title, detail, todo string
	var ce *authstore.CorruptError
	switch {
	case h.pending != nil:
		// Before any read error: it is why the files cannot be used.
		title = "A migration between gateway generations is pending: moltbot changes nothing here"
		detail = h.pending.Reason + "."
		todo = "Run `" + h.pending.Command + "` (openclaw's doctor migrates them; moltbot never does)."
	case errors.As(h.err, &ce):
		where := DisplayPath(ce.Path, h.home)
		if ce.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", where, ce.Line, ce.Column)
		}
		title = "The auth store cannot be read: " + where
		detail = ce.Reason
		todo = "Nothing was written. Fix the file by hand, or run `moltbot doctor --fix` (moves it aside, restores the .bak)."
	default:
		title = "The auth store cannot be read"
		detail = h.err.Error()
		todo = "Check the file and its permissions; press " + firstKey(h.keys.Reload) + " to retry."
	}
	wrap := func(s string) []string { return strings.Split(ansi.Wordwrap(s, max(w-3, 10), ""), "\n") }
	if h.pending != nil {
		// What to run first, so that a short screen keeps it; then why.
		out := []string{bar + st.ErrorText.Render(authstore.SafeText(title))}
		for _, l := range wrap(authstore.SafeText(todo + " It reloads when the files change.")) {
			out = append(out, bar+st.Text.Render(l))
		}
		for _, l := range wrap(authstore.SafeText(detail)) {
			out = append(out, bar+st.Dim.Render(l))
		}
		return out[:min(len(out), max(h.height/3, 2))]
	}
	if h.stale {
		todo += " Showing the last good data, greyed; it reloads when the file changes."
	} else {
		todo += " It reloads when the file changes."
	}
	out := []string{bar + st.ErrorText.Render(authstore.SafeText(title)), bar + st.Text.Render(authstore.SafeText(detail))}
	for _, l := range wrap(todo) {
		out = append(out, bar+st.Dim.Render(l))
	}
	return out
}
