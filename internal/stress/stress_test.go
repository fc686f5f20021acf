package stress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stressStore is the store the stress run starts from: content the workers
// never touch (a profile, its usage stats, an order, lastGood and fields no
// moltbot version knows), all of which must come out unchanged.
const stressStore = `{
  "version": 1,
  "profiles": {
    "other:keep": {
      "type": "api_key",
      "provider": "other",
      "key": "sk-FAKE-other-keep-FAKEFAKEFAKEFAKE",
      "x-profile-future": {"a": [1, 2, 3]}
    }
  },
  "order": {
    "other": ["other:keep"]
  },
  "lastGood": {
    "other": "other:keep"
  },
  "usageStats": {
    "other:keep": {"lastUsed": 1764000000000, "errorCount": 2, "x-usage-future": true}
  },
  "x-future": {"nested": {"list": [1, "two", null]}, "n": 12345678901234567}
}
`

// wstate is what one worker's ids and order must look like: its profiles'
// tokens, and its provider's order override (nil: none).
type wstate struct {
	tokens map[string]string
	order  []string
}

func (s wstate) clone() wstate {
	c := wstate{tokens: make(map[string]string, len(s.tokens)), order: slices.Clone(s.order)}
	for k, v := range s.tokens {
		c.tokens[k] = v
	}
	return c
}

func (s wstate) equal(o wstate) bool {
	if len(s.tokens) != len(o.tokens) || !slices.Equal(s.order, o.order) {
		return false
	}
	for k, v := range s.tokens {
		if ov, ok := o.tokens[k]; !ok || ov != v {
			return false
		}
	}
	return true
}

func (s wstate) String() string {
	ids := make([]string, 0, len(s.tokens))
	for id, tok := range s.tokens {
		ids = append(ids, id+"="+tok[:min(len(tok), 24)]+"…")
	}
	sort.Strings(ids)
	return fmt.Sprintf("profiles %v order %v", ids, s.order)
}

// op is one command a worker ran.
type op struct {
	kind  string // paste, order, remove
	id    string
	token string
	order []string
}

// apply is what s becomes when op takes effect, as the gateway's rules say:
// a removed profile leaves every order, and an order left empty is dropped.
func (s wstate) apply(o op) wstate {
	n := s.clone()
	switch o.kind {
	case "paste":
		n.tokens[o.id] = o.token
	case "order":
		n.order = slices.Clone(o.order)
	case "remove":
		delete(n.tokens, o.id)
		n.order = slices.DeleteFunc(n.order, func(x string) bool { return x == o.id })
		if len(n.order) == 0 {
			n.order = nil
		}
	}
	return n
}

// workerProviders are the workers' providers, one each: providers the
// gateways know, as a provider nothing knows is refused (a typo).
var workerProviders = []string{"groq", "mistral", "xai", "deepseek", "cerebras", "moonshot", "together", "venice", "synthetic", "chutes", "kimi", "nvidia"}

func workerProvider(w int) string { return workerProviders[w] }

// stateOf extracts worker w's part of a store document; bad is set when a
// profile of the worker does not look exactly like what paste-token writes.
func stateOf(d doc, w int) (s wstate, bad []string) {
	prov := workerProvider(w)
	s.tokens = map[string]string{}
	for id, raw := range d["profiles"].(map[string]any) {
		if !strings.HasPrefix(id, prov+":") {
			continue
		}
		p, _ := raw.(map[string]any)
		tok, _ := p["token"].(string)
		if len(p) != 3 || p["type"] != "token" || p["provider"] != prov || tok == "" {
			bad = append(bad, fmt.Sprintf("%s = %s", id, marshal(p)))
		}
		s.tokens[id] = tok
	}
	if order, ok := d["order"].(map[string]any); ok {
		if ids, ok := order[prov].([]any); ok {
			s.order = []string{}
			for _, x := range ids {
				str, _ := x.(string)
				s.order = append(s.order, str)
			}
		}
	}
	return s, bad
}

// stressOptions choose the size of a stress run.
type stressOptions struct {
	workers  int
	duration time.Duration // run for this long…
	ops      int           // …or until this many commands ran (when > 0)
	gateway  bool          // a gateway-style process takes the lock meanwhile
}

// stressResult is what a stress run measured.
type stressResult struct {
	acked, failed   int
	elapsed         time.Duration
	times           []time.Duration // wall time of every command
	lockWaits       []time.Duration // every wait for the store's lock
	holds           int
	held            time.Duration
	gatewayWrites   int
	configMissing   []string // present ids the config's auth.profiles lost
	configExtra     []string // removed ids the config still lists
	failures        []string
	sampleFailTexts []string
}

func (r stressResult) percentile(p float64) time.Duration {
	if len(r.times) == 0 {
		return 0
	}
	i := int(float64(len(r.times)-1) * p)
	return r.times[i]
}

// lockWait is the p-th fraction of the store-lock waits, as the commands
// themselves measured them (MOLTBOT_DEBUG=lock).
func (r stressResult) lockWait(p float64) time.Duration {
	if len(r.lockWaits) == 0 {
		return 0
	}
	return r.lockWaits[int(float64(len(r.lockWaits)-1)*p)]
}

func (r stressResult) opsPerSec() float64 { return float64(r.acked) / r.elapsed.Seconds() }

func (r stressResult) summary(o stressOptions) string {
	return fmt.Sprintf("stress: %d processes for %v: %d acknowledged writes (%.0f ops/s), %d failed; "+
		"store lock wait p50 %v, p99 %v, worst %v (%d waits); command wall time p50 %v, p99 %v, worst %v; "+
		"gateway lock held %d times (%v in all), %d gateway writes kept",
		o.workers, r.elapsed.Round(time.Millisecond), r.acked, r.opsPerSec(), r.failed,
		r.lockWait(0.50).Round(100*time.Microsecond), r.lockWait(0.99).Round(time.Millisecond), r.lockWait(1).Round(time.Millisecond), len(r.lockWaits),
		r.percentile(0.50).Round(time.Millisecond), r.percentile(0.99).Round(time.Millisecond), r.percentile(1).Round(time.Millisecond),
		r.holds, r.held.Round(time.Millisecond), r.gatewayWrites)
}

// runStress runs the workload: each worker owns the profile ids
// <its provider>:p0…p3 and that provider's order, and interleaves paste-token,
// order set and remove on them through the real binary; a gateway-style
// holder takes the lock directory at random moments (and sometimes writes
// the store itself, as the gateway does). Every acknowledged write is then
// checked against the final file.
func runStress(tb testing.TB, o stressOptions) stressResult {
	tb.Helper()
	in := newInstall(tb, filepath.Join(tb.TempDir(), "state"))
	in.env = append(in.env, "MOLTBOT_DEBUG=lock") // each command reports its lock wait
	writeFile(tb, in.storePath(), []byte(stressStore))
	writeFile(tb, in.configPath(), []byte(`{"gateway": {"port": 18789}, "auth": {"profiles": {"other:keep": {"provider": "other", "mode": "api_key"}}}}`+"\n"))

	var (
		mu            sync.Mutex
		res           stressResult
		models        = make([]wstate, o.workers)
		started       = time.Now()
		deadline      = started.Add(o.duration)
		remainingOps  atomic.Int64
		gatewayWrites atomic.Int64
	)
	remainingOps.Store(int64(o.ops))
	more := func() bool {
		if o.ops > 0 {
			return remainingOps.Add(-1) >= 0
		}
		return time.Now().Before(deadline)
	}

	stopGateway := make(chan struct{})
	gatewayDone := make(chan struct{})
	if o.gateway {
		go func() {
			defer close(gatewayDone)
			holds, held, err := holdLockAtRandom(in, stopGateway, &gatewayWrites)
			mu.Lock()
			res.holds, res.held = holds, held
			mu.Unlock()
			if err != nil {
				tb.Errorf("gateway: %v", err)
			}
		}()
	} else {
		close(gatewayDone)
	}

	var wg sync.WaitGroup
	for w := range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(started.UnixNano())))
			prov := workerProvider(w)
			model := wstate{tokens: map[string]string{}}
			var times, waits []time.Duration
			acked, failed := 0, 0
			var failures []string
			for seq := 0; more(); seq++ {
				var present []string
				for id := range model.tokens {
					present = append(present, id)
				}
				sort.Strings(present)
				var next op
				switch k := rng.IntN(4); {
				case k >= 2 && len(present) > 0 && rng.IntN(2) == 0:
					next = op{kind: "remove", id: present[rng.IntN(len(present))]}
				case k >= 2 && len(present) > 0:
					rng.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
					next = op{kind: "order", order: present[:1+rng.IntN(len(present))]}
				default:
					next = op{kind: "paste", id: fmt.Sprintf("%s:p%d", prov, rng.IntN(4)), token: fakeToken(fmt.Sprintf("w%d-s%06d", w, seq))}
				}
				var r result
				switch next.kind {
				case "paste":
					r = in.paste(prov, next.id, next.token)
				case "order":
					r = in.run("", append([]string{"models", "auth", "order", "set", "--provider", prov}, next.order...)...)
				case "remove":
					r = in.run("", "models", "auth", "remove", next.id, "--yes")
				}
				times = append(times, r.took)
				waits = append(waits, r.lockWaits...)
				if r.code == 0 {
					acked++
					model = model.apply(next)
					continue
				}
				// A failed command has exited: whatever it did is final. Its
				// effect must be all or nothing; go on from what is on disk.
				failed++
				failures = append(failures, fmt.Sprintf("w%d seq %d %s: exit %d: %s", w, seq, next.kind, r.code, strings.TrimSpace(r.stderr)))
				d, err := parseDoc(readFile(tb, in.storePath()))
				if err != nil {
					tb.Errorf("after a failed %s: the store does not parse: %v", next.kind, err)
					return
				}
				actual, bad := stateOf(d, w)
				if len(bad) > 0 {
					tb.Errorf("worker %d: malformed profiles %v", w, bad)
				}
				if !actual.equal(model) && !actual.equal(model.apply(next)) {
					tb.Errorf("worker %d: after a failed %s the store holds %v; want the state before (%v) or after it", w, next.kind, actual, model)
				}
				model = actual
			}
			mu.Lock()
			defer mu.Unlock()
			models[w] = model
			res.times = append(res.times, times...)
			res.lockWaits = append(res.lockWaits, waits...)
			res.acked += acked
			res.failed += failed
			res.failures = append(res.failures, failures...)
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(started)
	close(stopGateway)
	<-gatewayDone
	res.gatewayWrites = int(gatewayWrites.Load())
	slices.Sort(res.times)
	slices.Sort(res.lockWaits)
	if res.acked > 0 && len(res.lockWaits) < res.acked {
		tb.Errorf("%d acknowledged writes but only %d lock waits reported: MOLTBOT_DEBUG=lock lost some", res.acked, len(res.lockWaits))
	}
	for _, f := range res.failures {
		// Starved for the whole lock wait by the other writers and the
		// gateway: allowed (the command said so and changed nothing, which
		// was checked), anything else is a bug.
		if !strings.Contains(f, "nothing was changed") {
			tb.Errorf("command failed: %s", f)
		}
	}

	// The final file: every acknowledged write, nothing else changed.
	data := readFile(tb, in.storePath())
	final := mustParseDoc(tb, data)
	initial := mustParseDoc(tb, []byte(stressStore))
	for w, want := range models {
		got, bad := stateOf(final, w)
		if len(bad) > 0 {
			tb.Errorf("worker %d: malformed profiles %v", w, bad)
		}
		if !got.equal(want) {
			tb.Errorf("worker %d: the store holds %v, want %v (its last acknowledged writes)", w, got, want)
		}
	}
	for id, p := range final["profiles"].(map[string]any) {
		if n := slices.Index(workerProviders, strings.SplitN(id, ":", 2)[0]); n >= 0 && n < o.workers {
			continue // checked above
		}
		if want, ok := initial["profiles"].(map[string]any)[id]; !ok || marshal(p) != marshal(want) {
			tb.Errorf("profile %s = %s, want %s", id, marshal(p), marshal(want))
		}
	}
	if got, want := marshal(final["order"].(map[string]any)["other"]), marshal(initial["order"].(map[string]any)["other"]); got != want {
		tb.Errorf("order.other = %s, want %s", got, want)
	}
	for k, v := range final {
		switch k {
		case "profiles", "order":
		case "x-gateway-writes":
			if n, _ := v.(json.Number).Int64(); n != int64(res.gatewayWrites) {
				tb.Errorf("x-gateway-writes = %s, want %d: a gateway write was lost", v, res.gatewayWrites)
			}
		default:
			if want, ok := initial[k]; !ok || marshal(v) != marshal(want) {
				tb.Errorf("%s = %s, want %s", k, marshal(v), marshal(want))
			}
		}
	}
	for k := range initial {
		if _, ok := final[k]; !ok {
			tb.Errorf("top-level %q was dropped", k)
		}
	}
	if res.gatewayWrites > 0 {
		if _, ok := final["x-gateway-writes"]; !ok {
			tb.Error("the gateway's writes were lost")
		}
	}
	if _, err := parseDoc(readFile(tb, in.storePath()+".bak")); err != nil {
		tb.Errorf(".bak: %v", err)
	}
	if m := modeOf(tb, in.storePath()); m != 0o600 {
		tb.Errorf("store mode %o, want 600", m)
	}
	if m := modeOf(tb, in.agentDir()); m != 0o700 {
		tb.Errorf("agent dir mode %o, want 700", m)
	}
	if extra := leftovers(tb, in.agentDir(), "auth-profiles.json", "auth-profiles.json.bak"); len(extra) > 0 {
		tb.Errorf("left in the agent dir: %v", extra)
	}
	if extra := leftovers(tb, in.state, "agents", "clawdbot.json"); len(extra) > 0 {
		tb.Errorf("left in the state dir: %v", extra)
	}

	// The config's auth.profiles should list exactly the profiles that exist.
	cfg := mustConfigProfiles(tb, in)
	for w, m := range models {
		for id := range m.tokens {
			if _, ok := cfg[id]; !ok {
				res.configMissing = append(res.configMissing, id)
			}
		}
		for id := range cfg {
			if _, ok := m.tokens[id]; strings.HasPrefix(id, workerProvider(w)+":") && !ok {
				res.configExtra = append(res.configExtra, id)
			}
		}
	}
	if _, ok := cfg["other:keep"]; !ok {
		tb.Error("config auth.profiles lost other:keep")
	}
	return res
}

func mustConfigProfiles(tb testing.TB, in *install) map[string]any {
	tb.Helper()
	var cfg struct {
		Gateway map[string]any `json:"gateway"`
		Auth    struct {
			Profiles map[string]any `json:"profiles"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(readFile(tb, in.configPath()), &cfg); err != nil {
		tb.Fatalf("config: %v", err)
	}
	if cfg.Gateway == nil {
		tb.Error("config lost its gateway section")
	}
	return cfg.Auth.Profiles
}

// holdLockAtRandom acts like a running gateway: at random moments it takes
// the lock directory (mkdir, as proper-lockfile does), holds it for 50–800 ms
// (well under moltbot's 10 s wait) and, in half of the holds, rewrites the
// store itself (bumping a counter moltbot does not know), then releases it.
func holdLockAtRandom(in *install, stop <-chan struct{}, writes *atomic.Int64) (holds int, held time.Duration, err error) {
	rng := rand.New(rand.NewPCG(7, uint64(time.Now().UnixNano())))
	sleep := func(d time.Duration) bool {
		select {
		case <-stop:
			return false
		case <-time.After(d):
			return true
		}
	}
	for {
		if !sleep(time.Duration(50+rng.IntN(450)) * time.Millisecond) {
			return holds, held, nil
		}
		for {
			err := os.Mkdir(in.lockPath(), 0o755)
			if err == nil {
				break
			}
			if !errors.Is(err, fs.ErrExist) {
				return holds, held, err
			}
			if !sleep(time.Duration(1+rng.IntN(10)) * time.Millisecond) {
				return holds, held, nil
			}
		}
		t0 := time.Now()
		holds++
		hold := time.Duration(50+rng.IntN(750)) * time.Millisecond
		if rng.IntN(2) == 0 {
			time.Sleep(hold / 2)
			if err := gatewayWrite(in.storePath()); err != nil {
				_ = os.Remove(in.lockPath())
				return holds, held, err
			}
			writes.Add(1)
			time.Sleep(hold / 2)
		} else {
			time.Sleep(hold)
		}
		held += time.Since(t0)
		if err := os.Remove(in.lockPath()); err != nil {
			return holds, held, fmt.Errorf("release: %w", err)
		}
	}
}

// gatewayWrite rewrites the store the way another program would: read,
// bump "x-gateway-writes", write a temp file and rename it over the store.
func gatewayWrite(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return fmt.Errorf("the store did not parse while the gateway held the lock: %w", err)
	}
	var n int64
	if raw, ok := top["x-gateway-writes"]; ok {
		_ = json.Unmarshal(raw, &n)
	}
	top["x-gateway-writes"] = json.RawMessage(strconv.FormatInt(n+1, 10))
	out, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".gateway-tmp"
	if err := os.WriteFile(tmp, append(out, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// stressDuration is 20 s, 3 s with -short, or MOLTBOT_STRESS_SECONDS.
func stressDuration(t *testing.T) time.Duration {
	if s := os.Getenv("MOLTBOT_STRESS_SECONDS"); s != "" {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || secs <= 0 {
			t.Fatalf("MOLTBOT_STRESS_SECONDS=%q is not a positive number of seconds", s)
		}
		return time.Duration(secs * float64(time.Second))
	}
	if testing.Short() {
		return 3 * time.Second
	}
	return 20 * time.Second
}

// TestStressConcurrentCommands: 8 OS processes of the real binary write one
// store at once, beside a gateway that takes the lock and writes too; no
// acknowledged write is lost and nothing else changes.
func TestStressConcurrentCommands(t *testing.T) {
	o := stressOptions{workers: 8, duration: stressDuration(t), gateway: true}
	res := runStress(t, o)
	writeSummary(t, res.summary(o))
	if len(res.configMissing)+len(res.configExtra) > 0 {
		sort.Strings(res.configMissing)
		sort.Strings(res.configExtra)
		// Config edits are read-modify-writes under "<config>.lock", so no
		// command may undo another's auth.profiles edit.
		t.Errorf("config auth.profiles out of step with the store (a lost config update): missing %v, still listing removed %v", res.configMissing, res.configExtra)
	}
	if res.acked == 0 {
		t.Fatal("no command succeeded")
	}
}

// BenchmarkConcurrentCommands reports the throughput of 8 processes writing
// one store beside a gateway that holds the lock at random, the store-lock
// waits the commands measured, and the slowest command's wall time.
func BenchmarkConcurrentCommands(b *testing.B) {
	o := stressOptions{workers: 8, ops: max(b.N, 8), gateway: true}
	b.ResetTimer()
	res := runStress(b, o)
	b.ReportMetric(res.opsPerSec(), "ops/s")
	b.ReportMetric(float64(res.lockWait(0.99))/1e6, "p99-lock-ms")
	b.ReportMetric(float64(res.lockWait(1))/1e6, "worst-lock-ms")
	b.ReportMetric(float64(res.percentile(1))/1e6, "worst-cmd-ms")
}
