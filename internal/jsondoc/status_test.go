package jsondoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/fixtures"
	"github.com/moltbot/moltbot/probe"
)

var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// reference is what cmd printed before the streaming encoder:
// encoding/json of the schema's structs, indented, without HTML escaping.
func reference(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func referenceStatus(t testing.TB, snap authstore.Snapshot, rep authstore.Report, probes []probe.Result) []byte {
	doc := statusJSON(snap, rep)
	if len(probes) > 0 {
		doc.Auth.Probes = append([]probe.Result{}, probes...)
	}
	return reference(t, doc)
}

// sameBytes fails with the first place where got and want differ.
func sameBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-200)
	t.Fatalf("%s: differs from encoding/json at byte %d of %d (want %d)\n--- got:\n%s\n--- want:\n%s", what, i, len(got), len(want),
		got[from:min(len(got), i+100)], want[from:min(len(want), i+100)])
}

func statusBytes(t testing.TB, snap authstore.Snapshot, rep authstore.Report, probes []probe.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteStatus(&b, snap, rep, probes); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkStore compares WriteStatus with the reference on one store's text.
func checkStore(t testing.TB, name string, data []byte, extras func(*authstore.Snapshot)) {
	t.Helper()
	store, err := authstore.ParseStore(data)
	if err != nil {
		return // a store that cannot be read gets the error document
	}
	snap := authstore.Snapshot{
		Paths: authstore.Paths{AgentID: "main", AgentDir: "/home/me/.clawdbot/agents/main/agent",
			Store: "/home/me/.clawdbot/agents/main/agent/auth-profiles.json", Config: "/home/me/.clawdbot/clawdbot.json", ConfigExists: true},
		Store: store, Exists: true,
	}
	if extras != nil {
		extras(&snap)
	}
	for _, warn := range []time.Duration{authstore.DefaultWarn, 90 * time.Minute, 400 * 24 * time.Hour} {
		rep := authstore.BuildReport(snap, testNow, warn)
		sameBytes(t, fmt.Sprintf("%s (warn %v)", name, warn), statusBytes(t, snap, rep, nil), referenceStatus(t, snap, rep, nil))
	}
}

// The stores moltbot's tests and the real gateways wrote.
func TestWriteStatusMatchesEncodingJSONOnTestStores(t *testing.T) {
	var files []string
	for _, g := range []string{"../../authstore/testdata/*.json", "../../cmd/testdata/*.json"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 8 {
		t.Fatalf("only %d test stores found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkStore(t, f, data, nil)
		checkStore(t, f+" with env, config and legacy", data, withExtras)
	}
	for _, n := range []int{0, 1, 3, 1000} {
		checkStore(t, fmt.Sprint("MixedStore ", n), fixtures.MixedStore(n, testNow), nil)
	}
}

// withExtras fills what a snapshot holds beside the store: keys in the
// environment and .env, a config whose models use some providers (one
// without a credential), legacy imports, a config error, odd paths.
func withExtras(snap *authstore.Snapshot) {
	cfg, err := authstore.ParseConfig("clawdbot.json", []byte(`{agents: {defaults: {model: {primary: "anthropic/claude", fallbacks: ["google/gemini", "mistral/x", "zai/glm"]}}},
		auth: {order: {google: ["g:1", "ghost"], anthropic: []}, profiles: {"g:1": {provider: "google", mode: "api_key"}}}}`))
	if err != nil {
		panic(err)
	}
	snap.Config = cfg
	snap.ConfigErr = errors.New("config \"x\" <b>&\u2028 line\nbroken\x00")
	snap.Env = []authstore.EnvCredential{
		{Provider: "anthropic", Var: "ANTHROPIC_API_KEY", Source: authstore.SourceProcessEnv, Value: "sk-ant-api03-FAKE0000000000000000000000"},
		{Provider: "openrouter", Var: "OPENROUTER_API_KEY", Source: authstore.SourceDotEnv, Value: "sk-or-FAKE\xff\u2029<>&\"\\"},
		{Provider: "google", Var: "GEMINI_API_KEY", Source: authstore.SourceDotEnv, Value: "x"},
	}
	snap.LegacyImported = []string{"anthropic:default", "é\t\"q\""}
	snap.Paths.AgentID = ""
	snap.Paths.AgentDir = "/tmp/a <b> & \"c\"\\\xfe"
	snap.Exists = false
}

// randomStore writes a store's text from r: ids, emails, providers and
// reasons with every kind of character JSON escapes or a terminal acts on,
// every credential type and odd ones, expiries of every shape, usage
// entries, order overrides naming missing ids, duplicated ids.
func randomStore(r *rand.Rand, now time.Time) []byte {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	text := func() string {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pick("a", "Z", "9", ":", " ", "\"", "\\", "/", "<", ">", "&", "\t", "\n", "\x00", "\x1b", "\x7f",
				"é", "€", "\u2028", "\u2029", "\U0001F600", "\xff", "\xe2\x80", "\u202e", "\u0085", "sk-ant-", "@example.com"))
		}
		return b.String()
	}
	q := func(s string) string {
		b, _ := json.Marshal(s) // valid JSON text of s (bad UTF-8 becomes U+FFFD)
		return string(b)
	}
	ms := now.UnixMilli()
	num := func() string {
		return pick(fmt.Sprint(ms+r.Int64N(7*86_400_000)-86_400_000), fmt.Sprint(ms+r.Int64N(3_600_000)), "0", "-5", "1.5e3",
			fmt.Sprint(ms+3_600_000)+".25", "1e400", `"soon"`, "null", "true", "[]", "{}", "99999999999999999999")
	}
	providers := []string{"anthropic", "openai-codex", "google", "Z.AI", "qwen", " Anthropic ", "", "provider" + fmt.Sprint(r.IntN(3))}
	n := r.IntN(30)
	ids := make([]string, n)
	var prof, usage []string
	for i := range n {
		ids[i] = pick("anthropic:", "google:", "", "x") + text() + fmt.Sprint(i%25) // a few repeat
		var fields []string
		typ := pick("api_key", "token", "oauth", "oauth", "magic", "")
		if typ != "" || r.IntN(2) == 0 {
			fields = append(fields, `"type":`+q(typ))
		}
		if r.IntN(8) > 0 {
			fields = append(fields, `"provider":`+q(pick(providers...)))
		}
		for _, k := range []string{"key", "token", "access", "refresh", "email", "accountId"} {
			if r.IntN(3) == 0 {
				fields = append(fields, q(k)+":"+q(pick("sk-FAKE0000000000000000000000", "", "  ", text())))
			}
		}
		if r.IntN(3) > 0 {
			fields = append(fields, `"expires":`+num())
		}
		if r.IntN(10) == 0 {
			fields = append(fields, `"extra":{"nested":[1,2,{"a":null}]}`)
		}
		if r.IntN(15) == 0 {
			prof = append(prof, q(ids[i])+":"+pick(`"not an object"`, `[]`, `null`))
			continue
		}
		prof = append(prof, q(ids[i])+":{"+strings.Join(fields, ",")+"}")
		if r.IntN(2) == 0 {
			var u []string
			for _, k := range []string{"lastUsed", "cooldownUntil", "disabledUntil", "errorCount"} {
				if r.IntN(2) == 0 {
					u = append(u, q(k)+":"+num())
				}
			}
			if r.IntN(2) == 0 {
				u = append(u, `"disabledReason":`+q(pick("billing", "auth", text())))
			}
			usage = append(usage, q(ids[i])+":{"+strings.Join(u, ",")+"}")
		}
	}
	var order []string
	for range r.IntN(4) {
		var list []string
		for range r.IntN(5) {
			if n > 0 && r.IntN(4) > 0 {
				list = append(list, q(ids[r.IntN(n)]))
			} else {
				list = append(list, q("ghost"+text()))
			}
		}
		order = append(order, q(pick(providers...))+":"+pick("["+strings.Join(list, ",")+"]", `"x"`))
	}
	return []byte(`{"version":1,"profiles":{` + strings.Join(prof, ",") + `},"order":{` + strings.Join(order, ",") +
		`},"usageStats":{` + strings.Join(usage, ",") + `}}`)
}

// Thousands of generated stores: every one prints as encoding/json would.
func TestWriteStatusMatchesEncodingJSONOnGeneratedStores(t *testing.T) {
	count := 3000
	if testing.Short() {
		count = 300
	}
	r := rand.New(rand.NewPCG(15, 2))
	for i := range count {
		data := randomStore(r, testNow)
		if _, err := authstore.ParseStore(data); err != nil {
			t.Fatalf("generated store %d does not parse: %v\n%s", i, err, data)
		}
		var extras func(*authstore.Snapshot)
		if i%2 == 1 {
			extras = withExtras
		}
		checkStore(t, fmt.Sprintf("generated store %d:\n%s\n", i, data), data, extras)
	}
}

// The error document, for every kind of error, and probes.
func TestWriteStatusErrorAndProbesMatchEncodingJSON(t *testing.T) {
	paths := authstore.Paths{AgentID: "ops", AgentDir: "/s/agents/ops/agent", Store: "/s/agents/ops/agent/auth-profiles.json\u2028<&>"}
	for _, err := range []error{
		&authstore.CorruptError{Path: paths.Store, Line: 4, Column: 7, Reason: `invalid character 'x' "in" string`},
		&authstore.CorruptError{Path: paths.Store, Reason: "it is a directory, not a file"},
		fmt.Errorf("save: %w", authstore.ErrLocked),
		&fs.PathError{Op: "open", Path: paths.Store, Err: fs.ErrPermission},
		errors.New("read auth store: input/output error\x1b[31m"),
	} {
		for _, p := range []authstore.Paths{paths, {AgentDir: "/d"}} {
			var b bytes.Buffer
			if werr := WriteStatusError(&b, p, err); werr != nil {
				t.Fatal(werr)
			}
			sameBytes(t, err.Error(), b.Bytes(), reference(t, statusErrorJSON(p, err)))
		}
	}

	store, err := authstore.ParseStore(fixtures.MixedStore(20, testNow))
	if err != nil {
		t.Fatal(err)
	}
	snap := authstore.Snapshot{Store: store, Exists: true, Paths: paths}
	rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
	probes := []probe.Result{
		{ProfileID: "provider0:p0000", Provider: "provider0", Type: "api_key", Outcome: probe.OK, HTTPStatus: 200, Latency: 123 * time.Millisecond, CheckedAt: testNow},
		{ProfileID: "a<b>&\u2028", Provider: "x", Outcome: probe.Auth, HTTPStatus: 401, Detail: "invalid \"key\" <html>\n\x1b", CheckedAt: testNow},
		{ProfileID: "none", Outcome: probe.Unsupported},
	}
	for _, ps := range [][]probe.Result{nil, {}, probes[:1], probes} {
		sameBytes(t, fmt.Sprintf("%d probes", len(ps)), statusBytes(t, snap, rep, ps), referenceStatus(t, snap, rep, ps))
	}
}

// --all-agents: the agents' documents one after the other, then the code.
func TestAllAgentsMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		var got bytes.Buffer
		all := NewAllAgents(&got)
		var docs []statusDoc
		for i := range 1 + round%4 {
			paths := authstore.Paths{AgentID: fmt.Sprint("agent", i), AgentDir: fmt.Sprint("/s/", i), Store: fmt.Sprint("/s/", i, "/auth-profiles.json")}
			if r.IntN(4) == 0 {
				err := &authstore.CorruptError{Path: paths.Store, Line: 1, Column: 2, Reason: "bad"}
				all.Error(paths, err)
				docs = append(docs, statusErrorJSON(paths, err))
				continue
			}
			store, err := authstore.ParseStore(randomStore(r, testNow))
			if err != nil {
				t.Fatal(err)
			}
			snap := authstore.Snapshot{Store: store, Exists: true, Paths: paths}
			rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
			all.Status(snap, rep)
			docs = append(docs, statusJSON(snap, rep))
		}
		if err := all.Close(round % 3); err != nil {
			t.Fatal(err)
		}
		want := reference(t, struct {
			Agents []statusDoc `json:"agents"`
			Check  int         `json:"checkExitCode"`
		}{docs, round % 3})
		sameBytes(t, fmt.Sprint("round ", round), got.Bytes(), want)
	}
}

// chunks records the size of each write.
type chunks struct {
	sizes []int
	total int
}

func (c *chunks) Write(p []byte) (int, error) {
	c.sizes = append(c.sizes, len(p))
	c.total += len(p)
	return len(p), nil
}

// A big document is written as it is made, in pieces of a bounded size,
// not held whole; a write error stops the writing and is returned.
func TestWriteStatusStreams(t *testing.T) {
	store, err := authstore.ParseStore(fixtures.MixedStore(5000, testNow))
	if err != nil {
		t.Fatal(err)
	}
	snap := authstore.Snapshot{Store: store, Exists: true}
	rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
	var c chunks
	if err := WriteStatus(&c, snap, rep, nil); err != nil {
		t.Fatal(err)
	}
	if c.total < 2_000_000 || len(c.sizes) < c.total/(2*flushAt) {
		t.Fatalf("%d bytes in %d writes", c.total, len(c.sizes))
	}
	for _, n := range c.sizes {
		if n > 2*flushAt {
			t.Errorf("a write of %d bytes: the document is held, not streamed", n)
		}
	}

	w := &failAfter{n: 3}
	if err := WriteStatus(w, snap, rep, nil); !errors.Is(err, errClosed) {
		t.Errorf("a failing writer: got %v", err)
	}
	if w.calls != 4 {
		t.Errorf("%d writes after the first error; want none", w.calls-4)
	}
}

var errClosed = errors.New("closed pipe")

type failAfter struct{ n, calls int }

func (f *failAfter) Write(p []byte) (int, error) {
	f.calls++
	if f.calls > f.n {
		return 0, errClosed
	}
	return len(p), nil
}

var _ io.Writer = (*failAfter)(nil)

// gateways are the gateway objects a document can carry: each generation,
// detected or set, shared or not, a pending migration, nothing known; the
// evidence in words with characters JSON escapes.
func gateways() []authstore.Gateway {
	how := []string{"the config was last written by version 2026.9.6 (meta.lastTouchedVersion)", "a \"quoted\" <path> & \u2028\x1b"}
	return []authstore.Gateway{
		{},
		{Generation: authstore.GenClawdbot, Name: "clawdbot", Version: "2026.1.24-3", Lock: authstore.LockDir, How: how[:1]},
		{Generation: authstore.GenOpenclawJSON, Lock: authstore.LockFile, How: how},
		{Generation: authstore.GenSplitJSON, Name: "openclaw", Version: "2026.6.1", Lock: authstore.LockFile, Override: true, How: how},
		{Generation: authstore.GenSQLite, Name: "openclaw", Version: "2026.9.6", Shared: true, How: how},
		{Generation: authstore.GenSQLite, Name: "openclaw", Version: "2026.9.6",
			Pending: &authstore.Migration{Reason: "auth-profiles.json \"not\" imported", Command: "openclaw doctor --fix --non-interactive --yes"}},
	}
}

// The "gateway" object, in the status document and beside an error, and
// the migration-pending error with its command.
func TestGatewayMatchesEncodingJSON(t *testing.T) {
	store, err := authstore.ParseStore(fixtures.MixedStore(3, testNow))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i, g := range gateways() {
		paths := authstore.Paths{AgentID: "main", AgentDir: dir, StateDir: dir, Store: filepath.Join(dir, "auth-profiles.json"),
			StateFile: filepath.Join(dir, "auth-state.json"), AgentDB: filepath.Join(dir, "openclaw-agent.sqlite"),
			SharedDB: filepath.Join(dir, "state", "openclaw.sqlite"), Gateway: g}
		snap := authstore.Snapshot{Store: store, Exists: true, Paths: paths}
		rep := authstore.BuildReport(snap, testNow, authstore.DefaultWarn)
		got := statusBytes(t, snap, rep, nil)
		sameBytes(t, fmt.Sprint("gateway ", i), got, referenceStatus(t, snap, rep, nil))
		var doc struct {
			Gateway map[string]any `json:"gateway"`
		}
		if err := json.Unmarshal(got, &doc); err != nil || doc.Gateway["generation"] != g.Generation.String() {
			t.Fatalf("gateway %d: %v %v", i, err, doc.Gateway)
		}
		errs := []error{errors.New("read auth store: input/output error")}
		if g.Pending != nil {
			errs = append(errs, &authstore.MigrationPendingError{Migration: *g.Pending})
		}
		for _, e := range errs {
			var b bytes.Buffer
			if werr := WriteStatusError(&b, paths, e); werr != nil {
				t.Fatal(werr)
			}
			sameBytes(t, fmt.Sprint("gateway ", i, " error"), b.Bytes(), reference(t, statusErrorJSON(paths, e)))
		}
	}
	var b bytes.Buffer
	pending := gateways()[5]
	_ = WriteStatusError(&b, authstore.Paths{Gateway: pending}, &authstore.MigrationPendingError{Migration: *pending.Pending})
	for _, want := range []string{`"kind": "migration-pending"`, `"command": "openclaw doctor --fix --non-interactive --yes"`, `"pending": {`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the migration-pending document lacks %s:\n%s", want, b.String())
		}
	}
}
