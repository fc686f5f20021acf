package views

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/moltbot/moltbot/authstore"
)

// This file is how the gateway shows up in `models status` and on the
// dashboard: which release and generation wrote the files, where that
// generation keeps the agent's credentials, and what moltbot will not do
// there (a pending migration; a state dir that says nothing yet).

// gatewayNames are --gateway's values.
const gatewayNames = "clawdbot|openclaw-json|openclaw-split|openclaw-sqlite"

// GatewaySummary is the gateway in a few words, as the status header and
// the dashboard show it: "openclaw 2026.9.6 · SQLite (shared state db)",
// with how it was decided when that matters ("set with --gateway") and what
// stops moltbot writing ("migration pending").
func GatewaySummary(p authstore.Paths) string {
	g := p.Gateway
	if g.Generation == authstore.GenUnknown {
		return "none found: no gateway files yet"
	}
	doubt := p.Doubt()
	if g.Name == "" && doubt == authstore.DoubtNoVersion {
		g.Name = "clawdbot or openclaw" // a store in a legacy dir, nothing to date it
	}
	s := g.Describe()
	switch {
	case g.Pending != nil:
		s += " · migration pending"
	case g.Override:
		s += " (set by --gateway/MOLTBOT_GATEWAY)"
	case doubt == authstore.DoubtNoVersion && !strings.Contains(s, "unknown"):
		s += " (version unknown)"
	case doubt == authstore.DoubtInstalledOnly:
		s += " (the one on $PATH: no gateway files yet)"
	}
	return s
}

// writeStatusHeader is the lines that open an agent's `models status`:
// the agent, where its credentials are in this generation, the gateway,
// the config.
func writeStatusHeader(w io.Writer, p authstore.Paths, exists bool, o StatusTextOptions) {
	st := o.Styles
	safe := authstore.SafeText
	agent := safe(p.AgentID)
	if agent == "" {
		agent = "(from $CLAWDBOT_AGENT_DIR)"
	}
	fmt.Fprintf(w, "%s %s\n", o.render(st.Heading, "Agent"), agent)
	path := func(p string) string {
		if o.ShowPath != nil {
			p = o.ShowPath(p)
		}
		return safe(p)
	}
	files := p.StoreFiles()
	for i, f := range files {
		label := o.render(st.Heading, "Store")
		if i > 0 {
			label = "     "
		}
		var notes []string
		if f.Holds != "" {
			notes = append(notes, f.Holds)
		}
		if len(files) == 1 && !exists || len(files) > 1 && !f.Exists {
			notes = append(notes, "not created yet")
		}
		note := ""
		if len(notes) > 0 {
			note = o.render(st.Dim, " ("+strings.Join(notes, "; ")+")")
		}
		fmt.Fprintf(w, "%s %s%s\n", label, path(f.Path), note)
	}
	gw := safe(GatewaySummary(p))
	if p.Gateway.Pending != nil || p.Gateway.Generation == authstore.GenUnknown {
		gw = o.render(st.Expiring, gw)
	}
	fmt.Fprintf(w, "%s %s\n", o.render(st.Heading, "Gateway"), gw)
	if p.ConfigExists {
		fmt.Fprintf(w, "%s %s\n", o.render(st.Heading, "Config"), path(p.Config))
	}
}

// WriteStatusPending prints `models status` for an agent whose files wait
// for a migration between gateway generations: the header, what the files
// say, and the openclaw command that migrates them. moltbot shows no
// credentials there: the gateway refuses them until they are migrated.
func WriteStatusPending(out io.Writer, p authstore.Paths, m authstore.Migration, o StatusTextOptions) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	st := o.Styles
	files := p.StoreFiles()
	writeStatusHeader(w, p, len(files) == 1 && files[0].Exists, o)
	fmt.Fprintln(w)
	fmt.Fprintln(w, o.render(st.Expired, "Migration pending:")+" "+authstore.SafeText(m.Reason)+".")
	fmt.Fprintln(w, "Run `"+authstore.SafeText(m.Command)+"` to migrate them. moltbot never migrates between")
	fmt.Fprintln(w, "gateway generations, and writes nothing here until then.")
}

// gatewayTitle is the gateway as the dashboard's title shows it: the
// release and storage, or that nothing says which gateway this is.
func gatewayTitle(g authstore.Gateway) string {
	switch {
	case g.Generation == authstore.GenUnknown:
		return "no gateway files yet"
	case g.Pending != nil:
		return g.Describe() + " · migration pending"
	}
	return g.Describe()
}

// gatewayLines are what the profile pane says when the gateway keeps
// moltbot from writing: nothing to add until openclaw has migrated the
// files, or until moltbot knows which gateway this is.
func (d *Dashboard) gatewayLines(st DashboardStyles, w int) []string {
	var text []string
	if d.gatewayPaths().Gateway.Pending != nil {
		text = []string{st.Text.Render("Nothing can be added or changed until openclaw has migrated these files (see above).")}
	} else {
		dir := authstore.SafeText(d.displayPath(d.gatewayPaths().StateDir))
		text = []string{
			st.Text.Render("No gateway files here yet."),
			"",
			st.Dim.Render(dir + " has no store, database or config version, so moltbot cannot tell which gateway this is, and writes nothing here."),
			"",
			"Run the gateway once (e.g. `openclaw models status`), or start moltbot with",
			st.Dim.Render("--gateway " + gatewayNames + "."),
		}
	}
	out := []string{""}
	for _, t := range text {
		for _, l := range strings.Split(ansi.Wordwrap(t, max(w-4, 10), ""), "\n") {
			out = append(out, "  "+l)
		}
	}
	return out
}
