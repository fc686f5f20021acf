package authstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The files under testdata/gateways/<release>/ were written by the real
// gateway CLIs (json-gens.md §11; the 2026.6.1 samples are
// ../shared/samples/openclaw-json-era): what each read and printed
// (`models status --json`, `--check`, `models auth order get`) is what
// moltbot must see in the same files when it judges them as that release.

const gatewaysDir = "testdata/gateways"

// gatewayState lays out a state dir as the gateway of release left it:
// its config (stamped with release, as every gateway stamps its config),
// the agent's auth-profiles.json and, when given, auth-state.json. An
// empty store leaves auth-profiles.json absent.
func gatewayState(t *testing.T, release, config, store, state string) Paths {
	t.Helper()
	root := t.TempDir()
	stateDir := filepath.Join(root, "state")
	agent := filepath.Join(stateDir, "agents", "main", "agent")
	if err := os.MkdirAll(agent, 0o700); err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if config == "" {
		config = "{}"
	}
	if err := json.Unmarshal([]byte(config), &cfg); err != nil {
		t.Fatalf("config: %v", err)
	}
	meta, _ := cfg["meta"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["lastTouchedVersion"] = strings.TrimPrefix(strings.TrimPrefix(release, "clawdbot-"), "openclaw-")
	meta["lastTouchedAt"] = "2026-06-01T00:00:00.000Z"
	cfg["meta"] = meta
	name := "openclaw.json"
	if strings.HasPrefix(release, "clawdbot-") {
		name = "clawdbot.json"
	}
	data, _ := json.MarshalIndent(cfg, "", "  ")
	writeFile(t, filepath.Join(stateDir, name), data)
	if store != "" {
		writeFile(t, filepath.Join(agent, "auth-profiles.json"), []byte(store))
	}
	if state != "" {
		writeFile(t, filepath.Join(agent, "auth-state.json"), []byte(state))
	}
	p, err := ResolvePaths("", mapEnv(map[string]string{"MOLTBOT_STATE_DIR": stateDir}), filepath.Join(root, "home"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// statusOut is what a gateway's `models status --json` says that moltbot
// must agree with.
type statusOut struct {
	DefaultModel string `json:"defaultModel"`
	Auth         struct {
		MissingProvidersInUse []string `json:"missingProvidersInUse"`
		OAuth                 struct {
			Profiles []struct {
				ProfileID   string `json:"profileId"`
				Status      string `json:"status"`
				ExpiresAt   *int64 `json:"expiresAt"`
				RemainingMs *int64 `json:"remainingMs"`
			} `json:"profiles"`
			Providers []struct {
				Provider string `json:"provider"`
				Status   string `json:"status"`
			} `json:"providers"`
		} `json:"oauth"`
	} `json:"auth"`
}

func readStatusOut(t *testing.T, path string) statusOut {
	t.Helper()
	var out statusOut
	if err := json.Unmarshal(readFile(t, path), &out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// now is the moment the gateway printed out: an expiry it reported less
// what remained, else fallback.
func (out statusOut) now(fallback time.Time) time.Time {
	for _, p := range out.Auth.OAuth.Profiles {
		if p.ExpiresAt != nil && p.RemainingMs != nil {
			return time.UnixMilli(*p.ExpiresAt - *p.RemainingMs)
		}
	}
	return fallback
}

// agreeWith checks that moltbot's report on snap says what the gateway
// printed: each profile's status, each listed provider's status,
// missingProvidersInUse and, when exit >= 0, the --check exit code.
func agreeWith(t *testing.T, snap Snapshot, out statusOut, exit int, now time.Time) {
	t.Helper()
	r := BuildReport(snap, now, DefaultWarn)
	if exit >= 0 {
		if got := r.Check(); got != exit {
			t.Errorf("Check = %d, the gateway exited %d", got, exit)
		}
	}
	want := out.Auth.MissingProvidersInUse
	if !equalStrings(r.MissingInUse, want) {
		t.Errorf("MissingInUse = %v, the gateway said %v", r.MissingInUse, want)
	}
	health := map[string]Status{}
	for _, pr := range r.Providers {
		for _, p := range pr.Profiles {
			health[p.Profile.ID] = p.Health.Status
		}
	}
	for _, p := range out.Auth.OAuth.Profiles {
		if got := health[p.ProfileID]; string(got) != p.Status {
			t.Errorf("profile %s: %q, the gateway said %q", p.ProfileID, got, p.Status)
		}
	}
	for _, p := range out.Auth.OAuth.Providers {
		pr, ok := r.Provider(p.Provider)
		if !ok {
			t.Errorf("provider %s: not in the report; the gateway said %q", p.Provider, p.Status)
			continue
		}
		if string(pr.GatewayStatus) != p.Status {
			t.Errorf("provider %s: GatewayStatus %q, the gateway said %q", p.Provider, pr.GatewayStatus, p.Status)
		}
	}
}

func readExit(t *testing.T, path string) int {
	t.Helper()
	// "exit 1" or "check exit: 1"
	f := strings.Fields(string(readFile(t, path)))
	if len(f) == 0 {
		t.Fatalf("%s is empty", path)
	}
	code, err := strconv.Atoi(f[len(f)-1])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return code
}

func releases(t *testing.T, sub string) []string {
	t.Helper()
	entries, err := os.ReadDir(gatewaysDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(gatewaysDir, e.Name(), sub)); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatalf("no %s vectors", sub)
	}
	return out
}

// TestGatewayCheckVectors: `models status --json --check` of clawdbot
// 2026.1.24 and openclaw 2026.2.12, 4.5, 4.7, 5.7, 5.12 and 6.1 on
// hand-written stores (json-gens.md §6's table): moltbot, judging the
// same store as that release, gives the same exit code,
// missingProvidersInUse, profile and provider statuses.
func TestGatewayCheckVectors(t *testing.T) {
	const config = `{"agents":{"defaults":{"model":{"primary":"anthropic/claude-opus-4-5"}}}}`
	for _, rel := range releases(t, "check") {
		dir := filepath.Join(gatewaysDir, rel, "check")
		outs, _ := filepath.Glob(filepath.Join(dir, "*.exit"))
		for _, exitFile := range outs {
			name := strings.TrimSuffix(filepath.Base(exitFile), ".exit")
			t.Run(rel+"/"+name, func(t *testing.T) {
				store := ""
				if data, err := os.ReadFile(filepath.Join(dir, name+".store.json")); err == nil {
					store = string(data)
				}
				p := gatewayState(t, rel, config, store, "")
				snap, err := LoadWithEnv(p, mapEnv(nil))
				if err != nil {
					t.Fatal(err)
				}
				out := readStatusOut(t, filepath.Join(dir, name+".json"))
				agreeWith(t, snap, out, readExit(t, exitFile), out.now(time.Now()))
			})
		}
	}
}

// TestGatewayE1Vectors: the files each release left after paste-token,
// a second paste-token, (6.1: paste-api-key) and order set on a fresh
// state dir read back as that release read them: `models status --json`
// (its default model, statuses, missingProvidersInUse, --check) and
// `models auth order get`.
func TestGatewayE1Vectors(t *testing.T) {
	for _, rel := range releases(t, "e1") {
		t.Run(rel, func(t *testing.T) {
			dir := filepath.Join(gatewaysDir, rel, "e1")
			files := filepath.Join(dir, "04-order-set")
			config := "{}"
			for _, c := range []string{"openclaw.json", "clawdbot.json"} {
				if data, err := os.ReadFile(filepath.Join(files, c)); err == nil {
					config = string(data)
				}
			}
			state := ""
			if data, err := os.ReadFile(filepath.Join(files, "auth-state.json")); err == nil {
				state = string(data)
			}
			p := gatewayState(t, rel, config, string(readFile(t, filepath.Join(files, "auth-profiles.json"))), state)
			snap, err := LoadWithEnv(p, mapEnv(nil))
			if err != nil {
				t.Fatal(err)
			}
			out := readStatusOut(t, filepath.Join(dir, "05-models-status.json"))
			if got := p.Gateway.DefaultModel(); got != out.DefaultModel {
				t.Errorf("DefaultModel = %q, the gateway used %q", got, out.DefaultModel)
			}
			agreeWith(t, snap, out, readExit(t, filepath.Join(dir, "05-check-exit.txt")), time.Now())

			var got struct {
				Order         []string `json:"order"`
				AuthStatePath *string  `json:"authStatePath"`
			}
			if err := json.Unmarshal(readFile(t, filepath.Join(dir, "06-order-get.json")), &got); err != nil {
				t.Fatal(err)
			}
			if o := snap.Override("anthropic"); !equalStrings(o.IDs, got.Order) {
				t.Errorf("order = %v, `order get` said %v", o.IDs, got.Order)
			}
			// Only generation C says authStatePath (json-gens.md §6).
			if split := got.AuthStatePath != nil; split != (p.Gateway.Generation == GenSplitJSON) {
				t.Errorf("generation %v, but `order get` says authStatePath: %v", p.Gateway.Generation, split)
			}
		})
	}
}

// TestCheckTablePerRelease is json-gens.md §6's `--check` table (the
// cells marked · follow their neighbours, as the research says: 2.12 ≡
// clawdbot, 4.7 and 5.7 ≡ 4.5) and sqlite.md §2d's for 2026.9.6, on
// stores built here: the exit code and missingProvidersInUse each release
// gives, moltbot gives when it judges the store as that release.
func TestCheckTablePerRelease(t *testing.T) {
	const config = `{"agents":{"defaults":{"model":{"primary":"anthropic/claude-opus-4-5"}}}}`
	now := time.Now()
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	key := `"anthropic:key":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEKKKK"}`
	tok := func(expires string) string {
		e := ""
		if expires != "" {
			e = `,"expires":` + expires
		}
		return `"anthropic:tok":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKETTTT"` + e + `}`
	}
	store := func(extra string, profiles ...string) string {
		return `{"version":1,"profiles":{` + strings.Join(profiles, ",") + `}` + extra + `}`
	}
	cooldown := `,"usageStats":{"anthropic:key":{"cooldownUntil":` + at(time.Hour) + `}}`
	disabled := `,"usageStats":{"anthropic:key":{"disabledUntil":` + at(time.Hour) + `,"disabledReason":"billing"}}`
	type cell struct {
		exit    int
		missing bool // missingProvidersInUse = [anthropic]
	}
	cases := []struct {
		name  string
		store string
		// by release: clawdbot 1.24, 2.12, 4.5, 4.7, 5.7, 5.12, 6.1, 9.6
		want [8]cell
	}{
		// 9.6: nothing in the store or the config's auth says anthropic
		// should have auth: its route is "indeterminate", not missing
		// (TestSQLiteNoAuthEvidenceIsIndeterminate).
		{"no store", "", [8]cell{{1, true}, {1, true}, {1, true}, {1, true}, {1, true}, {1, true}, {1, true}, {1, false}}},
		{"API key", store("", key), [8]cell{}},
		{"token, expires in 2 h", store("", tok(at(2*time.Hour))), [8]cell{{2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}}},
		{"token without expires", store("", tok("")), [8]cell{}},
		{"token expired 1 h ago", store("", tok(at(-time.Hour))), [8]cell{{1, false}, {1, false}, {1, false}, {1, false}, {1, false}, {1, true}, {1, true}, {1, true}}},
		{"API key + expired token", store("", key, tok(at(-time.Hour))), [8]cell{{1, false}, {1, false}, {1, false}, {1, false}, {1, false}, {0, false}, {0, false}, {0, false}}},
		{`token with "expires": 0`, store("", tok("0")), [8]cell{{0, false}, {0, false}, {1, false}, {1, false}, {1, false}, {1, true}, {1, true}, {1, true}}},
		{"anthropic key + expired openai token (not in use)", store("", key, `"openai:tok":{"type":"token","provider":"openai","token":"sk-FAKE","expires":`+at(-time.Hour)+`}`),
			[8]cell{{1, false}, {1, false}, {1, false}, {1, false}, {1, false}, {0, false}, {0, false}, {0, false}}},
		// sqlite.md §2d: from 2026.6.5 a key in cooldown or disabled is
		// not usable; before, cooldowns do not count.
		{"API key in cooldown", store(cooldown, key), [8]cell{7: {1, true}}},
		{"API key disabled (billing)", store(disabled, key), [8]cell{7: {1, true}}},
		{"API key + token expiring in 2 h (the token first)", store("", key, tok(at(2*time.Hour))), [8]cell{{2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}, {2, false}}},
		{"token valid for 30 days", store("", tok(at(30*24*time.Hour))), [8]cell{}},
	}
	rels := [8]string{"clawdbot-2026.1.24", "openclaw-2026.2.12", "openclaw-2026.4.5", "openclaw-2026.4.7", "openclaw-2026.5.7", "openclaw-2026.5.12", "openclaw-2026.6.1", "openclaw-2026.9.6"}
	for _, tc := range cases {
		for i, rel := range rels {
			t.Run(tc.name+"/"+rel, func(t *testing.T) {
				p := gatewayState(t, rel, config, tc.store, "")
				if rel == "openclaw-2026.9.6" {
					// The SQLite storage is another helper's: judge the same
					// store by 9.6's rules.
					p.Gateway = Gateway{Name: "openclaw", Version: "2026.9.6", Generation: GenOpenclawJSON}
					p.Gateway.Override = true
				}
				st, err := storageFor(p).read(p)
				if err != nil {
					t.Fatal(err)
				}
				snap := Snapshot{Paths: p}
				snap.setStored(st)
				snap.Config, _ = ParseConfig("c", []byte(config))
				r := BuildReport(snap, now, DefaultWarn)
				want := tc.want[i]
				if got := r.Check(); got != want.exit {
					t.Errorf("Check = %d, want %d", got, want.exit)
				}
				if got := len(r.MissingInUse) > 0; got != want.missing {
					t.Errorf("MissingInUse = %v, want missing=%v", r.MissingInUse, want.missing)
				}
			})
		}
	}
}

// TestSamples61Status: the files openclaw 2026.6.1 wrote
// (../shared/samples/openclaw-json-era) read as it read them: its
// `models status --json` (statuses, missingProvidersInUse) and
// `--check` exit code (README: 1, 0, 2, 1).
func TestSamples61Status(t *testing.T) {
	const rel = "openclaw-2026.6.1"
	sonnet := `{"agents":{"defaults":{"model":{"primary":"anthropic/claude-sonnet-4-6"}}}}`
	token := `{"version":1,"profiles":{"anthropic:manual":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKETTTT","expires":%d}}}`
	for _, tc := range []struct {
		name, config, store, state, out string
		exit                            int
	}{
		{"after paste-token, paste-api-key, order set", sample61(t, "openclaw.after-order-set.json"),
			sample61(t, "auth-profiles.after-order-set.json"), sample61(t, "auth-state.after-order-set.json"), "models-status.json", 1},
		{"API key only", sonnet, `{"version":1,"profiles":{"anthropic:manual":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEAAAA"}}}`, "", "models-status.check0-api-key-only.json", 0},
		{"token expiring in 2 h", sonnet, sample61(t, "auth-profiles.token-expires-2h.json"), "", "models-status.check2-token-expires-2h.json", 2},
		{"token expired", sonnet, strings.Replace(token, "%d", strconv.FormatInt(time.Now().Add(-3*time.Second).UnixMilli(), 10), 1), "", "models-status.check1-token-expired.json", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := gatewayState(t, rel, tc.config, tc.store, tc.state)
			out := readStatusOut(t, filepath.Join(gatewaysDir, rel, "samples", tc.out))
			agreeWith(t, mustLoad(t, p), out, tc.exit, out.now(time.Now()))
		})
	}
}

// TestSQLiteNoAuthEvidenceIsIndeterminate: openclaw 2026.9.6 (found by the
// interop test, internal/interop) lists a provider in use in
// missingProvidersInUse only when something says it should have auth — a
// profile of it in the store, an auth.profiles entry or an auth.order list
// of it in the config. With none of these its model route is
// "indeterminate" (modelRouteIssues): not in missingProvidersInUse, yet
// --check still exits 1. 2026.6.1 lists it either way.
func TestSQLiteNoAuthEvidenceIsIndeterminate(t *testing.T) {
	const model = `"agents":{"defaults":{"model":{"primary":"anthropic/claude-sonnet-5"}}}`
	expired := `{"version":1,"profiles":{"anthropic:tok":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKETTTT","expires":` +
		strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10) + `}}}`
	for _, tc := range []struct {
		name, release, config, store string
		missing                      []string
	}{
		{"9.6, nothing at all", "openclaw-2026.9.6", `{` + model + `}`, "", nil},
		{"9.6, an empty store", "openclaw-2026.9.6", `{` + model + `}`, `{"version":1,"profiles":{}}`, nil},
		{"9.6, only an openai key", "openclaw-2026.9.6", `{` + model + `}`, `{"version":1,"profiles":{"openai:k":{"type":"api_key","provider":"openai","key":"sk-proj-FAKE"}}}`, nil},
		{"9.6, the config names an anthropic profile", "openclaw-2026.9.6", `{` + model + `,"auth":{"profiles":{"anthropic:manual":{"provider":"anthropic","mode":"api_key"}}}}`, "", []string{"anthropic"}},
		{"9.6, the config orders anthropic", "openclaw-2026.9.6", `{` + model + `,"auth":{"order":{"anthropic":["anthropic:manual"]}}}`, "", []string{"anthropic"}},
		{"9.6, an expired anthropic token", "openclaw-2026.9.6", `{` + model + `}`, expired, []string{"anthropic"}},
		{"6.1, nothing at all", "openclaw-2026.6.1", `{` + model + `}`, "", []string{"anthropic"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := gatewayState(t, tc.release, tc.config, tc.store, "")
			if tc.release == "openclaw-2026.9.6" { // judge these JSON files by 9.6's rules
				p.Gateway = Gateway{Name: "openclaw", Version: "2026.9.6", Generation: GenOpenclawJSON, Override: true}
			}
			st, err := storageFor(p).read(p)
			if err != nil {
				t.Fatal(err)
			}
			snap := Snapshot{Paths: p}
			snap.setStored(st)
			snap.Config, _ = ParseConfig("c", []byte(tc.config))
			r := BuildReport(snap, time.Now(), DefaultWarn)
			if !equalStrings(r.MissingInUse, tc.missing) {
				t.Errorf("MissingInUse = %v, the gateway says %v", r.MissingInUse, tc.missing)
			}
			if got := r.Check(); got != 1 {
				t.Errorf("Check = %d, the gateway exits 1", got)
			}
			if got := r.UnusableInUse; !equalStrings(got, []string{"anthropic"}) {
				t.Errorf("moltbot's own verdict UnusableInUse = %v, want [anthropic]", got)
			}
		})
	}
}
