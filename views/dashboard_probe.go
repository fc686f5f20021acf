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

// This file is the dashboard's live probes (`p`, `P`): one free request per
// credential, run in commands, shown in the PROBE column and the detail
// line. A probe never writes anything and its result holds no secret.

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

// probeTarget is what row stands for, from the shown snapshot.
func (d *Dashboard) probeTarget(r profileRow) (probe.Target, bool) {
	if r.env {
		pr, _ := d.report.Provider(d.provider)
		for _, e := range pr.Env {
			if e.Var == r.id && e.Source == r.envSource {
				return probe.FromEnv(e), true
			}
		}
		return probe.Target{}, false
	}
	if d.snap.Store == nil {
		return probe.Target{}, false
	}
	p, ok := d.snap.Store.Profile(r.id)
	if !ok {
		return probe.Target{}, false
	}
	return probe.FromProfile(p), true
}

// probeRows starts a probe for each row not already being probed.
func (d *Dashboard) probeRows(rows []profileRow) tea.Cmd {
	if d.loadErr != nil {
		return status(StatusWarn, "the store cannot be read; fix it first (see above)")
	}
	if len(rows) == 0 {
		return status(StatusInfo, "nothing to probe")
	}
	var cmds []tea.Cmd
	var started, keys []string
	busy := 0
	for _, r := range rows {
		t, ok := d.probeTarget(r)
		if !ok {
			continue
		}
		if ps, ok := d.probes[r.key]; ok && ps.running {
			busy++
			continue
		}
		d.probeSeq++
		d.probes[r.key] = probeState{running: true, seq: d.probeSeq, sum: secretSum(t.Secret)}
		cmds = append(cmds, runProbe(t, r.key, d.probeSeq, d.env.Paths, d.env.Getenv, d.probeSem))
		started = append(started, r.label)
		keys = append(keys, r.key)
	}
	if len(cmds) == 0 {
		if busy > 0 {
			return status(StatusInfo, "already probing")
		}
		return status(StatusInfo, "nothing to probe")
	}
	d.rowsVersion++
	d.probeBatch = append(d.probeBatch, keys...)
	// The status, then the probes, then the spinner: a test runner that runs
	// a batch in order then sees the spinner's first tick with nothing left
	// running.
	if !d.spinning {
		d.spinning = true
		cmds = append(cmds, d.spin.Tick)
	}
	what := started[0]
	if len(started) > 1 {
		what = fmt.Sprintf("%d credentials of %s", len(started), d.provider)
	}
	return tea.Batch(append([]tea.Cmd{status(StatusInfo, "probing %s…", what)}, cmds...)...)
}

// probeSelected probes the row under the cursor.
func (d *Dashboard) probeSelected() tea.Cmd {
	all := d.allRows()
	if d.list.cursor < 0 || d.list.cursor >= len(all) {
		return status(StatusInfo, "no profile selected")
	}
	return d.probeRows(all[d.list.cursor : d.list.cursor+1])
}

// probeProvider probes every profile and env key of the selected provider.
func (d *Dashboard) probeProvider() tea.Cmd {
	return d.probeRows(d.allRows())
}

// allRows is the selected provider's rows in shown order, env rows last.
func (d *Dashboard) allRows() []profileRow {
	all := make([]profileRow, 0, d.list.rows())
	for _, id := range d.list.ids {
		all = append(all, d.rows[id])
	}
	return append(all, d.envRows...)
}

func (d *Dashboard) probesRunning() int {
	n := 0
	for _, ps := range d.probes {
		if ps.running {
			n++
		}
	}
	return n
}

func (d *Dashboard) onProbeDone(msg probeDoneMsg) tea.Cmd {
	ps, ok := d.probes[msg.key]
	if msg.store != d.env.Paths.Store || !ok || !ps.running || ps.seq != msg.seq {
		return nil // another agent, or the credential changed meanwhile
	}
	ps.running = false
	ps.res = msg.res
	d.probes[msg.key] = ps
	d.rowsVersion++
	if d.probesRunning() > 0 {
		return nil
	}
	return d.probeSummary()
}

// probeSummary says how the probes started since the last summary went:
// the one result, or a count per outcome.
func (d *Dashboard) probeSummary() tea.Cmd {
	batch := d.probeBatch
	d.probeBatch = nil
	var order []string
	counts := map[string]int{}
	worst := probeGood
	last := ""
	for _, k := range batch {
		ps, ok := d.probes[k]
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

func (d *Dashboard) onSpinnerTick(msg spinner.TickMsg) tea.Cmd {
	if msg.ID != d.spin.ID() {
		return nil
	}
	if d.probesRunning() == 0 {
		d.spinning = false // the chain stops here; the next probe restarts it
		return nil
	}
	var cmd tea.Cmd
	d.spin, cmd = d.spin.Update(msg)
	return cmd
}

// keepProbes drops the results whose credential is no longer the one in
// the shown data (renewed, edited, removed). A probe still running for a
// changed credential is dropped too; its result will be ignored.
func (d *Dashboard) keepProbes() {
	if len(d.probes) == 0 {
		return
	}
	sums := map[string][32]byte{}
	if d.snap.Store != nil {
		for _, p := range d.snap.Store.Profiles {
			sums[p.ID] = secretSum(p.Secret())
		}
	}
	for _, e := range d.snap.Env {
		sums[probe.FromEnv(e).ProfileID] = secretSum(e.Value)
	}
	for k, ps := range d.probes {
		if s, ok := sums[k]; !ok || s != ps.sum {
			delete(d.probes, k)
		}
	}
}

// probeCell is what the PROBE column shows for row key, and how loud.
func (d *Dashboard) probeCell(key string) (string, probeLevel) {
	ps, ok := d.probes[key]
	if !ok {
		return "", probeNone
	}
	if ps.running {
		return d.spin.View() + " probing", probeRunning
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

// probeDetail is the detail line's part about the selected row's probe.
func (d *Dashboard) probeDetail(key string) string {
	ps, ok := d.probes[key]
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
