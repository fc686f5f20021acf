package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/probe"
)

type statusOptions struct {
	json, plain, check bool
	allAgents          bool
	warn               string

	probe            bool
	probeProvider    string
	probeProfiles    []string
	probeTimeoutMs   int
	probeConcurrency int
}

func (a *app) newStatusCommand() *cobra.Command {
	var o statusOptions
	c := &cobra.Command{
		Use:   "status",
		Short: "Show every provider's credentials, their health and order",
		Long: "Show every provider's credentials: health, expiry, the order the gateway tries them in\n" +
			"and why any are left out, keys found in the environment and .env, and the store path.\n\n" +
			"With --check the exit code says how things stand: 0 all well, 1 a credential is expired or\n" +
			"missing (or the store is corrupt), 2 one expires within --warn.",
		Example: "  moltbot models status\n  moltbot models status --check --warn 3d\n  moltbot models status --json | jq '.auth.oauth.profiles'",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runStatus(c.Context(), o)
		},
	}
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "print JSON (masks, never secrets)")
	f.BoolVar(&o.plain, "plain", false, "print one tab-separated line per profile, no colour or headings")
	f.BoolVar(&o.check, "check", false, "exit 1 if a credential is expired or missing, 2 if one is expiring")
	f.StringVar(&o.warn, "warn", "24h", "how far ahead an expiry counts as expiring (e.g. 24h, 3d, 90m)")
	f.BoolVar(&o.allAgents, "all-agents", false, "every agent that has a store; --check reports the worst")
	f.BoolVar(&o.probe, "probe", false, "check each credential live with one free request (list models)")
	f.StringVar(&o.probeProvider, "probe-provider", "", "probe only this provider's credentials")
	f.StringSliceVar(&o.probeProfiles, "probe-profile", nil, "probe only these profile ids (repeat or comma-separate)")
	f.IntVar(&o.probeTimeoutMs, "probe-timeout", int(probe.DefaultTimeout/time.Millisecond), "per-probe timeout in milliseconds")
	f.IntVar(&o.probeConcurrency, "probe-concurrency", probe.DefaultConcurrency, "how many probes run at once")
	return c
}

func (a *app) runStatus(ctx context.Context, o statusOptions) error {
	if o.json && o.plain {
		return usageError("--json and --plain cannot be combined: pick one output format")
	}
	warn := authstore.DefaultWarn
	if o.warn != "" {
		d, err := timefmt.Parse(o.warn)
		if err != nil {
			return usageError("--warn: %v", err)
		}
		warn = d
	}
	if (o.probeProvider != "" || len(o.probeProfiles) > 0) && !o.probe {
		o.probe = true // the gateway's CLI treats a probe selection as asking for probes
	}
	if o.probe && o.plain {
		return usageError("--probe cannot be combined with --plain: use --json for scripts")
	}
	if o.probe && (o.probeTimeoutMs <= 0 || o.probeConcurrency <= 0) {
		return usageError("--probe-timeout and --probe-concurrency must be positive")
	}
	if o.allAgents {
		if a.agent != "" {
			return usageError("--all-agents and --agent cannot be combined")
		}
		return a.runStatusAllAgents(o, warn)
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	snap, rep, err := a.statusReport(paths, warn)
	if err != nil {
		if o.json {
			a.writeJSON(statusErrorJSON(paths, err))
		}
		return &ExitError{Code: ExitFailure, Err: err}
	}
	var probes []probe.Result
	if o.probe {
		if probes, err = a.runProbes(ctx, o, snap, rep); err != nil {
			return err
		}
	}
	switch {
	case o.json:
		doc := statusJSON(snap, rep)
		if o.probe {
			doc.Auth.Probes = append([]probe.Result{}, probes...)
		}
		a.writeJSON(doc)
	case o.plain:
		writePlain(a.env.Stdout, rep)
	default:
		a.writeText(snap, rep)
		if o.probe {
			a.writeProbes(probes, time.Duration(o.probeTimeoutMs)*time.Millisecond)
		}
	}
	if o.check {
		return exitCode(worseExit(rep.Check(), probeExit(probes)))
	}
	return nil
}

// allAgentsVerdict is the closing line of `models status --all-agents`:
// how many agents, and which are the worst and why.
func allAgentsVerdict(ids []string, codes []int, worst int, warn time.Duration) string {
	n := fmt.Sprintf("%d agents", len(ids))
	if worst == ExitOK {
		return n + " · all credentials are usable"
	}
	var at []string
	for i, c := range codes {
		if c == worst {
			at = append(at, ids[i])
		}
	}
	why := "a credential expires within " + warnText(warn)
	if worst == ExitFailure {
		why = "a credential is expired or missing, or the store cannot be read"
	}
	return fmt.Sprintf("%s · worst: %s (%s)", n, authstore.ListIDs(at, 0), why)
}

// probeExit: with --check, a credential the provider rejects or that has no
// credit is as bad as an expired one.
func probeExit(rs []probe.Result) int {
	for _, r := range rs {
		if r.Outcome == probe.Auth || r.Outcome == probe.Billing {
			return ExitFailure
		}
	}
	return ExitOK
}

// runProbes checks the selected credentials live, showing progress on a
// terminal's stderr. Probes never write anything.
func (a *app) runProbes(ctx context.Context, o statusOptions, snap authstore.Snapshot, rep authstore.Report) ([]probe.Result, error) {
	var targets []probe.Target
	for _, p := range rep.Providers {
		for _, pr := range p.Profiles {
			targets = append(targets, probe.FromProfile(pr.Profile))
		}
		for _, e := range p.Env {
			targets = append(targets, probe.FromEnv(e))
		}
	}
	if o.probeProvider != "" {
		a.warnUnknownProvider(snap, o.probeProvider)
	}
	targets, err := probe.Filter(targets, o.probeProvider, o.probeProfiles)
	if err != nil {
		return nil, usageError("%v", err)
	}
	if len(targets) == 0 {
		return nil, nil
	}
	// Base URL overrides come from the environment, then the daemon's .env.
	lines, _ := authstore.LoadEnvFile(snap.Paths.Env)
	getenv := func(k string) string {
		if v := a.env.Getenv(k); v != "" {
			return v
		}
		for i := len(lines) - 1; i >= 0; i-- {
			if lines[i].Key == k {
				return lines[i].Value
			}
		}
		return ""
	}
	showProgress := a.env.IsTerminal(a.env.Stderr)
	done := 0
	progress := func(probe.Result) {
		done++
		if showProgress {
			fmt.Fprintf(a.env.Stderr, "\rprobing %d/%d…", done, len(targets))
		}
	}
	if showProgress {
		fmt.Fprintf(a.env.Stderr, "probing 0/%d…", len(targets))
	}
	rs := probe.Run(ctx, targets, probe.Options{
		Timeout:     time.Duration(o.probeTimeoutMs) * time.Millisecond,
		Concurrency: o.probeConcurrency,
		BaseURL:     probe.EnvBaseURL(getenv),
		Now:         a.env.Now,
	}, progress)
	if showProgress {
		fmt.Fprint(a.env.Stderr, "\r\x1b[K")
	}
	return rs, nil
}

// writeProbes prints the probe results as a section after the report.
func (a *app) writeProbes(rs []probe.Result, timeout time.Duration) {
	st := a.styles()
	w := a.env.Stdout
	fmt.Fprintln(w)
	fmt.Fprintln(w, st.heading.Render("Live probes")+st.dim.Render(fmt.Sprintf(" (one free request each, %s timeout)", timefmt.Short(timeout))))
	if len(rs) == 0 {
		fmt.Fprintln(w, "  nothing to probe")
		return
	}
	var tbl table
	for _, r := range rs {
		style := st.badge["ok"]
		switch r.Outcome {
		case probe.OK:
		case probe.Unsupported:
			style = st.dim
		case probe.RateLimited, probe.Timeout:
			style = st.badge["expiring"]
		default:
			style = st.badge["expired"]
		}
		lat := ""
		if r.Latency > 0 {
			lat = fmt.Sprintf("%dms", r.Latency.Milliseconds())
		}
		tbl.row([]string{authstore.SafeText(r.ProfileID), style.Render(string(r.Outcome)), lat, st.dim.Render(authstore.SafeText(r.Detail))})
	}
	width := 0
	if a.env.TermWidth != nil {
		width = a.env.TermWidth(w)
	}
	tbl.write(w, width)
}

// statusReport loads one agent's files and evaluates them now.
func (a *app) statusReport(paths authstore.Paths, warn time.Duration) (authstore.Snapshot, authstore.Report, error) {
	snap, err := a.loadSnapshot(paths)
	if err != nil {
		return snap, authstore.Report{}, err
	}
	return snap, authstore.BuildReport(snap, a.env.Now(), warn), nil
}

// runStatusAllAgents prints every agent's section. A corrupt store in one
// agent is reported in its section and counts as exit 1 for --check; the
// other agents are still shown.
func (a *app) runStatusAllAgents(o statusOptions, warn time.Duration) error {
	base, err := a.paths()
	if err != nil {
		return err
	}
	ids, err := authstore.DiscoverAgents(base.StateDir)
	if err != nil {
		return fmt.Errorf("list agents in %s: %w", base.StateDir, err)
	}
	if len(ids) == 0 {
		ids = []string{authstore.DefaultAgent}
	}
	worst := ExitOK
	var docs []statusDoc
	codes := make([]int, len(ids))
	for i, id := range ids {
		paths, err := authstore.ResolvePaths(id, a.env.Getenv, a.env.Home)
		if err != nil {
			return err
		}
		snap, rep, err := a.statusReport(paths, warn)
		code := ExitFailure
		if err == nil {
			code = rep.Check()
		}
		worst = worseExit(worst, code)
		codes[i] = code
		switch {
		case o.json && err != nil:
			docs = append(docs, statusErrorJSON(paths, err))
		case o.json:
			docs = append(docs, statusJSON(snap, rep))
		case o.plain && err == nil:
			for _, line := range strings.SplitAfter(plainText(rep), "\n") {
				if line != "" {
					fmt.Fprintf(a.env.Stdout, "%s\t%s", authstore.SafeText(id), line)
				}
			}
		case o.plain:
			fmt.Fprintf(a.env.Stderr, "moltbot: agent %s: %s\n", authstore.SafeText(id), authstore.SafeText(err.Error()))
		default:
			if i > 0 {
				fmt.Fprintln(a.env.Stdout)
			}
			if err != nil {
				fmt.Fprintf(a.env.Stdout, "Agent %s\n  %s\n", authstore.SafeText(id), authstore.SafeText(err.Error()))
				continue
			}
			a.writeText(snap, rep)
		}
	}
	if !o.json && !o.plain && len(ids) > 1 {
		// Each section ends with its own verdict; this one is for them all,
		// so the last agent's "All credentials are usable." is not read as it.
		fmt.Fprintln(a.env.Stdout)
		fmt.Fprintln(a.env.Stdout, allAgentsVerdict(ids, codes, worst, warn))
	}
	if o.json {
		a.writeJSON(struct {
			Agents []statusDoc `json:"agents"`
			Check  int         `json:"checkExitCode"`
		}{docs, worst})
	}
	if o.check {
		return exitCode(worst)
	}
	return nil
}

// worseExit orders --check results: 1 (expired, missing, corrupt) is worse
// than 2 (expiring), which is worse than 0.
func worseExit(a, b int) int {
	rank := func(c int) int {
		switch c {
		case ExitFailure:
			return 2
		case ExitExpiring:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func (a *app) writeJSON(v any) {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// statusStyles colour the text output; they collapse to plain text when the
// output is not a colour terminal or NO_COLOR is set.
type statusStyles struct {
	heading, dim, faint, id paint
	badge                   map[string]paint
}

// paint is a style that costs nothing when colour is off: rendering 1,000
// rows through lipgloss only to strip the codes again is most of the time
// `models status` would take.
type paint struct {
	style lipgloss.Style
	on    bool
}

// Render applies the style when colour is on.
func (p paint) Render(s string) string {
	if !p.on {
		return s
	}
	return p.style.Render(s)
}

func (a *app) styles() statusStyles {
	r := a.newRenderer()
	on := a.env.Getenv("NO_COLOR") == "" && a.env.IsTerminal(a.env.Stdout) && r.ColorProfile() != termenv.Ascii
	if on {
		r.SetHasDarkBackground(a.darkBackground(r))
	} else {
		// Plain text: nothing to ask the terminal. Both set, so that no
		// style rendered by mistake can make lipgloss ask.
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
	}
	ps := func(s lipgloss.Style) paint { return paint{s, on} }
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	green, yellow, red, blue, grey := c("#137a3a", "#5fd787"), c("#8a6100", "#ffd75f"), c("#b3261e", "#ff6b6b"), c("#1f5fbf", "#87afff"), c("#6c6c6c", "#8a8a8a")
	return statusStyles{
		heading: ps(r.NewStyle().Bold(true)),
		dim:     ps(r.NewStyle().Foreground(grey)),
		faint:   ps(r.NewStyle().Faint(true)),
		id:      ps(r.NewStyle()),
		badge: map[string]paint{
			"ok":       ps(r.NewStyle().Foreground(green)),
			"static":   ps(r.NewStyle().Foreground(blue)),
			"expiring": ps(r.NewStyle().Foreground(yellow).Bold(true)),
			"expired":  ps(r.NewStyle().Foreground(red).Bold(true)),
			"missing":  ps(r.NewStyle().Foreground(red).Bold(true)),
			"cooldown": ps(r.NewStyle().Foreground(yellow)),
			"disabled": ps(r.NewStyle().Foreground(red)),
		},
	}
}

func (s statusStyles) status(st authstore.Status, label string) string {
	if b, ok := s.badge[string(st)]; ok {
		return b.Render(label)
	}
	return label
}

// writeText prints the human-readable report: one block per provider, rows
// aligned across the whole output. Every piece of file text (ids, emails,
// providers, types, reasons, env names, paths, errors) goes through
// authstore.SafeText before it is styled and measured, so nothing in a store
// reaches the terminal as control and the columns still line up.
func (a *app) writeText(snap authstore.Snapshot, rep authstore.Report) {
	st := a.styles()
	w := a.env.Stdout
	safe := authstore.SafeText
	agent := safe(snap.Paths.AgentID)
	if agent == "" {
		agent = "(from $CLAWDBOT_AGENT_DIR)"
	}
	storeNote := ""
	if !snap.Exists {
		storeNote = st.dim.Render(" (not created yet)")
	}
	fmt.Fprintf(w, "%s %s\n", st.heading.Render("Agent"), agent)
	// On a terminal, paths under home read as ~/… (as on the dashboard);
	// piped, they stay whole for whatever reads them.
	path := func(p string) string { return safe(a.shown(w, p)) }
	fmt.Fprintf(w, "%s %s%s\n", st.heading.Render("Store"), path(snap.Paths.Store), storeNote)
	if snap.Paths.ConfigExists {
		fmt.Fprintf(w, "%s %s\n", st.heading.Render("Config"), path(snap.Paths.Config))
	}
	if len(snap.LegacyImported) > 0 {
		fmt.Fprintf(w, "%s\n", st.dim.Render("Legacy credentials found ("+authstore.ListIDs(snap.LegacyImported, 0)+"): the first change imports them into the store."))
	}
	if snap.ConfigErr != nil {
		fmt.Fprintf(w, "%s %s\n", st.badge["expiring"].Render("warning:"), safe(snap.ConfigErr.Error()))
	}
	if snap.EnvErr != nil {
		fmt.Fprintf(w, "%s %v\n", st.badge["expiring"].Render("warning:"), snap.EnvErr)
	}
	fmt.Fprintln(w)

	if len(snap.Store.Profiles) == 0 && len(snap.Env) == 0 {
		fmt.Fprintln(w, "No credentials yet. Add one with `moltbot onboard`, or pipe a token into")
		fmt.Fprintln(w, "`moltbot models auth paste-token --provider anthropic`.")
		fmt.Fprintln(w)
	}

	var tbl table
	for i, p := range rep.Providers {
		if i > 0 {
			tbl.heading("")
		}
		head := st.heading.Render(safe(p.Provider)) + "  " + st.status(p.Status, string(p.Status))
		var notes []string
		if p.InUse {
			notes = append(notes, "in use")
		}
		if len(p.Order.IDs) > 0 || p.Order.Source != authstore.SourceAutomatic {
			notes = append(notes, "order: "+string(p.Order.Source))
		}
		if len(notes) > 0 {
			head += "  " + st.dim.Render(strings.Join(notes, " · "))
		}
		tbl.heading(head)
		if p.Missing {
			hint := "no credential: add one with `moltbot models auth paste-token --provider " + shellQuote(p.Provider) + "`"
			if v := authstore.EnvProviderVar(p.Provider); v != "" {
				hint += " or set " + v
			}
			tbl.heading("  " + st.badge["missing"].Render(hint))
		}
		for _, pr := range p.Profiles {
			tbl.row(profileCells(st, pr, rep.Now))
		}
		for _, e := range p.Env {
			tbl.row([]string{"", safe(e.Var) + st.dim.Render(" ("+safe(e.Source)+")"), "env", safe(authstore.Mask(e.Value)), st.status(authstore.StatusStatic, "static")})
		}
	}
	width := 0
	if a.env.TermWidth != nil {
		width = a.env.TermWidth(w)
	}
	tbl.write(w, width)

	var expired, expiring, unusable int
	for _, p := range rep.Providers {
		for _, pr := range p.Profiles {
			switch pr.Health.Status {
			case authstore.StatusExpired, authstore.StatusMissing:
				expired++
			case authstore.StatusExpiring:
				expiring++
			}
			if pr.Health.Unusable != "" {
				unusable++
			}
		}
	}
	fmt.Fprintln(w)
	summary := fmt.Sprintf("%d expired or missing · %d expiring within %s · %d cooling down or disabled", expired+len(rep.MissingInUse), expiring, warnText(rep.Warn), unusable)
	if expired+expiring+unusable+len(rep.MissingInUse) == 0 {
		summary = "All credentials are usable."
	}
	fmt.Fprintln(w, st.dim.Render(summary))
}

// warnText shows the warn window the way people say it: "24h", "3d".
func warnText(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return timefmt.Short(d)
}

// profileCells is one profile's row: rank, id, type, mask, status, expiry,
// cooldown, last used; the file's text in it made safe (SafeText).
func profileCells(st statusStyles, pr authstore.ProfileReport, now time.Time) []string {
	p, h := pr.Profile, pr.Health
	safe := authstore.SafeText
	rank := ""
	if pr.Rank > 0 {
		rank = fmt.Sprintf("%d.", pr.Rank)
	}
	id := safe(p.ID)
	if p.Email != "" && !strings.Contains(p.ID, p.Email) {
		id += st.dim.Render(" (" + safe(p.Email) + ")")
	}
	typ := safe(p.Type)
	if typ == "" {
		typ = "?"
	}
	status := st.status(h.Status, h.Label())
	expiry := ""
	if !h.ExpiresAt.IsZero() {
		if h.Status == authstore.StatusExpired {
			expiry = "expired " + timefmt.Short(-h.Remaining) + " ago"
		} else {
			expiry = "expires " + timefmt.Until(h.ExpiresAt, now)
		}
	}
	extra := ""
	switch {
	case h.Unusable == authstore.UnusableDisabled:
		reason := safe(h.Reason)
		if reason == "" {
			reason = "disabled"
		}
		extra = st.badge["disabled"].Render("disabled (" + reason + ") " + timefmt.Short(h.Until.Sub(now)))
	case h.Unusable == authstore.UnusableCooldown:
		extra = st.badge["cooldown"].Render("cooldown " + timefmt.Short(h.Until.Sub(now)))
	case pr.Excluded != "":
		extra = st.dim.Render("skipped: " + safe(pr.Excluded))
	case !pr.LastUsed.IsZero():
		extra = st.dim.Render("used " + timefmt.Ago(pr.LastUsed, now))
	}
	if pr.Excluded != "" && h.Unusable != "" {
		extra += st.dim.Render(" · skipped: " + safe(pr.Excluded))
	}
	return []string{rank, id, typ, safe(authstore.Mask(p.Secret())), status, expiry, extra}
}

// table aligns cells (which may hold colour codes) across all rows.
type table struct {
	lines []tableLine
}

type tableLine struct {
	heading string
	cells   []string
}

func (t *table) heading(s string)   { t.lines = append(t.lines, tableLine{heading: s}) }
func (t *table) row(cells []string) { t.lines = append(t.lines, tableLine{cells: cells}) }

// write prints the table. When a row would be wider than width (a
// terminal's; 0 means no limit), each profile takes two lines instead: the
// identifying cells aligned, then its expiry and notes below, indented.
func (t *table) write(w io.Writer, width int) {
	cut := 1 << 30
	if width > 0 && t.width(cut) > width {
		// Stack: the first line keeps what fits of rank, id, type,
		// secret and status; the rest goes below.
		for cut = 5; cut > 2 && t.width(cut) > width; cut-- {
		}
	}
	widths := t.columnWidths(cut)
	indent := 0
	if len(widths) > 1 {
		indent = 2 + widths[0] + 2 + 2 // under the id, a step in
	}
	for _, l := range t.lines {
		if l.cells == nil {
			fmt.Fprintln(w, l.heading)
			continue
		}
		head, tail := l.cells, []string(nil)
		if len(head) > cut {
			head, tail = head[:cut], head[cut:]
		}
		fmt.Fprintln(w, alignRow(head, widths))
		var rest []string
		for _, c := range tail {
			if c != "" {
				rest = append(rest, c)
			}
		}
		if len(rest) > 0 {
			fmt.Fprintln(w, strings.Repeat(" ", indent)+strings.Join(rest, " · "))
		}
	}
}

// columnWidths is the widest cell of each of the first n columns.
func (t *table) columnWidths(n int) []int {
	var widths []int
	for _, l := range t.lines {
		for i, c := range l.cells {
			if i >= n {
				break
			}
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	return widths
}

// width is the widest first line of a row when only its first n cells are
// on it, aligned.
func (t *table) width(n int) int {
	widths := t.columnWidths(n)
	widest := 0
	for _, l := range t.lines {
		if l.cells != nil {
			widest = max(widest, ansi.StringWidth(alignRow(l.cells[:min(n, len(l.cells))], widths)))
		}
	}
	return widest
}

// alignRow lays cells out in columns of widths: the rank right-aligned, the
// others left-aligned, trailing empty cells and padding dropped.
func alignRow(cells []string, widths []int) string {
	var b strings.Builder
	b.WriteString("  ")
	last := len(cells) - 1
	for last > 0 && cells[last] == "" {
		last--
	}
	for i := 0; i <= last; i++ {
		c := cells[i]
		if i == 0 { // rank, right-aligned
			b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)) + c)
		} else {
			b.WriteString(c)
			if i < last {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)))
			}
		}
		if i < last {
			b.WriteString("  ")
		}
	}
	return b.String()
}

// writePlain prints one tab-separated line per credential for scripts:
// provider, rank (0 = not tried), profile id, type, status, expires (RFC 3339
// or -), remaining seconds (or -), mask, source.
func writePlain(w io.Writer, rep authstore.Report) {
	io.WriteString(w, plainText(rep)) //nolint:errcheck // stdout
}

// plainText is writePlain's text. Each field is made safe (SafeText escapes
// a tab or line break inside it too), so a field never splits a line or its
// columns.
func plainText(rep authstore.Report) string {
	var w strings.Builder
	safe := authstore.SafeText
	for _, p := range rep.Providers {
		for _, pr := range p.Profiles {
			exp, rem := "-", "-"
			if !pr.Health.ExpiresAt.IsZero() {
				exp = pr.Health.ExpiresAt.UTC().Format(time.RFC3339)
				rem = fmt.Sprint(int64(pr.Health.Remaining / time.Second))
			}
			status := string(pr.Health.Status)
			if pr.Health.Unusable != "" {
				status += "," + pr.Health.Unusable
			}
			fmt.Fprintf(&w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safe(p.Provider), pr.Rank, safe(pr.Profile.ID), safe(pr.Profile.Type), status, exp, rem, safe(authstore.Mask(pr.Profile.Secret())), "store")
		}
		for _, e := range p.Env {
			fmt.Fprintf(&w, "%s\t0\t%s\tenv\tstatic\t-\t-\t%s\t%s\n", safe(p.Provider), safe(e.Var), safe(authstore.Mask(e.Value)), safe(e.Source))
		}
		if p.Missing {
			fmt.Fprintf(&w, "%s\t0\t-\t-\tmissing\t-\t-\t-\t-\n", safe(p.Provider))
		}
	}
	return w.String()
}

// The --json document. Key names follow the gateway's `models status --json`
// where they apply; ours sit beside them. Documented in README.md.
type statusDoc struct {
	AgentDir string   `json:"agentDir"`
	AgentID  string   `json:"agentId,omitempty"`
	Auth     authJSON `json:"auth"`
	Check    int      `json:"checkExitCode"`
	Now      int64    `json:"now"`
}

type authJSON struct {
	StorePath             string         `json:"storePath"`
	StoreExists           bool           `json:"storeExists"`
	ConfigPath            string         `json:"configPath,omitempty"`
	Error                 *errorJSON     `json:"error,omitempty"`
	MissingProvidersInUse []string       `json:"missingProvidersInUse"`
	UnusableProfiles      []unusableJSON `json:"unusableProfiles"`
	OAuth                 oauthJSON      `json:"oauth"`
	Providers             []providerJSON `json:"providers"`
	Env                   []envJSON      `json:"env"`
	LegacyImport          []string       `json:"legacyImport,omitempty"`
	ConfigError           string         `json:"configError,omitempty"`
	Probes                []probe.Result `json:"probes,omitempty"`
}

type errorJSON struct {
	Kind    string `json:"kind"` // corrupt | locked | io
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

type unusableJSON struct {
	ProfileID   string `json:"profileId"`
	Provider    string `json:"provider"`
	Kind        string `json:"kind"`
	Reason      string `json:"reason,omitempty"`
	Until       int64  `json:"until"`
	RemainingMs int64  `json:"remainingMs"`
}

type oauthJSON struct {
	WarnAfterMs int64               `json:"warnAfterMs"`
	Profiles    []oauthProfileJSON  `json:"profiles"`
	Providers   []oauthProviderJSON `json:"providers"`
}

type oauthProfileJSON struct {
	ProfileID   string `json:"profileId"`
	Provider    string `json:"provider"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
	Label       string `json:"label"`
}

type oauthProviderJSON struct {
	Provider    string `json:"provider"`
	Status      string `json:"status"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
}

type providerJSON struct {
	Provider string `json:"provider"`
	// NoProvider marks the profiles without a "provider" field (provider
	// ""): listed so that nothing is hidden; the gateway never uses them.
	NoProvider bool             `json:"noProvider,omitempty"`
	Status     string           `json:"status"`
	InUse      bool             `json:"inUse"`
	Missing    bool             `json:"missing"`
	Order      orderJSON        `json:"order"`
	Profiles   []profileRowJSON `json:"profiles"`
	Env        []envJSON        `json:"env"`
}

type orderJSON struct {
	Source   string          `json:"source"`
	IDs      []string        `json:"ids"`
	Excluded []exclusionJSON `json:"excluded"`
}

type exclusionJSON struct {
	ProfileID string `json:"profileId"`
	Reason    string `json:"reason"`
}

type profileRowJSON struct {
	ProfileID   string `json:"profileId"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	Refreshable bool   `json:"refreshable,omitempty"`
	Label       string `json:"label"`
	Mask        string `json:"mask"`
	Email       string `json:"email,omitempty"`
	Rank        int    `json:"rank"`
	Excluded    string `json:"excluded,omitempty"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
	LastUsed    *int64 `json:"lastUsed"`
	Unusable    string `json:"unusable,omitempty"`
	Until       *int64 `json:"until,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

type envJSON struct {
	Provider string `json:"provider"`
	Var      string `json:"var"`
	Source   string `json:"source"`
	Mask     string `json:"mask"`
}

func ms(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func msDur(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	v := d.Milliseconds()
	return &v
}

func statusJSON(snap authstore.Snapshot, rep authstore.Report) statusDoc {
	doc := statusDoc{
		AgentDir: snap.Paths.AgentDir,
		AgentID:  snap.Paths.AgentID,
		Check:    rep.Check(),
		Now:      rep.Now.UnixMilli(),
		Auth: authJSON{
			StorePath:             snap.Paths.Store,
			StoreExists:           snap.Exists,
			MissingProvidersInUse: append([]string{}, rep.MissingInUse...),
			UnusableProfiles:      []unusableJSON{},
			OAuth:                 oauthJSON{WarnAfterMs: rep.Warn.Milliseconds(), Profiles: []oauthProfileJSON{}, Providers: []oauthProviderJSON{}},
			Providers:             []providerJSON{},
			Env:                   []envJSON{},
			LegacyImport:          snap.LegacyImported,
		},
	}
	if snap.Paths.ConfigExists {
		doc.Auth.ConfigPath = snap.Paths.Config
	}
	if snap.ConfigErr != nil {
		doc.Auth.ConfigError = snap.ConfigErr.Error()
	}
	for _, p := range rep.Providers {
		pj := providerJSON{
			Provider: p.Provider, Status: string(p.Status), InUse: p.InUse, Missing: p.Missing,
			Order:    orderJSON{Source: string(p.Order.Source), IDs: append([]string{}, p.Order.IDs...), Excluded: []exclusionJSON{}},
			Profiles: []profileRowJSON{}, Env: []envJSON{},
		}
		// The gateway's keys list what the gateway uses; profiles without
		// a provider are only in ours.
		gateway := p.Provider != authstore.NoProvider
		if !gateway {
			pj.Provider, pj.NoProvider = "", true
		}
		for _, ex := range p.Order.Excluded {
			pj.Order.Excluded = append(pj.Order.Excluded, exclusionJSON{ex.ID, ex.Reason})
		}
		var soonest time.Time
		for _, pr := range p.Profiles {
			h, prof := pr.Health, pr.Profile
			hasExp := !h.ExpiresAt.IsZero()
			label := prof.ID
			if prof.Email != "" {
				label += " (" + prof.Email + ")"
			}
			if gateway {
				doc.Auth.OAuth.Profiles = append(doc.Auth.OAuth.Profiles, oauthProfileJSON{
					ProfileID: prof.ID, Provider: p.Provider, Type: prof.Type, Status: string(h.Status),
					ExpiresAt: ms(h.ExpiresAt), RemainingMs: msDur(h.Remaining, hasExp), Label: label,
				})
			}
			row := profileRowJSON{
				ProfileID: prof.ID, Type: prof.Type, Status: string(h.Status), Refreshable: h.Refreshable,
				Label: h.Label(), Mask: authstore.Mask(prof.Secret()), Email: prof.Email, Rank: pr.Rank,
				Excluded: pr.Excluded, ExpiresAt: ms(h.ExpiresAt), RemainingMs: msDur(h.Remaining, hasExp),
				LastUsed: ms(pr.LastUsed), Unusable: h.Unusable, Reason: h.Reason,
			}
			if h.Unusable != "" {
				row.Until = ms(h.Until)
			}
			if h.Unusable != "" && gateway {
				doc.Auth.UnusableProfiles = append(doc.Auth.UnusableProfiles, unusableJSON{
					ProfileID: prof.ID, Provider: p.Provider, Kind: h.Unusable, Reason: h.Reason,
					Until: h.Until.UnixMilli(), RemainingMs: h.Until.Sub(rep.Now).Milliseconds(),
				})
			}
			pj.Profiles = append(pj.Profiles, row)
			if hasExp && (soonest.IsZero() || h.ExpiresAt.Before(soonest)) {
				soonest = h.ExpiresAt
			}
		}
		for _, e := range p.Env {
			ej := envJSON{Provider: e.Provider, Var: e.Var, Source: e.Source, Mask: authstore.Mask(e.Value)}
			pj.Env = append(pj.Env, ej)
			doc.Auth.Env = append(doc.Auth.Env, ej)
		}
		if gateway {
			doc.Auth.OAuth.Providers = append(doc.Auth.OAuth.Providers, oauthProviderJSON{
				Provider: p.Provider, Status: string(p.Status), ExpiresAt: ms(soonest),
				RemainingMs: msDur(soonest.Sub(rep.Now), !soonest.IsZero()),
			})
		}
		doc.Auth.Providers = append(doc.Auth.Providers, pj)
	}
	return doc
}

// statusErrorJSON is the document for a store that cannot be read: scripts
// still get the paths and a machine-readable reason.
func statusErrorJSON(paths authstore.Paths, err error) statusDoc {
	e := &errorJSON{Kind: "io", Message: err.Error()}
	var ce *authstore.CorruptError
	if errors.As(err, &ce) {
		e.Kind, e.Line, e.Column = "corrupt", ce.Line, ce.Column
	} else if errors.Is(err, authstore.ErrLocked) {
		e.Kind = "locked"
	} else if errors.Is(err, os.ErrPermission) {
		e.Kind = "permission"
	}
	return statusDoc{
		AgentDir: paths.AgentDir,
		AgentID:  paths.AgentID,
		Check:    ExitFailure,
		Auth: authJSON{
			StorePath: paths.Store, StoreExists: true, Error: e,
			MissingProvidersInUse: []string{}, UnusableProfiles: []unusableJSON{},
			OAuth:     oauthJSON{Profiles: []oauthProfileJSON{}, Providers: []oauthProviderJSON{}},
			Providers: []providerJSON{}, Env: []envJSON{},
		},
	}
}
