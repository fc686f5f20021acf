package authstore

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The samples in testdata/openclaw-2026.9.6 were written by the real
// openclaw 2026.9.6 (see shared/samples/openclaw-2026.9.6/README.md):
//
//	a: one API key pasted on a fresh install (shared store only);
//	b: a token with expiry, `order set` (in the main agent's own database),
//	   a cooldown after a failed turn (in the shared state row);
//	c: a clawdbot home upgraded by `openclaw doctor --fix` (four profiles,
//	   order and lastGood imported into the shared state row).
const (
	sampleA = "a-api-key"
	sampleB = "b-token-order-cooldown"
	sampleC = "c-migrated-clawdbot"
)

// copySample copies a sample state dir into a temp dir (never open the
// samples in place: opening a WAL database creates -wal/-shm beside it),
// with openclaw's modes (dirs 0700, files 0600), and returns the copy.
func copySample(t testing.TB, name string) string {
	t.Helper()
	src := filepath.Join("testdata", "openclaw-2026.9.6", name)
	dst := filepath.Join(t.TempDir(), "state")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// sqlitePaths resolves agent's paths in state (as openclaw's
// OPENCLAW_STATE_DIR), with nothing else from the environment.
func sqlitePaths(t testing.TB, state, agent string, env ...string) Paths {
	t.Helper()
	m := map[string]string{"OPENCLAW_STATE_DIR": state}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	p, err := ResolvePaths(agent, mapEnv(m), filepath.Join(filepath.Dir(state), "home"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dbRows reads the auth rows of a database with a connection of the
// test's own (not the cached one).
func dbRows(t testing.TB, path string, kind dbKind) dbCells {
	t.Helper()
	c, err := openSQLite(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	cells, err := c.readCells(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	return cells
}

// sqlExec runs statements on a database, as another program would.
func sqlExec(t testing.TB, path string, stmts ...string) {
	t.Helper()
	c, err := openSQLite(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	for _, q := range stmts {
		if _, err := c.conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// pragma reads one PRAGMA of a database.
func pragma(t testing.TB, path, name string) string {
	t.Helper()
	c, err := openSQLite(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var v string
	if err := c.conn.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// treeFiles lists the files under dir (relative paths).
func treeFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// checkFilesKept checks what the gateway's rules about its databases ask:
// no database or file made or removed (but the -wal/-shm beside an
// existing database), journal_mode still wal, user_version as openclaw
// left it.
func checkFilesKept(t *testing.T, state string, before []string) {
	t.Helper()
	after := treeFiles(t, state)
	var dbs []string
	for _, f := range before {
		if !slices.Contains(after, f) {
			t.Errorf("%s was removed", f)
		}
		if strings.HasSuffix(f, ".sqlite") {
			dbs = append(dbs, f)
		}
	}
	for _, f := range after {
		side := strings.TrimSuffix(strings.TrimSuffix(f, "-wal"), "-shm")
		if !slices.Contains(before, f) && (side == f || !slices.Contains(dbs, side)) {
			t.Errorf("%s was created", f)
		}
	}
	for _, db := range dbs {
		path := filepath.Join(state, db)
		if jm := pragma(t, path, "journal_mode"); jm != "wal" {
			t.Errorf("%s: journal_mode %s, want wal", db, jm)
		}
		want := "18"
		if strings.HasSuffix(db, "openclaw-agent.sqlite") {
			want = "23"
		}
		if v := pragma(t, path, "user_version"); v != want {
			t.Errorf("%s: user_version %s, want %s", db, v, want)
		}
	}
}

func sharedDB(state string) string { return filepath.Join(state, "state", "openclaw.sqlite") }
func agentDBOf(state, agent string) string {
	return filepath.Join(state, "agents", agent, "agent", "openclaw-agent.sqlite")
}

// TestSQLiteSamplesRead: moltbot reads each sample as openclaw 2026.9.6
// does (its models status --json of the same files agrees).
func TestSQLiteSamplesRead(t *testing.T) {
	for _, tc := range []struct {
		sample   string
		profiles []string
		order    map[string][]string
		lastGood map[string]string
		usage    map[string]Usage
	}{
		{sample: sampleA, profiles: []string{"anthropic:manual"}},
		{
			sample:   sampleB,
			profiles: []string{"anthropic:manual"},
			order:    map[string][]string{"anthropic": {"anthropic:manual"}}, // the main agent's own database
			usage:    map[string]Usage{"anthropic:manual": {CooldownUntil: 1796286741737, CooldownReason: "timeout", ErrorCount: 1}},
		},
		{
			sample:   sampleC,
			profiles: []string{"anthropic:default", "anthropic:manual", "anthropic:work", "openai:default"},
			order:    map[string][]string{"anthropic": {"anthropic:manual", "anthropic:default"}},
			lastGood: map[string]string{"anthropic": "anthropic:default"},
		},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			state := copySample(t, tc.sample)
			before := treeFiles(t, state)
			snap, err := Load(sqlitePaths(t, state, ""))
			if err != nil {
				t.Fatal(err)
			}
			g := snap.Paths.Gateway
			if g.Generation != GenSQLite || !g.Shared || g.Pending != nil {
				t.Fatalf("gateway %+v, want SQLite, shared state db, nothing pending", g)
			}
			if got := g.Describe(); got != "openclaw 2026.9.6 · SQLite (shared state db)" {
				t.Errorf("Describe() = %q", got)
			}
			if !snap.Exists {
				t.Error("Exists = false")
			}
			if got := ProfileIDs(snap.Store.Profiles); !slices.Equal(got, tc.profiles) {
				t.Errorf("profiles %v, want %v", got, tc.profiles)
			}
			if tc.order == nil {
				tc.order = map[string][]string{}
			}
			if got := snap.Store.Order; jsonOf(t, got) != jsonOf(t, tc.order) {
				t.Errorf("order %v, want %v", got, tc.order)
			}
			if tc.lastGood == nil {
				tc.lastGood = map[string]string{}
			}
			if got := snap.Store.LastGood; jsonOf(t, got) != jsonOf(t, tc.lastGood) {
				t.Errorf("lastGood %v, want %v", got, tc.lastGood)
			}
			if tc.usage == nil {
				tc.usage = map[string]Usage{}
			}
			if got := snap.Store.Usage; jsonOf(t, got) != jsonOf(t, tc.usage) {
				t.Errorf("usage %v, want %v", got, tc.usage)
			}
			checkFilesKept(t, state, before)
		})
	}
	// Sample b's token and its expiry, as openclaw reports them.
	snap, err := Load(sqlitePaths(t, copySample(t, sampleB), ""))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := snap.Store.Profile("anthropic:manual")
	if p.Type != TypeToken || p.Expires != 1798878602781 || !strings.HasPrefix(p.Token, "sk-ant-oat01-FAKE") {
		t.Errorf("b's token: %+v", p)
	}
}

// TestSQLiteMergeAgentOverShared: a second agent reads its own database
// over the shared store with openclaw's rules (exp-merge in the research):
// profiles by id, its own first; its own order whole; for a provider it
// has profiles of its own for and no order, its ids before the shared
// order; usage stats per id, whole entry; lastGood per provider.
func TestSQLiteMergeAgentOverShared(t *testing.T) {
	state := copySample(t, sampleC)
	work := agentDBOf(state, "work")
	copyFile(t, filepath.Join("testdata", "openclaw-2026.9.6", sampleB, "agents", "main", "agent", "openclaw-agent.sqlite"), work)
	sqlExec(t, sharedDB(state),
		`UPDATE config_machine_state SET value_json = '{"version":1,"order":{"anthropic":["anthropic:manual","anthropic:default"],"openai":["openai:default"]},"lastGood":{"anthropic":"anthropic:default","openai":"openai:default"},"usageStats":{"anthropic:manual":{"cooldownUntil":1796286741737,"errorCount":2},"anthropic:default":{"lastUsed":5}}}' WHERE state_key = 'authProfiles.state'`)
	sqlExec(t, work,
		`UPDATE auth_profile_store SET store_json = '{"version":1,"profiles":{"anthropic:mine":{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"},"openai:default":{"type":"api_key","provider":"openai","key":"`+fakeOAI+`","x-own":true}}}'`,
		`UPDATE auth_profile_state SET state_json = '{"version":1,"order":{"openai":["openai:default"]},"lastGood":{"anthropic":"anthropic:mine"},"usageStats":{"anthropic:manual":{"errorCount":0}}}'`)

	snap, err := Load(sqlitePaths(t, state, "work"))
	if err != nil {
		t.Fatal(err)
	}
	s := snap.Store
	if got, want := ProfileIDs(s.Profiles), []string{"anthropic:mine", "openai:default", "anthropic:default", "anthropic:manual", "anthropic:work"}; !slices.Equal(got, want) {
		t.Errorf("profiles %v, want %v", got, want)
	}
	if raw := docRaw(t, s.Marshal(), "profiles", "openai:default", "x-own"); raw != "true" {
		t.Errorf("openai:default is not the agent's own entry (x-own = %s)", raw)
	}
	want := map[string][]string{
		"anthropic": {"anthropic:mine", "anthropic:manual", "anthropic:default"},
		"openai":    {"openai:default"},
	}
	if jsonOf(t, s.Order) != jsonOf(t, want) {
		t.Errorf("order %v, want %v", s.Order, want)
	}
	if s.LastGood["anthropic"] != "anthropic:mine" || s.LastGood["openai"] != "openai:default" {
		t.Errorf("lastGood %v", s.LastGood)
	}
	if u := s.Usage["anthropic:manual"]; u.CooldownUntil != 0 || u.ErrorCount != 0 {
		t.Errorf("the agent's own usage entry must hide the shared cooldown whole: %+v", u)
	}
	if u := s.Usage["anthropic:default"]; u.LastUsed != 5 {
		t.Errorf("shared usage of anthropic:default: %+v", u)
	}

	// The main agent sees the shared store alone (it has no database of
	// its own in sample c).
	main, err := Load(sqlitePaths(t, state, ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := ProfileIDs(main.Store.Profiles); len(got) != 4 || slices.Contains(got, "anthropic:mine") {
		t.Errorf("main's profiles %v", got)
	}
	if u := main.Store.Usage["anthropic:manual"]; u.CooldownUntil != 1796286741737 {
		t.Errorf("main's usage %+v", u)
	}
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSQLiteLegacyMain: without the auth.sharedStore row (openclaw
// 2026.6.5 layouts, or a row deleted) the shared credentials are the main
// agent's own database, and the state database's auth rows are ignored.
func TestSQLiteLegacyMain(t *testing.T) {
	state := copySample(t, sampleB)
	sqlExec(t, sharedDB(state), `DELETE FROM config_machine_state WHERE state_key = 'auth.sharedStore'`)
	sqlExec(t, agentDBOf(state, "main"), `UPDATE auth_profile_store SET store_json = '{"version":1,"profiles":{"anthropic:old":{"type":"api_key","provider":"anthropic","key":"`+fakeAPI+`"}}}'`)
	before := treeFiles(t, state)
	sharedBefore := dbRows(t, sharedDB(state), stateDB)
	p := sqlitePaths(t, state, "")
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Paths.Gateway.Shared {
		t.Error("Shared = true without the marker")
	}
	if got := ProfileIDs(snap.Store.Profiles); !slices.Equal(got, []string{"anthropic:old"}) {
		t.Errorf("profiles %v, want the main agent database's only", got)
	}
	if len(snap.Store.Usage) != 0 {
		t.Errorf("the state database's usage row must be ignored: %v", snap.Store.Usage)
	}
	// A credential goes to the main agent's database.
	if _, err := SaveCredential(context.Background(), p, Credential{ID: "anthropic:new", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	got := dbRows(t, agentDBOf(state, "main"), agentDB)
	if !strings.Contains(string(got.store.raw), `"anthropic:new":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-FAKE`) {
		t.Errorf("main agent store row: %s", got.store.raw)
	}
	if after := dbRows(t, sharedDB(state), stateDB); string(after.store.raw) != string(sharedBefore.store.raw) || after.marker.present() {
		t.Errorf("the state database changed: %s / marker %s", after.store.raw, after.marker.raw)
	}
	checkFilesKept(t, state, before)
}

// TestSQLiteFreshSharedStore: on a state database without the marker and
// no credentials anywhere, the main agent's first credential makes the
// state database the shared store, as openclaw's first paste does: the
// marker and the store row in one transaction.
func TestSQLiteFreshSharedStore(t *testing.T) {
	state := copySample(t, sampleA)
	sqlExec(t, sharedDB(state), `DELETE FROM config_machine_state WHERE state_key IN ('auth.sharedStore', 'authProfiles.store')`)
	p := sqlitePaths(t, state, "")
	if _, err := SaveCredential(context.Background(), p, Credential{ID: "anthropic:manual", Provider: "anthropic", Type: TypeToken, Secret: fakeOAT, Expires: 1798878602781}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := dbRows(t, sharedDB(state), stateDB)
	if string(rows.marker.raw) != `{"location":"state-db"}` {
		t.Errorf("marker %q", rows.marker.raw)
	}
	want := `{"version":1,"profiles":{"anthropic:manual":{"type":"token","provider":"anthropic","expires":1798878602781,"token":"` + fakeOAT + `"}}}`
	if string(rows.store.raw) != want {
		t.Errorf("store row\n got %s\nwant %s", rows.store.raw, want)
	}
	if exists(agentDBOf(state, "main")) {
		t.Error("the main agent's database was created")
	}
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Paths.Gateway.Shared || len(snap.Store.Profiles) != 1 {
		t.Errorf("after: shared %v, profiles %v", snap.Paths.Gateway.Shared, ProfileIDs(snap.Store.Profiles))
	}
}

// TestSQLiteMigrationPending: a retired JSON credential file beside a
// SQLite store that has no profiles of that owner is what openclaw
// refuses with AUTH_PROFILE_MIGRATION_REQUIRED: moltbot says so, with the
// command, and writes nothing.
func TestSQLiteMigrationPending(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sample  string
		agent   string
		file    string // relative to the state dir
		pending bool
	}{
		// exp-legacy L2: the shared store has a key, but the main agent's
		// own database has no profiles.
		{"main agent dir", sampleA, "", "agents/main/agent/auth-profiles.json", true},
		{"legacy auth.json", sampleA, "", "agents/main/agent/auth.json", true},
		{"legacy oauth.json", sampleA, "", "credentials/oauth.json", true},
		{"another agent", sampleA, "work", "agents/work/agent/auth-profiles.json", true},
		{"another agent inherits main's", sampleA, "work", "agents/main/agent/auth-profiles.json", true},
		// auth-state.json holds no credential (exp-legacy L3: a warning).
		{"auth-state.json alone", sampleA, "", "agents/main/agent/auth-state.json", false},
		// sample c: doctor archived the file under another name.
		{"archived by doctor", sampleC, "", "", false},
		// b's main agent database exists but has no profiles either.
		{"b", sampleB, "", "agents/main/agent/auth-profiles.json", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := copySample(t, tc.sample)
			if tc.file != "" {
				writeFile(t, filepath.Join(state, tc.file), sample(t, "store-after-paste-token.json"))
			}
			p := sqlitePaths(t, state, tc.agent)
			snap, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			m := snap.Paths.Gateway.Pending
			if (m != nil) != tc.pending {
				t.Fatalf("Pending = %+v, want pending %v", m, tc.pending)
			}
			if !tc.pending {
				return
			}
			if m.Command != "openclaw doctor --fix --non-interactive --yes" || !strings.Contains(m.Reason, filepath.Base(tc.file)) {
				t.Errorf("migration %+v", m)
			}
			rowsBefore := dbRows(t, sharedDB(state), stateDB)
			_, err = SaveCredential(context.Background(), p, Credential{ID: "anthropic:x", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{})
			var mp *MigrationPendingError
			if !errors.As(err, &mp) || !strings.Contains(err.Error(), "openclaw doctor --fix --non-interactive --yes") {
				t.Fatalf("save: %v, want a MigrationPendingError", err)
			}
			if rows := dbRows(t, sharedDB(state), stateDB); string(rows.store.raw) != string(rowsBefore.store.raw) {
				t.Error("the shared store changed")
			}
		})
	}
}

// TestSQLiteNewerSchema: a database newer than moltbot knows is refused
// with one line that says what to do.
func TestSQLiteNewerSchema(t *testing.T) {
	state := copySample(t, sampleB)
	sqlExec(t, agentDBOf(state, "main"), "PRAGMA user_version = 24")
	_, err := Load(sqlitePaths(t, state, ""))
	var ne *NewerDatabaseError
	if !errors.As(err, &ne) || ne.Version != 24 || !strings.Contains(err.Error(), "this openclaw is newer than moltbot knows; upgrade moltbot") {
		t.Fatalf("Load: %v", err)
	}
	_, err = ClearOrder(context.Background(), sqlitePaths(t, state, ""), "anthropic")
	if !errors.As(err, &ne) {
		t.Fatalf("ClearOrder: %v", err)
	}
	if v := pragma(t, agentDBOf(state, "main"), "user_version"); v != "24" {
		t.Errorf("user_version %s", v)
	}
}

// TestSQLiteBadCell: a row that is not JSON is reported, with the
// database and the row, and nothing is written.
func TestSQLiteBadCell(t *testing.T) {
	state := copySample(t, sampleA)
	sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET value_json = '{"version":1,"profiles":{' WHERE state_key = 'authProfiles.store'`)
	_, err := Load(sqlitePaths(t, state, ""))
	var ce *CellError
	if !errors.As(err, &ce) || ce.Key != "authProfiles.store" || !strings.Contains(err.Error(), sharedDB(state)) {
		t.Fatalf("Load: %v", err)
	}
	if _, err := ClearOrder(context.Background(), sqlitePaths(t, state, ""), "anthropic"); !errors.As(err, &ce) {
		t.Fatalf("ClearOrder: %v", err)
	}
}

// unmarshalCell parses a cell for a test.
func unmarshalCell(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return m
}

// TestSQLiteWatch: DBWatch reports every commit to either database (by
// another program or by moltbot), a database created or replaced, and
// nothing for reads.
func TestSQLiteWatch(t *testing.T) {
	state := copySample(t, sampleB)
	p := sqlitePaths(t, state, "")
	w := WatchDatabases(p)
	defer w.Close()
	step := func(what string, want bool) {
		t.Helper()
		if got := w.Changed(); got != want {
			t.Errorf("%s: Changed() = %v, want %v", what, got, want)
		}
	}
	step("start", false)
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
	step("a read", false)
	sqlExec(t, sharedDB(state), `UPDATE config_machine_state SET updated_at_ms = updated_at_ms + 1 WHERE state_key = 'authProfiles.state'`)
	step("a commit to the shared database", true)
	step("nothing since", false)
	sqlExec(t, agentDBOf(state, "main"), `UPDATE auth_profile_state SET updated_at = updated_at + 1`)
	step("a commit to the agent's database", true)
	if _, err := ClearOrder(context.Background(), p, "anthropic"); err != nil {
		t.Fatal(err)
	}
	step("moltbot's own write", true)

	// Another agent: its database appears on openclaw's first write, and
	// may be replaced (a restore).
	wp := sqlitePaths(t, state, "work")
	ww := WatchDatabases(wp)
	defer ww.Close()
	if ww.Changed() {
		t.Error("work: changed at start")
	}
	work := agentDBOf(state, "work")
	copyFile(t, filepath.Join("testdata", "openclaw-2026.9.6", sampleB, "agents", "main", "agent", "openclaw-agent.sqlite"), work)
	if !ww.Changed() {
		t.Error("work: the database appeared, no change")
	}
	sqlExec(t, work, `UPDATE auth_profile_state SET updated_at = updated_at + 1`)
	if !ww.Changed() {
		t.Error("work: commit not seen")
	}
	tmp := work + ".restore"
	copyFile(t, filepath.Join("testdata", "openclaw-2026.9.6", sampleB, "agents", "main", "agent", "openclaw-agent.sqlite"), tmp)
	if err := os.Rename(tmp, work); err != nil {
		t.Fatal(err)
	}
	if !ww.Changed() {
		t.Error("work: replaced, no change")
	}
	sqlExec(t, work, `UPDATE auth_profile_state SET updated_at = updated_at + 1`)
	if !ww.Changed() {
		t.Error("work: commit to the new file not seen")
	}
}
