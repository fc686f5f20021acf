package views

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/probe"
)

// statusOf is the text of the first status among cmd's messages (one
// batch level; the probes themselves are not run).
func statusOf(cmd tea.Cmd) string {
	switch msg := msgOf(cmd).(type) {
	case StatusMsg:
		return msg.Text
	case tea.BatchMsg:
		if s, ok := msgOf(msg[0]).(StatusMsg); ok {
			return s.Text
		}
	}
	return ""
}

// The prober's bookkeeping, without a network: what starts, what a result
// for another agent or an older probe does, what the batch summary says,
// and which results survive a reload.
func TestProberBookkeeping(t *testing.T) {
	store := "/state/agents/main/agent/auth-profiles.json"
	p := newProber()
	reqs := []probeReq{
		{key: "anthropic:a", label: "anthropic:a", target: probe.Target{ProfileID: "anthropic:a", Secret: "sk-ant-api03-FAKE-a"}},
		{key: "anthropic:b", label: "anthropic:b", target: probe.Target{ProfileID: "anthropic:b", Secret: "sk-ant-api03-FAKE-b"}},
	}
	if got := statusOf(p.start(reqs, "anthropic", authstore.Paths{Store: store}, nil)); got != "probing 2 credentials of anthropic…" {
		t.Errorf("start: %q", got)
	}
	if p.running() != 2 || !p.spinning {
		t.Fatalf("running %d spinning %v", p.running(), p.spinning)
	}
	if got := statusOf(p.start(reqs[:1], "anthropic", authstore.Paths{Store: store}, nil)); got != "already probing" {
		t.Errorf("again while running: %q", got)
	}
	if cell, level := p.cell("anthropic:a"); !strings.HasSuffix(cell, " probing") || level != probeRunning {
		t.Errorf("running cell %q %v", cell, level)
	}
	gen := p.gen
	if p.done(probeDoneMsg{key: "anthropic:a", seq: 1, store: "/other/agent", res: probe.Result{Outcome: probe.OK}}, store) != nil || p.gen != gen {
		t.Error("a result for another agent's store was taken")
	}
	if p.done(probeDoneMsg{key: "anthropic:a", seq: 99, store: store}, store) != nil {
		t.Error("a result of an older probe was taken")
	}
	if cmd := p.done(probeDoneMsg{key: "anthropic:a", seq: 1, store: store, res: probe.Result{ProfileID: "anthropic:a", Outcome: probe.OK, Latency: 212 * time.Millisecond}}, store); cmd != nil {
		t.Error("a summary before the batch is over")
	}
	if cell, level := p.cell("anthropic:a"); cell != "✓ ok 212ms" || level != probeGood {
		t.Errorf("done cell %q %v", cell, level)
	}
	cmd := p.done(probeDoneMsg{key: "anthropic:b", seq: 2, store: store, res: probe.Result{ProfileID: "anthropic:b", Outcome: probe.Auth, Detail: "invalid x-api-key"}}, store)
	if s, ok := msgOf(cmd).(StatusMsg); !ok || s.Text != "probed 2: 1 ✓ ok, 1 ✗ auth" || s.Level != StatusWarn {
		t.Errorf("summary %+v", msgOf(cmd))
	}
	if got := p.detail("anthropic:b"); got != "probe ✗ auth: invalid x-api-key" {
		t.Errorf("detail %q", got)
	}
	if p.tick(p.spin.Tick().(spinner.TickMsg)) != nil || p.spinning {
		t.Error("the spinner goes on with nothing running")
	}

	// A reload: b's key changed on disk, a's did not.
	p.keep(snapshotOf(t, `{"version": 1, "profiles": {
  "anthropic:a": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE-a"},
  "anthropic:b": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE-new"}}}`))
	if c, _ := p.cell("anthropic:a"); c == "" {
		t.Error("a's result went though its key is the same")
	}
	if c, _ := p.cell("anthropic:b"); c != "" {
		t.Errorf("b's result stayed after its key changed: %q", c)
	}
	if !p.clearResults() || len(p.probes) != 0 || p.clearResults() {
		t.Error("r did not clear the results once")
	}
}
