package authstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// usageEntries is the store's usageStats, each entry as field → raw value
// (key order aside).
func usageEntries(t *testing.T, p Paths) map[string]map[string]string {
	t.Helper()
	var doc struct {
		Usage map[string]map[string]json.RawMessage `json:"usageStats"`
	}
	if err := json.Unmarshal(readFile(t, p.Store), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for id, e := range doc.Usage {
		out[id] = map[string]string{}
		for k, v := range e {
			out[id][k] = string(v)
		}
	}
	return out
}

// usageStore is a store whose profiles carry every kind of failure state
// the gateways write, at now.
func usageStore(t *testing.T, now time.Time) string {
	t.Helper()
	at := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	return indentJSON(t, fmt.Sprintf(`{"version":1,"profiles":{
"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEAAAA"},
"anthropic:b":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEBBBB"},
"anthropic:c":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKECCCC"},
"anthropic:d":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEDDDD"},
"anthropic:e":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKEEEEE"}},
"usageStats":{
"anthropic:a":{"lastUsed":%d,"disabledUntil":%d,"disabledReason":"billing","errorCount":3,"failureCounts":{"billing":3},"lastFailureAt":%d,"futureField":"x"},
"anthropic:b":{"cooldownUntil":%d,"cooldownReason":"timeout","cooldownClassification":"transient","cooldownModel":"claude-sonnet-5","errorCount":1,"failureCounts":{"timeout":1},"lastFailureAt":%d},
"anthropic:c":{"lastUsed":%d,"errorCount":0},
"anthropic:d":{"blockedUntil":%d,"blockedReason":"auth_permanent","blockedSource":"provider","blockedModel":"m","blockedScope":"model","errorCount":2},
"anthropic:e":{"cooldownUntil":%d,"errorCount":4}}}`,
		at(-time.Hour), at(5*time.Hour), at(-time.Minute),
		at(time.Minute), at(-30*time.Second),
		at(-2*time.Hour),
		at(2*time.Hour),
		at(-time.Hour)))
}

// Clearing removes exactly the fields openclaw's own reset
// (resetAuthProfileFailureState) removes, sets errorCount to 0 as both
// gateways do, says until when each state would have lasted, and keeps
// everything else.
func TestClearUsageStateClearsWhatTheGatewayReads(t *testing.T) {
	p := newTestPaths(t)
	now := time.Now()
	writeFile(t, p.Store, []byte(usageStore(t, now)))
	res, err := ClearUsageState(context.Background(), p, nil, "anthropic", now)
	if err != nil {
		t.Fatal(err)
	}
	got := usageEntries(t, p)
	want := map[string]map[string]string{
		"anthropic:a": {"lastUsed": got["anthropic:a"]["lastUsed"], "errorCount": "0", "lastFailureAt": got["anthropic:a"]["lastFailureAt"], "futureField": `"x"`},
		"anthropic:b": {"errorCount": "0", "lastFailureAt": got["anthropic:b"]["lastFailureAt"]},
		"anthropic:c": {"lastUsed": got["anthropic:c"]["lastUsed"], "errorCount": "0"},
		"anthropic:d": {"errorCount": "0"},
		"anthropic:e": {"errorCount": "0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("usageStats after clearing:\n got %v\nwant %v", got, want)
	}
	for _, id := range []string{"anthropic:a", "anthropic:b"} {
		if got[id]["lastFailureAt"] == "" {
			t.Errorf("%s lost lastFailureAt", id)
		}
	}
	// errorCount stays in its place, as the gateway's spread keeps it.
	if keys := docKeys(t, readFile(t, p.Store), "usageStats", "anthropic:a"); !slices.Equal(keys, []string{"lastUsed", "errorCount", "lastFailureAt", "futureField"}) {
		t.Errorf("anthropic:a keys %v", keys)
	}
	var ids []string
	for _, c := range res.Cleared {
		ids = append(ids, c.ID)
	}
	// c had nothing to clear (an error count of 0 is none).
	if !slices.Equal(ids, []string{"anthropic:a", "anthropic:b", "anthropic:d", "anthropic:e"}) {
		t.Fatalf("cleared %v", ids)
	}
	ms := func(c UsageCleared) int64 { return c.Until.UnixMilli() }
	a, b, d, e := res.Cleared[0], res.Cleared[1], res.Cleared[2], res.Cleared[3]
	if a.Kind != UnusableDisabled || a.Reason != "billing" || ms(a) != now.Add(5*time.Hour).UnixMilli() {
		t.Errorf("a: %+v", a)
	}
	if b.Kind != UnusableCooldown || b.Reason != "timeout" || ms(b) != now.Add(time.Minute).UnixMilli() {
		t.Errorf("b: %+v", b)
	}
	if d.Kind != UsageBlocked || d.Reason != "auth_permanent" || ms(d) != now.Add(2*time.Hour).UnixMilli() {
		t.Errorf("d (blocked) until %v", d.Until)
	}
	if !e.Until.IsZero() || e.Kind != "" || e.Health.Unusable != "" {
		t.Errorf("e's cooldown had ended; only its error count was reset: %+v", e)
	}
	for _, id := range ids {
		pr, _ := res.Snapshot.Store.Profile(id)
		if h := res.Snapshot.Store.Health(pr, now, 0); h.Unusable != "" {
			t.Errorf("%s still %s", id, h.Unusable)
		}
	}

	// Nothing left to clear: nothing written.
	before := string(readFile(t, p.Store))
	res, err = ClearUsageState(context.Background(), p, []string{"anthropic:c", "anthropic:a"}, "", now)
	if err != nil || len(res.Cleared) != 0 || !res.Restore.Empty() || string(readFile(t, p.Store)) != before {
		t.Errorf("clearing again: %+v %v", res.Cleared, err)
	}
	var gone *ProfileGoneError
	if _, err := ClearUsageState(context.Background(), p, []string{"anthropic:a", "anthropic:zz"}, "", now); !errors.As(err, &gone) || gone.ID != "anthropic:zz" {
		t.Errorf("a missing profile: %v", err)
	}
	if string(readFile(t, p.Store)) != before {
		t.Error("a refused clear wrote the store")
	}
}

// The store a real openclaw 2026.9.6 wrote after a timeout (sample b):
// after clearing, the entry is what openclaw's own reset leaves.
func TestClearUsageStateMatchesOpenclawsReset(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.Store, []byte(indentJSON(t, `{"version":1,"profiles":{"anthropic:manual":{"type":"token","provider":"anthropic","token":"sk-ant-oat01-FAKE"}},`+
		`"usageStats":{"anthropic:manual":{"cooldownUntil":1796286741737,"cooldownReason":"timeout","cooldownModel":"claude-sonnet-5","errorCount":1,"failureCounts":{"timeout":1},"lastFailureAt":1796286711737}}}`)))
	if _, err := ClearUsageState(context.Background(), p, []string{"anthropic:manual"}, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readFile(t, p.Store)), `"anthropic:manual": {
      "errorCount": 0,
      "lastFailureAt": 1796286711737
    }`) {
		t.Errorf("after clearing:\n%s", readFile(t, p.Store))
	}
}

// Undo puts back exactly what was cleared, unless the store has moved on
// in a way that makes that wrong: then nothing is written.
func TestRestoreUsageStateUndoesOrRefuses(t *testing.T) {
	now := time.Now()
	ctx := context.Background()
	setup := func(t *testing.T) (Paths, UsageResult, map[string]map[string]string) {
		p := newTestPaths(t)
		writeFile(t, p.Store, []byte(usageStore(t, now)))
		before := usageEntries(t, p)
		res, err := ClearUsageState(ctx, p, []string{"anthropic:a", "anthropic:b"}, "", now)
		if err != nil {
			t.Fatal(err)
		}
		return p, res, before
	}
	t.Run("undo", func(t *testing.T) {
		p, res, before := setup(t)
		out, err := RestoreUsageState(ctx, p, res.Restore)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(out.Restored, []string{"anthropic:a", "anthropic:b"}) {
			t.Errorf("restored %v", out.Restored)
		}
		if got := usageEntries(t, p); !reflect.DeepEqual(got, before) {
			t.Errorf("after undo\n got %v\nwant %v", got, before)
		}
		if got := string(readFile(t, p.Store)); got != usageStore(t, now) {
			t.Errorf("after undo the file is not byte for byte what it was:\n%s", got)
		}
		pr, _ := out.Snapshot.Store.Profile("anthropic:a")
		if h := out.Snapshot.Store.Health(pr, now, 0); h.Unusable != UnusableDisabled {
			t.Errorf("a after undo: %+v", h)
		}
	})
	for _, tc := range []struct {
		name, why string
		change    func(s *Store)
	}{
		{"profile-gone", "anthropic:b is no longer in the store", func(s *Store) { s.RemoveProfile("anthropic:b") }},
		{"new-secret", "anthropic:a has a new secret", func(s *Store) {
			s.PutProfile(Credential{ID: "anthropic:a", Provider: "anthropic", Type: TypeAPIKey, Secret: "sk-ant-api03-FAKENEW"})
		}},
		{"new-cooldown", "new failures for anthropic:b since (cooldownUntil)", func(s *Store) {
			s.putUsageFields("anthropic:b", []backupField{{key: "cooldownUntil", raw: []byte(fmt.Sprint(now.Add(time.Hour).UnixMilli()))}})
		}},
		{"new-errors", "new failures for anthropic:a since (errorCount)", func(s *Store) {
			s.putUsageFields("anthropic:a", []backupField{{key: "errorCount", raw: []byte("1")}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, res, _ := setup(t)
			mustUpdate(t, p, func(s *Store) error { tc.change(s); return nil })
			before := string(readFile(t, p.Store))
			_, err := RestoreUsageState(ctx, p, res.Restore)
			var stale *StaleUndoError
			if !errors.As(err, &stale) || !strings.Contains(stale.Why, tc.why) {
				t.Errorf("got %v, want a StaleUndoError saying %q", err, tc.why)
			}
			if string(readFile(t, p.Store)) != before {
				t.Error("a refused undo wrote the store")
			}
		})
	}
	// The gateway using the profile meanwhile (lastUsed) is no reason to refuse.
	t.Run("used-meanwhile", func(t *testing.T) {
		p, res, _ := setup(t)
		mustUpdate(t, p, func(s *Store) error {
			s.putUsageFields("anthropic:a", []backupField{{key: "lastUsed", raw: []byte(fmt.Sprint(now.UnixMilli()))}})
			return nil
		})
		if _, err := RestoreUsageState(ctx, p, res.Restore); err != nil {
			t.Fatal(err)
		}
		if got := usageEntries(t, p)["anthropic:a"]; got["disabledReason"] != `"billing"` || got["lastUsed"] != fmt.Sprint(now.UnixMilli()) {
			t.Errorf("a after undo %v", got)
		}
	})
}

// An order change is undone from a fresh read, unless the order changed
// on disk since or names a profile that is gone.
func TestRevertOrder(t *testing.T) {
	ctx := context.Background()
	p := opsPaths(t)
	ex, err := SetInOrder(ctx, p, "anthropic", "anthropic:alpha", false)
	if err != nil {
		t.Fatal(err)
	}
	res, err := RevertOrder(ctx, p, "anthropic", ex.After, ex.Before)
	if err != nil || !res.After.Equal(ex.Before) || !slices.Equal(storeOrder(t, p, "anthropic"), ex.Before.IDs) {
		t.Fatalf("revert: %+v %v", res, err)
	}
	assertKept(t, p)
	// Again: the order is no longer what the change left.
	before := string(readFile(t, p.Store))
	var stale *StaleUndoError
	if _, err := RevertOrder(ctx, p, "anthropic", ex.After, ex.Before); !errors.As(err, &stale) || !strings.Contains(stale.Why, "changed on disk since") {
		t.Errorf("a second revert: %v", err)
	}
	// A clear is undone by writing the override back; an override written
	// where there was none is undone by clearing it.
	cl, err := ClearOrder(ctx, p, "anthropic")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RevertOrder(ctx, p, "anthropic", cl.After, cl.Before); err != nil || !slices.Equal(storeOrder(t, p, "anthropic"), cl.Before.IDs) {
		t.Errorf("undo the clear: %v, order %v", err, storeOrder(t, p, "anthropic"))
	}
	if got := storeOrder(t, p, "openai"); !slices.Equal(got, []string{"openai:default"}) {
		t.Errorf("openai's order after undoing anthropic's clear: %v", got)
	}
	if _, err := RevertOrder(ctx, p, "anthropic", cl.Before, Override{}); err != nil || storeOrder(t, p, "anthropic") != nil {
		t.Errorf("back to no override: %v", err)
	}
	// A profile of the order to bring back is gone.
	if _, err := RevertOrder(ctx, p, "anthropic", Override{}, cl.Before); err != nil {
		t.Fatal(err)
	}
	if _, err := RemoveProfile(ctx, p, "anthropic:bravo"); err != nil {
		t.Fatal(err)
	}
	after := overrideOf(mustParse(t, string(readFile(t, p.Store))), "anthropic")
	before = string(readFile(t, p.Store))
	if _, err := RevertOrder(ctx, p, "anthropic", after, cl.Before); !errors.As(err, &stale) || stale.Why != "anthropic:bravo is no longer in the store" {
		t.Errorf("revert to an order with a removed profile: %v", err)
	}
	if string(readFile(t, p.Store)) != before {
		t.Error("a refused revert wrote the store")
	}
}
