package interop_test

// The interop tests: the real gateway CLIs and the built moltbot binary on
// the same state dir, each reading what the other wrote. Opt-in: they run
// with MOLTBOT_INTEROP=1 (task interop); MOLTBOT_INTEROP_RELEASES picks the
// releases (comma-separated, default every one in releases).

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the test writes the gateway's cells as the gateway does

	"github.com/moltbot/moltbot/internal/interop"
)

// storage is how a release keeps credentials and their state.
type storage int

const (
	inline   storage = iota // auth-profiles.json holds profiles, order and usageStats (clawdbot … 2026.4.5)
	split                   // auth-profiles.json + auth-state.json (2026.4.7 … 2026.6.1)
	sqliteDB                // state/openclaw.sqlite + agents/<id>/agent/openclaw-agent.sqlite (2026.6.5 …)
)

type release struct {
	spec    string
	storage storage
	model   string // the default model the tests set: anthropic, so --check looks at anthropic
	// keyPlusExpired is the gateway's --check exit for an API key beside an
	// expired token: 1 up to 2026.5.7, 0 from 2026.5.12 on (research/json-gens.md §6).
	keyPlusExpired int
}

// releases are the ones tested (one per generation); CI runs them all.
var releases = []release{
	{"openclaw@2026.9.6", sqliteDB, "anthropic/claude-sonnet-5", 0},
	{"openclaw@2026.6.1", split, "anthropic/claude-opus-4-5", 0},
	{"openclaw@2026.4.5", inline, "anthropic/claude-opus-4-5", 1},
	{"clawdbot@2026.1.24", inline, "anthropic/claude-opus-4-5", 1},
}

// Fake secrets of the real shapes; each ends in its own letter so that a
// mask tells which one a side read.
var (
	tokenGateway  = "sk-ant-oat01-FAKE" + strings.Repeat("T", 91)
	keyGateway    = "sk-ant-api03-FAKE" + strings.Repeat("A", 91)
	tokenGateway2 = "sk-ant-oat01-FAKE" + strings.Repeat("S", 91)
	tokenMoltbot  = "sk-ant-oat01-FAKE" + strings.Repeat("M", 91)
	keyMoltbot    = "sk-ant-api03-FAKE" + strings.Repeat("K", 91)
	keyLegacy     = "sk-ant-api03-FAKE" + strings.Repeat("L", 91)
)

// moltbot is the binary TestMain builds.
var moltbot string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	if bin := os.Getenv("MOLTBOT_INTEROP_MOLTBOT"); bin != "" { // another build, e.g. a branch's
		moltbot = bin
	} else if interop.Enabled() {
		dir, err := os.MkdirTemp("", "moltbot-interop-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		moltbot = filepath.Join(dir, "moltbot")
		build := exec.Command("go", "build", "-o", moltbot, "github.com/moltbot/moltbot/cmd/moltbot")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build moltbot: %v\n%s", err, out)
			return 1
		}
	}
	return m.Run()
}

func selected(t *testing.T) []release {
	want := os.Getenv("MOLTBOT_INTEROP_RELEASES")
	if want == "" {
		return releases
	}
	var out []release
	for _, spec := range strings.Split(want, ",") {
		spec = strings.TrimSpace(spec)
		i := slices.IndexFunc(releases, func(r release) bool { return r.spec == spec })
		if i < 0 {
			t.Fatalf("MOLTBOT_INTEROP_RELEASES: %q is not one of the tested releases (%v)", spec, specs())
		}
		out = append(out, releases[i])
	}
	return out
}

func specs() []string {
	var s []string
	for _, r := range releases {
		s = append(s, r.spec)
	}
	return s
}

// TestInterop runs, per release, on one state dir: (a) the gateway writes,
// moltbot reads; (b) moltbot writes, the gateway reads; (c) --check on five
// stores; (d) for SQLite, a pending migration both refuse; (e) cooldowns,
// disables and usage-window blocks, and the providers whose state the
// gateway ignores.
func TestInterop(t *testing.T) {
	if !interop.Enabled() {
		t.Skipf("the interop tests run with %s=1 (task interop): they install the real gateways with npm and take minutes", interop.Env)
	}
	for _, rel := range selected(t) {
		t.Run(rel.spec, func(t *testing.T) {
			t.Parallel()
			gw := interop.Gateway(t, rel.spec)
			w := newWorld(t, gw, rel, tempDir(t))
			w.writeConfig(t, nil)
			if !t.Run("a_GatewayWritesMoltbotReads", w.gatewayWritesMoltbotReads) {
				t.Fatal("the rest builds on (a)'s state")
			}
			if !t.Run("b_MoltbotWritesGatewayReads", w.moltbotWritesGatewayReads) {
				t.Fatal("the rest builds on (b)'s state")
			}
			t.Run("c_CheckExitCodes", w.checkExitCodes)
			t.Run("e_UsageWindows", w.usageWindows)
			if rel.storage == sqliteDB {
				t.Run("d_MigrationPending", w.migrationPending)
			}
		})
	}
}

// world is one state dir and home shared by a gateway release and moltbot.
type world struct {
	gw          *interop.Runner
	rel         release
	state, home string
	configName  string
}

func newWorld(t *testing.T, gw *interop.Runner, rel release, dir string) *world {
	w := &world{gw: gw, rel: rel, state: filepath.Join(dir, "state"), home: filepath.Join(dir, "home"), configName: "openclaw.json"}
	if gw.Package == "clawdbot" {
		w.configName = "clawdbot.json"
	}
	for _, d := range []string{w.state, w.home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// at is the same world on another dir (a copy made by the caller).
func (w *world) at(dir string) *world {
	c := *w
	c.state, c.home = filepath.Join(dir, "state"), filepath.Join(dir, "home")
	return &c
}

func (w *world) agentDir() string { return filepath.Join(w.state, "agents", "main", "agent") }

// oc runs the gateway CLI; it fails the test when the exit code is not one of ok.
func (w *world) oc(t *testing.T, stdin string, ok []int, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	started := time.Now()
	stdout, stderr, exit = w.gw.Run(t, w.state, w.home, stdin, args...)
	if os.Getenv("MOLTBOT_INTEROP_KEEP") != "" {
		f := filepath.Join(filepath.Dir(w.state), fmt.Sprintf("%s-%d.out", strings.Join(args[:min(3, len(args))], "-"), time.Now().UnixMilli()))
		_ = os.WriteFile(f, []byte(fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", exit, stdout, stderr)), 0o600)
	}
	t.Logf("%s %s → exit %d (%.1f s)", w.gw.Package, strings.Join(args, " "), exit, time.Since(started).Seconds())
	if !slices.Contains(ok, exit) {
		t.Fatalf("%s %s: exit %d, want %v\nstdout:\n%s\nstderr:\n%s", w.gw.Spec, strings.Join(args, " "), exit, ok, tailLines(stdout, 15), tailLines(stderr, 15))
	}
	return stdout, stderr, exit
}

// mb runs the built moltbot with the environment a user of this gateway
// has: HOME and the gateway's state dir variable, nothing else of ours.
func (w *world) mb(t *testing.T, stdin string, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	cmd := exec.Command(moltbot, args...)
	stateVar := "OPENCLAW_STATE_DIR"
	if w.gw.Package == "clawdbot" {
		stateVar = "CLAWDBOT_STATE_DIR"
	}
	cmd.Env = []string{"HOME=" + w.home, stateVar + "=" + w.state, "PATH=/usr/bin:/bin", "NO_COLOR=1", "TZ=UTC", "LANG=C.UTF-8", "TERM=dumb"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("moltbot %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), exit
}

// mbOK runs moltbot and fails the test unless it exits 0.
func (w *world) mbOK(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, exit := w.mb(t, stdin, args...)
	if exit != 0 {
		t.Fatalf("moltbot %s: exit %d\n%s%s", strings.Join(args, " "), exit, out, errOut)
	}
	return out
}

// writeConfig writes the config a user starts with: the default model set
// to anthropic (out of the box it is openai from 2026.4.5 on), plus extra.
func (w *world) writeConfig(t *testing.T, extra map[string]any) {
	t.Helper()
	cfg := map[string]any{"agents": map[string]any{"defaults": map[string]any{"model": map[string]any{"primary": w.rel.model}}}}
	for k, v := range extra {
		cfg[k] = v
	}
	writeJSON(t, filepath.Join(w.state, w.configName), cfg)
}

// ---- what both sides say, side by side ----

// view is what a `models status --json` says about the credentials, in the
// gateway's keys (moltbot emits them with the gateway's meaning).
type view struct {
	Profiles map[string]profileView // by profile id
	Unusable []unusableView
	Missing  []string // missingProvidersInUse
}

type profileView struct {
	Type, Provider, Status string
	ExpiresAt              int64
}

type unusableView struct {
	ProfileID, Kind string
	Until           int64
}

type statusDoc struct {
	Auth struct {
		StorePath             string   `json:"storePath"`
		MissingProvidersInUse []string `json:"missingProvidersInUse"`
		UnusableProfiles      []struct {
			ProfileID string `json:"profileId"`
			Kind      string `json:"kind"`
			Until     int64  `json:"until"`
		} `json:"unusableProfiles"`
		OAuth struct {
			Profiles []struct {
				ProfileID string `json:"profileId"`
				Provider  string `json:"provider"`
				Type      string `json:"type"`
				Status    string `json:"status"`
				ExpiresAt *int64 `json:"expiresAt"`
			} `json:"profiles"`
		} `json:"oauth"`
		// The gateway's: "id=token:sk-ant-o...TTTTTTTT" (the secret's last 8).
		Providers []struct {
			Provider string `json:"provider"`
			Profiles json.RawMessage
		} `json:"providers"`
	} `json:"auth"`
	CheckExitCode *int `json:"checkExitCode"` // moltbot's
}

func parseStatus(t *testing.T, who, out string) (view, statusDoc) {
	t.Helper()
	var doc statusDoc
	decodeJSON(t, who+" models status --json", out, &doc)
	v := view{Profiles: map[string]profileView{}, Missing: doc.Auth.MissingProvidersInUse}
	if v.Missing == nil {
		v.Missing = []string{}
	}
	for _, p := range doc.Auth.OAuth.Profiles {
		pv := profileView{Type: p.Type, Provider: p.Provider, Status: p.Status}
		if p.ExpiresAt != nil {
			pv.ExpiresAt = *p.ExpiresAt
		}
		v.Profiles[p.ProfileID] = pv
	}
	for _, u := range doc.Auth.UnusableProfiles {
		v.Unusable = append(v.Unusable, unusableView{u.ProfileID, u.Kind, u.Until})
	}
	sort.Slice(v.Unusable, func(i, j int) bool { return v.Unusable[i].ProfileID < v.Unusable[j].ProfileID })
	return v, doc
}

// sameExpiredExpiry forgets moltbot's expiresAt of an expired token where
// the gateway leaves it out (openclaw from 2026.3 on): moltbot keeps the
// expiry (and a negative remainingMs), which says more, not otherwise.
func sameExpiredExpiry(mb, oc view) {
	for id, p := range oc.Profiles {
		if m, ok := mb.Profiles[id]; ok && p.ExpiresAt == 0 && p.Status == "expired" {
			m.ExpiresAt = 0
			mb.Profiles[id] = m
		}
	}
}

// gatewayMasks are the secrets' last 8 characters by profile id, from the
// gateway's auth.providers[].profiles.labels.
func gatewayMasks(t *testing.T, doc statusDoc) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range doc.Auth.Providers {
		var profiles struct {
			Labels []string `json:"labels"`
		}
		if json.Unmarshal(p.Profiles, &profiles) != nil {
			continue
		}
		for _, l := range profiles.Labels {
			// "id=token:sk-ant-o...TTTTTTTT", maybe followed by " [cooldown 1h]"
			id, rest, ok := strings.Cut(l, "=")
			if _, last, dots := strings.Cut(rest, "..."); ok && dots && len(last) >= 8 {
				out[id] = last[:8]
			}
		}
	}
	return out
}

// moltbotMasks are the masks' last 4 characters by profile id, from
// moltbot's own auth.providers[].profiles[].mask.
func moltbotMasks(t *testing.T, out string) map[string]string {
	t.Helper()
	var doc struct {
		Auth struct {
			Providers []struct {
				Profiles []struct {
					ProfileID string `json:"profileId"`
					Mask      string `json:"mask"`
				} `json:"profiles"`
			} `json:"providers"`
		} `json:"auth"`
	}
	decodeJSON(t, "moltbot models status --json", out, &doc)
	masks := map[string]string{}
	for _, p := range doc.Auth.Providers {
		for _, pr := range p.Profiles {
			if len(pr.Mask) >= 4 {
				masks[pr.ProfileID] = pr.Mask[len(pr.Mask)-4:]
			}
		}
	}
	return masks
}

type orderDoc struct {
	Order []string `json:"order"`
	// The file the gateway says holds the order: authStorePath (clawdbot …
	// 2026.4.5) or authStatePath (2026.4.7 on: auth-state.json, the agent's
	// database).
	AuthStorePath *string `json:"authStorePath"`
	AuthStatePath *string `json:"authStatePath"`
}

// compare runs both sides' status (and with withOrder their order get) on
// the world's state and reports every difference between them, then
// returns the gateway's view.
func (w *world) compare(t *testing.T, when string, withOrder bool) (view, []string) {
	t.Helper()
	ocOut, _, ocExit := w.oc(t, "", []int{0, 1, 2}, "models", "status", "--json", "--check")
	mbOut := w.mbOK(t, "", "models", "status", "--json")
	oc, ocDoc := parseStatus(t, w.gw.Package, ocOut)
	mb, mbDoc := parseStatus(t, "moltbot", mbOut)
	sameExpiredExpiry(mb, oc)
	if mbDoc.Auth.StorePath != ocDoc.Auth.StorePath {
		t.Errorf("%s: auth.storePath: moltbot %s, %s %s", when, mbDoc.Auth.StorePath, w.gw.Spec, ocDoc.Auth.StorePath)
	}
	if !reflect.DeepEqual(mb.Profiles, oc.Profiles) {
		t.Errorf("%s: the profiles differ (id: type, provider, status, expiresAt)\nmoltbot: %v\n%s: %v", when, mb.Profiles, w.gw.Spec, oc.Profiles)
	}
	if !reflect.DeepEqual(mb.Unusable, oc.Unusable) {
		t.Errorf("%s: unusableProfiles differ\nmoltbot: %v\n%s: %v", when, mb.Unusable, w.gw.Spec, oc.Unusable)
	}
	if !reflect.DeepEqual(mb.Missing, oc.Missing) {
		t.Errorf("%s: missingProvidersInUse: moltbot %v, %s %v", when, mb.Missing, w.gw.Spec, oc.Missing)
	}
	if mbDoc.CheckExitCode == nil || *mbDoc.CheckExitCode != ocExit {
		t.Errorf("%s: --check: moltbot's checkExitCode %v, %s exits %d", when, deref(mbDoc.CheckExitCode), w.gw.Spec, ocExit)
	}
	ocMasks, mbMasks := gatewayMasks(t, ocDoc), moltbotMasks(t, mbOut)
	for id, m := range ocMasks {
		if !strings.HasSuffix(m, mbMasks[id]) || mbMasks[id] == "" {
			t.Errorf("%s: %s's secret: %s shows …%s, moltbot …%s", when, id, w.gw.Spec, m, mbMasks[id])
		}
	}
	if !withOrder {
		return oc, nil
	}
	ocOrderOut, _, _ := w.oc(t, "", []int{0}, "models", "auth", "order", "get", "--provider", "anthropic", "--json")
	mbOrderOut := w.mbOK(t, "", "models", "auth", "order", "get", "--provider", "anthropic", "--json")
	var ocOrder, mbOrder orderDoc
	decodeJSON(t, w.gw.Package+" models auth order get --json", ocOrderOut, &ocOrder)
	decodeJSON(t, "moltbot models auth order get --json", mbOrderOut, &mbOrder)
	if !slices.Equal(mbOrder.Order, ocOrder.Order) {
		t.Errorf("%s: order get: moltbot %v, %s %v", when, mbOrder.Order, w.gw.Spec, ocOrder.Order)
	}
	for _, k := range []struct {
		key    string
		mb, oc *string
	}{{"authStorePath", mbOrder.AuthStorePath, ocOrder.AuthStorePath}, {"authStatePath", mbOrder.AuthStatePath, ocOrder.AuthStatePath}} {
		if k.oc != nil && (k.mb == nil || *k.mb != *k.oc) {
			t.Errorf("%s: order get: %s %s, moltbot %s", when, w.gw.Spec, k.key+" "+*k.oc, k.key+" "+strOrAbsent(k.mb))
		}
	}
	return oc, ocOrder.Order
}

func strOrAbsent(s *string) string {
	if s == nil {
		return "absent"
	}
	return *s
}

// ---- (a) the gateway writes, moltbot reads ----

func (w *world) gatewayWritesMoltbotReads(t *testing.T) {
	w.oc(t, w.gw.Secret(tokenGateway), []int{0}, "models", "auth", "paste-token", "--provider", "anthropic", "--expires-in", "30d")
	second := keyGateway
	if interop.CompareVersions(w.gw.Version, "2026.6.1") >= 0 && w.gw.Package == "openclaw" {
		w.oc(t, w.gw.Secret(keyGateway), []int{0}, "models", "auth", "paste-api-key", "--provider", "anthropic", "--profile-id", "anthropic:work")
	} else { // no paste-api-key before 2026.6.1: a second token
		second = tokenGateway2
		w.oc(t, w.gw.Secret(tokenGateway2), []int{0}, "models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:work")
	}
	// A fresh install's state: the credentials alone.
	w.compare(t, "after "+w.gw.Package+" pasted", false)
	w.oc(t, "", []int{0}, "models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "anthropic:manual")
	// A cooldown as the gateway records one after a failed turn (getting a
	// real one takes a model call that times out: minutes).
	until := time.Now().Add(time.Hour).UnixMilli()
	w.writeUsage(t, "anthropic:manual", map[string]any{
		"errorCount": 1, "failureCounts": map[string]any{"rate_limit": 1},
		"lastFailureAt": time.Now().UnixMilli(), "cooldownUntil": until, "cooldownReason": "rate_limit",
	})

	oc, order := w.compare(t, "after "+w.gw.Package+" wrote", true)

	// And the gateway itself saw what it was given (else the harness is wrong).
	wantTypes := map[string]string{"anthropic:manual": "token", "anthropic:work": "api_key"}
	if second != keyGateway {
		wantTypes["anthropic:work"] = "token"
	}
	if got := typesOf(oc.Profiles); !reflect.DeepEqual(got, wantTypes) {
		t.Errorf("%s's own view: profiles %v, want %v (did the piped secrets reach it?)", w.gw.Spec, got, wantTypes)
	}
	if exp := oc.Profiles["anthropic:manual"].ExpiresAt; exp < time.Now().Add(29*24*time.Hour).UnixMilli() {
		t.Errorf("%s's own view: anthropic:manual expires at %d, want about 30 days from now", w.gw.Spec, exp)
	}
	if !slices.Equal(order, []string{"anthropic:work", "anthropic:manual"}) {
		t.Errorf("%s's own order get: %v", w.gw.Spec, order)
	}
	if want := []unusableView{{"anthropic:manual", "cooldown", until}}; !reflect.DeepEqual(oc.Unusable, want) {
		t.Errorf("%s's own view: unusableProfiles %v, want %v", w.gw.Spec, oc.Unusable, want)
	}
}

// ---- (b) moltbot writes, the gateway reads ----

func (w *world) moltbotWritesGatewayReads(t *testing.T) {
	w.mbOK(t, tokenMoltbot+"\n", "models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:mb", "--expires-in", "30d")
	w.mbOK(t, keyMoltbot+"\n", "models", "auth", "paste-api-key", "--provider", "anthropic", "--profile-id", "anthropic:mbkey")
	w.mbOK(t, "", "models", "auth", "order", "set", "--provider", "anthropic", "anthropic:mb", "anthropic:work", "anthropic:manual")
	w.mbOK(t, "", "models", "auth", "remove", "anthropic:work", "--yes")
	w.clearCooldown(t, "anthropic:manual")

	oc, order := w.compare(t, "after moltbot wrote", true)

	if got, want := typesOf(oc.Profiles), map[string]string{"anthropic:manual": "token", "anthropic:mb": "token", "anthropic:mbkey": "api_key"}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s sees profiles %v, want %v", w.gw.Spec, got, want)
	}
	if exp := oc.Profiles["anthropic:mb"].ExpiresAt; exp < time.Now().Add(29*24*time.Hour).UnixMilli() {
		t.Errorf("%s sees anthropic:mb expire at %d, want about 30 days from now", w.gw.Spec, exp)
	}
	if want := []string{"anthropic:mb", "anthropic:manual"}; !slices.Equal(order, want) {
		t.Errorf("%s's order get: %v, want %v", w.gw.Spec, order, want)
	}
	if len(oc.Unusable) != 0 {
		t.Errorf("%s still sees unusable profiles after cooldown clear: %v", w.gw.Spec, oc.Unusable)
	}
}

// clearCooldown runs `moltbot models auth cooldown clear ID`.
func (w *world) clearCooldown(t *testing.T, id string) {
	t.Helper()
	w.mbOK(t, "", "models", "auth", "cooldown", "clear", id)
}

// ---- (c) --check: moltbot's exit code is the gateway's ----

func (w *world) checkExitCodes(t *testing.T) {
	now := time.Now().UnixMilli()
	key := map[string]any{"type": "api_key", "provider": "anthropic", "key": keyGateway}
	token := func(expires int64) map[string]any {
		return map[string]any{"type": "token", "provider": "anthropic", "token": tokenGateway, "expires": expires}
	}
	cases := []struct {
		name     string
		profiles map[string]any
		want     int
	}{
		{"no credentials", map[string]any{}, 1},
		{"API key only", map[string]any{"anthropic:key": key}, 0},
		{"token expiring in 2 h", map[string]any{"anthropic:tok": token(now + 2*3600_000)}, 2},
		{"expired token", map[string]any{"anthropic:tok": token(now - 3600_000)}, 1},
		{"API key + expired token", map[string]any{"anthropic:key": key, "anthropic:tok": token(now - 3600_000)}, w.rel.keyPlusExpired},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cw := w.at(tempDir(t))
			copyDir(t, w.state, cw.state)
			copyDir(t, w.home, cw.home)
			cw.resetStore(t, c.profiles)
			ocOut, _, ocExit := cw.oc(t, "", []int{0, 1, 2}, "models", "status", "--json", "--check")
			mbOut, mbErr, mbExit := cw.mb(t, "", "models", "status", "--json", "--check")
			if ocExit != c.want {
				t.Errorf("%s --check exits %d, want %d (research/json-gens.md §6, research/sqlite.md §2d)", w.gw.Spec, ocExit, c.want)
			}
			if mbExit != ocExit {
				t.Errorf("moltbot models status --check exits %d, %s %d\n%s", mbExit, w.gw.Spec, ocExit, tailLines(mbErr, 5))
			}
			oc, _ := parseStatus(t, w.gw.Package, ocOut)
			mb, _ := parseStatus(t, "moltbot", mbOut)
			sameExpiredExpiry(mb, oc)
			if !reflect.DeepEqual(mb.Missing, oc.Missing) {
				t.Errorf("missingProvidersInUse: moltbot %v, %s %v", mb.Missing, w.gw.Spec, oc.Missing)
			}
			if !reflect.DeepEqual(mb.Profiles, oc.Profiles) {
				t.Errorf("profiles: moltbot %v, %s %v", mb.Profiles, w.gw.Spec, oc.Profiles)
			}
		})
	}
}

// ---- (e) usage windows: which state keeps a profile out, and until when ----

func (w *world) usageWindows(t *testing.T) {
	cw := w.at(tempDir(t))
	copyDir(t, w.state, cw.state)
	copyDir(t, w.home, cw.home)
	key := func(provider string) map[string]any {
		return map[string]any{"type": "api_key", "provider": provider, "key": keyGateway}
	}
	cw.resetStore(t, map[string]any{
		"anthropic:blocked": key("anthropic"), "anthropic:both": key("anthropic"), "anthropic:disabled": key("anthropic"),
		"openrouter:k": key("openrouter"), "kilocode:k": key("kilocode"),
	})
	now := time.Now()
	at := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	blockedUntil := at(72 * time.Hour)
	// A subscription's usage window as openclaw records it when the
	// provider says the limit is reached (markAuthProfileBlockedUntil).
	cw.writeUsage(t, "anthropic:blocked", map[string]any{
		"blockedUntil": blockedUntil, "blockedReason": "subscription_limit", "blockedSource": "wham", "errorCount": 0,
	})
	cw.writeUsage(t, "anthropic:both", map[string]any{
		"cooldownUntil": at(10 * time.Minute), "cooldownReason": "rate_limit", "blockedUntil": at(48 * time.Hour), "errorCount": 1,
	})
	cw.writeUsage(t, "anthropic:disabled", map[string]any{
		"disabledUntil": at(time.Hour), "disabledReason": "billing", "cooldownUntil": at(2 * time.Hour), "errorCount": 2,
	})
	cw.writeUsage(t, "openrouter:k", map[string]any{"cooldownUntil": at(time.Hour), "cooldownReason": "rate_limit", "errorCount": 1})
	cw.writeUsage(t, "kilocode:k", map[string]any{"disabledUntil": at(time.Hour), "disabledReason": "billing", "errorCount": 1})

	oc, _ := cw.compare(t, "usage windows", false)

	// The gateway itself saw the block or not, as its release reads them
	// (else the harness is wrong, and the comparison proves nothing).
	sawBlock := slices.ContainsFunc(oc.Unusable, func(u unusableView) bool { return u.ProfileID == "anthropic:blocked" })
	if want := w.gw.Package == "openclaw" && interop.CompareVersions(w.gw.Version, "2026.5.12") >= 0; sawBlock != want {
		t.Errorf("%s lists the blocked profile as unusable: %v, want %v (%v)", w.gw.Spec, sawBlock, want, oc.Unusable)
	}
}

// ---- (d) SQLite with a legacy auth-profiles.json: both refuse ----

func (w *world) migrationPending(t *testing.T) {
	legacy := map[string]any{"version": 1, "profiles": map[string]any{
		"anthropic:legacy": map[string]any{"type": "api_key", "provider": "anthropic", "key": keyLegacy},
	}}
	t.Run("fresh install", func(t *testing.T) {
		t.Parallel()
		cw := w.at(t.TempDir())
		for _, d := range []string{cw.state, cw.home} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		cw.writeConfig(t, map[string]any{"meta": map[string]any{"lastTouchedVersion": w.gw.Version}})
		writeJSON(t, filepath.Join(cw.agentDir(), "auth-profiles.json"), legacy)
		cw.bothRefuse(t)
		// The gateway refuses to write there too.
		out, errOut, _ := cw.oc(t, cw.gw.Secret(keyGateway), []int{1}, "models", "auth", "paste-api-key", "--provider", "anthropic")
		if !strings.Contains(out+errOut, "legacy credential migration") {
			t.Errorf("%s paste-api-key did not refuse for the migration:\n%s%s", w.gw.Spec, tailLines(out, 5), tailLines(errOut, 5))
		}
	})
	t.Run("shared store has credentials, the main agent's own has none", func(t *testing.T) {
		t.Parallel()
		cw := w.at(t.TempDir())
		copyDir(t, w.state, cw.state)
		copyDir(t, w.home, cw.home)
		writeJSON(t, filepath.Join(cw.agentDir(), "auth-profiles.json"), legacy)
		cw.bothRefuse(t)
	})
}

func (w *world) bothRefuse(t *testing.T) {
	t.Helper()
	before := treeSums(t, w.state)
	out, errOut, exit := w.mb(t, "", "models", "status")
	if !strings.Contains(out+errOut, "openclaw doctor --fix") {
		t.Errorf("moltbot models status (exit %d) does not name openclaw doctor --fix:\n%s%s", exit, out, errOut)
	}
	out, errOut, exit = w.mb(t, tokenMoltbot+"\n", "models", "auth", "paste-token", "--provider", "anthropic")
	if exit != 1 || !strings.Contains(out+errOut, "openclaw doctor --fix") {
		t.Errorf("moltbot paste-token on a pending migration: exit %d, want 1 naming openclaw doctor --fix:\n%s%s", exit, out, errOut)
	}
	if after := treeSums(t, w.state); !reflect.DeepEqual(after, before) {
		t.Errorf("moltbot changed the state dir of a pending migration:\nbefore %v\nafter  %v", before, after)
	}
	ocOut, ocErr, _ := w.oc(t, "", []int{1}, "models", "status", "--json")
	if !strings.Contains(ocOut+ocErr, "legacy credential migration") {
		t.Errorf("%s models status did not refuse for the migration:\n%s%s", w.gw.Spec, tailLines(ocOut, 5), tailLines(ocErr, 5))
	}
}

// ---- the stores, written the way the gateway writes them ----

// writeUsage sets usageStats[id] where this release keeps it.
func (w *world) writeUsage(t *testing.T, id string, stats map[string]any) {
	t.Helper()
	switch w.rel.storage {
	case inline:
		editJSON(t, filepath.Join(w.agentDir(), "auth-profiles.json"), func(m map[string]any) { setUsage(m, id, stats) })
	case split:
		editJSON(t, filepath.Join(w.agentDir(), "auth-state.json"), func(m map[string]any) {
			if m["version"] == nil {
				m["version"] = 1
			}
			setUsage(m, id, stats)
		})
	case sqliteDB: // the shared state row (research/sqlite.md §2b: cooldowns go there)
		db := filepath.Join(w.state, "state", "openclaw.sqlite")
		cell := readCell(t, db, `SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.state'`)
		m := map[string]any{"version": 1}
		if cell != "" {
			if err := json.Unmarshal([]byte(cell), &m); err != nil {
				t.Fatal(err)
			}
		}
		setUsage(m, id, stats)
		sqlTx(t, db, stmt{`INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES ('authProfiles.state', ?1, ?2)
			ON CONFLICT (state_key) DO UPDATE SET value_json = ?1, updated_at_ms = ?2`, []any{compact(t, m), time.Now().UnixMilli()}})
	}
}

func setUsage(m map[string]any, id string, stats map[string]any) {
	us, _ := m["usageStats"].(map[string]any)
	if us == nil {
		us = map[string]any{}
	}
	us[id] = stats
	m["usageStats"] = us
}

// resetStore replaces every credential with profiles and drops the order,
// usage stats and the config's auth block (what a user who set up exactly
// these credentials has).
func (w *world) resetStore(t *testing.T, profiles map[string]any) {
	t.Helper()
	editJSON(t, filepath.Join(w.state, w.configName), func(m map[string]any) { delete(m, "auth") })
	store := map[string]any{"version": 1, "profiles": profiles}
	switch w.rel.storage {
	case inline, split:
		writeJSON(t, filepath.Join(w.agentDir(), "auth-profiles.json"), store)
		if err := os.Remove(filepath.Join(w.agentDir(), "auth-state.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	case sqliteDB:
		now := time.Now().UnixMilli()
		sqlTx(t, filepath.Join(w.state, "state", "openclaw.sqlite"),
			stmt{`UPDATE config_machine_state SET value_json = ?1, updated_at_ms = ?2 WHERE state_key = 'authProfiles.store'`, []any{compact(t, store), now}},
			stmt{`DELETE FROM config_machine_state WHERE state_key = 'authProfiles.state'`, nil})
		sqlTx(t, filepath.Join(w.agentDir(), "openclaw-agent.sqlite"),
			stmt{`UPDATE auth_profile_store SET store_json = ?1, updated_at = ?2 WHERE store_key = 'primary'`, []any{`{"version":1,"profiles":{}}`, now}},
			stmt{`DELETE FROM auth_profile_state WHERE state_key = 'primary'`, nil})
	}
}

type stmt struct {
	q    string
	args []any
}

// sqlTx runs stmts in one BEGIN IMMEDIATE transaction on an existing database.
func sqlTx(t *testing.T, path string, stmts ...stmt) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, s := range stmts {
		if _, err := conn.ExecContext(ctx, s.q, s.args...); err != nil {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
			t.Fatalf("%s: %s: %v", path, s.q, err)
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatalf("%s: commit: %v", path, err)
	}
}

func readCell(t *testing.T, path, q string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow(q).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// ---- small helpers ----

// tempDir is t.TempDir(), or with MOLTBOT_INTEROP_KEEP=DIR a dir under DIR
// that stays (with every gateway command's output) for a look afterwards.
func tempDir(t *testing.T) string {
	keep := os.Getenv("MOLTBOT_INTEROP_KEEP")
	if keep == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(keep, 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := os.MkdirTemp(keep, strings.NewReplacer("/", "_", " ", "_", "'", "").Replace(t.Name())+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kept: %s", d)
	return d
}

func typesOf(ps map[string]profileView) map[string]string {
	out := map[string]string{}
	for id, p := range ps {
		out[id] = p.Type
	}
	return out
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// decodeJSON decodes the JSON document in out, skipping any lines the
// gateway printed before it.
func decodeJSON(t *testing.T, what, out string, v any) {
	t.Helper()
	i := strings.Index(out, "{")
	if j := strings.Index(out, "\n{"); i > 0 && j >= 0 {
		i = j + 1
	}
	if i < 0 {
		t.Fatalf("%s printed no JSON:\n%s", what, tailLines(out, 10))
	}
	dec := json.NewDecoder(strings.NewReader(out[i:]))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, tailLines(out, 10))
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
}

func editJSON(t *testing.T, path string, fn func(map[string]any)) {
	t.Helper()
	m := map[string]any{}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		t.Fatal(err)
	}
	fn(m)
	writeJSON(t, path, m)
}

func compact(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// copyDir copies a state dir (files, dirs, symlinks; modes kept). Nothing
// has its databases open between commands, so a copy is consistent.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, b, info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// treeSums is every file under dir with its sha256 (and every dir), but
// SQLite's -shm files: every reader of a WAL database writes its read marks
// there (the gateway's own readers too); it holds no data.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			sums[rel+"/"] = ""
			return nil
		}
		if strings.HasSuffix(p, "-shm") {
			sums[rel] = "(shm)"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		sums[rel] = hex.EncodeToString(h[:8])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n") + "\n"
}
