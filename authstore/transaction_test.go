package authstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Directories are 0700 and secret files 0600 from creation, even with a
// permissive umask.
func TestUpdateCreatesPrivateFiles(t *testing.T) {
	old := setUmask(0) // the most permissive: modes must not depend on the umask
	defer setUmask(old)
	p := newTestPaths(t)
	snap := mustUpdate(t, p, addProfile("anthropic:default"))
	if !snap.Exists || len(snap.Store.Profiles) != 1 {
		t.Errorf("returned snapshot: exists=%v profiles=%d", snap.Exists, len(snap.Store.Profiles))
	}
	for _, dir := range []string{p.StateDir, filepath.Join(p.StateDir, "agents"), filepath.Join(p.StateDir, "agents", "main"), p.AgentDir} {
		if m := fileMode(t, dir); m != 0o700 {
			t.Errorf("%s mode %o, want 700", dir, m)
		}
	}
	if m := fileMode(t, p.Store); m != 0o600 {
		t.Errorf("store mode %o, want 600", m)
	}
	mustUpdate(t, p, addProfile("openai:default"))
	if m := fileMode(t, p.Backup); m != 0o600 {
		t.Errorf(".bak mode %o, want 600", m)
	}
	if m := fileMode(t, p.Store); m != 0o600 {
		t.Errorf("store mode %o after rewrite, want 600", m)
	}
	// Nothing but the store and its backup is left in the agent dir.
	assertDirEntries(t, p.AgentDir, "auth-profiles.json", "auth-profiles.json.bak")
}

func assertDirEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	sort.Strings(want)
	if !equalStrings(got, want) {
		t.Errorf("%s holds %v, want %v", dir, got, want)
	}
}

func TestUpdateKeepsPreviousGoodCopy(t *testing.T) {
	p := newTestPaths(t)
	first := mustUpdate(t, p, addProfile("a:1"))
	if _, err := os.Stat(p.Backup); !os.IsNotExist(err) {
		t.Error("a .bak was made when there was no previous file")
	}
	v1 := readFile(t, p.Store)
	mustUpdate(t, p, addProfile("a:2"))
	v2 := readFile(t, p.Store)
	if got := readFile(t, p.Backup); string(got) != string(v1) {
		t.Errorf(".bak = %s, want the previous version", got)
	}
	mustUpdate(t, p, addProfile("a:3"))
	if got := readFile(t, p.Backup); string(got) != string(v2) {
		t.Errorf(".bak = %s, want the previous version", got)
	}
	// No change: nothing is written, the .bak stays.
	before, _ := os.Stat(p.Store)
	mustUpdate(t, p, func(s *Store) error {
		s.SetOrder("a", []string{"a:1"})
		s.ClearOrder("a") // back to where it was
		return nil
	})
	after, _ := os.Stat(p.Store)
	if !os.SameFile(before, after) {
		t.Error("an Update that changed nothing rewrote the store")
	}
	if got := readFile(t, p.Backup); string(got) != string(v2) {
		t.Error("an Update that changed nothing replaced the .bak")
	}
	if first.Store == nil || len(first.Store.Profiles) != 1 {
		t.Error("the first snapshot changed after later updates")
	}
}

// fn always sees the file as it is on disk now.
func TestUpdateReadsFresh(t *testing.T) {
	p := newTestPaths(t)
	mustUpdate(t, p, addProfile("a:1"))
	// Someone else (the gateway) writes behind our back.
	data := strings.Replace(string(readFile(t, p.Store)), `"profiles": {`, `"gatewayWrote": true,
  "profiles": {`, 1)
	writeFile(t, p.Store, []byte(data))
	mustUpdate(t, p, func(s *Store) error {
		if _, ok := s.doc.get("gatewayWrote"); !ok {
			t.Error("fn saw a stale copy")
		}
		return addProfile("a:2")(s)
	})
	if got := docKeys(t, readFile(t, p.Store)); !equalStrings(got, []string{"version", "gatewayWrote", "profiles"}) {
		t.Errorf("keys = %v", got)
	}
}

func TestCorruptStoreIsRefusedAndUntouched(t *testing.T) {
	cases := []struct {
		name      string
		data      string
		line, col int
	}{
		{"not JSON", "this is not json\n", 1, 2}, // "t" could start "true"; "h" is wrong
		{"profiles not an object", "{\n  \"version\": 1,\n  \"profiles\": [\"x\"]\n}\n", 3, 15},
		{"empty file", "", 1, 1},
		{"cut short", "{\n  \"version\": 1,\n  \"prof", 3, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPaths(t)
			writeFile(t, p.Store, []byte(tc.data))
			_, err := Load(p)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v, want *CorruptError", err)
			}
			if ce.Path != p.Store || ce.Line != tc.line || ce.Column != tc.col {
				t.Errorf("Load: %s:%d:%d, want %s:%d:%d", ce.Path, ce.Line, ce.Column, p.Store, tc.line, tc.col)
			}
			called := false
			_, err = update(context.Background(), p, func(s *Store) error { called = true; return addProfile("a:1")(s) })
			if !errors.As(err, &ce) || ce.Line != tc.line || ce.Column != tc.col {
				t.Fatalf("Update: %v, want the same *CorruptError", err)
			}
			if called {
				t.Error("fn ran on a corrupt store")
			}
			if got := readFile(t, p.Store); string(got) != tc.data {
				t.Error("the corrupt file was changed")
			}
			assertDirEntries(t, p.AgentDir, "auth-profiles.json")
		})
	}
	t.Run("a directory where the store should be", func(t *testing.T) {
		p := newTestPaths(t)
		if err := os.MkdirAll(p.Store, 0o700); err != nil {
			t.Fatal(err)
		}
		var ce *CorruptError
		if _, err := Load(p); !errors.As(err, &ce) {
			t.Errorf("Load: %v", err)
		}
		if _, err := update(context.Background(), p, addProfile("a:1")); !errors.As(err, &ce) {
			t.Errorf("Update: %v", err)
		}
	})
}

func TestLegacyImport(t *testing.T) {
	p := newTestPaths(t)
	legacyAuth := `{
  "anthropic": {"type": "api_key", "key": "` + fakeAPI + `"},
  "Z.AI": {"key": "zai-FAKE"},
  "openrouter": {"token": "sk-or-v1-FAKE", "expires": 1798184318701},
  "broken": "not an object"
}`
	legacyOAuth := `{"openai-codex": {"access": "FAKEaccess", "refresh": "FAKErefresh", "expires": 1798184318701, "accountId": "acct_FAKE"},
  "anthropic": {"access": "ignored: auth.json already gave anthropic:default"}}`
	writeFile(t, p.LegacyAuth, []byte(legacyAuth))
	writeFile(t, p.LegacyOAuth, []byte(legacyOAuth))

	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Exists {
		t.Error("Exists = true without a store")
	}
	wantIDs := []string{"anthropic:default", "openrouter:default", "zai:default", "openai-codex:default"}
	if !equalStrings(snap.LegacyImported, wantIDs) {
		t.Errorf("LegacyImported = %v, want %v", snap.LegacyImported, wantIDs)
	}
	want := map[string]Profile{
		"anthropic:default":    {ID: "anthropic:default", Type: TypeAPIKey, Provider: "anthropic", Key: fakeAPI},
		"zai:default":          {ID: "zai:default", Type: TypeAPIKey, Provider: "zai", Key: "zai-FAKE"},
		"openrouter:default":   {ID: "openrouter:default", Type: TypeToken, Provider: "openrouter", Token: "sk-or-v1-FAKE", Expires: 1798184318701},
		"openai-codex:default": {ID: "openai-codex:default", Type: TypeOAuth, Provider: "openai-codex", Access: "FAKEaccess", Refresh: "FAKErefresh", Expires: 1798184318701, AccountID: "acct_FAKE"},
	}
	for id, w := range want {
		if got, ok := snap.Store.Profile(id); !ok || got != w {
			t.Errorf("%s = %+v, want %+v", id, got, w)
		}
	}
	if _, err := os.Stat(p.Store); !os.IsNotExist(err) {
		t.Fatal("Load wrote a store")
	}

	// The first write puts them in the new store, with the change.
	mustUpdate(t, p, func(s *Store) error {
		s.SetOrder("anthropic", []string{"anthropic:default"})
		return nil
	})
	s, err := ParseStore(readFile(t, p.Store))
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if got, ok := s.Profile(id); !ok || got != w {
			t.Errorf("stored %s = %+v, want %+v", id, got, w)
		}
	}
	if ids, _ := s.OrderOverride("anthropic"); !equalStrings(ids, []string{"anthropic:default"}) {
		t.Errorf("order = %v", ids)
	}
	// The legacy files are left as they were.
	if string(readFile(t, p.LegacyAuth)) != legacyAuth || string(readFile(t, p.LegacyOAuth)) != legacyOAuth {
		t.Error("legacy files changed")
	}
	snap, err = Load(p)
	if err != nil || !snap.Exists || len(snap.LegacyImported) != 0 {
		t.Errorf("after the write: exists=%v imported=%v err=%v", snap.Exists, snap.LegacyImported, err)
	}
}

func TestLegacyImportOnlyOAuth(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.LegacyOAuth, []byte(`{"anthropic": {"type": "oauth", "access": "FAKEa", "refresh": "FAKEr", "expires": 1}}`))
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := snap.Store.Profile("anthropic:default"); !ok || got.Type != TypeOAuth || got.Provider != "anthropic" {
		t.Errorf("anthropic:default = %+v", got)
	}
	// A broken legacy file is simply not imported.
	p2 := newTestPaths(t)
	writeFile(t, p2.LegacyAuth, []byte(`{not json`))
	snap, err = Load(p2)
	if err != nil || len(snap.Store.Profiles) != 0 {
		t.Errorf("broken legacy: %+v, %v", snap.Store.Profiles, err)
	}
}

// Temp files a killed writer left behind (they may hold secrets) are removed
// by the next transaction; other files are not touched.
func TestUpdateRemovesAbandonedTempFiles(t *testing.T) {
	p := newTestPaths(t)
	mustUpdate(t, p, addProfile("a:1"))
	leftovers := []string{".auth-profiles.json123456789", "auth-profiles.json.bak.tmp-4242"}
	kept := []string{".auth-profiles.jsonx", "auth-profiles.json.corrupt-20260102-150405", "notes.txt", "auth.json"}
	for _, name := range append(append([]string(nil), leftovers...), kept...) {
		writeFile(t, filepath.Join(p.AgentDir, name), []byte("x"))
	}
	mustUpdate(t, p, addProfile("a:2"))
	assertDirEntries(t, p.AgentDir, append([]string{"auth-profiles.json", "auth-profiles.json.bak"}, kept...)...)
}

func TestLoadReportsWhatItRead(t *testing.T) {
	p := newTestPaths(t)
	writeFile(t, p.Store, sample(t, "store-after-order-set.json"))
	writeFile(t, p.Config, sample(t, "config-after-paste-token.json"))
	writeFile(t, p.Env, []byte("OPENROUTER_API_KEY=sk-or-FAKE\n"))
	snap, err := load(p, mapEnv(map[string]string{"ANTHROPIC_API_KEY": "sk-ant-api03-FAKEenv"}))
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p.Store)
	if !snap.Exists || snap.Size != fi.Size() || !snap.ModTime.Equal(fi.ModTime()) {
		t.Errorf("exists=%v size=%d mtime=%v", snap.Exists, snap.Size, snap.ModTime)
	}
	if len(snap.Store.Profiles) != 4 || snap.ConfigErr != nil || snap.Config.Profiles["openrouter:manual"].Mode != "token" {
		t.Errorf("store %d profiles, config %+v (%v)", len(snap.Store.Profiles), snap.Config, snap.ConfigErr)
	}
	if len(snap.Env) != 2 || snap.Env[0].Source != SourceProcessEnv || snap.Env[1].Var != "OPENROUTER_API_KEY" {
		t.Errorf("env = %+v", snap.Env)
	}
	// A config that cannot be read does not stop Load.
	writeFile(t, p.Config, []byte("{broken"))
	snap, err = load(p, mapEnv(nil))
	var ce *ConfigError
	if err != nil || !errors.As(snap.ConfigErr, &ce) || len(snap.Store.Profiles) != 4 {
		t.Errorf("broken config: err=%v configErr=%v", err, snap.ConfigErr)
	}
}

// A writer that stopped right after linking the backup leaves .bak and the
// store as one file; the next transaction must neither fail nor leave its
// temp link behind (renaming a link over another link of the same file does
// nothing).
func TestBackupAlreadyLinkedToStore(t *testing.T) {
	p := newTestPaths(t)
	mustUpdate(t, p, addProfile("a:1"))
	v1 := readFile(t, p.Store)
	if err := os.Link(p.Store, p.Backup); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, p, addProfile("a:2"))
	assertDirEntries(t, p.AgentDir, "auth-profiles.json", "auth-profiles.json.bak")
	if got := readFile(t, p.Backup); string(got) != string(v1) {
		t.Errorf(".bak = %s, want the previous version", got)
	}
	s, _ := ParseStore(readFile(t, p.Store))
	if _, ok := s.Profile("a:2"); !ok {
		t.Error("the update was not written")
	}
}

// A store others can read (made by hand) becomes private on the next write,
// and its backup is a private copy, not a readable link.
func TestWideStoreGetsPrivateBackup(t *testing.T) {
	old := setUmask(0)
	defer setUmask(old)
	p := newTestPaths(t)
	orig := storeWithOneProfile(t, p)
	if err := os.Chmod(p.Store, 0o644); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, p, addProfile("a:1"))
	if m := fileMode(t, p.Store); m != 0o600 {
		t.Errorf("store mode %o, want 600", m)
	}
	if m := fileMode(t, p.Backup); m != 0o600 {
		t.Errorf(".bak mode %o, want 600", m)
	}
	if got := readFile(t, p.Backup); string(got) != string(orig) {
		t.Errorf(".bak = %s", got)
	}
}
