package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/jsondoc"
	"github.com/moltbot/moltbot/internal/timefmt"
	"github.com/moltbot/moltbot/probe"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
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
	// A one-shot report: what it allocates (the store's text and view, the
	// report) stays live until it is printed, so a collection finds almost
	// nothing to free, and on a 100,000-profile store the collector cost
	// more than a third of the command's CPU time for the same peak
	// memory. A store is at most authstore.MaxStoreSize (64 MiB), which
	// keeps one agent's working set near 300 MiB at the most; the memory
	// limit has the collector run should it ever near 512 MiB (many agents
	// with --all-agents, whose reports are garbage once printed).
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20))
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
		var mpe *authstore.MigrationPendingError
		switch {
		case o.json:
			_ = jsondoc.WriteStatusError(a.env.Stdout, paths, err)
		case !o.plain && errors.As(err, &mpe):
			// The text says it all, with the command that migrates.
			views.WriteStatusPending(a.env.Stdout, paths, mpe.Migration, a.statusTextOptions())
			return exitCode(ExitFailure)
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
		_ = jsondoc.WriteStatus(a.env.Stdout, snap, rep, probes)
	case o.plain:
		views.WriteStatusPlain(a.env.Stdout, rep)
	default:
		a.writeText(snap, rep)
		if o.probe {
			views.WriteProbeResults(a.env.Stdout, probes, time.Duration(o.probeTimeoutMs)*time.Millisecond, a.statusTextOptions())
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
	why := "a credential expires within " + timefmt.Window(warn)
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
	getenv := authstore.DaemonGetenv(a.env.Getenv, snap.Paths.Env)
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

// statusReport loads one agent's files and evaluates them now. Files that
// wait for a migration between gateway generations are not read: the
// gateway refuses them until it has migrated them
// (*authstore.MigrationPendingError).
func (a *app) statusReport(paths authstore.Paths, warn time.Duration) (authstore.Snapshot, authstore.Report, error) {
	if m := paths.Gateway.Pending; m != nil {
		return authstore.Snapshot{Paths: paths}, authstore.Report{}, &authstore.MigrationPendingError{Migration: *m}
	}
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
	var doc *jsondoc.AllAgents
	if o.json {
		doc = jsondoc.NewAllAgents(a.env.Stdout)
	}
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
			doc.Error(paths, err)
		case o.json:
			doc.Status(snap, rep)
		case o.plain && err == nil:
			for _, line := range strings.SplitAfter(views.StatusPlain(rep), "\n") {
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
			var mpe *authstore.MigrationPendingError
			if errors.As(err, &mpe) {
				views.WriteStatusPending(a.env.Stdout, paths, mpe.Migration, a.statusTextOptions())
				continue
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
		_ = doc.Close(worst)
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

// writeJSON prints v as indented JSON, as JSON.stringify(v, null, 2)
// would (no HTML escaping).
func (a *app) writeJSON(v any) {
	enc := json.NewEncoder(a.env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// statusTextOptions say how `models status` prints its text here: the
// theme's status styles, coloured only on a colour terminal without
// NO_COLOR, the terminal's width, and paths under home as ~/… there.
func (a *app) statusTextOptions() views.StatusTextOptions {
	w := a.env.Stdout
	r := a.newRenderer()
	if a.env.Getenv("NO_COLOR") == "" && a.env.IsTerminal(w) && r.ColorProfile() != termenv.Ascii {
		r.SetHasDarkBackground(a.darkBackground(r))
	} else {
		// Plain text: nothing to ask the terminal. Both set, so that no
		// style rendered by mistake can make lipgloss ask.
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
	}
	o := views.StatusTextOptions{
		Styles:   tui.NewStatusStyles(r),
		ShowPath: func(p string) string { return a.shown(w, p) },
	}
	if a.env.TermWidth != nil {
		o.Width = a.env.TermWidth(w)
	}
	return o
}

// writeText prints one agent's report for people.
func (a *app) writeText(snap authstore.Snapshot, rep authstore.Report) {
	views.WriteStatusText(a.env.Stdout, snap, rep, a.statusTextOptions())
}
