package authstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// allRows reads every auth row of a state dir's databases (shared, main
// agent, agent "work"), keyed "shared.store", "main.state", …; rows that
// do not exist are absent.
func allRows(t testing.TB, state string) map[string]cell {
	t.Helper()
	out := map[string]cell{}
	add := func(prefix string, c dbCells) {
		for k, v := range map[string]cell{"store": c.store, "state": c.state, "marker": c.marker} {
			if v.present() {
				out[prefix+"."+k] = v
			}
		}
	}
	if exists(sharedDB(state)) {
		add("shared", dbRows(t, sharedDB(state), stateDB))
	}
	for _, a := range []string{"main", "work"} {
		if exists(agentDBOf(state, a)) {
			add(a, dbRows(t, agentDBOf(state, a), agentDB))
		}
	}
	return out
}

// changedRows lists the rows that differ between two allRows, and checks
// that every row written is compact JSON with a new updated_at.
func changedRows(t *testing.T, before, after map[string]cell) []string {
	t.Helper()
	var changed []string
	for k, b := range before {
		a, ok := after[k]
		switch {
		case !ok:
			changed = append(changed, k+" (deleted)")
		case !bytes.Equal(a.raw, b.raw):
			changed = append(changed, k)
		case a.at != b.at:
			t.Errorf("%s rewritten with the same content", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			changed = append(changed, k+" (new)")
		}
	}
	for k, a := range after {
		if b, ok := before[k]; ok && bytes.Equal(a.raw, b.raw) {
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, a.raw); err != nil || !bytes.Equal(c.Bytes(), a.raw) {
			t.Errorf("%s is not compact JSON: %s", k, a.raw)
		}
		if d := time.Since(time.UnixMilli(a.at)); d < 0 || d > time.Minute {
			t.Errorf("%s: updated_at %d is not now", k, a.at)
		}
	}
	sort.Strings(changed)
	return changed
}

// field reads a value from a row's JSON by path, as compact JSON ("" when
// absent).
func field(t testing.TB, rows map[string]cell, row string, path ...string) string {
	t.Helper()
	c, ok := rows[row]
	if !ok {
		return ""
	}
	if len(path) == 0 {
		return string(c.raw)
	}
	if !docHas(t, c.raw, path...) {
		return ""
	}
	return docRaw(t, c.raw, path...)
}

// seedUnknown adds fields openclaw's schema does not have to a store row
// (one in a profile, one at the top): moltbot's writes must keep them.
func seedUnknown(t testing.TB, state string, db string, kind dbKind) {
	t.Helper()
	path := sharedDB(state)
	q := `UPDATE config_machine_state SET value_json = json_set(value_json, '$.x-top', 1, '$.profiles."anthropic:manual".x-note', 'kept') WHERE state_key = 'authProfiles.store'`
	if kind == agentDB {
		path = db
		q = `UPDATE auth_profile_store SET store_json = json_set(store_json, '$.x-top', 1) WHERE store_key = 'primary'`
	}
	sqlExec(t, path, q)
}

// TestSQLiteRoundTrip runs every operation on a copy of each sample and
// checks which rows it wrote and what they hold (openclaw 2026.9.6 writes
// the same rows for the same commands: sqlite.md "who writes which row").
func TestSQLiteRoundTrip(t *testing.T) {
	ctx := context.Background()
	save := func(id, typ, secret string) func(Paths) error {
		return func(p Paths) error {
			_, err := SaveCredential(ctx, p, Credential{ID: id, Provider: "anthropic", Type: typ, Secret: secret}, SaveOptions{})
			return err
		}
	}
	type check func(t *testing.T, after map[string]cell)
	for _, tc := range []struct {
		name     string
		sample   string
		setup    func(t *testing.T, state string)
		op       func(Paths) error
		changed  []string // rows written
		wantErr  string   // the error, when the operation must be refused
		wantErr2 string   // and more of it
		check    check
	}{
		{
			name: "a save new", sample: sampleA, op: save("anthropic:new", TypeAPIKey, fakeAPI),
			changed: []string{"shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.store", "profiles", "anthropic:new"); got != `{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}` {
					t.Errorf("new profile %s", got)
				}
				if got := docKeys(t, r["shared.store"].raw, "profiles"); !slices.Equal(got, []string{"anthropic:manual", "anthropic:new"}) {
					t.Errorf("profiles %v", got)
				}
				if field(t, r, "shared.store", "x-top") != "1" || field(t, r, "shared.store", "profiles", "anthropic:manual", "x-note") != `"kept"` {
					t.Errorf("unknown fields lost: %s", r["shared.store"].raw)
				}
			},
		},
		{
			name: "a replace key", sample: sampleA, op: save("anthropic:manual", TypeAPIKey, fakeSecret("sk-ant-api03-", 108, 'N')),
			changed: []string{"shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.store", "profiles", "anthropic:manual", "key"); !strings.Contains(got, "FAKENNN") {
					t.Errorf("key %s", got)
				}
				if field(t, r, "shared.store", "profiles", "anthropic:manual", "x-note") != `"kept"` {
					t.Error("unknown field of the replaced profile lost")
				}
			},
		},
		{
			name: "a remove", sample: sampleA,
			op:      func(p Paths) error { _, err := RemoveProfile(ctx, p, "anthropic:manual"); return err },
			changed: []string{"shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.store"); got != `{"version":1,"profiles":{},"x-top":1}` {
					t.Errorf("store %s", got)
				}
			},
		},
		{
			// openclaw's `order set` creates the main agent's database;
			// moltbot never creates one.
			name: "a order set needs the agent database", sample: sampleA,
			op:      func(p Paths) error { _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:manual"}); return err },
			wantErr: "run `openclaw models auth order set --agent main --provider anthropic anthropic:manual`",
		},
		{
			// Placing a new profile writes the order too: refused as a
			// whole, and the command names only profiles openclaw knows.
			name: "a save placed first needs the agent database", sample: sampleA,
			op: func(p Paths) error {
				first := PlaceFirst
				_, err := SaveCredential(ctx, p, Credential{ID: "anthropic:new", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{Place: &first})
				return err
			},
			wantErr:  "the order for anthropic would be written to ",
			wantErr2: "run `openclaw models auth order set --agent main --provider anthropic anthropic:manual`",
			check: func(t *testing.T, r map[string]cell) {
				if strings.Contains(field(t, r, "shared.store"), "anthropic:new") {
					t.Error("the credential was saved without its place")
				}
			},
		},
		{
			name: "a order clear (none)", sample: sampleA,
			op: func(p Paths) error { _, err := ClearOrder(ctx, p, "anthropic"); return err },
		},
		{
			name: "b save new", sample: sampleB, op: save("anthropic:key", TypeAPIKey, fakeAPI),
			changed: []string{"shared.store"},
		},
		{
			// A new secret resets the profile's usage stats: the shared
			// state row (a cooldown only) is left empty and deleted.
			name: "b replace token", sample: sampleB, op: save("anthropic:manual", TypeToken, fakeSecret("sk-ant-oat01-", 108, 'N')),
			changed: []string{"shared.state (deleted)", "shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.store", "profiles", "anthropic:manual"); got != `{"type":"token","provider":"anthropic","token":"`+fakeSecret("sk-ant-oat01-", 108, 'N')+`","x-note":"kept"}` {
					t.Errorf("profile %s", got)
				}
			},
		},
		{
			name: "b renew", sample: sampleB,
			op: func(p Paths) error {
				_, err := RenewToken(ctx, p, "anthropic:manual", fakeSecret("sk-ant-oat01-", 108, 'R'), time.UnixMilli(1800000000000))
				return err
			},
			changed: []string{"shared.state (deleted)", "shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.store", "profiles", "anthropic:manual", "expires"); got != "1800000000000" {
					t.Errorf("expires %s", got)
				}
			},
		},
		{
			// The profile leaves the shared store, its cooldown the shared
			// state, and its place the main agent's order: both databases.
			name: "b remove", sample: sampleB,
			op:      func(p Paths) error { _, err := RemoveProfile(ctx, p, "anthropic:manual"); return err },
			changed: []string{"main.state (deleted)", "shared.state (deleted)", "shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "main.store"); got != `{"version":1,"profiles":{}}` {
					t.Errorf("main store %s", got)
				}
			},
		},
		{
			name: "b order set", sample: sampleB,
			setup: func(t *testing.T, state string) {
				sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = json_set(value_json, '$.profiles."anthropic:key"', json('{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}')) WHERE state_key = 'authProfiles.store'`)
			},
			op: func(p Paths) error {
				_, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:key", "anthropic:manual"})
				return err
			},
			changed: []string{"main.state"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "main.state"); got != `{"version":1,"order":{"anthropic":["anthropic:key","anthropic:manual"]}}` {
					t.Errorf("main state %s", got)
				}
			},
		},
		{
			name: "b move", sample: sampleB,
			setup: func(t *testing.T, state string) {
				sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = json_set(value_json, '$.profiles."anthropic:key"', json('{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}')) WHERE state_key = 'authProfiles.store'`,
					`UPDATE config_machine_state SET value_json = json_remove(value_json, '$.usageStats') WHERE state_key = 'authProfiles.state'`)
				sqlExec(t, agentDBOf(state, "main"), `UPDATE auth_profile_state SET state_json = '{"version":1,"order":{"anthropic":["anthropic:manual","anthropic:key"]}}'`)
			},
			op: func(p Paths) error {
				_, err := MoveProfile(ctx, p, "anthropic", Move{ID: "anthropic:key", Below: "anthropic:manual", Seen: Override{IDs: []string{"anthropic:manual", "anthropic:key"}, Set: true}})
				return err
			},
			changed: []string{"main.state"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "main.state", "order", "anthropic"); got != `["anthropic:key","anthropic:manual"]` {
					t.Errorf("order %s", got)
				}
			},
		},
		{
			name: "b exclude then the order keeps the rest", sample: sampleB,
			setup: func(t *testing.T, state string) {
				sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = json_set(value_json, '$.profiles."anthropic:key"', json('{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}')) WHERE state_key = 'authProfiles.store'`)
				sqlExec(t, agentDBOf(state, "main"), `UPDATE auth_profile_state SET state_json = '{"version":1,"order":{"anthropic":["anthropic:manual","anthropic:key"]}}'`)
			},
			op:      func(p Paths) error { _, err := SetInOrder(ctx, p, "anthropic", "anthropic:key", false); return err },
			changed: []string{"main.state"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "main.state", "order", "anthropic"); got != `["anthropic:manual"]` {
					t.Errorf("order %s", got)
				}
			},
		},
		{
			name: "b order clear", sample: sampleB,
			op:      func(p Paths) error { _, err := ClearOrder(ctx, p, "anthropic"); return err },
			changed: []string{"main.state (deleted)"},
		},
		{
			// openclaw's resetAuthProfileFailureState: the cooldown and
			// its failure counts go, errorCount becomes 0, lastFailureAt
			// stays; the row is the shared state's, where the failed turn
			// wrote it.
			name: "b clear cooldown", sample: sampleB,
			op: func(p Paths) error {
				_, err := ClearUsageState(ctx, p, []string{"anthropic:manual"}, "", time.Now())
				return err
			},
			changed: []string{"shared.state"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.state"); got != `{"version":1,"usageStats":{"anthropic:manual":{"errorCount":0,"lastFailureAt":1796286711737}}}` {
					t.Errorf("shared state %s", got)
				}
			},
		},
		{
			name: "c save new", sample: sampleC, op: save("anthropic:new", TypeToken, fakeOAT),
			changed: []string{"shared.store"},
		},
		{
			name: "c remove", sample: sampleC,
			op:      func(p Paths) error { _, err := RemoveProfile(ctx, p, "anthropic:default"); return err },
			changed: []string{"shared.state", "shared.store"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.state"); got != `{"version":1,"order":{"anthropic":["anthropic:manual"]},"x-state":true}` {
					t.Errorf("shared state %s", got)
				}
			},
		},
		{
			// The main agent's order imported into the shared state by
			// openclaw's doctor is its own: clearing removes it there.
			name: "c order clear", sample: sampleC,
			op:      func(p Paths) error { _, err := ClearOrder(ctx, p, "anthropic"); return err },
			changed: []string{"shared.state"},
			check: func(t *testing.T, r map[string]cell) {
				if got := field(t, r, "shared.state"); got != `{"version":1,"lastGood":{"anthropic":"anthropic:default"},"x-state":true}` {
					t.Errorf("shared state %s", got)
				}
			},
		},
		{
			name: "c order set needs the agent database", sample: sampleC,
			op: func(p Paths) error {
				_, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:default"})
				return err
			},
			wantErr: "run `openclaw models auth order set --agent main --provider anthropic anthropic:default`",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := copySample(t, tc.sample)
			seedUnknown(t, state, "", stateDB)
			if tc.sample == sampleC {
				sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = json_set(value_json, '$.x-state', json('true')) WHERE state_key = 'authProfiles.state'`)
			}
			if tc.setup != nil {
				tc.setup(t, state)
			}
			files := treeFiles(t, state)
			before := allRows(t, state)
			err := tc.op(sqlitePaths(t, state, ""))
			after := allRows(t, state)
			if tc.wantErr != "" {
				var me *MissingDatabaseError
				if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.wantErr2) {
					t.Fatalf("err %v, want a MissingDatabaseError with %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := changedRows(t, before, after); !slices.Equal(got, tc.changed) {
				t.Errorf("rows written %v, want %v", got, tc.changed)
			}
			if tc.check != nil {
				tc.check(t, after)
			}
			checkFilesKept(t, state, files)
		})
	}
}

// TestSQLiteRestoreUsageState: undo puts back exactly what the clear took.
func TestSQLiteRestoreUsageState(t *testing.T) {
	ctx := context.Background()
	state := copySample(t, sampleB)
	p := sqlitePaths(t, state, "")
	before := unmarshalCell(t, allRows(t, state)["shared.state"].raw)
	res, err := ClearUsageState(ctx, p, nil, "anthropic", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cleared) != 1 || res.Cleared[0].ID != "anthropic:manual" {
		t.Fatalf("cleared %+v", res.Cleared)
	}
	if _, err := RestoreUsageState(ctx, p, res.Restore); err != nil {
		t.Fatal(err)
	}
	after := unmarshalCell(t, allRows(t, state)["shared.state"].raw)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("restored %v, want %v", after, before)
	}
}

// TestSQLiteOtherAgent: an agent other than main keeps its own
// credentials and order in its own database, sees the shared ones
// through it, and a shared profile's cooldown stays in the shared row.
func TestSQLiteOtherAgent(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (string, Paths) {
		state := copySample(t, sampleC)
		copyFile(t, "testdata/openclaw-2026.9.6/"+sampleB+"/agents/main/agent/openclaw-agent.sqlite", agentDBOf(state, "work"))
		sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = json_set(value_json, '$.usageStats', json('{"anthropic:work":{"cooldownUntil":4102444800000,"errorCount":3}}')) WHERE state_key = 'authProfiles.state'`)
		return state, sqlitePaths(t, state, "work")
	}
	t.Run("save", func(t *testing.T) {
		state, p := setup(t)
		before := allRows(t, state)
		if _, err := SaveCredential(ctx, p, Credential{ID: "anthropic:mine", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		after := allRows(t, state)
		if got := changedRows(t, before, after); !slices.Equal(got, []string{"work.store"}) {
			t.Errorf("rows written %v", got)
		}
		snap, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		// Its own order names manual only; its own profile comes first in
		// the list only where it has no order of its own (none here).
		if got := ProfileIDs(snap.Store.Profiles); got[0] != "anthropic:mine" || len(got) != 5 {
			t.Errorf("profiles %v", got)
		}
	})
	t.Run("order set", func(t *testing.T) {
		state, p := setup(t)
		before := allRows(t, state)
		if _, err := SetOrder(ctx, p, "anthropic", []string{"anthropic:work", "anthropic:manual"}); err != nil {
			t.Fatal(err)
		}
		after := allRows(t, state)
		if got := changedRows(t, before, after); !slices.Equal(got, []string{"work.state"}) {
			t.Errorf("rows written %v", got)
		}
		if got := field(t, after, "work.state"); got != `{"version":1,"order":{"anthropic":["anthropic:work","anthropic:manual"]}}` {
			t.Errorf("work state %s", got)
		}
	})
	t.Run("clear a shared profile's cooldown", func(t *testing.T) {
		state, p := setup(t)
		before := allRows(t, state)
		if _, err := ClearUsageState(ctx, p, []string{"anthropic:work"}, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		after := allRows(t, state)
		if got := changedRows(t, before, after); !slices.Equal(got, []string{"shared.state"}) {
			t.Errorf("rows written %v", got)
		}
		// What openclaw's reset leaves: errorCount 0 and nothing else.
		if !strings.Contains(string(after["shared.state"].raw), `"usageStats":{"anthropic:work":{"errorCount":0}}`) {
			t.Errorf("shared state %s", after["shared.state"].raw)
		}
	})
	t.Run("remove a shared profile its order names", func(t *testing.T) {
		state, p := setup(t)
		before := allRows(t, state)
		if _, err := RemoveProfile(ctx, p, "anthropic:manual"); err != nil {
			t.Fatal(err)
		}
		after := allRows(t, state)
		// Gone from the shared store and the shared order, and from the
		// agent's own order (which named only it: the row is deleted).
		if got, want := changedRows(t, before, after), []string{"shared.state", "shared.store", "work.state (deleted)"}; !slices.Equal(got, want) {
			t.Errorf("rows written %v, want %v", got, want)
		}
		snap, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := snap.Store.Profile("anthropic:manual"); ok {
			t.Error("still there")
		}
		if got := snap.Store.Order["anthropic"]; !slices.Equal(got, []string{"anthropic:default"}) {
			t.Errorf("order %v", got)
		}
	})
	t.Run("order clear brings back the shared order", func(t *testing.T) {
		state, p := setup(t)
		before := allRows(t, state)
		res, err := ClearOrder(ctx, p, "anthropic")
		if err != nil {
			t.Fatal(err)
		}
		if got := changedRows(t, before, allRows(t, state)); !slices.Equal(got, []string{"work.state (deleted)"}) {
			t.Errorf("rows written %v", got)
		}
		want := []string{"anthropic:manual", "anthropic:default"}
		if !res.After.Set || !slices.Equal(res.After.IDs, want) || !slices.Equal(res.Snapshot.Store.Order["anthropic"], want) {
			t.Errorf("after: %+v, store %v; want the shared order %v", res.After, res.Snapshot.Store.Order, want)
		}
	})
	t.Run("no database yet", func(t *testing.T) {
		state := copySample(t, sampleA)
		files := treeFiles(t, state)
		_, err := SaveCredential(ctx, sqlitePaths(t, state, "work"), Credential{ID: "anthropic:w", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{})
		var me *MissingDatabaseError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), "run `openclaw models auth paste-api-key --agent work --provider anthropic`") {
			t.Fatalf("err %v", err)
		}
		checkFilesKept(t, state, files)
	})
}
