package authstore

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// randomEvalStore is a store's text made to stress the evaluation: few
// providers (aliases among them), every type, ids the order names twice,
// ids of other providers and missing ids in the override, many equal
// lastUsed and cooldown times (the sorts must stay stable), expired tokens,
// empty secrets, duplicated profile ids.
func randomEvalStore(r *rand.Rand, now time.Time) []byte {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	ms := now.UnixMilli()
	providers := []string{"anthropic", "Anthropic ", "openai", "z.ai", "zai", "google", ""}
	n := r.IntN(40)
	if r.IntN(10) == 0 {
		n = 100 + r.IntN(300) // past insertion sort's reach: an unstable sort shows
	}
	ids := make([]string, n)
	var prof, usage []string
	for i := range n {
		ids[i] = fmt.Sprintf("%s:%d", pick("anthropic", "openai", "zai", "x"), r.IntN(n+1))
		var f []string
		if t := pick("api_key", "token", "oauth", "oauth", "magic", ""); t != "" {
			f = append(f, `"type":`+q(t))
		}
		if r.IntN(10) > 0 {
			f = append(f, `"provider":`+q(pick(providers...)))
		}
		for _, k := range []string{"key", "token", "access", "refresh"} {
			if r.IntN(2) == 0 {
				f = append(f, q(k)+":"+q(pick("sk-FAKE0000000000000000000000", "", " ", "FAKEACCESS00000000000000000000")))
			}
		}
		if r.IntN(3) > 0 {
			f = append(f, `"expires":`+fmt.Sprint(ms+int64(r.IntN(5)-2)*3_600_000*int64(r.IntN(30))))
		}
		if r.IntN(4) == 0 {
			f = append(f, `"email":`+q(pick("me@example.com", "x")))
		}
		prof = append(prof, q(ids[i])+":{"+strings.Join(f, ",")+"}")
		if r.IntN(3) > 0 {
			var u []string
			if r.IntN(3) > 0 {
				u = append(u, `"lastUsed":`+fmt.Sprint(ms-int64(r.IntN(4))*60_000))
			}
			if r.IntN(2) == 0 {
				u = append(u, `"cooldownUntil":`+fmt.Sprint(ms+int64(r.IntN(5)-1)*60_000))
			}
			if r.IntN(3) == 0 {
				u = append(u, `"disabledUntil":`+fmt.Sprint(ms+int64(r.IntN(5)-1)*60_000), `"disabledReason":`+q(pick("billing", "auth")))
			}
			usage = append(usage, q(ids[i])+":{"+strings.Join(u, ",")+"}")
		}
	}
	var order []string
	for range r.IntN(4) {
		var list []string
		for range r.IntN(8) {
			if n > 0 && r.IntN(5) > 0 {
				list = append(list, q(ids[r.IntN(n)]))
			} else {
				list = append(list, q(fmt.Sprint("ghost:", r.IntN(3))))
			}
		}
		order = append(order, q(pick(providers...))+":["+strings.Join(list, ",")+"]")
	}
	return []byte(`{"version":1,"profiles":{` + strings.Join(prof, ",") + `},"order":{` + strings.Join(order, ",") +
		`},"usageStats":{` + strings.Join(usage, ",") + `}}`)
}

// randomEvalConfig is a config with auth.order, auth.profiles and models
// over the same providers and ids.
func randomEvalConfig(r *rand.Rand, s *Store) Config {
	var c Config
	ids := []string{"ghost:1"}
	for _, p := range s.Profiles {
		ids = append(ids, p.ID)
	}
	if r.IntN(2) == 0 {
		c.Order = map[string][]string{}
		for range 1 + r.IntN(2) {
			var list []string
			for range r.IntN(6) {
				list = append(list, ids[r.IntN(len(ids))])
			}
			c.Order[[]string{"anthropic", "openai", "z.ai", "zai"}[r.IntN(4)]] = list
		}
	}
	if r.IntN(2) == 0 {
		c.Profiles = map[string]ConfigProfile{}
		for range r.IntN(6) {
			id := ids[r.IntN(len(ids))]
			c.Profiles[id] = ConfigProfile{Provider: []string{"anthropic", "openai", "zai", "google"}[r.IntN(4)], Mode: "token"}
		}
		for id := range c.Profiles {
			c.ProfileIDs = append(c.ProfileIDs, id)
		}
		slices.Sort(c.ProfileIDs)
	}
	for range r.IntN(3) {
		c.Models = append(c.Models, []string{"anthropic/claude", "google/gemini", "mistral/x", "zai/glm"}[r.IntN(4)])
	}
	return c
}

// BuildReport and EffectiveOrder give what the reference evaluation gives,
// on thousands of generated stores, configs, plans, times and warn windows.
func TestBuildReportMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 3))
	count := 4000
	if testing.Short() {
		count = 400
	}
	for i := range count {
		data := randomEvalStore(r, fixedNow)
		s, err := ParseStore(data)
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		snap := Snapshot{Store: s, Config: randomEvalConfig(r, s)}
		if r.IntN(3) == 0 {
			snap.Env = []EnvCredential{{Provider: "openai", Var: "OPENAI_API_KEY", Source: SourceDotEnv, Value: "sk-FAKE"}}
		}
		if r.IntN(4) == 0 && len(s.Profiles) > 0 {
			snap = snap.Plan("anthropic", Override{IDs: []string{s.Profiles[0].ID, "ghost:2", s.Profiles[0].ID}, Set: true})
		}
		now := fixedNow.Add(time.Duration(r.IntN(5)-2) * time.Hour)
		warn := time.Duration(r.IntN(3)) * 24 * time.Hour
		checkReport(t, fmt.Sprintf("store %d:\n%s\nconfig %+v", i, data, snap.Config), snap, now, warn)
	}
}

func checkReport(t *testing.T, what string, snap Snapshot, now time.Time, warn time.Duration) {
	t.Helper()
	got, want := BuildReport(snap, now, warn), buildReportRef(snap, now, warn)
	// The reference predates the gateway's own verdicts (judgeAsGateway,
	// tested against the real gateways' output in rules_test.go): it
	// computes moltbot's, which Report now keeps in UnusableInUse.
	got.Rules = GatewayRules{}
	if got.UnusableInUse == nil && len(want.MissingInUse) == 0 {
		got.UnusableInUse = want.MissingInUse
	}
	got.MissingInUse, got.UnusableInUse = got.UnusableInUse, nil
	for i := range got.Providers {
		p := &got.Providers[i]
		p.GatewayStatus, p.GatewayMissing, p.gatewayProfiles = "", false, 0
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s\nBuildReport:\n%+v\nreference:\n%+v", what, got, want)
	}
	for _, p := range []string{"anthropic", "Anthropic", "openai", "zai", "google", "nobody"} {
		p = NormalizeProvider(p)
		got := snap.EffectiveOrder(p, now)
		want := effectiveOrderRef(&snap, p, now, snap.ownProfiles(p), snap.normProvider)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s\nEffectiveOrder(%s):\n%+v\nreference:\n%+v", what, p, got, want)
		}
	}
}

// FuzzBuildReport: on any store the gateway's files can hold, the report
// is the reference's.
func FuzzBuildReport(f *testing.F) {
	addFileSeeds(f, "store-after-paste-token.json", "store-after-order-set.json")
	f.Add([]byte(richStore))
	f.Add([]byte(dupStore))
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		f.Add(randomEvalStore(r, fixedNow))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseStore(data)
		if err != nil {
			return
		}
		snap := Snapshot{Store: s, Config: Config{Order: map[string][]string{"openai": {"openai:1", "ghost"}}, Models: []string{"mistral/x"}}}
		checkReport(t, string(data), snap, fixedNow, DefaultWarn)
	})
}
