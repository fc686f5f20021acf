package views

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/probe"
)

// This file is the live probes (`p`, `P`): one free request per
// credential, run in commands, shown in the table's PROBE column and the
// detail pane, summed up in the status line. A probe never writes anything
// and its result holds no secret.

// probeState is one row's probe: running, or its last result. sum is a
// digest of the secret that was probed, so that a result is dropped as soon
// as the credential on disk is a different one (renewed, edited).
type probeState struct {
	running bool
	seq     int
	sum     [32]byte
	res     probe.Result
}

// probeDoneMsg is one probe's result. store names the agent's store it was
// started on: a result for an agent no longer shown is ignored.
type probeDoneMsg struct {
	key   string
	seq   int
	store string
	res   probe.Result
}

// probeParallel bounds the dashboard's probes in flight (P on a provider with
// many profiles must not open a request per profile at once).
const probeParallel = 4

// secretSum is a digest that tells two secrets apart without keeping either
// in the probe state.
func secretSum(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// newSpinner is the probe rows' spinner: one frame a cell wide, unstyled
// (the row paints it).
func newSpinner() spinner.Model {
	s := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	s.Style = s.Style.UnsetForeground()
	return s
}

// runProbe checks one target in a command. Base URL overrides are read
// through getenv, then the daemon's .env, as `models status --probe` does.
func runProbe(t probe.Target, key string, seq int, paths authstore.Paths, getenv func(string) string, sem chan struct{}) tea.Cmd {
	return func() tea.Msg {
		sem <- struct{}{}
		defer func() { <-sem }()
		ge := authstore.DaemonGetenv(getenv, paths.Env)
		ctx, cancel := context.WithTimeout(context.Background(), probe.DefaultTimeout+2*time.Second)
		defer cancel()
		rs := probe.Run(ctx, []probe.Target{t}, probe.Options{
			Timeout:     probe.DefaultTimeout,
			Concurrency: 1,
			BaseURL:     probe.EnvBaseURL(ge),
		}, nil)
		res := probe.Result{ProfileID: t.ProfileID, Outcome: probe.Error, Detail: "no result"}
		if len(rs) == 1 {
			res = rs[0]
		}
		return probeDoneMsg{key: key, seq: seq, store: paths.Store, res: res}
	}
}

// prober is the probes of the rows shown: running or their last result,
// by row key (profile id, "env:VAR"), and the spinner of those running.
type prober struct {
	probes map[string]probeState
	seq    int
	// batch are the probes started since the last summary.
	batch    []string
	sem      chan struct{} // bounds the probes in flight
	spin     spinner.Model
	spinning bool // a spinner tick is on its way
	gen      int  // bumped whenever a cell changes (start, end, forget)
}

func newProber() prober {
	return prober{probes: map[string]probeState{}, sem: make(chan struct{}, probeParallel), spin: newSpinner()}
}

// probeReq is one row to probe.
type probeReq struct {
	key, label string
	target     probe.Target
}

// probeTarget is what row stands for: its profile in store, or its env
// key in the provider's report.
func probeTarget(r profileRow, pr authstore.ProviderReport, store *authstore.Store) (probe.Target, bool) {
	if r.env {
		for _, e := range pr.Env {
			if e.Var == r.id && e.Source == r.envSource {
				return probe.FromEnv(e), true
			}
		}
		return probe.Target{}, false
	}
	if store == nil {
		return probe.Target{}, false
	}
	p, ok := store.Profile(r.id)
	if !ok {
		return probe.Target{}, false
	}
	return probe.FromProfile(p), true
}

// start probes each of reqs not already being probed (provider names
// them in the status line when there are several).
func (p *prober) start(reqs []probeReq, provider string, paths authstore.Paths, getenv func(string) string) tea.Cmd {
	var cmds []tea.Cmd
	var started, keys []string
	busy := 0
	for _, r := range reqs {
		if ps, ok := p.probes[r.key]; ok && ps.running {
			busy++
			continue
		}
		p.seq++
		p.probes[r.key] = probeState{running: true, seq: p.seq, sum: secretSum(r.target.Secret)}
		cmds = append(cmds, runProbe(r.target, r.key, p.seq, paths, getenv, p.sem))
		started = append(started, r.label)
		keys = append(keys, r.key)
	}
	if len(cmds) == 0 {
		if busy > 0 {
			return status(StatusInfo, "already probing")
		}
		return status(StatusInfo, "nothing to probe")
	}
	p.gen++
	p.batch = append(p.batch, keys...)
	// The status, then the probes, then the spinner: a test runner that runs
	// a batch in order then sees the spinner's first tick with nothing left
	// running.
	if !p.spinning {
		p.spinning = true
		cmds = append(cmds, p.spin.Tick)
	}
	what := started[0]
	if len(started) > 1 {
		what = fmt.Sprintf("%d credentials of %s", len(started), provider)
	}
	return tea.Batch(append([]tea.Cmd{status(StatusInfo, "probing %s…", what)}, cmds...)...)
}

// running is the number of probes in flight.
func (p *prober) running() int {
	n := 0
	for _, ps := range p.probes {
		if ps.running {
			n++
		}
	}
	return n
}

// done records a result for store (the agent shown); the last one of a
// batch says how the batch went.
func (p *prober) done(msg probeDoneMsg, store string) tea.Cmd {
	ps, ok := p.probes[msg.key]
	if msg.store != store || !ok || !ps.running || ps.seq != msg.seq {
		return nil // another agent, or the credential changed meanwhile
	}
	ps.running = false
	ps.res = msg.res
	p.probes[msg.key] = ps
	p.gen++
	if p.running() > 0 {
		return nil
	}
	return p.summary()
}

// summary says how the probes started since the last summary went: the
// one result, or a count per outcome.
func (p *prober) summary() tea.Cmd {
	batch := p.batch
	p.batch = nil
	var order []string
	counts := map[string]int{}
	worst := probeGood
	last := ""
	for _, k := range batch {
		ps, ok := p.probes[k]
		if !ok || ps.running {
			continue
		}
		text, level := probeText(ps.res)
		if ps.res.Outcome == probe.OK {
			text = "✓ ok"
		}
		if counts[text] == 0 {
			order = append(order, text)
		}
		counts[text]++
		worst = max(worst, level)
		last = ps.res.ProfileID + ": " + probeDetailText(ps.res)
	}
	if len(order) == 0 {
		return nil
	}
	// A bad result is a warning, not an error: nothing failed here, and
	// the row keeps saying it.
	level := StatusSuccess
	if worst >= probeSoft {
		level = StatusWarn
	}
	if len(batch) == 1 {
		return status(level, "probe %s", last)
	}
	parts := make([]string, len(order))
	for i, t := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[t], t)
	}
	return status(level, "probed %d: %s", len(batch), strings.Join(parts, ", "))
}

// probeDetailText is a result with its detail, for the status line.
func probeDetailText(r probe.Result) string {
	text, _ := probeText(r)
	if r.Detail != "" {
		text += " — " + r.Detail
	}
	return text
}

// tick advances the spinner while probes run.
func (p *prober) tick(msg spinner.TickMsg) tea.Cmd {
	if msg.ID != p.spin.ID() {
		return nil
	}
	if p.running() == 0 {
		p.spinning = false // the chain stops here; the next probe restarts it
		return nil
	}
	var cmd tea.Cmd
	p.spin, cmd = p.spin.Update(msg)
	return cmd
}

// resume restarts the spinner's tick while probes run (another screen may
// have taken it); the spinner drops a duplicate chain by its tag.
func (p *prober) resume() tea.Cmd {
	if p.running() == 0 {
		return nil
	}
	p.spinning = true
	return p.spin.Tick
}

// keep drops the results whose credential is no longer the one in snap
// (renewed, edited, removed). A probe still running for a changed
// credential is dropped too; its result will be ignored.
func (p *prober) keep(snap authstore.Snapshot) {
	if len(p.probes) == 0 {
		return
	}
	sums := map[string][32]byte{}
	if snap.Store != nil {
		for _, pr := range snap.Store.Profiles {
			sums[pr.ID] = secretSum(pr.Secret())
		}
	}
	for _, e := range snap.Env {
		sums[probe.FromEnv(e).ProfileID] = secretSum(e.Value)
	}
	for k, ps := range p.probes {
		if s, ok := sums[k]; !ok || s != ps.sum {
			delete(p.probes, k)
			p.gen++
		}
	}
}

// clearResults forgets the results when none is running (a fresh look);
// it reports whether there were any.
func (p *prober) clearResults() bool {
	if len(p.probes) == 0 || p.running() > 0 {
		return false
	}
	p.forget()
	return true
}

// forget drops every probe, running or not (another agent is shown: their
// results will be ignored).
func (p *prober) forget() {
	p.probes = map[string]probeState{}
	p.gen++
}

// cell is what the PROBE column shows for row key, and how loud.
func (p *prober) cell(key string) (string, probeLevel) {
	ps, ok := p.probes[key]
	if !ok {
		return "", probeNone
	}
	if ps.running {
		return p.spin.View() + " probing", probeRunning
	}
	return probeText(ps.res)
}

// probeLevel is how a probe result is painted (the text always says it).
type probeLevel int

const (
	probeNone probeLevel = iota
	probeRunning
	probeGood
	probeSoft // may be fine: rate limited, timed out, no check
	probeBad
)

// probeText is a result as the table shows it: a sign, the outcome, and
// the latency of a good answer ("✓ ok 212ms", "✗ auth").
func probeText(r probe.Result) (string, probeLevel) {
	switch r.Outcome {
	case probe.OK:
		return fmt.Sprintf("✓ ok %dms", r.Latency.Milliseconds()), probeGood
	case probe.Auth:
		return "✗ auth", probeBad
	case probe.Billing:
		return "✗ billing", probeBad
	case probe.RateLimited:
		return "! rate limited", probeSoft
	case probe.Timeout:
		return "! timeout", probeSoft
	case probe.Network:
		return "✗ network", probeBad
	case probe.Unsupported:
		return "· no check", probeSoft
	}
	if r.HTTPStatus > 0 {
		return fmt.Sprintf("✗ error %d", r.HTTPStatus), probeBad
	}
	return "✗ error", probeBad
}

// detail is the detail pane's part about row key's probe.
func (p *prober) detail(key string) string {
	ps, ok := p.probes[key]
	switch {
	case !ok:
		return ""
	case ps.running:
		return "probing…"
	}
	text, _ := probeText(ps.res)
	out := "probe " + text
	if ps.res.Detail != "" {
		out += ": " + ps.res.Detail
	}
	return out
}

// probeRows probes rows of the selected provider.
func (d *Dashboard) probeRows(rows []profileRow) tea.Cmd {
	if d.loadErr != nil {
		return status(StatusWarn, "the store cannot be read; fix it first (see above)")
	}
	if len(rows) == 0 {
		return status(StatusInfo, "nothing to probe")
	}
	pr, _ := d.report.Provider(d.providers.selected())
	reqs := make([]probeReq, 0, len(rows))
	for _, r := range rows {
		if t, ok := probeTarget(r, pr, d.snap.Store); ok {
			reqs = append(reqs, probeReq{key: r.key, label: r.label, target: t})
		}
	}
	return d.probes.start(reqs, d.providers.selected(), d.env.Paths, d.env.Getenv)
}

// probeSelected probes the row under the cursor.
func (d *Dashboard) probeSelected() tea.Cmd {
	r, ok := d.table.selectedRow()
	if !ok {
		return status(StatusInfo, "no profile selected")
	}
	return d.probeRows([]profileRow{r})
}

// probeProvider probes every profile and env key of the selected provider.
func (d *Dashboard) probeProvider() tea.Cmd { return d.probeRows(d.table.all()) }
