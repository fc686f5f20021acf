package authstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// opsStore has four anthropic profiles (bravo cooling down for an hour from
// now), an override that leaves delta out, a profile without a provider,
// usage stats, lastGood and unknown fields at every level.
func opsStore(t *testing.T) string {
	t.Helper()
	now := time.Now()
	return indentJSON(t, fmt.Sprintf(`{"version":1,"profiles":{
"anthropic:alpha":{"type":"api_key","provider":"anthropic","key":%q},
"anthropic:bravo":{"type":"api_key","provider":"anthropic","key":%q},
"anthropic:charlie":{"type":"token","provider":"anthropic","token":%q,"expires":%d,"futureField":1},
"anthropic:delta":{"type":"api_key","provider":"anthropic","key":%q},
"anthropic:stray":{"type":"api_key","key":%q},
"openai:default":{"type":"api_key","provider":"openai","key":%q}},
"order":{"anthropic":["anthropic:alpha","anthropic:bravo","anthropic:charlie"],"openai":["openai:default"]},
"lastGood":{"anthropic":"anthropic:alpha"},
"usageStats":{"anthropic:bravo":{"lastUsed":%d,"cooldownUntil":%d,"errorCount":2,"futureUsage":true},
"anthropic:alpha":{"lastUsed":%d}},
"futureTopLevel":{"kept":true}}`,
		fakeSecret("sk-ant-api03-", 60, 'A'), fakeSecret("sk-ant-api03-", 60, 'B'), fakeOAT, now.Add(30*24*time.Hour).UnixMilli(),
		fakeSecret("sk-ant-api03-", 60, 'D'), fakeSecret("sk-ant-api03-", 60, 'S'), fakeOAI,
		now.Add(-time.Minute).UnixMilli(), now.Add(time.Hour).UnixMilli(), now.Add(-time.Hour).UnixMilli()))
}

func opsPaths(t *testing.T) Paths {
	t.Helper()
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte(opsStore(t)))
	return p
}

// storeOrder is the override stored for provider, nil when none.
func storeOrder(t *testing.T, p Paths, provider string) []string {
	t.Helper()
	s := mustParse(t, string(readFile(t, p.Store)))
	ids, _ := s.OrderOverride(provider)
	return ids
}

// assertKept checks that what no operation may touch is still there.
func assertKept(t *testing.T, p Paths) {
	t.Helper()
	data := string(readFile(t, p.Store))
	for _, want := range []string{`"futureTopLevel"`, `"futureField": 1`, `"anthropic:stray"`, `"openai": [`} {
		if !strings.Contains(data, want) {
			t.Errorf("the store lost %s:\n%s", want, data)
		}
	}
}

func TestSaveCredentialAddsAndReplacesInPlace(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	newTok := fakeSecret("sk-ant-oat01-", 108, 'N')
	res, err := SaveCredential(ctx, p, Credential{ID: "anthropic:bravo", Provider: "anthropic", Type: TypeAPIKey, Secret: newTok[:60]}, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replaced || !res.UsageReset || res.Placed {
		t.Errorf("result %+v: want replaced, usage reset, not placed", res)
	}
	if got := storeOrder(t, p, "anthropic"); !slices.Equal(got, []string{"anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}) {
		t.Errorf("order %v: a replaced profile keeps its place", got)
	}
	if _, ok := res.Snapshot.Store.Usage["anthropic:bravo"]; ok {
		t.Error("the old secret's cooldown survived")
	}
	if ids := ProfileIDs(res.Snapshot.Store.Profiles); slices.Index(ids, "anthropic:bravo") != 1 {
		t.Errorf("file order %v: bravo moved", ids)
	}
	// The same secret again: nothing to reset.
	res, err = SaveCredential(ctx, p, Credential{ID: "anthropic:bravo", Provider: "anthropic", Type: TypeAPIKey, Secret: newTok[:60]}, SaveOptions{})
	if err != nil || res.UsageReset {
		t.Errorf("same secret: %+v, %v", res, err)
	}
	// A new profile placed first is put at the front of the override.
	first := PlaceFirst
	res, err = SaveCredential(ctx, p, Credential{ID: "anthropic:new", Provider: "anthropic", Type: TypeToken, Secret: newTok}, SaveOptions{Place: &first})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"anthropic:new", "anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}
	if !res.Placed || !slices.Equal(res.Override, want) || !slices.Equal(storeOrder(t, p, "anthropic"), want) {
		t.Errorf("placed %v override %v stored %v, want %v", res.Placed, res.Override, storeOrder(t, p, "anthropic"), want)
	}
	assertKept(t, p)
}

func TestRenewTokenKeepsEverythingButTheToken(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	tok := fakeSecret("sk-ant-oat01-", 108, 'R')
	exp := time.Now().Add(365 * 24 * time.Hour).Truncate(time.Millisecond)
	res, err := RenewToken(ctx, p, "anthropic:charlie", tok, exp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile.Token != tok || res.Profile.Expires != exp.UnixMilli() || res.Profile.Provider != "anthropic" {
		t.Errorf("renewed profile %+v", res.Profile)
	}
	if got := storeOrder(t, p, "anthropic"); got[2] != "anthropic:charlie" {
		t.Errorf("order %v", got)
	}
	if _, err := RenewToken(ctx, p, "anthropic:alpha", tok, exp); err == nil || !strings.Contains(err.Error(), "not a token") {
		t.Errorf("renewing an api key: %v", err)
	}
	var gone *ProfileGoneError
	if _, err := RenewToken(ctx, p, "anthropic:nope", tok, exp); !errors.As(err, &gone) {
		t.Errorf("renewing a missing profile: %v", err)
	}
	assertKept(t, p)
}

func TestRemoveProfileDropsEveryReference(t *testing.T) {
	p := opsPaths(t)
	res, err := RemoveProfile(context.Background(), p, "anthropic:alpha")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Removed || res.Profile.ID != "anthropic:alpha" {
		t.Errorf("result %+v", res)
	}
	s := res.Snapshot.Store
	if _, ok := s.Profile("anthropic:alpha"); ok {
		t.Error("still there")
	}
	if _, ok := s.Usage["anthropic:alpha"]; ok {
		t.Error("its usage stats stayed")
	}
	if _, ok := s.LastGood["anthropic"]; ok {
		t.Error("lastGood still names it")
	}
	if got := storeOrder(t, p, "anthropic"); !slices.Equal(got, []string{"anthropic:bravo", "anthropic:charlie"}) {
		t.Errorf("order %v", got)
	}
	res, err = RemoveProfile(context.Background(), p, "anthropic:alpha")
	if err != nil || res.Removed {
		t.Errorf("removing it again: %+v %v", res, err)
	}
	assertKept(t, p)
}

func TestSetOrderRefusesWhatIsNotTheProvidersProfile(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	before := string(readFile(t, p.Store))
	for _, tc := range []struct{ id, want string }{
		{"anthropic:nope", `auth profile "anthropic:nope" not found in `},
		{"openai:default", `auth profile "openai:default" is for openai, not anthropic`},
		// The gateway's membership rule: the "provider" field, not the id.
		{"anthropic:stray", `auth profile "anthropic:stray" is for no provider, not anthropic`},
	} {
		_, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:alpha", tc.id})
		var oe *OrderIDError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.id, err, tc.want)
		}
		if !strings.Contains(err.Error(), "anthropic profiles: anthropic:alpha, anthropic:bravo, anthropic:charlie, anthropic:delta") {
			t.Errorf("%s: %v does not list the valid ids", tc.id, err)
		}
	}
	if string(readFile(t, p.Store)) != before {
		t.Fatal("a refused order was written")
	}
	res, err := SetOrder(ctx, p, "Anthropic", []string{"anthropic:delta", "anthropic:alpha"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed() || !res.Before.Set || !res.After.Equal(Override{IDs: []string{"anthropic:delta", "anthropic:alpha"}, Set: true}) {
		t.Errorf("result %+v", res)
	}
	assertKept(t, p)
}

func TestClearOrderReportsWhetherThereWasOne(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	res, err := ClearOrder(ctx, p, "anthropic")
	if err != nil || !res.Changed() || res.After.Set || res.Before.IDs[0] != "anthropic:alpha" {
		t.Fatalf("%+v %v", res, err)
	}
	if storeOrder(t, p, "anthropic") != nil {
		t.Error("still stored")
	}
	before := string(readFile(t, p.Store))
	res, err = ClearOrder(ctx, p, "anthropic")
	if err != nil || res.Changed() {
		t.Errorf("second clear: %+v %v", res, err)
	}
	if string(readFile(t, p.Store)) != before {
		t.Error("clearing nothing rewrote the store")
	}
	assertKept(t, p)
}

func TestPlanMove(t *testing.T) {
	p := opsPaths(t)
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// Stored: [alpha bravo charlie], delta left out; bravo cools down, so
	// the gateway (and the screen) tries [alpha charlie bravo], then delta.
	for _, tc := range []struct {
		name string
		m    Move
		want []string
	}{
		{"to the top", Move{ID: "anthropic:charlie", Below: "anthropic:alpha"}, []string{"anthropic:charlie", "anthropic:alpha", "anthropic:bravo"}},
		{"to the bottom", Move{ID: "anthropic:alpha", Above: "anthropic:delta", Down: true}, []string{"anthropic:bravo", "anthropic:charlie", "anthropic:alpha"}},
		{"down, after the row above", Move{ID: "anthropic:alpha", Above: "anthropic:charlie", Below: "anthropic:bravo", Down: true}, []string{"anthropic:bravo", "anthropic:charlie", "anthropic:alpha"}},
		{"up, before the row below", Move{ID: "anthropic:charlie", Above: "anthropic:alpha", Below: "anthropic:bravo"}, []string{"anthropic:alpha", "anthropic:charlie", "anthropic:bravo"}},
		// Carried past delta (left out): the override is as it was, and
		// delta stays out.
		{"among the left-out", Move{ID: "anthropic:charlie", Above: "anthropic:delta", Down: true}, []string{"anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}},
		// The left-out profile itself, carried up above charlie: it is in,
		// right before charlie (and tried second: bravo cools down).
		{"a left-out profile in", Move{ID: "anthropic:delta", Above: "anthropic:alpha", Below: "anthropic:charlie"}, []string{"anthropic:alpha", "anthropic:bravo", "anthropic:delta", "anthropic:charlie"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlanMove(&snap, "anthropic", tc.m, now); !slices.Equal(got, tc.want) {
				t.Errorf("PlanMove = %v, want %v", got, tc.want)
			}
		})
	}
	// Without an override the list moved in is the gateway's order and
	// the profiles it skips for now (expired), not those a config list
	// leaves out.
	cleared, err := ClearOrder(context.Background(), p, "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	snap = cleared.Snapshot
	eo := snap.EffectiveOrder("anthropic", now)
	got := PlanMove(&snap, "anthropic", Move{ID: eo.IDs[len(eo.IDs)-1], Below: eo.IDs[0]}, now)
	want := append([]string{eo.IDs[len(eo.IDs)-1]}, eo.IDs[:len(eo.IDs)-1]...)
	if !slices.Equal(got, want) {
		t.Errorf("automatic: PlanMove = %v, want %v (from %v)", got, want, eo.IDs)
	}
}

func TestMoveProfileKeepsAnOrderWrittenMeanwhile(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	seen := Override{IDs: []string{"anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}, Set: true}
	// Someone else puts charlie first and leaves bravo out.
	if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:charlie", "anthropic:alpha"}); err != nil {
		t.Fatal(err)
	}
	// The user, who still sees the old order, moves delta to the top.
	res, err := MoveProfile(ctx, p, "anthropic", Move{ID: "anthropic:delta", Below: "anthropic:alpha", Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"anthropic:delta", "anthropic:charlie", "anthropic:alpha"}
	if !res.Meanwhile || !slices.Equal(res.After.IDs, want) || !slices.Equal(storeOrder(t, p, "anthropic"), want) {
		t.Errorf("meanwhile %v, after %v, stored %v; want %v", res.Meanwhile, res.After.IDs, storeOrder(t, p, "anthropic"), want)
	}
	// Seen as it is: not "meanwhile".
	res, err = MoveProfile(ctx, p, "anthropic", Move{ID: "anthropic:alpha", Below: "anthropic:delta", Seen: res.After})
	if err != nil || res.Meanwhile || res.After.IDs[0] != "anthropic:alpha" {
		t.Errorf("%+v %v", res, err)
	}
	// Another provider's profile, or one that is gone, is refused.
	if _, err := MoveProfile(ctx, p, "anthropic", Move{ID: "openai:default"}); err == nil {
		t.Error("moved another provider's profile")
	}
	var gone *ProfileGoneError
	if _, err := MoveProfile(ctx, p, "anthropic", Move{ID: "anthropic:nope"}); !errors.As(err, &gone) {
		t.Errorf("moving a missing profile: %v", err)
	}
	assertKept(t, p)
}

func TestEffectiveOrderWithShowsWhereTheGatewayWillTryIt(t *testing.T) {
	p := opsPaths(t)
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// bravo is carried to the top, but it cools down: the gateway still
	// tries it last, and says so with the same rule as EffectiveOrder.
	planned := PlanMove(&snap, "anthropic", Move{ID: "anthropic:bravo", Below: "anthropic:alpha"}, now)
	eo := snap.EffectiveOrderWith("anthropic", planned, now)
	if want := []string{"anthropic:alpha", "anthropic:charlie", "anthropic:bravo"}; !slices.Equal(eo.IDs, want) {
		t.Errorf("effective %v, want %v", eo.IDs, want)
	}
	// The plan changes nothing on disk nor in snap.
	if got := snap.EffectiveOrder("anthropic", now).IDs; !slices.Equal(got, []string{"anthropic:alpha", "anthropic:charlie", "anthropic:bravo"}) {
		t.Errorf("snap's own order %v", got)
	}
	if got := storeOrder(t, p, "anthropic"); !slices.Equal(got, []string{"anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}) {
		t.Errorf("stored %v", got)
	}
	// A report built from the plan shows it.
	r := BuildReport(snap.Plan("anthropic", Override{IDs: []string{"anthropic:charlie", "anthropic:alpha"}, Set: true}), now, 0)
	pr, _ := r.Provider("anthropic")
	if !slices.Equal(pr.Order.IDs, []string{"anthropic:charlie", "anthropic:alpha"}) {
		t.Errorf("planned report order %v", pr.Order.IDs)
	}
}

func TestSetInOrderExcludesAndIncludes(t *testing.T) {
	p := opsPaths(t)
	ctx := context.Background()
	res, err := SetInOrder(ctx, p, "anthropic", "anthropic:alpha", false)
	if err != nil || !slices.Equal(res.After.IDs, []string{"anthropic:bravo", "anthropic:charlie"}) {
		t.Fatalf("exclude alpha: %+v %v", res.After, err)
	}
	res, err = SetInOrder(ctx, p, "anthropic", "anthropic:delta", true)
	if err != nil || !slices.Equal(res.After.IDs, []string{"anthropic:bravo", "anthropic:charlie", "anthropic:delta"}) {
		t.Fatalf("include delta: %+v %v", res.After, err)
	}
	before := string(readFile(t, p.Store))
	res, err = SetInOrder(ctx, p, "anthropic", "anthropic:delta", true)
	if err != nil || res.Changed() || string(readFile(t, p.Store)) != before {
		t.Errorf("including it again changed something: %+v %v", res, err)
	}
	if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:delta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := SetInOrder(ctx, p, "anthropic", "anthropic:delta", false); err == nil || !strings.Contains(err.Error(), "nothing to try") {
		t.Errorf("excluding the last one: %v", err)
	}
	if _, err := SetInOrder(ctx, p, "anthropic", "anthropic:stray", true); err == nil {
		t.Error("included a profile without a provider")
	}
	// Without an override, one is written from the order as the gateway
	// uses it, minus the excluded profile.
	if _, err := ClearOrder(ctx, p, "openai"); err != nil {
		t.Fatal(err)
	}
	if _, err := SaveCredential(ctx, p, Credential{ID: "openai:second", Provider: "openai", Type: TypeAPIKey, Secret: fakeSecret("sk-proj-", 50, 'S')}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err = SetInOrder(ctx, p, "openai", "openai:default", false)
	if err != nil || !res.After.Equal(Override{IDs: []string{"openai:second"}, Set: true}) || res.Before.Set {
		t.Errorf("exclude without an override: %+v %v", res, err)
	}
	assertKept(t, p)
}

func TestPruneDanglingOrder(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte(`{"version":1,"profiles":{"a:1":{"type":"api_key","provider":"a","key":"k"}},"order":{"a":["a:gone","a:1"],"b":["b:gone"]}}`))
	pruned, err := PruneDanglingOrder(context.Background(), p)
	if err != nil || len(pruned) != 2 {
		t.Fatalf("%v %v", pruned, err)
	}
	if got := storeOrder(t, p, "a"); !slices.Equal(got, []string{"a:1"}) {
		t.Errorf("a %v", got)
	}
	if got := storeOrder(t, p, "b"); got != nil {
		t.Errorf("b %v: an emptied override must go", got)
	}
}

// A profile without a provider is listed, never hidden nor guessed from
// its id, and never counted as one of a provider's profiles.
func TestNoProviderProfilesAreListedApart(t *testing.T) {
	p := opsPaths(t)
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r := BuildReport(snap, now, 0)
	last := r.Providers[len(r.Providers)-1]
	if last.Provider != NoProvider || len(last.Profiles) != 1 || last.Profiles[0].Profile.ID != "anthropic:stray" {
		t.Fatalf("last provider %+v", last)
	}
	if last.Profiles[0].Rank != 0 || last.Profiles[0].Excluded != NoProviderReason {
		t.Errorf("stray %+v", last.Profiles[0])
	}
	an, _ := r.Provider("anthropic")
	for _, pr := range an.Profiles {
		if pr.Profile.ID == "anthropic:stray" {
			t.Error("stray listed under anthropic")
		}
	}
	if ids := ProviderProfileIDs(snap.Store, "anthropic"); slices.Contains(ids, "anthropic:stray") {
		t.Errorf("ProviderProfileIDs %v", ids)
	}
	if got := snap.EffectiveOrder("anthropic", now).IDs; slices.Contains(got, "anthropic:stray") {
		t.Errorf("effective %v", got)
	}
}

func TestOrderNotes(t *testing.T) {
	p := opsPaths(t)
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	notes := snap.OrderNotes("anthropic", []string{"anthropic:alpha", "anthropic:bravo", "anthropic:charlie"}, now)
	if len(notes) != 1 || notes[0].ID != "anthropic:bravo" || notes[0].Unusable != UnusableCooldown || notes[0].Skipped {
		t.Errorf("notes %+v", notes)
	}
	if notes := snap.OrderNotes("openai", []string{"openai:default"}, now); len(notes) != 0 {
		t.Errorf("openai notes %+v", notes)
	}
}
